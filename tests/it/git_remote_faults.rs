//! What a hostile or broken remote can do, against real repositories and
//! real processes on 127.0.0.1: branch names carrying terminal controls,
//! a remote that accepts the connection and never answers, and a tag of
//! the same name on another commit.

use assert_cmd::Command;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::Value;
use shipdeck::action::Action;
use shipdeck::domain::kernel::actor::{Actor, Role};
use shipdeck::domain::repos::msg::ReposMsg;
use shipdeck::domain::repos::{RepoSpec, TagRemote};
use shipdeck::domain::{Model, Msg, update};
use shipdeck::io::git;
use shipdeck::testkit;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const FORMAT: &str = "%Y.%m.%d";
const HOSTILE_BRANCH: &str = "main\u{202E}niam\u{9B}2J\u{2066}x\u{85}y";

fn push_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// Repositories in a temporary directory, every `git` sandboxed from the
/// machine's config.
struct Lab {
    dir: TempDir,
}

impl Lab {
    fn new() -> Self {
        Lab { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .stdin(std::process::Stdio::null())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path())
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .env("GIT_AUTHOR_NAME", "Lab")
            .env("GIT_AUTHOR_EMAIL", "lab@example.com")
            .env("GIT_COMMITTER_NAME", "Lab")
            .env("GIT_COMMITTER_EMAIL", "lab@example.com")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn init(&self, name: &str) -> PathBuf {
        self.git(self.dir.path(), &["init", "-q", "-b", "main", name]);
        let p = self.path(name);
        for (k, v) in [("user.name", "Lab"), ("user.email", "lab@example.com"), ("credential.helper", "")] {
            self.git(&p, &["config", k, v]);
        }
        p
    }

    fn bare(&self, name: &str) -> PathBuf {
        self.git(self.dir.path(), &["init", "-q", "--bare", "-b", "main", name]);
        self.path(name)
    }

    fn commit(&self, repo: &Path, message: &str) -> String {
        self.git(repo, &["commit", "-q", "--allow-empty", "-m", message]);
        self.git(repo, &["rev-parse", "HEAD"])
    }

    /// A config with one `[[repos]]` per (name, path) and `[git] timeout`.
    fn config(&self, repos: &[(&str, &Path)], timeout: &str) -> PathBuf {
        let mut toml =
            format!("[release]\nname = \"Test\"\npush_day = \"thursday\"\n\n[git]\ntimeout = \"{timeout}\"\n");
        for (name, path) in repos {
            toml.push_str(&format!("\n[[repos]]\nname = \"{name}\"\npath = \"{}\"\n", path.display()));
        }
        let path = self.path("shipdeck.toml");
        std::fs::write(&path, toml).unwrap();
        path
    }

    fn shipdeck(&self, config: &Path, args: &[&str]) -> std::process::Output {
        let mut cmd = Command::cargo_bin("shipdeck").unwrap();
        cmd.args(args)
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(self.path("data"))
            .args(["--push-date", "2026-11-26", "--as", "Release Tester"])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path())
            // Whatever was configured before must not hang the test itself.
            .timeout(Duration::from_secs(60));
        for var in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
            cmd.env_remove(var);
        }
        cmd.output().unwrap()
    }
}

fn spec(name: &str, path: &Path) -> RepoSpec {
    RepoSpec {
        name: name.into(),
        path: path.to_str().unwrap().into(),
        remote: "origin".into(),
        branch: None,
        web_url: None,
        security: None,
        tag_unchanged: false,
    }
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// ESC, C1 controls (UTF-8 `C2 80`..`C2 9F`), bidi embeddings, overrides
/// and isolates (`E2 80 AA`..`AE`, `E2 81 A6`..`A9`), as bytes.
fn hostile_bytes(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, w) in bytes.windows(3).enumerate() {
        if w[0] == 0xe2
            && ((w[1] == 0x80 && (0xaa..=0xae).contains(&w[2])) || (w[1] == 0x81 && (0xa6..=0xa9).contains(&w[2])))
        {
            found.push(format!("bidi {:02x}{:02x}{:02x} at {i}", w[0], w[1], w[2]));
        }
    }
    for (i, w) in bytes.windows(2).enumerate() {
        if w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]) {
            found.push(format!("C1 c2{:02x} at {i}", w[1]));
        }
    }
    if let Some(i) = bytes.iter().position(|b| *b == 0x1b) {
        found.push(format!("ESC at {i}"));
    }
    found
}

