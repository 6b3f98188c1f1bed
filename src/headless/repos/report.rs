//! `shipdeck repos`: each repository's report (JSON) and its text.

use super::scan::scanned;
use crate::cli::{Global, ReposArgs};
use crate::config::Config;
use crate::domain::Remote;
use crate::domain::repos::update as repo_update;
use crate::domain::repos::{RepoRow, TagRemote, commits};
use crate::domain::rollout::probe::short_sha;
use crate::headless::Exit;
use crate::io::git;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Serialize)]
pub struct RepoReport {
    pub name: String,
    pub path: String,
    pub branch: Option<String>,
    pub head: Option<String>,
    pub previous_tag: Option<String>,
    pub previous_tag_commit: Option<String>,
    pub next_tag: Option<String>,
    pub target_tag: Option<String>,
    /// "tagged", "needs_tag" or "unchanged" (nothing since the previous push tag).
    pub state: Option<&'static str>,
    /// Commits in the compare range (`compare_from..compare_to`).
    pub commits_since_previous: Option<usize>,
    /// Commits on the branch after this push's tag: not in this push.
    pub commits_beyond_target: Option<usize>,
    pub compare_from: Option<String>,
    pub compare_to: Option<String>,
    /// True while the range ends at the branch head (no tag for this push yet).
    pub compare_to_head: Option<bool>,
    pub compare_url: Option<String>,
    pub tag_local: bool,
    /// True only when the remote's tag of that name is on the same commit.
    pub tag_remote: Option<bool>,
    /// "pushed", "absent" or "conflict" (the remote's tag of that name is on
    /// another commit); null when not asked.
    pub tag_remote_state: Option<&'static str>,
    /// The commit the remote's tag peels to, when it differs from here.
    pub tag_remote_commit: Option<String>,
    pub security: Option<SecurityReport>,
    /// Push tags that contradict the history, in words.
    pub warnings: Vec<String>,
    /// Commits in the compare range touching `[risk] paths`, newest first.
    pub risky: Vec<crate::domain::repos::risk::RiskyCommit>,
    /// What went wrong fetching (`--fetch`): the scan is of what was there.
    pub fetch_error: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SecurityReport {
    pub remote: String,
    pub in_sync: Option<bool>,
    pub ahead: Option<usize>,
    pub behind: Option<usize>,
    pub error: Option<String>,
}

fn report(row: &RepoRow, remote_error: Option<String>) -> RepoReport {
    let mut r = RepoReport {
        name: row.spec.name.clone(),
        path: row.spec.path.clone(),
        branch: None,
        head: None,
        previous_tag: None,
        previous_tag_commit: None,
        next_tag: None,
        target_tag: None,
        state: None,
        commits_since_previous: None,
        commits_beyond_target: None,
        compare_from: None,
        compare_to: None,
        compare_to_head: None,
        compare_url: None,
        tag_local: false,
        tag_remote: row.tag_remote.as_ref().map(TagRemote::is_pushed),
        tag_remote_state: row.tag_remote.as_ref().map(TagRemote::word),
        tag_remote_commit: match &row.tag_remote {
            Some(TagRemote::Conflict { remote_commit }) => remote_commit.clone(),
            _ => None,
        },
        security: row.spec.security.as_ref().map(|s| SecurityReport {
            remote: s.remote.clone(),
            in_sync: None,
            ahead: None,
            behind: None,
            error: None,
        }),
        warnings: Vec::new(),
        risky: Vec::new(),
        fetch_error: match &row.last_result {
            Some((_, Err(e))) => Some(e.clone()),
            _ => None,
        },
        error: remote_error,
    };
    match &row.status {
        Remote::Ready { value: s, .. } => {
            r.branch = Some(s.branch.clone());
            r.head = Some(s.head.sha.clone());
            r.previous_tag = s.plan.previous.as_ref().map(|(t, _)| t.clone());
            r.previous_tag_commit = s.previous_commit().map(str::to_string);
            r.next_tag = Some(s.plan.next.clone());
            r.target_tag = Some(s.target_tag().to_string());
            r.state = Some(s.state().word());
            r.commits_since_previous = s.in_push;
            r.commits_beyond_target = s.beyond_target;
            if let Some(range) = s.range() {
                r.compare_url = row.compare_url(&range.from, &range.to_label());
                r.compare_from = Some(range.from);
                r.compare_to = Some(range.to);
                r.compare_to_head = Some(range.to_head);
            }
            r.tag_local = s.plan.current.is_some();
            r.warnings = s.warnings.clone();
            r.risky = s.risky.clone();
            if let (Some(report), Some(state)) = (r.security.as_mut(), s.security.as_ref()) {
                match state {
                    Ok(sec) => {
                        report.in_sync = Some(sec.in_sync);
                        report.ahead = Some(sec.ahead);
                        report.behind = Some(sec.behind);
                    }
                    Err(e) => report.error = Some(e.clone()),
                }
            }
        }
        Remote::Failed { error, .. } => r.error = Some(error.clone()),
        Remote::Idle | Remote::Loading => r.error = Some("not scanned".into()),
    }
    r
}

pub async fn repos(config: &Config, global: &Global, args: &ReposArgs) -> Result<String, Exit> {
    let (mut model, _) = scanned(config, global, args.fetch).await?;
    let mut reports = Vec::new();
    for row in &mut model.repos.rows {
        // Whether the remote has the tag needs the network; ask only about a
        // tag that exists here, and say why when the remote cannot tell.
        let mut remote_error = None;
        if row.tag_remote.is_none()
            && !args.offline
            && let Some((tag, _)) = row.status.value().and_then(|s| s.plan.current.clone())
        {
            match git::remote_tag(&row.spec, &tag, config.git.timeout).await {
                Ok(state) => row.tag_remote = Some(state),
                Err(e) => remote_error = Some(e.to_string()),
            }
        }
        reports.push(report(row, remote_error));
    }
    let mut out = String::new();
    for r in &reports {
        let _ = writeln!(out, "{}  ({})", r.name, r.path);
        if let Some(e) = &r.error {
            let _ = writeln!(out, "  error: {e}");
        }
        if let Some(e) = &r.fetch_error {
            let _ = writeln!(out, "  fetch failed: {e}");
        }
        if let (Some(branch), Some(head)) = (&r.branch, &r.head) {
            let _ = writeln!(out, "  {branch} @ {}", short_sha(head));
            match (&r.compare_from, &r.compare_to, r.commits_since_previous) {
                (Some(from), Some(to), Some(n)) => {
                    let to = if r.compare_to_head == Some(true) {
                        format!("{branch} head {}, not tagged yet", short_sha(to))
                    } else {
                        to.clone()
                    };
                    let _ = writeln!(out, "  {} in this push: {from}..{to}", commits(n));
                }
                _ => {
                    let _ = writeln!(out, "  no previous push tag");
                }
            }
            if let Some(n) = r.commits_beyond_target.filter(|n| *n > 0) {
                let _ = writeln!(out, "  {} on {branch} after the tag, not in this push", commits(n));
            }
            for w in &r.warnings {
                let _ = writeln!(out, "  warning: {w}");
            }
            for c in &r.risky {
                let _ = writeln!(out, "  ⚠ {} {} — {}", short_sha(&c.sha), c.summary, c.risks.join(", "));
            }
            let remote = match (r.tag_remote_state, &r.tag_remote_commit) {
                (Some("pushed"), _) => "pushed".to_string(),
                (Some("conflict"), Some(theirs)) => {
                    format!("CONFLICT: the remote's tag is on {}, shipdeck never moves a tag", short_sha(theirs))
                }
                (Some("conflict"), None) => "CONFLICT: the remote's tag is on another commit".to_string(),
                (Some(_), _) => "not pushed".to_string(),
                (None, _) => "remote unknown".to_string(),
            };
            match r.state {
                Some("tagged") => {
                    let _ = writeln!(
                        out,
                        "  target {} (tagged, {remote}) · a re-tag would be {}",
                        r.target_tag.as_deref().unwrap_or("?"),
                        r.next_tag.as_deref().unwrap_or("?")
                    );
                }
                Some("unchanged") => {
                    let prev = r.previous_tag.as_deref().unwrap_or("?");
                    let _ = writeln!(out, "  no changes since {prev}: nothing to tag");
                }
                _ => {
                    let _ = writeln!(out, "  not tagged yet · next {}", r.next_tag.as_deref().unwrap_or("?"));
                }
            }
        }
        if let Some(sec) = &r.security {
            let text = match (sec.in_sync, &sec.error) {
                (Some(true), _) => "in sync".to_string(),
                (Some(false), _) => format!("{} ahead, {} behind", sec.ahead.unwrap_or(0), sec.behind.unwrap_or(0)),
                (None, Some(e)) => format!("unknown: {e}"),
                (None, None) => "unknown".into(),
            };
            let _ = writeln!(out, "  security fork ({}): {text}", sec.remote);
        }
    }
    let pushing = repo_update::pushing_urls(&model.repos);
    if !pushing.is_empty() {
        let _ = writeln!(out, "\nPushing:");
        for (repo, line) in pushing {
            let _ = writeln!(out, "  {repo}: {line}");
        }
    }
    // A repository that could not be read fails the run, after the report.
    let unread: Vec<&str> = reports.iter().filter(|r| r.branch.is_none()).map(|r| r.name.as_str()).collect();
    let unfetched: Vec<&str> = reports.iter().filter(|r| r.fetch_error.is_some()).map(|r| r.name.as_str()).collect();
    if !unread.is_empty() || !unfetched.is_empty() {
        crate::headless::emit(&if args.json { crate::headless::json::pretty(&reports)? } else { out });
        let mut why = Vec::new();
        if !unread.is_empty() {
            why.push(format!("cannot read {}", unread.join(", ")));
        }
        if !unfetched.is_empty() {
            why.push(format!("fetch failed for {}", unfetched.join(", ")));
        }
        return Err(Exit::new(1, why.join("; ")));
    }
    if args.json {
        return crate::headless::json::pretty(&reports);
    }
    Ok(out)
}
