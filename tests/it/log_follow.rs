//! `shipdeck log --follow` end to end, as a chat bridge runs it: at the
//! other end of a pipe, reading lines other processes append, as text or
//! JSON Lines; a reader that leaves (`| head`) ends it; with `--sync`, a
//! teammate's line arrives through a bare remote with no cockpit open.

use shipdeck::testkit::git_command;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(15);

struct Push {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Push {
    /// A push of its own; `shared`: through a bare repository in its temp dir.
    fn new(shared: bool) -> Push {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("[release]\nname = \"Follow Test\"\npush_day = \"thursday\"\n");
        if shared {
            let bare = dir.path().join("sessions.git");
            let out = git_command(dir.path(), dir.path()).args(["init", "-q", "--bare"]).arg(&bare).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let share = "[share]\nremote = \"{}\"\ninterval = \"500ms\"\n\n[git]\ntimeout = \"5s\"\n";
            text.push_str(&share.replace("{}", &bare.display().to_string()));
        }
        let config = dir.path().join("shipdeck.toml");
        std::fs::write(&config, text).unwrap();
        Push { dir, config }
    }

    fn data(&self, who: &str) -> PathBuf {
        self.dir.path().join(who)
    }

    fn journal(&self, who: &str) -> PathBuf {
        self.data(who).join("journals/follow-test/2026-11-26.jsonl")
    }

    /// `shipdeck ARGS` as `who`, on `laptop` (its data dir).
    fn command(&self, laptop: &str, who: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(crate::common::bin());
        cmd.args(args)
            .arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.data(laptop))
            .args(["--push-date", "2026-11-26", "--as", who, "--role", "qa"])
            .env("HOME", self.dir.path())
            .env_remove("SHIPDECK_DATA_DIR");
        cmd
    }

    /// `shipdeck log ARGS` as `who`, on alice's laptop.
    fn log(&self, who: &str, args: &[&str]) -> std::process::Output {
        let mut all = vec!["log"];
        all.extend_from_slice(args);
        let out = self.command("alice", who, &all).output().unwrap();
        assert!(out.status.success(), "log {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    fn follow(&self, who: &str, args: &[&str]) -> Follower {
        let mut all = vec!["log", "--follow"];
        all.extend_from_slice(args);
        let mut child = self
            .command(who, who, &all)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out, out_rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if out.send(line).is_err() {
                    return;
                }
            }
        });
        let (err, err_rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = err.send(line);
            }
        });
        Follower { child, out: out_rx, err: err_rx }
    }
}

struct Follower {
    child: Child,
    out: mpsc::Receiver<String>,
    err: mpsc::Receiver<String>,
}

impl Follower {
    /// The next line on stdout, within the deadline.
    fn line(&self, what: &str) -> String {
        self.out.recv_timeout(DEADLINE).unwrap_or_else(|e| panic!("{what}: no line within {DEADLINE:?}: {e}"))
    }

    /// Waits for a line on stderr containing `needle`.
    fn said(&self, needle: &str) -> String {
        let start = Instant::now();
        while let Some(left) = DEADLINE.checked_sub(start.elapsed()) {
            match self.err.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("stderr never said `{needle}`");
    }

    fn nothing_more(&self, within: Duration) {
        if let Ok(line) = self.out.recv_timeout(within) {
            panic!("unexpected line: {line}");
        }
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    }

    fn exit_code(&mut self) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("shipdeck log --follow did not end within {DEADLINE:?}");
    }
}

fn json(line: &str) -> serde_json::Value {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}"))
}

fn append_raw(journal: &Path, bytes: &[u8]) {
    use std::io::Write;
    std::fs::OpenOptions::new().append(true).open(journal).unwrap().write_all(bytes).unwrap();
}

