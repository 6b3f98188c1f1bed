//! Dockerflow bodies as real services serve them: `/__version__` JSON with
//! optional `source`, `version`, `commit`, `build` (or `{}`, or a bare commit
//! sha as plain text, or `null` when the service has no `version.json`), and
//! `/__heartbeat__` with a `status`.

use super::sanitize::{clean, clean_max};
use crate::domain::{Heartbeat, VersionInfo};
use serde_json::Value;

/// A `/__version__` body that is JSON `null`: a Dockerflow view with no
/// `version.json` to serve that says so with a 200 instead of a 404
/// (python-dockerflow's FastAPI view returns what it loaded, `None`).
pub fn is_null(body: &[u8]) -> bool {
    body.trim_ascii() == b"null"
}

/// A `/__version__` body that says no version. The probe's error names the
/// URL; this says what was wrong with the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionBodyError {
    #[error("body is not UTF-8")]
    NotUtf8,
    #[error("body is not valid JSON ({0})")]
    NotJson(String),
    /// `preview` is the body's start, cleaned.
    #[error("body is neither Dockerflow JSON nor a commit sha: `{preview}`")]
    Unknown { preview: String },
}

pub fn parse_version(body: &[u8]) -> Result<VersionInfo, VersionBodyError> {
    let text = std::str::from_utf8(body).map_err(|_| VersionBodyError::NotUtf8)?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: Value = serde_json::from_str(trimmed).map_err(|e| VersionBodyError::NotJson(e.to_string()))?;
        let Value::Object(map) = value else { unreachable!("starts with a brace") };
        let field = |k: &str| match map.get(k) {
            Some(Value::String(s)) => Some(clean(s)).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        return Ok(VersionInfo {
            source: field("source"),
            version: field("version"),
            commit: field("commit"),
            build: field("build"),
        });
    }
    if is_commit(trimmed) {
        return Ok(VersionInfo { commit: Some(trimmed.to_ascii_lowercase()), ..Default::default() });
    }
    let preview: String = clean(trimmed).chars().take(40).collect();
    Err(VersionBodyError::Unknown { preview })
}

pub fn is_commit(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Longest heartbeat detail kept, in characters.
const DETAIL_CAP: usize = 160;
/// Longest reason read from a 404's body, in characters.
const REASON_CAP: usize = 120;

/// What a heartbeat answer means, and why when that needs saying.
///
/// Only a Dockerflow heartbeat body counts: a JSON object with a string
/// `status`, as python-dockerflow's Flask, Django, FastAPI and Sanic views
/// answer (Django without `DEBUG` sends the `status` alone). Its levels are
/// `ok`, `debug`, `info`, `warning`, `error` and `critical`; the view answers
/// 200 below `error` and its failing code (500 unless configured otherwise)
/// from `error` up. So:
/// - a Dockerflow body with a 5xx is failing, whatever its level;
/// - with a 2xx the level decides: `ok`/`debug`/`info` healthy, `warning`
///   warning, `error`/`critical` failing (the failing code may be set to 200);
/// - anything else — a login page, an empty 200, JSON without a `status`, a
///   level nobody defines, a 4xx — is unknown, and the detail says what came
///   back instead.
pub fn parse_heartbeat(status: u16, content_type: Option<&str>, body: &[u8]) -> (Heartbeat, Option<String>) {
    let Some((level, value)) = dockerflow_body(body) else {
        if status == 404 {
            return (Heartbeat::Unknown, Some("no /__heartbeat__ endpoint (HTTP 404)".into()));
        }
        let code = if (200..300).contains(&status) { String::new() } else { format!("HTTP {status} with ") };
        let what = what_came_back(content_type, body);
        return (Heartbeat::Unknown, Some(format!("heartbeat answered {code}{what}, not a Dockerflow heartbeat")));
    };
    let heartbeat = match (status, level.as_str()) {
        (500..=599, _) => Heartbeat::Error,
        (200..=299, "ok" | "debug" | "info") => Heartbeat::Ok,
        (200..=299, "warning") => Heartbeat::Warning,
        (200..=299, "error" | "critical") => Heartbeat::Error,
        (200..=299, _) => {
            let shown = clean_max(&level, 40);
            return (Heartbeat::Unknown, Some(format!("heartbeat status `{shown}` is not a Dockerflow level")));
        }
        _ => {
            let shown = clean_max(&level, 40);
            return (Heartbeat::Unknown, Some(format!("heartbeat answered HTTP {status} with status `{shown}`")));
        }
    };
    let detail = match heartbeat {
        Heartbeat::Ok => None,
        _ => {
            let code = if (200..300).contains(&status) { String::new() } else { format!(" (HTTP {status})") };
            let head = format!("heartbeat {}{code}", clean_max(&level, 40));
            Some(match failing_checks(&value) {
                Some(checks) => clean_max(&format!("{head}: {checks}"), DETAIL_CAP),
                None => head,
            })
        }
    };
    (heartbeat, detail)
}

/// The lowercased `status` of a Dockerflow heartbeat body, and the body.
fn dockerflow_body(body: &[u8]) -> Option<(String, Value)> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let level = value.as_object()?.get("status")?.as_str()?.trim().to_ascii_lowercase();
    Some((level, value))
}

