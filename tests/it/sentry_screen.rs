//! The Sentry pane through ratatui's TestBackend: calm, spike (with new
//! issues, a regression, and the push and prod version changes marked), rate
//! limited, a rejected token and a project out of reach, in the grid and
//! zoomed; which endpoint answered, on screen and in `status --json`; colour
//! on the verdicts; and any numbers a server may send, through the client's
//! parsing, the analysis, the pane and the report, without a panic or an
//! absurd number shown.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use shipdeck::domain::journal::{Event, EventActor, EventKind};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::domain::sentry::analysis::series_start;
use shipdeck::domain::sentry::msg::SentryMsg;
use shipdeck::domain::sentry::report::SentryReport;
use shipdeck::domain::sentry::{
    BUCKET_SECS, Bucket, Fetched, MAX_INTERVAL_SECS, NewIssue, RateLimit, SentryError, SentryState, StatsEndpoint,
};
use shipdeck::domain::view::pane::Pane;
use shipdeck::domain::{Model, Msg, update};
use shipdeck::io::sentry::{parse_stats, parse_timeseries};
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
    m.sentry = Some(SentryState::new(testkit::sentry_spec(
        "https://sentry.example.org",
        "mozilla",
        Some("production"),
        &["addons-server", "addons-frontend"],
    )));
    m.view.focus = Pane::Sentry;
    let ev = |id: &str, at, kind| Event {
        committer: None,
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

/// Six hours of buckets up to now, as Sentry answers them: `quiet` per
/// bucket, `after` from 10 minutes after the push, and the bucket holding
/// now (it starts now: nothing in it yet).
fn series(quiet: u64, after: u64) -> Vec<Bucket> {
    let end = now().timestamp() - now().timestamp().rem_euclid(BUCKET_SECS);
    let rise = (push() + Duration::minutes(10)).timestamp();
    (0..72)
        .map(|i| {
            let at = end - (71 - i) * BUCKET_SECS;
            let wobble = (i as u64 * 7) % 3;
            let count = if at >= now().timestamp() {
                0
            } else if at >= rise {
                after
            } else {
                quiet + wobble
            };
            Bucket { at, count: Some(count), incomplete: at + BUCKET_SECS >= now().timestamp() - 90 }
        })
        .collect()
}

fn issue(n: u32, title: &str, count: u64) -> NewIssue {
    NewIssue {
        short_id: format!("ADDONS-SERVER-1K{n}"),
        title: title.into(),
        count,
        first_seen: push() + Duration::minutes(16),
        last_seen: Some(now()),
        permalink: format!("https://sentry.example.org/organizations/mozilla/issues/46129{n}/"),
        level: if n == 7 { "error".into() } else { "warning".into() },
        regressed_at: None,
    }
}

/// An issue first seen weeks ago that came back after the push.
fn regression() -> NewIssue {
    NewIssue {
        short_id: "ADDONS-SERVER-Z3".into(),
        title: "OperationalError: (1213, 'Deadlock found when trying to get lock')".into(),
        count: 1840,
        first_seen: push() - Duration::days(23),
        last_seen: Some(now()),
        permalink: "https://sentry.example.org/organizations/mozilla/issues/4400118202/".into(),
        level: "error".into(),
        regressed_at: Some(push() + Duration::minutes(14)),
    }
}

fn data(series: Vec<Bucket>, issues: Vec<NewIssue>, regressions: Vec<NewIssue>, endpoint: StatsEndpoint) -> Fetched {
    Fetched {
        series,
        interval: BUCKET_SECS,
        until: now().timestamp(),
        week_ago: Vec::new(),
        issues,
        regressions,
        endpoint,
    }
}

fn fetched(m: &mut Model, project: usize, result: Result<Fetched, SentryError>, rate: Option<RateLimit>) {
    update(m, Msg::Sentry(SentryMsg::Fetched { project, result, rate, at: now() }));
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
    z.view.zoomed = true;
    testkit::buffer_text(&draw(&z, 110, 20))
}

fn calm_and_spike() -> Model {
    let mut m = model();
    let spike = data(
        series(2, 11),
        vec![
            issue(7, "KeyError: 'promoted'", 31),
            issue(8, "OperationalError: (1205, 'Lock wait timeout exceeded')", 12),
        ],
        vec![regression()],
        StatsEndpoint::Timeseries,
    );
    fetched(&mut m, 0, Ok(spike), rate());
    fetched(&mut m, 1, Ok(data(series(3, 3), Vec::new(), Vec::new(), StatsEndpoint::Timeseries)), rate());
    m
}

#[test]
fn calm_and_spike_zoomed_and_in_the_grid() {
    let m = calm_and_spike();
    insta::assert_snapshot!("sentry_spike_and_calm_zoomed", zoomed(&m));
    insta::assert_snapshot!("sentry_grid_120x40", testkit::buffer_text(&draw(&m, 120, 40)));
    let log: Vec<&str> = m.log.entries.iter().map(|l| l.text.as_str()).collect();
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
    fetched(
        &mut m,
        1,
        Err(SentryError::ProjectForbidden { project: "addons-frontend".into(), has_access: Some(false) }),
        None,
    );
    let text = zoomed(&m);
    assert!(text.contains("rate limited until 15:31:35"), "{text}");
    assert!(text.contains("no access to project `addons-frontend`"), "{text}");
    insta::assert_snapshot!("sentry_rate_limited_and_no_access", text);
    fetched(&mut m, 1, Err(SentryError::TokenRejected), None);
    let text = zoomed(&m);
    assert!(text.contains("token rejected (invalid, expired or revoked): HTTP 401"), "{text}");
}

#[test]
fn verdict_colours() {
    let m = calm_and_spike();
    let mut z = m.clone();
    z.view.zoomed = true;
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
    z.view.zoomed = true;
    for w in (1..=130).step_by(3) {
        for h in (1..=45).step_by(2) {
            draw(&m, w, h);
            draw(&z, w, h);
        }
    }
}

#[test]
fn regressions_are_marked_and_the_endpoint_is_named() {
    let m = calm_and_spike();
    let text = zoomed(&m);
    let line = text.lines().find(|l| l.contains("ADDONS-SERVER-Z3")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("ADDONS-SERVER-Z3 ↺ regressed ×1840"), "{line}");
    assert!(text.contains("via events-timeseries"), "{text}");
    // Narrow: selected, it shows with its mark, its title wrapped below.
    let mut selected = m.clone();
    selected.view.sentry_selected = 2;
    let grid = testkit::buffer_text(&draw(&selected, 80, 24));
    assert!(grid.contains("▸ ADDONS-SERVER-Z3 ↺"), "{grid}");

    // A Sentry without events-timeseries says so.
    let mut old = model();
    let d = data(series(3, 3), Vec::new(), Vec::new(), StatsEndpoint::EventsStats);
    fetched(&mut old, 0, Ok(d.clone()), None);
    fetched(&mut old, 1, Ok(d), None);
    assert!(zoomed(&old).contains("via events-stats (no events-timeseries here)"), "{}", zoomed(&old));

    // And status --json names it per project, with the regressions.
    let report = serde_json::to_value(SentryReport::from_model(&m).unwrap()).unwrap();
    let p = &report["projects"][0];
    assert_eq!(p["endpoint"], "events-timeseries");
    assert_eq!(p["interval"], 300);
    assert_eq!(p["until"], now().timestamp());
    assert_eq!(p["regressions"][0]["short_id"], "ADDONS-SERVER-Z3");
    assert_eq!(p["regressions"][0]["regressed_at"], "2026-11-26T15:16:00Z");
    assert_eq!(p["new_issues"].as_array().map(Vec::len), Some(2));
    let old = serde_json::to_value(SentryReport::from_model(&old).unwrap()).unwrap();
    assert_eq!(old["projects"][1]["endpoint"], "events-stats");
    let none = serde_json::to_value(SentryReport::from_model(&model()).unwrap()).unwrap();
    assert!(none["projects"][0]["endpoint"].is_null());
}

// ---------------------------------------------------------------------------
// Any numbers a server may send.

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() }
}

