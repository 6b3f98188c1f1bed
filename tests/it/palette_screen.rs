//! The command palette, answers shown in the overlay they were asked from,
//! and clicks landing on what the last frame drew, through ratatui's
//! TestBackend and `update` (no terminal needed).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shipdeck::action::Action;
use shipdeck::domain::kernel::actor::{Actor, Role};
use shipdeck::domain::kernel::input::Edit;
use shipdeck::domain::repos::msg::ReposMsg;
use shipdeck::domain::view::pane::Pane;
use shipdeck::domain::view::pointer::{Pointer, Press, Target};
use shipdeck::domain::view::scope::{Scope, scope};
use shipdeck::domain::{Effect, Model, Msg, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 20, 0).unwrap()
}

/// Three services, two repositories scanned (one with a push range).
fn model() -> Model {
    let mut m = Model::new(
        testkit::release(),
        Actor { name: "alice".into(), role: Role::Rm },
        vec!["stage".into(), "prod".into()],
        &testkit::specs(&["alpha", "bravo", "charlie"]),
        &[testkit::repo_spec("addons-server"), testkit::repo_spec("addons-frontend")],
        std::time::Duration::from_secs(15),
        t0(),
    );
    update(&mut m, Msg::Tick(t0()));
    for repo in 0..2 {
        let status = testkit::repo_status(&[("2026.11.19", "a")], "c");
        let generation = m.repos.rows[repo].scan_gen;
        update(&mut m, Msg::Repos(ReposMsg::Scanned { generation, repo, result: Ok(Box::new(status)), at: t0() }));
    }
    m
}

fn draw(m: &Model, view: &mut ViewState, w: u16, h: u16) -> String {
    let (theme, keymap) = (Theme::default(), Keymap::default());
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(f, m, view, &ctx)).unwrap();
    testkit::buffer_text(term.backend().buffer())
}

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        update(m, Msg::Edit(Edit::Char(c)));
    }
}

fn line_with<'a>(screen: &'a str, needle: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(needle))
}

#[test]
fn colon_opens_a_palette_that_filters_as_typed_and_runs_the_entry() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::Palette));
    assert_eq!(scope(&m), Scope::Palette);
    insta::assert_snapshot!("palette_120x40", draw(&m, &mut ViewState::default(), 120, 40));
    typed(&mut m, "tag");
    let screen = draw(&m, &mut ViewState::default(), 120, 40);
    insta::assert_snapshot!("palette_tag_120x40", screen);
    insta::assert_snapshot!("palette_tag_80x24", draw(&m, &mut ViewState::default(), 80, 24));
    // Down to `push_tags`, then enter: it runs as `P` would (nothing created
    // to push yet, which it says), and the palette is gone.
    update(&mut m, Msg::Action(Action::SelectNext));
    update(&mut m, Msg::Edit(Edit::Submit));
    assert_eq!(scope(&m), Scope::Main(Pane::Rollout));
    // Enter on `create_tags` asks first, as `t` does.
    update(&mut m, Msg::Action(Action::Palette));
    typed(&mut m, "create");
    update(&mut m, Msg::Edit(Edit::Submit));
    assert_eq!(scope(&m), Scope::Confirm, "{:?}", m.view.overlay);
    update(&mut m, Msg::Action(Action::Cancel));

    // A pane jump, and a notes command with its argument typed after it.
    update(&mut m, Msg::Action(Action::Palette));
    typed(&mut m, "focus_log");
    update(&mut m, Msg::Edit(Edit::Submit));
    assert_eq!(scope(&m), Scope::Main(Pane::Log));
    update(&mut m, Msg::Action(Action::Palette));
    typed(&mut m, "blocker search is down");
    let fx = update(&mut m, Msg::Edit(Edit::Submit));
    assert!(matches!(fx.as_slice(), [Effect::Append(_)]), "{fx:?}");
    assert_eq!(m.notes.blockers.len(), 1);
}

