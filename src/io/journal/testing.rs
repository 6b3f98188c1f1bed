//! Test helpers: a store in a temporary data dir, chat events, their ids.

use super::{JournalStore, Loaded};
use crate::domain::journal::{Event, EventActor, EventKind, VERSION};
use crate::domain::kernel::actor::Role;
use chrono::{NaiveDate, TimeZone, Utc};

pub(super) fn event(id: &str, text: &str) -> Event {
    Event {
        committer: None,
        v: VERSION,
        id: id.into(),
        at: Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap(),
        replica: String::new(),
        seq: 0,
        actor: EventActor { name: "alice".into(), role: Role::Rm },
        kind: EventKind::Chat { text: text.into() },
    }
}

pub(super) fn store() -> (tempfile::TempDir, JournalStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = JournalStore::for_push(dir.path(), "AMO Push!", NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
    (dir, s)
}

pub(super) fn ids(l: &Loaded) -> Vec<&str> {
    l.events.iter().map(|e| e.id.as_str()).collect()
}
