//! Deploys on the screen through ratatui's TestBackend: the prod dialog
//! asking for its name, a rollback's dialog saying what will happen, the
//! output of a run in flight (closable, the header then saying it runs),
//! and a lock in the header and on its environment's line.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::action::Action;
use shipdeck::domain::deploy::msg::DeployMsg;
use shipdeck::domain::deploy::{DeploySpec, Hook, Method};
use shipdeck::domain::history::{Basis, KnownGood};
use shipdeck::domain::journal::{Event, EventActor, EventKind};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::domain::kernel::input::Edit;
use shipdeck::domain::rollout::msg::RolloutMsg;
use shipdeck::domain::{Heartbeat, Model, Msg, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 40, 0).unwrap()
}

fn model() -> Model {
    let mut m = testkit::model(&["addons-server", "addons-frontend"], t0());
    for s in 0..2 {
        for env in 0..2 {
            let p = testkit::ok("2026.11.19", "abcdef1234", Heartbeat::Ok, t0());
            update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: s, env, probe: p }));
        }
    }
    m.deploy.specs = vec![
        DeploySpec {
            env: "stage".into(),
            hook: Hook::Command { argv: vec!["/srv/ops/deploy.sh".into(), "{service}".into(), "{tag}".into()] },
            order: vec!["addons-server".into(), "addons-frontend".into()],
            roles: Vec::new(),
            timeout: DeploySpec::COMMAND_TIMEOUT,
        },
        DeploySpec {
            env: "prod".into(),
            hook: Hook::Webhook {
                url: "https://bot:hunter2@ci.example.com/job/deploy/buildWithParameters".into(),
                method: Method::Post,
                params: vec![("DeployRef".into(), "{tag}".into())],
                auth_env: Some("CI_TOKEN".into()),
            },
            order: vec!["addons-server".into(), "addons-frontend".into()],
            roles: vec![Role::Ops, Role::Rm],
            timeout: DeploySpec::WEBHOOK_TIMEOUT,
        },
    ];
    m
}

fn draw(m: &Model, w: u16, h: u16, now: DateTime<Utc>) -> Buffer {
    let theme = Theme::default();
    let keymap = Keymap::default();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now, tz: FixedOffset::east_opt(0).unwrap() };
    term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
    term.backend().buffer().clone()
}

/// Ops "bob" locked prod three minutes ago.
fn bobs_lock(reason: &str) -> Event {
    Event {
        committer: None,
        v: 1,
        id: "bob.1".into(),
        at: t0() - Duration::minutes(3),
        replica: String::new(),
        seq: 0,
        actor: EventActor { name: "bob".into(), role: Role::Ops },
        kind: EventKind::Locked { env: "prod".into(), reason: reason.into() },
    }
}

fn type_and_submit(m: &mut Model, text: &str) {
    for c in text.chars() {
        update(m, Msg::Edit(Edit::Char(c)));
    }
    update(m, Msg::Edit(Edit::Submit));
}

#[test]
fn the_prod_dialog_says_what_will_happen_and_asks_for_the_name() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::Deploy));
    let screen = testkit::buffer_text(&draw(&m, 120, 40, t0()));
    assert!(screen.contains("2 prod"), "{screen}");
    insta::assert_snapshot!("deploy_choose_env_120x40", screen);
    type_and_submit(&mut m, "prod all");
    let screen = testkit::buffer_text(&draw(&m, 120, 40, t0()));
    assert!(screen.contains("Type `prod` and enter"), "{screen}");
    assert!(!screen.contains("hunter2"), "no password on screen");
    insta::assert_snapshot!("deploy_prod_dialog_120x40", screen);
}

#[test]
fn a_rollback_dialog_names_the_known_good_and_the_lock_after() {
    let mut m = model();
    let good = KnownGood { version: "2026.11.12".into(), basis: Basis::PreviousTag };
    m.history.known.insert(("addons-server".into(), "stage".into()), good);
    update(&mut m, Msg::Action(Action::Rollback));
    type_and_submit(&mut m, "stage");
    let screen = testkit::buffer_text(&draw(&m, 120, 40, t0()));
    assert!(screen.contains("known good: 2026.11.12 (previous push tag; no history)"), "{screen}");
    assert!(screen.contains("rolled back from 2026.11.19; fix before deploying again"), "{screen}");
    insta::assert_snapshot!("deploy_rollback_dialog_120x40", screen);
}

