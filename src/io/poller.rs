//! One probe of one endpoint: `/__version__` and `/__heartbeat__` together,
//! each bounded by the timeout, classified into the states of `status --json`.

use super::dockerflow::{parse_heartbeat, parse_version};
use super::http::{BODY_CAP, Body, describe, read_capped};
use crate::domain::{Endpoint, Heartbeat, Probe, ProbeState, VersionInfo};
use chrono::Utc;
use std::time::{Duration, Instant};

pub async fn probe(client: &reqwest::Client, endpoint: &Endpoint, timeout: Duration) -> Probe {
    let version = fetch_version(client, &endpoint.version_url, timeout);
    let heartbeat = async {
        match &endpoint.heartbeat_url {
            Some(url) => fetch_heartbeat(client, url, timeout).await,
            None => Heartbeat::Unknown,
        }
    };
    let ((state, info, error, latency_ms), heartbeat) = tokio::join!(version, heartbeat);
    Probe { state, info, heartbeat, error, latency_ms, at: Utc::now() }
}

/// What a probe that panicked reports instead (the panic itself goes to the log file).
pub fn internal_error(endpoint: &Endpoint) -> Probe {
    Probe {
        state: ProbeState::Invalid,
        info: VersionInfo::default(),
        heartbeat: Heartbeat::Unknown,
        error: Some(format!("internal error while polling {} (see shipdeck.log)", endpoint.version_url)),
        latency_ms: None,
        at: Utc::now(),
    }
}

type VersionOutcome = (ProbeState, VersionInfo, Option<String>, Option<u64>);

async fn fetch_version(client: &reqwest::Client, url: &str, timeout: Duration) -> VersionOutcome {
    let started = Instant::now();
    let outcome = tokio::time::timeout(timeout, async {
        let resp = client.get(url).send().await?;
        let status = resp.status();
        let body = read_capped(resp, BODY_CAP).await?;
        Ok::<_, reqwest::Error>((status, body))
    })
    .await;
    let latency = Some(started.elapsed().as_millis() as u64);
    let fail = |state, msg: String| (state, VersionInfo::default(), Some(msg), latency);
    match outcome {
        Err(_) => fail(ProbeState::Timeout, format!("no answer within {}", fmt_secs(timeout))),
        Ok(Err(e)) if e.is_timeout() => fail(ProbeState::Timeout, format!("no answer within {}", fmt_secs(timeout))),
        Ok(Err(e)) => fail(ProbeState::Unreachable, describe(&e)),
        Ok(Ok((status, _))) if status.as_u16() == 404 => {
            fail(ProbeState::NoEndpoint, "HTTP 404: no /__version__ endpoint".into())
        }
        Ok(Ok((status, _))) if !status.is_success() => fail(ProbeState::HttpError, format!("HTTP {status}")),
        Ok(Ok((_, Body::TooLarge))) => fail(ProbeState::Invalid, format!("body larger than {} KiB", BODY_CAP / 1024)),
        Ok(Ok((_, Body::Complete(bytes)))) => match parse_version(&bytes) {
            Ok(info) => (ProbeState::Ok, info, None, latency),
            Err(msg) => fail(ProbeState::Invalid, msg),
        },
    }
}

async fn fetch_heartbeat(client: &reqwest::Client, url: &str, timeout: Duration) -> Heartbeat {
    let outcome = tokio::time::timeout(timeout, async {
        let resp = client.get(url).send().await?;
        let status = resp.status().as_u16();
        let body = read_capped(resp, BODY_CAP).await?;
        Ok::<_, reqwest::Error>((status, body))
    })
    .await;
    match outcome {
        Ok(Ok((status, Body::Complete(body)))) => parse_heartbeat(status, &body),
        Ok(Ok((status, Body::TooLarge))) => parse_heartbeat(status, b""),
        _ => Heartbeat::Unknown,
    }
}

fn fmt_secs(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{}s", d.as_secs()) } else { format!("{}ms", d.as_millis()) }
}
