//! The risky commits of a push: in its compare range (the one the compare
//! view lists), those whose diff against their first parent adds, changes,
//! renames or removes a path matching `[risk] paths`. Merges are left out:
//! the commits they bring in are in the range themselves and flagged there.
//! Bounded: only the newest [`MAX_CHECKED`] commits are diffed, and a push
//! with more says so; a range already checked is not diffed again.

use super::error::{GitError, err};
use super::local::open;
use crate::domain::repos::risk::{PATHS_KEPT, RiskRules, RiskyCommit};
use crate::domain::repos::{RepoSpec, RepoStatus};
use crate::io::git_walk;
use crate::io::sanitize::clean;
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most commits diffed per push: weeks of a busy repository.
pub const MAX_CHECKED: usize = 2000;

/// What one repository's range was found to hold, kept so a rescan of the
/// same range (one a minute) diffs nothing again.
type Found = (Vec<RiskyCommit>, Option<String>);

/// The last answer per repository, by its range's two commits: a range
/// names its commits, so an equal range has the same answer.
#[derive(Clone, Default)]
pub struct RiskMemo(Arc<Mutex<HashMap<String, Kept>>>);

/// A range's two ends and what it held.
type Kept = ((Oid, Oid), Found);

/// The push's risky commits (its compare range), newest first, and a
/// warning when the range was longer than what was checked.
pub fn risky(spec: &RepoSpec, status: &RepoStatus, rules: &RiskRules, memo: &RiskMemo) -> Result<Found, GitError> {
    let Some(range) = status.range().filter(|_| !rules.is_off()) else { return Ok((Vec::new(), None)) };
    let to = if range.to_head { range.to.clone() } else { format!("refs/tags/{}", range.to) };
    let name = &spec.name;
    let repo = open(name, &spec.path)?;
    let ends = (peel(&repo, name, &format!("refs/tags/{}", range.from))?, peel(&repo, name, &to)?);
    let known =
        memo.0.lock().ok().and_then(|m| m.get(&spec.path).filter(|(at, _)| *at == ends).map(|(_, f)| f.clone()));
    if let Some(found) = known {
        return Ok(found);
    }
    let found = between(&repo, name, ends, rules)?;
    if let Ok(mut m) = memo.0.lock() {
        m.insert(spec.path.clone(), (ends, found.clone()));
    }
    Ok(found)
}

/// The risky commits of `from..to` (any revisions), newest first.
pub fn risky_in(spec: &RepoSpec, from: &str, to: &str, rules: &RiskRules) -> Result<Found, GitError> {
    if rules.is_off() {
        return Ok((Vec::new(), None));
    }
    let name = &spec.name;
    let repo = open(name, &spec.path)?;
    let ends = (peel(&repo, name, from)?, peel(&repo, name, to)?);
    between(&repo, name, ends, rules)
}

fn peel(repo: &Repository, name: &str, rev: &str) -> Result<Oid, GitError> {
    let commit = repo.revparse_single(rev).and_then(|o| o.peel_to_commit());
    commit.map(|c| c.id()).map_err(|e| err(name, format!("risky paths: {rev}: {}", e.message())))
}

fn between(repo: &Repository, name: &str, (from, to): (Oid, Oid), rules: &RiskRules) -> Result<Found, GitError> {
    let g = |e: git2::Error| err(name, format!("risky paths: {}", e.message()));
    let commits = git_walk::walk_range(repo, from, to).map_err(g)?;
    let mut out = Vec::new();
    for c in commits.iter().filter(|c| !c.merge).take(MAX_CHECKED) {
        let oid = Oid::from_str(&c.sha).map_err(g)?;
        let (risks, paths) = touched(repo, oid, rules).map_err(g)?;
        if !risks.is_empty() {
            out.push(RiskyCommit { sha: c.sha.clone(), summary: c.summary.clone(), risks, paths });
        }
    }
    let changes = commits.iter().filter(|c| !c.merge).count();
    let warning = (changes > MAX_CHECKED).then(|| {
        format!("only the newest {MAX_CHECKED} of {changes} commits in the push were checked for [risk] paths")
    });
    Ok((out, warning))
}

/// The risks a commit's change touches (each once, in the rules' order) and
/// some of the paths that matched.
fn touched(repo: &Repository, oid: Oid, rules: &RiskRules) -> Result<(Vec<String>, Vec<String>), git2::Error> {
    let commit = repo.find_commit(oid)?;
    let tree = commit.tree()?;
    let parent = match commit.parent(0) {
        Ok(p) => Some(p.tree()?),
        // The first commit: everything in it is new.
        Err(_) => None,
    };
    let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), None)?;
    let mut risks: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    for delta in diff.deltas() {
        let sides = [delta.old_file().path_bytes(), delta.new_file().path_bytes()];
        for path in sides.into_iter().flatten() {
            let path = String::from_utf8_lossy(path);
            let mut hit = false;
            for risk in rules.risks_of(&path) {
                hit = true;
                if !risks.iter().any(|r| r == risk) {
                    risks.push(risk.to_string());
                }
            }
            let path = clean(&path);
            if hit && paths.len() < PATHS_KEPT && !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    // In the config's order, whatever order the paths came in.
    risks.sort_by_key(|r| rules.patterns.iter().position(|p| &p.name == r));
    Ok((risks, paths))
}
