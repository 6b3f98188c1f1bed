//! `shipdeck::io::git` against real git repositories built in temporary
//! directories with the `git` CLI: tag selection by scan, compare against
//! `git log`, annotated tag creation, push / ls-remote / fetch against local
//! bare remotes, the security fork, a credential prompt that must fail fast,
//! bad input, and a repository with 10,000 tags.
//!
//! Every `git` the tests run themselves gets a sandboxed environment (no
//! global or system config, HOME in the temp dir, fixed identities, a
//! distinct date per call), so the machine's user config never matters. The
//! functions under test read the repositories' own config, which the tests
//! set per repository; the async CLI functions spawn `git` with this test
//! process's environment, which the tests leave alone (they run in parallel
//! threads) and override where it matters with repository-local config.

use chrono::NaiveDate;
use shipdeck::domain::repos::{RepoSpec, RepoStatus, SecuritySpec, TagRemote};
use shipdeck::io::git::{self, GitError};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const FORMAT: &str = "%Y.%m.%d";
const EMAIL: &str = "lab@example.com";

fn push_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// A temporary directory of repositories and a clock: every `git` run gets
/// the next second as its author and committer date, so commit times are
/// distinct and increase in the order the test makes them.
struct Lab {
    dir: TempDir,
    clock: Cell<i64>,
}

impl Lab {
    fn new() -> Self {
        // 2026-09-21, a little before the push dates the tests use.
        Lab { dir: tempfile::tempdir().expect("temp dir"), clock: Cell::new(1_790_000_000) }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, dir: &Path, args: &[&str]) -> Command {
        let t = self.clock.get() + 60;
        self.clock.set(t);
        let date = format!("@{t} +0000");
        let mut cmd = Command::new("git");
        cmd.current_dir(dir).args(args).stdin(Stdio::null());
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"] {
            cmd.env_remove(var);
        }
        cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_SYSTEM", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .env("GIT_AUTHOR_NAME", "Lab Author")
            .env("GIT_AUTHOR_EMAIL", EMAIL)
            .env("GIT_COMMITTER_NAME", "Lab Committer")
            .env("GIT_COMMITTER_EMAIL", EMAIL)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        cmd
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.command(dir, args).output().unwrap_or_else(|e| panic!("cannot run git {args:?}: {e}"))
    }

    /// Runs git in `dir`; panics with git's stderr on failure; trimmed stdout.
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.run(dir, args);
        assert!(
            out.status.success(),
            "git {args:?} in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) -> bool {
        self.run(dir, args).status.success()
    }

    /// A repository with a working tree and its own identity config.
    fn init(&self, name: &str) -> PathBuf {
        self.git(self.dir.path(), &["init", "-q", "-b", "main", name]);
        let p = self.path(name);
        self.configure(&p);
        p
    }

    fn configure(&self, repo: &Path) {
        for (k, v) in [
            ("user.name", "Lab Committer"),
            ("user.email", EMAIL),
            ("commit.gpgSign", "false"),
            ("tag.gpgSign", "false"),
            // Empty resets the helper list: no helper from any other config.
            ("credential.helper", ""),
        ] {
            self.git(repo, &["config", k, v]);
        }
    }

    fn bare(&self, name: &str) -> PathBuf {
        self.git(self.dir.path(), &["init", "-q", "--bare", "-b", "main", name]);
        self.path(name)
    }

    fn clone(&self, from: &Path, name: &str) -> PathBuf {
        self.git(self.dir.path(), &["clone", "-q", from.to_str().unwrap(), name]);
        let p = self.path(name);
        self.configure(&p);
        p
    }

    /// A commit that changes its own file; returns its sha.
    fn commit(&self, repo: &Path, message: &str) -> String {
        let n = self.clock.get();
        std::fs::write(repo.join(format!("file-{n}.txt")), message).unwrap();
        self.git(repo, &["add", "-A"]);
        self.git(repo, &["commit", "-q", "-m", message]);
        self.head(repo)
    }

    fn head(&self, repo: &Path) -> String {
        self.git(repo, &["rev-parse", "HEAD"])
    }

    fn rev(&self, repo: &Path, rev: &str) -> String {
        self.git(repo, &["rev-parse", rev])
    }
}

fn spec(name: &str, path: &Path, branch: Option<&str>) -> RepoSpec {
    RepoSpec {
        name: name.to_string(),
        path: path.to_str().unwrap().to_string(),
        remote: "origin".into(),
        branch: branch.map(String::from),
        web_url: None,
        security: None,
        tag_unchanged: false,
    }
}

