//! Errors around the push, as Sentry counts them: per project a series of
//! error counts per bucket, the rate since the push against a baseline, a
//! verdict, the issues first seen since the push and the ones that came back
//! (regressions). Pure: the client that fetches these lives in `io::sentry`.

use analysis::Verdict;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub mod analysis;
mod deploy_record;
pub mod deploys;
pub mod msg;
pub mod report;
pub mod update;

/// Calm this long after prod reached the target passes the checklist item.
pub const CALM_FOR_MINUTES: i64 = 15;

/// Bucket width asked of Sentry (seconds); an answer may name another.
pub const BUCKET_SECS: i64 = 300;
/// A push is compared over its first day at most.
const MAX_SPAN_SECS: i64 = 86_400;
/// The widest bucket taken from Sentry (seconds).
pub const MAX_INTERVAL_SECS: i64 = 86_400;
/// How long Sentry assumes events take to be ingested: a bucket that ends
/// less than this long before now is marked `incomplete` by
/// `events-timeseries` (and is treated so for `events-stats`).
pub const INGESTION_DELAY_SECS: i64 = 90;

/// A bucket width an answer may have: the one asked, or one Sentry picks
/// instead when it will not use it (`1h`, `4h`, `1d`…) — a whole multiple of
/// [`BUCKET_SECS`], a day at most.
pub fn plausible_interval(secs: i64) -> bool {
    (BUCKET_SECS..=MAX_INTERVAL_SECS).contains(&secs) && secs % BUCKET_SECS == 0
}

#[derive(Debug, Clone, PartialEq)]
pub struct SentrySpec {
    pub url: String,
    pub org: String,
    pub environment: Option<String>,
    pub projects: Vec<ProjectSpec>,
    /// Between refreshes; `push_interval` while a push is running.
    pub interval: std::time::Duration,
    pub push_interval: std::time::Duration,
    pub spike_ratio: f64,
    pub min_count: u64,
    /// `record_deploys`: tell Sentry of each linked service's deploys.
    pub record_deploys: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSpec {
    pub slug: String,
    /// The service the project reports for (its prod version changes are
    /// marked on the chart).
    pub service: Option<String>,
}

/// One bucket: its start (epoch seconds), the count when Sentry gave one,
/// and whether it is still `incomplete` (not yet ended, or ended less than
/// [`INGESTION_DELAY_SECS`] ago: events may still be on their way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub at: i64,
    pub count: Option<u64>,
    pub incomplete: bool,
}

impl Bucket {
    /// A bucket whose events are all in.
    pub fn complete(at: i64, count: Option<u64>) -> Self {
        Bucket { at, count, incomplete: false }
    }
}

/// An issue first seen since the push, or one that came back since then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewIssue {
    pub short_id: String,
    pub title: String,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: Option<DateTime<Utc>>,
    pub permalink: String,
    pub level: String,
    /// For a regression: when Sentry put it back in the inbox as one, when
    /// it says so.
    pub regressed_at: Option<DateTime<Utc>>,
}

/// Which Sentry endpoint gave the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatsEndpoint {
    /// `events-timeseries`, the documented one.
    #[serde(rename = "events-timeseries")]
    Timeseries,
    /// `events-stats`, for a Sentry that has no `events-timeseries`.
    #[serde(rename = "events-stats")]
    EventsStats,
}

impl StatsEndpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            StatsEndpoint::Timeseries => "events-timeseries",
            StatsEndpoint::EventsStats => "events-stats",
        }
    }
}

/// What the rate-limit headers said, when the server sends them
/// (self-hosted servers do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset: Option<DateTime<Utc>>,
    pub concurrent_limit: Option<u64>,
    pub concurrent_remaining: Option<u64>,
}

/// The scopes shipdeck's calls need.
pub const SCOPES: &str = "org:read, project:read, event:read";
/// The scope creating releases and deploys needs (`record_deploys`).
pub const RELEASE_SCOPE: &str = "project:releases";

