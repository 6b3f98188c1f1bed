//! The demo's Sentry: the calls of the Sentry web API the cockpit makes
//! (the project list, `events-timeseries` and `events-stats`, the issue
//! search), served by the fleet from real-shaped data and cut the way Sentry
//! cuts them. Organization [`DEMO_SENTRY_ORG`], one project per service
//! (slug = service name), a quiet deterministic baseline of errors — a
//! quarter of them `default` events, what `logger.error` sends — and one
//! spike: the first service's project, once its prod has switched to the new
//! tag, raises its counts and shows two new issues (from
//! `fixtures/sentry/issues.json`), a new performance issue (not an error)
//! and an old error that came back.
//!
//! Like Sentry, a series holds what happened up to the end asked, so the
//! bucket still filling counts only its first minutes; `events-stats` leaves
//! it out unless asked `partial=1`, `events-timeseries` keeps it and marks
//! it `incomplete`.
//!
//! Times: the story runs in story seconds, Sentry in wall-clock 5-minute
//! buckets. The spike begins at the wall-clock moment of the project's prod
//! switch ([`Story::prod_switch_at`]); from then on every bucket from two
//! before the spike's own up to the current one reports 8–15 errors, so the
//! rise shows at once (a two-minute story would otherwise sit in one bucket).
//!
//! Every answer carries sentry.io's rate-limit headers (a window of
//! [`RATE_LIMIT`] requests per wall-clock second, counted but never
//! enforced); a missing or wrong token is a 401.

use super::fleet_state::{FleetState, RATE_LIMIT};
use super::story::Story;
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use std::sync::Arc;

/// The token the demo's Sentry accepts (`Authorization: Bearer …`).
pub const DEMO_SENTRY_TOKEN: &str = "demo-sentry-token";
/// The demo's only organization.
pub const DEMO_SENTRY_ORG: &str = "demo";
/// The project (service index) that spikes after its prod switch.
pub const SPIKE_PROJECT: usize = 0;
/// Every series is built from wall-clock buckets this wide, aligned to it.
pub const BUCKET_SECS: i64 = 300;
/// Buckets before the spike's own that already show it.
pub const SPIKE_LEAD_BUCKETS: i64 = 2;
/// `X-Sentry-Rate-Limit-ConcurrentLimit`.
pub const CONCURRENT_LIMIT: u64 = 25;
/// Data points one events-stats answer holds at most, as on sentry.io.
pub const MAX_POINTS: i64 = 10_000;
/// A bucket ending less than this long ago is `incomplete` in
/// `events-timeseries` (Sentry's assumed ingestion delay).
pub const INGESTION_DELAY_SECS: i64 = 90;
/// The first project's id; project `i` has this plus `i`.
pub const FIRST_PROJECT_ID: u64 = 4_500_000_000_000_001;

const ISSUES_JSON: &str = include_str!("../../fixtures/sentry/issues.json");
/// Each fixture issue's count grows by this much per story second after the spike.
const ISSUE_GROWTH: [f64; 2] = [0.5, 0.2];

/// Project `index`'s numeric id, as Sentry writes it (a string).
pub fn project_id(index: usize) -> String {
    (FIRST_PROJECT_ID + index as u64).to_string()
}

/// The index of the project with this id, among `projects` projects.
pub fn project_index(id: &str, projects: usize) -> Option<usize> {
    let i = id.trim().parse::<u64>().ok()?.checked_sub(FIRST_PROJECT_ID)?;
    usize::try_from(i).ok().filter(|i| *i < projects)
}

/// A Sentry platform for a demo service.
pub fn platform(service: &str) -> &'static str {
    match service {
        "addons-server" | "addons-search" => "python-django",
        "addons-frontend" | "addons-code-manager" => "javascript-react",
        "addons-linter" | "addons-blog" => "node",
        "addons-nginx" | "addons-cdn" => "other",
        _ => "python",
    }
}

/// The organization's project list.
pub fn projects_body(services: &[String]) -> Value {
    Value::Array(
        services
            .iter()
            .enumerate()
            .map(|(i, name)| {
                json!({
                    "id": project_id(i),
                    "slug": name,
                    "name": name,
                    "platform": platform(name),
                    "dateCreated": "2019-03-12T10:24:51.208413Z",
                    "isBookmarked": false,
                    "isMember": true,
                    "hasAccess": true,
                    "status": "active",
                })
            })
            .collect(),
    )
}

/// The story as the Sentry routes see it at one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    pub now: DateTime<Utc>,
    pub spike: Option<Spike>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spike {
    pub project: usize,
    /// Wall clock of the project's prod switch.
    pub began: DateTime<Utc>,
    /// Story seconds since then.
    pub story_secs: f64,
}

impl Moment {
    /// `started`: the wall clock at story time 0; `story_time`: story
    /// seconds now. The spike begins at [`SPIKE_PROJECT`]'s prod switch.
    pub fn at(story: &Story, speed: f64, started: DateTime<Utc>, story_time: f64, now: DateTime<Utc>) -> Moment {
        let switch = story.prod_switch_at(SPIKE_PROJECT);
        let spike = (SPIKE_PROJECT < story.services.len() && speed > 0.0 && story_time >= switch).then(|| Spike {
            project: SPIKE_PROJECT,
            began: started + Duration::milliseconds((switch / speed * 1000.0).round() as i64),
            story_secs: story_time - switch,
        });
        Moment { now, spike }
    }

    /// The first bucket (epoch seconds) that shows the spike.
    pub fn spike_from(&self) -> Option<i64> {
        self.spike.map(|s| floor_to(s.began.timestamp(), BUCKET_SECS) - SPIKE_LEAD_BUCKETS * BUCKET_SECS)
    }
}

fn floor_to(t: i64, step: i64) -> i64 {
    t - t.rem_euclid(step)
}

