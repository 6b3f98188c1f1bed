//! `shipdeck deploy`, `rollback`, `lock` and `unlock` as a CI job or a
//! person runs them: the real binary, a fleet and a CI server on
//! 127.0.0.1, a command hook that is a real script, and the journal they
//! leave.

use assert_cmd::Command;
use axum::extract::{Path as UrlPath, State};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;

/// What `web` runs on each environment, and what the CI server was asked.
#[derive(Default)]
struct Fleet {
    running: Mutex<Vec<(String, String)>>,
    asked: Mutex<Vec<(String, Option<String>)>>,
}

async fn version(State(f): State<Arc<Fleet>>, UrlPath(env): UrlPath<String>) -> axum::Json<Value> {
    let running = f.running.lock().unwrap();
    let v = running.iter().find(|(e, _)| *e == env).map_or("2026.11.26", |(_, v)| v.as_str()).to_string();
    axum::Json(serde_json::json!({ "version": v, "commit": "abc1234", "source": "https://example.org/web" }))
}

/// The CI job: deploys `DeployRef` to prod, answering as Jenkins does.
async fn build(State(f): State<Arc<Fleet>>, headers: axum::http::HeaderMap, body: String) -> axum::response::Response {
    let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
    f.asked.lock().unwrap().push((body.clone(), auth));
    let tag = body.split('&').find_map(|kv| kv.strip_prefix("DeployRef=")).unwrap_or("").to_string();
    f.running.lock().unwrap().push(("prod".into(), tag));
    f.running.lock().unwrap().reverse();
    axum::response::Response::builder()
        .status(201)
        .header("location", "http://127.0.0.1/queue/item/42/")
        .body(axum::body::Body::empty())
        .unwrap()
}

struct Setup {
    fleet: Arc<Fleet>,
    dir: TempDir,
    config: PathBuf,
}

const PUSH_DATE: &str = "2026-12-03";
const TARGET: &str = "2026.12.03";

async fn setup(stage_hook: &str) -> Setup {
    let fleet = Arc::new(Fleet::default());
    let app = axum::Router::new()
        .route("/web/{env}/__version__", axum::routing::get(version))
        .route("/ci/buildWithParameters", axum::routing::post(build))
        .with_state(fleet.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    let hook = dir.path().join("deploy.sh");
    std::fs::write(&hook, format!("#!/bin/sh\n{stage_hook}")).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let repo = dir.path().join("web");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "one"],
        &["-c", "user.name=t", "-c", "user.email=t@e", "tag", "-a", "2026.11.26", "-m", "push"],
        &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "two"],
        &["-c", "user.name=t", "-c", "user.email=t@e", "tag", "-a", "2026.12.03", "-m", "push"],
        &["remote", "add", "origin", "https://example.invalid/web.git"],
    ] {
        assert!(shipdeck::testkit::git_command(&home, &repo).args(args).status().unwrap().success());
    }
    let config = dir.path().join("shipdeck.toml");
    let text = format!(
        r#"[release]
name = "Web"
push_day = "thursday"

[[services]]
name = "web"
repo = "web"
[services.envs]
stage = "http://127.0.0.1:{port}/web/stage/__version__"
prod = "http://127.0.0.1:{port}/web/prod/__version__"

[[repos]]
name = "web"
path = "web"

[deploy.stage]
command = ["./deploy.sh", "{{service}}", "{{tag}}", "{{env}}"]
timeout = "20s"

[deploy.prod]
webhook = {{ url = "http://127.0.0.1:{port}/ci/buildWithParameters", params = {{ DeployRef = "{{tag}}", Service = "{{service}}" }}, auth_env = "CI_TOKEN" }}
roles = ["ops", "rm"]
"#
    );
    std::fs::write(&config, text).unwrap();
    Setup { fleet, dir, config }
}

impl Setup {
    /// The command with the config, push date and data dir; its exit
    /// code, stdout and stderr.
    async fn run(&self, args: &[&str]) -> (Option<i32>, String, String) {
        self.run_with_token(args, Some("ci-bot:s3cret-token")).await
    }

