//! The Sentry client, its settings and what it remembers between fetches:
//! the project list, the week-ago windows, what this Sentry lacks.

use crate::config::sentry::without_userinfo;
use crate::domain::sentry::{Bucket, StatsEndpoint};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

/// A token that cannot be printed by accident.
#[derive(Clone)]
pub struct Secret(pub(super) String);

impl Secret {
    pub fn new(token: String) -> Self {
        Secret(token)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// A project of the organization's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Project {
    pub(super) id: String,
    /// `hasAccess`: whether the token's user may read it.
    pub(super) has_access: Option<bool>,
}

/// Slugs to projects, from one pass over the organization's project list.
#[derive(Debug, Default)]
pub(super) struct ProjectMap {
    pub(super) by_slug: HashMap<String, Project>,
    /// The `now` of the fetch that read the list.
    pub(super) read_at: Option<DateTime<Utc>>,
}

/// The week-ago window of one project, as asked and answered.
#[derive(Debug, Clone)]
pub(super) struct WeekAgo {
    pub(super) id: String,
    pub(super) endpoint: StatsEndpoint,
    /// `[from, to)` asked, epoch seconds.
    pub(super) window: (i64, i64),
    pub(super) interval: i64,
    pub(super) buckets: Vec<Bucket>,
}

pub struct SentryClient {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
    pub(super) org: String,
    pub(super) environment: Option<String>,
    /// `Err` when no token could be read: every fetch says why.
    pub(super) token: Result<Secret, String>,
    pub(super) projects: tokio::sync::Mutex<ProjectMap>,
    /// `events-timeseries` is not there: ask `events-stats` from now on.
    pub(super) legacy_stats: AtomicBool,
    /// The issue search said it has no `issue.category:error`.
    pub(super) no_category: AtomicBool,
    /// The issue search said it has no `is:regressed`.
    pub(super) no_regressed: AtomicBool,
    pub(super) week_ago: std::sync::Mutex<HashMap<String, WeekAgo>>,
}

impl SentryClient {
    pub fn new(
        http: reqwest::Client,
        url: &str,
        org: &str,
        environment: Option<String>,
        token: Result<Secret, String>,
    ) -> Self {
        SentryClient {
            http,
            base: without_userinfo(url.trim()).trim_end_matches('/').to_string(),
            org: org.to_string(),
            environment,
            token,
            projects: tokio::sync::Mutex::new(ProjectMap::default()),
            legacy_stats: AtomicBool::new(false),
            no_category: AtomicBool::new(false),
            no_regressed: AtomicBool::new(false),
            week_ago: std::sync::Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn common(&self, id: &str) -> Vec<(&'static str, String)> {
        let mut q = vec![("project", id.to_string())];
        if let Some(e) = &self.environment {
            q.push(("environment", e.clone()));
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("sntrys_abc".into())), "Secret(…)");
    }
}
