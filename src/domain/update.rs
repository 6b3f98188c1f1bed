//! `update`: the only place the model changes. Pure: no clock, no IO.

use crate::action::Action;
use crate::domain::checklist::update as checklist;
use crate::domain::journal::EventKind;
use crate::domain::journal::msg::JournalMsg;
use crate::domain::log::LogKind;
use crate::domain::model::Model;
use crate::domain::msg::{Effect, Msg};
use crate::domain::notes::msg::NotesEffect;
use crate::domain::repos::msg::ReposMsg;
use crate::domain::repos::update as repos;
use crate::domain::rollout::msg::RolloutMsg;
use crate::domain::rollout::update as rollout;
use crate::domain::sentry::SentryState;
use crate::domain::sentry::msg::SentryMsg;
use crate::domain::sentry::update as sentry;
use crate::domain::view::confirm::Confirm;
use crate::domain::view::filter;
use crate::domain::view::pane::Pane;
use crate::domain::view::prompt::{Prompt, PromptFor};
use crate::domain::view::scope::{Scope, scope};
use crate::domain::view::update::{self as view, PAGE};

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = apply(model, msg);
    if model.milestones.enabled
        && let Some(now) = crate::domain::milestones::check::true_now(model)
    {
        effects.extend(crate::domain::milestones::check::due(&mut model.milestones, now));
    }
    effects
}

fn apply(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(action) => on_action(model, action),
        // The palette runs what it closes on as the message it stands for.
        Msg::Edit(edit) if model.view.palette().is_some() => match view::on_palette(model, edit) {
            Some(next) => apply(model, next),
            None => Vec::new(),
        },
        Msg::Edit(edit) => view::on_edit(model, edit),
        Msg::Pointer(pointer) => match view::on_pointer(model, pointer) {
            Some(next) => apply(model, next),
            None => Vec::new(),
        },
        Msg::Compose(text) => {
            let outcome = crate::domain::notes::compose::send(model, &text);
            let effects = model.carry_out(outcome);
            // What was just sent shows, whatever the log's filter or search hides.
            if model.log.narrowed() {
                let sent =
                    effects.iter().filter_map(|e| if let Effect::Append(ev) = e { Some(ev.order()) } else { None });
                model.log.pinned.extend(sent);
            }
            effects
        }
        Msg::Composing(on) => {
            model.view.set_composing(on);
            if on {
                model.view.focus = Pane::Log;
            }
            Vec::new()
        }
        Msg::Notes(m) => {
            let outcome = crate::domain::notes::compose::on_msg(model, m);
            model.carry_out(outcome)
        }
        Msg::NotifyFailed { error, at } => {
            model.push_log(at, LogKind::Error, format!("{error}; the milestone is in the journal"));
            model.flash(error, true);
            Vec::new()
        }
        Msg::Paste(text) => {
            if let Some(p) = model.view.palette_mut() {
                p.input.paste(&text);
                p.selected = 0;
            }
            if let Some(p) = model.view.prompt_mut() {
                p.input.paste(&text);
                if p.purpose == PromptFor::Search {
                    let q = p.input.text();
                    filter::set(model, model.view.focus, Some(q));
                }
            }
            Vec::new()
        }
        Msg::Sentry(SentryMsg::Fetched { project, result, rate, at }) => {
            let facts = sentry_facts(model);
            let Some(s) = model.sentry.as_mut() else { return Vec::new() };
            let outcome = sentry::on_fetched(s, facts, project, result, rate, at);
            model.carry_out(outcome)
        }
        Msg::Sentry(m) => {
            let outcome = crate::domain::sentry::deploys::on_msg(m);
            model.carry_out(outcome)
        }
        Msg::Tick(now) => {
            model.now = now;
            let mut effects = if rollout::sweep_due(&model.rollout, now) { sweep(model) } else { Vec::new() };
            if repos::scan_due(&model.repos, now) {
                effects.extend(scan_all(model));
            }
            effects.extend(sentry_asks(model, sentry::due));
            if let Some(s) = model.share.as_mut() {
                let outcome = crate::domain::share::update::beat(s, now);
                effects.extend(model.carry_out(outcome));
            }
            effects
        }
        Msg::Rollout(RolloutMsg::Probed { generation, service, env, probe }) => {
            crate::domain::acts::on_probe(model, generation, service, env, probe)
        }
        Msg::Smoke(m) => {
            let outcome = crate::domain::smoke::update::on_msg(&mut model.smoke, m);
            model.carry_out(outcome)
        }
        Msg::Journal(m) => on_journal(model, m),
        Msg::Share(m) => {
            let Some(s) = model.share.as_mut() else { return Vec::new() };
            let outcome = crate::domain::share::update::on_msg(s, m);
            model.carry_out(outcome)
        }
        Msg::Deploy(m) => crate::domain::deploy::update::on_msg(model, m),
        Msg::Resize => Vec::new(),
        Msg::Repos(m) => on_repos(model, m),
        Msg::OpenFailed { error, .. } => {
            model.flash(error, true);
            Vec::new()
        }
        Msg::Notice { text, at } => {
            model.push_log(at, LogKind::System, text);
            Vec::new()
        }
    }
}

