//! `shipdeck repos`, `shipdeck compare` and `shipdeck tag`: the Repos & tags
//! pane for scripts, through the same `update` the cockpit runs.

use super::Exit;
use super::drive::Driver;
use crate::cli::{CompareArgs, Global, ReposArgs, TagArgs};
use crate::config::Config;
use crate::domain::model::Confirm;
use crate::domain::probe::short_sha;
use crate::domain::repo_update;
use crate::domain::repos::{CommitInfo, RepoRow, TagRemote, commits};
use crate::domain::{Model, Remote};
use crate::io::git;
use crate::session;
use chrono::{DateTime, Utc};
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

/// Scans every repository (and, with `fetch`, fetches first).
async fn scanned(config: &Config, global: &Global, fetch: bool) -> Result<(Model, Driver), Exit> {
    let mut model = session::build_model(config, global, Utc::now());
    if model.repos.is_empty() {
        return Err(Exit::new(2, format!("{}: no [[repos]] configured", config.source)));
    }
    let mut driver = Driver::new(config)?;
    let scan = repo_update::scan_all(&mut model);
    driver.settle(&mut model, scan).await;
    if fetch {
        let effects = repo_update::fetch(&mut model);
        driver.settle(&mut model, effects).await;
    }
    Ok((model, driver))
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
    for row in &mut model.repos {
        // Whether the remote has the tag needs the network; ask only about a
        // tag that exists here, and say why when the remote cannot tell.
        let mut remote_error = None;
        if row.tag_remote.is_none()
            && !args.offline
            && let Some((tag, _)) = row.status.value().and_then(|s| s.plan.current.clone())
        {
            match git::remote_tag(&row.spec, &tag, config.git.timeout).await {
                Ok(state) => row.tag_remote = Some(state),
                Err(e) => remote_error = Some(e),
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
    let pushing = repo_update::pushing_urls(&model);
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
        super::emit(&if args.json { super::json::pretty(&reports)? } else { out });
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
        return super::json::pretty(&reports);
    }
    Ok(out)
}

#[derive(Debug, Serialize)]
struct CompareReport<'a> {
    repo: &'a str,
    from: &'a str,
    to: &'a str,
    compare_url: Option<String>,
    commits: Vec<CommitReport<'a>>,
}

#[derive(Debug, Serialize)]
struct CommitReport<'a> {
    sha: &'a str,
    author: &'a str,
    date: String,
    summary: &'a str,
    merge: bool,
}

