//! What the sharing task says after each round.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum ShareMsg {
    /// `result`: the round's warnings, or why it failed; `unsent`: how many
    /// of our lines the remote does not have yet.
    Round { at: DateTime<Utc>, result: Result<Vec<String>, RoundFailure>, unsent: usize },
    /// A milestone this cockpit claimed was decided: posted here (`by`
    /// none), or by the cockpit of `by`, whose claim landed first.
    Claimed { at: DateTime<Utc>, text: String, by: Option<String> },
}

/// Why a round did not get through, said as it is to be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundFailure {
    /// Unreachable or silent, rather than refused: it will pass by itself.
    pub offline: bool,
    pub text: String,
}

impl ShareMsg {
    /// Rounds are the task's own rhythm, not answers to a request.
    pub fn is_answer(&self) -> bool {
        match self {
            ShareMsg::Round { .. } | ShareMsg::Claimed { .. } => false,
        }
    }
}