/// A confirmed dialog, carried out by whoever opened it.
fn confirm(model: &mut Model) -> Vec<Effect> {
    match model.view.take_confirm() {
        Some(Confirm::Quit { .. }) => {
            model.view.should_quit = true;
            Vec::new()
        }
        Some(dialog @ (Confirm::Deploy { .. } | Confirm::Unlock { .. })) => {
            crate::domain::deploy::update::confirm(model, dialog)
        }
        Some(dialog @ (Confirm::CreateTags { .. } | Confirm::PushTags { .. } | Confirm::Retag(_))) => {
            let facts = repos::Facts::new(&model.release, &model.actor, model.now);
            let outcome = repos::confirm(&mut model.repos, &facts, dialog);
            model.carry_out(outcome)
        }
        Some(dialog) => {
            let outcome = checklist::confirm(model, dialog);
            model.carry_out(outcome)
        }
        None => Vec::new(),
    }
}

/// An action goes to whoever has the keys ([`scope`]); what a scope does
/// not hear does nothing there. `quit_now` (ctrl-c, a signal, the terminal
/// closing) quits from anywhere; `quit` closes an overlay and quits only
/// from the main view.
fn on_action(model: &mut Model, action: Action) -> Vec<Effect> {
    if action == Action::QuitNow {
        model.view.should_quit = true;
        return Vec::new();
    }
    match scope(model) {
        // Keys reach an open prompt as edits; an action getting here is one
        // the front end could not turn into text.
        Scope::Search | Scope::Waive => {
            if matches!(action, Action::Cancel | Action::Quit) {
                model.view.close_prompt();
            }
            Vec::new()
        }
        // The overlay is modal: it closes; nothing else fires behind it.
        Scope::Help => {
            view::on_help(model, action);
            Vec::new()
        }
        // A dialog is modal too: confirm or cancel.
        Scope::Confirm | Scope::ComposerConfirm => match action {
            Action::Activate => confirm(model),
            Action::Cancel | Action::Quit => {
                model.view.take_confirm();
                Vec::new()
            }
            _ => Vec::new(),
        },
        Scope::Compare => view::on_compare(model, action),
        Scope::Deploy => {
            crate::domain::deploy::update::on_output(model, action);
            Vec::new()
        }
        Scope::Palette => {
            view::on_palette_action(model, action);
            Vec::new()
        }
        // The composer's keys are text: `q` never gets here as an action.
        Scope::Composer if action == Action::Quit => {
            model.view.set_composing(false);
            Vec::new()
        }
        Scope::Main(_) | Scope::Composer => on_main(model, action),
    }
}

