//! The command palette (`:`): every action, the pane jumps among them, and
//! the notes commands the composer knows, in one list filtered as it is
//! typed. Enter runs the selected entry — the root routes it like the key
//! it stands for, or like the line typed in the composer — unless it does
//! not apply where the palette was opened from, which the palette says.

use crate::action::Action;
use crate::domain::kernel::input::{Edit, LineInput};
use crate::domain::view::pane::Pane;

/// The palette's state: what is typed, and which of the matching entries
/// is selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    pub input: LineInput,
    pub selected: usize,
}

/// A notes command, as typed after `/` in the composer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotesCommand {
    pub name: &'static str,
    /// What it needs after it, as help writes it; empty when nothing, in
    /// brackets when it may be left out.
    pub arg: &'static str,
    pub help: &'static str,
}

/// The composer's commands (`domain/notes`), in its help's order.
pub const NOTES: [NotesCommand; 8] = [
    NotesCommand { name: "notable", arg: "TEXT", help: "a notable change, for the push notes" },
    NotesCommand { name: "blocker", arg: "TEXT", help: "a blocker, numbered in the notes" },
    NotesCommand { name: "unblock", arg: "N", help: "clear blocker N" },
    NotesCommand { name: "pick", arg: "SHA [REPO]", help: "a cherry-pick going out in this push" },
    NotesCommand { name: "note", arg: "TEXT", help: "a line for the push notes" },
    NotesCommand { name: "tick", arg: "ITEM", help: "tick a checklist item by its id" },
    NotesCommand { name: "retract", arg: "[#N|SHA]", help: "take back your last notes line, or blocker #N, or a pick" },
    NotesCommand { name: "help", arg: "", help: "the composer's commands, in the log" },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Action(Action),
    Notes(NotesCommand),
}

/// One line of the palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub command: Command,
    /// What it works on: "global", "pane", "checklist", "repos", "notes"…
    pub area: &'static str,
}

impl Entry {
    pub fn name(&self) -> &'static str {
        match self.command {
            Command::Action(a) => a.name(),
            Command::Notes(n) => n.name,
        }
    }

    pub fn help(&self) -> &'static str {
        match self.command {
            Command::Action(a) => a.description(),
            Command::Notes(n) => n.help,
        }
    }

    /// Why it cannot run from the main view with `focus`, if it cannot.
    pub fn refusal(&self, focus: Pane) -> Option<&'static str> {
        match self.command {
            Command::Action(Action::ToggleTick | Action::Waive) if focus != Pane::Checklist => {
                Some("works on the Checklist's selection: focus the Checklist first")
            }
            Command::Action(Action::ToggleMerges) => Some("works in the compare view: open it with compare"),
            _ => None,
        }
    }
}

/// What the palette asks the root to run once it has closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Action(Action),
    /// A notes command line, as if sent from the composer.
    Line(String),
}

/// What an edit did: the palette stays, closes, or closes to run something;
/// `say` is a message for the palette's bottom line (error or not).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    pub close: bool,
    pub run: Option<Run>,
    pub say: Option<(String, bool)>,
}

/// Every entry, in the action table's order then the notes commands; the
/// palette's own key is left out.
pub fn entries() -> Vec<Entry> {
    let actions = Action::ALL
        .into_iter()
        .filter(|a| *a != Action::Palette)
        .map(|a| Entry { command: Command::Action(a), area: area(a) });
    actions.chain(NOTES.iter().map(|n| Entry { command: Command::Notes(*n), area: "notes" })).collect()
}

fn area(a: Action) -> &'static str {
    match a {
        Action::FocusChecklist
        | Action::FocusRepos
        | Action::FocusRollout
        | Action::FocusSentry
        | Action::FocusLog
        | Action::FocusNext
        | Action::FocusPrev
        | Action::ToggleZoom => "pane",
        Action::ToggleTick | Action::Waive | Action::MarkPush => "checklist",
        Action::Fetch | Action::CreateTags | Action::PushTags | Action::Compare => "repos",
        Action::ToggleMerges => "compare",
        Action::LogFilter | Action::Compose => "log",
        Action::ExportNotes => "notes",
        Action::SelectNext
        | Action::SelectPrev
        | Action::PageDown
        | Action::PageUp
        | Action::SelectFirst
        | Action::SelectLast
        | Action::Activate
        | Action::CopyUrl
        | Action::OpenUrl
        | Action::Filter => "selection",
        Action::OpenBuild => "rollout",
        _ => "global",
    }
}

/// The typed text read as a notes command and its argument, when its
/// first word names one and something follows it (`blocker db is down`).
fn with_argument(query: &str) -> Option<(NotesCommand, &str)> {
    let (word, rest) = query.trim_start().split_once(' ')?;
    let word = word.strip_prefix('/').unwrap_or(word);
    let command = NOTES.iter().find(|n| n.name.eq_ignore_ascii_case(word) && !n.arg.is_empty())?;
    Some((*command, rest.trim()))
}

/// The entries matching `query`, best first, and the argument typed after
/// a notes command's name. Each typed word must be found: as the start of
/// the name (best), in it, as its letters in order (`pt` finds
/// `push_tags`), or in the help text or the area (last).
pub fn filter(query: &str) -> (Vec<Entry>, Option<String>) {
    if let Some((command, arg)) = with_argument(query) {
        return (vec![Entry { command: Command::Notes(command), area: "notes" }], Some(arg.to_string()));
    }
    let words: Vec<String> =
        query.split_whitespace().map(|w| w.trim_start_matches(['/', ':']).to_lowercase()).collect();
    let mut scored: Vec<(usize, usize, Entry)> = entries()
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let score = words.iter().map(|w| score(&e, w)).sum::<Option<usize>>()?;
            Some((score, i, e))
        })
        .collect();
    scored.sort_by_key(|(score, i, _)| (*score, *i));
    (scored.into_iter().map(|(_, _, e)| e).collect(), None)
}

