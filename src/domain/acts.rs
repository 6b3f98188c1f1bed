//! The keys that act on the push rather than look at it — deploy, roll
//! back, lock, smoke-check, re-tag — and what follows a probe's answer
//! (the smoke checks after a settled flip, Sentry told of a deploy). They
//! span features (the rollout, the deploys, the smoke checks, Sentry, the
//! repositories), so the root routes them here.

use crate::action::Action;
use crate::domain::deploy::plan::DeployAct;
use crate::domain::journal::EventKind;
use crate::domain::model::Model;
use crate::domain::msg::Effect;
use crate::domain::outcome::Act;
use crate::domain::rollout::probe::Probe;
use crate::domain::view::pane::Pane;
use chrono::{DateTime, Utc};

/// One of the acting keys in the main view; any other action does nothing here.
pub fn on_action(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Deploy => crate::domain::deploy::update::ask(model, DeployAct::Deploy),
        Action::Rollback => crate::domain::deploy::update::ask(model, DeployAct::Rollback),
        Action::Lock => crate::domain::deploy::update::ask(model, DeployAct::Lock),
        Action::Smoke => {
            let outcome =
                crate::domain::smoke::update::run_now(&mut model.smoke, &model.rollout, None, None, model.now);
            model.carry_out(outcome)
        }
        Action::Retag if model.view.focus == Pane::Repos => {
            let repo = model.view.repo_selected;
            let out = crate::domain::repos::retag::propose(&model.repos, &model.notes, repo, model.now);
            model.carry_out(out)
        }
        Action::Retag => {
            model.flash("re-tag works on the Repos pane: focus it first (the selected repository)", true);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// A probe's answer folded into the rollout, then what it sets off: the
/// smoke checks once a flip has settled, and Sentry told of a deploy.
pub fn on_probe(model: &mut Model, generation: u64, service: usize, env: usize, probe: Probe) -> Vec<Effect> {
    let at: DateTime<Utc> = probe.at;
    let outcome = crate::domain::rollout::update::on_probe(&mut model.rollout, generation, service, env, probe);
    let flipped = outcome.acts.iter().find_map(|a| match a {
        Act::Record { kind: EventKind::VersionChanged { to, .. }, .. } => Some(to.clone()),
        _ => None,
    });
    let mut effects = model.carry_out(outcome);
    let smoke = crate::domain::smoke::update::after_probe(&mut model.smoke, &model.rollout, service, env, flipped, at);
    effects.extend(model.carry_out(smoke));
    if let Some(s) = model.sentry.as_mut() {
        effects.extend(crate::domain::sentry::deploys::due(s, &model.rollout, at));
    }
    effects
}
