//! Milestones worth telling the team's channel about: a repository tagged,
//! an environment on the target everywhere, a sign-off phase complete, a
//! Sentry spike, the push done. Each is posted once; what was already true
//! when the cockpit started (restored from the journal, or seen in the first
//! answers of the fleet and the repositories) is not posted again.
//!
//! The state lives here, beside the model that holds it; [`check`] decides
//! what is due from the whole model.

use std::collections::HashSet;

pub mod check;

#[derive(Debug, Clone, Default)]
pub struct Milestones {
    /// A webhook is configured.
    pub enabled: bool,
    sent: HashSet<String>,
    seeded: bool,
}
