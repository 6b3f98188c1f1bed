//! Sentry's answer for one project, and the request for some.

use super::{Fetched, RateLimit, SentryError};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum SentryMsg {
    Fetched { project: usize, result: Result<Fetched, SentryError>, rate: Option<RateLimit>, at: DateTime<Utc> },
}

impl SentryMsg {
    pub fn is_answer(&self) -> bool {
        match self {
            SentryMsg::Fetched { .. } => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentryEffect {
    /// Ask Sentry about each `(project, slug)`, counting from `push`.
    Fetch { generation: u64, projects: Vec<(usize, String)>, push: DateTime<Utc>, now: DateTime<Utc> },
}

impl SentryEffect {
    /// How many answers carrying it out brings: one per project.
    pub fn answers(&self) -> usize {
        match self {
            SentryEffect::Fetch { projects, .. } => projects.len(),
        }
    }
}
