//! git, local and remote. Local work (scan, compare, tag) uses git2 and is
//! blocking: callers run it under `spawn_blocking`, opening the repository
//! per call (`git2::Repository` is `Send`, not `Sync`). Network work (fetch,
//! ls-remote, push) runs the `git` CLI non-interactively so the user's
//! credential helpers and ssh config apply, and a password prompt fails fast
//! instead of hanging; each command runs in its own process group, killed
//! whole when the remote does not answer in time.
//!
//! Ref names, remote URLs, paths and git's own messages are untrusted text:
//! they are cleaned here, before they reach the model. A raw name is kept
//! only as long as git still needs it.

use super::git_walk;
use super::sanitize::{clean, clean_max};
use crate::domain::repos::{CommitInfo, RepoSpec, RepoStatus, SecurityState, TagRemote, conflict_error};
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

/// Messages quote paths, ref names and libgit2's words about them, all of
/// which may carry control characters: cleaned here, once.
fn err(repo: &str, message: impl Into<String>) -> GitError {
    GitError { repo: clean(repo), message: clean_max(&message.into(), 500) }
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
/// The name is returned as git has it, for further lookups; it is cleaned
/// only for display.
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
        && let Some(target) = r.symbolic_target_bytes()
    {
        let target = String::from_utf8_lossy(target);
        let prefix = format!("refs/remotes/{}/", spec.remote);
        let branch = target.strip_prefix(&prefix).unwrap_or(&target).to_string();
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
    let branch = String::from_utf8_lossy(head.shorthand_bytes()).into_owned();
    let oid = head.target().ok_or_else(|| err(name, "HEAD points nowhere"))?;
    Ok((branch, oid))
}

fn commit_info(repo: &Repository, oid: Oid) -> Result<CommitInfo, git2::Error> {
    Ok(git_walk::info_of(&repo.find_commit(oid)?))
}

/// A push-scheme tag and the commit it peels to.
struct SchemeTag {
    name: String,
    tag: tags::PushTag,
    commit: Oid,
    /// The commit's committer time, seconds since the epoch.
    time: i64,
}

/// Push-scheme tags with the commits they point at. Other tags are skipped
/// before peeling, so thousands of unrelated tags cost little.
fn scheme_tags(repo: &Repository, format: &str) -> Result<Vec<SchemeTag>, git2::Error> {
    let mut out = Vec::new();
    for r in repo.references_glob("refs/tags/*")? {
        let r = r?;
        let Ok(name) = r.shorthand() else { continue };
        let Some(tag) = tags::parse(name, format) else { continue };
        if let Ok(commit) = r.peel_to_commit() {
            out.push(SchemeTag { name: name.to_string(), tag, commit: commit.id(), time: commit.time().seconds() });
        }
    }
    Ok(out)
}

/// How long after the day a push tag names its commit may have been made.
/// A re-tag a week later is ordinary; a tag named for a push whose commit
/// was made months after it cannot be what shipped that day.
const MISDATED_AFTER_DAYS: i64 = 14;

/// How many mis-dated tags one scan sets aside before it stops looking: each
/// costs a graph walk.
const MAX_SET_ASIDE: usize = 50;

fn misdated(t: &SchemeTag) -> bool {
    let named = t.tag.date.and_hms_opt(23, 59, 59).map_or(i64::MAX, |d| d.and_utc().timestamp());
    t.time > named.saturating_add(MISDATED_AFTER_DAYS * 86_400)
}

fn day(time: i64) -> String {
    DateTime::<Utc>::from_timestamp(time, 0).map_or_else(|| time.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

pub fn scan(spec: &RepoSpec, push_date: NaiveDate, format: &str) -> Result<RepoStatus, GitError> {
    let name = &spec.name;
    let repo = open(name, &spec.path)?;
    let (raw_branch, head_oid) = resolve_branch(&repo, spec)?;
    let g = |e: git2::Error| err(name, e.message().to_string());
    let head = commit_info(&repo, head_oid).map_err(g)?;
    let tagged = scheme_tags(&repo, format).map_err(g)?;
    let tag_of = |name: &str| tagged.iter().find(|t| t.name == name);
    // The previous push tag is the newest by name, unless its commit already
    // contains this push (a strict descendant of this push's tag, or of the
    // head before tagging) and was made long after the date its name gives:
    // then the name lies, and the tag is set aside. With a plausible date it
    // stays the previous push (a re-tag whose fixes never reached the branch)
    // and is warned about; a commit date alone (clock skew) sets nothing aside.
    let mut aside: Vec<&str> = Vec::new();
    let mut warnings = Vec::new();
    let (plan, previous, current, to) = loop {
        let names = tagged.iter().map(|t| t.name.as_str()).filter(|n| !aside.contains(n));
        let plan = tags::plan(names, push_date, format);
        let previous = plan.previous.as_ref().and_then(|(t, _)| tag_of(t));
        let current = plan.current.as_ref().and_then(|(t, _)| tag_of(t)).map(|t| t.commit);
        let to = current.unwrap_or(head_oid);
        let what = || match &plan.current {
            Some((t, _)) => t.clone(),
            None => format!("{} ({})", clean(&raw_branch), crate::domain::probe::short_sha(&head.sha)),
        };
        if let Some(p) = previous
            && p.commit != to
            && aside.len() < MAX_SET_ASIDE
            && repo.graph_descendant_of(p.commit, to).map_err(g)?
        {
            if misdated(p) {
                warnings.push(clean(&format!(
                    "{} is on a commit of {} that already contains {}: mis-dated, not used as the previous push tag",
                    p.name,
                    day(p.time),
                    what()
                )));
                aside.push(&p.name);
                continue;
            }
            let lacking = git_walk::count_range(&repo, to, p.commit).map_err(g)?;
            warnings.push(clean(&format!(
                "{} lacks {} of the previous push tag {}: fixes not merged back?",
                what(),
                crate::domain::repos::commits(lacking),
                p.name
            )));
        }
        break (plan, previous.map(|p| p.commit), current, to);
    };
    let in_push = match previous {
        Some(prev) => Some(git_walk::count_range(&repo, prev, to).map_err(g)?),
        None => None,
    };
    let beyond_target = match current {
        Some(c) => Some(git_walk::count_range(&repo, c, head_oid).map_err(g)?),
        None => None,
    };
    let security = spec.security.as_ref().map(|sec| {
        let sec_branch = sec.branch.as_deref().unwrap_or(&raw_branch);
        let r = format!("refs/remotes/{}/{sec_branch}", sec.remote);
        let oid = repo
            .find_reference(&r)
            .ok()
            .and_then(|r| r.resolve().ok()?.target())
            .ok_or_else(|| clean(&format!("{}/{sec_branch} not found (fetch first?)", sec.remote)))?;
        let (ahead, behind) = repo.graph_ahead_behind(oid, head_oid).map_err(|e| clean(e.message()))?;
        Ok(SecurityState { remote: clean(&sec.remote), in_sync: ahead == 0 && behind == 0, ahead, behind })
    });
    // Shown, never given back to git: the raw name was needed only above.
    let branch = clean(&raw_branch);
    let fetched_at =
        std::fs::metadata(repo.path().join("FETCH_HEAD")).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from);
    Ok(RepoStatus {
        branch,
        head,
        plan,
        in_push,
        beyond_target,
        tagged_commits: tagged.iter().map(|t| (t.name.clone(), t.commit.to_string())).collect(),
        security,
        fetched_at,
        tag_unchanged: spec.tag_unchanged,
        warnings,
    })
}

/// `from..to` exactly as `git log` lists it (same commits, same order, for
/// any commit dates), merges included (the view filters them).
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
    git_walk::walk_range(&repo, from_oid, to_oid).map_err(|e| err(name, e.message().to_string()))
}

/// A commit named by a (short) sha: its full sha and summary, for `/pick`.
pub fn find_commit(spec: &RepoSpec, sha: &str) -> Result<(String, String), GitError> {
    let repo = open(&spec.name, &spec.path)?;
    let object =
        repo.revparse_single(sha).map_err(|e| err(&spec.name, format!("no commit {sha} ({})", e.message())))?;
    let commit = object.peel_to_commit().map_err(|_| err(&spec.name, format!("{sha} is not a commit")))?;
    let summary = clean(&git_walk::commit_text(
        commit.summary_bytes().unwrap_or_default(),
        commit.message_encoding().ok().flatten(),
    ));
    Ok((commit.id().to_string(), summary))
}

/// Creates an annotated tag; never moves or overwrites an existing one.
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
    // A message ends with a newline, as `git tag -a` writes it; without one
    // `git cat-file` and `git tag -n` show it glued to what follows.
    let message = if message.ends_with('\n') { message.to_string() } else { format!("{message}\n") };
    let id = repo.tag(tag, &object, &sig, &message, false).map_err(|e| {
        if e.code() == git2::ErrorCode::Exists {
            err(name, format!("tag {tag} already exists; shipdeck never moves a tag"))
        } else {
            g(e)
        }
    })?;
    Ok(id.to_string())
}

