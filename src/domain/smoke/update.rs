//! The smoke checks' handlers: when a flip has settled and the checks run,
//! `S` running them all now, and what one answer records. Narrow: they see
//! the smoke state and the rollout, and hand back what to do as an
//! [`Outcome`].
//!
//! A flip has settled when the new version is seen again on the next poll
//! of that endpoint (two answers in a row, and not a fleet serving two
//! versions): one answer could still be a load balancer's other half.

use super::msg::{SmokeEffect, SmokeMsg};
use super::{Request, Smoke, SmokeTarget, base_url, fill};
use crate::domain::journal::EventKind;
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::outcome::Outcome;
use crate::domain::rollout::Rollout;
use chrono::{DateTime, Utc};

/// After one endpoint's answer was applied: `flipped` is the version the
/// rollout just recorded a change to, if it did. Runs the cell's checks
/// once that version is seen again.
pub fn after_probe(
    smoke: &mut Smoke,
    rollout: &Rollout,
    service: usize,
    env: usize,
    flipped: Option<String>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    if smoke.specs.is_empty() {
        return out;
    }
    if let Some(to) = flipped {
        smoke.flipped.insert((service, env), to);
        return out;
    }
    let Some(waiting) = smoke.flipped.get(&(service, env)) else { return out };
    let Some(cell) = rollout.cell(service, env) else { return out };
    let settled = cell.mixed.is_none() && cell.version().and_then(|v| v.key()) == Some(waiting.as_str());
    if !settled {
        return out;
    }
    let version = waiting.clone();
    smoke.flipped.remove(&(service, env));
    let (Some(row), Some(env_name)) = (rollout.services.get(service), rollout.envs.get(env)) else { return out };
    if !smoke.asked.insert((env_name.clone(), row.name.clone(), version.clone())) {
        return out;
    }
    let requests = requests(smoke, rollout, service, env, &version, true);
    if !requests.is_empty() {
        let n = requests.len();
        out.log(
            at,
            LogKind::Version,
            format!("{env_name} · {} runs {version}: {} smoke check{}", row.name, n, plural(n)),
        );
        start(smoke, &requests);
        out.effect(Effect::Smoke(SmokeEffect::Run(requests)));
    }
    out
}

/// `S` and `shipdeck smoke`: every check of every cell (narrowed to one
/// environment or service when asked), on what each runs now.
pub fn run_now(
    smoke: &mut Smoke,
    rollout: &Rollout,
    env: Option<&str>,
    service: Option<&str>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    if smoke.specs.is_empty() {
        out.flash("no smoke checks: add [[smoke]] entries to the config", true);
        return out;
    }
    let mut all = Vec::new();
    for (si, row) in rollout.services.iter().enumerate() {
        for (ei, env_name) in rollout.envs.iter().enumerate() {
            let wanted = env.is_none_or(|e| e == env_name) && service.is_none_or(|s| s == row.name);
            let Some(cell) = rollout.cell(si, ei).filter(|_| wanted) else { continue };
            // A service that is down still gets its checks: they say how.
            let version = cell
                .version()
                .or(cell.last_ok.as_ref().map(|(v, _)| v))
                .and_then(|v| v.key())
                .unwrap_or("unknown")
                .to_string();
            all.extend(requests(smoke, rollout, si, ei, &version, false));
        }
    }
    if all.is_empty() {
        out.flash("no smoke check applies here", true);
        return out;
    }
    let n = all.len();
    out.log(at, LogKind::System, format!("running {n} smoke check{}", plural(n)));
    out.flash(format!("running {n} smoke check{}…", plural(n)), false);
    start(smoke, &all);
    out.effect(Effect::Smoke(SmokeEffect::Run(all)));
    out
}

/// One check answered: journaled (an automatic one under an observation
/// id), a failure also said in the footer.
pub fn on_msg(smoke: &mut Smoke, msg: SmokeMsg) -> Outcome {
    let SmokeMsg::Checked { request, result, at } = msg;
    let mut out = Outcome::default();
    let key = (request.env.clone(), request.service.clone());
    if let Some(n) = smoke.running.get_mut(&key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            smoke.running.remove(&key);
        }
    }
    let Request { env, service, version, check, auto, .. } = *request;
    let (ok, detail) = match result {
        Ok(()) => (true, String::new()),
        Err(why) => {
            out.flash(format!("smoke {env} · {service} {check} failed: {why}"), true);
            (false, why)
        }
    };
    out.record(EventKind::SmokeChecked { env, service, version, check, ok, detail }, at, auto);
    out
}

