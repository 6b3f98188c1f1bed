//! The webhook: milestone lines posted as Slack-compatible JSON
//! `{"text": "…"}`, in the background, with a timeout and a few retries. A
//! webhook that keeps failing is reported; the milestone stays in the
//! journal either way.

use crate::domain::Msg;
use chrono::Utc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Why a milestone was not posted. The webhook's URL is never in it: webhook
/// URLs carry their secret in the path.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("webhook: cannot build the HTTP client: {0}")]
    Client(reqwest::Error),
    /// A 4xx, which will not get better by asking again.
    #[error("webhook answered HTTP {status}")]
    Refused { status: u16 },
    #[error("{last}, {attempts} attempts")]
    GaveUp { last: String, attempts: u32 },
}

/// A milestone to post once for the whole team: in a shared push it goes
/// to the sharing task, which claims `key` on the remote first and posts
/// only when its claim wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub key: String,
    pub text: String,
    /// Not a milestone but a deploy to tell Sentry of, by the claim's winner.
    pub deploy: Option<crate::domain::sentry::deploys::DeployRecord>,
}

#[derive(Debug, Clone)]
pub struct Notifier {
    pub client: reqwest::Client,
    pub url: String,
    pub timeout: Duration,
    pub attempts: u32,
    /// Before the second attempt; doubled for each one after.
    pub backoff: Duration,
}

impl Notifier {
    pub fn new(url: String) -> Result<Self, NotifyError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(NotifyError::Client)?;
        Ok(Notifier { client, url, timeout: Duration::from_secs(5), attempts: 3, backoff: Duration::from_secs(1) })
    }

    /// Posts `text`; `Err` says what the last attempt got. The URL is not in
    /// the message: webhook URLs carry their secret in the path.
    pub async fn post(&self, text: &str) -> Result<(), NotifyError> {
        let body = serde_json::json!({ "text": text });
        let mut wait = self.backoff;
        let mut last = String::new();
        for attempt in 1..=self.attempts {
            let sent = self
                .client
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string())
                .timeout(self.timeout)
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => return Ok(()),
                Ok(r) if r.status().is_client_error() => {
                    return Err(NotifyError::Refused { status: r.status().as_u16() });
                }
                Ok(r) => last = format!("webhook answered HTTP {}", r.status().as_u16()),
                Err(e) if e.is_timeout() => last = format!("webhook timed out after {}s", self.timeout.as_secs_f32()),
                Err(e) => {
                    // `describe` has already masked userinfo in any URL it quotes.
                    let said = super::http::describe(&e)
                        .replace(&self.url, "…")
                        .replace(&crate::domain::kernel::redact::url(&self.url), "…");
                    last = format!("webhook unreachable ({said})");
                }
            }
            if attempt < self.attempts {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
        Err(NotifyError::GaveUp { last, attempts: self.attempts })
    }
}

/// Posts `text` in the background and says so only when it failed. Without
/// a webhook nothing is posted: the milestone is in the journal either way.
pub fn spawn(tx: &UnboundedSender<Msg>, notifier: Option<Notifier>, text: String) {
    let Some(n) = notifier else { return };
    let tx = tx.clone();
    tokio::spawn(async move {
        if let Err(e) = n.post(&text).await {
            let _ = tx.send(Msg::NotifyFailed { error: e.to_string(), at: Utc::now() });
        }
    });
}
