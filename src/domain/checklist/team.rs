//! `[team]`: the roles each person may act in. A journal line is a claim
//! (anyone who can write to the journal or push to the shared remote picks
//! the name and role on it); the team says which claims count towards the
//! checklist. Names match as people type them: surrounding spaces and letter
//! case do not matter, anything else does.

use super::Mark;
use crate::domain::journal::{Event, Order};
use crate::domain::kernel::actor::Role;
use std::collections::HashMap;

/// One person of the team and the roles they may act in; no role at all is
/// allowed (named, so their lines are recognised, but none of them counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// As written in the config, trimmed.
    pub name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Team {
    members: Vec<Member>,
    /// Each member's name folded by [`fold_name`], in the same order: folded
    /// once here so a check folds only the name it is given.
    folded: Vec<String>,
}

/// A name as it is compared: trimmed, in lower case.
pub fn fold_name(name: &str) -> String {
    name.trim().chars().flat_map(char::to_lowercase).collect()
}

impl Team {
    /// The config refuses two members whose names fold alike; should they
    /// reach here anyway, the first one answers.
    pub fn new(members: Vec<Member>) -> Team {
        let folded = members.iter().map(|m| fold_name(&m.name)).collect();
        Team { members, folded }
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member this name is, however its case is written.
    pub fn member(&self, name: &str) -> Option<&Member> {
        let name = name.trim();
        // Without allocating: this runs for every tick in a journal.
        let at = self.folded.iter().position(|f| name.chars().flat_map(char::to_lowercase).eq(f.chars()))?;
        Some(&self.members[at])
    }

    /// The team gives `name` the role `role`.
    pub fn allows(&self, name: &str, role: Role) -> bool {
        self.member(name).is_some_and(|m| m.roles.contains(&role))
    }

    /// Why a line by `name` in `role` is unverified; `None` when it is not.
    pub fn refusal(&self, name: &str, role: Role) -> Option<String> {
        let Some(member) = self.member(name) else {
            return Some(format!("{} is not in [team]", name.trim()));
        };
        if member.roles.contains(&role) {
            return None;
        }
        let given = match member.roles.as_slice() {
            [] => "no role".to_string(),
            roles => {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                    _ => names.join(""),
                }
            }
        };
        Some(format!("[team] gives {} {given}, not {}", member.name, role.as_str()))
    }
}

/// A tick, waiver or untick by someone `[team]` does not give the role they
/// claimed: shown, never counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub mark: Mark,
    pub untick: bool,
    /// Why it does not count: "mallory is not in [team]".
    pub why: String,
}

impl Claim {
    pub fn what(&self) -> &'static str {
        match (self.untick, self.mark.waived) {
            (true, _) => "unticked",
            (false, true) => "waived",
            (false, false) => "ticked",
        }
    }
}

/// Item id -> the newest unverified act on it and its fold order, kept under
/// the same order rule as the verified marks, so every arrival order of the
/// same lines shows the same one.
#[derive(Debug, Clone, Default)]
pub(super) struct Unverified(HashMap<String, (Order, Claim)>);

impl Unverified {
    pub(super) fn keep(&mut self, item: &str, event: &Event, claim: Claim) {
        match self.0.get_mut(item) {
            Some((newest, _)) if newest.is_after(event) => {}
            Some((newest, old)) => {
                newest.set(event);
                *old = claim;
            }
            None => {
                self.0.insert(item.to_string(), (event.order(), claim));
            }
        }
    }

    pub(super) fn newest(&self, item: &str) -> Option<&(Order, Claim)> {
        self.0.get(item)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Checklist, builtin};
    use super::*;
    use crate::domain::journal::{Event, EventActor, EventKind};
    use chrono::{TimeZone, Utc};

    fn team() -> Team {
        let m = |name: &str, roles: &[Role]| Member { name: name.into(), roles: roles.to_vec() };
        Team::new(vec![
            m("alice", &[Role::Rm]),
            m("Bob", &[Role::Qa]),
            m("carol", &[Role::Ops, Role::Rm]),
            m("Ünal Öz", &[Role::Dev]),
            m("dave", &[]),
        ])
    }

    #[test]
    fn names_match_without_regard_to_case_or_surrounding_spaces() {
        let t = team();
        assert!(t.allows("alice", Role::Rm));
        assert!(t.allows(" ALICE ", Role::Rm));
        assert!(t.allows("bob", Role::Qa));
        assert!(t.allows("ünal öz", Role::Dev), "beyond ASCII too");
        assert!(!t.allows("ünalöz", Role::Dev), "inner spaces count");
        assert!(!t.allows("alice2", Role::Rm));
        assert!(!t.allows("alic", Role::Rm));
    }

