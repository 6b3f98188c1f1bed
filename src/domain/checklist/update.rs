//! What the checklist keys do: tick and untick (with a confirmation for
//! another role's item and for taking back a sign-off), waive with a typed
//! reason, and mark the push started / finished (typing `finish` when
//! something is still open) / reopened. Every change is an event.
//! Narrow: each reads the model and answers with an [`Outcome`] (events to
//! record, a dialog, a prompt, a footer message); none writes anything.

use super::eval::{TickAsk, TickRefused, evaluate, plan_tick};
use super::open::open;
use crate::domain::journal::EventKind;
use crate::domain::kernel::actor::Role;
use crate::domain::kernel::duration::human;
use crate::domain::kernel::input::LineInput;
use crate::domain::model::Model;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::view::confirm::Confirm;
use crate::domain::view::prompt::{FINISH_WORD, Prompt, PromptFor};
use chrono::{DateTime, Utc};

fn selected_id(model: &Model) -> Option<String> {
    evaluate(model).nth(model.view.check_selected).map(|i| i.spec.id.clone())
}

fn record(model: &Model, kind: EventKind) -> Outcome {
    let mut out: Outcome = Act::Record { kind, at: model.now, observed: false }.into();
    unverified_notice(model, &mut out);
    out
}

/// Said each time: the pane then shows the act apart, and the person should
/// know why their tick did not tick.
fn unverified_notice(model: &Model, out: &mut Outcome) {
    if let Some(why) = model.checklist.team().and_then(|t| t.refusal(&model.actor.name, model.actor.role)) {
        out.flash(format!("recorded as unverified, it does not count: {why}"), true);
    }
}

fn refused(text: impl Into<String>) -> Outcome {
    Act::Flash { text: text.into(), error: true }.into()
}

/// Space / enter on an item.
pub fn toggle(model: &Model) -> Outcome {
    let Some(id) = selected_id(model) else { return Outcome::default() };
    let view = evaluate(model);
    let marked = view.find(&id).and_then(|i| i.mark()).map(|m| m.at);
    if let Some(at) = marked {
        // Taking back someone's sign-off is deliberate, never a stray key.
        return Act::Confirm(Confirm::Untick { item: id, at }).into();
    }
    match plan_tick(&view, model, &id, model.actor.role, TickAsk::Tick { note: None }, false) {
        Ok(kind) => record(model, kind),
        Err(TickRefused::OtherRole { .. }) => Act::Confirm(Confirm::TickForOtherRole { item: id }).into(),
        Err(e) => refused(e.to_string()),
    }
}

/// `w`: asks for the reason a check does not apply this time.
pub fn waive(model: &Model) -> Outcome {
    let Some(id) = selected_id(model) else { return Outcome::default() };
    let view = evaluate(model);
    let ask = TickAsk::Waive { reason: "?".into() };
    match plan_tick(&view, model, &id, model.actor.role, ask, true) {
        Ok(_) => {
            let overrides_role = view.find(&id).map(|i| i.spec.role).is_some_and(|r| r != model.actor.role);
            let purpose = PromptFor::Waive { item: id, overrides_role };
            Act::Prompt(Prompt { purpose, input: LineInput::default() }).into()
        }
        Err(e) => refused(e.to_string()),
    }
}

/// The waiver prompt answered with `reason`.
pub fn submit_waiver(model: &Model, item: &str, reason: String) -> Outcome {
    let view = evaluate(model);
    match plan_tick(&view, model, item, model.actor.role, TickAsk::Waive { reason }, true) {
        Ok(kind) => {
            let mut out =
                Outcome { acts: vec![Act::ClosePrompt, Act::Record { kind, at: model.now, observed: false }] };
            unverified_notice(model, &mut out);
            out
        }
        // The prompt stays open: nothing typed is lost.
        Err(TickRefused::NoReason) => refused("a waiver needs a reason: type one, or esc"),
        Err(e) => refused(format!("{e} (esc closes this)")),
    }
}

