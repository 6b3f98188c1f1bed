//! Timeline entries: what the Log pane shows.

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
