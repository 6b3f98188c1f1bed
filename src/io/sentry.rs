//! The Sentry web API (sentry.io, a region such as `de.sentry.io`, or
//! self-hosted, also under a sub-path): project slugs to ids, error counts per
//! 5 minutes, the same window a week earlier, issues first seen since the push
//! and issues that came back since.
//!
//! The series comes from `events-timeseries`, the endpoint Sentry documents;
//! a Sentry that does not have it (it answers 404 with no `detail`, the way
//! an unknown route does) is asked `events-stats` instead, for the rest of the
//! run. Both count what Sentry's own error alerts count, events of type
//! `error` or `default` (what `logger.error` sends), and both are made to
//! include the bucket still filling: `events-timeseries` always does,
//! `events-stats` only when asked `partial=1`.
//!
//! Numbers from the server are checked before they are used: a bucket
//! width must be the one asked or a wider one Sentry may pick (a whole
//! multiple of 5 minutes, a day at most), buckets must lie in the window
//! asked, in order, and counts must be plausible; any other answer is
//! unreadable, and the error names the endpoint.
//!
//! Every answer's rate-limit headers are read; a 429 waits for the reset.
//! The token goes in the `Authorization` header and nowhere else: not in
//! URLs, errors, logs or the model. It is the only credential sent: userinfo
//! in the configured base URL is dropped, or reqwest would add a Basic header
//! beside the Bearer one (and show the password in its errors).

use super::http::{Body, describe, read_capped, redirect_problem};
use super::sanitize::clean_max;
use crate::config::sentry::without_userinfo;
use crate::domain::sentry::{
    BUCKET_SECS, Bucket, Fetched, INGESTION_DELAY_SECS, NewIssue, RateLimit, SentryError, StatsEndpoint,
    plausible_interval, series_start, week_ago_needed, week_ago_window,
};
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Largest Sentry answer read (a day of 5-minute buckets is about 40 KB).
const BODY_CAP: usize = 4 * 1024 * 1024;
/// Pages of the project list followed at most (100 projects a page).
const MAX_PAGES: usize = 20;
/// A slug the project list does not have is looked for again only when the
/// list is at least this old.
const RELOOKUP_AFTER_SECS: i64 = 120;
/// The largest count taken for one bucket: more than a million errors a
/// second for a day. Anything larger is not a count.
const MAX_COUNT: f64 = 1e11;
/// Issues asked per list.
const ISSUE_LIMIT: &str = "25";
/// What Sentry's error alerts count as errors.
const ERROR_EVENTS: &str = "(event.type:error OR event.type:default)";
/// Sentry's organization auth tokens start so; they only have `org:ci`.
const ORG_TOKEN_PREFIX: &str = "sntrys_";
/// `GroupInboxReason.REGRESSION` in an issue's `inbox`.
const INBOX_REGRESSION: u64 = 2;

/// A token that cannot be printed by accident.
#[derive(Clone)]
pub struct Secret(String);

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
struct Project {
    id: String,
    /// `hasAccess`: whether the token's user may read it.
    has_access: Option<bool>,
}

/// Slugs to projects, from one pass over the organization's project list.
#[derive(Debug, Default)]
struct ProjectMap {
    by_slug: HashMap<String, Project>,
    /// The `now` of the fetch that read the list.
    read_at: Option<DateTime<Utc>>,
}

/// The week-ago window of one project, as asked and answered.
#[derive(Debug, Clone)]
struct WeekAgo {
    id: String,
    endpoint: StatsEndpoint,
    /// `[from, to)` asked, epoch seconds.
    window: (i64, i64),
    interval: i64,
    buckets: Vec<Bucket>,
}

pub struct SentryClient {
    http: reqwest::Client,
    base: String,
    org: String,
    environment: Option<String>,
    /// `Err` when no token could be read: every fetch says why.
    token: Result<Secret, String>,
    projects: tokio::sync::Mutex<ProjectMap>,
    /// `events-timeseries` is not there: ask `events-stats` from now on.
    legacy_stats: AtomicBool,
    /// The issue search said it has no `issue.category:error`.
    no_category: AtomicBool,
    /// The issue search said it has no `is:regressed`.
    no_regressed: AtomicBool,
    week_ago: std::sync::Mutex<HashMap<String, WeekAgo>>,
}

/// A request that did not give a body.
enum Fail {
    /// Not 2xx, 401, 429 or 5xx: the status, and the `detail` of Sentry's
    /// JSON `{"detail": …}` (an unknown route answers without one). Read to
    /// tell cases apart, never shown.
    Status {
        status: u16,
        detail: Option<String>,
    },
    Other(SentryError),
}

/// What an issue search's 400 says this Sentry does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unknown {
    Category,
    Regressed,
}

/// Why a project's fetch stopped: refused (403, or 404 for something it
/// names), or any other error.
enum Scoped {
    Refused { status: u16, what: String },
    Failed(SentryError),
}

