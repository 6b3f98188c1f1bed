//! The checklist as `shipdeck checklist --json` prints it: every phase and
//! item with who ticked it, in what role, when, what an auto item saw,
//! whether it was an override, who committed it to the shared remote, and
//! the newest act `[team]` does not vouch for.

use super::eval::{ChecklistView, ItemState, evaluate};
use super::{Claim, Verdict};
use crate::domain::model::Model;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ChecklistReport {
    pub release: String,
    pub push_date: String,
    pub target: String,
    /// The first phase not complete; `null` when everything is done.
    pub current_phase: Option<String>,
    pub done: usize,
    pub total: usize,
    pub push: PushReport,
    pub phases: Vec<PhaseReport>,
}

#[derive(Debug, Serialize)]
pub struct PushReport {
    pub started: Option<DateTime<Utc>>,
    pub started_by: Option<String>,
    pub finished: Option<DateTime<Utc>>,
    pub duration_s: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct PhaseReport {
    pub name: String,
    pub done: usize,
    pub total: usize,
    pub complete: bool,
    pub items: Vec<ItemReport>,
}

#[derive(Debug, Serialize)]
pub struct ItemReport {
    pub id: String,
    pub text: String,
    /// The role that owns the item.
    pub role: &'static str,
    /// The rule of an auto item (`on_target:prod`), `null` for manual ones.
    pub auto: Option<String>,
    pub done: bool,
    /// `ticked`, `waived`, `pass`, `wait`, `fail` or `open`.
    pub state: &'static str,
    pub by: Option<String>,
    /// The role of whoever ticked or waived it.
    pub role_of_actor: Option<&'static str>,
    pub at: Option<DateTime<Utc>>,
    pub evidence: Option<String>,
    #[serde(rename = "override")]
    pub overrides_role: bool,
    /// A tick's note, or a waiver's reason.
    pub note: Option<String>,
    /// The git identity that committed the tick or waiver to the shared
    /// remote; `null` for a line made on this machine or never shared.
    pub committer: Option<String>,
    /// The newest tick, waiver or untick on the item that `[team]` does not
    /// vouch for, when nothing verified came after it; it is not counted.
    pub unverified: Option<ActReport>,
}

/// An act on an item as its line claims it, which `[team]` does not vouch
/// for: `by` is not in the team, or not in `role_of_actor`.
#[derive(Debug, Serialize)]
pub struct ActReport {
    /// `tick`, `waive` or `untick`.
    pub act: &'static str,
    pub by: String,
    pub role_of_actor: &'static str,
    pub at: DateTime<Utc>,
    /// Why it is not verified: "mallory is not in [team]".
    pub why: String,
    pub committer: Option<String>,
    #[serde(rename = "override")]
    pub overrides_role: bool,
    pub note: Option<String>,
}

impl ActReport {
    fn of(c: &Claim) -> Self {
        ActReport {
            act: match c.what() {
                "unticked" => "untick",
                "waived" => "waive",
                _ => "tick",
            },
            by: c.mark.by.name.clone(),
            role_of_actor: c.mark.by.role.as_str(),
            at: c.mark.at,
            why: c.why.clone(),
            committer: c.mark.committer.clone(),
            overrides_role: c.mark.overrides_role,
            note: c.mark.note.clone(),
        }
    }
}

impl ChecklistReport {
    pub fn from_model(model: &Model) -> Self {
        let view = evaluate(model);
        Self::from_view(model, &view)
    }

    fn from_view(model: &Model, view: &ChecklistView) -> Self {
        let c = &model.checklist;
        let phases = view
            .phases
            .iter()
            .map(|p| PhaseReport {
                name: p.name.to_string(),
                done: p.done(),
                total: p.items.len(),
                complete: p.complete(),
                items: p
                    .items
                    .iter()
                    .map(|i| {
                        let mark = i.mark();
                        ItemReport {
                            id: i.spec.id.clone(),
                            text: i.spec.text.clone(),
                            role: i.spec.role.as_str(),
                            // Only a rule that applies makes the item automatic.
                            auto: i.spec.auto.as_ref().filter(|_| i.automatic).map(|r| r.name()),
                            done: i.done(),
                            state: match &i.state {
                                ItemState::Ticked(_) => "ticked",
                                ItemState::Waived(_) => "waived",
                                ItemState::Auto(Verdict::Pass) => "pass",
                                ItemState::Auto(Verdict::Wait) => "wait",
                                ItemState::Auto(Verdict::Fail) => "fail",
                                ItemState::Open => "open",
                            },
                            by: mark.map(|m| m.by.name.clone()),
                            role_of_actor: mark.map(|m| m.by.role.as_str()),
                            at: mark.map(|m| m.at),
                            evidence: i.evidence.clone(),
                            overrides_role: mark.is_some_and(|m| m.overrides_role),
                            note: mark.and_then(|m| m.note.clone()),
                            committer: mark.and_then(|m| m.committer.clone()),
                            unverified: i.unverified.map(ActReport::of),
                        }
                    })
                    .collect(),
            })
            .collect();
        ChecklistReport {
            release: model.release.name.clone(),
            push_date: model.release.push_date.to_string(),
            target: model.target().to_string(),
            current_phase: view.current().map(|(_, p)| p.name.to_string()),
            done: view.done(),
            total: view.total(),
            push: PushReport {
                started: c.push_started.as_ref().map(|(t, _)| *t),
                started_by: c.push_started.as_ref().map(|(_, a)| a.name.clone()),
                finished: c.push_finished.as_ref().map(|(t, _)| *t),
                duration_s: match (&c.push_started, &c.push_finished) {
                    (Some((s, _)), Some((f, _))) => Some((*f - *s).num_seconds()),
                    _ => None,
                },
            },
            phases,
        }
    }
}
