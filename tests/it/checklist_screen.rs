//! The Checklist pane through ratatui's TestBackend: mid-push with ticks,
//! an override, a waiver, auto items passing, waiting and failing; a folded
//! complete phase; the waiver prompt; colour where colour carries meaning.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::action::Action;
use shipdeck::domain::journal::{Event, EventActor, EventKind};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::domain::kernel::input::Edit;
use shipdeck::domain::rollout::msg::RolloutMsg;
use shipdeck::domain::view::pane::Pane;
use shipdeck::domain::{Heartbeat, Model, Msg, ProbeState, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 40, 0).unwrap()
}

fn event(n: u32, who: &str, role: Role, minutes_ago: i64, kind: EventKind) -> Event {
    Event {
        committer: None,
        v: 1,
        id: format!("e{n}"),
        at: t0() - Duration::minutes(minutes_ago),
        replica: String::new(),
        seq: 0,
        actor: EventActor { name: who.into(), role },
        kind,
    }
}

fn tick(item: &str, overrides_role: bool) -> EventKind {
    EventKind::Tick { item: item.into(), note: None, overrides_role }
}

/// Stage everywhere, prod 2 of 3 with one service down; the first phase
/// done, QA half way, the push started 38 minutes ago.
fn mid_push() -> Model {
    let mut m = testkit::model(&["addons-server", "addons-frontend", "addons-linter"], t0());
    m.actor = shipdeck::domain::kernel::actor::Actor { name: "quinn".into(), role: Role::Qa };
    m.view.focus = Pane::Checklist;
    for s in 0..3 {
        let p = testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, t0());
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: s, env: 0, probe: p }));
    }
    for s in 0..2 {
        let p = testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, t0());
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: s, env: 1, probe: p }));
    }
    let down = testkit::failed(ProbeState::Timeout, "timed out after 5s", t0());
    update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 2, env: 1, probe: down }));
    let events = [
        event(1, "rita", Role::Rm, 300, tick("features-agreed", false)),
        event(
            2,
            "rita",
            Role::Rm,
            290,
            EventKind::Waive {
                item: "security-in-sync".into(),
                reason: "no security fixes this week".into(),
                overrides_role: false,
            },
        ),
        event(3, "dev-bot", Role::Dev, 280, tick("dependency-releases", false)),
        event(4, "rita", Role::Rm, 200, tick("ci-green", true)),
        event(5, "quinn", Role::Qa, 100, tick("test-plan-linked", false)),
        event(6, "quinn", Role::Qa, 60, tick("regression-tests", false)),
        event(
            7,
            "ci",
            Role::Qa,
            50,
            EventKind::Tick { item: "cross-env-tests".into(), note: Some("run 4711".into()), overrides_role: false },
        ),
        event(8, "rita", Role::Rm, 38, EventKind::PushStarted),
    ];
    m.apply_events(&events);
    // The selection on the override, so the bottom line tells its story.
    m.view.check_selected = 4;
    m
}

fn draw(m: &Model, w: u16, h: u16) -> Buffer {
    let theme = Theme::default();
    let keymap = Keymap::default();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
    term.backend().buffer().clone()
}

fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    let text = testkit::buffer_text(buf);
    for (y, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            return (line[..byte].chars().count() as u16, y as u16);
        }
    }
    panic!("`{needle}` not on screen:\n{text}");
}

#[test]
fn mid_push_in_the_grid_and_zoomed() {
    let m = mid_push();
    insta::assert_snapshot!("checklist_grid_120x40", testkit::buffer_text(&draw(&m, 120, 40)));
    insta::assert_snapshot!("checklist_grid_80x24", testkit::buffer_text(&draw(&m, 80, 24)));
    let mut z = m.clone();
    z.view.zoomed = true;
    insta::assert_snapshot!("checklist_zoomed_100x36", testkit::buffer_text(&draw(&z, 100, 36)));
}

#[test]
fn the_waiver_prompt_and_an_override_dialog() {
    let mut m = mid_push();
    m.view.check_selected = 13; // results-sent
    update(&mut m, Msg::Action(Action::Waive));
    for c in "sent by the release tool".chars() {
        update(&mut m, Msg::Edit(Edit::Char(c)));
    }
    insta::assert_snapshot!("checklist_waive_prompt_100x30", testkit::buffer_text(&draw(&m, 100, 30)));
    update(&mut m, Msg::Edit(Edit::Cancel));
    m.view.check_selected = 14; // in-window, owned by ops
    update(&mut m, Msg::Action(Action::ToggleTick));
    let text = testkit::buffer_text(&draw(&m, 100, 30));
    assert!(text.contains("checked automatically"), "an auto item is not ticked:\n{text}");
    m.view.check_selected = 15; // team-present, owned by rm
    update(&mut m, Msg::Action(Action::ToggleTick));
    insta::assert_snapshot!("checklist_override_dialog_100x30", testkit::buffer_text(&draw(&m, 100, 30)));
}

#[test]
fn colour_says_done_waived_and_failing() {
    let m = mid_push();
    let mut z = m.clone();
    z.view.zoomed = true;
    // Selected inside the first phase, which then unfolds.
    z.view.check_selected = 1;
    let theme = Theme::default();
    let buf = draw(&z, 100, 36);
    let fg = |needle: &str| buf[find(&buf, needle)].fg;
    assert_eq!(fg("[✔] qa  Regression"), theme.ok.fg.unwrap());
    assert_eq!(fg("[✔] dev CI healthy"), theme.warn.fg.unwrap(), "an override is marked");
    assert_eq!(fg("[~]"), theme.warn.fg.unwrap());
    assert_eq!(fg("(✖)"), theme.error.fg.unwrap(), "prod has a service down");
    assert_eq!(fg("(✔) ops Stage"), theme.ok.fg.unwrap());
}

#[test]
fn the_header_names_the_current_phase() {
    let m = mid_push();
    let text = testkit::buffer_text(&draw(&m, 160, 30));
    let header = text.lines().next().unwrap();
    assert!(header.contains("▸ Hand-off to test 3/6"), "{header}");
}

#[test]
fn no_size_breaks_the_pane() {
    let m = mid_push();
    let mut z = m.clone();
    z.view.zoomed = true;
    let mut p = m.clone();
    p.view.check_selected = 13;
    update(&mut p, Msg::Action(Action::Waive));
    for w in (1..=130).step_by(3) {
        for h in (1..=45).step_by(2) {
            for model in [&m, &z, &p] {
                draw(model, w, h);
            }
        }
    }
}
