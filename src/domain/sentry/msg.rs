//! Sentry's answer for one project, and the request for some.

use super::deploy_record::DeployRecord;
use super::{Fetched, RateLimit, SentryError};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum SentryMsg {
    Fetched {
        project: usize,
        result: Result<Fetched, SentryError>,
        rate: Option<RateLimit>,
        at: DateTime<Utc>,
    },
    /// Sentry's answer to a deploy told: `Err` says why not (never the token).
    DeployRecorded {
        record: Box<DeployRecord>,
        result: Result<(), String>,
        at: DateTime<Utc>,
    },
    /// Another cockpit of the team won the claim: it tells Sentry.
    DeployClaimed {
        record: Box<DeployRecord>,
        by: String,
        at: DateTime<Utc>,
    },
}

impl SentryMsg {
    pub fn is_answer(&self) -> bool {
        match self {
            SentryMsg::Fetched { .. } => true,
            // The cockpit hears of it when it comes; no command waits.
            SentryMsg::DeployRecorded { .. } | SentryMsg::DeployClaimed { .. } => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentryEffect {
    /// Ask Sentry about each `(project, slug)`, counting from `push`.
    Fetch { generation: u64, projects: Vec<(usize, String)>, push: DateTime<Utc>, now: DateTime<Utc> },
    /// Create the release if missing and record the deploy, once per team.
    RecordDeploy(DeployRecord),
}

impl SentryEffect {
    /// How many answers carrying it out brings: one per project.
    pub fn answers(&self) -> usize {
        match self {
            SentryEffect::Fetch { projects, .. } => projects.len(),
            SentryEffect::RecordDeploy(_) => 0,
        }
    }
}
