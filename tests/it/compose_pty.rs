//! The composer end to end, through a real pseudo-terminal: a chat line and
//! a `/blocker` typed in a running cockpit, a paste that cannot fire
//! shortcuts, then `shipdeck notes` and `shipdeck log` showing them.

use crate::common::Pty;
use assert_cmd::Command;

#[test]
fn typed_lines_and_blockers_reach_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Compose Test\"\npush_day = \"thursday\"\n").unwrap();
    let data = dir.path().join("data");
    let (c, d) = (config.display().to_string(), data.display().to_string());
    let mut cockpit =
        Pty::start(&["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "quinn", "--role", "qa"]);
    cockpit.wait_for_text("the cockpit", "session started");
    cockpit.press(b"i");
    cockpit.wait_for_text("the composer", "enter sends");
    cockpit.press(b"stage looks good\r");
    cockpit.wait_for_text("the chat line", "quinn (qa): stage looks good");
    cockpit.press(b"/blocker search returns 500s\r");
    cockpit.wait_for_text("the blocker", "blocker #1: search returns");
    // A bracketed paste with a newline and shortcut letters is text, not keys.
    cockpit.press(b"\x1b[200~see ticket 42\nq s t\x1b[201~\r");
    cockpit.wait_for_text("the pasted lines, kept as lines", "see ticket 42");
    cockpit.press(b"\x1b");
    cockpit.wait_for_text("the composer closed", "? help");
    cockpit.quit();

    let notes = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["notes", "--config", &c, "--data-dir", &d, "--push-date", "2026-11-26"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&notes.stdout);
    assert!(notes.status.success(), "{}", String::from_utf8_lossy(&notes.stderr));
    assert!(text.contains("## Blockers\n\n- #1 search returns 500s (quinn,"), "{text}");
    let log = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["log", "--config", &c, "--data-dir", &d, "--push-date", "2026-11-26"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(log.contains("quinn (qa): stage looks good"), "{log}");
    assert!(!log.contains("push started"), "the pasted `s` did not start the push: {log}");
}
