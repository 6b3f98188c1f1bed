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
//!
//! `local` holds the git2 work, `cli` runs the git command, `remote` talks
//! to remotes through it; `error` is what they all answer with. `pick` finds
//! a `/pick`'s commit; `retag`
//! builds a tag from the pick basket in a temporary worktree; `risk` finds
//! the push's commits touching `[risk] paths`; `spawn` carries out the git effects as tasks.

mod cli;
mod error;
mod local;
mod pick;
mod remote;
mod retag;
mod risk;
pub mod spawn;

pub use cli::{NETWORK_TIMEOUT, run_git, shown_url};
pub use error::{CommandError, GitError, RemoteError};
pub use local::{compare, create_tag, find_commit, scan, unscannable};
pub use pick::{PickError, resolve_pick};
pub use remote::{fetch, fetch_within, push_tag, push_tag_within, remote_has_tag, remote_tag};
pub use retag::{RetagError, STEP_TIMEOUT, retag};
pub use risk::{MAX_CHECKED, RiskMemo, risky, risky_in};
