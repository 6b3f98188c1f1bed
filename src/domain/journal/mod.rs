//! The session journal's events: everything that happens during a push, one
//! JSON object per line. The log pane, the checklist, the notes and the push
//! duration are folds over these. Pure: reading and writing the file is the
//! io layer's.

use crate::domain::kernel::actor::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod describe;
pub mod msg;
mod read;

/// The schema version written by this build. A line with a newer one is a
/// clear error, never overwritten.
pub const VERSION: u32 = 1;

/// The longest text one event carries, in characters: one limit for the
/// composer, `shipdeck log` and lines read back from the journal.
pub const MAX_TEXT: usize = 2000;

/// How often an open cockpit of a shared push says it is there: rarely
/// enough that an idle cockpit adds a dozen small commits an hour to the
/// remote, often enough that "last heard 4m ago" means someone is there.
pub const PRESENCE_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// `text` within [`MAX_TEXT`], and whether it had to be cut (the caller says so).
pub fn limit_text(text: &str) -> (String, bool) {
    if text.chars().count() <= MAX_TEXT {
        return (text.to_string(), false);
    }
    let mut cut: String = text.chars().take(MAX_TEXT - 1).collect();
    cut.push('…');
    (cut, true)
}

/// What is said when a text was cut.
pub fn cut_notice() -> String {
    format!("the text was cut to {MAX_TEXT} characters, the limit for one line")
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventActor {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Event {
    pub v: u32,
    /// Unique per event: `{replica}.{seq}.{process}` for what a person or a
    /// cockpit did; observed events derive theirs from what was observed, so
    /// two cockpits watching the same fleet write the same id once.
    pub id: String,
    pub at: DateTime<Utc>,
    /// The data dir that made the event (empty on lines from before replicas).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub replica: String,
    /// Where the event stands in the journal's one order: a hybrid logical
    /// clock in microseconds, `max(previous + 1, now)`, where "previous" is the
    /// largest clock this process has made or read. It is monotonic on its
    /// machine whatever the wall clock does, and sorts after everything its
    /// maker had seen. 0 on lines from before it existed: their `at` stands in.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub seq: u64,
    /// The git identity (`Name <email>`) that committed this line to the
    /// shared remote, as the commit says: set by this machine when it takes
    /// the line from the remote, never read from the line itself, and empty
    /// on lines made here or never shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committer: Option<String>,
    pub actor: EventActor,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Chat {
        text: String,
    },
    Tick {
        item: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default)]
        overrides_role: bool,
    },
    Untick {
        item: String,
        /// Taken back by someone whose role does not own the item.
        #[serde(default)]
        overrides_role: bool,
    },
    /// The item counts as done without its check, for a stated reason.
    Waive {
        item: String,
        reason: String,
        #[serde(default)]
        overrides_role: bool,
    },
    TagCreated {
        repo: String,
        tag: String,
        commit: String,
    },
    TagPushed {
        repo: String,
        tag: String,
    },
    VersionChanged {
        env: String,
        service: String,
        from: String,
        to: String,
        #[serde(default)]
        commit: Option<String>,
    },
    HeartbeatChanged {
        env: String,
        service: String,
        from: String,
        to: String,
    },
    /// An endpoint stopped answering (a timeout, no connection, an HTTP
    /// error): the `outage`-th time this push; `state` as `status --json`.
    EndpointDown {
        env: String,
        service: String,
        outage: u32,
        state: String,
        error: String,
    },
    /// The endpoint down `since` answers again, ending outage `outage`.
    EndpointUp {
        env: String,
        service: String,
        outage: u32,
        since: DateTime<Utc>,
    },
    PushStarted,
    /// `open`: what was not done when the push was finished anyway (typed
    /// `finish` over it), one line each; empty for a push finished clean
    /// and on lines from before it was recorded.
    PushFinished {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        open: Vec<String>,
    },
    /// A finished push running again (the release manager's call): the
    /// checklist counts it as running until the next finish.
    PushReopened,
    /// An open cockpit saying it is still there, at most every
    /// [`PRESENCE_EVERY`]: who is in the push, for the others' screens.
    /// Never shown as a log line.
    Presence,
    /// For the notes: a notable thing shipping, a blocker (numbered in
    /// order), a blocker resolved, a commit to cherry-pick, a free note.
    Notable {
        text: String,
    },
    Blocker {
        text: String,
    },
    Unblock {
        number: usize,
    },
    Pick {
        repo: String,
        sha: String,
        summary: String,
    },
    Note {
        text: String,
    },
    /// An earlier notes line (`/notable`, `/blocker`, `/pick`, `/note`)
    /// taken back: event `target` (not `id`, which every event line has),
    /// described by `what` as it read then, so the log says what was taken
    /// back without looking it up. The line stays, struck through; a
    /// retracted blocker is no longer open.
    Retract {
        target: String,
        what: String,
    },
    /// The next tag of this push built from the pick basket: `tag` made at
    /// `commit` on `base` (this push's newest tag, or the previous push's
    /// tag for its first), with the picks whose shas are in `shipped`
    /// cherry-picked in that order, and those in `skipped` already in `base`.
    Retagged {
        repo: String,
        tag: String,
        base: String,
        commit: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        shipped: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skipped: Vec<String>,
    },
    /// A deploy of `tag` to one service on one environment, asked of the
    /// team's `[deploy.ENV]` hook. Its id is the deploy's: the answer names it.
    /// `rollback`: back to the last known good. `overrides_lock`: the
    /// environment was locked and the person typed to deploy anyway.
    DeployStarted {
        env: String,
        service: String,
        tag: String,
        #[serde(default)]
        rollback: bool,
        #[serde(default)]
        overrides_lock: bool,
    },
    /// How the hook answered deploy `deploy` (a `deploy_started` id): `ok`
    /// when the command exited 0 or the webhook answered 2xx; `detail` says
    /// what it answered (an exit code, an HTTP status and `Location`, a
    /// timeout). Whether the service then runs `tag` is the rollout's to see.
    DeployFinished {
        deploy: String,
        env: String,
        service: String,
        tag: String,
        ok: bool,
        #[serde(default)]
        detail: String,
    },
    /// Deploys to `env` are locked, for `reason`, until an `unlocked`.
    Locked {
        env: String,
        reason: String,
    },
    Unlocked {
        env: String,
    },
    /// A smoke check (`check`: its path or URL as configured) of `service`
    /// on `env` while it ran `version`.
    SmokeChecked {
        env: String,
        service: String,
        version: String,
        check: String,
        ok: bool,
        #[serde(default)]
        detail: String,
    },
    /// Sentry told of a deploy: release `version` of `project` deployed to
    /// `env` (`ok`), or why it could not be (`detail`). Made once per team.
    SentryDeploy {
        project: String,
        env: String,
        version: String,
        ok: bool,
        #[serde(default)]
        detail: String,
    },
    /// A Sentry project's errors since the push rose to a spike.
    SentrySpike {
        project: String,
        since_push: u64,
        baseline: u64,
        push_start: DateTime<Utc>,
    },
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

pub use crate::domain::kernel::order::Order;

impl Order {
    /// `true` when this key comes after `e`'s in the fold order.
    pub fn is_after(&self, e: &Event) -> bool {
        self.cmp_parts(e.clock(), &e.replica, &e.id).is_gt()
    }

    /// Becomes `e`'s key, reusing its buffers.
    pub fn set(&mut self, e: &Event) {
        self.set_parts(e.clock(), &e.replica, &e.id);
    }
}

/// Microseconds since the epoch; dates before it count as 0.
pub fn micros(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_micros()).unwrap_or(0)
}

