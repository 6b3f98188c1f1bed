//! Releases and deploys, as Sentry's organization endpoints answer them, so
//! the demo's `[sentry] record_deploys` tells a Sentry what it deployed:
//!
//! - `POST …/releases/` with `{"version", "projects": [slug]}`: 201 when the
//!   release is new or a project was added to it, 208 when it already held
//!   them all; an unknown project slug is a 400 keyed `projects`, a missing
//!   version a 400 keyed `version`.
//! - `POST …/releases/{version}/deploys/` with `{"environment",
//!   "dateStarted", "dateFinished", "projects"}`: a 404 for a release it does
//!   not have, a 400 keyed `environment` for a name Sentry refuses (empty,
//!   longer than 64, a `/` or a control character), a 400 keyed by the date
//!   that is not ISO 8601; otherwise 201 with the deploy, every call a new one.

use super::auth::{Failure, detail, guard, reply_with};
use crate::demo::fleet_state::FleetState;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// What the demo's Sentry was told: each release's projects, and every
/// deploy in the order it came.
#[derive(Debug, Default)]
pub struct Releases {
    releases: Mutex<BTreeMap<String, BTreeSet<String>>>,
    deploys: Mutex<Vec<(String, Value)>>,
}

fn field_error(key: &str, message: &str) -> Failure {
    (StatusCode::BAD_REQUEST, json!({ key: [message] }))
}

fn parse(body: &Bytes) -> Result<Value, Failure> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| detail(StatusCode::BAD_REQUEST, "Malformed request"))
}

fn slugs(body: &Value) -> Vec<String> {
    body["projects"].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_string)).collect()
}

pub(super) async fn create_release(
    State(st): State<Arc<FleetState>>,
    Extension(told): Extension<Arc<Releases>>,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = guard(&headers, &org).and_then(|()| {
        let body = parse(&body)?;
        let version = body["version"]
            .as_str()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| field_error("version", "This field is required."))?;
        let projects = slugs(&body);
        if projects.is_empty() || projects.iter().any(|p| !st.story.services.contains(p)) {
            return Err(field_error("projects", "Invalid project slugs"));
        }
        let mut all = told.releases.lock().unwrap_or_else(|e| e.into_inner());
        let created = !all.contains_key(version);
        let release = all.entry(version.to_string()).or_default();
        let added = projects.into_iter().fold(false, |added, p| release.insert(p) | added);
        let status = if created || added { StatusCode::CREATED } else { StatusCode::ALREADY_REPORTED };
        let shown: Vec<Value> = release.iter().map(|p| json!({ "slug": p, "name": p })).collect();
        Ok((status, json!({ "version": version, "shortVersion": version, "projects": shown, "deployCount": 0 })))
    });
    reply_with(&st, answer, &[])
}

/// Sentry's rule for an environment's name.
fn valid_environment(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 64 && !name.contains('/') && !name.chars().any(char::is_control)
}

pub(super) async fn create_deploy(
    State(st): State<Arc<FleetState>>,
    Extension(told): Extension<Arc<Releases>>,
    Path((org, version)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = guard(&headers, &org).and_then(|()| {
        if !told.releases.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&version) {
            return Err(detail(StatusCode::NOT_FOUND, "The requested resource does not exist"));
        }
        let body = parse(&body)?;
        if !body["environment"].as_str().is_some_and(valid_environment) {
            return Err(field_error("environment", "Invalid value for environment"));
        }
        for key in ["dateStarted", "dateFinished"] {
            let bad = body
                .get(key)
                .filter(|v| !v.is_null())
                .is_some_and(|d| d.as_str().is_none_or(|d| chrono::DateTime::parse_from_rfc3339(d).is_err()));
            if bad {
                return Err(field_error(key, "Datetime has wrong format."));
            }
        }
        let mut all = told.deploys.lock().unwrap_or_else(|e| e.into_inner());
        all.push((version.clone(), body.clone()));
        Ok((
            StatusCode::CREATED,
            json!({
                "id": all.len().to_string(),
                "environment": body["environment"],
                "dateStarted": body["dateStarted"],
                "dateFinished": body["dateFinished"],
                "name": null,
                "url": null,
            }),
        ))
    });
    reply_with(&st, answer, &[])
}

#[cfg(test)]
mod tests {
    use super::super::DEMO_SENTRY_TOKEN;
    use super::super::testing::story;
    use crate::demo::fleet::Fleet;
    use serde_json::{Value, json};

    #[tokio::test]
    async fn releases_and_deploys_answer_as_sentry_does() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
        let fleet = Fleet::start(story(2), 1.0).await.unwrap();
        let base = format!("{}/api/0/organizations/demo/releases/", fleet.sentry_url());
        let post = |url: String, body: Value, token: &'static str| {
            http.post(url).bearer_auth(token).header("content-type", "application/json").body(body.to_string()).send()
        };
        let release = json!({ "version": "2026.11.26-1", "projects": ["addons-server"] });
        assert_eq!(post(base.clone(), release.clone(), "wrong").await.unwrap().status(), 401);
        assert_eq!(post(base.clone(), release.clone(), DEMO_SENTRY_TOKEN).await.unwrap().status(), 201);
        assert_eq!(post(base.clone(), release.clone(), DEMO_SENTRY_TOKEN).await.unwrap().status(), 208);
        let more = json!({ "version": "2026.11.26-1", "projects": ["addons-server", "addons-frontend"] });
        assert_eq!(post(base.clone(), more, DEMO_SENTRY_TOKEN).await.unwrap().status(), 201);
        let unknown = json!({ "version": "x", "projects": ["nope"] });
        let r = post(base.clone(), unknown, DEMO_SENTRY_TOKEN).await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("\"projects\""));

        // The version is one percent-encoded path segment.
        let deploys = |v: &str| format!("{base}{v}/deploys/");
        let deploy = json!({
            "environment": "prod", "dateStarted": "2026-11-26T15:00:00Z",
            "dateFinished": "2026-11-26T15:02:00Z", "projects": ["addons-server"],
        });
        let r = post(deploys("2026.11.26-1"), deploy.clone(), DEMO_SENTRY_TOKEN).await.unwrap();
        assert_eq!(r.status(), 201);
        let answer: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!((answer["id"].as_str(), answer["environment"].as_str()), (Some("1"), Some("prod")));
        assert_eq!(post(deploys("2026.11.26-1"), deploy.clone(), DEMO_SENTRY_TOKEN).await.unwrap().status(), 201);
        assert_eq!(post(deploys("2026.11.27"), deploy.clone(), DEMO_SENTRY_TOKEN).await.unwrap().status(), 404);
        let mut bad = deploy.clone();
        bad["environment"] = json!("a/b");
        assert_eq!(post(deploys("2026.11.26-1"), bad, DEMO_SENTRY_TOKEN).await.unwrap().status(), 400);
        let mut bad = deploy;
        bad["dateStarted"] = json!("yesterday");
        let r = post(deploys("2026.11.26-1"), bad, DEMO_SENTRY_TOKEN).await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.text().await.unwrap().contains("dateStarted"));
    }
}