/// `s`: the push starts, or finishes, or, once finished, is reopened by
/// the release manager (never started again: the push is one push, timed
/// from its start).
pub fn mark_push(model: &Model) -> Outcome {
    let c = &model.checklist;
    match (&c.push_started, &c.push_finished) {
        (Some((started, _)), None) => finish(model, *started),
        (Some(_), Some((finished, _))) if model.actor.role == Role::Rm => {
            Act::Confirm(Confirm::ReopenPush { finished: *finished }).into()
        }
        (Some(_), Some(_)) => refused(format!(
            "the push is finished; reopening it is for the release manager (rm), you are {}",
            model.actor.role.as_str()
        )),
        (None, _) => Act::Confirm(Confirm::StartPush { finished: None }).into(),
    }
}

/// A plain dialog when nothing is open; with anything open, a prompt that
/// only the typed word answers.
fn finish(model: &Model, started: DateTime<Utc>) -> Outcome {
    if open(model).is_empty() {
        Act::Confirm(Confirm::FinishPush { started }).into()
    } else {
        let purpose = PromptFor::FinishPush { started };
        Act::Prompt(Prompt { purpose, input: LineInput::default() }).into()
    }
}

/// The finish prompt answered with `typed`: the push finishes over what is
/// open, and the event says what that was.
pub fn submit_finish(model: &Model, started: DateTime<Utc>, typed: &str) -> Outcome {
    if typed.trim() != FINISH_WORD {
        // The prompt stays open: the list is what the person should read.
        return refused(format!("type `{FINISH_WORD}` to finish with these open, or esc"));
    }
    let c = &model.checklist;
    if c.push_started.as_ref().map(|(t, _)| *t) != Some(started) || c.push_finished.is_some() {
        let mut out: Outcome = Act::ClosePrompt.into();
        out.flash(changed_meanwhile(), true);
        return out;
    }
    let kind = EventKind::PushFinished { open: open(model).lines() };
    let mut out = Outcome { acts: vec![Act::ClosePrompt] };
    out.acts.extend(finished(model, kind, started).acts);
    out
}

/// The finish recorded, and how long the push took when it counts.
fn finished(model: &Model, kind: EventKind, started: DateTime<Utc>) -> Outcome {
    let counts = model.checklist.team().is_none_or(|t| t.allows(&model.actor.name, model.actor.role));
    let mut out = record(model, kind);
    if counts {
        out.flash(format!("push finished: it took {}", human(model.now - started)), false);
    }
    out
}

fn changed_meanwhile() -> String {
    "the push changed meanwhile (someone else marked it); nothing recorded".to_string()
}

