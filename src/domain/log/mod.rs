//! Timeline entries: what the Log pane shows, and where its reader is.

use chrono::{DateTime, Utc};
use serde::Serialize;

pub mod names;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    /// A service changed the version it serves.
    Version,
    /// A service serves two versions alternately, or stopped doing so.
    Mixed,
    Heartbeat,
    /// The cockpit itself: session start, configuration notes.
    System,
    /// A tag created or pushed, a tick, the push started or finished.
    Git,
    /// Something a person wrote.
    Chat,
    /// Something that failed and needs a person: a refused tag, a failed push or fetch.
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub kind: LogKind,
    pub text: String,
    /// Whoever's event it was; `None` for the cockpit's own notes.
    pub who: Option<String>,
    /// Something a person said (chat, notes), as opposed to what happened.
    pub person: bool,
    /// The journal event's place in the fold order; `None` for the cockpit's
    /// own notes, which stay where they were written.
    #[serde(skip)]
    pub order: Option<crate::domain::kernel::order::Order>,
    /// A notes line taken back (`/retract`): shown struck through.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retracted: bool,
    /// A line naming a blocker by its number: its event, to be worded again
    /// when a blocker read late renumbers the ones after it.
    #[serde(skip)]
    pub numbered: Option<Box<crate::domain::journal::Event>>,
}

/// Which entries the Log pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFilter {
    #[default]
    All,
    People,
    System,
    Mine,
}

impl LogFilter {
    pub fn next(self) -> Self {
        match self {
            LogFilter::All => LogFilter::People,
            LogFilter::People => LogFilter::System,
            LogFilter::System => LogFilter::Mine,
            LogFilter::Mine => LogFilter::All,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LogFilter::All => "all",
            LogFilter::People => "people",
            LogFilter::System => "system",
            LogFilter::Mine => "mine",
        }
    }

    pub fn admits(self, e: &LogEntry, me: &str) -> bool {
        match self {
            LogFilter::All => true,
            LogFilter::People => e.person,
            LogFilter::System => !e.person,
            LogFilter::Mine => e.who.as_deref() == Some(me),
        }
    }
}

/// Log entries kept in memory: the newest ones; older ones are dropped so a
/// long session stays small and the log pane fast.
pub const LOG_CAP: usize = 10_000;

/// The timeline and where its reader is in it.
#[derive(Debug, Clone, Default)]
pub struct Log {
    /// Newest last; a deque so dropping the oldest beyond the cap is cheap.
    pub entries: std::collections::VecDeque<LogEntry>,
    /// Lines scrolled back from the newest in the Log pane.
    pub back: usize,
    /// Lines that arrived while the reader was scrolled back.
    pub new: usize,
    pub filter: LogFilter,
    /// Only log lines containing this (case-insensitive).
    pub search: Option<String>,
    /// Lines this person sent since the filter or search last changed: shown
    /// whatever they hide, so what was just said never vanishes.
    pub pinned: Vec<crate::domain::kernel::order::Order>,
}

/// Whether `later` is shown after `e`: by time, then by fold order; a
/// cockpit's own note stays after what came before it at the same time.
fn goes_after(later: &LogEntry, e: &LogEntry) -> bool {
    match later.at.cmp(&e.at) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => matches!((&later.order, &e.order), (Some(a), Some(b)) if a > b),
    }
}

fn matches_search(e: &LogEntry, search: Option<&str>) -> bool {
    match search {
        None => true,
        Some(q) => e.text.to_lowercase().contains(&q.to_lowercase()),
    }
}

impl Log {
    /// Whether the pane shows this entry to `me` under the filter and search.
    fn shows(&self, e: &LogEntry, me: &str) -> bool {
        let pinned = || e.order.as_ref().is_some_and(|o| self.pinned.contains(o));
        (self.filter.admits(e, me) && matches_search(e, self.search.as_deref())) || pinned()
    }

    /// Whether the filter or the search hides anything.
    pub fn narrowed(&self) -> bool {
        self.filter != LogFilter::All || self.search.is_some()
    }

    /// Adds an entry, dropping the oldest entries beyond [`LOG_CAP`].
    pub fn push(&mut self, entry: LogEntry, me: &str) {
        // Lines read in time order: an entry goes after every line of its
        // time or earlier (a push start recorded as 20 minutes ago goes
        // back there, a teammate's line read late goes where it was said).
        // Lines of the same time keep the events' fold order, so every
        // cockpit shows them alike.
        let mut at = self.entries.len();
        while at > 0 && goes_after(&self.entries[at - 1], &entry) {
            at -= 1;
        }
        let shown = self.shows(&entry, me);
        self.entries.insert(at, entry);
        // Someone reading back keeps their place (`back` counts shown lines
        // from the newest); the pane shows "N new". A line that lands after
        // the one being read moves it one further back.
        if self.back > 0 && shown {
            let newer = self.entries.iter().skip(at + 1).filter(|e| self.shows(e, me)).count();
            if newer <= self.back {
                self.back += 1;
                self.new += 1;
            }
        }
        self.trim();
    }

    fn trim(&mut self) {
        if self.entries.len() > LOG_CAP {
            let excess = self.entries.len() - LOG_CAP;
            self.entries.drain(..excess);
            // Counted from the newest entry, the place is unchanged unless the
            // reader was at one of the dropped ones: then the oldest left.
            self.back = self.back.min(self.entries.len() - 1);
        }
    }

    /// The entries the pane shows `me`, oldest first.
    pub fn visible<'a>(&'a self, me: &'a str) -> impl DoubleEndedIterator<Item = &'a LogEntry> + 'a {
        self.entries.iter().filter(move |e| self.shows(e, me))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kernel::order::Order;
    use chrono::{Duration, TimeZone};

    fn entry(minutes: i64, text: &str, order: Option<u64>) -> LogEntry {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap() + Duration::minutes(minutes);
        let order = order.map(|clock| Order { clock, replica: "r".into(), id: text.into() });
        LogEntry {
            at,
            kind: LogKind::Git,
            text: text.into(),
            who: None,
            person: false,
            order,
            numbered: None,
            retracted: false,
        }
    }

    fn texts(log: &Log) -> Vec<&str> {
        log.entries.iter().map(|e| e.text.as_str()).collect()
    }

    #[test]
    fn lines_read_in_time_order_whatever_order_they_come_in() {
        let mut log = Log::default();
        log.push(entry(20, "session started", None), "me");
        // Recorded now, said to have happened twenty minutes ago; its clock
        // is after everything this cockpit saw.
        log.push(entry(0, "push started", Some(9_000)), "me");
        log.push(entry(21, "a tick", Some(9_001)), "me");
        log.push(entry(5, "a line read late", Some(9_002)), "me");
        assert_eq!(texts(&log), ["push started", "a line read late", "session started", "a tick"]);
        // The same time: the fold order, and a note stays after what was there.
        log.push(entry(21, "an earlier event", Some(8_000)), "me");
        log.push(entry(21, "a note", None), "me");
        assert_eq!(&texts(&log)[3..], ["an earlier event", "a tick", "a note"]);
    }

    #[test]
    fn a_line_pinned_shows_under_a_search_that_hides_it() {
        let mut log = Log { search: Some("blocker".into()), ..Log::default() };
        let sent = entry(1, "stage looks good", Some(1));
        log.pinned.push(sent.order.clone().unwrap());
        log.push(sent, "me");
        log.push(entry(2, "something else", Some(2)), "me");
        let shown: Vec<&str> = log.visible("me").map(|e| e.text.as_str()).collect();
        assert_eq!(shown, ["stage looks good"]);
    }
}
