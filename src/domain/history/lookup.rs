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
