//! What a deploy or a rollback will do, worked out before anything is
//! done, so the dialog can say it exactly: which services, in which order,
//! from which version to which, through which hook; or why it is refused.

use super::Lock;

/// One service's deploy in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub service: String,
    pub tag: String,
    /// What the service runs there now, as last seen.
    pub from: Option<String>,
    /// For a rollback: why `tag` is known good (`KnownGood::label`).
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub env: String,
    pub rollback: bool,
    /// In the order they run; the run stops at the first failure.
    pub steps: Vec<Step>,
    /// Services left out, and why (a rollback with no known good).
    pub skipped: Vec<(String, String)>,
    /// The hook as the dialog names it (`Hook::describe`).
    pub hook: String,
    /// The lock on the environment when the plan was made.
    pub lock: Option<Lock>,
    /// The person typed the override: recorded on each deploy.
    pub overrides_lock: bool,
}

impl Plan {
    /// What a rollback's lock says: "rolled back from X; fix before
    /// deploying again", X the versions the services ran.
    pub fn rollback_reason(&self) -> String {
        let mut from: Vec<&str> = self.steps.iter().filter_map(|s| s.from.as_deref()).collect();
        from.dedup();
        let from = if from.is_empty() { "an unknown version".to_string() } else { from.join(", ") };
        format!("rolled back from {from}; fix before deploying again")
    }
}

/// What a key asked for: `d`, `R` or `L`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployAct {
    Deploy,
    Rollback,
    Lock,
}

/// Why nothing will be deployed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("`{env}` is not an environment ({known})")]
    UnknownEnv { env: String, known: String },
    #[error("`{service}` is not a service deployed to {env}")]
    UnknownService { service: String, env: String },
    #[error("no [deploy.{env}] in the config: shipdeck does not know how to deploy to {env}")]
    NoHook { env: String },
    #[error("deploys to {env} are for {allowed}; you act as {role}")]
    Role { env: String, allowed: String, role: String },
    #[error("nothing to {what} on {env}: {why}")]
    Nothing { what: &'static str, env: String, why: String },
    /// The hook cannot run here (`DeployState::unready` says why).
    #[error("{why}")]
    Unready { why: String },
    #[error("a deploy is running ({what}): wait for it to finish")]
    Running { what: String },
}

impl Refusal {
    /// A lock or a role: refused by a rule, not by a mistake.
    pub fn is_rule(&self) -> bool {
        matches!(self, Refusal::Role { .. })
    }
}
