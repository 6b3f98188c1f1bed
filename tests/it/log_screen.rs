//! The Log pane: people's lines apart from system events, the filters
//! (all / people / system / mine), a search, and a reader scrolled back who
//! sees "N new" instead of being moved.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shipdeck::action::Action;
use shipdeck::domain::journal::{Event, EventActor, EventKind};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::domain::kernel::input::Edit;
use shipdeck::domain::view::pane::Pane;
use shipdeck::domain::{Model, Msg, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap()
}

fn event(n: i64, who: &str, role: Role, kind: EventKind) -> Event {
    Event {
        committer: None,
        v: 1,
        id: format!("e{n}"),
        at: t0() + Duration::minutes(n),
        replica: String::new(),
        seq: 0,
        actor: EventActor { name: who.into(), role },
        kind,
    }
}

fn model() -> Model {
    let mut m = testkit::model(&["web"], t0() - Duration::minutes(5));
    m.actor.name = "quinn".into();
    m.view.focus = Pane::Log;
    m.view.zoomed = true;
    let chat = |text: &str| EventKind::Chat { text: text.into() };
    m.apply_events(&[
        event(1, "rita", Role::Rm, chat("tags are out, stage is rolling")),
        event(
            2,
            "shipdeck",
            Role::Rm,
            EventKind::VersionChanged {
                env: "stage".into(),
                service: "web".into(),
                from: "2026.11.19".into(),
                to: "2026.11.26".into(),
                commit: None,
            },
        ),
        event(3, "quinn", Role::Qa, chat("regression run started")),
        event(4, "quinn", Role::Qa, EventKind::Blocker { text: "search returns 500s".into() }),
        event(5, "ci", Role::Qa, EventKind::Tick { item: "ci-green".into(), note: None, overrides_role: true }),
        event(6, "olga", Role::Ops, EventKind::Note { text: "DB migration 0042 done".into() }),
    ]);
    m
}

fn draw(m: &Model) -> String {
    let theme = Theme::default();
    let keymap = Keymap::default();
    let mut term = Terminal::new(TestBackend::new(70, 16)).unwrap();
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
    testkit::buffer_text(term.backend().buffer())
}

#[test]
fn filters_cycle_all_people_system_mine() {
    let mut m = model();
    insta::assert_snapshot!("log_all", draw(&m));
    update(&mut m, Msg::Action(Action::LogFilter));
    let people = draw(&m);
    assert!(people.contains("regression run started") && !people.contains("stage · web"), "{people}");
    insta::assert_snapshot!("log_people", people);
    update(&mut m, Msg::Action(Action::LogFilter));
    let system = draw(&m);
    assert!(system.contains("stage · web") && !system.contains("regression run"), "{system}");
    update(&mut m, Msg::Action(Action::LogFilter));
    let mine = draw(&m);
    assert!(mine.contains("regression run started") && !mine.contains("rita"), "{mine}");
    update(&mut m, Msg::Action(Action::LogFilter));
    assert!(draw(&m).contains("rita"), "back to all");
}

#[test]
fn search_narrows_as_typed_and_esc_drops_it() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::Filter));
    for c in "SEARCH".chars() {
        update(&mut m, Msg::Edit(Edit::Char(c)));
    }
    let text = draw(&m);
    assert!(text.contains("search returns 500s") && !text.contains("regression run"), "{text}");
    update(&mut m, Msg::Edit(Edit::Submit));
    assert_eq!(m.log.search.as_deref(), Some("SEARCH"));
    assert!(draw(&m).contains("/SEARCH"), "the search shows in the title");
    update(&mut m, Msg::Action(Action::Filter));
    update(&mut m, Msg::Edit(Edit::Cancel));
    assert_eq!(m.log.search, None);
}

#[test]
fn a_reader_scrolled_back_sees_n_new() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::SelectPrev));
    update(&mut m, Msg::Action(Action::SelectPrev));
    for i in 0..3 {
        m.apply_event(&event(10 + i, "rita", Role::Rm, EventKind::Chat { text: format!("line {i}") }));
    }
    let text = draw(&m);
    assert!(text.contains("↓ 3 new") && !text.contains("line 2"), "{text}");
    insta::assert_snapshot!("log_scrolled_new", text);
    update(&mut m, Msg::Action(Action::SelectLast));
    let text = draw(&m);
    assert!(text.contains("line 2") && !text.contains("new"), "{text}");
}

#[test]
fn long_lines_wrap_and_wide_characters_align() {
    let mut m = model();
    let text = "🚀 デプロイ完了 ".repeat(12) + "ok";
    m.apply_event(&event(20, "rita", Role::Rm, EventKind::Chat { text }));
    let screen = draw(&m);
    for line in screen.lines() {
        let w: usize = line.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum();
        assert!(w <= 70, "no line wider than the terminal ({w}): {line}");
    }
    assert!(screen.contains("ok"), "the end of the long line is shown:\n{screen}");
    assert!(screen.lines().filter(|l| l.contains("🚀")).count() >= 3, "wrapped over several lines:\n{screen}");
}