fn scan(spec: &RepoSpec) -> RepoStatus {
    git::scan(spec, push_date(), FORMAT).unwrap_or_else(|e| panic!("scan of {} fails: {e}", spec.path))
}

fn previous(s: &RepoStatus) -> Option<&str> {
    s.plan.previous.as_ref().map(|(t, _)| t.as_str())
}

fn current(s: &RepoStatus) -> Option<&str> {
    s.plan.current.as_ref().map(|(t, _)| t.as_str())
}

/// The error's text, checked to start with the repository name.
fn message_of(e: &GitError, repo: &str) -> String {
    let text = e.to_string();
    assert_eq!(e.repo, repo, "{text}");
    assert!(text.starts_with(&format!("{repo}: ")), "error does not start with the repo name: {text}");
    text
}

/// A work repository `work` on main with remote `origin` (a local bare
/// repository, `origin.git`) holding main, and `origin/HEAD` set.
fn work_with_origin(lab: &Lab) -> (PathBuf, PathBuf) {
    let bare = lab.bare("origin.git");
    let work = lab.init("work");
    lab.git(&work, &["remote", "add", "origin", bare.to_str().unwrap()]);
    (work, bare)
}

fn push_main(lab: &Lab, work: &Path) {
    lab.git(work, &["push", "-q", "origin", "main"]);
    lab.git(work, &["fetch", "-q", "origin"]);
}

// 1. scan ------------------------------------------------------------------

