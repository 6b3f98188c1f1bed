//! A question answered with a line of text: a waiver's reason, a log
//! search, the word that finishes a push with things still open.

use crate::domain::kernel::input::LineInput;
use chrono::{DateTime, Utc};

/// A question answered with a line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub purpose: PromptFor,
    pub input: LineInput,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptFor {
    Waive {
        item: String,
        overrides_role: bool,
    },
    /// `/` in the Log pane.
    Search,
    /// Finishing the push while something is open: typing `finish` does it,
    /// so no stray enter can. `started`: the push start this prompt saw.
    FinishPush {
        started: DateTime<Utc>,
    },
    /// `d`, `R` or `L`: which environment (its name or number; `all` after
    /// it deploys every service); `service`: the one selected.
    DeployEnv {
        act: crate::domain::deploy::plan::DeployAct,
        service: Option<String>,
    },
    /// Why `env` is being locked.
    LockReason {
        env: String,
    },
    /// A deploy that needs a word typed: the last environment's name, or
    /// `override ENV` over a lock.
    DeployTyped {
        plan: Box<crate::domain::deploy::plan::Plan>,
        word: String,
    },
}

/// What is typed to finish a push with things still open.
pub const FINISH_WORD: &str = "finish";