/// The clock of the next event made at `at` after clocks up to `last`.
pub fn next_clock(last: u64, at: DateTime<Utc>) -> u64 {
    last.saturating_add(1).max(micros(at))
}

/// How far ahead of this machine's clock another event's may pull ours: a
/// machine whose clock is wrong (or a hostile line claiming the end of time)
/// cannot make every later event of ours sort as one.
pub const MAX_DRIFT_MICROS: u64 = 24 * 60 * 60 * 1_000_000;

/// Our clock after reading `event` at `now`.
pub fn seen_clock(last: u64, event: &Event, now: DateTime<Utc>) -> u64 {
    last.max(event.clock().min(micros(now).saturating_add(MAX_DRIFT_MICROS)))
}

/// The id of an event a person or a cockpit made: the replica (random, one
/// per data dir), the clock and the process (random, one per run) together
/// cannot collide, even for two processes sharing a data dir in the same
/// microsecond.
pub fn event_id(replica: &str, clock: u64, process: &str) -> String {
    format!("{replica}.{clock}.{process}")
}

/// Sorts events into the fold order. Journals are nearly sorted already, which
/// the standard stable sort handles in close to one pass.
pub fn sort(events: &mut [Event]) {
    events.sort_by(|a, b| a.cmp_order(b));
}

