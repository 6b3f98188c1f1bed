//! The poller against the real demo fleet on 127.0.0.1: one test per probe
//! state, the heartbeat classes, sanitising of hostile bodies, and a sweep
//! through `Io` where hung endpoints do not hold up the fast ones.

use shipdeck::config::{PollConfig, derive_heartbeat};
use shipdeck::demo::fleet::Fleet;
use shipdeck::demo::run::story;
use shipdeck::demo::story::{WARNING_FROM, WARNING_SERVICE, WARNING_UNTIL, commit_for};
use shipdeck::domain::rollout::msg::{RolloutEffect, RolloutMsg};
use shipdeck::domain::{Effect, Endpoint, Heartbeat, Msg, PollTarget, Probe, ProbeState};
use shipdeck::io::{Io, http, poller};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const NEW_TAG: &str = "2026.11.26";
const OLD_TAG: &str = "2026.11.19";
const TIMEOUT: Duration = Duration::from_secs(2);

async fn fleet(services: usize, speed: f64) -> Fleet {
    Fleet::start(story(services, NEW_TAG.into(), OLD_TAG.into()), speed).await.expect("fleet starts")
}

fn poll_config(timeout: Duration, concurrency: usize) -> PollConfig {
    PollConfig { interval: Duration::from_secs(15), timeout, connect_timeout: timeout, concurrency }
}

/// The endpoint as the config would build it: heartbeat beside the version.
fn endpoint(version_url: String) -> Endpoint {
    let heartbeat_url = derive_heartbeat(&version_url);
    assert!(heartbeat_url.is_some(), "{version_url} follows the Dockerflow layout");
    Endpoint { version_url, heartbeat_url }
}

async fn probe_with(url: String, timeout: Duration) -> Probe {
    let client = http::client(&poll_config(timeout, 4)).expect("client builds");
    poller::probe(&client, &endpoint(url), timeout).await
}

async fn probe_url(url: String) -> Probe {
    probe_with(url, TIMEOUT).await
}

fn error_of(p: &Probe) -> &str {
    p.error.as_deref().unwrap_or_else(|| panic!("a failed probe carries an error: {p:?}"))
}

fn assert_failed(p: &Probe, state: ProbeState) {
    assert_eq!(p.state, state, "{p:?}");
    assert_eq!(p.info, Default::default(), "a failed probe reports no version fields: {p:?}");
    assert!(!error_of(p).is_empty());
}

#[tokio::test]
async fn ok_from_a_fleet_service() {
    let f = fleet(3, 1.0).await;
    let name = f.story.services[0].clone();

    let stage = probe_url(f.version_url(&name, "stage")).await;
    assert_eq!(stage.state, ProbeState::Ok, "{stage:?}");
    assert_eq!(stage.error, None);
    assert_eq!(stage.info.version.as_deref(), Some(NEW_TAG));
    assert_eq!(stage.info.commit.as_deref(), Some(commit_for(&name, NEW_TAG).as_str()));
    assert_eq!(stage.info.source.as_deref(), Some(format!("https://github.com/example/{name}").as_str()));
    assert!(stage.info.build.as_deref().is_some_and(|b| b.starts_with("https://ci.example.com/")), "{stage:?}");
    assert_eq!(stage.heartbeat, Heartbeat::Ok);
    assert!(stage.latency_ms.is_some());

    // At speed 1 prod has not switched yet (the first switch is 12 s in).
    let prod = probe_url(f.version_url(&name, "prod")).await;
    assert_eq!(prod.state, ProbeState::Ok, "{prod:?}");
    assert_eq!(prod.info.version.as_deref(), Some(OLD_TAG));
    assert_eq!(prod.info.commit.as_deref(), Some(commit_for(&name, OLD_TAG).as_str()));
}

#[tokio::test]
async fn ok_with_an_empty_object_has_no_fields() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("empty")).await;
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    assert_eq!(p.error, None);
    assert_eq!((p.info.source, p.info.version, p.info.commit, p.info.build), (None, None, None, None));
}

