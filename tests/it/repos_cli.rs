//! `shipdeck repos`, `compare` and `tag` against real repositories built the
//! way the demo builds them (history with merges, a `-1` re-tag on a side
//! branch, a `v` tag, a bare remote, a security fork one commit behind).

use assert_cmd::Command;
use chrono::NaiveDate;
use serde_json::Value;
use std::path::{Path, PathBuf};

struct Setup {
    _dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    root: PathBuf,
}

fn push_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repos");
    std::fs::create_dir_all(&root).unwrap();
    let repos = shipdeck::demo::repos::build(&root, push_date()).expect("demo repositories");
    let mut toml = String::from("[release]\nname = \"Test\"\npush_day = \"thursday\"\n");
    for r in &repos {
        toml.push_str(&format!(
            "\n[[repos]]\nname = \"{}\"\npath = \"{}\"\nweb_url = \"{}\"\n",
            r.name,
            r.path.display(),
            r.web_url
        ));
        if let Some(sec) = &r.security_remote {
            toml.push_str(&format!("security_remote = \"{sec}\"\n"));
        }
    }
    toml.push_str("\n[[repos]]\nname = \"missing\"\npath = \"/nonexistent/shipdeck-test\"\n");
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, toml).unwrap();
    let data = dir.path().join("data");
    Setup { config, data, root, _dir: dir }
}

