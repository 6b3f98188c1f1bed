//! The push checklist: phases of items, each owned by a role. Manual items
//! are ticked by people; auto items are judged from live state (see
//! `checklist::eval`). What people did is a fold over the journal's tick,
//! untick and waive events, so every cockpit and every restart agrees.

use crate::domain::journal::{Event, EventActor, EventKind, Order};
use crate::domain::kernel::actor::Role;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

mod auto;
pub mod eval;
pub mod open;
pub mod report;
mod rule;
pub mod team;
pub mod update;

pub use rule::{AutoRule, UnknownAutoRule};
pub use team::Claim;
use team::{Team, Unverified};

/// What an auto item's rule says now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Not yet: the rollout or the tags are still on their way.
    Wait,
    /// Something is wrong: a service not answering, a scan failing, the
    /// window missed.
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSpec {
    pub id: String,
    pub text: String,
    pub role: Role,
    pub auto: Option<AutoRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseSpec {
    pub name: String,
    pub items: Vec<ItemSpec>,
}

/// The built-in template, from the weekly push duty. `envs` decides which
/// environments "stage" and "prod" are: the ones named so, else the first and
/// the last. With a single environment only the prod item is automatic.
pub fn builtin(envs: &[String]) -> Vec<PhaseSpec> {
    let named = |n: &str| envs.iter().find(|e| e.as_str() == n);
    let prod = prod_env(envs);
    let stage = named("stage").or_else(|| named("staging")).or(envs.first()).filter(|s| Some(*s) != prod);
    let on = |env: Option<&String>| env.map(|e| AutoRule::OnTarget(e.clone()));
    let item = |id: &str, text: &str, role: Role, auto: Option<AutoRule>| ItemSpec {
        id: id.into(),
        text: text.into(),
        role,
        auto,
    };
    use Role::{Dev, Ops, Qa, Rm};
    let phase = |name: &str, items: Vec<ItemSpec>| PhaseSpec { name: name.into(), items };
    vec![
        phase(
            "Before tagging",
            vec![
                item("features-agreed", "Features for this push agreed", Rm, None),
                item(
                    "security-in-sync",
                    "Security fixes merged, security fork in sync",
                    Rm,
                    Some(AutoRule::SecurityInSync),
                ),
                item("dependency-releases", "Dependency releases done", Dev, None),
            ],
        ),
        phase(
            "Hand-off to test",
            vec![
                item("tags-exist", "Tag with changes exists on every repo", Rm, Some(AutoRule::TagsExist)),
                item("ci-green", "CI healthy for the tagged commit", Dev, None),
                item("test-plan-linked", "Test plan linked", Qa, None),
                item("security-signoff", "Security sign-off (if needed)", Rm, None),
                item("deploy-notes", "Deploy notes for Ops", Rm, None),
                item("risky-changes-reviewed", "Risky changes reviewed with Ops", Ops, Some(AutoRule::RiskReviewed)),
                item("stage-on-target", "Stage runs the target tag everywhere", Ops, on(stage)),
            ],
        ),
        phase(
            "Test sign-off (QA)",
            vec![
                item("regression-tests", "Regression tests pass", Qa, None),
                item("cross-env-tests", "Cross-environment tests pass", Qa, None),
                item("test-plan-passes", "Test plan passes", Qa, None),
                item("load-test", "Load test signed off by Ops (if needed)", Ops, None),
                item("results-sent", "Results sent", Qa, None),
            ],
        ),
        phase(
            "Push to production",
            vec![
                item("in-window", "Inside the maintenance window", Ops, Some(AutoRule::InWindow)),
                item("team-present", "RM, QA and Ops present", Rm, None),
                item("prod-on-target", "Prod runs the target tag everywhere", Ops, on(prod)),
                item(
                    "smoke-pass-prod",
                    &format!("Smoke checks pass on {}", prod.map_or("prod", |e| e.as_str())),
                    Ops,
                    prod.map(|e| AutoRule::SmokePass(e.clone())),
                ),
                item("qa-verified-prod", "QA verified on prod", Qa, None),
                item("sentry-no-new-errors", "Sentry shows no new errors", Ops, Some(AutoRule::SentryCalm)),
                item("graphs-no-spikes", "Graphs show no spikes", Ops, None),
            ],
        ),
        phase(
            "After the push",
            vec![
                item("push-duration", "Push duration recorded", Rm, Some(AutoRule::PushDuration)),
                item("next-notes", "Notes for the next push created", Rm, None),
                item("done-mail", "\"Push is done\" mail sent", Rm, None),
                item("next-hero-told", "Next push hero told", Rm, None),
            ],
        ),
    ]
}

/// Production: the environment named `prod` or `production`, else the last.
pub fn prod_env(envs: &[String]) -> Option<&String> {
    envs.iter().find(|e| *e == "prod").or_else(|| envs.iter().find(|e| *e == "production")).or(envs.last())
}

/// A person's tick or waiver on an item, as the journal last recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub by: EventActor,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    /// Ticked by someone whose role does not own the item.
    pub overrides_role: bool,
    /// A waiver: the item is considered done without its check, for `note`.
    pub waived: bool,
    /// The git identity that committed the line to the shared remote, as
    /// the importing machine read it (see [`Event::committer`]).
    pub committer: Option<String>,
}

