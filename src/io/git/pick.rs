//! A `/pick`'s commit: in exactly one of the repositories asked, or why not.

use super::error::GitError;
use super::local::find_commit;
use crate::domain::repos::RepoSpec;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PickError {
    /// The one repository asked could not give the commit.
    #[error("/pick: {0}")]
    NotIn(GitError),
    #[error("/pick: no commit {sha} in any repository ({repos})")]
    NowhereIn { sha: String, repos: String },
    #[error("/pick: {sha} is in {repos}: name the repository")]
    Ambiguous { sha: String, repos: String },
}

/// `(repository, full sha, summary)`.
pub fn resolve_pick(sha: &str, repos: &[RepoSpec]) -> Result<(String, String, String), PickError> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for spec in repos {
        match find_commit(spec, sha) {
            Ok((full, summary)) => found.push((spec.name.clone(), full, summary)),
            Err(e) => errors.push(e),
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 if repos.len() == 1 => Err(PickError::NotIn(errors.remove(0))),
        0 => {
            let names = repos.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
            Err(PickError::NowhereIn { sha: sha.to_string(), repos: names })
        }
        _ => {
            let in_: Vec<&str> = found.iter().map(|(r, _, _)| r.as_str()).collect();
            Err(PickError::Ambiguous { sha: sha.to_string(), repos: in_.join(" and ") })
        }
    }
}
