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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub kind: LogKind,
    pub text: String,
}
