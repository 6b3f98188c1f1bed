//! `shipdeck compare`: the commits of a compare range, as text or JSON.

use super::scan::scanned;
use crate::cli::{CompareArgs, Global};
use crate::config::Config;
use crate::domain::Remote;
use crate::domain::repos::CommitInfo;
use crate::domain::repos::msg::ReposEffect;
use crate::domain::repos::update as repo_update;
use crate::domain::rollout::probe::short_sha;
use crate::headless::Exit;
use crate::io::git;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt::Write as _;

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
    /// The `[risk] paths` names it touches (none: not risky; merges are never flagged).
    risks: &'a [String],
}

pub async fn compare(config: &Config, global: &Global, args: &CompareArgs) -> Result<String, Exit> {
    let (mut model, mut driver) = scanned(config, global, false).await?;
    let Some(idx) = model.repos.rows.iter().position(|r| r.spec.name == args.repo) else {
        let names: Vec<&str> = model.repos.rows.iter().map(|r| r.spec.name.as_str()).collect();
        return Err(Exit::new(2, format!("no repository `{}` (configured: {})", args.repo, names.join(", "))));
    };
    let row = &model.repos.rows[idx];
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
    model.view.open_compare(crate::domain::repos::CompareView {
        repo: idx,
        from: from.clone(),
        to: to.clone(),
        to_head: args.to.is_none() && defaults.as_ref().is_some_and(|r| r.to_head),
        generation,
        commits: Remote::Loading,
        show_merges: args.merges,
        selected: 0,
    });
    let effect = crate::domain::Effect::Repos(ReposEffect::LoadCompare {
        generation,
        repo: idx,
        spec: row.spec.clone(),
        from,
        to,
    });
    driver.settle(&mut model, vec![effect]).await;
    let view = model.view.compare().expect("set above");
    let commits: Vec<&CommitInfo> = match &view.commits {
        Remote::Ready { .. } => view.visible(),
        Remote::Failed { error, .. } => return Err(Exit::new(1, error.clone())),
        _ => return Err(Exit::new(1, "compare did not finish".to_string())),
    };
    let url = repo_update::current_url(&model.repos, model.view.compare(), model.view.repo_selected);
    // The range asked for, flagged by the rule the scan uses.
    let spec = &model.repos.rows[idx].spec;
    let risky = git::risky_in(spec, &view.from, &view.to, &config.risk).map_err(|e| Exit::new(1, e.to_string()))?.0;
    let risks_of = |sha: &str| risky.iter().find(|r| r.sha == sha).map_or(&[][..], |r| &r.risks[..]);
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
                    risks: risks_of(&c.sha),
                })
                .collect(),
        };
        return crate::headless::json::pretty(&report);
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
        let risk = match risks_of(&c.sha) {
            [] => String::new(),
            risks => format!("⚠ {} ", risks.join(", ")),
        };
        let _ = writeln!(out, "{} {day} {:<20} {risk}{}", short_sha(&c.sha), c.author, c.summary);
    }
    Ok(out)
}
