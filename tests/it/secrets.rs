//! Credentials in configured URLs, end to end: a service behind Basic auth
//! (`http://user:SECRETPW@…`) is asked with its credentials, and the password
//! shows up nowhere a person or a script reads — stdout, stderr, the journal,
//! `shipdeck.log` — not even when the service or Sentry is down and the
//! error text quotes the URL. And redirects: one to another host is reported
//! as an error naming that host, never answered for the service; one within
//! the same origin is followed, and where it led is reported (credentials in
//! its Location masked).

use assert_cmd::Command;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const PASSWORD: &str = "SECRETPW";
const VERSION: &str = "2026.11.26";
/// What the other host answers: it must never be reported.
const ELSEWHERE_VERSION: &str = "6666.66.66";
const PUSH_DATE: &str = "2026-11-26";

/// What reqwest sends for `user:SECRETPW@`.
const BASIC: &str = "Basic dXNlcjpTRUNSRVRQVw==";

struct Service {
    /// `127.0.0.1:port`
    addr: String,
    /// `127.0.0.2:port`, a different host on Linux loopback.
    elsewhere: String,
    elsewhere_hits: Arc<AtomicUsize>,
}

/// A Dockerflow service that wants Basic auth on `/__version__`, with a
/// same-origin redirect (`/moved/…`), one whose Location carries a password
/// (`/relogin/…`) and one to another host (`/away/…`); and that other host,
/// counting the requests it gets.
async fn serve() -> Service {
    let hits = Arc::new(AtomicUsize::new(0));
    let other = tokio::net::TcpListener::bind("127.0.0.2:0").await.expect("bind 127.0.0.2 (Linux loopback)");
    let elsewhere = other.local_addr().expect("addr").to_string();
    let counted = hits.clone();
    let other_app = Router::new().fallback(move || {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, Ordering::SeqCst);
            axum::Json(serde_json::json!({ "version": ELSEWHERE_VERSION }))
        }
    });
    tokio::spawn(async move { axum::serve(other, other_app).await.expect("serve") });

    async fn guarded(headers: HeaderMap) -> Response {
        match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
            Some(a) if a == BASIC => axum::Json(serde_json::json!({ "version": VERSION })).into_response(),
            _ => StatusCode::UNAUTHORIZED.into_response(),
        }
    }
    async fn away(State((elsewhere, _)): State<(String, String)>) -> Response {
        let to = format!("http://{elsewhere}/__version__");
        (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
    }
    async fn relogin(State((_, own)): State<(String, String)>) -> Response {
        let to = format!("http://user:{PASSWORD}@{own}/open/__version__");
        (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let app = Router::new()
        .route("/__version__", get(guarded))
        .route("/__heartbeat__", get(|| async { axum::Json(serde_json::json!({ "status": "ok" })) }))
        .route("/moved/__version__", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/open/__version__")]) }))
        .route("/open/__version__", get(|| async { axum::Json(serde_json::json!({ "version": VERSION })) }))
        .route("/away/__version__", get(away))
        .route("/relogin/__version__", get(relogin))
        .with_state((elsewhere.clone(), addr.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    Service { addr, elsewhere, elsewhere_hits: hits }
}

/// A port nothing listens on.
fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

struct Setup {
    _dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

fn setup(config: &str) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shipdeck.toml");
    std::fs::write(&path, config).expect("write config");
    let data = dir.path().join("data");
    Setup { config: path, data, _dir: dir }
}

impl Setup {
    /// `shipdeck ARGS --config … --data-dir … --push-date …`, on a blocking
    /// thread so the servers keep serving on the runtime.
    async fn run(&self, args: &[&str]) -> Output {
        let mut full: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        full.extend(["--config".into(), self.config.display().to_string()]);
        full.extend(["--data-dir".into(), self.data.display().to_string()]);
        full.extend(["--push-date".into(), PUSH_DATE.into()]);
        tokio::task::spawn_blocking(move || {
            Command::cargo_bin("shipdeck")
                .expect("the shipdeck binary is built")
                .args(&full)
                .env_remove("SHIPDECK_CONFIG")
                .env_remove("SHIPDECK_DATA_DIR")
                .env("SHIPDECK_LOG", "debug")
                .env("SHIPDECK_USER", "tester")
                .timeout(Duration::from_secs(20))
                .output()
                .expect("shipdeck runs")
        })
        .await
        .expect("the blocking task finishes")
    }
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn json(o: &Output) -> Value {
    let (out, err) = text(o);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {out}\nstderr: {err}"))
}

/// Every file under `dir`, with its contents.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.push((path, bytes));
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn assert_no_password(what: &str, o: &Output) {
    let (out, err) = text(o);
    assert!(!out.contains(PASSWORD), "{what}: the password is on stdout:\n{out}");
    assert!(!err.contains(PASSWORD), "{what}: the password is on stderr:\n{err}");
}

fn env_of<'a>(report: &'a Value, service: &str, env: &str) -> &'a Value {
    report["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == service)
        .and_then(|s| s["envs"].get(env))
        .unwrap_or_else(|| panic!("{service}.{env} in {report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_in_urls_are_used_but_never_shown_or_stored() {
    let svc = serve().await;
    let dead = dead_port();
    let token = tempfile::NamedTempFile::new().expect("token file");
    std::fs::write(token.path(), "sntrys_TOKEN_do_not_print").expect("write token");
    #[cfg(unix)]
    std::fs::set_permissions(token.path(), std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    let s = setup(&format!(
        r#"[release]
name = "Secrets"
push_day = "thursday"
environments = ["stage", "prod"]

[poll]
timeout = "2s"

[[services]]
name = "guarded"
envs = {{ stage = "http://user:{PASSWORD}@{addr}/__version__", prod = "http://user:{PASSWORD}@127.0.0.1:{dead}/__version__" }}

[sentry]
url = "http://user:{PASSWORD}@127.0.0.1:{dead}"
org = "acme"
token_file = "{token}"
projects = ["guarded"]
"#,
        addr = svc.addr,
        token = token.path().display(),
    ));

    let out = s.run(&["log", "push starts"]).await;
    assert!(out.status.success(), "{:?}", text(&out));

    let out = s.run(&["status", "--json"]).await;
    assert!(out.status.success(), "{:?}", text(&out));
    assert_no_password("status --json", &out);
    let report = json(&out);
    let stage = env_of(&report, "guarded", "stage");
    assert_eq!(stage["state"], "ok", "the credentials went with the request: {stage}");
    assert_eq!(stage["version"], VERSION);
    assert_eq!(stage["url"], format!("http://user:***@{}/__version__", svc.addr).as_str());
    assert_eq!(stage["heartbeat_url"], format!("http://user:***@{}/__heartbeat__", svc.addr).as_str());
    let prod = env_of(&report, "guarded", "prod");
    assert_eq!(prod["state"], "unreachable", "{prod}");
    assert_eq!(prod["url"], format!("http://user:***@127.0.0.1:{dead}/__version__").as_str());
    let project = &report["sentry"]["projects"][0];
    let error = project["error"].as_str().unwrap_or_else(|| panic!("a dead Sentry is an error: {project}"));
    assert!(error.contains(&format!("127.0.0.1:{dead}")), "the error names the server: {error}");

    let out = s.run(&["status"]).await;
    assert_no_password("status", &out);

    let out = s.run(&["checklist", "--json"]).await;
    assert!(out.status.success(), "{:?}", text(&out));
    assert_no_password("checklist --json", &out);
    let (checklist, _) = text(&out);
    assert!(checklist.contains(&format!("127.0.0.1:{dead}")), "the Sentry evidence is in the checklist:\n{checklist}");

    let out = s.run(&["checklist"]).await;
    assert_no_password("checklist", &out);

    let stored = files(&s.data);
    let names: Vec<String> =
        stored.iter().map(|(p, _)| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n == "shipdeck.log"), "the log file is checked: {names:?}");
    assert!(names.iter().any(|n| n.ends_with(".jsonl")), "the journal is checked: {names:?}");
    for (path, bytes) in &stored {
        assert!(
            !contains(bytes, PASSWORD),
            "{} holds the password:\n{}",
            path.display(),
            String::from_utf8_lossy(bytes)
        );
        assert!(!contains(bytes, "sntrys_TOKEN"), "{} holds the Sentry token", path.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_host_is_an_error_naming_it_and_one_within_the_origin_is_followed() {
    let svc = serve().await;
    let s = setup(&format!(
        r#"[release]
name = "Redirects"
push_day = "thursday"
environments = ["dev", "stage", "prod"]

[[services]]
name = "moved"
envs = {{ dev = "http://{addr}/relogin/__version__", stage = "http://{addr}/moved/__version__", prod = "http://{addr}/away/__version__" }}
"#,
        addr = svc.addr,
    ));
    let out = s.run(&["status", "--json"]).await;
    assert!(out.status.success(), "{:?}", text(&out));
    assert_no_password("status --json", &out);
    let report = json(&out);

    let stage = env_of(&report, "moved", "stage");
    assert_eq!(stage["state"], "ok", "a same-origin redirect is followed: {stage}");
    assert_eq!(stage["version"], VERSION);
    assert_eq!(stage["url"], format!("http://{}/moved/__version__", svc.addr).as_str());
    assert_eq!(stage["final_url"], format!("http://{}/open/__version__", svc.addr).as_str(), "{stage}");

    let dev = env_of(&report, "moved", "dev");
    assert_eq!(dev["state"], "ok", "{dev}");
    assert_eq!(dev["final_url"], format!("http://user:***@{}/open/__version__", svc.addr).as_str(), "{dev}");

    let prod = env_of(&report, "moved", "prod");
    assert_eq!(prod["state"], "http_error", "{prod}");
    assert_eq!(prod["version"], Value::Null, "{prod}");
    assert_eq!(prod["final_url"], Value::Null, "a redirect not followed led nowhere: {prod}");
    let error = prod["error"].as_str().unwrap_or_default();
    assert!(error.contains(&format!("redirected to http://{}", svc.elsewhere)), "{error}");
    assert!(error.contains("302"), "{error}");
    assert!(!text(&out).0.contains(ELSEWHERE_VERSION), "the other host's answer is not reported");
    assert_eq!(svc.elsewhere_hits.load(Ordering::SeqCst), 0, "the other host was asked");

    let out = s.run(&["status"]).await;
    assert!(out.status.success(), "{:?}", text(&out));
    assert_no_password("status", &out);
    let (table, _) = text(&out);
    let moved = format!(
        "moved · stage: http://{addr}/moved/__version__ redirected to http://{addr}/open/__version__",
        addr = svc.addr
    );
    assert!(table.lines().any(|l| l == moved), "{moved} in:\n{table}");
    let relogin = format!(
        "moved · dev: http://{addr}/relogin/__version__ redirected to http://user:***@{addr}/open/__version__",
        addr = svc.addr
    );
    assert!(table.lines().any(|l| l == relogin), "{relogin} in:\n{table}");
    assert!(!table.contains("away/__version__ redirected"), "{table}");
}