/// The window the client asks at `now()` for the push.
fn window() -> (i64, i64) {
    (series_start(push(), now()), now().timestamp())
}

/// A number as JSON text: any size and sign, or one near what Sentry sends
/// (`unit` to a second: 1000 for milliseconds).
fn number(near: i64, unit: i64) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_filter("JSON has no NaN or infinity", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (-600i64..600).prop_map(move |k| ((near + k * 60) * unit).to_string()),
        (0i64..80).prop_map(move |k| ((near + k * BUCKET_SECS) * unit).to_string()),
        Just("null".to_string()),
        Just("1e308".to_string()),
        Just("-0.0".to_string()),
    ]
}

/// A count as JSON text.
fn count() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..10_000).prop_map(|n| n.to_string()),
        any::<f64>().prop_filter("JSON has no NaN or infinity", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("null".to_string()),
    ]
}

/// Any i64, often at either end.
fn extreme() -> impl Strategy<Value = i64> {
    prop_oneof![any::<i64>(), (i64::MAX - 1_000)..=i64::MAX, i64::MIN..(i64::MIN + 1_000)]
}

/// Whatever parsed is drawn and reported: every width and height tried,
/// the interval in `status --json` one Sentry may answer with.
fn shown_and_reported(series: Vec<Bucket>, interval: i64, endpoint: StatsEndpoint) {
    let (from, to) = window();
    assert!((BUCKET_SECS..=MAX_INTERVAL_SECS).contains(&interval) && interval % BUCKET_SECS == 0, "{interval}");
    assert!(series.iter().all(|b| b.at > from - interval && b.at <= to), "{series:?}");
    assert!(series.windows(2).all(|p| p[0].at < p[1].at), "{series:?}");
    let d = Fetched {
        series: series.clone(),
        interval,
        until: to,
        week_ago: series,
        ..data(Vec::new(), Vec::new(), Vec::new(), endpoint)
    };
    let mut m = model();
    fetched(&mut m, 0, Ok(d.clone()), rate());
    fetched(&mut m, 1, Ok(d), None);
    for (w, h) in [(120, 40), (80, 24), (30, 8)] {
        draw(&m, w, h);
    }
    zoomed(&m);
    let report = serde_json::to_value(SentryReport::from_model(&m).unwrap()).unwrap();
    assert_eq!(report["projects"][0]["interval"], interval);
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_timeseries_answer_is_refused_or_safe_to_show(
        interval in number(BUCKET_SECS, 1000),
        rows in proptest::collection::vec(
            (number(window().0, 1000), count(), proptest::option::of(any::<bool>())), 0..24),
    ) {
        let values: Vec<String> = rows
            .iter()
            .map(|(t, v, incomplete)| match incomplete {
                Some(i) => format!(r#"{{"timestamp":{t},"value":{v},"incomplete":{i}}}"#),
                None => format!(r#"{{"timestamp":{t},"value":{v}}}"#),
            })
            .collect();
        let body = format!(
            r#"{{"timeSeries":[{{"yAxis":"count()","meta":{{"interval":{interval}}},"values":[{}]}}]}}"#,
            values.join(",")
        );
        match parse_timeseries(body.as_bytes(), window()) {
            Ok((series, interval)) => shown_and_reported(series, interval, StatsEndpoint::Timeseries),
            Err(message) => prop_assert!(!message.to_string().is_empty()),
        }
    }

    #[test]
    fn any_events_stats_answer_is_refused_or_safe_to_show(
        rows in proptest::collection::vec((number(window().0, 1), count()), 0..24),
    ) {
        let data: Vec<String> = rows.iter().map(|(t, v)| format!(r#"[{t},[{{"count":{v}}}]]"#)).collect();
        let body = format!(r#"{{"data":[{}]}}"#, data.join(","));
        match parse_stats(body.as_bytes(), window()) {
            Ok((series, interval)) => shown_and_reported(series, interval, StatsEndpoint::EventsStats),
            Err(message) => prop_assert!(!message.to_string().is_empty()),
        }
    }

    /// The pane and the analysis hold even for numbers no client would pass.
    #[test]
    fn any_buckets_draw_without_a_panic(
        interval in prop_oneof![any::<i64>(), (i64::MAX - 1_000)..=i64::MAX, i64::MIN..(i64::MIN + 1_000), -1_000i64..200_000],
        buckets in proptest::collection::vec((extreme(), proptest::option::of(any::<u64>()), any::<bool>()), 0..16),
        near in proptest::collection::vec((0i64..80, any::<u64>()), 0..16),
    ) {
        let (from, _) = window();
        let mut series: Vec<Bucket> =
            buckets.into_iter().map(|(at, count, incomplete)| Bucket { at, count, incomplete }).collect();
        series.extend(near.into_iter().map(|(k, c)| Bucket { at: from + k * BUCKET_SECS, count: Some(c), incomplete: false }));
        let d = Fetched { interval, ..data(series.clone(), Vec::new(), Vec::new(), StatsEndpoint::Timeseries) };
        let d = Fetched { week_ago: series, ..d };
        let mut m = model();
        fetched(&mut m, 0, Ok(d), rate());
        draw(&m, 120, 40);
        zoomed(&m);
        serde_json::to_value(SentryReport::from_model(&m).unwrap()).unwrap();
    }
}
