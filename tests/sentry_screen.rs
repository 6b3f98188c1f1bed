//! The Sentry pane through ratatui's TestBackend: calm, spike (with new
//! issues and the push and prod version changes marked), rate limited and
//! unauthorized, in the grid and zoomed; colour on the verdicts.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::domain::journal::{Event, EventActor, EventKind};
use shipdeck::domain::model::{Pane, Role};
use shipdeck::domain::sentry::{
    BUCKET_SECS, Bucket, Fetched, NewIssue, ProjectSpec, RateLimit, SentryError, SentrySpec, SentryState,
};
use shipdeck::domain::{Model, Msg, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

fn push() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 2, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    push() + Duration::minutes(28)
}

fn model() -> Model {
    let mut m = testkit::model(&["addons-server", "addons-frontend"], now());
    m.sentry = Some(SentryState::new(SentrySpec {
        url: "https://sentry.example.org".into(),
        org: "mozilla".into(),
        environment: Some("production".into()),
        projects: ["addons-server", "addons-frontend"]
            .map(|s| ProjectSpec { slug: s.into(), service: Some(s.into()) })
            .to_vec(),
        interval: std::time::Duration::from_secs(60),
        push_interval: std::time::Duration::from_secs(20),
        spike_ratio: 2.0,
        min_count: 20,
    }));
    m.focus = Pane::Sentry;
    let ev = |id: &str, at, kind| Event {
        v: 1,
        id: id.into(),
        at,
        replica: String::new(),
        seq: 0,
        actor: EventActor { name: "rita".into(), role: Role::Rm },
        kind,
    };
    m.apply_events(&[
        ev("s", push(), EventKind::PushStarted),
        ev(
            "v",
            push() + Duration::minutes(12),
            EventKind::VersionChanged {
                env: "prod".into(),
                service: "addons-server".into(),
                from: "2026.11.19".into(),
                to: "2026.11.26".into(),
                commit: None,
            },
        ),
    ]);
    m
}

/// Six hours of buckets up to now: `quiet` per bucket, `after` from 15
/// minutes after the push.
fn series(quiet: u64, after: u64) -> Vec<Bucket> {
    let end = now().timestamp() - now().timestamp().rem_euclid(BUCKET_SECS);
    let rise = (push() + Duration::minutes(15)).timestamp();
    (0..72)
        .map(|i| {
            let at = end - (71 - i) * BUCKET_SECS;
            let wobble = (i as u64 * 7) % 3;
            Bucket { at, count: Some(if at >= rise { after } else { quiet + wobble }) }
        })
        .collect()
}

fn issue(n: u32, title: &str, count: u64) -> NewIssue {
    NewIssue {
        short_id: format!("ADDONS-SERVER-1K{n}"),
        title: title.into(),
        count,
        first_seen: push() + Duration::minutes(16),
        permalink: format!("https://sentry.example.org/organizations/mozilla/issues/46129{n}/"),
        level: if n == 7 { "error".into() } else { "warning".into() },
    }
}

fn fetched(m: &mut Model, project: usize, result: Result<Fetched, SentryError>, rate: Option<RateLimit>) {
    update(m, Msg::SentryFetched { project, result, rate, at: now() });
}

fn rate() -> Option<RateLimit> {
    Some(RateLimit {
        limit: Some(40),
        remaining: Some(31),
        reset: Some(now() + Duration::seconds(1)),
        ..Default::default()
    })
}

fn draw(m: &Model, w: u16, h: u16) -> Buffer {
    let theme = Theme::default();
    let keymap = Keymap::default();
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
    term.backend().buffer().clone()
}

fn zoomed(m: &Model) -> String {
    let mut z = m.clone();
    z.zoomed = true;
    testkit::buffer_text(&draw(&z, 110, 20))
}

fn calm_and_spike() -> Model {
    let mut m = model();
    let spike = Fetched {
        series: series(2, 11),
        week_ago: Vec::new(),
        issues: vec![
            issue(7, "KeyError: 'promoted'", 31),
            issue(8, "OperationalError: (1205, 'Lock wait timeout exceeded')", 12),
        ],
    };
    fetched(&mut m, 0, Ok(spike), rate());
    fetched(&mut m, 1, Ok(Fetched { series: series(3, 3), week_ago: Vec::new(), issues: Vec::new() }), rate());
    m
}

#[test]
fn calm_and_spike_zoomed_and_in_the_grid() {
    let m = calm_and_spike();
    insta::assert_snapshot!("sentry_spike_and_calm_zoomed", zoomed(&m));
    insta::assert_snapshot!("sentry_grid_120x40", testkit::buffer_text(&draw(&m, 120, 40)));
    let log: Vec<&str> = m.log.iter().map(|l| l.text.as_str()).collect();
    assert!(
        log.iter().any(|l| l.starts_with("Sentry: addons-server errors") && l.contains("baseline since the push")),
        "{log:?}"
    );
}

#[test]
fn rate_limited_and_unauthorized() {
    let mut m = model();
    let until = now() + Duration::seconds(95);
    fetched(&mut m, 0, Err(SentryError::RateLimited { until: Some(until) }), None);
    fetched(&mut m, 1, Err(SentryError::Unauthorized { status: 403 }), None);
    let text = zoomed(&m);
    assert!(text.contains("rate limited until 15:31:35"), "{text}");
    assert!(text.contains("token rejected / missing scope"), "{text}");
    insta::assert_snapshot!("sentry_rate_limited_and_unauthorized", text);
}

#[test]
fn verdict_colours() {
    let m = calm_and_spike();
    let mut z = m.clone();
    z.zoomed = true;
    let buf = draw(&z, 110, 20);
    let theme = Theme::default();
    let text = testkit::buffer_text(&buf);
    let at = |needle: &str| {
        let (y, line) = text.lines().enumerate().find(|(_, l)| l.contains(needle)).unwrap();
        let x = line[..line.find(needle).unwrap()].chars().count() as u16;
        buf[(x, y as u16)].fg
    };
    assert_eq!(at("✖ SPIKE"), theme.error.fg.unwrap());
    assert_eq!(at("✓ calm"), theme.ok.fg.unwrap());
}

#[test]
fn no_size_breaks_the_pane() {
    let m = calm_and_spike();
    let mut z = m.clone();
    z.zoomed = true;
    for w in (1..=130).step_by(3) {
        for h in (1..=45).step_by(2) {
            draw(&m, w, h);
            draw(&z, w, h);
        }
    }
}
