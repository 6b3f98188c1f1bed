//! `shipdeck check` finds everything at once: every problem in one run, each
//! with its file, line, column and key, in the config, the personal file
//! and what they name (repositories, the Sentry token, the theme); `--json`
//! in a stable shape.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const RELEASE: &str = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n";

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// A git repository with one commit at `name`.
    fn repo(&self, name: &str) -> PathBuf {
        let p = self.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        let git = |args: &[&str]| {
            let ok = shipdeck::testkit::git_command(self.path(), &p).args(args).status().unwrap().success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "one"]);
        p
    }

    /// `shipdeck check` on `config` with no personal file unless `env` names one.
    fn check(&self, config: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
        let mut cmd = Command::cargo_bin("shipdeck").unwrap();
        cmd.arg("check").arg("--config").arg(config).arg("--data-dir").arg(self.path().join("data"));
        cmd.args(args).env("SHIPDECK_PERSONAL", "").env_remove("SENTRY_AUTH_TOKEN").env_remove("SHIPDECK_THEME");
        crate::common::outcome(cmd, env)
    }
}

#[test]
fn three_errors_are_reported_in_one_run_in_file_order() {
    let d = Dir::new();
    let config = d.write(
        "c.toml",
        "[release]\nname = \"AMO\"\npush_day = \"thorsday\"\n\n[poll]\nintervall = \"1s\"\n\n[git]\ntimeout = \"soon\"\n",
    );
    let (code, _, stderr) = d.check(&config, &[], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let f = config.display();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        vec![
            format!("shipdeck: {f}:3:12: release.push_day: `thorsday` is not a weekday"),
            format!(
                "shipdeck: {f}:6:1: poll.intervall: unknown field `intervall`, expected one of `interval`, `timeout`, `connect_timeout`, `concurrency`"
            ),
            format!("shipdeck: {f}:9:11: git.timeout: `soon` is not a duration like \"15s\", \"500ms\" or \"2m\""),
            format!("shipdeck: {f}: 3 problems"),
        ]
    );
}

/// A repository the scan would refuse is refused here too.
#[test]
fn a_repository_without_a_commit_is_an_error_as_the_scan_says() {
    let d = Dir::new();
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(
        shipdeck::testkit::git_command(d.path(), &empty).args(["init", "-q", "-b", "main"]).status().unwrap().success()
    );
    let config = d.write("c.toml", &format!("{RELEASE}\n[[repos]]\nname = \"empty\"\npath = \"empty\"\n"));
    let (code, _, stderr) = d.check(&config, &[], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("repos.empty.path: ") && stderr.contains("has no commits yet"), "{stderr}");
}

#[test]
fn repository_paths_that_are_missing_or_not_git_are_errors_at_their_key() {
    let d = Dir::new();
    d.repo("good");
    std::fs::create_dir(d.path().join("plain")).unwrap();
    let config = d.write(
        "c.toml",
        &format!("{RELEASE}\n[[repos]]\nname = \"good\"\npath = \"good\"\n\n[[repos]]\nname = \"gone\"\npath = \"nowhere\"\n\n[[repos]]\nname = \"plain\"\npath = \"plain\"\n"),
    );
    let (code, _, stderr) = d.check(&config, &[], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let f = config.display();
    assert!(
        stderr.contains(&format!("{f}:11:8: repos.gone.path: ")) && stderr.contains("nowhere does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{f}:15:8: repos.plain.path: ")) && stderr.contains("is not a git repository"),
        "{stderr}"
    );
    assert!(!stderr.contains("repos.good"), "{stderr}");
    assert!(stderr.contains("2 problems"), "{stderr}");
}

