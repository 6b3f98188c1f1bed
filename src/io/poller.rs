//! One probe of one endpoint: `/__version__` and `/__heartbeat__` together,
//! each bounded by the timeout, classified into the states of `status --json`.

use super::dockerflow::{is_null, not_found_reason, parse_heartbeat, parse_version};
use super::http::{BODY_CAP, Body, ClientError, client, describe, followed_redirect, read_capped, redirect_problem};
use crate::config::PollConfig;
use crate::domain::kernel::redact;
use crate::domain::rollout::msg::RolloutMsg;
use crate::domain::rollout::probe::NO_VERSION_ENDPOINT;
use crate::domain::{Endpoint, Heartbeat, Probe, ProbeState, VersionInfo};
use crate::domain::{Msg, PollTarget};
use chrono::Utc;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;

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
            Some(url) => fetch_heartbeat(client, url, limits).await,
            None => (Heartbeat::Unknown, None),
        }
    };
    let (v, (heartbeat, heartbeat_detail)) = tokio::join!(version, heartbeat);
    Probe {
        state: v.state,
        info: v.info,
        heartbeat,
        heartbeat_detail,
        error: v.error,
        latency_ms: v.latency_ms,
        final_url: v.final_url,
        at: Utc::now(),
    }
}

/// Carries out `RolloutEffect::Poll`: a task per target, at most the configured
/// number at once. Cheap to clone.
#[derive(Clone)]
pub struct Poller {
    client: reqwest::Client,
    /// Shared by every sweep, so a refresh during a sweep cannot exceed the
    /// configured concurrency.
    permits: Arc<Semaphore>,
    poll: PollConfig,
}

impl Poller {
    pub fn new(poll: &PollConfig) -> Result<Self, ClientError> {
        Ok(Poller { client: client(poll)?, permits: Arc::new(Semaphore::new(poll.concurrency)), poll: poll.clone() })
    }

    pub fn spawn(&self, tx: &UnboundedSender<Msg>, generation: u64, targets: Vec<PollTarget>) {
        for target in targets {
            let (poller, tx) = (self.clone(), tx.clone());
            tokio::spawn(async move {
                // The semaphore is never closed, so acquiring cannot fail.
                let _permit = poller.permits.acquire().await.ok();
                // A panic while probing must still answer, or the cell would
                // wait forever and `status` would never finish.
                let probe = AssertUnwindSafe(probe(&poller.client, &target.endpoint, &poller.poll))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| internal_error(&target.endpoint));
                let _ = tx.send(Msg::Rollout(RolloutMsg::Probed {
                    generation,
                    service: target.service,
                    env: target.env,
                    probe,
                }));
            });
        }
    }
}

/// What a probe that panicked reports instead (the panic itself goes to the log file).
pub fn internal_error(endpoint: &Endpoint) -> Probe {
    Probe {
        state: ProbeState::Invalid,
        info: VersionInfo::default(),
        heartbeat: Heartbeat::Unknown,
        heartbeat_detail: None,
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
    let (state, info, error) = match outcome {
        Err(_) => fail(ProbeState::Timeout, no_answer(limits)),
        Ok(Err(e)) => {
            let (state, msg) = request_failure(&e, limits);
            fail(state, msg)
        }
        Ok(Ok(Answer::Elsewhere(why))) => fail(ProbeState::HttpError, why),
        // The body says why when the service does (a Dockerflow view without
        // its version.json); else the endpoint is missing.
        Ok(Ok(Answer::Body(status, body, _))) if status.as_u16() == 404 => {
            let reason = match &body {
                Body::Complete(bytes) => not_found_reason(bytes),
                Body::TooLarge => None,
            };
            let error = match reason {
                Some(reason) => format!("HTTP 404: {reason}"),
                None => NO_VERSION_ENDPOINT.to_string(),
            };
            fail(ProbeState::NoEndpoint, error)
        }
        Ok(Ok(Answer::Body(status, ..))) if !status.is_success() => {
            fail(ProbeState::HttpError, format!("HTTP {status}"))
        }
        Ok(Ok(Answer::Body(_, Body::TooLarge, _))) => {
            fail(ProbeState::Invalid, format!("body larger than {} KiB", BODY_CAP / 1024))
        }
        Ok(Ok(Answer::Body(_, Body::Complete(bytes), _))) if is_null(&bytes) => {
            fail(ProbeState::NoEndpoint, "answered null: the service has no version.json".into())
        }
        Ok(Ok(Answer::Body(_, Body::Complete(bytes), _))) => match parse_version(&bytes) {
            Ok(info) => (ProbeState::Ok, info, None),
            Err(e) => fail(ProbeState::Invalid, e.to_string()),
        },
    };
    VersionOutcome { state, info, error, latency_ms: latency, final_url: moved }
}

/// The heartbeat, and why it is what it is when that needs saying (see
/// [`parse_heartbeat`]); a heartbeat that could not be read says what went
/// wrong, as the version does.
async fn fetch_heartbeat(client: &reqwest::Client, url: &str, limits: Limits) -> (Heartbeat, Option<String>) {
    let outcome = tokio::time::timeout(limits.timeout, async {
        let asked = url::Url::parse(url).ok();
        let resp = client.get(url).send().await?;
        // Another origin's health (a sign-in page elsewhere) says nothing
        // about this service.
        if let Some(problem) = asked.as_ref().and_then(|a| redirect_problem(a, &resp)) {
            return Ok(Err(problem));
        }
        let status = resp.status().as_u16();
        let content_type =
            resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = read_capped(resp, BODY_CAP).await?;
        Ok::<_, reqwest::Error>(Ok((status, content_type, body)))
    })
    .await;
    let unknown = |why: String| (Heartbeat::Unknown, Some(format!("heartbeat: {why}")));
    match outcome {
        Ok(Ok(Ok((status, content_type, Body::Complete(body))))) => {
            parse_heartbeat(status, content_type.as_deref(), &body)
        }
        Ok(Ok(Ok((_, _, Body::TooLarge)))) => unknown(format!("body larger than {} KiB, not read", BODY_CAP / 1024)),
        Ok(Ok(Err(problem))) => unknown(problem),
        Ok(Err(e)) => unknown(request_failure(&e, limits).1),
        Err(_) => unknown(no_answer(limits)),
    }
}

fn no_answer(limits: Limits) -> String {
    format!("no answer within {} (the request timeout)", fmt_secs(limits.timeout))
}

/// A request that got no answer: which state that is, and what happened.
fn request_failure(e: &reqwest::Error, limits: Limits) -> (ProbeState, String) {
    if e.is_timeout() && e.is_connect() {
        let msg = match limits.connect_timeout {
            Some(d) => format!("could not connect within {} (the connect timeout)", fmt_secs(d)),
            None => "could not connect in time (the connect timeout)".to_string(),
        };
        (ProbeState::Timeout, msg)
    } else if e.is_timeout() {
        (ProbeState::Timeout, no_answer(limits))
    } else {
        (ProbeState::Unreachable, describe(e))
    }
}

fn fmt_secs(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{}s", d.as_secs()) } else { format!("{}ms", d.as_millis()) }
}