#[test]
fn following_prints_the_last_lines_then_what_other_processes_append() {
    let push = Push::new(false);
    for n in 1..=4 {
        push.log("alice", &[&format!("line {n}")]);
    }
    let mut f = push.follow("alice", &["-n", "2"]);
    assert!(f.line("the last two").ends_with("alice (qa): line 3"));
    assert!(f.line("the last two").ends_with("alice (qa): line 4"));
    push.log("bob", &["from another process"]);
    let line = f.line("a line another process appended");
    assert!(line.ends_with("bob (qa): from another process"), "{line}");

    // Another machine's line, with escape sequences in it, as written to
    // the file: printed without them. Then a damaged line: said, skipped.
    let hostile = r#"{"v":1,"id":"feedbeeffeedbeef.1.x","at":"2026-11-26T10:00:00Z","replica":"feedbeeffeedbeef","seq":1,"actor":{"name":"mallory\u001b]0;owned\u0007","role":"ops"},"kind":"chat","text":"hi\u001b[2J\u202e there"}"#;
    append_raw(&push.journal("alice"), format!("{hostile}\nnot json\n").as_bytes());
    let line = f.line("the hostile line");
    assert!(line.contains("mallory") && line.contains("hi") && line.contains("there"), "{line}");
    assert!(!line.chars().any(|c| c.is_control() || c == '\u{202e}'), "{line:?}");
    f.said("not JSON");
    push.log("bob", &["still following"]);
    assert!(f.line("after the damage").ends_with("bob (qa): still following"));

    f.signal("TERM");
    assert_eq!(f.exit_code(), Some(0), "SIGTERM ends it cleanly");
    let mut f = push.follow("alice", &["-n", "0"]);
    f.nothing_more(Duration::from_millis(600));
    f.signal("INT");
    assert_eq!(f.exit_code(), Some(0), "SIGINT ends it cleanly");
}

#[test]
fn json_lines_are_the_objects_log_json_prints() {
    let push = Push::new(false);
    push.log("alice", &["before"]);
    let f = push.follow("alice", &["--json", "-n", "1"]);
    let first = json(&f.line("the last line"));
    assert_eq!(first["text"], "before");
    push.log("bob", &["/blocker CDN purge pending"]);
    push.log("bob", &["prod looks good"]);
    let (a, b) = (json(&f.line("the blocker")), json(&f.line("the chat line")));
    let all = push.log("alice", &["--json"]);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(vec![first, a, b], all, "the same events, in the order appended");
    assert_eq!(all[1]["kind"], "blocker");
}

#[test]
fn a_reader_that_leaves_ends_it() {
    let push = Push::new(false);
    for n in 1..=12 {
        push.log("alice", &[&format!("line {n}")]);
    }
    // The reader takes three lines and closes its end. With `-n 3` every
    // line printed was read and no write will fail: only watching the pipe
    // can end it. With `-n 10` a write may fail first.
    for n in ["3", "10"] {
        let mut child =
            push.command("alice", "alice", &["log", "--follow", "-n", n]).stdout(Stdio::piped()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            for _ in 0..3 {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                tx.send(line).unwrap();
            }
        });
        for _ in 0..3 {
            rx.recv_timeout(DEADLINE).expect("a line");
        }
        let mut f = Follower { child, out: rx, err: mpsc::channel().1 };
        assert_eq!(f.exit_code(), Some(0), "-n {n}");
    }

    // The shell's own pipe, as a user types it; run in its own process
    // group, so that all of it can be stopped if it hangs.
    let arg = |p: &Path| shell_quote(&p.display().to_string());
    let script = format!(
        "{} log --follow -n 3 --config {} --data-dir {} --push-date 2026-11-26 | head -3",
        shell_quote(crate::common::bin()),
        arg(&push.config),
        arg(&push.data("alice")),
    );
    let mut shell = Command::new("sh")
        .args(["-c", &script])
        .process_group(0)
        .env("HOME", push.dir.path())
        .env_remove("SHIPDECK_DATA_DIR")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = shell.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(std::io::read_to_string(stdout).unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = shell.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", shell.id())]).status();
            panic!("`shipdeck log --follow | head -3` did not end within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let printed = rx.recv_timeout(DEADLINE).unwrap();
    assert_eq!(printed.lines().count(), 3, "{printed}");
    assert!(printed.ends_with("line 12\n"), "{printed}");
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn with_sync_a_teammates_line_arrives_through_the_remote() {
    let push = Push::new(true);
    let f = push.follow("alice", &["--sync", "--json", "-n", "0"]);
    let out = push.command("bob", "bob", &["log", "QA is on it", "--sync"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line = json(&f.line("bob's line, through the remote"));
    assert_eq!((line["actor"]["name"].as_str(), line["text"].as_str()), (Some("bob"), Some("QA is on it")));
    // Saved in alice's journal by the round, as a cockpit's round does.
    let saved = std::fs::read_to_string(push.journal("alice")).unwrap();
    assert!(saved.contains("QA is on it"));

    // Without [share], --sync is refused before anything is followed.
    let alone = Push::new(false);
    let out = alone.command("alice", "alice", &["log", "--follow", "--sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [share] section"));
}
