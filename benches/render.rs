//! Full-screen render of the cockpit: 500 services x (stage, prod), every
//! cell answered (mostly on target, some on the old tag, some timed out, a few
//! heartbeat warnings) and ~200 log entries, drawn into a `TestBackend`.
//!
//! `cargo bench --bench render`. Target: under 2 ms per frame at 200x60.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shipdeck::domain::rollout::msg::{RolloutEffect, RolloutMsg};
use shipdeck::domain::{Effect, Heartbeat, LogKind, Model, Msg, Probe, ProbeState, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{self, RenderCtx, Theme, ViewState};
use std::hint::black_box;

const SERVICES: usize = 500;
const LOG_ENTRIES: usize = 200;
const NEW: &str = "2026.11.26";
const OLD: &str = "2026.11.19";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap()
}

fn commit(service: usize, version: &str) -> String {
    shipdeck::demo::story::commit_for(&format!("svc{service}"), version)
}

fn ok(service: usize, version: &str, heartbeat: Heartbeat, at: DateTime<Utc>) -> Probe {
    testkit::ok(version, &commit(service, version), heartbeat, at)
}

fn timeout(at: DateTime<Utc>) -> Probe {
    testkit::failed(ProbeState::Timeout, "no answer within 5s", at)
}

/// What endpoint (service, env) answers in sweep `round` (0 or 1).
fn answer(service: usize, env: usize, round: usize, at: DateTime<Utc>) -> Probe {
    let prod = env == 1;
    // ~3% of the endpoints time out in the last sweep.
    if round == 1 && ((prod && service % 25 == 7) || (!prod && service % 40 == 13)) {
        return timeout(at);
    }
    // Prod starts a quarter on the new tag; in the second sweep another
    // quarter switches (a logged change) and the rest stays on the old tag.
    let version = if !prod || service.is_multiple_of(4) || (round == 1 && service % 4 == 1) { NEW } else { OLD };
    // A few heartbeat warnings appear in the second sweep (logged too).
    let heartbeat = if round == 1 && prod && service % 20 == 3 { Heartbeat::Warning } else { Heartbeat::Ok };
    ok(service, version, heartbeat, at)
}

fn sweep(model: &mut Model, round: usize, at: DateTime<Utc>) {
    let effects = update(model, Msg::Tick(at));
    for effect in effects {
        let Effect::Rollout(RolloutEffect::Poll { generation, targets }) = effect else { continue };
        for t in targets {
            let probe = answer(t.service, t.env, round, at + Duration::milliseconds(40));
            update(model, Msg::Rollout(RolloutMsg::Probed { generation, service: t.service, env: t.env, probe }));
        }
    }
}

fn model() -> Model {
    let mut m = testkit::model(&shipdeck::demo::service_names(SERVICES), t0());
    sweep(&mut m, 0, t0());
    sweep(&mut m, 1, t0() + Duration::seconds(15));
    // Top the timeline up to ~200 entries with older events, oldest first.
    let organic = m.log.entries.len();
    for i in 0..LOG_ENTRIES.saturating_sub(organic) {
        let at = t0() - Duration::seconds(30 * (LOG_ENTRIES - i) as i64);
        let text = format!("stage · service-{:03} {OLD} -> {NEW} ({})", i + 1, &commit(i, NEW)[..7]);
        m.push_log(at, LogKind::Version, text);
    }
    // Keep the newest entries at the bottom, as the app would.
    m.log.entries.make_contiguous().sort_by_key(|e| e.at);
    m
}

fn draw(terminal: &mut Terminal<TestBackend>, model: &Model, view: &mut ViewState, ctx: &RenderCtx) {
    terminal.draw(|frame| ui::render(frame, black_box(model), view, ctx)).expect("TestBackend cannot fail");
}

fn bench(c: &mut Criterion) {
    let model = model();
    let on_target = model.rollout.progress(1).on_target;
    let errors = model.rollout.progress(0).errors + model.rollout.progress(1).errors;
    let warnings = model
        .rollout
        .services
        .iter()
        .flat_map(|s| s.cells.iter().flatten())
        .filter(|c| c.heartbeat == Heartbeat::Warning)
        .count();
    eprintln!(
        "model: {} services x 2 envs, prod {on_target}/{SERVICES} on target, {errors} failing, {warnings} heartbeat warnings, {} log entries",
        model.rollout.services.len(),
        model.log.entries.len()
    );

    let theme = Theme::default();
    let keymap = Keymap::default();
    let ctx = RenderCtx {
        theme: &theme,
        keymap: &keymap,
        now: t0() + Duration::seconds(17),
        tz: FixedOffset::east_opt(0).unwrap(),
    };

    let mut group = c.benchmark_group("render");
    for (w, h) in [(200, 60), (120, 40)] {
        group.bench_function(format!("full_{w}x{h}"), |b| {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            let mut view = ViewState::default();
            b.iter(|| draw(&mut terminal, &model, &mut view, &ctx));
        });
    }

    let mut last = model.clone();
    last.view.selected = SERVICES - 1;
    group.bench_function("last_row_200x60", |b| {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
        let mut view = ViewState::default();
        draw(&mut terminal, &last, &mut view, &ctx);
        assert!(view.rollout_offset > 0, "the table scrolled to the last row");
        b.iter(|| draw(&mut terminal, &last, &mut view, &ctx));
    });
    // Worst case for the backend: every cell differs from the last frame
    // (as after a resize), so the diff hands all 12,000 cells to the backend.
    group.bench_function("full_200x60_repaint", |b| {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
        let mut view = ViewState::default();
        b.iter(|| {
            terminal.clear().expect("TestBackend cannot fail");
            draw(&mut terminal, &model, &mut view, &ctx);
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