pub async fn compare(config: &Config, global: &Global, args: &CompareArgs) -> Result<String, Exit> {
    let (mut model, mut driver) = scanned(config, global, false).await?;
    let Some(idx) = model.repos.iter().position(|r| r.spec.name == args.repo) else {
        let names: Vec<&str> = model.repos.iter().map(|r| r.spec.name.as_str()).collect();
        return Err(Exit::new(2, format!("no repository `{}` (configured: {})", args.repo, names.join(", "))));
    };
    let row = &model.repos[idx];
    let status = match &row.status {
        Remote::Ready { value, .. } => value,
        Remote::Failed { error, .. } => return Err(Exit::new(1, error.clone())),
        _ => return Err(Exit::new(1, format!("{}: not scanned", args.repo))),
    };
    let defaults = status.range();
    let from = match (&args.from, &defaults) {
        (Some(f), _) => f.clone(),
        (None, Some(range)) => range.from.clone(),
        (None, None) => {
            return Err(Exit::new(2, format!("{}: no previous push tag; name FROM explicitly", args.repo)));
        }
    };
    let to = match (&args.to, &defaults) {
        (Some(t), _) => t.clone(),
        (None, Some(range)) => range.to.clone(),
        (None, None) => status.head.sha.clone(),
    };
    model.generation += 1;
    let generation = model.generation;
    model.compare = Some(crate::domain::repos::CompareView {
        repo: idx,
        from: from.clone(),
        to: to.clone(),
        to_head: args.to.is_none() && defaults.as_ref().is_some_and(|r| r.to_head),
        generation,
        commits: Remote::Loading,
        show_merges: args.merges,
        selected: 0,
    });
    let effect = crate::domain::Effect::LoadCompare { generation, repo: idx, spec: row.spec.clone(), from, to };
    driver.settle(&mut model, vec![effect]).await;
    let view = model.compare.as_ref().expect("set above");
    let commits: Vec<&CommitInfo> = match &view.commits {
        Remote::Ready { .. } => view.visible(),
        Remote::Failed { error, .. } => return Err(Exit::new(1, error.clone())),
        _ => return Err(Exit::new(1, "compare did not finish".to_string())),
    };
    let url = repo_update::current_url(&model);
    let date = |t: i64| DateTime::<Utc>::from_timestamp(t, 0).map(|d| d.to_rfc3339()).unwrap_or_default();
    if args.json {
        let report = CompareReport {
            repo: &args.repo,
            from: &view.from,
            to: &view.to,
            compare_url: url,
            commits: commits
                .iter()
                .map(|c| CommitReport {
                    sha: &c.sha,
                    author: &c.author,
                    date: date(c.time),
                    summary: &c.summary,
                    merge: c.merge,
                })
                .collect(),
        };
        return super::json::pretty(&report);
    }
    let to = view.to_title();
    // Said like the cockpit's compare view, so the count never looks like a
    // disagreement with `repos` (which counts the merges too).
    let hidden = match &view.commits {
        Remote::Ready { value, .. } => value.len() - commits.len(),
        _ => 0,
    };
    let merges = match hidden {
        0 => String::new(),
        1 => ", 1 merge hidden".to_string(),
        n => format!(", {n} merges hidden"),
    };
    let mut out =
        format!("{} {}..{to}: {}{merges}\n", args.repo, view.from, crate::domain::repos::commits(commits.len()));
    if let Some(u) = url {
        let _ = writeln!(out, "{u}");
    }
    for c in commits {
        let day =
            DateTime::<Utc>::from_timestamp(c.time, 0).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let _ = writeln!(out, "{} {day} {:<20} {}", short_sha(&c.sha), c.author, c.summary);
    }
    Ok(out)
}

