//! The deploy handlers: `d`, `R` and `L` asking which environment, the
//! dialogs that say what will happen, the run's steps one after another
//! (each recorded, its hook run, its answer recorded, the service polled at
//! once), the lock a rollback leaves, and locking and unlocking.
//!
//! A step's `deploy_started` id names the hook's answers, so starting one
//! records through the model here rather than through an `Outcome`.

use super::msg::{DeployEffect, DeployMsg};
use super::plan::{DeployAct, Plan};
use super::run::{Current, LineKind, Run};
use crate::domain::journal::EventKind;
use crate::domain::model::Model;
use crate::domain::msg::Effect;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::rollout::msg::{PollTarget, RolloutEffect};
use crate::domain::view::confirm::Confirm;
use crate::domain::view::overlay::Overlay;
use crate::domain::view::pane::Pane;
use crate::domain::view::prompt::{Prompt, PromptFor};

/// Lines page up and page down move the output.
const PAGE: usize = 10;

fn refused(text: impl Into<String>) -> Outcome {
    Act::Flash { text: text.into(), error: true }.into()
}

/// `d`, `R` or `L`: which environment? A deploy or rollback works on the
/// Rollout pane's selected service (or all); a run going on is shown
/// instead of starting another.
pub fn ask(model: &mut Model, act: DeployAct) -> Vec<Effect> {
    if act != DeployAct::Lock {
        if model.deploy.run.as_ref().is_some_and(Run::running) {
            open_output(model);
            return Vec::new();
        }
        if model.view.focus != Pane::Rollout {
            let what = if act == DeployAct::Deploy { "deploy" } else { "rollback" };
            return model.carry_out(refused(format!("{what} works in the Rollout pane: focus it first")));
        }
        if model.deploy.specs.is_empty() {
            return model.carry_out(refused("no [deploy.ENV] in the config: shipdeck does not know how to deploy"));
        }
    }
    let selected = model.view.selected.min(model.rollout.services.len().saturating_sub(1));
    let service = model.rollout.services.get(selected).map(|s| s.name.clone());
    let purpose = PromptFor::DeployEnv { act, service };
    model.carry_out(Act::Prompt(Prompt { purpose, input: Default::default() }).into())
}

/// The environment typed: its name or its number, `all` after it for every
/// service. Locking then asks why (or to unlock a locked one); a deploy
/// shows its plan, asking for a word where one is needed.
pub fn submit_env(model: &mut Model, act: DeployAct, service: Option<String>, typed: &str) -> Vec<Effect> {
    let mut words = typed.split_whitespace();
    let first = words.next().unwrap_or("");
    let all = words.next().is_some_and(|w| w.eq_ignore_ascii_case("all"));
    let envs = &model.rollout.envs;
    let env = match first.parse::<usize>() {
        Ok(n) if (1..=envs.len()).contains(&n) => envs[n - 1].clone(),
        _ => match envs.iter().find(|e| e.eq_ignore_ascii_case(first)) {
            Some(e) => e.clone(),
            None => return model.carry_out(refused(format!("type an environment: {}, or esc", envs.join(", ")))),
        },
    };
    if act == DeployAct::Lock {
        let next = match model.deploy.lock(&env) {
            Some(lock) => Act::Confirm(Confirm::Unlock { env, at: lock.at }),
            None => Act::Prompt(Prompt { purpose: PromptFor::LockReason { env }, input: Default::default() }),
        };
        return model.carry_out(Outcome { acts: vec![Act::ClosePrompt, next] });
    }
    let service = if all { None } else { service };
    match super::propose::plan(model, &env, service.as_deref(), act == DeployAct::Rollback, None) {
        Ok(plan) => {
            let out = Outcome { acts: vec![Act::ClosePrompt, dialog(model, plan)] };
            model.carry_out(out)
        }
        Err(why) => {
            model.carry_out(Outcome { acts: vec![Act::ClosePrompt, Act::Flash { text: why.to_string(), error: true }] })
        }
    }
}

/// Enter confirms a plan, unless the environment is locked (`override ENV`
/// is typed) or is the last one (its name is typed).
fn dialog(model: &Model, plan: Plan) -> Act {
    let locked = model.deploy.lock(&plan.env).is_some();
    let word = if locked {
        Some(format!("override {}", plan.env))
    } else if model.rollout.envs.last() == Some(&plan.env) {
        Some(plan.env.clone())
    } else {
        None
    };
    match word {
        Some(word) => {
            let purpose = PromptFor::DeployTyped { plan: Box::new(plan), word };
            Act::Prompt(Prompt { purpose, input: Default::default() })
        }
        None => Act::Confirm(Confirm::Deploy { plan: Box::new(plan) }),
    }
}

