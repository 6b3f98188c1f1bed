//! `shipdeck status` as a user runs it: the real binary against a demo fleet
//! served in-process on 127.0.0.1, with the config `demo --serve` would write.

use assert_cmd::Command;
use chrono::{Duration as Days, Local};
use serde_json::Value;
use shipdeck::demo::config::{DemoConfigOptions, demo_config};
use shipdeck::demo::fleet::Fleet;
use shipdeck::demo::run::story;
use shipdeck::demo::story::commit_for;
use shipdeck::domain::release::format_tag;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const ENV_KEYS: [&str; 16] = [
    "url",
    "heartbeat_url",
    "final_url",
    "state",
    "version",
    "commit",
    "source",
    "build",
    "on_target",
    "mixed",
    "heartbeat",
    "heartbeat_detail",
    "error",
    "latency_ms",
    "checked_at",
    "last_known_good",
];

/// A fleet at speed 1 (prod starts switching 12 s in, long after these tests
/// are done) and a scratch dir holding its config and the data dir.
struct Setup {
    fleet: Fleet,
    dir: TempDir,
    config: PathBuf,
    push_date: String,
    new_tag: String,
    old_tag: String,
}

async fn setup(services: usize) -> Setup {
    let today = Local::now().date_naive();
    let new_tag = format_tag(today, "%Y.%m.%d").expect("tag");
    let old_tag = format_tag(today - Days::days(7), "%Y.%m.%d").expect("tag");
    let fleet = Fleet::start(story(services, new_tag.clone(), old_tag.clone()), 1.0).await.expect("fleet starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("shipdeck.toml");
    let text = demo_config(
        &fleet,
        &DemoConfigOptions {
            now_local: Local::now().naive_local(),
            poll_interval: Duration::from_secs(2),
            repos: &[],
            sentry_token_file: None,
        },
    );
    std::fs::write(&config, text).expect("write config");
    Setup { fleet, dir, config, push_date: today.format("%Y-%m-%d").to_string(), new_tag, old_tag }
}

impl Setup {
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `shipdeck status --config … --push-date … --data-dir … ARGS`, run on a
    /// blocking thread so the fleet keeps serving on the runtime.
    async fn status(&self, args: &[&str]) -> Output {
        let mut full: Vec<String> = vec!["status".into()];
        full.extend(args.iter().map(|s| s.to_string()));
        full.extend(["--config".into(), self.config.display().to_string()]);
        full.extend(["--push-date".into(), self.push_date.clone()]);
        full.extend(["--data-dir".into(), self.data_dir().display().to_string()]);
        run(full).await
    }
}

async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::cargo_bin("shipdeck")
            .expect("the shipdeck binary is built")
            .args(&args)
            .env_remove("SHIPDECK_CONFIG")
            .env_remove("SHIPDECK_DATA_DIR")
            .env_remove("SHIPDECK_LOG")
            .timeout(Duration::from_secs(20))
            .output()
            .expect("shipdeck runs")
    })
    .await
    .expect("the blocking task finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}", stdout(o)))
}

/// None of `secrets` is in any file under the data dir (the journal, the
/// `shipdeck.log` tracing file), which must hold the log file at least.
fn assert_not_stored(data: &Path, secrets: &[&str]) {
    let mut seen = Vec::new();
    let mut todo = vec![data.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
            for secret in secrets {
                assert!(!text.contains(secret), "{} holds a secret:\n{text}", path.display());
            }
            seen.push(path);
        }
    }
    assert!(seen.iter().any(|p| p.ends_with("shipdeck.log")), "the log file was checked: {seen:?}");
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap_or_else(|| panic!("an object: {v}")).keys().map(String::as_str).collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

