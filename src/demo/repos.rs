//! Demo repositories, built with the `git` CLI in a temporary directory:
//! several authors, merges, previous push tags including a `-1` re-tag on a
//! side branch, a non-scheme `v` tag, a bare "remote" to push to, and a
//! security fork one commit behind. One repository is already tagged for
//! the push (and pushed), and its main has moved on since; the other still
//! needs its tag, so `t` and `P` have work to do. Beside them, the bare
//! repository the push is shared through.

use crate::config::DEFAULT_TAG_FORMAT;
use crate::domain::release::{TagFormatError, format_tag};
use chrono::{Duration, NaiveDate};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why the demo repositories were not made; the demo runs without them.
#[derive(Debug, thiserror::Error)]
pub enum DemoRepoError {
    #[error("cannot run git: {0}")]
    NoGit(std::io::Error),
    /// `command` is `git` and its arguments; `said` its standard error.
    #[error("{command}: {said}")]
    Git { command: String, said: String },
    #[error("{0}")]
    Files(#[from] std::io::Error),
    /// The built-in tag format could not name a past push.
    #[error(transparent)]
    Tag(TagFormatError),
}

pub struct DemoRepo {
    pub name: String,
    pub path: PathBuf,
    /// The bare repository its `origin` is.
    pub remote: PathBuf,
    pub web_url: String,
    pub security_remote: Option<String>,
}

const AUTHORS: [(&str, &str); 5] = [
    ("Alice Archer", "alice@example.com"),
    ("Bob Brewer", "bob@example.com"),
    ("Carol Chen", "carol@example.com"),
    ("Dana Diaz", "dana@example.com"),
    ("Emeka Eze", "emeka@example.com"),
];

const SUBJECTS: [&str; 12] = [
    "Fix pagination of the add-on listing",
    "Bump django from 4.2.15 to 4.2.16",
    "Add rating filter to the search API",
    "Remove the legacy upload endpoint",
    "Translate the review notice",
    "Speed up the version list query",
    "Handle empty manifests gracefully",
    "Log slow Celery tasks",
    "Update the privacy policy link",
    "Retry failed webhook deliveries",
    "Show the compatible Firefox versions",
    "Tidy the admin changelist",
];

struct Git<'a> {
    dir: &'a Path,
    clock: i64,
    n: usize,
}

impl Git<'_> {
    fn run(&self, args: &[&str]) -> Result<String, DemoRepoError> {
        self.run_as(args, 0)
    }

    fn run_as(&self, args: &[&str], author: usize) -> Result<String, DemoRepoError> {
        let (name, email) = AUTHORS[author % AUTHORS.len()];
        let date = format!("@{} +0000", self.clock);
        let out = Command::new("git")
            .current_dir(self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .stdin(Stdio::null())
            .output()
            .map_err(DemoRepoError::NoGit)?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(DemoRepoError::Git { command: format!("git {}", args.join(" ")), said });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    fn commit(&mut self, author: usize) -> Result<String, DemoRepoError> {
        self.n += 1;
        self.clock += 3_600 * 5 + (self.n as i64 * 977) % 3_600;
        let subject = SUBJECTS[self.n % SUBJECTS.len()];
        let file = format!("src/change_{:03}.txt", self.n);
        std::fs::create_dir_all(self.dir.join("src"))?;
        std::fs::write(self.dir.join(&file), format!("{subject}\n"))?;
        self.run(&["add", &file])?;
        self.run_as(&["commit", "-q", "-m", subject], author)?;
        self.run(&["rev-parse", "HEAD"])
    }

    /// A commit of `path` (made with its folders) saying `subject`.
    fn commit_file(&mut self, path: &str, body: &str, subject: &str, author: usize) -> Result<String, DemoRepoError> {
        self.n += 1;
        self.clock += 3_600 * 3;
        let file = self.dir.join(path);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&file, body)?;
        self.run(&["add", path])?;
        self.run_as(&["commit", "-q", "-m", subject], author)?;
        self.run(&["rev-parse", "HEAD"])
    }

    fn tag(&mut self, tag: &str, target: &str) -> Result<(), DemoRepoError> {
        self.clock += 60;
        self.run(&["tag", "-a", tag, target, "-m", &format!("Demo push {tag}")])?;
        Ok(())
    }

    fn merge_feature(&mut self, branch: &str, commits: usize) -> Result<(), DemoRepoError> {
        self.run(&["checkout", "-q", "-b", branch])?;
        for i in 0..commits {
            self.commit(i + 2)?;
        }
        self.run(&["checkout", "-q", "main"])?;
        self.clock += 600;
        self.run_as(&["merge", "-q", "--no-ff", branch, "-m", &format!("Merge pull request from {branch}")], 1)?;
        Ok(())
    }
}

/// addons-server's migration in this push, and the fix merged after the
/// tag that makes the new version work: what the demo's Ops picks.
const MIGRATION: &str = "src/olympia/addons/migrations/0042_addon_tags.py";
const ENTRYPOINT: &str = "scripts/entrypoint.sh";
pub const FIX_SUBJECT: &str = "Run migrations before the app starts";