use crate::common::screen::draw;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 20, 0).unwrap()
}

/// A model over `specs` with the Repos pane zoomed, each repository scanned
/// for real.
fn scanned_model(specs: &[RepoSpec]) -> Model {
    let mut m = Model::new(
        testkit::release(),
        Actor { name: "alice".into(), role: Role::Rm },
        vec!["stage".into(), "prod".into()],
        &[],
        specs,
        Duration::from_secs(15),
        t0(),
    );
    update(&mut m, Msg::Tick(t0()));
    for (repo, s) in specs.iter().enumerate() {
        let result = git::scan(s, push_date(), FORMAT).map(Box::new).map_err(|e| e.to_string());
        let generation = m.repos.rows[repo].scan_gen;
        update(&mut m, Msg::Repos(ReposMsg::Scanned { generation, repo, result, at: t0() }));
    }
    update(&mut m, Msg::Action(Action::FocusRepos));
    update(&mut m, Msg::Action(Action::ToggleZoom));
    m
}

// 1. ref names -----------------------------------------------------------------

#[test]
fn branch_names_with_terminal_controls_never_reach_the_screen_or_stdout() {
    let lab = Lab::new();
    // The remote's default branch is the hostile one; a clone takes it as
    // origin/HEAD, which is what a scan shows.
    let seed = lab.init("seed");
    lab.git(&seed, &["checkout", "-q", "-b", HOSTILE_BRANCH]);
    let head = lab.commit(&seed, "one");
    lab.git(&seed, &["tag", "-a", "-m", "push", "2026.11.19"]);
    let bare = lab.bare("origin.git");
    lab.git(&seed, &["push", "-q", bare.to_str().unwrap(), HOSTILE_BRANCH, "2026.11.19"]);
    lab.git(&bare, &["symbolic-ref", "HEAD", &format!("refs/heads/{HOSTILE_BRANCH}")]);
    lab.git(lab.dir.path(), &["clone", "-q", bare.to_str().unwrap(), "work"]);
    let work = lab.path("work");
    assert!(lab.git(&work, &["symbolic-ref", "refs/remotes/origin/HEAD"]).contains('\u{202E}'), "the test is hostile");

    let config = lab.config(&[("web", &work)], "10s");
    for args in [&["repos", "--offline"][..], &["repos"], &["repos", "--json", "--offline"], &["repos", "--json"]] {
        let out = lab.shipdeck(&config, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&head) || text.contains(&head[..7]), "{args:?}: the repository was scanned: {text}");
        assert_eq!(hostile_bytes(&out.stdout), Vec::<String>::new(), "{args:?}: {text}");
    }
    // Not merely escaped by the JSON printer: the name was cleaned when read.
    let v = json(&lab.shipdeck(&config, &["repos", "--json", "--offline"]));
    let branch = v[0]["branch"].as_str().unwrap();
    assert_eq!(branch, "mainniamxy", "{v}");

    let m = scanned_model(&[spec("web", &work)]);
    let screen = draw(&m, 120, 30);
    assert!(screen.contains("mainniamxy@"), "{screen}");
    assert_eq!(hostile_bytes(screen.as_bytes()), Vec::<String>::new(), "{screen}");
}

// 2. a remote that never answers ---------------------------------------------

/// Accepts connections and never says a word. Counts them.
fn silent_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (port, accepted)
}

/// Processes whose command line mentions `needle`, excluding this one.
fn processes_mentioning(needle: &str) -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) || name == me {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(format!("{name}: {cmdline}"));
        }
    }
    found
}

