//! git, local and remote. Local work (scan, compare, tag) uses git2 and is
//! blocking: callers run it under `spawn_blocking`, opening the repository
//! per call (`git2::Repository` is `Send`, not `Sync`). Network work (fetch,
//! ls-remote, push) runs the `git` CLI non-interactively so the user's
//! credential helpers and ssh config apply, and a password prompt fails fast
//! instead of hanging.

use super::sanitize::clean;
use crate::domain::repos::{CommitInfo, RepoSpec, RepoStatus, SecurityState};
use crate::domain::tags;
use chrono::{DateTime, NaiveDate, Utc};
use git2::{BranchType, ObjectType, Oid, Repository, Signature};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{repo}: {message}")]
pub struct GitError {
    pub repo: String,
    pub message: String,
}

fn err(repo: &str, message: impl Into<String>) -> GitError {
    GitError { repo: repo.to_string(), message: message.into() }
}

/// libgit2 re-hashes every object it reads; the git command does not. For a
/// compare walking 50,000 commits that check is a fifth of the time, and a
/// corrupt object is git's to report, not the cockpit's.
fn configure_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

fn open(spec_name: &str, path: &str) -> Result<Repository, GitError> {
    configure_once();
    if !Path::new(path).exists() {
        return Err(err(spec_name, format!("{path} does not exist")));
    }
    let repo = Repository::open(path)
        .map_err(|e| err(spec_name, format!("{path} is not a git repository ({})", e.message())))?;
    if repo.is_bare() {
        return Err(err(
            spec_name,
            format!("{path} is a bare repository; point `path` at a clone with a working tree"),
        ));
    }
    // Not `Repository::is_empty`: it also wants HEAD to name init.defaultBranch
    // ("master" unless configured), so a `git init -b main` repo would pass.
    let unborn = repo.head().is_err_and(|e| e.code() == git2::ErrorCode::UnbornBranch);
    if unborn && repo.references().is_ok_and(|mut refs| refs.next().is_none()) {
        return Err(err(spec_name, format!("{path} has no commits yet")));
    }
    Ok(repo)
}

/// The branch whose head is released: the configured one (remote-tracking
/// first, then local), else the remote's default branch, else the checked-out one.
fn resolve_branch(repo: &Repository, spec: &RepoSpec) -> Result<(String, Oid), GitError> {
    let name = &spec.name;
    let remote_exists = repo.find_remote(&spec.remote).is_ok();
    if let Some(branch) = &spec.branch {
        let remote_ref = format!("refs/remotes/{}/{branch}", spec.remote);
        if let Ok(r) = repo.find_reference(&remote_ref)
            && let Some(oid) = r.resolve().ok().and_then(|r| r.target())
        {
            return Ok((branch.clone(), oid));
        }
        if let Ok(b) = repo.find_branch(branch, BranchType::Local)
            && let Some(oid) = b.get().target()
        {
            return Ok((branch.clone(), oid));
        }
        let hint = if remote_exists { "fetch first?" } else { "and the remote is not configured" };
        return Err(err(name, format!("branch `{branch}` not found as {}/{branch} or locally ({hint})", spec.remote)));
    }
    if !remote_exists {
        return Err(err(name, format!("remote `{}` is not configured", spec.remote)));
    }
    let head_ref = format!("refs/remotes/{}/HEAD", spec.remote);
    if let Ok(r) = repo.find_reference(&head_ref)
        && let Some(target) = r.symbolic_target().ok().flatten()
    {
        let prefix = format!("refs/remotes/{}/", spec.remote);
        let branch = target.strip_prefix(&prefix).unwrap_or(target).to_string();
        if let Some(oid) = r.resolve().ok().and_then(|r| r.target()) {
            return Ok((branch, oid));
        }
    }
    let head = repo.head().map_err(|e| err(name, format!("cannot read HEAD: {}", e.message())))?;
    if !head.is_branch() {
        return Err(err(
            name,
            format!("HEAD is detached and {}/HEAD is unknown; set `branch` for this repo", spec.remote),
        ));
    }
    let branch = head.shorthand().unwrap_or("HEAD").to_string();
    let oid = head.target().ok_or_else(|| err(name, "HEAD points nowhere"))?;
    Ok((branch, oid))
}