/// A small stable hash of (project, bucket, salt): splitmix64.
fn mix(project: usize, at: i64, salt: u64) -> u64 {
    let mut z = (project as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (at as u64) ^ salt.rotate_left(32);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The quiet errors of `project` in the 5-minute bucket at `at`: 0–2, one
/// on average. Steady enough that a quiet project reads calm and the spike
/// reads as one wherever the push mark falls (20 minutes or an hour back).
pub fn baseline(project: usize, at: i64) -> u64 {
    const QUIET: [u64; 8] = [0, 0, 1, 1, 1, 1, 2, 2];
    QUIET[(mix(project, at, 0) % QUIET.len() as u64) as usize]
}

/// Errors of `project` in the whole 5-minute bucket at `at` (epoch
/// seconds, aligned): the baseline, or 8–15 in the spike's buckets up to now.
pub fn bucket_count(project: usize, at: i64, m: &Moment) -> u64 {
    match (m.spike, m.spike_from()) {
        (Some(s), Some(from)) if s.project == project && at >= from && at <= m.now.timestamp() => {
            8 + mix(project, at, 1) % 8
        }
        _ => baseline(project, at),
    }
}

/// Which events a query counts: Sentry's `event.type:error` (exceptions)
/// and `event.type:default` (messages such as `logger.error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTypes {
    pub error: bool,
    pub default: bool,
}

impl EventTypes {
    /// From a search query: the types it names, or all when it names none.
    pub fn from_query(query: &str) -> EventTypes {
        let (error, default) = (query.contains("event.type:error"), query.contains("event.type:default"));
        if error || default { EventTypes { error, default } } else { EventTypes { error: true, default: true } }
    }
}

/// Of a bucket's errors, this many are `default` events (`logger.error`).
pub fn default_events(total: u64) -> u64 {
    total / 4
}

/// Events of `project` from `from` to `to` (epoch seconds) of the given
/// types: each 5-minute bucket's count spread evenly over it, nothing after
/// now. A bucket still filling holds what has happened so far.
pub fn count_between(project: usize, from: i64, to: i64, types: EventTypes, m: &Moment) -> u64 {
    let to = to.min(m.now.timestamp());
    let mut n = 0;
    let mut b = floor_to(from, BUCKET_SECS);
    while b < to {
        let overlap = (b + BUCKET_SECS).min(to) - b.max(from);
        if overlap > 0 {
            let total = bucket_count(project, b, m);
            let kept = match (types.error, types.default) {
                (true, true) => total,
                (true, false) => total - default_events(total),
                (false, true) => default_events(total),
                (false, false) => 0,
            };
            n += kept * overlap as u64 / BUCKET_SECS as u64;
        }
        b += BUCKET_SECS;
    }
    n
}

/// Which endpoint a series is for: Sentry cuts them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsApi {
    /// `events-stats`: the bucket still filling only with `partial=1`.
    EventsStats,
    /// `events-timeseries`: always up to the one still filling.
    Timeseries,
}

/// The buckets of one answer: `first..=last` every `interval` seconds (a
/// multiple of [`BUCKET_SECS`]), counting what happened from `start` to
/// `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsRange {
    pub first: i64,
    pub last: i64,
    pub interval: i64,
    pub start: i64,
    pub end: i64,
    pub types: EventTypes,
}

impl StatsRange {
    /// The range asked for by a query: `interval` (default `1h`; `5m` or
    /// seconds) and either `statsPeriod` (default `24h`) or `start` and
    /// `end`, aligned to the interval and cut at now. Like Sentry's,
    /// `events-stats` leaves out the bucket still filling — the one holding
    /// `end` — unless asked `partial=1`; `events-timeseries` keeps it. `Err`
    /// is the 400's detail.
    pub fn from_query(params: &[(String, String)], now: DateTime<Utc>, api: StatsApi) -> Result<StatsRange, String> {
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let interval = param("interval").unwrap_or("1h");
        let interval = parse_period(interval).ok_or_else(|| format!("Invalid interval: {interval}"))?;
        if interval % BUCKET_SECS != 0 {
            return Err("The demo's interval must be a multiple of 5 minutes".into());
        }
        let (start, end) = match (param("start"), param("end")) {
            (None, None) => {
                let period = param("statsPeriod").unwrap_or("24h");
                let secs = parse_period(period).ok_or_else(|| format!("Invalid statsPeriod: {period}"))?;
                (now - Duration::seconds(secs), now)
            }
            (Some(s), Some(e)) => {
                let start = parse_time(s).ok_or_else(|| format!("start: invalid date: {s}"))?;
                let end = parse_time(e).ok_or_else(|| format!("end: invalid date: {e}"))?;
                if end < start {
                    return Err("start must be before end".into());
                }
                (start, end.min(now))
            }
            _ => return Err("start and end are both required".into()),
        };
        let (start, end) = (start.timestamp(), end.timestamp());
        let first = floor_to(start, interval);
        let filling = floor_to(end, interval);
        let last = match api {
            StatsApi::Timeseries => filling,
            StatsApi::EventsStats if param("partial") == Some("1") && end > filling => filling,
            StatsApi::EventsStats => filling - interval,
        };
        if (last - first) / interval + 1 > MAX_POINTS {
            return Err(
                "Your interval and date range would create too many results. Use a larger interval, or a smaller date range."
                    .into(),
            );
        }
        let types = EventTypes::from_query(param("query").unwrap_or(""));
        Ok(StatsRange { first, last, interval, start, end, types })
    }

    /// (bucket start, events) for the sum of `projects`; empty when the
    /// range starts after now.
    pub fn series(&self, projects: &[usize], m: &Moment) -> Vec<(i64, u64)> {
        let step = usize::try_from(self.interval).unwrap_or(1).max(1);
        (self.first..=self.last)
            .step_by(step)
            .map(|at| {
                let (from, to) = (at.max(self.start), (at + self.interval).min(self.end));
                (at, projects.iter().map(|p| count_between(*p, from, to, self.types, m)).sum())
            })
            .collect()
    }

