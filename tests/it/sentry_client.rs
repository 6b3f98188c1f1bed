//! The Sentry client against a fake Sentry on 127.0.0.1 that answers the way
//! Sentry does: the project list (paginated with `Link` headers, `hasAccess`
//! per project, 403 for a project id the token cannot see), the series from
//! `events-timeseries` (the bucket still filling included, marked
//! `incomplete`, as is any bucket ending less than 90 s before the end) or
//! `events-stats` (that bucket only with `partial=1`), counted from a rate
//! of `error` and `default` events over time and cut at the `end` asked
//! (the last seconds' events not ingested yet, when told so), the issue
//! search (`is:`, `issue.category:`,
//! `firstSeen:>`, `lastSeen:>`, `expand=inbox`), the rate-limit headers, and
//! every way a fetch fails. The fake records each request's path, query and
//! `Authorization` header; every test also checks that the token never shows
//! up in what the client hands back.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use shipdeck::config::PollConfig;
use shipdeck::domain::sentry::analysis::{Verdict, analyse};
use shipdeck::domain::sentry::{BUCKET_SECS, Bucket, Fetched, RateLimit, SentryError, StatsEndpoint};
use shipdeck::io::http;
use shipdeck::io::sentry::{Secret, SentryClient};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;

const TOKEN: &str = "sntryu_SECRET_do_not_print";
const ORG_TOKEN: &str = "sntrys_SECRET_org_token";
const ORG: &str = "acme";
const ENV: &str = "production";
/// `X-Sentry-Rate-Limit-Reset` sent by the fake: 2026-11-26T15:31:00Z.
const RESET: i64 = 1_795_793_460;
const LIMIT: u64 = 40;

fn push() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    push() + Duration::minutes(30)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

// ---------------------------------------------------------------------------
// The fake Sentry.

/// Which endpoint a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Endpoint {
    Projects,
    /// `events-timeseries` up to now.
    Timeseries,
    /// `events-stats` up to now.
    Stats,
    /// Either series, for the window a week earlier.
    WeekAgo,
    /// The issue search for new issues.
    Issues,
    /// The issue search for regressions.
    Regressed,
    Other,
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    raw_query: String,
    query: Vec<(String, String)>,
    auth: Option<String>,
    /// Every `Authorization` header, to catch a second one.
    auths: Vec<String>,
    /// The path below the fake's own prefix.
    api: String,
}

impl Seen {
    fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn end(&self) -> Option<DateTime<Utc>> {
        self.param("end").and_then(|e| e.parse().ok())
    }

    fn endpoint(&self) -> Endpoint {
        let org = format!("/api/0/organizations/{ORG}");
        let week_ago = self.end().is_some_and(|e| e < push() - Duration::days(1));
        match self.api.strip_prefix(&org) {
            Some("/projects/") => Endpoint::Projects,
            Some("/events-stats/" | "/events-timeseries/") if week_ago => Endpoint::WeekAgo,
            Some("/events-stats/") => Endpoint::Stats,
            Some("/events-timeseries/") => Endpoint::Timeseries,
            Some("/issues/") if self.param("query").is_some_and(|q| q.contains("is:regressed")) => Endpoint::Regressed,
            Some("/issues/") => Endpoint::Issues,
            _ => Endpoint::Other,
        }
    }
}

#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(status: u16, body: impl ToString) -> Reply {
        Reply { status, headers: vec![("content-type".into(), "application/json".into())], body: body.to_string() }
    }

    fn html(status: u16, body: impl ToString) -> Reply {
        Reply { status, headers: vec![("content-type".into(), "text/html".into())], body: body.to_string() }
    }

    fn header(mut self, name: &str, value: impl ToString) -> Reply {
        self.headers.push((name.into(), value.to_string()));
        self
    }
}

/// Events a minute at a time (epoch seconds): (`event.type:error`,
/// `event.type:default`).
type Rate = fn(i64) -> (f64, f64);

/// Three exceptions and one logged error a minute, steadily.
fn steady(_: i64) -> (f64, f64) {
    (3.0, 1.0)
}

/// How the fake behaves; tests change it between fetches.
struct Scenario {
    /// (slug, id, hasAccess) in the organization, served `page_size` at a time.
    projects: Vec<(&'static str, &'static str, bool)>,
    page_size: usize,
    /// Rate-limit headers on every default answer (remaining counts down).
    rate_headers: bool,
    rate: Rate,
    /// Whether the server has `events-timeseries` (an older one answers
    /// 404 with an empty body, as for any unknown route).
    timeseries: bool,
    /// Seconds before the end of a series (its "now") whose events are not
    /// ingested yet.
    lag: i64,
    /// Every issue of the project, searched per query.
    issues: Vec<Value>,
    /// Below this path prefix only (a self-hosted Sentry under a sub-path).
    prefix: &'static str,
    /// Replaces the default answer of an endpoint.
    overrides: HashMap<Endpoint, Reply>,
}

fn issue(id: &str, category: &str, first_seen: DateTime<Utc>, last_seen: DateTime<Utc>) -> Value {
    json!({
        "id": id,
        "shortId": format!("ADDONS-{id}"),
        "title": format!("TypeError: {id} is undefined"),
        "count": "42",
        "userCount": 3,
        "level": if category == "error" { "error" } else { "info" },
        "status": "unresolved",
        "substatus": "new",
        "issueCategory": category,
        "firstSeen": first_seen.to_rfc3339(),
        "lastSeen": last_seen.to_rfc3339(),
        "permalink": format!("https://sentry.example/organizations/acme/issues/{id}/"),
        "inbox": {"reason": 0, "reason_details": null, "date_added": first_seen.to_rfc3339()},
    })
}

/// An issue first seen before the push that came back at `back`.
fn regressed(id: &str, back: DateTime<Utc>) -> Value {
    let mut i = issue(id, "error", push() - Duration::days(20), now());
    i["substatus"] = json!("regressed");
    i["inbox"] = json!({"reason": 2, "reason_details": null, "date_added": back.to_rfc3339()});
    i
}

/// Two new errors, a new performance issue and a new feedback, an old
/// error that came back after the push and one that came back before it.
fn issues() -> Vec<Value> {
    vec![
        issue("1A", "error", push() + Duration::minutes(4), now()),
        issue("1B", "error", push() + Duration::minutes(6), now() - Duration::minutes(2)),
        issue("1C", "performance", push() + Duration::minutes(8), now()),
        issue("1D", "feedback", push() + Duration::minutes(9), now()),
        issue("OLD", "error", push() - Duration::days(3), push() - Duration::days(2)),
        regressed("BACK", push() + Duration::minutes(11)),
        regressed("EARLIER", push() - Duration::days(2)),
    ]
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            projects: vec![("web", "11", true), ("addons", "4505", true), ("api", "12", true)],
            page_size: 100,
            rate_headers: true,
            rate: steady,
            timeseries: true,
            lag: 0,
            issues: issues(),
            prefix: "",
            overrides: HashMap::new(),
        }
    }
}

struct FakeState {
    base: String,
    scenario: Mutex<Scenario>,
    seen: Mutex<Vec<Seen>>,
}

/// A running fake Sentry; stops when dropped.
struct FakeSentry {
    base: String,
    state: Arc<FakeState>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FakeSentry {
    async fn start(scenario: Scenario) -> FakeSentry {
        FakeSentry::start_on("127.0.0.1", scenario).await
    }

    /// On another loopback address: another host, as far as URLs go.
    async fn start_on(ip: &str, scenario: Scenario) -> FakeSentry {
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state =
            Arc::new(FakeState { base: base.clone(), scenario: Mutex::new(scenario), seen: Mutex::new(Vec::new()) });
        let app = Router::new().fallback(answer).with_state(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        FakeSentry { base, state, shutdown: Some(tx) }
    }

    fn client(&self, token: Result<Secret, String>) -> SentryClient {
        client_for(&self.base, token)
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    fn seen_at(&self, endpoint: Endpoint) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.endpoint() == endpoint).collect()
    }

    fn scenario(&self) -> std::sync::MutexGuard<'_, Scenario> {
        self.state.scenario.lock().unwrap()
    }

