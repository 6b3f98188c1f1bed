//! What can go wrong in a round, named with the remote (never its
//! credentials) and what git said (cleaned by `run_git`).

use crate::io::git::{CommandError, shown_url};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// No connection, no such host or repository: nothing was exchanged.
    #[error("shared journal on {remote}: cannot reach the remote: {said}")]
    Unreachable { remote: String, said: String },
    /// git was killed after the round's timeout.
    #[error("shared journal on {remote}: no answer within {waited} ({command})")]
    Timeout { remote: String, command: String, waited: String },
    /// The remote wants credentials that no helper, ssh agent or key gave;
    /// asking the user is off, so this comes at once instead of a prompt.
    #[error("shared journal on {remote}: the remote needs credentials git could not supply without asking: {said}")]
    Authentication { remote: String, said: String },
    /// The remote refused the push for another reason than being behind
    /// (a hook, permissions, a protected ref).
    #[error("shared journal on {remote}: the push was rejected: {said}")]
    Rejected { remote: String, said: String },
    /// Someone pushed first every time: retrying later will do. `said` is
    /// git's last answer, so a cause that is not a race shows.
    #[error(
        "shared journal on {remote}: others pushed first {attempts} times in a row; the next round tries again (git said: {said})"
    )]
    Contended { remote: String, attempts: u32, said: String },
    /// The remote's ref stayed locked through every attempt: a lock file
    /// that a git process which died on the remote left behind.
    #[error(
        "shared journal on {remote}: the ref stays locked by {lock}; if no push is running there, a git process died holding it: remove that file"
    )]
    Locked { remote: String, lock: String },
    /// Any other failure of a git command.
    #[error("shared journal on {remote}: {command} failed: {said}")]
    Git { remote: String, command: String, said: String },
    /// The local cache repository cannot be opened, read or written.
    #[error("shared journal cache {path}: {reason}")]
    Cache { path: String, reason: String },
    /// An argument no caller should pass (a ref not made by `share_ref`, a
    /// replica id that is not one, a remote that would read as an option).
    #[error("shared journal: {0}")]
    Invalid(String),
}

/// What a failed push means for the round.
#[derive(Debug)]
pub(super) enum PushFailure {
    /// Someone pushed first (or is pushing): fetch, merge, try again. What
    /// git said, for the error should it go on.
    Behind(String),
    Failed(ShareError),
}

pub(super) fn cache_err(path: &std::path::Path, reason: impl std::fmt::Display) -> ShareError {
    ShareError::Cache {
        path: crate::io::sanitize::clean_max(&path.display().to_string(), 300),
        reason: crate::io::sanitize::clean_max(&reason.to_string(), 500),
    }
}

/// A failed ls-remote or fetch, sorted by what the user can do about it.
pub(super) fn classify(remote: &str, e: CommandError) -> ShareError {
    let remote = shown_url(remote);
    match e {
        CommandError::Silent { command, waited } | CommandError::RemoteSilent { command, waited, .. } => {
            ShareError::Timeout { remote, command, waited }
        }
        CommandError::Failed { command, said } => {
            let low = said.to_ascii_lowercase();
            if AUTH.iter().any(|p| low.contains(p)) {
                ShareError::Authentication { remote, said }
            } else if UNREACHABLE.iter().any(|p| low.contains(p)) {
                ShareError::Unreachable { remote, said }
            } else {
                ShareError::Git { remote, command, said }
            }
        }
        other => ShareError::Git { remote, command: "git".into(), said: other.to_string() },
    }
}

/// A failed push: behind (retry) or, else, as [`classify`] and rejected.
pub(super) fn classify_push(remote: &str, e: CommandError) -> PushFailure {
    if let CommandError::Failed { said, .. } = &e {
        let low = said.to_ascii_lowercase();
        if BEHIND.iter().any(|p| low.contains(p)) {
            return PushFailure::Behind(said.clone());
        }
        if !AUTH.iter().any(|p| low.contains(p)) && (low.contains("[rejected]") || low.contains("[remote rejected]")) {
            return PushFailure::Failed(ShareError::Rejected { remote: shown_url(remote), said: said.clone() });
        }
    }
    PushFailure::Failed(classify(remote, e))
}

