//! Push-tag rules on repositories shaped like the ones teams really have:
//! the branch moving on after tagging, cherry-pick re-tags (some written
//! `-02`), repositories with nothing new, tags whose names lie about their
//! date, bare mirrors. Histories are made with the git CLI, dated through
//! `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE`; every count is checked against
//! what `git rev-list`/`git log` say about the same range.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        Lab { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// A repository with `main` checked out.
    fn repo(&self, name: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::create_dir_all(&p).unwrap();
        git(&p, &["init", "-q", "-b", "main"], None);
        p
    }

    fn config(&self, repos: &[(&str, &Path, &str)], extra: &str) -> PathBuf {
        let mut toml = String::from("[release]\nname = \"Push\"\npush_day = \"tuesday\"\n");
        for (name, path, more) in repos {
            toml.push_str(&format!(
                "\n[[repos]]\nname = \"{name}\"\npath = \"{}\"\nbranch = \"main\"\nweb_url = \"https://github.com/example/{name}\"\n{more}\n",
                path.display()
            ));
        }
        toml.push_str(extra);
        let p = self.path("shipdeck.toml");
        std::fs::write(&p, toml).unwrap();
        p
    }

    fn run(&self, config: &Path, date: &str, args: &[&str]) -> Output {
        Command::cargo_bin("shipdeck")
            .unwrap()
            .args(args)
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(self.path("data"))
            .args(["--push-date", date, "--as", "Release Tester"])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    }
}

