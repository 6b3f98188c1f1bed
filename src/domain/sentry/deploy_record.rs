//! A deploy to tell Sentry of, and what the journal says was told (types
//! and their fold; `deploys` decides and handles the answers).

use crate::domain::journal::{Event, EventKind};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// One deploy to tell Sentry of: `version` of `project`'s release, deployed
/// to `env` between `started` and `finished`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployRecord {
    pub project: String,
    pub env: String,
    pub version: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
}

impl DeployRecord {
    /// What the team's cockpits claim, so one of them records it.
    pub fn claim_key(&self) -> String {
        format!("sentry-deploy:{}:{}:{}", self.project, self.env, self.version)
    }

    fn key(&self) -> (String, String, String) {
        (self.project.clone(), self.env.clone(), self.version.clone())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deploys {
    /// This front end tells Sentry (the cockpit does; a command that only
    /// reads does not).
    pub enabled: bool,
    /// `(project, env, version)` already told, or being told.
    done: BTreeSet<(String, String, String)>,
    /// When a deploy of `(env, service, tag)` started, from the journal.
    started: BTreeMap<(String, String, String), DateTime<Utc>>,
}

impl Deploys {
    /// Folds an event in; order does not matter (a set, and the earliest start).
    pub fn apply(&mut self, event: &Event) {
        match &event.kind {
            EventKind::SentryDeploy { project, env, version, .. } => {
                self.done.insert((project.clone(), env.clone(), version.clone()));
            }
            // The deploy began when it was asked for, or when the version
            // first showed, whichever came first.
            EventKind::DeployStarted { env, service, tag, .. }
            | EventKind::VersionChanged { env, service, to: tag, .. } => {
                let at = self.started.entry((env.clone(), service.clone(), tag.clone())).or_insert(event.at);
                *at = (*at).min(event.at);
            }
            _ => {}
        }
    }

    /// When the journal says a deploy of `tag` to `service` on `env` started.
    pub fn started(&self, env: &str, service: &str, tag: &str) -> Option<DateTime<Utc>> {
        self.started.get(&(env.to_string(), service.to_string(), tag.to_string())).copied()
    }

    /// Notes `record` as being told; `false` when it was already.
    pub fn ask(&mut self, record: &DeployRecord) -> bool {
        self.done.insert(record.key())
    }
}
