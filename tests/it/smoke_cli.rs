//! `shipdeck smoke` as a user runs it: the real binary against a service on
//! 127.0.0.1, its exit codes, its JSON, and the results in the push's log.

use super::smoke_server::{Service, start};
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

fn config(dir: &Path, s: &Service, smoke: &str) -> PathBuf {
    let text = format!(
        r#"[release]
name = "AMO"
push_day = "tuesday"
environments = ["stage", "prod"]

[[services]]
name = "web"
envs = {{ stage = "{v}", prod = "{v}" }}

[[services]]
name = "api"
envs = {{ prod = "{v}" }}

{smoke}
"#,
        v = s.version_url()
    );
    let path = dir.join("shipdeck.toml");
    std::fs::write(&path, text).unwrap();
    path
}

async fn smoke(config: &Path, data: &Path, args: &[&str]) -> Output {
    let mut full: Vec<String> = vec!["smoke".into()];
    full.extend(args.iter().map(|s| s.to_string()));
    full.extend(["--config".into(), config.display().to_string(), "--data-dir".into(), data.display().to_string()]);
    full.extend(["--push-date".into(), "2026-12-01".into(), "--as".into(), "carol".into()]);
    tokio::task::spawn_blocking(move || {
        Command::cargo_bin("shipdeck")
            .unwrap()
            .args(&full)
            .env_remove("SHIPDECK_CONFIG")
            .env_remove("SHIPDECK_DATA_DIR")
            .env_remove("SHIPDECK_LOG")
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Every `smoke_checked` line of the push's journal.
fn journaled(data: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    let mut dirs = vec![data.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "jsonl") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.extend(
                    text.lines()
                        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                        .filter(|v| v["kind"] == "smoke_checked"),
                );
            }
        }
    }
    out
}

#[tokio::test]
async fn passing_checks_exit_0_with_their_results_in_json_and_the_log() {
    let s = start("2026.12.01").await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cfg = config(
        dir.path(),
        &s,
        r#"[[smoke]]
env = "prod"
path = "/api/config.json"
contains = "\"version\""
json = { "/version" = "{tag}", "/count" = 3 }

[[smoke]]
service = "web"
path = "/hello"
"#,
    );
    let out = smoke(&cfg, &data, &["--json"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (report["ok"].as_bool(), report["passed"].as_u64(), report["failed"].as_u64()),
        (Some(true), Some(4), Some(0))
    );
    let first = &report["checks"][0];
    assert_eq!(first["version"], "2026.12.01");
    assert_eq!(first["url"], format!("{}/hello", s.base));
    let lines = journaled(&data);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines.iter().all(|l| l["ok"] == true && l["actor"]["name"] == "carol"));

    let out = smoke(&cfg, &data, &["--env", "stage"]).await;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "✓ stage · web /hello on 2026.12.01\n1 passed, 0 failed\n");
}

#[tokio::test]
async fn a_failing_check_exits_3_naming_why_and_flags_are_checked() {
    let s = start("2026.12.01").await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cfg = config(
        dir.path(),
        &s,
        r#"[[smoke]]
service = "api"
path = "/broken"

[[smoke]]
service = "api"
path = "/api/config.json"
json = { "/version" = "2026.11.26" }
"#,
    );
    let out = smoke(&cfg, &data, &[]).await;
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✘ prod · api /broken on 2026.12.01: HTTP 500, expected 200"), "{text}");
    assert!(text.contains("/version is \"2026.12.01\", expected \"2026.11.26\""), "{text}");
    assert!(!text.contains("database is on fire"), "never the body: {text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 of 2 smoke checks failed"));
    let lines = journaled(&data);
    assert_eq!(lines.iter().filter(|l| l["ok"] == false).count(), 2);
    let broken = lines.iter().find(|l| l["check"] == "/broken").expect("journaled");
    assert_eq!(broken["detail"], "HTTP 500, expected 200");

    for (args, says) in [
        (&["--env", "qa"][..], "--env qa: not an environment"),
        (&["--service", "nope"][..], "--service nope"),
        (&["--service", "web"][..], "no [[smoke]] check applies to web"),
    ] {
        let out = smoke(&cfg, &data, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let none = config(dir.path(), &s, "");
    let out = smoke(&none, &data, &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [[smoke]] checks in"));
}

#[tokio::test]
async fn a_urls_placeholders_are_filled_in_the_request_made() {
    let s = start("2026.12.01").await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let written = format!("{}/status/{{service}}/{{env}}/api?v={{tag}}", s.base);
    let cfg = config(dir.path(), &s, &format!("[[smoke]]\nservice = \"web\"\nenv = \"prod\"\nurl = \"{written}\"\n"));
    let out = smoke(&cfg, &data, &["--json"]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(s.status_asked(), ["/status/web/prod/api"], "filled, not percent-encoded");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["checks"][0]["url"], format!("{}/status/web/prod/api?v=2026.12.01", s.base));
    let lines = journaled(&data);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["check"], written, "named as written");
}