#[test]
fn the_output_streams_with_elapsed_time_and_closes_while_it_runs() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::Deploy));
    type_and_submit(&mut m, "stage");
    let effects = update(&mut m, Msg::Action(Action::Activate));
    let deploy = effects
        .iter()
        .find_map(|e| match e {
            shipdeck::domain::Effect::Deploy(shipdeck::domain::deploy::msg::DeployEffect::Run { deploy, .. }) => {
                Some(deploy.clone())
            }
            _ => None,
        })
        .expect("the hook is run");
    for (i, line) in
        ["pulling image addons-server:2026.11.26", "migrating: 3 of 7", "restarting workers"].iter().enumerate()
    {
        let at = t0() + Duration::seconds(5 * i as i64 + 2);
        update(&mut m, Msg::Deploy(DeployMsg::Output { deploy: deploy.clone(), line: line.to_string(), at }));
    }
    let later = t0() + Duration::seconds(83);
    let screen = testkit::buffer_text(&draw(&m, 100, 30, later));
    assert!(screen.contains("deploying addons-server to "), "{screen}");
    assert!(screen.contains("1m 23s"), "elapsed: {screen}");
    insta::assert_snapshot!("deploy_output_100x30", screen);
    update(&mut m, Msg::Action(Action::Cancel));
    let screen = testkit::buffer_text(&draw(&m, 100, 30, later));
    assert!(screen.contains("⟳ deploying addons-server"), "the header says it runs: {screen}");
    // Small terminals do not break it.
    update(&mut m, Msg::Action(Action::Deploy));
    for (w, h) in [(80, 24), (60, 15), (20, 5), (1, 1)] {
        draw(&m, w, h, later);
    }
    insta::assert_snapshot!("deploy_output_80x24", testkit::buffer_text(&draw(&m, 80, 24, later)));
}

#[test]
fn a_lock_shows_in_the_header_and_on_its_environment() {
    let mut m = model();
    let lock = bobs_lock("waiting for the migration");
    m.apply_event(&lock);
    // The last deploy there failed (another cockpit's): said in the detail line.
    let mut started = lock.clone();
    started.id = "bob.2".into();
    started.kind = EventKind::DeployStarted {
        env: "prod".into(),
        service: "addons-server".into(),
        tag: "2026.11.26".into(),
        rollback: false,
        overrides_lock: false,
    };
    let mut finished = started.clone();
    finished.id = "bob.3".into();
    finished.kind = EventKind::DeployFinished {
        deploy: "bob.2".into(),
        env: "prod".into(),
        service: "addons-server".into(),
        tag: "2026.11.26".into(),
        ok: false,
        detail: "exit 3".into(),
    };
    m.apply_events(&[started, finished]);
    let good = KnownGood { version: "2026.11.12".into(), basis: Basis::PreviousTag };
    m.history.known.insert(("addons-server".into(), "prod".into()), good);
    let screen = testkit::buffer_text(&draw(&m, 120, 40, t0()));
    assert!(screen.contains("LOCKED prod"), "{screen}");
    assert!(screen.contains("LOCKED: waiting for the migration"), "{screen}");
    assert!(screen.contains("last known good"), "the detail line: {screen}");
    assert!(screen.contains("bob's deploy of") && screen.contains("2026.11.26 failed: exit 3"), "{screen}");
    insta::assert_snapshot!("deploy_locked_120x40", screen);
}

/// A dialog's long lines wrap at the terminal's width: at 80 columns the
/// rollback's lock sentence and a long lock reason are there whole.
#[test]
fn dialogs_wrap_rather_than_cut_at_80_columns() {
    let mut m = model();
    let good = KnownGood { version: "2026.11.12".into(), basis: Basis::PreviousTag };
    m.history.known.insert(("addons-server".into(), "stage".into()), good);
    update(&mut m, Msg::Action(Action::Rollback));
    type_and_submit(&mut m, "stage");
    let screen = testkit::buffer_text(&draw(&m, 80, 24, t0()));
    let words = |s: &str| {
        s.split(|c: char| c.is_whitespace() || c == '│' || c == '┃')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(words(&screen).contains("unlocking it (L) is up to you."), "{screen}");
    let dialog: Vec<&str> = screen.lines().filter(|l| l.starts_with('┃')).collect();
    assert!(dialog.iter().all(|l| !l.contains('…')), "nothing cut: {screen}");

    let mut m = model();
    let reason = "waiting for the addon_tags migration to finish on the replica before anything else goes out";
    m.apply_event(&bobs_lock(reason));
    update(&mut m, Msg::Action(Action::Deploy));
    let screen = testkit::buffer_text(&draw(&m, 80, 24, t0()));
    assert!(words(&screen).contains(&format!("locked by bob: {reason}")), "{screen}");
}
