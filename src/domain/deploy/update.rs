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
        format!("▶ {} {} → {} on {env}", step.service, step.from.as_deref().unwrap_or("?"), step.tag),
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
    // The same rule as `shipdeck lock`: the Rollout line shows it as one.
    let reason = crate::domain::kernel::input::one_line(reason);
    if reason.is_empty() {
        return model.carry_out(refused("a lock needs a reason (\"waiting for the migration\"), or esc"));
    }
    let kind = EventKind::Locked { env, reason };
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

#[cfg(test)]
mod tests {
    use super::super::msg::HookResult;
    use super::super::{DeploySpec, Hook};
    use super::*;
    use crate::action::Action;
    use crate::domain::history::{Basis, KnownGood};
    use crate::domain::journal::Event;
    use crate::domain::kernel::actor::Role;
    use crate::domain::kernel::input::Edit;
    use crate::domain::{Msg, update};
    use crate::testkit;

    fn model() -> Model {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["web", "api"], t);
        m.deploy.specs = ["stage", "prod"]
            .map(|env| DeploySpec {
                env: env.into(),
                hook: Hook::Command { argv: vec!["./deploy.sh".into(), "{service}".into(), "{tag}".into()] },
                order: vec!["api".into(), "web".into()],
                roles: Vec::new(),
                timeout: DeploySpec::COMMAND_TIMEOUT,
            })
            .to_vec();
        m
    }

    fn type_and_submit(m: &mut Model, text: &str) -> Vec<Effect> {
        for c in text.chars() {
            update(m, Msg::Edit(Edit::Char(c)));
        }
        update(m, Msg::Edit(Edit::Submit))
    }

    fn appended(effects: &[Effect]) -> Vec<&Event> {
        effects.iter().filter_map(|e| if let Effect::Append(ev) = e { Some(ev) } else { None }).collect()
    }

    /// The hook asked for: (deploy id, service, tag).
    fn runs(effects: &[Effect]) -> Vec<(String, String, String)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Deploy(DeployEffect::Run { deploy, service, tag, .. }) => {
                    Some((deploy.clone(), service.clone(), tag.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn finish(m: &mut Model, deploy: &str, ok: bool, detail: &str) -> Vec<Effect> {
        let result = HookResult { ok, detail: detail.into() };
        let at = m.now;
        update(m, Msg::Deploy(DeployMsg::Finished { deploy: deploy.into(), result, at }))
    }

    fn flash(m: &Model) -> String {
        let f = m.view.overlay_flash().or(m.view.flash.as_ref());
        f.map(|f| f.text.clone()).unwrap_or_default()
    }

    #[test]
    fn prod_deploys_only_once_its_name_is_typed_and_the_flip_is_polled_at_once() {
        let mut m = model();
        update(&mut m, Msg::Action(Action::Deploy));
        assert!(matches!(m.view.prompt().unwrap().purpose, PromptFor::DeployEnv { act: DeployAct::Deploy, .. }));
        type_and_submit(&mut m, "2");
        let Some(Prompt { purpose: PromptFor::DeployTyped { word, .. }, .. }) = m.view.prompt() else { panic!() };
        assert_eq!(word, "prod");
        assert!(runs(&type_and_submit(&mut m, "yes")).is_empty(), "not the word");
        assert!(flash(&m).contains("type `prod`"), "{}", flash(&m));
        for _ in 0..3 {
            update(&mut m, Msg::Edit(Edit::Backspace));
        }
        let effects = type_and_submit(&mut m, "prod");
        let [(id, service, tag)] = &runs(&effects)[..] else { panic!("{effects:?}") };
        assert_eq!((service.as_str(), tag.as_str()), ("web", m.target()));
        let started = appended(&effects);
        assert_eq!(&started[0].id, id, "the deploy is named by its event");
        assert!(matches!(started[0].kind, EventKind::DeployStarted { rollback: false, overrides_lock: false, .. }));
        assert!(matches!(m.view.overlay, Some(Overlay::Deploy { .. })), "the output opens");
        let at = m.now;
        update(&mut m, Msg::Deploy(DeployMsg::Output { deploy: id.clone(), line: "rolling web".into(), at }));
        let effects = finish(&mut m, id, true, "exit 0");
        let done = appended(&effects);
        assert!(matches!(&done[0].kind, EventKind::DeployFinished { ok: true, deploy, .. } if deploy == id));
        let polled = effects.iter().any(|e| {
            matches!(e, Effect::Rollout(RolloutEffect::Poll { targets, .. }) if targets.len() == 1 && targets[0].env == 1)
        });
        assert!(polled, "{effects:?}");
        let run = m.deploy.run.as_ref().unwrap();
        assert!(!run.running() && run.ok());
        assert!(run.output.iter().any(|l| l.text == "rolling web"));
        assert_eq!(m.deploy.last("web", "prod").unwrap().1.detail, "exit 0");
    }

    #[test]
    fn all_goes_in_the_configured_order_and_stops_at_the_first_failure() {
        let mut m = model();
        update(&mut m, Msg::Action(Action::Deploy));
        type_and_submit(&mut m, "stage all");
        let Some(Confirm::Deploy { plan }) = m.view.confirm() else { panic!("{:?}", m.view.overlay) };
        let order: Vec<&str> = plan.steps.iter().map(|s| s.service.as_str()).collect();
        assert_eq!(order, ["api", "web"]);
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [(id, service, _)] = &runs(&effects)[..] else { panic!() };
        assert_eq!(service, "api");
        // Quitting now would stop the hook: asked first, naming it.
        update(&mut m, Msg::Action(Action::Cancel));
        update(&mut m, Msg::Action(Action::Quit));
        let Some(Confirm::Quit { in_flight }) = m.view.confirm() else { panic!("{:?}", m.view.overlay) };
        assert_eq!(in_flight[0], format!("deploying api to {} on stage (1 of 2)", m.target()));
        update(&mut m, Msg::Action(Action::Cancel));
        assert!(!m.view.should_quit);
        let effects = finish(&mut m, id, false, "exit 3");
        assert!(runs(&effects).is_empty(), "web is not started after api failed");
        let run = m.deploy.run.as_ref().unwrap();
        assert!(!run.running() && !run.ok());
        assert!(run.output.iter().any(|l| l.text.contains("not deployed: web")));
    }

    #[test]
    fn a_lock_asks_for_the_override_which_is_recorded() {
        let mut m = model();
        let t = m.now;
        m.apply_event(&testkit::event(
            "bob.1",
            t,
            "bob",
            Role::Ops,
            EventKind::Locked { env: "stage".into(), reason: "waiting for the migration".into() },
        ));
        update(&mut m, Msg::Action(Action::Deploy));
        type_and_submit(&mut m, "stage");
        let Some(Prompt { purpose: PromptFor::DeployTyped { word, plan }, .. }) = m.view.prompt() else { panic!() };
        assert_eq!(word, "override stage");
        assert_eq!(plan.lock.as_ref().unwrap().reason, "waiting for the migration");
        let effects = type_and_submit(&mut m, "override stage");
        assert!(matches!(appended(&effects)[0].kind, EventKind::DeployStarted { overrides_lock: true, .. }));
        // Rollbacks are locked out the same way.
        let mut m = model();
        m.apply_event(&testkit::event(
            "bob.1",
            t,
            "bob",
            Role::Ops,
            EventKind::Locked { env: "prod".into(), reason: "r".into() },
        ));
        m.history
            .known
            .insert(("web".into(), "prod".into()), KnownGood { version: "v1".into(), basis: Basis::PreviousTag });
        update(&mut m, Msg::Action(Action::Rollback));
        type_and_submit(&mut m, "prod");
        assert!(runs(&type_and_submit(&mut m, "prod")).is_empty(), "the name alone does not override");
    }

    #[test]
    fn refusals_name_why() {
        let mut m = model();
        m.deploy.specs[1].roles = vec![Role::Ops];
        update(&mut m, Msg::Action(Action::Deploy));
        type_and_submit(&mut m, "prod");
        assert_eq!(flash(&m), "deploys to prod are for ops; you act as rm");
        m.deploy.specs.truncate(1);
        update(&mut m, Msg::Action(Action::Deploy));
        type_and_submit(&mut m, "prod");
        assert!(flash(&m).starts_with("no [deploy.prod] in the config"), "{}", flash(&m));
        update(&mut m, Msg::Action(Action::Rollback));
        type_and_submit(&mut m, "stage");
        assert!(flash(&m).starts_with("nothing to roll back on stage: no known good version"), "{}", flash(&m));
        m.view.focus = crate::domain::view::pane::Pane::Log;
        update(&mut m, Msg::Action(Action::Deploy));
        assert_eq!(flash(&m), "deploy works in the Rollout pane: focus it first");
    }

    #[test]
    fn a_hook_missing_its_secret_is_refused_before_anything_is_recorded() {
        let mut m = model();
        let why = "deploy.prod: the webhook's token is read from $CI_TOKEN, which is not set here";
        m.deploy.unready.insert("prod".into(), why.into());
        for act in [Action::Deploy, Action::Rollback] {
            update(&mut m, Msg::Action(act));
            let effects = type_and_submit(&mut m, "prod");
            assert_eq!(flash(&m), why, "{act:?}");
            assert!(appended(&effects).is_empty() && runs(&effects).is_empty(), "{act:?}: {effects:?}");
            assert!(m.deploy.run.is_none() && m.view.overlay.is_none(), "{act:?}");
        }
        update(&mut m, Msg::Action(Action::Deploy));
        type_and_submit(&mut m, "stage");
        assert!(matches!(m.view.confirm(), Some(Confirm::Deploy { .. })), "stage's hook needs no secret");
    }

    #[test]
    fn a_rollback_deploys_the_known_good_then_locks() {
        let mut m = model();
        let good = KnownGood { version: "2026.11.19".into(), basis: Basis::PreviousTag };
        m.history.known.insert(("web".into(), "stage".into()), good);
        update(&mut m, Msg::Action(Action::Rollback));
        type_and_submit(&mut m, "stage");
        let Some(Confirm::Deploy { plan }) = m.view.confirm() else { panic!() };
        assert_eq!(plan.steps[0].why.as_deref(), Some("2026.11.19 (previous push tag; no history)"));
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [(id, _, tag)] = &runs(&effects)[..] else { panic!() };
        assert_eq!(tag, "2026.11.19");
        assert!(matches!(appended(&effects)[0].kind, EventKind::DeployStarted { rollback: true, .. }));
        assert!(m.deploy.lock("stage").is_none(), "locked once the hook answered");
        let effects = finish(&mut m, id, true, "exit 0");
        let kinds: Vec<&EventKind> = appended(&effects).into_iter().map(|e| &e.kind).collect();
        assert!(matches!(kinds[..], [EventKind::DeployFinished { .. }, EventKind::Locked { .. }]), "{kinds:?}");
        let lock = m.deploy.lock("stage").unwrap();
        assert_eq!(lock.reason, "rolled back from an unknown version; fix before deploying again");
    }

    #[test]
    fn l_locks_with_a_reason_and_again_unlocks() {
        let mut m = model();
        update(&mut m, Msg::Action(Action::Lock));
        type_and_submit(&mut m, "prod");
        assert!(type_and_submit(&mut m, " ").is_empty(), "a reason is needed");
        // A pasted reason with line breaks and runs of spaces is one line.
        update(&mut m, Msg::Paste("\r\n\t ".into()));
        assert!(update(&mut m, Msg::Edit(Edit::Submit)).is_empty(), "nothing but breaks is no reason");
        update(&mut m, Msg::Paste("waiting\r\n  for the".into()));
        let effects = type_and_submit(&mut m, "\u{7}  migration ");
        assert!(
            matches!(&appended(&effects)[0].kind, EventKind::Locked { env, reason } if env == "prod" && reason == "waiting for the migration")
        );
        assert!(m.view.overlay.is_none());
        update(&mut m, Msg::Action(Action::Lock));
        type_and_submit(&mut m, "prod");
        assert!(matches!(m.view.confirm(), Some(Confirm::Unlock { .. })));
        let effects = update(&mut m, Msg::Action(Action::Activate));
        assert!(matches!(&appended(&effects)[0].kind, EventKind::Unlocked { env } if env == "prod"));
        assert!(m.deploy.lock("prod").is_none());
    }
}