    /// `events-stats`' answer.
    pub fn body(&self, projects: &[usize], m: &Moment) -> Value {
        let data: Vec<Value> =
            self.series(projects, m).into_iter().map(|(at, n)| json!([at, [{"count": n}]])).collect();
        json!({"data": data, "start": self.first, "end": self.last + self.interval, "isMetricsData": false})
    }

    /// `events-timeseries`' answer: milliseconds, and a bucket is
    /// `incomplete` while it ends less than [`INGESTION_DELAY_SECS`] ago.
    pub fn timeseries_body(&self, projects: &[usize], m: &Moment, dataset: &str) -> Value {
        let now = m.now.timestamp();
        let values: Vec<Value> = self
            .series(projects, m)
            .into_iter()
            .map(|(at, n)| {
                let mut row = json!({"timestamp": at * 1000, "value": n, "incomplete": false});
                if at + self.interval >= now - INGESTION_DELAY_SECS {
                    row["incomplete"] = json!(true);
                    row["incompleteReason"] = json!("INCOMPLETE_BUCKET");
                }
                row
            })
            .collect();
        json!({
            "meta": {"dataset": dataset, "start": self.start * 1000, "end": self.end * 1000},
            "timeSeries": [{
                "values": values,
                "yAxis": "count()",
                "meta": {"valueType": "integer", "valueUnit": null, "interval": self.interval * 1000},
            }],
        })
    }
}

/// `24h`, `14d`, `5m`, `90s`, `1w`, or plain seconds.
fn parse_period(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok().filter(|n| *n > 0)?;
    let unit = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// RFC 3339, or without an offset (UTC), as Sentry takes them.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc())
}

/// The fixture's issues, as Sentry lists them.
fn fixture_issues() -> Vec<Value> {
    match serde_json::from_str(ISSUES_JSON) {
        Ok(Value::Array(list)) => list,
        _ => Vec::new(),
    }
}

/// The new issues of project `index` (named `slug`): none before the spike
/// or on other projects; after it, the fixture's, moved to the wall clock:
/// issue `k` first seen `k + 1` minutes after the spike began (never after
/// now), its count growing with story time, last seen now.
pub fn issues(index: usize, slug: &str, m: &Moment) -> Vec<Value> {
    let Some(spike) = m.spike.filter(|s| s.project == index) else {
        return Vec::new();
    };
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut list: Vec<(DateTime<Utc>, Value)> = fixture_issues()
        .into_iter()
        .enumerate()
        .map(|(k, mut issue)| {
            let first_seen = (spike.began + Duration::minutes(k as i64 + 1)).min(m.now);
            let read = |key: &str| match issue.get(key) {
                Some(Value::String(s)) => s.parse::<u64>().unwrap_or(0),
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 0,
            };
            let grown = (spike.story_secs.max(0.0) * ISSUE_GROWTH.get(k).copied().unwrap_or(0.1)) as u64;
            let count = read("count") + grown;
            let users = match read("userCount") {
                0 => 0,
                u => u + grown / 3,
            };
            let short = issue.get("shortId").and_then(Value::as_str).and_then(|s| s.rsplit_once('-')).map(|(_, n)| n);
            let short_id = format!("{}-{}", slug.to_uppercase(), short.unwrap_or("1"));
            if let Some(obj) = issue.as_object_mut() {
                obj.insert("shortId".into(), json!(short_id));
                obj.insert("count".into(), json!(count.to_string()));
                obj.insert("userCount".into(), json!(users));
                obj.insert("firstSeen".into(), json!(stamp(first_seen)));
                obj.insert("lastSeen".into(), json!(stamp(m.now.max(first_seen))));
                obj.insert(
                    "project".into(),
                    json!({"id": project_id(index), "name": slug, "slug": slug, "platform": platform(slug)}),
                );
            }
            (first_seen, issue)
        })
        .collect();
    // `sort=new`: newest first.
    list.sort_by_key(|(seen, _)| std::cmp::Reverse(*seen));
    list.into_iter().map(|(_, i)| i).collect()
}

/// Seconds after the spike began that an old error of the spiking project
/// comes back (a regression), and that a performance issue is first seen.
pub const REGRESSION_AFTER_SECS: i64 = 40;
pub const PERFORMANCE_AFTER_SECS: i64 = 90;

/// Every unresolved issue of project `index` that the demo's Sentry holds
/// now: after the spike, the new errors of [`issues`], an old error that
/// came back ([`REGRESSION_AFTER_SECS`] in: first seen three weeks before,
/// `substatus` `regressed`, in the inbox as a regression since then) and a
/// new performance issue ([`PERFORMANCE_AFTER_SECS`] in), which is not an
/// error. Each carries its `inbox`.
pub fn all_issues(index: usize, slug: &str, m: &Moment) -> Vec<Value> {
    let Some(spike) = m.spike.filter(|s| s.project == index) else {
        return Vec::new();
    };
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut list: Vec<Value> = issues(index, slug, m)
        .into_iter()
        .map(|mut i| {
            let first = i["firstSeen"].clone();
            i["inbox"] = json!({"reason": 0, "reason_details": null, "date_added": first});
            i
        })
        .collect();
    let project = json!({"id": project_id(index), "name": slug, "slug": slug, "platform": platform(slug)});
    let prefix = slug.to_uppercase();
    let grown = spike.story_secs.max(0.0) as u64;
    let back = spike.began + Duration::seconds(REGRESSION_AFTER_SECS);
    if m.now >= back {
        list.push(json!({
            "id": "4400118202",
            "shortId": format!("{prefix}-Z3"),
            "title": "OperationalError: (1213, 'Deadlock found when trying to get lock')",
            "culprit": "olympia.reviewers.utils in process_queue",
            "permalink": "https://sentry.example.com/organizations/demo/issues/4400118202/",
            "level": "error",
            "status": "unresolved",
            "substatus": "regressed",
            "issueType": "error",
            "issueCategory": "error",
            "count": (1840 + grown / 4).to_string(),
            "userCount": 52,
            "firstSeen": stamp(spike.began - Duration::days(23)),
            "lastSeen": stamp(m.now),
            "inbox": {"reason": 2, "reason_details": null, "date_added": stamp(back)},
            "project": project.clone(),
        }));
    }
    let seen = spike.began + Duration::seconds(PERFORMANCE_AFTER_SECS);
    if m.now >= seen {
        list.push(json!({
            "id": "4612915120",
            "shortId": format!("{prefix}-1K9"),
            "title": "N+1 Query",
            "culprit": "/api/v5/addons/search/",
            "permalink": "https://sentry.example.com/organizations/demo/issues/4612915120/",
            "level": "info",
            "status": "unresolved",
            "substatus": "new",
            "issueType": "performance_n_plus_one_db_queries",
            "issueCategory": "performance",
            "count": (3 + grown / 10).to_string(),
            "userCount": 3,
            "firstSeen": stamp(seen),
            "lastSeen": stamp(m.now),
            "inbox": {"reason": 0, "reason_details": null, "date_added": stamp(seen)},
            "project": project,
        }));
    }
    list
}

