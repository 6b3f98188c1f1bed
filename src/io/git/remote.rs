//! Remote operations through the git command: fetch (a mirror with its own
//! refspec), where a remote stands on a tag, pushing a tag.

use super::cli::{NETWORK_TIMEOUT, run_remote, said};
use super::error::{CommandError, RemoteError};
use super::local::local_tag_commit;
use crate::domain::repos::{RepoSpec, TagRemote, conflict_error};
use crate::io::sanitize::clean;
use git2::Repository;
use std::time::Duration;

/// `git fetch --tags --prune` from the remote (and the security remote),
/// each bounded by [`NETWORK_TIMEOUT`].
pub async fn fetch(spec: &RepoSpec) -> Result<String, RemoteError> {
    fetch_within(spec, NETWORK_TIMEOUT).await
}

/// `git fetch --tags --prune` from the remote (and the security remote),
/// each bounded by `timeout`. A tag the remote has on another commit than
/// here is not taken (git refuses to move it) and is reported as a conflict.
pub async fn fetch_within(spec: &RepoSpec, timeout: Duration) -> Result<String, RemoteError> {
    let mut remotes = vec![spec.remote.as_str()];
    if let Some(sec) = &spec.security {
        remotes.push(&sec.remote);
    }
    let mut told = Vec::new();
    for remote in remotes {
        let (path, name) = (spec.path.clone(), remote.to_string());
        let mirrored = tokio::task::spawn_blocking(move || is_mirror(&path, &name)).await.unwrap_or(false);
        let mut args = vec!["fetch", "--prune", "--tags", remote];
        if mirrored {
            args.push("+refs/heads/*:refs/heads/*");
        }
        let out = run_remote(spec, remote, &args, timeout, false).await?;
        // `said` fails exactly when git did.
        let text = match said(&args, &out) {
            Ok(text) => text,
            Err(e) => {
                let conflicts = clobbered_tags(&String::from_utf8_lossy(&out.stderr))
                    .into_iter()
                    .map(|tag| conflict_error(&clean(remote), &tag, None))
                    .collect::<Vec<_>>();
                return Err(if conflicts.is_empty() {
                    e.into()
                } else {
                    RemoteError::Conflict { conflicts: conflicts.join("; "), source: e }
                });
            }
        };
        if !text.trim().is_empty() {
            told.push(text.trim().to_string());
        }
    }
    Ok(if told.is_empty() { "up to date".into() } else { told.join(" | ") })
}

/// Whether the repository is a bare mirror of the remote (`git clone
/// --mirror`: `remote.<name>.mirror`, or its `+refs/*:refs/*`). Fetched with
/// its own refspec, `--prune` would delete a tag made here and not pushed
/// yet, and the `+` would move a tag to the remote's commit; so a mirror is
/// fetched with an explicit refspec for its branches, and tags only through
/// `--tags`, which never prunes or overwrites one. Any other clone keeps its
/// own refspecs: its branches are the user's, never pruned or reset here.
fn is_mirror(path: &str, remote: &str) -> bool {
    let Ok(repo) = Repository::open(path) else { return false };
    if !repo.is_bare() {
        return false;
    }
    let flagged = repo.config().and_then(|c| c.get_bool(&format!("remote.{remote}.mirror"))).unwrap_or(false);
    let Ok(remote) = repo.find_remote(remote) else { return false };
    flagged
        || remote.refspecs().any(|r| r.direction() == git2::Direction::Fetch && r.str().ok() == Some("+refs/*:refs/*"))
}

/// Tags a fetch refused to overwrite: ` ! [rejected]  T -> T  (would clobber existing tag)`.
fn clobbered_tags(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains("(would clobber existing tag)"))
        .filter_map(|l| l.split_once("[rejected]")?.1.split_whitespace().next().map(clean))
        .collect()
}

/// Whether the remote has `refs/tags/{tag}` on the same commit as here. A
/// tag of that name on another commit is an error saying so.
pub async fn remote_has_tag(spec: &RepoSpec, tag: &str) -> Result<bool, RemoteError> {
    match remote_tag(spec, tag, NETWORK_TIMEOUT).await? {
        TagRemote::Pushed => Ok(true),
        TagRemote::Absent => Ok(false),
        TagRemote::Conflict { remote_commit } => {
            Err(RemoteError::TagConflict(conflict_error(&clean(&spec.remote), &clean(tag), remote_commit.as_deref())))
        }
    }
}

