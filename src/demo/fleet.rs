//! The demo fleet: an HTTP server on 127.0.0.1 answering `/__version__` and
//! `/__heartbeat__` for every service and environment, following the story.
//!
//! Routes:
//! - `/{service}/{env}/__version__` and `/{service}/{env}/__heartbeat__`,
//!   shaped as python-dockerflow answers them; while the story has a service
//!   down, both answer 503 as a load balancer without a backend does, and a
//!   heartbeat behind sign-in redirects to `/sign_in`, a login page.
//! - `/quirks/{kind}/__version__` (and `__heartbeat__`): the shapes real
//!   services get wrong, for trying the error states: `empty` (`{}`),
//!   `bare-sha` (plain-text commit), `missing` (404), `broken` (500),
//!   `hang` (never answers), `huge` (10 MB streamed), `binary` (not UTF-8),
//!   `html`, `hostile` (terminal escapes in every field), `slow` (300 ms).
//! - A Sentry web API for organization `demo` (see [`super::sentry`]), at
//!   [`Fleet::sentry_url`], with `Authorization: Bearer demo-sentry-token`:
//!   `/api/0/organizations/{org}/projects/` (one project per service),
//!   `/api/0/organizations/{org}/events-timeseries/` and `…/events-stats/`
//!   (errors per 5 minutes; the first service spikes after its prod switch)
//!   and `/api/0/organizations/{org}/issues/` (new issues and a regression
//!   once it has).

use super::fleet_state::{ENVS, FleetState};
use super::sentry;
use super::story::{Health, Story};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::oneshot;

pub const QUIRKS: [&str; 10] =
    ["empty", "bare-sha", "missing", "broken", "hang", "huge", "binary", "html", "hostile", "slow"];

/// A running fleet; stops when dropped.
pub struct Fleet {
    pub addr: SocketAddr,
    pub story: Story,
    state: Arc<FleetState>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Fleet {
    /// Binds 127.0.0.1 on a random port and serves until dropped.
    pub async fn start(story: Story, speed: f64) -> std::io::Result<Fleet> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(FleetState::new(story.clone(), speed));
        let app = Router::new()
            .route("/quirks/{kind}/__version__", get(quirk_version))
            .route("/quirks/{kind}/__heartbeat__", get(quirk_heartbeat))
            .route("/{service}/{env}/__version__", get(version))
            .route("/{service}/{env}/__heartbeat__", get(heartbeat))
            .route("/{service}/{env}/api/status", get(api_status))
            .route("/__deploy__", axum::routing::post(super::deploys::deploy))
            .route("/__deploy__/{id}", get(super::deploys::status))
            .route("/sign_in", get(sign_in))
            .merge(sentry::routes())
            .with_state(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = served.await {
                tracing::error!("demo fleet stopped: {e}");
            }
        });
        Ok(Fleet { addr, story, state, shutdown: Some(tx) })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn version_url(&self, service: &str, env: &str) -> String {
        format!("{}/{service}/{env}/__version__", self.base_url())
    }

    pub fn quirk_url(&self, kind: &str) -> String {
        format!("{}/quirks/{kind}/__version__", self.base_url())
    }

    /// The Sentry base URL for the config's `[sentry] url` (the API lives
    /// under `/api/0/` below it; organization [`sentry::DEMO_SENTRY_ORG`]).
    pub fn sentry_url(&self) -> String {
        self.base_url()
    }

    /// Holds `service`'s deploy (stage, then prod) until the story's new tag
    /// is on the bare repository `remote`: a version is never served before
    /// it is tagged. A tag already there holds nothing.
    pub fn deploy_when_tagged(&self, service: &str, remote: &std::path::Path) {
        if let Some(i) = self.story.services.iter().position(|s| s == service) {
            self.state.gate(i, remote.to_path_buf());
        }
    }

    /// Pauses the story (`true`) or resumes it.
    pub fn set_paused(&self, paused: bool) {
        self.state.set_paused(paused);
    }

