//! One sync round and its acknowledgement: the async driver over the
//! network commands and the blocking cache work.

use super::cache::{self, Committed, State};
use super::claims::{Claim, Decided};
use super::error::{PushFailure, ShareError, cache_err};
use super::files::{Warning, whole_lines};
use super::plan::{Plan, plan, replicas};
use super::remote::{check_remote, fetch, ls_remote, push, tidy};
use git2::Oid;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many times a round pushes before giving up to the next round: each
/// retry follows a fresh fetch, so only several people pushing in the same
/// second, every time, exhaust it.
pub const MAX_ATTEMPTS: u32 = 6;

/// What one replica's file on the remote holds, as of the round's commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaInfo {
    /// Whole lines in its file.
    pub lines: usize,
    /// Who made the last commit changing its file ("Name <email>", cleaned),
    /// so the team sees who stands behind a replica's lines; `None` when
    /// that commit is further back than the history looked at.
    pub committer: Option<String>,
}

/// What a round did and found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// The remote's commit after the round (ours when we pushed); `None`
    /// when the remote has no such ref and we had nothing to push.
    pub remote_sha: Option<String>,
    /// How many of our lines this round pushed.
    pub pushed_lines: usize,
    /// Other replicas' lines not yet acknowledged, raw bytes per replica,
    /// whole `\n`-terminated lines in their maker's order. Untrusted: append
    /// them to the journal (skipping ids it has), whose reading cleans every
    /// event, then [`acknowledge`] the round.
    pub new_lines: BTreeMap<String, Vec<u8>>,
    /// Who committed `new_lines`: per replica, byte ranges of its new bytes
    /// with the committer's "Name <email>" (cleaned), oldest first.
    pub committed: BTreeMap<String, Vec<Committed>>,
    /// Whether the remote's commit was fetched.
    pub fetched: bool,
    /// What was passed over (see [`Warning`]); said once, in the round that
    /// met it.
    pub warnings: Vec<Warning>,
    /// Per replica, its file's line count and committer; `None` when the
    /// round found nothing changed and did not look (keep what was shown).
    pub replicas: Option<BTreeMap<String, ReplicaInfo>>,
    /// Pushes tried (1 unless someone pushed first).
    pub attempts: u32,
    /// The claims asked, decided: those not here wait for a round that
    /// gets through.
    pub claims: BTreeMap<String, Decided>,
}

/// One round of sharing the journal of `git_ref` (made by
/// [`super::share_ref`]) through `remote` (a URL or an absolute path: it is
/// given to `git -C cache`), as `replica`, whose own lines are `mine`:
/// exactly that replica's events as its journal holds them, in order (a
/// partial last line is left for the next round).
///
/// The remote is asked first (`ls-remote`); it is fetched only when it
/// moved. Our new lines, if any, go out in one commit, never forced; a
/// push refused because someone pushed first fetches, merges and tries
/// again after a random pause, up to [`MAX_ATTEMPTS`] times. Each git
/// command is killed after `timeout`, so a round takes at most a few times
/// that. A remote needing credentials that no helper supplies fails at once
/// ([`ShareError::Authentication`]); nothing ever prompts.
///
/// When the remote is where the last round left it, our lines are all
/// there and the last round was acknowledged, the round is one `ls-remote`
/// and no tree is read. Rounds on one cache take turns (a lock file).
pub async fn sync_round(
    cache: &Path,
    remote: &str,
    git_ref: &str,
    replica: &str,
    mine: &[u8],
    timeout: Duration,
) -> Result<Round, ShareError> {
    sync_round_claiming(cache, remote, git_ref, replica, mine, &[], timeout).await
}

