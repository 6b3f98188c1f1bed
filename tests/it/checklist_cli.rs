//! The checklist end to end: `shipdeck tick` under the role rules (unknown
//! items, another role's item, auto items, ticking twice, undo), `shipdeck
//! checklist --json`, a config that replaces the template, and a running
//! cockpit that shows a tick from `shipdeck tick` and keeps its own across a
//! restart.

use crate::common::Pty;
use assert_cmd::Command;
use std::path::{Path, PathBuf};

const CONFIG: &str = r#"[release]
name = "Checklist Test"
push_day = "thursday"
environments = ["stage", "prod"]
window = "15:00-17:00"

[[services]]
name = "web"
envs = { stage = "http://127.0.0.1:9/__version__", prod = "http://127.0.0.1:9/__version__" }
"#;

fn setup(config: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shipdeck.toml");
    std::fs::write(&path, config).unwrap();
    let data = dir.path().join("data");
    (dir, path, data)
}

fn run(config: &Path, data: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(["--push-date", "2026-11-26"])
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn report(config: &Path, data: &Path) -> serde_json::Value {
    let (code, out, err) = run(config, data, &["checklist", "--json", "--offline"]);
    assert_eq!(code, Some(0), "{err}");
    serde_json::from_str(&out).unwrap()
}

fn item<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    r["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn tick_follows_the_role_rules_and_checklist_reports_it() {
    let (_d, config, data) = setup(CONFIG);
    let (code, _, err) = run(&config, &data, &["tick", "regresion-tests", "--as", "quinn", "--role", "qa"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no checklist item `regresion-tests` (did you mean regression-tests?)"), "{err}");

    let (code, _, err) = run(&config, &data, &["tick", "regression-tests", "--as", "rita", "--role", "rm"]);
    assert_eq!(code, Some(3), "another role's item");
    assert!(err.contains("belongs to qa; you are rm") && err.contains("--override"), "{err}");

    let (code, out, err) =
        run(&config, &data, &["tick", "regression-tests", "--as", "ci", "--role", "qa", "--note", "run 4711"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("ci (qa) ticked regression-tests — run 4711"), "{out}");
    let (code, out, _) = run(&config, &data, &["tick", "regression-tests", "--as", "ci", "--role", "qa"]);
    assert_eq!(code, Some(0), "ticking twice is not an error");
    assert!(out.contains("already ticked by ci (qa)") && out.contains("nothing recorded"), "{out}");

    let (code, _, err) = run(&config, &data, &["tick", "results-sent", "--as", "rita", "--role", "rm", "--override"]);
    assert_eq!(code, Some(0), "{err}");

    let (code, _, err) = run(&config, &data, &["tick", "prod-on-target", "--as", "olga", "--role", "ops"]);
    assert_eq!(code, Some(3));
    assert!(err.contains("checked automatically") && err.contains("--waive REASON"), "{err}");
    let args = ["tick", "prod-on-target", "--as", "olga", "--role", "ops", "--waive", "web is being retired"];
    assert_eq!(run(&config, &data, &args).0, Some(0));

    let r = report(&config, &data);
    let reg = item(&r, "regression-tests");
    assert_eq!(reg["state"], "ticked");
    assert_eq!(reg["done"], true);
    assert_eq!(reg["by"], "ci");
    assert_eq!(reg["role"], "qa");
    assert_eq!(reg["role_of_actor"], "qa");
    assert_eq!(reg["note"], "run 4711");
    assert_eq!(reg["override"], false);
    assert!(reg["at"].as_str().unwrap().ends_with('Z'), "UTC: {}", reg["at"]);
    let sent = item(&r, "results-sent");
    assert_eq!(
        (sent["by"].as_str(), sent["role_of_actor"].as_str(), sent["override"].as_bool()),
        (Some("rita"), Some("rm"), Some(true))
    );
    let prod = item(&r, "prod-on-target");
    assert_eq!((prod["state"].as_str(), prod["auto"].as_str()), (Some("waived"), Some("on_target:prod")));
    assert_eq!(prod["note"], "web is being retired");
    let stage = item(&r, "stage-on-target");
    assert_eq!((stage["state"].as_str(), stage["evidence"].as_str()), (Some("wait"), Some("stage not polled yet")));
    assert_eq!(r["total"], 25);
    assert_eq!(r["current_phase"], "Before tagging");

    // Undo: an untick event; the history stays in the journal.
    let (code, out, _) = run(&config, &data, &["tick", "regression-tests", "--undo", "--as", "quinn", "--role", "qa"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("quinn (qa) unticked regression-tests"), "{out}");
    assert_eq!(item(&report(&config, &data), "regression-tests")["state"], "open");
    let (_, log, _) = run(&config, &data, &["log"]);
    assert!(
        log.contains("ticked 'Regression tests pass'") && log.contains("unticked 'Regression tests pass'"),
        "by its title: {log}"
    );
}

#[test]
fn a_config_replaces_the_template() {
    let custom = format!(
        "{CONFIG}\n[[checklist.phase]]\nname = \"Ship it\"\nitems = [\n  {{ id = \"smoke\", text = \"Smoke test\", role = \"qa\" }},\n  {{ id = \"prod\", text = \"Prod on target\", role = \"ops\", auto = \"on_target:prod\" }},\n]\n"
    );
    let (_d, config, data) = setup(&custom);
    let r = report(&config, &data);
    assert_eq!(r["total"], 2);
    assert_eq!(r["phases"][0]["name"], "Ship it");
    assert_eq!(item(&r, "prod")["auto"], "on_target:prod");
    let (code, _, err) = run(&config, &data, &["tick", "regression-tests", "--role", "qa"]);
    assert_eq!(code, Some(2), "the built-in items are gone: {err}");
    assert_eq!(run(&config, &data, &["tick", "smoke", "--as", "quinn", "--role", "qa"]).0, Some(0));
    assert_eq!(item(&report(&config, &data), "smoke")["done"], true);
}

fn start_cockpit(config: &Path, data: &Path) -> Pty {
    let (c, d) = (config.display().to_string(), data.display().to_string());
    Pty::start(&["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "rita", "--role", "rm"])
}

#[test]
fn a_running_cockpit_shows_a_tick_from_the_command_line_and_keeps_its_own() {
    let (_d, config, data) = setup(CONFIG);
    let mut cockpit = start_cockpit(&config, &data);
    cockpit.wait_for_text("the checklist", "Regression tests pass");
    let (code, _, err) = run(&config, &data, &["tick", "regression-tests", "--as", "quinn", "--role", "qa"]);
    assert_eq!(code, Some(0), "{err}");
    cockpit.wait_for_text("the tick from shipdeck tick", "[✔] qa  Regression tests pass");
    cockpit.wait_for_text("who ticked it", "quinn");

    // Rita ticks her own first item in the cockpit, and starts the push.
    cockpit.press(b"1");
    cockpit.press(b" ");
    cockpit.wait_for_text("rita's tick", "[✔] rm  Features for this push");
    cockpit.press(b"s");
    cockpit.wait_for_text("the start dialog", "Start the push?");
    cockpit.press(b"\r");
    cockpit.wait_for_text("the push started", "push started by rita (rm)");
    cockpit.quit();

    let (_, out, _) = run(&config, &data, &["checklist", "--offline"]);
    assert!(out.contains("ticked by rita (rm)"), "{out}");
    assert!(out.contains("push started"), "{out}");
    let again = start_cockpit(&config, &data);
    again.wait_for_text("the restored tick", "[✔] rm  Features for this push");
    again.wait_for_text("the other restored tick", "[✔] qa  Regression tests pass");
    again.wait_for_text("the focus restored to the checklist", "┏ 1 Checklist");
    again.quit();
}
