//! Hostile text written into the journal by another process (as another
//! machine will, once the journal is shared) never reaches a terminal: not
//! through any text or JSON output, not onto the cockpit's screen.

use crate::common::Pty;
use crate::common::hostile::{CORPUS, assert_screen_clean, forbidden};
use assert_cmd::Command;
use std::path::PathBuf;
use std::time::Duration;

fn hostile(i: usize) -> String {
    let s = CORPUS[i % CORPUS.len()];
    format!("x{s}y")
}

struct Session {
    _dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

impl Session {
    fn args(&self) -> Vec<String> {
        vec![
            "--config".into(),
            self.config.display().to_string(),
            "--data-dir".into(),
            self.data.display().to_string(),
            "--push-date".into(),
            "2026-11-26".into(),
        ]
    }
}

/// A journal with hostile text in every field of every kind of event, a line
/// of invalid UTF-8 and a 100 KB line, written the way another process would.
fn session() -> Session {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Hostile\"\npush_day = \"thursday\"\n").unwrap();
    let data = dir.path().join("data");
    let journal = data.join("journals/hostile/2026-11-26.jsonl");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let mut lines = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let head = |n: usize, kind: &str| {
        serde_json::json!({
            "v": 1, "id": format!("id{n}{}", hostile(n)), "at": format!("2026-11-26T15:{:02}:00Z", n % 60),
            "replica": hostile(n + 1), "seq": 1_795_000_000_000_000u64 + n as u64,
            "actor": {"name": hostile(n + 2), "role": "qa"}, "kind": kind,
        })
    };
    for _ in 0..2 {
        for kind in ["chat", "notable", "blocker", "note"] {
            let n = next();
            let mut v = head(n, kind);
            v["text"] = format!("{kind} {}\nline two {}", hostile(n + 3), hostile(n + 4)).into();
            lines.push(v);
        }
        let n = next();
        let mut v = head(n, "tick");
        v["item"] = hostile(n).into();
        v["note"] = hostile(n + 5).into();
        lines.push(v);
        let n = next();
        let mut v = head(n, "tick");
        v["item"] = "regression-tests".into();
        v["note"] = hostile(n + 5).into();
        lines.push(v);
        let n = next();
        let mut v = head(n, "waive");
        v["item"] = "load-test".into();
        v["reason"] = hostile(n + 6).into();
        lines.push(v);
        let n = next();
        let mut v = head(n, "tag_created");
        (v["repo"], v["tag"], v["commit"]) = (hostile(n).into(), hostile(n + 1).into(), hostile(n + 2).into());
        lines.push(v);
        let n = next();
        let mut v = head(n, "version_changed");
        v["env"] = hostile(n).into();
        v["service"] = hostile(n + 1).into();
        v["from"] = hostile(n + 2).into();
        v["to"] = hostile(n + 3).into();
        v["commit"] = hostile(n + 4).into();
        lines.push(v);
        let n = next();
        let mut v = head(n, "pick");
        (v["repo"], v["sha"], v["summary"]) = (hostile(n).into(), hostile(n + 1).into(), hostile(n + 2).into());
        lines.push(v);
        let n = next();
        let mut v = head(n, "sentry_spike");
        v["project"] = hostile(n).into();
        v["since_push"] = 50.into();
        v["baseline"] = 5.into();
        v["push_start"] = "2026-11-26T15:00:00Z".into();
        lines.push(v);
        let n = next();
        lines.push(head(n, "push_started"));
    }
    let mut bytes = Vec::new();
    for v in lines {
        bytes.extend(serde_json::to_vec(&v).unwrap());
        bytes.push(b'\n');
    }
    // Raw escapes and invalid UTF-8 outside any JSON string, and a 100 KB line.
    bytes.extend(b"\x1b]0;raw-title\x07 \xff\xfe\x9b2J not json\n");
    let mut big = head(999, "chat");
    big["text"] = CORPUS.concat().repeat(100_000 / CORPUS.concat().len() + 1).into();
    bytes.extend(serde_json::to_vec(&big).unwrap());
    bytes.push(b'\n');
    std::fs::write(&journal, bytes).unwrap();
    Session { _dir: dir, config, data }
}

