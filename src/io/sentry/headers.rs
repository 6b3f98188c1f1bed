//! Sentry's answer headers: the rate limits, and the `Link` header's
//! cursor to the next page.

use crate::domain::sentry::RateLimit;
use chrono::{TimeZone, Utc};

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
pub(super) fn next_cursor(h: &reqwest::header::HeaderMap) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn rate_limit_headers_are_not_cast_blindly() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-sentry-rate-limit-reset", "1e30".parse().unwrap());
        h.insert("x-sentry-rate-limit-remaining", "-3".parse().unwrap());
        h.insert("x-sentry-rate-limit-limit", "40".parse().unwrap());
        let r = parse_rate_limit(&h);
        assert_eq!((r.reset, r.remaining, r.limit), (None, None, Some(40)));
    }
}
