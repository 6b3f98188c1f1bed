//! Probes against services that answer as python-dockerflow's Flask, Django
//! and FastAPI views do (status codes, content types and bodies as those
//! views send them), and against what stands in front of real services: a
//! sign-in proxy, a load balancer without a backend, a hung heartbeat. Each
//! is an axum server on 127.0.0.1.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration as Span, Utc};
use shipdeck::config::PollConfig;
use shipdeck::domain::journal::{Event, EventKind};
use shipdeck::domain::rollout::msg::{RolloutEffect, RolloutMsg};
use shipdeck::domain::{Effect, Endpoint, Heartbeat, Model, Msg, Probe, ProbeState, update};
use shipdeck::io::{http, poller};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(2);
const JSON: &str = "application/json";
/// What Flask and Django put on a view's plain string.
const HTML: &str = "text/html; charset=utf-8";

/// How the switchable service answers: its heartbeat's level, and whether it
/// is up.
#[derive(Default)]
struct Modes {
    /// 0 ok, 1 warning, 2 error.
    health: AtomicU8,
    /// 0 up, 1 a load balancer's 503, 2 no answer at all.
    outage: AtomicU8,
}

struct Service {
    base: String,
    modes: Arc<Modes>,
}

impl Service {
    fn endpoint(&self, version: &str, heartbeat: &str) -> Endpoint {
        Endpoint {
            version_url: format!("{}{version}", self.base),
            heartbeat_url: Some(format!("{}{heartbeat}", self.base)),
        }
    }

    fn set_health(&self, level: u8) {
        self.modes.health.store(level, Ordering::SeqCst);
    }

    fn set_outage(&self, mode: u8) {
        self.modes.outage.store(mode, Ordering::SeqCst);
    }
}

fn answer(status: u16, content_type: &str, body: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(status).expect("a status");
    (status, [(header::CONTENT_TYPE, content_type.to_string())], body.into()).into_response()
}

/// `flask.jsonify` of a version.json.
const FLASK_VERSION: &str = r#"{"build":"https://ci.example.com/builds/4012","commit":"4f2f2ad0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6","source":"https://github.com/mozilla/addons-server","version":"2015.06.02-03"}
"#;

async fn flask_heartbeat(State(m): State<Arc<Modes>>) -> Response {
    match m.health.load(Ordering::SeqCst) {
        0 => answer(200, JSON, "{\"checks\":{\"check_database_connected\":\"ok\"},\"details\":{},\"status\":\"ok\"}\n"),
        1 => answer(
            200,
            JSON,
            r#"{"checks":{"check_database_connected":"ok","check_migrations_applied":"warning"},"details":{"check_migrations_applied":{"level":30,"messages":{"dockerflow.health.W001":"Unapplied migration 0042_addon_promoted"},"status":"warning"}},"status":"warning"}"#,
        ),
        _ => answer(
            500,
            JSON,
            r#"{"checks":{"check_database_connected":"error"},"details":{"check_database_connected":{"level":40,"messages":{"dockerflow.health.E008":"DB-API error: could not connect to server"},"status":"error"}},"status":"error"}"#,
        ),
    }
}