/// The checklist as configured, and what the journal says people did.
///
/// With a [`Team`], only lines whose actor the team gives the claimed role
/// count: an unverified tick or waiver does not mark an item, an unverified
/// untick does not take a mark back, and an unverified push start or finish
/// is not the push's. Such lines are kept apart, the newest per item, to be
/// shown. Without a team every line counts.
#[derive(Debug, Clone, Default)]
pub struct Checklist {
    pub phases: Vec<PhaseSpec>,
    /// Item id -> the newest verified tick or waiver; a verified untick
    /// removes it.
    pub marks: HashMap<String, Mark>,
    /// Item id -> the fold order of the newest verified tick, untick or
    /// waiver folded in: an older one arriving later (another cockpit's, read
    /// back from the journal) does not undo it, so every cockpit ends in the
    /// same state.
    stamps: HashMap<String, Order>,
    /// What the team does not vouch for, the newest per item.
    unverified: Unverified,
    team: Option<Team>,
    /// Push starts, finishes and reopenings in the fold order, whatever
    /// order they arrived in; the two fields below are replayed from them.
    push_marks: Vec<(Order, PushMark, DateTime<Utc>, EventActor)>,
    pub push_started: Option<(DateTime<Utc>, EventActor)>,
    pub push_finished: Option<(DateTime<Utc>, EventActor)>,
}

/// What one push event does to the push's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PushMark {
    Start,
    Finish,
    Reopen,
}

impl Checklist {
    pub fn new(phases: Vec<PhaseSpec>) -> Self {
        Checklist { phases, ..Checklist::default() }
    }

    /// Who may act in which role; set before any event is folded in, since
    /// every mark is folded under it.
    pub fn set_team(&mut self, team: Option<Team>) {
        debug_assert!(self.stamps.is_empty() && self.unverified.is_empty() && self.push_marks.is_empty());
        self.team = team;
    }

    pub fn team(&self) -> Option<&Team> {
        self.team.as_ref()
    }

    /// The newest unverified act on `item` when no verified one came after
    /// it: the last word on the item, not counted.
    pub fn unverified(&self, item: &str) -> Option<&Claim> {
        let (order, claim) = self.unverified.newest(item)?;
        match self.stamps.get(item) {
            Some(verified) if verified > order => None,
            _ => Some(claim),
        }
    }

