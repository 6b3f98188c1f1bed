//! `shipdeck init` on real repositories with remotes of every form: the
//! config it writes names each from its remote, `shipdeck check` passes on
//! it, and an existing config is replaced only with `--force`.

use assert_cmd::Command;
use std::path::Path;

fn git(home: &Path, dir: &Path, args: &[&str]) {
    let ok = shipdeck::testkit::git_command(home, dir).args(args).status().unwrap().success();
    assert!(ok, "git {args:?} in {}", dir.display());
}

/// A repository at `dir` whose `origin` is `remote`, if any.
fn repo(home: &Path, dir: &Path, remote: Option<&str>) {
    std::fs::create_dir_all(dir).unwrap();
    git(home, dir, &["init", "-q", "-b", "main"]);
    git(home, dir, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "one"]);
    if let Some(url) = remote {
        git(home, dir, &["remote", "add", "origin", url]);
    }
}

fn shipdeck(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .current_dir(dir)
        .env("HOME", dir)
        .env("SHIPDECK_PERSONAL", "")
        .env_remove("SHIPDECK_CONFIG")
        .args(args)
        .arg("--data-dir")
        .arg(dir.join(".data"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn init_names_the_repositories_here_from_their_remotes_and_check_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let here = tmp.path();
    repo(here, &here.join("a"), Some("https://github.com/mozilla/addons-server.git"));
    repo(here, &here.join("b"), Some("git@github.com:mozilla/addons-frontend.git"));
    repo(here, &here.join("c"), Some("ssh://git@gitlab.example.org:2222/amo/code-manager.git"));
    repo(here, &here.join("d"), None);
    repo(here, &here.join(".hidden"), Some("https://github.com/x/hidden.git"));
    std::fs::create_dir(here.join("not-a-repo")).unwrap();

    let (code, stdout, stderr) = shipdeck(here, &["init"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("wrote shipdeck.toml (4 repositories: addons-server, addons-frontend, code-manager, d)"),
        "{stdout}"
    );
    assert!(stdout.contains("`shipdeck check`"), "the next step: {stdout}");
    let text = std::fs::read_to_string(here.join("shipdeck.toml")).unwrap();
    for want in [
        "name = \"addons-server\"\npath = \"a\"\nweb_url = \"https://github.com/mozilla/addons-server\"",
        "name = \"addons-frontend\"\npath = \"b\"\nweb_url = \"https://github.com/mozilla/addons-frontend\"",
        "name = \"code-manager\"\npath = \"c\"\nweb_url = \"https://gitlab.example.org/amo/code-manager\"",
        "name = \"d\"\npath = \"d\"\n# web_url",
        "# [sentry]",
        "# [team]",
        "# [[services]]",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(!text.contains("hidden"), "{text}");

    let (code, stdout, stderr) = shipdeck(here, &["check"]);
    assert_eq!(code, Some(0), "check on what init wrote:\n{stdout}{stderr}\n{text}");
    assert!(stdout.contains("4 repositories: addons-server, addons-frontend, code-manager, d"), "{stdout}");

    let (code, _, stderr) = shipdeck(here, &["init"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shipdeck.toml already exists; pass --force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(here.join("shipdeck.toml")).unwrap(), text, "left as it was");
    let (code, _, stderr) = shipdeck(here, &["init", "--force", "--name", "AMO"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(std::fs::read_to_string(here.join("shipdeck.toml")).unwrap().contains("name = \"AMO\""));
}

#[test]
fn init_in_a_repository_takes_the_directory_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let here = tmp.path().join("work");
    repo(tmp.path(), &here, Some("https://user:s3cret@github.com/mozilla/olympia.git"));
    let (code, stdout, stderr) = shipdeck(&here, &["init", "--output", "team.toml"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("1 repository: olympia") && stdout.contains("shipdeck check --config team.toml"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(here.join("team.toml")).unwrap();
    assert!(
        text.contains("name = \"olympia\"\npath = \".\"\nweb_url = \"https://github.com/mozilla/olympia\""),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "{text}");
    let (code, out, err) = shipdeck(&here, &["check", "--config", "team.toml"]);
    assert_eq!(code, Some(0), "{out}{err}");
}
