//! shipdeck in a real pseudo-terminal, read through a vt100 parser, for the
//! end-to-end tests. Conditions are polled with a deadline, never slept on.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
}

impl Pty {
    /// Starts shipdeck with `args` in a 120x40 terminal.
    pub fn start<S: AsRef<OsStr>>(args: &[S]) -> Pty {
        let pair =
            native_pty_system().openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_shipdeck"));
        for a in args {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
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
        let writer = pair.master.take_writer().unwrap();
        Pty { child, parser, raw, writer }
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Everything the program wrote, escape sequences included.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).to_string()
    }

    /// Polls the screen until `f` finds what it wants or the deadline passes.
    pub fn wait_for<T>(&self, what: &str, deadline: Duration, mut f: impl FnMut(&str) -> Option<T>) -> T {
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

    pub fn wait_for_text(&self, what: &str, needle: &str) {
        self.wait_for(what, Duration::from_secs(20), |s| s.contains(needle).then_some(()));
    }

    pub fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).unwrap();
        self.writer.flush().unwrap();
    }

    /// Presses `q` and waits for a clean exit.
    pub fn quit(mut self) -> Pty {
        self.press(b"q");
        let end = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status:?}");
                return self;
            }
            assert!(Instant::now() < end, "shipdeck did not exit after q; screen:\n{}", self.contents());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
