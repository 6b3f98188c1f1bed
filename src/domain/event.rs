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
}
