//! What the repositories' handlers read of the rest of the push.

use crate::domain::kernel::actor::Actor;
use crate::domain::release::Release;
use chrono::{DateTime, NaiveDate, Utc};

/// What the repositories' handlers need to know of the rest of the push.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub now: DateTime<Utc>,
    /// Which tags belong to this push, and how the next one is named.
    pub push_date: NaiveDate,
    pub tag_format: &'a str,
    /// The tag message names the release.
    pub release: &'a str,
    /// Who tags.
    pub actor: &'a str,
}

impl<'a> Facts<'a> {
    pub fn new(release: &'a Release, actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Facts {
            now,
            push_date: release.push_date,
            tag_format: &release.tag_format,
            release: &release.name,
            actor: &actor.name,
        }
    }
}
