//! The full screen through ratatui's TestBackend: snapshots at three sizes in
//! loading, ready and failed states, colour where colour carries meaning, and
//! no panic at any tiny size.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::action::Action;
use shipdeck::domain::journal::msg::JournalMsg;
use shipdeck::domain::rollout::msg::{RolloutEffect, RolloutMsg};
use shipdeck::domain::{Effect, Heartbeat, Model, Msg, Probe, ProbeState, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

const NAMES: [&str; 8] = shipdeck::demo::SERVICE_NAMES;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 20, 0).unwrap()
}

fn model() -> Model {
    testkit::model(&NAMES, t0() - Duration::seconds(30))
}

fn ok(version: &str, service: &str, heartbeat: Heartbeat, at: DateTime<Utc>) -> Probe {
    testkit::ok(version, &shipdeck::demo::story::commit_for(service, version), heartbeat, at)
}

fn sweep(m: &mut Model, now: DateTime<Utc>) -> u64 {
    match update(m, Msg::Tick(now)).as_slice() {
        [Effect::Rollout(RolloutEffect::Poll { generation, .. })] => *generation,
        other => panic!("expected a poll, got {other:?}"),
    }
}

/// Every cell asked, no answer yet.
fn loading() -> Model {
    let mut m = model();
    sweep(&mut m, t0() - Duration::seconds(2));
    update(&mut m, Msg::Tick(t0()));
    m
}

/// Stage on target; prod half rolled out, one heartbeat warning.
fn ready() -> Model {
    let mut m = model();
    let first = t0() - Duration::seconds(20);
    let g = sweep(&mut m, first);
    for (i, name) in NAMES.iter().enumerate() {
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed {
                generation: g,
                service: i,
                env: 0,
                probe: ok("2026.11.26", name, Heartbeat::Ok, first),
            }),
        );
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed {
                generation: g,
                service: i,
                env: 1,
                probe: ok("2026.11.19", name, Heartbeat::Ok, first),
            }),
        );
    }
    let second = t0() - Duration::seconds(4);
    let g = sweep(&mut m, second);
    for (i, name) in NAMES.iter().enumerate() {
        let prod = if i < 4 { "2026.11.26" } else { "2026.11.19" };
        let hb = if i == 1 { Heartbeat::Warning } else { Heartbeat::Ok };
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed {
                generation: g,
                service: i,
                env: 0,
                probe: ok("2026.11.26", name, Heartbeat::Ok, second),
            }),
        );
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed { generation: g, service: i, env: 1, probe: ok(prod, name, hb, second) }),
        );
    }
    update(&mut m, Msg::Tick(t0()));
    m
}

/// Dead and broken services among healthy ones.
fn failing() -> Model {
    let mut m = ready();
    let at = t0() + Duration::seconds(1);
    let g = sweep(&mut m, t0() + Duration::seconds(16));
    let errors = [
        (ProbeState::Timeout, "no answer within 5s"),
        (ProbeState::Unreachable, "connection refused (os error 111)"),
        (ProbeState::HttpError, "HTTP 503 Service Unavailable"),
        (ProbeState::NoEndpoint, "HTTP 404: no /__version__ endpoint"),
        (ProbeState::Invalid, "body larger than 64 KiB"),
    ];
    for (i, name) in NAMES.iter().enumerate() {
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed {
                generation: g,
                service: i,
                env: 0,
                probe: ok("2026.11.26", name, Heartbeat::Ok, at),
            }),
        );
        let prod = match errors.get(i) {
            Some((state, msg)) => testkit::failed(*state, msg, at),
            None => ok("2026.11.26", name, Heartbeat::Ok, at),
        };
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: g, service: i, env: 1, probe: prod }));
    }
    update(&mut m, Msg::Tick(t0() + Duration::seconds(18)));
    m
}

fn draw(m: &Model, w: u16, h: u16, theme: &Theme) -> Buffer {
    draw_with(m, w, h, theme, &Keymap::default())
}

fn draw_with(m: &Model, w: u16, h: u16, theme: &Theme, keymap: &Keymap) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ctx = RenderCtx { theme, keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let mut view = ViewState::default();
    term.draw(|f| render(f, m, &mut view, &ctx)).unwrap();
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    testkit::buffer_text(buf)
}

#[test]
fn snapshots_at_three_sizes() {
    let theme = Theme::default();
    for (state, m) in [("loading", loading()), ("ready", ready()), ("failed", failing())] {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            insta::assert_snapshot!(format!("{state}_{w}x{h}"), text(&draw(&m, w, h, &theme)));
        }
    }
}

