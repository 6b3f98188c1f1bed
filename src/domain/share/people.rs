//! Who is in the push: everyone whose events the journal holds, with the
//! newest of them. Folded from events as they are read, by the cockpit (for
//! its screen) and by the sharing engine (for `shipdeck sync`) alike.

use super::Person;
use crate::domain::journal::Event;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct People(BTreeMap<String, Person>);

impl People {
    /// Takes in one event, in any order: a person's newest event stays.
    pub fn note(&mut self, event: &Event) {
        let name = &event.actor.name;
        match self.0.get_mut(name) {
            Some(p) if p.last_seen > event.at => {}
            Some(p) => {
                p.role = event.actor.role;
                p.last_seen = event.at;
            }
            None => {
                let person = Person { name: name.clone(), role: event.actor.role, last_seen: event.at };
                self.0.insert(name.clone(), person);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Most recently heard from first; ties by name, so the order is stable.
    pub fn newest_first(&self) -> Vec<&Person> {
        let mut people: Vec<&Person> = self.0.values().collect();
        people.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then_with(|| a.name.cmp(&b.name)));
        people
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::{EventActor, EventKind, VERSION};
    use crate::domain::kernel::actor::Role;
    use chrono::{TimeZone, Utc};

    fn ev(name: &str, role: Role, min: u32) -> Event {
        Event {
            v: VERSION,
            id: format!("{name}{min}"),
            at: Utc.with_ymd_and_hms(2026, 12, 1, 10, min, 0).unwrap(),
            replica: String::new(),
            seq: 0,
            committer: None,
            actor: EventActor { name: name.into(), role },
            kind: EventKind::Presence,
        }
    }

    #[test]
    fn each_person_once_with_their_newest_event_whatever_the_order() {
        let mut p = People::default();
        for e in [ev("bob", Role::Qa, 5), ev("alice", Role::Rm, 1), ev("bob", Role::Ops, 2), ev("carol", Role::Ops, 5)]
        {
            p.note(&e);
        }
        let names: Vec<(&str, Role, u32)> = p
            .newest_first()
            .iter()
            .map(|x| (x.name.as_str(), x.role, chrono::Timelike::minute(&x.last_seen)))
            .collect();
        assert_eq!(names, [("bob", Role::Qa, 5), ("carol", Role::Ops, 5), ("alice", Role::Rm, 1)]);
    }
}
