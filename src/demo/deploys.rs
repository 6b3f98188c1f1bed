//! Deploys to the demo fleet: what its `[deploy]` hook asks for, and what
//! each service then serves. A CI job's answer, shaped as Jenkins'
//! `buildWithParameters` answers: `201 Created` with the `Location` of the
//! queued build; `GET` there says how it goes.
//!
//! The rule: a deploy of the story's new tag joins the story's own rollout
//! (prod switches service by service, in its place); a deploy of any other
//! tag (a rollback to the previous push, a re-tag) is served from
//! `ROLL` story seconds after it was asked, until the next deploy. A tag
//! the service's repository does not have is refused, as a CI job that
//! cannot check it out fails.

use super::fleet_state::{Asked, ENVS, FleetState, ROLL};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// The service whose new version is broken on prod: its smoke check fails
/// there (a migration the push carries was not run), the case a rollback
/// is for. A re-tag of the push (`-1`, with the fix picked) works.
pub const BROKEN_SERVICE: usize = 0;

struct DeployForm {
    service: String,
    env: String,
    tag: String,
}

/// The parameters from the query and a form-encoded body, as a CI's
/// `buildWithParameters` takes them either way.
fn form(query: Option<&str>, body: &[u8]) -> Result<DeployForm, String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .chain(url::form_urlencoded::parse(body))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()).ok_or(format!("missing parameter `{name}`"))
    };
    Ok(DeployForm { service: get("service")?, env: get("env")?, tag: get("tag")? })
}

/// `POST /__deploy__` (parameters `service`, `env`, `tag`).
pub(super) async fn deploy(State(st): State<Arc<FleetState>>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let form = match form(query.as_deref(), &body) {
        Ok(f) => f,
        Err(why) => return (StatusCode::BAD_REQUEST, why).into_response(),
    };
    let Some((s, e)) = st.index(&form.service, &form.env) else {
        let text = format!("no service `{}` in environment `{}`", form.service, form.env);
        return (StatusCode::NOT_FOUND, text).into_response();
    };
    if let Err(why) = st.deployable(s, &form.tag) {
        return (StatusCode::UNPROCESSABLE_ENTITY, why).into_response();
    }
    let at = st.story_time();
    let tag = (form.tag != st.story.new_tag).then(|| form.tag.clone());
    let id = st.ask(Asked { service: s, env: e, tag, at });
    let location = format!("/__deploy__/{id}");
    let body = json!({"id": id, "service": form.service, "env": ENVS[e], "tag": form.tag, "state": "queued"});
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response()
}

/// `GET /__deploy__/{id}`: the deploy and whether it is live yet.
pub(super) async fn status(State(st): State<Arc<FleetState>>, Path(id): Path<usize>) -> Response {
    let Some(a) = st.asked(id) else {
        return (StatusCode::NOT_FOUND, format!("no deploy {id}")).into_response();
    };
    let live = st.story_time() >= a.at + ROLL;
    let tag = a.tag.clone().unwrap_or_else(|| st.story.new_tag.clone());
    let body = json!({
        "id": id,
        "service": st.story.services[a.service],
        "env": ENVS[a.env],
        "tag": tag,
        "state": if live { "live" } else { "rolling" },
    });
    Json(body).into_response()
}

/// What a smoke check of `/{service}/{env}/api/status` finds: the version
/// served, or the broken service's error on the story's new tag on prod
/// (stage had its migration run by hand; prod runs what the image does).
pub(super) fn api_status(st: &FleetState, service: usize, env: &str, version: &str) -> Response {
    if service == BROKEN_SERVICE && env == "prod" && version == st.story.new_tag {
        let body = json!({
            "status": "error",
            "version": version,
            "error": "ProgrammingError: relation \"addons_addon_tags\" does not exist",
        });
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
    }
    Json(json!({"status": "ok", "version": version})).into_response()
}