impl From<SentryError> for Scoped {
    fn from(e: SentryError) -> Self {
        Scoped::Failed(e)
    }
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

    /// An issue search, its query made by `query(category, regressed)` from
    /// what this Sentry is known to have (`None`: nothing to ask). A 400
    /// saying it lacks one of them is remembered and the search made again
    /// without it, at most twice.
    async fn search(
        &self,
        slug: &str,
        id: &str,
        sort: &str,
        rate: &mut Option<RateLimit>,
        query: impl Fn(bool, bool) -> Option<String>,
    ) -> Result<Vec<NewIssue>, Scoped> {
        let what = format!("issues for {slug}");
        for _ in 0..3 {
            let category = !self.no_category.load(Ordering::Relaxed);
            let regressed = !self.no_regressed.load(Ordering::Relaxed);
            let Some(q) = query(category, regressed) else { return Ok(Vec::new()) };
            match self.issues(id, &q, sort, &what, rate).await {
                Err(Fail::Status { status: 400, detail: Some(d) }) => match unknown_in_search(&d) {
                    Some(Unknown::Category) if category => self.no_category.store(true, Ordering::Relaxed),
                    Some(Unknown::Regressed) if regressed => self.no_regressed.store(true, Ordering::Relaxed),
                    _ => return Err(Scoped::Failed(SentryError::Rejected { what })),
                },
                Err(f) => return Err(self.scoped(f, &what)),
                Ok(body) => {
                    return parse_issues(&body).map_err(|message| Scoped::Failed(SentryError::Bad { what, message }));
                }
            }
        }
        Err(Scoped::Failed(SentryError::Rejected { what }))
    }

    fn common(&self, id: &str) -> Vec<(&'static str, String)> {
        let mut q = vec![("project", id.to_string())];
        if let Some(e) = &self.environment {
            q.push(("environment", e.clone()));
        }
        q
    }