#[tokio::test]
async fn ok_with_a_bare_sha_has_only_the_commit() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("bare-sha")).await;
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    assert_eq!(p.error, None);
    assert_eq!(p.info.commit.as_deref(), Some("0123456789abcdef0123456789abcdef01234567"));
    assert_eq!((p.info.source, p.info.version, p.info.build), (None, None, None));
}

#[tokio::test]
async fn no_endpoint_on_404() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("missing")).await;
    assert_failed(&p, ProbeState::NoEndpoint);
    assert!(error_of(&p).contains("404"), "{p:?}");
    assert_eq!(p.heartbeat, Heartbeat::Unknown);
}

#[tokio::test]
async fn http_error_on_500() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("broken")).await;
    assert_failed(&p, ProbeState::HttpError);
    assert!(error_of(&p).contains("500"), "{p:?}");
    assert_eq!(p.heartbeat, Heartbeat::Error);
}

#[tokio::test]
async fn timeout_when_the_service_hangs() {
    let f = fleet(1, 1.0).await;
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let p = probe_with(f.quirk_url("hang"), timeout).await;
    let took = started.elapsed();
    assert_failed(&p, ProbeState::Timeout);
    assert!(error_of(&p).contains("300ms"), "{p:?}");
    assert_eq!(p.heartbeat, Heartbeat::Unknown);
    assert!(took >= Duration::from_millis(250), "gave up before the timeout: {took:?}");
    assert!(took < Duration::from_millis(1500), "the timeout bounds the probe: {took:?}");
}

#[tokio::test]
async fn unreachable_when_nothing_listens() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let started = Instant::now();
    let p = probe_url(format!("http://127.0.0.1:{port}/__version__")).await;
    assert_failed(&p, ProbeState::Unreachable);
    assert!(error_of(&p).to_ascii_lowercase().contains("refused"), "{p:?}");
    assert_eq!(p.heartbeat, Heartbeat::Unknown);
    assert!(started.elapsed() < TIMEOUT, "a refused connection fails at once");
}

#[tokio::test]
async fn unreachable_when_dns_fails() {
    let p = probe_url("http://shipdeck-test.invalid/__version__".into()).await;
    assert_failed(&p, ProbeState::Unreachable);
    assert!(error_of(&p).contains("DNS"), "{p:?}");
    assert_eq!(p.heartbeat, Heartbeat::Unknown);
}

#[tokio::test]
async fn invalid_when_the_body_is_huge() {
    let f = fleet(1, 1.0).await;
    let started = Instant::now();
    let p = probe_url(f.quirk_url("huge")).await;
    let took = started.elapsed();
    assert_failed(&p, ProbeState::Invalid);
    assert!(error_of(&p).contains("64 KiB"), "{p:?}");
    assert!(took < Duration::from_secs(1), "stops reading at the cap: {took:?}");
}

#[tokio::test]
async fn invalid_when_the_body_is_binary() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("binary")).await;
    assert_failed(&p, ProbeState::Invalid);
    assert!(error_of(&p).contains("UTF-8"), "{p:?}");
}

#[tokio::test]
async fn invalid_when_the_body_is_html() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("html")).await;
    assert_failed(&p, ProbeState::Invalid);
    let msg = error_of(&p);
    assert!(msg.contains("neither Dockerflow JSON nor a commit sha"), "{p:?}");
    assert!(msg.contains("Welcome to nginx"), "the message previews the body: {p:?}");
}

#[tokio::test]
async fn hostile_fields_are_sanitised() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.quirk_url("hostile")).await;
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    let fields = [&p.info.source, &p.info.version, &p.info.commit, &p.info.build];
    for field in fields {
        let s = field.as_deref().unwrap_or_else(|| panic!("every hostile field survives cleaned: {p:?}"));
        assert!(
            !s.chars().any(|c| c.is_control() || c == '\u{1b}' || c == '\u{202e}'),
            "control characters left in {s:?}"
        );
    }
    assert_eq!(p.info.source.as_deref(), Some("https://evil.example"));
    assert_eq!(p.info.version.as_deref(), Some("2026.11.26"));
    assert_eq!(p.info.commit.as_deref(), Some("abcdef1234567"));
    assert_eq!(p.info.build.as_deref(), Some("xy"));
}