/// [`sync_round`], also deciding `claims` (see `claims`): each one this
/// round decides is in [`Round::claims`], won when our push of it landed
/// on a tree without it.
pub async fn sync_round_claiming(
    cache: &Path,
    remote: &str,
    git_ref: &str,
    replica: &str,
    mine: &[u8],
    claims: &[Claim],
    timeout: Duration,
) -> Result<Round, ShareError> {
    let (slug, date) = super::parse_ref(git_ref)
        .ok_or_else(|| ShareError::Invalid(format!("{git_ref:?} is not a shared journal ref")))?;
    if !super::is_replica_id(replica) {
        return Err(ShareError::Invalid(format!("{replica:?} is not a replica id")));
    }
    check_remote(remote)?;
    let mine = whole_lines(mine).to_vec();
    let state_path = cache::state_path(cache, slug, date);
    let acked_ref = acked_ref(git_ref);
    let (lock, mut cached, acked, state) = {
        let (cache, git_ref, acked_ref, state_path) =
            (cache.to_path_buf(), git_ref.to_string(), acked_ref.clone(), state_path.clone());
        blocking(&cache.clone(), move || {
            let repo = cache::open(&cache)?;
            let lock = cache::lock(&cache)?;
            let cached = cache::ref_oid(&repo, &git_ref)?;
            let acked = cache::ref_oid(&repo, &acked_ref)?;
            Ok((lock, cached, acked, cache::read_state(&state_path)))
        })
        .await?
    };
    let mut round = Round::default();
    let mut plan_done = Plan::default();
    let mut head = None;
    for attempt in 1..=MAX_ATTEMPTS {
        round.attempts = attempt;
        let at_remote = ls_remote(cache, remote, git_ref, timeout).await?;
        if attempt == 1
            && claims.is_empty()
            && nothing_new(at_remote.as_deref(), cached, acked, state.as_ref(), mine.len())
        {
            round.remote_sha = at_remote;
            drop(lock);
            return Ok(round);
        }
        if at_remote != cached.map(|c| c.to_string()) {
            if at_remote.is_some() {
                fetch(cache, remote, git_ref, timeout).await?;
                round.fetched = true;
            }
            let (c, r) = (cache.to_path_buf(), git_ref.to_string());
            cached = blocking(cache, move || {
                let repo = cache::open(&c)?;
                if at_remote.is_none() {
                    // The remote lost the ref: so does the mirror of it.
                    cache::set_ref(&repo, &r, None)?;
                }
                cache::ref_oid(&repo, &r)
            })
            .await?;
        }
        let (c, me, lines, asked) = (cache.to_path_buf(), replica.to_string(), mine.clone(), claims.to_vec());
        let merged = blocking(cache, move || plan(&cache::open(&c)?, cached, acked, &me, &lines, &asked)).await?;
        let Some(commit) = merged.commit else {
            head = cached;
            plan_done = merged;
            break;
        };
        match push(cache, remote, git_ref, &commit.to_string(), timeout).await {
            Ok(()) => {
                let (c, r) = (cache.to_path_buf(), git_ref.to_string());
                blocking(cache, move || cache::set_ref(&cache::open(&c)?, &r, Some(commit))).await?;
                head = Some(commit);
                let ours = if merged.pushed_lines > 0 { mine.len() as u64 } else { merged.ours_on_remote };
                plan_done = Plan { ours_on_remote: ours, ..merged };
                break;
            }
            Err(PushFailure::Behind(_)) if attempt < MAX_ATTEMPTS => tokio::time::sleep(jitter(attempt)).await,
            Err(PushFailure::Behind(said)) => {
                let remote = crate::io::git::shown_url(remote);
                return Err(match super::error::stale_lock(&said) {
                    Some(lock) => ShareError::Locked { remote, lock },
                    None => ShareError::Contended { remote, attempts: attempt, said },
                });
            }
            Err(PushFailure::Failed(e)) => return Err(e),
        }
    }
    round.claims = std::mem::take(&mut plan_done.decided);
    if plan_done.commit.is_some() {
        round.claims.extend(plan_done.claiming.drain(..).map(|k| (k, Decided::Won)));
    }
    round.remote_sha = head.map(|h| h.to_string());
    round.pushed_lines = if plan_done.commit.is_some() { plan_done.pushed_lines } else { 0 };
    round.new_lines = plan_done.new_lines;
    round.committed = plan_done.committed;
    round.warnings = plan_done.warnings;
    let ours = plan_done.ours_on_remote;
    let c = cache.to_path_buf();
    round.replicas = Some(
        blocking(cache, move || {
            let Some(head) = head else { return Ok(BTreeMap::new()) };
            cache::write_state(&state_path, &State { remote: head, ours })?;
            let found = replicas(&cache::open(&c)?, head)?;
            Ok(found.into_iter().map(|(r, (lines, committer))| (r, ReplicaInfo { lines, committer })).collect())
        })
        .await?,
    );
    if round.fetched || plan_done.commit.is_some() {
        tidy(cache, timeout).await;
    }
    drop(lock);
    Ok(round)
}

impl Round {
    /// Who committed the line of `replica` starting `at` bytes into its new
    /// lines.
    pub fn committer(&self, replica: &str, at: u64) -> Option<&str> {
        let spans = self.committed.get(replica)?;
        spans.iter().find(|c| c.from <= at && at < c.to).map(|c| c.who.as_str())
    }
}