#[test]
fn scan_picks_the_previous_push_tag_by_name_not_by_graph() {
    let lab = Lab::new();
    let (work, bare) = work_with_origin(&lab);
    let first = lab.commit(&work, "first");
    lab.git(&work, &["tag", "2026.11.12", &first]);
    lab.commit(&work, "feature a");
    let pushed = lab.commit(&work, "feature b");
    lab.git(&work, &["tag", "2026.11.19", &pushed]);
    let fix = lab.commit(&work, "fix the thing");
    // The re-tag: the fix cherry-picked onto the 19th's tag, off main.
    lab.git(&work, &["checkout", "-q", "-b", "hotfix", "2026.11.19"]);
    lab.git(&work, &["cherry-pick", "-x", &fix]);
    let side = lab.head(&work);
    lab.git(&work, &["tag", "-a", "2026.11.19-1", "-m", "re-tag with the fix"]);
    lab.git(&work, &["checkout", "-q", "main"]);
    let v = lab.commit(&work, "library release");
    lab.git(&work, &["tag", "-a", "v1.2.3", "-m", "v1.2.3", &v]);
    let head = lab.commit(&work, "newest");
    lab.git(&work, &["tag", "release-foo", &head]);
    assert!(!lab.git_ok(&work, &["merge-base", "--is-ancestor", &side, "main"]), "the re-tag is off main");
    push_main(&lab, &work);
    lab.git(&work, &["remote", "set-head", "origin", "main"]);
    // Local HEAD elsewhere: the released branch comes from the remote.
    lab.git(&work, &["checkout", "-q", "-b", "wip"]);
    let wip = lab.commit(&work, "local work, never pushed");

    let by_default = spec("web", &work, None);
    let by_name = spec("web", &work, Some("main"));
    for s in [&by_default, &by_name] {
        let st = scan(s);
        assert_eq!(st.branch, "main", "{s:?}");
        assert_eq!(st.head.sha, head, "{s:?}");
        assert_ne!(st.head.sha, wip);
        assert_eq!(st.head.summary, "newest");
        assert_eq!(previous(&st), Some("2026.11.19-1"), "{st:?}");
        assert_eq!(st.previous_commit(), Some(side.as_str()), "peeled to the side-branch commit");
        assert_eq!(current(&st), None);
        assert_eq!(st.target_commit(), None);
        assert_eq!(st.plan.next, "2026.11.26");
        assert!(st.needs_tag());
        let count: usize = lab.git(&work, &["rev-list", "--count", &format!("{side}..{head}")]).parse().unwrap();
        assert_eq!(st.in_push, Some(count));
        let mut tagged: Vec<&str> = st.tagged_commits.iter().map(|(t, _)| t.as_str()).collect();
        tagged.sort_unstable();
        assert_eq!(tagged, ["2026.11.12", "2026.11.19", "2026.11.19-1"], "only push-scheme tags");
        assert_eq!(st.tag_for_commit(&side), Some("2026.11.19-1"));
        assert_eq!(st.tag_for_commit(&first[..7]), Some("2026.11.12"));
        assert_eq!(st.tag_for_commit(&head), None, "non-scheme tags do not count");
        assert_eq!(st.security, None);
    }

    // Tagged for the push date: nothing to do, and the next would be -1.
    lab.git(&work, &["tag", "-a", "2026.11.26", "-m", "push", &head]);
    for s in [&by_default, &by_name] {
        let st = scan(s);
        assert_eq!(previous(&st), Some("2026.11.19-1"));
        assert_eq!(current(&st), Some("2026.11.26"), "{st:?}");
        assert_eq!(st.target_commit(), Some(head.as_str()));
        assert!(!st.needs_tag());
        assert_eq!(st.plan.next, "2026.11.26-1");
        assert_eq!(st.plan.target(), "2026.11.26");
        assert_eq!(st.tag_for_commit(&head), Some("2026.11.26"));
        assert_eq!(st.tag_for_commit(&head[..7]), Some("2026.11.26"));
        assert_eq!(st.tag_for_commit(&head[..6]), None, "too short to be trusted");
    }

    // A fix lands on main (pushed by someone else, then fetched): the local
    // main is stale, the remote-tracking branch is what gets released.
    let other = lab.clone(&bare, "other");
    let newer = lab.commit(&other, "a fix after the push");
    lab.git(&other, &["push", "-q", "origin", "main"]);
    lab.git(&work, &["fetch", "-q", "origin"]);
    assert_ne!(lab.rev(&work, "refs/heads/main"), newer);
    for s in [&by_default, &by_name] {
        let st = scan(s);
        assert_eq!(st.head.sha, newer, "{s:?}");
        assert_eq!(current(&st), Some("2026.11.26"));
        assert_eq!(st.target_commit(), Some(head.as_str()));
        // The branch moving on after tagging changes nothing about the push:
        // the tag stays the target, the new commit is only reported.
        assert!(!st.needs_tag(), "main moved past the push tag, which stays the target");
        assert_eq!(st.state(), shipdeck::domain::repos::TagState::Tagged);
        assert_eq!(st.plan.next, "2026.11.26-1", "what a deliberate re-tag would make");
        let count: usize = lab.git(&work, &["rev-list", "--count", &format!("{side}..{head}")]).parse().unwrap();
        assert_eq!(st.in_push, Some(count), "the push is previous..tag, not previous..head");
        assert_eq!(st.beyond_target, Some(1), "one commit on main after the tag");
        let range = st.range().unwrap();
        assert_eq!((range.from.as_str(), range.to.as_str(), range.to_head), ("2026.11.19-1", "2026.11.26", false));
        assert!(st.fetched_at.is_some(), "FETCH_HEAD exists after a fetch");
    }
}

#[test]
fn scan_with_a_local_only_branch_and_no_tags() {
    let lab = Lab::new();
    let (work, _bare) = work_with_origin(&lab);
    lab.commit(&work, "one");
    let head = lab.commit(&work, "two");
    // Never pushed or fetched: only the local branch exists.
    let st = scan(&spec("api", &work, Some("main")));
    assert_eq!(st.branch, "main");
    assert_eq!(st.head.sha, head);
    assert_eq!((previous(&st), current(&st)), (None, None));
    assert_eq!((st.previous_commit(), st.in_push), (None, None));
    assert_eq!(st.plan.next, "2026.11.26");
    assert!(st.needs_tag());
    assert_eq!(st.fetched_at, None, "never fetched");
}

// 2. compare ---------------------------------------------------------------