fn on_main(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => crate::domain::view::quit::ask(model),
        Action::QuitNow => model.view.should_quit = true,
        Action::ToggleHelp => model.view.open_help(),
        // Esc clears the focused list's filter first, then leaves zoom.
        Action::Cancel if filter::get(model, model.view.focus).is_some() => filter::set(model, model.view.focus, None),
        Action::Cancel => model.view.zoomed = false,
        Action::FocusNext => model.view.focus = model.view.focus.next(),
        Action::FocusPrev => model.view.focus = model.view.focus.prev(),
        Action::FocusChecklist => model.view.focus = Pane::Checklist,
        Action::FocusRepos => model.view.focus = Pane::Repos,
        Action::FocusRollout => model.view.focus = Pane::Rollout,
        Action::FocusSentry => model.view.focus = Pane::Sentry,
        Action::FocusLog => model.view.focus = Pane::Log,
        Action::ToggleZoom => model.view.zoomed = !model.view.zoomed,
        Action::Refresh => {
            let mut effects = sweep(model);
            effects.extend(scan_all(model));
            effects.extend(sentry_asks(model, sentry::refresh));
            return effects;
        }
        Action::SelectNext => view::move_selection(model, model.view.focus, 1),
        Action::SelectPrev => view::move_selection(model, model.view.focus, -1),
        Action::PageDown => view::move_selection(model, model.view.focus, PAGE as isize),
        Action::PageUp => view::move_selection(model, model.view.focus, -(PAGE as isize)),
        Action::SelectFirst => view::move_selection(model, model.view.focus, isize::MIN),
        Action::SelectLast => view::move_selection(model, model.view.focus, isize::MAX),
        Action::Fetch => {
            let outcome = repos::fetch(&mut model.repos, model.now);
            return model.carry_out(outcome);
        }
        Action::CreateTags => return model.carry_out(repos::propose_tags(&model.repos, model.now)),
        Action::PushTags => return model.carry_out(repos::propose_push(&model.repos, model.now)),
        Action::Compare => return open_compare(model),
        Action::Activate if model.view.focus == Pane::Repos => return open_compare(model),
        Action::Compose => {
            model.view.focus = Pane::Log;
            model.view.set_composing(true);
        }
        Action::Activate if model.view.focus == Pane::Log => model.view.set_composing(true),
        Action::Activate | Action::ToggleTick if model.view.focus == Pane::Checklist => {
            let outcome = checklist::toggle(model);
            return model.carry_out(outcome);
        }
        Action::Activate | Action::ToggleTick => {}
        Action::Waive if model.view.focus == Pane::Checklist => {
            let outcome = checklist::waive(model);
            return model.carry_out(outcome);
        }
        Action::Waive => model.flash("waive works on the checklist: focus it first", true),
        Action::MarkPush => {
            let outcome = checklist::mark_push(model);
            return model.carry_out(outcome);
        }
        Action::PauseStory => return crate::domain::demo::update::toggle_pause(model),
        Action::Palette => model.view.open_palette(),
        Action::ExportNotes => {
            let markdown = crate::domain::notes::render::markdown(model, model.tz);
            return vec![Effect::Notes(NotesEffect::Export { markdown, push_date: model.release.push_date })];
        }
        Action::Filter => {
            let mut input = crate::domain::kernel::input::LineInput::default();
            input.paste(filter::get(model, model.view.focus).unwrap_or(""));
            model.view.open_prompt(Prompt { purpose: PromptFor::Search, input });
        }
        Action::LogFilter => {
            model.view.focus = Pane::Log;
            model.log.filter = model.log.filter.next();
            model.log.back = 0;
            model.log.new = 0;
            model.log.pinned.clear();
            model.flash(format!("log: {}", model.log.filter.name()), false);
        }
        Action::ToggleMerges => {}
        Action::CopyUrl => return view::url(model, true),
        Action::OpenUrl => return view::url(model, false),
        Action::OpenBuild => {
            let out = crate::domain::view::link::open(crate::domain::view::link::build(model), false);
            return model.carry_out(out);
        }
        Action::Deploy | Action::Rollback | Action::Lock | Action::Smoke | Action::Retag => {
            return crate::domain::acts::on_action(model, action);
        }
    }
    Vec::new()
}

/// The journal file's news: others' lines (and damage) read, or that it
/// cannot be written.
fn on_journal(model: &mut Model, msg: JournalMsg) -> Vec<Effect> {
    match msg {
        JournalMsg::Read { events, damage } => {
            // Tags someone else made or pushed: this screen fetches them
            // rather than wait for a key. Only lines new to this session.
            let mut tagged: Vec<&str> = Vec::new();
            for e in events.iter().filter(|e| e.replica != model.journal.replica && !model.journal.seen.contains(&e.id))
            {
                if let EventKind::TagCreated { repo, .. }
                | EventKind::TagPushed { repo, .. }
                | EventKind::Retagged { repo, .. } = &e.kind
                    && !tagged.contains(&repo.as_str())
                {
                    tagged.push(repo);
                }
            }
            let fetch = repos::fetch_after_others(&mut model.repos, &tagged);
            model.apply_events(&events);
            let now = model.now;
            for d in damage {
                model.push_log(now, LogKind::Error, d);
            }
            return model.carry_out(fetch);
        }
        JournalMsg::Failed { error, at } => {
            if model.journal.read_only.is_none() {
                model.push_log(at, LogKind::Error, format!("{error}; this session is not being saved"));
            }
            model.journal.read_only = Some(error);
        }
        JournalMsg::Written => {}
    }
    Vec::new()
}

