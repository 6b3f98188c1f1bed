//! Who may ask and what every answer carries: the token, the organization,
//! Sentry's `{"detail": …}` failures and the rate-limit headers.

use crate::demo::fleet_state::{FleetState, RATE_LIMIT};
use axum::Json;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

/// The token the demo's Sentry accepts (`Authorization: Bearer …`).
pub const DEMO_SENTRY_TOKEN: &str = "demo-sentry-token";
/// The demo's only organization.
pub const DEMO_SENTRY_ORG: &str = "demo";
/// `X-Sentry-Rate-Limit-ConcurrentLimit`.
pub const CONCURRENT_LIMIT: u64 = 25;

/// `Authorization: Bearer <DEMO_SENTRY_TOKEN>`.
pub fn authorized(headers: &HeaderMap) -> bool {
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        let (scheme, token) = v.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    token == Some(DEMO_SENTRY_TOKEN)
}

pub(super) type Failure = (StatusCode, Value);

pub(super) fn detail(status: StatusCode, message: &str) -> Failure {
    (status, json!({ "detail": message }))
}

pub(super) fn guard(headers: &HeaderMap, org: &str) -> Result<(), Failure> {
    if !authorized(headers) {
        return Err(detail(StatusCode::UNAUTHORIZED, "Invalid token"));
    }
    if org != DEMO_SENTRY_ORG {
        return Err(detail(StatusCode::NOT_FOUND, "The requested resource does not exist"));
    }
    Ok(())
}

/// The answer with the rate-limit headers (and any `extra`).
pub(super) fn reply(st: &FleetState, answer: Result<Value, Failure>, extra: &[(HeaderName, String)]) -> Response {
    reply_with(st, answer.map(|v| (StatusCode::OK, v)), extra)
}

/// [`reply`] for an answer that says its own status (201, 208).
pub(super) fn reply_with(
    st: &FleetState,
    answer: Result<(StatusCode, Value), Failure>,
    extra: &[(HeaderName, String)],
) -> Response {
    let (status, body) = answer.unwrap_or_else(|f| f);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