impl Event {
    pub fn clock(&self) -> u64 {
        if self.seq > 0 { self.seq } else { micros(self.at) }
    }

    /// The parts the outage fold reads, for `endpoint_down`/`endpoint_up`.
    pub fn outage(&self) -> Option<crate::domain::rollout::OutageEvent<'_>> {
        let (env, service, outage, down) = match &self.kind {
            EventKind::EndpointDown { env, service, outage, .. } => (env, service, *outage, true),
            EventKind::EndpointUp { env, service, outage, .. } => (env, service, *outage, false),
            _ => return None,
        };
        Some(crate::domain::rollout::OutageEvent { env, service, outage, down, at: self.at, order: self.order() })
    }

    pub fn order(&self) -> Order {
        Order { clock: self.clock(), replica: self.replica.clone(), id: self.id.clone() }
    }

    /// [`Event::order`] without building the keys.
    pub fn cmp_order(&self, other: &Event) -> std::cmp::Ordering {
        (self.clock(), &self.replica, &self.id).cmp(&(other.clock(), &other.replica, &other.id))
    }

    /// An observation: the same fact seen by several cockpits, kept once.
    pub fn is_observation(&self) -> bool {
        self.id.starts_with("obs:")
    }

    /// The id of an observation: the same fact seen by two cockpits within
    /// the same minute gets the same id, so the journal keeps it once.
    pub fn observed_id(kind: &EventKind, at: DateTime<Utc>) -> String {
        let minute = at.format("%Y%m%dT%H%M");
        match kind {
            EventKind::VersionChanged { env, service, to, .. } => format!("obs:{env}:{service}:{to}:{minute}"),
            EventKind::HeartbeatChanged { env, service, to, .. } => format!("obs:hb:{env}:{service}:{to}:{minute}"),
            // Numbered per endpoint: one id per outage and per recovery.
            EventKind::EndpointDown { env, service, outage, .. } => format!("obs:down:{env}:{service}:{outage}"),
            EventKind::EndpointUp { env, service, outage, .. } => format!("obs:up:{env}:{service}:{outage}"),
            // One spike per project and push start, however many cockpits see it.
            EventKind::SentrySpike { project, push_start, .. } => {
                format!("obs:sentry:{project}:{}", push_start.timestamp())
            }
            // One result per check of a version on an endpoint, however many
            // cockpits ran it after the flip.
            EventKind::SmokeChecked { env, service, version, check, .. } => {
                format!("obs:smoke:{env}:{service}:{version}:{check}")
            }
            _ => format!("obs:{minute}"),
        }
    }
}

impl EventKind {
    /// Whether the event is a line of the log: a presence beat only says
    /// someone is there, which the people list shows.
    pub fn is_log_line(&self) -> bool {
        !matches!(self, EventKind::Presence)
    }

