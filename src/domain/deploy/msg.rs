//! A deploy's request (run the hook once) and answers (a line of its
//! output, how it ended): types only.

use super::DeploySpec;
use chrono::{DateTime, Utc};

/// How the hook answered one deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookResult {
    /// The command exited 0, or the webhook answered 2xx.
    pub ok: bool,
    /// What it answered, for the journal and the screen: "exit 0",
    /// "exit 3", "timed out after 10m; its process group was killed",
    /// "HTTP 201 Created · Location: https://…".
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeployMsg {
    /// A line the command wrote (or the webhook's answer), cleaned.
    Output { deploy: String, line: String, at: DateTime<Utc> },
    /// The hook is done with deploy `deploy` (its `deploy_started` id).
    Finished { deploy: String, result: HookResult, at: DateTime<Utc> },
}

impl DeployMsg {
    pub fn is_answer(&self) -> bool {
        match self {
            DeployMsg::Output { .. } => false,
            DeployMsg::Finished { .. } => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployEffect {
    /// Run `spec`'s hook once for `service` at `tag`; `deploy` names it.
    Run { deploy: String, service: String, tag: String, spec: DeploySpec },
}

impl DeployEffect {
    pub fn answers(&self) -> usize {
        match self {
            DeployEffect::Run { .. } => 1,
        }
    }
}
