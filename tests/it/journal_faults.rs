//! The journal under faults, end to end with the real binary: a torn last
//! line, a full disk (a file size limit), special files, several processes
//! appending at once, a burst from the composer, private files, and appends
//! that never read the journal.

use crate::common::Pty;
use assert_cmd::Command;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

struct Session {
    _dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

impl Session {
    fn new() -> Session {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("shipdeck.toml");
        std::fs::write(&config, "[release]\nname = \"Fault Test\"\npush_day = \"thursday\"\n").unwrap();
        let data = dir.path().join("data");
        Session { _dir: dir, config, data }
    }

    fn journal(&self) -> PathBuf {
        self.data.join("journals/fault-test/2026-11-26.jsonl")
    }

    fn args(&self) -> Vec<String> {
        vec![
            "--config".into(),
            self.config.display().to_string(),
            "--data-dir".into(),
            self.data.display().to_string(),
            "--push-date".into(),
            "2026-11-26".into(),
        ]
    }

    fn log(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("shipdeck")
            .unwrap()
            .arg("log")
            .args(args)
            .args(self.args())
            .args(["--as", "quinn", "--role", "qa"])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap()
    }

    fn events(&self) -> (Vec<serde_json::Value>, String) {
        let out = self.log(&["--json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (v.as_array().unwrap().clone(), String::from_utf8_lossy(&out.stderr).to_string())
    }

    fn texts(&self) -> Vec<String> {
        self.events().0.iter().map(|e| e["text"].as_str().unwrap_or_default().to_string()).collect()
    }
}

fn append_raw(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap().write_all(bytes).unwrap();
}

#[test]
fn an_append_after_a_torn_line_is_whole_and_the_fragment_is_reported() {
    let s = Session::new();
    assert!(s.log(&["before the crash"]).status.success());
    append_raw(&s.journal(), br#"{"v":1,"id":"torn","at":"2026-11-26T15:0"#);
    let out = s.log(&["after the crash"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (events, stderr) = s.events();
    let texts: Vec<_> = events.iter().map(|e| e["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["before the crash", "after the crash"]);
    assert!(stderr.contains("line 2: not JSON") && stderr.matches("skipped").count() == 1, "one bad line: {stderr}");
}

#[test]
fn a_running_cockpit_shows_the_line_after_a_torn_one_and_says_one_was_skipped() {
    let s = Session::new();
    assert!(s.log(&["before the crash"]).status.success());
    let mut args = s.args();
    args.extend(["--as".into(), "rita".into()]);
    let cockpit = Pty::start(&args);
    cockpit.wait_for_text("the cockpit", "before the crash");
    append_raw(&s.journal(), br#"{"v":1,"id":"torn","at":"2026-11-26T15:0"#);
    assert!(s.log(&["after the crash"]).status.success());
    cockpit.wait_for_text("the acknowledged line", "quinn (qa): after the crash");
    cockpit.wait_for_text("the skipped fragment, said", "); skipped");
    cockpit.quit();
}

/// A file size limit makes the write fail part way, as a full disk does.
/// SIGXFSZ is ignored (as a shell's `trap` leaves it) so the write returns
/// EFBIG instead of killing the process.
#[test]
fn a_failed_append_leaves_the_file_exactly_as_it_was_and_says_not_saved() {
    let s = Session::new();
    assert!(s.log(&["kept"]).status.success());
    // Fill the journal to just under 2 KiB with a line of its own.
    let len = std::fs::metadata(s.journal()).unwrap().len() as usize;
    let pad = 2048 - len - 150;
    assert!(s.log(&[&"p".repeat(pad)]).status.success());
    let before = std::fs::read(s.journal()).unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 4; exec \"$0\" log \"$1\" {}",
        s.args().iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(" ")
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script, assert_cmd::cargo::cargo_bin("shipdeck").to_str().unwrap(), &"x".repeat(1500)])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the failed append is not acknowledged: {stderr}");
    assert!(stderr.contains("NOT saved"), "{stderr}");
    assert!(stderr.contains(&s.journal().display().to_string()), "names the file: {stderr}");
    assert!(stderr.contains("File too large") || stderr.contains("os error 27"), "the OS error: {stderr}");
    assert_eq!(std::fs::read(s.journal()).unwrap(), before, "not a byte left behind");
    // With room again, the next acknowledged append is whole.
    assert!(s.log(&["after the disk was freed"]).status.success());
    let (events, stderr) = s.events();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2]["text"], "after the disk was freed");
    assert!(stderr.is_empty(), "no damage: {stderr}");
}

#[test]
fn special_files_are_refused_quickly() {
    let s = Session::new();
    std::fs::create_dir_all(s.journal().parent().unwrap()).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(s.journal()).status().unwrap().success());
    for args in [&["a line"][..], &[][..]] {
        let out = s.log(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains("FIFO"), "{args:?}: {stderr}");
    }
    std::fs::remove_file(s.journal()).unwrap();
    std::os::unix::fs::symlink("/dev/zero", s.journal()).unwrap();
    let out = s.log(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("character device"), "{stderr}");
}

#[test]
fn journal_files_are_private() {
    let s = Session::new();
    assert!(s.log(&["hello"]).status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.journal()), 0o600);
    assert_eq!(mode(s.journal().parent().unwrap()), 0o700);
    assert_eq!(mode(&s.data), 0o700, "the data dir");
    assert_eq!(mode(&s.data.join("state/shipdeck.log")), 0o600, "the diagnostics log, in the state dir");
    assert_eq!(mode(&s.data.join("state")), 0o700, "the state dir");
    assert_eq!(mode(&s.data.join("replica")), 0o600, "the replica id");
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .arg("notes")
        .args(s.args())
        .arg("--output")
        .arg(s.data.join("n.md"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(mode(&s.data.join("n.md")), 0o600, "exported notes");
}

/// An append reads only the journal's last bytes: a damaged line in the
/// middle of the file is not even looked at (a whole read would report it).
#[test]
fn an_append_does_not_read_the_journal() {
    let s = Session::new();
    assert!(s.log(&["one"]).status.success());
    append_raw(&s.journal(), b"damaged line in the middle\n");
    assert!(s.log(&["two"]).status.success());
    let out = s.log(&["three"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "nothing read, nothing reported: {}", String::from_utf8_lossy(&out.stderr));
    let (_, stderr) = s.events();
    assert!(stderr.contains("line 2: not JSON"), "a whole read does report it: {stderr}");
}

/// Three processes append 200 lines each, with random pauses between: every
/// acknowledged line is there once, and each process's lines are in the
/// order it made them.
#[test]
fn three_processes_appending_keep_every_line_once_in_each_ones_order() {
    let s = Session::new();
    let bin = assert_cmd::cargo::cargo_bin("shipdeck");
    let procs: Vec<_> = (0..3)
        .map(|p| {
            let (bin, args) = (bin.clone(), s.args());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ p;
                for i in 0..200 {
                    let text = format!("p{p} #{i}");
                    let out = std::process::Command::new(&bin)
                        .arg("log")
                        .arg(&text)
                        .args(&args)
                        .args(["--as", &format!("proc{p}")])
                        .output()
                        .unwrap();
                    if out.status.success() {
                        acknowledged.push(text);
                    }
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    std::thread::sleep(Duration::from_micros(state % 3000));
                }
                acknowledged
            })
        })
        .collect();
    let acknowledged: Vec<Vec<String>> = procs.into_iter().map(|t| t.join().unwrap()).collect();
    let texts = s.texts();
    for (p, acked) in acknowledged.iter().enumerate() {
        assert_eq!(acked.len(), 200, "every append of process {p} succeeded");
        let mine: Vec<&String> = texts.iter().filter(|t| t.starts_with(&format!("p{p} "))).collect();
        assert_eq!(mine.len(), acked.len(), "process {p}: each line exactly once");
        assert!(mine.iter().zip(acked).all(|(a, b)| *a == b), "process {p}: in the order it made them");
    }
}

/// A hundred lines sent from the composer in one burst are journaled, and
/// read back, in the order they were sent.
#[test]
fn a_burst_from_the_composer_is_journaled_in_order() {
    let s = Session::new();
    let mut args = s.args();
    args.extend(["--as".into(), "rita".into()]);
    let mut cockpit = Pty::start(&args);
    cockpit.wait_for_text("the cockpit", "session started");
    cockpit.press(b"i");
    cockpit.wait_for_text("the composer", "enter sends");
    let burst: String = (0..100).map(|i| format!("burst {i:03}\r")).collect();
    cockpit.press(burst.as_bytes());
    cockpit.wait_for_text("the last line", "rita (rm): burst 099");
    cockpit.press(b"\x1b");
    cockpit.wait_for_text("the composer closed", "? help");
    cockpit.quit();
    let want: Vec<String> = (0..100).map(|i| format!("burst {i:03}")).collect();
    assert_eq!(s.texts(), want);
    let on_disk: Vec<String> = std::fs::read_to_string(s.journal())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(on_disk, want, "written in the order sent");
    // The view is state, not data: `{data}/state/views/{release}/{date}.json` for a chosen data dir.
    let journal = s.journal();
    let release = journal.parent().unwrap().file_name().unwrap();
    let date = journal.file_stem().unwrap().to_str().unwrap();
    let view = journal.ancestors().nth(3).unwrap().join("state/views").join(release).join(format!("{date}.json"));
    assert!(!journal.with_extension("view.json").exists(), "not beside the journal");
    assert_eq!(std::fs::metadata(view).unwrap().permissions().mode() & 0o777, 0o600, "the view kept at quit");
}

#[test]
fn one_limit_for_a_line_said_when_it_applies() {
    let s = Session::new();
    let out = s.log(&[&"y".repeat(5000)]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut to 2000 characters"));
    let texts = s.texts();
    assert_eq!(texts[0].chars().count(), 2000);
    assert!(texts[0].ends_with('…'));
}