#[derive(Debug, Serialize)]
struct TagReport {
    repo: String,
    tag: String,
    commit: String,
    summary: String,
    created: bool,
    pushed: Option<bool>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct TagRun {
    dry_run: bool,
    tags: Vec<TagReport>,
    skipped: Vec<Skipped>,
}

#[derive(Debug, Serialize)]
struct Skipped {
    repo: String,
    reason: String,
    /// The repository could not be read: the run fails.
    error: bool,
}

/// What `t` (and, with `--push`, `P`) do in the cockpit, for scripts.
pub async fn tag(config: &Config, global: &Global, args: &TagArgs) -> Result<String, Exit> {
    let (mut model, mut driver) = scanned(config, global, false).await?;
    let name = |m: &Model, i: usize| m.repos[i].spec.name.clone();
    let (proposals, skipped) = match &args.retag {
        Some(repo) => {
            retag(&mut model, repo, args.at.as_deref())?;
            match model.confirm.clone() {
                Some(Confirm::CreateTags { tags, skipped }) => (tags, skipped),
                _ => (Vec::new(), Vec::new()),
            }
        }
        None => {
            let (tags, skipped) = repo_update::tag_plan(&model);
            if !tags.is_empty() {
                model.confirm = Some(Confirm::CreateTags { tags: tags.clone(), skipped: skipped.clone() });
            }
            (tags, skipped)
        }
    };
    let mut run = TagRun {
        dry_run: args.dry_run,
        tags: proposals
            .iter()
            .map(|p| TagReport {
                repo: name(&model, p.repo),
                tag: p.tag.clone(),
                commit: p.commit.sha.clone(),
                summary: p.commit.summary.clone(),
                created: false,
                pushed: None,
                error: None,
            })
            .collect(),
        skipped: skipped
            .iter()
            .map(|(i, why)| Skipped {
                repo: name(&model, *i),
                reason: why.clone(),
                error: matches!(model.repos[*i].status, Remote::Failed { .. }),
            })
            .collect(),
    };
    if !args.dry_run && !proposals.is_empty() {
        let effects = repo_update::confirm(&mut model);
        driver.settle(&mut model, effects).await;
        for (report, p) in run.tags.iter_mut().zip(&proposals) {
            match &model.repos[p.repo].last_result {
                Some((_, Ok(_))) => report.created = true,
                Some((_, Err(e))) => report.error = Some(e.clone()),
                None => report.error = Some("no answer".into()),
            }
        }
    }
    if args.push && !args.dry_run {
        // Push this push's tag wherever it exists and is not known to be on
        // the remote: the ones just created, and any created earlier.
        repo_update::propose_push(&mut model);
        if let Some(Confirm::PushTags { tags, .. }) = model.confirm.clone() {
            let effects = repo_update::confirm(&mut model);
            driver.settle(&mut model, effects).await;
            for (repo, tag) in tags {
                let (ok, err) = match &model.repos[repo].last_result {
                    Some((_, Ok(_))) => (true, None),
                    Some((_, Err(e))) => (false, Some(e.clone())),
                    None => (false, Some("no answer".to_string())),
                };
                let repo_name = name(&model, repo);
                match run.tags.iter_mut().find(|t| t.repo == repo_name) {
                    Some(t) => {
                        t.pushed = Some(ok);
                        if err.is_some() {
                            t.error = err;
                        }
                    }
                    None => run.tags.push(TagReport {
                        repo: repo_name,
                        commit: model.repos[repo]
                            .status
                            .value()
                            .and_then(|s| s.target_commit().map(str::to_string))
                            .unwrap_or_default(),
                        summary: String::new(),
                        tag,
                        created: false,
                        pushed: Some(ok),
                        error: err,
                    }),
                }
            }
        }
    }
    let failed = run.tags.iter().any(|t| t.error.is_some()) || run.skipped.iter().any(|s| s.error);
    let out = if args.json {
        super::json::pretty(&run)?
    } else {
        let mut out = String::new();
        if run.tags.is_empty() {
            let _ = writeln!(out, "nothing to tag:");
        }
        for t in &run.tags {
            let what = match (args.dry_run, t.created, t.pushed, &t.error) {
                (_, _, _, Some(e)) => format!("FAILED: {e}"),
                (true, ..) => "would create".to_string(),
                (false, true, Some(true), _) => "created and pushed".into(),
                (false, true, _, _) => "created".into(),
                (false, false, Some(true), _) => "pushed".into(),
                _ => "unchanged".into(),
            };
            let short = short_sha(&t.commit);
            let _ = writeln!(out, "{:<20} {:<14} {short} {:<40} {what}", t.repo, t.tag, t.summary);
        }
        for s in &run.skipped {
            let _ = writeln!(out, "{:<20} skipped: {}", s.repo, s.reason);
        }
        out
    };
    if failed {
        super::emit(&out);
        return Err(Exit::new(1, "some repositories could not be read, tagged or pushed (see above)"));
    }
    Ok(out)
}

/// Sets up the re-tag of `repo` on `at` (default: its branch head).
fn retag(model: &mut Model, repo: &str, at: Option<&str>) -> Result<(), Exit> {
    let Some(idx) = model.repos.iter().position(|r| r.spec.name == repo) else {
        let names: Vec<&str> = model.repos.iter().map(|r| r.spec.name.as_str()).collect();
        return Err(Exit::new(2, format!("no repository `{repo}` (configured: {})", names.join(", "))));
    };
    let row = &model.repos[idx];
    let commit = match (at, row.status.value()) {
        (None, Some(status)) => status.head.clone(),
        (Some(rev), _) => {
            let (sha, summary) = git::find_commit(&row.spec, rev).map_err(|e| Exit::new(1, e.to_string()))?;
            CommitInfo { sha, summary, author: String::new(), time: 0, merge: false }
        }
        (None, None) => return Err(Exit::new(1, format!("{repo}: not scanned"))),
    };
    repo_update::propose_retag(model, idx, commit).map_err(|e| Exit::new(1, e))
}