    #[test]
    fn a_claim_outside_the_team_says_why() {
        let t = team();
        assert_eq!(t.refusal("carol", Role::Rm), None);
        assert_eq!(t.refusal("mallory", Role::Qa).as_deref(), Some("mallory is not in [team]"));
        assert_eq!(t.refusal("BOB", Role::Rm).as_deref(), Some("[team] gives Bob qa, not rm"));
        assert_eq!(t.refusal("carol", Role::Qa).as_deref(), Some("[team] gives carol ops and rm, not qa"));
        assert_eq!(t.refusal("dave", Role::Rm).as_deref(), Some("[team] gives dave no role, not rm"));
        assert!(!t.allows("dave", Role::Rm) && !t.allows("dave", Role::Dev), "an empty list allows nothing");
    }

    fn ev(min: u32, who: &str, role: Role, kind: EventKind) -> Event {
        Event {
            committer: Some(format!("{who} <{who}@example.com>")),
            v: 1,
            id: format!("{who}-{min}"),
            at: Utc.with_ymd_and_hms(2026, 11, 26, 15, min, 0).unwrap(),
            replica: String::new(),
            seq: 0,
            actor: EventActor { name: who.into(), role },
            kind,
        }
    }

    fn tick(item: &str) -> EventKind {
        EventKind::Tick { item: item.into(), note: None, overrides_role: false }
    }

    fn untick(item: &str) -> EventKind {
        EventKind::Untick { item: item.into(), overrides_role: false }
    }

    fn waive(item: &str) -> EventKind {
        EventKind::Waive { item: item.into(), reason: "not this week".into(), overrides_role: false }
    }

    fn checklist(team: Option<Team>) -> Checklist {
        let mut c = Checklist::new(builtin(&["stage".into(), "prod".into()]));
        c.set_team(team);
        c
    }

    #[test]
    fn a_verified_tick_counts_and_keeps_its_committer() {
        let mut c = checklist(Some(team()));
        c.apply(&ev(1, "BOB", Role::Qa, tick("regression-tests")));
        let m = &c.marks["regression-tests"];
        assert_eq!((m.by.name.as_str(), m.committer.as_deref()), ("BOB", Some("BOB <BOB@example.com>")));
        assert_eq!(c.unverified("regression-tests"), None);
    }

    #[test]
    fn unverified_ticks_and_waivers_mark_nothing_and_are_kept_apart() {
        let mut c = checklist(Some(team()));
        c.apply(&ev(1, "mallory", Role::Qa, tick("regression-tests")));
        c.apply(&ev(2, "bob", Role::Rm, waive("features-agreed")));
        c.apply(&ev(3, "dave", Role::Dev, tick("ci-green")));
        assert!(c.marks.is_empty(), "{:?}", c.marks);
        let claim = c.unverified("regression-tests").expect("shown");
        assert_eq!((claim.what(), claim.why.as_str()), ("ticked", "mallory is not in [team]"));
        assert_eq!(claim.mark.committer.as_deref(), Some("mallory <mallory@example.com>"));
        let claim = c.unverified("features-agreed").expect("shown");
        assert_eq!((claim.what(), claim.why.as_str()), ("waived", "[team] gives Bob qa, not rm"));
        assert_eq!(c.unverified("ci-green").unwrap().why, "[team] gives dave no role, not dev");
    }

    #[test]
    fn an_unverified_untick_does_not_take_a_verified_tick_back() {
        let mut c = checklist(Some(team()));
        c.apply(&ev(1, "bob", Role::Qa, tick("results-sent")));
        c.apply(&ev(2, "mallory", Role::Qa, untick("results-sent")));
        c.apply(&ev(3, "bob", Role::Rm, untick("results-sent")));
        assert_eq!(c.marks["results-sent"].by.name, "bob", "still ticked");
        let claim = c.unverified("results-sent").expect("the newest word, shown");
        assert_eq!((claim.what(), claim.mark.by.name.as_str()), ("unticked", "bob"));
        // Nor can an unverified tick re-tick what a verified untick opened.
        c.apply(&ev(4, "bob", Role::Qa, untick("results-sent")));
        c.apply(&ev(5, "mallory", Role::Qa, tick("results-sent")));
        assert!(!c.marks.contains_key("results-sent"));
        assert_eq!(c.unverified("results-sent").unwrap().what(), "ticked");
    }