/// "text/html", "an empty body", "JSON without a `status`": what a
/// heartbeat sent that is not a Dockerflow heartbeat.
fn what_came_back(content_type: Option<&str>, body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "an empty body".into();
    }
    let essence = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| clean_max(c, 60).to_ascii_lowercase())
        .filter(|c| !c.is_empty());
    let json = serde_json::from_slice::<Value>(body).is_ok();
    match essence {
        Some(c) if !c.contains("json") => c,
        _ if json => "JSON without a `status`".into(),
        Some(c) => format!("{c} that does not parse"),
        None => "a body that is not JSON".into(),
    }
}

/// The checks a heartbeat names as below ok, with their first message:
/// `details` ({check: {level, messages: {id: text}}}) where the view sends it,
/// else the names in `checks` ({check: level}) that are not ok.
fn failing_checks(value: &Value) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(details) = value.get("details").and_then(Value::as_object) {
        for (check, d) in details {
            let message = d.get("messages").and_then(Value::as_object).and_then(|m| m.values().find_map(Value::as_str));
            let level = d.get("status").and_then(Value::as_str);
            parts.push(match (message, level) {
                (Some(m), _) => format!("{}: {}", clean_max(check, 40), clean_max(m, 100)),
                (None, Some(l)) => format!("{} {}", clean_max(check, 40), clean_max(l, 20)),
                (None, None) => clean_max(check, 40),
            });
        }
    }
    if parts.is_empty()
        && let Some(checks) = value.get("checks").and_then(Value::as_object)
    {
        for (check, level) in checks {
            let level = level.as_str().unwrap_or("");
            if !matches!(level, "ok" | "debug" | "info") {
                parts.push(format!("{} {}", clean_max(check, 40), clean_max(level, 20)));
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// What a 404 from `/__version__` says about itself, when it says more than
/// the status line: a short line of text ("version.json not found", as
/// python-dockerflow's views answer without their `version.json`), or a
/// JSON `detail`, `message` or `error` string. Markup, long or multi-line
/// bodies, and bodies that only repeat "Not Found" say nothing.
pub fn not_found_reason(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let said = if text.starts_with('{') {
        let value: Value = serde_json::from_str(text).ok()?;
        ["detail", "message", "error"].iter().find_map(|k| value.get(*k)?.as_str().map(str::to_string))?
    } else if text.starts_with('<') || text.contains('\n') {
        return None;
    } else {
        text.to_string()
    };
    if said.chars().count() > REASON_CAP {
        return None;
    }
    let said = clean_max(&said, REASON_CAP);
    let bare: String = said.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let repeats_status = matches!(bare.as_str(), "" | "404" | "notfound" | "404notfound" | "404pagenotfound");
    (!repeats_status).then_some(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_shapes() {
        let v = parse_version(br#"{"source":"https://github.com/mozilla/addons-server","version":"2026.11.26","commit":"abc1234def","build":"https://ci/1"}"#).unwrap();
        assert_eq!(v.version.as_deref(), Some("2026.11.26"));
        assert_eq!(v.key(), Some("2026.11.26"));
        assert_eq!(parse_version(b"{}").unwrap(), VersionInfo::default());
        let v = parse_version(br#"{"version":"","commit":"abcdef1"}"#).unwrap();
        assert_eq!(v.version, None);
        assert_eq!(v.key(), Some("abcdef1"));
        let v = parse_version(b"  ABCDEF1234567\n").unwrap();
        assert_eq!(v.commit.as_deref(), Some("abcdef1234567"));
        assert!(parse_version(b"<html>hi</html>").unwrap_err().to_string().contains("neither"));
        assert!(parse_version(b"{\"version\":").unwrap_err().to_string().contains("not valid JSON"));
        assert!(parse_version(&[0xff, 0xfe]).unwrap_err().to_string().contains("UTF-8"));
        assert!(parse_version(b"[1,2]").is_err());
        let v = parse_version(br#"{"version":"\u001b[2J2026"}"#).unwrap();
        assert_eq!(v.version.as_deref(), Some("2026"));
    }

    const JSON: Option<&str> = Some("application/json");

    #[test]
    fn only_a_dockerflow_heartbeat_counts() {
        let hb = |status, ct, body: &[u8]| parse_heartbeat(status, ct, body);
        // python-dockerflow's levels and codes (Flask/FastAPI send checks and
        // details, Django without DEBUG the status alone).
        assert_eq!(hb(200, JSON, br#"{"status":"ok","checks":{},"details":{}}"#), (Heartbeat::Ok, None));
        assert_eq!(hb(200, JSON, br#"{"status": "ok"}"#), (Heartbeat::Ok, None));
        assert_eq!(hb(200, JSON, br#"{"status":"info"}"#).0, Heartbeat::Ok);
        assert_eq!(hb(200, JSON, br#"{"status":"debug"}"#).0, Heartbeat::Ok);
        assert_eq!(hb(200, JSON, br#"{"status":"warning"}"#), (Heartbeat::Warning, Some("heartbeat warning".into())));
        assert_eq!(
            hb(500, JSON, br#"{"status":"error"}"#),
            (Heartbeat::Error, Some("heartbeat error (HTTP 500)".into()))
        );
        assert_eq!(hb(500, JSON, br#"{"status":"critical"}"#).0, Heartbeat::Error);
        // The failing code is configurable: the level still says it fails.
        assert_eq!(hb(503, JSON, br#"{"status":"error"}"#).0, Heartbeat::Error);
        assert_eq!(hb(200, JSON, br#"{"status":"error"}"#).0, Heartbeat::Error);
        // A 5xx Dockerflow body fails whatever its level says.
        assert_eq!(hb(500, JSON, br#"{"status":"unknown"}"#).0, Heartbeat::Error);

        // Anything else is unknown, and says what came back.
        let login = b"<!DOCTYPE html><html><title>Sign in</title></html>";
        assert_eq!(
            hb(200, Some("text/html; charset=utf-8"), login),
            (Heartbeat::Unknown, Some("heartbeat answered text/html, not a Dockerflow heartbeat".into()))
        );
        assert_eq!(
            hb(200, JSON, br#"{"healthy":true}"#).1.as_deref(),
            Some("heartbeat answered JSON without a `status`, not a Dockerflow heartbeat")
        );
        assert_eq!(
            hb(200, None, b"OK").1.as_deref(),
            Some("heartbeat answered a body that is not JSON, not a Dockerflow heartbeat")
        );
        assert_eq!(
            hb(200, Some("text/html"), b"").1.as_deref(),
            Some("heartbeat answered an empty body, not a Dockerflow heartbeat")
        );
        assert_eq!(hb(200, JSON, b"[1]").0, Heartbeat::Unknown);
        assert_eq!(hb(200, JSON, br#"{"status":3}"#).0, Heartbeat::Unknown);
        assert_eq!(
            hb(503, Some("text/plain"), b"no healthy upstream"),
            (
                Heartbeat::Unknown,
                Some("heartbeat answered HTTP 503 with text/plain, not a Dockerflow heartbeat".into())
            )
        );
        assert_eq!(
            hb(404, Some("text/html"), b"<h1>Not Found</h1>").1.as_deref(),
            Some("no /__heartbeat__ endpoint (HTTP 404)")
        );
        assert_eq!(
            hb(200, JSON, br#"{"status":"sunny"}"#).1.as_deref(),
            Some("heartbeat status `sunny` is not a Dockerflow level")
        );
        assert_eq!(hb(401, JSON, br#"{"status":"ok"}"#).0, Heartbeat::Unknown);
        // Hostile text in what is quoted is cleaned.
        let (_, d) = hb(200, Some("text/\u{1b}[2Jhtml"), b"x");
        assert!(!d.unwrap().contains('\u{1b}'));
    }

    #[test]
    fn a_heartbeat_below_ok_names_its_checks() {
        let body = br#"{"status":"warning","checks":{"celery":"warning","database":"ok"},
            "details":{"celery":{"status":"warning","level":30,"messages":{"celery.W001":"queue backlog above 1000"}}}}"#;
        assert_eq!(
            parse_heartbeat(200, JSON, body),
            (Heartbeat::Warning, Some("heartbeat warning: celery: queue backlog above 1000".into()))
        );
        // Without details (or with DEBUG off), the checks that are not ok.
        let body = br#"{"status":"error","checks":{"database":"error","redis":"ok"}}"#;
        assert_eq!(parse_heartbeat(500, JSON, body).1.as_deref(), Some("heartbeat error (HTTP 500): database error"));
        let hostile =
            br#"{"status":"error","details":{"db\u001b[2J":{"messages":{"x":"\u001b]52;c;AAAA\u0007down"}}}}"#;
        let detail = parse_heartbeat(500, JSON, hostile).1.unwrap();
        assert_eq!(detail, "heartbeat error (HTTP 500): db: down");
        let long = format!(r#"{{"status":"warning","details":{{"c":{{"messages":{{"x":"{}"}}}}}}}}"#, "w".repeat(500));
        assert!(parse_heartbeat(200, JSON, long.as_bytes()).1.unwrap().chars().count() <= DETAIL_CAP);
    }

    #[test]
    fn a_404_says_why_when_its_body_does() {
        // python-dockerflow's Flask, Django and Sanic views without version.json.
        assert_eq!(not_found_reason(b"version.json not found").as_deref(), Some("version.json not found"));
        // FastAPI's answer for a route it does not have, and servers' own pages.
        assert_eq!(not_found_reason(br#"{"detail":"Not Found"}"#), None);
        assert_eq!(not_found_reason(br#"{"detail":"no build here"}"#).as_deref(), Some("no build here"));
        assert_eq!(not_found_reason(b"404 page not found\n"), None);
        assert_eq!(not_found_reason(b"Not Found"), None);
        assert_eq!(not_found_reason(b"<html><title>404 Not Found</title></html>"), None);
        assert_eq!(not_found_reason(b""), None);
        assert_eq!(not_found_reason(b"line one\nline two"), None);
        assert_eq!(not_found_reason("x".repeat(500).as_bytes()), None);
        assert_eq!(not_found_reason(&[0xff, 0xfe]), None);
        assert_eq!(
            not_found_reason(b"\x1b[31mversion.json\x1b[0m not found").as_deref(),
            Some("version.json not found")
        );
        assert!(is_null(b" null\n") && !is_null(b"{}") && !is_null(b"nullx"));
    }
}
