//! `[sentry] record_deploys` against a Sentry on 127.0.0.1 that answers as
//! Sentry's own endpoints do (`organization_releases.py`,
//! `release_deploys.py`): a release created (201) or already there (208),
//! a deploy recorded (201) for a version given as one percent-encoded path
//! segment, 400s naming the field, 403 for a token without
//! `project:releases`; and two cockpits sharing a push telling it once.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use shipdeck::config::PollConfig;
use shipdeck::domain::journal::EventKind;
use shipdeck::domain::rollout::msg::RolloutMsg;
use shipdeck::domain::sentry::SentryState;
use shipdeck::domain::sentry::deploys::DeployRecord;
use shipdeck::domain::{Effect, Heartbeat, Msg, update};
use shipdeck::io::Io;
use shipdeck::io::sentry::{Secret, SentryClient};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "sntrys_test_SECRET";

#[derive(Default)]
struct FakeSentry {
    /// version → project slugs.
    releases: Mutex<BTreeMap<String, BTreeSet<String>>>,
    /// (version, body) of each deploy made.
    deploys: Mutex<Vec<(String, Value)>>,
    /// The paths asked, as sent (still percent-encoded).
    paths: Mutex<Vec<String>>,
    /// The token lacks `project:releases`.
    no_release_scope: AtomicBool,
}

fn detail(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({ "detail": text }))).into_response()
}

/// What Sentry checks before either endpoint runs: the token, its scope.
fn refused(s: &FakeSentry, headers: &HeaderMap, uri: &Uri) -> Option<Response> {
    s.paths.lock().unwrap().push(uri.path().to_string());
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {TOKEN}")) {
        return Some(detail(StatusCode::UNAUTHORIZED, "Invalid token"));
    }
    if s.no_release_scope.load(Ordering::SeqCst) {
        return Some(detail(StatusCode::FORBIDDEN, "You do not have permission to perform this action."));
    }
    None
}

async fn releases(
    State(s): State<Arc<FakeSentry>>,
    Path(_org): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(r) = refused(&s, &headers, &uri) {
        return r;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return detail(StatusCode::BAD_REQUEST, "Malformed request");
    };
    let Some(version) = body["version"].as_str().map(str::to_string) else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({ "version": ["This field is required."] })))
            .into_response();
    };
    let projects: Vec<String> =
        body["projects"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_string)).collect();
    if projects.is_empty() || projects.iter().any(|p| p != "web" && p != "api") {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({ "projects": ["Invalid project slugs"] }))).into_response();
    }
    let mut all = s.releases.lock().unwrap();
    let created = !all.contains_key(&version);
    let release = all.entry(version.clone()).or_default();
    let mut added = false;
    for p in projects {
        added |= release.insert(p);
    }
    let status = if !created && !added { StatusCode::ALREADY_REPORTED } else { StatusCode::CREATED };
    let shown: Vec<Value> = release.iter().map(|p| json!({ "slug": p })).collect();
    (status, axum::Json(json!({ "version": version, "projects": shown, "deployCount": 0 }))).into_response()
}

fn valid_environment(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 64 && !name.contains(['/', '\n', '\r', '\t'])
}

async fn deploys(
    State(s): State<Arc<FakeSentry>>,
    Path((_org, version)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Some(r) = refused(&s, &headers, &uri) {
        return r;
    }
    if !s.releases.lock().unwrap().contains_key(&version) {
        return detail(StatusCode::NOT_FOUND, "The requested resource does not exist");
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return detail(StatusCode::BAD_REQUEST, "Malformed request");
    };
    if !body["environment"].as_str().is_some_and(valid_environment) {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({ "environment": ["Invalid value for environment"] })))
            .into_response();
    }
    for key in ["dateStarted", "dateFinished"] {
        if let Some(d) = body.get(key).filter(|v| !v.is_null())
            && d.as_str().is_none_or(|d| chrono::DateTime::parse_from_rfc3339(d).is_err())
        {
            return (StatusCode::BAD_REQUEST, axum::Json(json!({ key: ["Datetime has wrong format."] })))
                .into_response();
        }
    }
    let mut all = s.deploys.lock().unwrap();
    all.push((version, body.clone()));
    let id = all.len().to_string();
    let answer = json!({
        "id": id, "environment": body["environment"], "dateStarted": body["dateStarted"],
        "dateFinished": body["dateFinished"], "name": null, "url": null,
    });
    (StatusCode::CREATED, axum::Json(answer)).into_response()
}

