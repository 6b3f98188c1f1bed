//! What help lists, grouped by where it works: the keys heard everywhere,
//! each pane's, the compare view's, a dialog's, the composer's own keys and
//! the `/` commands typed there. The keys themselves come from the keymap
//! when help is drawn, so a rebound action shows its new key.
//!
//! Help is a list like any other: `↓`/`↑` move its selection (the overlay's
//! `offset` is the selected row) and the window follows it, so it scrolls
//! whatever the terminal's height.

use crate::action::Action;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    /// A group's title.
    Section(&'static str),
    /// An action with its keys; the text says what it does here, when the
    /// action's own description is not the whole story.
    Action(Action, Option<&'static str>),
    /// A key that is not the keymap's (the composer's own editing keys).
    Typed { keys: &'static str, what: &'static str },
    /// A command typed in the composer, as `/blocker TEXT`.
    Command { usage: String, what: &'static str },
}

use Action as A;

const GLOBAL: &[(Action, Option<&str>)] = &[
    (A::ToggleHelp, None),
    (A::Palette, None),
    (A::Quit, None),
    (A::QuitNow, None),
    (A::Cancel, None),
    (A::FocusNext, None),
    (A::FocusPrev, None),
    (A::FocusChecklist, None),
    (A::FocusRollout, None),
    (A::FocusRepos, None),
    (A::FocusSentry, None),
    (A::FocusLog, None),
    (A::ToggleZoom, None),
    (A::Refresh, None),
    (A::Filter, None),
    (A::MarkPush, None),
    (A::Compose, None),
    (A::ExportNotes, None),
    (A::PauseStory, None),
    (A::Lock, None),
    (A::Smoke, None),
];
const LISTS: &[(Action, Option<&str>)] = &[
    (A::SelectNext, None),
    (A::SelectPrev, None),
    (A::PageDown, None),
    (A::PageUp, None),
    (A::SelectFirst, None),
    (A::SelectLast, None),
    (A::OpenUrl, Some("open the selection's link: a compare, a service, a Sentry issue")),
    (A::CopyUrl, Some("copy the selection's link")),
    (A::OpenBuild, None),
];
const CHECKLIST: &[(Action, Option<&str>)] =
    &[(A::ToggleTick, None), (A::Activate, Some("tick or untick the selected item")), (A::Waive, None)];
const REPOS: &[(Action, Option<&str>)] = &[
    (A::Fetch, None),
    (A::CreateTags, None),
    (A::PushTags, None),
    (A::Retag, None),
    (A::Compare, None),
    (A::Activate, Some("open the selected repository's compare view")),
    (A::CopyUrl, None),
    (A::OpenUrl, None),
];
const ROLLOUT: &[(Action, Option<&str>)] = &[(A::Deploy, None), (A::Rollback, None)];
const LOG: &[(Action, Option<&str>)] = &[
    (A::LogFilter, None),
    (A::Activate, Some("write in the log")),
    (A::SelectPrev, Some("scroll back; the selected line is marked")),
];
const COMPARE: &[(Action, Option<&str>)] =
    &[(A::ToggleMerges, None), (A::CopyUrl, None), (A::OpenUrl, None), (A::Compare, Some("close the compare view"))];
const DIALOGS: &[(Action, Option<&str>)] = &[(A::Activate, Some("confirm")), (A::Cancel, Some("cancel"))];
const COMPOSER: &[(&str, &str)] = &[
    ("enter", "send the line"),
    ("alt-enter", "start a new line"),
    ("↑", "on an empty composer: the last line sent"),
    ("esc", "leave the composer"),
];

/// What each `/` command does, by name; a command the notes know and this
/// does not is still listed, by its usage alone.
fn command_text(name: &str) -> &'static str {
    match name {
        "notable" => "a notable thing shipping (in the notes)",
        "blocker" => "raise a blocker; it gets a number",
        "unblock" => "resolve blocker number N",
        "pick" => "a commit to cherry-pick onto this push",
        "note" => "a line for the notes",
        "tick" => "tick a checklist item by its id",
        "retract" => "take back your last notes line, or blocker #N, or a pick",
        "help" => "list the commands",
        _ => "",
    }
}

/// Every row of help, in order.
pub fn rows() -> Vec<HelpRow> {
    let mut out = Vec::new();
    let mut group = |title: &'static str, actions: &[(Action, Option<&'static str>)]| {
        out.push(HelpRow::Section(title));
        out.extend(actions.iter().map(|&(a, what)| HelpRow::Action(a, what)));
    };
    group("Everywhere", GLOBAL);
    group("In every list (Rollout, Checklist, Repos, Sentry issues, Log, help)", LISTS);
    group("Checklist", CHECKLIST);
    group("Rollout", ROLLOUT);
    group("Repos & tags", REPOS);
    group("Log", LOG);
    group("Compare view", COMPARE);
    group("Dialogs", DIALOGS);
    out.push(HelpRow::Section("Composer (i)"));
    out.extend(COMPOSER.iter().map(|&(keys, what)| HelpRow::Typed { keys, what }));
    out.push(HelpRow::Section("Commands typed in the composer"));
    let commands = crate::domain::notes::HELP.trim_start_matches("commands:");
    for usage in commands.split('·').map(str::trim).filter(|u| !u.is_empty()) {
        let name = usage.trim_start_matches('/').split_whitespace().next().unwrap_or("");
        out.push(HelpRow::Command { usage: usage.to_string(), what: command_text(name) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_action_and_every_command() {
        let rows = rows();
        for a in Action::ALL {
            assert!(rows.iter().any(|r| matches!(r, HelpRow::Action(x, _) if *x == a)), "{a:?} is not in help");
        }
        for name in ["notable", "blocker", "unblock", "pick", "note", "tick"] {
            let listed = rows.iter().any(|r| matches!(r, HelpRow::Command { usage, what } if usage.starts_with(&format!("/{name}")) && !what.is_empty()));
            assert!(listed, "/{name} is not in help");
        }
        let sections: Vec<_> =
            rows.iter().filter_map(|r| if let HelpRow::Section(s) = r { Some(*s) } else { None }).collect();
        assert!(sections.contains(&"Everywhere") && sections.contains(&"Dialogs"), "{sections:?}");
    }
}