#[test]
fn compare_matches_git_log_across_a_merge() {
    let lab = Lab::new();
    let work = lab.init("work");
    let base = lab.commit(&work, "base");
    lab.git(&work, &["tag", "-a", "2026.11.19", "-m", "push", &base]);
    lab.git(&work, &["checkout", "-q", "-b", "feature"]);
    lab.commit(&work, "feature one");
    lab.git(&work, &["checkout", "-q", "main"]);
    lab.commit(&work, "main one");
    lab.git(&work, &["checkout", "-q", "feature"]);
    lab.commit(&work, "feature two");
    lab.git(&work, &["checkout", "-q", "main"]);
    lab.git(&work, &["merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature"]);
    let merge = lab.head(&work);
    let mut last = lab.command(&work, &["commit", "-q", "--allow-empty", "-m", "Fix the widget\n\nA longer body."]);
    last.env("GIT_AUTHOR_NAME", "Ada Lovelace");
    assert!(last.status().unwrap().success());
    let tip = lab.head(&work);
    let s = spec("web", &work, None);

    for (from, to) in [(base.as_str(), "main"), ("2026.11.19", tip.as_str()), ("feature", "main"), ("main~1", "main")] {
        let got = git::compare(&s, from, to).unwrap_or_else(|e| panic!("compare {from}..{to}: {e}"));
        let shas: Vec<&str> = got.iter().map(|c| c.sha.as_str()).collect();
        let want = lab.git(&work, &["log", "--format=%H", &format!("{from}..{to}")]);
        assert_eq!(shas, want.lines().collect::<Vec<_>>(), "{from}..{to}");
        for c in &got {
            assert_eq!(c.merge, c.sha == merge, "{c:?}");
            let at: i64 = lab.git(&work, &["log", "-1", "--format=%at", &c.sha]).parse().unwrap();
            assert_eq!(c.time, at, "the author date: {c:?}");
            assert_eq!(c.summary, lab.git(&work, &["log", "-1", "--format=%s", &c.sha]));
        }
    }

    let got = git::compare(&s, &base, "main").unwrap();
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(
        (got[0].sha.as_str(), got[0].summary.as_str(), got[0].author.as_str()),
        (tip.as_str(), "Fix the widget", "Ada Lovelace")
    );
    assert!(!got[0].merge);
    assert_eq!((got[1].sha.as_str(), got[1].summary.as_str()), (merge.as_str(), "Merge branch 'feature'"));
    assert!(got[1].merge);
    assert_eq!(got[1].author, "Lab Author");
    assert_eq!(got.iter().filter(|c| c.merge).count(), 1);
    assert!(git::compare(&s, "main", "main").unwrap().is_empty());

    for (from, to, bad) in [("no-such-rev", "main", "no-such-rev"), (base.as_str(), "2026.12.03", "2026.12.03")] {
        let e = git::compare(&s, from, to).expect_err("unknown revision");
        let text = message_of(&e, "web");
        assert!(text.contains(&format!("`{bad}`")), "{text}");
    }
}

// 3. create_tag ------------------------------------------------------------

#[test]
fn create_tag_makes_an_annotated_tag_and_never_moves_one() {
    let lab = Lab::new();
    let work = lab.init("work");
    let parent = lab.commit(&work, "one");
    let head = lab.commit(&work, "two");
    let s = spec("web", &work, None);
    let message = "Push 2026.11.26\n\nweb: 3 commits since 2026.11.19";

    let id = git::create_tag(&s, "2026.11.26", &head, "Release Bot", message).expect("tag created");
    assert_eq!(lab.git(&work, &["cat-file", "-t", "2026.11.26"]), "tag");
    assert_eq!(lab.rev(&work, "refs/tags/2026.11.26"), id);
    assert_eq!(lab.rev(&work, "2026.11.26^{commit}"), head);
    let fields = "%(taggername)|%(taggeremail)|%(subject)";
    assert_eq!(
        lab.git(&work, &["for-each-ref", &format!("--format={fields}"), "refs/tags/2026.11.26"]),
        format!("Release Bot|<{EMAIL}>|Push 2026.11.26")
    );
    assert_eq!(lab.git(&work, &["tag", "-l", "--format=%(contents)", "2026.11.26"]), message);

    for commit in [&head, &parent] {
        let e = git::create_tag(&s, "2026.11.26", commit, "Release Bot", "again").expect_err("exists");
        let text = message_of(&e, "web");
        assert!(text.contains("already exists"), "{text}");
        assert_eq!(lab.rev(&work, "refs/tags/2026.11.26"), id, "the tag object is untouched");
        assert_eq!(lab.rev(&work, "2026.11.26^{commit}"), head, "the tag still points at the original commit");
    }

    // A lightweight tag made by hand is not overwritten either.
    lab.git(&work, &["tag", "2026.11.26-1", &parent]);
    let e = git::create_tag(&s, "2026.11.26-1", &head, "Release Bot", "re-tag").expect_err("exists");
    assert!(message_of(&e, "web").contains("already exists"));
    assert_eq!(lab.rev(&work, "refs/tags/2026.11.26-1"), parent);

    let e = git::create_tag(&s, "2026.11.27", "not-a-sha", "Release Bot", "x").expect_err("bad commit");
    message_of(&e, "web");
    assert!(!lab.git_ok(&work, &["rev-parse", "--verify", "-q", "refs/tags/2026.11.27"]));
}

