//! Builders for models and probes, shared by unit tests, integration tests
//! and benchmarks so they describe the same world the same way. Not part of
//! the user-facing interface.

use crate::domain::kernel::actor::{Actor, Role};
use crate::domain::model::ServiceSpec;
use crate::domain::release::{Release, Window};
use crate::domain::{Endpoint, Heartbeat, Model, Probe, ProbeState, VersionInfo};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

/// The push of 2026-11-26 (a Thursday), tag 2026.11.26, window 15:00–17:00
/// UTC, three heroes.
pub fn release() -> Release {
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid date");
    let (start, end) =
        (NaiveTime::from_hms_opt(15, 0, 0).expect("time"), NaiveTime::from_hms_opt(17, 0, 0).expect("time"));
    Release {
        name: "AMO".into(),
        push_date: day,
        tag_format: "%Y.%m.%d".into(),
        target_tag: "2026.11.26".into(),
        target_fixed: false,
        window: Some(Window {
            start_local: start,
            end_local: end,
            start: Utc.from_utc_datetime(&day.and_time(start)),
            end: Utc.from_utc_datetime(&day.and_time(end)),
        }),
        rotation: ["alice", "bob", "carol"].map(String::from).to_vec(),
    }
}

/// Services on stage and prod at `https://{name}.{env}.example.org/__version__`.
pub fn specs<S: AsRef<str>>(names: &[S]) -> Vec<ServiceSpec> {
    names
        .iter()
        .map(|name| {
            let name = name.as_ref();
            ServiceSpec {
                repo: None,
                name: name.to_string(),
                envs: ["stage", "prod"]
                    .iter()
                    .map(|env| {
                        let base = format!("https://{name}.{env}.example.org");
                        (
                            env.to_string(),
                            Endpoint {
                                version_url: format!("{base}/__version__"),
                                heartbeat_url: Some(format!("{base}/__heartbeat__")),
                            },
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A model of [`release`] for `names`, polled every 15 s, started at `now`.
pub fn model<S: AsRef<str>>(names: &[S], now: DateTime<Utc>) -> Model {
    Model::new(
        release(),
        Actor { name: "alice".into(), role: Role::Rm },
        vec!["stage".into(), "prod".into()],
        &specs(names),
        &[],
        std::time::Duration::from_secs(15),
        now,
    )
}

pub fn ok(version: &str, commit: &str, heartbeat: Heartbeat, at: DateTime<Utc>) -> Probe {
    Probe {
        state: ProbeState::Ok,
        info: VersionInfo { version: Some(version.into()), commit: Some(commit.into()), ..Default::default() },
        heartbeat,
        heartbeat_detail: None,
        error: None,
        latency_ms: Some(12),
        final_url: None,
        at,
    }
}

pub fn failed(state: ProbeState, error: &str, at: DateTime<Utc>) -> Probe {
    Probe {
        state,
        info: VersionInfo::default(),
        heartbeat: Heartbeat::Unknown,
        heartbeat_detail: None,
        error: Some(error.into()),
        latency_ms: Some(5000),
        final_url: None,
        at,
    }
}

pub fn repo_spec(name: &str) -> crate::domain::repos::RepoSpec {
    crate::domain::repos::RepoSpec {
        name: name.into(),
        path: format!("/src/{name}"),
        remote: "origin".into(),
        branch: None,
        web_url: Some(format!("https://github.com/example/{name}")),
        security: Some(crate::domain::repos::SecuritySpec { remote: "security".into(), branch: None }),
        tag_unchanged: false,
    }
}

/// A commit whose sha is `seed` repeated to 40 characters.
pub fn commit(seed: &str, summary: &str, author: &str, time: i64) -> crate::domain::repos::CommitInfo {
    crate::domain::repos::CommitInfo {
        sha: seed.repeat(40 / seed.len().max(1)),
        summary: summary.into(),
        author: author.into(),
        time,
        merge: false,
    }
}

/// A scan result for the push of 2026-11-26: `tags` are `(name, sha seed)`,
/// `head` the branch head's sha seed.
pub fn repo_status(tags: &[(&str, &str)], head: &str) -> crate::domain::repos::RepoStatus {
    let date = NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid date");
    let plan = crate::domain::release::tags::plan(tags.iter().map(|(t, _)| *t), date, "%Y.%m.%d");
    let sha = |seed: &str| seed.repeat(40 / seed.len().max(1));
    crate::domain::repos::RepoStatus {
        branch: "main".into(),
        head: commit(head, "Fix the version list query", "Ada Lovelace", 1_795_000_000),
        in_push: plan.previous.as_ref().map(|_| 3),
        beyond_target: plan.current.as_ref().map(|(t, _)| {
            let on_head = tags.iter().any(|(name, c)| name == t && sha(c) == sha(head));
            if on_head { 0 } else { 2 }
        }),
        plan,
        tagged_commits: tags.iter().map(|(t, c)| (t.to_string(), sha(c))).collect(),
        security: None,
        fetched_at: None,
        tag_unchanged: false,
        warnings: Vec::new(),
        risky: Vec::new(),
    }
}

/// A `[sentry]` section on `url` for org `org`, one project per slug, each
/// linked to the service of its name, with the default rates.
pub fn sentry_spec(
    url: &str,
    org: &str,
    environment: Option<&str>,
    slugs: &[&str],
) -> crate::domain::sentry::SentrySpec {
    crate::domain::sentry::SentrySpec {
        url: url.into(),
        org: org.into(),
        environment: environment.map(str::to_string),
        projects: slugs
            .iter()
            .map(|s| crate::domain::sentry::ProjectSpec { slug: (*s).into(), service: Some((*s).into()) })
            .collect(),
        interval: std::time::Duration::from_secs(60),
        push_interval: std::time::Duration::from_secs(20),
        spike_ratio: 2.0,
        min_count: 20,
        record_deploys: false,
    }
}

/// A person's event of `kind` at `at`, as another process would have
/// written it (no replica, clock 0: its time stands in).
pub fn event(
    id: &str,
    at: DateTime<Utc>,
    name: &str,
    role: Role,
    kind: crate::domain::journal::EventKind,
) -> crate::domain::journal::Event {
    crate::domain::journal::Event {
        v: crate::domain::journal::VERSION,
        id: id.into(),
        at,
        replica: String::new(),
        seq: 0,
        committer: None,
        actor: crate::domain::journal::EventActor { name: name.into(), role },
        kind,
    }
}

/// A compare view of repository 0 still loading `a..b`.
pub fn compare_view() -> crate::domain::repos::CompareView {
    crate::domain::repos::CompareView {
        repo: 0,
        from: "a".into(),
        to: "b".into(),
        to_head: false,
        generation: 1,
        commits: crate::domain::kernel::remote::Remote::Loading,
        show_merges: false,
        selected: 0,
    }
}

/// `git -C dir …` with no global or system config, `HOME` at `home`, and no
/// inherited repository-selecting variables: histories built for tests and
/// benchmarks come out the same on every machine.
pub fn git_command(home: &std::path::Path, dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.arg("-C").arg(dir);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0");
    cmd
}

/// A buffer as text, one line per row, trailing blanks trimmed; wide
/// characters counted once. For snapshots.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
