//! The checklist as it stands now: people's ticks and waivers from the
//! journal, auto items judged from live state with the evidence for it, and
//! per-phase progress. Cheap enough to compute on every frame.

use super::auto::{self, Judged};
use super::{Claim, ItemSpec, Mark, Verdict};
use crate::domain::kernel::actor::Role;
use crate::domain::model::Model;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemState {
    /// A person ticked it.
    Ticked(Mark),
    /// A person waived it, with a reason (in the mark's note).
    Waived(Mark),
    /// Judged from live state.
    Auto(Verdict),
    /// Not ticked yet.
    Open,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemView<'a> {
    pub spec: &'a ItemSpec,
    pub state: ItemState,
    /// What an auto item saw ("prod 8/8 on 2026.11.26"), or why an item
    /// with a rule is ticked by hand this time.
    pub evidence: Option<String>,
    /// The rule applies: the item is not ticked by hand, only waived.
    pub automatic: bool,
    /// The newest act on the item, when `[team]` does not vouch for it and
    /// nothing verified came after: shown, not counted in `state`.
    pub unverified: Option<&'a Claim>,
}

impl ItemView<'_> {
    pub fn done(&self) -> bool {
        matches!(self.state, ItemState::Ticked(_) | ItemState::Waived(_) | ItemState::Auto(Verdict::Pass))
    }

    pub fn mark(&self) -> Option<&Mark> {
        match &self.state {
            ItemState::Ticked(m) | ItemState::Waived(m) => Some(m),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseView<'a> {
    pub name: &'a str,
    pub items: Vec<ItemView<'a>>,
}

impl PhaseView<'_> {
    pub fn done(&self) -> usize {
        self.items.iter().filter(|i| i.done()).count()
    }

    pub fn complete(&self) -> bool {
        self.done() == self.items.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistView<'a> {
    pub phases: Vec<PhaseView<'a>>,
}

impl<'a> ChecklistView<'a> {
    /// The first phase not complete; `None` when everything is done.
    pub fn current(&self) -> Option<(usize, &PhaseView<'a>)> {
        self.phases.iter().enumerate().find(|(_, p)| !p.complete())
    }

    pub fn items(&self) -> impl Iterator<Item = &ItemView<'a>> {
        self.phases.iter().flat_map(|p| p.items.iter())
    }

    /// The item at a position counted over all phases.
    pub fn nth(&self, index: usize) -> Option<&ItemView<'a>> {
        self.items().nth(index)
    }

    pub fn find(&self, id: &str) -> Option<&ItemView<'a>> {
        self.items().find(|i| i.spec.id == id)
    }

    pub fn done(&self) -> usize {
        self.phases.iter().map(PhaseView::done).sum()
    }

    pub fn total(&self) -> usize {
        self.phases.iter().map(|p| p.items.len()).sum()
    }
}

pub fn evaluate(model: &Model) -> ChecklistView<'_> {
    let marks = &model.checklist.marks;
    let phases = model
        .checklist
        .phases
        .iter()
        .map(|phase| PhaseView {
            name: &phase.name,
            items: phase
                .items
                .iter()
                .filter_map(|spec| {
                    let judged = spec.auto.as_ref().map(|rule| auto::judge(model, rule));
                    let (automatic, verdict, evidence) = match judged {
                        Some(Judged::Applies(v, e)) => (true, Some(v), Some(e)),
                        Some(Judged::ByHand(why)) => (false, None, Some(why)),
                        Some(Judged::Hidden) => return None,
                        None => (false, None, None),
                    };
                    let state = match (marks.get(&spec.id), verdict) {
                        (Some(m), _) if m.waived => ItemState::Waived(m.clone()),
                        (Some(m), _) => ItemState::Ticked(m.clone()),
                        (None, Some(v)) => ItemState::Auto(v),
                        (None, None) => ItemState::Open,
                    };
                    let unverified = model.checklist.unverified(&spec.id);
                    Some(ItemView { spec, state, evidence, automatic, unverified })
                })
                .collect(),
        })
        .collect();
    ChecklistView { phases }
}

