//! The journal end to end: `shipdeck log` appends and prints; several
//! processes append at once and every line is whole; a running cockpit shows
//! what `shipdeck log` appended, and a restarted one shows it again.

use assert_cmd::Command;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

struct Cockpit {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
}

impl Cockpit {
    fn start(config: &Path, data: &Path) -> Cockpit {
        let pair =
            native_pty_system().openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_shipdeck"));
        cmd.arg("--config");
        cmd.arg(config);
        cmd.arg("--data-dir");
        cmd.arg(data);
        cmd.args(["--push-date", "2026-11-26", "--as", "rita"]);
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Cockpit { child, parser, writer }
    }

    fn wait_for(&self, what: &str, needle: &str) {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.parser.lock().unwrap().screen().contents();
            if screen.contains(needle) {
                return;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn quit(mut self) {
        self.writer.write_all(b"q").unwrap();
        self.writer.flush().unwrap();
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success());
                return;
            }
            assert!(Instant::now() < end, "cockpit did not quit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn a_running_cockpit_shows_lines_appended_by_others_and_keeps_them() {
    let (_d, config, data) = setup();
    let cockpit = Cockpit::start(&config, &data);
    cockpit.wait_for("the cockpit", "session started");
    let out = log(&config, &data, &["stage looks good", "--as", "quinn"]);
    assert!(out.status.success());
    cockpit.wait_for("the line from shipdeck log", "quinn (qa): stage looks good");
    cockpit.quit();
    // A restart restores the session's log.
    let again = Cockpit::start(&config, &data);
    again.wait_for("the restored line", "quinn (qa): stage looks good");
    again.quit();
}
