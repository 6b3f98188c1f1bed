//! The `"sentry"` object of `shipdeck status --json`: per project its state,
//! the series, the count since the push against its baseline, the verdict and
//! the new issues. `null` when no `[sentry]` is configured.

use super::model::Model;
use super::sentry::NewIssue;
use super::sentry_update::{analyses, push_start};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct SentryReport {
    pub push_started: DateTime<Utc>,
    pub projects: Vec<ProjectReport>,
}

#[derive(Debug, Serialize)]
pub struct ProjectReport {
    pub slug: String,
    /// `ok`, `unauthorized`, `rate_limited` or `error`.
    pub state: &'static str,
    /// `[epoch seconds, count]`, one per 5 minutes; a bucket Sentry gave no
    /// count for is `null`.
    pub series: Vec<(i64, Option<u64>)>,
    pub since_push: Option<u64>,
    pub baseline: Option<u64>,
    pub ratio: Option<f64>,
    pub verdict: Option<&'static str>,
    pub new_issues: Vec<NewIssue>,
    pub error: Option<String>,
}

impl SentryReport {
    pub fn from_model(model: &Model) -> Option<Self> {
        let s = model.sentry.as_ref()?;
        let projects = s
            .projects
            .iter()
            .zip(analyses(model))
            .map(|(p, a)| ProjectReport {
                slug: p.spec.slug.clone(),
                state: p.error.as_ref().map_or("ok", |(e, _)| e.state()),
                series: p
                    .data
                    .as_ref()
                    .map(|(d, _)| d.series.iter().map(|b| (b.at, b.count)).collect())
                    .unwrap_or_default(),
                since_push: a.map(|a| a.since_push),
                baseline: a.map(|a| a.baseline),
                ratio: a.and_then(|a| a.ratio).map(|r| (r * 100.0).round() / 100.0),
                verdict: a.map(|a| a.verdict.as_str()),
                new_issues: p.data.as_ref().map(|(d, _)| d.issues.clone()).unwrap_or_default(),
                error: p.error.as_ref().map(|(e, _)| e.to_string()),
            })
            .collect();
        Some(SentryReport { push_started: push_start(model), projects })
    }
}