/// The issues an issue search returns, as Sentry answers it: `is:unresolved`,
/// `is:regressed` (`substatus` regressed), `issue.category:…`,
/// `firstSeen:>…` and `lastSeen:>…` filter (other terms are left alone);
/// `sort` `new` is newest first seen first, else last seen; `expand=inbox`
/// keeps each issue's `inbox`.
pub fn search(mut list: Vec<Value>, params: &[(String, String)]) -> Vec<Value> {
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let time = |i: &Value, k: &str| i[k].as_str().and_then(parse_time);
    for term in param("query").unwrap_or("").split_whitespace() {
        let (key, value) = term.split_once(':').unwrap_or((term, ""));
        list.retain(|i| match (key, value) {
            ("is", "unresolved") => i["status"] == "unresolved",
            ("is", "regressed") => i["substatus"] == "regressed",
            ("issue.category", c) => i["issueCategory"] == c,
            ("firstSeen" | "lastSeen", v) if v.starts_with('>') => {
                let field = if key == "firstSeen" { "firstSeen" } else { "lastSeen" };
                parse_time(&v[1..]).is_some_and(|t| time(i, field).is_some_and(|seen| seen > t))
            }
            _ => true,
        });
    }
    let key = if param("sort") == Some("new") { "firstSeen" } else { "lastSeen" };
    list.sort_by_key(|i| std::cmp::Reverse(time(i, key)));
    if param("expand") != Some("inbox") {
        for i in &mut list {
            if let Some(o) = i.as_object_mut() {
                o.remove("inbox");
            }
        }
    }
    let limit = param("limit").and_then(|v| v.parse::<usize>().ok()).unwrap_or(100).clamp(1, 100);
    list.truncate(limit);
    list
}

/// `Authorization: Bearer <DEMO_SENTRY_TOKEN>`.
pub fn authorized(headers: &HeaderMap) -> bool {
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        let (scheme, token) = v.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    token == Some(DEMO_SENTRY_TOKEN)
}

type Failure = (StatusCode, Value);

fn detail(status: StatusCode, message: &str) -> Failure {
    (status, json!({ "detail": message }))
}

fn guard(headers: &HeaderMap, org: &str) -> Result<(), Failure> {
    if !authorized(headers) {
        return Err(detail(StatusCode::UNAUTHORIZED, "Invalid token"));
    }
    if org != DEMO_SENTRY_ORG {
        return Err(detail(StatusCode::NOT_FOUND, "The requested resource does not exist"));
    }
    Ok(())
}

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}

