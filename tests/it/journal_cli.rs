//! The journal end to end: `shipdeck log` appends and prints; several
//! processes append at once and every line is whole; a running cockpit shows
//! what `shipdeck log` appended, and a restarted one shows it again.

use crate::common::Pty;
use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Journal Test\"\npush_day = \"thursday\"\n").unwrap();
    let data = dir.path().join("data");
    (dir, config, data)
}

fn log(config: &Path, data: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("shipdeck")
        .unwrap()
        .arg("log")
        .args(args)
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(["--push-date", "2026-11-26", "--role", "qa"])
        .output()
        .unwrap()
}

#[test]
fn log_appends_and_prints() {
    let (_d, config, data) = setup();
    let out = log(&config, &data, &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing logged yet"));
    let out = log(&config, &data, &["regression tests pass", "--as", "quinn"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = log(&config, &data, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["kind"], "chat");
    assert_eq!(v[0]["text"], "regression tests pass");
    assert_eq!(v[0]["actor"]["name"], "quinn");
    assert_eq!(v[0]["actor"]["role"], "qa");
    let text = String::from_utf8_lossy(&log(&config, &data, &[]).stdout).to_string();
    assert!(text.contains("quinn (qa): regression tests pass"), "{text}");
    let out = log(&config, &data, &["   "]);
    assert_eq!(out.status.code(), Some(2), "an empty line is refused");
    let journal = data.join("journals/journal-test/2026-11-26.jsonl");
    assert_eq!(std::fs::read_to_string(journal).unwrap().lines().count(), 1);
}

#[test]
fn parallel_processes_append_whole_lines() {
    let (_d, config, data) = setup();
    let bin = assert_cmd::cargo::cargo_bin("shipdeck");
    let children: Vec<_> = (0..8)
        .map(|i| {
            std::process::Command::new(&bin)
                .args(["log", &format!("line from process {i} {}", "x".repeat(2000))])
                .arg("--config")
                .arg(&config)
                .arg("--data-dir")
                .arg(&data)
                .args(["--push-date", "2026-11-26", "--as", &format!("p{i}")])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let out = log(&config, &data, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 8);
    assert!(out.stderr.is_empty(), "no damage reported: {}", String::from_utf8_lossy(&out.stderr));
}

fn start_cockpit(config: &Path, data: &Path) -> Pty {
    let (c, d) = (config.display().to_string(), data.display().to_string());
    Pty::start(&["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "rita"])
}

#[test]
fn a_running_cockpit_shows_lines_appended_by_others_and_keeps_them() {
    let (_d, config, data) = setup();
    let cockpit = start_cockpit(&config, &data);
    cockpit.wait_for_text("the cockpit", "session started");
    let out = log(&config, &data, &["stage looks good", "--as", "quinn"]);
    assert!(out.status.success());
    cockpit.wait_for_text("the line from shipdeck log", "quinn (qa): stage looks good");
    cockpit.quit();
    // A restart restores the session's log.
    let again = start_cockpit(&config, &data);
    again.wait_for_text("the restored line", "quinn (qa): stage looks good");
    again.quit();
}

/// A command and the cockpit sharing a data dir mint ids alike: one replica
/// (the data dir's), `{replica}.{clock}.{process}` with a process of its
/// own, and the clock following the journal by one rule, so a line from a
/// machine whose clock runs days ahead pulls neither further than the other.
#[test]
fn a_command_and_the_cockpit_mint_ids_alike() {
    use chrono::{NaiveDate, Utc};
    use shipdeck::domain::journal::{Event, EventActor, EventKind, MAX_DRIFT_MICROS, VERSION, micros};
    use shipdeck::domain::{Effect, kernel::actor::Role};
    use shipdeck::session;
    let (_d, config, data) = setup();
    let push_date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let global = shipdeck::cli::Global {
        data_dir: Some(data.clone()),
        push_date: Some(push_date),
        actor: Some("rita".into()),
        ..Default::default()
    };
    let cfg = shipdeck::config::Config::load(&config).unwrap();
    let store = session::paths::journal(&cfg, &global, push_date).unwrap();
    let ahead = micros(Utc::now()) + 30 * 24 * 3600 * 1_000_000;
    let foreign = Event {
        committer: None,
        v: VERSION,
        id: format!("0123456789abcdef.{ahead}.deadbeef"),
        at: Utc::now(),
        replica: "0123456789abcdef".into(),
        seq: ahead,
        actor: EventActor { name: "far".into(), role: Role::Ops },
        kind: EventKind::Chat { text: "from a clock a month ahead".into() },
    };
    store.append(&foreign).unwrap();

    assert!(log(&config, &data, &["from a script", "--as", "quinn"]).status.success());
    let mut model = session::model::build_model(&cfg, &global, Utc::now());
    let follow = session::journal::open(&mut model, store).unwrap();
    let Effect::Append(cockpit) = model.record(EventKind::Chat { text: "from the cockpit".into() }, Utc::now(), false)
    else {
        panic!("record appends")
    };
    follow.store.append(&cockpit).unwrap();
    assert!(log(&config, &data, &["from a script again", "--as", "quinn"]).status.success());

    let replica = std::fs::read_to_string(data.join("replica")).unwrap();
    let events: Vec<Event> = follow.store.load().unwrap().events;
    let ours: Vec<&Event> = events.iter().filter(|e| e.replica != foreign.replica).collect();
    let texts: Vec<String> = ours.iter().map(|e| e.describe().1).collect();
    assert_eq!(ours.len(), 3, "{texts:?}");
    let bound = micros(Utc::now()) + MAX_DRIFT_MICROS + 10;
    let mut processes = Vec::new();
    for e in &ours {
        assert_eq!(e.replica, replica.trim(), "the data dir's replica: {e:?}");
        let process = e.id.strip_prefix(&format!("{}.{}.", e.replica, e.seq)).unwrap_or_else(|| panic!("{e:?}"));
        assert!(process.len() == 8 && process.bytes().all(|b| b.is_ascii_hexdigit()), "{e:?}");
        assert!(e.seq <= bound, "the clock ahead pulled no further than the cockpit's bound: {e:?}");
        processes.push(process.to_string());
    }
    assert!(ours.windows(2).all(|w| w[0].seq < w[1].seq), "each follows the one before: {ours:?}");
    processes.dedup();
    assert_eq!(processes.len(), 3, "a process id per run: {processes:?}");
}