async fn serve() -> (String, Arc<FakeSentry>) {
    let state = Arc::new(FakeSentry::default());
    let app = Router::new()
        .route("/api/0/organizations/{org}/releases/", post(releases))
        .route("/api/0/organizations/{org}/releases/{version}/deploys/", post(deploys))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), state)
}

fn client(url: &str, token: &str) -> SentryClient {
    let http = shipdeck::io::http::client(&PollConfig::default()).unwrap();
    SentryClient::new(http, url, "mozilla", None, Ok(Secret::new(token.into())))
}

fn record(version: &str) -> DeployRecord {
    let t = shipdeck::testkit::release().window.unwrap().start;
    DeployRecord {
        project: "web".into(),
        env: "prod".into(),
        version: version.into(),
        started: t,
        finished: t + chrono::Duration::minutes(3),
    }
}

#[tokio::test]
async fn the_release_is_created_then_the_deploy_recorded_and_an_existing_release_is_fine() {
    let (url, sentry) = serve().await;
    let c = client(&url, TOKEN);
    // A `#` would end the path: the version is one percent-encoded segment.
    assert_eq!(c.record_deploy(&record("2026.11.26#2")).await, Ok(()));
    assert_eq!(sentry.releases.lock().unwrap().get("2026.11.26#2").map(|p| p.len()), Some(1));
    let paths = sentry.paths.lock().unwrap().clone();
    assert_eq!(
        paths,
        ["/api/0/organizations/mozilla/releases/", "/api/0/organizations/mozilla/releases/2026.11.26%232/deploys/"]
    );
    let deploys = sentry.deploys.lock().unwrap().clone();
    assert_eq!(deploys.len(), 1);
    let (version, body) = &deploys[0];
    assert_eq!(version, "2026.11.26#2");
    assert_eq!(body["environment"], "prod");
    assert_eq!(body["dateStarted"], "2026-11-26T15:00:00Z");
    assert_eq!(body["dateFinished"], "2026-11-26T15:03:00Z");
    assert_eq!(body["projects"], json!(["web"]));

    // The release is there already (208): the deploy is still recorded.
    let stage = DeployRecord { env: "stage".into(), ..record("2026.11.26#2") };
    assert_eq!(c.record_deploy(&stage).await, Ok(()));
    assert_eq!(sentry.deploys.lock().unwrap().len(), 2);

    // What Sentry refuses is named, never in its own words or with the token.
    let bad_env = DeployRecord { env: "eu/west".into(), ..record("2026.11.26") };
    assert_eq!(
        c.record_deploy(&bad_env).await,
        Err("Sentry refuses `eu/west` as an environment name (HTTP 400)".into())
    );
    let unknown = DeployRecord { project: "nope".into(), ..record("2026.11.26") };
    assert_eq!(
        c.record_deploy(&unknown).await,
        Err("Sentry does not know project `nope` in `mozilla` (HTTP 400)".into())
    );
    let err = client(&url, "sntrys_wrong").record_deploy(&record("2026.11.26")).await.unwrap_err();
    assert_eq!(err, "token rejected (invalid, expired or revoked): HTTP 401");
}