/// How long a network git command may take when the config does not say
/// (`[git] timeout`): long enough for a slow fetch, short enough that a
/// person would rather be told than keep waiting.
pub const NETWORK_TIMEOUT: Duration = crate::config::GitConfig::DEFAULT_TIMEOUT;

/// Runs `git -C path args…` with no terminal, no stdin and no prompts.
/// Output is cleaned for display.
pub async fn run_git(path: &str, args: &[&str], timeout: Duration) -> Result<String, String> {
    let out = spawn_git(path, args, timeout, None).await?;
    said(args, &out)
}

/// Who a command talks to, named when it does not answer.
struct Peer<'a> {
    path: &'a str,
    remote: &'a str,
    push: bool,
}

/// Runs git with the safeguards every network command needs: nothing can
/// prompt, and after `timeout` the whole process group is killed (git's
/// transport helpers too, which would otherwise stay behind with the
/// connection open) and git is reaped.
async fn spawn_git(
    path: &str,
    args: &[&str],
    timeout: Duration,
    peer: Option<Peer<'_>>,
) -> Result<std::process::Output, String> {
    use tokio::io::AsyncReadExt;
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("-C").arg(path).args(args);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    cmd.process_group(0);
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("GCM_INTERACTIVE", "never").env("LC_ALL", "C");
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=5");
    }
    // Should shipdeck itself be killed before its timeout, a stalled HTTP
    // helper still gives up on its own instead of holding the connection.
    if std::env::var_os("GIT_HTTP_LOW_SPEED_LIMIT").is_none() && std::env::var_os("GIT_HTTP_LOW_SPEED_TIME").is_none() {
        // Well after ours, so it never pre-empts the timeout that names the remote.
        let secs = timeout.as_secs().saturating_mul(2).saturating_add(10).to_string();
        cmd.env("GIT_HTTP_LOW_SPEED_LIMIT", "1").env("GIT_HTTP_LOW_SPEED_TIME", secs);
    }
    // A GUI askpass would wait for a human; a failure is better.
    cmd.env_remove("SSH_ASKPASS").env_remove("GIT_ASKPASS").env("SSH_ASKPASS_REQUIRE", "never");
    let what = describe(args);
    let mut child = cmd.spawn().map_err(|e| format!("{what}: cannot run git ({e})"))?;
    let Some(pgid) = child.id() else { return Err(format!("{what}: git exited before it could be watched")) };
    // Declared after `child`, so it is dropped first: a cancelled call
    // stops the group while git's pid still cannot be reused.
    let mut group = GroupGuard(Some(pgid));
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(format!("{what}: no pipes to git"));
    };
    let finished = tokio::time::timeout(timeout, async {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (o, e, status) = tokio::join!(stdout.read_to_end(&mut out), stderr.read_to_end(&mut err), child.wait());
        o?;
        e?;
        Ok::<_, std::io::Error>(std::process::Output { status: status?, stdout: out, stderr: err })
    })
    .await;
    match finished {
        Ok(Ok(out)) => {
            group.0 = None;
            Ok(out)
        }
        Ok(Err(e)) => {
            stop(&mut child, &mut group).await;
            Err(format!("{what}: {e}"))
        }
        Err(_) => {
            stop(&mut child, &mut group).await;
            let waited = crate::config::format_duration(timeout);
            Err(match peer {
                Some(p) => {
                    let url = peer_url(p.path, p.remote, p.push).await;
                    let who = if url == clean(p.remote) { url } else { format!("{} ({url})", clean(p.remote)) };
                    format!("{what}: the remote {who} did not answer within {waited}")
                }
                None => format!("{what}: no answer within {waited}"),
            })
        }
    }
}

