//! Last week's push, as the demo's journal remembers it: every service went
//! from the push before to the previous tag on stage, then prod, and the push
//! was finished. It is what the last known good is folded from, so a
//! rollback in the demo goes back to a version that is known good for a
//! reason the cockpit can say.

use super::fleet_state::ENVS;
use super::story::Story;
use crate::domain::journal::{Event, EventActor, EventKind, VERSION};
use crate::domain::kernel::actor::Role;
use crate::io::journal::{JournalError, JournalStore};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Writes the journal of the push a week before `push_date` in `data_dir`,
/// its times placed a week before `now`.
pub fn remember(
    data_dir: &std::path::Path,
    release: &str,
    push_date: NaiveDate,
    story: &Story,
    before_old: &str,
    now: DateTime<Utc>,
) -> Result<(), JournalError> {
    let store = JournalStore::for_push(data_dir, release, push_date - Duration::days(7));
    let start = now - Duration::days(7) - Duration::hours(2);
    let mut n = 0u64;
    let mut event = |at: DateTime<Utc>, name: &str, role: Role, kind: EventKind| {
        n += 1;
        Event {
            v: VERSION,
            id: format!("demo-last-push.{n}"),
            at,
            replica: "demo-last-push".into(),
            seq: 0,
            committer: None,
            actor: EventActor { name: name.into(), role },
            kind,
        }
    };
    let mut events = vec![event(start, "dana", Role::Rm, EventKind::PushStarted)];
    for (e, env) in ENVS.iter().enumerate() {
        for (i, service) in story.services.iter().enumerate() {
            let at = start + Duration::minutes(10 + 40 * e as i64 + i as i64);
            let kind = EventKind::VersionChanged {
                env: env.to_string(),
                service: service.clone(),
                from: before_old.to_string(),
                to: story.old_tag.clone(),
                commit: None,
            };
            events.push(event(at, "cockpit", Role::Rm, kind));
        }
    }
    events.push(event(start + Duration::minutes(95), "dana", Role::Rm, EventKind::PushFinished { open: Vec::new() }));
    store.append_all(&events)
}
