//! The confirmation dialogs: what each will do once confirmed.

use crate::domain::repos::TagProposal;
use chrono::{DateTime, Utc};

/// What a confirmation dialog will do when confirmed.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    CreateTags {
        tags: Vec<TagProposal>,
        skipped: Vec<(usize, String)>,
    },
    PushTags {
        tags: Vec<(usize, String)>,
        skipped: Vec<(usize, String)>,
    },
    /// Build a repository's next tag from its pick basket.
    Retag(crate::domain::repos::basket::RetagPlan),
    /// Tick an item another role owns: recorded as an override.
    TickForOtherRole {
        item: String,
    },
    /// Take back a tick or waiver (someone's sign-off); `at` is the mark's,
    /// so a mark changed meanwhile by someone else is not taken back.
    Untick {
        item: String,
        at: DateTime<Utc>,
    },
    /// `finished`: the push finish this dialog saw (a re-push after it).
    StartPush {
        finished: Option<DateTime<Utc>>,
    },
    /// `started`: the push start this dialog saw. Asked only when nothing
    /// is open; otherwise a typed confirmation is.
    FinishPush {
        started: DateTime<Utc>,
    },
    /// Run a finished push again; `finished`: the finish this dialog saw.
    ReopenPush {
        finished: DateTime<Utc>,
    },
    /// Quit while git work is under way: what was in flight when asked
    /// (`quit::in_flight`).
    Quit {
        in_flight: Vec<String>,
    },
    /// Deploy (or roll back) as the plan says.
    Deploy {
        plan: Box<crate::domain::deploy::plan::Plan>,
    },
    /// Unlock `env`; `at`: the lock this dialog saw.
    Unlock {
        env: String,
        at: DateTime<Utc>,
    },
}