/// A configured item the view leaves out, as a person would tick it.
fn hidden_item<'a>(model: &'a Model, id: &str) -> Option<ItemView<'a>> {
    let spec = model.checklist.item(id)?;
    let state = match model.checklist.marks.get(id) {
        Some(m) if m.waived => ItemState::Waived(m.clone()),
        Some(m) => ItemState::Ticked(m.clone()),
        None => ItemState::Open,
    };
    let unverified = model.checklist.unverified(id);
    Some(ItemView { spec, state, evidence: None, automatic: false, unverified })
}

/// Why a tick was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TickRefused {
    #[error("no checklist item `{id}`{}", did_you_mean(.suggestions))]
    Unknown { id: String, suggestions: Vec<String> },
    #[error("`{id}` is checked automatically ({evidence}); waive it with a reason instead")]
    Automatic { id: String, evidence: String },
    #[error("`{id}` is already {what} by {by} ({role}) at {at}")]
    AlreadyDone { id: String, what: &'static str, by: String, role: &'static str, at: String },
    #[error("`{id}` is not ticked")]
    NotDone { id: String },
    #[error("`{id}` belongs to {owner}; you are {you}")]
    OtherRole { id: String, owner: &'static str, you: &'static str },
    #[error("a waiver needs a reason")]
    NoReason,
}

fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() { String::new() } else { format!(" (did you mean {}?)", s.join(", ")) }
}

/// What a person asks of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TickAsk {
    Tick { note: Option<String> },
    Waive { reason: String },
    Undo,
}

