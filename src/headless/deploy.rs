//! `shipdeck deploy ENV` and `shipdeck rollback ENV`: the plan the
//! cockpit's dialog shows, refused the same way (a lock, a role), carried
//! out by the same `update` — each deploy recorded, its hook run, its
//! answer recorded, a rollback's lock after it — and each result printed.

use super::drive::Driver;
use super::{Exit, journal_for};
use crate::cli::{DeployArgs, Global, RollbackArgs};
use crate::config::Config;
use crate::domain::deploy::plan::Refusal;
use crate::domain::{Model, Msg};
use crate::session;
use chrono::Utc;
use serde::Serialize;
use std::fmt::Write as _;

/// One deploy's result, as `--json` prints it (one object per line).
#[derive(Debug, Serialize)]
pub struct DeployReport<'a> {
    pub env: &'a str,
    pub service: &'a str,
    pub tag: &'a str,
    /// What the service ran before, as last seen; `null` when not seen.
    pub from: Option<&'a str>,
    pub rollback: bool,
    pub overrides_lock: bool,
    pub ok: bool,
    pub detail: &'a str,
}

struct Ask<'a> {
    env: &'a str,
    service: Option<&'a str>,
    tag: Option<&'a str>,
    rollback: bool,
    override_lock: Option<&'a str>,
    json: bool,
    sync: bool,
}

pub async fn deploy(config: &Config, global: &Global, args: &DeployArgs) -> Result<String, Exit> {
    let ask = Ask {
        env: &args.env,
        service: args.service.as_deref(),
        tag: args.tag.as_deref(),
        rollback: false,
        override_lock: args.override_lock.as_deref(),
        json: args.json,
        sync: args.sync,
    };
    run(config, global, ask).await
}

pub async fn rollback(config: &Config, global: &Global, args: &RollbackArgs) -> Result<String, Exit> {
    let ask = Ask {
        env: &args.env,
        service: args.service.as_deref(),
        tag: None,
        rollback: true,
        override_lock: args.override_lock.as_deref(),
        json: args.json,
        sync: args.sync,
    };
    run(config, global, ask).await
}

async fn run(config: &Config, global: &Global, ask: Ask<'_>) -> Result<String, Exit> {
    if ask.sync {
        super::sync::require(config)?;
    }
    // A teammate's lock, recorded on another laptop, holds here too.
    let act = if ask.rollback { "rollback" } else { "deploy" };
    super::sync::catch_up(config, global, act).await?;
    let mut model = session::model::build_model(config, global, Utc::now());
    // Before the fleet is asked or anything is recorded: without its
    // secret the hook could only fail.
    if let Some(why) = model.deploy.unready.get(ask.env) {
        return Err(Exit::new(2, format!("{why}; nothing done")));
    }
    // A rollback goes to the last known good, folded from earlier pushes.
    session::history::load(&mut model, config, global);
    let store = journal_for(config, global, &model)?;
    super::fold_journal(&store, &mut model)?;
    // One look at the fleet and the repositories first: the targets, what
    // runs now, the previous push tags. What it sees is the cockpits' to save.
    let mut driver = Driver::new(config)?;
    driver.run(&mut model, Msg::Tick(Utc::now())).await;
    let mut plan = crate::domain::deploy::propose::plan(&model, ask.env, ask.service, ask.rollback, ask.tag)
        .map_err(|r| refusal(&r))?;
    // What `all` leaves out is said, as the cockpit's dialog says it.
    for (service, why) in &plan.skipped {
        super::warn(&format!("{} · {service}: left out: {why}", ask.env));
    }
    if let Some(lock) = model.deploy.lock(ask.env) {
        match ask.override_lock {
            Some(typed) if typed == ask.env => plan.overrides_lock = true,
            Some(typed) => {
                return Err(Exit::new(
                    2,
                    format!("--override-lock {typed}: repeat the environment's name, {}", ask.env),
                ));
            }
            None => {
                let why = format!(
                    "{} is locked by {}: {} (pass --override-lock {} to deploy anyway; it is recorded); nothing done",
                    ask.env, lock.by, lock.reason, ask.env
                );
                return Err(Exit::new(3, why));
            }
        }
    }
    let mut driver = driver.journaled(store, &mut model)?;
    let effects = crate::domain::deploy::update::begin(&mut model, plan);
    driver.settle(&mut model, effects).await;
    let out = report(&model, ask.json)?;
    let saved = driver.saved(&model);
    if ask.sync {
        super::emit(&out);
        super::sync::share_now(config, global).await?;
        saved?;
        return finish(&model, String::new());
    }
    saved?;
    finish(&model, out)
}

/// Exit 4 when a deploy failed, after what was done is printed.
fn finish(model: &Model, out: String) -> Result<String, Exit> {
    let Some(run) = &model.deploy.run else { return Ok(out) };
    if run.ok() {
        return Ok(out);
    }
    super::emit(&out);
    let left: Vec<&str> = run.plan.steps.iter().skip(run.results.len()).map(|s| s.service.as_str()).collect();
    let mut why = match run.results.iter().find(|(_, _, r)| !r.ok) {
        Some((service, tag, r)) => format!("deploy of {tag} to {} · {service} failed: {}", run.plan.env, r.detail),
        None => "the deploy did not finish".to_string(),
    };
    if !left.is_empty() {
        let _ = write!(why, "; not started: {}", left.join(", "));
    }
    Err(Exit::new(4, why))
}

fn refusal(r: &Refusal) -> Exit {
    let code = if r.is_rule() { 3 } else { 2 };
    Exit::new(code, format!("{r}; nothing done"))
}

/// The hook's output and each result: text for people, JSON per result.
fn report(model: &Model, json: bool) -> Result<String, Exit> {
    let Some(run) = &model.deploy.run else { return Ok(String::new()) };
    let mut out = String::new();
    for (i, (service, tag, result)) in run.results.iter().enumerate() {
        let from = run.plan.steps.get(i).and_then(|s| s.from.as_deref());
        if json {
            let r = DeployReport {
                env: &run.plan.env,
                service,
                tag,
                from,
                rollback: run.plan.rollback,
                overrides_lock: run.plan.overrides_lock,
                ok: result.ok,
                detail: &result.detail,
            };
            out.push_str(&super::json::line(&r)?);
        }
    }
    if json {
        return Ok(out);
    }
    for l in &run.output {
        let _ = writeln!(out, "{}", l.text);
    }
    if run.plan.rollback
        && let Some(lock) = model.deploy.lock(&run.plan.env)
    {
        let _ = writeln!(out, "{} is now locked: {}", run.plan.env, lock.reason);
    }
    Ok(out)
}
