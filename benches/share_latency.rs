//! Tick-to-visible latency of a shared push, with three cockpits (the real
//! binary, each in its own pseudo-terminal read through a vt100 parser,
//! each with its own data dir) sharing through a `git daemon` on
//! 127.0.0.1 with `[share] interval = "1s"`.
//!
//! alice (rm) ticks and unticks "Features for this push agreed" in her
//! checklist, a key press each (an untick asks first: the time runs from
//! the confirming enter); the harness polls the three screens every 10 ms
//! until each shows the item's new state, and prints p50, p95 and the
//! maximum over the samples of the time until bob's and carol's screens
//! show it (target: p95 under 3 s), and alice's own for comparison. A pause
//! of 0–1 s between samples keeps them from falling in step with the
//! cockpits' 1 s rounds, and the cockpits start 0–1 s apart, so their
//! rounds are not in step with each other either (each run draws new
//! phases: compare several runs).
//!
//! Then the three cockpits stay open with no key pressed, and the harness
//! counts the commits the remote's ref gains, and the kinds of the lines
//! they bring, over a window.
//!
//! `cargo bench --bench share_latency` (cargo builds the `shipdeck` binary
//! with the release profile first). `SHIPDECK_BENCH_SAMPLES` (default 30)
//! and `SHIPDECK_BENCH_IDLE_SECS` (default 60) change the run.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use shipdeck::testkit::git_command;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ITEM: &str = "Features for this push";
const PUSH_DATE: &str = "2026-11-26";
const GIT_REF: &str = "refs/shipdeck/latency/2026-11-26";
const DEADLINE: Duration = Duration::from_secs(30);

/// `git daemon` on a free 127.0.0.1 port, pushes allowed; killed and
/// reaped on drop.
struct Daemon {
    child: std::process::Child,
    port: u16,
}

impl Daemon {
    fn start(home: &Path, base: &Path) -> Daemon {
        let exec_path = git(home, home, &["--exec-path"]);
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
            // `git-daemon` itself, not `git daemon`: the `git` wrapper runs
            // it as a child, which killing the wrapper would leave running.
            let mut child = Command::new(Path::new(&exec_path).join("git-daemon"))
                .current_dir(base)
                .env("HOME", home)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .args(["--reuseaddr", "--listen=127.0.0.1", "--export-all", "--enable=receive-pack"])
                .arg(format!("--port={port}"))
                .arg(format!("--base-path={}", base.display()))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn git daemon");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Daemon { child, port };
                }
                if child.try_wait().expect("try_wait").is_some() {
                    break; // the port was taken meanwhile: another one
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One cockpit in a 120×40 pseudo-terminal.
struct Cockpit {
    name: &'static str,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
}

impl Cockpit {
    fn start(lab: &Path, config: &Path, name: &'static str, role: &str) -> Cockpit {
        let pair = native_pty_system()
            .openpty(PtySize { rows: 40, cols: 120, pixel_width: 0, pixel_height: 0 })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_shipdeck"));
        cmd.arg("--config");
        cmd.arg(config);
        cmd.arg("--data-dir");
        cmd.arg(lab.join(name));
        cmd.args(["--push-date", PUSH_DATE, "--as", name, "--role", role]);
        for (k, v) in
            [("HOME", lab.as_os_str()), ("TERM", "xterm-256color".as_ref()), ("GIT_CONFIG_NOSYSTEM", "1".as_ref())]
        {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("start shipdeck");
        drop(pair.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 120, 0)));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let parser = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().expect("screen").process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("pty writer");
        Cockpit { name, child, screen, writer, _master: pair.master }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).and_then(|()| self.writer.flush()).expect("write to the pty");
    }

    fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) {
        let end = Instant::now() + DEADLINE;
        loop {
            let screen = self.contents();
            if f(&screen) {
                return;
            }
            assert!(Instant::now() < end, "{}: timed out waiting for {what}; screen:\n{screen}", self.name);
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Cockpit {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = git_command(home, dir).args(args).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Whether the screen shows the item ticked; `None` when it is not shown.
fn ticked(screen: &str) -> Option<bool> {
    if screen.contains(&format!("[✔] {ITEM}")) {
        Some(true)
    } else if screen.contains(&format!("[ ] {ITEM}")) {
        Some(false)
    } else {
        None
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let samples = env_number("SHIPDECK_BENCH_SAMPLES", 30) as usize;
    let idle = Duration::from_secs(env_number("SHIPDECK_BENCH_IDLE_SECS", 60));
    let lab = tempfile::tempdir().expect("temp dir");
    let home = lab.path();
    git(home, home, &["init", "-q", "--bare", "sessions.git"]);
    let daemon = Daemon::start(home, home);
    let config = home.join("shipdeck.toml");
    let remote = format!("git://127.0.0.1:{}/sessions.git", daemon.port);
    std::fs::write(
        &config,
        format!(
            "[release]\nname = \"Latency\"\npush_day = \"thursday\"\n\n[share]\nremote = \"{remote}\"\ninterval = \"1s\"\n\n[git]\ntimeout = \"10s\"\n"
        ),
    )
    .expect("write config");
    eprintln!("three cockpits ({}), sharing through {remote}", env!("CARGO_BIN_EXE_shipdeck"));
    // Started 0–1 s apart, as people open their cockpits at any moment:
    // started together, the three would run their rounds in step.
    let mut cockpits: Vec<Cockpit> = [("alice", "rm"), ("bob", "qa"), ("carol", "ops")]
        .map(|(n, r)| {
            std::thread::sleep(Duration::from_millis(random_below(1000)));
            Cockpit::start(home, &config, n, r)
        })
        .into();
    for c in &cockpits {
        c.wait_for("the first round and everyone's presence", |s| s.contains("3 people") && ticked(s) == Some(false));
    }
    let seen = samples_of(home, &mut cockpits, samples);
    let others: Vec<f64> = seen.screens[1].iter().chain(&seen.screens[2]).copied().collect();
    eprintln!("{samples} ticks and unticks by alice, each until all three screens show it:");
    let receivers = |v: &[Vec<f64>; 3]| -> Vec<f64> { v[1].iter().chain(&v[2]).copied().collect() };
    for (what, v) in [
        ("on bob's and carol's screens", others.clone()),
        ("  on bob's", seen.screens[1].clone()),
        ("  on carol's", seen.screens[2].clone()),
        ("on alice's own screen", seen.screens[0].clone()),
        ("on the remote (alice's round pushed it)", seen.remote.clone()),
        ("in bob's and carol's journals (their rounds took it)", receivers(&seen.journals)),
    ] {
        let (p50, p95, max) = (percentile(&v, 0.5), percentile(&v, 0.95), percentile(&v, 1.0));
        eprintln!("  {what}: p50 {p50:.2} s, p95 {p95:.2} s, max {max:.2} s ({} observations)", v.len());
    }
    let mut sorted = others.clone();
    sorted.sort_by(f64::total_cmp);
    let all: Vec<String> = sorted.iter().map(|t| format!("{t:.2}")).collect();
    eprintln!("  every observation on bob's and carol's screens, in seconds: {}", all.join(" "));
    let p95 = percentile(&others, 0.95);
    eprintln!("tick-to-visible p95 {p95:.2} s (target < 3 s): {}", if p95 < 3.0 { "met" } else { "NOT met" });

    idle_window(home, &home.join("sessions.git"), idle, &cockpits);
    for c in &mut cockpits {
        c.press(b"q");
    }
    for c in &mut cockpits {
        let end = Instant::now() + Duration::from_secs(15);
        while c.child.try_wait().ok().flatten().is_none() && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    drop(cockpits);
    drop(daemon);
}

/// When each sample reached each stage, in seconds after its key press.
#[derive(Default)]
struct Seen {
    /// The remote's ref moved.
    remote: Vec<f64>,
    /// Each cockpit's journal grew (alice's own is not watched).
    journals: [Vec<f64>; 3],
    screens: [Vec<f64>; 3],
}

/// alice toggles the item `samples` times; after each press, the remote's
/// ref, bob's and carol's journals and the three screens are polled every
/// 10 ms until every screen shows the new state.
fn samples_of(home: &Path, cockpits: &mut [Cockpit], samples: usize) -> Seen {
    let remote_ref = home.join("sessions.git").join(GIT_REF);
    let journal = |name: &str| home.join(name).join("journals/latency").join(format!("{PUSH_DATE}.jsonl"));
    let journals: Vec<_> = cockpits.iter().map(|c| journal(c.name)).collect();
    let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut seen = Seen::default();
    let mut state = false;
    cockpits[0].press(b"1");
    for sample in 0..samples {
        std::thread::sleep(Duration::from_millis(random_below(1000)));
        let (ref_before, lens_before) =
            (std::fs::read(&remote_ref).ok(), journals.iter().map(|j| len(j)).collect::<Vec<_>>());
        cockpits[0].press(b" ");
        if state {
            cockpits[0].wait_for("the untick's confirmation", |s| s.contains("Take back a sign-off?"));
            cockpits[0].press(b"\r");
        }
        let made = Instant::now();
        state = !state;
        let (mut remote, mut journal, mut screen) = (None, [None; 3], [None; 3]);
        while screen.iter().any(Option::is_none) {
            let now = || Some(made.elapsed().as_secs_f64());
            if remote.is_none() && std::fs::read(&remote_ref).ok() != ref_before {
                remote = now();
            }
            for (i, c) in cockpits.iter().enumerate() {
                if i > 0 && journal[i].is_none() && len(&journals[i]) > lens_before[i] {
                    journal[i] = now();
                }
                if screen[i].is_none() && ticked(&c.contents()) == Some(state) {
                    screen[i] = now();
                }
            }
            if made.elapsed() > DEADLINE {
                let screens: Vec<String> = cockpits.iter().map(|c| format!("{}:\n{}", c.name, c.contents())).collect();
                panic!("sample {sample}: not everywhere after {DEADLINE:?}\n{}", screens.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // A stage passed between two polls of the last one counts at it.
        let last = screen.iter().flatten().fold(0.0, |a: f64, b| a.max(*b));
        seen.remote.push(remote.unwrap_or(last));
        for i in 0..3 {
            seen.screens[i].push(screen[i].unwrap_or(last));
            if i > 0 {
                seen.journals[i].push(journal[i].unwrap_or(last));
            }
        }
    }
    seen
}

/// Counts the commits the remote's ref gains while the cockpits sit idle,
/// and the kinds of the lines those commits carry.
fn idle_window(home: &Path, bare: &Path, idle: Duration, cockpits: &[Cockpit]) {
    // Let the last sample's rounds land first.
    std::thread::sleep(Duration::from_secs(3));
    let (commits0, lines0) = (commits(home, bare), lines(home, bare));
    let started = Instant::now();
    std::thread::sleep(idle);
    let (commits1, lines1) = (commits(home, bare), lines(home, bare));
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines1.iter().filter(|l| !lines0.contains(l)) {
        let v: serde_json::Value = serde_json::from_str(line).expect("a journal line on the remote");
        *kinds.entry(v["kind"].as_str().unwrap_or("?").to_string()).or_default() += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    let added = commits1 - commits0;
    eprintln!(
        "idle: {} cockpits open, no key pressed, {secs:.0} s: {added} commit(s) on the ref, lines {kinds:?}; \
         {:.1} commits an hour per cockpit at that rate; the remote now has {commits1} commits, {:.0} KB of objects",
        cockpits.len(),
        added as f64 * 3600.0 / secs / cockpits.len() as f64,
        dir_bytes(&bare.join("objects")) as f64 / 1e3
    );
}

fn commits(home: &Path, bare: &Path) -> usize {
    git(home, bare, &["rev-list", "--count", GIT_REF]).parse().expect("a commit count")
}

/// Every line of every file in the ref's tree.
fn lines(home: &Path, bare: &Path) -> Vec<String> {
    let names = git(home, bare, &["ls-tree", "--name-only", GIT_REF]);
    names
        .lines()
        .filter(|n| n.ends_with(".jsonl"))
        .flat_map(|n| {
            git(home, bare, &["show", &format!("{GIT_REF}:{n}")]).lines().map(str::to_string).collect::<Vec<_>>()
        })
        .collect()
}

fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| if e.path().is_dir() { dir_bytes(&e.path()) } else { e.metadata().map_or(0, |m| m.len()) })
        .sum()
}

/// The nearest-rank percentile `p` of `v`.
fn percentile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((p * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1]
}

fn random_below(n: u64) -> u64 {
    u64::from_str_radix(&shipdeck::io::replica::random_hex(), 16).unwrap_or(0) % n
}
