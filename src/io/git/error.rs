//! The error local git work answers with, its text cleaned.

use crate::io::sanitize::{clean, clean_max};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{repo}: {message}")]
pub struct GitError {
    pub repo: String,
    pub message: String,
}

/// Messages quote paths, ref names and libgit2's words about them, all of
/// which may carry control characters: cleaned here, once.
pub(super) fn err(repo: &str, message: impl Into<String>) -> GitError {
    GitError { repo: clean(repo), message: clean_max(&message.into(), 500) }
}

/// A git command that did not do what it was run for. `command` is the
/// command as shown (`git fetch --prune …`, no userinfo), so every message
/// says what was run and, through its arguments, against which remote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("{command}: cannot run git ({reason})")]
    NotRun { command: String, reason: String },
    #[error("{command}: git exited before it could be watched")]
    Unwatched { command: String },
    #[error("{command}: no pipes to git")]
    NoPipes { command: String },
    #[error("{command}: {reason}")]
    Read { command: String, reason: String },
    /// `remote` is its name and, when that is not already one, its URL.
    #[error("{command}: the remote {remote} did not answer within {waited}")]
    RemoteSilent { command: String, remote: String, waited: String },
    #[error("{command}: no answer within {waited}")]
    Silent { command: String, waited: String },
    /// git ran and failed; `said` is its cleaned output.
    #[error("{command}: {said}")]
    Failed { command: String, said: String },
}

/// A fetch, ls-remote or push that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The remote has tags of these names on other commits than here (each
    /// said by `domain::repos::conflict_error`, which the model reads back),
    /// before what git said.
    #[error("{conflicts}; {source}")]
    Conflict { conflicts: String, source: CommandError },
    /// The remote has the tag asked about on another commit.
    #[error("{0}")]
    TagConflict(String),
    #[error(transparent)]
    Local(#[from] GitError),
    #[error("{repo}: internal error: {reason}")]
    Internal { repo: String, reason: String },
}
