//! A `/pick`'s commit: in exactly one of the repositories asked, or why not;
//! and not a commit the push ships already.
//!
//! The rule: with the push's range `from..to` (the previous push tag to this
//! push's newest tag, or to the branch head before tagging), a commit
//! reachable from `to` ships in this push — from `from` too, it shipped in an
//! earlier one. So does one a commit of `from..to` was cherry-picked from
//! (its `-x` trailer names it): a re-tag shipped it under another sha.
//! Either way a cherry-pick would bring nothing.

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
    #[error(
        "/pick: {sha} already shipped in {to}, cherry-picked as {copy} ({repo} {from}..{to}): nothing to pick, nothing recorded"
    )]
    CherryPicked { sha: String, repo: String, from: String, to: String, copy: String },
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
    let label = || if range.to_head { format!("head {}", ref_label(&range.to)) } else { range.to.clone() };
    if contains(&to) {
        return Err(PickError::InThisPush {
            sha: short,
            repo: spec.name.clone(),
            from: range.from.clone(),
            to: label(),
        });
    }
    if let Some(copy) = cherry_picked_in(&repo, commit, &format!("refs/tags/{}", range.from), &to) {
        let (repo, from, to) = (spec.name.clone(), range.from.clone(), label());
        return Err(PickError::CherryPicked { sha: short, repo, from, to, copy: copy[..12].to_string() });
    }
    Ok(())
}

/// The commit of `from..to` whose `git cherry-pick -x` trailer names
/// `commit`, if one does. A range git cannot walk decides nothing.
fn cherry_picked_in(repo: &git2::Repository, commit: &str, from: &str, to: &str) -> Option<String> {
    let trailer = format!("(cherry picked from commit {commit})");
    let tip = repo.revparse_single(to).ok()?.peel_to_commit().ok()?.id();
    let mut walk = repo.revwalk().ok()?;
    walk.push(tip).ok()?;
    if let Ok(base) = repo.revparse_single(from).and_then(|o| o.peel_to_commit()) {
        walk.hide(base.id()).ok()?;
    }
    let names = |oid: &git2::Oid| {
        repo.find_commit(*oid).is_ok_and(|c| c.message_bytes().windows(trailer.len()).any(|w| w == trailer.as_bytes()))
    };
    walk.filter_map(Result::ok).find(names).map(|oid| oid.to_string())
}
