//! A service on 127.0.0.1 for the smoke checks' tests: a Dockerflow
//! `/__version__` whose version a test flips, and endpoints that pass, fail,
//! hang and redirect, each counting how often it was asked, and `/status/…`
//! remembering the paths asked.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Served {
    pub version: Mutex<String>,
    /// Answers of `/api/config.json`.
    pub config_hits: AtomicUsize,
    /// The paths asked under `/status/`, in order.
    pub status_asked: Mutex<Vec<String>>,
}

pub struct Service {
    pub base: String,
    pub state: Arc<Served>,
}

impl Service {
    pub fn set_version(&self, v: &str) {
        *self.state.version.lock().unwrap() = v.to_string();
    }

    pub fn version_url(&self) -> String {
        format!("{}/__version__", self.base)
    }

    pub fn config_hits(&self) -> usize {
        self.state.config_hits.load(Ordering::SeqCst)
    }

    pub fn status_asked(&self) -> Vec<String> {
        self.state.status_asked.lock().unwrap().clone()
    }
}

async fn version(State(s): State<Arc<Served>>) -> Response {
    let v = s.version.lock().unwrap().clone();
    let body = serde_json::json!({ "version": v, "commit": "abcdef1234567890", "source": "https://x", "build": "" });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn config(State(s): State<Arc<Served>>) -> Response {
    s.config_hits.fetch_add(1, Ordering::SeqCst);
    let v = s.version.lock().unwrap().clone();
    let body = serde_json::json!({ "version": v, "count": 3, "live": true, "a/b": { "m~n": "x" } });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn status(State(s): State<Arc<Served>>, uri: axum::http::Uri) -> &'static str {
    s.status_asked.lock().unwrap().push(uri.path().to_string());
    "ok"
}

/// Starts the service on an ephemeral port of 127.0.0.1.
pub async fn start(version_now: &str) -> Service {
    let state = Arc::new(Served { version: Mutex::new(version_now.into()), ..Default::default() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Another origin to be redirected to: same host, another port.
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_addr = other.local_addr().unwrap();
    let app = Router::new()
        .route("/__version__", get(version))
        .route("/__heartbeat__", get(|| async { axum::Json(serde_json::json!({ "status": "ok", "checks": {} })) }))
        .route("/api/config.json", get(config))
        .route("/broken", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "database is on fire") }))
        .route("/status/{*rest}", get(status))
        .route("/hello", get(|| async { "hello world" }))
        .route("/not-json", get(|| async { "<html>" }))
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                "late"
            }),
        )
        .route("/moved", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/api/config.json")]) }))
        .route(
            "/elsewhere",
            get(move || async move {
                (StatusCode::FOUND, [(header::LOCATION, format!("http://{other_addr}/api/config.json"))])
            }),
        )
        .with_state(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let elsewhere = Router::new().route("/api/config.json", get(|| async { "{}" }));
    tokio::spawn(async move { axum::serve(other, elsewhere).await.unwrap() });
    Service { base: format!("http://{addr}"), state }
}
