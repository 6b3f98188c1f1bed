//! The config that points at a running demo fleet, as TOML text, so the demo
//! goes through the same loading and validation as a user's file and
//! `demo --serve` can print or write it for `status` and other cockpits.

use super::fleet::Fleet;
use super::fleet_state::ENVS;
use super::repos::DemoRepo;
use crate::config::format_duration;
use chrono::{Datelike, Duration, NaiveTime, Timelike};
use std::fmt::Write as _;

pub struct DemoConfigOptions<'a> {
    /// Local wall-clock time now; the window is placed around it.
    pub now_local: chrono::NaiveDateTime,
    pub poll_interval: std::time::Duration,
    /// Demo repositories; services of the same name are linked to them.
    pub repos: &'a [DemoRepo],
    /// Where the fleet's Sentry token is; `None` leaves `[sentry]` out.
    pub sentry_token_file: Option<&'a std::path::Path>,
}

/// Projects the demo's Sentry pane watches: the first few services.
pub const SENTRY_PROJECTS: usize = 3;

pub fn demo_config(fleet: &Fleet, opts: &DemoConfigOptions) -> String {
    let weekday = opts.now_local.weekday();
    let (start, end) = window_around(opts.now_local.time());
    let mut out = String::new();
    let _ = writeln!(out, "# shipdeck demo fleet at {} (written by `shipdeck demo --serve`).", fleet.base_url());
    let _ = writeln!(out, "# Valid while that process runs; the push date is today.");
    let _ = writeln!(out);
    let _ = writeln!(out, "[release]");
    let _ = writeln!(out, "name = \"Demo\"");
    let _ = writeln!(out, "push_day = \"{}\"", weekday_name(weekday));
    let _ = writeln!(out, "tag_format = \"%Y.%m.%d\"");
    let _ = writeln!(out, "environments = [\"stage\", \"prod\"]");
    let _ = writeln!(out, "window = \"{}-{}\"", start.format("%H:%M"), end.format("%H:%M"));
    let _ = writeln!(out, "rotation = [\"alice\", \"bob\", \"carol\", \"dana\"]");
    let _ = writeln!(out);
    let _ = writeln!(out, "[poll]");
    let _ = writeln!(out, "interval = \"{}\"", format_duration(opts.poll_interval));
    let _ = writeln!(out, "timeout = \"2s\"");
    let _ = writeln!(out, "concurrency = 32");
    for name in &fleet.story.services {
        let _ = writeln!(out);
        let _ = writeln!(out, "[[services]]");
        let _ = writeln!(out, "name = \"{name}\"");
        if opts.repos.iter().any(|r| &r.name == name) {
            let _ = writeln!(out, "repo = \"{name}\"");
        }
        let _ = writeln!(out, "[services.envs]");
        for env in ENVS {
            let _ = writeln!(out, "{env} = \"{}\"", fleet.version_url(name, env));
        }
    }
    if let Some(token) = opts.sentry_token_file {
        let _ = writeln!(out);
        let _ = writeln!(out, "[sentry]");
        let _ = writeln!(out, "url = \"{}\"", fleet.sentry_url());
        let _ = writeln!(out, "org = \"{}\"", super::DEMO_SENTRY_ORG);
        let _ = writeln!(out, "environment = \"production\"");
        let _ = writeln!(out, "token_file = {}", toml_string(&token.display().to_string()));
        let _ = writeln!(out, "interval = \"5s\"");
        let _ = writeln!(out, "push_interval = \"5s\"");
        let _ = writeln!(out, "record_deploys = true");
        let projects: Vec<String> = fleet
            .story
            .services
            .iter()
            .take(SENTRY_PROJECTS)
            .map(|n| format!("{{ slug = \"{n}\", service = \"{n}\" }}"))
            .collect();
        let _ = writeln!(out, "projects = [{}]", projects.join(", "));
    }
    // Deploys go through the fleet's own CI-like endpoint, as a team's go
    // through its CI job: the same hook for the person and for Ops.
    for env in ENVS {
        let _ = writeln!(out);
        let _ = writeln!(out, "[deploy.{env}]");
        let url = format!("{}/__deploy__", fleet.base_url());
        let params = "params = { service = \"{service}\", env = \"{env}\", tag = \"{tag}\" }";
        let _ = writeln!(out, "webhook = {{ url = \"{url}\", method = \"POST\", {params} }}");
        let _ = writeln!(out, "roles = [\"ops\", \"rm\"]");
    }
    // Every service's status page, after every flip: the broken version
    // answers 500 there while its `/__version__` looks fine.
    let _ = writeln!(out);
    let _ = writeln!(out, "[[smoke]]");
    let _ = writeln!(out, "path = \"/api/status\"");
    let _ = writeln!(out, "expect_status = 200");
    let _ = writeln!(out, "json = {{ \"/status\" = \"ok\", \"/version\" = \"{{tag}}\" }}");
    for r in opts.repos {
        let _ = writeln!(out);
        let _ = writeln!(out, "[[repos]]");
        let _ = writeln!(out, "name = \"{}\"", r.name);
        let _ = writeln!(out, "path = {}", toml_string(&r.path.display().to_string()));
        let _ = writeln!(out, "web_url = \"{}\"", r.web_url);
        if let Some(sec) = &r.security_remote {
            let _ = writeln!(out, "security_remote = \"{sec}\"");
        }
    }
    out
}

/// How often the demo's people look for each other's lines: short, so a
/// tick crosses in a couple of seconds.
pub const SHARE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// `[share]` through `remote`, for the demo's own cockpit: apart from
/// [`demo_config`], so the config `demo --serve` writes for other cockpits
/// shares nothing unless they add a `[share]` of their own.
pub fn share_section(remote: &std::path::Path) -> String {
    let remote = toml_string(&remote.display().to_string());
    format!("\n[share]\nremote = {remote}\ninterval = \"{}\"\n", format_duration(SHARE_INTERVAL))
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The maintenance window opened half an hour ago and lasts two hours,
/// kept inside today so it stays a valid "HH:MM-HH:MM".
fn window_around(now: NaiveTime) -> (NaiveTime, NaiveTime) {
    let minute = NaiveTime::from_hms_opt(now.hour(), now.minute(), 0).unwrap_or(now);
    let start =
        if minute.num_seconds_from_midnight() >= 1800 { minute - Duration::minutes(30) } else { NaiveTime::MIN };
    let latest = NaiveTime::from_hms_opt(23, 59, 0).expect("valid time");
    let end = start.overflowing_add_signed(Duration::minutes(120));
    let end = if end.1 != 0 || end.0 <= start { latest } else { end.0 };
    (start, end.max(start + Duration::minutes(1)).min(latest))
}

fn weekday_name(d: chrono::Weekday) -> &'static str {
    match d {
        chrono::Weekday::Mon => "monday",
        chrono::Weekday::Tue => "tuesday",
        chrono::Weekday::Wed => "wednesday",
        chrono::Weekday::Thu => "thursday",
        chrono::Weekday::Fri => "friday",
        chrono::Weekday::Sat => "saturday",
        chrono::Weekday::Sun => "sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_stays_inside_the_day() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(window_around(t(14, 30)), (t(14, 0), t(16, 0)));
        let (s, e) = window_around(t(23, 58));
        assert!(s < e && e <= t(23, 59));
        assert_eq!(window_around(t(0, 2)).0, t(0, 0));
    }
}
