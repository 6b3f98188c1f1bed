//! The mouse, the command palette and opening links, end to end through a
//! real pseudo-terminal: SGR mouse reports focus and select what is under
//! them, `:` runs a notes command, `o` hands the selected service's URL to
//! `$BROWSER`, and the terminal's mouse reporting is off again at exit.

use crate::common::Pty;
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

const SERVICES: [&str; 3] = ["alpha", "bravo", "charlie"];

/// A config with three services nobody answers for (port 1 refuses at once).
fn config(dir: &Path, extra: &str) -> [String; 2] {
    let mut toml = String::from("[release]\nname = \"Mouse Test\"\npush_day = \"thursday\"\n");
    toml.push_str(extra);
    for s in SERVICES {
        toml.push_str(&format!(
            "\n[[services]]\nname = \"{s}\"\n[services.envs]\nstage = \"http://127.0.0.1:1/{s}/stage/__version__\"\n\
             prod = \"http://127.0.0.1:1/{s}/prod/__version__\"\n"
        ));
    }
    let config = dir.join("shipdeck.toml");
    std::fs::write(&config, toml).unwrap();
    [config.display().to_string(), dir.join("data").display().to_string()]
}

fn start(dir: &Path, extra: &str, env: &[(&str, &OsStr)]) -> Pty {
    let [c, d] = config(dir, extra);
    let p = Pty::start_with(&["--config", &c, "--data-dir", &d, "--push-date", "2026-11-26", "--as", "mia"], env);
    p.wait_for_text("the cockpit", "session started");
    p
}

/// Where `needle` is on screen, as the 1-based column and row a mouse
/// report names.
fn cell_of(p: &Pty, needle: &str) -> (usize, usize) {
    p.wait_for(needle, Duration::from_secs(20), |s| {
        s.lines().enumerate().find_map(|(y, l)| l.find(needle).map(|b| (l[..b].chars().count() + 1, y + 1)))
    })
}

fn click(p: &mut Pty, (x, y): (usize, usize)) {
    p.press(format!("\x1b[<0;{x};{y}M").as_bytes());
    p.press(format!("\x1b[<0;{x};{y}m").as_bytes());
}

#[test]
fn clicks_focus_and_select_the_wheel_scrolls_and_the_mouse_is_let_go_at_exit() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = start(dir.path(), "", &[]);
    p.wait_for_raw("mouse reports asked for", "\x1b[?1000h\x1b[?1006h", Duration::from_secs(5));
    p.press(b"1");
    p.wait_for_text("the checklist focused", "┏ 1 Checklist");
    // A click on bravo's row: Rollout takes the focus, bravo the selection.
    let bravo = cell_of(&p, " bravo ");
    click(&mut p, bravo);
    p.wait_for_text("Rollout focused, bravo selected", "┃▸ bravo");
    // The wheel over the list moves the selection (three rows, within it).
    let (x, y) = cell_of(&p, " charlie ");
    p.press(format!("\x1b[<64;{x};{y}M").as_bytes());
    p.wait_for_text("the wheel up", "┃▸ alpha");
    p.press(format!("\x1b[<65;{x};{y}M").as_bytes());
    p.wait_for_text("the wheel down", "┃▸ charlie");
    // A double click in the Log opens the composer, as enter does there.
    let log = cell_of(&p, "session started");
    click(&mut p, log);
    click(&mut p, log);
    p.wait_for_text("the composer", "enter sends");
    p.press(b"\x1b");
    p.wait_for_text("the composer closed", "? help");

    // `:` with a notes command and its text: recorded as if typed in the log.
    p.press(b":");
    p.wait_for_text("the palette", "┏ Commands");
    p.press(b"blocker the CDN is down\r");
    p.wait_for_text("the blocker in the log", "#1: the CDN is down");
    let p = p.quit();
    let raw = p.raw();
    assert!(raw.rfind("\x1b[?1000l") > raw.rfind("\x1b[?1000h"), "mouse reporting left on at exit");
    assert!(raw.rfind("\x1b[?1006l") > raw.rfind("\x1b[?1006h"), "SGR mouse mode left on at exit");
}

#[test]
fn ui_mouse_false_leaves_the_mouse_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = start(dir.path(), "\n[ui]\nmouse = false\n", &[]);
    p.press(b"1");
    p.wait_for_text("the checklist focused", "┏ 1 Checklist");
    assert!(!p.raw().contains("\x1b[?1000h"), "no mouse reports asked for");
    p.quit();
}

#[test]
fn o_hands_the_selected_link_to_browser_and_says_when_no_opener_exists() {
    let dir = tempfile::tempdir().unwrap();
    let opened = dir.path().join("opened");
    let script = dir.path().join("browser");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display())).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let browser = format!("/nonexistent/browser:{} %s", script.display());
    let mut p = start(dir.path(), "", &[("BROWSER", OsStr::new(&browser))]);
    p.press(b"j");
    p.wait_for_text("bravo selected", "┃▸ bravo");
    p.press(b"o");
    p.wait_for_text("what is opened", "opening prod · bravo");
    let end = std::time::Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&opened).unwrap_or_default().is_empty() {
        assert!(std::time::Instant::now() < end, "the browser script was not run");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read_to_string(&opened).unwrap(), "http://127.0.0.1:1/bravo/prod/");
    p.quit();

    // No opener at all: said plainly, in the footer under the main view.
    let dir = tempfile::tempdir().unwrap();
    let mut p = start(dir.path(), "", &[("BROWSER", OsStr::new("/nonexistent/a:/nonexistent/b"))]);
    p.press(b"o");
    p.wait_for_text("no opener", "no browser opener: set $BROWSER");
    p.quit();
}
