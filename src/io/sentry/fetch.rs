//! One project's fetch: its series, the week-ago window, new issues and
//! regressions since the push, and what a refused project id means.

use super::client::SentryClient;
use super::request::Scoped;
use crate::domain::sentry::analysis::series_start;
use crate::domain::sentry::{Fetched, RateLimit, SentryError};
use chrono::{DateTime, SecondsFormat, Utc};

impl SentryClient {
    /// One project's series, the same window a week earlier, its new issues
    /// and regressions since `push`; with the newest rate-limit headers seen.
    pub async fn fetch(
        &self,
        slug: &str,
        push: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> (Result<Fetched, SentryError>, Option<RateLimit>) {
        let mut rate = None;
        let result = self.fetch_inner(slug, push, now, &mut rate).await;
        (result, rate)
    }

    async fn fetch_inner(
        &self,
        slug: &str,
        push: DateTime<Utc>,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Fetched, SentryError> {
        let project = self.project(slug, now, rate).await?;
        let (status, what) = match self.fetch_project(slug, &project.id, push, now, rate).await {
            Ok(f) => return Ok(f),
            Err(Scoped::Failed(e)) => return Err(e),
            Err(Scoped::Refused { status, what }) => (status, what),
        };
        // Sentry answers 403 for a project id the token cannot see, and a
        // deleted project's id is one: the list is read again (once, unless
        // this poll already read it), and a new id is tried once.
        let now_known = self.relookup(slug, now, rate).await?;
        let Some(current) = now_known else {
            return Err(SentryError::NotFound { what: format!("project `{slug}` in organization `{}`", self.org) });
        };
        let (status, what, has_access) = if current.id != project.id {
            match self.fetch_project(slug, &current.id, push, now, rate).await {
                Ok(f) => return Ok(f),
                Err(Scoped::Failed(e)) => return Err(e),
                Err(Scoped::Refused { status, what }) => (status, what, current.has_access),
            }
        } else {
            (status, what, current.has_access)
        };
        Err(match status {
            403 => SentryError::ProjectForbidden { project: slug.to_string(), has_access },
            _ if what.is_empty() => SentryError::NotFound { what: format!("events-timeseries for {slug}") },
            _ => SentryError::NotFound { what: self.with_environment(&what) },
        })
    }

    /// A 404 for something project-scoped may be the environment.
    fn with_environment(&self, what: &str) -> String {
        match &self.environment {
            Some(env) => format!("{what} (or environment `{env}`)"),
            None => what.to_string(),
        }
    }

    async fn fetch_project(
        &self,
        slug: &str,
        id: &str,
        push: DateTime<Utc>,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Fetched, Scoped> {
        let window = (series_start(push, now), now.timestamp());
        let (series, interval, endpoint) = self.series(slug, id, window, rate).await?;
        let week_ago = self.week_ago(slug, id, (push, now), (endpoint, interval), rate).await?;
        let push_s = push.to_rfc3339_opts(SecondsFormat::Secs, true);

        // A Sentry whose issue search says it has no `issue.category:error`
        // or no `is:regressed` (its 400 names it) is asked without it for
        // the rest of the run; the category is still checked here, and
        // there are no regressions to show. Any other 400 is an error.
        let new = |category: bool| {
            let category = if category { " issue.category:error" } else { "" };
            format!("is:unresolved{category} firstSeen:>{push_s}")
        };
        let issues = self.search(slug, id, "new", rate, |c, _| Some(new(c))).await?;
        let issues = issues.into_iter().filter(|i| i.first_seen >= push).collect();

        // Came back since the push: seen since, first seen before, and not
        // put back in the inbox as a regression before the push (Sentry
        // keeps an issue `regressed` for a week).
        let regressed = |category: bool, regressed: bool| {
            let category = if category { " issue.category:error" } else { "" };
            regressed.then(|| format!("is:unresolved is:regressed{category} lastSeen:>{push_s}"))
        };
        let regressions = self.search(slug, id, "date", rate, regressed).await?;
        let regressions = regressions
            .into_iter()
            .filter(|i| i.first_seen < push && i.regressed_at.is_none_or(|r| r >= push))
            .collect();
        Ok(Fetched { series, interval, until: now.timestamp(), week_ago, issues, regressions, endpoint })
    }
}