/// Kills git's process group, then reaps git.
async fn stop(child: &mut tokio::process::Child, group: &mut GroupGuard) {
    if let Some(pgid) = group.0 {
        // kill(1) returns at once; off the async threads all the same.
        let _ = tokio::task::spawn_blocking(move || crate::io::kill::group(pgid)).await;
    }
    // Should the group kill have failed, git itself at least goes.
    let _ = child.start_kill();
    let _ = child.wait().await;
    group.0 = None;
}

/// Kills the group when a call is dropped before git was reaped.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            let _ = crate::io::kill::group(pgid);
        }
    }
}

/// `git <args>` for messages: no userinfo from a URL given as a remote.
fn describe(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| shown_url(a)).collect();
    clean_max(&format!("git {}", args.join(" ")), 300)
}

/// A remote's URL as shown: without userinfo (a token is often there), clean.
pub fn shown_url(raw: &str) -> String {
    let s = raw.trim();
    if let Ok(url) = url::Url::parse(s)
        && url.has_host()
    {
        if !url.username().is_empty() || url.password().is_some() {
            return clean(crate::domain::redact::without_userinfo(&url).as_str());
        }
        return clean(s);
    }
    // scp-like `user@host:path`.
    if !s.contains("://")
        && let Some((user_host, path)) = s.split_once(':')
        && !user_host.contains('/')
        && let Some((_, host)) = user_host.rsplit_once('@')
    {
        return clean(&format!("{host}:{path}"));
    }
    clean(s)
}

