//! The terminal misbehaving, through a real pseudo-terminal: suspend and
//! resume, no terminal at all, a burst of keys, signals and a closed terminal
//! while the demo runs (its temporary directory must go).

use crate::common::Pty;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Help's frame, on screen while help is open.
const HELP: &str = "┏ Help ";

struct Setup {
    _dir: tempfile::TempDir,
    config: String,
    data: String,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Faults\"\npush_day = \"thursday\"\n").unwrap();
    let data = dir.path().join("data");
    Setup { config: config.display().to_string(), data: data.display().to_string(), _dir: dir }
}

fn cockpit(s: &Setup) -> Pty {
    let p = Pty::start(&["--config", &s.config, "--data-dir", &s.data, "--push-date", "2026-11-26", "--as", "rita"]);
    p.wait_for_text("the cockpit", "session started");
    p
}

fn suspended(p: &Pty) {
    p.wait_until("the process to stop", Duration::from_secs(20), |p| p.state() == Some('T'));
    assert!(!p.on_alternate_screen(), "the alternate screen is left while suspended");
    // Raw mode and bracketed paste are switched off for the shell.
    let raw = p.raw();
    assert!(raw.rfind("\x1b[?2004l") > raw.rfind("\x1b[?2004h"), "bracketed paste left on");
    assert!(raw.rfind("\x1b[?1000l") > raw.rfind("\x1b[?1000h"), "mouse reporting left on");
}

fn resumed_and_usable(p: Pty) {
    p.signal("CONT");
    p.wait_until("the cockpit to redraw", Duration::from_secs(20), |p| {
        p.on_alternate_screen() && p.contents().contains("? help")
    });
    // Raw mode again: `q` alone quits, no Enter needed.
    p.quit();
}

#[test]
fn ctrl_z_suspends_and_continuing_redraws_a_usable_cockpit() {
    let s = setup();
    let mut p = cockpit(&s);
    p.press(b"\x1a");
    suspended(&p);
    resumed_and_usable(p);
}

#[test]
fn sigtstp_from_kill_suspends_like_ctrl_z() {
    let s = setup();
    let p = cockpit(&s);
    // The cockpit draws before its signal task has run; a SIGTSTP before the
    // handler is discarded, the cockpit being in an orphaned process group.
    p.wait_until("the cockpit to catch SIGTSTP", Duration::from_secs(20), |p| p.catches(libc::SIGTSTP));
    p.signal("TSTP");
    suspended(&p);
    resumed_and_usable(p);
}

#[test]
fn a_burst_of_keys_is_handled_without_waiting_for_another() {
    let s = setup();
    let mut p = cockpit(&s);
    let mut keys = vec![b'j'; 5000];
    keys.push(b'?');
    // One write, and nothing after it: the last key must be handled anyway.
    p.press_in_background(keys);
    p.wait_for("the help the last key opens", Duration::from_secs(30), |s| s.contains(HELP).then_some(()));
    // `q` closes help; the next one quits.
    p.press(b"q");
    p.wait_for("help to close", Duration::from_secs(20), |s| (!s.contains(HELP)).then_some(()));
    p.quit();
}

/// What the program printed on the terminal, as lines, once it has exited.
fn exited_with_one_line(mut p: Pty) -> String {
    let status = p.wait_exit(Duration::from_secs(20));
    assert!(!status.success(), "a refusal is an error: {status:?}");
    // The harness reads the output on its own thread; wait for the last bytes.
    p.wait_for_raw("the message", "\n", Duration::from_secs(5));
    let raw = p.raw();
    assert!(!raw.contains('\x1b'), "no escape sequences, no colour: {raw:?}");
    assert!(!raw.contains("Backtrace") && !raw.contains("Location"), "no report banner: {raw:?}");
    let lines: Vec<&str> = raw.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {raw:?}");
    lines[0].to_string()
}

#[test]
fn stdout_redirected_to_a_file_is_refused_in_one_line() {
    let s = setup();
    let out = Path::new(&s.data).with_file_name("screen.out");
    let script =
        format!("exec \"$SHIPDECK\" --config '{}' --data-dir '{}' --as rita > '{}'", s.config, s.data, out.display());
    let line = exited_with_one_line(Pty::start_shell(&script));
    assert!(line.starts_with("shipdeck: ") && line.contains("standard output is not a terminal"), "{line}");
    assert_eq!(std::fs::read(&out).unwrap(), b"", "nothing drawn into the file");

    // The demo refuses too, before it starts anything.
    let script = format!("exec \"$SHIPDECK\" demo --data-dir '{}' > '{}'", s.data, out.display());
    let line = exited_with_one_line(Pty::start_shell(&script));
    assert!(line.contains("standard output is not a terminal"), "{line}");
}

