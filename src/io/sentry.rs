//! The Sentry web API (sentry.io or self-hosted): project slugs to ids, error
//! counts per 5 minutes (`events-stats`), and issues first seen since the
//! push. Every answer's rate-limit headers are read; a 429 waits for the
//! reset. The token goes in the `Authorization` header and nowhere else: not
//! in URLs, errors, logs or the model. It is the only credential sent: userinfo
//! in the configured base URL is dropped, or reqwest would add a Basic header
//! beside the Bearer one (and show the password in its errors).

use super::http::{Body, describe, read_capped, redirect_problem};
use super::sanitize::clean_max;
use crate::config::sentry::without_userinfo;
use crate::domain::sentry::{BUCKET_SECS, Bucket, Fetched, NewIssue, RateLimit, SentryError};
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use serde_json::Value;
use std::collections::HashMap;

/// Largest Sentry answer read (a day of 5-minute buckets is about 20 KB).
const BODY_CAP: usize = 4 * 1024 * 1024;
/// Pages of the project list followed at most.
const MAX_PAGES: usize = 20;

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

pub struct SentryClient {
    http: reqwest::Client,
    base: String,
    org: String,
    environment: Option<String>,
    /// `Err` when no token could be read: every fetch says why.
    token: Result<Secret, String>,
    ids: tokio::sync::Mutex<HashMap<String, String>>,
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
            ids: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// One project's series, the same window a week earlier, and its new
    /// issues since `push`; with the newest rate-limit headers seen.
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
        let id = self.project_id(slug, rate).await?;
        let env = self.environment.clone();
        let mut common = vec![("project", id.clone())];
        if let Some(e) = &env {
            common.push(("environment", e.clone()));
        }
        let stats_path = format!("/api/0/organizations/{}/events-stats/", self.org);
        // From as long before the push as it has been since (the baseline),
        // and at least the last six hours (the chart), to now. A push more
        // than a day old is compared over its last day.
        let span = (now - push).clamp(Duration::seconds(BUCKET_SECS), Duration::hours(24));
        let from = (push - span - Duration::seconds(BUCKET_SECS)).min(now - Duration::hours(6));
        let mut recent = common.clone();
        recent.extend([
            ("yAxis", "count()".to_string()),
            ("query", "event.type:error".to_string()),
            ("interval", "5m".to_string()),
            ("start", from.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ("end", now.to_rfc3339_opts(SecondsFormat::Secs, true)),
        ]);
        let what = format!("events-stats for {slug}");
        let body = self.get(&stats_path, &recent, &what, rate).await.inspect_err(|e| self.forget(slug, e))?;
        let series = parse_stats(&body).map_err(|message| SentryError::Bad { what: what.clone(), message })?;

        // The same window one week earlier.
        let week = Duration::days(7);
        let mut past = common.clone();
        past.extend([
            ("yAxis", "count()".to_string()),
            ("query", "event.type:error".to_string()),
            ("interval", "5m".to_string()),
            ("start", (push - span - week).to_rfc3339_opts(SecondsFormat::Secs, true)),
            ("end", (now - week).to_rfc3339_opts(SecondsFormat::Secs, true)),
        ]);
        let body = self.get(&stats_path, &past, &what, rate).await?;
        let week_ago = parse_stats(&body).map_err(|message| SentryError::Bad { what: what.clone(), message })?;

        let mut issues = common;
        issues.extend([
            ("query", format!("is:unresolved firstSeen:>{}", push.to_rfc3339_opts(SecondsFormat::Secs, true))),
            ("sort", "new".to_string()),
            ("limit", "25".to_string()),
        ]);
        let what = format!("issues for {slug}");
        let path = format!("/api/0/organizations/{}/issues/", self.org);
        let body = self.get(&path, &issues, &what, rate).await.inspect_err(|e| self.forget(slug, e))?;
        let issues = parse_issues(&body).map_err(|message| SentryError::Bad { what, message })?;
        Ok(Fetched { series, week_ago, issues })
    }

    /// A project that is not found by id any more (deleted and created
    /// again) is looked up afresh next time.
    fn forget(&self, slug: &str, e: &SentryError) {
        if matches!(e, SentryError::NotFound { .. })
            && let Ok(mut ids) = self.ids.try_lock()
        {
            ids.remove(slug);
        }
    }