#[test]
fn help_and_zoom_snapshots() {
    let theme = Theme::default();
    let mut m = ready();
    update(&mut m, Msg::Action(Action::ToggleHelp));
    insta::assert_snapshot!("help_120x40", text(&draw(&m, 120, 40, &theme)));
    // Too short for every key: as many as fit, and how many are missing.
    insta::assert_snapshot!("help_80x24", text(&draw(&m, 80, 24, &theme)));
    update(&mut m, Msg::Action(Action::Cancel));
    update(&mut m, Msg::Action(Action::ToggleZoom));
    insta::assert_snapshot!("zoom_rollout_120x40", text(&draw(&m, 120, 40, &theme)));
}

fn find(buf: &Buffer, needle: &str) -> Vec<(u16, u16)> {
    let mut hits = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            if buf[(x, y)].symbol() == needle {
                hits.push((x, y));
            }
        }
    }
    hits
}

#[test]
fn colour_carries_meaning_in_every_theme() {
    for name in ["dark", "light", "high-contrast"] {
        let theme = Theme::builtin(name).unwrap();
        let buf = draw(&failing(), 120, 40, &theme);
        let errors = find(&buf, "✖");
        assert_eq!(errors.len(), 5, "{name}: five failing prod cells");
        for (x, y) in errors {
            assert_eq!(buf[(x, y)].fg, theme.error.fg.unwrap(), "{name}: error glyph at {x},{y}");
        }
        let on_target = find(&buf, "●");
        assert!(on_target.len() >= 8, "{name}: stage is on target");
        for (x, y) in on_target {
            assert_eq!(buf[(x, y)].fg, theme.ok.fg.unwrap(), "{name}: on-target glyph at {x},{y}");
        }
        let buf = draw(&ready(), 120, 40, &theme);
        let warn = find(&buf, "!");
        assert!(warn.iter().any(|&(x, y)| buf[(x, y)].fg == theme.warn.fg.unwrap()), "{name}: heartbeat warning");
        for (x, y) in find(&buf, "○") {
            assert_eq!(buf[(x, y)].fg, theme.other.fg.unwrap(), "{name}: other-version glyph");
        }
    }
}

#[test]
fn no_panic_at_any_small_size() {
    let theme = Theme::default();
    let mut states = vec![loading(), ready(), failing()];
    let mut zoomed = failing();
    update(&mut zoomed, Msg::Action(Action::ToggleZoom));
    states.push(zoomed);
    let mut help = ready();
    update(&mut help, Msg::Action(Action::ToggleHelp));
    states.push(help);
    for m in &states {
        for w in 1..=20 {
            for h in 1..=5 {
                draw(m, w, h, &theme);
            }
        }
        for (w, h) in [(59, 15), (60, 14), (60, 15), (61, 16), (70, 18), (300, 100)] {
            draw(m, w, h, &theme);
        }
    }
    let small = text(&draw(&ready(), 40, 10, &theme));
    assert!(small.contains("terminal too small: 40x10"), "{small}");
}

#[test]
fn selection_scrolls_through_many_services() {
    let theme = Theme::default();
    let mut m = ready();
    update(&mut m, Msg::Action(Action::SelectLast));
    let screen = text(&draw(&m, 120, 40, &theme));
    assert!(screen.contains("▸ addons-cdn"), "{screen}");
}

/// The screen's last row.
fn footer(buf: &Buffer) -> String {
    text(buf).lines().last().unwrap_or_default().to_string()
}

#[test]
fn footer_hints_are_whole_at_every_width() {
    let theme = Theme::default();
    let m = ready();
    let full = footer(&draw(&m, 200, 40, &theme));
    assert!(full.ends_with("↑ up   1-5 panes"), "{full}");
    for w in 60..=200 {
        let f = footer(&draw(&m, w, 24, &theme));
        assert!(full.starts_with(&f), "{w}: {f}");
        assert!(full.len() == f.len() || full[f.len()..].starts_with("   "), "{w}: a hint cut: {f}");
        if unicode_width::UnicodeWidthStr::width(full.as_str()) <= w as usize {
            assert_eq!(f, full, "{w}: everything fits");
        }
    }
}

#[test]
fn the_pane_keys_hint_follows_the_keymap() {
    let theme = Theme::default();
    let m = ready();
    let moved = Keymap::with_overrides(&[("focus_log".into(), vec!["f9".into()])]).unwrap();
    let f = footer(&draw_with(&m, 200, 40, &theme, &moved));
    assert!(!f.contains("1-5") && !f.contains("panes"), "{f}");
    let quit = Keymap::with_overrides(&[("quit".into(), vec!["Q".into()])]).unwrap();
    let f = footer(&draw_with(&m, 200, 40, &theme, &quit));
    assert!(f.starts_with(" Q quit") && f.ends_with("1-5 panes"), "{f}");
}