/// Says the lines of `round` are saved in the journal, so the next round
/// hands out only lines beyond them. Until then they are handed out again
/// (the journal drops ids it has): a crash between a round and saving its
/// lines loses nothing.
pub async fn acknowledge(cache: &Path, git_ref: &str, round: &Round) -> Result<(), ShareError> {
    let Some(sha) = round.remote_sha.clone() else { return Ok(()) };
    if super::parse_ref(git_ref).is_none() {
        return Err(ShareError::Invalid(format!("{git_ref:?} is not a shared journal ref")));
    }
    let (c, r) = (cache.to_path_buf(), acked_ref(git_ref));
    blocking(cache, move || {
        let repo = cache::open(&c)?;
        let _lock = cache::lock(&c)?;
        let oid = Oid::from_str(&sha).map_err(|e| cache_err(&c, e.message()))?;
        repo.find_commit(oid).map_err(|e| cache_err(&c, e.message()))?;
        cache::set_ref(&repo, &r, Some(oid))
    })
    .await
}

/// How many bytes of our file the remote held at the end of the last round
/// that looked (a quiet round means all of them): what is beyond is not
/// shared yet. `None` before any round.
pub fn shared_bytes(cache: &Path, git_ref: &str) -> Option<u64> {
    let (slug, date) = super::parse_ref(git_ref)?;
    cache::read_state(&cache::state_path(cache, slug, date)).map(|s| s.ours)
}

/// Where the acknowledged commit is kept: outside `refs/shipdeck/`, so no
/// fetch into the cache ever moves it.
fn acked_ref(git_ref: &str) -> String {
    format!("refs/shipdeck-acked/{}", git_ref.strip_prefix(super::REF_PREFIX).unwrap_or(git_ref))
}

/// The remote is where we left it, all of ours is on it, and the caller
/// has saved everything of it: nothing to read, nothing to push.
fn nothing_new(
    at_remote: Option<&str>,
    cached: Option<Oid>,
    acked: Option<Oid>,
    state: Option<&State>,
    mine: usize,
) -> bool {
    match (at_remote, cached) {
        (None, None) => mine == 0,
        (Some(sha), Some(c)) => {
            sha == c.to_string() && acked == Some(c) && state.is_some_and(|s| s.remote == c && s.ours == mine as u64)
        }
        _ => false,
    }
}

/// A pause before pushing again, random so that two replicas that collided
/// do not collide again, and longer after each collision.
fn jitter(attempt: u32) -> Duration {
    let random = u64::from_str_radix(&crate::io::replica::random_hex(), 16).unwrap_or(0);
    let base = 20u64 << attempt.min(5);
    Duration::from_millis(base + random % (base * 2))
}

async fn blocking<T: Send + 'static>(
    cache: &Path,
    work: impl FnOnce() -> Result<T, ShareError> + Send + 'static,
) -> Result<T, ShareError> {
    let at: PathBuf = cache.to_path_buf();
    tokio::task::spawn_blocking(work).await.map_err(|e| cache_err(&at, format!("cache work failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_is_quiet_only_when_nothing_moved_and_all_was_acknowledged() {
        let c = Oid::from_str(&"c".repeat(40)).unwrap();
        let o = Oid::from_str(&"0".repeat(39).to_string().chars().chain(['1']).collect::<String>()).unwrap();
        let sha = c.to_string();
        let st = State { remote: c, ours: 10 };
        assert!(nothing_new(Some(&sha), Some(c), Some(c), Some(&st), 10));
        assert!(!nothing_new(Some(&sha), Some(c), Some(c), Some(&st), 11), "new lines of ours");
        assert!(!nothing_new(Some(&sha), Some(c), Some(o), Some(&st), 10), "not acknowledged");
        assert!(!nothing_new(Some(&sha), Some(c), Some(c), None, 10), "no state");
        assert!(!nothing_new(Some(&o.to_string()), Some(c), Some(c), Some(&st), 10), "the remote moved");
        assert!(nothing_new(None, None, None, None, 0));
        assert!(!nothing_new(None, None, None, None, 3));
        assert!(!nothing_new(None, Some(c), Some(c), Some(&st), 10), "the remote lost the ref");
        assert!(jitter(1) >= Duration::from_millis(40) && jitter(6) < Duration::from_secs(3));
    }
}