fn score(e: &Entry, word: &str) -> Option<usize> {
    let name = e.name();
    if word.is_empty() || name.starts_with(word) {
        return Some(0);
    }
    if name.contains(word) {
        return Some(1);
    }
    let mut letters = name.chars();
    if word.chars().filter(|c| *c != '_' && *c != '-').all(|c| letters.any(|n| n == c)) {
        return Some(2);
    }
    (e.help().to_lowercase().contains(word) || e.area.contains(word)).then_some(3)
}

impl Palette {
    /// The entries shown now, and the argument typed for a notes command.
    pub fn shown(&self) -> (Vec<Entry>, Option<String>) {
        filter(&self.input.text())
    }

    /// Moves the selection by `delta` rows, within the entries shown.
    pub fn step(&mut self, delta: isize) {
        let last = self.shown().0.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize).saturating_add(delta).clamp(0, last) as usize;
    }

    /// A key typed in the palette, `focus` being the pane under it.
    pub fn edit(&mut self, edit: Edit, focus: Pane) -> Answer {
        match edit {
            Edit::Cancel => Answer { close: true, ..Answer::default() },
            Edit::Submit => self.submit(focus),
            other => {
                self.input.edit(other);
                self.selected = 0;
                Answer::default()
            }
        }
    }

    fn submit(&mut self, focus: Pane) -> Answer {
        let (shown, arg) = self.shown();
        let say = |text: String, error: bool| Answer { say: Some((text, error)), ..Answer::default() };
        let Some(entry) = shown.get(self.selected.min(shown.len().saturating_sub(1))) else {
            return say(format!("no command matches `{}`", self.input.text().trim()), true);
        };
        if let Some(why) = entry.refusal(focus) {
            return say(format!("{}: {why}", entry.name()), true);
        }
        match entry.command {
            Command::Action(a) => Answer { close: true, run: Some(Run::Action(a)), say: None },
            Command::Notes(n) => match arg.filter(|a| !a.is_empty()) {
                Some(arg) => Answer { close: true, run: Some(Run::Line(format!("/{} {arg}", n.name))), say: None },
                None if n.arg.is_empty() || n.arg.starts_with('[') => {
                    Answer { close: true, run: Some(Run::Line(format!("/{}", n.name))), say: None }
                }
                // Asks for what it needs, in place: the name stays typed.
                None => {
                    self.input = LineInput::default();
                    self.input.paste(&format!("{} ", n.name));
                    self.selected = 0;
                    say(format!("type the {} after {}, then enter", n.arg, n.name), false)
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(query: &str) -> Vec<&'static str> {
        filter(query).0.iter().map(|e| e.name()).collect()
    }

    fn typed(p: &mut Palette, text: &str) {
        for c in text.chars() {
            p.edit(Edit::Char(c), Pane::Rollout);
        }
    }

    #[test]
    fn every_action_and_notes_command_is_listed_once() {
        let all = names("");
        assert_eq!(all.len(), Action::ALL.len() - 1 + NOTES.len());
        assert!(!all.contains(&"palette"), "the palette does not list itself");
        for n in ["focus_checklist", "fetch", "create_tags", "push_tags", "export_notes", "refresh", "blocker"] {
            assert!(all.contains(&n), "{n}");
        }
    }

    #[test]
    fn typing_narrows_best_first() {
        assert_eq!(names("fetch"), ["fetch"]);
        assert_eq!(names("tag")[..2], ["create_tags", "push_tags"], "in the name before the help text");
        assert_eq!(names("push tags")[0], "push_tags");
        assert_eq!(names("pt")[0], "push_tags", "letters in order");
        assert_eq!(names("BLOCK")[..2], ["blocker", "unblock"]);
        assert!(names("checklist").contains(&"focus_checklist"));
        assert!(names("zzz").is_empty());
    }

    #[test]
    fn a_notes_command_takes_its_argument_or_asks_for_it() {
        let (shown, arg) = filter("blocker the CDN is down");
        assert_eq!((shown[0].name(), arg.as_deref()), ("blocker", Some("the CDN is down")));
        let mut p = Palette::default();
        typed(&mut p, "blocker");
        let asked = p.edit(Edit::Submit, Pane::Rollout);
        assert_eq!(asked.say, Some(("type the TEXT after blocker, then enter".into(), false)));
        assert!(!asked.close);
        assert_eq!(p.input.text(), "blocker ");
        typed(&mut p, "db down");
        let ran = p.edit(Edit::Submit, Pane::Rollout);
        assert_eq!(ran.run, Some(Run::Line("/blocker db down".into())));
        assert!(ran.close);
    }

    #[test]
    fn enter_runs_the_selection_or_says_why_not() {
        let mut p = Palette::default();
        typed(&mut p, "tags");
        p.step(1);
        assert_eq!(p.edit(Edit::Submit, Pane::Rollout).run, Some(Run::Action(Action::PushTags)));

        let mut p = Palette::default();
        typed(&mut p, "toggle_tick");
        let refused = p.edit(Edit::Submit, Pane::Rollout);
        assert!(refused.run.is_none() && !refused.close);
        assert!(refused.say.unwrap().0.contains("focus the Checklist first"));
        assert_eq!(p.edit(Edit::Submit, Pane::Checklist).run, Some(Run::Action(Action::ToggleTick)));

        let mut p = Palette::default();
        typed(&mut p, "qqqq");
        assert_eq!(p.edit(Edit::Submit, Pane::Log).say, Some(("no command matches `qqqq`".into(), true)));
        assert!(p.edit(Edit::Cancel, Pane::Log).close);
    }
}
