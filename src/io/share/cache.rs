//! The cache repository: a bare repository in the data dir holding the
//! objects of the shared refs, written with git2 (blocking: callers run it
//! under `spawn_blocking`, opening it per call). Also the round's small
//! state file and the lock that keeps two rounds on one cache apart.

use super::error::{ShareError, cache_err};
use super::files::{MAX_FILE_BYTES, MAX_FILES, Warning, file_name, replica_of};
use git2::{ObjectType, Oid, Repository, Signature};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The cache, created bare on first use: a data dir never had one before
/// its first shared push.
pub(super) fn open(path: &Path) -> Result<Repository, ShareError> {
    match Repository::open_bare(path) {
        Ok(repo) => Ok(repo),
        Err(_) if !path.exists() => {
            crate::io::regular_file::create_private_dir(path).map_err(|e| cache_err(path, e))?;
            let mut opts = git2::RepositoryInitOptions::new();
            opts.bare(true).mkpath(true).no_reinit(true);
            Repository::init_opts(path, &opts).map_err(|e| cache_err(path, e.message()))
        }
        Err(e) => Err(cache_err(path, format!("not a git repository: {}", e.message()))),
    }
}

fn err(repo: &Repository, e: git2::Error) -> ShareError {
    cache_err(repo.path(), e.message())
}

pub(super) fn ref_oid(repo: &Repository, name: &str) -> Result<Option<Oid>, ShareError> {
    match repo.refname_to_id(name) {
        Ok(oid) => Ok(Some(oid)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(err(repo, e)),
    }
}

/// Points `name` at `oid`, or removes it.
pub(super) fn set_ref(repo: &Repository, name: &str, oid: Option<Oid>) -> Result<(), ShareError> {
    match oid {
        Some(oid) => repo.reference(name, oid, true, "shipdeck share").map(|_| ()).map_err(|e| err(repo, e)),
        None => match repo.find_reference(name) {
            Ok(mut r) => r.delete().map_err(|e| err(repo, e)),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(()),
            Err(e) => Err(err(repo, e)),
        },
    }
}

/// A commit's replicas' files as blob ids and sizes; nothing read yet.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    pub files: BTreeMap<String, (Oid, u64)>,
    /// Replicas whose file is there but was not read (over a cap): never
    /// taken for absent, so never overwritten.
    pub skipped: std::collections::BTreeSet<String>,
    /// Claim files (`super::claims`) by name.
    pub claims: BTreeMap<String, Oid>,
    pub warnings: Vec<Warning>,
}

/// The files of `commit` (none: an empty tree), within the caps. Sizes come
/// from the object headers, so an oversized blob is never loaded.
pub(super) fn snapshot(repo: &Repository, commit: Option<Oid>) -> Result<Snapshot, ShareError> {
    let mut snap = Snapshot::default();
    let Some(commit) = commit else { return Ok(snap) };
    let tree = repo.find_commit(commit).and_then(|c| c.tree()).map_err(|e| err(repo, e))?;
    let odb = repo.odb().map_err(|e| err(repo, e))?;
    let mut valid = 0;
    for entry in tree.iter() {
        if super::claims::is_claim_file(entry.name_bytes()) && entry.kind() == Some(ObjectType::Blob) {
            // Names checked above: 46 ASCII characters.
            snap.claims.insert(String::from_utf8_lossy(entry.name_bytes()).into_owned(), entry.id());
            continue;
        }
        let replica = match replica_of(entry.name_bytes()) {
            Ok(r) if entry.kind() == Some(ObjectType::Blob) => r.to_string(),
            Ok(_) => {
                snap.warnings.push(Warning::Ignored { name: entry.name().unwrap_or("?").to_string() });
                continue;
            }
            Err(w) => {
                snap.warnings.push(w);
                continue;
            }
        };
        valid += 1;
        if valid > MAX_FILES {
            snap.skipped.insert(replica);
            continue;
        }
        let (size, _) = odb.read_header(entry.id()).map_err(|e| err(repo, e))?;
        let size = size as u64;
        if size > MAX_FILE_BYTES {
            snap.skipped.insert(replica.clone());
            snap.warnings.push(Warning::TooLarge { replica, bytes: size });
            continue;
        }
        snap.files.insert(replica, (entry.id(), size));
    }
    if valid > MAX_FILES {
        snap.warnings.push(Warning::TooManyFiles { files: valid });
    }
    Ok(snap)
}

pub(super) fn blob(repo: &Repository, oid: Oid) -> Result<Vec<u8>, ShareError> {
    repo.find_blob(oid).map(|b| b.content().to_vec()).map_err(|e| err(repo, e))
}

