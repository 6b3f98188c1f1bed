//! A question answered with a line of text: a waiver's reason, a log search.

use crate::domain::kernel::input::LineInput;

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
}