/// Decides whether `ask` may be recorded and returns the event kind to
/// record. The same rules for the cockpit and `shipdeck tick`: auto items
/// are waived, never ticked; another role's item needs `allow_override`
/// (the cockpit's confirmation, the command's `--override`).
pub fn plan_tick(
    view: &ChecklistView,
    model: &Model,
    id: &str,
    role: Role,
    ask: TickAsk,
    allow_override: bool,
) -> Result<crate::domain::journal::EventKind, TickRefused> {
    use crate::domain::journal::EventKind;
    // An item not shown this time (no risky change seen by a command that
    // does not scan) can still be ticked by its id.
    let hidden = view.find(id).is_none().then(|| hidden_item(model, id)).flatten();
    let Some(item) = view.find(id).or(hidden.as_ref()) else {
        let suggestions = model.checklist.suggest(id).into_iter().map(String::from).collect();
        return Err(TickRefused::Unknown { id: id.into(), suggestions });
    };
    let id = item.spec.id.clone();
    let overrides_role = item.spec.role != role;
    if let TickAsk::Undo = ask {
        return match item.mark() {
            // Taking back another role's sign-off is an override too.
            Some(_) if overrides_role && !allow_override => {
                Err(TickRefused::OtherRole { id, owner: item.spec.role.as_str(), you: role.as_str() })
            }
            Some(_) => Ok(EventKind::Untick { item: id, overrides_role }),
            None => Err(TickRefused::NotDone { id }),
        };
    }
    if let Some(m) = item.mark() {
        return Err(TickRefused::AlreadyDone {
            id,
            what: if m.waived { "waived" } else { "ticked" },
            by: m.by.name.clone(),
            role: m.by.role.as_str(),
            at: m.at.format("%Y-%m-%d %H:%M UTC").to_string(),
        });
    }
    if let (TickAsk::Tick { .. }, true) = (&ask, item.automatic) {
        return Err(TickRefused::Automatic { id, evidence: item.evidence.clone().unwrap_or_default() });
    }
    if overrides_role && !allow_override {
        return Err(TickRefused::OtherRole { id, owner: item.spec.role.as_str(), you: role.as_str() });
    }
    match ask {
        TickAsk::Tick { note } => Ok(EventKind::Tick { item: id, note, overrides_role }),
        TickAsk::Waive { reason } if reason.trim().is_empty() => Err(TickRefused::NoReason),
        TickAsk::Waive { reason } => Ok(EventKind::Waive { item: id, reason: reason.trim().into(), overrides_role }),
        // Taken care of above: with no mark there is nothing to undo.
        TickAsk::Undo => Err(TickRefused::NotDone { id }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::{Event, EventActor, EventKind};
    use crate::domain::kernel::remote::Remote;
    use crate::domain::repos::{RepoRow, SecurityState};
    use crate::domain::rollout::msg::RolloutMsg;
    use crate::domain::{Heartbeat, Msg, ProbeState, update};
    use crate::testkit;
    use chrono::Duration;

    fn probe(m: &mut Model, service: usize, env: usize, version: &str) {
        let generation = m.generation;
        let probe = testkit::ok(version, "abcdef1234", Heartbeat::Ok, m.now);
        update(m, Msg::Rollout(RolloutMsg::Probed { generation, service, env, probe }));
    }

    fn judged(m: &Model, id: &str) -> (ItemState, String) {
        let view = evaluate(m);
        let i = view.find(id).unwrap();
        (i.state.clone(), i.evidence.clone().unwrap_or_default())
    }

    #[test]
    fn environments_pass_when_every_service_runs_the_target() {
        let mut m = testkit::model(&["web", "api", "cdn"], testkit::release().window.unwrap().start);
        assert_eq!(judged(&m, "prod-on-target"), (ItemState::Auto(Verdict::Wait), "prod not polled yet".into()));
        probe(&mut m, 0, 1, "2026.11.26");
        probe(&mut m, 1, 1, "2026.11.19");
        let failed = testkit::failed(ProbeState::Timeout, "timed out", m.now);
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 2, env: 1, probe: failed }));
        assert_eq!(
            judged(&m, "prod-on-target"),
            (ItemState::Auto(Verdict::Fail), "prod 1/3 on 2026.11.26, 1 not answering".into())
        );
        probe(&mut m, 1, 1, "2026.11.26");
        probe(&mut m, 2, 1, "2026.11.26");
        assert_eq!(judged(&m, "prod-on-target"), (ItemState::Auto(Verdict::Pass), "prod 3/3 on 2026.11.26".into()));
        assert_eq!(judged(&m, "stage-on-target").0, ItemState::Auto(Verdict::Wait), "stage is judged apart");
    }

    #[test]
    fn tags_and_security_forks_come_from_the_scans() {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["web"], t);
        assert_eq!(judged(&m, "tags-exist").0, ItemState::Open, "no repos: ticked by hand");
        assert!(judged(&m, "tags-exist").1.contains("no repositories"));
        assert!(judged(&m, "security-in-sync").1.contains("no repository has a security fork"));

        m.repos.rows = vec![RepoRow::new(testkit::repo_spec("server")), RepoRow::new(testkit::repo_spec("frontend"))];
        assert_eq!(judged(&m, "tags-exist"), (ItemState::Auto(Verdict::Wait), "repositories not scanned yet".into()));
        let tagged = testkit::repo_status(&[("2026.11.19", "a"), ("2026.11.26", "b")], "b");
        let untagged = testkit::repo_status(&[("2026.11.19", "a")], "c");
        m.repos.rows[0].status = Remote::Ready { value: tagged.clone(), at: t };
        m.repos.rows[1].status = Remote::Ready { value: untagged, at: t };
        assert_eq!(
            judged(&m, "tags-exist"),
            (ItemState::Auto(Verdict::Wait), "1/2 repos tagged for 2026-11-26; needs a tag: frontend".into())
        );
        m.repos.rows[1].status = Remote::Ready { value: tagged.clone(), at: t };
        assert_eq!(judged(&m, "tags-exist").0, ItemState::Auto(Verdict::Pass));

        let fork = |in_sync, behind| Some(Ok(SecurityState { remote: "security".into(), in_sync, ahead: 0, behind }));
        for (i, (sync, behind)) in [(true, 0), (false, 2)].into_iter().enumerate() {
            let mut s = tagged.clone();
            s.security = fork(sync, behind);
            m.repos.rows[i].status = Remote::Ready { value: s, at: t };
        }
        assert_eq!(
            judged(&m, "security-in-sync"),
            (ItemState::Auto(Verdict::Wait), "frontend: fork 0 ahead, 2 behind".into())
        );
        m.repos.rows[1].status = Remote::Failed { error: "frontend: no such remote `security`".into(), at: t };
        assert_eq!(judged(&m, "security-in-sync").0, ItemState::Auto(Verdict::Fail));
    }

    #[test]
    fn the_window_is_judged_at_the_push_start() {
        let w = testkit::release().window.unwrap();
        let mut m = testkit::model(&["web"], w.start - Duration::minutes(80));
        assert_eq!(
            judged(&m, "in-window"),
            (ItemState::Auto(Verdict::Wait), "window 15:00–17:00 opens in 1h 20m".into())
        );
        let started = Event {
            committer: None,
            v: 1,
            id: "s".into(),
            at: w.start + Duration::minutes(2),
            replica: String::new(),
            seq: 0,
            actor: EventActor { name: "bob".into(), role: Role::Rm },
            kind: EventKind::PushStarted,
        };
        m.apply_event(&started);
        m.now = w.end + Duration::hours(3);
        assert_eq!(
            judged(&m, "in-window"),
            (ItemState::Auto(Verdict::Pass), "push started 15:02, window 15:00–17:00".into()),
            "still inside the window it started in, hours later"
        );
        let mut late = testkit::model(&["web"], w.end + Duration::minutes(5));
        assert_eq!(judged(&late, "in-window").0, ItemState::Auto(Verdict::Fail));
        late.release.window = None;
        assert_eq!(judged(&late, "in-window").0, ItemState::Open, "no window: ticked by hand");
    }

    #[test]
    fn progress_and_the_current_phase() {
        let mut m = testkit::model(&["web"], testkit::release().window.unwrap().start);
        let view = evaluate(&m);
        assert_eq!(view.current().unwrap().1.name, "Before tagging");
        assert_eq!(view.total(), 25);
        drop(view);
        for id in ["features-agreed", "security-in-sync", "dependency-releases"] {
            let kind = EventKind::Tick { item: id.into(), note: None, overrides_role: false };
            let e = Event {
                committer: None,
                v: 1,
                id: id.into(),
                at: m.now,
                replica: String::new(),
                seq: 0,
                actor: EventActor { name: "bob".into(), role: Role::Rm },
                kind,
            };
            m.apply_event(&e);
        }
        let view = evaluate(&m);
        assert_eq!((view.phases[0].done(), view.phases[0].complete()), (3, true));
        let (i, phase) = view.current().unwrap();
        assert_eq!((i, phase.name), (1, "Hand-off to test"));
    }

    #[test]
    fn the_tick_rules() {
        let m = testkit::model(&["web"], testkit::release().window.unwrap().start);
        let view = evaluate(&m);
        let tick = || TickAsk::Tick { note: None };
        let e = plan_tick(&view, &m, "regresion", Role::Qa, tick(), false).unwrap_err();
        assert_eq!(e.to_string(), "no checklist item `regresion` (did you mean regression-tests?)");
        let e = plan_tick(&view, &m, "regression-tests", Role::Dev, tick(), false).unwrap_err();
        assert_eq!(e.to_string(), "`regression-tests` belongs to qa; you are dev");
        assert!(plan_tick(&view, &m, "regression-tests", Role::Dev, tick(), true).is_ok());
        let e = plan_tick(&view, &m, "prod-on-target", Role::Ops, tick(), false).unwrap_err();
        assert!(matches!(e, TickRefused::Automatic { .. }), "{e}");
        let e = plan_tick(&view, &m, "results-sent", Role::Qa, TickAsk::Undo, false).unwrap_err();
        assert_eq!(e.to_string(), "`results-sent` is not ticked");
        let blank = TickAsk::Waive { reason: "  ".into() };
        assert_eq!(plan_tick(&view, &m, "in-window", Role::Ops, blank, false), Err(TickRefused::NoReason));
    }
}
