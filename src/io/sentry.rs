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
//! Every answer's rate-limit headers are read; a 429 waits for the reset.
//! The token goes in the `Authorization` header and nowhere else: not in
//! URLs, errors, logs or the model. It is the only credential sent: userinfo
//! in the configured base URL is dropped, or reqwest would add a Basic header
//! beside the Bearer one (and show the password in its errors).

use super::http::{Body, describe, read_capped, redirect_problem};
use super::sanitize::clean_max;
use crate::config::sentry::without_userinfo;
use crate::domain::sentry::{
    BUCKET_SECS, Bucket, Fetched, NewIssue, RateLimit, SentryError, StatsEndpoint, series_start, week_ago_window,
};
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Largest Sentry answer read (a day of 5-minute buckets is about 40 KB).
const BODY_CAP: usize = 4 * 1024 * 1024;
/// Pages of the project list followed at most (100 projects a page).
const MAX_PAGES: usize = 20;
/// A refusal for a known project re-reads the project list only when the
/// list is at least this old: once, never in a loop.
const RELOOKUP_AFTER_SECS: i64 = 120;
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

/// The week-ago window of one project, kept for its push.
#[derive(Debug, Clone)]
struct WeekAgo {
    push: DateTime<Utc>,
    id: String,
    endpoint: StatsEndpoint,
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
    /// The issue search knows no `issue.category` nor `is:regressed`.
    old_search: AtomicBool,
    week_ago: std::sync::Mutex<HashMap<String, WeekAgo>>,
}

/// A request that did not give a body.
enum Fail {
    /// Not 2xx, 401, 429 or 5xx: the status, and whether the body was
    /// Sentry's JSON `{"detail": …}` (an unknown route answers without one).
    Status {
        status: u16,
        detail: bool,
    },
    Other(SentryError),
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
            old_search: AtomicBool::new(false),
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
        let (project, fresh) = self.project(slug, now, rate).await?;
        let (status, what) = match self.fetch_project(slug, &project.id, push, now, rate).await {
            Ok(f) => return Ok(f),
            Err(Scoped::Failed(e)) => return Err(e),
            Err(Scoped::Refused { status, what }) => (status, what),
        };
        // Sentry answers 403 for a project id the token cannot see, and a
        // deleted project's id is one: an id known from before is checked
        // against the list again (when the list is not new), and a new id
        // is tried once.
        let now_known = if fresh { Some(project.clone()) } else { self.relookup(slug, now, rate).await? };
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
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or(now);
        let (series, interval, endpoint) = self.series(slug, id, at(series_start(push, now)), now, rate).await?;
        let week_ago = self.week_ago(slug, id, push, endpoint, rate).await?;
        let push_s = stamp(push);

        // A Sentry older than issue categories and substatuses answers 400
        // to them: it is asked without them for the rest of the run (the
        // category is still checked here), and has no regressions to show.
        let new = |category: bool| {
            let category = if category { " issue.category:error" } else { "" };
            format!("is:unresolved{category} firstSeen:>{push_s}")
        };
        let old_search = self.old_search.load(Ordering::Relaxed);
        let issues = match self.issues(slug, id, &new(!old_search), "new", rate).await {
            Err(Scoped::Failed(SentryError::Server { status: 400 })) if !old_search => {
                self.old_search.store(true, Ordering::Relaxed);
                self.issues(slug, id, &new(false), "new", rate).await?
            }
            other => other?,
        };
        let issues = issues.into_iter().filter(|i| i.first_seen >= push).collect();