fn commit_info(repo: &Repository, oid: Oid) -> Result<CommitInfo, git2::Error> {
    Ok(info_of(&repo.find_commit(oid)?))
}

/// Push-scheme tags with the commits they point at. Other tags are skipped
/// before peeling, so thousands of unrelated tags cost little.
fn scheme_tags(repo: &Repository, format: &str) -> Result<Vec<(String, String)>, git2::Error> {
    let mut out = Vec::new();
    for r in repo.references_glob("refs/tags/*")? {
        let r = r?;
        let Ok(name) = r.shorthand() else { continue };
        if tags::parse(name, format).is_none() {
            continue;
        }
        if let Ok(commit) = r.peel_to_commit() {
            out.push((name.to_string(), commit.id().to_string()));
        }
    }
    Ok(out)
}

pub fn scan(spec: &RepoSpec, push_date: NaiveDate, format: &str) -> Result<RepoStatus, GitError> {
    let name = &spec.name;
    let repo = open(name, &spec.path)?;
    let (branch, head_oid) = resolve_branch(&repo, spec)?;
    let g = |e: git2::Error| err(name, e.message().to_string());
    let head = commit_info(&repo, head_oid).map_err(g)?;
    let tagged = scheme_tags(&repo, format).map_err(g)?;
    let plan = tags::plan(tagged.iter().map(|(t, _)| t.as_str()), push_date, format);
    let commit_of = |tag: &str| tagged.iter().find(|(t, _)| t == tag).map(|(_, c)| c.clone());
    let previous_commit = plan.previous.as_ref().and_then(|(t, _)| commit_of(t));
    let commits_since_previous = match &previous_commit {
        Some(prev) => Some(count_range(&repo, Oid::from_str(prev).map_err(g)?, head_oid).map_err(g)?),
        None => None,
    };
    let security = spec.security.as_ref().map(|sec| {
        let sec_branch = sec.branch.as_deref().unwrap_or(&branch);
        let r = format!("refs/remotes/{}/{sec_branch}", sec.remote);
        let oid = repo
            .find_reference(&r)
            .ok()
            .and_then(|r| r.resolve().ok()?.target())
            .ok_or_else(|| format!("{}/{sec_branch} not found (fetch first?)", sec.remote))?;
        let (ahead, behind) = repo.graph_ahead_behind(oid, head_oid).map_err(|e| e.message().to_string())?;
        Ok(SecurityState { remote: sec.remote.clone(), in_sync: ahead == 0 && behind == 0, ahead, behind })
    });
    let fetched_at =
        std::fs::metadata(repo.path().join("FETCH_HEAD")).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from);
    Ok(RepoStatus { branch, head, plan, commits_since_previous, tagged_commits: tagged, security, fetched_at })
}

fn count_range(repo: &Repository, from: Oid, to: Oid) -> Result<usize, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.push(to)?;
    walk.hide(from)?;
    Ok(walk.count())
}

/// Commits in `to` but not in `from` (`from..to`), newest first, merges
/// included (the view filters them).
pub fn compare(spec: &RepoSpec, from: &str, to: &str) -> Result<Vec<CommitInfo>, GitError> {
    let name = &spec.name;
    let repo = open(name, &spec.path)?;
    let resolve = |rev: &str| -> Result<Oid, GitError> {
        repo.revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| err(name, format!("`{rev}` is not a commit, tag or branch here")))
    };
    let (from_oid, to_oid) = (resolve(from)?, resolve(to)?);
    walk_range(&repo, from_oid, to_oid).map_err(|e| err(name, e.message().to_string()))
}

