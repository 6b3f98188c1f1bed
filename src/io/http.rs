//! The HTTP client and a body reader that refuses to buffer more than a cap.

use crate::config::PollConfig;
use std::error::Error as _;

/// Largest body read from a Dockerflow endpoint.
pub const BODY_CAP: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(#[from] reqwest::Error);

pub fn client(poll: &PollConfig) -> Result<reqwest::Client, ClientError> {
    // reqwest is built without a default crypto provider (ring keeps the
    // build free of cmake); installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(poll.connect_timeout)
        .timeout(poll.timeout)
        .pool_max_idle_per_host(poll.concurrency)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()?)
}

pub enum Body {
    Complete(Vec<u8>),
    TooLarge,
}

/// Reads a body as a stream, stopping as soon as it passes `cap`.
pub async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Body, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Ok(Body::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Complete(body))
}

/// The whole cause chain, without the repetition reqwest and hyper add:
/// "error sending request for url (…): client error (Connect): tcp connect
/// error: Connection refused (os error 111)" becomes "connection refused".
pub fn describe(err: &reqwest::Error) -> String {
    let mut innermost = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        innermost = s.to_string();
        source = s.source();
    }
    let lower = innermost.to_ascii_lowercase();
    if lower.contains("failed to lookup") || lower.contains("dns error") || lower.contains("name or service not known")
    {
        return format!("DNS lookup failed ({innermost})");
    }
    let mut chars = innermost.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "request failed".into(),
    }
}
