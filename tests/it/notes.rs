//! The push notes and the "push is done" mail, rendered from a fixed journal
//! (snapshots of the markdown), and the next push's template.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use shipdeck::domain::journal::{Event, EventActor, EventKind};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::domain::notes::render::{email, markdown, next_template};
use shipdeck::domain::rollout::msg::RolloutMsg;
use shipdeck::domain::{Heartbeat, Model, Msg, Remote, update};
use shipdeck::testkit;

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
}

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

fn journal() -> Vec<Event> {
    let mut n = 0;
    let mut ev = |at, who: &str, role, kind| {
        n += 1;
        Event {
            committer: None,
            v: 1,
            id: format!("e{n}"),
            at,
            replica: String::new(),
            seq: 0,
            actor: EventActor { name: who.into(), role },
            kind,
        }
    };
    let tick = |item: &str, note: Option<&str>, overrides_role| EventKind::Tick {
        item: item.into(),
        note: note.map(String::from),
        overrides_role,
    };
    vec![
        ev(t(10, 5), "rita", Role::Rm, EventKind::Notable { text: "Themes get their own review queue".into() }),
        ev(t(10, 6), "rita", Role::Rm, EventKind::Notable { text: "Faster search suggestions".into() }),
        ev(t(10, 30), "quinn", Role::Qa, EventKind::Blocker { text: "search returns 500s on stage".into() }),
        ev(t(11, 0), "olga", Role::Ops, EventKind::Blocker { text: "CDN purge pending".into() }),
        ev(t(12, 40), "quinn", Role::Qa, EventKind::Unblock { number: 1 }),
        ev(
            t(12, 45),
            "rita",
            Role::Rm,
            EventKind::Pick {
                repo: "addons-server".into(),
                sha: "ab".repeat(20),
                summary: "Fix the search query".into(),
            },
        ),
        ev(t(14, 50), "rita", Role::Rm, tick("features-agreed", None, false)),
        ev(t(14, 51), "ci", Role::Qa, tick("regression-tests", Some("https://ci.example.org/run/4711"), false)),
        ev(t(14, 52), "rita", Role::Rm, tick("results-sent", None, true)),
        ev(
            t(14, 53),
            "olga",
            Role::Ops,
            EventKind::Waive {
                item: "load-test".into(),
                reason: "no load-relevant changes".into(),
                overrides_role: false,
            },
        ),
        ev(t(15, 2), "rita", Role::Rm, EventKind::PushStarted),
        ev(
            t(15, 20),
            "shipdeck",
            Role::Rm,
            EventKind::VersionChanged {
                env: "prod".into(),
                service: "web".into(),
                from: "2026.11.26".into(),
                to: "2026.11.19".into(),
                commit: None,
            },
        ),
        ev(
            t(15, 25),
            "shipdeck",
            Role::Rm,
            EventKind::SentrySpike { project: "web".into(), since_push: 42, baseline: 10, push_start: t(15, 2) },
        ),
        ev(t(15, 30), "olga", Role::Ops, EventKind::Note { text: "DB migration 0042 ran at 15:20".into() }),
        ev(t(16, 14), "rita", Role::Rm, EventKind::PushFinished { open: Vec::new() }),
    ]
}

fn model() -> Model {
    let mut m = testkit::model(&["web", "api"], t(16, 20));
    m.repos.rows = vec![shipdeck::domain::repos::RepoRow::new(testkit::repo_spec("addons-server"))];
    let status = testkit::repo_status(&[("2026.11.19", "a"), ("2026.11.26", "b")], "b");
    m.repos.rows[0].status = Remote::Ready { value: status, at: t(16, 0) };
    for s in 0..2 {
        let p = testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, t(16, 19));
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: s, env: 1, probe: p }));
    }
    m.apply_events(&journal());
    m.now = t(16, 20) + Duration::seconds(1);
    m
}

#[test]
fn the_notes_in_markdown() {
    insta::assert_snapshot!("notes_markdown", markdown(&model(), utc()));
}

#[test]
fn the_push_is_done_mail() {
    let m = model();
    let mail = email(&m, utc(), Some("https://notes.example.org/amo/2026-11-26"));
    insta::assert_snapshot!("notes_email", mail);
    assert!(mail.contains("- rollback: prod · web 2026.11.26 -> 2026.11.19 at 15:20"), "{mail}");
    assert!(mail.contains("Next push: 2026-12-03, push hero"), "{mail}");
}

#[test]
fn a_calm_push_has_no_issues_and_the_next_template_carries_open_blockers() {
    let mut m = testkit::model(&["web"], t(16, 0));
    let mail = email(&m, utc(), None);
    assert!(mail.contains("Issues:\nNone\n") && mail.contains("Notes: attached."), "{mail}");
    m.apply_events(&journal()[..4]);
    let next = next_template(&m);
    assert!(next.starts_with("# AMO push 2026-12-03\n"), "{next}");
    assert!(next.contains("- search returns 500s on stage (still open from 2026-11-26)"), "{next}");
    assert!(next.contains("- CDN purge pending (still open from 2026-11-26)"), "{next}");
}

/// `shipdeck notes --format email` on a journal whose push is still running
/// says so, and says "done" once the journal has the finish.
#[test]
fn the_mail_command_does_not_announce_an_unfinished_push() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Ship\"\npush_day = \"thursday\"\n").unwrap();
    let data = dir.path().join("data");
    let journal = data.join("journals/ship/2026-11-26.jsonl");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    let line = |id: &str, at: &str, kind: &str| {
        format!(
            "{{\"v\":1,\"id\":\"{id}\",\"at\":\"2026-11-26T{at}:00Z\",\"actor\":{{\"name\":\"rita\",\"role\":\"rm\"}},\"kind\":\"{kind}\"}}\n"
        )
    };
    std::fs::write(&journal, line("s", "15:02", "push_started")).unwrap();
    let mail = || {
        let out = assert_cmd::Command::cargo_bin("shipdeck")
            .unwrap()
            .args(["notes", "--format", "email", "--config"])
            .arg(&config)
            .arg("--data-dir")
            .arg(&data)
            .args(["--push-date", "2026-11-26"])
            // The mail speaks local time.
            .env("TZ", "UTC")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let running = mail();
    assert!(running.starts_with("Subject: This week's push is not finished (Ship 2026-11-26)"), "{running}");
    assert!(running.contains("Started 15:02 · still running"), "{running}");
    assert!(!running.contains("is done"), "{running}");

    let mut f = std::fs::OpenOptions::new().append(true).open(&journal).unwrap();
    std::io::Write::write_all(&mut f, line("f", "16:14", "push_finished").as_bytes()).unwrap();
    let done = mail();
    assert!(done.starts_with("Subject: This week's push is done! (Ship 2026-11-26)"), "{done}");
    assert!(done.contains("took 1h 12m"), "{done}");
}