    #[test]
    fn an_unverified_act_older_than_the_verified_state_is_not_shown() {
        let mut c = checklist(Some(team()));
        // Arriving out of order: the verified tick at 5 is the newest word.
        c.apply(&ev(5, "bob", Role::Qa, tick("results-sent")));
        c.apply(&ev(3, "mallory", Role::Qa, untick("results-sent")));
        assert_eq!(c.unverified("results-sent"), None);
        c.apply(&ev(4, "eve", Role::Qa, untick("results-sent")));
        assert_eq!(c.unverified("results-sent"), None, "still older");
        c.apply(&ev(6, "eve", Role::Qa, tick("results-sent")));
        assert_eq!(c.unverified("results-sent").unwrap().mark.by.name, "eve");
        assert_eq!(c.marks["results-sent"].by.name, "bob");
    }

    #[test]
    fn an_override_by_a_verified_role_is_still_an_override() {
        let mut c = checklist(Some(team()));
        // carol may act as rm; as rm she ticks QA's item, with the override.
        let over = EventKind::Tick { item: "regression-tests".into(), note: None, overrides_role: true };
        c.apply(&ev(1, "carol", Role::Rm, over.clone()));
        assert!(c.marks["regression-tests"].overrides_role);
        // alice may not act as qa: claiming qa does not make her tick count.
        c.apply(&ev(2, "alice", Role::Qa, tick("cross-env-tests")));
        assert!(!c.marks.contains_key("cross-env-tests"));
        // Claiming the role the team gives, with the override, counts.
        c.apply(&ev(3, "alice", Role::Rm, over));
        assert!(c.marks["regression-tests"].overrides_role);
    }

    #[test]
    fn without_a_team_every_line_counts_as_before() {
        let events = [
            ev(1, "mallory", Role::Qa, tick("regression-tests")),
            ev(2, "zed", Role::Rm, waive("features-agreed")),
            ev(3, "bob", Role::Qa, tick("results-sent")),
            ev(4, "mallory", Role::Dev, untick("results-sent")),
            ev(5, "zed", Role::Rm, EventKind::PushStarted),
        ];
        let mut c = checklist(None);
        for e in &events {
            c.apply(e);
        }
        assert_eq!(c.marks.len(), 2);
        assert_eq!(c.marks["regression-tests"].by.name, "mallory");
        assert!(c.marks["features-agreed"].waived);
        assert!(!c.marks.contains_key("results-sent"));
        assert_eq!(c.push_started.as_ref().unwrap().1.name, "zed");
        assert!(["regression-tests", "features-agreed", "results-sent"].iter().all(|id| c.unverified(id).is_none()));

        let mut c = checklist(Some(team()));
        for e in &events {
            c.apply(e);
        }
        assert_eq!(c.marks["results-sent"].by.name, "bob", "only bob's counts");
        assert_eq!(c.marks.len(), 1);
        assert_eq!(c.push_started, None, "zed is not in the team: no push start");
    }

    #[test]
    fn unverified_push_marks_are_not_the_push() {
        let mut c = checklist(Some(team()));
        c.apply(&ev(1, "mallory", Role::Rm, EventKind::PushStarted));
        assert_eq!(c.push_started, None);
        c.apply(&ev(2, "carol", Role::Ops, EventKind::PushStarted));
        c.apply(&ev(3, "mallory", Role::Rm, EventKind::PushFinished { open: Vec::new() }));
        assert_eq!(c.push_finished, None);
        assert_eq!(c.push_started.as_ref().unwrap().1.name, "carol");
    }

    #[test]
    fn the_order_of_arrival_does_not_matter() {
        let events = [
            ev(1, "bob", Role::Qa, tick("results-sent")),
            ev(2, "mallory", Role::Qa, untick("results-sent")),
            ev(3, "bob", Role::Qa, untick("results-sent")),
            ev(4, "eve", Role::Qa, tick("results-sent")),
            ev(5, "bob", Role::Qa, tick("regression-tests")),
            ev(6, "eve", Role::Qa, untick("regression-tests")),
        ];
        let fold = |order: &[usize]| {
            let mut c = checklist(Some(team()));
            for &i in order {
                c.apply(&events[i]);
            }
            let ids = ["results-sent", "regression-tests"];
            ids.map(|id| (c.marks.get(id).cloned(), c.unverified(id).cloned()))
        };
        let expect = fold(&[0, 1, 2, 3, 4, 5]);
        assert_eq!(expect[0].0, None);
        assert_eq!(expect[0].1.as_ref().unwrap().mark.by.name, "eve");
        assert_eq!(expect[1].0.as_ref().unwrap().by.name, "bob");
        for order in [[5, 4, 3, 2, 1, 0], [3, 1, 5, 0, 4, 2], [2, 0, 4, 1, 3, 5]] {
            assert_eq!(fold(&order), expect, "{order:?}");
        }
    }
}
