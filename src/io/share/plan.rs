//! One merge of the remote's tree with what was seen and our own lines:
//! the others' new lines, the warnings, and the commit to push, if any.
//! Blocking (git2): run under `spawn_blocking`.

use super::cache::{self, Committed, Snapshot};
use super::claims::{self, Claim, Decided};
use super::error::ShareError;
use super::files::{self, MAX_FILE_BYTES, Relation, Warning, file_name};
use git2::{Oid, Repository};
use std::collections::BTreeMap;

/// What merging found.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// The commit to push: the remote's tree with all our new lines and
    /// any file the remote lost (the longer version wins), its parent the
    /// remote's commit. None when we have nothing new or may not push.
    pub commit: Option<Oid>,
    pub pushed_lines: usize,
    /// How long the remote's copy of our file is: after a round that
    /// pushes nothing, how much of ours it has.
    pub ours_on_remote: u64,
    pub new_lines: BTreeMap<String, Vec<u8>>,
    /// Who committed the new lines: byte ranges of `new_lines`' bytes.
    pub committed: BTreeMap<String, Vec<Committed>>,
    pub warnings: Vec<Warning>,
    /// Claims found decided on the remote.
    pub decided: BTreeMap<String, Decided>,
    /// Claims this commit makes: won if it lands.
    pub claiming: Vec<String>,
}

/// `remote`: the cache's copy of the remote's commit (none: no ref there);
/// `seen`: the commit whose lines the caller said it saved.
pub(super) fn plan(
    repo: &Repository,
    remote: Option<Oid>,
    seen: Option<Oid>,
    replica: &str,
    mine: &[u8],
    claims_asked: &[Claim],
) -> Result<Plan, ShareError> {
    let theirs = cache::snapshot(repo, remote)?;
    // What was seen was warned about when it came: only its files count.
    let seen_commit = seen;
    let seen = cache::snapshot(repo, seen)?;
    let mut plan = Plan { warnings: theirs.warnings.clone(), ..Plan::default() };
    let mut restore = Vec::new();
    // Where each replica's new lines start in its file.
    let mut starts: BTreeMap<String, u64> = BTreeMap::new();
    let names: std::collections::BTreeSet<&String> = theirs.files.keys().chain(seen.files.keys()).collect();
    for name in names {
        if name == replica {
            continue;
        }
        let (now, before) = (theirs.files.get(name), seen.files.get(name));
        if now.map(|f| f.0) == before.map(|f| f.0) {
            continue;
        }
        let now_bytes = now.map(|f| cache::blob(repo, f.0)).transpose()?.unwrap_or_default();
        let before_bytes = before.map(|f| cache::blob(repo, f.0)).transpose()?.unwrap_or_default();
        if now.is_some() {
            match files::new_lines(name, &before_bytes, &now_bytes) {
                Ok(lines) if !lines.is_empty() => {
                    plan.new_lines.insert(name.clone(), lines.to_vec());
                    starts.insert(name.clone(), files::whole_lines(&before_bytes).len() as u64);
                }
                Ok(_) => {}
                Err(w) => plan.warnings.push(w),
            }
            if now_bytes.last().is_some_and(|b| *b != b'\n') {
                plan.warnings.push(Warning::Torn { replica: name.clone() });
            }
        }
        let remote_lost = match now {
            None => !theirs.skipped.contains(name),
            Some(_) => files::relation(&before_bytes, &now_bytes) == Relation::Behind,
        };
        if let (true, Some(b)) = (remote_lost, before) {
            restore.push((file_name(name), b.0));
        }
    }
    // Who committed the new lines: one walk back over the history for all.
    if let Some(head) = remote.filter(|_| !starts.is_empty()) {
        let names: Vec<&str> = starts.keys().map(String::as_str).collect();
        for (name, spans) in cache::introduced(repo, head, seen_commit, &names)? {
            let start = starts[&name];
            let spans = spans
                .into_iter()
                .filter(|c| c.to > start)
                .map(|c| Committed { from: c.from.saturating_sub(start), to: c.to - start, who: c.who })
                .collect();
            plan.committed.insert(name, spans);
        }
    }
    let ours = ours_on_remote(repo, &theirs, replica)?;
    plan.ours_on_remote = ours.as_ref().map_or(0, |o| o.len() as u64);
    let push = match ours {
        None => None,
        Some(_) if mine.len() as u64 > MAX_FILE_BYTES => {
            plan.warnings.push(Warning::TooLarge { replica: replica.to_string(), bytes: mine.len() as u64 });
            None
        }
        Some(on_remote) => match files::ours_to_push(replica, &on_remote, mine) {
            Ok(new) if !new.is_empty() => Some(new),
            Ok(_) => None,
            Err(w) => {
                plan.warnings.push(w);
                None
            }
        },
    };
    let mut write = Vec::new();
    for claim in claims_asked {
        let name = claims::file_name(&claim.key);
        match theirs.claims.get(&name) {
            Some(oid) => {
                plan.decided.insert(claim.key.clone(), decided(repo, *oid, replica)?);
            }
            None if !plan.claiming.contains(&claim.key) => {
                write.push((name, cache::write_blob(repo, &claims::content(replica, claim))?));
                plan.claiming.push(claim.key.clone());
            }
            None => {}
        }
    }
    if let Some(new) = push {
        plan.pushed_lines = files::count_lines(new);
        write.push((file_name(replica), cache::write_blob(repo, mine)?));
        write.extend(restore);
    }
    if !write.is_empty() {
        let message =
            format!("shipdeck: {} lines and {} claims of replica {replica}\n", plan.pushed_lines, plan.claiming.len());
        plan.commit = Some(cache::commit(repo, remote, &write, replica, &message)?);
    }
    Ok(plan)
}

/// The claim file `oid` of the remote's tree, decided for `replica`: ours
/// is won (we landed it, maybe in a round whose end was lost); anything
/// else, even unreadable, is taken.
fn decided(repo: &Repository, oid: Oid, replica: &str) -> Result<Decided, ShareError> {
    let odb = repo.odb().map_err(|e| super::error::cache_err(repo.path(), e.message()))?;
    let (size, _) = odb.read_header(oid).map_err(|e| super::error::cache_err(repo.path(), e.message()))?;
    let (by_replica, by) = if size as u64 > claims::MAX_CLAIM_BYTES {
        (String::new(), String::new())
    } else {
        claims::read(&cache::blob(repo, oid)?)
    };
    Ok(if by_replica == replica { Decided::Won } else { Decided::Lost { replica: by_replica, by } })
}

/// The remote's copy of our file (empty when it has none); `None`, with the
/// warning already given, when it is too large to compare.
fn ours_on_remote(repo: &Repository, theirs: &Snapshot, replica: &str) -> Result<Option<Vec<u8>>, ShareError> {
    if theirs.skipped.contains(replica) {
        return Ok(None);
    }
    Ok(Some(theirs.files.get(replica).map(|f| cache::blob(repo, f.0)).transpose()?.unwrap_or_default()))
}

/// Each replica's line count in `head` and who last committed its file.
pub(super) fn replicas(repo: &Repository, head: Oid) -> Result<BTreeMap<String, (usize, Option<String>)>, ShareError> {
    let snap = cache::snapshot(repo, Some(head))?;
    let mut who = cache::committers(repo, head, snap.files.keys().cloned())?;
    let mut out = BTreeMap::new();
    for (replica, (oid, _)) in &snap.files {
        let lines = files::count_lines(&cache::blob(repo, *oid)?);
        out.insert(replica.clone(), (lines, who.remove(replica)));
    }
    Ok(out)
}
