//! `shipdeck sync` end to end: two data dirs (two laptops) on one bare
//! remote; a tick made in one is in the other's checklist after a round
//! each; a missing `[share]` and an unreachable remote are said plainly.

use assert_cmd::Command;
use shipdeck::testkit::git_command;
use std::path::PathBuf;

struct Team {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Team {
    fn new(remote: &str) -> Team {
        Team::with(remote, "")
    }

    /// The team's config, with `extra` sections after `[share]` and `[git]`.
    fn with(remote: &str, extra: &str) -> Team {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("shipdeck.toml");
        let text = format!(
            "[release]\nname = \"Share Test\"\npush_day = \"thursday\"\n\n[share]\nremote = \"{remote}\"\ninterval = \"1s\"\n\n[git]\ntimeout = \"5s\"\n{extra}"
        );
        std::fs::write(&config, text).unwrap();
        Team { dir, config }
    }

    fn bare_remote() -> String {
        let remotes = tempfile::tempdir().unwrap().keep();
        let bare = remotes.join("sessions.git");
        let out = git_command(&remotes, &remotes).args(["init", "-q", "--bare"]).arg(&bare).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        bare.display().to_string()
    }

    fn with_bare_remote() -> Team {
        Team::new(&Team::bare_remote())
    }

    fn data(&self, who: &str) -> PathBuf {
        self.dir.path().join(who)
    }

    fn run(&self, who: &str, role: &str, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("shipdeck")
            .unwrap()
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.data(who))
            .args(["--push-date", "2026-11-26", "--as", who, "--role", role])
            .env("HOME", self.dir.path())
            .output()
            .unwrap()
    }

