//! A system line in the log, for what an action could not do.

use crate::domain::log::LogKind;
use crate::domain::outcome::Act;
use chrono::{DateTime, Utc};

pub(super) fn note(now: DateTime<Utc>, text: &str) -> Act {
    Act::Log { at: now, kind: LogKind::System, text: text.to_string() }
}