#[test]
fn what_cannot_run_here_is_said_in_the_palette_not_the_footer() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::Palette));
    typed(&mut m, "waive");
    update(&mut m, Msg::Edit(Edit::Submit));
    assert_eq!(scope(&m), Scope::Palette, "still open");
    let screen = draw(&m, &mut ViewState::default(), 120, 40);
    let said = line_with(&screen, "focus the Checklist first").expect(&screen);
    assert!(said.contains('┗'), "on the palette's bottom border: {screen}");
    assert!(!screen.lines().last().unwrap().contains("Checklist"), "not in the footer: {screen}");
    // Opened again, the palette starts with nothing said.
    update(&mut m, Msg::Edit(Edit::Cancel));
    update(&mut m, Msg::Action(Action::Palette));
    assert!(!draw(&m, &mut ViewState::default(), 120, 40).contains("focus the Checklist first"));
}

#[test]
fn copying_in_the_compare_view_says_so_in_the_compare_view() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::FocusRepos));
    update(&mut m, Msg::Action(Action::Compare));
    assert_eq!(scope(&m), Scope::Compare);
    let fx = update(&mut m, Msg::Action(Action::CopyUrl));
    let url = "https://github.com/example/addons-server/compare/2026.11.19...cccccccccccc";
    assert_eq!(fx, vec![Effect::Copy(url.into())]);
    let screen = draw(&m, &mut ViewState::default(), 120, 40);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[38].starts_with('┗') && rows[38].contains(&format!("copied {url}")), "{screen}");
    assert!(m.log.entries.iter().all(|e| !e.text.contains("copied")), "not in the log behind it");
    // Closed, the compare view takes what it said with it.
    update(&mut m, Msg::Action(Action::Cancel));
    assert!(!draw(&m, &mut ViewState::default(), 120, 40).contains("copied"));
}

#[test]
fn clicks_land_on_the_row_the_last_frame_drew_there() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::FocusChecklist));
    let mut view = ViewState::default();
    let screen = draw(&m, &mut view, 120, 40);
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains(" charlie ")).expect(&screen);
    let x = line.find(" charlie ").map(|b| line[..b].chars().count() + 1).unwrap() as u16;
    let click = |view: &ViewState, x, y, press| {
        let target = view.hits.target(x, y).expect("something is there");
        Msg::Pointer(Pointer { press, target })
    };
    update(&mut m, click(&view, x, y as u16, Press::Click));
    assert_eq!((m.view.focus, m.view.selected), (Pane::Rollout, 2));
    draw(&m, &mut view, 120, 40);
    update(&mut m, click(&view, x, y as u16, Press::WheelUp));
    assert_eq!(m.view.selected, 0, "the wheel moves three rows, within the list");

    // A double click on a repository opens its compare view, as enter does.
    let screen = draw(&m, &mut view, 120, 40);
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains("addons-frontend")).expect(&screen);
    let x = line.find("addons-frontend").map(|b| line[..b].chars().count()).unwrap() as u16;
    assert_eq!(view.hits.target(x, y as u16), Some(Target::Pane { pane: Pane::Repos, item: Some(1) }));
    update(&mut m, click(&view, x, y as u16, Press::Double));
    assert_eq!(scope(&m), Scope::Compare);
    assert_eq!(m.view.compare().unwrap().repo, 1);

    // Filtered, the rows on screen are the filter's: a click on the one
    // shown selects that service, not the first of the fleet.
    update(&mut m, Msg::Action(Action::Cancel));
    update(&mut m, Msg::Action(Action::FocusRollout));
    update(&mut m, Msg::Action(Action::Filter));
    for c in "charl".chars() {
        update(&mut m, Msg::Edit(Edit::Char(c)));
    }
    update(&mut m, Msg::Edit(Edit::Submit));
    update(&mut m, Msg::Action(Action::SelectFirst));
    let screen = draw(&m, &mut view, 120, 40);
    let (y, line) = screen.lines().enumerate().find(|(_, l)| l.contains(" charlie ")).expect(&screen);
    let x = line.find(" charlie ").map(|b| line[..b].chars().count() + 1).unwrap() as u16;
    assert_eq!(view.hits.target(x, y as u16), Some(Target::Pane { pane: Pane::Rollout, item: Some(2) }), "{screen}");
}