// 4. push_tag / remote_has_tag / fetch ---------------------------------------

#[tokio::test]
async fn push_tag_then_the_remote_has_it() {
    let lab = Lab::new();
    let (work, bare) = work_with_origin(&lab);
    lab.commit(&work, "one");
    let head = lab.commit(&work, "two");
    push_main(&lab, &work);
    let s = spec("web", &work, None);
    let id = git::create_tag(&s, "2026.11.26", &head, "Release Bot", "push").unwrap();

    assert_eq!(git::remote_has_tag(&s, "2026.11.26").await, Ok(false), "not pushed yet");
    let out = git::push_tag(&s, "2026.11.26").await.expect("push succeeds");
    assert!(out.contains("refs/tags/2026.11.26"), "{out}");
    assert_eq!(lab.rev(&bare, "refs/tags/2026.11.26"), id, "the annotated tag object itself was pushed");
    assert_eq!(git::remote_has_tag(&s, "2026.11.26").await, Ok(true));
    for other in ["2026.11.26-1", "2026.11.2", "2026.11.19"] {
        assert_eq!(git::remote_has_tag(&s, other).await, Ok(false), "{other}");
    }
    // Pushing the same tag again is a no-op, not an error.
    git::push_tag(&s, "2026.11.26").await.expect("up to date");
}

#[tokio::test]
async fn push_tag_never_overwrites_a_remote_tag() {
    let lab = Lab::new();
    let (work, bare) = work_with_origin(&lab);
    let first = lab.commit(&work, "one");
    let head = lab.commit(&work, "two");
    push_main(&lab, &work);
    // Someone already pushed this tag, elsewhere.
    lab.git(&bare, &["tag", "2026.11.26", &first]);
    lab.git(&work, &["tag", "-a", "2026.11.26", "-m", "push", &head]);
    // The reason must come from git's own status line, not from an advice
    // hint that a user's config can turn off.
    lab.git(&work, &["config", "advice.pushAlreadyExists", "false"]);
    lab.git(&work, &["config", "advice.pushUpdateRejected", "false"]);
    let s = spec("web", &work, None);

    let e = git::push_tag(&s, "2026.11.26").await.expect_err("rejected").to_string();
    assert!(e.contains("rejected") || e.contains("already exists"), "{e}");
    assert!(e.contains("git push"), "says what failed: {e}");
    assert!(e.contains(&format!("tag conflict: origin has 2026.11.26 at {first}")), "says why: {e}");
    assert_eq!(lab.rev(&bare, "refs/tags/2026.11.26"), first, "the remote tag did not move");
    // The name is there, but on another commit: that is not "the remote has it".
    let e = git::remote_has_tag(&s, "2026.11.26").await.expect_err("a conflict").to_string();
    assert!(e.contains("tag conflict"), "{e}");
    let state = git::remote_tag(&s, "2026.11.26", Duration::from_secs(10)).await;
    assert_eq!(state, Ok(TagRemote::Conflict { remote_commit: Some(first) }));
}

#[tokio::test]
async fn fetch_from_a_local_bare_remote() {
    let lab = Lab::new();
    let (work, bare) = work_with_origin(&lab);
    lab.commit(&work, "one");
    push_main(&lab, &work);
    let other = lab.clone(&bare, "other");
    let newer = lab.commit(&other, "two");
    lab.git(&other, &["tag", "-a", "2026.11.19", "-m", "push"]);
    lab.git(&other, &["push", "-q", "origin", "main", "2026.11.19"]);
    let s = spec("web", &work, None);

    git::fetch(&s).await.expect("fetch succeeds");
    assert_eq!(lab.rev(&work, "refs/remotes/origin/main"), newer);
    assert_eq!(lab.rev(&work, "2026.11.19^{commit}"), newer, "tags fetched");
    let st = scan(&spec("web", &work, Some("main")));
    assert_eq!(st.head.sha, newer);
    assert!(st.fetched_at.is_some());

    // Nothing new: still fine.
    git::fetch(&s).await.expect("second fetch succeeds");

    let mut missing = spec("web", &work, None);
    missing.remote = "nowhere".into();
    let e = git::fetch(&missing).await.expect_err("no such remote").to_string();
    assert!(e.contains("nowhere"), "{e}");
}

