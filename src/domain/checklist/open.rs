//! What is not done yet, as the finish dialog lists it and a push finished
//! anyway records it: open checklist items per phase with the role owing
//! them, open blockers, Sentry spikes, and services not on target per
//! environment.

use super::AutoRule;
use super::eval::evaluate;
use crate::domain::kernel::actor::Role;
use crate::domain::model::Model;
use crate::domain::sentry::analysis::Verdict as SentryVerdict;

/// What is not done yet, each part in the push's own order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Open {
    /// Phase name -> its open items (text, owning role), phases in order.
    pub items: Vec<(String, Vec<(String, Role)>)>,
    /// "#2 CDN purge pending".
    pub blockers: Vec<String>,
    /// A spike's log line, one per project still spiking.
    pub spikes: Vec<String>,
    /// Environment -> the services there not on their target.
    pub rollout: Vec<(String, Vec<String>)>,
}

impl Open {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.blockers.is_empty() && self.spikes.is_empty() && self.rollout.is_empty()
    }

    /// One line per phase, blocker, spike and environment: what the finish
    /// event records and the dialog lists.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .items
            .iter()
            .map(|(phase, items)| {
                let each: Vec<String> =
                    items.iter().map(|(text, role)| format!("{text} ({})", role.as_str())).collect();
                format!("{phase}: {} open — {}", items.len(), each.join(", "))
            })
            .collect();
        out.extend(self.blockers.iter().map(|b| format!("blocker {b}")));
        out.extend(self.spikes.iter().cloned());
        out.extend(
            self.rollout.iter().map(|(env, services)| format!("{env}: not on target — {}", services.join(", "))),
        );
        out
    }
}

/// What is open in `model` now.
pub fn open(model: &Model) -> Open {
    let view = evaluate(model);
    let items = view
        .phases
        .iter()
        .filter_map(|p| {
            let open: Vec<(String, Role)> = p
                .items
                .iter()
                // The push's duration is done by finishing: never in the way of it.
                .filter(|i| !i.done() && i.spec.auto != Some(AutoRule::PushDuration))
                .map(|i| (i.spec.text.clone(), i.spec.role))
                .collect();
            (!open.is_empty()).then(|| (p.name.to_string(), open))
        })
        .collect();
    let blockers = model.notes.open_blockers().map(|b| format!("#{} {}", b.number, b.entry.text)).collect();
    Open { items, blockers, spikes: spikes(model), rollout: rollout(model) }
}

/// The journal's spikes, less the projects this cockpit sees calm again; a
/// spike this cockpit sees that the journal does not have yet, too.
fn spikes(model: &Model) -> Vec<String> {
    let live = |slug: &str| {
        model.sentry.as_ref().and_then(|s| s.projects.iter().find(|p| p.spec.slug == slug)).and_then(|p| p.announced)
    };
    let mut out: Vec<String> = model
        .notes
        .spikes
        .iter()
        .filter(|(project, _)| live(project).is_none_or(|v| v == SentryVerdict::Spike))
        .map(|(_, line)| line.clone())
        .collect();
    if let Some(s) = &model.sentry {
        for p in &s.projects {
            let logged = model.notes.spikes.iter().any(|(project, _)| *project == p.spec.slug);
            if p.announced == Some(SentryVerdict::Spike) && !logged {
                out.push(format!("Sentry: {} spiking", p.spec.slug));
            }
        }
    }
    out
}

/// Per environment, the services not seen on their target (down, another
/// version, or not answered yet).
fn rollout(model: &Model) -> Vec<(String, Vec<String>)> {
    let r = &model.rollout;
    r.envs
        .iter()
        .enumerate()
        .filter_map(|(ei, env)| {
            let behind: Vec<String> = r
                .services
                .iter()
                .filter(|s| s.cells.get(ei).and_then(Option::as_ref).is_some_and(|c| !c.on_target(&s.target)))
                .map(|s| s.name.clone())
                .collect();
            (!behind.is_empty()).then(|| (env.clone(), behind))
        })
        .collect()
}
