//! Notes commands against a real repository: a `/pick` of a commit the push
//! already ships is refused with why, and nothing is recorded.

use assert_cmd::Command;
use std::path::PathBuf;

struct Repo {
    dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

impl Repo {
    fn git(&self, args: &[&str]) -> String {
        let out =
            shipdeck::testkit::git_command(self.dir.path(), &self.dir.path().join("web")).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn shipdeck(&self, args: &[&str]) -> std::process::Output {
        let (c, d) = (self.config.display().to_string(), self.data.display().to_string());
        let mut all = vec!["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "rita"];
        all.extend_from_slice(args);
        Command::cargo_bin("shipdeck").unwrap().args(all).env("NO_COLOR", "1").output().unwrap()
    }
}

/// `main`: shipped → 2026.11.19 → in push → head; `side`: a fix off the
/// previous tag, in neither.
fn repo() -> (Repo, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web");
    std::fs::create_dir_all(&web).unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[release]\nname = \"Pick\"\npush_day = \"thursday\"\n\n[[repos]]\nname = \"web\"\npath = \"{}\"\n",
            web.display()
        ),
    )
    .unwrap();
    let r = Repo { data: dir.path().join("data"), config, dir };
    r.git(&["init", "-q", "-b", "main"]);
    r.git(&["config", "user.name", "T"]);
    r.git(&["config", "user.email", "t@example.org"]);
    let shipped = r.commit("shipped last week");
    r.git(&["tag", "-a", "2026.11.19", "-m", "push"]);
    let in_push = r.commit("in this push");
    r.commit("head");
    r.git(&["checkout", "-q", "-b", "side", "2026.11.19"]);
    let fix = r.commit("the fix");
    r.git(&["checkout", "-q", "main"]);
    let origin = r.dir.path().join("origin.git").display().to_string();
    r.git(&["init", "-q", "--bare", &origin]);
    r.git(&["remote", "add", "origin", &origin]);
    r.git(&["push", "-q", "origin", "main", "--tags"]);
    r.git(&["remote", "set-head", "origin", "main"]);
    (r, [shipped, in_push, fix])
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_pick_the_push_already_has_is_refused_and_not_recorded() {
    let (r, [shipped, in_push, fix]) = repo();
    let out = r.shipdeck(&["log", &format!("/pick {}", &in_push[..9])]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{} is already in this push (web 2026.11.19..head ", &in_push[..12])),
        "{}",
        stderr(&out)
    );
    let out = r.shipdeck(&["log", &format!("/pick {shipped} web")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("already shipped (web 2026.11.19 has it)"), "{}", stderr(&out));
    let out = r.shipdeck(&["log", "--json"]);
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(events.as_array().unwrap().iter().all(|e| e["kind"] != "pick"), "nothing recorded: {events}");

    // Tagged, the range ends at the tag: a commit after it is a pick again.
    r.git(&["tag", "-a", "2026.11.26", "-m", "push", &in_push]);
    let after = r.git(&["rev-parse", "main"]);
    assert!(r.shipdeck(&["log", &format!("/pick {after}")]).status.success());
    let out = r.shipdeck(&["log", &format!("/pick {}", &in_push[..9])]);
    assert!(stderr(&out).contains("is already in this push (web 2026.11.19..2026.11.26)"), "{}", stderr(&out));
    let out = r.shipdeck(&["log", &format!("/pick {fix}")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let notes = String::from_utf8(r.shipdeck(&["notes"]).stdout).unwrap();
    assert!(notes.contains("the fix") && notes.contains("head"), "{notes}");
}

#[test]
fn a_line_taken_back_stays_struck_through_in_the_notes_and_the_log() {
    let (r, [_, _, fix]) = repo();
    for line in ["/blocker search returns 500s", "/notable New review queue", &format!("/pick {fix}")] {
        let out = r.shipdeck(&["log", line]);
        assert!(out.status.success(), "{line}: {}", stderr(&out));
    }
    // Without a name: the newest of mine, the pick.
    let out = r.shipdeck(&["log", "/retract"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = r.shipdeck(&["log", "/retract #1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = r.shipdeck(&["log", "/retract #1"]);
    assert_eq!(out.status.code(), Some(2), "twice is refused: {}", stderr(&out));
    assert!(stderr(&out).contains("no line #1 that you may take back"), "{}", stderr(&out));

    let notes = String::from_utf8(r.shipdeck(&["notes"]).stdout).unwrap();
    assert!(notes.contains("- ~~#1 search returns 500s (rita, "), "{notes}");
    assert!(notes.contains("~~ taken back by rita, "), "{notes}");
    assert!(notes.contains("- New review queue (rita)"), "the notable stands: {notes}");
    assert!(notes.contains("- ~~`") && notes.contains("the fix"), "the pick, struck, without a number: {notes}");
    assert!(!notes.contains("1. `"), "{notes}");

    let v: serde_json::Value = serde_json::from_slice(&r.shipdeck(&["notes", "--json"]).stdout).unwrap();
    assert_eq!(v["blockers"][0]["retracted"]["by"]["name"], "rita", "{v}");
    assert!(v["notable"][0].get("retracted").is_none(), "{v}");
    assert_eq!(v["picks"][0]["retracted"]["by"]["name"], "rita", "{v}");

    assert!(r.shipdeck(&["tick", "features-agreed"]).status.success());
    let log = String::from_utf8(r.shipdeck(&["log"]).stdout).unwrap();
    assert!(log.contains("rita (rm) ticked 'Features for this push agreed'"), "the item by its title: {log}");
    assert!(log.contains("rita (rm) blocker #1: search returns 500s (taken back)"), "{log}");
    assert!(log.contains("rita (rm) took back blocker #1 'search returns 500s'"), "{log}");
    assert!(log.contains("took back pick web "), "{log}");
    let events: serde_json::Value = serde_json::from_slice(&r.shipdeck(&["log", "--json"]).stdout).unwrap();
    assert_eq!(events.as_array().unwrap().iter().filter(|e| e["kind"] == "retract").count(), 2, "{events}");

    // QA may not take back the release manager's line.
    let (c, d) = (r.config.display().to_string(), r.data.display().to_string());
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "quinn", "--role", "qa"])
        .args(["log", "/retract"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing of yours to take back"), "{}", stderr(&out));
}
