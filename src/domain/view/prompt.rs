//! A question answered with a line of text: a waiver's reason, a log
//! search, the word that finishes a push with things still open.

use crate::domain::kernel::input::LineInput;
use chrono::{DateTime, Utc};

/// A question answered with a line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub purpose: PromptFor,
    pub input: LineInput,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptFor {
    Waive {
        item: String,
        overrides_role: bool,
    },
    /// `/` in the Log pane.
    Search,
    /// Finishing the push while something is open: typing `finish` does it,
    /// so no stray enter can. `started`: the push start this prompt saw.
    FinishPush {
        started: DateTime<Utc>,
    },
}

/// What is typed to finish a push with things still open.
pub const FINISH_WORD: &str = "finish";