/// A new generation for the sweep's answers: older ones are then stale.
fn sweep(model: &mut Model) -> Vec<Effect> {
    model.generation += 1;
    rollout::sweep(&mut model.rollout, model.generation, model.now)
}

/// A scan of every repository, under a new generation.
fn scan_all(model: &mut Model) -> Vec<Effect> {
    model.generation += 1;
    let facts = repos::Facts::new(&model.release, &model.actor, model.now);
    repos::scan_all(&mut model.repos, &facts, model.generation)
}

fn open_compare(model: &mut Model) -> Vec<Effect> {
    let generation = || {
        model.generation += 1;
        model.generation
    };
    let outcome = repos::open_compare(&model.repos, model.view.repo_selected, generation, model.now);
    model.carry_out(outcome)
}

/// The repositories' answers. The targets follow the repositories' tags, so
/// they are re-derived after every scan (a stale one leaves them as they are).
fn on_repos(model: &mut Model, msg: ReposMsg) -> Vec<Effect> {
    let scan = matches!(msg, ReposMsg::Scanned { .. });
    let facts = repos::Facts::new(&model.release, &model.actor, model.now);
    let generation = || {
        model.generation += 1;
        model.generation
    };
    let outcome = repos::on_msg(&mut model.repos, model.view.compare_mut(), &facts, generation, msg);
    let effects = model.carry_out(outcome);
    if scan {
        crate::domain::targets::refresh_targets(model);
    }
    effects
}

/// What the Sentry handlers need to know of the rest of the push.
fn sentry_facts(model: &Model) -> sentry::Facts {
    let prod = crate::domain::checklist::prod_env(&model.rollout.envs)
        .and_then(|p| model.rollout.envs.iter().position(|e| e == p))
        .map(|ei| model.rollout.progress(ei));
    sentry::Facts {
        now: model.now,
        push: crate::domain::sentry::report::push_start(model),
        running: model.checklist.push_started.is_some() && model.checklist.push_finished.is_none(),
        prod_on_target: prod.is_some_and(|p| p.total > 0 && p.on_target == p.total),
    }
}