// 5. security fork -----------------------------------------------------------

#[tokio::test]
async fn security_fork_in_sync_behind_ahead_and_unknown() {
    let lab = Lab::new();
    let (work, _origin) = work_with_origin(&lab);
    let security = lab.bare("security.git");
    lab.git(&work, &["remote", "add", "security", security.to_str().unwrap()]);
    lab.commit(&work, "one");
    lab.commit(&work, "two");
    lab.git(&work, &["push", "-q", "origin", "main"]);
    lab.git(&work, &["push", "-q", "security", "main"]);
    lab.git(&work, &["remote", "set-head", "origin", "main"]);
    let mut s = spec("web", &work, None);
    s.security = Some(SecuritySpec { remote: "security".into(), branch: None });
    git::fetch(&s).await.expect("fetch both remotes");

    let state = |s: &RepoSpec| scan(s).security.expect("security configured");
    let st = state(&s).expect("security/main known");
    assert_eq!((st.remote.as_str(), st.in_sync, st.ahead, st.behind), ("security", true, 0, 0));

    // Main moves on, the fork does not.
    lab.commit(&work, "three");
    lab.git(&work, &["push", "-q", "origin", "main"]);
    git::fetch(&s).await.unwrap();
    let st = state(&s).unwrap();
    assert_eq!((st.in_sync, st.ahead, st.behind), (false, 0, 1), "{st:?}");

    // The fork catches up and gets an embargoed fix of its own.
    lab.git(&work, &["push", "-q", "security", "main"]);
    let fork = lab.clone(&security, "fork");
    lab.commit(&fork, "embargoed fix");
    lab.git(&fork, &["push", "-q", "origin", "main"]);
    git::fetch(&s).await.unwrap();
    let st = state(&s).unwrap();
    assert_eq!((st.in_sync, st.ahead, st.behind), (false, 1, 0), "{st:?}");

    // An explicit branch that the fork does not have.
    s.security = Some(SecuritySpec { remote: "security".into(), branch: Some("release".into()) });
    let e = state(&s).expect_err("no security/release");
    assert!(e.contains("security/release") && e.contains("fetch"), "{e}");

    // A security remote that was added but never fetched.
    lab.git(&work, &["remote", "add", "security2", security.to_str().unwrap()]);
    s.security = Some(SecuritySpec { remote: "security2".into(), branch: None });
    let e = state(&s).expect_err("never fetched");
    assert!(e.contains("security2/main") && e.contains("fetch"), "{e}");
}

// 6. credential prompts fail fast -------------------------------------------

/// An HTTP server that wants a password for everything. Counts requests.
fn unauthorized_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (port, hits)
}

#[tokio::test]
async fn a_password_prompt_fails_fast_instead_of_hanging() {
    let (port, hits) = unauthorized_server();
    let lab = Lab::new();
    let work = lab.init("work");
    lab.commit(&work, "one");
    lab.git(&work, &["remote", "add", "origin", &format!("http://127.0.0.1:{port}/repo.git")]);
    // No proxy for this remote, whatever the environment says.
    lab.git(&work, &["config", "remote.origin.proxy", ""]);
    let s = spec("web", &work, None);

    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(10), git::fetch(&s)).await;
    let took = started.elapsed();
    let e = result.expect("fetch must not hang on a password prompt").expect_err("needs a password").to_string();
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(hits.load(Ordering::SeqCst) >= 1, "git reached the server: {e}");
    assert!(
        e.contains("could not read Username")
            || e.contains("terminal prompts disabled")
            || e.contains("Authentication failed"),
        "{e}"
    );
    let e = tokio::time::timeout(Duration::from_secs(10), git::remote_has_tag(&s, "2026.11.26"))
        .await
        .expect("ls-remote must not hang either")
        .expect_err("needs a password")
        .to_string();
    assert!(
        e.contains("could not read") || e.contains("terminal prompts disabled") || e.contains("Authentication"),
        "{e}"
    );
}

// 7. bad input ---------------------------------------------------------------

fn scan_error(path: &Path, branch: Option<&str>) -> String {
    let s = spec("svc", path, branch);
    let e = git::scan(&s, push_date(), FORMAT).expect_err("scan must fail");
    message_of(&e, "svc")
}

