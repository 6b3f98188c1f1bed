//! Timeline entries: what the Log pane shows, and where its reader is.

use chrono::{DateTime, Utc};
use serde::Serialize;

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
        self.filter.admits(e, me) && matches_search(e, self.search.as_deref())
    }

    /// Adds an entry, dropping the oldest entries beyond [`LOG_CAP`].
    pub fn push(&mut self, entry: LogEntry, me: &str) {
        // An event goes before the events that follow it in the fold order
        // (another process's line read late, a teammate's after a
        // partition), passing over the cockpit's own notes, which stay where
        // they were written: so every cockpit shows events in one order.
        let mut at = self.entries.len();
        if let Some(order) = &entry.order {
            let mut i = at;
            while i > 0 {
                match &self.entries[i - 1].order {
                    Some(o) if o > order => at = i - 1,
                    Some(_) => break,
                    None => {}
                }
                i -= 1;
            }
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