#[test]
fn the_selected_row_is_readable_in_every_theme() {
    for name in ["dark", "light", "high-contrast"] {
        let theme = Theme::builtin(name).unwrap();
        let buf = draw(&failing(), 120, 40, &theme);
        // The rollout's selected row: a `▸` followed by a service name (the
        // header and the checklist use `▸` for the current phase).
        let rows: Vec<_> = find(&buf, "▸")
            .into_iter()
            .filter(|&(x, y)| buf[(x + 1, y)].symbol() == " " && buf[(x + 2, y)].symbol() == "a")
            .collect();
        let &[(x0, y)] = rows.as_slice() else { panic!("{name}: one selected row") };
        let mut checked = 0;
        for x in x0..buf.area.width - 1 {
            let cell = &buf[(x, y)];
            if cell.symbol().trim().is_empty() {
                continue;
            }
            checked += 1;
            let fg = cell.fg;
            assert_ne!(fg, cell.bg, "{name}: `{}` at {x},{y} drawn in its background colour", cell.symbol());
            if name == "high-contrast" {
                assert_ne!(fg, ratatui::style::Color::Black, "{name}: black text at {x},{y}");
                assert_ne!(cell.bg, ratatui::style::Color::White, "{name}: white selection at {x},{y}");
            }
        }
        assert!(checked > 20, "{name}: the row has text");
    }
}

#[test]
fn help_is_grouped_lists_the_commands_and_scrolls_at_every_height() {
    let theme = Theme::default();
    let mut m = ready();
    update(&mut m, Msg::Action(Action::ToggleHelp));
    let rows = shipdeck::domain::view::help::rows().len();
    for h in 15..=40 {
        let screen = text(&draw(&m, 80, h, &theme));
        // Body rows minus the header, footer, the help box's border and
        // the line saying where the window is.
        let shown = h as usize - 2 - 2 - 1;
        if rows <= shown {
            assert!(screen.contains("Keys are set in the config") && !screen.contains("below ·"), "{h}");
        } else {
            let below = rows - shown;
            assert!(screen.contains(&format!(" 0 above · {below} below · ↓/↑/pgdn scroll")), "{h}: {screen}");
        }
    }
    let screen = text(&draw(&m, 80, 24, &theme));
    assert!(screen.contains("▸ Everywhere"), "the selected row is marked: {screen}");
    // Down the list: the pane's keys, dialogs, the composer, its commands.
    // Each comes into view within a few pages, in this order.
    for wanted in ["tick or untick the selected item", "Dialogs", "/blocker TEXT"] {
        let mut pages = 0;
        while !text(&draw(&m, 80, 24, &theme)).contains(wanted) {
            assert!(pages < 4, "{wanted} within 4 pages: {}", text(&draw(&m, 80, 24, &theme)));
            update(&mut m, Msg::Action(Action::PageDown));
            pages += 1;
        }
    }
    update(&mut m, Msg::Action(Action::SelectLast));
    let screen = text(&draw(&m, 80, 24, &theme));
    assert!(screen.contains("/help") && screen.contains(" 0 below ·"), "{screen}");
    update(&mut m, Msg::Action(Action::Cancel));
    update(&mut m, Msg::Action(Action::ToggleHelp));
    assert!(text(&draw(&m, 80, 24, &theme)).contains(" 0 above ·"), "reopened at the top");
}

/// What the bottom of the Rollout pane says of the selected service, its
/// wrapped lines (each starting with one space) joined.
fn detail(buf: &Buffer) -> String {
    let screen = text(buf);
    let lines: Vec<&str> = screen.lines().collect();
    let bottom = lines.iter().position(|l| l.contains("┗")).expect("rollout pane bottom");
    let pane = |l: &str| l.split('┃').nth(1).unwrap_or("").trim_end().to_string();
    let detail_line = |l: &String| l.starts_with(' ') && !l.starts_with("  ");
    let first = (0..bottom).rev().take_while(|&i| detail_line(&pane(lines[i]))).last().expect("a detail line");
    (first..bottom).map(|i| pane(lines[i])).collect::<Vec<_>>().join("")
}