    fn set(&self, endpoint: Endpoint, reply: Reply) {
        self.scenario().overrides.insert(endpoint, reply);
    }
}

impl Drop for FakeSentry {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn not_found() -> Reply {
    Reply::json(404, json!({"detail": "The requested resource does not exist"}))
}

fn refused() -> Reply {
    Reply::json(403, json!({"detail": "You do not have permission to perform this action."}))
}

async fn answer(State(st): State<Arc<FakeState>>, uri: Uri, headers: HeaderMap) -> Response {
    let raw_query = uri.query().unwrap_or_default().to_string();
    let prefix = st.scenario.lock().unwrap().prefix;
    let mut seen = Seen {
        path: uri.path().to_string(),
        query: url::form_urlencoded::parse(raw_query.as_bytes()).into_owned().collect(),
        raw_query,
        auth: headers.get(header::AUTHORIZATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        auths: headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect(),
        api: String::new(),
    };
    // A base URL under `/moved` is sent to the same path without it, on the
    // same origin.
    if let Some(rest) = uri.path_and_query().map(|p| p.as_str()).and_then(|p| p.strip_prefix("/moved")) {
        st.seen.lock().unwrap().push(seen);
        return (StatusCode::FOUND, [(header::LOCATION, rest.to_string())]).into_response();
    }
    seen.api = uri.path().strip_prefix(prefix).map(String::from).unwrap_or_default();
    let n = {
        let mut all = st.seen.lock().unwrap();
        all.push(seen.clone());
        all.len() as u64
    };
    let sc = st.scenario.lock().unwrap();
    let endpoint = seen.endpoint();
    let reply = match sc.overrides.get(&endpoint) {
        Some(r) => r.clone(),
        None => {
            let mut r = default_answer(&st.base, &sc, &seen, endpoint);
            if sc.rate_headers {
                r = r
                    .header("X-Sentry-Rate-Limit-Limit", LIMIT)
                    .header("X-Sentry-Rate-Limit-Remaining", LIMIT.saturating_sub(n))
                    .header("X-Sentry-Rate-Limit-Reset", RESET)
                    .header("X-Sentry-Rate-Limit-ConcurrentLimit", 25)
                    .header("X-Sentry-Rate-Limit-ConcurrentRemaining", 24);
            }
            r
        }
    };
    let mut resp = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    for (k, v) in reply.headers {
        resp.headers_mut()
            .insert(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), header::HeaderValue::from_str(&v).unwrap());
    }
    resp
}

fn default_answer(base: &str, sc: &Scenario, seen: &Seen, endpoint: Endpoint) -> Reply {
    if endpoint == Endpoint::Other {
        // Sentry's catch-all answers an unknown route with an empty 404.
        return Reply::html(404, "");
    }
    if endpoint == Endpoint::Projects {
        return projects_page(base, sc, seen);
    }
    // Sentry answers 403 for a project id the token cannot see: not in the
    // organization (any more), or without access.
    let ids: Vec<&str> = seen.query.iter().filter(|(k, _)| k == "project").map(|(_, v)| v.as_str()).collect();
    if ids.iter().any(|id| !sc.projects.iter().any(|(_, i, access)| i == id && *access)) {
        return refused();
    }
    if seen.param("environment").is_some_and(|e| e != ENV) {
        return not_found();
    }
    let timeseries = seen.api.ends_with("/events-timeseries/");
    match endpoint {
        Endpoint::Timeseries | Endpoint::Stats | Endpoint::WeekAgo if timeseries && !sc.timeseries => {
            Reply::html(404, "")
        }
        Endpoint::Timeseries | Endpoint::Stats => series(sc.rate, seen, timeseries, sc.lag),
        Endpoint::WeekAgo => series(sc.rate, seen, timeseries, 0),
        _ => Reply::json(200, Value::Array(shipdeck::demo::sentry::search(sc.issues.clone(), &seen.query))),
    }
}

/// Events of the asked types from `from` to `to` at `rate`.
fn events(rate: Rate, from: i64, to: i64, query: &str) -> u64 {
    let (error, default) = (query.contains("event.type:error"), query.contains("event.type:default"));
    let (error, default) = if error || default { (error, default) } else { (true, true) };
    let n: f64 = (from..to)
        .map(|t| {
            let (e, d) = rate(t);
            (if error { e } else { 0.0 } + if default { d } else { 0.0 }) / 60.0
        })
        .sum();
    n.round() as u64
}

/// A series as Sentry cuts it: aligned buckets from the one holding
/// `start`, each counting what happened within [start, end) and was
/// ingested by then (all but the last `lag` seconds); the bucket holding
/// `end` (still filling) in `events-timeseries` always, in `events-stats`
/// only with `partial=1`.
fn series(rate: Rate, seen: &Seen, timeseries: bool, lag: i64) -> Reply {
    let time = |k: &str| seen.param(k).and_then(|v| v.parse::<DateTime<Utc>>().ok()).map(|t| t.timestamp());
    let (Some(start), Some(end)) = (time("start"), time("end")) else {
        return Reply::json(400, json!({"detail": "start and end are required"}));
    };
    if timeseries && seen.param("dataset") != Some("errors") {
        return Reply::json(400, json!({"detail": "this fake only has the errors dataset"}));
    }
    let iv = match seen.param("interval") {
        Some("5m") if !timeseries => 300,
        Some("300") if timeseries => 300,
        other => return Reply::json(400, json!({"detail": format!("interval {other:?}")})),
    };
    let first = start - start.rem_euclid(iv);
    let filling = end - end.rem_euclid(iv);
    let last = if timeseries || (seen.param("partial") == Some("1") && end > filling) { filling } else { filling - iv };
    let query = seen.param("query").unwrap_or("");
    let buckets: Vec<(i64, u64)> = (first..=last)
        .step_by(iv as usize)
        .map(|at| (at, events(rate, at.max(start), (at + iv).min(end - lag), query)))
        .collect();
    if timeseries {
        let values: Vec<Value> = buckets
            .iter()
            .map(|(at, n)| json!({"timestamp": at * 1000, "value": n, "incomplete": at + iv >= end - 90}))
            .collect();
        Reply::json(
            200,
            json!({"meta": {"dataset": "errors", "start": start * 1000, "end": end * 1000},
                   "timeSeries": [{"yAxis": "count()", "values": values,
                                   "meta": {"valueType": "integer", "valueUnit": null, "interval": iv * 1000}}]}),
        )
    } else {
        let data: Vec<Value> = buckets.iter().map(|(at, n)| json!([at, [{"count": n}]])).collect();
        Reply::json(200, json!({"data": data, "start": first, "end": last + iv, "isMetricsData": false}))
    }
}

/// One page of the project list, with Sentry's `Link` header.
fn projects_page(base: &str, sc: &Scenario, seen: &Seen) -> Reply {
    let offset: usize =
        seen.param("cursor").and_then(|c| c.split(':').nth(1)).and_then(|o| o.parse().ok()).unwrap_or(0);
    let end = (offset + sc.page_size).min(sc.projects.len());
    let page: Vec<_> = sc.projects[offset.min(end)..end]
        .iter()
        .map(|(slug, id, access)| json!({"id": id, "slug": slug, "name": slug.to_uppercase(), "hasAccess": access}))
        .collect();
    let url = format!("{base}{}/api/0/organizations/{ORG}/projects/", sc.prefix);
    let prev = offset.saturating_sub(sc.page_size);
    let link = format!(
        r#"<{url}?&cursor=0:{prev}:1>; rel="previous"; results="{}"; cursor="0:{prev}:1", <{url}?&cursor=0:{end}:0>; rel="next"; results="{}"; cursor="0:{end}:0""#,
        offset > 0,
        end < sc.projects.len(),
    );
    Reply::json(200, Value::Array(page)).header("Link", link)
}

// ---------------------------------------------------------------------------
// Helpers.

fn token() -> Result<Secret, String> {
    Ok(Secret::new(TOKEN.to_string()))
}

fn client_for(base: &str, token: Result<Secret, String>) -> SentryClient {
    let http = http::client(&PollConfig::default()).expect("client builds");
    SentryClient::new(http, base, ORG, Some(ENV.to_string()), token)
}

type Outcome = (Result<Fetched, SentryError>, Option<RateLimit>);

async fn fetch(client: &SentryClient, slug: &str) -> Outcome {
    client.fetch(slug, push(), now()).await
}

/// No token appears in what the client hands back.
fn assert_no_token(outcome: &Outcome) {
    let (result, rate) = outcome;
    let texts = [
        format!("{result:?}"),
        format!("{outcome:?}"),
        format!("{rate:?}"),
        result.as_ref().err().map(|e| e.to_string()).unwrap_or_default(),
    ];
    for t in texts {
        assert!(!t.contains(TOKEN) && !t.contains("SECRET"), "the token leaked: {t}");
    }
}

/// The failure of an outcome, after checking the token did not leak.
fn error_of(outcome: &Outcome) -> &SentryError {
    assert_no_token(outcome);
    match &outcome.0 {
        Err(e) => e,
        Ok(f) => panic!("expected an error, got {f:?}"),
    }
}

fn fetched_of(outcome: &Outcome) -> &Fetched {
    assert_no_token(outcome);
    match &outcome.0 {
        Ok(f) => f,
        Err(e) => panic!("expected data, got {e:?} ({e})"),
    }
}

/// Every request carried the token, in the header and nowhere else.
fn assert_auth_everywhere(fake: &FakeSentry, token: &str) {
    let seen = fake.seen();
    assert!(!seen.is_empty());
    for s in &seen {
        assert_eq!(s.auth.as_deref(), Some(format!("Bearer {token}").as_str()), "{s:?}");
        assert_eq!(s.auths.len(), 1, "one Authorization header: {s:?}");
        assert!(!s.path.contains(token) && !s.raw_query.contains(token), "the token is in a URL: {s:?}");
    }
}

fn shorts(issues: &[shipdeck::domain::sentry::NewIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.short_id.as_str()).collect()
}

// ---------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn happy_path_asks_the_documented_endpoint_and_parses_everything() {
    let fake = FakeSentry::start(Scenario::default()).await;
    // A trailing slash on the configured URL does not double up in paths.
    let client = client_for(&format!("{}/", fake.base), token());

