//! Hostile text from the two sources shipdeck reads but does not own — git
//! (commit messages, authors, tag messages, ref names, invalid UTF-8, a 100 KB
//! message) and Sentry (issue fields, error answers, the project list) —
//! reaches no output byte stream and no screen.

use crate::common::Pty;
use crate::common::hostile::{CORPUS, assert_screen_clean, forbidden, unsafe_char};
use assert_cmd::Command;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn assert_clean_output(what: &str, out: &std::process::Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(bad) = forbidden(bytes) {
            panic!("`shipdeck {what}` {stream}: {bad}\n{}", String::from_utf8_lossy(bytes));
        }
    }
}

// ---------------------------------------------------------------------------
// Git.

fn git_command(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir).env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

fn git<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> String {
    let out = git_command(dir).args(args).output().unwrap();
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    assert!(out.status.success(), "git {shown:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Writes an object byte for byte: `--literally` skips git's own checks, so
/// a commit or tag can hold what another tool (or a hand-made object pushed
/// to a shared remote) could put there.
fn write_object(dir: &Path, kind: &str, bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = git_command(dir)
        .args(["hash-object", "-t", kind, "-w", "--literally", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "hash-object: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

struct GitSetup {
    _dir: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
    repo: PathBuf,
    /// The hostile commits, oldest first.
    commits: Vec<String>,
}

impl GitSetup {
    /// `sha` made again on top of the head, byte for byte but its parent: a
    /// fix the push does not have yet, as a `/pick` names one.
    fn fix_on_top(&self, sha: &str) -> String {
        let out = git_command(&self.repo).args(["cat-file", "commit", sha]).output().unwrap();
        assert!(out.status.success(), "cat-file: {}", String::from_utf8_lossy(&out.stderr));
        let head = self.commits.last().unwrap();
        let at = out.stdout.windows(7).position(|w| w == b"parent ").unwrap();
        let mut raw = out.stdout[..at].to_vec();
        raw.extend(format!("parent {head}").bytes());
        raw.extend(&out.stdout[at + 7 + 40..]);
        write_object(&self.repo, "commit", &raw)
    }

    fn args(&self) -> Vec<OsString> {
        let mut a: Vec<OsString> = vec!["--config".into(), self.config.clone().into_os_string()];
        a.extend(["--data-dir".into(), self.data.clone().into_os_string()]);
        a.extend([
            "--push-date".into(),
            "2026-11-26".into(),
            "--as".into(),
            "rita".into(),
            "--role".into(),
            "rm".into(),
        ]);
        a
    }

    fn run(&self, cmd: &[&str]) -> std::process::Output {
        let out = Command::cargo_bin("shipdeck")
            .unwrap()
            .args(cmd)
            .args(self.args())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_clean_output(&cmd.join(" "), &out);
        out
    }
}

/// The branch the remote's HEAD names: allowed by git, hostile to a terminal.
const HOSTILE_BRANCH: &str = "rel\u{202e}\u{200b}\u{9b}2J\u{85}x";

/// A repository whose previous push tag is an annotated tag with a hostile
/// tagger and message, followed by one commit per corpus entry (hostile
/// subject, body, author name and email), a commit in Latin-1 with invalid
/// UTF-8 bytes (a lone 0x9b among them), and a 100 KB message; hostile
/// lightweight tag names; the remote's HEAD on a hostile branch name.
fn hostile_repo() -> GitSetup {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("web");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    let tree = write_object(&repo, "tree", b"");
    let mut parent: Option<String> = None;
    let mut time = 1_795_000_000u64;
    let mut commit = |author: &[u8], email: &[u8], message: &[u8], encoding: Option<&str>| -> String {
        let mut raw = format!("tree {tree}\n").into_bytes();
        if let Some(p) = &parent {
            raw.extend(format!("parent {p}\n").bytes());
        }
        for who in ["author", "committer"] {
            raw.extend(format!("{who} ").bytes());
            raw.extend(author);
            raw.extend(b" <");
            raw.extend(email);
            raw.extend(format!("> {time} +0000\n").bytes());
        }
        if let Some(e) = encoding {
            raw.extend(format!("encoding {e}\n").bytes());
        }
        raw.push(b'\n');
        raw.extend(message);
        time += 60;
        let sha = write_object(&repo, "commit", &raw);
        parent = Some(sha.clone());
        sha
    };
    let base = commit(b"Base Author", b"base@example.org", b"base\n", None);
    let mut commits = Vec::new();
    for (i, s) in CORPUS.iter().enumerate() {
        let message = format!("hostile-{i} subject {s}\n\nbody {s}\n{s}\n");
        commits.push(commit(
            format!("Author{i} {s}").as_bytes(),
            format!("a{i}{s}@example.org").as_bytes(),
            message.as_bytes(),
            None,
        ));
    }
    // Latin-1, as it says: 0x9b is CSI there, 0x9d OSC.
    commits.push(commit(
        b"Latin Jos\xe9\x9b2J\x1b]0;pwned-latin\x07",
        b"l\xe9\x9b@example.org",
        b"hostile-latin \x9b2J\x9d0;pwned-c1\x9c\x1b]0;pwned-latin\x07caf\xe9\n\nbody \x9d0;pwned\x9c\n",
        Some("ISO-8859-1"),
    ));
    // Not UTF-8, and not saying what it is.
    commits.push(commit(
        b"Invalid \xff\x9b2J",
        b"i\xff@example.org",
        b"hostile-invalid \xff\xfe\x9b2J \x1b]0;pwned-invalid\x07 \xc2\n",
        None,
    ));
    let big = format!("hostile-big {}\n", CORPUS.concat().repeat(100_000 / CORPUS.concat().len() + 1));
    let head = commit(b"Big \x1b]52;c;ZXZp\x07", b"big@example.org", big.as_bytes(), None);
    commits.push(head.clone());
    git(&repo, &["update-ref", "refs/heads/main", &head]);

    let tag = |name: &str, target: &str, message: &[u8]| {
        let mut raw = format!("object {target}\ntype commit\ntag {name}\ntagger ").into_bytes();
        raw.extend(CORPUS.concat().replace(['<', '>', '\n'], "").as_bytes());
        raw.extend(b" <t\x1b]0;pwned-tagger\x07@example.org> 1795000000 +0000\n\n");
        raw.extend(message);
        let sha = write_object(&repo, "tag", &raw);
        git(&repo, &["update-ref", &format!("refs/tags/{name}"), &sha]);
    };
    let mut message = CORPUS.concat().into_bytes();
    message.extend(b"\n\xff\xfe\x9b2J invalid\n");
    tag("2026.11.19", &base, &message);
    tag("v1.0", &commits[3], &message);
    // Ref names git allows: no ASCII controls, but C1, bidi, zero-width and
    // bytes that are not UTF-8 at all.
    git(&repo, &["tag", "x\u{202e}\u{200b}\u{9b}2J\u{85}", &head]);
    git(&repo, &["tag", "2026.11.26\u{200b}", &head]);
    git(&repo, &[OsStr::new("tag"), OsStr::from_bytes(b"x\xff\xc2\x9b2J"), OsStr::new(&head)]);

    // The remote: the hostile branch, hostile tags this clone does not have
    // yet, and its own 2026.11.19 on another commit, so a fetch (the git
    // command, not libgit2) names them all and fails.
    let origin = dir.path().join("origin.git");
    git(dir.path(), &[OsStr::new("init"), OsStr::new("-q"), OsStr::new("--bare"), origin.as_os_str()]);
    git(&repo, &[OsStr::new("remote"), OsStr::new("add"), OsStr::new("origin"), origin.as_os_str()]);
    git(&repo, &["push", "-q", "origin", &format!("{head}:refs/heads/{HOSTILE_BRANCH}")]);
    for name in [OsStr::new("y\u{202e}\u{200b}\u{9b}2J\u{85}"), OsStr::from_bytes(b"y\xff\xc2\x9b2J")] {
        git(&repo, &[OsStr::new("tag"), name, OsStr::new(&head)]);
        let mut refspec = OsString::from("refs/tags/");
        refspec.push(name);
        git(&repo, &[OsStr::new("push"), OsStr::new("-q"), OsStr::new("origin"), &refspec]);
        git(&repo, &[OsStr::new("tag"), OsStr::new("-d"), name]);
    }
    git(&repo, &["push", "-q", "origin", &format!("{}:refs/tags/2026.11.19", commits[0])]);
    let branch = format!("refs/remotes/origin/{HOSTILE_BRANCH}");
    git(&repo, &["update-ref", &branch, &head]);
    git(&repo, &["symbolic-ref", "refs/remotes/origin/HEAD", &branch]);

    let config = dir.path().join("shipdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[release]\nname = \"Hostile\"\npush_day = \"thursday\"\n\n[[repos]]\nname = \"web\"\npath = \"{}\"\n\
             web_url = \"https://github.com/example/web\"\nsecurity_remote = \"security\"\n",
            repo.display()
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    GitSetup { _dir: dir, config, data, repo, commits }
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn hostile_git_text_reaches_no_output() {
    let s = hostile_repo();
    // Picks read a commit's summary by sha, and the notes print it.
    for sha in [&s.commits[1], &s.commits[CORPUS.len()], &s.commits[CORPUS.len() + 1]] {
        let fix = s.fix_on_top(sha);
        let out = s.run(&["log", &format!("/pick {} web", &fix[..10])]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // The push ships these already: no pick, nothing recorded.
    let out = s.run(&["log", &format!("/pick {} web", &s.commits[1][..10])]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("is already in this push (web 2026.11.19..head "), "{said}");

    let out = s.run(&["repos"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("in this push: 2026.11.19..relx head"), "{text}");
    assert!(text.contains("  relx @ "), "the branch is shown, cleaned: {text}");
    assert!(text.contains("security/relx not found"), "the security fork's branch, cleaned: {text}");

    let v = json(&s.run(&["repos", "--json"]));
    assert_eq!(v[0]["previous_tag"], "2026.11.19", "{v}");
    assert_eq!(v[0]["branch"], "relx");
    assert_eq!(v[0]["commits_since_previous"], CORPUS.len() + 3);

    let out = s.run(&["compare", "web"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for i in 0..CORPUS.len() {
        assert!(text.contains(&format!("hostile-{i} subject")), "commit {i} is listed: {text}");
    }
    assert!(text.contains("hostile-invalid") && text.contains("hostile-big"), "{text}");
    assert!(text.contains("Latin José ") && text.contains("hostile-latin café"), "Latin-1 read as Latin-1: {text}");
    assert!(text.lines().all(|l| l.chars().count() < 400), "the 100 KB subject is cut: {text}");

    let v = json(&s.run(&["compare", "web", "--json"]));
    let commits = v["commits"].as_array().unwrap();
    assert_eq!(commits.len(), CORPUS.len() + 3);
    let big = commits.iter().find(|c| c["summary"].as_str().unwrap().starts_with("hostile-big")).unwrap();
    assert!(big["summary"].as_str().unwrap().chars().count() <= 300, "{big}");
    for c in commits {
        let (author, summary) = (c["author"].as_str().unwrap(), c["summary"].as_str().unwrap());
        assert!(!author.chars().chain(summary.chars()).any(unsafe_char), "stripped, not only escaped: {c}");
    }

    for cmd in [&["compare", "web", "--merges"][..], &["notes"], &["notes", "--format", "email"]] {
        let out = s.run(cmd);
        assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // A script passing on a ref name as git lists it, and a rev that is
    // not there: the text printer and the JSON escapes stand alone.
    let hostile_ref = "x\u{202e}\u{200b}\u{9b}2J\u{85}";
    let out = s.run(&["compare", "web", "2026.11.19", hostile_ref]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("hostile-0 subject"));
    let v = json(&s.run(&["compare", "web", "2026.11.19", hostile_ref, "--json"]));
    assert_eq!(v["to"], hostile_ref, "JSON escapes what it carries, and means the same");
    let out = s.run(&["compare", "web", "nope\u{1b}]0;pwned\u{7}\u{9b}2J"]);
    assert!(!out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("pwned"));

    let notes = String::from_utf8(s.run(&["notes"]).stdout).unwrap();
    for pick in ["hostile-1 subject", "hostile-latin café", "hostile-invalid"] {
        assert!(notes.contains(pick), "the picks: {notes}");
    }

    let out = s.run(&["tag", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("would create"));
    let v = json(&s.run(&["tag", "--dry-run", "--json"]));
    assert_eq!(v["tags"][0]["tag"], "2026.11.26", "the look-alike tag is not this push's: {v}");
    assert!(v["tags"][0]["summary"].as_str().unwrap().starts_with("hostile-big"), "{v}");

    let v = json(&s.run(&["log", "--json"]));
    assert!(v.is_array());
}

#[test]
fn hostile_git_text_reaches_no_screen() {
    let s = hostile_repo();
    let env: [(&str, &OsStr); 2] =
        [("GIT_CONFIG_GLOBAL", OsStr::new("/dev/null")), ("GIT_CONFIG_NOSYSTEM", OsStr::new("1"))];
    let mut cockpit = Pty::start_with(&s.args(), &env);
    cockpit.wait_for_text("the scanned repository", "2026.11.19");
    cockpit.press(b"3");
    cockpit.press(b"\r");
    cockpit.wait_for_text("the compare view", "hostile-big");
    cockpit.wait_for_text("the oldest commit", "hostile-0 subject");
    let screen = cockpit.contents();
    assert!(screen.contains("hostile-latin café"), "{screen}");
    assert!(!screen.contains("pwned"), "{screen}");
    assert_screen_clean(&cockpit.raw());
    // What the git command says about the remote's hostile refs.
    cockpit.press(b"c");
    cockpit.wait_until("the compare view to close", Duration::from_secs(20), |c| !c.contents().contains("hostile-0"));
    cockpit.press(b"f");
    cockpit.wait_for_text("the failed fetch", "would clobber");
    let screen = cockpit.contents();
    assert!(!screen.contains("pwned"), "{screen}");
    assert_screen_clean(&cockpit.raw());
    cockpit.quit();
}

// ---------------------------------------------------------------------------
// Sentry.

/// A fake Sentry on 127.0.0.1 on a thread of its own, stopped on drop.
struct FakeSentry {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for FakeSentry {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Project slugs in the config (trusted), and how each one's Sentry answers.
const PROJECTS: &[&str] = &["web", "api", "db", "queue", "mail", "list", "auth"];

fn hostile_issue(i: usize) -> serde_json::Value {
    let s = CORPUS[i % CORPUS.len()];
    serde_json::json!({
        "id": format!("{i}{s}"),
        "shortId": format!("WEB-{i}{s}"),
        "title": format!("TypeError-{i} {s} {}", CORPUS.concat()),
        "culprit": format!("app.views{s}"),
        "level": format!("error{s}"),
        "permalink": format!("http://127.0.0.1/issues/{i}/{s}"),
        "count": format!("{i}"),
        "firstSeen": chrono::Utc::now().to_rfc3339(),
        "metadata": { "value": s, "type": s },
    })
}

fn answer(uri: &axum::http::Uri) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let detail = serde_json::json!({ "detail": format!("denied {}", CORPUS.concat()) }).to_string();
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    let project =
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "project").map(|(_, v)| v.into_owned());
    let json = |status: StatusCode, body: String| {
        (status, [("content-type", "application/json"), ("x-sentry-rate-limit-remaining", "\u{9b}2J")], body)
            .into_response()
    };
    if path.ends_with("/projects/") {
        let mut list: Vec<_> = PROJECTS
            .iter()
            .enumerate()
            .filter(|(_, p)| **p != "list")
            .map(|(i, p)| serde_json::json!({ "slug": p, "id": format!("{}", i + 1), "name": CORPUS[i] }))
            .collect();
        list.push(serde_json::json!({ "slug": CORPUS[1], "id": CORPUS[0] }));
        return json(StatusCode::OK, serde_json::Value::Array(list).to_string());
    }
    // The last twelve buckets up to the `end` asked, oldest first, as Sentry answers.
    let end = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "end")
        .and_then(|(_, v)| chrono::DateTime::parse_from_rfc3339(&v).ok())
        .map_or_else(|| chrono::Utc::now().timestamp(), |t| t.timestamp());
    let last = end / 300 * 300;
    let series = path.ends_with("/events-stats/") || path.ends_with("/events-timeseries/");
    let stats = if path.ends_with("/events-timeseries/") {
        let values: Vec<_> =
            (0..12).rev().map(|i| serde_json::json!({"timestamp": (last - i * 300) * 1000, "value": i})).collect();
        serde_json::json!({ "timeSeries": [{"yAxis": "count()", "values": values}] })
    } else {
        serde_json::json!({ "data": (0..12).rev().map(|i| serde_json::json!([last - i * 300, [{"count": i}]])).collect::<Vec<_>>() })
    };
    match (project.as_deref(), series) {
        (Some("1"), true) => json(StatusCode::OK, stats.to_string()),
        (Some("1"), false) => {
            json(StatusCode::OK, serde_json::Value::Array((0..12).map(hostile_issue).collect()).to_string())
        }
        (Some("2"), _) => json(StatusCode::BAD_REQUEST, detail),
        // Cut short, and not JSON at all: the parser's message must not
        // quote what it read.
        (Some("3"), true) => json(StatusCode::OK, stats.to_string()),
        (Some("3"), false) => json(StatusCode::OK, format!("[{{\"title\": {:?}", CORPUS.concat())),
        (Some("7"), _) => (StatusCode::OK, format!("<html>{}</html>", CORPUS.concat())).into_response(),
        (Some("4"), _) => (
            StatusCode::FOUND,
            [("location", "http://127.0.0.2:9/%1b]0;pwned-redirect%07"), ("content-type", "text/plain")],
            CORPUS.concat(),
        )
            .into_response(),
        (Some("5"), _) => json(StatusCode::UNAUTHORIZED, detail),
        _ => json(StatusCode::NOT_FOUND, detail),
    }
}

fn fake_sentry() -> FakeSentry {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move { answer(&uri) });
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
    });
    FakeSentry { addr, stop: Some(stop) }
}

const TOKEN_ENV: &str = "SHIPDECK_TEST_HOSTILE_SENTRY_TOKEN";

fn sentry_config(dir: &Path, addr: std::net::SocketAddr) -> PathBuf {
    let config = dir.join("shipdeck.toml");
    let projects: Vec<String> = PROJECTS.iter().map(|p| format!("\"{p}\"")).collect();
    std::fs::write(
        &config,
        format!(
            "[release]\nname = \"Hostile\"\npush_day = \"thursday\"\n\n[sentry]\nurl = \"http://{addr}\"\norg = \"acme\"\n\
             projects = [{}]\ntoken_env = \"{TOKEN_ENV}\"\n",
            projects.join(", ")
        ),
    )
    .unwrap();
    config
}

#[test]
fn hostile_sentry_text_reaches_no_output() {
    let fake = fake_sentry();
    let dir = tempfile::tempdir().unwrap();
    let config = sentry_config(dir.path(), fake.addr);
    let data = dir.path().join("data");
    let started = (chrono::Utc::now() - chrono::Duration::minutes(30)).to_rfc3339();
    for json in [false, true] {
        let mut cmd = Command::cargo_bin("shipdeck").unwrap();
        cmd.arg("status").arg("--config").arg(&config).arg("--data-dir").arg(&data);
        cmd.args(["--push-date", "2026-11-26", "--push-started", &started]).env(TOKEN_ENV, "sntrys_hostile_test");
        if json {
            cmd.arg("--json");
        }
        let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
        assert_clean_output(if json { "status --json" } else { "status" }, &out);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        if !json {
            continue;
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("still valid JSON");
        let projects = v["sentry"]["projects"].as_array().unwrap();
        assert_eq!(projects.len(), PROJECTS.len());
        let web = &projects[0];
        assert_eq!(web["state"], "ok", "{web}");
        let issues = web["new_issues"].as_array().unwrap();
        assert_eq!(issues.len(), 12, "{web}");
        for issue in issues {
            let text = issue.to_string();
            assert!(issue["title"].as_str().unwrap().starts_with("TypeError-"), "{text}");
            for field in ["short_id", "title", "permalink", "level"] {
                let value = issue[field].as_str().unwrap();
                assert!(!value.chars().any(unsafe_char), "{field} stripped, not only escaped: {text}");
            }
        }
        for p in &projects[1..] {
            let error = p["error"].as_str().unwrap_or_else(|| panic!("an error: {p}"));
            assert!(!error.chars().any(unsafe_char), "{p}");
            assert!(!error.contains("pwned") && !error.contains("denied"), "Sentry's words are not repeated: {p}");
        }
    }
}

#[test]
fn hostile_sentry_text_reaches_no_screen() {
    let fake = fake_sentry();
    let dir = tempfile::tempdir().unwrap();
    let config = sentry_config(dir.path(), fake.addr);
    let data = dir.path().join("data");
    let args: Vec<OsString> = vec![
        "--config".into(),
        config.into_os_string(),
        "--data-dir".into(),
        data.into_os_string(),
        "--push-date".into(),
        "2026-11-26".into(),
        "--as".into(),
        "rita".into(),
    ];
    let mut cockpit = Pty::start_with(&args, &[(TOKEN_ENV, OsStr::new("sntrys_hostile_test"))]);
    cockpit.wait_for_text("the cockpit", "Checklist");
    cockpit.press(b"4z");
    cockpit.wait_for_text("the issues, zoomed", "TypeError-11");
    cockpit.wait_for_text("the last project's error", "not found");
    let screen = cockpit.contents();
    assert!(screen.contains("WEB-0"), "{screen}");
    assert!(!screen.contains("pwned"), "{screen}");
    assert_screen_clean(&cockpit.raw());
    cockpit.quit();
}