fn cell<'a>(report: &'a Value, service: &str, env: &str) -> &'a Value {
    report["services"]
        .as_array()
        .expect("services is an array")
        .iter()
        .find(|s| s["name"] == service)
        .unwrap_or_else(|| panic!("service {service} in the report"))
        .get("envs")
        .and_then(|e| e.get(env))
        .unwrap_or_else(|| panic!("{service}.{env} in the report"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_has_the_documented_schema() {
    let s = setup(4).await;
    let out = s.status(&["--json"]).await;
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let report = json(&out);
    let text = stdout(&out);

    assert_eq!(keys(&report), set(&["release", "services", "rollout", "sentry"]));
    assert!(report["sentry"].is_null(), "no [sentry] in this config");
    let release = &report["release"];
    assert_eq!(keys(release), set(&["name", "push_date", "target_tag", "push_hero"]));
    assert_eq!(release["name"], "Demo");
    assert_eq!(release["push_date"], s.push_date.as_str());
    assert_eq!(release["target_tag"], s.new_tag.as_str());

    let services = report["services"].as_array().expect("services is an array");
    let names: Vec<&str> = services.iter().map(|x| x["name"].as_str().expect("name is a string")).collect();
    assert_eq!(names, s.fleet.story.services.iter().map(String::as_str).collect::<Vec<_>>(), "config order");
    for svc in services {
        let name = svc["name"].as_str().expect("name");
        assert_eq!(keys(svc), set(&["name", "target", "envs"]));
        assert_eq!(keys(&svc["envs"]), set(&["stage", "prod"]));
        for env in ["stage", "prod"] {
            let c = &svc["envs"][env];
            assert_eq!(keys(c), set(&ENV_KEYS), "{name}.{env}");
            assert_eq!(c["url"], s.fleet.version_url(name, env).as_str());
            assert_eq!(c["heartbeat_url"], format!("{}/{name}/{env}/__heartbeat__", s.fleet.base_url()).as_str());
            assert_eq!(c["state"], "ok", "{name}.{env}: {c}");
            // The last service's stage heartbeat is behind a sign-in page.
            let last = name == s.fleet.story.services.last().expect("services").as_str();
            if last && env == "stage" {
                assert_eq!(c["heartbeat"], "unknown", "{name}.{env}: {c}");
                assert_eq!(c["heartbeat_detail"], "heartbeat answered text/html, not a Dockerflow heartbeat", "{c}");
            } else {
                assert_eq!(c["heartbeat"], "ok", "{name}.{env}: {c}");
                assert_eq!(c["heartbeat_detail"], Value::Null, "{name}.{env}: {c}");
            }
            assert_eq!(c["error"], Value::Null);
            assert_eq!(c["final_url"], Value::Null, "the fleet answers where it is asked: {c}");
            assert_eq!(c["mixed"], false);
            assert!(c["latency_ms"].is_u64(), "{c}");
            assert!(c["checked_at"].is_string(), "{c}");
            assert_eq!(c["source"], format!("https://github.com/example/{name}").as_str());
            assert!(c["build"].as_str().is_some_and(|b| b.starts_with("https://ci.example.com/")), "{c}");
        }
        // Story start: stage runs the new tag, prod still the old one.
        let (stage, prod) = (&svc["envs"]["stage"], &svc["envs"]["prod"]);
        assert_eq!(stage["version"], s.new_tag.as_str());
        assert_eq!(stage["commit"], commit_for(name, &s.new_tag).as_str());
        assert_eq!(stage["on_target"], true);
        assert_eq!(prod["version"], s.old_tag.as_str());
        assert_eq!(prod["commit"], commit_for(name, &s.old_tag).as_str());
        assert_eq!(prod["on_target"], false);
    }

    assert_eq!(keys(&report["rollout"]), set(&["stage", "prod"]));
    for env in ["stage", "prod"] {
        assert_eq!(keys(&report["rollout"][env]), set(&["on_target", "total"]));
    }
    assert_eq!(report["rollout"]["stage"]["on_target"], 4);
    assert_eq!(report["rollout"]["stage"]["total"], 4);
    assert_eq!(report["rollout"]["prod"]["on_target"], 0);
    assert_eq!(report["rollout"]["prod"]["total"], 4);

    // Environments keep the config's order in the text, not the alphabet's.
    let stage_at = text.find("\"stage\"").expect("stage in the text");
    let prod_at = text.find("\"prod\"").expect("prod in the text");
    assert!(stage_at < prod_at, "stage comes before prod");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_service_costs_one_timeout_not_one_per_service() {
    let s = setup(7).await;
    let hung = s.fleet.story.services[0].clone();
    let text = std::fs::read_to_string(&s.config).expect("read config");
    let prod_url = format!("prod = \"{}\"", s.fleet.version_url(&hung, "prod"));
    assert!(text.contains(&prod_url) && text.contains("timeout = \"2s\""), "the demo config shape changed:\n{text}");
    let text = text
        .replace(&prod_url, &format!("prod = \"{}\"", s.fleet.quirk_url("hang")))
        .replace("timeout = \"2s\"", "timeout = \"1s\"");
    std::fs::write(&s.config, text).expect("write config");

    let started = Instant::now();
    let out = s.status(&["--json"]).await;
    let took = started.elapsed();
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    assert!(took >= Duration::from_millis(900), "status waited for the hung service: {took:?}");
    assert!(took < Duration::from_secs(3), "one timeout, not one per service: {took:?}");

    let report = json(&out);
    let c = cell(&report, &hung, "prod");
    assert_eq!(c["state"], "timeout", "{c}");
    assert_eq!(c["url"], s.fleet.quirk_url("hang").as_str());
    assert_eq!(c["on_target"], false);
    assert!(c["error"].as_str().is_some_and(|e| e.contains("1s")), "{c}");
    assert_eq!(c["version"], Value::Null);
    for name in &s.fleet.story.services[1..] {
        assert_eq!(cell(&report, name, "prod")["state"], "ok", "{name}");
    }
    for name in &s.fleet.story.services {
        assert_eq!(cell(&report, name, "stage")["state"], "ok", "{name}");
    }
    assert_eq!(report["rollout"]["stage"]["on_target"], 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_gates_the_exit_code() {
    let s = setup(3).await;

    let out = s.status(&["--expect", "prod"]).await;
    assert_eq!(out.status.code(), Some(3), "prod is not on target yet: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("prod 0/3"), "the verdict names the env and its progress: {err}");
    assert!(stdout(&out).contains("on target"), "the report still goes to stdout");

    let out = s.status(&["--expect", "stage"]).await;
    assert_eq!(out.status.code(), Some(0), "stage is on target: {}", stderr(&out));

    // Both: the failing one decides.
    let out = s.status(&["--json", "--expect", "stage", "--expect", "prod"]).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(json(&out)["rollout"]["prod"]["on_target"], 0, "the JSON report is still printed");

    let out = s.status(&["--expect", "nosuchenv"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nosuchenv"), "the message names the env: {}", stderr(&out));
    assert!(stdout(&out).is_empty(), "nothing is polled for a bad flag");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_output_names_services_and_progress() {
    let s = setup(3).await;
    let out = s.status(&[]).await;
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let text = stdout(&out);
    for name in &s.fleet.story.services {
        assert!(text.contains(name.as_str()), "{name} in:\n{text}");
    }
    assert!(text.contains("on target"), "{text}");
    assert!(text.contains("stage 3/3 on target"), "{text}");
    assert!(text.contains("prod 0/3 on target"), "{text}");
    assert!(text.contains(&s.new_tag), "the target tag is shown:\n{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "not JSON without --json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_config_fails_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing: &Path = &dir.path().join("no-such-shipdeck.toml");
    let data = dir.path().join("data");
    let out = run(vec![
        "status".into(),
        "--json".into(),
        "--config".into(),
        missing.display().to_string(),
        "--data-dir".into(),
        data.display().to_string(),
    ])
    .await;
    assert!(!out.status.success(), "a missing config fails");
    assert!(stderr(&out).contains(&missing.display().to_string()), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

/// The demo fleet's Sentry, through `status --json`: with its token, every
/// project is read (series, verdict, baseline); with a wrong one, every
/// project says `unauthorized` — and the token is printed nowhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_json_reports_sentry() {
    let s = setup(3).await;
    let token = s.dir.path().join("sentry-token");
    std::fs::write(&token, shipdeck::demo::DEMO_SENTRY_TOKEN).expect("write token");
    #[cfg(unix)]
    std::fs::set_permissions(&token, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    let text = demo_config(
        &s.fleet,
        &DemoConfigOptions {
            now_local: Local::now().naive_local(),
            poll_interval: Duration::from_secs(2),
            repos: &[],
            sentry_token_file: Some(&token),
        },
    );
    std::fs::write(&s.config, text).expect("write config");
    let started = (chrono::Utc::now() - Days::minutes(20)).to_rfc3339();
    let out = s.status(&["--json", "--push-started", &started]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    let sentry = &report["sentry"];
    assert_eq!(sentry["push_started"].as_str().map(|t| &t[..16]), Some(&started[..16]));
    let projects = sentry["projects"].as_array().expect("projects");
    assert_eq!(projects.len(), 3);
    for p in projects {
        assert_eq!(p["state"], "ok", "{p}");
        assert!(p["series"].as_array().is_some_and(|s| s.len() > 60), "six hours of 5-minute buckets: {p}");
        assert!(["calm", "elevated", "spike"].contains(&p["verdict"].as_str().unwrap_or("")), "{p}");
        assert!(p["since_push"].is_u64() && p["baseline"].is_u64(), "{p}");
        assert!(p["error"].is_null());
    }

    std::fs::write(&token, "sntrys_WRONG_do_not_print").expect("write token");
    let out = s.status(&["--json"]).await;
    assert!(out.status.success(), "a rejected token does not fail the rollout report: {}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("sntrys_WRONG"), "the token is never printed");
    assert_not_stored(&s.data_dir(), &["sntrys_WRONG", shipdeck::demo::DEMO_SENTRY_TOKEN]);
    let report = json(&out);
    for p in report["sentry"]["projects"].as_array().expect("projects") {
        assert_eq!(p["state"], "unauthorized", "{p}");
        assert!(p["error"].as_str().unwrap_or("").contains("token rejected"), "{p}");
    }
}

/// The display columns at which `needle` starts in `line`.
fn column_of(line: &str, needle: &str) -> Option<usize> {
    use unicode_width::UnicodeWidthStr;
    line.find(needle).map(|i| line[..i].width())
}

/// Cells are sized from what they hold: a long note in one column (a
/// failure, a heartbeat that is not one) and wide characters in a name keep
/// every later column in line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_columns_line_up_whatever_the_cells_hold() {
    let s = setup(3).await;
    let first = s.fleet.story.services[0].clone();
    let text = std::fs::read_to_string(&s.config).expect("read config");
    let stage_url = format!("stage = \"{}\"", s.fleet.version_url(&first, "stage"));
    assert!(text.contains(&stage_url), "the demo config shape changed:\n{text}");
    let text = text
        .replace(&stage_url, &format!("stage = \"{}\"", s.fleet.quirk_url("html")))
        .replace(&format!("name = \"{first}\""), "name = \"アドオン-server\"");
    std::fs::write(&s.config, text).expect("write config");

    let out = s.status(&[]).await;
    assert!(out.status.success(), "exit {:?}: {}", out.status, stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("SERVICE")).unwrap_or_else(|| panic!("{table}"));
    let prod_at = column_of(lines[header], "PROD").expect("a PROD column");
    let rows = &lines[header + 1..header + 4];
    assert!(rows[0].starts_with("アドオン-server"), "{table}");
    assert!(rows[0].contains("✖ invalid: body is neither Dockerflow JSON"), "the long note is whole:\n{table}");
    for row in rows {
        let glyph = row.char_indices().filter(|(_, c)| "●○◐✖".contains(*c)).map(|(i, _)| i).nth(1);
        let at = glyph.map(|i| unicode_width::UnicodeWidthStr::width(&row[..i]));
        assert_eq!(at, Some(prod_at), "PROD in line:\n{table}");
    }
    // Why the signed-in stage heartbeat is unknown, under the table.
    let last = s.fleet.story.services.last().expect("services");
    assert!(
        table.contains(&format!("{last} · stage: heartbeat answered text/html, not a Dockerflow heartbeat")),
        "{table}"
    );
    assert!(rows[2].contains("[heartbeat unknown]"), "{table}");
}
