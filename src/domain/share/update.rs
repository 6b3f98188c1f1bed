//! A round's report folded into the sharing state. The log says what
//! changed — in sync again, offline, refused — once, not every round; a
//! round's warnings are said as they come.

use super::msg::{RoundFailure, ShareMsg};
use super::{Link, ShareState};
use crate::domain::log::LogKind;
use crate::domain::outcome::Outcome;

/// An open cockpit says it is there when it opens and every
/// [`crate::domain::journal::PRESENCE_EVERY`] after: a journal line like any
/// other, so the others' people list has everyone with a cockpit open, not
/// only those who did something.
pub fn beat(s: &mut ShareState, now: chrono::DateTime<chrono::Utc>) -> Outcome {
    let mut out = Outcome::default();
    if s.beat_due(now) {
        s.last_beat = Some(now);
        out.record(crate::domain::journal::EventKind::Presence, now, false);
    }
    out
}

pub fn on_msg(s: &mut ShareState, msg: ShareMsg) -> Outcome {
    let mut out = Outcome::default();
    let (at, result, unsent) = match msg {
        ShareMsg::Round { at, result, unsent } => (at, result, unsent),
        ShareMsg::Claimed { at, text, by } => {
            let who = by.map_or_else(|| "this cockpit".to_string(), |b| format!("{b}'s cockpit"));
            out.log(at, LogKind::System, format!("posted to the webhook by {who}: {text}"));
            return out;
        }
    };
    s.unsent = unsent;
    let remote = s.remote.clone();
    match result {
        Ok(warnings) => {
            if !matches!(s.link, Link::Synced { .. }) {
                out.log(at, LogKind::System, format!("sharing through {remote}: in sync"));
            }
            s.link = Link::Synced { at };
            for w in warnings {
                out.log(at, LogKind::Error, format!("sharing through {remote}: {w}"));
            }
        }
        Err(RoundFailure { offline, text }) => {
            let same = match &s.link {
                Link::Offline { error, .. } | Link::Refused { error, .. } => *error == text,
                _ => false,
            };
            let since = match &s.link {
                Link::Offline { since, .. } | Link::Refused { since, .. } => *since,
                _ => at,
            };
            if !same {
                let then = if offline {
                    "every line is kept and sent once it answers"
                } else {
                    "nothing is sent until this is fixed"
                };
                out.log(at, LogKind::Error, format!("sharing through {remote}: {text}; {then}"));
            }
            s.link = if offline { Link::Offline { since, error: text } } else { Link::Refused { since, error: text } };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outcome::Act;
    use chrono::{TimeZone, Utc};

    fn logged(out: &Outcome) -> Vec<String> {
        out.acts.iter().filter_map(|a| if let Act::Log { text, .. } = a { Some(text.clone()) } else { None }).collect()
    }

    #[test]
    fn a_change_is_said_once_and_an_outage_keeps_its_start() {
        let t = |s| Utc.with_ymd_and_hms(2026, 11, 26, 10, 42, s).unwrap();
        let mut s = ShareState::new("git@example.com:team/push.git".into());
        let ok = |at| ShareMsg::Round { at, result: Ok(Vec::new()), unsent: 0 };
        let down = |at| ShareMsg::Round {
            at,
            result: Err(RoundFailure { offline: true, text: "cannot reach it".into() }),
            unsent: 3,
        };
        assert_eq!(logged(&on_msg(&mut s, ok(t(0)))), ["sharing through git@example.com:team/push.git: in sync"]);
        assert!(logged(&on_msg(&mut s, ok(t(1)))).is_empty(), "quiet rounds say nothing");
        assert_eq!(logged(&on_msg(&mut s, down(t(2)))).len(), 1);
        assert!(logged(&on_msg(&mut s, down(t(3)))).is_empty(), "the same trouble is said once");
        assert_eq!(s.link, Link::Offline { since: t(2), error: "cannot reach it".into() });
        assert_eq!(logged(&on_msg(&mut s, ok(t(4)))).len(), 1, "back in sync is said");
        assert_eq!(s.link, Link::Synced { at: t(4) });
    }

    #[test]
    fn presence_is_said_on_opening_then_every_five_minutes_only() {
        let t = |m| Utc.with_ymd_and_hms(2026, 11, 26, 10, m, 0).unwrap();
        let mut s = ShareState::new("r".into());
        let beats =
            |s: &mut ShareState, at| beat(s, at).acts.iter().filter(|a| matches!(a, Act::Record { .. })).count();
        assert_eq!(beats(&mut s, t(0)), 1, "on opening");
        assert_eq!(beats(&mut s, t(1)), 0);
        assert_eq!(beats(&mut s, t(4)), 0);
        assert_eq!(beats(&mut s, t(5)), 1);
        assert_eq!(beats(&mut s, t(9)), 0);
        assert_eq!(beats(&mut s, t(3)), 1, "a clock set back does not silence it");
    }
}
