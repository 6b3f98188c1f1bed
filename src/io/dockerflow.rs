//! Dockerflow bodies as real services serve them: `/__version__` JSON with
//! optional `source`, `version`, `commit`, `build` (or `{}`, or a bare commit
//! sha as plain text), and `/__heartbeat__` with a `status`.

use super::sanitize::clean;
use crate::domain::{Heartbeat, VersionInfo};
use serde_json::Value;

pub fn parse_version(body: &[u8]) -> Result<VersionInfo, String> {
    let text = std::str::from_utf8(body).map_err(|_| "body is not UTF-8".to_string())?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: Value = serde_json::from_str(trimmed).map_err(|e| format!("body is not valid JSON ({e})"))?;
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
    Err(format!("body is neither Dockerflow JSON nor a commit sha: `{preview}`"))
}

pub fn is_commit(s: &str) -> bool {
    (7..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// 200 + ok is healthy, 200 + warning is amber (python-dockerflow answers
/// warnings with 200 since 2020.06), 5xx or error/critical is red, and no
/// endpoint is unknown.
pub fn parse_heartbeat(status: u16, body: &[u8]) -> Heartbeat {
    let declared = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_ascii_lowercase));
    match status {
        200..=299 => match declared.as_deref() {
            Some("warning" | "warn") => Heartbeat::Warning,
            Some("error" | "critical") => Heartbeat::Error,
            _ => Heartbeat::Ok,
        },
        500..=599 => Heartbeat::Error,
        _ => Heartbeat::Unknown,
    }
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
        assert!(parse_version(b"<html>hi</html>").unwrap_err().contains("neither"));
        assert!(parse_version(b"{\"version\":").unwrap_err().contains("not valid JSON"));
        assert!(parse_version(&[0xff, 0xfe]).unwrap_err().contains("UTF-8"));
        assert!(parse_version(b"[1,2]").is_err());
        let v = parse_version(br#"{"version":"\u001b[2J2026"}"#).unwrap();
        assert_eq!(v.version.as_deref(), Some("2026"));
    }

    #[test]
    fn heartbeat_shapes() {
        assert_eq!(parse_heartbeat(200, br#"{"status":"ok"}"#), Heartbeat::Ok);
        assert_eq!(parse_heartbeat(200, br#"{"status":"warning","checks":{}}"#), Heartbeat::Warning);
        assert_eq!(parse_heartbeat(500, br#"{"status":"error"}"#), Heartbeat::Error);
        assert_eq!(parse_heartbeat(503, b"down"), Heartbeat::Error);
        assert_eq!(parse_heartbeat(404, b""), Heartbeat::Unknown);
        assert_eq!(parse_heartbeat(200, b"OK"), Heartbeat::Ok);
    }
}
