//! `[team]` end to end: a journal holding ticks by team members, by someone
//! the team does not list and by a member in a role not theirs — as a line
//! taken from the shared remote, with the git identity that committed it —
//! read by `shipdeck checklist` with and without the section; `shipdeck tick`
//! warning that its line will not count; and the pane showing it all.

use assert_cmd::Command;
use chrono::{FixedOffset, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shipdeck::domain::journal::{Event, EventActor, EventKind, VERSION, micros};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};
use std::path::{Path, PathBuf};

const RELEASE: &str = r#"[release]
name = "Team Test"
push_day = "thursday"
environments = ["stage", "prod"]

[[services]]
name = "web"
envs = { stage = "http://127.0.0.1:9/__version__", prod = "http://127.0.0.1:9/__version__" }
"#;

const TEAM: &str = r#"
[team]
alice = ["rm"]
Bob = ["qa"]
carol = ["ops", "rm"]
"#;

fn run(config: &Path, data: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(["--push-date", "2026-11-26"])
        .env_remove("SHIPDECK_USER")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
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

/// A line as the shared remote delivers it: another replica's, with the
/// committer the importing machine read from the remote's history.
fn foreign(n: u64, who: &str, role: Role, committer: &str, kind: EventKind) -> Event {
    let seq = micros(Utc::now()) + n;
    Event {
        committer: Some(committer.into()),
        v: VERSION,
        id: format!("fedcba9876543210.{seq}.0badf00d"),
        at: Utc::now(),
        replica: "fedcba9876543210".into(),
        seq,
        actor: EventActor { name: who.into(), role },
        kind,
    }
}

/// Two configs on one data dir: the same journal read with and without
/// `[team]`.
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let with = dir.path().join("team.toml");
    std::fs::write(&with, format!("{RELEASE}{TEAM}")).unwrap();
    let without = dir.path().join("alone.toml");
    std::fs::write(&without, RELEASE).unwrap();
    let data = dir.path().join("data");
    (dir, with, without, data)
}

