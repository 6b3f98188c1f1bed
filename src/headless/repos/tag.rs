//! `shipdeck tag`: this push's tags (or a re-tag), created and, with
//! `--push`, pushed, as the cockpit's `t` and `P` do, each recorded in the
//! push's journal as the cockpit records it; with `--sync`, shared at once.

use super::scan::scanned;
use crate::cli::{Global, TagArgs};
use crate::config::Config;
use crate::domain::repos::update as repo_update;
use crate::domain::repos::{CommitInfo, TagProposal};
use crate::domain::rollout::probe::short_sha;
use crate::domain::{Model, Remote};
use crate::headless::Exit;
use crate::io::git;
use serde::Serialize;
use std::fmt::Write as _;

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
    if !args.dry_run {
        let store = crate::headless::journal_for(config, global, &model)?;
        driver = driver.journaled(store, &mut model)?;
    }
    let name = |m: &Model, i: usize| m.repos.rows[i].spec.name.clone();
    let (proposals, skipped) = match &args.retag {
        Some(repo) => (vec![retag(&model, repo, args.at.as_deref())?], Vec::new()),
        None => repo_update::tag_plan(&model.repos),
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
                error: matches!(model.repos.rows[*i].status, Remote::Failed { .. }),
            })
            .collect(),
    };
    if !args.dry_run && !proposals.is_empty() {
        let facts = repo_update::Facts::new(&model.release, &model.actor, model.now);
        let effects = repo_update::create_tags(&mut model.repos, &facts, proposals.clone());
        driver.settle(&mut model, effects).await;
        for (report, p) in run.tags.iter_mut().zip(&proposals) {
            match &model.repos.rows[p.repo].last_result {
                Some((_, Ok(_))) => report.created = true,
                Some((_, Err(e))) => report.error = Some(e.clone()),
                None => report.error = Some("no answer".into()),
            }
        }
    }
    if args.push && !args.dry_run {
        // Push this push's tag wherever it exists and is not known to be on
        // the remote: the ones just created, and any created earlier.
        let tags = repo_update::push_plan(&model.repos).tags;
        if !tags.is_empty() {
            let effects = repo_update::push_tags(&mut model.repos, tags.clone());
            driver.settle(&mut model, effects).await;
            for (repo, tag) in tags {
                let (ok, err) = match &model.repos.rows[repo].last_result {
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
                        commit: model.repos.rows[repo]
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
    let unsaved = driver.saved(&model).err();
    let out = if args.json {
        crate::headless::json::pretty(&run)?
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
    // What was recorded goes out even when part of the run failed: those
    // tags exist, and the team should hear of them.
    let shared = match args.sync {
        true => crate::headless::sync::share_now(config, global).await.err(),
        false => None,
    };
    let mut problems = [
        failed.then(|| Exit::new(1, "some repositories could not be read, tagged or pushed (see above)")),
        unsaved,
        shared,
    ]
    .into_iter()
    .flatten();
    let Some(first) = problems.next() else { return Ok(out) };
    crate::headless::emit(&out);
    for later in problems {
        crate::headless::warn(&later.message);
    }
    Err(first)
}

/// The re-tag of `repo` on `at` (default: its branch head).
fn retag(model: &Model, repo: &str, at: Option<&str>) -> Result<TagProposal, Exit> {
    let Some(idx) = model.repos.rows.iter().position(|r| r.spec.name == repo) else {
        let names: Vec<&str> = model.repos.rows.iter().map(|r| r.spec.name.as_str()).collect();
        return Err(Exit::new(2, format!("no repository `{repo}` (configured: {})", names.join(", "))));
    };
    let row = &model.repos.rows[idx];
    let commit = match (at, row.status.value()) {
        (None, Some(status)) => status.head.clone(),
        (Some(rev), _) => {
            let (sha, summary) = git::find_commit(&row.spec, rev).map_err(|e| Exit::new(1, e.to_string()))?;
            CommitInfo { sha, summary, author: String::new(), time: 0, merge: false }
        }
        (None, None) => return Err(Exit::new(1, format!("{repo}: not scanned"))),
    };
    repo_update::retag_plan(&model.repos, idx, commit).map_err(|e| Exit::new(1, e))
}
