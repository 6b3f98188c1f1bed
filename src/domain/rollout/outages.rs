//! Outages as the journal tells them: which endpoints are down, since when,
//! and what an answer adds to that account.

use super::probe::ProbeState;
use crate::domain::kernel::order::Order;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Where an endpoint stands in the journal's account of outages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutageMark {
    /// The highest outage number recorded for the endpoint this push.
    pub count: u32,
    /// When it went down, if the newest outage event (in the fold order)
    /// says it did; `None` when that event says it answers again.
    pub down_since: Option<DateTime<Utc>>,
    /// The fold order of that newest event.
    order: Option<Order>,
}

/// Outages as the journal tells them, per `(env, service)`: a fold over
/// `endpoint_down` and `endpoint_up` events. Events folded in any order end
/// in the same marks: the newest in the fold order says whether an endpoint
/// is down, the count is the highest number any event carries. Restarting,
/// or reading another cockpit's lines, therefore continues the story instead
/// of telling it again.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outages(BTreeMap<(String, String), OutageMark>);

/// An outage event's parts, as the fold reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageEvent<'a> {
    pub env: &'a str,
    pub service: &'a str,
    pub outage: u32,
    /// `endpoint_down` (true) or `endpoint_up`.
    pub down: bool,
    pub at: DateTime<Utc>,
    pub order: Order,
}

/// What an answer adds to the journal's account of outages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutageChange {
    Down { outage: u32, state: String, error: String },
    Up { outage: u32, since: DateTime<Utc> },
}

impl Outages {
    pub fn apply(&mut self, e: OutageEvent) {
        let mark = self.0.entry((e.env.to_string(), e.service.to_string())).or_default();
        mark.count = mark.count.max(e.outage);
        if mark.order.as_ref().is_none_or(|o| *o <= e.order) {
            mark.down_since = e.down.then_some(e.at);
            mark.order = Some(e.order);
        }
    }

    pub fn get(&self, env: &str, service: &str) -> Option<&OutageMark> {
        self.0.get(&(env.to_string(), service.to_string()))
    }

    /// What an answer from `env` · `service` adds to the journal: that the
    /// endpoint went down, when the journal does not already say so (on
    /// first sight too: a service down when the cockpit starts is news), or
    /// that it answers again, when the journal says it is down. Anything
    /// else (another failure while down, an answer while up) is no news, so
    /// a flapping endpoint makes one line per transition, not one per poll.
    /// Outages are numbered per endpoint, which gives each its own
    /// observation id: two cockpits seeing the same outage record it once,
    /// and the second outage in a minute is not mistaken for the first.
    pub fn change(&self, env: &str, service: &str, state: ProbeState, error: &str) -> Option<OutageChange> {
        let mark = self.get(env, service);
        let count = mark.map_or(0, |m| m.count);
        match (state.is_down(), mark.and_then(|m| m.down_since)) {
            (true, None) => Some(OutageChange::Down {
                outage: count + 1,
                state: state.as_str().to_string(),
                error: error.to_string(),
            }),
            (false, Some(since)) => Some(OutageChange::Up { outage: count, since }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::{Event, EventKind};

    fn outage_event(n: u64, down: bool, number: u32, replica: &str) -> Event {
        let at = DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(n as i64 * 10);
        let kind = if down {
            EventKind::EndpointDown {
                env: "prod".into(),
                service: "web".into(),
                outage: number,
                state: "timeout".into(),
                error: "no answer".into(),
            }
        } else {
            EventKind::EndpointUp { env: "prod".into(), service: "web".into(), outage: number, since: at }
        };
        Event {
            committer: None,
            v: crate::domain::journal::VERSION,
            id: Event::observed_id(&kind, at),
            at,
            replica: replica.into(),
            seq: 1_000 + n,
            actor: crate::domain::journal::EventActor {
                name: "a".into(),
                role: crate::domain::kernel::actor::Role::Ops,
            },
            kind,
        }
    }

    proptest::proptest! {
        /// However the outage events arrive, the marks are the same: the
        /// newest in the fold order says down or up, the count is the highest.
        #[test]
        fn outages_fold_to_one_state_in_any_order(
            steps in proptest::collection::vec(proptest::prelude::any::<bool>(), 1..12),
            seed in proptest::prelude::any::<u64>(),
        ) {
            let events: Vec<Event> = steps
                .iter()
                .enumerate()
                .map(|(i, down)| outage_event(i as u64, *down, i as u32 / 2 + 1, if i % 2 == 0 { "a" } else { "b" }))
                .collect();
            let mut sorted = Outages::default();
            for e in &events {
                sorted.apply(e.outage().unwrap());
            }
            let mut shuffled = events.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut any = Outages::default();
            for e in &shuffled {
                any.apply(e.outage().unwrap());
            }
            proptest::prop_assert_eq!(sorted.get("prod", "web"), any.get("prod", "web"));
            let last = events.last().unwrap();
            let mark = any.get("prod", "web").unwrap();
            proptest::prop_assert_eq!(mark.down_since.is_some(), matches!(last.kind, EventKind::EndpointDown { .. }));
            proptest::prop_assert_eq!(mark.count, (events.len() as u32 - 1) / 2 + 1);
        }
    }
}
