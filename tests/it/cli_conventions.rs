//! What command-line users expect: the commit in `--version`, completions
//! and a man page, exit codes in every `--help`, a checklist gate for CI,
//! and personal settings layered over the team's with a known precedence.

use assert_cmd::Command;
use std::path::Path;

fn run(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::cargo_bin("shipdeck").unwrap();
    cmd.args(args).env("SHIPDECK_PERSONAL", "").env_remove("SHIPDECK_ROLE").env_remove("SHIPDECK_USER");
    crate::common::outcome(cmd, env)
}

#[test]
fn version_names_the_commit_built_from() {
    let (code, stdout, _) = run(&["--version"], &[]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with(&format!("shipdeck {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(head) = head {
        assert!(stdout.contains(&format!("({head})")), "a checkout's build names its commit: {stdout}");
    }
}

#[test]
fn completions_and_the_man_page_are_printed() {
    let (code, bash, _) = run(&["completions", "bash"], &[]);
    assert_eq!(code, Some(0));
    assert!(bash.contains("_shipdeck()") && bash.contains("checklist"), "{}", &bash[..bash.len().min(300)]);
    let (code, zsh, _) = run(&["completions", "zsh"], &[]);
    assert_eq!(code, Some(0));
    assert!(zsh.starts_with("#compdef shipdeck"), "{}", &zsh[..zsh.len().min(300)]);
    let (code, _, stderr) = run(&["completions", "tcsh"], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, man, _) = run(&["man"], &[]);
    assert_eq!(code, Some(0));
    assert!(man.contains(".TH shipdeck") && man.contains("checklist"), "{}", &man[..man.len().min(300)]);
}

#[test]
fn every_subcommand_lists_its_exit_codes_in_its_help() {
    use clap::CommandFactory;
    for sub in shipdeck::cli::Cli::command().get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        let (code, stdout, _) = run(&[name, "--help"], &[]);
        assert_eq!(code, Some(0), "{name}");
        assert!(stdout.contains("Exit codes:\n  0  "), "`{name} --help` lists no exit codes:\n{stdout}");
    }
}

#[test]
fn rollback_help_says_no_known_good_version_is_exit_2() {
    let (code, stdout, _) = run(&["rollback", "--help"], &[]);
    assert_eq!(code, Some(0));
    let two = stdout.split("\n  2  ").nth(1).and_then(|s| s.split("\n  3  ").next()).unwrap_or_default();
    assert!(two.contains("known good"), "{stdout}");
    assert!(stdout.contains("\n  4  a deploy failed"), "{stdout}");
}

const CONFIG: &str = r#"[release]
name = "Gate"
push_day = "thursday"

[user]
name = "team-default"
role = "dev"

[[checklist.phase]]
name = "Before tagging"
items = [{ id = "agreed", text = "Features agreed", role = "rm" }]

[[checklist.phase]]
name = "Test sign-off (QA)"
items = [
  { id = "regression", text = "Regression tests pass", role = "qa" },
  { id = "load", text = "Load test done", role = "qa" },
]
"#;

fn session(dir: &Path) -> Vec<String> {
    std::fs::write(dir.join("team.toml"), CONFIG).unwrap();
    ["--config", "team.toml", "--data-dir", "data", "--push-date", "2026-11-26"].iter().map(|s| s.to_string()).collect()
}

fn in_dir(dir: &Path, args: &[String], more: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut all: Vec<&str> = more.to_vec();
    all.extend(args.iter().map(String::as_str));
    let mut cmd = Command::cargo_bin("shipdeck").unwrap();
    cmd.current_dir(dir)
        .args(&all)
        .env("SHIPDECK_PERSONAL", "")
        .env_remove("SHIPDECK_ROLE")
        .env_remove("SHIPDECK_USER");
    crate::common::outcome(cmd, env)
}

#[test]
fn checklist_expect_complete_is_a_ci_gate_naming_what_is_open() {
    let tmp = tempfile::tempdir().unwrap();
    let args = session(tmp.path());
    let gate = ["checklist", "--offline", "--phase", "qa", "--expect", "complete"];
    let (code, stdout, stderr) = in_dir(tmp.path(), &args, &gate, &[]);
    assert_eq!(code, Some(3), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "phase `Test sign-off (QA)` is not complete: 2 of 2 open: regression (qa, open), load (qa, open)"
        ),
        "{stderr}"
    );
    assert!(stdout.contains("Test sign-off (QA) 0/2") && !stdout.contains("agreed"), "one phase: {stdout}");

    for id in ["regression", "load"] {
        let (code, _, stderr) = in_dir(tmp.path(), &args, &["tick", id, "--as", "bob", "--role", "qa"], &[]);
        assert_eq!(code, Some(0), "{stderr}");
    }
    let (code, stdout, stderr) = in_dir(tmp.path(), &args, &gate, &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let (code, _, stderr) = in_dir(tmp.path(), &args, &["checklist", "--offline", "--expect", "complete"], &[]);
    assert_eq!(code, Some(3), "the whole checklist is not complete");
    assert!(stderr.contains("the checklist is not complete: 1 of 3 open: agreed (rm, open)"), "{stderr}");
    let (code, _, stderr) = in_dir(tmp.path(), &args, &["checklist", "--offline", "--phase", "push"], &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no phase is `push`; the phases: 1 Before tagging, 2 Test sign-off (QA)"), "{stderr}");
}

/// Who a `log` line is recorded as: (name, role).
fn logged_as(dir: &Path, args: &[String], more: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let mut all = vec!["log", "hello", "--json"];
    all.extend_from_slice(more);
    let (code, stdout, stderr) = in_dir(dir, args, &all, env);
    assert_eq!(code, Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    (v["actor"]["name"].as_str().unwrap().to_string(), v["actor"]["role"].as_str().unwrap().to_string())
}

#[test]
fn personal_settings_override_the_team_and_env_and_flags_override_them() {
    let tmp = tempfile::tempdir().unwrap();
    let args = session(tmp.path());
    let d = tmp.path();
    let pair = |n: &str, r: &str| (n.to_string(), r.to_string());
    assert_eq!(logged_as(d, &args, &[], &[]), pair("team-default", "dev"), "the team's config");
    let personal = d.join("personal.toml");
    std::fs::write(&personal, "[user]\nname = \"alice\"\nrole = \"qa\"\n").unwrap();
    let p = personal.to_str().unwrap();
    assert_eq!(logged_as(d, &args, &[], &[("SHIPDECK_PERSONAL", p)]), pair("alice", "qa"), "personal over team");
    let env = [("SHIPDECK_PERSONAL", p), ("SHIPDECK_USER", "bot"), ("SHIPDECK_ROLE", "ops")];
    assert_eq!(logged_as(d, &args, &[], &env), pair("bot", "ops"), "env over personal");
    assert_eq!(logged_as(d, &args, &["--as", "carol", "--role", "rm"], &env), pair("carol", "rm"), "flags over env");

    std::fs::write(&personal, "[release]\nname = \"mine\"\npush_day = \"monday\"\n").unwrap();
    let (code, _, stderr) = in_dir(d, &args, &["log", "hello"], &[("SHIPDECK_PERSONAL", p)]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains(&format!("{p}:1:2: release: `release` is the team's")), "{stderr}");
}
