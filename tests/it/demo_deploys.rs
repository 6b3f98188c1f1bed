//! The demo fleet takes deploys as a CI job does: `201` with the queued
//! build's `Location`, the tag served once it rolled out, unknown builds
//! refused; and its smoke page fails on the broken version on prod only.

use shipdeck::demo::fleet::Fleet;
use shipdeck::demo::run::story;
use std::time::{Duration, Instant};

const NEW: &str = "2026.11.26";
const OLD: &str = "2026.11.19";

async fn json(c: &reqwest::Client, url: &str) -> serde_json::Value {
    serde_json::from_str(&c.get(url).send().await.unwrap().text().await.unwrap()).unwrap()
}

async fn post(c: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let content = "application/x-www-form-urlencoded";
    c.post(url).header("content-type", content).body(body).send().await.unwrap()
}

async fn version(c: &reqwest::Client, url: &str) -> String {
    let v = json(c, url).await;
    v["version"].as_str().unwrap_or_default().to_string()
}

async fn until(c: &reqwest::Client, url: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = version(c, url).await;
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "{url} still serves {got}, not {want}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_fleet_deploys_what_its_hook_asks_and_refuses_unknown_builds() {
    // Fast: the story's prod rollout is over in well under a second.
    let fleet = Fleet::start(story(3, NEW.into(), OLD.into()), 400.0).await.unwrap();
    let c = shipdeck::io::http::client(&shipdeck::config::PollConfig::default()).unwrap();
    let base = fleet.base_url();
    let prod = fleet.version_url("addons-server", "prod");
    until(&c, &prod, NEW).await;
    let status = format!("{base}/addons-server/prod/api/status");
    let smoke = c.get(&status).send().await.unwrap();
    assert_eq!(smoke.status(), 500, "the broken version fails its smoke page");
    assert!(smoke.text().await.unwrap().contains("addons_addon_tags"));
    let fine = c.get(format!("{base}/addons-frontend/prod/api/status")).send().await.unwrap();
    assert_eq!(fine.status(), 200);
    until(&c, &fleet.version_url("addons-server", "stage"), NEW).await;
    let stage = c.get(format!("{base}/addons-server/stage/api/status")).send().await.unwrap();
    assert_eq!(stage.status(), 200, "stage had its migration run: the same version passes there");

    // Rolled back to the previous push: served once it rolled out.
    let r =
        post(&c, &format!("{base}/__deploy__"), &[("service", "addons-server"), ("env", "prod"), ("tag", OLD)]).await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, "/__deploy__/0");
    until(&c, &prod, OLD).await;
    let queued = json(&c, &format!("{base}{location}")).await;
    assert_eq!((queued["tag"].as_str(), queued["state"].as_str()), (Some(OLD), Some("live")));
    assert_eq!(c.get(&status).send().await.unwrap().status(), 200, "the old version passes");
    assert_eq!(version(&c, &fleet.version_url("addons-server", "stage")).await, NEW, "stage untouched");

    // The new tag again: back in the story's rollout, which is over.
    let r = c.post(format!("{base}/__deploy__?service=addons-server&env=prod&tag={NEW}")).send().await.unwrap();
    assert_eq!(r.status(), 201, "parameters in the query, as buildWithParameters takes them too");
    until(&c, &prod, NEW).await;

    for (form, code) in [
        ([("service", "addons-server"), ("env", "prod"), ("tag", "2020.01.01")], 422),
        ([("service", "nope"), ("env", "prod"), ("tag", OLD)], 404),
        ([("service", "addons-server"), ("env", "qa"), ("tag", OLD)], 404),
    ] {
        let r = post(&c, &format!("{base}/__deploy__"), &form).await;
        assert_eq!(r.status(), code, "{form:?}");
    }
    let r = post(&c, &format!("{base}/__deploy__"), &[("service", "addons-server")]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("missing parameter `env`"));
}