    /// As `run`, with the webhook's `$CI_TOKEN` as given (`None`: unset).
    async fn run_with_token(&self, args: &[&str], token: Option<&str>) -> (Option<i32>, String, String) {
        let token = token.map(str::to_string);
        let mut full: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        full.extend(["--config".into(), self.config.display().to_string()]);
        full.extend(["--push-date".into(), PUSH_DATE.into(), "--as".into(), "alice".into()]);
        full.extend(["--data-dir".into(), self.dir.path().join("data").display().to_string()]);
        let home = self.dir.path().join("home");
        tokio::task::spawn_blocking(move || {
            let mut cmd = Command::cargo_bin("shipdeck").unwrap();
            cmd.args(&full)
                .env_remove("SHIPDECK_CONFIG")
                .env_remove("SHIPDECK_DATA_DIR")
                .env("HOME", home)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env_remove("CI_TOKEN")
                .timeout(Duration::from_secs(60));
            if let Some(token) = token {
                cmd.env("CI_TOKEN", token);
            }
            shipdeck_outcome(cmd)
        })
        .await
        .unwrap()
    }

    fn journal(&self) -> String {
        let mut text = String::new();
        for entry in walk(&self.dir.path().join("data")) {
            if entry.extension().is_some_and(|e| e == "jsonl") {
                text.push_str(&std::fs::read_to_string(entry).unwrap());
            }
        }
        text
    }
}

