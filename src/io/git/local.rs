//! Local work with git2, blocking: opening a repository, resolving the
//! released branch, push-scheme tags, the scan (with the mis-dated rule),
//! compare, finding a commit, creating a tag.

use super::error::{GitError, err};
use crate::domain::release::tags;
use crate::domain::repos::{CommitInfo, RepoSpec, RepoStatus, SecurityState};
use crate::io::git_walk;
use crate::io::sanitize::clean;
use chrono::{DateTime, NaiveDate, Utc};
use git2::{BranchType, ObjectType, Oid, Repository, Signature};
use std::path::Path;

/// libgit2 re-hashes every object it reads; the git command does not. For a
/// compare walking 50,000 commits that check is a fifth of the time, and a
/// corrupt object is git's to report, not the cockpit's.
fn configure_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

/// Why the repository at `path` cannot be scanned, as a scan would say it:
/// missing, not a repository, or without a commit.
pub fn unscannable(path: &str) -> Option<String> {
    open("", path).err().map(|e| e.message)
}

pub(super) fn open(spec_name: &str, path: &str) -> Result<Repository, GitError> {
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
            None => format!("{} ({})", clean(&raw_branch), crate::domain::rollout::probe::short_sha(&head.sha)),
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
        risky: Vec::new(),
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

/// The commit a local tag peels to, if the tag exists.
pub(super) fn local_tag_commit(name: &str, path: &str, tag: &str) -> Result<Option<String>, GitError> {
    let repo = open(name, path)?;
    let Ok(r) = repo.find_reference(&format!("refs/tags/{tag}")) else { return Ok(None) };
    let commit = r.peel_to_commit().map_err(|e| err(name, e.message().to_string()))?;
    Ok(Some(commit.id().to_string()))
}
