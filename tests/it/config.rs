//! The example config validates; every file in fixtures/invalid fails with the
//! message its first line expects, naming the file, line and key.

use assert_cmd::Command;
use shipdeck::config::Config;
use shipdeck::domain::checklist::{AutoRule, ItemSpec, PhaseSpec};
use shipdeck::domain::kernel::actor::Role;
use std::path::Path;

#[test]
fn example_config_is_valid() {
    let c = Config::load(Path::new("fixtures/example.toml")).expect("example config loads");
    assert_eq!(c.release.name, "AMO");
    assert_eq!(c.release.environments, vec!["stage", "prod"]);
    assert_eq!(c.services.len(), 3);
    let cm = &c.services[2];
    assert_eq!(cm.envs[0].1.heartbeat_url.as_deref(), Some("https://code.addons.allizom.org/api/health"));
    assert_eq!(c.checklist, None, "the example keeps the built-in checklist");
    // The newer sections, as the README's reference has them.
    assert_eq!(c.risk, shipdeck::domain::repos::risk::RiskRules::default());
    assert_eq!(c.known_good_after, std::time::Duration::from_secs(30 * 60));
    assert_eq!(c.smoke.len(), 2);
    let envs: Vec<&str> = c.deploy.iter().map(|d| d.env.as_str()).collect();
    assert_eq!(envs, ["stage", "prod"]);
    assert!(c.sentry.is_none(), "commented out: check would want its token");
    let commented = std::fs::read_to_string("fixtures/example.toml").unwrap();
    assert!(commented.contains("# record_deploys = true"));
}

const RELEASE: &str = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\nenvironments = [\"stage\", \"prod\"]\n";

#[test]
fn no_checklist_section_keeps_the_builtin() {
    let c = Config::parse(RELEASE, "t.toml").unwrap();
    assert_eq!(c.checklist, None);
}

#[test]
fn checklist_override_parses_both_item_syntaxes() {
    let src = format!(
        r#"{RELEASE}
[[checklist.phase]]
name = "Before tagging"
items = [
  {{ id = "features-agreed", text = "Features for this push agreed", role = "rm" }},
  {{ id = "tags-exist", text = "Tag on every repo", role = "rm", auto = "tags_exist" }},
]

[[checklist.phase]]
name = "Push"
[[checklist.phase.items]]
id = "prod-on-target"
text = "Prod runs the target everywhere"
role = "ops"
auto = "on_target:prod"
[[checklist.phase.items]]
id = "push.duration_ok"
text = "  Push took a sane time  "
role = "QA"
auto = "push_duration"
"#
    );
    let c = Config::parse(&src, "t.toml").unwrap_or_else(|e| panic!("{e}"));
    let item = |id: &str, text: &str, role: Role, auto: Option<AutoRule>| ItemSpec {
        id: id.into(),
        text: text.into(),
        role,
        auto,
    };
    assert_eq!(
        c.checklist,
        Some(vec![
            PhaseSpec {
                name: "Before tagging".into(),
                items: vec![
                    item("features-agreed", "Features for this push agreed", Role::Rm, None),
                    item("tags-exist", "Tag on every repo", Role::Rm, Some(AutoRule::TagsExist)),
                ],
            },
            PhaseSpec {
                name: "Push".into(),
                items: vec![
                    item(
                        "prod-on-target",
                        "Prod runs the target everywhere",
                        Role::Ops,
                        Some(AutoRule::OnTarget("prod".into())),
                    ),
                    item("push.duration_ok", "Push took a sane time", Role::Qa, Some(AutoRule::PushDuration)),
                ],
            },
        ])
    );
}

#[test]
fn on_target_accepts_environments_derived_from_services() {
    // Without release.environments the services' envs are the environments.
    let src = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n\n[[services]]\nname = \"web\"\n[services.envs]\ndev = \"https://d.example.org/__version__\"\n\n[[checklist.phase]]\nname = \"Push\"\nitems = [{ id = \"dev-on-target\", text = \"Dev on target\", role = \"ops\", auto = \"on_target:dev\" }]\n";
    let c = Config::parse(src, "t.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.checklist.unwrap()[0].items[0].auto, Some(AutoRule::OnTarget("dev".into())));
    let bad = src.replace("on_target:dev", "on_target:prod");
    let err = Config::parse(&bad, "t.toml").unwrap_err().to_string();
    assert!(
        err.contains("checklist.phase[0].items[0].auto: environment `prod` is not in release.environments [\"dev\"]"),
        "{err}"
    );
}

#[test]
fn every_invalid_config_fails_with_its_expected_message() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir("fixtures/invalid").unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        let src = std::fs::read_to_string(&path).unwrap();
        let expect = src
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} has no `# expect:` first line", path.display()));
        let err = match Config::load(&path) {
            Ok(_) => panic!("{} was accepted", path.display()),
            Err(e) => e.to_string(),
        };
        let prefix = format!("{}:", path.display());
        assert!(err.starts_with(&prefix), "{}: error does not name the file: {err}", path.display());
        assert!(err.contains(expect), "{}:\n  expected: {expect}\n  got:      {err}", path.display());
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} invalid configs");
}

