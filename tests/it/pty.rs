//! End to end through a real pseudo-terminal: the demo runs, prod progress
//! rises on screen, `q` quits with status 0 and the terminal is restored.

use crate::common::Pty;
use std::time::{Duration, Instant};

/// "prod ███░░ 3/8 on 2026.11.22" -> 3
pub(crate) fn prod_on_target(screen: &str) -> Option<usize> {
    let line = screen.lines().find(|l| l.contains(" prod ") && l.contains(" on "))?;
    let before = line.split(" on ").next()?;
    let frac = before.split_whitespace().last()?;
    frac.split('/').next()?.parse().ok()
}

#[test]
fn demo_rolls_out_and_quits_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let screen = Pty::start(&["demo", "--speed", "20", "--as", "tester", "--data-dir", &data_dir]);

    let first = screen.wait_for("the rollout pane", Duration::from_secs(30), prod_on_target);
    assert!(screen.contents().contains("tester (rm)"), "identity in header");
    let later =
        screen.wait_for("prod progress to rise", Duration::from_secs(30), |s| prod_on_target(s).filter(|n| *n > first));
    assert!(later > first);
    screen.wait_for_text("a version change in the log", " -> ");
    // The demo repositories were scanned: previous push tags show in Repos & tags.
    screen.wait_for_text("the repos pane", " since ");

    let screen = screen.quit();
    // The alternate screen was left and the cursor shown again.
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let raw = screen.raw();
        if raw.contains("\u{1b}[?1049l") && raw.contains("\u{1b}[?25h") {
            break;
        }
        assert!(Instant::now() < end, "terminal not restored");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A cockpit on a one-line config with its journal in a temporary directory.
fn cockpit(dir: &std::path::Path) -> (Pty, [String; 2]) {
    let config = dir.join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Keys Test\"\npush_day = \"thursday\"\n").unwrap();
    let (c, d) = (config.display().to_string(), dir.join("data").display().to_string());
    let p = Pty::start(&["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "quinn"]);
    p.wait_for_text("the cockpit", "session started");
    (p, [c, d])
}

fn help_open(screen: &str) -> bool {
    screen.contains("┏ Help ")
}

#[test]
fn q_in_help_closes_it_and_a_second_q_quits() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, _) = cockpit(dir.path());
    p.press(b"?");
    p.wait_for("help", Duration::from_secs(20), |s| help_open(s).then_some(()));
    assert!(!p.contents().contains("q quit"), "help's footer offers no quit");
    p.press(b"q");
    // Help gone and the main view's footer drawn: the loop went on after q.
    p.wait_for("help to close", Duration::from_secs(20), |s| (!help_open(s) && s.contains("q quit")).then_some(()));
    assert!(p.on_alternate_screen(), "still the cockpit");
    // Still reading keys.
    p.press(b"?");
    p.wait_for("help again", Duration::from_secs(20), |s| help_open(s).then_some(()));
    p.press(b"\x1b");
    p.wait_for("help closed by esc", Duration::from_secs(20), |s| (!help_open(s)).then_some(()));
    p.quit();
}

/// ctrl-c from inside the composer quits without asking, after the line
/// sent just before it is in the journal.
#[test]
fn ctrl_c_quits_from_the_composer_after_the_journal_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, [c, d]) = cockpit(dir.path());
    p.press(b"i");
    p.wait_for_text("the composer", "enter sends");
    p.press(b"last words before ctrl-c\r");
    p.press(b"\x03");
    let status = p.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status:?}");
    let log = assert_cmd::Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["log", "--config", &c, "--data-dir", &d, "--push-date", "2026-11-26"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("quinn (rm): last words before ctrl-c"), "{log}");
}

/// SIGINT (kill -INT; in raw mode ctrl-c is a key) quits the same orderly
/// way: status 0 and the terminal given back, not killed on the spot.
#[test]
fn sigint_quits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut p, _) = cockpit(dir.path());
    p.wait_until("the cockpit to catch SIGINT", Duration::from_secs(20), |p| p.catches(libc::SIGINT));
    p.signal("INT");
    let status = p.wait_exit(Duration::from_secs(15));
    assert!(status.success(), "exit status {status:?}");
    p.wait_for_raw("the alternate screen left", "\u{1b}[?1049l", Duration::from_secs(5));
}
