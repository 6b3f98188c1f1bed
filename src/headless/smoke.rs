//! `shipdeck smoke`: one poll of every endpoint (what each service runs
//! fills the checks' `{tag}`), then every `[[smoke]]` check that applies,
//! through the same handlers the cockpit's `S` runs; each result is
//! appended to the push's log. A failing check ends the command with 3.

use super::Exit;
use super::drive::Driver;
use crate::cli::{Global, SmokeArgs};
use crate::config::Config;
use crate::domain::kernel::redact;
use crate::domain::msg::Effect;
use crate::domain::smoke::msg::SmokeEffect;
use crate::domain::smoke::update::run_now;
use crate::session;
use chrono::Utc;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Serialize)]
struct Report {
    ok: bool,
    passed: usize,
    failed: usize,
    checks: Vec<CheckReport>,
}

#[derive(Debug, Serialize)]
struct CheckReport {
    env: String,
    service: String,
    version: String,
    check: String,
    url: String,
    ok: bool,
    detail: String,
}

pub async fn run(config: &Config, global: &Global, args: &SmokeArgs) -> Result<String, Exit> {
    if config.smoke.is_empty() {
        return Err(Exit::new(2, format!("no [[smoke]] checks in {}", config.source)));
    }
    if let Some(env) = args.env.as_deref().filter(|e| !config.release.environments.iter().any(|x| x == e)) {
        let known = &config.release.environments;
        return Err(Exit::new(2, format!("--env {env}: not an environment of {} ({known:?})", config.source)));
    }
    if let Some(s) = args.service.as_deref().filter(|s| !config.services.iter().any(|x| x.name == *s)) {
        return Err(Exit::new(2, format!("--service {s}: no [[services]] entry in {} is named so", config.source)));
    }
    let mut model = session::model::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    // What each service runs, read before the journal is on: what this one
    // poll saw (an endpoint down) is the watching cockpits' to record.
    let mut driver = Driver::new(config)?;
    model.generation += 1;
    let sweep = crate::domain::rollout::update::sweep(&mut model.rollout, model.generation, Utc::now());
    driver.settle(&mut model, sweep).await;
    let mut driver = driver.journaled(store, &mut model)?;
    model.now = Utc::now();
    let outcome = run_now(&mut model.smoke, &model.rollout, args.env.as_deref(), args.service.as_deref(), model.now);
    let effects = model.carry_out(outcome);
    let asked: Vec<_> = effects
        .iter()
        .filter_map(|e| if let Effect::Smoke(SmokeEffect::Run(r)) = e { Some(r.clone()) } else { None })
        .flatten()
        .collect();
    if asked.is_empty() {
        let what = [args.env.as_deref(), args.service.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        return Err(Exit::new(2, format!("no [[smoke]] check applies to {}", what.join(" · "))));
    }
    driver.settle(&mut model, effects).await;
    let checks: Vec<CheckReport> = asked
        .into_iter()
        .map(|r| {
            let found = model.smoke.results.get(&(r.env.clone(), r.service.clone())).and_then(|c| c.get(&r.check));
            let (ok, detail) = match found {
                Some(o) if o.version == r.version => (o.ok, o.detail.clone()),
                _ => (false, "no answer".to_string()),
            };
            let url = redact::url(&r.url);
            CheckReport { env: r.env, service: r.service, version: r.version, check: r.check, url, ok, detail }
        })
        .collect();
    let failed = checks.iter().filter(|c| !c.ok).count();
    let report = Report { ok: failed == 0, passed: checks.len() - failed, failed, checks };
    let out = if args.json { super::json::pretty(&report)? } else { text(&report) };
    driver.saved(&model)?;
    if failed > 0 {
        super::emit(&out);
        return Err(Exit::new(3, format!("{failed} of {} smoke checks failed", report.checks.len())));
    }
    Ok(out)
}

fn text(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.checks {
        let (glyph, why) = if c.ok { ("✓", String::new()) } else { ("✘", format!(": {}", c.detail)) };
        let _ = writeln!(out, "{glyph} {} · {} {} on {}{why}", c.env, c.service, c.check, c.version);
    }
    let _ = writeln!(out, "{} passed, {} failed", report.passed, report.failed);
    out
}
