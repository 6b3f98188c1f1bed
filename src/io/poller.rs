//! One probe of one endpoint: `/__version__` and `/__heartbeat__` together,
//! each bounded by the timeout, classified into the states of `status --json`.

use super::dockerflow::{parse_heartbeat, parse_version};
use super::http::{BODY_CAP, Body, describe, followed_redirect, read_capped, redirect_problem};
use crate::config::PollConfig;
use crate::domain::redact;
use crate::domain::{Endpoint, Heartbeat, Probe, ProbeState, VersionInfo};
use chrono::Utc;
use std::time::{Duration, Instant};

/// The bounds a probe runs under, so a timeout names the one that fired.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole request.
    pub timeout: Duration,
    /// Setting up the connection, as the client was built with; `None`
    /// when the caller does not know it.
    pub connect_timeout: Option<Duration>,
}

impl From<Duration> for Limits {
    fn from(timeout: Duration) -> Self {
        Limits { timeout, connect_timeout: None }
    }
}

impl From<&PollConfig> for Limits {
    fn from(poll: &PollConfig) -> Self {
        Limits { timeout: poll.timeout, connect_timeout: Some(poll.connect_timeout) }
    }
}

/// Probes `endpoint` with a client built by [`super::http::client`]; pass
/// the `PollConfig` that client was built from, so a connect timeout is
/// reported with its value.
pub async fn probe(client: &reqwest::Client, endpoint: &Endpoint, limits: impl Into<Limits>) -> Probe {
    let limits = limits.into();
    let version = fetch_version(client, &endpoint.version_url, limits);
    let heartbeat = async {
        match &endpoint.heartbeat_url {
            Some(url) => fetch_heartbeat(client, url, limits.timeout).await,
            None => Heartbeat::Unknown,
        }
    };
    let (v, heartbeat) = tokio::join!(version, heartbeat);
    Probe {
        state: v.state,
        info: v.info,
        heartbeat,
        error: v.error,
        latency_ms: v.latency_ms,
        final_url: v.final_url,
        at: Utc::now(),
    }
}

/// What a probe that panicked reports instead (the panic itself goes to the log file).
pub fn internal_error(endpoint: &Endpoint) -> Probe {
    Probe {
        state: ProbeState::Invalid,
        info: VersionInfo::default(),
        heartbeat: Heartbeat::Unknown,
        error: Some(format!("internal error while polling {} (see shipdeck.log)", redact::url(&endpoint.version_url))),
        latency_ms: None,
        final_url: None,
        at: Utc::now(),
    }
}

struct VersionOutcome {
    state: ProbeState,
    info: VersionInfo,
    error: Option<String>,
    latency_ms: Option<u64>,
    final_url: Option<String>,
}

enum Answer {
    /// The status, the body, and where it came from after a redirect.
    Body(reqwest::StatusCode, Body, Option<String>),
    /// Not the asked-for origin's answer; why.
    Elsewhere(String),
}

async fn fetch_version(client: &reqwest::Client, url: &str, limits: Limits) -> VersionOutcome {
    let started = Instant::now();
    let outcome = tokio::time::timeout(limits.timeout, async {
        let asked = url::Url::parse(url).ok();
        let resp = client.get(url).send().await?;
        if let Some(problem) = asked.as_ref().and_then(|a| redirect_problem(a, &resp)) {
            return Ok(Answer::Elsewhere(problem));
        }
        let moved = asked.as_ref().and_then(|a| followed_redirect(a, &resp));
        let status = resp.status();
        let body = read_capped(resp, BODY_CAP).await?;
        Ok::<_, reqwest::Error>(Answer::Body(status, body, moved))
    })
    .await;
    let latency = Some(started.elapsed().as_millis() as u64);
    // A redirected answer says where it came from, a failing one too: an
    // HTTP 404 from the moved-to URL is that URL's.
    let moved = match &outcome {
        Ok(Ok(Answer::Body(_, _, moved))) => moved.clone(),
        _ => None,
    };
    let fail = |state, msg: String| (state, VersionInfo::default(), Some(msg));
    let no_answer = || format!("no answer within {} (the request timeout)", fmt_secs(limits.timeout));
    let (state, info, error) = match outcome {
        Err(_) => fail(ProbeState::Timeout, no_answer()),
        Ok(Err(e)) if e.is_timeout() && e.is_connect() => {
            let msg = match limits.connect_timeout {
                Some(d) => format!("could not connect within {} (the connect timeout)", fmt_secs(d)),
                None => "could not connect in time (the connect timeout)".to_string(),
            };
            fail(ProbeState::Timeout, msg)
        }
        Ok(Err(e)) if e.is_timeout() => fail(ProbeState::Timeout, no_answer()),
        Ok(Err(e)) => fail(ProbeState::Unreachable, describe(&e)),
        Ok(Ok(Answer::Elsewhere(why))) => fail(ProbeState::HttpError, why),
        Ok(Ok(Answer::Body(status, ..))) if status.as_u16() == 404 => {
            fail(ProbeState::NoEndpoint, "HTTP 404: no /__version__ endpoint".into())
        }
        Ok(Ok(Answer::Body(status, ..))) if !status.is_success() => {
            fail(ProbeState::HttpError, format!("HTTP {status}"))
        }
        Ok(Ok(Answer::Body(_, Body::TooLarge, _))) => {
            fail(ProbeState::Invalid, format!("body larger than {} KiB", BODY_CAP / 1024))
        }
        Ok(Ok(Answer::Body(_, Body::Complete(bytes), _))) => match parse_version(&bytes) {
            Ok(info) => (ProbeState::Ok, info, None),
            Err(msg) => fail(ProbeState::Invalid, msg),
        },
    };
    VersionOutcome { state, info, error, latency_ms: latency, final_url: moved }
}

async fn fetch_heartbeat(client: &reqwest::Client, url: &str, timeout: Duration) -> Heartbeat {
    let outcome = tokio::time::timeout(timeout, async {
        let asked = url::Url::parse(url).ok();
        let resp = client.get(url).send().await?;
        // Another origin's health says nothing about this service.
        if asked.as_ref().and_then(|a| redirect_problem(a, &resp)).is_some() {
            return Ok(None);
        }
        let status = resp.status().as_u16();
        let body = read_capped(resp, BODY_CAP).await?;
        Ok::<_, reqwest::Error>(Some((status, body)))
    })
    .await;
    match outcome {
        Ok(Ok(Some((status, Body::Complete(body))))) => parse_heartbeat(status, &body),
        Ok(Ok(Some((status, Body::TooLarge)))) => parse_heartbeat(status, b""),
        _ => Heartbeat::Unknown,
    }
}

fn fmt_secs(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{}s", d.as_secs()) } else { format!("{}ms", d.as_millis()) }
}