/// Runs git; `date` (`2013-06-04T10:00:00Z`) sets both author and committer dates.
fn git(dir: &Path, args: &[&str], date: Option<&str>) -> String {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com");
    if let Some(d) = date {
        cmd.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// An empty commit dated `date`; returns its sha.
fn commit(dir: &Path, msg: &str, date: &str) -> String {
    git(dir, &["commit", "-q", "--allow-empty", "-m", msg], Some(date));
    git(dir, &["rev-parse", "HEAD"], None)
}

fn tag(dir: &Path, name: &str, at: &str) {
    git(dir, &["tag", "-a", name, "-m", name, at], None);
}

fn count(dir: &Path, range: &str) -> u64 {
    git(dir, &["rev-list", "--count", range], None).parse().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn checklist_item(lab: &Lab, config: &Path, date: &str, id: &str) -> Value {
    // Not --offline: that skips reading the repositories too.
    let v = json(&lab.run(config, date, &["checklist", "--json"]));
    v["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().clone())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in {v}"))
}

/// The push of 2013-06-06: cut from main, then three cherry-picked fixes on
/// a branch off the tag (`-1`, `-2`, `-3`), while main moved on by twelve
/// commits nobody reviewed for this push.
fn moved_on(lab: &Lab) -> (PathBuf, String) {
    let r = lab.repo("web");
    for i in 0..5 {
        commit(&r, &format!("may {i}"), &format!("2013-05-2{}T10:00:00Z", i + 3));
    }
    tag(&r, "2013.05.30", "HEAD");
    for i in 0..5 {
        commit(&r, &format!("june {i}"), &format!("2013-06-0{}T10:00:00Z", i + 1));
    }
    tag(&r, "2013.06.06", "HEAD");
    git(&r, &["checkout", "-q", "-b", "cherry", "2013.06.06"], None);
    for n in 1..=3 {
        commit(&r, &format!("fix {n}"), &format!("2013-06-0{}T12:00:00Z", 5 + n));
        tag(&r, &format!("2013.06.06-{n}"), "HEAD");
    }
    let fix3 = git(&r, &["rev-parse", "HEAD"], None);
    git(&r, &["checkout", "-q", "main"], None);
    for i in 0..12 {
        commit(&r, &format!("after the push {i}"), &format!("2013-06-1{}T09:00:00Z", i % 10));
    }
    (r, fix3)
}

#[test]
fn the_branch_moving_on_after_tagging_changes_nothing_about_the_push() {
    let lab = Lab::new();
    let (r, fix3) = moved_on(&lab);
    let config = lab.config(&[("web", &r, "")], "");
    let date = "2013-06-06";

    let out = lab.run(&config, date, &["repos", "--json", "--offline"]);
    assert!(out.status.success(), "{}", text(&out));
    let web = &json(&out)[0];
    assert_eq!(web["target_tag"], "2013.06.06-3");
    assert_eq!(web["state"], "tagged", "{web}");
    assert_eq!(web["compare_from"], "2013.05.30");
    assert_eq!(web["compare_to"], "2013.06.06-3");
    assert_eq!(web["compare_to_head"], false);
    assert_eq!(web["commits_since_previous"], count(&r, "2013.05.30..2013.06.06-3"));
    assert_eq!(web["commits_beyond_target"], count(&r, "2013.06.06-3..main"));
    assert_eq!(web["commits_beyond_target"], 12);
    assert_eq!(web["compare_url"], "https://github.com/example/web/compare/2013.05.30...2013.06.06-3");

    // `tag` proposes nothing and says why; the branch's new work is reported.
    let out = lab.run(&config, date, &["tag", "--dry-run", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["tags"].as_array().unwrap().len(), 0, "{v}");
    let why = v["skipped"][0]["reason"].as_str().unwrap();
    assert!(
        why.contains("already tagged 2013.06.06-3") && why.contains("12 commits on main not in this push"),
        "{why}"
    );
    let out = lab.run(&config, date, &["tag", "--dry-run"]);
    let said = text(&out);
    assert!(said.contains("nothing to tag") && said.contains("web") && said.contains("already tagged"), "{said}");

    // The compare is what ships: previous..tag, exactly git's list.
    let v = json(&lab.run(&config, date, &["compare", "web", "--json"]));
    assert_eq!((v["from"].as_str(), v["to"].as_str()), (Some("2013.05.30"), Some("2013.06.06-3")));
    let ours: Vec<&str> = v["commits"].as_array().unwrap().iter().map(|c| c["sha"].as_str().unwrap()).collect();
    let theirs = git(&r, &["log", "--format=%H", "--no-merges", "2013.05.30..2013.06.06-3"], None);
    assert_eq!(ours, theirs.lines().collect::<Vec<_>>());

    // The checklist's tag item is done; the notes name the tag.
    let item = checklist_item(&lab, &config, date, "tags-exist");
    assert_eq!(item["done"], true, "{item}");
    let notes = text(&lab.run(&config, date, &["notes"]));
    assert!(notes.contains("web: https://github.com/example/web/compare/2013.05.30...2013.06.06-3"), "{notes}");

    // A re-tag is made on purpose, on the commit named, in the next number.
    let out = lab.run(&config, date, &["tag", "--retag", "web", "--dry-run", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["tags"][0]["tag"], "2013.06.06-4");
    assert_eq!(v["tags"][0]["commit"], git(&r, &["rev-parse", "main"], None).as_str());
    let out = lab.run(&config, date, &["tag", "--retag", "web", "--at", &fix3[..10]]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("already tagged 2013.06.06-3"), "{}", text(&out));
    let out = lab.run(&config, date, &["tag", "--retag", "web", "--at", "cherry~1"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(git(&r, &["rev-parse", "2013.06.06-4^{commit}"], None), git(&r, &["rev-parse", "cherry~1"], None));
    // The tag's message ends in a newline, as `git tag -a` writes it.
    let raw = git(&r, &["cat-file", "tag", "2013.06.06-4"], None);
    let body = raw.split_once("\n\n").unwrap().1;
    let raw_bytes =
        std::process::Command::new("git").current_dir(&r).args(["cat-file", "tag", "2013.06.06-4"]).output();
    assert!(raw_bytes.unwrap().stdout.ends_with(b"\n"), "message: {body:?}");
}

#[test]
fn zero_padded_re_tags_are_numbers_and_keep_their_style() {
    let lab = Lab::new();
    let r = lab.repo("api");
    commit(&r, "base", "2015-05-20T10:00:00Z");
    tag(&r, "2015.05.26", "HEAD");
    commit(&r, "fix", "2015-05-27T10:00:00Z");
    tag(&r, "2015.05.26-02", "HEAD");
    commit(&r, "work", "2015-05-29T10:00:00Z");
    tag(&r, "2015.06.02", "HEAD");
    commit(&r, "fix a", "2015-06-02T10:00:00Z");
    tag(&r, "2015.06.02-1", "HEAD");
    commit(&r, "fix b", "2015-06-02T11:00:00Z");
    tag(&r, "2015.06.02-02", "HEAD");
    commit(&r, "fix c", "2015-06-02T12:00:00Z");
    tag(&r, "2015.06.02-03", "HEAD");
    let config = lab.config(&[("api", &r, "")], "");

    let web = &json(&lab.run(&config, "2015-06-02", &["repos", "--json", "--offline"]))[0];
    assert_eq!(web["target_tag"], "2015.06.02-03", "{web}");
    assert_eq!(web["next_tag"], "2015.06.02-04", "continues the repository's own style");
    assert_eq!(web["previous_tag"], "2015.05.26-02");

    // Next week the padded re-tag is the previous push.
    commit(&r, "next week", "2015-06-05T10:00:00Z");
    let web = &json(&lab.run(&config, "2015-06-09", &["repos", "--json", "--offline"]))[0];
    assert_eq!(web["previous_tag"], "2015.06.02-03");
    assert_eq!(web["next_tag"], "2015.06.09");
    assert_eq!(web["commits_since_previous"], 1);
    let out = lab.run(&config, "2015-06-09", &["tag"]);
    assert!(out.status.success(), "{}", text(&out));
    let v = json(&lab.run(&config, "2015-06-09", &["tag", "--retag", "api", "--at", "HEAD~1", "--dry-run", "--json"]));
    assert_eq!(v["tags"][0]["tag"], "2015.06.09-01", "the first re-tag of a week is padded like the last one");
}

/// A service reporting a padded re-tag is on target: the status exit code
/// a deploy script waits on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_on_a_padded_re_tag_is_on_target() {
    let lab = Lab::new();
    let r = lab.repo("api");
    commit(&r, "base", "2015-05-20T10:00:00Z");
    tag(&r, "2015.05.26", "HEAD");
    commit(&r, "work", "2015-05-29T10:00:00Z");
    tag(&r, "2015.06.02", "HEAD");
    commit(&r, "fix b", "2015-06-02T11:00:00Z");
    tag(&r, "2015.06.02-02", "HEAD");
    let sha = commit(&r, "fix c", "2015-06-02T12:00:00Z");
    tag(&r, "2015.06.02-03", "HEAD");

    // What python-dockerflow serves from version.json.
    let body = serde_json::json!({
        "source": "https://github.com/example/api",
        "version": "2015.06.02-03",
        "commit": sha,
        "build": "https://ci.example.com/build/1",
    });
    let app = axum::Router::new()
        .route("/__version__", axum::routing::get(move || std::future::ready(axum::Json(body.clone()))))
        .route(
            "/__heartbeat__",
            axum::routing::get(|| {
                std::future::ready(axum::Json(serde_json::json!({"status": "ok", "checks": {}, "details": {}})))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let services = format!(
        "\n[[services]]\nname = \"api\"\nrepo = \"api\"\n[services.envs]\nprod = \"http://{addr}/__version__\"\n"
    );
    let config = lab.config(&[("api", &r, "")], &services);
    let status = |date: &'static str| {
        let (config, data) = (config.clone(), lab.path("data"));
        tokio::task::spawn_blocking(move || {
            Command::cargo_bin("shipdeck")
                .unwrap()
                .args(["status", "--json", "--expect", "prod", "--config"])
                .arg(&config)
                .arg("--data-dir")
                .arg(&data)
                .args(["--push-date", date])
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .output()
                .unwrap()
        })
    };
    let out = status("2015-06-02").await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // A week later nothing changed: nothing to tag, and the service running
    // last week's re-tag is where it should be.
    let out = status("2015-06-09").await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["services"][0]["target"], "2015.06.02-03", "{v}");
}

#[test]
fn a_repository_with_nothing_new_has_nothing_to_tag() {
    let lab = Lab::new();
    let r = lab.repo("lib");
    commit(&r, "one", "2018-01-20T10:00:00Z");
    let head = commit(&r, "two", "2018-01-25T10:00:00Z");
    // Three tags on the head already: the scheme's and two others.
    tag(&r, "2018.01.30", "HEAD");
    tag(&r, "v2.1.0", "HEAD");
    git(&r, &["tag", "stable", "HEAD"], None);
    let busy = lab.repo("app");
    commit(&busy, "old", "2018-01-20T10:00:00Z");
    tag(&busy, "2018.01.30", "HEAD");
    commit(&busy, "new", "2018-02-01T10:00:00Z");
    let config = lab.config(&[("lib", &r, ""), ("app", &busy, "")], "");
    let date = "2018-02-06";

    let v = json(&lab.run(&config, date, &["repos", "--json", "--offline"]));
    let lib = &v[0];
    assert_eq!(lib["state"], "unchanged", "{lib}");
    assert_eq!(lib["commits_since_previous"], 0);
    assert_eq!(lib["tag_local"], false);
    // No URL names a tag that does not exist.
    let url = lib["compare_url"].as_str().unwrap();
    assert!(url.ends_with(&format!("2018.01.30...{}", &head[..12])), "{url}");
    assert!(!url.contains("2018.02.06"));

    let out = lab.run(&config, date, &["tag", "--dry-run"]);
    let said = text(&out);
    assert!(said.contains("no changes since 2018.01.30: nothing to tag"), "{said}");
    assert!(said.contains("would create"), "app still gets its tag: {said}");
    let out = lab.run(&config, date, &["tag"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(git(&r, &["tag", "-l", "2018.02.06"], None), "", "nothing tagged where nothing changed");
    assert_eq!(git(&busy, &["tag", "-l", "2018.02.06"], None), "2018.02.06");
    let item = checklist_item(&lab, &config, date, "tags-exist");
    assert_eq!(item["done"], true, "an unchanged repository counts as done: {item}");
    let notes = text(&lab.run(&config, date, &["notes"]));
    assert!(notes.contains("lib: no changes since 2018.01.30"), "no link to an empty range: {notes}");

    // Teams that tag everything say so per repository.
    let config = lab.config(&[("lib", &r, "tag_unchanged = true"), ("app", &busy, "")], "");
    let v = json(&lab.run(&config, date, &["tag", "--dry-run", "--json"]));
    let tags: Vec<&str> = v["tags"].as_array().unwrap().iter().map(|t| t["repo"].as_str().unwrap()).collect();
    assert_eq!(tags, ["lib"], "{v}");
}

#[test]
fn a_mis_dated_push_tag_is_set_aside_and_counts_never_contradict() {
    let lab = Lab::new();
    let r = lab.repo("old");
    commit(&r, "2011", "2011-12-20T10:00:00Z");
    tag(&r, "2012.01.24", "HEAD");
    for i in 0..3 {
        commit(&r, &format!("jan {i}"), &format!("2012-01-2{}T10:00:00Z", 5 + i));
    }
    tag(&r, "2012.02.07", "HEAD");
    for i in 0..20 {
        commit(&r, &format!("later {i}"), &format!("2013-0{}-1{}T10:00:00Z", 1 + i % 9, i % 10));
    }
    // Named for a push in 2012, made on a 2013 commit.
    tag(&r, "2012.01.31", "HEAD");
    let config = lab.config(&[("old", &r, "")], "");
    let date = "2012-02-07";

    let v = json(&lab.run(&config, date, &["repos", "--json", "--offline"]));
    let old = &v[0];
    assert_eq!(old["previous_tag"], "2012.01.24", "the mis-dated tag is not the previous push: {old}");
    let warning = old["warnings"][0].as_str().unwrap();
    assert!(warning.contains("2012.01.31") && warning.contains("mis-dated"), "{warning}");
    assert_eq!(old["commits_since_previous"], count(&r, "2012.01.24..2012.02.07"));
    let c = json(&lab.run(&config, date, &["compare", "old", "--json", "--merges"]));
    assert_eq!(c["commits"].as_array().unwrap().len() as u64, old["commits_since_previous"].as_u64().unwrap());

    // A previous push tag that already contains this push (dates plausible):
    // said, and the count matches the compare.
    let r2 = lab.repo("twisted");
    commit(&r2, "a", "2012-01-20T10:00:00Z");
    tag(&r2, "2012.02.07", "HEAD");
    commit(&r2, "b", "2012-01-31T10:00:00Z");
    tag(&r2, "2012.01.31", "HEAD");
    let config = lab.config(&[("twisted", &r2, "")], "");
    let v = json(&lab.run(&config, date, &["repos", "--json", "--offline"]));
    let t = &v[0];
    assert_eq!(t["previous_tag"], "2012.01.31");
    assert_eq!(t["commits_since_previous"], 0);
    let warning = t["warnings"][0].as_str().unwrap();
    assert!(warning.contains("2012.02.07 lacks 1 commit of the previous push tag 2012.01.31"), "{warning}");
    let said = text(&lab.run(&config, date, &["repos", "--offline"]));
    assert!(said.contains("warning:") && said.contains("0 commits in this push"), "{said}");
}

#[test]
fn a_skewed_commit_date_sets_no_tag_aside() {
    let lab = Lab::new();
    let r = lab.repo("skew");
    commit(&r, "older", "2015-05-10T10:00:00Z");
    tag(&r, "2015.05.19", "HEAD");
    // Last week's push tag, on a commit whose clock ran months ahead.
    commit(&r, "from a laptop with a wrong clock", "2015-09-01T10:00:00Z");
    tag(&r, "2015.05.26", "HEAD");
    commit(&r, "this week", "2015-05-30T10:00:00Z");
    let config = lab.config(&[("skew", &r, "")], "");
    let v = json(&lab.run(&config, "2015-06-02", &["repos", "--json", "--offline"]));
    assert_eq!(v[0]["previous_tag"], "2015.05.26", "{v}");
    assert_eq!(v[0]["commits_since_previous"], 1);
    assert_eq!(v[0]["warnings"], serde_json::json!([]));
}

#[test]
fn fixes_never_merged_back_are_said_not_hidden() {
    let lab = Lab::new();
    let r = lab.repo("cp");
    commit(&r, "base", "2015-05-25T10:00:00Z");
    tag(&r, "2015.05.26", "HEAD");
    git(&r, &["checkout", "-q", "-b", "cherry"], None);
    commit(&r, "the fix", "2015-05-26T15:00:00Z");
    tag(&r, "2015.05.26-1", "HEAD");
    git(&r, &["checkout", "-q", "main"], None);
    // Main has not moved, and never got the fix prod runs.
    let config = lab.config(&[("cp", &r, "")], "");
    let v = json(&lab.run(&config, "2015-06-02", &["repos", "--json", "--offline"]));
    assert_eq!(v[0]["previous_tag"], "2015.05.26-1", "{v}");
    assert_eq!(v[0]["state"], "unchanged");
    assert_eq!(v[0]["target_tag"], "2015.05.26-1", "prod keeps running the re-tag");
    let warning = v[0]["warnings"][0].as_str().unwrap();
    assert!(warning.contains("lacks 1 commit of the previous push tag 2015.05.26-1"), "{warning}");
}

#[test]
fn compare_rows_show_when_a_change_was_written() {
    let lab = Lab::new();
    let r = lab.repo("web");
    commit(&r, "base", "2013-05-20T10:00:00Z");
    tag(&r, "2013.05.30", "HEAD");
    git(&r, &["checkout", "-q", "-b", "fix"], None);
    commit(&r, "the fix, written in April", "2013-04-02T10:00:00Z");
    git(&r, &["checkout", "-q", "main"], None);
    // Cherry-picked in June: the committer date moves, the author date stays.
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(&r).args(["cherry-pick", "--allow-empty", "fix"]);
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_COMMITTER_DATE", "2013-06-05T10:00:00Z");
    cmd.env("GIT_COMMITTER_NAME", "Ada").env("GIT_COMMITTER_EMAIL", "ada@example.com");
    assert!(cmd.output().unwrap().status.success());
    assert_eq!(git(&r, &["log", "-1", "--format=%ad %cd", "--date=short"], None), "2013-04-02 2013-06-05");
    let config = lab.config(&[("web", &r, "")], "");
    let v = json(&lab.run(&config, "2013-06-06", &["compare", "web", "--json"]));
    assert_eq!(v["commits"][0]["summary"], "the fix, written in April");
    assert_eq!(v["commits"][0]["date"], "2013-04-02T10:00:00+00:00", "{v}");
    let said = text(&lab.run(&config, "2013-06-06", &["compare", "web"]));
    assert!(said.contains(" 2013-04-02 "), "{said}");
}

#[test]
fn a_bare_mirror_needs_no_work_tree() {
    let lab = Lab::new();
    let (r, _) = moved_on(&lab);
    let mirror = lab.path("web.git");
    git(lab.dir.path(), &["clone", "-q", "--mirror", r.to_str().unwrap(), mirror.to_str().unwrap()], None);
    let config = lab.config(&[("web", &mirror, "")], "");
    let out = lab.run(&config, "2013-06-06", &["repos", "--json", "--offline"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(json(&out)[0]["target_tag"], "2013.06.06-3");
    // One commit is "1 commit".
    let out = lab.run(&config, "2013-06-06", &["compare", "web", "2013.06.06-2", "2013.06.06-3"]);
    let said = text(&out);
    assert!(said.contains(": 1 commit\n"), "{said}");

    // A tag made in the mirror and not pushed yet survives a fetch, though
    // the mirror's own refspec (+refs/*:refs/*) with --prune would delete it.
    let out = lab.run(&config, "2013-06-06", &["tag", "--retag", "web", "--at", "main~1"]);
    assert!(out.status.success(), "{}", text(&out));
    let ours = git(&mirror, &["rev-parse", "2013.06.06-4^{commit}"], None);
    let newer = commit(&r, "merged upstream meanwhile", "2013-06-12T09:00:00Z");
    let out = lab.run(&config, "2013-06-06", &["repos", "--fetch", "--offline", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(git(&mirror, &["rev-parse", "2013.06.06-4^{commit}"], None), ours, "the unpushed tag is kept");
    assert_eq!(git(&mirror, &["rev-parse", "main"], None), newer, "the branch follows the remote");
    // The remote's tag of the same name on another commit moves nothing here.
    tag(&r, "2013.06.06-4", "HEAD");
    let out = lab.run(&config, "2013-06-06", &["repos", "--fetch", "--offline", "--json"]);
    assert_eq!(git(&mirror, &["rev-parse", "2013.06.06-4^{commit}"], None), ours, "never moved: {}", text(&out));
}

#[test]
fn a_fetch_leaves_a_clones_own_branches_alone() {
    let lab = Lab::new();
    let up = lab.repo("up");
    commit(&up, "one", "2013-05-20T10:00:00Z");
    tag(&up, "2013.05.30", "HEAD");
    let r = lab.path("clone");
    git(lab.dir.path(), &["clone", "-q", up.to_str().unwrap(), r.to_str().unwrap()], None);
    // A common addition: tags fetched by an explicit refspec.
    git(&r, &["config", "--add", "remote.origin.fetch", "+refs/tags/*:refs/tags/*"], None);
    git(&r, &["checkout", "-q", "-b", "mine"], None);
    let mine = commit(&r, "local work", "2013-06-01T10:00:00Z");
    git(&r, &["checkout", "-q", "--detach"], None);
    let newer = commit(&up, "upstream", "2013-06-02T10:00:00Z");
    let config = lab.config(&[("web", &r, "")], "");
    let out = lab.run(&config, "2013-06-06", &["repos", "--fetch", "--offline", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(git(&r, &["rev-parse", "mine"], None), mine, "a local branch is never pruned or reset");
    assert_eq!(git(&r, &["rev-parse", "origin/main"], None), newer);
    assert_eq!(json(&out)[0]["head"], newer.as_str());

    // A fetch that fails fails the command, naming the repository.
    git(&r, &["remote", "set-url", "origin", "/nonexistent/shipdeck-remote"], None);
    let out = lab.run(&config, "2013-06-06", &["repos", "--fetch", "--offline", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("fetch failed for web"), "{}", text(&out));
    assert!(json(&out)[0]["fetch_error"].as_str().is_some());
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let lab = Lab::new();
    let r = lab.repo("big");
    // Enough output to fill a pipe several times over.
    let mut stream = String::new();
    for i in 0..3000 {
        let msg = format!("commit {i} with a summary long enough to fill the pipe quickly\n");
        stream += &format!(
            "commit refs/heads/main\nmark :{}\ncommitter A <a@b> {} +0000\ndata {}\n{msg}",
            i + 1,
            1_700_000_000 + i * 60,
            msg.len()
        );
    }
    let mut fi = std::process::Command::new("git")
        .current_dir(&r)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    fi.stdin.take().unwrap().write_all(stream.as_bytes()).unwrap();
    assert!(fi.wait().unwrap().success());
    git(&r, &["tag", "2023.11.07", "main~2990"], None);
    let config = lab.config(&[("big", &r, "")], "");
    for args in [
        &["compare", "big"][..],
        &["compare", "big", "--json"],
        &["repos", "--offline"],
        &["repos", "--json", "--offline"],
        &["notes"],
        &["checklist", "--offline"],
        &["log"],
        &["tag", "--dry-run"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("shipdeck"))
            .args(args)
            .arg("--config")
            .arg(&config)
            .arg("--data-dir")
            .arg(lab.path("data"))
            .args(["--push-date", "2023-11-14"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away at once, like `| head -0`.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
    }
}
