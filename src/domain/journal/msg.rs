//! What the journal file says back: lines read while following it, an
//! append written, or that it cannot be written.

use super::Event;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum JournalMsg {
    /// Events appended to the journal by any process, read while following
    /// it, and what was wrong with the lines that could not be read.
    Read { events: Vec<Event>, damage: Vec<String> },
    /// An append was written.
    Written,
    /// The journal cannot be written.
    Failed { error: String, at: DateTime<Utc> },
}

impl JournalMsg {
    /// Whether it answers an append: following the file is not asked for.
    pub fn is_answer(&self) -> bool {
        match self {
            JournalMsg::Written | JournalMsg::Failed { .. } => true,
            JournalMsg::Read { .. } => false,
        }
    }
}