#[test]
fn bad_input_is_named() {
    let lab = Lab::new();

    let missing = lab.path("missing");
    let text = scan_error(&missing, None);
    assert!(text.contains("does not exist") && text.contains(missing.to_str().unwrap()), "{text}");
    let e = git::compare(&spec("svc", &missing, None), "a", "b").expect_err("missing");
    assert!(message_of(&e, "svc").contains("does not exist"));
    let e = git::create_tag(&spec("svc", &missing, None), "t", "a", "b", "c").expect_err("missing");
    assert!(message_of(&e, "svc").contains("does not exist"));

    let plain = lab.path("plain");
    std::fs::create_dir(&plain).unwrap();
    let text = scan_error(&plain, None);
    assert!(text.contains("not a git repository"), "{text}");

    let bare = lab.bare("bare.git");
    let text = scan_error(&bare, None);
    assert!(text.contains("bare"), "{text}");

    // Empty, whatever the unborn branch is called, and an empty clone.
    let empty = lab.init("empty");
    let text = scan_error(&empty, None);
    assert!(text.contains("no commits"), "{text}");
    lab.git(lab.dir.path(), &["init", "-q", "-b", "trunk", "empty-trunk"]);
    let text = scan_error(&lab.path("empty-trunk"), Some("trunk"));
    assert!(text.contains("no commits"), "{text}");
    let empty_bare = lab.bare("empty-remote.git");
    let empty_clone = lab.clone(&empty_bare, "empty-clone");
    let text = scan_error(&empty_clone, None);
    assert!(text.contains("no commits"), "{text}");
    // An unborn HEAD (an orphan branch) in a repository with commits is not empty.
    let orphan = lab.init("orphan");
    let on_main = lab.commit(&orphan, "one");
    lab.git(&orphan, &["checkout", "-q", "--orphan", "fresh"]);
    assert_eq!(scan(&spec("svc", &orphan, Some("main"))).head.sha, on_main);

    // No remote at all.
    let lonely = lab.init("lonely");
    lab.commit(&lonely, "one");
    let text = scan_error(&lonely, None);
    assert!(text.contains("remote `origin` is not configured"), "{text}");
    let text = scan_error(&lonely, Some("nope"));
    assert!(text.contains("`nope`") && text.contains("not configured"), "{text}");
    // The checked-out branch by name needs no remote.
    assert_eq!(scan(&spec("svc", &lonely, Some("main"))).branch, "main");

    // A remote without origin/HEAD, and HEAD detached.
    let (work, _origin) = work_with_origin(&lab);
    lab.commit(&work, "one");
    lab.commit(&work, "two");
    lab.git(&work, &["push", "-q", "origin", "main"]);
    assert!(!lab.git_ok(&work, &["rev-parse", "--verify", "-q", "refs/remotes/origin/HEAD"]));
    // With HEAD on a branch, that branch is used.
    assert_eq!(scan(&spec("svc", &work, None)).branch, "main");
    lab.git(&work, &["checkout", "-q", "--detach", "HEAD~1"]);
    let text = scan_error(&work, None);
    assert!(text.contains("detached"), "{text}");
    let text = scan_error(&work, Some("nope"));
    assert!(text.contains("`nope`") && text.contains("fetch"), "{text}");
    assert_eq!(scan(&spec("svc", &work, Some("main"))).branch, "main", "an explicit branch still works");
}

// 8. many tags ---------------------------------------------------------------

