//! The `"sentry"` object of `shipdeck status --json`: per project its state,
//! which Sentry endpoint gave the series, the series, the count since the
//! push against its baseline, the verdict, the new issues and the
//! regressions. `null` when no `[sentry]` is configured.

use super::analysis::{Analysis, analyse};
use super::{NewIssue, StatsEndpoint};
use crate::domain::model::Model;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Without a recorded push start, the last hour counts as "since the push".
pub const DEFAULT_LOOKBACK_MINUTES: i64 = 60;

/// The push start the analysis counts from: the command line's, else the
/// journal's push-started event, else an hour ago. (That last one moves
/// with every poll; the client keeps the week-ago window by what it covers,
/// not by this reference, so it is not asked again for it.)
pub fn push_start(model: &Model) -> DateTime<Utc> {
    let sentry_override = model.sentry.as_ref().and_then(|s| s.push_override);
    sentry_override
        .or_else(|| model.checklist.push_started.as_ref().map(|(t, _)| *t))
        .unwrap_or(model.now - Duration::minutes(DEFAULT_LOOKBACK_MINUTES))
}

/// Each project's analysis, now.
pub fn analyses(model: &Model) -> Vec<Option<Analysis>> {
    let push = push_start(model);
    let Some(s) = &model.sentry else { return Vec::new() };
    s.projects
        .iter()
        .map(|p| {
            let (d, _) = p.data.as_ref()?;
            Some(analyse(d, push, model.now, s.spec.spike_ratio, s.spec.min_count))
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct SentryReport {
    pub push_started: DateTime<Utc>,
    pub projects: Vec<ProjectReport>,
}

#[derive(Debug, Serialize)]
pub struct ProjectReport {
    pub slug: String,
    /// `ok`, `unauthorized`, `forbidden`, `rate_limited` or `error`.
    pub state: &'static str,
    /// `events-timeseries` or `events-stats` (a Sentry without the first);
    /// `null` before the first answer.
    pub endpoint: Option<StatsEndpoint>,
    /// Bucket width of `series`, in seconds.
    pub interval: Option<i64>,
    /// `[epoch seconds, count]`, one per bucket, the newest still filling
    /// (it counts up to `until`); a bucket Sentry gave no count for is `null`.
    pub series: Vec<(i64, Option<u64>)>,
    /// Epoch seconds the series runs up to.
    pub until: Option<i64>,
    pub since_push: Option<u64>,
    pub baseline: Option<u64>,
    pub ratio: Option<f64>,
    pub verdict: Option<&'static str>,
    pub new_issues: Vec<NewIssue>,
    /// Issues seen before the push that came back since.
    pub regressions: Vec<NewIssue>,
    pub error: Option<String>,
}

impl SentryReport {
    pub fn from_model(model: &Model) -> Option<Self> {
        let s = model.sentry.as_ref()?;
        let projects = s
            .projects
            .iter()
            .zip(analyses(model))
            .map(|(p, a)| {
                let d = p.data.as_ref().map(|(d, _)| d);
                ProjectReport {
                    slug: p.spec.slug.clone(),
                    state: p.error.as_ref().map_or("ok", |(e, _)| e.state()),
                    endpoint: d.map(|d| d.endpoint),
                    interval: d.map(|d| d.interval),
                    series: d.map(|d| d.series.iter().map(|b| (b.at, b.count)).collect()).unwrap_or_default(),
                    until: d.map(|d| d.until),
                    since_push: a.map(|a| a.since_push),
                    baseline: a.map(|a| a.baseline),
                    ratio: a.and_then(|a| a.ratio).map(|r| (r * 100.0).round() / 100.0),
                    verdict: a.map(|a| a.verdict.as_str()),
                    new_issues: d.map(|d| d.issues.clone()).unwrap_or_default(),
                    regressions: d.map(|d| d.regressions.clone()).unwrap_or_default(),
                    error: p.error.as_ref().map(|(e, _)| e.to_string()),
                }
            })
            .collect();
        Some(SentryReport { push_started: push_start(model), projects })
    }
}