/// Who commits: the user's git identity when the cache's config (which
/// reads the global one) has it, so the team sees a person; otherwise the
/// replica, which is still told apart from the others.
pub(super) fn identity(repo: &Repository, replica: &str) -> Signature<'static> {
    repo.signature().or_else(|_| Signature::now("shipdeck", replica)).unwrap_or_else(|_| {
        // Only a clock before 1970 fails above; a fixed time still commits.
        Signature::new("shipdeck", replica, &git2::Time::new(0, 0)).expect("a plain name and email")
    })
}

/// A commit of the tree of `parent` (or an empty one) with `files`
/// written over it (file name, content blob), its parent `parent`. Entries
/// the rules ignore are carried over untouched: they are not ours to drop.
pub(super) fn commit(
    repo: &Repository,
    parent: Option<Oid>,
    files: &[(String, Oid)],
    replica: &str,
    message: &str,
) -> Result<Oid, ShareError> {
    let parent = parent.map(|p| repo.find_commit(p)).transpose().map_err(|e| err(repo, e))?;
    let base = parent.as_ref().map(|p| p.tree()).transpose().map_err(|e| err(repo, e))?;
    let mut builder = repo.treebuilder(base.as_ref()).map_err(|e| err(repo, e))?;
    for (name, oid) in files {
        builder.insert(name, *oid, 0o100644).map_err(|e| err(repo, e))?;
    }
    let tree = builder.write().and_then(|t| repo.find_tree(t)).map_err(|e| err(repo, e))?;
    let who = identity(repo, replica);
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(None, &who, &who, message, &tree, &parents).map_err(|e| err(repo, e))
}

pub(super) fn write_blob(repo: &Repository, bytes: &[u8]) -> Result<Oid, ShareError> {
    repo.blob(bytes).map_err(|e| err(repo, e))
}

/// How far back the committers of the files are looked for: a push day is
/// a few hundred rounds with lines; older ones are rarely the last.
const MAX_WALK: usize = 1000;

/// For each replica, who made the last commit changing its file in the
/// first-parent history of `head` (cleaned: it is the remote's text).
pub(super) fn committers(
    repo: &Repository,
    head: Oid,
    replicas: impl Iterator<Item = String>,
) -> Result<BTreeMap<String, String>, ShareError> {
    let mut want: Vec<String> = replicas.collect();
    let mut found = BTreeMap::new();
    let mut commit = repo.find_commit(head).map_err(|e| err(repo, e))?;
    for _ in 0..MAX_WALK {
        let tree = commit.tree().map_err(|e| err(repo, e))?;
        let parent = commit.parent(0).ok();
        let before = parent.as_ref().and_then(|p| p.tree().ok());
        let id = |t: &git2::Tree<'_>, r: &str| t.get_name(&file_name(r)).map(|e| e.id());
        want.retain(|r| {
            let changed = id(&tree, r) != before.as_ref().and_then(|b| id(b, r));
            if changed {
                found.insert(r.clone(), who(&commit.committer()));
            }
            !changed
        });
        match parent {
            Some(p) if !want.is_empty() => commit = p,
            _ => break,
        }
    }
    Ok(found)
}

/// A signature as shown: "Name <email>", cleaned (it is the remote's text).
fn who(s: &Signature<'_>) -> String {
    let text = format!("{} <{}>", String::from_utf8_lossy(s.name_bytes()), String::from_utf8_lossy(s.email_bytes()));
    crate::io::sanitize::clean_max(&text, 120)
}

/// Bytes `from..to` of a replica's file, as the commit that added them says
/// who committed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub from: u64,
    pub to: u64,
    pub who: String,
}

