//! The last known good of one service on one environment, as the cockpit
//! and the headless commands show it and a rollback deploys it.

use super::{Basis, KnownGood};
use crate::domain::model::Model;

/// What history says, else the previous push tag of the service's
/// repository (labelled as such), else nothing: a service with no history
/// and no repository has no version anyone knows to be good.
pub fn known_good(model: &Model, service: &str, env: &str) -> Option<KnownGood> {
    if let Some(k) = model.history.known_good(service, env) {
        return Some(k.clone());
    }
    let row = model.rollout.services.iter().find(|s| s.name == service)?;
    let status = model.repos.rows.get(row.repo?)?.status.value()?;
    let (tag, _) = status.plan.previous.as_ref()?;
    Some(KnownGood { version: tag.clone(), basis: Basis::PreviousTag })
}

/// Where a rollback of `service` on `env` goes from `running`: the newest
/// known good version that is not the one running (a bad version can have
/// run long enough to look good), else the previous push tag when it is
/// not the one running. `Err` says why there is none.
pub fn rollback_to(model: &Model, service: &str, env: &str, running: Option<&str>) -> Result<KnownGood, String> {
    let other = |k: &&KnownGood| Some(k.version.as_str()) != running;
    if let Some(k) = model.history.good(service, env).find(other) {
        return Ok(k.clone());
    }
    let previous = model
        .rollout
        .services
        .iter()
        .find(|s| s.name == service)
        .and_then(|row| model.repos.rows.get(row.repo?)?.status.value()?.plan.previous.clone())
        .map(|(tag, _)| KnownGood { version: tag, basis: Basis::PreviousTag });
    match (previous, model.history.known_good(service, env), running) {
        (Some(k), _, _) if Some(k.version.as_str()) != running => Ok(k),
        (_, Some(k), Some(r)) if k.version == r => {
            Err(format!("it already runs its last known good, {r}, and no other version is known good on {env}"))
        }
        (Some(k), _, _) => Err(format!(
            "it already runs {}, the previous push tag, and no history knows another good version on {env}",
            k.version
        )),
        (None, _, _) => Err(format!(
            "no known good version: no earlier push's journal says what ran well on {env}, and no repository gives a previous push tag"
        )),
    }
}