/// `from..to` newest first, the way `git log` orders it: a queue by commit
/// date (ties in the order found); commits reachable from `from` are marked
/// uninteresting and the walk stops when only those are left. Each commit is
/// read once — libgit2's revwalk would parse it and `find_commit` read it
/// again, which made a 50,000-commit compare twice as slow as `git log`.
fn walk_range(repo: &Repository, from: Oid, to: Oid) -> Result<Vec<CommitInfo>, git2::Error> {
    use std::collections::{BinaryHeap, HashMap};

    const UNINTERESTING: u8 = 1;
    /// Out of the queue already.
    const POPPED: u8 = 2;
    /// Extra pops once only uninteresting commits are queued, for clock skew
    /// (git log's "slop").
    const SLOP: usize = 5;

    struct Queued<'r> {
        time: i64,
        seq: u64,
        commit: git2::Commit<'r>,
    }
    impl PartialEq for Queued<'_> {
        fn eq(&self, o: &Self) -> bool {
            (self.time, self.seq) == (o.time, o.seq)
        }
    }
    impl Eq for Queued<'_> {}
    impl PartialOrd for Queued<'_> {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Queued<'_> {
        // Newest first; among equal times, first found first.
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.time.cmp(&o.time).then(o.seq.cmp(&self.seq))
        }
    }

    struct Walk<'r> {
        repo: &'r Repository,
        flags: HashMap<Oid, u8>,
        queue: BinaryHeap<Queued<'r>>,
        seq: u64,
        /// Queued commits not (yet) known to be reachable from `from`.
        interesting: usize,
    }
    impl<'r> Walk<'r> {
        /// Queues a commit not seen before, or adds the flag to one seen.
        fn add(&mut self, oid: Oid, flag: u8) -> Result<(), git2::Error> {
            if let Some(f) = self.flags.get_mut(&oid) {
                if flag & UNINTERESTING != 0 && *f & (UNINTERESTING | POPPED) == 0 {
                    self.interesting -= 1;
                }
                *f |= flag;
                return Ok(());
            }
            self.flags.insert(oid, flag);
            if flag & UNINTERESTING == 0 {
                self.interesting += 1;
            }
            let commit = self.repo.find_commit(oid)?;
            self.seq += 1;
            self.queue.push(Queued { time: commit.time().seconds(), seq: self.seq, commit });
            Ok(())
        }
    }

    let mut w = Walk { repo, flags: HashMap::new(), queue: BinaryHeap::new(), seq: 0, interesting: 0 };
    w.add(from, UNINTERESTING)?;
    w.add(to, 0)?;
    let mut out = Vec::new();
    let mut slop = SLOP;
    while let Some(Queued { commit, .. }) = w.queue.pop() {
        let f = w.flags.entry(commit.id()).or_insert(0);
        let uninteresting = *f & UNINTERESTING != 0;
        *f |= POPPED;
        if uninteresting {
            for parent in commit.parent_ids() {
                w.add(parent, UNINTERESTING)?;
            }
        } else {
            w.interesting -= 1;
            out.push(info_of(&commit));
            for parent in commit.parent_ids() {
                w.add(parent, 0)?;
            }
        }
        if w.interesting == 0 {
            if slop == 0 {
                break;
            }
            slop -= 1;
        } else {
            slop = SLOP;
        }
    }
    Ok(out)
}

fn info_of(c: &git2::Commit) -> CommitInfo {
    CommitInfo {
        sha: c.id().to_string(),
        summary: clean(&String::from_utf8_lossy(c.summary_bytes().unwrap_or_default())),
        author: clean(&String::from_utf8_lossy(c.author().name_bytes())),
        time: c.time().seconds(),
        merge: c.parent_count() > 1,
    }
}

/// Creates an annotated tag; never moves or overwrites an existing one.
/// A commit named by a (short) sha: its full sha and summary, for `/pick`.
pub fn find_commit(spec: &RepoSpec, sha: &str) -> Result<(String, String), GitError> {
    let repo = open(&spec.name, &spec.path)?;
    let object =
        repo.revparse_single(sha).map_err(|e| err(&spec.name, format!("no commit {sha} ({})", e.message())))?;
    let commit = object.peel_to_commit().map_err(|_| err(&spec.name, format!("{sha} is not a commit")))?;
    let summary = super::sanitize::clean(&String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()));
    Ok((commit.id().to_string(), summary))
}

