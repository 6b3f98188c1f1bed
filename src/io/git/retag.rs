//! A re-tag built from the pick basket, in a temporary `git worktree` so the
//! user's checkout (working tree, index, HEAD, branches) is never touched:
//! the worktree starts detached at the base tag, each pick is cherry-picked
//! with `-x` in order (one the base already has is skipped), and an
//! annotated tag listing them is made on the result. Anything that fails
//! (a conflict, a timeout) aborts the whole: the cherry-pick is aborted, the
//! worktree removed, and no tag is made. The worktree goes on every path.
//!
//! Hooks are off in the worktree: a `post-checkout` that installs
//! dependencies would make a tag take minutes, and nothing is checked out
//! for anyone to use.

use super::cli::run_git;
use super::error::CommandError;
use crate::domain::repos::RepoSpec;
use crate::domain::repos::retag::RetagBuilt;
use crate::domain::rollout::probe::short_sha;
use crate::io::sanitize::clean;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one local git step (a checkout, a cherry-pick, the tag) may
/// take before the re-tag is given up: far beyond any healthy repository.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(120);

/// Settings for every command in the worktree: no hooks, no automatic gc
/// (it would repack the user's repository in the middle of a re-tag).
const QUIET: [&str; 4] = ["-c", "core.hooksPath=/dev/null", "-c", "gc.auto=0"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetagError {
    #[error(
        "{repo}: git has no committer identity for the cherry-picks and the tag: set user.name and user.email \
         (git -C {path} config user.email you@example.com, or with --global), or GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL"
    )]
    NoIdentity { repo: String, path: String },
    #[error("{repo}: tag {tag} already exists; shipdeck never moves a tag")]
    TagExists { repo: String, tag: String },
    #[error("{repo}: the base tag {base} is not here ({source})")]
    NoBase { repo: String, base: String, source: CommandError },
    #[error("{repo}: no commit {sha} here to pick (fetch first?)")]
    NoPick { repo: String, sha: String },
    #[error(
        "{repo}: cherry-picking {sha} ({summary}) onto {base} conflicts in {files}: aborted, no tag made, nothing changed"
    )]
    Conflict { repo: String, sha: String, summary: String, base: String, files: String },
    #[error("{repo}: every pick is already in {base}: no tag made")]
    NothingToShip { repo: String, base: String },
    #[error("{repo}: cannot make a temporary worktree directory: {reason}")]
    TempDir { repo: String, reason: String },
    /// A step failed or timed out; the whole re-tag was undone.
    #[error("{repo}: {step} failed, no tag made: {source}")]
    Step { repo: String, step: String, source: CommandError },
}

