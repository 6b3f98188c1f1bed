//! End to end through a real pseudo-terminal: the demo runs, prod progress
//! rises on screen, `q` quits with status 0 and the terminal is restored.

use crate::common::Pty;
use std::time::{Duration, Instant};

/// "prod ███░░ 3/8 on 2026.11.22" -> 3
fn prod_on_target(screen: &str) -> Option<usize> {
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