/// The word typed for a deploy that needs one.
pub fn submit_typed(model: &mut Model, plan: Plan, word: &str, typed: &str) -> Vec<Effect> {
    if typed.trim() != word {
        return model.carry_out(refused(format!("type `{word}` to go ahead, or esc")));
    }
    model.view.close_prompt();
    confirmed(model, plan, word.starts_with("override "))
}

/// A dialog confirmed: a lock made meanwhile asks for the override first.
pub fn confirm(model: &mut Model, dialog: Confirm) -> Vec<Effect> {
    match dialog {
        Confirm::Deploy { plan } => confirmed(model, *plan, false),
        Confirm::Unlock { env, at } => {
            if model.deploy.lock(&env).is_none_or(|l| l.at != at) {
                return model.carry_out(refused(format!("the lock on {env} changed meanwhile: look again")));
            }
            let now = model.now;
            model.carry_out(Outcome {
                acts: vec![Act::Record { kind: EventKind::Unlocked { env }, at: now, observed: false }],
            })
        }
        _ => Vec::new(),
    }
}

fn confirmed(model: &mut Model, mut plan: Plan, overrides: bool) -> Vec<Effect> {
    let lock = model.deploy.lock(&plan.env).cloned();
    if lock.is_some() && !overrides {
        plan.lock = lock;
        let text = format!("{} was locked meanwhile: type `override {}` to deploy anyway", plan.env, plan.env);
        let act = dialog(model, plan);
        return model.carry_out(Outcome { acts: vec![act, Act::Flash { text, error: true }] });
    }
    plan.overrides_lock = lock.is_some();
    begin(model, plan)
}

/// Starts a run: its first step now, the others as each one ends well. The
/// output opens on top.
pub fn begin(model: &mut Model, plan: Plan) -> Vec<Effect> {
    model.deploy.run = Some(Run::new(plan, model.now));
    open_output(model);
    next_step(model)
}

/// Shows the run's output, following its newest line.
pub fn open_output(model: &mut Model) {
    model.view.overlay_flash = None;
    model.view.overlay = Some(Overlay::Deploy { back: 0 });
}

/// Records the next step and asks for its hook; after the last one (or a
/// failure) the run ends, and a rollback locks the environment.
fn next_step(model: &mut Model) -> Vec<Effect> {
    let now = model.now;
    let Some(run) = model.deploy.run.as_mut() else { return Vec::new() };
    let failed = run.results.iter().any(|(_, _, r)| !r.ok);
    let Some(step) = run.plan.steps.get(run.next).cloned().filter(|_| !failed) else {
        return end(model);
    };
    run.next += 1;
    let (env, rollback, overrides_lock) = (run.plan.env.clone(), run.plan.rollback, run.plan.overrides_lock);
    let Some(spec) = model.deploy.spec(&env).cloned() else {
        return end(model);
    };
    let kind = EventKind::DeployStarted {
        env: env.clone(),
        service: step.service.clone(),
        tag: step.tag.clone(),
        rollback,
        overrides_lock,
    };
    let append = model.record(kind, now, false);
    let Effect::Append(event) = &append else { unreachable!("record makes an append") };
    let deploy = event.id.clone();
    let run = model.deploy.run.as_mut().expect("a run");
    run.say(
        now,
        LineKind::Said,
        format!(
            "▶ {} {} → {} on {env} via {}",
            step.service,
            step.from.as_deref().unwrap_or("?"),
            step.tag,
            run.plan.hook
        ),
    );
    run.current =
        Some(Current { deploy: deploy.clone(), service: step.service.clone(), tag: step.tag.clone(), since: now });
    vec![append, Effect::Deploy(DeployEffect::Run { deploy, service: step.service, tag: step.tag, spec })]
}

