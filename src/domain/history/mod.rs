//! What earlier pushes' journals say ran on each environment and how it
//! went, folded into the last known good version of each service there: the
//! version a rollback goes back to.

use chrono::{NaiveDate, TimeDelta};
use std::collections::BTreeMap;

pub mod fold;
pub mod lookup;

/// Why a version counts as the last known good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// It ran on the environment for `ran`, heartbeats ok and no Sentry
    /// spike on its project, in the push of `push`, which was finished.
    Observed { push: NaiveDate, ran: TimeDelta },
    /// No journal says anything about the service there: the previous push
    /// tag of its repository, which is what ran before this push.
    PreviousTag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownGood {
    pub version: String,
    pub basis: Basis,
}

impl KnownGood {
    /// How the detail line and dialogs say it: "2026.11.24 (ran 3h 10m in
    /// the 2026-11-24 push)" or "2026.11.24 (previous push tag; no history)".
    pub fn label(&self) -> String {
        match &self.basis {
            Basis::Observed { push, ran } => {
                // A version that stayed a week reads in days, not "168h 00m".
                let ran = match ran.num_days() {
                    0 | 1 => crate::domain::kernel::duration::human(*ran),
                    days => format!("{days} days"),
                };
                format!("{} (ran {ran} in the {} push)", self.version, push.format("%Y-%m-%d"))
            }
            Basis::PreviousTag => format!("{} (previous push tag; no history)", self.version),
        }
    }

    /// `status --json`'s `last_known_good.basis`.
    pub fn basis_name(&self) -> &'static str {
        match self.basis {
            Basis::Observed { .. } => "observed",
            Basis::PreviousTag => "previous_tag",
        }
    }
}

/// The last known good of each (service, environment) that history speaks
/// of, folded from earlier pushes' journals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub known: BTreeMap<(String, String), KnownGood>,
    /// The good versions before the last known good, newest first: where a
    /// rollback goes when the last known good is what runs now.
    pub older: BTreeMap<(String, String), Vec<KnownGood>>,
}

impl History {
    pub fn known_good(&self, service: &str, env: &str) -> Option<&KnownGood> {
        self.known.get(&(service.to_string(), env.to_string()))
    }

    /// Every good version of the cell, newest first.
    pub fn good(&self, service: &str, env: &str) -> impl Iterator<Item = &KnownGood> {
        let key = (service.to_string(), env.to_string());
        self.known.get(&key).into_iter().chain(self.older.get(&key).into_iter().flatten())
    }
}
