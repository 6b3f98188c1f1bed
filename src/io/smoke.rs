//! Smoke checks over HTTP: one GET per check, bounded by the check's
//! timeout and a body cap, redirects followed as the poller follows them
//! (within the origin asked, a few at most), and the answer judged against
//! what the check expects. A failure says why in a few words: the status,
//! the text missing, the value a JSON pointer found (cleaned and cut), the
//! timeout or the connection error; never the whole body.

use super::http::{Body, ClientError, describe, read_capped, redirect_policy, redirect_problem};
use crate::config::PollConfig;
use crate::domain::Msg;
use crate::domain::smoke::Request;
use crate::domain::smoke::msg::SmokeMsg;
use crate::io::sanitize::clean_max;
use chrono::Utc;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;

/// Largest body read for a check: an API answer, not a download.
pub const BODY_CAP: usize = 256 * 1024;
/// Longest piece of the answer quoted in a failure.
const QUOTE_CAP: usize = 60;

/// Carries out `SmokeEffect::Run`. Cheap to clone.
#[derive(Clone)]
pub struct Smoker {
    client: reqwest::Client,
    permits: Arc<Semaphore>,
}

impl Smoker {
    pub fn new(poll: &PollConfig) -> Result<Self, ClientError> {
        Ok(Smoker { client: client(poll)?, permits: Arc::new(Semaphore::new(poll.concurrency)) })
    }

    /// A task per check, each answering with one `SmokeMsg::Checked`, even
    /// one that panicked.
    pub fn spawn(&self, tx: &UnboundedSender<Msg>, requests: Vec<Request>) {
        for request in requests {
            let (smoker, tx) = (self.clone(), tx.clone());
            tokio::spawn(async move {
                let _permit = smoker.permits.acquire().await.ok();
                let result = AssertUnwindSafe(check(&smoker.client, &request))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| Err("internal error while checking (see shipdeck.log)".into()));
                let msg = SmokeMsg::Checked { request: Box::new(request), result, at: Utc::now() };
                let _ = tx.send(Msg::Smoke(msg));
            });
        }
    }
}

/// Connects as the poller does, with no overall timeout of its own: each
/// check bounds its request by the check's.
pub fn client(poll: &PollConfig) -> Result<reqwest::Client, ClientError> {
    // Without a default crypto provider in the build (see `http::client`).
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(poll.connect_timeout)
        .redirect(redirect_policy())
        .build()?)
}

/// One check: `Ok` when the answer is what the check expects, else why not.
pub async fn check(client: &reqwest::Client, r: &Request) -> Result<(), String> {
    let asked = url::Url::parse(&r.url).map_err(|e| format!("not a URL ({e})"))?;
    let needs_body = r.contains.is_some() || !r.json.is_empty();
    let answer = tokio::time::timeout(r.timeout, async {
        let resp = client.get(asked.clone()).timeout(r.timeout).send().await?;
        if let Some(problem) = redirect_problem(&asked, &resp) {
            return Ok(Err(problem));
        }
        let status = resp.status().as_u16();
        let body =
            if needs_body && status == r.expect_status { Some(read_capped(resp, BODY_CAP).await?) } else { None };
        Ok::<_, reqwest::Error>(Ok((status, body)))
    })
    .await;
    let no_answer = || format!("no answer within {}", crate::config::format_duration(r.timeout));
    let (status, body) = match answer {
        Err(_) => return Err(no_answer()),
        Ok(Err(e)) if e.is_timeout() && !e.is_connect() => return Err(no_answer()),
        Ok(Err(e)) => return Err(describe(&e)),
        Ok(Ok(Err(problem))) => return Err(problem),
        Ok(Ok(Ok(answer))) => answer,
    };
    if status != r.expect_status {
        return Err(format!("HTTP {status}, expected {}", r.expect_status));
    }
    let bytes = match body {
        None => return Ok(()),
        Some(Body::TooLarge) => return Err(format!("body larger than {} KiB, not read", BODY_CAP / 1024)),
        Some(Body::Complete(b)) => b,
    };
    judge(&bytes, r.contains.as_deref(), &r.json)
}

/// The body against the expected text and JSON values.
pub fn judge(body: &[u8], contains: Option<&str>, json: &[(String, String)]) -> Result<(), String> {
    if let Some(text) = contains {
        let found = String::from_utf8_lossy(body).contains(text);
        if !found {
            return Err(format!("body does not contain \"{}\"", clean_max(text, QUOTE_CAP)));
        }
    }
    if json.is_empty() {
        return Ok(());
    }
    let doc: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("body is not JSON ({e})"))?;
    for (pointer, expected) in json {
        let found = match doc.pointer(pointer) {
            None => return Err(format!("{pointer} is not in the body")),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => v.to_string(),
            Some(serde_json::Value::Null) => return Err(format!("{pointer} is null, expected \"{expected}\"")),
            Some(serde_json::Value::Array(_)) => return Err(format!("{pointer} is an array, expected \"{expected}\"")),
            Some(serde_json::Value::Object(_)) => {
                return Err(format!("{pointer} is an object, expected \"{expected}\""));
            }
        };
        if &found != expected {
            return Err(format!("{pointer} is \"{}\", expected \"{expected}\"", clean_max(&found, QUOTE_CAP)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::judge;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn pointers_compare_the_string_form_of_strings_numbers_and_bools() {
        let body = br#"{"version":"2026.12.01","a/b":{"m~n":3},"ok":true,"list":[1]}"#;
        assert_eq!(
            judge(body, None, &pairs(&[("/version", "2026.12.01"), ("/a~1b/m~0n", "3"), ("/ok", "true")])),
            Ok(())
        );
        assert_eq!(
            judge(body, None, &pairs(&[("/version", "2026.11.26")])),
            Err("/version is \"2026.12.01\", expected \"2026.11.26\"".into())
        );
        assert_eq!(judge(body, None, &pairs(&[("/nope", "x")])), Err("/nope is not in the body".into()));
        assert_eq!(judge(body, None, &pairs(&[("/list", "1")])), Err("/list is an array, expected \"1\"".into()));
        assert!(judge(b"<html>", None, &pairs(&[("/x", "1")])).unwrap_err().starts_with("body is not JSON"));
    }

    #[test]
    fn a_missing_text_is_named_and_a_long_value_cut() {
        assert_eq!(judge(b"hello", Some("bye"), &[]), Err("body does not contain \"bye\"".into()));
        let long = format!(r#"{{"v":"{}\u001b[31m"}}"#, "x".repeat(500));
        let err = judge(long.as_bytes(), None, &pairs(&[("/v", "y")])).unwrap_err();
        assert!(err.len() < 120 && !err.contains('\u{1b}'), "{err}");
    }
}