    /// Errors per bucket over `window` (`[from, to]`, epoch seconds):
    /// `events-timeseries`, or `events-stats` where that is missing.
    async fn series(
        &self,
        slug: &str,
        id: &str,
        window: (i64, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        if !self.legacy_stats.load(Ordering::Relaxed) {
            match self.timeseries(slug, id, window, rate).await {
                Err(Scoped::Refused { status: 404, what }) if what.is_empty() => {}
                other => return other,
            }
            let answer = self.events_stats(slug, id, window, rate).await?;
            self.legacy_stats.store(true, Ordering::Relaxed);
            return Ok(answer);
        }
        self.events_stats(slug, id, window, rate).await
    }

    /// `events-timeseries`; a 404 without Sentry's `detail` (an unknown
    /// route) comes back as `Refused` with no `what`.
    async fn timeseries(
        &self,
        slug: &str,
        id: &str,
        window: (i64, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        let mut q = self.common(id);
        q.extend([
            ("dataset", "errors".to_string()),
            ("yAxis", "count()".to_string()),
            ("query", ERROR_EVENTS.to_string()),
            ("interval", BUCKET_SECS.to_string()),
            ("start", stamp(window.0)),
            ("end", stamp(window.1)),
        ]);
        let what = format!("events-timeseries for {slug}");
        let path = format!("/api/0/organizations/{}/events-timeseries/", self.org);
        let body = match self.get(&path, &q, &what, rate).await {
            Ok(b) => b,
            Err(Fail::Status { status: 404, detail: None }) => {
                return Err(Scoped::Refused { status: 404, what: String::new() });
            }
            Err(f) => return Err(self.scoped(f, &what)),
        };
        let (buckets, interval) =
            parse_timeseries(&body, window).map_err(|message| SentryError::Bad { what, message })?;
        Ok((buckets, interval, StatsEndpoint::Timeseries))
    }

    async fn events_stats(
        &self,
        slug: &str,
        id: &str,
        window: (i64, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        let mut q = self.common(id);
        q.extend([
            ("yAxis", "count()".to_string()),
            ("query", ERROR_EVENTS.to_string()),
            ("interval", "5m".to_string()),
            // Without it Sentry leaves out the bucket still filling.
            ("partial", "1".to_string()),
            ("start", stamp(window.0)),
            ("end", stamp(window.1)),
        ]);
        let what = format!("events-stats for {slug}");
        let path = format!("/api/0/organizations/{}/events-stats/", self.org);
        let body = self.get(&path, &q, &what, rate).await.map_err(|f| self.scoped(f, &what))?;
        let (buckets, interval) = parse_stats(&body, window).map_err(|message| SentryError::Bad { what, message })?;
        Ok((buckets, interval, StatsEndpoint::EventsStats))
    }

    /// The window a week earlier, per project. It is history, so an answer
    /// is kept and used while it covers what the analysis reads at `now`
    /// (from the first bucket since the push to `now`, a week back) for the
    /// same project id, endpoint and bucket width; only otherwise is it
    /// asked again. Without a recorded push start the reference is the hour
    /// before now, which moves every poll but stays inside the kept window
    /// for a day, and so does the push start once recorded: one request per
    /// push, not one per poll.
    async fn week_ago(
        &self,
        slug: &str,
        id: &str,
        (push, now): (DateTime<Utc>, DateTime<Utc>),
        (endpoint, interval): (StatsEndpoint, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<Bucket>, Scoped> {
        let (need_from, need_to) = week_ago_needed(push, now);
        let kept = self.week_ago.lock().unwrap_or_else(|e| e.into_inner()).get(slug).cloned();
        if let Some(w) = kept.filter(|w| {
            w.id == id
                && w.endpoint == endpoint
                && w.interval == interval
                && w.window.0 <= need_from
                && need_to <= w.window.1
        }) {
            return Ok(w.buckets);
        }
        let window = week_ago_window(push, now);
        let asked = match endpoint {
            StatsEndpoint::Timeseries => self.timeseries(slug, id, window, rate).await,
            StatsEndpoint::EventsStats => self.events_stats(slug, id, window, rate).await,
        };
        let (mut buckets, week_interval, _) = match asked {
            Ok(answer) => answer,
            // A Sentry that keeps less than a week of events refuses the
            // window (400): the comparison goes on without it, from the time
            // just before the push, and the refusal is kept like an answer so
            // it is not asked again every poll. Anything else (a rate limit,
            // a token) is the project's error as usual.
            Err(Scoped::Failed(SentryError::Rejected { .. })) => {
                tracing::warn!(
                    project = slug,
                    "Sentry refused the week-ago window; comparing with before the push only"
                );
                (Vec::new(), interval, endpoint)
            }
            Err(e) => return Err(e),
        };
        if week_interval != interval && !buckets.is_empty() {
            let message = format!("the week-ago window came in {week_interval} s buckets, the series in {interval} s");
            return Err(Scoped::Failed(SentryError::Bad {
                what: format!("{} for {slug}", endpoint.as_str()),
                message,
            }));
        }
        // events-timeseries adds the (empty) bucket starting at the end; a
        // week on, every bucket is complete.
        buckets.retain(|b| b.at < window.1);
        buckets.iter_mut().for_each(|b| b.incomplete = false);
        let keep = WeekAgo { id: id.to_string(), endpoint, window, interval, buckets: buckets.clone() };
        self.week_ago.lock().unwrap_or_else(|e| e.into_inner()).insert(slug.to_string(), keep);
        Ok(buckets)
    }

    /// One page of the issue search: unresolved error issues matching
    /// `query`, the body as it came.
    async fn issues(
        &self,
        id: &str,
        query: &str,
        sort: &str,
        what: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<u8>, Fail> {
        let mut q = self.common(id);
        q.extend([
            ("query", query.to_string()),
            ("sort", sort.to_string()),
            ("limit", ISSUE_LIMIT.to_string()),
            ("expand", "inbox".to_string()),
        ]);
        let path = format!("/api/0/organizations/{}/issues/", self.org);
        self.get(&path, &q, what, rate).await
    }

    /// A failure of a project-scoped request.
    fn scoped(&self, f: Fail, what: &str) -> Scoped {
        match f {
            Fail::Status { status: status @ (403 | 404), .. } => Scoped::Refused { status, what: what.to_string() },
            Fail::Status { status: 400, .. } => Scoped::Failed(SentryError::Rejected { what: what.to_string() }),
            Fail::Status { status, .. } => Scoped::Failed(SentryError::Server { status }),
            Fail::Other(e) => Scoped::Failed(e),
        }
    }

    /// The project of `slug`. The list is read whole, once; a slug not in
    /// it is looked for again only when the list is older than
    /// [`RELOOKUP_AFTER_SECS`].
    async fn project(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Project, SentryError> {
        let mut map = self.projects.lock().await;
        let stale = map.read_at.is_none_or(|t| now - t >= Duration::seconds(RELOOKUP_AFTER_SECS));
        if map.read_at.is_none() || (stale && !map.by_slug.contains_key(slug)) {
            self.read_projects(&mut map, now, rate).await?;
        }
        match map.by_slug.get(slug) {
            Some(p) => Ok(p.clone()),
            None => Err(SentryError::NotFound { what: format!("project `{slug}` in organization `{}`", self.org) }),
        }
    }

    /// The project of `slug` after a 403 or 404 for it: the list is read
    /// again, unless it was read for this same poll (a poll's fetches share
    /// its `now`), so a deleted or re-created project is named right at
    /// once, at the cost of one list read per refused poll at most.
    async fn relookup(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Option<Project>, SentryError> {
        let mut map = self.projects.lock().await;
        if map.read_at != Some(now) {
            self.read_projects(&mut map, now, rate).await?;
        }
        Ok(map.by_slug.get(slug).cloned())
    }

    /// One pass over the organization's project list, page after page
    /// (Sentry's `Link` header, `rel="next"; results="true"`), at most
    /// [`MAX_PAGES`].
    async fn read_projects(
        &self,
        map: &mut ProjectMap,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<(), SentryError> {
        let path = format!("/api/0/organizations/{}/projects/", self.org);
        let what = format!("organization `{}`", self.org);
        let mut found = HashMap::new();
        let mut query: Vec<(&str, String)> = Vec::new();
        for _ in 0..MAX_PAGES {
            let (body, next) = self.get_page(&path, &query, &what, rate).await.map_err(|f| match f {
                Fail::Status { status: 403, .. } => SentryError::OrgForbidden {
                    org: self.org.clone(),
                    org_token: self.token.as_ref().is_ok_and(|t| t.0.starts_with(ORG_TOKEN_PREFIX)),
                },
                Fail::Status { status: 404, .. } => SentryError::NotFound { what: what.clone() },
                Fail::Status { status, .. } => SentryError::Server { status },
                Fail::Other(e) => e,
            })?;
            let bad = |message: String| SentryError::Bad { what: "the project list".into(), message };
            let list: Value = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
            let Value::Array(list) = list else {
                return Err(bad("not a JSON array".into()));
            };
            for p in list {
                let id = match p.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => continue,
                };
                if let Some(s) = p.get("slug").and_then(Value::as_str) {
                    let has_access = p.get("hasAccess").and_then(Value::as_bool);
                    found.insert(s.to_string(), Project { id, has_access });
                }
            }
            match next {
                Some(cursor) => query = vec![("cursor", cursor)],
                None => break,
            }
        }
        map.by_slug = found;
        map.read_at = Some(now);
        Ok(())
    }

    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<u8>, Fail> {
        self.get_page(path, query, what, rate).await.map(|(b, _)| b)
    }

    /// One GET under the base URL (which may have a path of its own); the
    /// body, and the next page's cursor from the `Link` header.
    async fn get_page(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<u8>, Option<String>), Fail> {
        let token = self.token.as_ref().map_err(|e| Fail::Other(SentryError::NoToken(e.clone())))?;
        let network = |m: String| Fail::Other(SentryError::Network(format!("{}: {m}", self.base)));
        let mut url =
            url::Url::parse(&format!("{}{path}", self.base)).map_err(|e| network(format!("bad URL ({e})")))?;
        url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        let resp = self
            .http
            .get(url.clone())
            .bearer_auth(&token.0)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| network(describe(&e)))?;
        // Only answers from the configured origin count: another host's
        // numbers would be shown as this organization's.
        if let Some(problem) = redirect_problem(&url, &resp) {
            return Err(network(problem));
        }
        let headers = resp.headers();
        let limits = parse_rate_limit(headers);
        if limits != RateLimit::default() {
            *rate = Some(limits);
        }
        let next = next_cursor(headers);
        let status = resp.status().as_u16();
        let body = match read_capped(resp, BODY_CAP).await {
            Ok(Body::Complete(b)) => Some(b),
            Ok(Body::TooLarge) => None,
            Err(e) => return Err(network(describe(&e))),
        };
        match status {
            200..=299 => {}
            // The token itself, whatever it asked for.
            401 => return Err(Fail::Other(SentryError::TokenRejected)),
            // No Retry-After from Sentry: the reset header says when.
            429 => return Err(Fail::Other(SentryError::RateLimited { until: limits.reset })),
            500..=599 => return Err(Fail::Other(SentryError::Server { status })),
            _ => return Err(Fail::Status { status, detail: body.as_deref().and_then(detail_of) }),
        }
        match body {
            Some(b) => Ok((b, next)),
            None => Err(Fail::Other(SentryError::Bad {
                what: what.to_string(),
                message: format!("larger than {BODY_CAP} bytes"),
            })),
        }
    }
}

/// `[start, end]` as asked: whole seconds, UTC.
fn stamp(t: i64) -> String {
    let t = Utc.timestamp_opt(t, 0).single().unwrap_or_default();
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Sentry's error bodies are `{"detail": …}`; an unknown route's is empty.
/// The detail's text (at most 500 characters), when there is one.
fn detail_of(body: &[u8]) -> Option<String> {
    let v = serde_json::from_slice::<Value>(body).ok()?;
    let text = match v.get("detail")? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(text.chars().take(500).collect())
}

/// What an issue search's 400 `detail` says this Sentry lacks, in Sentry's
/// own words (`api/event_search.py`, `api/issue_search.py`): an `is:` value
/// it does not have (`is:regressed` before substatuses), substatuses turned
/// off for the organization, an issue category it does not have. `None`
/// for any other 400.
fn unknown_in_search(detail: &str) -> Option<Unknown> {
    if detail.starts_with("Invalid value for \"is\" search") || detail.contains("substatus filter is not supported") {
        Some(Unknown::Regressed)
    } else if detail.starts_with("Invalid category value of") {
        Some(Unknown::Category)
    } else {
        None
    }
}

fn header_u64(h: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    let v = h.get(name)?.to_str().ok()?.trim().parse::<f64>().ok()?;
    // Whole, and within what a u64 holds: no saturating casts.
    (v >= 0.0 && v < u64::MAX as f64 && v.fract() == 0.0).then_some(v as u64)
}

pub fn parse_rate_limit(h: &reqwest::header::HeaderMap) -> RateLimit {
    RateLimit {
        limit: header_u64(h, "x-sentry-rate-limit-limit"),
        remaining: header_u64(h, "x-sentry-rate-limit-remaining"),
        reset: header_u64(h, "x-sentry-rate-limit-reset")
            .and_then(|s| i64::try_from(s).ok())
            .and_then(|s| Utc.timestamp_opt(s, 0).single()),
        concurrent_limit: header_u64(h, "x-sentry-rate-limit-concurrentlimit"),
        concurrent_remaining: header_u64(h, "x-sentry-rate-limit-concurrentremaining"),
    }
}

/// `<…>; rel="next"; results="true"; cursor="0:100:0"` → the cursor.
fn next_cursor(h: &reqwest::header::HeaderMap) -> Option<String> {
    let link = h.get(reqwest::header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let fields: Vec<&str> = part.split(';').map(str::trim).collect();
        let has = |k: &str, v: &str| fields.iter().any(|f| *f == format!("{k}=\"{v}\""));
        if !has("rel", "next") || !has("results", "true") {
            return None;
        }
        fields.iter().find_map(|f| f.strip_prefix("cursor=\"")?.strip_suffix('"').map(String::from))
    })
}

/// A number as the server wrote it, short, for an error.
fn shown(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 32 { format!("{}…", s.chars().take(32).collect::<String>()) } else { s }
}

/// A bucket's count as Sentry writes it (an integer, or a float such as
/// `9.0`, rounded): `Ok(None)` for `null` (a gap), an error for anything
/// that is not a plausible count (not a number, negative, absurdly large).
fn bucket_count(v: Option<&Value>) -> Result<Option<u64>, String> {
    let v = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    match v.as_f64() {
        Some(f) if (0.0..=MAX_COUNT).contains(&f) => Ok(Some(f.round() as u64)),
        _ => Err(format!("implausible count {}", shown(v))),
    }
}

/// Epoch seconds from a server's number (`scale` of them a second), when
/// it is one a date can be.
fn epoch_secs(v: &Value, scale: f64) -> Result<i64, String> {
    let secs = v.as_f64().map(|f| (f / scale).floor());
    // Years 0 to 9999: far beyond any window, well within i64.
    match secs {
        Some(s) if (-62_167_219_200.0..=253_402_300_799.0).contains(&s) => Ok(s as i64),
        _ => Err(format!("implausible timestamp {}", shown(v))),
    }
}

/// Buckets as Sentry cuts a window asked from `from` to `to`: in order, each
/// starting a whole number of intervals after the one before; the first
/// holds `from` or starts after it (so it starts less than one interval
/// before it), and none starts after `to` (events-timeseries adds the
/// empty one starting at `to`).
fn check_buckets(buckets: &[Bucket], interval: i64, (from, to): (i64, i64)) -> Result<(), String> {
    let window = || format!("outside the window asked ({} to {})", stamp(from), stamp(to));
    for b in buckets {
        if b.at <= from - interval || b.at > to {
            return Err(format!("a bucket at {} is {}", b.at, window()));
        }
    }
    for pair in buckets.windows(2) {
        let step = pair[1].at - pair[0].at;
        if step <= 0 || step % interval != 0 {
            return Err(format!("buckets at {} then {}: not in steps of {interval} s", pair[0].at, pair[1].at));
        }
    }
    Ok(())
}

/// Whether a bucket ending at `end` is still subject to Sentry's ingestion
/// delay when the window asked ends at `to` (Sentry's own rule for
/// `incomplete`, with `to` for its clock).
fn ingesting(end: i64, to: i64) -> bool {
    end >= to - INGESTION_DELAY_SECS
}

/// `events-stats` for a window `(from, to)`: `{"data":[[<epoch s>,[{"count":
/// N}]],…]}`, and the bucket width: the step between buckets (it does not
/// say it), else the one asked. A bucket without a count is kept as a gap;
/// it is `incomplete` by Sentry's rule. Implausible numbers make the whole
/// answer unreadable.
pub fn parse_stats(body: &[u8], window: (i64, i64)) -> Result<(Vec<Bucket>, i64), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let data = v.get("data").and_then(Value::as_array).ok_or("no `data` array")?;
    let mut rows = Vec::with_capacity(data.len());
    for entry in data {
        let Some([at, counts]) = entry.as_array().and_then(|a| a.get(..2)) else {
            continue;
        };
        if !at.is_number() {
            continue;
        }
        let at = epoch_secs(at, 1.0)?;
        let count = counts.as_array().and_then(|cs| cs.iter().find_map(|c| c.get("count")));
        rows.push((at, bucket_count(count)?));
    }
    let interval = rows.windows(2).map(|p| p[1].0.saturating_sub(p[0].0)).filter(|d| *d > 0).min();
    let interval = interval.unwrap_or(BUCKET_SECS);
    if !plausible_interval(interval) {
        return Err(format!("buckets {interval} s apart: not {BUCKET_SECS} s or a multiple of it up to a day"));
    }
    let out: Vec<Bucket> = rows
        .into_iter()
        .map(|(at, count)| Bucket { at, count, incomplete: ingesting(at.saturating_add(interval), window.1) })
        .collect();
    check_buckets(&out, interval, window)?;
    Ok((out, interval))
}

/// `events-timeseries` for a window `(from, to)`: `{"timeSeries":[{"yAxis":
/// "count()","values":[{"timestamp":<epoch ms>,"value":N,"incomplete":…},…],
/// "meta":{"interval":<ms>,…}}],"meta":{…}}`; the buckets and their width in
/// seconds (the one asked when the answer does not say). No series at all
/// (no project matched) is an empty one. A bucket keeps Sentry's
/// `incomplete` (by Sentry's rule when it does not say); implausible
/// numbers make the whole answer unreadable.
pub fn parse_timeseries(body: &[u8], window: (i64, i64)) -> Result<(Vec<Bucket>, i64), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let all = v.get("timeSeries").and_then(Value::as_array).ok_or("no `timeSeries` array")?;
    let Some(series) =
        all.iter().find(|s| s.get("yAxis").and_then(Value::as_str) == Some("count()")).or_else(|| all.first())
    else {
        return Ok((Vec::new(), BUCKET_SECS));
    };
    let values = series.get("values").and_then(Value::as_array).ok_or("no `values` array")?;
    let interval = match series.pointer("/meta/interval") {
        None | Some(Value::Null) => BUCKET_SECS,
        Some(ms) => match ms.as_f64().map(|ms| ms / 1000.0) {
            Some(s) if s.fract() == 0.0 && plausible_interval(s.clamp(0.0, 1e9) as i64) => s as i64,
            _ => {
                return Err(format!(
                    "an interval of {} ms: not {BUCKET_SECS} s or a multiple of it up to a day",
                    shown(ms)
                ));
            }
        },
    };
    let mut buckets = Vec::with_capacity(values.len());
    for row in values {
        let Some(at) = row.get("timestamp").filter(|t| t.is_number()) else { continue };
        let at = epoch_secs(at, 1000.0)?;
        let count = bucket_count(row.get("value"))?;
        let incomplete = match row.get("incomplete").and_then(Value::as_bool) {
            Some(flag) => flag,
            None => ingesting(at.saturating_add(interval), window.1),
        };
        buckets.push(Bucket { at, count, incomplete });
    }
    check_buckets(&buckets, interval, window)?;
    Ok((buckets, interval))
}

/// The issue list; titles and ids are untrusted text. An issue whose
/// `issueCategory` is not `error` is left out.
pub fn parse_issues(body: &[u8]) -> Result<Vec<NewIssue>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let list = v.as_array().ok_or("not a JSON array")?;
    let text = |i: &Value, k: &str, max: usize| i.get(k).and_then(Value::as_str).map(|s| clean_max(s, max));
    let time = |i: &Value, k: &str| i.get(k).and_then(Value::as_str)?.parse::<DateTime<Utc>>().ok();
    Ok(list
        .iter()
        .filter(|i| i.get("issueCategory").and_then(Value::as_str).is_none_or(|c| c == "error"))
        .filter_map(|i| {
            let count = match i.get("count") {
                Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
                v => bucket_count(v).ok().flatten().unwrap_or(0),
            };
            let inbox = i.get("inbox").filter(|b| b.get("reason").and_then(Value::as_u64) == Some(INBOX_REGRESSION));
            Some(NewIssue {
                short_id: text(i, "shortId", 40)?,
                title: text(i, "title", 300).unwrap_or_default(),
                count,
                first_seen: time(i, "firstSeen")?,
                last_seen: time(i, "lastSeen"),
                permalink: text(i, "permalink", 500).unwrap_or_default(),
                level: text(i, "level", 16).unwrap_or_else(|| "error".into()),
                regressed_at: inbox.and_then(|b| time(b, "date_added")),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 15:00 to 15:15 on 2026-11-27.
    const WINDOW: (i64, i64) = (1_795_791_600, 1_795_792_500);

    #[test]
    fn stats_keep_gaps_and_skip_junk() {
        let body = br#"{"data":[[1795791600,[{"count":3}]],[1795791900,[{}]],[1795792200,[]],"junk",[1795792500,[{"count":2.0}]]],"start":1,"end":2}"#;
        let (b, interval) = parse_stats(body, WINDOW).unwrap();
        assert_eq!((b.len(), interval), (4, 300));
        assert_eq!((b[0].count, b[1].count, b[2].count, b[3].count), (Some(3), None, None, Some(2)));
        // Sentry's rule for `incomplete`, with the window's end for now.
        let flags: Vec<bool> = b.iter().map(|b| b.incomplete).collect();
        assert_eq!(flags, [false, false, true, true]);
        assert!(parse_stats(b"{\"data\":", WINDOW).unwrap_err().contains("not JSON"));
        assert_eq!(parse_stats(b"{}", WINDOW).unwrap_err(), "no `data` array");
        assert_eq!(parse_stats(br#"{"data":[]}"#, WINDOW).unwrap(), (Vec::new(), BUCKET_SECS));
        // Hourly buckets (a width Sentry may pick instead) are read as such.
        let hourly = br#"{"data":[[1795791600,[{"count":60}]],[1795795200,[{"count":5}]]]}"#;
        assert_eq!(parse_stats(hourly, (WINDOW.0, WINDOW.0 + 3600)).unwrap().1, 3600);
    }

    #[test]
    fn timeseries_read_milliseconds_the_interval_and_incomplete() {
        let body = br#"{"meta":{"dataset":"errors","start":1795791600000,"end":1795792500000},
            "timeSeries":[{"yAxis":"count()","meta":{"valueType":"integer","valueUnit":null,"interval":300000},
            "values":[{"timestamp":1795791600000,"value":3,"incomplete":false},
                      {"timestamp":1795791900000,"value":null,"incomplete":false},
                      {"timestamp":1795792200000,"value":7.0,"incomplete":true,"incompleteReason":"INCOMPLETE_BUCKET"},
                      {"timestamp":1795792500000,"value":0},
                      {"value":1}]}]}"#;
        let (b, interval) = parse_timeseries(body, WINDOW).unwrap();
        assert_eq!(interval, 300);
        let got: Vec<(i64, Option<u64>, bool)> = b.iter().map(|b| (b.at, b.count, b.incomplete)).collect();
        assert_eq!(
            got,
            [
                (1795791600, Some(3), false),
                (1795791900, None, false),
                (1795792200, Some(7), true),
                // No flag: Sentry's rule.
                (1795792500, Some(0), true),
            ]
        );
        assert_eq!(parse_timeseries(br#"{"timeSeries":[]}"#, WINDOW).unwrap(), (Vec::new(), BUCKET_SECS));
        assert_eq!(parse_timeseries(br#"{"data":[]}"#, WINDOW).unwrap_err(), "no `timeSeries` array");
        assert!(parse_timeseries(b"[", WINDOW).unwrap_err().contains("not JSON"));
    }

    /// One timeseries answer with `interval` (ms) and rows of (timestamp in
    /// ms, value).
    fn timeseries(interval: &str, rows: &[(&str, &str)]) -> Vec<u8> {
        let values: Vec<String> = rows.iter().map(|(t, v)| format!(r#"{{"timestamp":{t},"value":{v}}}"#)).collect();
        format!(
            r#"{{"timeSeries":[{{"yAxis":"count()","meta":{{"interval":{interval}}},"values":[{}]}}]}}"#,
            values.join(",")
        )
        .into_bytes()
    }

    #[test]
    fn implausible_numbers_make_the_answer_unreadable() {
        let ok = ("1795791600000", "3");
        // Widths Sentry may answer with: the one asked, or a wider multiple.
        for interval in ["300000", "300000.0", "3600000", "86400000"] {
            assert!(parse_timeseries(&timeseries(interval, &[ok]), WINDOW).is_ok(), "{interval}");
        }
        for interval in ["1e30", "-300000", "0", "60000", "300500", "310000", "172800000", "9.3e18", "\"300\""] {
            let err = parse_timeseries(&timeseries(interval, &[ok]), WINDOW).unwrap_err();
            assert!(err.contains("interval"), "{interval}: {err}");
        }
        let bad_rows: [&[(&str, &str)]; 8] = [
            &[("1e30", "3")],
            &[("-1e30", "3")],
            // A week later, and before the window.
            &[("1796396400000", "3")],
            &[("1795791300000", "3")],
            // Out of order, repeated, off the step.
            &[("1795791900000", "3"), ("1795791600000", "3")],
            &[ok, ok],
            &[ok, ("1795791660000", "3")],
            &[ok, ("1795792800000", "3")],
        ];
        for rows in bad_rows {
            let err = parse_timeseries(&timeseries("300000", rows), WINDOW).unwrap_err();
            assert!(err.contains("timestamp") || err.contains("bucket"), "{rows:?}: {err}");
        }
        for value in ["1e30", "-1", "-0.6", "1e12", "true", "\"3\""] {
            let err = parse_timeseries(&timeseries("300000", &[("1795791600000", value)]), WINDOW).unwrap_err();
            assert!(err.contains("count"), "{value}: {err}");
        }
        // events-stats too.
        for body in [
            r#"{"data":[[1e30,[{"count":3}]]]}"#,
            r#"{"data":[[1795791600,[{"count":1e30}]]]}"#,
            r#"{"data":[[1795791600,[{"count":3}]],[1795791660,[{"count":3}]]]}"#,
            r#"{"data":[[1795791600,[{"count":3}]],[1795964400,[{"count":3}]]]}"#,
        ] {
            assert!(parse_stats(body.as_bytes(), WINDOW).is_err(), "{body}");
        }
    }

    #[test]
    fn issues_are_cleaned_counted_and_only_errors() {
        let body = br#"[{"shortId":"ADDONS-1A","title":"TypeError: x \u001b[31mred","count":"42","firstSeen":"2026-11-26T15:04:00Z","permalink":"https://sentry.io/i/1/","level":"error","issueCategory":"error"},
                       {"shortId":"ADDONS-1B","title":"ok","count":7,"firstSeen":"2026-11-26T15:06:00.123Z","lastSeen":"2026-11-26T15:09:00Z","permalink":"p","level":"warning",
                        "inbox":{"reason":2,"reason_details":null,"date_added":"2026-11-26T15:07:00Z"}},
                       {"shortId":"ADDONS-1C","title":"N+1 Query","count":"9","firstSeen":"2026-11-26T15:06:00Z","issueCategory":"performance"},
                       {"shortId":"NO-DATE","title":"skipped"}]"#;
        let i = parse_issues(body).unwrap();
        assert_eq!(i.len(), 2, "{i:?}");
        assert_eq!((i[0].count, i[1].count), (42, 7));
        assert!(!i[0].title.contains('\u{1b}'), "{}", i[0].title);
        assert_eq!(i[0].regressed_at, None);
        assert_eq!(i[1].regressed_at, "2026-11-26T15:07:00Z".parse().ok());
        assert_eq!(i[1].last_seen, "2026-11-26T15:09:00Z".parse().ok());
    }

    #[test]
    fn link_headers_give_the_next_cursor() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            reqwest::header::LINK,
            r#"<https://sentry.io/api/0/organizations/o/projects/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/organizations/o/projects/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#.parse().unwrap(),
        );
        assert_eq!(next_cursor(&h).as_deref(), Some("0:100:0"));
        h.insert(reqwest::header::LINK, r#"<x>; rel="next"; results="false"; cursor="0:200:0""#.parse().unwrap());
        assert_eq!(next_cursor(&h), None);
    }

    #[test]
    fn details_tell_sentry_from_an_unknown_route() {
        let detail = detail_of(br#"{"detail":"The requested resource does not exist"}"#);
        assert_eq!(detail.as_deref(), Some("The requested resource does not exist"));
        assert_eq!(detail_of(b""), None);
        assert_eq!(detail_of(b"<html>Not Found</html>"), None);
        assert_eq!(detail_of(br#"{"info":"Route not found"}"#), None);
    }

    #[test]
    fn only_sentrys_words_for_a_missing_key_read_as_an_older_search() {
        let is = r#"Invalid value for "is" search, valid values are ['archived', 'assigned', 'for_review', 'ignored', 'linked', 'resolved', 'unassigned', 'unlinked', 'unresolved']"#;
        assert_eq!(unknown_in_search(is), Some(Unknown::Regressed));
        assert_eq!(
            unknown_in_search("The substatus filter is not supported for this organization"),
            Some(Unknown::Regressed)
        );
        assert_eq!(unknown_in_search("Invalid category value of 'error'"), Some(Unknown::Category));
        for other in [
            "Invalid search query",
            "Error parsing search query: Invalid date",
            "Invalid stats_period. Valid choices are '', '24h', '14d' and 'auto'",
            "",
        ] {
            assert_eq!(unknown_in_search(other), None, "{other}");
        }
    }

    #[test]
    fn rate_limit_headers_are_not_cast_blindly() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-sentry-rate-limit-reset", "1e30".parse().unwrap());
        h.insert("x-sentry-rate-limit-remaining", "-3".parse().unwrap());
        h.insert("x-sentry-rate-limit-limit", "40".parse().unwrap());
        let r = parse_rate_limit(&h);
        assert_eq!((r.reset, r.remaining, r.limit), (None, None, Some(40)));
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("sntrys_abc".into())), "Secret(…)");
    }
}
