//! Telling Sentry about a deploy: when a service linked to a Sentry project
//! runs its target on an environment, the release is created in Sentry if
//! missing and a deploy of it to that environment recorded, once per team.
//!
//! Once: the journal says what was done (a `sentry_deploy` event for the
//! project, environment and version, ok or not, from any cockpit of the
//! team), and what this cockpit asked for is remembered until it is. In a
//! shared push the request goes through the shared session's claims, so only
//! the cockpit whose claim lands first calls Sentry (see `app/sharing.rs`).

use super::SentryState;
pub use super::deploy_record::{DeployRecord, Deploys};
use super::msg::{SentryEffect, SentryMsg};
use crate::domain::journal::EventKind;
use crate::domain::msg::Effect;
use crate::domain::outcome::Outcome;
use crate::domain::rollout::Rollout;
use chrono::{DateTime, Utc};

/// The deploys to record now: each linked service running its target on an
/// environment, not told yet. The deploy started when the journal says it
/// was asked for or the version first showed there, else when the rollout
/// saw it on the target (`now`), which is when it finished.
pub fn due(s: &mut SentryState, rollout: &Rollout, now: DateTime<Utc>) -> Vec<Effect> {
    if !(s.spec.record_deploys && s.deploys.enabled) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for p in &s.spec.projects {
        let Some(service) = &p.service else { continue };
        let Some((si, row)) = rollout.services.iter().enumerate().find(|(_, r)| &r.name == service) else {
            continue;
        };
        for (ei, env) in rollout.envs.iter().enumerate() {
            let Some(cell) = rollout.cell(si, ei) else { continue };
            if !cell.on_target(&row.target) {
                continue;
            }
            let version = row.target.tag.clone();
            let started = s.deploys.started(env, service, &version);
            let record = DeployRecord {
                project: p.slug.clone(),
                env: env.clone(),
                version,
                started: started.unwrap_or(now).min(now),
                finished: now,
            };
            if s.deploys.ask(&record) {
                out.push(Effect::Sentry(SentryEffect::RecordDeploy(record)));
            }
        }
    }
    out
}

/// Sentry's answer, or another cockpit's claim that won: journaled when it
/// was ours (a failure also said in the footer; the push goes on).
pub fn on_msg(msg: SentryMsg) -> Outcome {
    let mut out = Outcome::default();
    match msg {
        SentryMsg::DeployRecorded { record, result, at } => {
            let DeployRecord { project, env, version, .. } = *record;
            let (ok, detail) = match result {
                Ok(()) => (true, String::new()),
                Err(why) => {
                    out.flash(format!("Sentry: could not record {project} {version} on {env}: {why}"), true);
                    (false, why)
                }
            };
            out.record(EventKind::SentryDeploy { project, env, version, ok, detail }, at, false);
        }
        SentryMsg::DeployClaimed { record, by, at } => {
            let text = format!(
                "Sentry: {by}'s cockpit records the deploy of {} {} to {}",
                record.project, record.version, record.env
            );
            out.log(at, crate::domain::log::LogKind::System, text);
        }
        SentryMsg::Fetched { .. } => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kernel::actor::Role;
    use crate::domain::model::Model;
    use crate::domain::rollout::msg::RolloutMsg;
    use crate::domain::{Heartbeat, Msg, update};
    use crate::testkit;

    fn model(record: bool) -> Model {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["web"], t);
        let mut spec = testkit::sentry_spec("https://sentry.example", "mozilla", None, &["web"]);
        spec.record_deploys = record;
        m.sentry = Some(SentryState::new(spec));
        m.sentry.as_mut().unwrap().deploys.enabled = true;
        m
    }

    fn asked(m: &mut Model, version: &str, minutes: i64) -> Vec<DeployRecord> {
        let at = testkit::release().window.unwrap().start + chrono::Duration::minutes(minutes);
        let probe = testkit::ok(version, "abcdef1234", Heartbeat::Ok, at);
        m.generation += 1;
        let fx = update(m, Msg::Rollout(RolloutMsg::Probed { generation: m.generation, service: 0, env: 1, probe }));
        fx.into_iter()
            .filter_map(|e| if let Effect::Sentry(SentryEffect::RecordDeploy(r)) = e { Some(r) } else { None })
            .collect()
    }

    #[test]
    fn the_target_reached_is_told_once_from_when_the_deploy_started() {
        let mut m = model(true);
        assert!(asked(&mut m, "2026.11.19", 0).is_empty(), "not the target");
        let start = testkit::release().window.unwrap().start + chrono::Duration::minutes(2);
        let kind = EventKind::DeployStarted {
            env: "prod".into(),
            service: "web".into(),
            tag: "2026.11.26".into(),
            rollback: false,
            overrides_lock: false,
        };
        m.apply_event(&testkit::event("d1", start, "carol", Role::Ops, kind));
        let told = asked(&mut m, "2026.11.26", 5);
        assert_eq!(told.len(), 1);
        let r = &told[0];
        assert_eq!((r.project.as_str(), r.env.as_str(), r.version.as_str()), ("web", "prod", "2026.11.26"));
        assert_eq!((r.started, r.finished), (start, start + chrono::Duration::minutes(3)));
        assert_eq!(r.claim_key(), "sentry-deploy:web:prod:2026.11.26");
        assert!(asked(&mut m, "2026.11.26", 6).is_empty(), "once");
    }

    #[test]
    fn a_deploy_in_the_journal_is_done_and_nothing_is_told_unless_asked_to() {
        let mut m = model(true);
        let at = testkit::release().window.unwrap().start;
        let kind = EventKind::SentryDeploy {
            project: "web".into(),
            env: "prod".into(),
            version: "2026.11.26".into(),
            ok: false,
            detail: "HTTP 403".into(),
        };
        m.apply_event(&testkit::event("s1", at, "bob", Role::Ops, kind));
        assert!(asked(&mut m, "2026.11.26", 1).is_empty(), "another cockpit (or a restart) did it");
        let mut off = model(false);
        assert!(asked(&mut off, "2026.11.26", 1).is_empty(), "record_deploys is off by default");
        let mut headless = model(true);
        headless.sentry.as_mut().unwrap().deploys.enabled = false;
        assert!(asked(&mut headless, "2026.11.26", 1).is_empty(), "a command that reads tells no one");
    }
}