/// Where `remote` points, for a message; the name itself when it is a URL
/// or the repository cannot say.
async fn peer_url(path: &str, remote: &str, push: bool) -> String {
    let (path, name) = (path.to_string(), remote.to_string());
    let url = tokio::task::spawn_blocking(move || {
        let repo = Repository::open(&path).ok()?;
        let r = repo.find_remote(&name).ok()?;
        let bytes = if push { r.pushurl_bytes().unwrap_or(r.url_bytes()) } else { r.url_bytes() };
        Some(String::from_utf8_lossy(bytes).into_owned())
    })
    .await
    .ok()
    .flatten();
    shown_url(url.as_deref().unwrap_or(remote))
}

/// What a finished git command said: stdout (else stderr) when it worked,
/// both when it did not, cleaned.
fn said(args: &[&str], out: &std::process::Output) -> Result<String, String> {
    let stdout = clean_lines(&String::from_utf8_lossy(&out.stdout));
    let stderr = clean_lines(&String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(if stdout.is_empty() { stderr } else { stdout })
    } else {
        // `push --porcelain` says why a ref was rejected on stdout.
        let said: Vec<String> = [stderr, stdout].into_iter().filter(|s| !s.is_empty()).collect();
        let msg = if said.is_empty() { format!("exit status {}", out.status) } else { said.join(" | ") };
        Err(format!("{}: {msg}", describe(args)))
    }
}

/// Lines joined with ` | `, each cleaned; a long answer (a first fetch of
/// thousands of tags) is cut, saying how much was left out.
fn clean_lines(s: &str) -> String {
    const MAX_LINES: usize = 20;
    // git quotes remote URLs in its messages, userinfo and all.
    let lines: Vec<String> =
        s.lines().map(|l| clean_max(&crate::domain::redact::url(l), 300)).filter(|l| !l.is_empty()).collect();
    if lines.len() <= MAX_LINES {
        return lines.join(" | ");
    }
    let more = lines.len() - MAX_LINES;
    format!("{} | … {more} more lines", lines[..MAX_LINES].join(" | "))
}

/// Runs a command that talks to `remote`.
async fn run_remote(
    spec: &RepoSpec,
    remote: &str,
    args: &[&str],
    timeout: Duration,
    push: bool,
) -> Result<std::process::Output, String> {
    spawn_git(&spec.path, args, timeout, Some(Peer { path: &spec.path, remote, push })).await
}

/// `git fetch --tags --prune` from the remote (and the security remote),
/// each bounded by [`NETWORK_TIMEOUT`].
pub async fn fetch(spec: &RepoSpec) -> Result<String, String> {
    fetch_within(spec, NETWORK_TIMEOUT).await
}

