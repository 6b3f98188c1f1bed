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
