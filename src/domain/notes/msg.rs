//! The notes' answers (a `/pick` found, the notes written) and requests.

use crate::domain::repos::{CompareRange, RepoSpec};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum NotesMsg {
    /// `(repo, full sha, summary)` of a `/pick`, or why it was not found.
    PickResolved { result: Result<(String, String, String), String> },
    /// Where the notes were written, or why not.
    Exported { result: Result<String, String> },
}

impl NotesMsg {
    /// Whether it answers a request a headless command waits for: a pick is
    /// waited for; the notes file is written by the cockpit only.
    pub fn is_answer(&self) -> bool {
        match self {
            NotesMsg::PickResolved { .. } => true,
            NotesMsg::Exported { .. } => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotesEffect {
    /// Write the notes as `{push date}.notes.md`, beside the journal.
    Export { markdown: String, push_date: NaiveDate },
    /// Find a `/pick`'s commit in these repositories; refused when the
    /// push's range of its repository (by name, where known) has it.
    ResolvePick { sha: String, repos: Vec<RepoSpec>, ranges: Vec<(String, CompareRange)> },
}

impl NotesEffect {
    pub fn answers(&self) -> usize {
        match self {
            NotesEffect::ResolvePick { .. } => 1,
            // The cockpit hears of the file; a command does not wait for it.
            NotesEffect::Export { .. } => 0,
        }
    }
}
