//! End to end through a real pseudo-terminal: the demo runs, prod progress
//! rises on screen, `q` quits with status 0 and the terminal is restored.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Screen {
    fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Polls the screen until `f` finds what it wants or the deadline passes.
    fn wait_for<T>(&self, what: &str, deadline: Duration, mut f: impl FnMut(&str) -> Option<T>) -> T {
        let end = Instant::now() + deadline;
        loop {
            let screen = self.contents();
            if let Some(v) = f(&screen) {
                return v;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

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
    let pty = native_pty_system();
    let pair = pty.openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_shipdeck"));
    cmd.args(["demo", "--speed", "20", "--as", "tester", "--data-dir"]);
    cmd.arg(data.path());
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);

    let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pair.master.try_clone_reader().unwrap();
    let (p, r) = (parser.clone(), raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
            r.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let screen = Screen { parser, raw };

    let first = screen.wait_for("the rollout pane", Duration::from_secs(30), prod_on_target);
    assert!(screen.contents().contains("tester (rm)"), "identity in header");
    let later =
        screen.wait_for("prod progress to rise", Duration::from_secs(30), |s| prod_on_target(s).filter(|n| *n > first));
    assert!(later > first);
    screen.wait_for("a version change in the log", Duration::from_secs(30), |s| s.contains(" -> ").then_some(()));
    // The demo repositories were scanned: previous push tags show in Repos & tags.
    screen.wait_for("the repos pane", Duration::from_secs(30), |s| s.contains(" since ").then_some(()));

    let mut writer = pair.master.take_writer().unwrap();
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();

    let end = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < end, "shipdeck did not exit after q; screen:\n{}", screen.contents());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    // The alternate screen was left and the cursor shown again.
    let end = Instant::now() + Duration::from_secs(5);
    loop {
        let raw = screen.raw.lock().unwrap().clone();
        let text = String::from_utf8_lossy(&raw);
        if text.contains("\u{1b}[?1049l") && text.contains("\u{1b}[?25h") {
            break;
        }
        assert!(Instant::now() < end, "terminal not restored");
        std::thread::sleep(Duration::from_millis(20));
    }
}
