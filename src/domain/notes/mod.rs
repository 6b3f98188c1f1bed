//! The push notes, kept in the log: `/notable`, `/blocker` (and `/unblock
//! N`), `/pick SHA [REPO]` and `/note` lines become events, and the notes
//! are a fold over them — the shape of the weekly notes pad.

use crate::domain::journal::{Event, EventActor, EventKind, Order};
use chrono::{DateTime, Utc};

pub mod compose;
pub mod msg;
pub mod render;
pub mod retract;
pub mod shipped;

/// What a line typed in the composer (or given to `shipdeck log`) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Chat(String),
    Notable(String),
    Blocker(String),
    Unblock(usize),
    Pick {
        sha: String,
        repo: Option<String>,
    },
    Note(String),
    Tick(String),
    /// `/retract [#N | SHA]`: take back a notes line.
    Retract(Option<String>),
    Help,
    /// Not a command, or a command used wrongly: answered with help and why.
    Unknown(String),
    /// A command typed a letter or two wrong: answered with the one meant,
    /// not the whole help.
    Misspelt {
        typed: String,
        meant: &'static str,
    },
}

/// The commands, for "did you mean".
const COMMANDS: [&str; 8] = ["notable", "blocker", "unblock", "pick", "note", "tick", "retract", "help"];

/// The command `typed` most likely meant: one edit away (a letter wrong,
/// missing, extra, or two swapped), two for longer names; none when two
/// commands are equally near.
fn meant(typed: &str) -> Option<&'static str> {
    let typed = typed.to_ascii_lowercase();
    let mut near: Vec<(usize, &'static str)> = COMMANDS
        .iter()
        .map(|c| (edits(&typed, c), *c))
        .filter(|(d, c)| *d > 0 && *d <= if c.len() > 4 { 2 } else { 1 })
        .collect();
    near.sort();
    match near.as_slice() {
        [(d, c), rest @ ..] if rest.first().is_none_or(|(d2, _)| d2 > d) => Some(c),
        _ => None,
    }
}

/// Edits from `a` to `b`: insertions, deletions, substitutions and swaps of
/// two neighbours (optimal string alignment).
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

pub const HELP: &str = "commands: /notable TEXT · /blocker TEXT · /unblock N · /pick SHA [REPO] · /note TEXT · /tick ITEM · /retract [#N|SHA] · /help";

/// Reads one line. Text that does not start with `/` is chat; `//` starts a
/// chat line with a slash.
pub fn parse(text: &str) -> Line {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("//") {
        return Line::Chat(format!("/{rest}"));
    }
    let Some(cmd) = text.strip_prefix('/') else { return Line::Chat(text.to_string()) };
    let (name, arg) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
    let arg = arg.trim();
    let needs = |what: &str| Line::Unknown(format!("/{name} needs {what}"));
    match name.to_ascii_lowercase().as_str() {
        "notable" if arg.is_empty() => needs("a text"),
        "notable" => Line::Notable(arg.into()),
        "blocker" if arg.is_empty() => needs("a text"),
        "blocker" => Line::Blocker(arg.into()),
        "unblock" => match arg.trim_start_matches('#').parse::<usize>() {
            Ok(n) if n > 0 => Line::Unblock(n),
            _ => needs("a blocker number (as in /unblock 2)"),
        },
        "pick" => {
            let mut words = arg.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(sha), repo, None) if is_sha(sha) => {
                    Line::Pick { sha: sha.to_ascii_lowercase(), repo: repo.map(String::from) }
                }
                (Some(sha), _, None) => {
                    Line::Unknown(format!("/pick: `{sha}` is not a commit sha (7 to 40 hex digits)"))
                }
                _ => needs("a commit sha and optionally a repository"),
            }
        }
        "note" if arg.is_empty() => needs("a text"),
        "note" => Line::Note(arg.into()),
        "tick" if arg.is_empty() => needs("an item id"),
        "tick" => Line::Tick(arg.into()),
        "retract" | "undo" => match arg.split_whitespace().collect::<Vec<_>>()[..] {
            [] => Line::Retract(None),
            [which] if which.starts_with('#') || is_sha_prefix(which) => Line::Retract(Some(which.into())),
            _ => Line::Unknown(
                "/retract takes back your last notes line, or the one named: #N (a blocker) or a pick's sha".into(),
            ),
        },
        "help" | "h" | "?" => Line::Help,
        other => match meant(other) {
            Some(meant) => Line::Misspelt { typed: other.to_string(), meant },
            None => Line::Unknown(format!("unknown command /{other}")),
        },
    }
}