    let out = fetch(&client, "addons").await;
    let f = fetched_of(&out);
    assert_eq!(f.endpoint, StatsEndpoint::Timeseries);
    assert_eq!((f.interval, f.until), (BUCKET_SECS, now().timestamp()));
    // Six hours of whole buckets and the one holding `now` (empty: now is
    // on a boundary), four events a minute.
    assert_eq!(f.series.len(), 73);
    assert!(f.series[..72].iter().all(|b| b.count == Some(20)), "{:?}", f.series);
    assert_eq!(f.series[0].at, (now() - Duration::hours(6)).timestamp());
    // From the push to now and a day more, a week earlier, whole.
    let w = (push() - Duration::days(7)).timestamp();
    assert_eq!(f.week_ago.first().map(|b| b.at), Some(w));
    assert_eq!(f.week_ago.len(), 288 + 7);
    assert!(f.week_ago.iter().all(|b| b.count == Some(20)));
    let a = analyse(f, push(), now(), 2.0, 20);
    assert_eq!((a.since_push, a.before, a.week_ago, a.verdict), (120, 120, Some(120), Verdict::Calm));

    // The rate-limit headers of the newest answer: five requests.
    let rate = out.1.expect("rate-limit headers are read");
    assert_eq!(
        rate,
        RateLimit {
            limit: Some(LIMIT),
            remaining: Some(LIMIT - 5),
            reset: Some(Utc.timestamp_opt(RESET, 0).unwrap()),
            concurrent_limit: Some(25),
            concurrent_remaining: Some(24),
        }
    );

    let seen = fake.seen();
    let kinds: Vec<Endpoint> = seen.iter().map(Seen::endpoint).collect();
    assert_eq!(
        kinds,
        [Endpoint::Projects, Endpoint::Timeseries, Endpoint::WeekAgo, Endpoint::Issues, Endpoint::Regressed],
        "{seen:#?}"
    );
    assert_eq!(seen[0].path, "/api/0/organizations/acme/projects/");
    let series = &seen[1];
    assert_eq!(series.path, "/api/0/organizations/acme/events-timeseries/");
    for (k, v) in [
        ("project", "4505"),
        ("environment", ENV),
        ("dataset", "errors"),
        ("yAxis", "count()"),
        ("query", "(event.type:error OR event.type:default)"),
        // Seconds, as events-timeseries documents it.
        ("interval", "300"),
        // The last six hours (the chart), which cover the 30 minutes
        // before the push (the baseline).
        ("start", "2026-11-26T09:30:00Z"),
        ("end", "2026-11-26T15:30:00Z"),
    ] {
        assert_eq!(series.param(k), Some(v), "{k} in {series:?}");
    }
    assert_eq!(series.param("statsPeriod"), None);
    let week = &seen[2];
    assert_eq!(week.path, "/api/0/organizations/acme/events-timeseries/");
    assert_eq!(week.param("start"), Some("2026-11-19T15:00:00Z"), "{week:?}");
    assert_eq!(week.param("end"), Some("2026-11-20T15:35:00Z"), "{week:?}");
    assert!(fake.seen_at(Endpoint::Stats).is_empty(), "events-stats is not asked");

    // Again, and for another project on the same page: the list is not
    // asked again, nor the week-ago window of the same push.
    let again = fetch(&client, "addons").await;
    assert_eq!(fetched_of(&again), f);
    assert_eq!(again.1.and_then(|r| r.remaining), Some(LIMIT - 8), "rate comes from this fetch's answers");
    fetched_of(&fetch(&client, "web").await);
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 1, "the project list is kept");
    assert_eq!(fake.seen_at(Endpoint::WeekAgo).len(), 2, "one week-ago window per project and push");
    assert_eq!(fake.seen_at(Endpoint::Timeseries).last().and_then(|s| s.param("project")), Some("11"));
    assert_auth_everywhere(&fake, TOKEN);
}

