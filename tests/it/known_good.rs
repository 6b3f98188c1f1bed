//! The last known good, folded from a release's journal files on disk: the
//! earlier pushes' and this one's, as a session starts.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use shipdeck::domain::history::Basis;
use shipdeck::domain::history::lookup::known_good;
use shipdeck::domain::journal::{Event, EventActor, EventKind, VERSION};
use shipdeck::domain::kernel::actor::Role;

const CONFIG: &str = r#"
[release]
name = "AMO"
push_day = "thursday"

[[services]]
name = "web"
[services.envs]
stage = "http://127.0.0.1:9/stage/__version__"
prod = "http://127.0.0.1:9/prod/__version__"

[sentry]
org = "acme"
token_env = "SHIPDECK_TEST_NO_TOKEN"
[[sentry.projects]]
slug = "web-proj"
service = "web"
"#;

fn at(day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, 0, 0).unwrap()
}

fn event(n: &mut u32, t: DateTime<Utc>, kind: EventKind) -> Event {
    *n += 1;
    Event {
        v: VERSION,
        id: format!("r.{n}.p"),
        at: t,
        replica: "r".into(),
        seq: 0,
        committer: None,
        actor: EventActor { name: "rita".into(), role: Role::Rm },
        kind,
    }
}

fn changed(env: &str, from: &str, to: &str) -> EventKind {
    EventKind::VersionChanged { env: env.into(), service: "web".into(), from: from.into(), to: to.into(), commit: None }
}

#[test]
fn a_session_folds_the_earlier_journals_into_the_last_known_good() {
    let dir = tempfile::tempdir().unwrap();
    let config = shipdeck::config::Config::parse(CONFIG, "t.toml").unwrap();
    let date = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let global = |d| shipdeck::cli::Global {
        data_dir: Some(dir.path().to_path_buf()),
        push_date: Some(date(d)),
        ..Default::default()
    };
    let store = |d| shipdeck::session::paths::journal(&config, &global(d), date(d)).unwrap();
    let n = &mut 0;
    let finished = EventKind::PushFinished { open: vec![] };
    // 11-19: 2026.11.19 reaches prod and runs until the next push: good.
    for e in [
        event(n, at(19, 9), EventKind::PushStarted),
        event(n, at(19, 10), changed("prod", "2026.11.12", "2026.11.19")),
        event(n, at(19, 12), finished.clone()),
    ] {
        store(19).append(&e).unwrap();
    }
    // 11-26: 2026.11.26 spikes in Sentry; the push was finished all the same.
    let spike =
        EventKind::SentrySpike { project: "web-proj".into(), since_push: 80, baseline: 5, push_start: at(26, 9) };
    for e in [
        event(n, at(26, 9), EventKind::PushStarted),
        event(n, at(26, 10), changed("prod", "2026.11.19", "2026.11.26")),
        event(n, at(26, 11), spike),
        event(n, at(26, 15), finished.clone()),
    ] {
        store(26).append(&e).unwrap();
    }
    // A file that is not a push's journal is not read; one written by a newer
    // shipdeck is said and left out, the others still count.
    std::fs::write(store(26).path().with_file_name("notes.jsonl"), "garbage\n").unwrap();
    std::fs::write(store(12).path(), "{\"v\":99,\"id\":\"x\",\"at\":\"2026-11-12T10:00:00Z\",\"actor\":{\"name\":\"a\",\"role\":\"rm\"},\"kind\":\"presence\"}\n").unwrap();
    // This push (12-03), running: 2026.12.03 on prod, not finished.
    let dec = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let global_dec = shipdeck::cli::Global { push_date: Some(dec), ..global(26) };
    let now_store = shipdeck::session::paths::journal(&config, &global_dec, dec).unwrap();
    let t = Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap();
    now_store.append(&event(n, t, changed("prod", "2026.11.26", "2026.12.03"))).unwrap();

    let mut model = shipdeck::session::model::build_model(&config, &global_dec, t);
    shipdeck::session::history::load(&mut model, &config, &global_dec);
    let good = known_good(&model, "web", "prod").expect("a known good");
    assert_eq!(good.version, "2026.11.19", "11.26 spiked, 12.03's push is running: {good:?}");
    assert!(matches!(good.basis, Basis::Observed { push, .. } if push == date(19)), "{good:?}");
    assert!(good.label().starts_with("2026.11.19 (ran 7 days in the 2026-11-19 push)"), "{}", good.label());
    let said: Vec<_> = model.log.entries.iter().map(|e| e.text.clone()).collect();
    assert!(said.iter().any(|l| l.contains("the 2026-11-12 push's journal is left out")), "{said:?}");
    // Stage: nothing in any journal, and no repository to take a previous tag from.
    assert_eq!(known_good(&model, "web", "stage"), None);
}

/// A rollback never "goes back" to what runs: when the last known good is
/// the running version (a bad version that ran long and quietly), it goes
/// to the good version before; with none, it is refused and says why.
#[test]
fn a_rollback_goes_to_the_newest_good_version_that_is_not_running() {
    use shipdeck::domain::history::KnownGood;
    use shipdeck::domain::history::lookup::rollback_to;
    use shipdeck::domain::rollout::msg::RolloutMsg;
    use shipdeck::domain::{Heartbeat, Msg, update};
    let mut m = shipdeck::testkit::model(&["web"], at(26, 15));
    let probe = shipdeck::testkit::ok("2026.11.19", "abcdef1234", Heartbeat::Ok, at(26, 15));
    update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 0, env: 1, probe }));
    let observed = |v: &str| KnownGood {
        version: v.into(),
        basis: Basis::Observed {
            push: NaiveDate::from_ymd_opt(2026, 11, 19).unwrap(),
            ran: chrono::TimeDelta::days(7),
        },
    };
    let key = ("web".to_string(), "prod".to_string());
    m.history.known.insert(key.clone(), observed("2026.11.19"));
    m.history.older.insert(key.clone(), vec![observed("2026.11.12")]);
    assert_eq!(rollback_to(&m, "web", "prod", Some("2026.11.19")).unwrap().version, "2026.11.12");
    assert_eq!(rollback_to(&m, "web", "prod", Some("2026.11.26")).unwrap().version, "2026.11.19");

    m.history.older.clear();
    let why = rollback_to(&m, "web", "prod", Some("2026.11.19")).unwrap_err();
    assert!(why.contains("already runs its last known good, 2026.11.19"), "{why}");
    let plan = shipdeck::domain::deploy::propose::plan(&m, "prod", Some("web"), true, None);
    assert!(plan.is_err(), "{plan:?}");
}
