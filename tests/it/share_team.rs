//! A team of three: three cockpits in pseudo-terminals, each on a data dir
//! of its own, sharing one push through a real `git daemon` on 127.0.0.1.
//! A tick made in one shows in the other two; with the daemon gone each
//! says OFFLINE and keeps what is typed; with it back on the same port all
//! three show every line, and their journals hold the same events, each
//! once, in the same order. A remote cut off in the middle of its answer,
//! as the killed daemon is during a round, counts as offline; lines that
//! arrive after a partition take their place in every log.

use crate::common::Pty;
use crate::common::daemon::Daemon;
use shipdeck::testkit::git_command;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

const PUSH_DATE: &str = "2026-11-26";
const TEAM: [(&str, &str); 3] = [("alice", "rm"), ("bob", "qa"), ("carol", "ops")];
/// Long enough for a loaded machine running three debug cockpits; the
/// latency itself is measured by the harness, not asserted here.
const DEADLINE: Duration = Duration::from_secs(20);

/// Three people's data dirs and one config, sharing through `daemon`.
struct Team {
    /// First, so it is stopped before its repositories are removed.
    daemon: Daemon,
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Team {
    fn new() -> Team {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("remotes");
        std::fs::create_dir(&base).unwrap();
        let out = git_command(dir.path(), &base).args(["init", "-q", "--bare", "push.git"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let daemon = Daemon::start(dir.path(), &base);
        let config = dir.path().join("shipdeck.toml");
        let text = format!(
            "[release]\nname = \"Share Team\"\npush_day = \"thursday\"\n\n\
             [share]\nremote = \"git://127.0.0.1:{}/push.git\"\ninterval = \"1s\"\n\n[git]\ntimeout = \"5s\"\n",
            daemon.port
        );
        std::fs::write(&config, text).unwrap();
        Team { daemon, dir, config }
    }

    fn args(&self, who: &str, role: &str) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["--config".into(), self.config.clone().into(), "--data-dir".into()];
        args.push(self.dir.path().join(who).into());
        for a in ["--push-date", PUSH_DATE, "--as", who, "--role", role] {
            args.push(a.into());
        }
        args
    }

    /// The three cockpits, once each has seen the other two on the remote.
    fn cockpits(&self) -> Vec<Pty> {
        let env = [("HOME", self.dir.path().as_os_str())];
        let ps: Vec<Pty> = TEAM.iter().map(|(who, role)| Pty::start_with(&self.args(who, role), &env)).collect();
        // Each cockpit says it is here on opening: three people once every
        // cockpit has taken the others' presence lines.
        for p in &ps {
            p.wait_for("three people in the header", DEADLINE, |s| header(s).contains("⇄ 3 people").then_some(()));
        }
        ps
    }

    /// The journal file as it is on disk, one event a line.
    fn journal_lines(&self, who: &str) -> Vec<serde_json::Value> {
        let path = self.dir.path().join(who).join(format!("journals/share-team/{PUSH_DATE}.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{who}: {e}: {l}"))).collect()
    }

    /// The ids in the journal's one order, as `shipdeck log --json` prints it.
    fn ordered_ids(&self, who: &str, role: &str) -> Vec<String> {
        let out = std::process::Command::new(crate::common::bin())
            .args(self.args(who, role))
            .args(["log", "--json"])
            .env("HOME", self.dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{who}: {}", String::from_utf8_lossy(&out.stderr));
        let events: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        events.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
    }
}

fn header(screen: &str) -> &str {
    screen.lines().next().unwrap_or("")
}

fn quit(mut p: Pty) {
    p.press(b"q");
    let status = p.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn a_tick_in_one_of_three_cockpits_shows_in_the_other_two() {
    let team = Team::new();
    let mut ps = team.cockpits();
    for p in &ps {
        assert!(!p.contents().contains("[✔] rm  Features for this push"), "ticked before: {}", p.contents());
    }
    ps[0].press(b"1 ");
    for p in &ps[1..] {
        p.wait_for("alice's tick in the log and the checklist", DEADLINE, |s| {
            (s.contains("alice (rm) ticked 'Features for this push agreed'")
                && s.contains("[✔] rm  Features for this push"))
            .then_some(())
        });
    }
    for p in ps {
        quit(p);
    }
}

/// What each person types while the remote is gone: chat lines and a tick
/// of an item their role owns.
fn typed(who: &str) -> Vec<String> {
    let item = match who {
        "alice" => "deploy-notes",
        "bob" => "regression-tests",
        _ => "load-test",
    };
    let mut lines: Vec<String> = (1..=3).map(|n| format!("{who} offline note {n}")).collect();
    lines.push(format!("/tick {item}"));
    lines
}

/// How a typed line reads in everyone's log.
fn shown(who: &str, role: &str, line: &str) -> String {
    match line.strip_prefix("/tick ") {
        // The log names the item by its title.
        Some(item) => {
            let title = match item {
                "deploy-notes" => "Deploy notes for Ops",
                "regression-tests" => "Regression tests pass",
                _ => "Load test signed off by Ops (if needed)",
            };
            format!("{who} ({role}) ticked '{title}'")
        }
        None => format!("{who} ({role}): {line}"),
    }
}

#[test]
fn after_a_partition_three_cockpits_converge_on_one_journal() {
    let mut team = Team::new();
    let mut ps = team.cockpits();
    team.daemon.stop();
    for p in &ps {
        p.wait_for("OFFLINE in the header", DEADLINE, |s| header(s).contains("OFFLINE").then_some(()));
    }
    for (p, (who, role)) in ps.iter_mut().zip(TEAM) {
        // The log, zoomed, has room for everyone's lines.
        p.press(b"5");
        p.press(b"z");
        p.press(b"i");
        p.wait_for_text("the composer", "enter sends");
        for line in typed(who) {
            p.press(format!("{line}\r").as_bytes());
            p.wait_for_text("the line in its own log", &shown(who, role, &line));
        }
        p.press(b"\x1b");
        p.wait_for_text("out of the composer", "? help");
    }
    // Each kept its lines and says how many are waiting, still offline.
    for p in &ps {
        let want = format!("· {} unsent", typed("x").len());
        p.wait_for("the unsent lines counted", DEADLINE, |s| {
            let h = header(s);
            (h.contains("OFFLINE") && h.contains(&want)).then_some(())
        });
    }

    team.daemon.restart();
    let every: Vec<String> =
        TEAM.iter().flat_map(|(who, role)| typed(who).into_iter().map(move |l| shown(who, role, &l))).collect();
    for p in &ps {
        p.wait_for("every line of the three, and nothing unsent", DEADLINE, |s| {
            let h = header(s);
            let all = every.iter().all(|l| s.contains(l.as_str()));
            (all && h.contains("⇄ 3 people") && !h.contains("unsent")).then_some(())
        });
    }
    for p in ps {
        quit(p);
    }

    // On disk: the same events in the three journals, each once.
    let mut sets = Vec::new();
    for (who, _) in TEAM {
        let events = team.journal_lines(who);
        let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "{who}: an event appended twice: {ids:?}");
        // Nothing typed was lost: each person's chat lines, once, as typed.
        for (author, _) in TEAM {
            let said: Vec<&str> = events
                .iter()
                .filter(|e| e["kind"] == "chat" && e["actor"]["name"] == author)
                .map(|e| e["text"].as_str().unwrap())
                .collect();
            let want: Vec<String> = typed(author).into_iter().filter(|l| !l.starts_with('/')).collect();
            assert_eq!(said, want, "{author}'s chat lines in {who}'s journal");
            let ticks = events.iter().filter(|e| e["kind"] == "tick" && e["actor"]["name"] == author).count();
            assert_eq!(ticks, 1, "{author}'s tick in {who}'s journal");
        }
        let presence: BTreeMap<&str, usize> =
            events.iter().filter(|e| e["kind"] == "presence").fold(BTreeMap::new(), |mut m, e| {
                *m.entry(e["actor"]["name"].as_str().unwrap()).or_default() += 1;
                m
            });
        assert_eq!(presence.len(), 3, "{who}: everyone's presence: {presence:?}");
        sets.push(unique.into_iter().map(str::to_string).collect::<BTreeSet<String>>());
    }
    assert!(sets.iter().all(|s| *s == sets[0]), "the same events everywhere: {sets:#?}");
    // In the same order: the one total order, read by each data dir.
    let orders: Vec<Vec<String>> = TEAM.iter().map(|(who, role)| team.ordered_ids(who, role)).collect();
    assert_eq!(orders[0].len(), sets[0].len());
    assert_eq!(orders[0], orders[1], "alice and bob");
    assert_eq!(orders[0], orders[2], "alice and carol");
}

/// A git server on 127.0.0.1 that hangs up in the middle of its answer:
/// after the first line of a ref listing (protocol v0), or after the
/// capabilities and one ref of a v2 `ls-refs`, where git says "expected
/// flush after ref listing" (what a cockpit met when the daemon was killed
/// during its round).
async fn cut_off(v2: bool) -> (u16, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pkt = |s: &str| format!("{:04x}{s}", s.len() + 4).into_bytes();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            let mut request = [0u8; 1024];
            let _ = s.read(&mut request).await;
            if v2 {
                let caps = [pkt("version 2\n"), pkt("ls-refs\n"), b"0000".to_vec()].concat();
                let _ = s.write_all(&caps).await;
                let _ = s.read(&mut request).await;
            }
            let _ = s.write_all(&pkt(&format!("{} refs/heads/main\n", "1".repeat(40)))).await;
            let _ = s.shutdown().await;
        }
    });
    (port, server)
}