    /// Something a person said, rather than something that happened.
    pub fn is_person(&self) -> bool {
        matches!(
            self,
            EventKind::Chat { .. }
                | EventKind::Notable { .. }
                | EventKind::Blocker { .. }
                | EventKind::Unblock { .. }
                | EventKind::Pick { .. }
                | EventKind::Note { .. }
                | EventKind::Retract { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_clock_moves_on_and_a_far_future_line_pulls_it_only_so_far() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap();
        assert_eq!(next_clock(0, now), micros(now));
        assert_eq!(next_clock(micros(now) + 5, now), micros(now) + 6, "monotonic when the wall clock lags");
        assert_eq!(next_clock(u64::MAX, now), u64::MAX, "no overflow");
        let mut e = Event {
            committer: None,
            v: VERSION,
            id: "x".into(),
            at: now,
            replica: String::new(),
            seq: u64::MAX,
            actor: EventActor { name: "m".into(), role: Role::Qa },
            kind: EventKind::PushStarted,
        };
        assert_eq!(seen_clock(0, &e, now), micros(now) + MAX_DRIFT_MICROS);
        e.seq = micros(now) + 10;
        assert_eq!(seen_clock(0, &e, now), micros(now) + 10);
    }

    #[test]
    fn lines_have_the_documented_shape() {
        let e = Event {
            committer: None,
            v: VERSION,
            id: "e1".into(),
            at: Utc.with_ymd_and_hms(2026, 11, 26, 15, 12, 0).unwrap(),
            replica: String::new(),
            seq: 0,
            actor: EventActor { name: "alice".into(), role: Role::Qa },
            kind: EventKind::Tick { item: "regression-tests".into(), note: None, overrides_role: false },
        };
        let line = serde_json::to_string(&e).unwrap();
        assert_eq!(
            line,
            r#"{"v":1,"id":"e1","at":"2026-11-26T15:12:00Z","actor":{"name":"alice","role":"qa"},"kind":"tick","item":"regression-tests","overrides_role":false}"#
        );
        assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), e);
        let started: Event = serde_json::from_str(
            r#"{"v":1,"id":"x","at":"2026-11-26T15:00:00Z","actor":{"name":"bob","role":"rm"},"kind":"push_started"}"#,
        )
        .unwrap();
        assert_eq!(started.kind, EventKind::PushStarted);
        // A finish written before the override was recorded reads as a clean one.
        let finished: Event = serde_json::from_str(
            r#"{"v":1,"id":"y","at":"2026-11-26T16:00:00Z","actor":{"name":"bob","role":"rm"},"kind":"push_finished"}"#,
        )
        .unwrap();
        assert_eq!(finished.kind, EventKind::PushFinished { open: Vec::new() });
        assert!(serde_json::to_string(&finished).unwrap().ends_with(r#""kind":"push_finished"}"#));
    }

    #[test]
    fn every_kind_round_trips_and_bad_lines_say_what_is_missing() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 15, 12, 0).unwrap();
        let s = |v: &str| v.to_string();
        let kinds = [
            EventKind::Chat { text: s("hello") },
            EventKind::Tick { item: s("a"), note: Some(s("ci")), overrides_role: true },
            EventKind::Untick { item: s("a"), overrides_role: true },
            EventKind::Waive { item: s("in-window"), reason: s("emergency"), overrides_role: false },
            EventKind::TagCreated { repo: s("r"), tag: s("2026.11.26"), commit: s("abc") },
            EventKind::TagPushed { repo: s("r"), tag: s("2026.11.26") },
            EventKind::VersionChanged { env: s("prod"), service: s("x"), from: s("a"), to: s("b"), commit: None },
            EventKind::HeartbeatChanged { env: s("prod"), service: s("x"), from: s("ok"), to: s("warning") },
            EventKind::EndpointDown {
                env: s("prod"),
                service: s("x"),
                outage: 2,
                state: s("timeout"),
                error: s("no answer within 2s"),
            },
            EventKind::EndpointUp { env: s("prod"), service: s("x"), outage: 2, since: at },
            EventKind::PushStarted,
            EventKind::PushFinished { open: Vec::new() },
            EventKind::PushFinished { open: vec![s("blocker #1: search down"), s("prod: api not on target")] },
            EventKind::PushReopened,
            EventKind::SentrySpike { project: s("web"), since_push: 42, baseline: 10, push_start: at },
            EventKind::Notable { text: s("review queue") },
            EventKind::Blocker { text: s("search down") },
            EventKind::Unblock { number: 1 },
            EventKind::Pick { repo: s("r"), sha: s("abcdef1"), summary: s("fix") },
            EventKind::Note { text: s("n") },
            EventKind::Retract { target: s("e1"), what: s("blocker #1 'x'") },
        ];
        for kind in kinds {
            let e = Event {
                committer: None,
                v: VERSION,
                id: s("i"),
                at,
                replica: String::new(),
                seq: 0,
                actor: EventActor { name: s("a"), role: Role::Rm },
                kind,
            };
            let line = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), e, "{line}");
        }
        let head = r#"{"v":1,"id":"x","at":"2026-11-26T15:00:00Z","actor":{"name":"bob","role":"rm"},"#;
        let err = serde_json::from_str::<Event>(&format!(r#"{head}"kind":"waive","item":"a"}}"#)).unwrap_err();
        assert!(err.to_string().contains("a `waive` event needs `reason`"), "{err}");
        let err = serde_json::from_str::<Event>(&format!(r#"{head}"kind":"dance"}}"#)).unwrap_err();
        assert!(err.to_string().contains("unknown event kind `dance`"), "{err}");
        let ok = serde_json::from_str::<Event>(&format!(r#"{head}"kind":"chat","text":"hi","mood":"calm"}}"#));
        assert!(ok.is_ok(), "unknown fields are ignored: {ok:?}");
    }
}