/// What a line asks for, decided against the notes so far: the same for the
/// composer and `shipdeck log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Record(EventKind),
    Pick {
        sha: String,
        repo: Option<String>,
    },
    Tick(String),
    /// Which line to take back, decided against the notes and who asks.
    Retract(Option<String>),
    Help,
    /// Not a command (answered with help).
    Unknown(String),
    /// A command that cannot be done now (no such open blocker).
    Refused(String),
}

pub fn ask(text: &str, notes: &Notes) -> Ask {
    let kind = match parse(text) {
        Line::Chat(text) => EventKind::Chat { text },
        Line::Notable(text) => EventKind::Notable { text },
        Line::Blocker(text) => EventKind::Blocker { text },
        Line::Note(text) => EventKind::Note { text },
        Line::Unblock(number) if !notes.open_blockers().any(|b| b.number == number) => {
            let open: Vec<String> = notes.open_blockers().map(|b| format!("#{}", b.number)).collect();
            let open = if open.is_empty() { "none".into() } else { open.join(", ") };
            return Ask::Refused(format!("no open blocker #{number} (open: {open})"));
        }
        Line::Unblock(number) => EventKind::Unblock { number },
        Line::Pick { sha, repo } => return Ask::Pick { sha, repo },
        Line::Tick(item) => return Ask::Tick(item),
        Line::Retract(which) => return Ask::Retract(which),
        Line::Help => return Ask::Help,
        Line::Unknown(why) => return Ask::Unknown(why),
        Line::Misspelt { typed, meant } => {
            return Ask::Refused(format!("unknown command /{typed}: did you mean /{meant}?"));
        }
    };
    Ask::Record(kind)
}