#[test]
fn a_sentry_token_that_is_not_there_says_where_it_was_looked_for_and_a_token_is_never_printed() {
    let d = Dir::new();
    let sentry = "\n[sentry]\norg = \"mozilla\"\nprojects = [\"web\"]\n";
    let by_default = d.write("default.toml", &format!("{RELEASE}{sentry}"));
    let (code, _, stderr) = d.check(&by_default, &[], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(":5:1: sentry: the Sentry token is read from $SENTRY_AUTH_TOKEN, which is not set"),
        "{stderr}"
    );

    let named = d.write("named.toml", &format!("{RELEASE}{sentry}token_env = \"MY_SENTRY\"\n"));
    let (code, _, stderr) = d.check(&named, &[], &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains(":8:13: sentry.token_env: the Sentry token is read from $MY_SENTRY"), "{stderr}");
    let (code, stdout, stderr) = d.check(&named, &["--json"], &[("MY_SENTRY", "sntrys_SECRET_VALUE")]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("SECRET") && !stderr.contains("SECRET"), "{stdout}{stderr}");

    let file = d.write("from_file.toml", &format!("{RELEASE}{sentry}token_file = \"no-token-here\"\n"));
    let (code, _, stderr) = d.check(&file, &[], &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains(":8:14: sentry.token_file: the Sentry token is read from "), "{stderr}");
    assert!(stderr.contains("no-token-here, which cannot be read"), "{stderr}");
}

#[test]
fn a_tag_format_git_would_refuse_is_an_error() {
    let d = Dir::new();
    for (format, why) in [
        ("release-%Y..%m", "contains `..`"),
        ("%Y.%m.lock", "ends with `.lock`"),
        ("rel/%Y/", "ends with `/`"),
        ("%Y.%m.", "ends with `.`"),
        ("v@{%Y}", "contains `@{`"),
        ("rel//%Y", "contains `//`"),
    ] {
        let config = d.write("c.toml", &format!("{RELEASE}tag_format = \"{format}\"\n"));
        let (code, _, stderr) = d.check(&config, &[], &[]);
        assert_eq!(code, Some(2), "{format}: {stderr}");
        assert!(stderr.contains(":4:14: release.tag_format: ") && stderr.contains(why), "{format}: {stderr}");
    }
}

#[test]
fn theme_errors_have_their_line_and_column() {
    let d = Dir::new();
    let theme = d.write("mine.toml", "[styles]\nok = { fg = \"green\" }\nerror = { fg = \"chartreuse\" }\n");
    let config = d.write("c.toml", &format!("{RELEASE}\n[ui]\ntheme = {:?}\n", theme.display().to_string()));
    let (code, _, stderr) = d.check(&config, &[], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    let want = format!("{}:3:16: styles.error.fg: `chartreuse` is not a colour or palette name", theme.display());
    assert!(stderr.contains(&want), "{stderr}");
}

#[test]
fn json_has_a_stable_shape_with_every_error_placed() {
    let d = Dir::new();
    let config = d.write("c.toml", "[release]\nname = \"AMO\"\npush_day = \"thursday\"\ntag_format = \"%Y..\"\n\n[[repos]]\nname = \"x\"\npath = \"missing\"\n");
    let (code, stdout, _) = d.check(&config, &["--json"], &[]);
    assert_eq!(code, Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["config"], config.display().to_string());
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{stdout}");
    let keys: Vec<&str> = errors.iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["release.tag_format", "repos.x.path"]);
    for e in errors {
        let mut fields: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["column", "file", "key", "line", "message"]);
        assert!(e["line"].as_u64().is_some() && e["column"].as_u64().is_some(), "{e}");
    }
    assert!(v["warnings"].as_array().unwrap().is_empty());

    d.repo("web");
    let fine = d.write("fine.toml", &format!("{RELEASE}\n[[repos]]\nname = \"web\"\npath = \"web\"\n"));
    let (code, stdout, stderr) = d.check(&fine, &["--json"], &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((v["ok"].clone(), v["errors"].as_array().unwrap().len()), (serde_json::json!(true), 0));
}

#[test]
fn a_personal_file_is_checked_with_the_teams_and_may_not_set_team_sections() {
    let d = Dir::new();
    let config = d.write("team.toml", RELEASE);
    let personal = d.write("personal.toml", "[user]\nname = \"alice\"\n\n[share]\nremote = \"/tmp/x\"\n");
    let p = personal.display().to_string();
    let (code, _, stderr) = d.check(&config, &[], &[("SHIPDECK_PERSONAL", &p)]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{p}:4:2: share: `share` is the team's")), "{stderr}");

    let personal = d.write("personal.toml", "[user]\nname = \"alice\"\nrole = \"qa\"\n");
    let (code, stdout, stderr) = d.check(&config, &[], &[("SHIPDECK_PERSONAL", &p)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(&format!("personal settings from {}", personal.display())), "{stdout}");
}
