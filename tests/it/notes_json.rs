//! `shipdeck notes --json`: the push notes as data, from the same journal
//! the markdown is written from.

use assert_cmd::Command;

#[test]
fn notes_json_holds_what_was_said_with_blocker_numbers_and_the_checklist() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("shipdeck")
            .unwrap()
            .args(args)
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(tmp.path().join("data"))
            .args(["--push-date", "2026-11-26", "--as", "rita", "--role", "rm"])
            .env("SHIPDECK_PERSONAL", "")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["log", "/notable New review queue"]);
    run(&["log", "/blocker CDN purge pending"]);
    run(&["log", "/blocker \u{202e}flipped"]);
    run(&["log", "/unblock 1"]);
    let v: serde_json::Value = serde_json::from_str(&run(&["notes", "--json"])).unwrap();
    assert_eq!(v["release"], "AMO");
    assert_eq!(v["target"], "2026.11.26");
    assert_eq!(v["notable"][0]["text"], "New review queue");
    assert_eq!(v["notable"][0]["by"]["name"], "rita");
    let blockers = v["blockers"].as_array().unwrap();
    assert_eq!(blockers.len(), 2);
    assert_eq!((blockers[0]["number"].as_u64(), blockers[0]["text"].as_str()), (Some(1), Some("CDN purge pending")));
    assert_eq!(blockers[0]["resolved_by"]["name"], "rita", "resolved, and still listed");
    assert!(blockers[1]["resolved_by"].is_null());
    assert!(!blockers[1]["text"].as_str().unwrap().contains('\u{202e}'), "cleaned where it entered");
    assert!(v["checklist"]["phases"].as_array().is_some_and(|p| !p.is_empty()));
}