fn shipdeck(s: &Setup, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("shipdeck")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(&s.config)
        .arg("--data-dir")
        .arg(&s.data)
        .args(["--push-date", "2026-11-26", "--as", "Release Tester"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn repos_reports_tags_security_and_errors() {
    let s = setup();
    let out = shipdeck(&s, &["repos", "--json", "--offline"]);
    // The unreadable repository fails the run, named, after the full report.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read missing"));
    let v = json(&out);
    let repos = v.as_array().unwrap();
    assert_eq!(repos.len(), 3);
    let server = &repos[0];
    assert_eq!(server["name"], "addons-server");
    assert_eq!(server["previous_tag"], "2026.11.19-1", "the -1 re-tag off main wins");
    let side = git(&s.root.join("addons-server"), &["rev-parse", "2026.11.19-1^{commit}"]);
    assert_eq!(server["previous_tag_commit"], side.as_str());
    assert_eq!(server["target_tag"], "2026.11.26");
    assert_eq!(server["next_tag"], "2026.11.26-1");
    assert_eq!(server["tag_local"], true);
    assert_eq!(server["tag_remote"], Value::Null, "--offline does not ask");
    assert_eq!(server["security"]["behind"], 1);
    assert_eq!(server["security"]["in_sync"], false);
    let head = git(&s.root.join("addons-server"), &["rev-parse", "origin/main"]);
    assert_eq!(server["head"], head.as_str());
    // The push is previous..tag, whatever main did after tagging.
    let count = git(&s.root.join("addons-server"), &["rev-list", "--count", "2026.11.19-1..2026.11.26"]);
    assert_eq!(server["commits_since_previous"].as_u64().unwrap().to_string(), count);
    assert_eq!(server["state"], "tagged");
    assert_eq!((&server["compare_from"], &server["compare_to"]), (&"2026.11.19-1".into(), &"2026.11.26".into()));
    let beyond = git(&s.root.join("addons-server"), &["rev-list", "--count", "2026.11.26..origin/main"]);
    assert_eq!(server["commits_beyond_target"].as_u64().unwrap().to_string(), beyond);

    let frontend = &repos[1];
    assert_eq!(frontend["tag_local"], false);
    assert_eq!(frontend["next_tag"], "2026.11.26");
    assert_eq!(frontend["state"], "needs_tag");
    // Before tagging the range ends at the branch head: a URL never names a
    // tag that does not exist yet.
    let head = git(&s.root.join("addons-frontend"), &["rev-parse", "origin/main"]);
    assert_eq!(frontend["compare_to"], head.as_str());
    assert_eq!(frontend["compare_to_head"], true);
    assert_eq!(
        frontend["compare_url"],
        format!("https://github.com/example/addons-frontend/compare/2026.11.19-1...{}", &head[..12]).as_str()
    );
    assert_eq!(frontend["security"], Value::Null);

    let missing = &repos[2];
    assert!(missing["error"].as_str().unwrap().contains("/nonexistent/shipdeck-test does not exist"), "{missing}");

    // With the network allowed, the local bare remote answers.
    let v = json(&shipdeck(&s, &["repos", "--json"]));
    assert_eq!(v[0]["tag_remote"], true);
}

#[test]
fn compare_matches_git_log() {
    let s = setup();
    let repo = s.root.join("addons-frontend");
    for (extra, merges) in [(&[][..], false), (&["--merges"][..], true)] {
        let mut args = vec!["compare", "addons-frontend", "--json"];
        args.extend_from_slice(extra);
        let out = shipdeck(&s, &args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v = json(&out);
        let ours: Vec<&str> = v["commits"].as_array().unwrap().iter().map(|c| c["sha"].as_str().unwrap()).collect();
        let mut log_args = vec!["log", "--format=%H"];
        if !merges {
            log_args.push("--no-merges");
        }
        log_args.push("2026.11.19-1..origin/main");
        let theirs = git(&repo, &log_args);
        let theirs: Vec<&str> = theirs.lines().collect();
        assert_eq!(ours, theirs, "merges={merges}");
        assert!(!ours.is_empty());
    }
    let out = shipdeck(&s, &["compare", "addons-frontend", "v1.2.3", "origin/main", "--json"]);
    assert!(out.status.success());
    assert_eq!(json(&out)["from"], "v1.2.3");

    let out = shipdeck(&s, &["compare", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no repository `nope` (configured: addons-server"));
    let out = shipdeck(&s, &["compare", "addons-frontend", "no-such-tag"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no-such-tag` is not a commit, tag or branch"));
}

#[test]
fn tag_dry_run_then_create_and_push_then_nothing_left() {
    let s = setup();
    let repo = s.root.join("addons-frontend");
    let out = shipdeck(&s, &["tag", "--dry-run"]);
    // The unreadable repository fails even a dry run, after the plan is printed.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("addons-frontend") && text.contains("would create"), "{text}");
    assert_eq!(git(&repo, &["tag", "-l", "2026.11.26"]), "", "dry run changes nothing");

    let out = shipdeck(&s, &["tag", "--push", "--json"]);
    let v = json(&out);
    // The unreadable repository is reported and fails the run; the others still happen.
    assert_eq!(out.status.code(), Some(1), "{v}");
    let missing = v["skipped"].as_array().unwrap().iter().find(|s| s["repo"] == "missing").unwrap();
    assert_eq!(missing["error"], true);
    let created: Vec<&Value> = v["tags"].as_array().unwrap().iter().filter(|t| t["created"] == true).collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["repo"], "addons-frontend");
    assert_eq!(created[0]["pushed"], true);
    assert_eq!(git(&repo, &["cat-file", "-t", "2026.11.26"]), "tag");
    let tagger = git(&repo, &["for-each-ref", "--format=%(taggername)", "refs/tags/2026.11.26"]);
    assert_eq!(tagger, "Release Tester");
    assert_eq!(git(&repo, &["rev-parse", "2026.11.26^{commit}"]), git(&repo, &["rev-parse", "origin/main"]));
    let bare = s.root.join("remotes/addons-frontend.git");
    assert!(git(&bare, &["tag", "-l"]).lines().any(|t| t == "2026.11.26"));

    let out = shipdeck(&s, &["tag"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to tag"));
}

#[test]
fn a_rejected_push_shows_gits_message_and_moves_nothing() {
    let s = setup();
    let bare = s.root.join("remotes/addons-frontend.git");
    // Someone already pushed this push's tag, on another commit.
    let old = git(&bare, &["rev-parse", "2026.11.12^{commit}"]);
    git(&bare, &["tag", "2026.11.26", &old]);
    let out = shipdeck(&s, &["tag", "--push", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let t = v["tags"].as_array().unwrap().iter().find(|t| t["repo"] == "addons-frontend").unwrap().clone();
    assert_eq!(t["created"], true);
    assert_eq!(t["pushed"], false);
    let err = t["error"].as_str().unwrap();
    assert!(err.contains("rejected") || err.contains("already exists"), "{err}");
    assert_eq!(git(&bare, &["rev-parse", "2026.11.26^{commit}"]), old, "the remote tag did not move");
}