/// `git fetch --tags --prune` from the remote (and the security remote),
/// each bounded by `timeout`. A tag the remote has on another commit than
/// here is not taken (git refuses to move it) and is reported as a conflict.
pub async fn fetch_within(spec: &RepoSpec, timeout: Duration) -> Result<String, String> {
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
        if !out.status.success() {
            let conflicts = clobbered_tags(&String::from_utf8_lossy(&out.stderr))
                .into_iter()
                .map(|tag| conflict_error(&clean(remote), &tag, None))
                .collect::<Vec<_>>();
            let e = said(&args, &out).err().unwrap_or_default();
            return Err(if conflicts.is_empty() { e } else { format!("{}; {e}", conflicts.join("; ")) });
        }
        let text = said(&args, &out)?;
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
pub async fn remote_has_tag(spec: &RepoSpec, tag: &str) -> Result<bool, String> {
    match remote_tag(spec, tag, NETWORK_TIMEOUT).await? {
        TagRemote::Pushed => Ok(true),
        TagRemote::Absent => Ok(false),
        TagRemote::Conflict { remote_commit } => {
            Err(conflict_error(&clean(&spec.remote), &clean(tag), remote_commit.as_deref()))
        }
    }
}

/// Where the remote stands on `tag`: absent, on the same commit as here
/// (for an annotated tag, the commit it peels to), or on another commit. A
/// tag that does not exist here counts as pushed when the remote has it.
pub async fn remote_tag(spec: &RepoSpec, tag: &str, timeout: Duration) -> Result<TagRemote, String> {
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
        .map_err(|e| format!("{}: internal error: {e}", spec.name))?
        .map_err(|e| e.to_string())?;
    Ok(match ours {
        Some(c) if !c.eq_ignore_ascii_case(&theirs) => TagRemote::Conflict { remote_commit: Some(theirs) },
        _ => TagRemote::Pushed,
    })
}

/// The commit a local tag peels to, if the tag exists.
fn local_tag_commit(name: &str, path: &str, tag: &str) -> Result<Option<String>, GitError> {
    let repo = open(name, path)?;
    let Ok(r) = repo.find_reference(&format!("refs/tags/{tag}")) else { return Ok(None) };
    let commit = r.peel_to_commit().map_err(|e| err(name, e.message().to_string()))?;
    Ok(Some(commit.id().to_string()))
}

/// `git push <remote> refs/tags/<tag>`: never forced, never retried;
/// bounded by [`NETWORK_TIMEOUT`].
pub async fn push_tag(spec: &RepoSpec, tag: &str) -> Result<String, String> {
    push_tag_within(spec, tag, NETWORK_TIMEOUT).await
}

/// `git push <remote> refs/tags/<tag>`: never forced, never retried. A
/// refusal because the remote's tag of that name is on another commit says
/// so, with that commit; one on the same commit is as good as pushed.
pub async fn push_tag_within(spec: &RepoSpec, tag: &str, timeout: Duration) -> Result<String, String> {
    let r = format!("refs/tags/{tag}");
    let args = ["push", "--porcelain", spec.remote.as_str(), r.as_str()];
    let out = run_remote(spec, &spec.remote, &args, timeout, true).await?;
    match said(&args, &out) {
        Ok(s) => Ok(s),
        Err(e) if e.contains("rejected") || e.contains("already exists") => {
            match remote_tag(spec, tag, timeout).await {
                Ok(TagRemote::Conflict { remote_commit }) => {
                    let conflict = conflict_error(&clean(&spec.remote), &clean(tag), remote_commit.as_deref());
                    Err(format!("{conflict}; {e}"))
                }
                // Someone else's tag object on the same commit: what the push
                // was for is already true.
                Ok(TagRemote::Pushed) => {
                    Ok(format!("{} already has {} on the same commit", clean(&spec.remote), clean(tag)))
                }
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_userinfo() {
        assert_eq!(shown_url("https://x-token:ghp_abc@github.com/o/r.git"), "https://github.com/o/r.git");
        assert_eq!(shown_url("http://ghp_abc@127.0.0.1:9/r"), "http://127.0.0.1:9/r");
        assert_eq!(shown_url("git@github.com:o/r.git"), "github.com:o/r.git");
        assert_eq!(shown_url("https://github.com/o/r.git"), "https://github.com/o/r.git");
        assert_eq!(shown_url("/srv/git/r.git"), "/srv/git/r.git");
        assert_eq!(shown_url("origin"), "origin");
        assert_eq!(
            describe(&["fetch", "https://u:p@h/r", "refs/tags/a:refs/tags/a"]),
            "git fetch https://h/r refs/tags/a:refs/tags/a"
        );
    }

    #[test]
    fn clobbered_tags_are_read_from_fetch_output() {
        let stderr = "From /srv/origin\n ! [rejected]        2026.11.26 -> 2026.11.26  (would clobber existing tag)\n   abc..def  main -> origin/main\n";
        assert_eq!(clobbered_tags(stderr), vec!["2026.11.26".to_string()]);
        assert!(clobbered_tags("Already up to date.").is_empty());
    }
}
