//! Errors around the push, as Sentry counts them: per project a series of
//! error counts per 5 minutes, the count since the push against a baseline,
//! a verdict, and the issues first seen since the push. Pure: the client that
//! fetches these lives in `io::sentry`.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Bucket width asked of Sentry.
pub const BUCKET_SECS: i64 = 300;

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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSpec {
    pub slug: String,
    /// The service the project reports for (its prod version changes are
    /// marked on the chart).
    pub service: Option<String>,
}

/// One bucket: its start (epoch seconds) and the count, when Sentry gave one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub at: i64,
    pub count: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewIssue {
    pub short_id: String,
    pub title: String,
    pub count: u64,
    pub first_seen: DateTime<Utc>,
    pub permalink: String,
    pub level: String,
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

/// Why a fetch failed; each reads as a sentence for the pane.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SentryError {
    #[error("token rejected / missing scope (needs org:read, project:read, event:read): HTTP {status}")]
    Unauthorized { status: u16 },
    #[error("not found: {what}")]
    NotFound { what: String },
    #[error("rate limited{}", until.map(|u| format!(" until {}", u.format("%H:%M:%S UTC"))).unwrap_or_default())]
    RateLimited { until: Option<DateTime<Utc>> },
    #[error("Sentry answered HTTP {status}")]
    Server { status: u16 },
    #[error("unreadable answer from {what}: {message}")]
    Bad { what: String, message: String },
    #[error("{0}")]
    Network(String),
    #[error("no token: {0}")]
    NoToken(String),
}

impl SentryError {
    /// The `state` of `status --json`.
    pub fn state(&self) -> &'static str {
        match self {
            SentryError::Unauthorized { .. } | SentryError::NoToken(_) => "unauthorized",
            SentryError::RateLimited { .. } => "rate_limited",
            _ => "error",
        }
    }
}

/// One fetch of a project: the recent series, the same window a week
/// earlier, and the issues new since the push.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    pub series: Vec<Bucket>,
    pub week_ago: Vec<Bucket>,
    pub issues: Vec<NewIssue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Calm,
    Elevated,
    Spike,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Calm => "calm",
            Verdict::Elevated => "elevated",
            Verdict::Spike => "spike",
        }
    }
}

/// The numbers behind a verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Analysis {
    pub since_push: u64,
    /// The larger of the two baselines: a rise is only a spike against both.
    pub baseline: u64,
    pub before: u64,
    pub week_ago: Option<u64>,
    /// `since_push / baseline`; `None` when the baseline is zero.
    pub ratio: Option<f64>,
    pub verdict: Verdict,
}