/// Polls until no process mentions `needle`, for at most `deadline`: well
/// before the helpers' own low-speed limit would end them.
fn assert_none_left(needle: &str, deadline: Duration) {
    let start = Instant::now();
    loop {
        let left = processes_mentioning(needle);
        if left.is_empty() {
            return;
        }
        assert!(start.elapsed() < deadline, "still running after {deadline:?}: {left:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A work repository whose origin is the silent server, with credentials
/// in the URL that must never be shown.
fn work_with_silent_origin(lab: &Lab, port: u16) -> PathBuf {
    let work = lab.init("work");
    lab.commit(&work, "one");
    lab.git(&work, &["tag", "-a", "-m", "push", "2026.11.26"]);
    lab.git(&work, &["remote", "add", "origin", &format!("http://deploy:s3cret@127.0.0.1:{port}/repo.git")]);
    lab.git(&work, &["config", "remote.origin.proxy", ""]);
    work
}

#[test]
fn repos_gives_up_on_a_silent_remote_in_time_and_leaves_no_process_behind() {
    let (port, accepted) = silent_server();
    let lab = Lab::new();
    let work = work_with_silent_origin(&lab, port);
    let mut config = std::fs::read_to_string(lab.config(&[("web", &work)], "2s")).unwrap();
    // There is no origin/HEAD to follow: the scan uses the local branch.
    config.push_str("branch = \"main\"\n");
    let config_path = lab.path("shipdeck.toml");
    std::fs::write(&config_path, config).unwrap();

    let started = Instant::now();
    let out = lab.shipdeck(&config_path, &["repos", "--json"]);
    let took = started.elapsed();
    let v = json(&out);
    assert!(accepted.load(Ordering::SeqCst) >= 1, "git reached the server: {v}");
    assert!(took < Duration::from_secs(10), "took {took:?}: {v}");
    let error = v[0]["error"].as_str().unwrap_or_else(|| panic!("an error: {v}"));
    assert!(error.contains(&format!("http://127.0.0.1:{port}/repo.git")), "names the remote: {error}");
    assert!(error.contains("did not answer within 2s"), "says how long: {error}");
    assert!(!error.contains("s3cret") && !error.contains("deploy@"), "no userinfo: {error}");
    assert_eq!(v[0]["tag_remote"], Value::Null);
    assert_none_left(&format!("127.0.0.1:{port}"), Duration::from_secs(3));

    let text = lab.shipdeck(&config_path, &["repos"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("did not answer within 2s"), "{text}");
    assert_none_left(&format!("127.0.0.1:{port}"), Duration::from_secs(3));
}

#[tokio::test]
async fn fetch_push_and_ls_remote_give_up_on_a_silent_remote_with_their_helpers() {
    let (port, accepted) = silent_server();
    let lab = Lab::new();
    let work = work_with_silent_origin(&lab, port);
    let s = spec("web", &work);
    let timeout = Duration::from_secs(2);
    let url = format!("http://127.0.0.1:{port}/repo.git");

    let started = Instant::now();
    let e = git::fetch_within(&s, timeout).await.expect_err("no answer").to_string();
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
    assert!(e.contains(&format!("origin ({url}) did not answer within 2s")), "{e}");
    assert!(!e.contains("s3cret"), "{e}");
    assert!(accepted.load(Ordering::SeqCst) >= 1);
    assert_none_left(&format!("127.0.0.1:{port}"), Duration::from_secs(3));

    let e = git::remote_tag(&s, "2026.11.26", timeout).await.expect_err("no answer").to_string();
    assert!(e.contains("did not answer within 2s") && e.contains(&url), "{e}");
    assert_none_left(&format!("127.0.0.1:{port}"), Duration::from_secs(3));

    let e = git::push_tag_within(&s, "2026.11.26", timeout).await.expect_err("no answer").to_string();
    assert!(e.contains("did not answer within 2s") && e.contains(&url), "{e}");
    assert_none_left(&format!("127.0.0.1:{port}"), Duration::from_secs(3));
}

// 3. a tag of the same name on another commit ---------------------------------

#[test]
fn a_remote_tag_on_another_commit_is_a_conflict_never_pushed() {
    let lab = Lab::new();
    // `web`: the remote's annotated 2026.11.26 is on an older commit.
    let bare = lab.bare("web.git");
    let web = lab.init("web");
    lab.git(&web, &["remote", "add", "origin", bare.to_str().unwrap()]);
    let old = lab.commit(&web, "one");
    let head = lab.commit(&web, "two");
    lab.git(&web, &["push", "-q", "origin", "main"]);
    lab.git(&web, &["fetch", "-q", "origin"]);
    lab.git(&web, &["remote", "set-head", "origin", "main"]);
    lab.git(&web, &["tag", "-a", "-m", "someone else's", "2026.11.26", &old]);
    lab.git(&web, &["push", "-q", "origin", "refs/tags/2026.11.26"]);
    lab.git(&web, &["tag", "-d", "2026.11.26"]);
    lab.git(&web, &["tag", "-a", "-m", "ours", "2026.11.26", &head]);
    // `api`: the remote has another tag object for the same commit: pushed.
    let api_bare = lab.bare("api.git");
    let api = lab.init("api");
    lab.git(&api, &["remote", "add", "origin", api_bare.to_str().unwrap()]);
    lab.commit(&api, "one");
    lab.git(&api, &["push", "-q", "origin", "main"]);
    lab.git(&api, &["fetch", "-q", "origin"]);
    lab.git(&api, &["remote", "set-head", "origin", "main"]);
    lab.git(&api, &["tag", "-a", "-m", "theirs", "2026.11.26"]);
    lab.git(&api, &["push", "-q", "origin", "refs/tags/2026.11.26"]);
    lab.git(&api, &["tag", "-d", "2026.11.26"]);
    lab.git(&api, &["tag", "-a", "-m", "ours", "2026.11.26"]);
    let config = lab.config(&[("web", &web), ("api", &api)], "10s");

    let v = json(&lab.shipdeck(&config, &["repos", "--json"]));
    assert_eq!(v[0]["name"], "web");
    assert_eq!(v[0]["tag_local"], true);
    assert_eq!(v[0]["tag_remote"], false, "never shown as pushed: {v}");
    assert_eq!(v[0]["tag_remote_state"], "conflict", "{v}");
    assert_eq!(v[0]["tag_remote_commit"], old.as_str(), "{v}");
    assert_eq!(v[1]["tag_remote"], true, "the same commit under another tag object: {v}");
    assert_eq!(v[1]["tag_remote_state"], "pushed", "{v}");
    assert_eq!(v[1]["tag_remote_commit"], Value::Null);

    let out = lab.shipdeck(&config, &["repos"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("tagged, CONFLICT: the remote's tag is on {}", &old[..7])), "{text}");

    let out = lab.shipdeck(&config, &["tag", "--push"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = text.lines().find(|l| l.starts_with("web ")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("FAILED: tag conflict: origin has 2026.11.26 at"), "{text}");
    assert_eq!(lab.git(&bare, &["rev-parse", "2026.11.26^{commit}"]), old, "the remote tag did not move");
}

#[tokio::test]
async fn fetch_and_push_report_the_conflict_and_the_pane_shows_it() {
    let lab = Lab::new();
    let bare = lab.bare("web.git");
    let web = lab.init("web");
    lab.git(&web, &["remote", "add", "origin", bare.to_str().unwrap()]);
    let old = lab.commit(&web, "one");
    let head = lab.commit(&web, "two");
    lab.git(&web, &["push", "-q", "origin", "main"]);
    lab.git(&web, &["fetch", "-q", "origin"]);
    lab.git(&web, &["remote", "set-head", "origin", "main"]);
    // Lightweight on the remote: no `^{}` line to peel.
    lab.git(&bare, &["tag", "2026.11.26", &old]);
    lab.git(&web, &["tag", "-a", "-m", "ours", "2026.11.26", &head]);
    let s = spec("web", &web);
    let timeout = Duration::from_secs(10);

    assert_eq!(git::remote_tag(&s, "2026.11.26", timeout).await, Ok(TagRemote::Conflict { remote_commit: Some(old) }));
    let e = git::fetch_within(&s, timeout).await.expect_err("git refuses to clobber our tag").to_string();
    assert!(e.contains("tag conflict: origin has another 2026.11.26"), "{e}");
    assert_eq!(lab.git(&web, &["rev-parse", "2026.11.26^{commit}"]), head, "our tag did not move");
    let pushed = git::push_tag_within(&s, "2026.11.26", timeout).await.expect_err("refused").to_string();
    assert!(pushed.contains("tag conflict"), "{pushed}");

    // The cockpit: a fetch answer, then a push answer, each shows the conflict.
    let mut m = scanned_model(std::slice::from_ref(&s));
    update(&mut m, Msg::Repos(ReposMsg::Fetched { repo: 0, result: Err(e), at: t0() }));
    assert!(matches!(m.repos.rows[0].tag_remote, Some(TagRemote::Conflict { .. })));
    let screen = draw(&m, 120, 30);
    assert!(screen.contains("✖ conflict: remote's tag is on another commit"), "{screen}");
    assert!(!screen.contains("on remote"), "{screen}");
    update(
        &mut m,
        Msg::Repos(ReposMsg::TagPushed { repo: 0, tag: "2026.11.26".into(), result: Err(pushed), at: t0() }),
    );
    let screen = draw(&m, 120, 30);
    assert!(screen.contains("conflict: remote's tag is on another commit"), "{screen}");
}