/// Why a fetch failed; each reads as a sentence for the pane. Sentry's own
/// words (`detail`) are read to tell cases apart, never repeated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SentryError {
    /// 401: the token itself is not accepted, whatever it was asked.
    #[error("token rejected (invalid, expired or revoked): HTTP 401")]
    TokenRejected,
    /// 403 on the organization's own endpoints: this token may not read it.
    #[error("{}", org_forbidden(org, *org_token))]
    OrgForbidden { org: String, org_token: bool },
    /// 403 on one project's events or issues, its id freshly looked up.
    #[error("{}", project_forbidden(project, *has_access))]
    ProjectForbidden { project: String, has_access: Option<bool> },
    #[error("not found: {what}")]
    NotFound { what: String },
    #[error("rate limited{}", until.map(|u| format!(" until {}", u.format("%H:%M:%S UTC"))).unwrap_or_default())]
    RateLimited { until: Option<DateTime<Utc>> },
    #[error("Sentry answered HTTP {status}")]
    Server { status: u16 },
    /// 400 for a query Sentry can run in principle: not retried another way.
    #[error("Sentry rejected the query for {what} (HTTP 400)")]
    Rejected { what: String },
    #[error("unreadable answer from {what}: {message}")]
    Bad { what: String, message: String },
    #[error("{0}")]
    Network(String),
    #[error("no token: {0}")]
    NoToken(String),
}

fn org_forbidden(org: &str, org_token: bool) -> String {
    if org_token {
        format!(
            "an organization auth token (sntrys_) only has org:ci and cannot read `{org}`'s events (HTTP 403): use \
             a user auth token or an internal integration's token with {SCOPES}"
        )
    } else {
        format!("token may not read organization `{org}` (HTTP 403): it needs {SCOPES}")
    }
}

fn project_forbidden(project: &str, has_access: Option<bool>) -> String {
    match has_access {
        Some(false) => format!("no access to project `{project}` (HTTP 403): the token's user is in none of its teams"),
        _ => format!(
            "project `{project}` refused (HTTP 403): the token needs event:read, and a user token's user a team of \
             the project"
        ),
    }
}

impl SentryError {
    /// The `state` of `status --json`.
    pub fn state(&self) -> &'static str {
        match self {
            SentryError::TokenRejected | SentryError::OrgForbidden { .. } | SentryError::NoToken(_) => "unauthorized",
            SentryError::ProjectForbidden { .. } => "forbidden",
            SentryError::RateLimited { .. } => "rate_limited",
            _ => "error",
        }
    }
}

/// One fetch of a project: the recent series, the same window a week
/// earlier, the issues new since the push and the ones that came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub series: Vec<Bucket>,
    /// Bucket width (seconds) of `series` and `week_ago`.
    pub interval: i64,
    /// The end of the window asked (epoch seconds): the newest bucket holds
    /// what happened up to here, not its whole width.
    pub until: i64,
    pub week_ago: Vec<Bucket>,
    pub issues: Vec<NewIssue>,
    pub regressions: Vec<NewIssue>,
    pub endpoint: StatsEndpoint,
}

/// A project in the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectState {
    pub spec: ProjectSpec,
    pub data: Option<(Fetched, DateTime<Utc>)>,
    pub error: Option<(SentryError, DateTime<Utc>)>,
    pub in_flight: bool,
    /// Not asked again before this (a rate limit's reset, or the interval).
    pub next_due: Option<DateTime<Utc>>,
    /// The verdict last announced, so a spike is logged once.
    pub announced: Option<Verdict>,
}

