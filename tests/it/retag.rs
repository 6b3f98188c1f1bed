//! Re-tags from the pick basket on real temporary repositories: the picks
//! cherry-picked with `-x` in the basket's order onto the base tag, the next
//! `-N` (or this push's first tag), picks the base already has skipped, and
//! a conflict leaving refs, worktrees and the user's checkout exactly as
//! they were; then `shipdeck retag` end to end, JSON, journal and notes.

use assert_cmd::Command;
use serde_json::Value;
use shipdeck::domain::repos::RepoSpec;
use shipdeck::testkit::git_command;
use std::path::PathBuf;
use std::time::Duration;

struct Repo {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Repo {
    /// A repository on `main` with a committer identity of its own.
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app");
        std::fs::create_dir_all(&path).unwrap();
        let r = Repo { dir, path };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.name", "Rita Release"]);
        r.git(&["config", "user.email", "rita@example.com"]);
        r
    }

    fn git(&self, args: &[&str]) -> String {
        let out = git_command(self.dir.path(), &self.path)
            .args(args)
            .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn commit(&self, file: &str, content: &str, message: &str) -> String {
        std::fs::write(self.path.join(file), content).unwrap();
        self.git(&["add", file]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn spec(&self) -> RepoSpec {
        RepoSpec {
            name: "app".into(),
            path: self.path.display().to_string(),
            remote: "origin".into(),
            branch: Some("main".into()),
            web_url: None,
            security: None,
            tag_unchanged: false,
        }
    }

    /// What a re-tag must leave as it was: every ref, the worktrees, the
    /// checkout's state and where HEAD is.
    fn state(&self) -> [String; 4] {
        [
            self.git(&["for-each-ref", "--format=%(refname) %(objectname)"]),
            self.git(&["worktree", "list", "--porcelain"]),
            self.git(&["status", "--porcelain", "--untracked-files=all"]),
            self.git(&["rev-parse", "--symbolic-full-name", "HEAD"]) + " " + &self.git(&["rev-parse", "HEAD"]),
        ]
    }
}

fn retag(
    repo: &Repo,
    base: &str,
    tag: &str,
    picks: &[(String, String)],
) -> Result<(String, Vec<String>, Vec<String>), String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let built = rt.block_on(shipdeck::io::git::retag(
        &repo.spec(),
        base,
        tag,
        picks,
        "Test push 2026-11-26: re-tagged by rita",
        Duration::from_secs(30),
    ));
    built.map(|b| (b.commit, b.shipped, b.skipped)).map_err(|e| e.to_string())
}

fn pick(sha: &str, summary: &str) -> (String, String) {
    (sha.to_string(), summary.to_string())
}

/// main: base, then the push (tagged 2026.11.26), then fixes after it.
fn pushed_with_fixes() -> (Repo, Vec<String>) {
    let r = Repo::new();
    let c1 = r.commit("app.txt", "one\n", "base");
    r.git(&["tag", "-a", "-m", "push", "2026.11.19", &c1]);
    let c2 = r.commit("app.txt", "one\ntwo\n", "the push's feature");
    r.git(&["tag", "-a", "-m", "push", "2026.11.26", &c2]);
    let f1 = r.commit("first.txt", "fix 1\n", "fix the first thing");
    let f2 = r.commit("second.txt", "fix 2\n", "fix the second thing");
    (r, vec![c1, c2, f1, f2])
}

#[test]
fn picks_are_cherry_picked_in_order_with_x_onto_the_newest_tag_as_the_next_n() {
    let (r, c) = pushed_with_fixes();
    // The user is in the middle of something: it must stay exactly so.
    std::fs::write(r.path.join("app.txt"), "local edit\n").unwrap();
    std::fs::write(r.path.join("scratch.txt"), "untracked\n").unwrap();
    let before = r.state();
    // Asked second first: the basket's order is kept, not the history's.
    let picks =
        [pick(&c[3], "fix the second thing"), pick(&c[2], "fix the first thing"), pick(&c[1], "the push's feature")];
    let (commit, shipped, skipped) = retag(&r, "2026.11.26", "2026.11.26-1", &picks).unwrap();
    assert_eq!(shipped, vec![c[3].clone(), c[2].clone()]);
    assert_eq!(skipped, vec![c[1].clone()], "already in the base: skipped");
    assert_eq!(r.git(&["rev-parse", "2026.11.26-1^{commit}"]), commit);
    assert_eq!(r.git(&["cat-file", "-t", "2026.11.26-1"]), "tag", "annotated");
    let subjects = r.git(&["log", "--format=%s", "2026.11.26..2026.11.26-1"]);
    assert_eq!(subjects, "fix the first thing\nfix the second thing", "oldest pick applied first");
    for (rev, sha) in [("2026.11.26-1", &c[2]), ("2026.11.26-1~1", &c[3])] {
        let body = r.git(&["log", "-1", "--format=%B", rev]);
        assert!(body.contains(&format!("(cherry picked from commit {sha})")), "{body}");
    }
    let message = r.git(&["tag", "-l", "--format=%(contents)", "2026.11.26-1"]);
    let at = |s: &str| message.find(s).unwrap_or_else(|| panic!("{s} not in {message}"));
    assert!(at(&c[3][..7]) < at(&c[2][..7]), "{message}");
    assert!(message.contains(&format!("{} the push's feature (already in 2026.11.26)", &c[1][..7])), "{message}");
    // Only the tag is new; the checkout, its branch and its edits are as they were.
    let after = r.state();
    let new_refs: Vec<&str> = after[0].lines().filter(|l| !before[0].contains(l)).collect();
    assert_eq!(new_refs.len(), 1, "{new_refs:?}");
    assert!(new_refs[0].starts_with("refs/tags/2026.11.26-1 "));
    assert_eq!(after[1..], before[1..]);
    // The tag exists now: never made twice.
    let again = retag(&r, "2026.11.26", "2026.11.26-1", &picks).unwrap_err();
    assert!(again.contains("2026.11.26-1 already exists"), "{again}");
}

#[test]
fn a_pick_the_base_has_under_another_commit_is_skipped_and_all_skipped_makes_nothing() {
    let (r, c) = pushed_with_fixes();
    // The first fix was cherry-picked onto a side branch by hand and tagged.
    r.git(&["checkout", "-q", "-b", "side", "2026.11.26"]);
    r.git(&["cherry-pick", &c[2]]);
    r.git(&["tag", "-a", "-m", "by hand", "2026.11.26-1"]);
    r.git(&["checkout", "-q", "main"]);
    let (_, shipped, skipped) =
        retag(&r, "2026.11.26-1", "2026.11.26-2", &[pick(&c[2], "first"), pick(&c[3], "second")]).unwrap();
    assert_eq!((shipped, skipped), (vec![c[3].clone()], vec![c[2].clone()]), "an empty cherry-pick is skipped");
    let before = r.state();
    let none = retag(&r, "2026.11.26-2", "2026.11.26-3", &[pick(&c[2], "first")]).unwrap_err();
    assert!(none.contains("every pick is already in 2026.11.26-2: no tag made"), "{none}");
    assert_eq!(r.state(), before);
}

#[test]
fn a_conflict_aborts_everything_and_leaves_the_repository_as_it_was() {
    let (r, c) = pushed_with_fixes();
    // A change to the push's own line, made on main after tagging, cannot
    // go onto a base that lacks the line before it.
    r.git(&["checkout", "-q", "-b", "elsewhere", "2026.11.19"]);
    let clash = r.commit("app.txt", "one\nsomething else\n", "rewrite the feature");
    r.git(&["checkout", "-q", "main"]);
    std::fs::write(r.path.join("first.txt"), "local edit\n").unwrap();
    let before = r.state();
    let picks = [pick(&c[2], "fix the first thing"), pick(&clash, "rewrite the feature")];
    let e = retag(&r, "2026.11.26", "2026.11.26-1", &picks).unwrap_err();
    assert!(e.contains(&format!("cherry-picking {} (rewrite the feature)", &clash[..7])), "{e}");
    assert!(e.contains("conflicts in app.txt") && e.contains("no tag made"), "{e}");
    assert_eq!(r.state(), before, "refs, worktrees and the checkout untouched");
    assert!(!r.git(&["tag", "-l"]).contains("2026.11.26-1"));
}

#[test]
fn git_not_answering_in_time_is_said_and_changes_nothing() {
    let (r, c) = pushed_with_fixes();
    let before = r.state();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let e = rt
        .block_on(shipdeck::io::git::retag(
            &r.spec(),
            "2026.11.26",
            "2026.11.26-1",
            &[pick(&c[2], "first")],
            "m",
            Duration::from_millis(1),
        ))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no answer within") && e.contains("no tag made"), "{e}");
    assert!(!e.contains("identity"), "a slow git is not a missing identity: {e}");
    assert_eq!(r.state(), before);
}

/// The test's git without any identity: none configured, none guessed.
fn without_identity(repo: &Repo) {
    repo.git(&["config", "--unset", "user.name"]);
    repo.git(&["config", "--unset", "user.email"]);
    repo.git(&["config", "user.useConfigOnly", "true"]);
}

struct Cli {
    repo: Repo,
    config: PathBuf,
    data: PathBuf,
    remote: PathBuf,
}

/// The first-tag case: this push has no tag, main is broken, the fix is on
/// a branch of its own; a bare remote to push to.
fn cli_setup() -> (Cli, String) {
    let r = Repo::new();
    let c1 = r.commit("app.txt", "one\n", "base");
    r.git(&["tag", "-a", "-m", "push", "2026.11.19", &c1]);
    r.commit("app.txt", "one\nbroken\n", "a change not ready to ship");
    r.git(&["checkout", "-q", "-b", "fix", "2026.11.19"]);
    let fix = r.commit("fix.txt", "fixed\n", "the fix that must ship");
    r.git(&["checkout", "-q", "main"]);
    let remote = r.dir.path().join("remote.git");
    r.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    r.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let config = r.dir.path().join("shipdeck.toml");
    let toml = format!(
        "[release]\nname = \"Test\"\npush_day = \"thursday\"\n\n[[repos]]\nname = \"app\"\npath = \"{}\"\nbranch = \"main\"\n",
        r.path.display()
    );
    std::fs::write(&config, toml).unwrap();
    let data = r.dir.path().join("data");
    (Cli { config, data, remote, repo: r }, fix)
}

fn shipdeck(cli: &Cli, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("shipdeck")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(&cli.config)
        .arg("--data-dir")
        .arg(&cli.data)
        .args(["--push-date", "2026-11-26", "--as", "rita"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("EMAIL")
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn shipdeck_retag_makes_the_first_tag_from_the_basket_pushes_it_and_the_notes_say_so() {
    let (cli, fix) = cli_setup();
    let empty = shipdeck(&cli, &["retag", "app", "--json"]);
    assert_eq!(empty.status.code(), Some(3), "{}", String::from_utf8_lossy(&empty.stderr));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("the pick basket is empty"));
    let picked = shipdeck(&cli, &["log", &format!("/pick {} app", &fix[..10])]);
    assert!(picked.status.success(), "{}", String::from_utf8_lossy(&picked.stderr));

    let dry = json(&shipdeck(&cli, &["retag", "app", "--dry-run", "--json"]));
    assert_eq!(
        (dry["base"].as_str(), dry["tag"].as_str(), dry["first"].as_bool()),
        (Some("2026.11.19"), Some("2026.11.26"), Some(true))
    );
    assert_eq!(dry["picks"][0]["state"], "planned");
    assert_eq!(dry["created"], false);
    assert!(!cli.repo.git(&["tag", "-l"]).contains("2026.11.26"), "a dry run changes nothing");

    let before = cli.repo.state();
    let out = shipdeck(&cli, &["retag", "app", "--push", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["tag"], "2026.11.26", "this push's first tag");
    assert_eq!((v["created"].as_bool(), v["pushed"].as_bool()), (Some(true), Some(true)));
    assert_eq!(v["picks"][0]["sha"], fix.as_str());
    assert_eq!(v["picks"][0]["state"], "picked");
    let commit = cli.repo.git(&["rev-parse", "2026.11.26^{commit}"]);
    assert_eq!(v["commit"], commit.as_str());
    assert_eq!(
        cli.repo.git(&["rev-parse", "2026.11.26^{commit}~1"]),
        cli.repo.git(&["rev-parse", "2026.11.19^{commit}"])
    );
    let remote =
        git_command(cli.repo.dir.path(), &cli.remote).args(["rev-parse", "2026.11.26^{commit}"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&remote.stdout).trim(), commit, "pushed");
    assert_eq!(cli.repo.state()[1..], before[1..], "the checkout is untouched");

    // The journal has the re-tag and the push; the notes mark the pick shipped.
    let log = json(&shipdeck(&cli, &["log", "--json"]));
    let kinds: Vec<&str> = log.as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"retagged") && kinds.contains(&"tag_pushed"), "{kinds:?}");
    let notes = json(&shipdeck(&cli, &["notes", "--json"]));
    assert_eq!(notes["picks"][0]["shipped_in"], "2026.11.26");
    let md = String::from_utf8_lossy(&shipdeck(&cli, &["notes"]).stdout).into_owned();
    assert!(md.contains("the fix that must ship") && md.contains("— shipped in 2026.11.26"), "{md}");
    // Shipped: the basket is empty again.
    assert_eq!(shipdeck(&cli, &["retag", "app"]).status.code(), Some(3));
    // Picking it again is refused, naming the tag it went into: a basket no
    // re-tag could empty would be the only result.
    let again = shipdeck(&cli, &["log", &format!("/pick {} app", &fix[..10])]);
    assert_eq!(again.status.code(), Some(2), "{}", String::from_utf8_lossy(&again.stderr));
    let said = String::from_utf8_lossy(&again.stderr).into_owned();
    assert!(said.contains(&format!("{} already shipped in 2026.11.26", &fix[..12])), "{said}");
    let notes = json(&shipdeck(&cli, &["notes", "--json"]));
    assert_eq!(notes["picks"].as_array().unwrap().len(), 1, "nothing recorded: {notes}");
    // Without the journal, git alone knows it: the tag has a commit whose
    // `-x` trailer names the pick.
    let range =
        shipdeck::domain::repos::CompareRange { from: "2026.11.19".into(), to: "2026.11.26".into(), to_head: false };
    let git =
        shipdeck::io::git::resolve_pick(&fix, &[cli.repo.spec()], &[("app".into(), range)]).unwrap_err().to_string();
    assert!(git.contains(&format!("cherry-picked as {}", &commit[..12])), "{git}");
}

#[test]
fn a_re_tag_made_without_push_says_what_pushes_it_and_that_does() {
    let (cli, fix) = cli_setup();
    assert!(shipdeck(&cli, &["log", &format!("/pick {fix} app")]).status.success());
    let out = shipdeck(&cli, &["retag", "app"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("created 2026.11.26 (not pushed: `shipdeck tag --push` or `P` pushes it)"), "{said}");
    // The basket is empty now: `retag --push` has nothing to do, and says so.
    assert_eq!(shipdeck(&cli, &["retag", "app", "--push"]).status.code(), Some(3));
    let out = shipdeck(&cli, &["tag", "--push"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let on_remote = git_command(cli.repo.dir.path(), &cli.remote).args(["tag", "-l"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&on_remote.stdout).trim(), "2026.11.26", "what it said pushed it");
}

#[test]
fn without_a_committer_identity_the_retag_says_what_to_set_and_makes_nothing() {
    let (cli, fix) = cli_setup();
    assert!(shipdeck(&cli, &["log", &format!("/pick {fix} app")]).status.success());
    without_identity(&cli.repo);
    let before = cli.repo.state();
    let out = shipdeck(&cli, &["retag", "app"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("no committer identity") && said.contains("user.name and user.email"), "{said}");
    assert_eq!(cli.repo.state(), before);
}

mod screen {
    use chrono::{DateTime, TimeZone, Utc};

    use shipdeck::action::Action;
    use shipdeck::domain::journal::EventKind;
    use shipdeck::domain::kernel::actor::{Actor, Role};
    use shipdeck::domain::repos::msg::ReposMsg;
    use shipdeck::domain::{Model, Msg, update};

    use shipdeck::testkit;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 15, 20, 0).unwrap()
    }

    /// addons-server tagged for this push, with two picks waiting.
    fn model() -> Model {
        let mut m = Model::new(
            testkit::release(),
            Actor { name: "alice".into(), role: Role::Rm },
            vec!["stage".into(), "prod".into()],
            &testkit::specs(&["addons-server"]),
            &[testkit::repo_spec("addons-server"), testkit::repo_spec("addons-frontend")],
            std::time::Duration::from_secs(15),
            t0(),
        );
        update(&mut m, Msg::Tick(t0()));
        let server = testkit::repo_status(&[("2026.11.19", "a"), ("2026.11.26", "c")], "c");
        let frontend = testkit::repo_status(&[("2026.11.19", "d")], "f");
        for (repo, status) in [server, frontend].into_iter().enumerate() {
            let generation = m.repos.rows[repo].scan_gen;
            let result = Ok(Box::new(status));
            update(&mut m, Msg::Repos(ReposMsg::Scanned { generation, repo, result, at: t0() }));
        }
        for (n, (sha, summary)) in
            [("1ee8fb7", "Fix the search query"), ("5c0ffee", "Pin the CDN header")].iter().enumerate()
        {
            let kind = EventKind::Pick {
                repo: "addons-server".into(),
                sha: sha.repeat(6)[..40].to_string(),
                summary: summary.to_string(),
            };
            let at = t0() - chrono::Duration::minutes(30 - n as i64);
            m.apply_events(&[testkit::event(&format!("p{n}"), at, "rita", Role::Rm, kind)]);
        }
        update(&mut m, Msg::Action(Action::FocusRepos));
        m
    }

    use crate::common::screen::draw;

    #[test]
    fn the_repos_pane_counts_the_basket_and_t_says_exactly_what_it_will_do() {
        let mut m = model();
        update(&mut m, Msg::Action(Action::ToggleZoom));
        let pane = draw(&m, 120, 40);
        assert!(pane.contains("basket: 2 picks to re-tag"), "{pane}");
        assert_eq!(pane.matches("basket:").count(), 1, "only the repository with picks: {pane}");
        update(&mut m, Msg::Action(Action::ToggleZoom));
        update(&mut m, Msg::Action(Action::Retag));
        insta::assert_snapshot!("retag_dialog_120x40", draw(&m, 120, 40));
        let small = draw(&m, 80, 24);
        for whole in ["then tag it 2026.11.26-1 (annotated, listing the picks).", "Pushing is asked next."] {
            assert!(small.contains(whole), "{small}");
        }
    }
}