    pub fn items(&self) -> impl Iterator<Item = &ItemSpec> {
        self.phases.iter().flat_map(|p| p.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&ItemSpec> {
        self.items().find(|i| i.id == id)
    }

    pub fn len(&self) -> usize {
        self.phases.iter().map(|p| p.items.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Folds one journal event in. Marks on ids the checklist does not have
    /// (a template changed mid-push) are kept, so changing it back restores them.
    pub fn apply(&mut self, event: &Event) {
        let mark = |note: Option<String>, overrides_role: bool, waived: bool| Mark {
            by: event.actor.clone(),
            at: event.at,
            note,
            overrides_role,
            waived,
            committer: event.committer.clone(),
        };
        let item = match &event.kind {
            EventKind::Tick { item, .. } | EventKind::Waive { item, .. } | EventKind::Untick { item, .. } => Some(item),
            EventKind::PushStarted | EventKind::PushFinished { .. } | EventKind::PushReopened => None,
            _ => return,
        };
        if let Some(why) = self.team.as_ref().and_then(|t| t.refusal(&event.actor.name, event.actor.role)) {
            if let Some(item) = item {
                let (note, overrides_role, waived, untick) = match &event.kind {
                    EventKind::Tick { note, overrides_role, .. } => (note.clone(), *overrides_role, false, false),
                    EventKind::Waive { reason, overrides_role, .. } => {
                        (Some(reason.clone()), *overrides_role, true, false)
                    }
                    EventKind::Untick { overrides_role, .. } => (None, *overrides_role, false, true),
                    _ => return,
                };
                self.unverified.keep(item, event, Claim { mark: mark(note, overrides_role, waived), untick, why });
            }
            return;
        }
        if let Some(item) = item {
            match self.stamps.get_mut(item) {
                Some(newest) if newest.is_after(event) => return,
                Some(newest) => newest.set(event),
                None => {
                    self.stamps.insert(item.clone(), event.order());
                }
            }
        }
        match &event.kind {
            EventKind::Tick { item, note, overrides_role } => {
                self.marks.insert(item.clone(), mark(note.clone(), *overrides_role, false));
            }
            EventKind::Waive { item, reason, overrides_role } => {
                self.marks.insert(item.clone(), mark(Some(reason.clone()), *overrides_role, true));
            }
            EventKind::Untick { item, .. } => {
                self.marks.remove(item);
            }
            EventKind::PushStarted | EventKind::PushFinished { .. } | EventKind::PushReopened => {
                let mark = match event.kind {
                    EventKind::PushStarted => PushMark::Start,
                    EventKind::PushReopened => PushMark::Reopen,
                    _ => PushMark::Finish,
                };
                let order = event.order();
                let at = self.push_marks.partition_point(|m| m.0 < order);
                self.push_marks.insert(at, (order, mark, event.at, event.actor.clone()));
                self.replay_push_marks();
            }
            _ => {}
        }
    }

    /// A second start (another cockpit, a restart) keeps the first; starting
    /// again after a finish (journals from before reopening existed) begins
    /// another push; a reopening by the release manager takes the finish
    /// back and keeps the start, so the push's duration runs from it; a
    /// finish before any start, or a reopening of a push not finished,
    /// counts for nothing.
    fn replay_push_marks(&mut self) {
        self.push_started = None;
        self.push_finished = None;
        for (_, mark, at, by) in &self.push_marks {
            let running = self.push_started.is_some() && self.push_finished.is_none();
            match mark {
                PushMark::Start if !running => {
                    self.push_started = Some((*at, by.clone()));
                    self.push_finished = None;
                }
                PushMark::Finish if running => self.push_finished = Some((*at, by.clone())),
                PushMark::Reopen if self.push_finished.is_some() && by.role == Role::Rm => self.push_finished = None,
                _ => {}
            }
        }
    }

    /// Ids that look like `query`, for "did you mean" answers.
    pub fn suggest(&self, query: &str) -> Vec<&str> {
        let q = query.to_ascii_lowercase();
        let mut out: Vec<&str> = self
            .items()
            .filter(|i| {
                let id = i.id.to_ascii_lowercase();
                id.contains(&q)
                    || q.contains(&id)
                    || i.text.to_ascii_lowercase().contains(&q)
                    || id
                        .split('-')
                        .zip(q.split('-'))
                        .all(|(a, b)| edit_distance(a, b) <= (a.len().min(b.len()) / 4).max(1))
            })
            .map(|i| i.id.as_str())
            .collect();
        out.truncate(5);
        out
    }
}

/// Levenshtein distance, for typos in item ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ev(at_min: u32, who: &str, role: Role, kind: EventKind) -> Event {
        Event {
            committer: None,
            v: 1,
            id: format!("{who}-{at_min}"),
            at: Utc.with_ymd_and_hms(2026, 11, 26, 15, at_min, 0).unwrap(),
            replica: String::new(),
            seq: 0,
            actor: EventActor { name: who.into(), role },
            kind,
        }
    }

    #[test]
    fn the_builtin_template_has_unique_ids_and_maps_environments() {
        let t = builtin(&["stage".into(), "prod".into()]);
        let mut ids: Vec<&str> = t.iter().flat_map(|p| p.items.iter().map(|i| i.id.as_str())).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "unique ids");
        assert_eq!(t.len(), 5);
        let c = Checklist::new(t);
        assert_eq!(c.item("stage-on-target").unwrap().auto, Some(AutoRule::OnTarget("stage".into())));
        assert_eq!(c.item("prod-on-target").unwrap().auto, Some(AutoRule::OnTarget("prod".into())));

        let c = Checklist::new(builtin(&["dev".into(), "staging".into(), "production".into()]));
        assert_eq!(c.item("stage-on-target").unwrap().auto, Some(AutoRule::OnTarget("staging".into())));
        assert_eq!(c.item("prod-on-target").unwrap().auto, Some(AutoRule::OnTarget("production".into())));

        let c = Checklist::new(builtin(&["prod".into()]));
        assert_eq!(c.item("stage-on-target").unwrap().auto, None, "no stage: ticked by hand");
        assert_eq!(c.item("prod-on-target").unwrap().auto, Some(AutoRule::OnTarget("prod".into())));
    }

    #[test]
    fn rules_parse_and_name_round_trip() {
        for r in [
            AutoRule::SecurityInSync,
            AutoRule::TagsExist,
            AutoRule::OnTarget("prod".into()),
            AutoRule::InWindow,
            AutoRule::PushDuration,
            AutoRule::SentryCalm,
        ] {
            assert_eq!(AutoRule::parse(&r.name()), Ok(r));
        }
        assert!(AutoRule::parse("on_target:").unwrap_err().to_string().contains("not an auto rule"));
        assert!(AutoRule::parse("sentry").unwrap_err().to_string().contains("tags_exist"));
        assert_eq!(
            AutoRule::parse(" sentry ").unwrap_err().to_string(),
            format!("`sentry` is not an auto rule (one of {})", AutoRule::NAMES)
        );
    }

    #[test]
    fn ticks_unticks_and_waivers_fold_in_order() {
        let mut c = Checklist::new(builtin(&["stage".into(), "prod".into()]));
        let tick = |item: &str| EventKind::Tick { item: item.into(), note: None, overrides_role: false };
        c.apply(&ev(1, "alice", Role::Qa, tick("regression-tests")));
        c.apply(&ev(2, "bob", Role::Rm, tick("results-sent")));
        c.apply(&ev(3, "alice", Role::Qa, EventKind::Untick { item: "results-sent".into(), overrides_role: true }));
        c.apply(&ev(
            4,
            "bob",
            Role::Rm,
            EventKind::Waive { item: "in-window".into(), reason: "emergency push".into(), overrides_role: true },
        ));
        let m = &c.marks["regression-tests"];
        assert_eq!((m.by.name.as_str(), m.by.role, m.waived), ("alice", Role::Qa, false));
        assert!(!c.marks.contains_key("results-sent"), "unticked");
        // A tick older than the newest event on its item, arriving late, is
        // history, not the state.
        c.apply(&ev(2, "late", Role::Qa, tick("results-sent")));
        assert!(!c.marks.contains_key("results-sent"), "the later untick stands");
        let w = &c.marks["in-window"];
        assert!(w.waived && w.overrides_role);
        assert_eq!(w.note.as_deref(), Some("emergency push"));
    }

    #[test]
    fn push_start_and_finish_pair_up() {
        let mut c = Checklist::default();
        let finished = || EventKind::PushFinished { open: Vec::new() };
        c.apply(&ev(9, "bob", Role::Rm, finished()));
        assert_eq!(c.push_finished, None, "a finish without a start is ignored");
        c.apply(&ev(10, "bob", Role::Rm, EventKind::PushStarted));
        c.apply(&ev(11, "eve", Role::Ops, EventKind::PushStarted));
        assert_eq!(c.push_started.as_ref().unwrap().1.name, "bob", "the first start counts");
        c.apply(&ev(40, "bob", Role::Rm, finished()));
        c.apply(&ev(41, "eve", Role::Ops, finished()));
        let (s, f) = (c.push_started.as_ref().unwrap().0, c.push_finished.as_ref().unwrap().0);
        assert_eq!((f - s).num_minutes(), 30, "the first finish counts");
        c.apply(&ev(50, "bob", Role::Rm, EventKind::PushStarted));
        assert_eq!(c.push_finished, None, "a new start reopens the push");
    }

    #[test]
    fn a_reopening_by_the_rm_runs_the_push_again_from_its_start() {
        let mut c = Checklist::default();
        c.apply(&ev(10, "bob", Role::Rm, EventKind::PushStarted));
        c.apply(&ev(30, "bob", Role::Rm, EventKind::PushFinished { open: Vec::new() }));
        c.apply(&ev(35, "eve", Role::Ops, EventKind::PushReopened));
        assert!(c.push_finished.is_some(), "reopening is the release manager's call");
        // Arriving out of order changes nothing: the fold order decides.
        c.apply(&ev(50, "bob", Role::Rm, EventKind::PushFinished { open: Vec::new() }));
        c.apply(&ev(40, "bob", Role::Rm, EventKind::PushReopened));
        let (s, f) = (c.push_started.as_ref().unwrap().0, c.push_finished.as_ref().unwrap().0);
        assert_eq!((f - s).num_minutes(), 40, "reopened at :40, finished again at :50, timed from the start");
        c.apply(&ev(55, "bob", Role::Rm, EventKind::PushReopened));
        assert_eq!((c.push_started.as_ref().unwrap().0, c.push_finished.as_ref()), (s, None), "running again");
    }

    #[test]
    fn suggestions_match_ids_and_text() {
        let c = Checklist::new(builtin(&["stage".into(), "prod".into()]));
        assert_eq!(c.suggest("regression"), vec!["regression-tests"]);
        assert!(c.suggest("sentry").contains(&"sentry-no-new-errors"));
        assert!(c.suggest("zzz").is_empty());
        assert_eq!(c.suggest("regresion-test"), vec!["regression-tests"], "typos");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