/// Compares the errors since the push with the same length of time just
/// before it, and with the same window one week earlier (when known).
/// A spike needs both `ratio >= spike_ratio` and at least `min_count`
/// errors, so three errors against one is not an alarm; against a zero
/// baseline, `min_count` errors alone are a spike.
pub fn analyse(
    series: &[Bucket],
    week_ago: Option<&[Bucket]>,
    push: DateTime<Utc>,
    now: DateTime<Utc>,
    spike_ratio: f64,
    min_count: u64,
) -> Analysis {
    // Buckets from the future (clock skew) are not counted.
    let now_s = now.timestamp();
    let sum = |buckets: &[Bucket], from: i64, to: i64| -> u64 {
        buckets.iter().filter(|b| b.at >= from && b.at < to && b.at <= now_s).filter_map(|b| b.count).sum()
    };
    // Buckets are aligned to 5 minutes; the push's own bucket counts as
    // after. Both sides count the same number of buckets, so a steady rate
    // is a ratio of 1 whatever minute the push started (at most a day's).
    let now_bucket = now_s - now_s.rem_euclid(BUCKET_SECS);
    let push_s = push.timestamp().min(now_s);
    let start = (push_s - push_s.rem_euclid(BUCKET_SECS)).max(now_bucket - 287 * BUCKET_SECS);
    let buckets = (now_bucket - start) / BUCKET_SECS + 1;
    let since_push = sum(series, start, now_bucket + BUCKET_SECS);
    let before = sum(series, start - buckets * BUCKET_SECS, start);
    let week = Duration::days(7).num_seconds();
    let week_ago = week_ago.map(|w| sum(w, start - week, now_bucket + BUCKET_SECS - week));
    let baseline = before.max(week_ago.unwrap_or(0));
    let ratio = (baseline > 0).then(|| since_push as f64 / baseline as f64);
    let verdict = match ratio {
        _ if since_push < min_count.div_ceil(2) => Verdict::Calm,
        Some(r) if r >= spike_ratio && since_push >= min_count => Verdict::Spike,
        None if since_push >= min_count => Verdict::Spike,
        Some(r) if r >= 1.0 + (spike_ratio - 1.0) / 2.0 => Verdict::Elevated,
        None => Verdict::Elevated,
        Some(_) => Verdict::Calm,
    };
    Analysis { since_push, baseline, before, week_ago, ratio, verdict }
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn push() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap()
    }

    /// Buckets every 5 minutes from `start_min` minutes after the push.
    fn series(start_min: i64, counts: &[u64]) -> Vec<Bucket> {
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| Bucket { at: push().timestamp() + (start_min + 5 * i as i64) * 60, count: Some(*c) })
            .collect()
    }

    #[test]
    fn a_spike_needs_the_ratio_and_the_minimum() {
        let now = push() + Duration::minutes(30);
        // 30 minutes before: 10 errors; 30 minutes after: 42.
        let s = series(-30, &[1, 2, 2, 1, 2, 2, 7, 7, 7, 7, 7, 7]);
        let a = analyse(&s, None, push(), now, 2.0, 20);
        assert_eq!((a.since_push, a.before, a.baseline), (42, 10, 10));
        assert_eq!(a.ratio, Some(4.2));
        assert_eq!(a.verdict, Verdict::Spike);
        // The same rise below min_count is not a spike.
        let small = series(-30, &[0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
        let a = analyse(&small, None, push(), now, 2.0, 20);
        assert_eq!((a.since_push, a.verdict), (6, Verdict::Calm));
        // Elevated: half-way to the spike ratio.
        let up = series(-30, &[4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6]);
        assert_eq!(analyse(&up, None, push(), now, 2.0, 20).verdict, Verdict::Elevated);
    }

    #[test]
    fn zero_baselines_week_ago_and_missing_counts() {
        let now = push() + Duration::minutes(30);
        let s = series(-30, &[0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5]);
        let a = analyse(&s, None, push(), now, 2.0, 20);
        assert_eq!((a.ratio, a.verdict), (None, Verdict::Spike), "30 errors from nothing");
        // A week ago the same window had 40: this is a normal Thursday.
        let week: Vec<Bucket> =
            series(-30, &[5; 12]).into_iter().map(|b| Bucket { at: b.at - 7 * 86_400, ..b }).collect();
        let a = analyse(&s, Some(&week), push(), now, 2.0, 20);
        assert_eq!((a.week_ago, a.baseline, a.verdict), (Some(30), 30, Verdict::Calm));
        // Missing counts are gaps, not zeros that hide anything; buckets from
        // the future are not counted.
        let mut gappy = series(-30, &[1, 1, 1, 1, 1, 1, 9, 9, 9]);
        gappy[7].count = None;
        gappy.push(Bucket { at: (now + Duration::hours(2)).timestamp(), count: Some(1000) });
        let a = analyse(&gappy, None, push(), now, 2.0, 20);
        assert_eq!((a.since_push, a.before), (18, 6));
        let empty = analyse(&[], None, push(), now, 2.0, 20);
        assert_eq!((empty.since_push, empty.verdict), (0, Verdict::Calm));
    }

    #[test]
    fn a_steady_rate_is_calm_whatever_minute_the_push_started() {
        // Four errors a minute, every bucket 20, for three days and more.
        let base = push() - Duration::hours(40);
        let steady: Vec<Bucket> =
            (0..1000).map(|i| Bucket { at: base.timestamp() + i * BUCKET_SECS, count: Some(20) }).collect();
        for push_min in [0, 1, 4, 17, 59] {
            let p = push() + Duration::minutes(push_min);
            for after in [3, 7, 9, 33, 24 * 60 + 30] {
                let a = analyse(&steady, None, p, p + Duration::minutes(after), 2.0, 20);
                assert_eq!(a.verdict, Verdict::Calm, "push at +{push_min}m, {after}m later: {a:?}");
                assert_eq!(a.since_push, a.before, "same length on both sides");
            }
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        let until = Utc.with_ymd_and_hms(2026, 11, 26, 15, 12, 30).unwrap();
        assert_eq!(SentryError::RateLimited { until: Some(until) }.to_string(), "rate limited until 15:12:30 UTC");
        assert!(SentryError::Unauthorized { status: 401 }.to_string().contains("needs org:read, project:read"));
        assert_eq!(SentryError::Unauthorized { status: 403 }.state(), "unauthorized");
    }
}