#[test]
fn the_detail_line_explains_a_heartbeat_warning() {
    let theme = Theme::default();
    let mut m = ready();
    // addons-frontend: stage behind (not failing), prod on target but warning.
    let at = t0();
    let g = sweep(&mut m, at + Duration::seconds(16));
    for (i, name) in NAMES.iter().enumerate() {
        let stage = if i == 1 { "2026.11.19" } else { "2026.11.26" };
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed {
                generation: g,
                service: i,
                env: 0,
                probe: ok(stage, name, Heartbeat::Ok, at),
            }),
        );
        let hb = if i == 1 { Heartbeat::Warning } else { Heartbeat::Ok };
        update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed {
                generation: g,
                service: i,
                env: 1,
                probe: ok("2026.11.26", name, hb, at),
            }),
        );
    }
    update(&mut m, Msg::Action(Action::SelectNext));
    let line = detail(&draw(&m, 120, 40, &theme));
    assert!(line.contains("addons-frontend · prod: 2026.11.26") && line.contains("heartbeat warning"), "{line}");
}

/// addons-blog's prod answers alternate between the old and the new tag.
fn mixed() -> Model {
    let mut m = ready();
    let mut at = t0();
    for v in ["2026.11.26", "2026.11.19", "2026.11.26"] {
        at += Duration::seconds(16);
        let g = sweep(&mut m, at);
        for (i, name) in NAMES.iter().enumerate() {
            update(
                &mut m,
                Msg::Rollout(RolloutMsg::Probed {
                    generation: g,
                    service: i,
                    env: 0,
                    probe: ok("2026.11.26", name, Heartbeat::Ok, at),
                }),
            );
            let prod = if i == 4 {
                v
            } else if i < 4 {
                "2026.11.26"
            } else {
                "2026.11.19"
            };
            update(
                &mut m,
                Msg::Rollout(RolloutMsg::Probed {
                    generation: g,
                    service: i,
                    env: 1,
                    probe: ok(prod, name, Heartbeat::Ok, at),
                }),
            );
        }
    }
    update(&mut m, Msg::Tick(at + Duration::seconds(1)));
    m
}

#[test]
fn a_mixed_cell_is_labelled_and_a_failure_outranks_it() {
    let theme = Theme::default();
    let mut m = mixed();
    assert!(m.rollout.cell(4, 1).unwrap().mixed.is_some());
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = text(&draw(&m, w, h, &theme));
        let row = screen.lines().find(|l| l.contains("◐")).unwrap_or_else(|| panic!("{w}x{h}: {screen}"));
        assert!(row.contains("◐ mixed ") && !row.contains("mixed versions"), "{row}");
    }
    for _ in 0..4 {
        update(&mut m, Msg::Action(Action::SelectNext));
    }
    let line = detail(&draw(&m, 120, 40, &theme));
    assert!(line.contains("serves 2026.11.26 and 2026.11.19 alternately"), "{line}");

    let at = m.now + Duration::seconds(16);
    let g = sweep(&mut m, at);
    update(
        &mut m,
        Msg::Rollout(RolloutMsg::Probed {
            generation: g,
            service: 4,
            env: 1,
            probe: testkit::failed(ProbeState::Timeout, "no answer within 5s", at),
        }),
    );
    update(&mut m, Msg::Tick(at + Duration::seconds(1)));
    let screen = text(&draw(&m, 120, 40, &theme));
    assert!(!screen.contains("◐"), "{screen}");
    assert!(screen.contains("✖ timeout") && screen.contains("1 failing"), "{screen}");
}

#[test]
fn the_rollout_title_shows_sub_second_intervals() {
    let theme = Theme::default();
    let mut m = model();
    m.rollout.poll_interval = std::time::Duration::from_millis(400);
    sweep(&mut m, t0() - Duration::seconds(2));
    update(&mut m, Msg::Tick(t0()));
    let screen = text(&draw(&m, 120, 40, &theme));
    assert!(screen.contains("polling 16 · every 400ms"), "{screen}");
    let screen = text(&draw(&loading(), 120, 40, &theme));
    assert!(screen.contains("polling 16 · every 15s"), "{screen}");
}

#[test]
fn an_unsaved_session_says_so_in_the_header() {
    let theme = Theme::default();
    let mut m = ready();
    update(
        &mut m,
        Msg::Journal(JournalMsg::Failed { error: "journal /ro/j.jsonl: cannot write to it".into(), at: t0() }),
    );
    let screen = text(&draw(&m, 120, 40, &theme));
    let header = screen.lines().next().unwrap();
    assert!(header.contains("NOT SAVED"), "{header}");
    assert!(m.log.entries.back().unwrap().text.ends_with("this session is not being saved"));
}