#[tokio::test]
async fn heartbeat_classes() {
    let f = fleet(1, 1.0).await;
    let name = f.story.services[0].clone();
    assert_eq!(probe_url(f.version_url(&name, "prod")).await.heartbeat, Heartbeat::Ok);
    assert_eq!(probe_url(f.quirk_url("broken")).await.heartbeat, Heartbeat::Error);
    assert_eq!(probe_url(f.quirk_url("missing")).await.heartbeat, Heartbeat::Unknown);

    // No heartbeat URL at all is unknown too, whatever the version says.
    let client = http::client(&poll_config(TIMEOUT, 4)).expect("client builds");
    let bare = Endpoint { version_url: f.version_url(&name, "prod"), heartbeat_url: None };
    let p = poller::probe(&client, &bare, TIMEOUT).await;
    assert_eq!((p.state, p.heartbeat), (ProbeState::Ok, Heartbeat::Unknown));
}

#[tokio::test]
async fn heartbeat_warning_during_the_story_window() {
    // At speed 40 the warning window (story 20..60 s) is 0.5..1.5 s of real
    // time: poll until it shows, with a deadline well past its end.
    let speed = 40.0;
    let f = fleet(3, speed).await;
    let warning = f.story.services[WARNING_SERVICE].clone();
    let quiet = f.story.services[0].clone();
    let deadline = Instant::now() + Duration::from_secs_f64(WARNING_UNTIL / speed + 3.0);
    let started = Instant::now();
    loop {
        let p = probe_url(f.version_url(&warning, "prod")).await;
        assert_eq!(p.state, ProbeState::Ok, "{p:?}");
        if p.heartbeat == Heartbeat::Warning {
            break;
        }
        assert_eq!(p.heartbeat, Heartbeat::Ok, "before the window the heartbeat is ok");
        assert!(Instant::now() < deadline, "no heartbeat warning observed by the deadline");
    }
    // The window opens at story time WARNING_FROM, never before.
    assert!(started.elapsed().as_secs_f64() * speed >= WARNING_FROM * 0.9);
    // Only that service's prod warns.
    assert_eq!(probe_url(f.version_url(&warning, "stage")).await.heartbeat, Heartbeat::Ok);
    assert_eq!(probe_url(f.version_url(&quiet, "prod")).await.heartbeat, Heartbeat::Ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_endpoints_do_not_hold_up_the_sweep() {
    let f = fleet(10, 1.0).await;
    let timeout = Duration::from_millis(500);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let io = Io::new(&poll_config(timeout, 4), tx).expect("io builds");

    // The hung targets come first, so they take permits before the fast ones.
    let hung = 3;
    let mut targets: Vec<PollTarget> =
        (0..hung).map(|i| PollTarget { service: 100 + i, env: 0, endpoint: endpoint(f.quirk_url("hang")) }).collect();
    for (si, name) in f.story.services.iter().enumerate() {
        for (ei, env) in ["stage", "prod"].into_iter().enumerate() {
            targets.push(PollTarget { service: si, env: ei, endpoint: endpoint(f.version_url(name, env)) });
        }
    }
    let total = targets.len();
    assert_eq!(total, 23);

    let started = Instant::now();
    io.spawn(Effect::Rollout(RolloutEffect::Poll { generation: 7, targets }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut fast_done = Vec::new();
    let mut hung_done = Vec::new();
    while fast_done.len() + hung_done.len() < total {
        let msg = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of {total} probes reported", fast_done.len() + hung_done.len()))
            .expect("the channel stays open while io lives");
        let Msg::Rollout(RolloutMsg::Probed { generation, service, env, probe }) = msg else {
            panic!("unexpected message {msg:?}")
        };
        assert_eq!(generation, 7);
        let at = started.elapsed();
        if service >= 100 {
            assert_eq!(probe.state, ProbeState::Timeout, "{probe:?}");
            hung_done.push(at);
        } else {
            assert_eq!(probe.state, ProbeState::Ok, "{service}/{env}: {probe:?}");
            fast_done.push((service, env, at));
        }
    }
    let took = started.elapsed();

    assert_eq!(hung_done.len(), hung);
    let mut seen: Vec<(usize, usize)> = fast_done.iter().map(|&(s, e, _)| (s, e)).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 20, "every fast target reported once");

    // Serialised behind the hung ones, the last fast answer would come after
    // at least one timeout (3 hung on 4 permits leaves one free).
    let last_fast = fast_done.iter().map(|&(_, _, at)| at).max().expect("fast probes");
    assert!(last_fast < timeout, "fast probes waited on hung ones: last at {last_fast:?}");
    for at in &hung_done {
        assert!(*at >= timeout - Duration::from_millis(50), "a hung probe gave up early: {at:?}");
    }
    assert!(took < Duration::from_millis(1500), "the sweep took {took:?}");
}

#[tokio::test]
async fn a_connect_timeout_says_so_with_its_own_value() {
    // A listener whose accept queue is full: the kernel drops further SYNs,
    // so a connection attempt hangs until the client gives up. Fill it until
    // one attempt of ours times out.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut held = Vec::new();
    loop {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
        assert!(held.len() < 64, "the accept queue never filled");
    }

    let poll = PollConfig { connect_timeout: Duration::from_millis(300), ..poll_config(Duration::from_secs(2), 4) };
    let client = http::client(&poll).expect("client builds");
    let started = Instant::now();
    let p = poller::probe(&client, &endpoint(format!("http://{addr}/__version__")), &poll).await;
    let took = started.elapsed();
    assert_failed(&p, ProbeState::Timeout);
    let msg = error_of(&p);
    assert!(msg.contains("connect timeout") && msg.contains("300ms"), "names the timeout that fired: {msg}");
    assert!(!msg.contains("2s"), "not the request timeout: {msg}");
    assert!(took < Duration::from_millis(1500), "the connect timeout bounds the probe: {took:?}");
}

#[tokio::test]
async fn error_texts_read_as_written() {
    let client = http::client(&poll_config(TIMEOUT, 4)).expect("client builds");
    let ftp = Endpoint { version_url: "ftp://127.0.0.1:9/__version__".into(), heartbeat_url: None };
    let p = poller::probe(&client, &ftp, TIMEOUT).await;
    assert_failed(&p, ProbeState::Unreachable);
    assert_eq!(error_of(&p), "URL scheme is not allowed");
}

/// A service whose `/__version__` moved within its origin: `/moved/` answers
/// from `/app/` after two redirects, `/gone/` from a 404 after one.
async fn moved_service() -> String {
    use axum::http::{StatusCode, header};
    use axum::routing::get;
    let app = axum::Router::new()
        .route("/moved/__version__", get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/hop")]) }))
        .route("/hop", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/app/__version__")]) }))
        .route("/app/__version__", get(|| async { axum::Json(serde_json::json!({ "version": NEW_TAG })) }))
        .route(
            "/gone/__version__",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/nowhere/__version__")]) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

#[tokio::test]
async fn a_followed_redirect_names_where_the_answer_came_from() {
    let addr = moved_service().await;

    let p = probe_url(format!("http://{addr}/moved/__version__")).await;
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    assert_eq!(p.info.version.as_deref(), Some(NEW_TAG));
    assert_eq!(p.final_url.as_deref(), Some(format!("http://{addr}/app/__version__").as_str()));

    // The 404 is the moved-to URL's, and says so.
    let p = probe_url(format!("http://{addr}/gone/__version__")).await;
    assert_failed(&p, ProbeState::NoEndpoint);
    assert_eq!(p.final_url.as_deref(), Some(format!("http://{addr}/nowhere/__version__").as_str()));

    // Credentials in the configured URL go into a header, not a move.
    let p = probe_url(format!("http://user:pw@{addr}/app/__version__")).await;
    assert_eq!((p.state, p.final_url.as_deref()), (ProbeState::Ok, None), "{p:?}");
}

#[tokio::test]
async fn an_unmoved_answer_has_no_final_url() {
    let f = fleet(1, 1.0).await;
    let p = probe_url(f.version_url(&f.story.services[0], "prod")).await;
    assert_eq!((p.state, p.final_url), (ProbeState::Ok, None));
    let p = probe_url(f.quirk_url("missing")).await;
    assert_eq!((p.state, p.final_url), (ProbeState::NoEndpoint, None));
}

/// The moved service's answer, applied as the cockpit applies it, on the
/// Rollout pane's detail line.
#[tokio::test]
async fn the_detail_line_shows_a_followed_redirect() {
    use ratatui::{Terminal, backend::TestBackend};
    use shipdeck::domain::{Model, update};
    use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

    let addr = moved_service().await;
    let asked = format!("http://{addr}/moved/__version__");
    let now = chrono::Utc::now();
    let mut m: Model = shipdeck::testkit::model(&["moved"], now);
    for cell in m.rollout.services[0].cells.iter_mut().flatten() {
        cell.endpoint = endpoint(asked.clone());
    }
    let Some(Effect::Rollout(RolloutEffect::Poll { generation, targets })) =
        update(&mut m, Msg::Tick(now)).into_iter().next()
    else {
        panic!("the first tick polls")
    };
    for t in targets {
        let probe = probe_url(t.endpoint.version_url).await;
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation, service: t.service, env: t.env, probe }));
    }

    let (theme, keymap) = (Theme::default(), shipdeck::keymap::Keymap::default());
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
    let mut term = Terminal::new(TestBackend::new(200, 40)).expect("terminal");
    term.draw(|f| render(f, &m, &mut ViewState::default(), &ctx)).expect("draw");
    let screen = shipdeck::testkit::buffer_text(term.backend().buffer());
    let detail = detail_text(&screen);
    assert!(detail.contains(&format!("{asked} redirected to http://{addr}/app/__version__")), "{screen}");
}

/// The Rollout pane's detail under its table, its wrapped lines joined: from
/// the line naming the selected service to the pane's bottom.
fn detail_text(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let bottom = lines.iter().position(|l| l.contains("┗")).expect("rollout pane bottom");
    let pane = |l: &str| l.split('┃').nth(1).unwrap_or("").trim_end().to_string();
    // The detail's lines start with one space, the table's rows with two.
    let detail_line = |l: &String| l.starts_with(' ') && !l.starts_with("  ");
    let first = (0..bottom).rev().take_while(|&i| detail_line(&pane(lines[i]))).last().expect("a detail line");
    (first..bottom).map(|i| pane(lines[i])).collect::<Vec<_>>().join("")
}

#[tokio::test]
async fn the_demo_fleet_has_an_outage_that_ends_and_a_heartbeat_behind_sign_in() {
    // At speed 40 the story's outage (some 10 story seconds) lasts a
    // quarter of a second: poll the service until it went down and came back.
    let speed = 40.0;
    let f = fleet(3, speed).await;
    let down = f.story.services[f.story.outage_service()].clone();
    let (_, until) = f.story.outage_window();
    let deadline = Instant::now() + Duration::from_secs_f64(until / speed + 3.0);
    let mut seen = Vec::new();
    while seen.last() != Some(&ProbeState::Ok) || !seen.contains(&ProbeState::HttpError) {
        let p = probe_url(f.version_url(&down, "prod")).await;
        if p.state == ProbeState::HttpError {
            assert_eq!(p.error.as_deref(), Some("HTTP 503 Service Unavailable"), "{p:?}");
        }
        if seen.last() != Some(&p.state) {
            seen.push(p.state);
        }
        assert!(Instant::now() < deadline, "no outage and recovery by the deadline: {seen:?}");
    }
    assert_eq!(seen.iter().filter(|s| **s == ProbeState::HttpError).count(), 1, "one outage: {seen:?}");

    // Stage of the last service answers its heartbeat with a sign-in page.
    let last = f.story.services.last().expect("services").clone();
    let p = probe_url(f.version_url(&last, "stage")).await;
    assert_eq!(p.state, ProbeState::Ok, "{p:?}");
    assert_eq!(p.heartbeat, Heartbeat::Unknown);
    assert_eq!(p.heartbeat_detail.as_deref(), Some("heartbeat answered text/html, not a Dockerflow heartbeat"));
    assert_eq!(probe_url(f.version_url(&last, "prod")).await.heartbeat, Heartbeat::Ok);
}
