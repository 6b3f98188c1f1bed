//! Working a plan out from the model: the services, their tags (the target,
//! or the last known good for a rollback), what they run now, and the
//! refusals (no hook, a role, a secret missing here, a run already going).

use super::plan::{Plan, Refusal, Step};
use crate::domain::model::Model;

/// What deploying (or rolling back) `service`, or every service in the
/// environment's order, on `env` would do. `tag` replaces the target.
pub fn plan(
    model: &Model,
    env: &str,
    service: Option<&str>,
    rollback: bool,
    tag: Option<&str>,
) -> Result<Plan, Refusal> {
    let ro = &model.rollout;
    let Some(env_i) = ro.envs.iter().position(|e| e == env) else {
        return Err(Refusal::UnknownEnv { env: env.to_string(), known: ro.envs.join(", ") });
    };
    let spec = model.deploy.spec(env).ok_or_else(|| Refusal::NoHook { env: env.to_string() })?;
    if !spec.allows(model.actor.role) {
        let allowed: Vec<&str> = spec.roles.iter().map(|r| r.as_str()).collect();
        return Err(Refusal::Role {
            env: env.to_string(),
            allowed: allowed.join(", "),
            role: model.actor.role.as_str().to_string(),
        });
    }
    if let Some(why) = model.deploy.unready.get(env) {
        return Err(Refusal::Unready { why: why.clone() });
    }
    if let Some(run) = model.deploy.run.as_ref().filter(|r| r.running()) {
        return Err(Refusal::Running { what: run.summary() });
    }
    let names: Vec<&str> = match service {
        Some(s) => vec![s],
        None => spec.order.iter().map(String::as_str).collect(),
    };
    let mut steps = Vec::new();
    let mut skipped = Vec::new();
    for name in names {
        let row = ro.services.iter().find(|r| r.name == name);
        let Some((row, Some(cell))) = row.map(|r| (r, r.cells.get(env_i).and_then(Option::as_ref))) else {
            if service.is_some() {
                return Err(Refusal::UnknownService { service: name.to_string(), env: env.to_string() });
            }
            continue;
        };
        let from = cell.version().or(cell.last_ok.as_ref().map(|(v, _)| v)).and_then(|v| v.key().map(str::to_string));
        if rollback {
            match crate::domain::history::lookup::rollback_to(model, name, env, from.as_deref()) {
                Ok(k) => {
                    steps.push(Step { service: name.to_string(), tag: k.version.clone(), from, why: Some(k.label()) })
                }
                Err(why) => skipped.push((name.to_string(), why)),
            }
        } else {
            let tag = tag.map_or_else(|| row.target.tag.clone(), str::to_string);
            steps.push(Step { service: name.to_string(), tag, from, why: None });
        }
    }
    if steps.is_empty() {
        let why = match (rollback, skipped.first()) {
            (true, Some((_, why))) => why.clone(),
            _ => format!("no service runs on {env}"),
        };
        let what = if rollback { "roll back" } else { "deploy" };
        return Err(Refusal::Nothing { what, env: env.to_string(), why });
    }
    Ok(Plan {
        env: env.to_string(),
        rollback,
        steps,
        skipped,
        hook: spec.hook.describe(),
        lock: model.deploy.lock(env).cloned(),
        overrides_lock: false,
    })
}