/// Builds `tag` from `picks` (`(sha, summary)`, in order) on the tag `base`.
pub async fn retag(
    spec: &RepoSpec,
    base: &str,
    tag: &str,
    picks: &[(String, String)],
    message: &str,
    timeout: Duration,
) -> Result<RetagBuilt, RetagError> {
    let repo = clean(&spec.name);
    let path = spec.path.as_str();
    let step = |what: &str| {
        let (repo, what) = (repo.clone(), what.to_string());
        move |source| RetagError::Step { repo, step: what, source }
    };
    // git refusing is the answer; git not answering is a failure of its own.
    match run_git(path, &["var", "GIT_COMMITTER_IDENT"], timeout).await {
        Ok(_) => {}
        Err(CommandError::Failed { .. }) => return Err(RetagError::NoIdentity { repo, path: clean(path) }),
        Err(e) => return Err(step("git var GIT_COMMITTER_IDENT")(e)),
    }
    let tag_ref = format!("refs/tags/{tag}");
    match run_git(path, &["rev-parse", "--quiet", "--verify", &tag_ref], timeout).await {
        Ok(_) => return Err(RetagError::TagExists { repo, tag: clean(tag) }),
        Err(CommandError::Failed { .. }) => {}
        Err(e) => return Err(step("git rev-parse")(e)),
    }
    let base_commit =
        match run_git(path, &["rev-parse", "--verify", &format!("refs/tags/{base}^{{commit}}")], timeout).await {
            Ok(commit) => commit,
            Err(source @ CommandError::Failed { .. }) => {
                return Err(RetagError::NoBase { repo, base: clean(base), source });
            }
            Err(e) => return Err(step("git rev-parse (the base)")(e)),
        };
    let tmp = tempfile::Builder::new()
        .prefix("shipdeck-retag-")
        .tempdir()
        .map_err(|e| RetagError::TempDir { repo: repo.clone(), reason: e.to_string() })?;
    let mut worktree = Worktree { repo: PathBuf::from(path), dir: tmp.path().join("worktree"), added: false };
    let dir = worktree.dir.to_string_lossy().into_owned();
    let built = async {
        worktree.added = true;
        git(path, &["worktree", "add", "--detach", &dir, &base_commit], timeout)
            .await
            .map_err(step("git worktree add"))?;
        let mut shipped = Vec::new();
        let mut skipped = Vec::new();
        let mut lines = Vec::new();
        for (sha, summary) in picks {
            let full = run_git(&dir, &["rev-parse", "--verify", &format!("{sha}^{{commit}}")], timeout)
                .await
                .map_err(|_| RetagError::NoPick { repo: repo.clone(), sha: short_sha(sha).to_string() })?;
            if contained(&dir, &full, timeout).await {
                lines.push(format!("- {} {summary} (already in {base})", short_sha(&full)));
                skipped.push(full);
                continue;
            }
            match git(&dir, &["cherry-pick", "-x", &full], timeout).await {
                Ok(_) => {
                    lines.push(format!("- {} {summary}", short_sha(&full)));
                    shipped.push(full);
                }
                Err(e) => {
                    let files = run_git(&dir, &["diff", "--name-only", "--diff-filter=U"], timeout).await;
                    if let Ok(files) = &files
                        && !files.is_empty()
                    {
                        return Err(RetagError::Conflict {
                            repo: repo.clone(),
                            sha: short_sha(&full).to_string(),
                            summary: summary.clone(),
                            base: clean(base),
                            files: files.replace(" | ", ", "),
                        });
                    }
                    // Nothing staged and nothing in conflict: the change is
                    // in the base already, under another commit.
                    if run_git(&dir, &["diff", "--cached", "--quiet"], timeout).await.is_ok() {
                        git(&dir, &["cherry-pick", "--skip"], timeout).await.map_err(step("git cherry-pick --skip"))?;
                        lines.push(format!("- {} {summary} (already in {base})", short_sha(&full)));
                        skipped.push(full);
                        continue;
                    }
                    return Err(step(&format!("cherry-picking {}", short_sha(&full)))(e));
                }
            }
        }
        if shipped.is_empty() {
            return Err(RetagError::NothingToShip { repo: repo.clone(), base: clean(base) });
        }
        let commit = run_git(&dir, &["rev-parse", "HEAD"], timeout).await.map_err(step("git rev-parse HEAD"))?;
        let message = format!("{message}\n\nPicks, in order:\n{}\n", lines.join("\n"));
        git(&dir, &["tag", "-a", "-m", &message, tag, &commit], timeout).await.map_err(step("git tag -a"))?;
        Ok(RetagBuilt { base: clean(base), commit, shipped, skipped })
    }
    .await;
    worktree.remove(timeout).await;
    drop(tmp);
    built
}

/// Whether the worktree's HEAD already has `commit`.
async fn contained(dir: &str, commit: &str, timeout: Duration) -> bool {
    run_git(dir, &["merge-base", commit, "HEAD"], timeout).await.is_ok_and(|base| base == commit)
}

async fn git(path: &str, args: &[&str], timeout: Duration) -> Result<String, CommandError> {
    let all: Vec<&str> = QUIET.iter().copied().chain(args.iter().copied()).collect();
    run_git(path, &all, timeout).await
}

/// The temporary worktree, removed on every path: explicitly once the work
/// is done, or by `Drop` should the task end early (a panic, the runtime
/// shutting down).
struct Worktree {
    repo: PathBuf,
    dir: PathBuf,
    added: bool,
}

impl Worktree {
    async fn remove(&mut self, timeout: Duration) {
        if !std::mem::take(&mut self.added) {
            return;
        }
        let (repo, dir) = (self.repo.to_string_lossy().into_owned(), self.dir.to_string_lossy().into_owned());
        if self.dir.exists() {
            // An aborted cherry-pick leaves the worktree as it started.
            let _ = run_git(&dir, &["cherry-pick", "--abort"], timeout).await;
        }
        if run_git(&repo, &["worktree", "remove", "--force", "--force", &dir], timeout).await.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
            let _ = run_git(&repo, &["worktree", "prune"], timeout).await;
        }
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        if self.added {
            remove_now(&self.repo, &self.dir);
        }
    }
}

/// The worktree removed without the runtime, for [`Drop`].
fn remove_now(repo: &Path, dir: &Path) {
    let removed = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["worktree", "remove", "--force", "--force"])
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !removed {
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::process::Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["worktree", "prune"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}