    /// Project ids by slug, from the organization's project list (once).
    async fn project_id(&self, slug: &str, rate: &mut Option<RateLimit>) -> Result<String, SentryError> {
        let mut ids = self.ids.lock().await;
        if let Some(id) = ids.get(slug) {
            return Ok(id.clone());
        }
        let mut path = format!("/api/0/organizations/{}/projects/", self.org);
        let mut query: Vec<(&str, String)> = Vec::new();
        for _ in 0..MAX_PAGES {
            let what = format!("organization `{}`", self.org);
            let (body, next) = self.get_page(&path, &query, &what, rate).await?;
            let list: Value = serde_json::from_slice(&body)
                .map_err(|e| SentryError::Bad { what: "the project list".into(), message: e.to_string() })?;
            let Value::Array(list) = list else {
                return Err(SentryError::Bad { what: "the project list".into(), message: "not a JSON array".into() });
            };
            for p in list {
                let id = match p.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => continue,
                };
                if let Some(s) = p.get("slug").and_then(Value::as_str) {
                    ids.insert(s.to_string(), id);
                }
            }
            if ids.contains_key(slug) {
                break;
            }
            match next {
                Some(cursor) => {
                    path = format!("/api/0/organizations/{}/projects/", self.org);
                    query = vec![("cursor", cursor)];
                }
                None => break,
            }
        }
        ids.get(slug)
            .cloned()
            .ok_or_else(|| SentryError::NotFound { what: format!("project `{slug}` in organization `{}`", self.org) })
    }

    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<u8>, SentryError> {
        self.get_page(path, query, what, rate).await.map(|(b, _)| b)
    }

    /// One GET; the body, and the next page's cursor from the `Link` header.
    async fn get_page(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<u8>, Option<String>), SentryError> {
        let token = self.token.as_ref().map_err(|e| SentryError::NoToken(e.clone()))?;
        let mut url = url::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| SentryError::Network(format!("{}: bad URL ({e})", self.base)))?;
        url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        let resp = self
            .http
            .get(url.clone())
            .bearer_auth(&token.0)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| SentryError::Network(format!("{}: {}", self.base, describe(&e))))?;
        // Only answers from the configured origin count: another host's
        // numbers would be shown as this organization's.
        if let Some(problem) = redirect_problem(&url, &resp) {
            return Err(SentryError::Network(format!("{}: {problem}", self.base)));
        }
        let headers = resp.headers();
        let limits = parse_rate_limit(headers);
        if limits != RateLimit::default() {
            *rate = Some(limits);
        }
        let next = next_cursor(headers);
        let status = resp.status().as_u16();
        match status {
            200..=299 => {}
            401 | 403 => return Err(SentryError::Unauthorized { status }),
            // Sentry also answers 404 for an environment it does not know.
            404 => {
                let what = match &self.environment {
                    Some(env) if !what.starts_with("organization") => format!("{what} (or environment `{env}`)"),
                    _ => what.to_string(),
                };
                return Err(SentryError::NotFound { what });
            }
            // No Retry-After from Sentry: the reset header says when.
            429 => return Err(SentryError::RateLimited { until: limits.reset }),
            _ => return Err(SentryError::Server { status }),
        }
        match read_capped(resp, BODY_CAP).await {
            Ok(Body::Complete(b)) => Ok((b, next)),
            Ok(Body::TooLarge) => {
                Err(SentryError::Bad { what: what.to_string(), message: format!("larger than {BODY_CAP} bytes") })
            }
            Err(e) => Err(SentryError::Network(format!("{}: {}", self.base, describe(&e)))),
        }
    }
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

/// `{"data":[[<epoch s>,[{"count":N}]],…]}`. A bucket without a count is
/// kept as a gap.
pub fn parse_stats(body: &[u8]) -> Result<Vec<Bucket>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let data = v.get("data").and_then(Value::as_array).ok_or("no `data` array")?;
    let mut out = Vec::with_capacity(data.len());
    for entry in data {
        let Some([at, counts]) = entry.as_array().map(Vec::as_slice).and_then(|a| a.get(..2)).and_then(|a| {
            let [x, y] = a else { return None };
            Some([x, y])
        }) else {
            continue;
        };
        let Some(at) = at.as_f64().map(|f| f as i64) else { continue };
        let count = counts
            .as_array()
            .map(|cs| cs.iter().filter_map(|c| c.get("count").and_then(Value::as_f64)).map(|f| f.max(0.0) as u64))
            .and_then(|mut it| it.next());
        out.push(Bucket { at, count });
    }
    Ok(out)
}

/// The issue list; titles and ids are untrusted text.
pub fn parse_issues(body: &[u8]) -> Result<Vec<NewIssue>, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON ({e})"))?;
    let list = v.as_array().ok_or("not a JSON array")?;
    let text = |i: &Value, k: &str, max: usize| i.get(k).and_then(Value::as_str).map(|s| clean_max(s, max));
    Ok(list
        .iter()
        .filter_map(|i| {
            let first_seen = i.get("firstSeen").and_then(Value::as_str)?.parse::<DateTime<Utc>>().ok()?;
            let count = match i.get("count") {
                Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 0,
            };
            Some(NewIssue {
                short_id: text(i, "shortId", 40)?,
                title: text(i, "title", 300).unwrap_or_default(),
                count,
                first_seen,
                permalink: text(i, "permalink", 500).unwrap_or_default(),
                level: text(i, "level", 16).unwrap_or_else(|| "error".into()),
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
    fn issues_are_cleaned_and_counts_read_as_strings_or_numbers() {
        let body = br#"[{"shortId":"ADDONS-1A","title":"TypeError: x \u001b[31mred","count":"42","firstSeen":"2026-11-26T15:04:00Z","permalink":"https://sentry.io/i/1/","level":"error"},
                       {"shortId":"ADDONS-1B","title":"ok","count":7,"firstSeen":"2026-11-26T15:06:00.123Z","permalink":"p","level":"warning"},
                       {"shortId":"NO-DATE","title":"skipped"}]"#;
        let i = parse_issues(body).unwrap();
        assert_eq!(i.len(), 2);
        assert_eq!((i[0].count, i[1].count), (42, 7));
        assert!(!i[0].title.contains('\u{1b}'), "{}", i[0].title);
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
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("sntrys_abc".into())), "Secret(…)");
    }
}
