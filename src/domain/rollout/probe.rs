//! What one poll of one endpoint found out. Built by the io layer from
//! `/__version__` and `/__heartbeat__`; every string is already sanitised.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The outcome class of a `/__version__` request; the names are the `state`
/// values of `shipdeck status --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeState {
    Ok,
    /// The service has no version to report: HTTP 404 (no endpoint, or a
    /// Dockerflow view without its `version.json`), or a JSON `null`.
    NoEndpoint,
    /// Any other non-2xx answer.
    HttpError,
    Timeout,
    /// DNS or connection failure.
    Unreachable,
    /// A body that is neither Dockerflow JSON nor a bare commit sha, or too big.
    Invalid,
}

impl ProbeState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeState::Ok => "ok",
            ProbeState::NoEndpoint => "no_endpoint",
            ProbeState::HttpError => "http_error",
            ProbeState::Timeout => "timeout",
            ProbeState::Unreachable => "unreachable",
            ProbeState::Invalid => "invalid",
        }
    }

    /// The endpoint is down: nothing answered, or an HTTP error did. A 404 or
    /// a body that cannot be read still comes from a running service, so
    /// those are not outages.
    pub fn is_down(self) -> bool {
        matches!(self, ProbeState::Timeout | ProbeState::Unreachable | ProbeState::HttpError)
    }
}

/// What `/__heartbeat__` says, read only from a Dockerflow heartbeat body
/// (a JSON object with a `status`); see `io::dockerflow::parse_heartbeat`.
/// The error of a 404 whose body says nothing more.
pub const NO_VERSION_ENDPOINT: &str = "HTTP 404: no /__version__ endpoint";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Heartbeat {
    /// `ok`, `debug` or `info` with a 2xx.
    Ok,
    /// `warning` with a 2xx: degraded but serving.
    Warning,
    /// A Dockerflow body with a 5xx, or `error` / `critical`.
    Error,
    /// No heartbeat URL, or no Dockerflow heartbeat came back (the probe's
    /// `heartbeat_detail` says why).
    #[default]
    Unknown,
}

impl Heartbeat {
    pub fn as_str(self) -> &'static str {
        match self {
            Heartbeat::Ok => "ok",
            Heartbeat::Warning => "warning",
            Heartbeat::Error => "error",
            Heartbeat::Unknown => "unknown",
        }
    }
}

/// The Dockerflow `/__version__` fields. All optional: services answer `{}`,
/// an empty `version`, or only a bare commit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct VersionInfo {
    pub source: Option<String>,
    pub version: Option<String>,
    pub commit: Option<String>,
    pub build: Option<String>,
}

impl VersionInfo {
    /// What identifies the deployed build for change detection: the version
    /// when there is one, else the commit.
    pub fn key(&self) -> Option<&str> {
        self.version.as_deref().filter(|v| !v.is_empty()).or(self.commit.as_deref().filter(|c| !c.is_empty()))
    }

    pub fn short_commit(&self) -> Option<&str> {
        self.commit.as_deref().map(short_sha)
    }

    /// "2026.11.26 (abc1234)", "abc1234", or "unknown".
    pub fn label(&self) -> String {
        match (self.version.as_deref().filter(|v| !v.is_empty()), self.short_commit()) {
            (Some(v), Some(c)) => format!("{v} ({c})"),
            (Some(v), None) => v.to_string(),
            (None, Some(c)) => c.to_string(),
            (None, None) => "unknown".to_string(),
        }
    }
}

/// The first seven characters of a commit, cut on a character boundary: a
/// service may put anything in `commit`.
pub fn short_sha(commit: &str) -> &str {
    commit.char_indices().nth(7).map_or(commit, |(i, _)| &commit[..i])
}

#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub state: ProbeState,
    pub info: VersionInfo,
    pub heartbeat: Heartbeat,
    /// Why the heartbeat is what it is, when that needs saying: what a
    /// warning or error names (its checks and their messages), or why no
    /// Dockerflow heartbeat was read. `None` for a plain ok, or when there is
    /// no heartbeat URL.
    pub heartbeat_detail: Option<String>,
    /// Human-readable failure, naming what failed; `None` when `state` is ok.
    pub error: Option<String>,
    pub latency_ms: Option<u64>,
    /// Where the `/__version__` answer came from when redirects within the
    /// origin were followed to get it, credentials masked: the configured URL
    /// is out of date and a person should know. `None` when the URL asked
    /// answered itself, or nothing answered.
    pub final_url: Option<String>,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_answer_or_an_http_error_is_down() {
        let down: Vec<_> = [
            ProbeState::Ok,
            ProbeState::NoEndpoint,
            ProbeState::HttpError,
            ProbeState::Timeout,
            ProbeState::Unreachable,
            ProbeState::Invalid,
        ]
        .into_iter()
        .filter(|s| s.is_down())
        .collect();
        assert_eq!(down, [ProbeState::HttpError, ProbeState::Timeout, ProbeState::Unreachable]);
    }

    #[test]
    fn short_sha_never_splits_a_character() {
        assert_eq!(short_sha("abcdef1234"), "abcdef1");
        assert_eq!(short_sha("abc"), "abc");
        assert_eq!(short_sha("abcdefé123"), "abcdefé");
        assert_eq!(short_sha("ééééééééé"), "ééééééé");
        let info = VersionInfo { commit: Some("abcdefé…".into()), ..Default::default() };
        assert_eq!(info.label(), "abcdefé");
    }
}