#[test]
fn only_lines_the_team_vouches_for_count() {
    let (_d, with, without, data) = setup();
    // Bob, written as his team entry is not: names match without regard to case.
    let (code, _, err) = run(&with, &data, &["tick", "regression-tests", "--as", "bob", "--role", "qa"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("unverified"), "bob may act as qa: {err}");

    let (code, out, err) = run(&with, &data, &["tick", "test-plan-passes", "--as", "alice", "--role", "qa"]);
    assert_eq!(code, Some(0), "recorded all the same: {err}");
    assert!(out.contains("alice (qa) ticked test-plan-passes"), "{out}");
    assert!(err.contains("unverified") && err.contains("[team] gives alice rm, not qa"), "{err}");

    // Mallory, who can push to the remote, ticks one item and takes Bob's back.
    let cfg = shipdeck::config::Config::load(&with).unwrap();
    let global = shipdeck::cli::Global {
        data_dir: Some(data.clone()),
        push_date: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
        ..Default::default()
    };
    let store = shipdeck::session::paths::journal(&cfg, &global, global.push_date.unwrap()).unwrap();
    let mallory = "Mallory <mallory@example.net>";
    let tick =
        EventKind::Tick { item: "cross-env-tests".into(), note: Some("all green".into()), overrides_role: false };
    store.append(&foreign(1, "mallory", Role::Qa, mallory, tick)).unwrap();
    let untick = EventKind::Untick { item: "regression-tests".into(), overrides_role: false };
    store.append(&foreign(2, "mallory", Role::Qa, mallory, untick)).unwrap();
    // Carol from her own laptop: verified, and her committer is shown.
    let carol = "Carol <carol@example.org>";
    let waive = EventKind::Waive { item: "load-test".into(), reason: "no load change".into(), overrides_role: false };
    store.append(&foreign(3, "carol", Role::Ops, carol, waive)).unwrap();

    let (code, out, err) = run(&with, &data, &["checklist", "--json", "--offline"]);
    assert_eq!(code, Some(0), "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();

    let regression = item(&r, "regression-tests");
    assert_eq!((regression["state"].as_str(), regression["by"].as_str()), (Some("ticked"), Some("bob")));
    assert_eq!(regression["done"], true, "an unverified untick does not take bob's tick back");
    assert_eq!(regression["committer"], serde_json::Value::Null, "made on this machine");
    let u = &regression["unverified"];
    assert_eq!(
        (u["act"].as_str(), u["by"].as_str(), u["role_of_actor"].as_str()),
        (Some("untick"), Some("mallory"), Some("qa"))
    );
    assert_eq!((u["why"].as_str(), u["committer"].as_str()), (Some("mallory is not in [team]"), Some(mallory)));

    let cross = item(&r, "cross-env-tests");
    assert_eq!((cross["state"].as_str(), cross["done"].as_bool()), (Some("open"), Some(false)));
    assert_eq!(
        (cross["unverified"]["act"].as_str(), cross["unverified"]["note"].as_str()),
        (Some("tick"), Some("all green"))
    );

    let plan = item(&r, "test-plan-passes");
    assert_eq!(plan["done"], false);
    assert_eq!(plan["unverified"]["why"], "[team] gives alice rm, not qa");

    let load = item(&r, "load-test");
    assert_eq!((load["state"].as_str(), load["by"].as_str()), (Some("waived"), Some("carol")));
    assert_eq!((load["committer"].as_str(), &load["unverified"]), (Some(carol), &serde_json::Value::Null));

    let qa = r["phases"].as_array().unwrap().iter().find(|p| p["name"] == "Test sign-off (QA)").unwrap();
    assert_eq!(qa["done"], 2, "bob's tick and carol's waiver: {qa}");

    // The same journal without [team]: every line counts, as before.
    let (code, out, err) = run(&without, &data, &["checklist", "--json", "--offline"]);
    assert_eq!(code, Some(0), "{err}");
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(item(&r, "regression-tests")["state"], "open", "mallory's untick counts");
    assert_eq!(item(&r, "cross-env-tests")["by"], "mallory");
    assert_eq!(item(&r, "cross-env-tests")["committer"], mallory);
    assert_eq!(item(&r, "test-plan-passes")["by"], "alice");
    for id in ["regression-tests", "cross-env-tests", "test-plan-passes", "load-test"] {
        assert_eq!(item(&r, id)["unverified"], serde_json::Value::Null, "{id}");
    }
    let (code, _, err) = run(&without, &data, &["tick", "ci-green", "--as", "mallory", "--role", "dev"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("unverified"), "no team, nothing to warn of: {err}");

    // For people: the same story in words.
    let (code, out, err) = run(&with, &data, &["checklist", "--offline"]);
    assert_eq!(code, Some(0), "{err}");
    let line = |id: &str| out.lines().find(|l| l.contains(id)).unwrap_or_else(|| panic!("{id}: {out}")).to_string();
    let cross = line("cross-env-tests");
    assert!(cross.contains("[?]") && cross.contains("unverified: ticked by mallory (qa)"), "{cross}");
    assert!(cross.contains("mallory is not in [team]"), "{cross}");
    let regression = line("regression-tests");
    assert!(regression.contains("[✔]") && regression.contains("unverified: unticked by mallory"), "{regression}");
    assert!(line("load-test").contains("committed as Carol <carol@example.org>"), "{out}");
}

#[test]
fn a_cockpit_acting_in_a_role_not_its_own_says_so_at_start() {
    let (_d, with, _, data) = setup();
    let cfg = shipdeck::config::Config::load(&with).unwrap();
    let global = |who: &str, role: Role| shipdeck::cli::Global {
        data_dir: Some(data.clone()),
        actor: Some(who.into()),
        role: Some(role),
        ..Default::default()
    };
    let said = |who: &str, role: Role| {
        let m = shipdeck::session::model::build_model(&cfg, &global(who, role), Utc::now());
        m.log.entries.iter().filter(|e| e.text.contains("unverified")).map(|e| e.text.clone()).collect::<Vec<_>>()
    };
    let lines = said("carol", Role::Qa);
    assert_eq!(lines.len(), 1, "once: {lines:?}");
    assert!(lines[0].contains("you act as carol (qa) and [team] gives carol ops and rm, not qa"), "{lines:?}");
    assert_eq!(said("mallory", Role::Rm).len(), 1);
    assert!(said("CAROL", Role::Ops).is_empty());
}

#[test]
fn the_pane_shows_unverified_acts_apart_with_their_committer() {
    use shipdeck::domain::checklist::team::{Member, Team};
    let now = testkit::release().window.unwrap().start;
    let mut m = testkit::model(&["web"], now);
    m.view.focus = shipdeck::domain::view::pane::Pane::Checklist;
    m.view.zoomed = true;
    let member = |name: &str, roles: &[Role]| Member { name: name.into(), roles: roles.to_vec() };
    m.checklist.set_team(Some(Team::new(vec![member("rita", &[Role::Rm]), member("quinn", &[Role::Qa])])));
    let line = |n: i64, who: &str, role: Role, item: &str| Event {
        committer: Some(format!("{who} <{who}@example.org>")),
        v: VERSION,
        id: format!("line-{n}"),
        at: now + chrono::Duration::minutes(n),
        replica: "fedcba9876543210".into(),
        seq: 0,
        actor: EventActor { name: who.into(), role },
        kind: EventKind::Tick { item: item.into(), note: None, overrides_role: false },
    };
    m.apply_events(&[
        line(1, "rita", Role::Rm, "features-agreed"),
        line(2, "mallory", Role::Rm, "dependency-releases"),
    ]);
    // The log says it too, where the line is read.
    let logged: Vec<&str> = m.log.entries.iter().map(|e| e.text.as_str()).filter(|t| t.contains("ticked")).collect();
    assert_eq!(
        logged,
        [
            "rita (rm) ticked 'Features for this push agreed'",
            "mallory (rm) ticked 'Dependency releases done' · unverified"
        ],
        "{logged:?}"
    );
    let theme = Theme::default();
    let keymap = Keymap::default();
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let draw = |m: &shipdeck::domain::Model| {
        let mut term = Terminal::new(TestBackend::new(200, 40)).unwrap();
        term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
        term.backend().buffer().clone()
    };

    m.view.check_selected = 2; // dependency-releases
    let buf = draw(&m);
    let text = testkit::buffer_text(&buf);
    let row = text.lines().find(|l| l.contains("Dependency releases")).unwrap();
    assert!(row.contains("[?]") && row.contains("unverified: mallory"), "{row}");
    assert!(
        text.contains("open · unverified: ticked by mallory (rm) 15:02, mallory is not in [team] · committed as mallory <mallory@example.org>"),
        "the story:\n{text}"
    );
    let (y, x) =
        text.lines().enumerate().find_map(|(y, l)| l.find("[?]").map(|b| (y, l[..b].chars().count()))).unwrap();
    assert_eq!(buf[(x as u16, y as u16)].fg, theme.warn.fg.unwrap(), "marked in the warning colour");

    m.view.check_selected = 0; // features-agreed
    let text = testkit::buffer_text(&draw(&m));
    assert!(
        text.contains("✓ ticked by rita (rm) 15:01 · committed as rita <rita@example.org>"),
        "the story of a verified tick:\n{text}"
    );
}
