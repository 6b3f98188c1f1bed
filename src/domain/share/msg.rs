//! What the sharing task says after each round.

use super::Person;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum ShareMsg {
    Round { at: DateTime<Utc>, result: Result<Vec<String>, RoundFailure>, people: Vec<Person> },
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
            ShareMsg::Round { .. } => false,
        }
    }
}