#[tokio::test]
async fn a_fresh_spike_reads_as_a_spike_from_either_endpoint() {
    // Two errors a minute until the push, 240 a minute from it; asked 280 s
    // after the push, when all of the rise is in the bucket still filling.
    fn rising(t: i64) -> (f64, f64) {
        if t < push().timestamp() { (1.5, 0.5) } else { (180.0, 60.0) }
    }
    for timeseries in [true, false] {
        let fake = FakeSentry::start(Scenario { rate: rising, timeseries, ..Scenario::default() }).await;
        let client = fake.client(token());
        let at = push() + Duration::seconds(280);
        let out = client.fetch("addons", push(), at).await;
        let f = fetched_of(&out);
        let endpoint = if timeseries { StatsEndpoint::Timeseries } else { StatsEndpoint::EventsStats };
        assert_eq!(f.endpoint, endpoint);
        let a = analyse(f, push(), at, 2.0, 20);
        assert_eq!(a.since_push, 1120, "{endpoint:?}: {:?}", &f.series[f.series.len() - 3..]);
        assert_eq!(a.verdict, Verdict::Spike, "{endpoint:?}: {a:?}");
        if !timeseries {
            let stats = fake.seen_at(Endpoint::Stats);
            assert_eq!(stats[0].param("partial"), Some("1"), "{stats:?}");
        }

        // 32 minutes in: the rate since the push against the rate before,
        // not six whole buckets against seven.
        let at = push() + Duration::minutes(32);
        let a = analyse(fetched_of(&client.fetch("addons", push(), at).await), push(), at, 2.0, 20);
        let r = a.ratio.unwrap();
        assert!((115.0..125.0).contains(&r), "{endpoint:?}: {a:?}");
    }
}

#[tokio::test]
async fn logged_errors_count_too() {
    fn logged(t: i64) -> (f64, f64) {
        if t < push().timestamp() { (1.0, 1.0) } else { (1.0, 40.0) }
    }
    let fake = FakeSentry::start(Scenario { rate: logged, ..Scenario::default() }).await;
    let out = fetch(&fake.client(token()), "addons").await;
    let a = analyse(fetched_of(&out), push(), now(), 2.0, 20);
    assert_eq!((a.since_push, a.verdict), (1230, Verdict::Spike), "{a:?}");
    let q = fake.seen_at(Endpoint::Timeseries)[0].param("query").map(String::from);
    assert_eq!(q.as_deref(), Some("(event.type:error OR event.type:default)"));
}

#[tokio::test]
async fn new_issues_are_errors_and_regressions_came_back_since_the_push() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let out = fetch(&fake.client(token()), "addons").await;
    let f = fetched_of(&out);
    assert_eq!(shorts(&f.issues), ["ADDONS-1B", "ADDONS-1A"], "performance and feedback issues are not errors");
    let i = &f.issues[1];
    assert_eq!((i.title.as_str(), i.count, i.level.as_str()), ("TypeError: 1A is undefined", 42, "error"));
    assert_eq!(i.first_seen, push() + Duration::minutes(4));
    assert_eq!(i.permalink, "https://sentry.example/organizations/acme/issues/1A/");
    assert_eq!(i.regressed_at, None);
    // BACK came back 11 minutes after the push; EARLIER two days before it
    // (still `regressed`, and seen since); OLD was not seen since.
    assert_eq!(shorts(&f.regressions), ["ADDONS-BACK"]);
    assert_eq!(f.regressions[0].regressed_at, Some(push() + Duration::minutes(11)));
    assert_eq!(f.regressions[0].first_seen, push() - Duration::days(20));

    let new = &fake.seen_at(Endpoint::Issues)[0];
    for (k, v) in [
        ("project", "4505"),
        ("environment", ENV),
        ("query", "is:unresolved issue.category:error firstSeen:>2026-11-26T15:00:00Z"),
        ("sort", "new"),
        ("limit", "25"),
    ] {
        assert_eq!(new.param(k), Some(v), "{k} in {new:?}");
    }
    let back = &fake.seen_at(Endpoint::Regressed)[0];
    for (k, v) in [
        ("query", "is:unresolved is:regressed issue.category:error lastSeen:>2026-11-26T15:00:00Z"),
        ("sort", "date"),
        ("expand", "inbox"),
    ] {
        assert_eq!(back.param(k), Some(v), "{k} in {back:?}");
    }

    // A server that ignores the category filter still gets only errors.
    let mut all = issues();
    all.retain(|i| i["substatus"] == "new");
    fake.set(Endpoint::Issues, Reply::json(200, Value::Array(all)));
    let out = fetch(&fake.client(token()), "addons").await;
    assert_eq!(shorts(&fetched_of(&out).issues), ["ADDONS-1A", "ADDONS-1B"]);
}

#[tokio::test]
async fn no_environment_sends_no_environment_parameter() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let http = http::client(&PollConfig::default()).unwrap();
    let client = SentryClient::new(http, &fake.base, ORG, None, token());
    fetched_of(&fetch(&client, "api").await);
    for s in fake.seen() {
        assert_eq!(s.param("environment"), None, "{s:?}");
    }
    assert_auth_everywhere(&fake, TOKEN);
}

#[tokio::test]
async fn a_sentry_without_events_timeseries_is_asked_events_stats_for_the_rest_of_the_run() {
    let fake = FakeSentry::start(Scenario { timeseries: false, ..Scenario::default() }).await;
    let client = fake.client(token());
    let out = fetch(&client, "addons").await;
    let f = fetched_of(&out);
    assert_eq!(f.endpoint, StatsEndpoint::EventsStats);
    assert_eq!(f.series.len(), 72, "whole buckets: now is on a boundary");
    let stats = &fake.seen_at(Endpoint::Stats)[0];
    for (k, v) in [
        ("yAxis", "count()"),
        ("query", "(event.type:error OR event.type:default)"),
        ("interval", "5m"),
        ("partial", "1"),
        ("start", "2026-11-26T09:30:00Z"),
        ("end", "2026-11-26T15:30:00Z"),
    ] {
        assert_eq!(stats.param(k), Some(v), "{k} in {stats:?}");
    }
    assert_eq!(fake.seen_at(Endpoint::WeekAgo)[0].api, "/api/0/organizations/acme/events-stats/");
    assert_eq!(fake.seen().iter().filter(|s| s.api.ends_with("/events-timeseries/")).count(), 1);

    // Later fetches go straight to events-stats.
    fetched_of(&fetch(&client, "web").await);
    fetched_of(&fetch(&client, "addons").await);
    assert_eq!(fake.seen().iter().filter(|s| s.api.ends_with("/events-timeseries/")).count(), 1, "asked once");
    assert_eq!(fake.seen_at(Endpoint::Stats).len(), 3);
}

#[tokio::test]
async fn a_404_with_sentrys_detail_is_not_a_missing_endpoint() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let http = http::client(&PollConfig::default()).unwrap();
    let client = SentryClient::new(http, &fake.base, ORG, Some("staging".into()), token());
    let out = fetch(&client, "addons").await;
    match error_of(&out) {
        SentryError::NotFound { what } => {
            assert!(what.contains("events-timeseries for addons") && what.contains("environment `staging`"), "{what}")
        }
        e => panic!("{e:?}"),
    }
    assert!(fake.seen_at(Endpoint::Stats).is_empty(), "no fallback for an unknown environment");
}

#[tokio::test]
async fn the_project_list_is_read_in_one_pass_over_its_pages() {
    let fake = FakeSentry::start(Scenario { page_size: 2, ..Scenario::default() }).await;
    let client = fake.client(token());

    // `web` is on page 1, `api` on page 2: both are known after one pass.
    fetched_of(&fetch(&client, "web").await);
    let pages = fake.seen_at(Endpoint::Projects);
    assert_eq!(pages.len(), 2, "{pages:#?}");
    assert_eq!(pages[0].param("cursor"), None);
    assert_eq!(pages[1].param("cursor"), Some("0:2:0"));
    assert_eq!(pages[1].path, "/api/0/organizations/acme/projects/");
    fetched_of(&fetch(&client, "api").await);
    assert_eq!(fake.seen_at(Endpoint::Timeseries).last().and_then(|s| s.param("project")), Some("12"));
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 2, "not read again");

    // A slug the organization does not have is not looked for on every poll.
    for _ in 0..3 {
        let out = fetch(&client, "nope").await;
        assert!(matches!(error_of(&out), SentryError::NotFound { what } if what.contains("project `nope`")));
    }
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 2);
    // Two minutes on, it is.
    let later = now() + Duration::minutes(3);
    let out = client.fetch("nope", push(), later).await;
    assert!(matches!(error_of(&out), SentryError::NotFound { .. }));
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 4);
    assert_auth_everywhere(&fake, TOKEN);
}

