//! Deploys through the team's own mechanism: how each environment is
//! deployed (`[deploy.ENV]`: a command or a webhook, the service order, who
//! may), the locks folded from the journal, the deploys in flight and the
//! last result per service and environment, and the run this cockpit is
//! carrying out (its steps and the hook's output).

pub mod msg;
pub mod plan;
pub mod propose;
pub mod run;
pub mod update;

use crate::domain::journal::{Event, EventKind, Order};
use crate::domain::kernel::actor::Role;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

/// How one environment is deployed, from `[deploy.ENV]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploySpec {
    pub env: String,
    pub hook: Hook,
    /// Services in the order "all" deploys them: the configured order,
    /// then the rest in config order.
    pub order: Vec<String>,
    /// Who may deploy here; empty: anyone.
    pub roles: Vec<Role>,
    pub timeout: Duration,
}

impl DeploySpec {
    pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(600);
    pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(30);

    pub fn allows(&self, role: Role) -> bool {
        self.roles.is_empty() || self.roles.contains(&role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    /// A program and its arguments, `{service}`, `{tag}` and `{env}`
    /// replaced in each; never through a shell. The program is absolute
    /// when it was written as a relative path (made so against the config
    /// file's folder), else a name looked up on `PATH`.
    Command { argv: Vec<String> },
    /// An HTTP request: `params` form-encoded for POST, the query for GET;
    /// `auth_env` names the variable whose value goes in `Authorization`.
    Webhook { url: String, method: Method, params: Vec<(String, String)>, auth_env: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// `{service}`, `{tag}` and `{env}` replaced in one argument or parameter.
pub fn fill(template: &str, service: &str, tag: &str, env: &str) -> String {
    template.replace("{service}", service).replace("{tag}", tag).replace("{env}", env)
}

impl Hook {
    /// How dialogs and the log name it: the command as written, or the
    /// method and the URL without credentials.
    pub fn describe(&self) -> String {
        match self {
            Hook::Command { argv } => format!("command {}", argv.join(" ")),
            Hook::Webhook { url, method, .. } => {
                format!("webhook {} {}", method.as_str(), crate::domain::kernel::redact::url(url))
            }
        }
    }
}

/// A lock on one environment, as the newest `locked` or `unlocked` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A deploy the journal says was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub service: String,
    pub env: String,
    pub tag: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub rollback: bool,
}

/// How a deploy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub tag: String,
    pub ok: bool,
    pub detail: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployState {
    /// `[deploy.ENV]`, in environment order.
    pub specs: Vec<DeploySpec>,
    /// Per environment: why its hook cannot run in this process (a
    /// webhook's secret missing), found when the session starts, since a
    /// process's environment does not change under it.
    pub unready: BTreeMap<String, String>,
    /// Per environment: the newest lock event by the fold order, and the
    /// lock it leaves (`None`: unlocked).
    locks: BTreeMap<String, (Order, Option<Lock>)>,
    /// Deploys by their `deploy_started` id.
    started: BTreeMap<String, Started>,
    /// Answers by the deploy they answer.
    finished: BTreeMap<String, Finished>,
    /// What this cockpit is deploying now, or deployed last.
    pub run: Option<run::Run>,
}

impl DeployState {
    pub fn spec(&self, env: &str) -> Option<&DeploySpec> {
        self.specs.iter().find(|s| s.env == env)
    }

    pub fn lock(&self, env: &str) -> Option<&Lock> {
        self.locks.get(env).and_then(|(_, l)| l.as_ref())
    }

    /// Every locked environment, by name.
    pub fn locked(&self) -> impl Iterator<Item = (&str, &Lock)> {
        self.locks.iter().filter_map(|(env, (_, l))| Some((env.as_str(), l.as_ref()?)))
    }

    /// Deploys asked for and not answered yet, anywhere in the team.
    pub fn in_flight(&self) -> impl Iterator<Item = (&str, &Started)> {
        self.started.iter().filter(|(id, _)| !self.finished.contains_key(*id)).map(|(id, s)| (id.as_str(), s))
    }

    /// The newest answered deploy of `service` on `env`.
    pub fn last(&self, service: &str, env: &str) -> Option<(&Started, &Finished)> {
        self.started
            .iter()
            .filter(|(_, s)| s.service == service && s.env == env)
            .filter_map(|(id, s)| Some((s, self.finished.get(id)?)))
            .max_by_key(|(_, f)| f.at)
    }

    /// Folds a journal event in; any arrival order gives the same state.
    pub fn apply(&mut self, e: &Event) {
        match &e.kind {
            EventKind::Locked { env, .. } | EventKind::Unlocked { env } => {
                let order = e.order();
                if self.locks.get(env).is_some_and(|(newest, _)| *newest > order) {
                    return;
                }
                let lock = match &e.kind {
                    EventKind::Locked { reason, .. } => {
                        Some(Lock { reason: reason.clone(), by: e.actor.name.clone(), at: e.at })
                    }
                    _ => None,
                };
                self.locks.insert(env.clone(), (order, lock));
            }
            EventKind::DeployStarted { env, service, tag, rollback, .. } => {
                let s = Started {
                    service: service.clone(),
                    env: env.clone(),
                    tag: tag.clone(),
                    by: e.actor.name.clone(),
                    at: e.at,
                    rollback: *rollback,
                };
                self.started.insert(e.id.clone(), s);
            }
            EventKind::DeployFinished { deploy, tag, ok, detail, .. } => {
                let f =
                    Finished { tag: tag.clone(), ok: *ok, detail: detail.clone(), by: e.actor.name.clone(), at: e.at };
                self.finished.insert(deploy.clone(), f);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    fn lock_events() -> Vec<Event> {
        let t = testkit::release().window.unwrap().start;
        let mut a = testkit::event(
            "a.1",
            t,
            "alice",
            Role::Rm,
            EventKind::Locked { env: "prod".into(), reason: "migration".into() },
        );
        a.seq = 10;
        let mut b = testkit::event("a.2", t, "alice", Role::Rm, EventKind::Unlocked { env: "prod".into() });
        b.seq = 11;
        let mut c = testkit::event(
            "a.3",
            t,
            "alice",
            Role::Rm,
            EventKind::Locked { env: "stage".into(), reason: "flaky".into() },
        );
        c.seq = 12;
        vec![a, b, c]
    }

    #[test]
    fn the_newest_lock_event_wins_in_any_order() {
        let events = lock_events();
        for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]] {
            let mut s = DeployState::default();
            for i in order {
                s.apply(&events[i]);
            }
            assert_eq!(s.lock("prod"), None, "{order:?}");
            assert_eq!(s.lock("stage").map(|l| l.reason.as_str()), Some("flaky"));
            assert_eq!(s.locked().count(), 1);
        }
    }

    #[test]
    fn a_deploy_is_in_flight_until_answered_and_its_result_kept() {
        let t = testkit::release().window.unwrap().start;
        let mut s = DeployState::default();
        let kind = EventKind::DeployStarted {
            env: "prod".into(),
            service: "web".into(),
            tag: "v2".into(),
            rollback: false,
            overrides_lock: false,
        };
        s.apply(&testkit::event("d.1", t, "alice", Role::Rm, kind));
        assert_eq!(s.in_flight().count(), 1);
        let done = EventKind::DeployFinished {
            deploy: "d.1".into(),
            env: "prod".into(),
            service: "web".into(),
            tag: "v2".into(),
            ok: false,
            detail: "exit 3".into(),
        };
        s.apply(&testkit::event("d.2", t, "alice", Role::Rm, done));
        assert_eq!(s.in_flight().count(), 0);
        let (started, finished) = s.last("web", "prod").unwrap();
        assert_eq!((started.tag.as_str(), finished.ok, finished.detail.as_str()), ("v2", false, "exit 3"));
    }
}
