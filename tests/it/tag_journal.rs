//! `shipdeck tag` records what it does in the push's journal, as the
//! cockpit's `t` and `P` do, and `--sync` shares it: against the demo's real
//! repositories (a bare remote each) and a bare sharing remote.

use serde_json::Value;
use shipdeck::testkit::git_command;
use std::path::PathBuf;
use std::process::{Command, Output};

struct Setup {
    dir: tempfile::TempDir,
    root: PathBuf,
}

/// Where the push is shared: a bare repository, an unreachable address, or
/// nowhere.
enum Share {
    Bare,
    Dead,
    None,
}

fn setup(share: Share) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repos");
    std::fs::create_dir_all(&root).unwrap();
    let push_date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let repos = shipdeck::demo::repos::build(&root, push_date).expect("demo repositories");
    let mut toml = String::from("[release]\nname = \"Tag Test\"\npush_day = \"thursday\"\n\n[git]\ntimeout = \"5s\"\n");
    let remote = match share {
        Share::Bare => {
            let bare = dir.path().join("sessions.git");
            let out = git_command(dir.path(), dir.path()).args(["init", "-q", "--bare"]).arg(&bare).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            Some(bare.display().to_string())
        }
        Share::Dead => {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            Some(format!("git://127.0.0.1:{port}/sessions.git"))
        }
        Share::None => None,
    };
    if let Some(remote) = remote {
        toml.push_str(&format!("\n[share]\nremote = \"{remote}\"\ninterval = \"1s\"\n"));
    }
    for r in &repos {
        toml.push_str(&format!("\n[[repos]]\nname = \"{}\"\npath = \"{}\"\n", r.name, r.path.display()));
    }
    std::fs::write(dir.path().join("shipdeck.toml"), toml).unwrap();
    Setup { dir, root }
}

impl Setup {
    fn data(&self, who: &str) -> PathBuf {
        self.dir.path().join(who)
    }

    fn journal(&self, who: &str) -> PathBuf {
        self.data(who).join("journals/tag-test/2026-11-26.jsonl")
    }

    fn run(&self, who: &str, args: &[&str]) -> Output {
        Command::new(crate::common::bin())
            .args(args)
            .arg("--config")
            .arg(self.dir.path().join("shipdeck.toml"))
            .arg("--data-dir")
            .arg(self.data(who))
            .args(["--push-date", "2026-11-26", "--as", who, "--role", "rm"])
            .env("HOME", self.dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("SHIPDECK_DATA_DIR")
            .output()
            .unwrap()
    }

    fn ok(&self, who: &str, args: &[&str]) -> Output {
        let out = self.run(who, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// The tag events in `who`'s journal, as `shipdeck log --json` prints them.
    fn tag_events(&self, who: &str) -> Vec<Value> {
        let out = self.ok(who, &["log", "--json"]);
        let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        all.into_iter().filter(|e| e["kind"].as_str().is_some_and(|k| k.starts_with("tag_"))).collect()
    }

    fn git(&self, repo: &str, args: &[&str]) -> String {
        let out = git_command(self.dir.path(), &self.root.join(repo)).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn rev(&self, repo: &str, rev: &str) -> String {
        self.git(repo, &["rev-parse", rev])
    }

    fn tags(&self, repo: &str, pattern: &str) -> String {
        self.git(repo, &["tag", "-l", pattern])
    }
}

fn kind_repo_tag(e: &Value) -> (&str, &str, &str) {
    (e["kind"].as_str().unwrap(), e["repo"].as_str().unwrap(), e["tag"].as_str().unwrap())
}

#[test]
fn tags_created_pushed_and_retagged_are_journaled_and_shared() {
    let s = setup(Share::Bare);
    let out = s.ok("alice", &["tag", "--dry-run", "--json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"dry_run\": true"));
    assert!(!s.journal("alice").exists(), "a dry run writes nothing");
    assert_eq!(s.tags("addons-frontend", "2026.11.26"), "", "nor tags");

    s.ok("alice", &["tag", "--push", "--sync"]);
    let events = s.tag_events("alice");
    // addons-server's tag was made before, and not known to be on its remote:
    // `--push` pushes it too, as `P` does. Pushes run side by side, so they
    // are journaled in the order they finish.
    let mut what: Vec<_> = events.iter().map(kind_repo_tag).collect();
    what[1..].sort();
    assert_eq!(
        what,
        [
            ("tag_created", "addons-frontend", "2026.11.26"),
            ("tag_pushed", "addons-frontend", "2026.11.26"),
            ("tag_pushed", "addons-server", "2026.11.26"),
        ],
        "{events:#?}"
    );
    assert_eq!(events[0]["commit"], s.rev("addons-frontend", "2026.11.26^{commit}").as_str());
    let replica = std::fs::read_to_string(s.data("alice").join("replica")).unwrap();
    for e in &events {
        assert_eq!(e["actor"]["name"], "alice");
        assert_eq!(e["replica"], replica.trim(), "this data dir's lines, so the share round sends them");
    }

    // A re-tag after a cherry-pick: the next -N, on the branch head.
    s.ok("alice", &["tag", "--retag", "addons-server", "--sync"]);
    let events = s.tag_events("alice");
    let last = events.last().unwrap();
    assert_eq!(kind_repo_tag(last), ("tag_created", "addons-server", "2026.11.26-1"));
    assert_eq!(last["commit"], s.rev("addons-server", "main").as_str());

    // Both runs shared their events at once: a teammate's round takes them.
    let out = s.ok("bob", &["sync", "--json"]);
    let round: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(round["fetched"], 4, "{round}");
    // Bob's copies also say who committed them to the remote.
    let mut at_bob = s.tag_events("bob");
    for e in &mut at_bob {
        let committer = e.as_object_mut().unwrap().remove("committer");
        assert!(committer.is_some_and(|c| c.as_str().is_some_and(|c| c.starts_with("shipdeck <"))), "{e}");
    }
    assert_eq!(at_bob, events, "the same events, ids and all");
}

#[test]
fn sync_without_share_does_nothing_and_a_failing_remote_keeps_the_events() {
    let s = setup(Share::None);
    let out = s.run("alice", &["tag", "--sync"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [share] section: --sync needs it; nothing done"));
    assert_eq!(s.tags("addons-frontend", "2026.11.26"), "", "no tag was made");
    for args in [&["tick", "features-agreed", "--sync"][..], &["log", "hello", "--sync"]] {
        let out = s.run("alice", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("nothing done"), "{args:?}");
    }
    assert!(!s.journal("alice").exists(), "nothing was recorded");

    let s = setup(Share::Dead);
    let out = s.run("alice", &["tag", "--sync"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("saved, not shared yet") && stderr.contains("127.0.0.1"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("created"), "the report is printed");
    let what: Vec<_> = s.tag_events("alice").iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(what, ["tag_created"]);
}

#[test]
fn a_journal_that_cannot_be_read_is_refused_before_tagging() {
    let s = setup(Share::None);
    std::fs::create_dir_all(s.journal("alice")).unwrap();
    let out = s.run("alice", &["tag"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2026-11-26.jsonl") && stderr.contains("directory"), "{stderr}");
    assert_eq!(s.tags("addons-frontend", "2026.11.26"), "", "no tag was made");
}