#[tokio::test]
async fn endless_pagination_stops() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let url = format!("{}/api/0/organizations/{ORG}/projects/", fake.base);
    fake.set(
        Endpoint::Projects,
        Reply::json(200, "[]")
            .header("Link", format!(r#"<{url}?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#)),
    );
    let client = fake.client(token());
    let started = Instant::now();
    let out = fetch(&client, "addons").await;
    assert!(matches!(error_of(&out), SentryError::NotFound { what } if what.contains("project `addons`")), "{out:?}");
    let pages = fake.seen_at(Endpoint::Projects).len();
    assert!((2..=20).contains(&pages), "the cursor is followed, but not forever: {pages} pages");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn unknown_organization_and_unknown_project_are_not_found() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let http = http::client(&PollConfig::default()).unwrap();
    let other = SentryClient::new(http, &fake.base, "no-such-org", Some(ENV.into()), token());
    let out = fetch(&other, "addons").await;
    let e = error_of(&out);
    match e {
        SentryError::NotFound { what } => assert!(what.contains("organization `no-such-org`"), "{what}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(fake.seen().len(), 1, "nothing else is asked after the 404");

    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    let out = fetch(&client, "nope").await;
    let e = error_of(&out);
    match e {
        SentryError::NotFound { what } => {
            assert!(what.contains("project `nope`") && what.contains("organization `acme`"), "{what}")
        }
        e => panic!("{e:?}"),
    }
    assert!(fake.seen_at(Endpoint::Timeseries).is_empty(), "no series for an unknown project");
    assert!(out.1.is_some(), "the list's rate-limit headers are still reported");
    assert_auth_everywhere(&fake, TOKEN);
}

#[tokio::test]
async fn a_rejected_token_is_a_401_wherever_it_comes() {
    for endpoint in [Endpoint::Projects, Endpoint::Timeseries, Endpoint::Regressed] {
        let fake = FakeSentry::start(Scenario::default()).await;
        fake.set(endpoint, Reply::json(401, json!({"detail": "Invalid token"})));
        let out = fetch(&fake.client(token()), "addons").await;
        let e = error_of(&out);
        assert_eq!(e, &SentryError::TokenRejected, "{endpoint:?}");
        assert!(e.to_string().starts_with("token rejected") && !e.to_string().contains("Invalid"), "{e}");
        assert_eq!(e.state(), "unauthorized");
    }
}

#[tokio::test]
async fn a_403_on_the_organization_names_the_token_kind() {
    for (tok, org_token) in [(ORG_TOKEN, true), (TOKEN, false)] {
        let fake = FakeSentry::start(Scenario::default()).await;
        fake.set(Endpoint::Projects, refused());
        let out = fetch(&fake.client(Ok(Secret::new(tok.into()))), "addons").await;
        let e = error_of(&out);
        assert_eq!(e, &SentryError::OrgForbidden { org: ORG.into(), org_token });
        let msg = e.to_string();
        assert!(msg.contains("org:read, project:read, event:read") && msg.contains("403"), "{msg}");
        assert_eq!(org_token, msg.contains("user auth token or an internal integration"), "{msg}");
        assert!(!msg.contains("permission to perform"), "Sentry's words are not repeated: {msg}");
        assert_eq!(e.state(), "unauthorized");
        assert_eq!(fake.seen().len(), 1);
        assert_auth_everywhere(&fake, tok);
    }
}

#[tokio::test]
async fn a_403_on_a_project_says_no_access_not_a_bad_token() {
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.scenario().projects.push(("secret", "77", false));
    let client = fake.client(token());
    let out = fetch(&client, "secret").await;
    let e = error_of(&out);
    assert_eq!(e, &SentryError::ProjectForbidden { project: "secret".into(), has_access: Some(false) });
    assert!(e.to_string().contains("no access to project `secret`"), "{e}");
    assert_eq!(e.state(), "forbidden");
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 1, "the list was just read");

    // Polled on: each refused poll reads the list once more (it may have
    // changed), never more than once.
    for i in 1..=3 {
        let out = client.fetch("secret", push(), now() + Duration::seconds(20 * i)).await;
        assert!(matches!(error_of(&out), SentryError::ProjectForbidden { .. }));
    }
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 4);
    assert_eq!(fake.seen_at(Endpoint::Timeseries).len(), 4, "one request a poll");

    // Refused for another reason (no event:read): said as such.
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::Regressed, refused());
    let out = fetch(&fake.client(token()), "addons").await;
    let e = error_of(&out);
    assert_eq!(e, &SentryError::ProjectForbidden { project: "addons".into(), has_access: Some(true) });
    assert!(e.to_string().contains("event:read"), "{e}");
}

#[tokio::test]
async fn a_project_deleted_and_created_again_is_looked_up_again_once() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    fetched_of(&fetch(&client, "addons").await);
    // Deleted and created again: a new id; the old one answers 403.
    fake.scenario().projects[1] = ("addons", "4600", true);
    let later = now() + Duration::minutes(5);
    let out = client.fetch("addons", push(), later).await;
    fetched_of(&out);
    let ids: Vec<Option<String>> =
        fake.seen_at(Endpoint::Timeseries).iter().map(|s| s.param("project").map(String::from)).collect();
    assert_eq!(ids, [Some("4505".into()), Some("4505".into()), Some("4600".into())]);
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 2);

    // Deleted for good: not found, said once the list no longer has it.
    fake.scenario().projects.remove(1);
    let much_later = later + Duration::minutes(5);
    let out = client.fetch("addons", push(), much_later).await;
    assert!(matches!(error_of(&out), SentryError::NotFound { what } if what.contains("project `addons`")), "{out:?}");
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 3);
}

#[tokio::test]
async fn a_base_url_with_a_path_keeps_it() {
    let fake = FakeSentry::start(Scenario { prefix: "/sentry", ..Scenario::default() }).await;
    for base in [format!("{}/sentry", fake.base), format!("{}/sentry/", fake.base)] {
        let out = fetch(&client_for(&base, token()), "addons").await;
        fetched_of(&out);
    }
    for s in fake.seen() {
        assert!(s.path.starts_with("/sentry/api/0/organizations/acme/"), "{s:?}");
        assert_ne!(s.endpoint(), Endpoint::Other, "{s:?}");
    }
    assert_auth_everywhere(&fake, TOKEN);
}

#[tokio::test]
async fn rate_limited_with_and_without_a_reset() {
    let fake = FakeSentry::start(Scenario { rate_headers: false, ..Scenario::default() }).await;
    let reset = RESET + 45;
    fake.set(
        Endpoint::Timeseries,
        Reply::json(429, json!({"detail": "You are attempting to use this endpoint too frequently"}))
            .header("X-Sentry-Rate-Limit-Limit", 40)
            .header("X-Sentry-Rate-Limit-Remaining", 0)
            .header("X-Sentry-Rate-Limit-Reset", reset),
    );
    let client = fake.client(token());
    let out = fetch(&client, "addons").await;
    let until = Utc.timestamp_opt(reset, 0).unwrap();
    let e = error_of(&out);
    assert_eq!(e, &SentryError::RateLimited { until: Some(until) });
    assert_eq!(e.to_string(), "rate limited until 15:31:45 UTC");
    assert_eq!(e.state(), "rate_limited");
    let rate = out.1.expect("the 429's headers are reported");
    assert_eq!((rate.limit, rate.remaining, rate.reset), (Some(40), Some(0), Some(until)));
    assert!(fake.seen_at(Endpoint::WeekAgo).is_empty(), "nothing more is asked once limited");

    // A 429 without any header (a proxy, or self-hosted).
    fake.set(Endpoint::Timeseries, Reply::json(429, "{}"));
    let out = fetch(&client, "addons").await;
    assert_eq!(error_of(&out), &SentryError::RateLimited { until: None });
    assert_eq!(error_of(&out).to_string(), "rate limited");
    assert_eq!(out.1, None, "no headers, no rate");
    assert_auth_everywhere(&fake, TOKEN);
}