/// Who committed which bytes of each replica's file, walking back from
/// `head` to `stop` once for all of them (the history is a line: every
/// round commits on top of the remote's commit). A commit whose file of a
/// replica grew over its parent's added the bytes between the two sizes.
/// Trees are compared by blob id, so only the files a commit changed have
/// their size read. Oldest first; bytes beyond the walk are simply not
/// attributed.
pub(super) fn introduced(
    repo: &Repository,
    head: Oid,
    stop: Option<Oid>,
    replicas: &[&str],
) -> Result<BTreeMap<String, Vec<Committed>>, ShareError> {
    let names: Vec<String> = replicas.iter().map(|r| file_name(r)).collect();
    let odb = repo.odb().map_err(|e| err(repo, e))?;
    let ids = |c: &git2::Commit<'_>| -> Result<Vec<Option<Oid>>, ShareError> {
        let tree = c.tree().map_err(|e| err(repo, e))?;
        Ok(names.iter().map(|n| tree.get_name(n).map(|e| e.id())).collect())
    };
    let size = |oid: Oid| odb.read_header(oid).map(|(len, _)| len as u64).map_err(|e| err(repo, e));
    let mut found: Vec<Vec<Committed>> = vec![Vec::new(); names.len()];
    let mut commit = repo.find_commit(head).map_err(|e| err(repo, e))?;
    let mut here = ids(&commit)?;
    for _ in 0..MAX_WALK {
        if Some(commit.id()) == stop {
            break;
        }
        let parent = commit.parent(0).ok();
        let before = match &parent {
            Some(p) => ids(p)?,
            None => vec![None; names.len()],
        };
        for (i, spans) in found.iter_mut().enumerate() {
            let Some(id) = here[i] else { continue };
            if here[i] == before[i] {
                continue;
            }
            let (len, old) = (size(id)?, before[i].map(size).transpose()?.unwrap_or(0));
            if len > old {
                spans.push(Committed { from: old, to: len, who: who(&commit.committer()) });
            }
        }
        match parent {
            Some(p) => {
                commit = p;
                here = before;
            }
            None => break,
        }
    }
    Ok(replicas
        .iter()
        .zip(found)
        .map(|(r, mut spans)| {
            spans.reverse();
            (r.to_string(), spans)
        })
        .collect())
}

/// What the last round left behind, so that a round finding nothing new
/// does no tree work: the remote's commit it ended on and how long the
/// remote's copy of our file was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct State {
    pub remote: Oid,
    pub ours: u64,
}

/// `<cache>/shipdeck/<slug>_<date>.state`: the slug has no `_`, so one
/// file per ref.
pub(super) fn state_path(cache: &Path, slug: &str, date: &str) -> PathBuf {
    cache.join("shipdeck").join(format!("{slug}_{date}.state"))
}

/// The state, when there is a readable one; anything else means "look".
pub(super) fn read_state(path: &Path) -> Option<State> {
    let text = crate::io::regular_file::read_to_string(path, 200).ok()?;
    let (sha, len) = text.trim().split_once(' ')?;
    Some(State { remote: Oid::from_str(sha).ok()?, ours: len.parse().ok()? })
}

/// Written whole (temporary file, rename), so a crash leaves the old state
/// or the new, never a mix; losing it only costs one slow round.
pub(super) fn write_state(path: &Path, state: &State) -> Result<(), ShareError> {
    let dir = path.parent().unwrap_or(path);
    let tmp = path.with_extension("tmp");
    crate::io::regular_file::create_private_dir(dir)
        .and_then(|()| std::fs::write(&tmp, format!("{} {}\n", state.remote, state.ours)))
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| cache_err(path, e))
}

/// Holds the cache's lock file while alive: a cockpit and a headless
/// command on one data dir take turns, so neither writes refs under the
/// other.
pub(super) struct Lock(#[allow(dead_code)] std::fs::File);

pub(super) fn lock(cache: &Path) -> Result<Lock, ShareError> {
    let path = cache.join("shipdeck.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| cache_err(&path, e))?;
    file.lock().map_err(|e| cache_err(&path, e))?;
    Ok(Lock(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_cache_is_bare_and_commits_keep_what_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("share.git");
        let repo = open(&path).unwrap();
        assert!(repo.is_bare());
        assert!(open(&path).is_ok(), "opened again");
        let a = write_blob(&repo, b"a\n").unwrap();
        let evil = write_blob(&repo, b"x").unwrap();
        let first =
            commit(&repo, None, &[("0123abcd.jsonl".into(), a), ("README".into(), evil)], "0123abcd", "m").unwrap();
        let b = write_blob(&repo, b"b\n").unwrap();
        let second = commit(&repo, Some(first), &[("4567abcd.jsonl".into(), b)], "4567abcd", "m").unwrap();
        let snap = snapshot(&repo, Some(second)).unwrap();
        assert_eq!(snap.files.keys().collect::<Vec<_>>(), ["0123abcd", "4567abcd"]);
        assert_eq!(snap.warnings, [Warning::Ignored { name: "README".into() }]);
        let who = committers(&repo, second, ["0123abcd".to_string(), "4567abcd".to_string()].into_iter()).unwrap();
        assert_eq!(who.len(), 2);
        let state = State { remote: second, ours: 42 };
        let at = state_path(&path, "amo", "2026-11-26");
        assert_eq!(read_state(&at), None);
        write_state(&at, &state).unwrap();
        assert_eq!(read_state(&at), Some(state));
        std::fs::write(&at, "garbage").unwrap();
        assert_eq!(read_state(&at), None);
    }

    #[test]
    fn a_directory_that_is_not_a_repository_is_a_cache_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("junk"), "x").unwrap();
        assert!(matches!(open(dir.path()), Err(ShareError::Cache { .. })));
    }
}
