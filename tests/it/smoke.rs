//! Smoke checks over real HTTP on 127.0.0.1: what passes, what fails and
//! why, a hung endpoint bounded by the check's timeout, redirects as the
//! poller follows them; and the automatic run after a version flip, through
//! the same `update` and `Io` the cockpit drives.

use super::smoke_server::{Service, start};
use shipdeck::config::PollConfig;
use shipdeck::domain::journal::EventKind;
use shipdeck::domain::model::ServiceSpec;
use shipdeck::domain::smoke::{Mark, Request, Smoke, SmokeSpec, SmokeTarget, mark};
use shipdeck::domain::{Effect, Endpoint, Model, Msg, update};
use shipdeck::io::{Io, smoke};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

fn request(s: &Service, path: &str) -> Request {
    Request {
        env: "prod".into(),
        service: "web".into(),
        version: "2026.12.01".into(),
        check: path.into(),
        url: format!("{}{path}", s.base),
        expect_status: 200,
        contains: None,
        json: Vec::new(),
        timeout: Duration::from_secs(5),
        auto: false,
    }
}

async fn check(r: &Request) -> Result<(), String> {
    let client = smoke::client(&PollConfig::default()).unwrap();
    smoke::check(&client, r).await
}

#[tokio::test]
async fn a_check_passes_or_says_why_not() {
    let s = start("2026.12.01").await;
    let pointer = |p: &str, v: &str| vec![(p.to_string(), v.to_string())];
    assert_eq!(check(&request(&s, "/hello")).await, Ok(()));
    assert_eq!(check(&request(&s, "/broken")).await, Err("HTTP 500, expected 200".into()));
    let broken_expected = Request { expect_status: 500, ..request(&s, "/broken") };
    assert_eq!(check(&broken_expected).await, Ok(()), "the status the check expects");
    let missing = Request { contains: Some("goodbye".into()), ..request(&s, "/hello") };
    assert_eq!(check(&missing).await, Err("body does not contain \"goodbye\"".into()));
    let found = Request { contains: Some("world".into()), ..request(&s, "/hello") };
    assert_eq!(check(&found).await, Ok(()));
    let matches = Request {
        json: vec![
            ("/version".into(), "2026.12.01".into()),
            ("/count".into(), "3".into()),
            ("/live".into(), "true".into()),
            ("/a~1b/m~0n".into(), "x".into()),
        ],
        ..request(&s, "/api/config.json")
    };
    assert_eq!(check(&matches).await, Ok(()));
    let wrong = Request { json: pointer("/version", "2026.11.26"), ..request(&s, "/api/config.json") };
    assert_eq!(check(&wrong).await, Err("/version is \"2026.12.01\", expected \"2026.11.26\"".into()));
    let not_json = Request { json: pointer("/version", "x"), ..request(&s, "/not-json") };
    assert!(check(&not_json).await.unwrap_err().starts_with("body is not JSON"));
}

#[tokio::test]
async fn a_hung_endpoint_fails_at_the_checks_timeout() {
    let s = start("2026.12.01").await;
    let hang = Request { timeout: Duration::from_millis(400), ..request(&s, "/hang") };
    let started = Instant::now();
    assert_eq!(check(&hang).await, Err("no answer within 400ms".into()));
    assert!(started.elapsed() < Duration::from_secs(3), "bounded: {:?}", started.elapsed());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/x", listener.local_addr().unwrap());
    drop(listener);
    let refused = check(&Request { url: closed, ..request(&s, "/x") }).await.unwrap_err();
    assert!(refused.contains("connection refused") || refused.contains("onnect"), "{refused}");
}

#[tokio::test]
async fn redirects_are_followed_within_the_origin_only() {
    let s = start("2026.12.01").await;
    let moved = Request { json: vec![("/version".into(), "2026.12.01".into())], ..request(&s, "/moved") };
    assert_eq!(check(&moved).await, Ok(()));
    let away = check(&request(&s, "/elsewhere")).await.unwrap_err();
    assert!(away.starts_with("HTTP 302: redirected to http://127.0.0.1:") && away.contains("not followed"), "{away}");
}

/// A cockpit's loop without a terminal: ticks advance the clock past the
/// poll interval, every effect is carried out and every answer applied.
async fn drive(m: &mut Model, io: &Io, rx: &mut mpsc::UnboundedReceiver<Msg>, saved: &mut Vec<EventKind>) {
    m.now += chrono::Duration::seconds(16);
    let mut pending: Vec<Effect> = update(m, Msg::Tick(m.now));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut outstanding = 0;
    loop {
        for e in pending.drain(..) {
            outstanding += e.answers();
            if let Effect::Append(ev) = &e {
                saved.push(ev.kind.clone());
            }
            io.spawn(e);
        }
        if outstanding == 0 {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = tokio::time::timeout(left, rx.recv()).await.expect("answers within 10s").expect("open");
        if msg.is_answer() {
            outstanding -= 1;
        }
        pending = update(m, msg);
    }
}

#[tokio::test]
async fn a_settled_flip_runs_the_checks_once_and_journals_the_result() {
    let s = start("2026.11.26").await;
    let t = shipdeck::testkit::release().window.unwrap().start;
    let spec = ServiceSpec {
        name: "web".into(),
        envs: vec![("prod".into(), Endpoint { version_url: s.version_url(), heartbeat_url: None })],
        repo: None,
    };
    let mut m = Model::new(
        shipdeck::testkit::release(),
        shipdeck::domain::kernel::actor::Actor {
            name: "alice".into(),
            role: shipdeck::domain::kernel::actor::Role::Ops,
        },
        vec!["stage".into(), "prod".into()],
        &[spec],
        &[],
        Duration::from_secs(15),
        t,
    );
    m.smoke = Smoke::new(vec![SmokeSpec {
        service: Some("web".into()),
        env: None,
        target: SmokeTarget::Path("/api/config.json".into()),
        expect_status: 200,
        contains: Some("\"version\"".into()),
        json: vec![("/version".into(), "{tag}".into())],
        timeout: Duration::from_secs(5),
    }]);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let io = Io::new(&PollConfig::default(), tx).unwrap();
    let mut saved = Vec::new();
    for _ in 0..3 {
        drive(&mut m, &io, &mut rx, &mut saved).await;
    }
    assert_eq!(s.config_hits(), 0, "no flip yet: nothing checked");
    s.set_version("2026.12.01");
    drive(&mut m, &io, &mut rx, &mut saved).await;
    assert_eq!(s.config_hits(), 0, "the flip is seen once: not settled");
    drive(&mut m, &io, &mut rx, &mut saved).await;
    assert_eq!(s.config_hits(), 1, "seen again: settled and checked");
    let smoke: Vec<_> = saved.iter().filter(|k| matches!(k, EventKind::SmokeChecked { .. })).collect();
    assert_eq!(
        smoke,
        [&EventKind::SmokeChecked {
            env: "prod".into(),
            service: "web".into(),
            version: "2026.12.01".into(),
            check: "/api/config.json".into(),
            ok: true,
            detail: String::new(),
        }]
    );
    assert_eq!(mark(&m.smoke, "web", "prod", Some("2026.12.01")), Some(Mark::Passing));
    for _ in 0..2 {
        drive(&mut m, &io, &mut rx, &mut saved).await;
    }
    assert_eq!(s.config_hits(), 1, "once per flip");
}