        // Came back since the push: seen since, first seen before, and not
        // put back in the inbox as a regression before the push (Sentry
        // keeps an issue `regressed` for a week).
        let regressions = if self.old_search.load(Ordering::Relaxed) {
            Vec::new()
        } else {
            let query = format!("is:unresolved is:regressed issue.category:error lastSeen:>{push_s}");
            match self.issues(slug, id, &query, "date", rate).await {
                Err(Scoped::Failed(SentryError::Server { status: 400 })) => {
                    self.old_search.store(true, Ordering::Relaxed);
                    Vec::new()
                }
                other => other?,
            }
        };
        let regressions = regressions
            .into_iter()
            .filter(|i| i.first_seen < push && i.regressed_at.is_none_or(|r| r >= push))
            .collect();
        Ok(Fetched { series, interval, until: now.timestamp(), week_ago, issues, regressions, endpoint })
    }

    fn common(&self, id: &str) -> Vec<(&'static str, String)> {
        let mut q = vec![("project", id.to_string())];
        if let Some(e) = &self.environment {
            q.push(("environment", e.clone()));
        }
        q
    }

    /// Errors per bucket from `from` to `to`: `events-timeseries`, or
    /// `events-stats` where that is missing.
    async fn series(
        &self,
        slug: &str,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        if !self.legacy_stats.load(Ordering::Relaxed) {
            match self.timeseries(slug, id, from, to, rate).await {
                Err(Scoped::Refused { status: 404, what }) if what.is_empty() => {}
                other => return other,
            }
            let answer = self.events_stats(slug, id, from, to, rate).await?;
            self.legacy_stats.store(true, Ordering::Relaxed);
            return Ok(answer);
        }
        self.events_stats(slug, id, from, to, rate).await
    }

    /// `events-timeseries`; a 404 without Sentry's `detail` (an unknown
    /// route) comes back as `Refused` with no `what`.
    async fn timeseries(
        &self,
        slug: &str,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut q = self.common(id);
        q.extend([
            ("dataset", "errors".to_string()),
            ("yAxis", "count()".to_string()),
            ("query", ERROR_EVENTS.to_string()),
            ("interval", BUCKET_SECS.to_string()),
            ("start", stamp(from)),
            ("end", stamp(to)),
        ]);
        let what = format!("events-timeseries for {slug}");
        let path = format!("/api/0/organizations/{}/events-timeseries/", self.org);
        let body = match self.get(&path, &q, &what, rate).await {
            Ok(b) => b,
            Err(Fail::Status { status: 404, detail: false }) => {
                return Err(Scoped::Refused { status: 404, what: String::new() });
            }
            Err(f) => return Err(self.scoped(f, &what)),
        };
        let (buckets, interval) = parse_timeseries(&body).map_err(|message| SentryError::Bad { what, message })?;
        Ok((buckets, interval.unwrap_or(BUCKET_SECS), StatsEndpoint::Timeseries))
    }

    async fn events_stats(
        &self,
        slug: &str,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut q = self.common(id);
        q.extend([
            ("yAxis", "count()".to_string()),
            ("query", ERROR_EVENTS.to_string()),
            ("interval", "5m".to_string()),
            // Without it Sentry leaves out the bucket still filling.
            ("partial", "1".to_string()),
            ("start", stamp(from)),
            ("end", stamp(to)),
        ]);
        let what = format!("events-stats for {slug}");
        let path = format!("/api/0/organizations/{}/events-stats/", self.org);
        let body = self.get(&path, &q, &what, rate).await.map_err(|f| self.scoped(f, &what))?;
        let buckets = parse_stats(&body).map_err(|message| SentryError::Bad { what, message })?;
        Ok((buckets, BUCKET_SECS, StatsEndpoint::EventsStats))
    }

    /// The push's window a week earlier: asked once per push (and project
    /// id, and endpoint), then kept.
    async fn week_ago(
        &self,
        slug: &str,
        id: &str,
        push: DateTime<Utc>,
        endpoint: StatsEndpoint,
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<Bucket>, Scoped> {
        let kept = self.week_ago.lock().unwrap_or_else(|e| e.into_inner()).get(slug).cloned();
        if let Some(w) = kept.filter(|w| w.push == push && w.id == id && w.endpoint == endpoint) {
            return Ok(w.buckets);
        }
        let (from, to) = week_ago_window(push);
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or(push);
        let (mut buckets, _, _) = match endpoint {
            StatsEndpoint::Timeseries => self.timeseries(slug, id, at(from), at(to), rate).await?,
            StatsEndpoint::EventsStats => self.events_stats(slug, id, at(from), at(to), rate).await?,
        };
        // events-timeseries adds the (empty) bucket starting at the end.
        buckets.retain(|b| b.at < to);
        let keep = WeekAgo { push, id: id.to_string(), endpoint, buckets: buckets.clone() };
        self.week_ago.lock().unwrap_or_else(|e| e.into_inner()).insert(slug.to_string(), keep);
        Ok(buckets)
    }

    /// Unresolved error issues matching `query`; issues of another category
    /// (performance, feedback, cron…) are left out even where a server
    /// ignores the filter.
    async fn issues(
        &self,
        slug: &str,
        id: &str,
        query: &str,
        sort: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<NewIssue>, Scoped> {
        let mut q = self.common(id);
        q.extend([
            ("query", query.to_string()),
            ("sort", sort.to_string()),
            ("limit", ISSUE_LIMIT.to_string()),
            ("expand", "inbox".to_string()),
        ]);
        let what = format!("issues for {slug}");
        let path = format!("/api/0/organizations/{}/issues/", self.org);
        let body = self.get(&path, &q, &what, rate).await.map_err(|f| self.scoped(f, &what))?;
        parse_issues(&body).map_err(|message| Scoped::Failed(SentryError::Bad { what, message }))
    }

    /// A failure of a project-scoped request.
    fn scoped(&self, f: Fail, what: &str) -> Scoped {
        match f {
            Fail::Status { status: status @ (403 | 404), .. } => Scoped::Refused { status, what: what.to_string() },
            Fail::Status { status, .. } => Scoped::Failed(SentryError::Server { status }),
            Fail::Other(e) => Scoped::Failed(e),
        }
    }

    /// The project of `slug`, and whether the list was read for this call.
    /// The list is read whole, once; a slug not in it is looked for again
    /// only when the list is older than [`RELOOKUP_AFTER_SECS`].
    async fn project(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<(Project, bool), SentryError> {
        let mut map = self.projects.lock().await;
        let stale = map.read_at.is_none_or(|t| now - t >= Duration::seconds(RELOOKUP_AFTER_SECS));
        let mut fresh = false;
        if map.read_at.is_none() || (stale && !map.by_slug.contains_key(slug)) {
            self.read_projects(&mut map, now, rate).await?;
            fresh = true;
        }
        match map.by_slug.get(slug) {
            Some(p) => Ok((p.clone(), fresh)),
            None => Err(SentryError::NotFound { what: format!("project `{slug}` in organization `{}`", self.org) }),
        }
    }

    /// The project of `slug` after a refusal: read again when the list is
    /// old enough, else as known.
    async fn relookup(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Option<Project>, SentryError> {
        let mut map = self.projects.lock().await;
        if map.read_at.is_none_or(|t| now - t >= Duration::seconds(RELOOKUP_AFTER_SECS)) {
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
            _ => return Err(Fail::Status { status, detail: body.as_deref().is_some_and(has_detail) }),
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

/// Sentry's error bodies are `{"detail": …}`; an unknown route's is empty.
fn has_detail(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|v| v.get("detail").is_some())
}

fn header_u64(h: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse::<f64>().ok().filter(|v| *v >= 0.0).map(|v| v as u64)
}

pub fn parse_rate_limit(h: &reqwest::header::HeaderMap) -> RateLimit {
    RateLimit {
        limit: header_u64(h, "x-sentry-rate-limit-limit"),
        remaining: header_u64(h, "x-sentry-rate-limit-remaining"),
        reset: header_u64(h, "x-sentry-rate-limit-reset").and_then(|s| Utc.timestamp_opt(s as i64, 0).single()),
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

/// A count as Sentry writes it (an integer, or a float such as `9.0`).
fn count_of(v: &Value) -> Option<u64> {
    v.as_f64().filter(|f| f.is_finite()).map(|f| f.max(0.0).round() as u64)
}

/// `events-stats`: `{"data":[[<epoch s>,[{"count":N}]],…]}`. A bucket
/// without a count is kept as a gap.
pub fn parse_stats(body: &[u8]) -> Result<Vec<Bucket>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let data = v.get("data").and_then(Value::as_array).ok_or("no `data` array")?;
    let mut out = Vec::with_capacity(data.len());
    for entry in data {
        let Some([at, counts]) = entry.as_array().and_then(|a| a.get(..2)) else {
            continue;
        };
        let Some(at) = at.as_f64().map(|f| f as i64) else { continue };
        let count = counts.as_array().and_then(|cs| cs.iter().find_map(|c| c.get("count").and_then(count_of)));
        out.push(Bucket { at, count });
    }
    Ok(out)
}

/// `events-timeseries`: `{"timeSeries":[{"yAxis":"count()","values":
/// [{"timestamp":<epoch ms>,"value":N,"incomplete":…},…],"meta":{"interval":
/// <ms>,…}}],"meta":{…}}`; the buckets and their width in seconds. No
/// series at all (no project matched) is an empty one.
pub fn parse_timeseries(body: &[u8]) -> Result<(Vec<Bucket>, Option<i64>), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let all = v.get("timeSeries").and_then(Value::as_array).ok_or("no `timeSeries` array")?;
    let Some(series) =
        all.iter().find(|s| s.get("yAxis").and_then(Value::as_str) == Some("count()")).or_else(|| all.first())
    else {
        return Ok((Vec::new(), None));
    };
    let values = series.get("values").and_then(Value::as_array).ok_or("no `values` array")?;
    let interval = series
        .pointer("/meta/interval")
        .and_then(Value::as_f64)
        .map(|ms| (ms / 1000.0).round() as i64)
        .filter(|s| *s > 0);
    let buckets = values
        .iter()
        .filter_map(|row| {
            let at = row.get("timestamp")?.as_f64().filter(|f| f.is_finite())?;
            Some(Bucket { at: (at / 1000.0).floor() as i64, count: row.get("value").and_then(count_of) })
        })
        .collect();
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
                Some(v) => count_of(v).unwrap_or(0),
                None => 0,
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

    #[test]
    fn stats_keep_gaps_and_skip_junk() {
        let body = br#"{"data":[[1795791600,[{"count":3}]],[1795791900,[{}]],[1795792200,[]],"junk",[1795792500,[{"count":2.0}]]],"start":1,"end":2}"#;
        let b = parse_stats(body).unwrap();
        assert_eq!(b.len(), 4);
        assert_eq!((b[0].count, b[1].count, b[2].count, b[3].count), (Some(3), None, None, Some(2)));
        assert!(parse_stats(b"{\"data\":").unwrap_err().contains("not JSON"));
        assert_eq!(parse_stats(b"{}").unwrap_err(), "no `data` array");
        assert!(parse_stats(br#"{"data":[]}"#).unwrap().is_empty());
    }

    #[test]
    fn timeseries_read_milliseconds_and_the_interval() {
        let body = br#"{"meta":{"dataset":"errors","start":1795791600000,"end":1795792500000},
            "timeSeries":[{"yAxis":"count()","meta":{"valueType":"integer","valueUnit":null,"interval":300000},
            "values":[{"timestamp":1795791600000,"value":3,"incomplete":false},
                      {"timestamp":1795791900000,"value":null,"incomplete":false},
                      {"timestamp":1795792200000,"value":7.0,"incomplete":true,"incompleteReason":"INCOMPLETE_BUCKET"},
                      {"value":1}]}]}"#;
        let (b, interval) = parse_timeseries(body).unwrap();
        assert_eq!(interval, Some(300));
        let got: Vec<(i64, Option<u64>)> = b.iter().map(|b| (b.at, b.count)).collect();
        assert_eq!(got, [(1795791600, Some(3)), (1795791900, None), (1795792200, Some(7))]);
        assert_eq!(parse_timeseries(br#"{"timeSeries":[]}"#).unwrap(), (Vec::new(), None));
        assert_eq!(parse_timeseries(br#"{"data":[]}"#).unwrap_err(), "no `timeSeries` array");
        assert!(parse_timeseries(b"[").unwrap_err().contains("not JSON"));
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
        assert!(has_detail(br#"{"detail":"The requested resource does not exist"}"#));
        assert!(!has_detail(b""));
        assert!(!has_detail(b"<html>Not Found</html>"));
        assert!(!has_detail(br#"{"info":"Route not found"}"#));
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("sntrys_abc".into())), "Secret(…)");
    }
}