/// Django's `JsonResponse` without `DEBUG`: the status alone.
async fn django_heartbeat(State(m): State<Arc<Modes>>) -> Response {
    match m.health.load(Ordering::SeqCst) {
        0 => answer(200, JSON, r#"{"status": "ok"}"#),
        1 => answer(200, JSON, r#"{"status": "info"}"#),
        _ => answer(500, JSON, r#"{"status": "critical"}"#),
    }
}

async fn fastapi_heartbeat() -> Response {
    answer(
        200,
        JSON,
        r#"{"status":"warning","checks":{"check_redis_connected":"warning"},"details":{"check_redis_connected":{"level":30,"messages":{"redis.W001":"Redis memory above 90%"},"status":"warning"}}}"#,
    )
}

/// A sign-in proxy's page.
const LOGIN: &str =
    "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form><button>Sign in</button></form></body></html>";

/// A service whose availability the test switches: Flask-shaped while up.
async fn switchable_version(State(m): State<Arc<Modes>>) -> Response {
    match m.outage.load(Ordering::SeqCst) {
        0 => answer(200, JSON, FLASK_VERSION),
        1 => answer(503, "text/plain", "no healthy upstream"),
        _ => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            answer(504, "text/plain", "")
        }
    }
}

async fn switchable_heartbeat(state: State<Arc<Modes>>) -> Response {
    match state.outage.load(Ordering::SeqCst) {
        0 => flask_heartbeat(state).await,
        1 => answer(503, "text/plain", "no healthy upstream"),
        _ => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            answer(504, "text/plain", "")
        }
    }
}

async fn start() -> Service {
    let modes = Arc::new(Modes::default());
    let hang = || async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        answer(504, "text/plain", "")
    };
    let app = axum::Router::new()
        // Flask: jsonify, and `return "version.json not found", 404`.
        .route("/flask/__version__", get(|| async { answer(200, JSON, FLASK_VERSION) }))
        .route("/flask/__heartbeat__", get(flask_heartbeat))
        .route("/flask-bare/__version__", get(|| async { answer(404, HTML, "version.json not found") }))
        // Django: JsonResponse, and HttpResponseNotFound("version.json not found").
        .route(
            "/django/__version__",
            get(|| async {
                answer(200, JSON, r#"{"source": "https://github.com/mozilla/kitsune", "version": "2015.06.02"}"#)
            }),
        )
        .route("/django/__heartbeat__", get(django_heartbeat))
        .route("/django-bare/__version__", get(|| async { answer(404, HTML, "version.json not found") }))
        // FastAPI: whatever get_version returned (`null` without a
        // version.json); its own 404 for a route it does not have.
        .route("/fastapi/__heartbeat__", get(fastapi_heartbeat))
        .route("/fastapi-bare/__version__", get(|| async { answer(200, JSON, "null") }))
        .route("/fastapi-bare/__heartbeat__", get(fastapi_heartbeat))
        .route("/fastapi-none/__version__", get(|| async { answer(404, JSON, r#"{"detail":"Not Found"}"#) }))
        // Servers' own 404 pages, and hostile text in one.
        .route(
            "/nginx/__version__",
            get(|| async { answer(404, "text/html", "<html><head><title>404 Not Found</title></head></html>") }),
        )
        .route(
            "/hostile/__version__",
            get(|| async {
                answer(404, "text/plain", "\u{1b}]52;c;cm0gLXJm\u{7}version.json\u{202e} not found\u{1b}[2J")
            }),
        )
        // What stands in front of a heartbeat.
        .route("/sso/__heartbeat__", get(|| async { answer(200, HTML, LOGIN) }))
        .route(
            "/sso-redirect/__heartbeat__",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/login?next=/__heartbeat__")]).into_response() }),
        )
        .route("/login", get(|| async { answer(200, HTML, LOGIN) }))
        .route(
            "/sso-elsewhere/__heartbeat__",
            get(|| async {
                (StatusCode::FOUND, [(header::LOCATION, "https://sso.example.com/login?next=/__heartbeat__")])
                    .into_response()
            }),
        )
        .route("/lb/__heartbeat__", get(|| async { answer(503, "text/plain", "no healthy upstream") }))
        .route("/no-status/__heartbeat__", get(|| async { answer(200, JSON, r#"{"healthy": true}"#) }))
        .route("/empty/__heartbeat__", get(|| async { answer(200, HTML, "") }))
        .route(
            "/huge/__heartbeat__",
            get(|| async { answer(200, JSON, format!(r#"{{"status":"ok","pad":"{}"}}"#, "x".repeat(70 * 1024))) }),
        )
        .route("/hang/__heartbeat__", get(hang))
        .route(
            "/hostile/__heartbeat__",
            get(|| async {
                answer(
                    200,
                    JSON,
                    r#"{"status":"warning","details":{"celery\u001b[2J":{"level":30,"messages":{"x":"\u001b]52;c;cm0gLXJm\u0007queue\u202e backlog\u200b"},"status":"warning"}}}"#,
                )
            }),
        )
        .route("/svc/__version__", get(switchable_version))
        .route("/svc/__heartbeat__", get(switchable_heartbeat))
        .with_state(modes.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    Service { base: format!("http://{addr}"), modes }
}

fn poll_config(timeout: Duration) -> PollConfig {
    PollConfig { interval: Duration::from_secs(15), timeout, connect_timeout: timeout, concurrency: 4 }
}

async fn probe_with(endpoint: &Endpoint, timeout: Duration) -> Probe {
    let client = http::client(&poll_config(timeout)).expect("client builds");
    poller::probe(&client, endpoint, timeout).await
}

async fn probe(endpoint: &Endpoint) -> Probe {
    probe_with(endpoint, TIMEOUT).await
}

fn heartbeat_of(p: &Probe) -> (Heartbeat, Option<&str>) {
    (p.heartbeat, p.heartbeat_detail.as_deref())
}

#[tokio::test]
async fn python_dockerflow_heartbeats_read_as_their_level() {
    let s = start().await;
    let flask = s.endpoint("/flask/__version__", "/flask/__heartbeat__");
    let p = probe(&flask).await;
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    assert_eq!(p.info.version.as_deref(), Some("2015.06.02-03"));
    assert_eq!(heartbeat_of(&p), (Heartbeat::Ok, None));
    s.set_health(1);
    assert_eq!(
        heartbeat_of(&probe(&flask).await),
        (
            Heartbeat::Warning,
            Some("heartbeat warning: check_migrations_applied: Unapplied migration 0042_addon_promoted")
        )
    );
    s.set_health(2);
    let p = probe(&flask).await;
    assert_eq!(
        heartbeat_of(&p),
        (
            Heartbeat::Error,
            Some("heartbeat error (HTTP 500): check_database_connected: DB-API error: could not connect to server")
        )
    );
    assert_eq!(p.state, ProbeState::Ok, "a failing heartbeat is not a failing version: {p:?}");

    let django = s.endpoint("/django/__version__", "/django/__heartbeat__");
    s.set_health(0);
    assert_eq!(heartbeat_of(&probe(&django).await), (Heartbeat::Ok, None));
    s.set_health(1);
    assert_eq!(heartbeat_of(&probe(&django).await), (Heartbeat::Ok, None), "info is healthy");
    s.set_health(2);
    assert_eq!(heartbeat_of(&probe(&django).await), (Heartbeat::Error, Some("heartbeat critical (HTTP 500)")));

    let fastapi = s.endpoint("/flask/__version__", "/fastapi/__heartbeat__");
    assert_eq!(
        heartbeat_of(&probe(&fastapi).await),
        (Heartbeat::Warning, Some("heartbeat warning: check_redis_connected: Redis memory above 90%"))
    );
}

#[tokio::test]
async fn a_sign_in_page_is_not_a_heartbeat() {
    let s = start().await;
    for (path, why) in [
        ("/sso/__heartbeat__", "heartbeat answered text/html, not a Dockerflow heartbeat"),
        // A redirect within the origin is followed, to the login page.
        ("/sso-redirect/__heartbeat__", "heartbeat answered text/html, not a Dockerflow heartbeat"),
        (
            "/sso-elsewhere/__heartbeat__",
            "heartbeat: HTTP 302: redirected to https://sso.example.com (another host), not followed",
        ),
    ] {
        let p = probe(&s.endpoint("/flask/__version__", path)).await;
        assert_eq!(p.state, ProbeState::Ok, "{path}: the version still answers: {p:?}");
        assert_eq!(heartbeat_of(&p), (Heartbeat::Unknown, Some(why)), "{path}");
    }
}

#[tokio::test]
async fn anything_but_a_dockerflow_heartbeat_is_unknown_and_says_what_came_back() {
    let s = start().await;
    for (path, why) in [
        ("/no-status/__heartbeat__", "heartbeat answered JSON without a `status`, not a Dockerflow heartbeat"),
        ("/empty/__heartbeat__", "heartbeat answered an empty body, not a Dockerflow heartbeat"),
        ("/lb/__heartbeat__", "heartbeat answered HTTP 503 with text/plain, not a Dockerflow heartbeat"),
        ("/huge/__heartbeat__", "heartbeat: body larger than 64 KiB, not read"),
        ("/nowhere/__heartbeat__", "no /__heartbeat__ endpoint (HTTP 404)"),
    ] {
        let p = probe(&s.endpoint("/flask/__version__", path)).await;
        assert_eq!(heartbeat_of(&p), (Heartbeat::Unknown, Some(why)), "{path}");
    }
}

#[tokio::test]
async fn what_a_heartbeat_says_is_cleaned() {
    let s = start().await;
    let p = probe(&s.endpoint("/flask/__version__", "/hostile/__heartbeat__")).await;
    assert_eq!(heartbeat_of(&p), (Heartbeat::Warning, Some("heartbeat warning: celery: queue backlog")));
}

#[tokio::test]
async fn a_heartbeat_that_times_out_says_so() {
    let s = start().await;
    let timeout = Duration::from_millis(400);
    let started = std::time::Instant::now();
    let p = probe_with(&s.endpoint("/flask/__version__", "/hang/__heartbeat__"), timeout).await;
    assert!(started.elapsed() < Duration::from_secs(2), "bounded by the timeout");
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    assert_eq!(heartbeat_of(&p), (Heartbeat::Unknown, Some("heartbeat: no answer within 400ms (the request timeout)")));
}

#[tokio::test]
async fn a_missing_version_json_says_why() {
    let s = start().await;
    let cases = [
        ("/flask-bare/__version__", ProbeState::NoEndpoint, "HTTP 404: version.json not found"),
        ("/django-bare/__version__", ProbeState::NoEndpoint, "HTTP 404: version.json not found"),
        ("/fastapi-bare/__version__", ProbeState::NoEndpoint, "answered null: the service has no version.json"),
        // Pages that only repeat the status line say nothing more.
        ("/fastapi-none/__version__", ProbeState::NoEndpoint, "HTTP 404: no /__version__ endpoint"),
        ("/nginx/__version__", ProbeState::NoEndpoint, "HTTP 404: no /__version__ endpoint"),
        ("/hostile/__version__", ProbeState::NoEndpoint, "HTTP 404: version.json not found"),
    ];
    for (path, state, error) in cases {
        let p = probe(&s.endpoint(path, "/fastapi/__heartbeat__")).await;
        assert_eq!((p.state, p.error.as_deref()), (state, Some(error)), "{path}: {p:?}");
    }
}

/// Asks every cell once at `now` and applies each real answer; the events
/// the answers made.
async fn sweep(m: &mut Model, now: DateTime<Utc>, timeout: Duration) -> Vec<Event> {
    let mut saved = Vec::new();
    let effects = update(m, Msg::Tick(now));
    let Some(Effect::Rollout(RolloutEffect::Poll { generation, targets })) = effects.into_iter().next() else {
        panic!("a sweep polls")
    };
    for t in targets {
        let mut probe = probe_with(&t.endpoint, timeout).await;
        probe.at = now;
        for e in update(m, Msg::Rollout(RolloutMsg::Probed { generation, service: t.service, env: t.env, probe })) {
            if let Effect::Append(e) = e {
                saved.push(e);
            }
        }
    }
    saved
}

#[tokio::test]
async fn an_outage_mid_push_is_logged_once_and_its_recovery_once() {
    let s = start().await;
    let t0 = Utc::now();
    let mut m: Model = shipdeck::testkit::model(&["web"], t0);
    m.rollout.services[0].cells[0].as_mut().unwrap().endpoint =
        s.endpoint("/flask/__version__", "/flask/__heartbeat__");
    m.rollout.services[0].cells[1].as_mut().unwrap().endpoint = s.endpoint("/svc/__version__", "/svc/__heartbeat__");
    let before = m.log.entries.len();
    let timeout = Duration::from_millis(400);
    let mut saved = Vec::new();
    // Up; a load balancer's 503 three times; no answer at all; up again.
    for (i, mode) in [0, 1, 1, 1, 2, 0, 0].into_iter().enumerate() {
        s.set_outage(mode);
        saved.extend(sweep(&mut m, t0 + Span::seconds(15 * i as i64), timeout).await);
    }
    let lines: Vec<&str> = m.log.entries.range(before..).map(|e| e.text.as_str()).collect();
    assert_eq!(lines, ["prod · web down: HTTP 503 Service Unavailable", "prod · web answers again after 1m 00s"]);
    let kinds: Vec<&EventKind> = saved.iter().map(|e| &e.kind).collect();
    assert!(
        matches!(kinds.as_slice(), [EventKind::EndpointDown { state, outage: 1, .. }, EventKind::EndpointUp { outage: 1, .. }] if state == "http_error"),
        "{kinds:?}"
    );
    // The journal's lines read back as the log showed them.
    let mut replay: Model = shipdeck::testkit::model(&["web"], t0);
    let lines_back: Vec<String> = saved
        .iter()
        .map(|e| serde_json::from_str::<Event>(&serde_json::to_string(e).unwrap()).unwrap())
        .map(|e| e.describe().1)
        .collect();
    replay.apply_events(&saved);
    assert_eq!(lines_back, lines);
    assert_eq!(replay.rollout.outages.get("prod", "web").map(|o| (o.count, o.down_since)), Some((1, None)));
}