/// The run is over: what did not run is said, and a rollback locks.
fn end(model: &mut Model) -> Vec<Effect> {
    let now = model.now;
    let Some(run) = model.deploy.run.as_mut() else { return Vec::new() };
    run.ended = Some(now);
    run.current = None;
    let left: Vec<String> = run.plan.steps.iter().skip(run.results.len()).map(|s| s.service.clone()).collect();
    if !left.is_empty() {
        run.say(now, LineKind::Failed, format!("stopped at the first failure; not deployed: {}", left.join(", ")));
    }
    let ok = run.ok();
    let summary = if ok { "done".to_string() } else { "failed".to_string() };
    run.say(now, if ok { LineKind::Said } else { LineKind::Failed }, summary);
    let mut out = Outcome::default();
    if run.plan.rollback {
        let (env, reason) = (run.plan.env.clone(), run.plan.rollback_reason());
        out.record(EventKind::Locked { env, reason }, now, false);
    }
    model.carry_out(out)
}

/// The hook's output and its answer.
pub fn on_msg(model: &mut Model, msg: DeployMsg) -> Vec<Effect> {
    let Some(run) = model.deploy.run.as_mut() else { return Vec::new() };
    let current = run.current.as_ref().map(|c| c.deploy.clone());
    match msg {
        DeployMsg::Output { deploy, line, at } if current.as_ref() == Some(&deploy) => {
            run.say(at, LineKind::Output, line);
            Vec::new()
        }
        DeployMsg::Finished { deploy, result, at } if current.as_ref() == Some(&deploy) => {
            let c = run.current.take().expect("current");
            let env = run.plan.env.clone();
            let kind = if result.ok { LineKind::Said } else { LineKind::Failed };
            let glyph = if result.ok { "✔" } else { "✖" };
            run.say(at, kind, format!("{glyph} {} {}: {}", c.service, c.tag, result.detail));
            run.results.push((c.service.clone(), c.tag.clone(), result.clone()));
            let finished = EventKind::DeployFinished {
                deploy,
                env: env.clone(),
                service: c.service.clone(),
                tag: c.tag,
                ok: result.ok,
                detail: result.detail,
            };
            let mut effects =
                model.carry_out(Outcome { acts: vec![Act::Record { kind: finished, at, observed: false }] });
            effects.extend(poll_now(model, &c.service, &env));
            effects.extend(next_step(model));
            effects
        }
        // An answer to a deploy this run is no longer waiting for.
        DeployMsg::Output { .. } | DeployMsg::Finished { .. } => Vec::new(),
    }
}

/// Asks the service's endpoint on `env` at once, so the flip is seen.
fn poll_now(model: &mut Model, service: &str, env: &str) -> Vec<Effect> {
    let ro = &model.rollout;
    let (Some(si), Some(ei)) =
        (ro.services.iter().position(|s| s.name == service), ro.envs.iter().position(|e| e == env))
    else {
        return Vec::new();
    };
    model.generation += 1;
    let generation = model.generation;
    let Some(cell) = model.rollout.cell_mut(si, ei) else { return Vec::new() };
    cell.in_flight = Some(generation);
    let targets = vec![PollTarget { service: si, env: ei, endpoint: cell.endpoint.clone() }];
    vec![Effect::Rollout(RolloutEffect::Poll { generation, targets })]
}

/// A lock's reason typed.
pub fn submit_lock(model: &mut Model, env: String, reason: &str) -> Vec<Effect> {
    let reason = reason.trim();
    if reason.is_empty() {
        return model.carry_out(refused("a lock needs a reason (\"waiting for the migration\"), or esc"));
    }
    let kind = EventKind::Locked { env, reason: reason.to_string() };
    let now = model.now;
    model.carry_out(Outcome { acts: vec![Act::ClosePrompt, Act::Record { kind, at: now, observed: false }] })
}

/// Keys over the output: the moves scroll it, esc and `q` close it (the
/// run goes on; the header says so).
pub fn on_output(model: &mut Model, action: crate::action::Action) {
    use crate::action::Action;
    let len = model.deploy.run.as_ref().map_or(0, |r| r.output.len());
    let Some(Overlay::Deploy { back }) = model.view.overlay.as_mut() else { return };
    let max = len.saturating_sub(1);
    *back = match action {
        Action::Quit | Action::Cancel => {
            model.view.overlay = None;
            return;
        }
        Action::SelectPrev => (*back + 1).min(max),
        Action::SelectNext => back.saturating_sub(1),
        Action::PageUp => (*back + PAGE).min(max),
        Action::PageDown => back.saturating_sub(PAGE),
        Action::SelectFirst => max,
        Action::SelectLast => 0,
        _ => *back,
    };
}