fn sentry_asks(model: &mut Model, ask: fn(&mut SentryState, sentry::Facts) -> Vec<Effect>) -> Vec<Effect> {
    let facts = sentry_facts(model);
    model.sentry.as_mut().map(|s| ask(s, facts)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::{Event, EventKind};
    use crate::domain::repos::msg::{ReposEffect, ReposMsg};
    use crate::domain::rollout::msg::RolloutEffect;
    use crate::domain::rollout::probe::{Heartbeat, Probe, ProbeState};
    use crate::testkit;
    use chrono::{DateTime, Utc};
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap()
    }

    fn model(services: usize) -> Model {
        let names: Vec<String> = (0..services).map(|i| format!("svc{i}")).collect();
        testkit::model(&names, t0())
    }

    fn ok(version: &str, at: DateTime<Utc>) -> Probe {
        testkit::ok(version, "abc1234def", Heartbeat::Ok, at)
    }

    fn poll_generation(effects: &[Effect]) -> (u64, usize) {
        match effects {
            [Effect::Rollout(RolloutEffect::Poll { generation, targets })] => (*generation, targets.len()),
            other => panic!("expected one poll, got {other:?}"),
        }
    }

    #[test]
    fn focus_cycles_and_jumps() {
        let mut m = model(1);
        assert_eq!(m.view.focus, Pane::Rollout);
        update(&mut m, Msg::Action(Action::FocusNext));
        assert_eq!(m.view.focus, Pane::Repos, "reading order: Rollout, then the row below");
        update(&mut m, Msg::Action(Action::FocusNext));
        update(&mut m, Msg::Action(Action::FocusNext));
        update(&mut m, Msg::Action(Action::FocusNext));
        assert_eq!(m.view.focus, Pane::Checklist);
        update(&mut m, Msg::Action(Action::FocusPrev));
        assert_eq!(m.view.focus, Pane::Log);
        update(&mut m, Msg::Action(Action::FocusRepos));
        assert_eq!(m.view.focus, Pane::Repos);
    }

    #[test]
    fn zoom_toggles_and_cancel_leaves_it() {
        let mut m = model(1);
        update(&mut m, Msg::Action(Action::ToggleZoom));
        assert!(m.view.zoomed);
        update(&mut m, Msg::Action(Action::ToggleZoom));
        assert!(!m.view.zoomed);
        update(&mut m, Msg::Action(Action::ToggleZoom));
        update(&mut m, Msg::Action(Action::Cancel));
        assert!(!m.view.zoomed);
    }

    #[test]
    fn help_is_modal() {
        let mut m = model(1);
        update(&mut m, Msg::Action(Action::ToggleHelp));
        assert_eq!(scope(&m), Scope::Help);
        update(&mut m, Msg::Action(Action::FocusNext));
        assert_eq!(m.view.focus, Pane::Rollout, "keys behind the overlay do nothing");
        assert!(update(&mut m, Msg::Action(Action::Refresh)).is_empty());
        update(&mut m, Msg::Action(Action::Cancel));
        assert_ne!(scope(&m), Scope::Help);
        update(&mut m, Msg::Action(Action::ToggleHelp));
        update(&mut m, Msg::Action(Action::Quit));
        assert!(!m.view.should_quit, "q closes help");
        assert_ne!(scope(&m), Scope::Help);
    }

    #[test]
    fn ticks_poll_on_interval_and_skip_in_flight() {
        let mut m = model(2);
        let (g1, n) = poll_generation(&update(&mut m, Msg::Tick(t0())));
        assert_eq!(n, 4);
        assert!(update(&mut m, Msg::Tick(t0() + Duration::seconds(5))).is_empty(), "not due yet");
        // Only one endpoint answered; the others are still in flight.
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: g1, service: 0, env: 0, probe: ok("a", t0()) }));
        let (g2, n) = poll_generation(&update(&mut m, Msg::Tick(t0() + Duration::seconds(15))));
        assert!(g2 > g1);
        assert_eq!(n, 1, "in-flight endpoints are not asked again");
        // Refresh asks now, still without piling up.
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: g1, service: 1, env: 1, probe: ok("a", t0()) }));
        let (_, n) = poll_generation(&update(&mut m, Msg::Action(Action::Refresh)));
        assert_eq!(n, 1);
    }

    #[test]
    fn stale_generation_never_overwrites_newer() {
        let mut m = model(1);
        update(&mut m, Msg::Tick(t0()));
        let later = t0() + Duration::seconds(20);
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 5, service: 0, env: 1, probe: ok("new", later) }));
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 3, service: 0, env: 1, probe: ok("old", t0()) }));
        let cell = m.rollout.cell(0, 1).unwrap();
        assert_eq!(cell.version().unwrap().version.as_deref(), Some("new"));
        assert_eq!(cell.applied_gen, 5);
    }

    #[test]
    fn version_change_is_logged_once() {
        let mut m = model(1);
        let before = m.log.entries.len();
        let (g, _) = poll_generation(&update(&mut m, Msg::Tick(t0())));
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: ok("2026.11.19", t0()) }),
        );
        assert_eq!(m.log.entries.len(), before, "first sight is not a change");
        let (g, _) = poll_generation(&update(&mut m, Msg::Tick(t0() + Duration::seconds(15))));
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: ok("2026.11.26", t0()) }),
        );
        assert_eq!(m.log.entries.len(), before + 1);
        assert_eq!(m.log.entries.back().unwrap().text, "prod · svc0 2026.11.19 -> 2026.11.26 (abc1234)");
        assert_eq!(m.rollout.progress(1).on_target, 1);
    }

    #[test]
    fn mixed_fleet_is_flagged_not_spammed() {
        let mut m = model(1);
        let before = m.log.entries.len();
        for (i, v) in ["old", "new", "old", "new", "old", "new", "old"].iter().enumerate() {
            let now = t0() + Duration::seconds(15 * i as i64);
            let (g, _) = poll_generation(&update(&mut m, Msg::Tick(now)));
            update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: ok(v, now) }));
            // Stage answers too, so its cell frees up for the next sweep.
            update(
                &mut m,
                Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 0, probe: ok("new", now) }),
            );
        }
        assert!(m.rollout.cell(0, 1).unwrap().mixed.is_some());
        let texts: Vec<_> = m.log.entries.range(before..).map(|e| e.text.as_str()).collect();
        assert_eq!(texts, vec!["prod · svc0 old -> new (abc1234)", "prod · svc0 serves mixed versions: new and old"]);
    }

    #[test]
    fn selection_is_clamped() {
        let mut m = model(3);
        update(&mut m, Msg::Action(Action::SelectPrev));
        assert_eq!(m.view.selected, 0);
        update(&mut m, Msg::Action(Action::PageDown));
        assert_eq!(m.view.selected, 2);
        update(&mut m, Msg::Action(Action::SelectFirst));
        assert_eq!(m.view.selected, 0);
        update(&mut m, Msg::Action(Action::SelectLast));
        assert_eq!(m.view.selected, 2);
    }

    #[test]
    fn observations_are_saved_once_across_cockpits() {
        let mut m = model(1);
        let (g, _) = poll_generation(&update(&mut m, Msg::Tick(t0())));
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: ok("old", t0()) }));
        let (g, _) = poll_generation(&update(&mut m, Msg::Tick(t0() + Duration::seconds(15))));
        let effects = update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: ok("new", t0()) }),
        );
        let [Effect::Append(event)] = effects.as_slice() else { panic!("{effects:?}") };
        assert!(event.id.starts_with("obs:prod:svc0:new:"), "{}", event.id);
        let shown = m.log.entries.len();
        // The same observation read back from the journal, as another cockpit
        // would have written it, is not shown twice.
        let mut twin = event.clone();
        twin.actor.name = "bob".into();
        update(&mut m, Msg::Journal(JournalMsg::Read { events: vec![twin], damage: Vec::new() }));
        assert_eq!(m.log.entries.len(), shown);
        // A line someone else wrote is shown.
        let mut chat = event.clone();
        chat.id = "bob:1".into();
        chat.seq = event.clock() + 1;
        chat.kind = EventKind::Chat { text: "prod looks good".into() };
        update(&mut m, Msg::Journal(JournalMsg::Read { events: vec![chat], damage: Vec::new() }));
        assert_eq!(m.log.entries.back().unwrap().text, "alice (rm): prod looks good");
    }

    #[test]
    fn a_journal_that_cannot_be_written_is_said_once() {
        let mut m = model(1);
        let before = m.log.entries.len();
        for _ in 0..3 {
            update(&mut m, Msg::Journal(JournalMsg::Failed { error: "journal /x: cannot write".into(), at: t0() }));
        }
        assert_eq!(m.log.entries.len(), before + 1);
        assert!(m.journal.read_only.is_some());
    }

    /// Answers prod of `svc0` with each probe in turn, one sweep apart,
    /// stage answering too so every sweep asks prod again; the events saved.
    fn answer_prod(m: &mut Model, probes: Vec<Probe>) -> Vec<Event> {
        let mut saved = Vec::new();
        for p in probes {
            let at = p.at;
            let (g, _) = poll_generation(&update(m, Msg::Tick(at)));
            for fx in [
                update(m, Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: p })),
                update(m, Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 0, probe: ok("new", at) })),
            ] {
                saved.extend(fx.into_iter().filter_map(|e| if let Effect::Append(e) = e { Some(e) } else { None }));
            }
        }
        saved
    }

    fn at(s: i64) -> DateTime<Utc> {
        t0() + Duration::seconds(s)
    }

    fn down(state: ProbeState, error: &str, s: i64) -> Probe {
        testkit::failed(state, error, at(s))
    }

    fn texts(m: &Model, from: usize) -> Vec<&str> {
        m.log.entries.range(from..).map(|e| e.text.as_str()).collect()
    }

    #[test]
    fn an_outage_is_logged_and_journaled_once_and_its_recovery_once() {
        let mut m = model(1);
        let before = m.log.entries.len();
        let saved = answer_prod(
            &mut m,
            vec![
                ok("new", at(0)),
                down(ProbeState::Timeout, "no answer within 5s (the request timeout)", 15),
                down(ProbeState::Unreachable, "connection refused (os error 111)", 30),
                down(ProbeState::HttpError, "HTTP 503 Service Unavailable", 45),
                ok("new", at(60)),
                ok("new", at(75)),
            ],
        );
        assert_eq!(
            texts(&m, before),
            ["prod · svc0 down: no answer within 5s (the request timeout)", "prod · svc0 answers again after 45s",]
        );
        let ids: Vec<&str> = saved.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["obs:down:prod:svc0:1", "obs:up:prod:svc0:1"]);
        assert!(matches!(&saved[0].kind, EventKind::EndpointDown { state, outage: 1, .. } if state == "timeout"));
        assert!(matches!(&saved[1].kind, EventKind::EndpointUp { since, outage: 1, .. } if *since == at(15)));
        // The cell went on showing each failure as it came.
        assert_eq!(m.log.entries.iter().filter(|e| e.kind == LogKind::Error).count(), 1);
    }

    #[test]
    fn a_flapping_endpoint_is_one_line_per_transition() {
        let mut m = model(1);
        m.rollout.poll_interval = std::time::Duration::from_secs(5);
        let before = m.log.entries.len();
        // All within one minute: each outage still gets its own line and id.
        let saved = answer_prod(
            &mut m,
            vec![
                ok("new", at(0)),
                down(ProbeState::Timeout, "no answer within 5s", 10),
                down(ProbeState::Timeout, "no answer within 5s", 20),
                ok("new", at(30)),
                down(ProbeState::HttpError, "HTTP 502 Bad Gateway", 40),
                ok("new", at(50)),
                ok("new", at(55)),
            ],
        );
        assert_eq!(
            texts(&m, before),
            [
                "prod · svc0 down: no answer within 5s",
                "prod · svc0 answers again after 20s",
                "prod · svc0 down (outage 2): HTTP 502 Bad Gateway",
                "prod · svc0 answers again after 10s",
            ]
        );
        let ids: Vec<&str> = saved.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["obs:down:prod:svc0:1", "obs:up:prod:svc0:1", "obs:down:prod:svc0:2", "obs:up:prod:svc0:2"]);
    }

    #[test]
    fn a_service_down_at_start_is_news_and_so_is_its_recovery() {
        let mut m = model(1);
        let before = m.log.entries.len();
        answer_prod(&mut m, vec![down(ProbeState::Unreachable, "connection refused", 0), ok("new", at(90))]);
        assert_eq!(
            texts(&m, before),
            ["prod · svc0 down: connection refused", "prod · svc0 answers again after 1m 30s"]
        );
        // A 404 or a body that cannot be read is a service that answers.
        let mut m = model(1);
        let before = m.log.entries.len();
        let answering = |state, error, s| Probe { heartbeat: Heartbeat::Ok, ..down(state, error, s) };
        answer_prod(
            &mut m,
            vec![
                ok("new", at(0)),
                answering(ProbeState::NoEndpoint, "HTTP 404: version.json not found", 15),
                answering(ProbeState::Invalid, "body larger than 64 KiB", 30),
            ],
        );
        assert!(texts(&m, before).is_empty(), "{:?}", texts(&m, before));
    }

    #[test]
    fn outages_fold_from_the_journal() {
        // One cockpit sees the outage begin, and quits.
        let mut first = model(1);
        let saved =
            answer_prod(&mut first, vec![ok("new", at(0)), down(ProbeState::Timeout, "no answer within 5s", 15)]);
        assert_eq!(saved.len(), 1);

        // The next one reads the journal: still down is no news, the
        // recovery is, and says how long the outage lasted.
        let mut next = model(1);
        next.apply_events(&saved);
        let before = next.log.entries.len();
        let more = answer_prod(
            &mut next,
            vec![down(ProbeState::Unreachable, "connection refused", 40), ok("new", at(75)), ok("new", at(90))],
        );
        assert_eq!(texts(&next, before), ["prod · svc0 answers again after 1m 00s"]);
        assert_eq!(more.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["obs:up:prod:svc0:1"]);

        // A third replays both, in any order: up, and the next outage is the second.
        for events in [[saved[0].clone(), more[0].clone()], [more[0].clone(), saved[0].clone()]] {
            let mut third = model(1);
            third.apply_events(&events[..1]);
            third.apply_events(&events[1..]);
            let mark = third.rollout.outages.get("prod", "svc0").cloned().unwrap();
            assert_eq!((mark.count, mark.down_since), (1, None));
            let before = third.log.entries.len();
            let again = answer_prod(
                &mut third,
                vec![ok("new", at(100)), down(ProbeState::Timeout, "no answer within 5s", 115)],
            );
            assert_eq!(texts(&third, before), ["prod · svc0 down (outage 2): no answer within 5s"]);
            assert_eq!(again[0].id, "obs:down:prod:svc0:2");
        }
    }

    #[test]
    fn two_cockpits_seeing_one_outage_save_and_show_it_once() {
        let mut alice = model(1);
        let mut bob = model(1);
        bob.actor.name = "bob".into();
        let a = answer_prod(&mut alice, vec![ok("new", at(0)), down(ProbeState::Timeout, "no answer within 5s", 15)]);
        // Bob saw it too, a few seconds later, before reading Alice's line.
        let b = answer_prod(&mut bob, vec![ok("new", at(3)), down(ProbeState::Timeout, "no answer within 5s", 78)]);
        assert_eq!(a[0].id, b[0].id, "the same outage, the same id");
        let shown = bob.log.entries.len();
        bob.apply_events(&a);
        assert_eq!(bob.log.entries.len(), shown, "not shown twice");
        // Bob read Alice's line before his next answer: nothing more to say.
        let mut carol = model(1);
        carol.apply_events(&a);
        let before = carol.log.entries.len();
        assert!(answer_prod(&mut carol, vec![down(ProbeState::Timeout, "no answer within 5s", 30)]).is_empty());
        assert_eq!(carol.log.entries.len(), before);
    }

    #[test]
    fn a_recovery_does_not_repeat_the_heartbeat() {
        let mut m = model(1);
        let before = m.log.entries.len();
        let mut warn = ok("new", at(45));
        warn.heartbeat = Heartbeat::Warning;
        answer_prod(
            &mut m,
            vec![ok("new", at(0)), down(ProbeState::Timeout, "no answer within 5s", 15), ok("new", at(30)), warn],
        );
        // Unknown while down is the outage's; back to ok is no change; the
        // warning after it is.
        assert_eq!(
            texts(&m, before),
            [
                "prod · svc0 down: no answer within 5s",
                "prod · svc0 answers again after 15s",
                "prod · svc0 heartbeat ok -> warning",
            ]
        );
    }

    #[test]
    fn a_zero_padded_retag_is_on_target_by_its_name() {
        use crate::domain::kernel::actor::{Actor, Role};
        use crate::domain::release::tags::{PushTag, TagPlan};
        let mut specs = testkit::specs(&["web"]);
        specs[0].repo = Some("web".into());
        let mut m = Model::new(
            testkit::release(),
            Actor { name: "alice".into(), role: Role::Rm },
            vec!["stage".into(), "prod".into()],
            &specs,
            &[testkit::repo_spec("web")],
            std::time::Duration::from_secs(15),
            t0(),
        );
        // The repository's newest tag for the push date, as git names it.
        let mut status = testkit::repo_status(&[("2026.11.19", "a"), ("2026.11.26-03", "c")], "c");
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        status.plan = TagPlan {
            previous: None,
            current: Some(("2026.11.26-03".into(), PushTag { date, suffix: 3, pad: 2 })),
            next: "2026.11.26-4".into(),
        };
        let effects = update(&mut m, Msg::Tick(t0()));
        let g = effects.iter().find_map(|e| {
            if let Effect::Rollout(RolloutEffect::Poll { generation, .. }) = e { Some(*generation) } else { None }
        });
        let scan = effects.iter().find_map(|e| {
            if let Effect::Repos(ReposEffect::Scan { generation, .. }) = e { Some(*generation) } else { None }
        });
        let (g, scan) = (g.unwrap(), scan.unwrap());
        update(
            &mut m,
            Msg::Repos(ReposMsg::Scanned { generation: scan, repo: 0, result: Ok(Box::new(status)), at: t0() }),
        );
        assert_eq!(m.rollout.services[0].target.tag, "2026.11.26-03", "the tag's name, as written");
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 1, probe: ok("2026.11.26-03", t0()) }),
        );
        let commit_only = Probe {
            info: crate::domain::VersionInfo { commit: Some("ccccccc".into()), ..Default::default() },
            ..ok("", t0())
        };
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: g, service: 0, env: 0, probe: commit_only }));
        let target = &m.rollout.services[0].target;
        assert!(m.rollout.cell(0, 1).unwrap().on_target(target), "the same name");
        assert!(m.rollout.cell(0, 0).unwrap().on_target(target), "the tag's commit");
        // Another spelling is another tag: its number alone does not make it the target.
        assert!(
            !target.matches(&crate::domain::VersionInfo { version: Some("2026.11.26-3".into()), ..Default::default() })
        );
    }
}