#[tokio::test]
async fn server_errors() {
    for status in [500, 502, 503] {
        let fake = FakeSentry::start(Scenario::default()).await;
        // Some proxies echo the request back in their error pages.
        fake.set(
            Endpoint::Timeseries,
            Reply::html(status, format!("<html>Bad gateway. Authorization: Bearer {TOKEN}</html>")),
        );
        let out = fetch(&fake.client(token()), "addons").await;
        let e = error_of(&out);
        assert_eq!(e, &SentryError::Server { status });
        assert!(e.to_string().contains(&status.to_string()), "{e}");
    }
    // The project list failing the same way.
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::Projects, Reply::json(500, "{}"));
    let out = fetch(&fake.client(token()), "addons").await;
    assert_eq!(error_of(&out), &SentryError::Server { status: 500 });
}

#[tokio::test]
async fn unreadable_answers_are_bad() {
    let bodies = [
        Reply::json(200, r#"{"timeSeries":[{"values":[{"timestamp":1795791600000,"value":3}"#),
        Reply::html(200, format!("<!DOCTYPE html><html><body>Sign in. {TOKEN}</body></html>")),
        Reply::json(200, r#"{"detail":"ok"}"#),
    ];
    for reply in bodies {
        let fake = FakeSentry::start(Scenario::default()).await;
        fake.set(Endpoint::Timeseries, reply.clone());
        let out = fetch(&fake.client(token()), "addons").await;
        let e = error_of(&out);
        match e {
            SentryError::Bad { what, message } => {
                assert_eq!(what, "events-timeseries for addons");
                assert!(!message.is_empty());
            }
            e => panic!("{reply:?}: {e:?}"),
        }
    }

    // The week-ago window is read as carefully.
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::WeekAgo, Reply::json(200, "{\"timeSeries\":"));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(
        matches!(error_of(&out), SentryError::Bad { what, message } if what == "events-timeseries for addons" && message.contains("not JSON")),
        "{out:?}"
    );

    // And events-stats, the issues and the project list.
    let fake = FakeSentry::start(Scenario { timeseries: false, ..Scenario::default() }).await;
    fake.set(Endpoint::Stats, Reply::json(200, r#"{"detail":"ok"}"#));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(matches!(error_of(&out), SentryError::Bad { what, .. } if what == "events-stats for addons"), "{out:?}");
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::Issues, Reply::json(200, "{}"));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(matches!(error_of(&out), SentryError::Bad { what, .. } if what == "issues for addons"), "{out:?}");
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::Projects, Reply::html(200, "<html></html>"));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(matches!(error_of(&out), SentryError::Bad { what, .. } if what.contains("project list")), "{out:?}");
}

#[tokio::test]
async fn empty_series_are_returned_as_they_are_and_future_buckets_are_unreadable() {
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::Timeseries, Reply::json(200, r#"{"timeSeries":[]}"#));
    fake.set(Endpoint::WeekAgo, Reply::json(200, r#"{"timeSeries":[]}"#));
    fake.set(Endpoint::Issues, Reply::json(200, "[]"));
    fake.set(Endpoint::Regressed, Reply::json(200, "[]"));
    let client = fake.client(token());
    let out = fetch(&client, "addons").await;
    let f = fetched_of(&out);
    assert_eq!((f.series.len(), f.week_ago.len(), f.issues.len(), f.regressions.len()), (0, 0, 0, 0));

    // Sentry cuts a series at the `end` asked, whatever its clock says: a
    // bucket after it is not Sentry's answer to this question.
    let later = (now() + Duration::hours(2)).timestamp();
    let values =
        json!([{"timestamp": later * 1000, "value": 1000}, {"timestamp": (later + 300) * 1000, "value": null}]);
    fake.set(Endpoint::Timeseries, Reply::json(200, json!({"timeSeries": [{"yAxis": "count()", "values": values}]})));
    let out = fetch(&client, "addons").await;
    match error_of(&out) {
        SentryError::Bad { what, message } => {
            assert_eq!(what, "events-timeseries for addons");
            assert!(message.contains("outside the window asked"), "{message}");
        }
        e => panic!("{e:?}"),
    }
    // A gap is kept, the bucket starting at the end is incomplete.
    let gaps = json!([{"timestamp": now().timestamp() * 1000, "value": null}]);
    fake.set(Endpoint::Timeseries, Reply::json(200, json!({"timeSeries": [{"yAxis": "count()", "values": gaps}]})));
    let out = fetch(&client, "addons").await;
    assert_eq!(fetched_of(&out).series, [Bucket { at: now().timestamp(), count: None, incomplete: true }]);
}

#[tokio::test]
async fn no_token_sends_nothing() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(Err("SENTRY_TOKEN is not set".into()));
    let out = fetch(&client, "addons").await;
    let e = error_of(&out);
    assert_eq!(e, &SentryError::NoToken("SENTRY_TOKEN is not set".into()));
    assert!(e.to_string().contains("SENTRY_TOKEN is not set"), "{e}");
    assert_eq!(e.state(), "unauthorized");
    assert_eq!(out.1, None);
    assert!(fake.seen().is_empty(), "a request went out without a token: {:?}", fake.seen());
}

#[tokio::test]
async fn a_dead_server_is_a_network_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let client = client_for(&base, token());
    let started = Instant::now();
    let out = fetch(&client, "addons").await;
    let took = started.elapsed();
    match error_of(&out) {
        SentryError::Network(msg) => {
            assert!(msg.starts_with(&base), "{msg}");
            assert!(msg.to_ascii_lowercase().contains("refused"), "{msg}");
        }
        e => panic!("{e:?}"),
    }
    assert!(error_of(&out).to_string().contains(&base));
    assert_eq!(out.1, None);
    assert!(took < std::time::Duration::from_secs(5), "a refused connection fails at once: {took:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_names_the_host() {
    let elsewhere = FakeSentry::start_on("127.0.0.2", Scenario::default()).await;
    let fake = FakeSentry::start(Scenario::default()).await;
    let target = format!("{}/api/0/organizations/{ORG}/events-timeseries/?statsPeriod=24h", elsewhere.base);
    fake.set(Endpoint::Timeseries, Reply::json(302, "").header("Location", target));
    let out = fetch(&fake.client(token()), "addons").await;
    match error_of(&out) {
        SentryError::Network(msg) => {
            assert!(msg.contains(&format!("redirected to {}", elsewhere.base)), "{msg}");
            assert!(msg.contains("another host"), "{msg}");
        }
        e => panic!("{e:?}"),
    }
    assert!(elsewhere.seen().is_empty(), "the redirect was followed: {:?}", elsewhere.seen());
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_token_and_loops_are_bounded() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let out = fetch(&client_for(&format!("{}/moved", fake.base), token()), "addons").await;
    assert_eq!(fetched_of(&out).endpoint, StatsEndpoint::Timeseries);
    assert_auth_everywhere(&fake, TOKEN);
    assert!(fake.seen().iter().any(|s| s.path.starts_with("/moved/")), "{:?}", fake.seen());

    let fake = FakeSentry::start(Scenario::default()).await;
    let again = format!("{}/api/0/organizations/{ORG}/events-timeseries/?end={}", fake.base, stamp(now()));
    fake.set(Endpoint::Timeseries, Reply::json(302, "").header("Location", again));
    let out = fetch(&fake.client(token()), "addons").await;
    match error_of(&out) {
        SentryError::Network(msg) => assert!(msg.contains("more than 5 redirects"), "{msg}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(fake.seen_at(Endpoint::Timeseries).len(), 6, "the first request and five redirects");
}

#[tokio::test]
async fn userinfo_in_the_base_url_is_not_sent_nor_shown() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let with_userinfo = fake.base.replace("http://", "http://user:SECRETPW@");
    let client = client_for(&with_userinfo, token());
    let out = fetch(&client, "addons").await;
    fetched_of(&out);
    // Only the Bearer token: no Basic header from the userinfo beside it.
    assert_auth_everywhere(&fake, TOKEN);

    // And an error quoting the base URL does not show it.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = client_for(&format!("http://user:SECRETPW@127.0.0.1:{port}"), token());
    let out = fetch(&client, "addons").await;
    let msg = error_of(&out).to_string();
    assert!(msg.starts_with(&format!("http://127.0.0.1:{port}")), "{msg}");
}

/// Sentry's 400 for an `is:` value its search does not have.
fn no_regressed() -> Reply {
    let detail = r#"Invalid value for "is" search, valid values are ['archived', 'assigned', 'for_review', 'ignored', 'linked', 'resolved', 'unassigned', 'unlinked', 'unresolved']"#;
    Reply::json(400, json!({ "detail": detail }))
}

#[tokio::test]
async fn an_issue_search_without_categories_or_substatus_is_asked_without_them() {
    // No `is:regressed` (a Sentry before substatuses): no regressions, and
    // the category is still asked.
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::Regressed, no_regressed());
    let client = fake.client(token());
    let f = fetched_of(&fetch(&client, "addons").await).clone();
    assert_eq!((shorts(&f.issues), f.regressions.len()), (vec!["ADDONS-1B", "ADDONS-1A"], 0));
    fetched_of(&fetch(&client, "addons").await);
    assert_eq!(fake.seen_at(Endpoint::Regressed).len(), 1, "not asked again");
    let asked: Vec<String> =
        fake.seen_at(Endpoint::Issues).iter().map(|s| s.param("query").unwrap_or("").to_string()).collect();
    assert_eq!(asked[1], "is:unresolved issue.category:error firstSeen:>2026-11-26T15:00:00Z", "{asked:?}");

    // Substatuses turned off for the organization: the same.
    let fake = FakeSentry::start(Scenario::default()).await;
    let off = json!({"detail": "The substatus filter is not supported for this organization"});
    fake.set(Endpoint::Regressed, Reply::json(400, off));
    let client = fake.client(token());
    assert!(fetched_of(&fetch(&client, "addons").await).regressions.is_empty());
    fetched_of(&fetch(&client, "addons").await);
    assert_eq!(fake.seen_at(Endpoint::Regressed).len(), 1, "not asked again");

    // No `error` category: both searches are made again without it, at
    // once and from then on; regressions are still asked.
    let fake = FakeSentry::start(Scenario::default()).await;
    let no_category = Reply::json(400, json!({"detail": "Invalid category value of 'error'"}));
    fake.set(Endpoint::Issues, no_category.clone());
    fake.set(Endpoint::Regressed, no_category);
    let client = fake.client(token());
    // The fake answers every search 400 until told otherwise: the client
    // tries the search again without the category, and gives up after that.
    let out = fetch(&client, "addons").await;
    assert!(matches!(error_of(&out), SentryError::Rejected { what } if what == "issues for addons"), "{out:?}");
    let asked: Vec<String> =
        fake.seen_at(Endpoint::Issues).iter().map(|s| s.param("query").unwrap_or("").to_string()).collect();
    assert_eq!(
        asked,
        [
            "is:unresolved issue.category:error firstSeen:>2026-11-26T15:00:00Z",
            "is:unresolved firstSeen:>2026-11-26T15:00:00Z"
        ]
    );
    fake.scenario().overrides.clear();
    let f = fetched_of(&fetch(&client, "addons").await).clone();
    // Still errors only: the category is checked here.
    assert_eq!(shorts(&f.issues), ["ADDONS-1B", "ADDONS-1A"]);
    assert_eq!(shorts(&f.regressions), ["ADDONS-BACK"]);
    let back = fake.seen_at(Endpoint::Regressed).pop().unwrap();
    assert_eq!(back.param("query"), Some("is:unresolved is:regressed lastSeen:>2026-11-26T15:00:00Z"));
}

#[tokio::test]
async fn any_other_400_from_the_issue_search_is_an_error_and_the_full_query_stays() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    for body in [
        json!({"detail": "Error parsing search query: Invalid date: >2026-11-26T15:00:00Z"}),
        json!({"detail": "Invalid search query"}),
        json!({}),
    ] {
        fake.set(Endpoint::Regressed, Reply::json(400, body.clone()));
        let out = fetch(&client, "addons").await;
        let e = error_of(&out);
        assert_eq!(e, &SentryError::Rejected { what: "issues for addons".into() }, "{body}");
        assert_eq!(e.to_string(), "Sentry rejected the query for issues for addons (HTTP 400)");
        assert!(!e.to_string().contains("Invalid"), "Sentry's words are not repeated: {e}");
        assert_eq!(e.state(), "error");
    }
    // Sentry answers again: the full queries, regressions included.
    fake.scenario().overrides.clear();
    let f = fetched_of(&fetch(&client, "addons").await).clone();
    assert_eq!(shorts(&f.regressions), ["ADDONS-BACK"]);
    let queries = |e| -> Vec<String> {
        fake.seen_at(e).iter().map(|s: &Seen| s.param("query").unwrap_or("").to_string()).collect()
    };
    assert!(
        queries(Endpoint::Issues).iter().all(|q| q.contains("issue.category:error")),
        "{:?}",
        queries(Endpoint::Issues)
    );
    assert_eq!(queries(Endpoint::Regressed).len(), 4);
    assert!(queries(Endpoint::Regressed).iter().all(|q| q.contains("is:regressed issue.category:error")));
}

/// One `events-timeseries` answer: `interval` (ms, as written) and
/// (timestamp in ms, value) rows, as written.
fn timeseries_reply(interval: &str, rows: &[(String, &str)]) -> Reply {
    let values: Vec<String> = rows.iter().map(|(t, v)| format!(r#"{{"timestamp":{t},"value":{v}}}"#)).collect();
    let body = format!(
        r#"{{"meta":{{"dataset":"errors"}},"timeSeries":[{{"yAxis":"count()","meta":{{"valueType":"integer","interval":{interval}}},"values":[{}]}}]}}"#,
        values.join(",")
    );
    Reply::json(200, body)
}

#[tokio::test]
async fn absurd_intervals_timestamps_and_counts_are_unreadable_answers_naming_the_endpoint() {
    let at = |t: DateTime<Utc>| (t.timestamp() * 1000).to_string();
    let fine = (at(now() - Duration::minutes(5)), "3");
    let answers = [
        // An interval no Sentry picks, in any size.
        timeseries_reply("1e30", std::slice::from_ref(&fine)),
        timeseries_reply("-300000", std::slice::from_ref(&fine)),
        timeseries_reply("60000", std::slice::from_ref(&fine)),
        timeseries_reply("172800000", std::slice::from_ref(&fine)),
        // Timestamps outside the window, or going back.
        timeseries_reply("300000", &[("1e30".into(), "3")]),
        timeseries_reply("300000", &[(at(now() - Duration::days(3)), "3")]),
        timeseries_reply("300000", &[fine.clone(), (at(now() - Duration::minutes(10)), "3")]),
        // Counts no bucket holds.
        timeseries_reply("300000", &[(fine.0.clone(), "1e30")]),
        timeseries_reply("300000", &[(fine.0.clone(), "-5")]),
    ];
    for reply in answers {
        let fake = FakeSentry::start(Scenario::default()).await;
        fake.set(Endpoint::Timeseries, reply.clone());
        let out = fetch(&fake.client(token()), "addons").await;
        match error_of(&out) {
            SentryError::Bad { what, message } => {
                assert_eq!(what, "events-timeseries for addons", "{reply:?}");
                assert!(
                    ["interval", "timestamp", "window", "steps", "count"].iter().any(|w| message.contains(w)),
                    "{reply:?}: {message}"
                );
            }
            e => panic!("{reply:?}: {e:?}"),
        }
        assert!(fake.seen_at(Endpoint::WeekAgo).is_empty(), "nothing more is asked after an unreadable answer");
    }

    // A wider width Sentry may pick instead of the one asked is taken.
    let fake = FakeSentry::start(Scenario::default()).await;
    let hour = (now() - Duration::hours(1)).timestamp() * 1000;
    fake.set(Endpoint::Timeseries, timeseries_reply("3600000", &[(hour.to_string(), "240")]));
    fake.set(Endpoint::WeekAgo, timeseries_reply("3600000", &[]));
    let out = fetch(&fake.client(token()), "addons").await;
    assert_eq!(fetched_of(&out).interval, 3600);

    // events-stats, and the week-ago window, are read as carefully.
    let fake = FakeSentry::start(Scenario { timeseries: false, ..Scenario::default() }).await;
    fake.set(Endpoint::Stats, Reply::json(200, json!({"data": [[1e30, [{"count": 3}]]]})));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(
        matches!(error_of(&out), SentryError::Bad { what, message } if what == "events-stats for addons" && message.contains("timestamp")),
        "{out:?}"
    );
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::WeekAgo, timeseries_reply("1e30", &[]));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(
        matches!(error_of(&out), SentryError::Bad { what, message } if what == "events-timeseries for addons" && message.contains("interval")),
        "{out:?}"
    );
}

#[tokio::test]
async fn the_week_ago_window_is_asked_once_over_polls_before_and_after_the_push_starts() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    // Two hours of polls every 30 s before a push start is recorded: "since
    // the push" is the last hour, a reference that moves every poll.
    let started = push();
    let mut t = started - Duration::hours(2);
    while t < started {
        fetched_of(&client.fetch("addons", t - Duration::minutes(60), t).await);
        t += Duration::seconds(30);
    }
    assert_eq!(fake.seen_at(Endpoint::WeekAgo).len(), 1, "one week-ago request before the push");
    // The push starts, polled every 20 s for two hours.
    while t < started + Duration::hours(2) {
        let out = client.fetch("addons", started, t).await;
        let f = fetched_of(&out);
        // What the analysis reads is there.
        let a = analyse(f, started, t, 2.0, 20);
        assert!(a.week_ago.is_some(), "{a:?}");
        t += Duration::seconds(20);
    }
    assert_eq!(fake.seen_at(Endpoint::WeekAgo).len(), 1, "and none once it starts");
    assert_eq!(fake.seen_at(Endpoint::Timeseries).len(), 240 + 360);
    // A day on, the kept window no longer covers the push's: asked again.
    let next_day = started + Duration::days(1);
    fetched_of(&client.fetch("addons", started, next_day).await);
    fetched_of(&client.fetch("addons", started, next_day + Duration::seconds(20)).await);
    assert_eq!(fake.seen_at(Endpoint::WeekAgo).len(), 2);
}

#[tokio::test]
async fn a_sentry_keeping_less_than_a_week_still_compares_with_before_the_push() {
    let fake = FakeSentry::start(Scenario::default()).await;
    // What Sentry answers for a range beyond the organization's retention.
    let refused = json!({"detail": "Invalid date range. Please try a more recent date range."});
    fake.set(Endpoint::WeekAgo, Reply::json(400, refused));
    let client = fake.client(token());
    let started = push();
    for i in 0..10 {
        let now = started + Duration::minutes(30) + Duration::seconds(20 * i);
        let out = client.fetch("addons", started, now).await;
        let f = fetched_of(&out);
        assert!(f.week_ago.is_empty());
        let a = analyse(f, started, now, 2.0, 20);
        assert!(a.week_ago.is_none() && a.baseline == a.before, "{a:?}");
    }
    assert_eq!(fake.seen_at(Endpoint::WeekAgo).len(), 1, "a refusal is not asked again every poll");
}

#[tokio::test]
async fn a_rise_is_read_from_complete_buckets_while_the_newest_minute_is_being_ingested() {
    // Ten errors a minute before the push, 22 after; the last minute not
    // in Sentry yet. Seven minutes in, the filling bucket holds only one of
    // its two minutes.
    fn rising(t: i64) -> (f64, f64) {
        if t < push().timestamp() { (7.5, 2.5) } else { (16.5, 5.5) }
    }
    for timeseries in [true, false] {
        let fake = FakeSentry::start(Scenario { rate: rising, timeseries, lag: 60, ..Scenario::default() }).await;
        let at = push() + Duration::minutes(7);
        let out = fake.client(token()).fetch("addons", push(), at).await;
        let f = fetched_of(&out);
        let newest = &f.series[f.series.len() - 2..];
        assert_eq!(
            newest.iter().map(|b| (b.count, b.incomplete)).collect::<Vec<_>>(),
            [(Some(110), false), (Some(22), true)],
            "{timeseries}"
        );
        let a = analyse(f, push(), at, 2.0, 20);
        assert_eq!((a.since_push, a.baseline, a.verdict), (110, 50, Verdict::Spike), "{timeseries}: {a:?}");
    }
}

#[tokio::test]
async fn a_deleted_project_is_named_at_once() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    fetched_of(&fetch(&client, "addons").await);
    // Deleted 20 s later: its id answers 403 and the list no longer has it.
    fake.scenario().projects.remove(1);
    let out = client.fetch("addons", push(), now() + Duration::seconds(20)).await;
    assert!(matches!(error_of(&out), SentryError::NotFound { what } if what.contains("project `addons`")), "{out:?}");
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 2);

    // Deleted and created again within seconds: the new id is used at once.
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    fetched_of(&fetch(&client, "addons").await);
    fake.scenario().projects[1] = ("addons", "4600", true);
    fetched_of(&client.fetch("addons", push(), now() + Duration::seconds(20)).await);
    let ids: Vec<Option<String>> =
        fake.seen_at(Endpoint::Timeseries).iter().map(|s| s.param("project").map(String::from)).collect();
    assert_eq!(ids, [Some("4505".into()), Some("4505".into()), Some("4600".into())]);

    // Two refused projects in one poll (one `now`): one list read between them.
    let fake = FakeSentry::start(Scenario::default()).await;
    let client = fake.client(token());
    fetched_of(&fetch(&client, "addons").await);
    fake.scenario().projects[0].2 = false;
    fake.scenario().projects[1].2 = false;
    let poll = now() + Duration::seconds(20);
    for slug in ["web", "addons"] {
        let out = client.fetch(slug, push(), poll).await;
        assert!(matches!(error_of(&out), SentryError::ProjectForbidden { has_access: Some(false), .. }), "{out:?}");
    }
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 2);
}