/// A remote that goes away in the middle of its answer (the daemon
/// restarted, the laptop's network dropping) is offline, as one that never
/// answered is: it passes by itself and every line waits.
#[tokio::test]
async fn a_remote_cut_off_mid_answer_is_offline_not_refused() {
    for v2 in [false, true] {
        let (port, server) = cut_off(v2).await;
        let dir = tempfile::tempdir().unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let store = shipdeck::io::journal::JournalStore::for_push(dir.path(), "Share Team", date);
        let url = format!("git://127.0.0.1:{port}/push.git");
        let mut shared = shipdeck::io::share::journal::Shared::new(store, dir.path(), &url, "Share Team", date);
        let e = shared.round(Duration::from_secs(10)).await.unwrap_err();
        assert!(e.is_offline(), "v2 {v2}: said as a refusal, \"nothing is sent until this is fixed\": {e}");
        server.abort();
    }
}

/// Whatever order lines arrive in, every log shows people's lines in the
/// one order: after a partition, lines made meanwhile elsewhere take their
/// place among this cockpit's own, past the note that it is in sync again.
/// (The partition above shows each person their own lines first.)
#[test]
fn lines_arriving_after_a_partition_take_their_place_in_every_log() {
    use chrono::{TimeZone, Utc};
    use shipdeck::domain::journal::msg::JournalMsg;
    use shipdeck::domain::journal::{Event, EventActor, EventKind, micros};
    use shipdeck::domain::kernel::actor::Role;
    use shipdeck::domain::share::ShareState;
    use shipdeck::domain::share::msg::ShareMsg;
    use shipdeck::domain::{Model, Msg, update};

    let t = |s| Utc.with_ymd_and_hms(2026, 11, 26, 10, 42, s).unwrap();
    let said = |replica: &str, name: &str, role, s| Event {
        v: 1,
        id: format!("{replica}.{s}.p"),
        at: t(s),
        replica: replica.into(),
        seq: micros(t(s)),
        committer: None,
        actor: EventActor { name: name.into(), role },
        kind: EventKind::Chat { text: format!("{name} at {s}s") },
    };
    // Apart, alice spoke first, then bob.
    let alices: Vec<Event> = (1..=2).map(|s| said("aaaa0001", "alice", Role::Rm, s)).collect();
    let bobs: Vec<Event> = (3..=4).map(|s| said("bbbb0002", "bob", Role::Qa, s)).collect();
    // Each has their own lines at once, then the round that joins them
    // again, then the other's lines.
    let cockpit = |own: &[Event], others: &[Event]| {
        let mut m = shipdeck::testkit::model(&["web"], t(0));
        m.share = Some(ShareState::new("git://127.0.0.1/push.git".into()));
        let read = |events: &[Event]| Msg::Journal(JournalMsg::Read { events: events.to_vec(), damage: Vec::new() });
        update(&mut m, read(own));
        update(&mut m, Msg::Share(ShareMsg::Round { at: t(10), result: Ok(Vec::new()), unsent: 0 }));
        update(&mut m, read(others));
        m
    };
    let people =
        |m: &Model| -> Vec<String> { m.log.entries.iter().filter(|e| e.person).map(|e| e.text.clone()).collect() };
    let (at_alice, at_bob) = (cockpit(&alices, &bobs), cockpit(&bobs, &alices));
    assert!(at_bob.log.entries.iter().any(|e| e.text.contains("in sync")), "the note is there");
    assert_eq!(people(&at_alice).len(), 4);
    assert_eq!(people(&at_bob), people(&at_alice), "bob's log and alice's");
}
