//! A `/pick`'s commit: in exactly one of the repositories asked, or why not;
//! and not a commit the push ships already.
//!
//! The rule: with the push's range `from..to` (the previous push tag to this
//! push's newest tag, or to the branch head before tagging), a commit
//! reachable from `to` ships in this push — from `from` too, it shipped in an
//! earlier one. Either way a cherry-pick would bring nothing.

use super::error::GitError;
use super::local::{find_commit, open};
use crate::domain::repos::{CompareRange, RepoSpec, ref_label};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PickError {
    /// The one repository asked could not give the commit.
    #[error("/pick: {0}")]
    NotIn(GitError),
    #[error("/pick: no commit {sha} in any repository ({repos})")]
    NowhereIn { sha: String, repos: String },
    #[error("/pick: {sha} is in {repos}: name the repository")]
    Ambiguous { sha: String, repos: String },
    #[error("/pick: {sha} is already in this push ({repo} {from}..{to}): nothing to pick, nothing recorded")]
    InThisPush { sha: String, repo: String, from: String, to: String },
    #[error("/pick: {sha} already shipped ({repo} {from} has it): nothing to pick, nothing recorded")]
    Shipped { sha: String, repo: String, from: String },
}

/// `(repository, full sha, summary)`. `ranges` are the push's ranges of the
/// repositories whose status is known, by name.
pub fn resolve_pick(
    sha: &str,
    repos: &[RepoSpec],
    ranges: &[(String, CompareRange)],
) -> Result<(String, String, String), PickError> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for spec in repos {
        match find_commit(spec, sha) {
            Ok((full, summary)) => found.push((spec, full, summary)),
            Err(e) => errors.push(e),
        }
    }
    match found.len() {
        1 => {
            let (spec, full, summary) = found.remove(0);
            if let Some((_, range)) = ranges.iter().find(|(name, _)| name == &spec.name) {
                already_shipping(spec, &full, range)?;
            }
            Ok((spec.name.clone(), full, summary))
        }
        0 if repos.len() == 1 => Err(PickError::NotIn(errors.remove(0))),
        0 => {
            let names = repos.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
            Err(PickError::NowhereIn { sha: sha.to_string(), repos: names })
        }
        _ => {
            let in_: Vec<&str> = found.iter().map(|(r, _, _)| r.name.as_str()).collect();
            Err(PickError::Ambiguous { sha: sha.to_string(), repos: in_.join(" and ") })
        }
    }
}

/// Refuses a commit the range's end (or start) already contains. A range
/// end git cannot resolve (a tag deleted since the scan) decides nothing:
/// the pick is recorded as asked.
fn already_shipping(spec: &RepoSpec, commit: &str, range: &CompareRange) -> Result<(), PickError> {
    let Ok(repo) = open(&spec.name, &spec.path) else { return Ok(()) };
    let Ok(commit_oid) = git2::Oid::from_str(commit) else { return Ok(()) };
    let contains = |rev: &str| {
        repo.revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|tip| tip.id() == commit_oid || repo.graph_descendant_of(tip.id(), commit_oid).unwrap_or(false))
            .unwrap_or(false)
    };
    let short = commit[..commit.len().min(12)].to_string();
    if contains(&format!("refs/tags/{}", range.from)) {
        return Err(PickError::Shipped { sha: short, repo: spec.name.clone(), from: range.from.clone() });
    }
    let to = if range.to_head { range.to.clone() } else { format!("refs/tags/{}", range.to) };
    if contains(&to) {
        let to = if range.to_head { format!("head {}", ref_label(&range.to)) } else { range.to.clone() };
        return Err(PickError::InThisPush { sha: short, repo: spec.name.clone(), from: range.from.clone(), to });
    }
    Ok(())
}
