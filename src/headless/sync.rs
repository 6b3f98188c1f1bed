//! `shipdeck sync`: one round of sharing the push's journal through the
//! `[share]` remote, for scripts, bots and CI jobs, and to see at a glance
//! who is in the push.

use super::Exit;
use crate::cli::{Global, SyncArgs};
use crate::config::Config;
use crate::domain::share::Person;
use crate::io::share::journal::Shared;
use crate::session;
use chrono::Utc;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Serialize)]
struct SyncReport {
    remote: String,
    #[serde(rename = "ref")]
    git_ref: String,
    /// `synced`, or what went wrong: `offline`, `auth`, `rejected`, `error`.
    state: &'static str,
    error: Option<String>,
    pushed: usize,
    fetched: usize,
    people: Vec<Person>,
    warnings: Vec<String>,
}

pub async fn run(config: &Config, global: &Global, args: &SyncArgs) -> Result<String, Exit> {
    let mut shared = shared(config, global, "nothing to sync with")?;
    let result = shared.round(config.git.timeout).await;
    let mut report = SyncReport {
        remote: shared.shown_remote(),
        git_ref: shared.git_ref().to_string(),
        state: "synced",
        error: None,
        pushed: 0,
        fetched: 0,
        people: shared.people(),
        warnings: Vec::new(),
    };
    match &result {
        Ok(r) => {
            report.pushed = r.pushed;
            report.fetched = r.fetched;
            report.warnings = r.warnings.clone();
        }
        Err(e) => {
            report.state = state_of(e);
            report.error = Some(e.to_string());
        }
    }
    let out = if args.json { super::json::pretty(&report)? } else { text(&report) };
    match result {
        Ok(_) => Ok(out),
        Err(e) => {
            super::emit(&out);
            Err(Exit::new(1, e.to_string()))
        }
    }
}

/// `--sync` on a writing command: the line just saved goes out now. It is
/// in the journal either way; a remote that fails is said (exit 1) and the
/// next round, from a cockpit or `shipdeck sync`, sends it.
pub async fn share_now(config: &Config, global: &Global) -> Result<(), Exit> {
    let mut shared = shared(config, global, "--sync needs it")?;
    match shared.round(config.git.timeout).await {
        Ok(report) => {
            for w in &report.warnings {
                super::warn(w);
            }
            Ok(())
        }
        Err(e) => Err(Exit::new(1, format!("saved, not shared yet: {e}"))),
    }
}

/// Before an act others can forbid (a deploy under a teammate's lock): one
/// round with the team's remote, so what they recorded is here first. A
/// push without `[share]` has nothing to read; a remote that does not
/// answer refuses the act (exit 1), naming it.
pub async fn catch_up(config: &Config, global: &Global, act: &str) -> Result<(), Exit> {
    if config.share.is_none() {
        return Ok(());
    }
    let mut shared = shared(config, global, "nothing to read")?;
    match shared.round(config.git.timeout).await {
        Ok(report) => {
            for w in &report.warnings {
                super::warn(w);
            }
            Ok(())
        }
        Err(e) => Err(Exit::new(
            1,
            format!("the team's locks could not be read from [share]'s remote ({e}); no {act} without them"),
        )),
    }
}

/// `--sync` asked of a command that writes: refused (exit 2) before the
/// command does anything when there is nothing to share through.
pub fn require(config: &Config) -> Result<(), Exit> {
    match config.share {
        Some(_) => Ok(()),
        None => Err(Exit::new(2, format!("{}: no [share] section: --sync needs it; nothing done", config.source))),
    }
}

/// The push this config shares, or why there is none (exit 2).
pub(super) fn shared(config: &Config, global: &Global, why: &str) -> Result<Shared, Exit> {
    if config.share.is_none() {
        return Err(Exit::new(2, format!("{}: no [share] section: {why}", config.source)));
    }
    let model = session::model::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    Shared::for_session(config, global, &store, &model.release)
        .ok_or_else(|| Exit::new(2, "no data directory: pass --data-dir"))
}

fn state_of(e: &crate::io::share::journal::SyncError) -> &'static str {
    use crate::io::share::ShareError as S;
    use crate::io::share::journal::SyncError;
    match e {
        SyncError::Share(S::Unreachable { .. } | S::Timeout { .. }) => "offline",
        SyncError::Share(S::Authentication { .. }) => "auth",
        SyncError::Share(S::Rejected { .. } | S::Contended { .. } | S::Locked { .. }) => "rejected",
        _ => "error",
    }
}

fn text(r: &SyncReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}): {}", r.remote, r.git_ref, r.state);
    if r.error.is_none() {
        let _ = writeln!(out, "sent {} line(s), took {} line(s)", r.pushed, r.fetched);
    }
    let now = Utc::now();
    for p in &r.people {
        let ago = crate::domain::kernel::duration::human(now - p.last_seen);
        let _ = writeln!(out, "  {} ({}) · last heard {ago} ago", p.name, p.role.as_str());
    }
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}