/// The checklist's confirmation dialogs, confirmed.
pub fn confirm(model: &Model, dialog: Confirm) -> Outcome {
    let role = model.actor.role;
    let started = model.checklist.push_started.as_ref().map(|(t, _)| *t);
    let finished_at = model.checklist.push_finished.as_ref().map(|(t, _)| *t);
    let view = evaluate(model);
    let planned: Result<EventKind, String> = match &dialog {
        Confirm::TickForOtherRole { item } => {
            plan_tick(&view, model, item, role, TickAsk::Tick { note: None }, true).map_err(|e| e.to_string())
        }
        Confirm::Untick { item, at } => match view.find(item).and_then(|i| i.mark()) {
            Some(m) if m.at != *at => {
                let what = if m.waived { "waived" } else { "ticked" };
                Err(format!("`{item}` changed meanwhile ({what} by {}); nothing taken back", m.by.name))
            }
            _ => plan_tick(&view, model, item, role, TickAsk::Undo, true).map_err(|e| e.to_string()),
        },
        Confirm::StartPush { finished: seen } if *seen != finished_at || started.is_some() => Err(changed_meanwhile()),
        Confirm::StartPush { .. } => Ok(EventKind::PushStarted),
        Confirm::FinishPush { started: seen } if Some(*seen) != started || finished_at.is_some() => {
            Err(changed_meanwhile())
        }
        Confirm::FinishPush { started: seen } => {
            if !open(model).is_empty() {
                // Something opened while the dialog was up: the typed word decides.
                let mut out = finish(model, *seen);
                out.flash(format!("something is open now: type `{FINISH_WORD}` to finish anyway"), true);
                return out;
            }
            return finished(model, EventKind::PushFinished { open: Vec::new() }, *seen);
        }
        Confirm::ReopenPush { finished: seen } if Some(*seen) != finished_at => Err(changed_meanwhile()),
        Confirm::ReopenPush { .. } if role != Role::Rm => {
            Err(format!("reopening the push is for the release manager (rm), you are {}", role.as_str()))
        }
        Confirm::ReopenPush { .. } => {
            let mut out = record(model, EventKind::PushReopened);
            out.flash("push reopened: it runs again, timed from its start", false);
            return out;
        }
        Confirm::CreateTags { .. }
        | Confirm::PushTags { .. }
        | Confirm::Retag(_)
        | Confirm::Quit { .. }
        | Confirm::Deploy { .. }
        | Confirm::Unlock { .. } => return Outcome::default(),
    };
    match planned {
        Ok(kind) => record(model, kind),
        // Someone else changed the item while the dialog was open.
        Err(e) => refused(e),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Verdict;
    use super::super::eval::ItemState;
    use super::*;
    use crate::action::Action;
    use crate::domain::Effect;
    use crate::domain::journal::Event;
    use crate::domain::kernel::actor::Role;
    use crate::domain::kernel::input::Edit;
    use crate::domain::view::pane::Pane;
    use crate::domain::{Msg, update};
    use crate::testkit;

    fn model(role: Role) -> Model {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["web", "api"], t);
        m.actor.role = role;
        m.view.focus = Pane::Checklist;
        m
    }

    fn select(m: &mut Model, id: &str) {
        let at = evaluate(m).items().position(|i| i.spec.id == id).unwrap();
        m.view.check_selected = at;
    }

    fn act(m: &mut Model, a: Action) -> Vec<Effect> {
        update(m, Msg::Action(a))
    }

    fn appended(effects: &[Effect]) -> Vec<&Event> {
        effects.iter().filter_map(|e| if let Effect::Append(ev) = e { Some(ev) } else { None }).collect()
    }

    fn state(m: &Model, id: &str) -> ItemState {
        evaluate(m).find(id).unwrap().state.clone()
    }

    #[test]
    fn ticking_your_own_item_records_who_role_and_when() {
        let mut m = model(Role::Qa);
        select(&mut m, "regression-tests");
        let fx = act(&mut m, Action::ToggleTick);
        let ev = appended(&fx);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].kind, EventKind::Tick { item: "regression-tests".into(), note: None, overrides_role: false });
        assert_eq!((ev[0].actor.role, ev[0].at), (Role::Qa, m.now));
        let ItemState::Ticked(mark) = state(&m, "regression-tests") else { panic!("ticked") };
        assert_eq!((mark.by.name.as_str(), mark.overrides_role), ("alice", false));
    }

    #[test]
    fn another_roles_item_asks_first_and_records_an_override() {
        let mut m = model(Role::Rm);
        select(&mut m, "regression-tests");
        assert!(appended(&act(&mut m, Action::ToggleTick)).is_empty(), "nothing recorded before confirming");
        assert_eq!(m.view.confirm(), Some(&Confirm::TickForOtherRole { item: "regression-tests".into() }));
        act(&mut m, Action::Cancel);
        assert_eq!((m.view.confirm(), state(&m, "regression-tests")), (None, ItemState::Open));

        act(&mut m, Action::ToggleTick);
        let fx = act(&mut m, Action::Activate);
        let ev = appended(&fx);
        assert_eq!(ev[0].kind, EventKind::Tick { item: "regression-tests".into(), note: None, overrides_role: true });
        let ItemState::Ticked(mark) = state(&m, "regression-tests") else { panic!("ticked") };
        assert!(mark.overrides_role);
    }

    #[test]
    fn unticking_is_confirmed_and_is_an_event() {
        let mut m = model(Role::Qa);
        select(&mut m, "results-sent");
        act(&mut m, Action::ToggleTick);
        act(&mut m, Action::ToggleTick);
        assert!(matches!(m.view.confirm(), Some(Confirm::Untick { item, .. }) if item == "results-sent"));
        let fx = act(&mut m, Action::Activate);
        assert_eq!(appended(&fx)[0].kind, EventKind::Untick { item: "results-sent".into(), overrides_role: false });
        assert_eq!(state(&m, "results-sent"), ItemState::Open);
        assert!(
            m.log.entries.iter().any(|l| l.text.contains("unticked 'Results sent'")),
            "the history stays in the log"
        );
    }

    #[test]
    fn a_dialog_does_not_act_on_what_changed_while_it_was_open() {
        let mut m = model(Role::Qa);
        select(&mut m, "results-sent");
        act(&mut m, Action::ToggleTick);
        act(&mut m, Action::ToggleTick);
        assert!(matches!(m.view.confirm(), Some(Confirm::Untick { .. })));
        // Meanwhile someone else takes the tick back and ticks again.
        let later = |n: i64, kind| Event {
            committer: None,
            v: 1,
            id: format!("other-{n}"),
            at: m.now + chrono::Duration::seconds(n),
            replica: String::new(),
            seq: 0,
            actor: crate::domain::journal::EventActor { name: "quinn".into(), role: Role::Qa },
            kind,
        };
        let untick = later(1, EventKind::Untick { item: "results-sent".into(), overrides_role: false });
        let tick = later(2, EventKind::Tick { item: "results-sent".into(), note: None, overrides_role: false });
        m.apply_events(&[untick, tick]);
        assert!(appended(&act(&mut m, Action::Activate)).is_empty(), "quinn's tick stays");
        assert!(m.view.flash.as_ref().unwrap().text.contains("changed meanwhile"));
        let ItemState::Ticked(mark) = state(&m, "results-sent") else { panic!("ticked") };
        assert_eq!(mark.by.name, "quinn");
    }

    #[test]
    fn auto_items_are_never_ticked_but_can_be_waived_with_a_reason() {
        let mut m = model(Role::Ops);
        select(&mut m, "prod-on-target");
        assert_eq!(state(&m, "prod-on-target"), ItemState::Auto(Verdict::Wait));
        assert!(appended(&act(&mut m, Action::ToggleTick)).is_empty());
        let flash = m.view.flash.clone().unwrap();
        assert!(flash.error && flash.text.contains("checked automatically (prod not polled yet)"), "{flash:?}");

        act(&mut m, Action::Waive);
        assert!(m.view.prompt().is_some());
        // An empty reason keeps the prompt open.
        assert!(appended(&update(&mut m, Msg::Edit(Edit::Submit))).is_empty());
        assert!(m.view.prompt().is_some());
        for c in "api retired".chars() {
            update(&mut m, Msg::Edit(Edit::Char(c)));
        }
        let fx = update(&mut m, Msg::Edit(Edit::Submit));
        assert_eq!(
            appended(&fx)[0].kind,
            EventKind::Waive { item: "prod-on-target".into(), reason: "api retired".into(), overrides_role: false }
        );
        assert!(m.view.prompt().is_none());
        let ItemState::Waived(mark) = state(&m, "prod-on-target") else { panic!("waived") };
        assert_eq!(mark.note.as_deref(), Some("api retired"));
        assert!(evaluate(&m).find("prod-on-target").unwrap().done());
    }

    #[test]
    fn keys_go_to_the_prompt_and_esc_leaves_it_unchanged() {
        let mut m = model(Role::Rm);
        select(&mut m, "features-agreed");
        act(&mut m, Action::Waive);
        update(&mut m, Msg::Edit(Edit::Char('q')));
        assert!(!m.view.should_quit, "q is a letter in the prompt");
        update(&mut m, Msg::Edit(Edit::Cancel));
        assert!(m.view.prompt().is_none());
        assert_eq!(state(&m, "features-agreed"), ItemState::Open);
    }

    #[test]
    fn a_tick_the_team_does_not_vouch_for_is_recorded_shown_and_not_counted() {
        use super::super::team::{Member, Team};
        let mut m = model(Role::Qa);
        m.checklist.set_team(Some(Team::new(vec![Member { name: "Alice".into(), roles: vec![Role::Rm] }])));
        select(&mut m, "regression-tests");
        let done = evaluate(&m).done();
        let fx = act(&mut m, Action::ToggleTick);
        assert_eq!(appended(&fx).len(), 1, "recorded: it is what alice did");
        let flash = m.view.flash.clone().unwrap();
        assert!(
            flash.error && flash.text.contains("unverified") && flash.text.contains("gives Alice rm, not qa"),
            "{flash:?}"
        );
        let view = evaluate(&m);
        let item = view.find("regression-tests").unwrap();
        assert_eq!((&item.state, item.done()), (&ItemState::Open, false));
        assert_eq!(item.unverified.map(|c| c.what()), Some("ticked"));
        assert_eq!(view.done(), done);
        drop(view);

        // As rm she is verified: her push start counts, her finish says how long.
        m.actor.role = Role::Rm;
        act(&mut m, Action::MarkPush);
        act(&mut m, Action::Activate);
        assert!(m.checklist.push_started.is_some());
        m.actor.role = Role::Ops;
        act(&mut m, Action::MarkPush);
        type_and_submit(&mut m, "finish");
        assert_eq!(m.checklist.push_finished, None, "an unverified finish is not the push's");
        assert!(m.view.flash.as_ref().unwrap().text.contains("unverified"));
    }

    fn type_and_submit(m: &mut Model, text: &str) -> Vec<Effect> {
        for c in text.chars() {
            update(m, Msg::Edit(Edit::Char(c)));
        }
        update(m, Msg::Edit(Edit::Submit))
    }

    fn said(m: &mut Model, minutes: i64, kind: EventKind) {
        let at = m.now + chrono::Duration::minutes(minutes);
        let actor = crate::domain::journal::EventActor { name: "quinn".into(), role: Role::Qa };
        let (id, replica, seq) = (format!("q{minutes}"), String::new(), 0);
        m.apply_events(&[Event { committer: None, v: 1, id, at, replica, seq, actor, kind }]);
    }

    /// One manual item, ticked, and no services: nothing left open.
    fn all_done(m: &mut Model) {
        m.checklist.phases.truncate(1);
        m.checklist.phases[0].items.truncate(1);
        m.checklist.phases[0].items[0].auto = None;
        m.rollout.services.clear();
        m.view.check_selected = 0;
        m.actor.role = m.checklist.phases[0].items[0].role;
        act(m, Action::ToggleTick);
        m.actor.role = Role::Rm;
    }

    fn finish_prompt(m: &Model) -> bool {
        matches!(m.view.prompt(), Some(Prompt { purpose: PromptFor::FinishPush { .. }, .. }))
    }

    #[test]
    fn push_started_and_finished_give_the_duration() {
        let mut m = model(Role::Rm);
        all_done(&mut m);
        act(&mut m, Action::MarkPush);
        assert_eq!(m.view.confirm(), Some(&Confirm::StartPush { finished: None }));
        assert_eq!(appended(&act(&mut m, Action::Activate))[0].kind, EventKind::PushStarted);
        m.now += chrono::Duration::minutes(72);
        act(&mut m, Action::MarkPush);
        assert!(matches!(m.view.confirm(), Some(Confirm::FinishPush { .. })), "nothing open: a plain dialog");
        assert_eq!(appended(&act(&mut m, Action::Activate))[0].kind, EventKind::PushFinished { open: Vec::new() });
        assert_eq!(m.checklist.push_finished.as_ref().map(|(t, _)| *t), Some(m.now));
        assert_eq!(m.view.flash.as_ref().unwrap().text, "push finished: it took 1h 12m");
        assert!(m.log.entries.iter().any(|l| l.text == "push finished by alice (rm)"));
    }

    #[test]
    fn the_push_duration_item_passes_once_finished() {
        let mut m = model(Role::Rm);
        act(&mut m, Action::MarkPush);
        act(&mut m, Action::Activate);
        m.now += chrono::Duration::minutes(72);
        act(&mut m, Action::MarkPush);
        type_and_submit(&mut m, "finish");
        let view = evaluate(&m);
        let item = view.find("push-duration").unwrap();
        assert_eq!(item.state, ItemState::Auto(Verdict::Pass));
        assert_eq!(item.evidence.as_deref(), Some("pushed in 1h 12m"));
    }

    #[test]
    fn finishing_with_things_open_takes_the_typed_word_and_records_what_was_open() {
        let mut m = model(Role::Rm);
        act(&mut m, Action::MarkPush);
        act(&mut m, Action::Activate);
        said(&mut m, 1, EventKind::Blocker { text: "CDN purge pending".into() });
        let spike = EventKind::SentrySpike { project: "web".into(), since_push: 55, baseline: 10, push_start: m.now };
        said(&mut m, 2, spike);
        m.now += chrono::Duration::minutes(22);

        act(&mut m, Action::MarkPush);
        assert!(finish_prompt(&m), "a typed confirmation, not a dialog: {:?}", m.view.overlay);
        assert_eq!(m.view.confirm(), None);
        // Enter alone, or another word, finishes nothing and keeps the list up.
        assert!(appended(&update(&mut m, Msg::Edit(Edit::Submit))).is_empty());
        assert!(appended(&type_and_submit(&mut m, "fnish")).is_empty());
        assert!(finish_prompt(&m) && m.checklist.push_finished.is_none());
        assert!(m.view.overlay_flash().unwrap().text.contains("type `finish`"), "said in the prompt");
        for _ in 0..5 {
            update(&mut m, Msg::Edit(Edit::Backspace));
        }

        let fx = type_and_submit(&mut m, "finish");
        let ev = appended(&fx);
        let EventKind::PushFinished { open } = &ev[0].kind else { panic!("{:?}", ev[0].kind) };
        let has = |needle: &str| open.iter().any(|l| l.contains(needle));
        let first = &m.checklist.phases[0];
        let owed = format!("{} ({})", first.items[0].text, first.items[0].role.as_str());
        assert!(has(&format!("{}: ", first.name)) && has(&owed), "items per phase with owners: {open:?}");
        assert!(has("blocker #1 CDN purge pending"), "{open:?}");
        assert!(has("Sentry: web errors 5.5x baseline"), "{open:?}");
        assert!(has("prod: not on target — web, api"), "{open:?}");
        assert!(!has("Push duration"), "finishing is what completes the duration: {open:?}");
        assert!(m.view.prompt().is_none() && m.checklist.push_finished.is_some());
        let line = m.log.entries.iter().find(|l| l.text.starts_with("push finished by alice (rm) over")).unwrap();
        assert!(line.text.contains("(override)") && line.text.contains("CDN purge pending"), "{}", line.text);
    }

    #[test]
    fn something_opening_while_the_dialog_is_up_asks_for_the_word() {
        let mut m = model(Role::Rm);
        all_done(&mut m);
        act(&mut m, Action::MarkPush);
        act(&mut m, Action::Activate);
        act(&mut m, Action::MarkPush);
        assert!(matches!(m.view.confirm(), Some(Confirm::FinishPush { .. })));
        said(&mut m, 1, EventKind::Blocker { text: "search 500s".into() });
        assert!(appended(&act(&mut m, Action::Activate)).is_empty());
        assert!(finish_prompt(&m), "{:?}", m.view.overlay);
    }

    #[test]
    fn after_a_finish_s_offers_a_reopening_for_the_rm_only() {
        let mut m = model(Role::Rm);
        all_done(&mut m);
        act(&mut m, Action::MarkPush);
        act(&mut m, Action::Activate);
        let started = m.checklist.push_started.clone().unwrap();
        act(&mut m, Action::MarkPush);
        act(&mut m, Action::Activate);
        let finished = m.checklist.push_finished.as_ref().unwrap().0;

        m.actor.role = Role::Ops;
        act(&mut m, Action::MarkPush);
        assert_eq!(m.view.overlay, None, "no dialog for ops");
        assert!(m.view.flash.as_ref().unwrap().text.contains("release manager (rm)"));

        m.actor.role = Role::Rm;
        act(&mut m, Action::MarkPush);
        assert_eq!(m.view.confirm(), Some(&Confirm::ReopenPush { finished }), "never \"start another\"");
        let fx = act(&mut m, Action::Activate);
        assert_eq!(appended(&fx)[0].kind, EventKind::PushReopened);
        assert_eq!((m.checklist.push_started.as_ref(), m.checklist.push_finished.as_ref()), (Some(&started), None));
        assert!(m.log.entries.iter().any(|l| l.text == "push reopened by alice (rm)"));
        act(&mut m, Action::MarkPush);
        assert!(matches!(m.view.confirm(), Some(Confirm::FinishPush { .. })), "running again: s finishes it");
    }
}
