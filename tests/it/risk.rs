//! Risky changes on a real repository: a migration and a requirements
//! change in the push's range are flagged (in `repos`, `compare`, the
//! checklist and the notes), a migration before the previous push tag and a
//! merge are not, and `paths = []` turns it all off.

use assert_cmd::Command;
use serde_json::Value;
use shipdeck::testkit::git_command;
use std::path::PathBuf;

struct Setup {
    dir: tempfile::TempDir,
    repo: PathBuf,
}

fn git(s: &Setup, args: &[&str]) -> String {
    let out = git_command(s.dir.path(), &s.repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn commit(s: &Setup, file: &str, message: &str) -> String {
    let path = s.repo.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("{message}\n")).unwrap();
    git(s, &["add", file]);
    git(s, &["commit", "-q", "-m", message]);
    git(s, &["rev-parse", "HEAD"])
}

/// `(setup, [migration, requirements, branch migration])` in the range.
fn setup(risk: &str) -> (Setup, [String; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("app");
    std::fs::create_dir_all(&repo).unwrap();
    let s = Setup { dir, repo };
    git(&s, &["init", "-q", "-b", "main"]);
    commit(&s, "src/app/migrations/0001_initial.py", "the first migration, shipped long ago");
    git(&s, &["tag", "-a", "-m", "push", "2026.11.19"]);
    let migration = commit(&s, "src/app/migrations/0002_add_column.py", "add a column");
    commit(&s, "README.md", "say more in the readme");
    let requirements = commit(&s, "requirements.txt", "bump django");
    git(&s, &["checkout", "-q", "-b", "feature", "2026.11.19"]);
    let branch = commit(&s, "migrations/0003_index.py", "index the column");
    git(&s, &["checkout", "-q", "main"]);
    git(&s, &["merge", "-q", "--no-ff", "-m", "merge the feature", "feature"]);
    let toml = format!(
        "[release]\nname = \"Test\"\npush_day = \"thursday\"\n{risk}\n[[repos]]\nname = \"app\"\npath = \"{}\"\nbranch = \"main\"\nweb_url = \"https://github.com/example/app\"\n",
        s.repo.display()
    );
    std::fs::write(s.dir.path().join("shipdeck.toml"), toml).unwrap();
    (s, [migration, requirements, branch])
}

fn shipdeck(s: &Setup, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("shipdeck")
        .unwrap()
        .args(args)
        .arg("--config")
        .arg(s.dir.path().join("shipdeck.toml"))
        .arg("--data-dir")
        .arg(s.dir.path().join("data"))
        .args(["--push-date", "2026-11-26", "--as", "rita"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

fn shas(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["sha"].as_str().unwrap().to_string()).collect()
}

#[test]
fn migrations_and_requirements_in_the_push_are_flagged_everywhere() {
    let (s, [migration, requirements, branch]) = setup("");
    let repos = json(&shipdeck(&s, &["repos", "--json", "--offline"]));
    let risky = &repos[0]["risky"];
    // Newest first, as the compare view lists them; the merge and the
    // migration before the previous push tag are not among them.
    let mut found = shas(risky);
    found.sort();
    let mut want = vec![migration.clone(), requirements.clone(), branch.clone()];
    want.sort();
    assert_eq!(found, want, "{risky}");
    let of = |sha: &str| risky.as_array().unwrap().iter().find(|c| c["sha"] == sha).unwrap().clone();
    assert_eq!(of(&migration)["risks"], serde_json::json!(["migrations"]));
    assert_eq!(of(&migration)["paths"], serde_json::json!(["src/app/migrations/0002_add_column.py"]));
    assert_eq!(of(&requirements)["risks"], serde_json::json!(["requirements*.txt"]));
    assert_eq!(of(&branch)["summary"], "index the column");

    let compare = json(&shipdeck(&s, &["compare", "app", "--json", "--merges"]));
    for c in compare["commits"].as_array().unwrap() {
        let sha = c["sha"].as_str().unwrap();
        let flagged = !c["risks"].as_array().unwrap().is_empty();
        assert_eq!(flagged, want.contains(&sha.to_string()), "{c}");
    }
    let text = String::from_utf8_lossy(&shipdeck(&s, &["compare", "app"]).stdout).into_owned();
    assert!(text.lines().any(|l| l.contains("⚠ migrations add a column")), "{text}");

    let checklist = json(&shipdeck(&s, &["checklist", "--json"]));
    let items: Vec<&Value> =
        checklist["phases"].as_array().unwrap().iter().flat_map(|p| p["items"].as_array().unwrap()).collect();
    let item = items.iter().find(|i| i["id"] == "risky-changes-reviewed").expect("the review item appears");
    assert_eq!(item["role"], "ops");
    let evidence = item["evidence"].as_str().unwrap();
    assert!(evidence.starts_with("migrations: 2 commits, requirements*.txt: 1 commit — app "), "{evidence}");
    assert!(evidence.contains(&migration[..7]) && evidence.contains(&branch[..7]), "{evidence}");

    let notes = json(&shipdeck(&s, &["notes", "--json"]));
    assert_eq!(notes["risky"].as_array().unwrap().len(), 3);
    assert_eq!(notes["risky"][0]["repo"], "app");
    let md = String::from_utf8_lossy(&shipdeck(&s, &["notes"]).stdout).into_owned();
    assert!(md.contains("## Risky changes"), "{md}");
    let line = format!("app `{}` add a column — migrations: `src/app/migrations/0002_add_column.py`", &migration[..7]);
    assert!(md.contains(&line), "{md}");
    assert!(md.contains("- [ ] Risky changes reviewed with Ops (ops) — migrations: 2 commits"), "{md}");
    // A person ticks it, in their role.
    let tick = shipdeck(&s, &["tick", "risky-changes-reviewed", "--role", "ops"]);
    assert!(tick.status.success(), "{}", String::from_utf8_lossy(&tick.stderr));
}

#[test]
fn an_empty_risk_list_flags_nothing_and_the_item_stays_away() {
    let (s, _) = setup("\n[risk]\npaths = []\n");
    let repos = json(&shipdeck(&s, &["repos", "--json", "--offline"]));
    assert_eq!(repos[0]["risky"], serde_json::json!([]));
    let checklist = String::from_utf8_lossy(&shipdeck(&s, &["checklist", "--json"]).stdout).into_owned();
    assert!(!checklist.contains("risky-changes-reviewed"));
    let md = String::from_utf8_lossy(&shipdeck(&s, &["notes"]).stdout).into_owned();
    assert!(!md.contains("Risky changes"), "{md}");
}

#[test]
fn a_pattern_of_its_own_names_its_risk() {
    let (s, [_, requirements, _]) = setup("\n[risk]\npaths = [\"/requirements.txt\"]\n");
    let repos = json(&shipdeck(&s, &["repos", "--json", "--offline"]));
    assert_eq!(shas(&repos[0]["risky"]), vec![requirements]);
    assert_eq!(repos[0]["risky"][0]["risks"], serde_json::json!(["requirements.txt"]));
}

#[test]
fn a_range_checked_once_is_not_diffed_again_until_it_moves() {
    use shipdeck::domain::repos::risk::RiskRules;
    let (s, _) = setup("");
    let spec = shipdeck::domain::repos::RepoSpec {
        name: "app".into(),
        path: s.repo.display().to_string(),
        remote: "origin".into(),
        branch: Some("main".into()),
        web_url: None,
        security: None,
        tag_unchanged: false,
    };
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let scan = || shipdeck::io::git::scan(&spec, date, "%Y.%m.%d").unwrap();
    let memo = shipdeck::io::git::RiskMemo::default();
    let found = |rules: &RiskRules| shipdeck::io::git::risky(&spec, &scan(), rules, &memo).unwrap().0.len();
    assert_eq!(found(&RiskRules::default()), 3);
    // The same range: the answer kept (the rules are the Io's, fixed for its life).
    assert_eq!(found(&RiskRules::new(["/requirements.txt"])), 3);
    // The branch moved: checked again.
    commit(&s, "migrations/0004.py", "another migration");
    assert_eq!(found(&RiskRules::default()), 4);
}

mod screen {
    use chrono::{DateTime, TimeZone, Utc};

    use shipdeck::action::Action;
    use shipdeck::domain::kernel::actor::{Actor, Role};
    use shipdeck::domain::repos::msg::{ReposEffect, ReposMsg};
    use shipdeck::domain::repos::risk::RiskyCommit;
    use shipdeck::domain::{Effect, Model, Msg, update};

    use shipdeck::testkit;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 15, 20, 0).unwrap()
    }

    use crate::common::screen::draw;

    fn risky(seed: &str, summary: &str, risk: &str) -> RiskyCommit {
        RiskyCommit { sha: seed.repeat(40), summary: summary.into(), risks: vec![risk.into()], paths: Vec::new() }
    }

    #[test]
    fn the_pane_says_what_is_risky_and_the_compare_view_marks_it() {
        let mut m = Model::new(
            testkit::release(),
            Actor { name: "alice".into(), role: Role::Rm },
            vec!["stage".into(), "prod".into()],
            &testkit::specs(&["addons-server"]),
            &[testkit::repo_spec("addons-server")],
            std::time::Duration::from_secs(15),
            t0(),
        );
        update(&mut m, Msg::Tick(t0()));
        let mut status = testkit::repo_status(&[("2026.11.19", "a"), ("2026.11.26", "c")], "c");
        status.risky = vec![risky("d", "Add a column", "migrations"), risky("e", "Index it", "migrations")];
        let generation = m.repos.rows[0].scan_gen;
        update(&mut m, Msg::Repos(ReposMsg::Scanned { generation, repo: 0, result: Ok(Box::new(status)), at: t0() }));
        update(&mut m, Msg::Action(Action::FocusRepos));
        update(&mut m, Msg::Action(Action::ToggleZoom));
        let screen = draw(&m, 120, 40);
        assert!(screen.contains("⚠ 2 commits touch migrations"), "{screen}");
        update(&mut m, Msg::Action(Action::ToggleZoom));
        let effects = update(&mut m, Msg::Action(Action::Compare));
        let Some(Effect::Repos(ReposEffect::LoadCompare { generation, .. })) = effects.first() else {
            panic!("{effects:?}")
        };
        let commits = vec![
            testkit::commit("d", "Add a column", "Ada", 0),
            testkit::commit("f", "Fix a typo", "Ada", 0),
            testkit::commit("e", "Index it", "Ada", 0),
        ];
        let generation = *generation;
        update(&mut m, Msg::Repos(ReposMsg::CompareLoaded { generation, result: Ok(commits), at: t0() }));
        let screen = draw(&m, 120, 40);
        let line =
            |s: &str| screen.lines().find(|l| l.contains(s)).unwrap_or_else(|| panic!("{s}: {screen}")).to_string();
        assert!(line("Add a column").contains("⚠ migrations Add a column"), "{screen}");
        assert!(line("Index it").contains("⚠ migrations Index it"), "{screen}");
        assert!(!line("Fix a typo").contains('⚠'), "{screen}");
    }
}
