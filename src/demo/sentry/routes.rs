//! The Sentry routes the fleet serves, and their handlers.

use super::auth::{Failure, detail, guard, reply};
use super::counts::Moment;
use super::issues::{all_issues, search};
use super::projects::{project_index, projects_body};
use super::query::query_pairs;
use super::series::{StatsApi, StatsRange};
use crate::demo::fleet_state::FleetState;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::Utc;
use serde_json::Value;
use std::sync::Arc;

/// The projects a query names (`project=ID`, repeatable; none or `-1`: all).
fn selected_projects(params: &[(String, String)], projects: usize) -> Result<Vec<usize>, Failure> {
    let ids: Vec<&str> = params.iter().filter(|(k, _)| k == "project").map(|(_, v)| v.as_str()).collect();
    if ids.is_empty() || ids.contains(&"-1") {
        return Ok((0..projects).collect());
    }
    let mut out = Vec::new();
    for id in ids {
        if id.trim().parse::<u64>().is_err() {
            return Err(detail(StatusCode::BAD_REQUEST, "Invalid project parameter. Values must be numbers."));
        }
        let i = project_index(id, projects)
            .ok_or_else(|| detail(StatusCode::FORBIDDEN, "You do not have permission to perform this action."))?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

/// Now in the story; the first request starts it.
fn moment(st: &FleetState) -> Moment {
    let story_time = st.story_time();
    Moment::at(&st.story, st.speed, st.started_wall(), story_time, Utc::now())
}

/// The Sentry routes, merged into the fleet's router.
pub(in crate::demo) fn routes() -> Router<Arc<FleetState>> {
    Router::new()
        .route("/api/0/organizations/{org}/projects/", get(projects))
        .route("/api/0/organizations/{org}/events-stats/", get(events_stats))
        .route("/api/0/organizations/{org}/events-timeseries/", get(events_timeseries))
        .route("/api/0/organizations/{org}/issues/", get(org_issues))
        .route("/api/0/organizations/{org}/releases/", post(super::releases::create_release))
        .route("/api/0/organizations/{org}/releases/{version}/deploys/", post(super::releases::create_deploy))
        .layer(axum::Extension(Arc::new(super::releases::Releases::default())))
}

async fn projects(State(st): State<Arc<FleetState>>, Path(org): Path<String>, headers: HeaderMap) -> Response {
    // Any request starts the story, as on the rest of the fleet.
    st.story_time();
    let answer = guard(&headers, &org).map(|()| projects_body(&st.story.services));
    // One page: the cursor links say there is no other.
    let base = format!("/api/0/organizations/{org}/projects/");
    let link = format!(
        "<{base}?&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", \
         <{base}?&cursor=0:100:0>; rel=\"next\"; results=\"false\"; cursor=\"0:100:0\""
    );
    let extra = if answer.is_ok() { vec![(header::LINK, link)] } else { Vec::new() };
    reply(&st, answer, &extra)
}

async fn events_stats(
    State(st): State<Arc<FleetState>>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let m = moment(&st);
    let answer = guard(&headers, &org).and_then(|()| {
        let params = query_pairs(raw.as_deref());
        let projects = selected_projects(&params, st.story.services.len())?;
        let range = StatsRange::from_query(&params, m.now, StatsApi::EventsStats)
            .map_err(|e| detail(StatusCode::BAD_REQUEST, &e))?;
        Ok(range.body(&projects, &m))
    });
    reply(&st, answer, &[])
}

/// `events-timeseries`: `dataset` is required here, as Sentry documents it.
async fn events_timeseries(
    State(st): State<Arc<FleetState>>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let m = moment(&st);
    let answer = guard(&headers, &org).and_then(|()| {
        let params = query_pairs(raw.as_deref());
        let dataset = params.iter().find(|(k, _)| k == "dataset").map(|(_, v)| v.as_str());
        let Some(dataset @ ("errors" | "discover")) = dataset else {
            return Err(detail(StatusCode::BAD_REQUEST, "dataset must be one of: errors, discover"));
        };
        let projects = selected_projects(&params, st.story.services.len())?;
        let range = StatsRange::from_query(&params, m.now, StatsApi::Timeseries)
            .map_err(|e| detail(StatusCode::BAD_REQUEST, &e))?;
        Ok(range.timeseries_body(&projects, &m, dataset))
    });
    reply(&st, answer, &[])
}

async fn org_issues(
    State(st): State<Arc<FleetState>>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let m = moment(&st);
    let answer = guard(&headers, &org).and_then(|()| {
        let params = query_pairs(raw.as_deref());
        let projects = selected_projects(&params, st.story.services.len())?;
        let all = projects.iter().flat_map(|&i| all_issues(i, &st.story.services[i], &m)).collect();
        Ok(Value::Array(search(all, &params)))
    });
    reply(&st, answer, &[])
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{DEMO_SENTRY_TOKEN, project_id};
    use super::*;
    use serde_json::json;

    async fn json_of(r: reqwest::Response) -> Value {
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn the_fleet_serves_sentry() {
        use crate::demo::fleet::Fleet;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
        // Fast enough that the spike (12 story seconds in) comes at once.
        let fleet = Fleet::start(story(3), 2000.0).await.unwrap();
        let base = format!("{}/api/0/organizations", fleet.sentry_url());
        let get = |path: String, token: Option<&str>| {
            let mut req = http.get(format!("{base}/{path}"));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            req.send()
        };
        let token = Some(DEMO_SENTRY_TOKEN);
        let stats = format!("demo/events-stats/?project={}&interval=5m&statsPeriod=24h", project_id(0));
        let issues = format!("demo/issues/?project={}&query=is%3Aunresolved&sort=new", project_id(0));

        for path in ["demo/projects/".to_string(), stats.clone(), issues.clone()] {
            for t in [None, Some("wrong")] {
                let r = get(path.clone(), t).await.unwrap();
                assert_eq!(r.status(), 401, "{path}");
                assert!(r.headers().contains_key("x-sentry-rate-limit-remaining"));
                assert_eq!(json_of(r).await, json!({"detail": "Invalid token"}));
            }
        }
        let r = get("acme/projects/".into(), token).await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(json_of(r).await, json!({"detail": "The requested resource does not exist"}));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;

        let r = get("demo/projects/".into(), token).await.unwrap();
        assert_eq!(r.status(), 200);
        let h = r.headers();
        assert_eq!(h["x-sentry-rate-limit-limit"], "40");
        assert_eq!(h["x-sentry-rate-limit-concurrentlimit"], "25");
        assert_eq!(h["x-sentry-rate-limit-concurrentremaining"], "24");
        let remaining: u64 = h["x-sentry-rate-limit-remaining"].to_str().unwrap().parse().unwrap();
        assert!(remaining < 40);
        let reset: i64 = h["x-sentry-rate-limit-reset"].to_str().unwrap().parse().unwrap();
        assert!((reset - Utc::now().timestamp()).abs() <= 2, "{reset}");
        let list = json_of(r).await;
        let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["addons-server", "addons-frontend", "addons-code-manager"]);
        assert_eq!(list[2]["id"], "4500000000000003");

        // Exceptions only, whole buckets only: the one filling is left out.
        let r = get(stats.clone() + "&yAxis=count()&query=event.type%3Aerror", token).await.unwrap();
        assert_eq!(r.status(), 200);
        let body = json_of(r).await;
        let data = body["data"].as_array().unwrap();
        assert_eq!(data.len(), 288);
        let counts: Vec<u64> = data.iter().map(|b| b[1][0]["count"].as_u64().unwrap()).collect();
        assert!(counts[286..].iter().all(|n| (6..=15).contains(n)), "{:?}", &counts[280..]);
        assert!(data.iter().all(|b| b[0].as_i64().unwrap() % 300 == 0));
        assert!(body["start"].is_i64() && body["end"].is_i64());
        let r = get(stats + "&partial=1", token).await.unwrap();
        assert_eq!(json_of(r).await["data"].as_array().map(Vec::len), Some(289));

        // events-timeseries: the dataset is required; the filling bucket is in.
        let series = format!("demo/events-timeseries/?project={}&interval=300&statsPeriod=24h", project_id(0));
        assert_eq!(get(series.clone(), token).await.unwrap().status(), 400);
        let r = get(series + "&dataset=errors&yAxis=count()", token).await.unwrap();
        assert_eq!(r.status(), 200);
        let body = json_of(r).await;
        let values = body["timeSeries"][0]["values"].as_array().unwrap();
        assert_eq!(values.len(), 289);
        assert_eq!(values[288]["incomplete"], true);
        assert!(values.iter().all(|v| v["timestamp"].as_i64().unwrap() % 300_000 == 0));

        let r = get(issues, token).await.unwrap();
        assert_eq!(r.status(), 200);
        let list = json_of(r).await;
        assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
        assert_eq!(list[0]["project"]["slug"], "addons-server");
        let other = format!("demo/issues/?project={}&sort=new", project_id(1));
        assert_eq!(json_of(get(other, token).await.unwrap()).await, json!([]));
        let unknown = format!("demo/issues/?project={}", project_id(3));
        assert_eq!(get(unknown, token).await.unwrap().status(), 403);

        // Before the spike: no issues.
        let slow = Fleet::start(story(3), 1.0).await.unwrap();
        let url = format!("{}/api/0/organizations/demo/issues/?project={}", slow.sentry_url(), project_id(0));
        let r = http.get(url).bearer_auth(DEMO_SENTRY_TOKEN).send().await.unwrap();
        assert_eq!(json_of(r).await, json!([]));
    }
}
