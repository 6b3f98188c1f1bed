//! `shipdeck retag REPO`: the cockpit's `T` for scripts. The repository's
//! pick basket (from the push's journal) is cherry-picked onto its base tag
//! in a temporary worktree and tagged; with `--push` the tag is pushed as
//! `P` pushes it. Both are recorded in the push's journal as the cockpit
//! records them; with `--sync`, shared at once.

use crate::cli::{Global, RetagArgs};
use crate::config::Config;
use crate::domain::repos::retag;
use crate::domain::repos::update as repo_update;
use crate::domain::rollout::probe::short_sha;
use crate::headless::Exit;
use crate::headless::drive::Driver;
use crate::session;
use chrono::Utc;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Serialize)]
struct RetagRun {
    repo: String,
    dry_run: bool,
    /// The tag the picks go onto.
    base: String,
    /// The tag made (or that would be).
    tag: String,
    /// The base is the previous push's tag: `tag` is this push's first.
    first: bool,
    picks: Vec<PickReport>,
    /// The commit the tag points at, once made.
    commit: Option<String>,
    created: bool,
    /// Asked with `--push`: whether the remote took it.
    pushed: Option<bool>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct PickReport {
    sha: String,
    summary: String,
    /// "planned" (dry run, or nothing was made), "picked", or "skipped"
    /// (already in the base).
    state: &'static str,
}

pub async fn retag(config: &Config, global: &Global, args: &RetagArgs) -> Result<String, Exit> {
    let mut model = session::model::build_model(config, global, Utc::now());
    let Some(idx) = model.repos.rows.iter().position(|r| r.spec.name == args.repo) else {
        let names: Vec<&str> = model.repos.rows.iter().map(|r| r.spec.name.as_str()).collect();
        return Err(Exit::new(2, format!("no repository `{}` (configured: {})", args.repo, names.join(", "))));
    };
    let store = crate::headless::journal_for(config, global, &model)?;
    crate::headless::fold_journal(&store, &mut model)?;
    if model.notes.basket(&args.repo).is_empty() {
        return Err(Exit::new(
            3,
            format!("{}: the pick basket is empty: nothing to re-tag (/pick SHA {} adds a fix)", args.repo, args.repo),
        ));
    }
    let mut driver = Driver::new(config)?;
    model.generation += 1;
    let facts = repo_update::Facts::new(&model.release, &model.actor, model.now);
    let scan = repo_update::scan_all(&mut model.repos, &facts, model.generation);
    driver.settle(&mut model, scan).await;
    let plan = retag::plan(&model.repos, &model.notes, idx).map_err(|e| Exit::new(1, e))?;
    let mut run = RetagRun {
        repo: args.repo.clone(),
        dry_run: args.dry_run,
        base: plan.base.clone(),
        tag: plan.tag.clone(),
        first: plan.first,
        picks: plan
            .picks
            .iter()
            .map(|(sha, summary)| PickReport { sha: sha.clone(), summary: summary.clone(), state: "planned" })
            .collect(),
        commit: None,
        created: false,
        pushed: None,
        error: None,
    };
    let mut unsaved = None;
    if !args.dry_run {
        driver = driver.journaled(store, &mut model)?;
        let facts = repo_update::Facts::new(&model.release, &model.actor, model.now);
        let effects = retag::start(&mut model.repos, &facts, plan.clone());
        driver.settle(&mut model, effects).await;
        match &model.repos.rows[idx].last_result {
            Some((_, Ok(_))) => run.created = true,
            Some((_, Err(e))) => run.error = Some(e.clone()),
            None => run.error = Some("no answer".into()),
        }
        if let Some((shipped, skipped)) = model.notes.shipped.of_tag(&args.repo, &plan.tag) {
            for p in &mut run.picks {
                if shipped.contains(&p.sha) {
                    p.state = "picked";
                } else if skipped.contains(&p.sha) {
                    p.state = "skipped";
                }
            }
        }
        run.commit = model.repos.rows[idx].status.value().and_then(|s| s.commit_of_tag(&plan.tag)).map(String::from);
        if run.created && args.push {
            let effects = repo_update::push_tags(&mut model.repos, vec![(idx, plan.tag.clone())]);
            driver.settle(&mut model, effects).await;
            match &model.repos.rows[idx].last_result {
                Some((_, Ok(_))) => run.pushed = Some(true),
                Some((_, Err(e))) => {
                    run.pushed = Some(false);
                    run.error = Some(e.clone());
                }
                None => {
                    run.pushed = Some(false);
                    run.error = Some("no answer".into());
                }
            }
        }
        unsaved = driver.saved(&model).err();
    }
    let out = if args.json { crate::headless::json::pretty(&run)? } else { text(&run) };
    // What was recorded goes out even when the push failed: the tag exists,
    // and the team should hear of it.
    let shared = match (args.sync, run.created) {
        (true, true) => crate::headless::sync::share_now(config, global).await.err(),
        _ => None,
    };
    let failed = run.error.as_ref().map(|e| Exit::new(1, e.clone()));
    let mut problems = [failed, unsaved, shared].into_iter().flatten();
    let Some(first) = problems.next() else { return Ok(out) };
    crate::headless::emit(&out);
    for later in problems {
        crate::headless::warn(&later.message);
    }
    Err(first)
}

fn text(run: &RetagRun) -> String {
    let mut out = String::new();
    let base = if run.first { "the previous push's tag" } else { "this push's newest tag" };
    let _ = writeln!(out, "{}: {} on {} ({base})", run.repo, run.tag, run.base);
    for (i, p) in run.picks.iter().enumerate() {
        let state = match (run.dry_run, p.state) {
            (true, _) => "would cherry-pick".to_string(),
            (_, "picked") => "cherry-picked".to_string(),
            (_, "skipped") => format!("already in {}: skipped", run.base),
            _ => "not picked".to_string(),
        };
        let _ = writeln!(out, "  {}. {} {:<40} {state}", i + 1, short_sha(&p.sha), p.summary);
    }
    let what = match (run.dry_run, run.created, run.pushed, &run.error) {
        (true, ..) => format!("would create {} (annotated), nothing changed", run.tag),
        (_, _, _, Some(e)) if !run.created => format!("FAILED: {e}"),
        (_, true, Some(true), _) => format!("created and pushed {}", run.tag),
        (_, true, Some(false), Some(e)) => format!("created {}, push FAILED: {e}", run.tag),
        // Not `retag --push`: the basket is empty once the tag is made.
        _ => format!("created {} (not pushed: `shipdeck tag --push` or `P` pushes it)", run.tag),
    };
    let at = run.commit.as_deref().map(|c| format!(" at {}", short_sha(c))).unwrap_or_default();
    let _ = writeln!(out, "{what}{at}");
    out
}