pub fn create_tag(spec: &RepoSpec, tag: &str, commit: &str, tagger: &str, message: &str) -> Result<String, GitError> {
    let name = &spec.name;
    let repo = open(name, &spec.path)?;
    if repo.find_reference(&format!("refs/tags/{tag}")).is_ok() {
        return Err(err(name, format!("tag {tag} already exists; shipdeck never moves a tag")));
    }
    let g = |e: git2::Error| err(name, e.message().to_string());
    let oid = Oid::from_str(commit).map_err(g)?;
    let object = repo.find_object(oid, Some(ObjectType::Commit)).map_err(g)?;
    let email = repo
        .config()
        .ok()
        .and_then(|c| c.get_string("user.email").ok())
        .unwrap_or_else(|| "shipdeck@localhost".to_string());
    let sig = Signature::now(tagger, &email).map_err(g)?;
    let id = repo.tag(tag, &object, &sig, message, false).map_err(|e| {
        if e.code() == git2::ErrorCode::Exists {
            err(name, format!("tag {tag} already exists; shipdeck never moves a tag"))
        } else {
            g(e)
        }
    })?;
    Ok(id.to_string())
}

/// How long a network git command may take before it is killed.
pub const NETWORK_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `git -C path args…` with no terminal, no stdin and no prompts.
pub async fn run_git(path: &str, args: &[&str], timeout: Duration) -> Result<String, String> {
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("-C").arg(path).args(args);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("GCM_INTERACTIVE", "never").env("LC_ALL", "C");
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=15");
    }
    // A GUI askpass would wait for a human; a failure is better.
    cmd.env_remove("SSH_ASKPASS").env_remove("GIT_ASKPASS").env("SSH_ASKPASS_REQUIRE", "never");
    let what = format!("git {}", args.join(" "));
    let child = cmd.spawn().map_err(|e| format!("{what}: cannot run git ({e})"))?;
    let out = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| format!("{what}: no answer within {}s", timeout.as_secs()))?
        .map_err(|e| format!("{what}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = clean_lines(&String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(if stdout.trim().is_empty() { stderr } else { stdout })
    } else {
        // `push --porcelain` says why a ref was rejected on stdout.
        let said: Vec<String> = [stderr, clean_lines(&stdout)].into_iter().filter(|s| !s.is_empty()).collect();
        let msg = if said.is_empty() { format!("exit status {}", out.status) } else { said.join(" | ") };
        Err(format!("{what}: {msg}"))
    }
}

fn clean_lines(s: &str) -> String {
    s.lines().map(|l| super::sanitize::clean_max(l, 300)).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" | ")
}

/// `git fetch --tags --prune` from the remote (and the security remote).
pub async fn fetch(spec: &RepoSpec) -> Result<String, String> {
    let mut remotes = vec![spec.remote.as_str()];
    if let Some(sec) = &spec.security {
        remotes.push(&sec.remote);
    }
    let mut said = Vec::new();
    for remote in remotes {
        let out = run_git(&spec.path, &["fetch", "--prune", "--tags", remote], NETWORK_TIMEOUT).await?;
        if !out.trim().is_empty() {
            said.push(out.trim().to_string());
        }
    }
    Ok(if said.is_empty() { "up to date".into() } else { said.join(" | ") })
}

/// Whether the remote has `refs/tags/{tag}`.
pub async fn remote_has_tag(spec: &RepoSpec, tag: &str) -> Result<bool, String> {
    let r = format!("refs/tags/{tag}");
    let out = run_git(&spec.path, &["ls-remote", "--tags", &spec.remote, &r], NETWORK_TIMEOUT).await?;
    Ok(out.lines().any(|l| l.trim_end().ends_with(&r)))
}

/// `git push <remote> refs/tags/<tag>`: never forced, never retried.
pub async fn push_tag(spec: &RepoSpec, tag: &str) -> Result<String, String> {
    let r = format!("refs/tags/{tag}");
    run_git(&spec.path, &["push", "--porcelain", &spec.remote, &r], NETWORK_TIMEOUT).await
}