impl ProjectState {
    pub fn new(spec: ProjectSpec) -> Self {
        ProjectState { spec, data: None, error: None, in_flight: false, next_due: None, announced: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SentryState {
    pub spec: SentrySpec,
    pub projects: Vec<ProjectState>,
    pub rate: Option<RateLimit>,
    /// Any project not calm, last seen at: the checklist wants 15 calm minutes.
    pub last_not_calm: Option<DateTime<Utc>>,
    /// Since when prod has run the target everywhere, while it does.
    pub prod_since: Option<DateTime<Utc>>,
    /// The push start given on the command line (`status --push-started`).
    pub push_override: Option<DateTime<Utc>>,
    pub generation: u64,
    pub deploys: deploys::Deploys,
}

impl SentryState {
    pub fn new(spec: SentrySpec) -> Self {
        let projects = spec.projects.iter().cloned().map(ProjectState::new).collect();
        SentryState {
            spec,
            projects,
            rate: None,
            last_not_calm: None,
            prod_since: None,
            push_override: None,
            generation: 0,
            deploys: Default::default(),
        }
    }

    /// The endpoint the newest series came from, when one has.
    pub fn endpoint(&self) -> Option<StatsEndpoint> {
        self.projects.iter().filter_map(|p| p.data.as_ref()).max_by_key(|(_, at)| *at).map(|(d, _)| d.endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::analysis::*;
    use super::*;
    use chrono::{Duration, TimeZone};

    fn push() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap()
    }

    fn data(series: Vec<Bucket>, week_ago: Vec<Bucket>, until: DateTime<Utc>) -> Fetched {
        Fetched {
            series,
            interval: BUCKET_SECS,
            until: until.timestamp(),
            week_ago,
            issues: Vec::new(),
            regressions: Vec::new(),
            endpoint: StatsEndpoint::Timeseries,
        }
    }

    /// Whole buckets every 5 minutes from `start_min` minutes after the push.
    fn series(start_min: i64, counts: &[u64]) -> Vec<Bucket> {
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| Bucket::complete(push().timestamp() + (start_min + 5 * i as i64) * 60, Some(*c)))
            .collect()
    }

    /// What Sentry answers at `now` for errors at `per_min(t)` a minute:
    /// aligned buckets from `from`, the newest holding only what happened
    /// up to `now`, those ending less than 90 s before it `incomplete`.
    fn as_sentry_counts(from: DateTime<Utc>, now: DateTime<Utc>, per_min: impl Fn(i64) -> f64) -> Vec<Bucket> {
        as_sentry_counts_lagging(from, now, 0, per_min)
    }

    /// The same with the last `lag` seconds' events not ingested yet.
    fn as_sentry_counts_lagging(
        from: DateTime<Utc>,
        now: DateTime<Utc>,
        lag: i64,
        per_min: impl Fn(i64) -> f64,
    ) -> Vec<Bucket> {
        let (from, now) = (from.timestamp(), now.timestamp());
        let first = from - from.rem_euclid(BUCKET_SECS);
        (first..=now)
            .step_by(BUCKET_SECS as usize)
            .map(|at| {
                let n: f64 = (at..(at + BUCKET_SECS).min(now - lag)).map(|t| per_min(t) / 60.0).sum();
                let incomplete = at + BUCKET_SECS >= now - INGESTION_DELAY_SECS;
                Bucket { at, count: Some(n.round() as u64), incomplete }
            })
            .collect()
    }

    fn analyse_at(s: Vec<Bucket>, week: Option<Vec<Bucket>>, p: DateTime<Utc>, now: DateTime<Utc>) -> Analysis {
        let has_week = week.is_some();
        let mut a = analyse(&data(s, week.unwrap_or_default(), now), p, now, 2.0, 20);
        if !has_week {
            assert_eq!(a.week_ago, None);
            a.week_ago = None;
        }
        a
    }

    #[test]
    fn a_spike_needs_the_ratio_and_the_minimum() {
        let now = push() + Duration::minutes(30);
        // 30 minutes before: 10 errors; 30 minutes after: 42.
        let s = series(-30, &[1, 2, 2, 1, 2, 2, 7, 7, 7, 7, 7, 7]);
        let a = analyse_at(s, None, push(), now);
        assert_eq!((a.since_push, a.before, a.baseline), (42, 10, 10));
        assert_eq!(a.ratio, Some(4.2));
        assert_eq!(a.verdict, Verdict::Spike);
        // The same rise below min_count is not a spike.
        let small = series(-30, &[0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
        let a = analyse_at(small, None, push(), now);
        assert_eq!((a.since_push, a.verdict), (6, Verdict::Calm));
        // Elevated: half-way to the spike ratio.
        let up = series(-30, &[4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6]);
        assert_eq!(analyse_at(up, None, push(), now).verdict, Verdict::Elevated);
    }

    #[test]
    fn zero_baselines_week_ago_and_missing_counts() {
        let now = push() + Duration::minutes(30);
        let s = series(-30, &[0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5]);
        let a = analyse_at(s.clone(), None, push(), now);
        assert_eq!((a.ratio, a.verdict), (None, Verdict::Spike), "30 errors from nothing");
        // A week ago the same window had 30: this is a normal Thursday.
        let week: Vec<Bucket> =
            series(-30, &[5; 12]).into_iter().map(|b| Bucket { at: b.at - 7 * 86_400, ..b }).collect();
        let a = analyse_at(s, Some(week), push(), now);
        assert_eq!((a.week_ago, a.baseline, a.verdict), (Some(30), 30, Verdict::Calm));
        // Missing counts are gaps, not zeros that hide anything; buckets from
        // the future are not counted.
        let mut gappy = series(-30, &[1, 1, 1, 1, 1, 1, 9, 9, 9]);
        gappy[7].count = None;
        gappy.push(Bucket::complete((now + Duration::hours(2)).timestamp(), Some(1000)));
        let a = analyse_at(gappy, None, push(), now);
        // 18 errors in the ten minutes covered against one a bucket.
        assert_eq!((a.since_push, a.before), (18, 2));
        let empty = analyse_at(Vec::new(), None, push(), now);
        assert_eq!((empty.since_push, empty.verdict), (0, Verdict::Calm));
    }

    #[test]
    fn a_steady_rate_is_calm_whatever_minute_the_push_started() {
        // Four errors a minute, for days, as Sentry counts them at each moment.
        for push_min in [0, 1, 4, 17, 59] {
            let p = push() + Duration::minutes(push_min);
            for after in [1, 3, 7, 9, 33, 24 * 60 + 30] {
                let now = p + Duration::minutes(after) + Duration::seconds(17);
                let s = as_sentry_counts(p - Duration::hours(30), now, |_| 4.0);
                let a = analyse_at(s, None, p, now);
                assert_eq!(a.verdict, Verdict::Calm, "push at +{push_min}m, {after}m later: {a:?}");
                let r = a.ratio.unwrap();
                assert!((0.9..1.1).contains(&r), "push at +{push_min}m, {after}m later: {a:?}");
            }
        }
    }

    #[test]
    fn a_fresh_spike_counts_the_bucket_still_filling_for_the_time_it_covers() {
        // Two errors a minute until the push, 240 a minute from then: 280 s
        // later only the filling bucket holds the rise.
        let rate = |t: i64| if t < push().timestamp() { 2.0 } else { 240.0 };
        let now = push() + Duration::seconds(280);
        let a = analyse_at(as_sentry_counts(push() - Duration::hours(6), now, rate), None, push(), now);
        assert_eq!(a.since_push, 1120);
        assert_eq!(a.before, 9, "ten errors in 300 s are nine in 280 s");
        assert_eq!(a.verdict, Verdict::Spike);
        // Without the filling bucket (a Sentry that leaves it out) the rise
        // is not seen yet, but nothing reads as zero against a whole bucket.
        let mut s = as_sentry_counts(push() - Duration::hours(6), now, rate);
        s.pop();
        let a = analyse_at(s, None, push(), now);
        assert_eq!((a.since_push, a.baseline, a.ratio), (0, 0, None));
        // Half an hour on, a steady 240 a minute against 2 is a spike with
        // a ratio near 120, not 6/7 of it.
        let now = push() + Duration::minutes(32);
        let a = analyse_at(as_sentry_counts(push() - Duration::hours(6), now, rate), None, push(), now);
        let r = a.ratio.unwrap();
        assert!((115.0..125.0).contains(&r), "{a:?}");
        // A quiet push right after the bucket boundary: 20 s covered, not 300.
        let calm = |_| 6.0;
        let now = push() + Duration::seconds(20);
        let a = analyse_at(as_sentry_counts(push() - Duration::hours(6), now, calm), None, push(), now);
        assert_eq!((a.since_push, a.before, a.verdict), (2, 2, Verdict::Calm));
    }

    #[test]
    fn the_window_end_not_the_clock_bounds_the_filling_bucket() {
        // Rendered a minute after the fetch: the answer still covers only up
        // to the end it was asked for.
        let fetched_at = push() + Duration::seconds(150);
        let s = as_sentry_counts(push() - Duration::hours(1), fetched_at, |_| 10.0);
        let d = data(s, Vec::new(), fetched_at);
        let then = analyse(&d, push(), fetched_at, 2.0, 20);
        let later = analyse(&d, push(), fetched_at + Duration::seconds(60), 2.0, 20);
        assert_eq!(then, later);
        assert!((then.ratio.unwrap() - 1.0).abs() < 0.05, "{then:?}");
    }

    #[test]
    fn a_rise_reads_from_complete_buckets_while_the_newest_minute_is_still_being_ingested() {
        // Ten errors a minute before the push, 22 after (2.2 times), and
        // the last minute's events not in Sentry yet: seven minutes after
        // the push, the filling bucket holds one of its two minutes.
        let rate = |t: i64| if t < push().timestamp() { 10.0 } else { 22.0 };
        let now = push() + Duration::minutes(7);
        let s = as_sentry_counts_lagging(push() - Duration::hours(6), now, 60, rate);
        let newest = &s[s.len() - 2..];
        assert_eq!((newest[0].incomplete, newest[1].incomplete), (false, true), "{newest:?}");
        // Read from every bucket it would be 132 in 420 s against 70: 1.9,
        // not a spike. The complete bucket alone reads the rate as it is.
        let a = analyse_at(s, None, push(), now);
        assert_eq!((a.since_push, a.baseline), (110, 50), "{a:?}");
        assert_eq!(a.verdict, Verdict::Spike, "{a:?}");

        // The same lag on a steady rate: calm, and not read as a drop.
        for after in [20, 100, 280, 7 * 60, 33 * 60] {
            let now = push() + Duration::seconds(after);
            let s = as_sentry_counts_lagging(push() - Duration::hours(6), now, 60, |_| 10.0);
            let a = analyse_at(s, None, push(), now);
            assert_eq!(a.verdict, Verdict::Calm, "{after}s: {a:?}");
            if after > 5 * 60 + INGESTION_DELAY_SECS {
                let r = a.ratio.unwrap();
                assert!((0.95..1.05).contains(&r), "{after}s: {a:?}");
            }
        }
    }

    #[test]
    fn server_numbers_do_not_overflow_the_analysis() {
        let now = push() + Duration::minutes(30);
        let huge = vec![
            Bucket::complete(i64::MIN, Some(u64::MAX)),
            Bucket::complete(push().timestamp(), Some(u64::MAX)),
            Bucket::complete(push().timestamp() + 300, Some(u64::MAX)),
            Bucket { at: i64::MAX, count: Some(u64::MAX), incomplete: true },
        ];
        for interval in [i64::MIN, -300, 0, 1, 299, 301, 86_400, 86_700, i64::MAX] {
            let mut d = data(huge.clone(), huge.clone(), now);
            d.interval = interval;
            let a = analyse(&d, push(), now, 2.0, 20);
            assert_eq!(a.since_push, u64::MAX, "{interval}: {a:?}");
            d.until = i64::MIN;
            analyse(&d, push(), now, 2.0, 20);
        }
    }

    #[test]
    fn the_week_ago_window_covers_the_push_and_a_day_more() {
        let now = push() + Duration::minutes(30);
        let (from, to) = week_ago_window(push(), now);
        assert_eq!(from, push().timestamp() - WEEK_SECS);
        assert_eq!(to, (now + Duration::minutes(5) + Duration::days(1)).timestamp() - WEEK_SECS);
        assert_eq!(week_ago_needed(push(), now), (from, (now + Duration::minutes(5)).timestamp() - WEEK_SECS));
        // A push more than a day old: its last day.
        let late = push() + Duration::days(3) + Duration::seconds(17);
        assert_eq!(week_ago_needed(push(), late).0, (late - Duration::days(8)).timestamp() - 17 + 300);
    }

    #[test]
    fn errors_read_as_sentences() {
        let until = Utc.with_ymd_and_hms(2026, 11, 26, 15, 12, 30).unwrap();
        assert_eq!(SentryError::RateLimited { until: Some(until) }.to_string(), "rate limited until 15:12:30 UTC");
        assert!(SentryError::TokenRejected.to_string().starts_with("token rejected"));
        assert_eq!(SentryError::TokenRejected.state(), "unauthorized");
        let org = SentryError::OrgForbidden { org: "acme".into(), org_token: false };
        assert!(org.to_string().contains("org:read, project:read, event:read"), "{org}");
        let ci = SentryError::OrgForbidden { org: "acme".into(), org_token: true }.to_string();
        assert!(ci.contains("organization auth token") && ci.contains("user auth token"), "{ci}");
        let p = SentryError::ProjectForbidden { project: "web".into(), has_access: Some(false) };
        assert!(p.to_string().contains("no access to project `web`"), "{p}");
        assert_eq!(p.state(), "forbidden");
    }
}
