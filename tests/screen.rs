//! The full screen through ratatui's TestBackend: snapshots at three sizes in
//! loading, ready and failed states, colour where colour carries meaning, and
//! no panic at any tiny size.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::action::Action;
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
        [Effect::Poll { generation, .. }] => *generation,
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
            Msg::Probed { generation: g, service: i, env: 0, probe: ok("2026.11.26", name, Heartbeat::Ok, first) },
        );
        update(
            &mut m,
            Msg::Probed { generation: g, service: i, env: 1, probe: ok("2026.11.19", name, Heartbeat::Ok, first) },
        );
    }
    let second = t0() - Duration::seconds(4);
    let g = sweep(&mut m, second);
    for (i, name) in NAMES.iter().enumerate() {
        let prod = if i < 4 { "2026.11.26" } else { "2026.11.19" };
        let hb = if i == 1 { Heartbeat::Warning } else { Heartbeat::Ok };
        update(
            &mut m,
            Msg::Probed { generation: g, service: i, env: 0, probe: ok("2026.11.26", name, Heartbeat::Ok, second) },
        );
        update(&mut m, Msg::Probed { generation: g, service: i, env: 1, probe: ok(prod, name, hb, second) });
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
            Msg::Probed { generation: g, service: i, env: 0, probe: ok("2026.11.26", name, Heartbeat::Ok, at) },
        );
        let prod = match errors.get(i) {
            Some((state, msg)) => testkit::failed(*state, msg, at),
            None => ok("2026.11.26", name, Heartbeat::Ok, at),
        };
        update(&mut m, Msg::Probed { generation: g, service: i, env: 1, probe: prod });
    }
    update(&mut m, Msg::Tick(t0() + Duration::seconds(18)));
    m
}

fn draw(m: &Model, w: u16, h: u16, theme: &Theme) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let keymap = Keymap::default();
    let ctx = RenderCtx { theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let mut view = ViewState::default();
    term.draw(|f| render(f, m, &mut view, &ctx)).unwrap();
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
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
