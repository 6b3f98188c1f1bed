//! The smoke checks' answer (one check made) and request (make these).

use super::Request;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum SmokeMsg {
    /// One check's result: `Ok` when it passed, else why it failed (already
    /// cleaned, never a secret or a whole body).
    Checked { request: Box<Request>, result: Result<(), String>, at: DateTime<Utc> },
}

impl SmokeMsg {
    pub fn is_answer(&self) -> bool {
        match self {
            SmokeMsg::Checked { .. } => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmokeEffect {
    Run(Vec<Request>),
}

impl SmokeEffect {
    /// How many answers carrying it out brings: one per check.
    pub fn answers(&self) -> usize {
        match self {
            SmokeEffect::Run(requests) => requests.len(),
        }
    }
}