/// Where the remote stands on `tag`: absent, on the same commit as here
/// (for an annotated tag, the commit it peels to), or on another commit. A
/// tag that does not exist here counts as pushed when the remote has it.
pub async fn remote_tag(spec: &RepoSpec, tag: &str, timeout: Duration) -> Result<TagRemote, RemoteError> {
    let r = format!("refs/tags/{tag}");
    let peeled = format!("{r}^{{}}");
    let args = ["ls-remote", "--tags", spec.remote.as_str(), r.as_str(), peeled.as_str()];
    let out = run_remote(spec, &spec.remote, &args, timeout, false).await?;
    said(&args, &out)?;
    let (mut direct, mut peeled_to) = (None, None);
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((sha, name)) = line.split_once('\t') else { continue };
        if sha.is_empty() || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        match name.trim_end() {
            n if n == r => direct = Some(sha.to_string()),
            n if n == peeled => peeled_to = Some(sha.to_string()),
            _ => {}
        }
    }
    // A lightweight tag names its commit directly and has no `^{}` line.
    let Some(theirs) = peeled_to.or(direct) else { return Ok(TagRemote::Absent) };
    let (name, path, t) = (spec.name.clone(), spec.path.clone(), tag.to_string());
    let ours = tokio::task::spawn_blocking(move || local_tag_commit(&name, &path, &t))
        .await
        .map_err(|e| RemoteError::Internal { repo: spec.name.clone(), reason: e.to_string() })??;
    Ok(match ours {
        Some(c) if !c.eq_ignore_ascii_case(&theirs) => TagRemote::Conflict { remote_commit: Some(theirs) },
        _ => TagRemote::Pushed,
    })
}
/// `git push <remote> refs/tags/<tag>`: never forced, never retried;
/// bounded by [`NETWORK_TIMEOUT`].
pub async fn push_tag(spec: &RepoSpec, tag: &str) -> Result<String, RemoteError> {
    push_tag_within(spec, tag, NETWORK_TIMEOUT).await
}

/// `git push <remote> refs/tags/<tag>`: never forced, never retried. A
/// refusal because the remote's tag of that name is on another commit says
/// so, with that commit; one on the same commit is as good as pushed.
pub async fn push_tag_within(spec: &RepoSpec, tag: &str, timeout: Duration) -> Result<String, RemoteError> {
    let r = format!("refs/tags/{tag}");
    let args = ["push", "--porcelain", spec.remote.as_str(), r.as_str()];
    let out = run_remote(spec, &spec.remote, &args, timeout, true).await?;
    match said(&args, &out) {
        Ok(s) => Ok(s),
        Err(e @ CommandError::Failed { .. }) if refused(&e) => {
            match remote_tag(spec, tag, timeout).await {
                Ok(TagRemote::Conflict { remote_commit }) => {
                    let conflict = conflict_error(&clean(&spec.remote), &clean(tag), remote_commit.as_deref());
                    Err(RemoteError::Conflict { conflicts: conflict, source: e })
                }
                // Someone else's tag object on the same commit: what the push
                // was for is already true.
                Ok(TagRemote::Pushed) => {
                    Ok(format!("{} already has {} on the same commit", clean(&spec.remote), clean(tag)))
                }
                _ => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// A push the remote refused for a tag already there.
fn refused(e: &CommandError) -> bool {
    let text = e.to_string();
    text.contains("rejected") || text.contains("already exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clobbered_tags_are_read_from_fetch_output() {
        let stderr = "From /srv/origin\n ! [rejected]        2026.11.26 -> 2026.11.26  (would clobber existing tag)\n   abc..def  main -> origin/main\n";
        assert_eq!(clobbered_tags(stderr), vec!["2026.11.26".to_string()]);
        assert!(clobbered_tags("Already up to date.").is_empty());
    }
}
