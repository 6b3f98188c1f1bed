//! How each event reads in the log, and how it is styled.

use super::{Event, EventKind};
use crate::domain::log::names::{Names, NoNames};
use chrono::{DateTime, Utc};

impl Event {
    /// How the event reads in the log, and how it is styled, from the event
    /// alone: items by id, blockers without their number.
    pub fn describe(&self) -> (crate::domain::log::LogKind, String) {
        self.describe_with(&NoNames)
    }

    /// How the event reads in the log, in people's words: a checklist item
    /// by its title, a blocker with the number `/unblock` takes.
    pub fn describe_with(&self, names: &dyn Names) -> (crate::domain::log::LogKind, String) {
        use crate::domain::log::LogKind;
        let who = format!("{} ({})", self.actor.name, self.actor.role.as_str());
        let item = |id: &str| names.item(id).map_or_else(|| id.to_string(), |title| format!("'{title}'"));
        match &self.kind {
            EventKind::Chat { text } => (LogKind::Chat, format!("{who}: {text}")),
            EventKind::Tick { item: id, note, overrides_role } => {
                let note = note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
                let over = if *overrides_role { " (for another role)" } else { "" };
                (LogKind::Git, format!("{who} ticked {}{over}{note}", item(id)))
            }
            EventKind::Untick { item: id, overrides_role } => {
                let over = if *overrides_role { " (for another role)" } else { "" };
                (LogKind::Git, format!("{who} unticked {}{over}", item(id)))
            }
            EventKind::Waive { item: id, reason, overrides_role } => {
                let over = if *overrides_role { " (for another role)" } else { "" };
                (LogKind::Git, format!("{who} waived {}{over} — {reason}", item(id)))
            }
            EventKind::TagCreated { repo, tag, commit } => {
                let short = crate::domain::rollout::probe::short_sha(commit);
                (LogKind::Git, format!("{repo}: tagged {tag} at {short} by {}", self.actor.name))
            }
            EventKind::TagPushed { repo, tag } => (LogKind::Git, format!("{repo}: pushed {tag} ({})", self.actor.name)),
            EventKind::VersionChanged { env, service, from, to, commit } => {
                let c = commit
                    .as_deref()
                    .map(|c| format!(" ({})", crate::domain::rollout::probe::short_sha(c)))
                    .unwrap_or_default();
                (LogKind::Version, format!("{env} · {service} {from} -> {to}{c}"))
            }
            EventKind::HeartbeatChanged { env, service, from, to } => {
                (LogKind::Heartbeat, format!("{env} · {service} heartbeat {from} -> {to}"))
            }
            EventKind::EndpointDown { env, service, outage, error, .. } => {
                (LogKind::Error, down_text(env, service, *outage, error))
            }
            EventKind::EndpointUp { env, service, since, .. } => {
                (LogKind::Version, up_text(env, service, *since, self.at))
            }
            EventKind::PushStarted => (LogKind::Git, format!("push started by {who}")),
            EventKind::PushFinished { open } if open.is_empty() => (LogKind::Git, format!("push finished by {who}")),
            EventKind::PushFinished { open } => {
                let n = open.len();
                let what = open.join("; ");
                (LogKind::Error, format!("push finished by {who} over {n} open (override): {what}"))
            }
            EventKind::PushReopened => (LogKind::Git, format!("push reopened by {who}")),
            EventKind::Presence => (LogKind::System, format!("{who} is here")),
            EventKind::Notable { text } => (LogKind::Chat, format!("{who} notable: {text}")),
            EventKind::Blocker { text } => {
                let number = names.blocker(self).map(|n| format!(" #{n}")).unwrap_or_default();
                (LogKind::Error, format!("{who} blocker{number}: {text}"))
            }
            EventKind::Unblock { number } => {
                let what = names.blocker_text(*number).map(|t| format!(": {t}")).unwrap_or_default();
                (LogKind::Git, format!("{who} resolved blocker #{number}{what}"))
            }
            EventKind::Pick { repo, sha, summary } => {
                let short = crate::domain::rollout::probe::short_sha(sha);
                (LogKind::Git, format!("{who} to pick: {repo} {short} {summary}"))
            }
            EventKind::Note { text } => (LogKind::Chat, format!("{who} note: {text}")),
            EventKind::Retract { what, .. } => (LogKind::Chat, format!("{who} took back {what}")),
            EventKind::Retagged { repo, tag, base, commit, shipped, skipped } => {
                let short = crate::domain::rollout::probe::short_sha(commit);
                let picks = match shipped.len() {
                    1 => "1 pick".to_string(),
                    n => format!("{n} picks"),
                };
                let skip =
                    if skipped.is_empty() { String::new() } else { format!(", {} already in {base}", skipped.len()) };
                (LogKind::Git, format!("{repo}: {who} re-tagged {tag} at {short} on {base} with {picks}{skip}"))
            }
            EventKind::DeployStarted { env, service, tag, rollback, overrides_lock } => {
                let what = if *rollback { "rolling back" } else { "deploying" };
                let over = if *overrides_lock { " over the lock" } else { "" };
                (LogKind::Git, format!("{who} {what} {service} to {tag} on {env}{over}"))
            }
            EventKind::DeployFinished { env, service, tag, ok: true, detail, .. } => {
                let detail = if detail.is_empty() { String::new() } else { format!(" ({detail})") };
                (LogKind::Git, format!("{who} deployed {tag} to {env} · {service}{detail}"))
            }
            EventKind::DeployFinished { env, service, tag, ok: false, detail, .. } => {
                (LogKind::Error, format!("{who}: deploy of {tag} to {env} · {service} failed: {detail}"))
            }
            EventKind::Locked { env, reason } => (LogKind::Error, format!("{who} locked deploys to {env}: {reason}")),
            EventKind::Unlocked { env } => (LogKind::Git, format!("{who} unlocked deploys to {env}")),
            EventKind::SmokeChecked { env, service, version, check, ok: true, .. } => {
                (LogKind::Version, format!("{env} · {service} smoke {check} passed on {version}"))
            }
            EventKind::SmokeChecked { env, service, version, check, ok: false, detail } => {
                (LogKind::Error, format!("{env} · {service} smoke {check} FAILED on {version}: {detail}"))
            }
            EventKind::SentryDeploy { project, env, version, ok: true, .. } => {
                (LogKind::System, format!("Sentry: {project} release {version} deployed to {env} recorded"))
            }
            EventKind::SentryDeploy { project, env, version, ok: false, detail } => {
                (LogKind::Error, format!("Sentry: could not record {project} {version} on {env}: {detail}"))
            }
            EventKind::SentrySpike { project, since_push, baseline, .. } => {
                let text = if *baseline > 0 {
                    let r = *since_push as f64 / *baseline as f64;
                    format!("Sentry: {project} errors {r:.1}x baseline since the push ({since_push} vs {baseline})")
                } else {
                    format!("Sentry: {project} {since_push} errors since the push, none before")
                };
                (LogKind::Error, text)
            }
        }
    }
}

/// How an `endpoint_down` event reads in the log.
fn down_text(env: &str, service: &str, outage: u32, error: &str) -> String {
    let nth = if outage > 1 { format!(" (outage {outage})") } else { String::new() };
    format!("{env} · {service} down{nth}: {error}")
}

/// How an `endpoint_up` event reads in the log: how long the outage lasted.
fn up_text(env: &str, service: &str, since: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let s = (at - since).num_seconds().max(0);
    let lasted = match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s / 60) % 60),
    };
    format!("{env} · {service} answers again after {lasted}")
}
