//! The Sentry client against a fake Sentry on 127.0.0.1: the project list
//! (cached, paginated), the two `events-stats` windows, the new issues, the
//! rate-limit headers, and every way a fetch fails. The fake records each
//! request's path, query and `Authorization` header; every test also checks
//! that the token never shows up in what the client hands back.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use shipdeck::config::PollConfig;
use shipdeck::domain::sentry::{Bucket, Fetched, RateLimit, SentryError};
use shipdeck::io::http;
use shipdeck::io::sentry::{Secret, SentryClient};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;

const TOKEN: &str = "sntrys_SECRET_do_not_print";
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

// ---------------------------------------------------------------------------
// The fake Sentry.

/// Which endpoint a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Endpoint {
    Projects,
    /// `events-stats` up to now.
    Stats,
    /// `events-stats` for the window a week earlier.
    WeekAgo,
    Issues,
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
}

impl Seen {
    fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn endpoint(&self) -> Endpoint {
        let org = format!("/api/0/organizations/{ORG}");
        match self.path.strip_prefix(&org) {
            Some("/projects/") => Endpoint::Projects,
            Some("/events-stats/")
                if self
                    .param("end")
                    .and_then(|e| e.parse::<DateTime<Utc>>().ok())
                    .is_some_and(|e| e < now() - Duration::days(1)) =>
            {
                Endpoint::WeekAgo
            }
            Some("/events-stats/") => Endpoint::Stats,
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

/// How the fake behaves; tests change it between fetches.
struct Scenario {
    /// (slug, id) in the organization, served `page_size` at a time.
    projects: Vec<(&'static str, &'static str)>,
    page_size: usize,
    /// Rate-limit headers on every default answer (remaining counts down).
    rate_headers: bool,
    stats: String,
    week_ago: String,
    issues: String,
    /// Replaces the default answer of an endpoint.
    overrides: HashMap<Endpoint, Reply>,
}

fn stats_body() -> serde_json::Value {
    let p = push().timestamp();
    json!({
        "data": [
            [p - 600, [{"count": 2}]],
            [p - 300, [{}]],
            [p, [{"count": 7}]],
            [p + 300, [{"count": 9.0}]],
        ],
        "start": p - 86_400,
        "end": p + 1800,
    })
}

fn expected_series() -> Vec<Bucket> {
    let p = push().timestamp();
    vec![
        Bucket { at: p - 600, count: Some(2) },
        Bucket { at: p - 300, count: None },
        Bucket { at: p, count: Some(7) },
        Bucket { at: p + 300, count: Some(9) },
    ]
}

fn week_body() -> serde_json::Value {
    let w = (push() - Duration::days(7)).timestamp();
    json!({"data": [[w - 300, [{"count": 4}]], [w, [{"count": 1}]]], "start": w - 1800, "end": w + 1800})
}

fn issues_body() -> serde_json::Value {
    json!([
        {
            "id": "1001",
            "shortId": "ADDONS-1A",
            "title": "TypeError: x is undefined",
            "count": "42",
            "userCount": 3,
            "firstSeen": "2026-11-26T15:04:00.123Z",
            "permalink": "https://sentry.example/organizations/acme/issues/1001/",
            "level": "error"
        },
        {
            "id": "1002",
            "shortId": "ADDONS-1B",
            "title": "Slow query",
            "count": "7",
            "firstSeen": "2026-11-26T15:06:00Z",
            "permalink": "https://sentry.example/organizations/acme/issues/1002/",
            "level": "warning"
        }
    ])
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            projects: vec![("web", "11"), ("addons", "4505"), ("api", "12")],
            page_size: 100,
            rate_headers: true,
            stats: stats_body().to_string(),
            week_ago: week_body().to_string(),
            issues: issues_body().to_string(),
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

async fn answer(State(st): State<Arc<FakeState>>, uri: Uri, headers: HeaderMap) -> Response {
    let raw_query = uri.query().unwrap_or_default().to_string();
    let seen = Seen {
        path: uri.path().to_string(),
        query: url::form_urlencoded::parse(raw_query.as_bytes()).into_owned().collect(),
        raw_query,
        auth: headers.get(header::AUTHORIZATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        auths: headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect(),
    };
    // A base URL under `/moved` is sent to the same path without it, on the
    // same origin.
    if let Some(rest) = uri.path_and_query().map(|p| p.as_str()).and_then(|p| p.strip_prefix("/moved")) {
        st.seen.lock().unwrap().push(seen);
        return (StatusCode::FOUND, [(header::LOCATION, rest.to_string())]).into_response();
    }
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
            let mut r = match endpoint {
                Endpoint::Projects => projects_page(&st.base, &sc, &seen),
                Endpoint::Stats => Reply::json(200, &sc.stats),
                Endpoint::WeekAgo => Reply::json(200, &sc.week_ago),
                Endpoint::Issues => Reply::json(200, &sc.issues),
                Endpoint::Other => Reply::json(404, json!({"detail": "The requested resource does not exist"})),
            };
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

/// One page of the project list, with Sentry's `Link` header.
fn projects_page(base: &str, sc: &Scenario, seen: &Seen) -> Reply {
    let offset: usize =
        seen.param("cursor").and_then(|c| c.split(':').nth(1)).and_then(|o| o.parse().ok()).unwrap_or(0);
    let end = (offset + sc.page_size).min(sc.projects.len());
    let page: Vec<_> = sc.projects[offset.min(end)..end]
        .iter()
        .map(|(slug, id)| json!({"id": id, "slug": slug, "name": slug.to_uppercase()}))
        .collect();
    let url = format!("{base}/api/0/organizations/{ORG}/projects/");
    let prev = offset.saturating_sub(sc.page_size);
    let link = format!(
        r#"<{url}?&cursor=0:{prev}:1>; rel="previous"; results="{}"; cursor="0:{prev}:1", <{url}?&cursor=0:{end}:0>; rel="next"; results="{}"; cursor="0:{end}:0""#,
        offset > 0,
        end < sc.projects.len(),
    );
    Reply::json(200, serde_json::Value::Array(page)).header("Link", link)
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

/// The token appears in none of what the client hands back.
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
fn assert_auth_everywhere(fake: &FakeSentry) {
    let seen = fake.seen();
    assert!(!seen.is_empty());
    for s in &seen {
        assert_eq!(s.auth.as_deref(), Some(format!("Bearer {TOKEN}").as_str()), "{s:?}");
        assert_eq!(s.auths.len(), 1, "one Authorization header: {s:?}");
        assert!(!s.path.contains(TOKEN) && !s.raw_query.contains(TOKEN), "the token is in a URL: {s:?}");
    }
}

// ---------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn happy_path_parses_everything_and_caches_the_project_list() {
    let fake = FakeSentry::start(Scenario::default()).await;
    // A trailing slash on the configured URL does not double up in paths.
    let client = client_for(&format!("{}/", fake.base), token());

    let out = fetch(&client, "addons").await;
    let f = fetched_of(&out);
    assert_eq!(f.series, expected_series(), "gaps are kept as None, 9.0 reads as 9");
    let w = (push() - Duration::days(7)).timestamp();
    assert_eq!(f.week_ago, vec![Bucket { at: w - 300, count: Some(4) }, Bucket { at: w, count: Some(1) }]);
    assert_eq!(f.issues.len(), 2);
    let i = &f.issues[0];
    assert_eq!(
        (i.short_id.as_str(), i.title.as_str(), i.count, i.level.as_str()),
        ("ADDONS-1A", "TypeError: x is undefined", 42, "error")
    );
    assert_eq!(i.first_seen, Utc.with_ymd_and_hms(2026, 11, 26, 15, 4, 0).unwrap() + Duration::milliseconds(123));
    assert_eq!(i.permalink, "https://sentry.example/organizations/acme/issues/1001/");
    assert_eq!(
        (f.issues[1].short_id.as_str(), f.issues[1].count, f.issues[1].level.as_str()),
        ("ADDONS-1B", 7, "warning")
    );

    // The newest headers win: four requests, so 40 - 4 remain.
    let rate = out.1.expect("rate-limit headers are read");
    assert_eq!(
        rate,
        RateLimit {
            limit: Some(LIMIT),
            remaining: Some(LIMIT - 4),
            reset: Some(Utc.timestamp_opt(RESET, 0).unwrap()),
            concurrent_limit: Some(25),
            concurrent_remaining: Some(24),
        }
    );

    // The four requests, in order, with their parameters.
    let seen = fake.seen();
    let kinds: Vec<Endpoint> = seen.iter().map(Seen::endpoint).collect();
    assert_eq!(kinds, [Endpoint::Projects, Endpoint::Stats, Endpoint::WeekAgo, Endpoint::Issues], "{seen:#?}");
    assert_eq!(seen[0].path, "/api/0/organizations/acme/projects/");
    assert_eq!(seen[0].param("cursor"), None);

    let stats = &seen[1];
    assert_eq!(stats.path, "/api/0/organizations/acme/events-stats/");
    for (k, v) in [
        ("project", "4505"),
        ("environment", ENV),
        ("yAxis", "count()"),
        ("query", "event.type:error"),
        ("interval", "5m"),
        // The last six hours (the chart), which cover the 30 minutes
        // before the push (the baseline).
        ("start", "2026-11-26T09:30:00Z"),
        ("end", "2026-11-26T15:30:00Z"),
    ] {
        assert_eq!(stats.param(k), Some(v), "{k} in {stats:?}");
    }
    assert_eq!(stats.param("statsPeriod"), None);

    // A week earlier: from as long before the push as it has been since, to now.
    let week = &seen[2];
    assert_eq!(week.path, "/api/0/organizations/acme/events-stats/");
    assert_eq!(week.param("start"), Some("2026-11-19T14:30:00Z"), "{week:?}");
    assert_eq!(week.param("end"), Some("2026-11-19T15:30:00Z"), "{week:?}");
    assert_eq!(week.param("statsPeriod"), None, "start/end and statsPeriod exclude each other");
    for (k, v) in [
        ("project", "4505"),
        ("environment", ENV),
        ("yAxis", "count()"),
        ("query", "event.type:error"),
        ("interval", "5m"),
    ] {
        assert_eq!(week.param(k), Some(v), "{k} in {week:?}");
    }

    let issues = &seen[3];
    assert_eq!(issues.path, "/api/0/organizations/acme/issues/");
    for (k, v) in [
        ("project", "4505"),
        ("environment", ENV),
        ("query", "is:unresolved firstSeen:>2026-11-26T15:00:00Z"),
        ("sort", "new"),
        ("limit", "25"),
    ] {
        assert_eq!(issues.param(k), Some(v), "{k} in {issues:?}");
    }

    // Again, and for another project on the same page: the list is not asked again.
    let again = fetch(&client, "addons").await;
    assert_eq!(fetched_of(&again), f);
    assert_eq!(again.1.and_then(|r| r.remaining), Some(LIMIT - 7), "rate comes from this fetch's answers");
    let web = fetch(&client, "web").await;
    fetched_of(&web);
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 1, "the project list is cached");
    assert_eq!(
        fake.seen_at(Endpoint::Stats).last().and_then(|s| s.param("project").map(String::from)).as_deref(),
        Some("11")
    );
    assert_eq!(fake.seen().len(), 10);
    assert_auth_everywhere(&fake);
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
    assert_auth_everywhere(&fake);
}

#[tokio::test]
async fn the_project_list_is_followed_to_the_next_page() {
    let fake = FakeSentry::start(Scenario { page_size: 2, ..Scenario::default() }).await;
    let client = fake.client(token());

    // `api` is third: on page 2.
    let out = fetch(&client, "api").await;
    assert_eq!(fetched_of(&out).series, expected_series());
    let pages = fake.seen_at(Endpoint::Projects);
    assert_eq!(pages.len(), 2, "{pages:#?}");
    assert_eq!(pages[0].param("cursor"), None);
    assert_eq!(pages[1].param("cursor"), Some("0:2:0"));
    assert_eq!(pages[1].path, "/api/0/organizations/acme/projects/");
    assert_eq!(fake.seen_at(Endpoint::Stats)[0].param("project"), Some("12"));

    // A slug on page 1 is known now, without asking again.
    fetched_of(&fetch(&client, "web").await);
    assert_eq!(fake.seen_at(Endpoint::Projects).len(), 2);
    assert_auth_everywhere(&fake);
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

    // The fake only knows `acme`: any other organization answers 404.
    let http = http::client(&PollConfig::default()).unwrap();
    let other = SentryClient::new(http, &fake.base, "no-such-org", Some(ENV.into()), token());
    let out = fetch(&other, "addons").await;
    let e = error_of(&out);
    match e {
        SentryError::NotFound { what } => assert!(what.contains("organization `no-such-org`"), "{what}"),
        e => panic!("{e:?}"),
    }
    assert!(e.to_string().contains("no-such-org"), "{e}");
    assert_eq!(fake.seen().len(), 1, "nothing else is asked after the 404");
    assert_eq!(fake.seen()[0].path, "/api/0/organizations/no-such-org/projects/");

    let client = fake.client(token());
    let out = fetch(&client, "nope").await;
    let e = error_of(&out);
    match e {
        SentryError::NotFound { what } => {
            assert!(what.contains("project `nope`") && what.contains("organization `acme`"), "{what}")
        }
        e => panic!("{e:?}"),
    }
    assert!(e.to_string().contains("nope"), "{e}");
    assert!(fake.seen_at(Endpoint::Stats).is_empty(), "no stats for an unknown project");
    assert!(out.1.is_some(), "the list's rate-limit headers are still reported");
    assert_auth_everywhere(&fake);
}

#[tokio::test]
async fn rejected_tokens_are_unauthorized() {
    for status in [401, 403] {
        let fake = FakeSentry::start(Scenario::default()).await;
        let detail = json!({"detail": "Invalid token"});
        fake.set(Endpoint::Projects, Reply::json(status, &detail));
        let client = fake.client(token());
        let out = fetch(&client, "addons").await;
        let e = error_of(&out);
        assert_eq!(e, &SentryError::Unauthorized { status });
        let msg = e.to_string();
        assert!(msg.contains("org:read") && msg.contains(&status.to_string()), "{msg}");
        assert_eq!(e.state(), "unauthorized");
        assert_eq!(fake.seen().len(), 1);

        // The same from a later endpoint (a token without event:read).
        let fake = FakeSentry::start(Scenario::default()).await;
        fake.set(Endpoint::Issues, Reply::json(status, &detail));
        let client = fake.client(token());
        let out = fetch(&client, "addons").await;
        assert_eq!(error_of(&out), &SentryError::Unauthorized { status });
        assert_eq!(fake.seen().len(), 4);
        assert_auth_everywhere(&fake);
    }
}

#[tokio::test]
async fn rate_limited_with_and_without_a_reset() {
    let fake = FakeSentry::start(Scenario { rate_headers: false, ..Scenario::default() }).await;
    let reset = RESET + 45;
    fake.set(
        Endpoint::Stats,
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
    fake.set(Endpoint::Stats, Reply::json(429, "{}"));
    let out = fetch(&client, "addons").await;
    assert_eq!(error_of(&out), &SentryError::RateLimited { until: None });
    assert_eq!(error_of(&out).to_string(), "rate limited");
    assert_eq!(out.1, None, "no headers, no rate");
    assert_auth_everywhere(&fake);
}

#[tokio::test]
async fn server_errors() {
    for status in [500, 502, 503] {
        let fake = FakeSentry::start(Scenario::default()).await;
        // Some proxies echo the request back in their error pages.
        fake.set(
            Endpoint::Stats,
            Reply::html(status, format!("<html>Bad gateway. Authorization: Bearer {TOKEN}</html>")),
        );
        let client = fake.client(token());
        let out = fetch(&client, "addons").await;
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
async fn unreadable_stats_are_bad() {
    let bodies = [
        Reply::json(200, r#"{"data":[[1795791600,[{"count":3}]],[17957"#),
        Reply::html(200, format!("<!DOCTYPE html><html><body>Sign in. {TOKEN}</body></html>")),
        Reply::json(200, r#"{"detail":"ok"}"#),
    ];
    for reply in bodies {
        let fake = FakeSentry::start(Scenario::default()).await;
        fake.set(Endpoint::Stats, reply.clone());
        let out = fetch(&fake.client(token()), "addons").await;
        let e = error_of(&out);
        match e {
            SentryError::Bad { what, message } => {
                assert_eq!(what, "events-stats for addons");
                assert!(!message.is_empty());
            }
            e => panic!("{reply:?}: {e:?}"),
        }
        assert!(e.to_string().contains("events-stats for addons"), "{e}");
    }

    // The week-ago window is read as carefully.
    let fake = FakeSentry::start(Scenario::default()).await;
    fake.set(Endpoint::WeekAgo, Reply::json(200, "{\"data\":"));
    let out = fetch(&fake.client(token()), "addons").await;
    assert!(
        matches!(error_of(&out), SentryError::Bad { what, message } if what == "events-stats for addons" && message.contains("not JSON")),
        "{out:?}"
    );

    // And the issues and the project list.
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
async fn empty_series_and_future_buckets_are_returned_as_they_are() {
    let fake = FakeSentry::start(Scenario::default()).await;
    {
        let mut sc = fake.scenario();
        sc.stats = r#"{"data":[]}"#.into();
        sc.week_ago = r#"{"data":[],"start":0,"end":0}"#.into();
        sc.issues = "[]".into();
    }
    let client = fake.client(token());
    let out = fetch(&client, "addons").await;
    let f = fetched_of(&out);
    assert_eq!((f.series.len(), f.week_ago.len(), f.issues.len()), (0, 0, 0));

    // Clock skew: buckets after `now` come back untouched.
    let later = (now() + Duration::hours(2)).timestamp();
    fake.scenario().stats = json!({"data": [[later, [{"count": 1000}]], [later + 300, [{}]]]}).to_string();
    let out = fetch(&client, "addons").await;
    assert_eq!(
        fetched_of(&out).series,
        vec![Bucket { at: later, count: Some(1000) }, Bucket { at: later + 300, count: None }]
    );
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
    let target = format!("{}/api/0/organizations/{ORG}/events-stats/?statsPeriod=24h", elsewhere.base);
    fake.set(Endpoint::Stats, Reply::json(302, "").header("Location", target));
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
    assert_eq!(fetched_of(&out).series, expected_series());
    assert_auth_everywhere(&fake);
    assert!(fake.seen().iter().any(|s| s.path.starts_with("/moved/")), "{:?}", fake.seen());

    let fake = FakeSentry::start(Scenario::default()).await;
    let again = format!("{}/api/0/organizations/{ORG}/events-stats/?end=2026-11-26T15:30:00Z", fake.base);
    fake.set(Endpoint::Stats, Reply::json(302, "").header("Location", again));
    let out = fetch(&fake.client(token()), "addons").await;
    match error_of(&out) {
        SentryError::Network(msg) => assert!(msg.contains("more than 5 redirects"), "{msg}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(fake.seen_at(Endpoint::Stats).len(), 6, "the first request and five redirects");
}

#[tokio::test]
async fn userinfo_in_the_base_url_is_not_sent_nor_shown() {
    let fake = FakeSentry::start(Scenario::default()).await;
    let with_userinfo = fake.base.replace("http://", "http://user:SECRETPW@");
    let client = client_for(&with_userinfo, token());
    let out = fetch(&client, "addons").await;
    fetched_of(&out);
    // Only the Bearer token: no Basic header from the userinfo beside it.
    assert_auth_everywhere(&fake);

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