fn shipdeck_outcome(cmd: Command) -> (Option<i32>, String, String) {
    crate::common::outcome(cmd, &[])
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn kinds(journal: &str) -> Vec<Value> {
    journal.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_deploy_to_prod_is_journaled_and_seen_to_flip() {
    let s = setup("exit 0\n").await;
    let (code, out, err) = s.run(&["status", "--json"]).await;
    assert_eq!(code, Some(0), "{err}");
    let status: Value = serde_json::from_str(&out).unwrap();
    let prod = &status["services"][0]["envs"]["prod"];
    assert_eq!(prod["version"], "2026.11.26");
    let lkg = &prod["last_known_good"];
    assert_eq!((lkg["version"].as_str(), lkg["basis"].as_str()), (Some("2026.11.26"), Some("previous_tag")));
    assert_eq!(lkg["label"], "2026.11.26 (previous push tag; no history)");

    let (code, out, err) = s.run(&["deploy", "prod", "--json"]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let result: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(result["service"], "web");
    assert_eq!(result["tag"], TARGET);
    assert_eq!(result["from"], "2026.11.26");
    assert_eq!(result["ok"], true);
    assert_eq!(result["detail"], "HTTP 201 Created · Location: http://127.0.0.1/queue/item/42/");
    // The README documents exactly these fields.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let documented = readme.lines().find(|l| l.starts_with("{\"env\":\"prod\",\"service\"")).unwrap();
    let documented: Value = serde_json::from_str(documented).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&documented), keys(&result));
    let asked = s.fleet.asked.lock().unwrap().clone();
    assert_eq!(asked[0].0, format!("DeployRef={TARGET}&Service=web"));
    assert_eq!(asked[0].1.as_deref(), Some("Basic Y2ktYm90OnMzY3JldC10b2tlbg=="));
    let journal = s.journal();
    assert!(!journal.contains("s3cret"), "the secret is never journaled");
    let events = kinds(&journal);
    let names: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(names.contains(&"deploy_started") && names.contains(&"deploy_finished"), "{names:?}");
    // The rollout polled the service after the deploy: it saw the flip.
    assert!(
        events.iter().any(|e| e["kind"] == "version_changed" && e["env"] == "prod" && e["to"] == TARGET),
        "{journal}"
    );
    // A role the section does not name is refused with its own code.
    let (code, _, err) = s.run(&["deploy", "prod", "--role", "qa"]).await;
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("deploys to prod are for ops, rm; you act as qa"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lock_blocks_deploys_until_overridden_and_the_override_is_journaled() {
    let s = setup("echo \"deployed $1 $2 to $3\"\n").await;
    let (code, _, err) = s.run(&["lock", "stage", "--reason", "waiting for the migration"]).await;
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = s.run(&["deploy", "stage"]).await;
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("stage is locked by alice: waiting for the migration"), "{err}");
    assert!(!s.journal().contains("deploy_started"), "nothing was deployed");
    let (code, _, err) = s.run(&["deploy", "stage", "--override-lock", "prod"]).await;
    assert_eq!(code, Some(2), "the override names the environment: {err}");
    let (code, out, err) = s.run(&["deploy", "stage", "--override-lock", "stage"]).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&format!("deployed web {TARGET} to stage")), "the hook's output: {out}");
    let started: Vec<Value> = kinds(&s.journal()).into_iter().filter(|e| e["kind"] == "deploy_started").collect();
    assert_eq!(started[0]["overrides_lock"], true);
    let (code, _, _) = s.run(&["unlock", "stage"]).await;
    assert_eq!(code, Some(0));
    let (code, _, err) = s.run(&["deploy", "stage"]).await;
    assert_eq!(code, Some(0), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_deploy_has_its_own_exit_code() {
    let s = setup("echo \"no room left on the device\" >&2\nexit 7\n").await;
    let (code, out, err) = s.run(&["deploy", "stage"]).await;
    assert_eq!(code, Some(4), "{out}{err}");
    assert!(out.contains("no room left on the device"), "{out}");
    assert!(err.contains(&format!("deploy of {TARGET} to stage · web failed: exit 7")), "{err}");
    let finished: Vec<Value> = kinds(&s.journal()).into_iter().filter(|e| e["kind"] == "deploy_finished").collect();
    assert_eq!((finished[0]["ok"].as_bool(), finished[0]["detail"].as_str()), (Some(false), Some("exit 7")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rollback_deploys_the_known_good_through_the_hook_then_locks() {
    let s = setup("echo \"$@\" >> \"$(dirname \"$0\")/called.txt\"\n").await;
    // Stage already runs the previous push tag: nothing to go back to.
    let (code, out, err) = s.run(&["rollback", "stage", "--json"]).await;
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("it already runs 2026.11.26, the previous push tag"), "{err}");
    assert!(!s.journal().contains("deploy_started"), "nothing was deployed");
    s.fleet.running.lock().unwrap().push(("stage".into(), TARGET.into()));
    let (code, out, err) = s.run(&["rollback", "stage", "--json"]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let result: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!((result["tag"].as_str(), result["rollback"].as_bool()), (Some("2026.11.26"), Some(true)));
    let events = kinds(&s.journal());
    let order: Vec<&str> = events
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("deploy") || *k == "locked")
        .collect();
    assert_eq!(order, ["deploy_started", "deploy_finished", "locked"]);
    let lock = events.iter().find(|e| e["kind"] == "locked").unwrap();
    assert_eq!(lock["reason"], format!("rolled back from {TARGET}; fix before deploying again"));
    let called = std::fs::read_to_string(s.dir.path().join("called.txt")).unwrap();
    assert_eq!(called, "web 2026.11.26 stage\n", "the hook got the known-good tag");
    let (code, _, err) = s.run(&["deploy", "stage"]).await;
    assert_eq!(code, Some(3), "the rollback's lock holds: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_without_its_secret_is_refused_before_anything_is_recorded() {
    let s = setup("exit 0\n").await;
    let said = "deploy.prod: the webhook's token is read from $CI_TOKEN, which is not set here; nothing done";
    for args in [&["deploy", "prod"][..], &["rollback", "prod"]] {
        let (code, out, err) = s.run_with_token(args, None).await;
        assert_eq!(code, Some(2), "{args:?}: {out}{err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
    let (code, _, err) = s.run_with_token(&["deploy", "prod"], Some("")).await;
    assert_eq!(code, Some(2), "an empty token is no token: {err}");
    assert!(err.contains("$CI_TOKEN, which is empty here"), "{err}");
    assert!(s.fleet.asked.lock().unwrap().is_empty(), "the CI was never asked");
    let journal = s.journal();
    assert!(!journal.contains("deploy_started") && !journal.contains("\"locked\""), "nothing recorded: {journal}");
    // Stage's command needs no secret.
    let (code, _, err) = s.run_with_token(&["deploy", "stage"], None).await;
    assert_eq!(code, Some(0), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lock_reason_is_one_line_and_one_of_only_breaks_is_refused() {
    let s = setup("echo \"deployed $1 $2 to $3\"\n").await;
    let (code, _, err) = s.run(&["lock", "prod", "--reason", "\r\n\t \u{1b}[2J"]).await;
    assert_eq!(code, Some(2), "nothing but breaks and escapes is no reason: {err}");
    assert!(!s.journal().contains("\"locked\""), "nothing recorded");
    let (code, out, err) =
        s.run(&["lock", "prod", "--reason", "waiting\r\nfor  the\t\u{1b}[31mmigration\u{7}\r"]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.trim_end().lines().count(), 1, "{out:?}");
    let locked: Vec<Value> = kinds(&s.journal()).into_iter().filter(|e| e["kind"] == "locked").collect();
    assert_eq!(locked[0]["reason"], "waiting for the migration");
    let (code, _, err) = s.run(&["deploy", "prod"]).await;
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("prod is locked by alice: waiting for the migration (pass"), "{err}");
}