#[test]
fn check_command_reports_ok_and_errors() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["check", "--config", "fixtures/example.toml", "--push-date", "2026-11-26"])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("fixtures/example.toml: ok"), "{stdout}");
    assert!(stdout.contains("2026.11.26"), "{stdout}");

    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["check", "--config", "fixtures/invalid/unknown_key.toml"])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixtures/invalid/unknown_key.toml:7:1: poll.intervall"), "{stderr}");

    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["check", "--config", "no/such/file.toml"])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/file.toml: cannot read config"), "{stderr}");
}

#[test]
fn missing_config_points_at_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("SHIPDECK_CONFIG")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .args(["check", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no config found") && stderr.contains("shipdeck demo"), "{stderr}");
}

#[test]
fn sentry_section_with_defaults_and_linked_projects() {
    use shipdeck::config::sentry::TokenSource;
    let src = r#"
[release]
name = "AMO"
push_day = "thursday"

[[services]]
name = "addons-server"
envs = { prod = "https://addons.example.org/__version__" }

[sentry]
org = "mozilla"
environment = "production"
projects = ["addons-frontend", { slug = "addons-server", service = "addons-server" }]
"#;
    let c = Config::parse(src, "t.toml").unwrap();
    let s = c.sentry.expect("sentry configured");
    assert_eq!(s.spec.url, "https://sentry.io");
    assert_eq!(s.spec.org, "mozilla");
    assert_eq!(s.spec.environment.as_deref(), Some("production"));
    assert_eq!(s.spec.projects.len(), 2);
    assert_eq!(s.spec.projects[0].service, None);
    assert_eq!(s.spec.projects[1].service.as_deref(), Some("addons-server"));
    assert_eq!(s.token, TokenSource::Env("SENTRY_AUTH_TOKEN".into()));
    assert_eq!((s.spec.interval.as_secs(), s.spec.push_interval.as_secs()), (60, 20));
    assert_eq!((s.spec.spike_ratio, s.spec.min_count), (2.0, 20));
    assert!(Config::parse(&src.replace("[sentry]", "[sentry_]"), "t.toml").is_err());
    let none = Config::parse(&src[..src.find("[sentry]").unwrap()], "t.toml").unwrap();
    assert!(none.sentry.is_none());
}

#[test]
fn git_timeout_is_read_and_defaults_to_fifteen_seconds() {
    let c = Config::parse(&format!("{RELEASE}\n[git]\ntimeout = \"2s\"\n"), "t.toml").unwrap();
    assert_eq!(c.git.timeout, std::time::Duration::from_secs(2));
    assert_eq!(Config::parse(RELEASE, "t.toml").unwrap().git.timeout, std::time::Duration::from_secs(15));
    let err = Config::parse(&format!("{RELEASE}\n[git]\ntimeout = \"later\"\n"), "t.toml").unwrap_err().to_string();
    assert!(err.starts_with("t.toml:7:11: git.timeout: `later` is not a duration"), "{err}");
    let err = Config::parse(&format!("{RELEASE}\n[git]\ntimeout = \"2s\"\nretries = 3\n"), "t.toml").unwrap_err();
    assert!(err.to_string().contains("unknown field `retries`"), "{err}");
}

#[test]
fn errors_quote_keys_and_values_only_up_to_a_readable_length() {
    let dir = tempfile::tempdir().unwrap();
    let key = vec!["a"; 100_000].join(".");
    let cases = [
        // A key of 100,000 dotted segments, at the top level and in a table.
        format!("{RELEASE}{key} = 1\n"),
        format!("{RELEASE}\n[poll]\n{key} = 1\n"),
        // A huge value quoted back in the message.
        format!("[release]\nname = \"AMO\"\npush_day = \"{}\"\n", "x".repeat(100_000)),
        format!("{RELEASE}\n[keys]\n{} = \"q\"\n", "b".repeat(100_000)),
    ];
    for (i, src) in cases.iter().enumerate() {
        let path = dir.path().join(format!("huge{i}.toml"));
        std::fs::write(&path, src).unwrap();
        let err = Config::load(&path).expect_err("invalid").to_string();
        assert!(err.len() < 600, "case {i}: {} bytes: {}…", err.len(), &err[..err.len().min(300)]);
        let prefix = format!("{}:", path.display());
        let rest = err.strip_prefix(&prefix).unwrap_or_else(|| panic!("case {i}: names the file: {err}"));
        let mut parts = rest.splitn(3, ':');
        let (line, col) = (parts.next().unwrap(), parts.next().unwrap());
        assert!(line.parse::<usize>().is_ok() && col.parse::<usize>().is_ok(), "case {i}: line:col: {err}");
        assert!(err.contains('…'), "case {i}: says it was cut: {err}");
    }
}

#[test]
fn a_fifo_as_the_config_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("shipdeck.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // On a thread, so a regression fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(Config::load(&path).map(|_| ()).map_err(|e| e.to_string()));
    });
    let err = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("loading a FIFO config must not block")
        .expect_err("a FIFO is not a config file");
    assert!(err.contains(&fifo.display().to_string()) && err.contains("FIFO"), "{err}");

    let out = Command::cargo_bin("shipdeck")
        .unwrap()
        .args(["check", "--config"])
        .arg(&fifo)
        .arg("--data-dir")
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read config") && stderr.contains("not a regular file but a FIFO"), "{stderr}");
}