#[test]
fn hostile_journal_lines_reach_no_output() {
    let s = session();
    let commands: &[&[&str]] = &[
        &["log"],
        &["log", "--json"],
        &["notes"],
        &["notes", "--format", "email"],
        &["notes", "--next"],
        &["checklist"],
        &["checklist", "--json"],
        &["status", "--json", "--offline"],
    ];
    for cmd in commands {
        let out = Command::cargo_bin("shipdeck")
            .unwrap()
            .args(*cmd)
            .args(s.args())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if let Some(bad) = forbidden(bytes) {
                panic!("`shipdeck {}` {stream}: {bad}", cmd.join(" "));
            }
        }
        if cmd.contains(&"--json") && cmd[0] != "status" {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("still valid JSON");
            assert!(v.is_array() || v.is_object());
        }
    }
}

#[test]
fn hostile_journal_lines_reach_no_screen() {
    let s = session();
    let mut args = s.args();
    args.extend(["--as".into(), "rita".into()]);
    let mut cockpit = Pty::start(&args);
    cockpit.wait_for_text("the cockpit", "Checklist");
    cockpit.press(b"5z");
    cockpit.wait_for_text("the log, zoomed", "skipped");
    assert_screen_clean(&cockpit.raw());
    let screen = cockpit.contents();
    assert!(!screen.contains("pwned"), "{screen}");
    cockpit.quit();
}

/// A `/__version__` (and `/__heartbeat__`) whose every field is hostile, and
/// a service name from the config is the only thing trusted.
async fn hostile_service() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    use axum::routing::get;
    let version = serde_json::json!({
        "version": format!("2026.11.26{}", CORPUS.concat()),
        "commit": format!("abc{}", CORPUS[1]),
        "source": format!("https://github.com/x/y{}", CORPUS[2]),
        "build": CORPUS.concat(),
    });
    let heartbeat = serde_json::json!({
        "status": format!("warning{}", CORPUS[0]),
        "checks": { CORPUS[6]: { "level": 30, "messages": [CORPUS.concat()] } },
    });
    let app = axum::Router::new().route("/__version__", get(move || async move { axum::Json(version) })).route(
        "/__heartbeat__",
        get(move || async move { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, axum::Json(heartbeat)) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_version_fields_reach_no_output() {
    let (addr, _server) = hostile_service().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[release]\nname = \"Hostile\"\npush_day = \"thursday\"\nenvironments = [\"stage\"]\n\n\
             [[services]]\nname = \"web\"\n[services.envs]\nstage = \"http://{addr}/__version__\"\n"
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let (c, d) = (config.display().to_string(), data.display().to_string());
    for json in [false, true] {
        let (c, d) = (c.clone(), d.clone());
        let out = tokio::task::spawn_blocking(move || {
            let mut cmd = Command::cargo_bin("shipdeck").unwrap();
            cmd.args(["status", "--config", &c, "--data-dir", &d, "--push-date", "2026-11-26"]);
            if json {
                cmd.arg("--json");
            }
            cmd.timeout(Duration::from_secs(60)).output().unwrap()
        })
        .await
        .unwrap();
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if let Some(bad) = forbidden(bytes) {
                panic!("`shipdeck status` (json: {json}) {stream}: {bad}");
            }
        }
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("2026.11.26"), "the version is shown, cleaned: {text}");
        if json {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let version = v.to_string();
            assert!(!version.contains("\\u200b"), "zero-width characters are stripped, not only escaped");
        }
    }
    let (c2, d2) = (c.clone(), d.clone());
    let cockpit = tokio::task::spawn_blocking(move || {
        let mut cockpit = Pty::start(&["--config", &c2, "--data-dir", &d2, "--push-date", "2026-11-26", "--as", "o"]);
        cockpit.wait_for_text("the probed version", "2026.11.26");
        let raw = cockpit.raw();
        cockpit.press(b"q");
        raw
    })
    .await
    .unwrap();
    assert_screen_clean(&cockpit);
}
