//! The deploy hooks as the cockpit and the commands run them: a real
//! command (its output streamed and cleaned, its exit code, its whole
//! process group stopped at the timeout) and a webhook to a real server on
//! 127.0.0.1 (the parameters, the method, the secret in one header).

use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use shipdeck::domain::deploy::{DeploySpec, Hook, Method as HookMethod};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn command(argv: &[&str], timeout: Duration) -> DeploySpec {
    DeploySpec {
        env: "stage".into(),
        hook: Hook::Command { argv: argv.iter().map(|s| s.to_string()).collect() },
        order: Vec::new(),
        roles: Vec::new(),
        timeout,
    }
}

async fn run(spec: &DeploySpec, tag: &str) -> (shipdeck::domain::deploy::msg::HookResult, Vec<String>) {
    let mut lines = Vec::new();
    let result = shipdeck::io::deploy::run_one(spec, "web", tag, &mut |l| lines.push(l)).await;
    (result, lines)
}

#[tokio::test]
async fn a_command_streams_its_output_cleaned_and_says_how_it_exited() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        "echo \"deploying $1 $2 to $3\"\nprintf 'bad \\033]0;title\\007\\033[31mred\\n'\necho oops >&2\nexit 3\n";
    let program = script(dir.path(), "deploy.sh", body);
    let spec = command(&[&program, "{service}", "{tag}", "{env}"], Duration::from_secs(20));
    let (result, lines) = run(&spec, "2026.12.01").await;
    assert_eq!((result.ok, result.detail.as_str()), (false, "exit 3"));
    assert!(lines.contains(&"deploying web 2026.12.01 to stage".to_string()), "{lines:?}");
    assert!(lines.contains(&"bad red".to_string()), "no escape reaches the screen: {lines:?}");
    assert!(lines.contains(&"oops".to_string()), "stderr too: {lines:?}");
    let ok = command(&["true"], Duration::from_secs(20));
    assert_eq!(run(&ok, "x").await.0.detail, "exit 0");
    let missing = command(&["/nonexistent/deploy"], Duration::from_secs(20));
    let (r, _) = run(&missing, "x").await;
    assert!(!r.ok && r.detail.starts_with("cannot run /nonexistent/deploy"), "{}", r.detail);
}

fn gone(pid: u32) -> bool {
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next()));
    matches!(state, None | Some('Z') | Some('X'))
}

#[tokio::test]
async fn a_timeout_stops_the_whole_process_group_and_leaves_nothing_running() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("child.pid");
    let body = format!("sleep 300 &\necho $! > {}\necho started\nwait\n", pid_file.display());
    let program = script(dir.path(), "slow.sh", &body);
    let spec = command(&[&program], Duration::from_secs(1));
    let began = Instant::now();
    let (result, lines) = run(&spec, "x").await;
    assert!(!result.ok);
    assert_eq!(result.detail, "timed out after 1s; its process group was stopped");
    assert!(began.elapsed() < Duration::from_secs(10), "bounded: {:?}", began.elapsed());
    assert_eq!(lines, ["started"]);
    let child: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gone(child) {
        assert!(Instant::now() < deadline, "the script's child {child} outlived the deploy");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the CI server was asked.
#[derive(Debug, Clone, Default)]
struct Seen {
    method: String,
    query: Option<String>,
    body: String,
    auth: Option<String>,
}

async fn hook(
    State(seen): State<Arc<Mutex<Vec<Seen>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
    seen.lock().unwrap().push(Seen { method: method.to_string(), query: uri.query().map(str::to_string), body, auth });
    axum::response::Response::builder()
        .status(201)
        .header("location", "http://127.0.0.1/queue/item/7/")
        .body(axum::body::Body::from("queued\n"))
        .unwrap()
}

#[tokio::test]
async fn a_webhook_sends_its_params_and_the_secret_in_one_header() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app =
        axum::Router::new().route("/job/deploy/buildWithParameters", axum::routing::any(hook)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://127.0.0.1:{}/job/deploy/buildWithParameters", addr.port());
    let params =
        vec![("DeployRef".to_string(), "{tag}".to_string()), ("Service".to_string(), "{service} on {env}".to_string())];
    let mut lines = Vec::new();
    for method in [HookMethod::Post, HookMethod::Get] {
        let ask = shipdeck::io::deploy::webhook::Ask {
            url: &url,
            method,
            params: &[("DeployRef".into(), "v2".into()), ("Service".into(), "web on prod".into())],
            secret: Some(("CI_TOKEN", Some("ci-bot:s3cret".into()))),
            timeout: Duration::from_secs(10),
        };
        let r = shipdeck::io::deploy::webhook::send(ask, &mut |l| lines.push(l)).await;
        assert!(r.ok, "{}", r.detail);
        assert_eq!(r.detail, "HTTP 201 Created · Location: http://127.0.0.1/queue/item/7/");
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].body, "DeployRef=v2&Service=web+on+prod");
    assert_eq!(seen[0].query, None);
    assert_eq!(seen[1].method, "GET");
    assert_eq!(seen[1].query.as_deref(), Some("DeployRef=v2&Service=web+on+prod"));
    // `user:token` goes as Basic, in that header only.
    assert_eq!(seen[0].auth.as_deref(), Some("Basic Y2ktYm90OnMzY3JldA=="));
    assert_eq!(lines, ["queued", "queued"]);
    // An unset secret is named, never guessed; nothing is sent.
    let spec = DeploySpec {
        env: "prod".into(),
        hook: Hook::Webhook {
            url: url.clone(),
            method: HookMethod::Post,
            params,
            auth_env: Some("SHIPDECK_TEST_UNSET_TOKEN".into()),
        },
        order: Vec::new(),
        roles: Vec::new(),
        timeout: Duration::from_secs(5),
    };
    let (r, _) = run(&spec, "v3").await;
    assert_eq!(r.detail, "webhook: $SHIPDECK_TEST_UNSET_TOKEN is not set (auth_env)");
}

