//! Reading an event from its JSON line.

use super::{Event, EventActor, EventKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Reading is by hand because it is the hot path of loading a journal:
/// serde's `flatten` buffers every line into an intermediate map first. One
/// flat struct with every field any kind uses reads each line in one pass.
/// Fields a kind does not use are ignored, as are unknown ones (an older
/// shipdeck can read a newer v1 line that gained an optional field).
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        struct Flat {
            v: u32,
            id: String,
            at: DateTime<Utc>,
            #[serde(default)]
            replica: String,
            #[serde(default)]
            seq: u64,
            committer: Option<String>,
            actor: EventActor,
            kind: String,
            text: Option<String>,
            item: Option<String>,
            note: Option<String>,
            #[serde(default)]
            overrides_role: bool,
            reason: Option<String>,
            repo: Option<String>,
            tag: Option<String>,
            commit: Option<String>,
            env: Option<String>,
            service: Option<String>,
            from: Option<String>,
            to: Option<String>,
            project: Option<String>,
            number: Option<usize>,
            sha: Option<String>,
            summary: Option<String>,
            since_push: Option<u64>,
            baseline: Option<u64>,
            push_start: Option<DateTime<Utc>>,
            outage: Option<u32>,
            state: Option<String>,
            error: Option<String>,
            since: Option<DateTime<Utc>>,
            #[serde(default)]
            open: Vec<String>,
            target: Option<String>,
            what: Option<String>,
            base: Option<String>,
            #[serde(default)]
            shipped: Vec<String>,
            #[serde(default)]
            skipped: Vec<String>,
            #[serde(default)]
            rollback: bool,
            #[serde(default)]
            overrides_lock: bool,
            deploy: Option<String>,
            ok: Option<bool>,
            detail: Option<String>,
            version: Option<String>,
            check: Option<String>,
        }
        let f = Flat::deserialize(d)?;
        let kind_name = f.kind.as_str();
        let need = |v: Option<String>, field: &'static str| {
            v.ok_or_else(|| D::Error::custom(format!("a `{kind_name}` event needs `{field}`")))
        };
        let kind = match kind_name {
            "chat" => EventKind::Chat { text: need(f.text, "text")? },
            "tick" => EventKind::Tick { item: need(f.item, "item")?, note: f.note, overrides_role: f.overrides_role },
            "untick" => EventKind::Untick { item: need(f.item, "item")?, overrides_role: f.overrides_role },
            "waive" => EventKind::Waive {
                item: need(f.item, "item")?,
                reason: need(f.reason, "reason")?,
                overrides_role: f.overrides_role,
            },
            "tag_created" => EventKind::TagCreated {
                repo: need(f.repo, "repo")?,
                tag: need(f.tag, "tag")?,
                commit: need(f.commit, "commit")?,
            },
            "tag_pushed" => EventKind::TagPushed { repo: need(f.repo, "repo")?, tag: need(f.tag, "tag")? },
            "version_changed" => EventKind::VersionChanged {
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                from: need(f.from, "from")?,
                to: need(f.to, "to")?,
                commit: f.commit,
            },
            "heartbeat_changed" => EventKind::HeartbeatChanged {
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                from: need(f.from, "from")?,
                to: need(f.to, "to")?,
            },
            "endpoint_down" => EventKind::EndpointDown {
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                outage: f.outage.ok_or_else(|| D::Error::custom("an `endpoint_down` event needs `outage`"))?,
                state: need(f.state, "state")?,
                error: f.error.unwrap_or_default(),
            },
            "endpoint_up" => EventKind::EndpointUp {
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                outage: f.outage.ok_or_else(|| D::Error::custom("an `endpoint_up` event needs `outage`"))?,
                since: f.since.ok_or_else(|| D::Error::custom("an `endpoint_up` event needs `since`"))?,
            },
            "push_started" => EventKind::PushStarted,
            "push_finished" => EventKind::PushFinished { open: f.open },
            "push_reopened" => EventKind::PushReopened,
            "presence" => EventKind::Presence,
            "notable" => EventKind::Notable { text: need(f.text, "text")? },
            "blocker" => EventKind::Blocker { text: need(f.text, "text")? },
            "unblock" => EventKind::Unblock {
                number: f.number.ok_or_else(|| D::Error::custom("an `unblock` event needs `number`"))?,
            },
            "pick" => EventKind::Pick {
                repo: need(f.repo, "repo")?,
                sha: need(f.sha, "sha")?,
                summary: f.summary.unwrap_or_default(),
            },
            "note" => EventKind::Note { text: need(f.text, "text")? },
            "retract" => EventKind::Retract { target: need(f.target, "target")?, what: f.what.unwrap_or_default() },
            "sentry_spike" => EventKind::SentrySpike {
                project: need(f.project, "project")?,
                since_push: f
                    .since_push
                    .ok_or_else(|| D::Error::custom("a `sentry_spike` event needs `since_push`"))?,
                baseline: f.baseline.unwrap_or(0),
                push_start: f
                    .push_start
                    .ok_or_else(|| D::Error::custom("a `sentry_spike` event needs `push_start`"))?,
            },
            "retagged" => EventKind::Retagged {
                repo: need(f.repo, "repo")?,
                tag: need(f.tag, "tag")?,
                base: need(f.base, "base")?,
                commit: need(f.commit, "commit")?,
                shipped: f.shipped,
                skipped: f.skipped,
            },
            "deploy_started" => EventKind::DeployStarted {
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                tag: need(f.tag, "tag")?,
                rollback: f.rollback,
                overrides_lock: f.overrides_lock,
            },
            "deploy_finished" => EventKind::DeployFinished {
                deploy: need(f.deploy, "deploy")?,
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                tag: need(f.tag, "tag")?,
                ok: f.ok.ok_or_else(|| D::Error::custom("a `deploy_finished` event needs `ok`"))?,
                detail: f.detail.unwrap_or_default(),
            },
            "locked" => EventKind::Locked { env: need(f.env, "env")?, reason: need(f.reason, "reason")? },
            "unlocked" => EventKind::Unlocked { env: need(f.env, "env")? },
            "smoke_checked" => EventKind::SmokeChecked {
                env: need(f.env, "env")?,
                service: need(f.service, "service")?,
                version: need(f.version, "version")?,
                check: need(f.check, "check")?,
                ok: f.ok.ok_or_else(|| D::Error::custom("a `smoke_checked` event needs `ok`"))?,
                detail: f.detail.unwrap_or_default(),
            },
            "sentry_deploy" => EventKind::SentryDeploy {
                project: need(f.project, "project")?,
                env: need(f.env, "env")?,
                version: need(f.version, "version")?,
                ok: f.ok.ok_or_else(|| D::Error::custom("a `sentry_deploy` event needs `ok`"))?,
                detail: f.detail.unwrap_or_default(),
            },
            other => return Err(D::Error::custom(format!("unknown event kind `{other}`"))),
        };
        Ok(Event {
            v: f.v,
            id: f.id,
            at: f.at,
            replica: f.replica,
            seq: f.seq,
            committer: f.committer,
            actor: f.actor,
            kind,
        })
    }
}