/// The lock file a refused push names ("Unable to create '….lock': File
/// exists"), when that is why it was refused.
pub(super) fn stale_lock(said: &str) -> Option<String> {
    let (_, rest) = said.split_once("Unable to create '")?;
    let (lock, after) = rest.split_once("': ")?;
    (lock.ends_with(".lock") && after.starts_with("File exists")).then(|| lock.to_string())
}

/// How git says it needs credentials it could not get (HTTP, ssh, hosts).
const AUTH: &[&str] = &[
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "authentication failed",
    "permission denied",
    "requested url returned error: 401",
    "requested url returned error: 403",
    "invalid username or password",
    "access denied",
    "host key verification failed",
];

/// How git says it never reached the repository.
const UNREACHABLE: &[&str] = &[
    "could not resolve host",
    "connection refused",
    "unable to connect",
    "failed to connect",
    "couldn't connect",
    "could not connect",
    "network is unreachable",
    "no route to host",
    "connection timed out",
    "connection reset",
    // Cut off mid-answer (a daemon stopped, a proxy dropped the connection):
    // it passes by itself like any lost connection.
    "the remote end hung up",
    "early eof",
    "unexpected disconnect",
    "broken pipe",
    // git killed by SIGPIPE: it wrote to a connection already closed.
    "(sigpipe)",
    // The daemon died during a protocol v2 ref listing.
    "expected flush",
    "unable to access",
    "does not appear to be a git repository",
    "could not read from remote repository",
    "repository not found",
    "not found",
];

/// How git says the remote moved under the push: a non-fast-forward, or a
/// concurrent push holding or having changed the ref.
const BEHIND: &[&str] = &[
    "non-fast-forward",
    "fetch first",
    "stale info",
    "cannot lock ref",
    "failed to update ref",
    "incorrect old value",
    "failed to lock",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(said: &str) -> CommandError {
        CommandError::Failed { command: "git push x".into(), said: said.into() }
    }

    #[test]
    fn failures_are_sorted_by_what_the_user_can_do() {
        let r = "https://tok:secret@example.org/r.git";
        let auth =
            classify(r, failed("fatal: could not read Username for 'https://example.org': terminal prompts disabled"));
        assert!(matches!(&auth, ShareError::Authentication { remote, .. } if remote == "https://example.org/r.git"));
        assert!(!auth.to_string().contains("secret"));
        assert!(matches!(
            classify(
                r,
                failed("git@h: Permission denied (publickey). | fatal: Could not read from remote repository.")
            ),
            ShareError::Authentication { .. }
        ));
        assert!(matches!(
            classify(r, failed("fatal: unable to connect to 127.0.0.1: Connection refused")),
            ShareError::Unreachable { .. }
        ));
        assert!(matches!(
            classify(r, CommandError::Silent { command: "git ls-remote".into(), waited: "2s".into() }),
            ShareError::Timeout { .. }
        ));
        assert!(matches!(classify(r, failed("fatal: something odd")), ShareError::Git { .. }));
        for behind in [
            "! abc:refs/shipdeck/a/2026-11-26 [rejected] (non-fast-forward)",
            "! abc:refs/x [rejected] (fetch first)",
            "! abc:refs/x [remote rejected] (failed to update ref)",
            "error: cannot lock ref 'refs/shipdeck/a/2026-11-26'",
        ] {
            assert!(matches!(classify_push(r, failed(behind)), PushFailure::Behind(_)), "{behind}");
        }
        let held = "remote: error: cannot lock ref 'refs/shipdeck/a/2026-11-26': Unable to create '/srv/r.git/./refs/shipdeck/a/2026-11-26.lock': File exists. | remote: | remote: Another git process seems to be running";
        assert!(matches!(classify_push(r, failed(held)), PushFailure::Behind(_)), "a lock may be a push in flight");
        assert_eq!(stale_lock(held).as_deref(), Some("/srv/r.git/./refs/shipdeck/a/2026-11-26.lock"));
        assert_eq!(stale_lock("! abc:refs/x [rejected] (non-fast-forward)"), None);
        assert!(matches!(
            classify_push(r, failed("! abc:refs/x [remote rejected] (pre-receive hook declined)")),
            PushFailure::Failed(ShareError::Rejected { .. })
        ));
    }
}