/// Enough of a sha to name a pick by.
fn is_sha_prefix(s: &str) -> bool {
    (4..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_sha(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub text: String,
    pub by: EventActor,
    pub at: DateTime<Utc>,
    /// The event's id: what `/retract` names.
    pub id: String,
    /// Taken back, by whom and when: still shown, struck through.
    pub retracted: Option<(EventActor, DateTime<Utc>)>,
    order: Order,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// 1-based, in the fold order of the events that raised them, so every
    /// cockpit and `shipdeck notes` number them alike, whatever order they
    /// read them in; `/unblock N` uses it.
    pub number: usize,
    pub entry: Entry,
    pub resolved: Option<(EventActor, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub repo: String,
    pub sha: String,
    pub summary: String,
    pub by: EventActor,
    pub at: DateTime<Utc>,
    pub id: String,
    pub retracted: Option<(EventActor, DateTime<Utc>)>,
    order: Order,
}

/// The notes as the journal has them so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub notable: Vec<Entry>,
    pub blockers: Vec<Blocker>,
    /// In the order they were asked for (cherry-picks apply in that order).
    pub picks: Vec<Pick>,
    pub notes: Vec<Entry>,
    /// Which tag each pick went into (`Retagged`).
    pub shipped: shipped::Shipments,
    /// Version changes seen, `(env, service, from, to, at)`: rollbacks for the mail.
    pub changes: Vec<(String, String, String, String, DateTime<Utc>)>,
    /// Sentry spikes, as logged.
    pub spikes: Vec<(String, String)>,
    /// The fold order of each of `changes` and `spikes`, and every `/unblock`
    /// (number, by, at): everything is kept in that order, whatever order
    /// it arrived in, so every reader ends with the same notes.
    change_orders: Vec<Order>,
    spike_orders: Vec<Order>,
    unblocks: Vec<(Order, usize, EventActor, DateTime<Utc>)>,
    /// Every retraction read, by the id it names, whether or not that line
    /// has been read yet (another cockpit's lines arrive in any order).
    /// Every one is kept: one by someone who may not take the line back
    /// must not hide a later one by someone who may.
    retractions: std::collections::HashMap<String, Vec<(EventActor, DateTime<Utc>)>>,
}

/// Where `order` goes in a list kept in the fold order.
fn place<T>(list: &[T], key: impl Fn(&T) -> &Order, order: &Order) -> usize {
    list.partition_point(|x| key(x) < order)
}

impl Notes {
    pub fn apply(&mut self, e: &Event) {
        // Most events (chat, heartbeats) are not notes: no key is built for them.
        let order = match &e.kind {
            EventKind::Notable { .. }
            | EventKind::Note { .. }
            | EventKind::Blocker { .. }
            | EventKind::Unblock { .. }
            | EventKind::Pick { .. }
            | EventKind::VersionChanged { .. }
            | EventKind::SentrySpike { .. } => e.order(),
            EventKind::Retract { target: id, .. } => {
                self.retract(id, &e.actor, e.at);
                return;
            }
            EventKind::Retagged { repo, tag, shipped, skipped, .. } => {
                self.shipped.apply(e.order(), repo, tag, shipped, skipped);
                return;
            }
            _ => return,
        };
        let retracted = self.retraction_of(&e.id, &e.actor);
        let entry = |text: &str| Entry {
            text: text.to_string(),
            by: e.actor.clone(),
            at: e.at,
            id: e.id.clone(),
            retracted: retracted.clone(),
            order: order.clone(),
        };
        match &e.kind {
            EventKind::Notable { text } => {
                let i = place(&self.notable, |x| &x.order, &order);
                self.notable.insert(i, entry(text));
            }
            EventKind::Note { text } => {
                let i = place(&self.notes, |x| &x.order, &order);
                self.notes.insert(i, entry(text));
            }
            EventKind::Blocker { text } => {
                let i = place(&self.blockers, |x| &x.entry.order, &order);
                self.blockers.insert(i, Blocker { number: 0, entry: entry(text), resolved: None });
                self.resolve_blockers();
            }
            EventKind::Unblock { number } => {
                let i = place(&self.unblocks, |x| &x.0, &order);
                self.unblocks.insert(i, (order, *number, e.actor.clone(), e.at));
                self.resolve_blockers();
            }
            // The same commit asked for twice is one pick: the first asked.
            EventKind::Pick { repo, sha, summary } => {
                if let Some(j) = self.picks.iter().position(|p| &p.repo == repo && &p.sha == sha) {
                    if self.picks[j].order < order {
                        return;
                    }
                    self.picks.remove(j);
                }
                let (repo, sha, summary) = (repo.clone(), sha.clone(), summary.clone());
                let i = place(&self.picks, |x| &x.order, &order);
                let (by, at, id) = (e.actor.clone(), e.at, e.id.clone());
                self.picks.insert(i, Pick { repo, sha, summary, by, at, id, retracted, order });
            }
            EventKind::VersionChanged { env, service, from, to, .. } => {
                let i = place(&self.change_orders, |x| x, &order);
                self.change_orders.insert(i, order);
                self.changes.insert(i, (env.clone(), service.clone(), from.clone(), to.clone(), e.at));
            }
            // One spike per project: the first.
            EventKind::SentrySpike { project, .. } => {
                if let Some(j) = self.spikes.iter().position(|(p, _)| p == project) {
                    if self.spike_orders[j] < order {
                        return;
                    }
                    self.spikes.remove(j);
                    self.spike_orders.remove(j);
                }
                let i = place(&self.spike_orders, |x| x, &order);
                self.spike_orders.insert(i, order);
                self.spikes.insert(i, (project.clone(), e.describe().1));
            }
            _ => {}
        }
    }

    /// Numbers the blockers in order and replays every `/unblock` against
    /// the blockers raised before it.
    fn resolve_blockers(&mut self) {
        for (i, b) in self.blockers.iter_mut().enumerate() {
            b.number = i + 1;
            b.resolved = None;
        }
        for (order, number, by, at) in &self.unblocks {
            if let Some(b) = self.blockers.get_mut(number.wrapping_sub(1))
                && b.entry.order < *order
                && b.resolved.is_none()
            {
                b.resolved = Some((by.clone(), *at));
            }
        }
    }

    /// The tag a pick went into, once a re-tag has it.
    pub fn shipped_in(&self, pick: &Pick) -> Option<&str> {
        self.shipped.tag_of(&pick.repo, &pick.sha)
    }

    /// `repo`'s pick basket: its picks not taken back and in no tag yet, in
    /// the order they were asked for (the order they are cherry-picked in).
    pub fn basket(&self, repo: &str) -> Vec<&Pick> {
        self.picks.iter().filter(|p| p.repo == repo && p.retracted.is_none() && self.shipped_in(p).is_none()).collect()
    }

    pub fn open_blockers(&self) -> impl Iterator<Item = &Blocker> {
        self.blockers.iter().filter(|b| b.resolved.is_none() && b.entry.retracted.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kernel::actor::Role;
    use chrono::TimeZone;

    #[test]
    fn commands_parse_and_mistakes_get_help() {
        assert_eq!(parse("stage looks good"), Line::Chat("stage looks good".into()));
        assert_eq!(parse("/notable New add-on review queue"), Line::Notable("New add-on review queue".into()));
        assert_eq!(parse("/BLOCKER  search is down "), Line::Blocker("search is down".into()));
        assert_eq!(parse("/unblock #2"), Line::Unblock(2));
        assert_eq!(
            parse("/pick ABCDEF1 addons-server"),
            Line::Pick { sha: "abcdef1".into(), repo: Some("addons-server".into()) }
        );
        assert_eq!(parse("/pick abcdef1234"), Line::Pick { sha: "abcdef1234".into(), repo: None });
        assert_eq!(parse("/tick regression-tests"), Line::Tick("regression-tests".into()));
        assert_eq!(parse("/help"), Line::Help);
        assert_eq!(parse("//etc/hosts is fine"), Line::Chat("/etc/hosts is fine".into()));
        assert_eq!(parse("/unblock x"), Line::Unknown("/unblock needs a blocker number (as in /unblock 2)".into()));
        assert_eq!(parse("/pick xyz"), Line::Unknown("/pick: `xyz` is not a commit sha (7 to 40 hex digits)".into()));
        assert_eq!(parse("/notable"), Line::Unknown("/notable needs a text".into()));
        assert_eq!(parse("/shipit now"), Line::Unknown("unknown command /shipit".into()));
        for (typed, meant) in [
            ("blokcer", "blocker"),
            ("Blocer", "blocker"),
            ("notabel", "notable"),
            ("pik", "pick"),
            ("unblok", "unblock"),
        ] {
            assert_eq!(parse(&format!("/{typed} x")), Line::Misspelt { typed: typed.to_lowercase(), meant }, "{typed}");
        }
        // Too far from any, or as near to two: the help instead.
        assert!(matches!(parse("/nick x"), Line::Unknown(_)), "pick and tick are as near");
        assert!(matches!(parse("/deploy x"), Line::Unknown(_)));
        assert!(matches!(parse("/tock x"), Line::Misspelt { meant: "tick", .. }));
    }

    #[test]
    fn the_fold_numbers_blockers_and_keeps_picks_in_order() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap();
        let ev = |n: i64, kind| {
            crate::testkit::event(&format!("e{n}"), at + chrono::Duration::minutes(n), "rita", Role::Rm, kind)
        };
        let pick =
            |sha: &str| EventKind::Pick { repo: "server".into(), sha: sha.into(), summary: format!("fix {sha}") };
        let mut n = Notes::default();
        for e in [
            ev(1, EventKind::Blocker { text: "search down".into() }),
            ev(2, EventKind::Blocker { text: "CDN purge".into() }),
            ev(3, EventKind::Unblock { number: 1 }),
            ev(4, pick("bbb")),
            ev(5, pick("aaa")),
            ev(6, pick("bbb")),
            ev(7, EventKind::Notable { text: "new review queue".into() }),
        ] {
            n.apply(&e);
        }
        let open: Vec<_> = n.open_blockers().map(|b| (b.number, b.entry.text.as_str())).collect();
        assert_eq!(open, vec![(2, "CDN purge")]);
        // Read in another order (another cockpit's own event first), the
        // numbers are the same.
        let mut other = Notes::default();
        other.apply(&ev(2, EventKind::Blocker { text: "CDN purge".into() }));
        other.apply(&ev(1, EventKind::Blocker { text: "search down".into() }));
        let numbers: Vec<_> = other.blockers.iter().map(|b| (b.number, b.entry.text.as_str())).collect();
        assert_eq!(numbers, vec![(1, "search down"), (2, "CDN purge")]);
        assert!(n.blockers[0].resolved.is_some());
        let picks: Vec<_> = n.picks.iter().map(|p| p.sha.as_str()).collect();
        assert_eq!(picks, vec!["bbb", "aaa"], "chronological, once each");
        assert_eq!(n.notable[0].text, "new review queue");
    }

    #[test]
    fn lines_taken_back_stay_struck_and_only_their_author_or_the_rm_may() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap();
        let ev = |n: i64, who: &str, role: Role, kind| {
            crate::testkit::event(&format!("e{n}"), at + chrono::Duration::minutes(n), who, role, kind)
        };
        let quinn = EventActor { name: "quinn".into(), role: Role::Qa };
        let retract = |id: &str| EventKind::Retract { target: id.into(), what: String::new() };
        assert_eq!(parse("/retract"), Line::Retract(None));
        assert_eq!(parse("/undo #2"), Line::Retract(Some("#2".into())));
        assert_eq!(parse("/retract abcd12"), Line::Retract(Some("abcd12".into())));
        assert!(matches!(parse("/retract the blocker"), Line::Unknown(_)));
        assert!(matches!(parse("/retrcat"), Line::Misspelt { meant: "retract", .. }));

        let mut n = Notes::default();
        n.apply(&ev(1, "quinn", Role::Qa, EventKind::Blocker { text: "search down".into() }));
        n.apply(&ev(2, "rita", Role::Rm, EventKind::Blocker { text: "CDN purge".into() }));
        n.apply(&ev(3, "quinn", Role::Qa, EventKind::Notable { text: "review queue".into() }));
        // The newest of quinn's own: the notable, not rita's blocker.
        assert_eq!(n.retractable(&quinn, None), Ok(("e3".into(), "notable 'review queue'".into())));
        assert_eq!(n.retractable(&quinn, Some("#1")), Ok(("e1".into(), "blocker #1 'search down'".into())));
        assert!(n.retractable(&quinn, Some("#2")).unwrap_err().contains("no line #2 that you may take back"));
        // quinn cannot take back rita's blocker, even with a line of his own.
        n.apply(&ev(4, "quinn", Role::Qa, retract("e2")));
        assert!(!n.is_retracted("e2") && n.open_blockers().count() == 2);
        n.apply(&ev(5, "quinn", Role::Qa, retract("e1")));
        assert!(n.is_retracted("e1"));
        let open: Vec<_> = n.open_blockers().map(|b| b.number).collect();
        assert_eq!(open, vec![2], "taken back, no longer open; numbers unchanged");
        assert_eq!(n.blockers[0].entry.retracted.as_ref().map(|(b, _)| b.name.as_str()), Some("quinn"));
        // quinn's refused retraction of rita's blocker hides nothing: rita's own counts.
        n.apply(&ev(8, "rita", Role::Rm, retract("e2")));
        assert_eq!(n.blockers[1].entry.retracted.as_ref().map(|(b, _)| b.name.as_str()), Some("rita"));
        // A pick's sha from someone else's journal is text, not hex: no
        // slicing inside a character.
        let odd = EventKind::Pick { repo: "r".into(), sha: "aéééééé".into(), summary: "s".into() };
        n.apply(&ev(9, "quinn", Role::Qa, odd));
        assert!(n.retractable(&quinn, None).unwrap().1.starts_with("pick r aéééééé"));
        // The release manager may take back anyone's; read before the line
        // itself (another cockpit's order), it still counts.
        let mut m = Notes::default();
        m.apply(&ev(7, "rita", Role::Rm, retract("e6")));
        m.apply(&ev(6, "quinn", Role::Qa, EventKind::Note { text: "call at 3".into() }));
        assert!(m.notes[0].retracted.is_some() && m.is_retracted("e6"));
        assert!(m.retractable(&quinn, None).is_err(), "nothing left to take back");
    }
}