fn start(smoke: &mut Smoke, requests: &[Request]) {
    for r in requests {
        *smoke.running.entry((r.env.clone(), r.service.clone())).or_default() += 1;
    }
}

/// The requests of a cell's checks, placeholders filled with what it runs.
fn requests(smoke: &Smoke, rollout: &Rollout, service: usize, env: usize, version: &str, auto: bool) -> Vec<Request> {
    let (Some(row), Some(env_name), Some(cell)) =
        (rollout.services.get(service), rollout.envs.get(env), rollout.cell(service, env))
    else {
        return Vec::new();
    };
    let base = base_url(&cell.endpoint.version_url);
    smoke
        .checks_for(&row.name, env_name)
        .map(|spec| {
            let f = |s: &str| fill(s, version, &row.name, env_name);
            let url = match &spec.target {
                SmokeTarget::Path(p) => format!("{}{}", base.trim_end_matches('/'), f(p)),
                SmokeTarget::Url(u) => f(u),
            };
            Request {
                env: env_name.clone(),
                service: row.name.clone(),
                version: version.to_string(),
                check: spec.label(),
                url,
                expect_status: spec.expect_status,
                contains: spec.contains.as_deref().map(f),
                json: spec.json.iter().map(|(p, v)| (p.clone(), f(v))).collect(),
                timeout: spec.timeout,
                auto,
            }
        })
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::domain::checklist::Verdict;
    use crate::domain::checklist::eval::{ItemState, evaluate};
    use crate::domain::journal::Event;
    use crate::domain::model::Model;
    use crate::domain::rollout::msg::RolloutMsg;
    use crate::domain::smoke::{Mark, SmokeSpec, mark};
    use crate::domain::{Heartbeat, Msg, update};
    use crate::testkit;
    use std::time::Duration;

    fn spec(path: &str) -> SmokeSpec {
        SmokeSpec {
            service: None,
            env: Some("prod".into()),
            target: SmokeTarget::Path(path.into()),
            expect_status: 200,
            contains: None,
            json: vec![("/version".into(), "{tag}".into())],
            timeout: Duration::from_secs(10),
        }
    }

    fn model() -> Model {
        let mut m = testkit::model(&["web"], testkit::release().window.unwrap().start);
        m.smoke = Smoke::new(vec![spec("/api/{env}/config.json")]);
        m
    }

    fn poll(m: &mut Model, version: &str) -> Vec<Effect> {
        let probe = testkit::ok(version, "abcdef1234", Heartbeat::Ok, m.now);
        m.generation += 1;
        update(m, Msg::Rollout(RolloutMsg::Probed { generation: m.generation, service: 0, env: 1, probe }))
    }

    fn runs(fx: &[Effect]) -> Vec<Request> {
        fx.iter()
            .filter_map(|e| if let Effect::Smoke(SmokeEffect::Run(r)) = e { Some(r.clone()) } else { None })
            .flatten()
            .collect()
    }

    fn answer(m: &mut Model, request: &Request, result: Result<(), String>) -> Vec<Event> {
        let msg = SmokeMsg::Checked { request: Box::new(request.clone()), result, at: m.now };
        update(m, Msg::Smoke(msg))
            .into_iter()
            .filter_map(|e| if let Effect::Append(ev) = e { Some(ev) } else { None })
            .collect()
    }

    #[test]
    fn a_flip_is_checked_once_it_is_seen_on_two_polls_in_a_row() {
        let mut m = model();
        assert!(runs(&poll(&mut m, "2026.11.26")).is_empty(), "the first answer is no flip");
        assert!(runs(&poll(&mut m, "2026.11.26")).is_empty());
        assert!(runs(&poll(&mut m, "2026.12.01")).is_empty(), "the flip itself: not settled yet");
        let asked = runs(&poll(&mut m, "2026.12.01"));
        assert_eq!(asked.len(), 1);
        let r = &asked[0];
        assert_eq!(r.url, "https://web.prod.example.org/api/prod/config.json");
        assert_eq!((r.version.as_str(), r.check.as_str(), r.auto), ("2026.12.01", "/api/{env}/config.json", true));
        assert_eq!(r.json, vec![("/version".to_string(), "2026.12.01".to_string())]);
        assert_eq!(mark(&m.smoke, "web", "prod", Some("2026.12.01")), Some(Mark::Running));
        assert!(runs(&poll(&mut m, "2026.12.01")).is_empty(), "once per flip");

        let saved = answer(&mut m, r, Err("HTTP 500, expected 200".into()));
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].id, "obs:smoke:prod:web:2026.12.01:/api/{env}/config.json", "one id for every cockpit");
        assert!(
            matches!(&saved[0].kind, EventKind::SmokeChecked { ok: false, detail, .. } if detail == "HTTP 500, expected 200")
        );
        assert_eq!(mark(&m.smoke, "web", "prod", Some("2026.12.01")), Some(Mark::Failing));
        let item = evaluate(&m);
        let item = item.find("smoke-pass-prod").unwrap();
        assert_eq!(item.state, ItemState::Auto(Verdict::Fail));
        assert_eq!(
            item.evidence.as_deref(),
            Some("0/1 passed on prod; failed: web /api/{env}/config.json: HTTP 500, expected 200")
        );
    }

    #[test]
    fn s_runs_every_check_now_and_the_item_passes_when_all_pass() {
        let mut m = model();
        {
            let view = evaluate(&m);
            let item = view.find("smoke-pass-prod").unwrap();
            assert_eq!(item.state, ItemState::Auto(Verdict::Wait));
            assert_eq!(item.evidence.as_deref(), Some("0/1 passed on prod; waiting for web to answer"));
        }
        poll(&mut m, "2026.11.26");
        let asked = runs(&update(&mut m, Msg::Action(Action::Smoke)));
        assert_eq!(asked.len(), 1, "only prod has a check");
        assert!(!asked[0].auto);
        let saved = answer(&mut m, &asked[0], Ok(()));
        assert!(!saved[0].is_observation(), "a run someone asked for is theirs");
        assert_eq!(mark(&m.smoke, "web", "prod", Some("2026.11.26")), Some(Mark::Passing));
        assert_eq!(mark(&m.smoke, "web", "prod", Some("2026.12.01")), None, "results are of a version");
        let view = evaluate(&m);
        let item = view.find("smoke-pass-prod").unwrap();
        assert_eq!(
            (item.state.clone(), item.evidence.as_deref()),
            (ItemState::Auto(Verdict::Pass), Some("1/1 passed on prod"))
        );
    }

    #[test]
    fn without_checks_the_item_is_by_hand_and_s_says_so() {
        let mut m = testkit::model(&["web"], testkit::release().window.unwrap().start);
        let view = evaluate(&m);
        let item = view.find("smoke-pass-prod").unwrap();
        assert_eq!((item.automatic, item.evidence.as_deref()), (false, Some("no [[smoke]] checks are configured")));
        drop(view);
        assert!(runs(&update(&mut m, Msg::Action(Action::Smoke))).is_empty());
        assert!(m.view.flash.as_ref().is_some_and(|f| f.text.contains("[[smoke]]")));
    }

    #[test]
    fn the_newest_result_wins_in_any_order() {
        let t = testkit::release().window.unwrap().start;
        let event = |id: &str, secs: i64, ok: bool| Event {
            committer: None,
            v: crate::domain::journal::VERSION,
            id: id.into(),
            at: t + chrono::Duration::seconds(secs),
            replica: "r".into(),
            seq: 1,
            actor: crate::domain::journal::EventActor {
                name: "a".into(),
                role: crate::domain::kernel::actor::Role::Ops,
            },
            kind: EventKind::SmokeChecked {
                env: "prod".into(),
                service: "web".into(),
                version: "v".into(),
                check: "/x".into(),
                ok,
                detail: String::new(),
            },
        };
        let (old, new) = (event("a", 0, false), event("b", 5, true));
        let mut one = Smoke::new(vec![spec("/x")]);
        one.apply(&old);
        one.apply(&new);
        let mut other = Smoke::new(vec![spec("/x")]);
        other.apply(&new);
        other.apply(&old);
        assert_eq!(one, other);
        assert_eq!(mark(&one, "web", "prod", Some("v")), Some(Mark::Passing));
    }
}