/// The bare repository the demo's people share the push through, as a team
/// shares it through a remote of its own.
pub fn share_remote(root: &Path) -> Result<PathBuf, DemoRepoError> {
    let remote = root.join("remotes").join("push-sessions.git");
    std::fs::create_dir_all(&remote)?;
    Git { dir: &remote, clock: 0, n: 0 }.run(&["init", "-q", "--bare", "-b", "main"])?;
    Ok(remote)
}

/// Builds the demo repositories under `root`. `tagged` decides, per repo,
/// whether the push-date tag already exists.
pub fn build(root: &Path, push_date: NaiveDate) -> Result<Vec<DemoRepo>, DemoRepoError> {
    let tag = |days: i64| format_tag(push_date - Duration::days(days), DEFAULT_TAG_FORMAT).map_err(DemoRepoError::Tag);
    let (t21, t14, t7) = (tag(21)?, tag(14)?, tag(7)?);
    let push_tag = tag(0)?;
    let start = push_date.and_hms_opt(9, 0, 0).map_or(0, |d| d.and_utc().timestamp()) - 28 * 86_400;
    let mut out = Vec::new();
    for (idx, name) in ["addons-server", "addons-frontend"].iter().enumerate() {
        let work = root.join(name);
        let remote = root.join("remotes").join(format!("{name}.git"));
        std::fs::create_dir_all(&work)?;
        std::fs::create_dir_all(&remote)?;
        let bare = Git { dir: &remote, clock: start, n: 0 };
        bare.run(&["init", "-q", "--bare", "-b", "main"])?;
        let mut g = Git { dir: &work, clock: start + idx as i64 * 1800, n: idx * 5 };
        g.run(&["init", "-q", "-b", "main"])?;
        g.run(&["config", "user.name", "Demo Release Bot"])?;
        g.run(&["config", "user.email", "release-bot@example.com"])?;
        let day = |d: i64| start + (28 - d) * 86_400 + idx as i64 * 1800;
        g.clock = day(24);
        g.commit(0)?;
        g.commit(1)?;
        let c = g.commit(2)?;
        g.tag(&t21, &c)?;
        g.clock = day(19);
        g.merge_feature("feature/ratings", 3)?;
        g.commit(3)?;
        g.tag(&t14, "HEAD")?;
        g.clock = day(12);
        g.commit(4)?;
        g.merge_feature("feature/search", 2)?;
        let prev = g.commit(0)?;
        g.tag(&t7, &prev)?;
        // The fix found during last week's push: cherry-picked onto the tag
        // on a side branch and re-tagged, never on main.
        g.run(&["checkout", "-q", "-b", "hotfix", &prev])?;
        g.commit(1)?;
        g.tag(&format!("{t7}-1"), "HEAD")?;
        g.run(&["checkout", "-q", "main"])?;
        g.clock = day(5);
        for i in 0..4 + idx * 3 {
            g.commit(i)?;
        }
        g.tag("v1.2.3", "HEAD~1")?;
        g.merge_feature("feature/admin", 2)?;
        if idx == 0 {
            // A schema change rides this push: the risky kind.
            g.commit_file(MIGRATION, "# adds the addon_tags table\n", "Add tags to add-ons", 3)?;
        }
        g.commit(2)?;
        let head = g.commit(3)?;
        let remote_url = remote.display().to_string();
        g.run(&["remote", "add", "origin", &remote_url])?;
        g.run(&["push", "-q", "origin", "main", "--tags"])?;
        let mut security_remote = None;
        if idx == 0 {
            g.tag(&push_tag, &head)?;
            g.run(&["push", "-q", "origin", &format!("refs/tags/{push_tag}")])?;
            // Work merged after tagging, as every push week has: not in this
            // push, but one of them is the fix its broken version needs.
            g.commit(1)?;
            g.commit_file(ENTRYPOINT, "python manage.py migrate --noinput\nexec uwsgi\n", FIX_SUBJECT, 2)?;
            g.commit(0)?;
            g.run(&["push", "-q", "origin", "main"])?;
            let sec = root.join("remotes").join(format!("{name}-security.git"));
            std::fs::create_dir_all(&sec)?;
            Git { dir: &sec, clock: start, n: 0 }.run(&["init", "-q", "--bare", "-b", "main"])?;
            g.run(&["remote", "add", "security", &sec.display().to_string()])?;
            // One commit behind: the security fork was not synced after the last merge.
            g.run(&["push", "-q", "security", "HEAD~1:refs/heads/main"])?;
            g.run(&["fetch", "-q", "security"])?;
            security_remote = Some("security".to_string());
        }
        g.run(&["fetch", "-q", "origin"])?;
        g.run(&["remote", "set-head", "origin", "main"])?;
        out.push(DemoRepo {
            name: name.to_string(),
            path: work,
            remote: remote.clone(),
            web_url: format!("https://github.com/example/{name}"),
            security_remote,
        });
    }
    Ok(out)
}
