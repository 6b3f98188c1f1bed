//! One GET to Sentry: the token, the origin check, the rate-limit and
//! `Link` headers, the body cap, and what a failed answer means.

use super::client::SentryClient;
use super::headers::{next_cursor, parse_rate_limit};
use crate::domain::sentry::{RateLimit, SentryError};
use crate::io::http::{Body, describe, read_capped, redirect_problem};
use serde_json::Value;

/// Largest Sentry answer read (a day of 5-minute buckets is about 40 KB).
const BODY_CAP: usize = 4 * 1024 * 1024;

/// A request that did not give a body.
pub(super) enum Fail {
    /// Not 2xx, 401, 429 or 5xx: the status, and the `detail` of Sentry's
    /// JSON `{"detail": …}` (an unknown route answers without one). Read to
    /// tell cases apart, never shown.
    Status {
        status: u16,
        detail: Option<String>,
    },
    Other(SentryError),
}

/// Why a project's fetch stopped: refused (403, or 404 for something it
/// names), or any other error.
pub(super) enum Scoped {
    Refused { status: u16, what: String },
    Failed(SentryError),
}

impl From<SentryError> for Scoped {
    fn from(e: SentryError) -> Self {
        Scoped::Failed(e)
    }
}

impl SentryClient {
    /// A failure of a project-scoped request.
    pub(super) fn scoped(&self, f: Fail, what: &str) -> Scoped {
        match f {
            Fail::Status { status: status @ (403 | 404), .. } => Scoped::Refused { status, what: what.to_string() },
            Fail::Status { status: 400, .. } => Scoped::Failed(SentryError::Rejected { what: what.to_string() }),
            Fail::Status { status, .. } => Scoped::Failed(SentryError::Server { status }),
            Fail::Other(e) => Scoped::Failed(e),
        }
    }

    pub(super) async fn get(
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
    pub(super) async fn get_page(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_tell_sentry_from_an_unknown_route() {
        let detail = detail_of(br#"{"detail":"The requested resource does not exist"}"#);
        assert_eq!(detail.as_deref(), Some("The requested resource does not exist"));
        assert_eq!(detail_of(b""), None);
        assert_eq!(detail_of(b"<html>Not Found</html>"), None);
        assert_eq!(detail_of(br#"{"info":"Route not found"}"#), None);
    }
}