/// The projects a query names (`project=ID`, repeatable; none or `-1`: all).
fn selected_projects(params: &[(String, String)], projects: usize) -> Result<Vec<usize>, Failure> {
    let ids: Vec<&str> = params.iter().filter(|(k, _)| k == "project").map(|(_, v)| v.as_str()).collect();
    if ids.is_empty() || ids.contains(&"-1") {
        return Ok((0..projects).collect());
    }
    let mut out = Vec::new();
    for id in ids {
        if id.trim().parse::<u64>().is_err() {
            return Err(detail(StatusCode::BAD_REQUEST, "Invalid project parameter. Values must be numbers."));
        }
        let i = project_index(id, projects)
            .ok_or_else(|| detail(StatusCode::FORBIDDEN, "You do not have permission to perform this action."))?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

/// Now in the story; the first request starts it.
fn moment(st: &FleetState) -> Moment {
    let story_time = st.story_time();
    Moment::at(&st.story, st.speed, st.started_wall(), story_time, Utc::now())
}

/// The answer with the rate-limit headers (and any `extra`).
fn reply(st: &FleetState, answer: Result<Value, Failure>, extra: &[(HeaderName, String)]) -> Response {
    let (status, body) = answer.map_or_else(|f| f, |v| (StatusCode::OK, v));
    let (remaining, reset) = st.sentry_rate.take(Utc::now().timestamp());
    let mut resp = (status, Json(body)).into_response();
    let h = resp.headers_mut();
    let limits = [
        ("x-sentry-rate-limit-limit", RATE_LIMIT.to_string()),
        ("x-sentry-rate-limit-remaining", remaining.to_string()),
        ("x-sentry-rate-limit-reset", reset.to_string()),
        ("x-sentry-rate-limit-concurrentlimit", CONCURRENT_LIMIT.to_string()),
        ("x-sentry-rate-limit-concurrentremaining", (CONCURRENT_LIMIT - 1).to_string()),
    ];
    for (name, value) in limits.into_iter().map(|(n, v)| (HeaderName::from_static(n), v)).chain(extra.iter().cloned()) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    resp
}

/// The Sentry routes, merged into the fleet's router.
pub(super) fn routes() -> Router<Arc<FleetState>> {
    Router::new()
        .route("/api/0/organizations/{org}/projects/", get(projects))
        .route("/api/0/organizations/{org}/events-stats/", get(events_stats))
        .route("/api/0/organizations/{org}/events-timeseries/", get(events_timeseries))
        .route("/api/0/organizations/{org}/issues/", get(org_issues))
}

async fn projects(State(st): State<Arc<FleetState>>, Path(org): Path<String>, headers: HeaderMap) -> Response {
    // Any request starts the story, as on the rest of the fleet.
    st.story_time();
    let answer = guard(&headers, &org).map(|()| projects_body(&st.story.services));
    // One page: the cursor links say there is no other.
    let base = format!("/api/0/organizations/{org}/projects/");
    let link = format!(
        "<{base}?&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", \
         <{base}?&cursor=0:100:0>; rel=\"next\"; results=\"false\"; cursor=\"0:100:0\""
    );
    let extra = if answer.is_ok() { vec![(header::LINK, link)] } else { Vec::new() };
    reply(&st, answer, &extra)
}

async fn events_stats(
    State(st): State<Arc<FleetState>>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let m = moment(&st);
    let answer = guard(&headers, &org).and_then(|()| {
        let params = query_pairs(raw.as_deref());
        let projects = selected_projects(&params, st.story.services.len())?;
        let range = StatsRange::from_query(&params, m.now, StatsApi::EventsStats)
            .map_err(|e| detail(StatusCode::BAD_REQUEST, &e))?;
        Ok(range.body(&projects, &m))
    });
    reply(&st, answer, &[])
}

/// `events-timeseries`: `dataset` is required here, as Sentry documents it.
async fn events_timeseries(
    State(st): State<Arc<FleetState>>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let m = moment(&st);
    let answer = guard(&headers, &org).and_then(|()| {
        let params = query_pairs(raw.as_deref());
        let dataset = params.iter().find(|(k, _)| k == "dataset").map(|(_, v)| v.as_str());
        let Some(dataset @ ("errors" | "discover")) = dataset else {
            return Err(detail(StatusCode::BAD_REQUEST, "dataset must be one of: errors, discover"));
        };
        let projects = selected_projects(&params, st.story.services.len())?;
        let range = StatsRange::from_query(&params, m.now, StatsApi::Timeseries)
            .map_err(|e| detail(StatusCode::BAD_REQUEST, &e))?;
        Ok(range.timeseries_body(&projects, &m, dataset))
    });
    reply(&st, answer, &[])
}

async fn org_issues(
    State(st): State<Arc<FleetState>>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let m = moment(&st);
    let answer = guard(&headers, &org).and_then(|()| {
        let params = query_pairs(raw.as_deref());
        let projects = selected_projects(&params, st.story.services.len())?;
        let all = projects.iter().flat_map(|&i| all_issues(i, &st.story.services[i], &m)).collect();
        Ok(Value::Array(search(all, &params)))
    });
    reply(&st, answer, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn story(n: usize) -> Story {
        Story { services: crate::demo::service_names(n), old_tag: "2026.11.19".into(), new_tag: "2026.11.26".into() }
    }

    fn started() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 15, 1, 10).unwrap()
    }

    /// The moment `story_time` story seconds in, at speed 1.
    fn at(s: &Story, story_time: f64) -> Moment {
        let now = started() + Duration::milliseconds((story_time * 1000.0) as i64);
        Moment::at(s, 1.0, started(), story_time, now)
    }

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn project_ids_and_the_list() {
        assert_eq!(project_id(0), "4500000000000001");
        assert_eq!(project_id(7), "4500000000000008");
        assert_eq!(project_index("4500000000000008", 8), Some(7));
        assert_eq!(project_index("4500000000000009", 8), None);
        assert_eq!(project_index("12", 8), None);
        let list = projects_body(&story(3).services);
        assert_eq!(list.as_array().map(Vec::len), Some(3));
        assert_eq!(list[0]["id"], "4500000000000001");
        assert_eq!(list[0]["slug"], "addons-server");
        assert_eq!(list[1]["platform"], "javascript-react");
    }

    const ALL: EventTypes = EventTypes { error: true, default: true };

    #[test]
    fn buckets_cover_the_range_aligned_up_to_the_one_filling() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 15, 7, 42).unwrap();
        let q = pairs(&[("interval", "5m"), ("statsPeriod", "24h"), ("yAxis", "count()"), ("query", "x")]);
        let r = StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap();
        assert_eq!(r.interval, 300);
        assert_eq!(r.last, Utc.with_ymd_and_hms(2026, 11, 26, 15, 5, 0).unwrap().timestamp());
        assert_eq!(r.first, Utc.with_ymd_and_hms(2026, 11, 25, 15, 5, 0).unwrap().timestamp());
        let m = Moment { now, spike: None };
        let s = r.series(&[0], &m);
        assert_eq!(s.len(), 289);
        assert!(s.windows(2).all(|w| w[1].0 - w[0].0 == 300));
        assert!(s.iter().all(|(at, n)| at % 300 == 0 && *n <= 2), "quiet");
        assert!(s.iter().any(|(_, n)| *n > 0) && s.iter().any(|(_, n)| *n == 0), "not flat");
        assert_eq!(s, r.series(&[0], &m), "deterministic");
        assert_ne!(s, r.series(&[1], &m), "per project");
        // The first bucket holds what happened from the start asked; the
        // last one what happened up to now.
        let (first, last) = (s[0], s[288]);
        assert_eq!(first.1, count_between(0, now.timestamp() - 86_400, first.0 + 300, ALL, &m));
        assert_eq!(last.1, baseline(0, last.0) * 162 / 300);

        // start/end (RFC 3339 or without an offset), cut at now.
        let q = pairs(&[("interval", "5m"), ("start", "2026-11-26T14:52:10Z"), ("end", "2026-11-26T18:00:00+00:00")]);
        let r = StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap();
        assert_eq!((r.first, r.last), (now.timestamp() - 1062, now.timestamp() - 162));
        let q = pairs(&[("interval", "5m"), ("start", "2026-11-19T14:50:00"), ("end", "2026-11-19T15:07:42")]);
        assert_eq!(StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap().series(&[0], &m).len(), 4);
        // An hour interval sums its twelve buckets.
        let q = pairs(&[("interval", "1h"), ("start", "2026-11-26T13:00:00Z"), ("end", "2026-11-26T14:00:00Z")]);
        let hour = StatsRange::from_query(&q, now, StatsApi::EventsStats).unwrap().series(&[0], &m);
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 13, 0, 0).unwrap().timestamp();
        assert_eq!(hour, vec![(t0, (0..12).map(|i| baseline(0, t0 + 300 * i)).sum())]);
        // Seconds, as events-timeseries takes them.
        let q = pairs(&[("interval", "300"), ("statsPeriod", "1h")]);
        assert_eq!(StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap().interval, 300);

        for bad in [
            pairs(&[("interval", "7m")]),
            pairs(&[("interval", "5m"), ("statsPeriod", "soon")]),
            pairs(&[("interval", "5m"), ("start", "2026-11-26T14:00:00Z")]),
            pairs(&[("interval", "5m"), ("start", "2026-11-26T14:00:00Z"), ("end", "2026-11-26T13:00:00Z")]),
            pairs(&[("interval", "5m"), ("statsPeriod", "90d")]),
        ] {
            assert!(StatsRange::from_query(&bad, now, StatsApi::Timeseries).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn events_stats_leaves_out_the_filling_bucket_unless_asked_partial() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 15, 7, 42).unwrap();
        let m = Moment { now, spike: None };
        let q = |partial: Option<&str>| {
            let mut q =
                pairs(&[("interval", "5m"), ("start", "2026-11-26T14:00:00Z"), ("end", "2026-11-26T15:07:42Z")]);
            if let Some(p) = partial {
                q.push(("partial".into(), p.into()));
            }
            StatsRange::from_query(&q, now, StatsApi::EventsStats).unwrap().series(&[0], &m)
        };
        let filling = Utc.with_ymd_and_hms(2026, 11, 26, 15, 5, 0).unwrap().timestamp();
        assert_eq!(q(None).last().map(|b| b.0), Some(filling - 300));
        assert_eq!(q(Some("0")).last().map(|b| b.0), Some(filling - 300));
        assert_eq!(q(Some("1")).last().map(|b| b.0), Some(filling));
        assert_eq!(q(Some("1")).len(), q(None).len() + 1);
        // events-timeseries keeps it, and says it is incomplete.
        let q = pairs(&[("interval", "300"), ("start", "2026-11-26T14:00:00Z"), ("end", "2026-11-26T15:07:42Z")]);
        let body = StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap().timeseries_body(&[0], &m, "errors");
        let values = body["timeSeries"][0]["values"].as_array().unwrap();
        assert_eq!(values.len(), 14);
        assert_eq!(values[13]["timestamp"], filling * 1000);
        assert_eq!(values[13]["incomplete"], true);
        assert_eq!(values[12]["incomplete"], false, "ended more than 90 s ago");
        assert_eq!(body["timeSeries"][0]["meta"]["interval"], 300_000);
        assert_eq!(body["meta"]["dataset"], "errors");
    }

    #[test]
    fn a_query_for_exceptions_only_misses_the_logged_errors() {
        let s = story(3);
        let m = at(&s, s.prod_switch_at(SPIKE_PROJECT) + 30.0);
        let from = m.spike_from().unwrap();
        let all = count_between(0, from, from + 600, ALL, &m);
        let errors = count_between(0, from, from + 600, EventTypes::from_query("event.type:error"), &m);
        let default = count_between(0, from, from + 600, EventTypes::from_query("event.type:default"), &m);
        assert!(errors < all && default > 0, "{errors} {default} {all}");
        assert_eq!(errors + default, all);
        assert_eq!(EventTypes::from_query("(event.type:error OR event.type:default)"), ALL);
        assert_eq!(EventTypes::from_query(""), ALL);
    }

    #[test]
    fn the_first_project_spikes_after_its_prod_switch() {
        let s = story(8);
        let switch = s.prod_switch_at(SPIKE_PROJECT);
        let q = pairs(&[("interval", "5m"), ("statsPeriod", "24h")]);
        let series =
            |m: &Moment, p: usize| StatsRange::from_query(&q, m.now, StatsApi::Timeseries).unwrap().series(&[p], m);
        // Whole buckets: not the first (a day back to the second) nor the
        // one filling.
        let whole = |s: &[(i64, u64)]| s[1..s.len() - 1].to_vec();
        let before = at(&s, switch - 0.5);
        assert_eq!(before.spike, None);
        assert!(whole(&series(&before, 0)).iter().all(|(at, n)| *n == baseline(0, *at)));

        // From the switch: the two buckets before the current one are raised,
        // and the current one as far as it has filled.
        let m = at(&s, switch + 1.0);
        let spike = m.spike.expect("spiking");
        assert_eq!(spike.began, started() + Duration::seconds(12));
        let all = series(&m, 0);
        let (calm, raised) = all.split_at(all.len() - 3);
        assert!(calm.len() == 286 && raised[..2].iter().all(|(_, n)| (8..=15).contains(n)), "{raised:?}");
        let calm = &calm[1..];
        let filled = m.now.timestamp() - raised[2].0;
        assert_eq!(raised[2].1, bucket_count(0, raised[2].0, &m) * filled as u64 / 300);
        assert!(calm.iter().all(|(at, n)| *n == baseline(0, *at)));
        let after: u64 = raised.iter().map(|(_, n)| n).sum();
        let prior: u64 = calm[calm.len() - 3..].iter().map(|(_, n)| n).sum();
        assert!(after > 16 && after > 2 * prior, "{after} against {prior}");
        // Other projects stay quiet.
        assert!(whole(&series(&m, 1)).iter().all(|(at, n)| *n == baseline(1, *at)));

        // Later (speed 1, wall clock moved on): the whole buckets keep their
        // counts, and the new ones are raised too.
        let later = at(&s, switch + 900.0);
        let again = series(&later, 0);
        for (at, n) in &raised[..2] {
            assert_eq!(again.iter().find(|(a, _)| a == at).map(|(_, n)| n), Some(n));
        }
        assert!(again[again.len() - 3..again.len() - 1].iter().all(|(_, n)| *n >= 8));

        // The week-ago window is quiet and whole.
        let week = |t: DateTime<Utc>| (t - Duration::days(7)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let q =
            pairs(&[("interval", "5m"), ("start", &week(later.now - Duration::hours(1))), ("end", &week(later.now))]);
        let past = StatsRange::from_query(&q, later.now, StatsApi::Timeseries).unwrap().series(&[0], &later);
        assert_eq!(past.len(), 13);
        assert!(past[1..12].iter().all(|(at, n)| *n == baseline(0, *at)));
    }

    #[test]
    fn issue_searches_filter_like_sentry() {
        let s = story(3);
        let switch = s.prod_switch_at(SPIKE_PROJECT);
        let m = at(&s, switch + 120.0);
        let began = m.spike.unwrap().began;
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let all = all_issues(0, "addons-server", &m);
        assert_eq!(all.len(), 4);
        let ids = |l: &[Value]| l.iter().map(|i| i["shortId"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        let find = |q: &str, sort: &str, expand: bool| {
            let mut p = pairs(&[("query", q), ("sort", sort)]);
            if expand {
                p.push(("expand".into(), "inbox".into()));
            }
            search(all.clone(), &p)
        };
        let push = stamp(began - Duration::minutes(5));
        // New since the push: the performance issue is one, but not an error.
        let new = find(&format!("is:unresolved firstSeen:>{push}"), "new", false);
        assert_eq!(ids(&new), ["ADDONS-SERVER-1K8", "ADDONS-SERVER-1K9", "ADDONS-SERVER-1K7"]);
        assert!(new.iter().all(|i| i.get("inbox").is_none()), "only with expand=inbox");
        let errors = find(&format!("is:unresolved issue.category:error firstSeen:>{push}"), "new", true);
        assert_eq!(ids(&errors), ["ADDONS-SERVER-1K8", "ADDONS-SERVER-1K7"]);
        assert_eq!(errors[0]["inbox"]["reason"], 0);
        // Regressed and seen since the push: the old one that came back.
        let back = find(&format!("is:unresolved is:regressed issue.category:error lastSeen:>{push}"), "date", true);
        assert_eq!(ids(&back), ["ADDONS-SERVER-Z3"]);
        assert_eq!(back[0]["inbox"]["reason"], 2);
        assert!(back[0]["firstSeen"].as_str().unwrap() < push.as_str());
        // Not before it came back, nor on another project.
        assert_eq!(all_issues(0, "addons-server", &at(&s, switch + 20.0)).len(), 2);
        assert!(all_issues(1, "addons-frontend", &m).is_empty());
        assert_eq!(search(all.clone(), &pairs(&[("limit", "1")])).len(), 1);
    }

    #[test]
    fn the_spike_follows_the_speed_and_the_fleet_size() {
        let s = story(1);
        let m = Moment::at(&s, 4.0, started(), 20.0, started() + Duration::seconds(5));
        assert_eq!(m.spike.map(|sp| (sp.project, sp.began)), Some((0, started() + Duration::seconds(3))));
        let none = Story { services: Vec::new(), ..story(1) };
        assert_eq!(Moment::at(&none, 1.0, started(), 500.0, started()).spike, None);
    }

    #[test]
    fn new_issues_appear_after_the_spike() {
        let s = story(8);
        let switch = s.prod_switch_at(SPIKE_PROJECT);
        assert!(issues(0, "addons-server", &at(&s, switch - 1.0)).is_empty());

        let early = at(&s, switch + 10.0);
        let list = issues(0, "addons-server", &early);
        assert_eq!(list.len(), 2);
        for i in &list {
            for key in ["id", "shortId", "title", "culprit", "permalink", "level", "status", "firstSeen", "lastSeen"] {
                assert!(i[key].is_string(), "{key}: {i}");
            }
            assert!(i["count"].as_str().is_some_and(|c| c.parse::<u64>().is_ok()), "{i}");
            assert!(i["userCount"].is_u64());
            assert_eq!(i["project"]["id"], "4500000000000001");
            assert_eq!(i["project"]["slug"], "addons-server");
            assert!(i["shortId"].as_str().unwrap().starts_with("ADDONS-SERVER-"));
            let first: DateTime<Utc> = i["firstSeen"].as_str().unwrap().parse().unwrap();
            assert!(first >= early.spike.unwrap().began && first <= early.now, "never in the future");
            assert!(i["firstSeen"].as_str().unwrap().ends_with('Z'));
        }
        assert!(issues(1, "addons-frontend", &early).is_empty());

        // Two minutes on: first seen one and two minutes after the spike,
        // newest first, counts grown.
        let later = at(&s, switch + 150.0);
        let list = issues(0, "addons-server", &later);
        let began = later.spike.unwrap().began;
        let seen: Vec<DateTime<Utc>> = list.iter().map(|i| i["firstSeen"].as_str().unwrap().parse().unwrap()).collect();
        assert_eq!(seen, vec![began + Duration::minutes(2), began + Duration::minutes(1)]);
        let count = |l: &[Value], k: usize| l[k]["count"].as_str().unwrap().parse::<u64>().unwrap();
        let early_list = issues(0, "addons-server", &early);
        let first_id = |l: &[Value], id: &Value| l.iter().position(|i| &i["id"] == id).unwrap();
        for i in &list {
            assert!(count(&list, first_id(&list, &i["id"])) > count(&early_list, first_id(&early_list, &i["id"])));
        }

        // Another fleet's first service keeps its own slug.
        let custom = issues(0, "payments", &later);
        assert!(custom.iter().all(|i| i["project"]["slug"] == "payments"));
        assert!(custom[0]["shortId"].as_str().unwrap().starts_with("PAYMENTS-"));
    }

    #[test]
    fn only_the_demo_token_is_accepted() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            authorized(&h)
        };
        assert!(with("Bearer demo-sentry-token"));
        assert!(with("bearer  demo-sentry-token "));
        assert!(!with("Bearer other"));
        assert!(!with("Basic demo-sentry-token"));
        assert!(!with("demo-sentry-token"));
        assert!(!authorized(&HeaderMap::new()));
    }

    async fn json_of(r: reqwest::Response) -> Value {
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn the_fleet_serves_sentry() {
        use crate::demo::fleet::Fleet;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
        // Fast enough that the spike (12 story seconds in) comes at once.
        let fleet = Fleet::start(story(3), 2000.0).await.unwrap();
        let base = format!("{}/api/0/organizations", fleet.sentry_url());
        let get = |path: String, token: Option<&str>| {
            let mut req = http.get(format!("{base}/{path}"));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send()
        };
        let token = Some(DEMO_SENTRY_TOKEN);
        let stats = format!("demo/events-stats/?project={}&interval=5m&statsPeriod=24h", project_id(0));
        let issues = format!("demo/issues/?project={}&query=is%3Aunresolved&sort=new", project_id(0));

        for path in ["demo/projects/".to_string(), stats.clone(), issues.clone()] {
            for t in [None, Some("wrong")] {
                let r = get(path.clone(), t).await.unwrap();
                assert_eq!(r.status(), 401, "{path}");
                assert!(r.headers().contains_key("x-sentry-rate-limit-remaining"));
                assert_eq!(json_of(r).await, json!({"detail": "Invalid token"}));
            }
        }
        let r = get("acme/projects/".into(), token).await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(json_of(r).await, json!({"detail": "The requested resource does not exist"}));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;

        let r = get("demo/projects/".into(), token).await.unwrap();
        assert_eq!(r.status(), 200);
        let h = r.headers();
        assert_eq!(h["x-sentry-rate-limit-limit"], "40");
        assert_eq!(h["x-sentry-rate-limit-concurrentlimit"], "25");
        assert_eq!(h["x-sentry-rate-limit-concurrentremaining"], "24");
        let remaining: u64 = h["x-sentry-rate-limit-remaining"].to_str().unwrap().parse().unwrap();
        assert!(remaining < 40);
        let reset: i64 = h["x-sentry-rate-limit-reset"].to_str().unwrap().parse().unwrap();
        assert!((reset - Utc::now().timestamp()).abs() <= 2, "{reset}");
        let list = json_of(r).await;
        let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["addons-server", "addons-frontend", "addons-code-manager"]);
        assert_eq!(list[2]["id"], "4500000000000003");

        // Exceptions only, whole buckets only: the one filling is left out.
        let r = get(stats.clone() + "&yAxis=count()&query=event.type%3Aerror", token).await.unwrap();
        assert_eq!(r.status(), 200);
        let body = json_of(r).await;
        let data = body["data"].as_array().unwrap();
        assert_eq!(data.len(), 288);
        let counts: Vec<u64> = data.iter().map(|b| b[1][0]["count"].as_u64().unwrap()).collect();
        assert!(counts[286..].iter().all(|n| (6..=15).contains(n)), "{:?}", &counts[280..]);
        assert!(data.iter().all(|b| b[0].as_i64().unwrap() % 300 == 0));
        assert!(body["start"].is_i64() && body["end"].is_i64());
        let r = get(stats + "&partial=1", token).await.unwrap();
        assert_eq!(json_of(r).await["data"].as_array().map(Vec::len), Some(289));

        // events-timeseries: the dataset is required; the filling bucket is in.
        let series = format!("demo/events-timeseries/?project={}&interval=300&statsPeriod=24h", project_id(0));
        assert_eq!(get(series.clone(), token).await.unwrap().status(), 400);
        let r = get(series + "&dataset=errors&yAxis=count()", token).await.unwrap();
        assert_eq!(r.status(), 200);
        let body = json_of(r).await;
        let values = body["timeSeries"][0]["values"].as_array().unwrap();
        assert_eq!(values.len(), 289);
        assert_eq!(values[288]["incomplete"], true);
        assert!(values.iter().all(|v| v["timestamp"].as_i64().unwrap() % 300_000 == 0));

        let r = get(issues, token).await.unwrap();
        assert_eq!(r.status(), 200);
        let list = json_of(r).await;
        assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
        assert_eq!(list[0]["project"]["slug"], "addons-server");
        let other = format!("demo/issues/?project={}&sort=new", project_id(1));
        assert_eq!(json_of(get(other, token).await.unwrap()).await, json!([]));
        let unknown = format!("demo/issues/?project={}", project_id(3));
        assert_eq!(get(unknown, token).await.unwrap().status(), 403);

        // Before the spike: no issues.
        let slow = Fleet::start(story(3), 1.0).await.unwrap();
        let url = format!("{}/api/0/organizations/demo/issues/?project={}", slow.sentry_url(), project_id(0));
        let r = http.get(url).bearer_auth(DEMO_SENTRY_TOKEN).send().await.unwrap();
        assert_eq!(json_of(r).await, json!([]));
    }
}