/// A CI's refusal says why in its body: the reason goes with the status
/// into the result, so the journal and the log carry it, with the hostile
/// bytes gone.
#[tokio::test]
async fn a_refused_webhook_says_the_reason_its_answer_gave() {
    async fn refuse() -> axum::response::Response {
        axum::response::Response::builder()
            .status(422)
            .body(axum::body::Body::from("\n\x1b[31maddons-frontend: no tag `v9` on its remote\x1b[0m\nsecond line\n"))
            .unwrap()
    }
    let app = axum::Router::new().route("/deploy", axum::routing::post(refuse));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://127.0.0.1:{}/deploy", addr.port());
    let ask = shipdeck::io::deploy::webhook::Ask {
        url: &url,
        method: HookMethod::Post,
        params: &[],
        secret: None,
        timeout: Duration::from_secs(10),
    };
    let r = shipdeck::io::deploy::webhook::send(ask, &mut |_| {}).await;
    assert!(!r.ok);
    assert_eq!(r.detail, "HTTP 422 Unprocessable Entity: addons-frontend: no tag `v9` on its remote");
}

/// A URL's userinfo and `auth_env` would make two `Authorization` headers:
/// the secret from `auth_env` is the only one sent when it is set, the
/// URL's userinfo (as Basic) otherwise.
#[tokio::test]
async fn a_webhook_sends_exactly_one_credential() {
    async fn record(State(seen): State<Arc<Mutex<Vec<Vec<String>>>>>, headers: HeaderMap) -> &'static str {
        let auth = headers.get_all("authorization").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        seen.lock().unwrap().push(auth);
        "queued"
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().route("/deploy", axum::routing::post(record)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://url-user:url-pass@127.0.0.1:{}/deploy", addr.port());
    let secrets =
        [Some(("CI_TOKEN", Some("t0ken".to_string()))), Some(("CI_TOKEN", Some("ci-bot:s3cret".into()))), None];
    for secret in secrets {
        let ask = shipdeck::io::deploy::webhook::Ask {
            url: &url,
            method: HookMethod::Post,
            params: &[],
            secret,
            timeout: Duration::from_secs(10),
        };
        let r = shipdeck::io::deploy::webhook::send(ask, &mut |_| {}).await;
        assert!(r.ok, "{}", r.detail);
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            vec!["Bearer t0ken".to_string()],
            vec!["Basic Y2ktYm90OnMzY3JldA==".to_string()],
            vec!["Basic dXJsLXVzZXI6dXJsLXBhc3M=".to_string()],
        ]
    );
}

/// A server that echoes the request in its refusal would put the
/// credentials in the detail journaled and the output shown: they are
/// masked, the token and the URL's password alike.
#[tokio::test]
async fn an_answer_echoing_the_credentials_never_shows_them() {
    async fn echo(headers: HeaderMap, uri: axum::http::Uri) -> axum::response::Response {
        let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        axum::response::Response::builder()
            .status(500)
            .body(axum::body::Body::from(format!("bad request {uri} with {auth}\nsecond: {auth}\n")))
            .unwrap()
    }
    let app = axum::Router::new().route("/deploy", axum::routing::post(echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    for (url, secret) in [
        (format!("http://127.0.0.1:{}/deploy", addr.port()), Some("jenkins:s3cr3t-api-token")),
        (format!("http://127.0.0.1:{}/deploy", addr.port()), Some("bearer-s3cr3t-token")),
    ] {
        let ask = shipdeck::io::deploy::webhook::Ask {
            url: &url,
            method: HookMethod::Post,
            params: &[],
            secret: secret.map(|s| ("CI_TOKEN", Some(s.to_string()))),
            timeout: Duration::from_secs(10),
        };
        let mut shown = Vec::new();
        let r = shipdeck::io::deploy::webhook::send(ask, &mut |l| shown.push(l)).await;
        assert!(!r.ok);
        let all = format!("{} {}", r.detail, shown.join("\n"));
        assert!(!all.contains("s3cr3t"), "{all}");
        // Basic's base64 of `jenkins:s3cr3t-api-token`, as the server echoed it.
        assert!(!all.contains("amVua2luczpzM2NyM3QtYXBpLXRva2Vu"), "{all}");
        assert!(all.contains("***"), "masked, not dropped: {all}");
        assert!(r.detail.starts_with("HTTP 500"), "{}", r.detail);
    }
}
