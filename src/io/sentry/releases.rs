//! Telling Sentry of a deploy (`[sentry] record_deploys`): create the
//! release if missing, then record the deploy.
//!
//! The rule, from Sentry's own endpoints:
//! - `POST /api/0/organizations/{org}/releases/` with `{"version",
//!   "projects": [slug]}` is idempotent: 201 when the release was created or
//!   the project newly added to it, 208 when it existed with that project
//!   already. Both are fine. An unknown project slug is a 400 (`projects`).
//! - `POST /api/0/organizations/{org}/releases/{version}/deploys/` with
//!   `{"environment", "dateStarted", "dateFinished", "projects": [slug]}` is
//!   not: every call adds a deploy (201), so it is made once per team. The
//!   version is one path segment, percent-encoded; an environment Sentry
//!   refuses (a `/`, a newline, more than 64 characters) is a 400
//!   (`environment`); a release it cannot find is a 404.
//! - A token without `project:releases` gets 403, a bad one 401.
//!
//! Sentry's error texts are read to tell cases apart and never repeated;
//! the token goes in the `Authorization` header only.

use super::client::SentryClient;
use crate::domain::sentry::deploys::DeployRecord;
use crate::domain::sentry::{RELEASE_SCOPE, SentryError};
use crate::io::http::{Body, describe, read_capped, redirect_problem};
use serde_json::{Value, json};

/// Largest answer read: a release or a deploy serialized.
const BODY_CAP: usize = 256 * 1024;

/// A POST that was not answered 2xx: the status and the keys of Sentry's
/// JSON error body (`{"projects": […]}`, `{"detail": …}`).
struct Refused {
    status: u16,
    keys: Vec<String>,
}

impl SentryClient {
    /// Creates the release if missing and records the deploy; `Err` says
    /// why not, in a sentence for the log and the footer.
    pub async fn record_deploy(&self, d: &DeployRecord) -> Result<(), String> {
        let created = self
            .post(&["releases", ""], json!({ "version": d.version, "projects": [d.project] }))
            .await?
            .map_err(|r| self.refused(&r, d, "creating the release"))?;
        debug_assert!(matches!(created, 200..=299));
        let body = json!({
            "environment": d.env,
            "dateStarted": d.started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "dateFinished": d.finished.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "projects": [d.project],
        });
        self.post(&["releases", &d.version, "deploys", ""], body)
            .await?
            .map_err(|r| self.refused(&r, d, "recording the deploy"))?;
        Ok(())
    }

    fn refused(&self, r: &Refused, d: &DeployRecord, doing: &str) -> String {
        let has = |k: &str| r.keys.iter().any(|x| x == k);
        match r.status {
            401 => SentryError::TokenRejected.to_string(),
            403 => format!("the token may not create releases in `{}` (HTTP 403): it needs {RELEASE_SCOPE}", self.org),
            400 if has("projects") => {
                format!("Sentry does not know project `{}` in `{}` (HTTP 400)", d.project, self.org)
            }
            400 if has("environment") => format!("Sentry refuses `{}` as an environment name (HTTP 400)", d.env),
            400 if has("version") => format!("Sentry refuses `{}` as a release version (HTTP 400)", d.version),
            404 => format!("not found while {doing} (HTTP 404): is `{}` the organization?", self.org),
            429 => SentryError::RateLimited { until: None }.to_string(),
            status => format!("Sentry answered HTTP {status} while {doing}"),
        }
    }

    /// One POST of `body` under `/api/0/organizations/{org}/` (each segment
    /// percent-encoded; `""` last for the trailing slash): the status when
    /// 2xx, else what was refused; `Err` when no answer came.
    async fn post(&self, segments: &[&str], body: Value) -> Result<Result<u16, Refused>, String> {
        let token = self.token.as_ref().map_err(|e| SentryError::NoToken(e.clone()).to_string())?;
        let network = |m: String| format!("{}: {m}", self.base);
        let mut url = url::Url::parse(&format!("{}/api/0/organizations/", self.base))
            .map_err(|e| network(format!("bad URL ({e})")))?;
        url.path_segments_mut()
            .map_err(|()| network("not a base URL".into()))?
            .pop_if_empty()
            .push(&self.org)
            .extend(segments);
        let resp = self
            .http
            .post(url.clone())
            .bearer_auth(&token.0)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| network(describe(&e)))?;
        if let Some(problem) = redirect_problem(&url, &resp) {
            return Err(network(problem));
        }
        let status = resp.status().as_u16();
        if (200..=299).contains(&status) {
            return Ok(Ok(status));
        }
        let keys = match read_capped(resp, BODY_CAP).await {
            Ok(Body::Complete(b)) => match serde_json::from_slice::<Value>(&b) {
                Ok(Value::Object(m)) => m.keys().cloned().collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        Ok(Err(Refused { status, keys }))
    }
}
