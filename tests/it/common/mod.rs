//! shipdeck in a real pseudo-terminal, read through a vt100 parser, for the
//! end-to-end tests. Conditions are polled with a deadline, never slept on.
#![allow(dead_code)]

pub mod daemon;
pub mod hostile;
pub mod screen;

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_shipdeck")
}

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Option<Box<dyn MasterPty + Send>>,
    /// Tells the reader to let go of its end, so the terminal can close.
    hanging_up: Arc<AtomicBool>,
    reader_done: Arc<AtomicBool>,
}

impl Pty {
    /// Starts shipdeck with `args` in a 120x40 terminal.
    pub fn start<S: AsRef<OsStr>>(args: &[S]) -> Pty {
        Pty::start_with(args, &[])
    }

    /// Starts shipdeck with `args` and extra environment variables.
    pub fn start_with<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &OsStr)]) -> Pty {
        let mut cmd = CommandBuilder::new(bin());
        for a in args {
            cmd.arg(a);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        Pty::spawn(cmd)
    }

    /// Runs `script` with `sh -c` in the terminal, `$SHIPDECK` naming the
    /// binary, so a test can redirect shipdeck's standard streams.
    pub fn start_shell(script: &str) -> Pty {
        let mut cmd = CommandBuilder::new("/bin/sh");
        cmd.args(["-c", script]);
        cmd.env("SHIPDECK", bin());
        Pty::spawn(cmd)
    }

    fn spawn(mut cmd: CommandBuilder) -> Pty {
        let pair =
            native_pty_system().openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 }).unwrap();
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let (p, r) = (parser.clone(), raw.clone());
        let (hanging_up, reader_done) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let (stop, done) = (hanging_up.clone(), reader_done.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || stop.load(Ordering::SeqCst) {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            drop(reader);
            done.store(true, Ordering::SeqCst);
        });
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        Pty { child, parser, raw, writer, master: Some(pair.master), hanging_up, reader_done }
    }

    pub fn contents(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Whether the program is drawing on the alternate screen.
    pub fn on_alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Everything the program wrote, escape sequences included.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).to_string()
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the child has a pid")
    }

    /// Sends a signal by name (`TERM`, `CONT`…) with kill(1).
    pub fn signal(&self, name: &str) {
        let status =
            std::process::Command::new("kill").arg(format!("-{name}")).arg(self.pid().to_string()).status().unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// The process state letter from /proc: `T` when stopped.
    pub fn state(&self) -> Option<char> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        // The command name is in parentheses and may hold spaces.
        stat.rsplit_once(')')?.1.split_whitespace().next()?.chars().next()
    }

    /// Whether the program has a handler for signal `number` (its bit in
    /// `SigCgt` in /proc): a signal sent before the handler is there takes
    /// its default action instead.
    pub fn catches(&self, number: i32) -> bool {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{}/status", self.pid())) else { return false };
        let Some(mask) = status.lines().find_map(|l| l.strip_prefix("SigCgt:")) else { return false };
        u64::from_str_radix(mask.trim(), 16).is_ok_and(|m| m >> (number - 1) & 1 == 1)
    }

    /// Polls until `f` holds or the deadline passes.
    pub fn wait_until(&self, what: &str, deadline: Duration, mut f: impl FnMut(&Pty) -> bool) {
        let end = Instant::now() + deadline;
        while !f(self) {
            assert!(Instant::now() < end, "timed out waiting for {what}; screen:\n{}", self.contents());
            std::thread::sleep(Duration::from_millis(20));
        }
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
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys).unwrap();
        w.flush().unwrap();
    }

    /// Writes `keys` from another thread: a write larger than the terminal's
    /// input buffer blocks until the program reads, and a program that stops
    /// reading must fail the test by its deadline, not hang it.
    pub fn press_in_background(&self, keys: Vec<u8>) {
        let writer = self.writer.clone();
        std::thread::spawn(move || {
            let mut w = writer.lock().unwrap();
            let _ = w.write_all(&keys);
            let _ = w.flush();
        });
    }

    /// Waits for the program to exit and returns how it did.
    pub fn wait_exit(&mut self, deadline: Duration) -> ExitStatus {
        let end = Instant::now() + deadline;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < end, "the program did not exit; screen:\n{}", self.contents());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Polls what the program wrote until it holds `needle`.
    pub fn wait_for_raw(&self, what: &str, needle: &str, deadline: Duration) {
        let end = Instant::now() + deadline;
        while !self.raw().contains(needle) {
            assert!(Instant::now() < end, "timed out waiting for {what}; output:\n{}", self.raw());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the terminal, as closing a terminal window does: every handle
    /// on the master end goes, and the kernel hangs up the program's side.
    /// The reader lets go after the program's next write (its clock redraws).
    pub fn hang_up(&mut self) {
        self.hanging_up.store(true, Ordering::SeqCst);
        *self.writer.lock().unwrap() = Box::new(std::io::sink());
        self.master = None;
        let end = Instant::now() + Duration::from_secs(20);
        while !self.reader_done.load(Ordering::SeqCst) {
            assert!(Instant::now() < end, "the terminal's reader did not let go");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Presses `q` and waits for a clean exit.
    pub fn quit(mut self) -> Pty {
        self.press(b"q");
        let status = self.wait_exit(Duration::from_secs(15));
        assert!(status.success(), "exit status {status:?}");
        self
    }
}

impl Drop for Pty {
    /// A failed test must not leave a cockpit running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs a shipdeck command with `env` set on top: its exit code, stdout and
/// stderr as text.
pub fn outcome(mut cmd: assert_cmd::Command, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