#[tokio::test]
async fn a_token_without_project_releases_is_said_and_journaled_once_and_the_push_goes_on() {
    let (url, sentry) = serve().await;
    sentry.no_release_scope.store(true, Ordering::SeqCst);
    let t = shipdeck::testkit::release().window.unwrap().start;
    let mut m = shipdeck::testkit::model(&["web"], t);
    let mut spec = shipdeck::testkit::sentry_spec(&url, "mozilla", None, &["web"]);
    spec.record_deploys = true;
    m.sentry = Some(SentryState::new(spec));
    m.sentry.as_mut().unwrap().deploys.enabled = true;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let io = Io::new(&PollConfig::default(), tx).unwrap().with_sentry(client(&url, TOKEN));
    let on_target = shipdeck::testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, t);
    let mut asked = 0;
    for generation in 1..=3 {
        let fx = update(
            &mut m,
            Msg::Rollout(RolloutMsg::Probed { generation, service: 0, env: 1, probe: on_target.clone() }),
        );
        for e in fx {
            asked += usize::from(matches!(e, Effect::Sentry(_)));
            io.spawn(e);
        }
    }
    assert_eq!(asked, 1, "once, however often prod is seen on the target");
    let deadline = Instant::now() + Duration::from_secs(10);
    let saved = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = tokio::time::timeout(left, rx.recv()).await.expect("Sentry answers").unwrap();
        let fx = update(&mut m, msg);
        let saved: Vec<_> = fx
            .iter()
            .filter_map(|e| if let Effect::Append(ev) = e { Some(ev.kind.clone()) } else { None })
            .filter(|k| matches!(k, EventKind::SentryDeploy { .. }))
            .collect();
        if !saved.is_empty() {
            break saved;
        }
    };
    let why = "the token may not create releases in `mozilla` (HTTP 403): it needs project:releases";
    assert_eq!(
        saved,
        [EventKind::SentryDeploy {
            project: "web".into(),
            env: "prod".into(),
            version: "2026.11.26".into(),
            ok: false,
            detail: why.into()
        }]
    );
    let flash = m.view.flash.as_ref().expect("said in the footer");
    assert!(flash.error && flash.text.contains(why) && !flash.text.contains(TOKEN), "{}", flash.text);
    assert!(m.log.entries.iter().any(|l| l.text == format!("Sentry: could not record web 2026.11.26 on prod: {why}")));
    assert!(sentry.deploys.lock().unwrap().is_empty());
}

/// Two cockpits sharing a push through a bare remote both see prod run the
/// target: Sentry hears of the deploy once, from the cockpit whose claim
/// landed first, and the other says who told it.
#[test]
fn two_cockpits_sharing_a_push_tell_sentry_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (url, sentry) = runtime.block_on(serve());
    let service = runtime.block_on(crate::smoke_server::start("2026.12.01"));
    let dir = tempfile::tempdir().unwrap();
    let remote = dir.path().join("remote.git");
    let out = shipdeck::testkit::git_command(dir.path(), dir.path())
        .args(["init", "-q", "--bare"])
        .arg(&remote)
        .output()
        .unwrap();
    assert!(out.status.success());
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(
        &config,
        format!(
            r#"[release]
name = "Deploy Test"
push_day = "tuesday"
environments = ["stage", "prod"]

[[services]]
name = "web"
envs = {{ prod = "{version}" }}

[share]
remote = "{remote}"
interval = "1s"

[sentry]
url = "{url}"
org = "mozilla"
projects = [{{ slug = "web", service = "web" }}]
token_env = "DEPLOY_TEST_TOKEN"
record_deploys = true
"#,
            version = service.version_url(),
            remote = remote.display(),
        ),
    )
    .unwrap();
    let args = |who: &str| -> Vec<std::ffi::OsString> {
        let mut a: Vec<std::ffi::OsString> = vec!["--config".into(), config.clone().into(), "--data-dir".into()];
        a.extend([dir.path().join(who).into(), "--push-date".into(), "2026-12-01".into(), "--as".into(), who.into()]);
        a
    };
    let env = [("HOME", dir.path().as_os_str()), ("DEPLOY_TEST_TOKEN", std::ffi::OsStr::new(TOKEN))];
    let cockpits: Vec<crate::common::Pty> =
        ["alice", "bob"].iter().map(|who| crate::common::Pty::start_with(&args(who), &env)).collect();
    for p in &cockpits {
        p.wait_for_text("Sentry told, by this cockpit or the other", "release 2026.12.01 deployed to prod");
    }
    // The one whose claim lost says whose won.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cockpits.iter().any(|p| p.contents().contains("cockpit records the deploy of web"))
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let said: Vec<String> = cockpits.iter().map(|p| p.contents()).collect();
    let deploys = sentry.deploys.lock().unwrap().clone();
    assert_eq!(deploys.len(), 1, "Sentry heard it once: {deploys:?}\n{said:#?}");
    assert_eq!((deploys[0].0.as_str(), deploys[0].1["environment"].as_str()), ("2026.12.01", Some("prod")));
    let deferred = said.iter().filter(|s| s.contains("cockpit records the deploy of web")).count();
    assert_eq!(deferred, 1, "the other cockpit says who told Sentry: {said:#?}");
    for mut p in cockpits {
        p.press(b"q");
        p.wait_exit(Duration::from_secs(10));
    }
}