#[test]
fn stdin_from_dev_null_is_one_line_error() {
    let s = setup();
    let script = format!("exec \"$SHIPDECK\" --config '{}' --data-dir '{}' --as rita < /dev/null", s.config, s.data);
    let line = exited_with_one_line(Pty::start_shell(&script));
    assert!(line.starts_with("shipdeck: ") && line.contains("standard input is not a terminal"), "{line}");
}

#[test]
fn no_terminal_at_all_is_one_line_error() {
    let s = setup();
    let out = Command::new(crate::common::bin())
        .args(["--config", &s.config, "--data-dir", &s.data, "--as", "rita"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(!err.contains('\x1b') && !err.contains("Backtrace"), "{err:?}");
    assert!(err.contains("not a terminal"), "{err:?}");
}

/// The demo's temporary directories under `tmp`.
fn demo_dirs(tmp: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("shipdeck-demo-")))
        .collect()
}

fn wait_for_demo_dir(tmp: &Path) -> PathBuf {
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(d) = demo_dirs(tmp).pop() {
            return d;
        }
        assert!(Instant::now() < end, "the demo made no temporary directory in {}", tmp.display());
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn demo(tmp: &Path, data: &Path) -> Pty {
    let data = data.display().to_string();
    Pty::start_with(&["demo", "--speed", "20", "--as", "tester", "--data-dir", &data], &[("TMPDIR", tmp.as_os_str())])
}

#[test]
fn sigterm_while_the_demo_starts_removes_its_temporary_directory() {
    let (tmp, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut p = demo(tmp.path(), data.path());
    let dir = wait_for_demo_dir(tmp.path());
    // At once: while the repositories are still being made.
    p.signal("TERM");
    p.wait_exit(Duration::from_secs(20));
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[test]
fn closing_the_terminal_removes_the_demos_temporary_directory() {
    let (tmp, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut p = demo(tmp.path(), data.path());
    let dir = wait_for_demo_dir(tmp.path());
    p.wait_for_text("the rollout", " prod ");
    assert!(dir.join("sentry-token").exists());
    p.hang_up();
    let status = p.wait_exit(Duration::from_secs(20));
    assert_eq!(status.signal(), None, "not killed by a signal (an abort leaves the directory): {status:?}");
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[test]
fn sighup_and_sigterm_stop_the_headless_demo_and_remove_its_directory() {
    for signal in ["HUP", "TERM"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(crate::common::bin())
            .args(["demo", "--serve", "--services", "2"])
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The fleet is up once it says so; read stderr until then.
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut said = String::new();
        while !said.contains("Ctrl-C stops") {
            let mut line = String::new();
            assert!(std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0, "the fleet did not start: {said}");
            said.push_str(&line);
        }
        let dir = wait_for_demo_dir(tmp.path());
        let status = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
        assert!(status.success());
        let end = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < end, "the headless demo did not stop on SIG{signal}");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.code().is_some(), "SIG{signal}: exited, not killed: {status:?}");
        assert!(!dir.exists(), "SIG{signal}: {} left behind", dir.display());
    }
}

#[test]
fn notes_exported_in_the_demo_outlive_it() {
    let (tmp, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut p = demo(tmp.path(), data.path());
    p.wait_for_text("the rollout", " prod ");
    p.press(b"e");
    p.wait_for_text("the export", "notes written to");
    let p = p.quit();
    p.wait_for_raw("where the notes are, said on the way out", "the demo's notes are in ", Duration::from_secs(10));
    let notes = data.path().join("demo");
    let written: Vec<_> = std::fs::read_dir(&notes)
        .unwrap_or_else(|e| panic!("{}: {e}", notes.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".notes.md"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let name = written[0].file_name().unwrap().to_string_lossy().to_string();
    let today = chrono::Local::now().date_naive();
    assert_eq!(name, format!("{today}.notes.md"), "named for the push date, as beside a journal");
    let text = std::fs::read_to_string(&written[0]).unwrap();
    assert!(text.contains("Demo"), "{text}");
    assert!(demo_dirs(tmp.path()).is_empty(), "the demo's own directory went");
}
