//! `shipdeck check`: every problem in the config and the personal file over
//! it, and in what they name (repositories, the Sentry token, the theme),
//! in one run, each at its file, line, column and key; `--json` for scripts.

mod findings;

use super::Exit;
use crate::cli::{CheckArgs, Global};
use crate::config::{Config, Problem, format_duration};
use crate::session;
use chrono::Utc;
use serde::Serialize;

/// What `check --json` prints; the README documents this shape.
#[derive(Debug, Serialize)]
pub struct Report {
    pub ok: bool,
    pub config: String,
    pub personal: Option<String>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

pub fn run(global: &Global, args: &CheckArgs) -> Result<String, Exit> {
    let team = session::config_file::team_path(global).map_err(|e| Exit::new(2, e.to_string()))?;
    let personal = session::config_file::personal_path();
    let mut report = Report {
        ok: false,
        config: team.display().to_string(),
        personal: personal.as_ref().map(|p| p.display().to_string()),
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let mut summary = String::new();
    // What could be read is looked at further even when some keys are
    // wrong: every problem is told in this one run.
    let (config, problems) = Config::load_layered_partly(&team, personal.as_deref());
    if let Some(e) = &problems {
        report.errors = e.problems();
    }
    if let Some(config) = &config {
        let found = findings::of(config, global);
        report.errors.extend(found.errors);
        report.warnings = found.warnings;
        if problems.is_none() {
            summary = describe(config, global);
        }
    }
    report.ok = report.errors.is_empty();
    let problems = match report.errors.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    if args.json {
        let json = super::json::pretty(&report)?;
        if report.ok {
            return Ok(json);
        }
        super::emit(&json);
        return Err(Exit::new(2, format!("{}: {problems}", report.config)));
    }
    if !report.ok {
        let mut lines: Vec<String> = report.errors.iter().map(Problem::line).collect();
        lines.extend(report.warnings.iter().map(|w| format!("warning: {}", w.line())));
        lines.push(format!("{}: {problems}", report.config));
        return Err(Exit::new(2, lines.join("\n")));
    }
    for w in &report.warnings {
        summary.push_str(&format!("  warning: {}\n", w.line()));
    }
    Ok(summary)
}

/// "1 repository", "3 repositories".
pub fn repositories(n: usize) -> String {
    if n == 1 { "1 repository".into() } else { format!("{n} repositories") }
}

/// What a config that passed holds, in a few lines.
fn describe(config: &Config, global: &Global) -> String {
    let model = session::model::build_model(config, global, Utc::now());
    let endpoints: usize = config.services.iter().map(|s| s.envs.len()).sum();
    let mut out = format!(
        "{}: ok\n  release {} · push {} → {} · hero {}\n  {} services, {} endpoints in {} · poll every {}, timeout {}, {} at once\n",
        config.source,
        config.release.name,
        model.release.push_date.format("%a %Y-%m-%d"),
        model.release.target_tag,
        model.release.hero().unwrap_or("(no rotation)"),
        config.services.len(),
        endpoints,
        config.release.environments.join(", "),
        format_duration(config.poll.interval),
        format_duration(config.poll.timeout),
        config.poll.concurrency,
    );
    if !config.repos.is_empty() {
        let names: Vec<&str> = config.repos.iter().map(|r| r.name.as_str()).collect();
        out.push_str(&format!("  {}: {}\n", repositories(names.len()), names.join(", ")));
    }
    if let Some(p) = &config.personal {
        out.push_str(&format!("  personal settings from {p}\n"));
    }
    out
}
