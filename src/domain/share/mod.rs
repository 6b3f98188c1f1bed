//! The push shared with the team through a git remote, as this cockpit
//! knows it: whether the last round got through, since when it has not,
//! and who has been heard from. Fed by the sharing task's rounds.

pub mod msg;
mod people;
pub mod update;

pub use people::People;

use crate::domain::kernel::actor::Role;
use chrono::{DateTime, Utc};

/// Someone heard from in this push: their newest event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    pub name: String,
    pub role: Role,
    pub last_seen: DateTime<Utc>,
}

/// How the last rounds went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// No round has finished yet.
    Starting,
    Synced {
        at: DateTime<Utc>,
    },
    /// The remote could not be reached (or did not answer in time) since
    /// `since`: lines are kept and sent when it answers.
    Offline {
        since: DateTime<Utc>,
        error: String,
    },
    /// The remote answered but refused (credentials, a rejected push, a
    /// broken cache): a person must act.
    Refused {
        since: DateTime<Utc>,
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareState {
    /// The remote as it may be shown (no credentials).
    pub remote: String,
    pub link: Link,
    /// Our own lines the remote does not have yet, as of the last round.
    pub unsent: usize,
    /// When this cockpit last said it is there (see [`crate::domain::journal::PRESENCE_EVERY`]).
    pub last_beat: Option<DateTime<Utc>>,
}

impl ShareState {
    pub fn new(remote: String) -> Self {
        ShareState { remote, link: Link::Starting, unsent: 0, last_beat: None }
    }

    /// Whether an open cockpit should say it is there at `now`: when it
    /// opens, then every [`crate::domain::journal::PRESENCE_EVERY`].
    pub fn beat_due(&self, now: DateTime<Utc>) -> bool {
        self.last_beat.is_none_or(|at| now - at >= crate::domain::journal::PRESENCE_EVERY || now < at)
    }
}