    fn sync(&self, who: &str, role: &str) -> serde_json::Value {
        let out = self.run(who, role, &["sync", "--json"]);
        assert!(out.status.success(), "{who}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn ticked_by(checklist: &serde_json::Value, item: &str) -> Option<String> {
    let items = checklist["phases"].as_array()?.iter().flat_map(|p| p["items"].as_array().cloned().unwrap_or_default());
    items.filter(|i| i["id"] == item).find_map(|i| i["by"].as_str().or(i["mark"]["by"].as_str()).map(str::to_string))
}

fn checklist(team: &Team, who: &str, role: &str) -> serde_json::Value {
    let out = team.run(who, role, &["checklist", "--json", "--offline"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_tick_on_one_laptop_reaches_the_other_through_the_remote() {
    let team = Team::with_bare_remote();
    let out = team.run("alice", "rm", &["tick", "features-agreed"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ticked_by(&checklist(&team, "bob", "qa"), "features-agreed"), None, "not shared yet");

    let first = team.sync("alice", "rm");
    assert_eq!(first["state"], "synced");
    assert_eq!(first["pushed"], 1);
    assert_eq!(first["ref"], "refs/shipdeck/share-test/2026-11-26");
    let second = team.sync("bob", "qa");
    assert_eq!(second["fetched"], 1);
    assert_eq!(second["people"][0]["name"], "alice");
    assert_eq!(second["people"][0]["role"], "rm");
    assert_eq!(ticked_by(&checklist(&team, "bob", "qa"), "features-agreed").as_deref(), Some("alice"));

    // Bob's line goes back the other way; a quiet round sends and takes nothing.
    // `--sync` shares a line at once: no round of bob's own is needed.
    let out = team.run("bob", "qa", &["log", "regression suite is green", "--sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(team.sync("bob", "qa")["pushed"], 0, "already sent by --sync");
    let back = team.sync("alice", "rm");
    assert_eq!((back["pushed"].as_u64(), back["fetched"].as_u64()), (Some(0), Some(1)));
    let quiet = team.sync("alice", "rm");
    assert_eq!((quiet["pushed"].as_u64(), quiet["fetched"].as_u64()), (Some(0), Some(0)));
    let log = team.run("alice", "rm", &["log"]);
    assert!(String::from_utf8_lossy(&log.stdout).contains("bob (qa): regression suite is green"));
    // Each journal has each event once.
    for who in ["alice", "bob"] {
        let journal = team.data(who).join("journals/share-test/2026-11-26.jsonl");
        assert_eq!(std::fs::read_to_string(journal).unwrap().lines().count(), 2, "{who}");
    }
    // Who committed a line is what the remote's history says (HOME has no
    // git identity here: the replica stands in), kept by whoever took it;
    // the maker's own line carries none.
    let events = |who: &str| -> Vec<serde_json::Value> {
        let journal = team.data(who).join("journals/share-test/2026-11-26.jsonl");
        std::fs::read_to_string(journal).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let tick = |e: &&serde_json::Value| e["kind"] == "tick";
    let at_bob = events("bob").into_iter().find(|e| tick(&e)).unwrap();
    let replica = at_bob["replica"].as_str().unwrap().to_string();
    assert_eq!(at_bob["committer"].as_str(), Some(format!("shipdeck <{replica}>").as_str()));
    assert!(events("alice").iter().find(tick).unwrap().get("committer").is_none());
}

#[test]
fn without_share_or_with_a_dead_remote_sync_says_so() {
    let team = Team::new("/nonexistent/sessions.git");
    std::fs::write(&team.config, "[release]\nname = \"Share Test\"\npush_day = \"thursday\"\n").unwrap();
    let out = team.run("alice", "rm", &["sync"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [share] section"));
    let out = team.run("alice", "rm", &["tick", "features-agreed", "--sync"]);
    assert_eq!(out.status.code(), Some(2), "--sync without [share] is refused");

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let team = Team::new(&format!("git://127.0.0.1:{port}/sessions.git"));
    let started = std::time::Instant::now();
    let out = team.run("alice", "rm", &["sync", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"], "offline", "{v}");
    assert!(v["error"].as_str().unwrap().contains("127.0.0.1"), "{v}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // The line is saved even when sharing it fails, and the failure is said.
    let out = team.run("alice", "rm", &["log", "kept anyway", "--sync"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("saved, not shared yet"));
    let log = team.run("alice", "rm", &["log"]);
    assert!(String::from_utf8_lossy(&log.stdout).contains("kept anyway"));
}

/// Two cockpits, two data dirs, one bare remote: a tick in one shows in
/// the other's log and checklist, and a chat line goes back the other way.
#[test]
fn two_cockpits_see_each_others_ticks_and_lines() {
    let team = Team::with_bare_remote();
    let cockpit = |who: &str, role: &str| {
        let data = team.data(who);
        let args: Vec<std::ffi::OsString> = vec![
            "--config".into(),
            team.config.clone().into(),
            "--data-dir".into(),
            data.into(),
            "--push-date".into(),
            "2026-11-26".into(),
            "--as".into(),
            who.into(),
            "--role".into(),
            role.into(),
        ];
        crate::common::Pty::start_with(&args, &[("HOME", team.dir.path().as_os_str())])
    };
    let mut alice = cockpit("alice", "rm");
    let mut bob = cockpit("bob", "qa");
    for p in [&alice, &bob] {
        p.wait_for_text("the first round", "sharing through");
    }
    alice.press(b"1 ");
    bob.wait_for_text("alice's tick in bob's log", "alice (rm) ticked 'Features for this push agreed'");
    bob.wait_for_text("alice's tick in bob's checklist", "[✔] rm  Features for this push");
    bob.press(b"5\r");
    bob.press(b"QA is on it\r");
    alice.wait_for_text("bob's line in alice's log", "bob (qa): QA is on it");
    // Out of the composer first: esc then q, apart, so they are not alt-q.
    bob.press(b"\x1b");
    bob.wait_for_text("bob back in the main view", "1-5 panes");
    for p in [&mut alice, &mut bob] {
        p.press(b"q");
        p.wait_exit(std::time::Duration::from_secs(10));
    }
}

/// The header says how the sharing goes: in sync with how many people, or
/// since when it is offline, through the same message the sharing task sends.
#[test]
fn the_header_shows_the_shared_state() {
    use chrono::{FixedOffset, TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use shipdeck::domain::kernel::actor::Role;
    use shipdeck::domain::share::ShareState;
    use shipdeck::domain::share::msg::{RoundFailure, ShareMsg};
    use shipdeck::domain::{Msg, update};
    use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

    let t = |m, s| Utc.with_ymd_and_hms(2026, 11, 26, 10, m, s).unwrap();
    let mut m = shipdeck::testkit::model(&["web"], t(40, 0));
    m.share = Some(ShareState::new("git@example.com:team/push.git".into()));
    let screen = |m: &shipdeck::domain::Model| {
        let (theme, keymap) = (Theme::default(), shipdeck::keymap::Keymap::default());
        let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
        let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
        term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
        shipdeck::testkit::buffer_text(term.backend().buffer())
    };
    let header = |m: &shipdeck::domain::Model| screen(m).lines().next().unwrap().to_string();
    // Others are known from their lines; the cockpit's own beat on the
    // clock adds its user.
    let here = |name: &str, role| shipdeck::domain::journal::Event {
        v: 1,
        id: format!("{name}-here"),
        at: t(41, 0),
        replica: "0123abcd".into(),
        seq: 0,
        committer: None,
        actor: shipdeck::domain::journal::EventActor { name: name.into(), role },
        kind: shipdeck::domain::journal::EventKind::Presence,
    };
    let events = vec![here("bob", Role::Qa), here("carol", Role::Ops)];
    update(&mut m, Msg::Journal(shipdeck::domain::journal::msg::JournalMsg::Read { events, damage: Vec::new() }));
    update(&mut m, Msg::Share(ShareMsg::Round { at: t(41, 0), result: Ok(Vec::new()), unsent: 0 }));
    let effects = update(&mut m, Msg::Tick(t(41, 5)));
    let beats = effects.iter().filter(|e| matches!(e, shipdeck::domain::Effect::Append(ev) if ev.kind == shipdeck::domain::journal::EventKind::Presence));
    assert_eq!(beats.count(), 1, "the cockpit's own presence is saved: {effects:?}");
    assert!(header(&m).contains("⇄ 3 people · 5s"), "{}", header(&m));
    assert!(
        screen(&m).contains("alice rm now · bob qa now · carol ops now "),
        "who is here, as many as fit: {}",
        screen(&m)
    );
    assert!(m.log.entries.iter().all(|e| !e.text.contains("is here")), "presence is not a log line");
    let down = RoundFailure { offline: true, text: "cannot reach it".into() };
    update(&mut m, Msg::Share(ShareMsg::Round { at: t(42, 0), result: Err(down), unsent: 3 }));
    assert!(header(&m).contains("OFFLINE 10:42 · 3 unsent"), "{}", header(&m));
    // On a narrow terminal too, where the window and the name give way to it.
    let (theme, keymap) = (Theme::default(), shipdeck::keymap::Keymap::default());
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| render(f, &m, &mut ViewState::default(), &ctx)).unwrap();
    let narrow = shipdeck::testkit::buffer_text(term.backend().buffer()).lines().next().unwrap().to_string();
    assert!(narrow.contains("OFFLINE 10:42 · 3 unsent"), "{narrow}");
    assert!(header(&m).contains("OFFLINE 10:42"), "{}", header(&m));
    let said: Vec<_> = m.log.entries.iter().map(|e| e.text.clone()).filter(|t| t.contains("sharing")).collect();
    assert_eq!(said.len(), 2, "in sync once, offline once: {said:?}");
}

/// A tick made just before quitting is shared by the cockpit's last round,
/// not left for its next session: here rounds are a minute apart, so only
/// the last one can have sent it.
#[test]
fn quitting_shares_the_last_lines_first() {
    let team = Team::with_bare_remote();
    let text = std::fs::read_to_string(&team.config).unwrap().replace("interval = \"1s\"", "interval = \"60s\"");
    std::fs::write(&team.config, text).unwrap();
    let args: Vec<std::ffi::OsString> = vec![
        "--config".into(),
        team.config.clone().into(),
        "--data-dir".into(),
        team.data("alice").into(),
        "--push-date".into(),
        "2026-11-26".into(),
        "--as".into(),
        "alice".into(),
        "--role".into(),
        "rm".into(),
    ];
    let mut alice = crate::common::Pty::start_with(&args, &[("HOME", team.dir.path().as_os_str())]);
    alice.wait_for_text("the first round", "sharing through");
    alice.press(b"1 ");
    alice.wait_for_text("the tick", "[✔] rm  Features for this push");
    alice.press(b"q");
    alice.wait_exit(std::time::Duration::from_secs(15));
    assert_eq!(ticked_by(&checklist(&team, "bob", "qa"), "features-agreed"), None, "bob has not synced yet");
    let round = team.sync("bob", "qa");
    let log = std::fs::read_to_string(team.data("alice").join("state/shipdeck.log")).unwrap_or_default();
    assert_eq!(
        ticked_by(&checklist(&team, "bob", "qa"), "features-agreed").as_deref(),
        Some("alice"),
        "{round}\n{log}"
    );
}

/// A lock taken on one laptop holds a deploy on another: `shipdeck deploy`
/// reads the team's remote before it acts, without being asked to.
#[test]
fn a_teammates_lock_holds_a_headless_deploy_elsewhere() {
    let deploy = "\n[[services]]\nname = \"web\"\n[services.envs]\nstage = \"http://127.0.0.1:9/__version__\"\n\n[deploy.stage]\ncommand = [\"true\"]\n";
    let team = Team::with(&Team::bare_remote(), deploy);
    let out = team.run("alice", "rm", &["lock", "stage", "--reason", "waiting for the migration", "--sync"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = team.run("olga", "ops", &["deploy", "stage"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("stage is locked by alice: waiting for the migration"), "{err}");

    // A remote that does not answer refuses the deploy rather than ignore it.
    let team = Team::with("/nonexistent/sessions.git", deploy);
    let out = team.run("olga", "ops", &["deploy", "stage"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the team's locks could not be read"), "{err}");
}
