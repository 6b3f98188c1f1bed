//! The rollout's answer (one endpoint polled) and request (poll these).

use super::Endpoint;
use super::probe::Probe;

#[derive(Debug, Clone, PartialEq)]
pub enum RolloutMsg {
    /// One endpoint's answer, tagged with the generation it was asked under.
    Probed { generation: u64, service: usize, env: usize, probe: Probe },
}

impl RolloutMsg {
    pub fn is_answer(&self) -> bool {
        match self {
            RolloutMsg::Probed { .. } => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollTarget {
    pub service: usize,
    pub env: usize,
    pub endpoint: Endpoint,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutEffect {
    Poll { generation: u64, targets: Vec<PollTarget> },
}

impl RolloutEffect {
    /// How many answers carrying it out brings: one per endpoint.
    pub fn answers(&self) -> usize {
        match self {
            RolloutEffect::Poll { targets, .. } => targets.len(),
        }
    }
}