    /// The story's clock, for what happens beside the fleet (the teammate).
    pub(super) fn clock(&self) -> Arc<FleetState> {
        self.state.clone()
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The service and what it serves now, or the answer instead of it: an
/// unknown service, or a backend the story has down.
fn serving(st: &FleetState, service: &str, env: &str) -> Result<(usize, super::story::Served), Box<Response>> {
    let Some((s, e)) = st.index(service, env) else {
        return Err(Box::new(StatusCode::NOT_FOUND.into_response()));
    };
    let t = st.story_time();
    if st.story.down(s, env, t) {
        return Err(Box::new(no_backend()));
    }
    Ok((s, served(st, s, e, env, t)))
}

async fn version(State(st): State<Arc<FleetState>>, Path((service, env)): Path<(String, String)>) -> Response {
    let served = match serving(&st, &service, &env) {
        Ok((_, served)) => served,
        Err(answer) => return *answer,
    };
    Json(json!({
        "source": format!("https://github.com/example/{service}"),
        "version": served.version,
        "commit": served.commit,
        "build": format!("https://ci.example.com/{service}/{}", &served.commit[..8]),
    }))
    .into_response()
}

/// What `(s, e)` serves at story second `t`: a deploy's own tag once it
/// rolled out, else the story's version; with the commit its tag names in
/// the service's repository, when it has one.
fn served(st: &FleetState, s: usize, e: usize, env: &str, t: f64) -> super::story::Served {
    let n = st.counters[s * ENVS.len() + e].fetch_add(1, Ordering::Relaxed);
    let mut served = match st.deployed(s, e, t) {
        Some(tag) => {
            super::story::Served { commit: super::story::commit_for(&st.story.services[s], &tag), version: tag }
        }
        None => st.story.version(s, env, t, n, st.deploy_from(s)),
    };
    if let Some(commit) = st.commit_of(s, &served.version) {
        served.commit = commit;
    }
    served
}

/// `/{service}/{env}/api/status`: the smoke checks' page.
async fn api_status(State(st): State<Arc<FleetState>>, Path((service, env)): Path<(String, String)>) -> Response {
    match serving(&st, &service, &env) {
        Ok((s, served)) => super::deploys::api_status(&st, s, &env, &served.version),
        Err(answer) => *answer,
    }
}

async fn heartbeat(State(st): State<Arc<FleetState>>, Path((service, env)): Path<(String, String)>) -> Response {
    let Some((s, _)) = st.index(&service, &env) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let t = st.story_time();
    if st.story.down(s, &env, t) {
        return no_backend();
    }
    if st.story.behind_sign_in(s, &env) {
        let back = format!("/sign_in?rd=/{service}/{env}/__heartbeat__");
        return (StatusCode::FOUND, [(header::LOCATION, back)]).into_response();
    }
    match st.story.health(s, &env, t) {
        Health::Ok => Json(json!({"status": "ok", "checks": {"database": "ok"}, "details": {}})).into_response(),
        Health::Warning => Json(json!({
            "status": "warning",
            "checks": {"celery": "warning"},
            "details": {"celery": {"status": "warning", "level": 30, "messages": {"celery.W001": "queue backlog above 1000"}}}
        }))
        .into_response(),
    }
}

/// What a load balancer answers while no backend is up.
fn no_backend() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/plain")], "no healthy upstream").into_response()
}

/// A sign-in proxy's login page: a 200 that is no heartbeat.
async fn sign_in() -> Response {
    let page = "<!DOCTYPE html><html><head><title>Sign in</title></head>\
                <body><form method=\"post\"><button>Sign in with SSO</button></form></body></html>";
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

async fn quirk_version(Path(kind): Path<String>) -> Response {
    match kind.as_str() {
        "empty" => Json(json!({})).into_response(),
        "bare-sha" => "0123456789abcdef0123456789abcdef01234567\n".into_response(),
        "missing" => (StatusCode::NOT_FOUND, "Not Found").into_response(),
        "broken" => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        "hang" => {
            // Long enough for any client to give up; bounded so nothing leaks forever.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        "huge" => {
            let chunks = (0..160).map(|_| Ok::<_, std::convert::Infallible>(Bytes::from(vec![b' '; 64 * 1024])));
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        "binary" => (StatusCode::OK, vec![0xff, 0xfe, 0x00, 0x9b, 0x32, 0x4a]).into_response(),
        "html" => {
            ([(header::CONTENT_TYPE, "text/html")], "<html><body>Welcome to nginx!</body></html>").into_response()
        }
        "hostile" => Json(json!({
            "source": "\u{1b}]52;c;cm0gLXJmIH4=\u{7}https://evil.example",
            "version": "\u{1b}[2J\u{1b}[31m2026.11.26\u{202e}",
            "commit": "\u{1b}[1mabcdef1234567",
            "build": "x\u{0}y",
        }))
        .into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Json(json!({"version": "slow", "commit": "abcdef1"})).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn quirk_heartbeat(Path(kind): Path<String>) -> Response {
    match kind.as_str() {
        "broken" => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "error"}))).into_response(),
        "hang" => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        "missing" => StatusCode::NOT_FOUND.into_response(),
        _ => Json(json!({"status": "ok"})).into_response(),
    }
}