#[test]
fn scan_finds_the_previous_tag_among_10000() {
    const COMMITS: usize = 200;
    const TAGS: usize = 10_000;
    let lab = Lab::new();
    let work = lab.init("work");
    // Thousands of loose refs would otherwise cost seconds of fsync.
    lab.git(&work, &["config", "core.fsync", "none"]);

    // (name, commit index, annotated, in the scheme)
    let mut tags: Vec<(String, usize, bool, bool)> = Vec::new();
    let last_before = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    for k in 0..3000u64 {
        let date = last_before - chrono::Days::new(k);
        let base = date.format(FORMAT).to_string();
        let at = (k as usize * 7) % COMMITS;
        tags.push((base.clone(), at, k % 10 == 0, true));
        if k % 3 == 0 {
            tags.push((format!("{base}-1"), (at + 1) % COMMITS, false, true));
            tags.push((format!("{base}-2"), (at + 2) % COMMITS, k % 2 == 0, true));
        }
    }
    for k in 1..=500u64 {
        let date = push_date() + chrono::Days::new(k);
        tags.push((date.format(FORMAT).to_string(), COMMITS - 1, false, true));
    }
    // The answer, and near misses around it.
    let answer_at = 150;
    tags.push(("2026.11.25-10".into(), answer_at, true, true));
    tags.push(("2026.11.25-2".into(), 160, false, true));
    tags.push(("2026.11.25".into(), 140, true, true));
    for decoy in
        ["2026.11.25-0", "2026.11.25-00", "2026.11.25-9x", "v2026.11.25-99", "2026.11.25-1234567", "2026.11.25-rc1"]
    {
        tags.push((decoy.into(), COMMITS - 1, false, false));
    }
    let mut n = 0;
    while tags.len() < TAGS {
        let name = match n % 4 {
            0 => format!("v{}.{}.{}", n / 400, (n / 20) % 20, n % 20),
            1 => format!("release-{n}"),
            2 => format!("build/{n}"),
            _ => format!("2026.11.25.{n}"),
        };
        tags.push((name, n % COMMITS, n % 8 == 0, false));
        n += 1;
    }
    let scheme_count = tags.iter().filter(|t| t.3).count();

    // Commits and annotated tags in one fast-import, lightweight tags in one
    // update-ref transaction.
    let mut stream = String::new();
    for i in 0..COMMITS {
        let t = 1_790_000_000 + i * 60;
        let body = format!("commit {i}\n");
        stream += &format!("commit refs/heads/main\nmark :{}\ncommitter Lab <{EMAIL}> {t} +0000\n", i + 1);
        stream += &format!("data {}\n{body}M 644 inline file.txt\ndata {}\n{body}\n", body.len(), body.len());
    }
    for (name, at, _, _) in tags.iter().filter(|t| t.2) {
        let msg = format!("tag {name}\n");
        stream += &format!("tag {name}\nfrom :{}\ntagger Lab <{EMAIL}> 1790100000 +0000\n", at + 1);
        stream += &format!("data {}\n{msg}\n", msg.len());
    }
    let started = Instant::now();
    let mut fi = lab.command(&work, &["fast-import", "--quiet"]);
    fi.stdin(Stdio::piped());
    let mut child = fi.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "fast-import");
    let shas: Vec<String> = lab.git(&work, &["rev-list", "--reverse", "main"]).lines().map(String::from).collect();
    assert_eq!(shas.len(), COMMITS);
    let mut refs = String::new();
    for (name, at, _, _) in tags.iter().filter(|t| !t.2) {
        refs += &format!("create refs/tags/{name} {}\n", shas[*at]);
    }
    let mut ur = lab.command(&work, &["update-ref", "--stdin"]);
    ur.stdin(Stdio::piped());
    let mut child = ur.spawn().unwrap();
    child.stdin.take().unwrap().write_all(refs.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "update-ref");
    lab.git(&work, &["reset", "-q", "--hard", "main"]);
    let count: usize = lab.git(&work, &["for-each-ref", "--format=x", "refs/tags"]).lines().count();
    assert_eq!(count, TAGS);
    println!("built {COMMITS} commits and {TAGS} tags in {:?}", started.elapsed());

    let s = spec("big", &work, Some("main"));
    // Loose refs as update-ref left them, then packed as `git gc` would.
    for packed in [false, true] {
        if packed {
            lab.git(&work, &["pack-refs", "--all"]);
            assert!(!work.join(".git/refs/tags/2026.11.25-2").exists());
        }
        let started = Instant::now();
        let st = scan(&s);
        let took = started.elapsed();
        println!("scan of {TAGS} tags ({scheme_count} in the scheme, packed: {packed}) took {took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        assert_eq!(previous(&st), Some("2026.11.25-10"), "{:?}", st.plan);
        assert_eq!(st.previous_commit(), Some(shas[answer_at].as_str()));
        assert_eq!(st.in_push, Some(COMMITS - 1 - answer_at));
        assert_eq!(current(&st), None);
        assert_eq!(st.plan.next, "2026.11.26");
        assert_eq!(st.head.sha, shas[COMMITS - 1]);
        assert_eq!(st.tagged_commits.len(), scheme_count);
        assert_eq!(st.tag_for_commit(&shas[answer_at]), Some("2026.11.25-10"));
    }
}
