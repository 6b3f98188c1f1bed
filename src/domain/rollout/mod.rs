//! Services x environments: what each endpoint runs, whether that is the
//! target, and the history needed to tell a rollout from a mixed fleet.

use crate::domain::kernel::remote::Remote;
use crate::domain::rollout::probe::{Heartbeat, Probe, ProbeState, VersionInfo};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

pub mod msg;
mod outages;
pub use outages::{OutageChange, OutageEvent, OutageMark, Outages};

pub mod probe;
pub mod report;
pub mod update;

/// How many recent observations a cell keeps to recognise alternation.
const HISTORY: usize = 8;
/// Identical observations in a row that end a mixed state.
const SETTLE: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub version_url: String,
    /// `None` when the version URL does not follow the Dockerflow layout and
    /// the config names no heartbeat.
    pub heartbeat_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deployed {
    pub info: VersionInfo,
    pub latency_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub state: ProbeState,
    pub message: String,
    pub latency_ms: Option<u64>,
}

/// What a service should run: the target tag, and the commit it points at
/// when known (for services whose `/__version__` reports only a commit).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    pub tag: String,
    pub commit: Option<String>,
}

impl Target {
    pub fn tag(tag: &str) -> Self {
        Target { tag: tag.to_string(), commit: None }
    }

    pub fn matches(&self, info: &VersionInfo) -> bool {
        match info.version.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => v == self.tag,
            None => match (&self.commit, info.commit.as_deref()) {
                (Some(t), Some(c)) if c.len() >= 7 => t.starts_with(c) || c.starts_with(t.as_str()),
                _ => false,
            },
        }
    }
}

/// What a cell looks like at a glance; drives glyph and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStatus {
    OnTarget,
    OtherVersion,
    Mixed,
    Error,
    Unknown,
}

impl CellStatus {
    /// Glyphs differ as well as colours, so meaning survives without colour
    /// (plain `status` output, high-contrast themes, colour blindness).
    pub fn glyph(self, loading: bool) -> &'static str {
        match self {
            CellStatus::OnTarget => "●",
            CellStatus::OtherVersion => "○",
            CellStatus::Mixed => "◐",
            CellStatus::Error => "✖",
            CellStatus::Unknown if loading => "…",
            CellStatus::Unknown => "·",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub endpoint: Endpoint,
    pub state: Remote<Deployed, Failure>,
    pub heartbeat: Heartbeat,
    /// Why the heartbeat is what it is, when that needs saying (the probe's).
    pub heartbeat_detail: Option<String>,
    /// The heartbeat last announced in the log (or first seen): what a new
    /// one is news against. `None` until the service first answers.
    heartbeat_said: Option<Heartbeat>,
    /// The last version seen before a failure, so a dead service still says
    /// what it was running.
    pub last_ok: Option<(VersionInfo, DateTime<Utc>)>,
    /// Where the newest answer came from when redirects within the origin
    /// were followed (credentials masked), so the screen and the report can
    /// say the configured URL moved; `None` when it answered itself.
    pub final_url: Option<String>,
    /// Generation of the request in flight; at most one per endpoint.
    pub in_flight: Option<u64>,
    /// Generation of the newest applied result; older results are dropped.
    pub applied_gen: u64,
    history: VecDeque<String>,
    /// The version last announced in the log.
    stable: Option<String>,
    /// The two versions seen alternating (a fleet mid-rollout behind a load balancer).
    pub mixed: Option<(String, String)>,
}

/// Something a new observation revealed that belongs in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    Changed { from: String, to: String, commit: Option<String> },
    MixedStarted { a: String, b: String },
    Settled { on: String },
    HeartbeatChanged { from: Heartbeat, to: Heartbeat },
}

impl Cell {
    pub fn new(endpoint: Endpoint) -> Self {
        Cell {
            endpoint,
            state: Remote::Idle,
            heartbeat: Heartbeat::Unknown,
            heartbeat_detail: None,
            heartbeat_said: None,
            last_ok: None,
            final_url: None,
            in_flight: None,
            applied_gen: 0,
            history: VecDeque::with_capacity(HISTORY),
            stable: None,
            mixed: None,
        }
    }

    pub fn version(&self) -> Option<&VersionInfo> {
        self.state.value().map(|d| &d.info)
    }

    pub fn status(&self, target: &Target) -> CellStatus {
        // A failure outranks everything: a dead service is not "mixed".
        if let Remote::Failed { .. } = self.state {
            return CellStatus::Error;
        }
        if self.mixed.is_some() {
            return CellStatus::Mixed;
        }
        match &self.state {
            Remote::Ready { value, .. } => {
                if target.matches(&value.info) {
                    CellStatus::OnTarget
                } else {
                    CellStatus::OtherVersion
                }
            }
            Remote::Failed { .. } => CellStatus::Error,
            Remote::Idle | Remote::Loading => CellStatus::Unknown,
        }
    }

    pub fn on_target(&self, target: &Target) -> bool {
        self.status(target) == CellStatus::OnTarget
    }

    /// Applies one probe result and reports what is worth logging.
    pub fn observe(&mut self, probe: Probe) -> Vec<Observation> {
        let mut out = Vec::new();
        // A heartbeat change is news while the service answers. Its first
        // answer sets what later ones are compared with; while it is down
        // the outage says everything, and coming back to the heartbeat last
        // announced is not a change.
        if !probe.state.is_down() {
            match self.heartbeat_said {
                Some(said) if said != probe.heartbeat => {
                    out.push(Observation::HeartbeatChanged { from: said, to: probe.heartbeat });
                    self.heartbeat_said = Some(probe.heartbeat);
                }
                Some(_) => {}
                None => self.heartbeat_said = Some(probe.heartbeat),
            }
        }
        self.heartbeat = probe.heartbeat;
        self.heartbeat_detail = probe.heartbeat_detail;
        // Follows every answer, failures too: the moved-to URL is the one
        // that failed, and a redirect that went away is no longer news.
        self.final_url = probe.final_url;
        if probe.state != ProbeState::Ok {
            // Whatever the fleet served before, it now fails: the failure is
            // what the cell (and `status --json`) reports, not "mixed". After
            // the outage the cell watches afresh from the last announced version.
            if self.mixed.take().is_some() {
                self.history.clear();
            }
            self.state = Remote::Failed {
                error: Failure {
                    state: probe.state,
                    message: probe.error.unwrap_or_else(|| probe.state.as_str().to_string()),
                    latency_ms: probe.latency_ms,
                },
                at: probe.at,
            };
            return out;
        }
        if let Some(key) = probe.info.key().map(str::to_string) {
            out.extend(self.track_version(&key, probe.info.commit.as_deref()));
        }
        self.last_ok = Some((probe.info.clone(), probe.at));
        self.state = Remote::Ready { value: Deployed { info: probe.info, latency_ms: probe.latency_ms }, at: probe.at };
        out
    }

    /// Follows the version history and tells a deployment (or a rollback)
    /// from a load balancer serving two versions.
    ///
    /// A version never seen in the remembered history is a change, logged at
    /// once. Coming back to a version seen moments ago (A → B → A) is either a
    /// rollback or the first flip of a mixed fleet, so it is held for one
    /// answer: the same version again confirms the change ("B -> A"); the
    /// announced version again (A, B, A, B: two flips) means the fleet serves
    /// both, logged once.
    fn track_version(&mut self, key: &str, commit: Option<&str>) -> Vec<Observation> {
        let previous = self.history.back().cloned();
        let seen_before = self.history.iter().any(|h| h == key);
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(key.to_string());
        let short = commit.map(|c| crate::domain::rollout::probe::short_sha(c).to_string());

        if self.mixed.is_some() {
            let settled = self.history.len() >= SETTLE && self.history.iter().rev().take(SETTLE).all(|h| h == key);
            if !settled {
                return Vec::new();
            }
            self.mixed = None;
            let mut out = vec![Observation::Settled { on: key.to_string() }];
            // Settling somewhere other than the version last announced is a
            // change as well, and belongs in the log as one.
            match self.stable.replace(key.to_string()) {
                Some(from) if from != key => {
                    out.push(Observation::Changed { from, to: key.to_string(), commit: short })
                }
                _ => {}
            }
            return out;
        }
        let Some(stable) = self.stable.clone() else {
            self.stable = Some(key.to_string());
            return Vec::new();
        };
        // An answer held back (a return to a recent version) that was not
        // confirmed by the one after it.
        let held = previous.filter(|p| *p != stable);
        if key == stable {
            return match held {
                // Back and forth twice: a load balancer serving both.
                Some(other) => {
                    self.mixed = Some((stable.clone(), other.clone()));
                    vec![Observation::MixedStarted { a: stable, b: other }]
                }
                None => Vec::new(),
            };
        }
        match held {
            // The held-back version again: a real change (a rollback).
            Some(h) if h == key => {}
            // A third version after an unconfirmed return: flapping.
            Some(h) if seen_before => {
                self.mixed = Some((h.clone(), key.to_string()));
                return vec![Observation::MixedStarted { a: h, b: key.to_string() }];
            }
            Some(_) => {}
            // A return to a version seen moments ago: wait for the next answer.
            None if seen_before => return Vec::new(),
            None => {}
        }
        self.stable = Some(key.to_string());
        vec![Observation::Changed { from: stable, to: key.to_string(), commit: short }]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    pub name: String,
    /// One per environment, in `Rollout::envs` order; `None` where the
    /// service does not run in that environment.
    pub cells: Vec<Option<Cell>>,
    /// The release's target, or its repository's when it is linked to one.
    pub target: Target,
    /// Index into the model's repos.
    pub repo: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    pub envs: Vec<String>,
    pub services: Vec<ServiceRow>,
    pub last_sweep: Option<DateTime<Utc>>,
    /// What the journal last said about each endpoint being down.
    pub outages: Outages,
    pub poll_interval: std::time::Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub on_target: usize,
    pub total: usize,
    pub errors: usize,
}

impl Rollout {
    pub fn progress(&self, env: usize) -> Progress {
        let mut p = Progress { on_target: 0, total: 0, errors: 0 };
        for (row, cell) in self.services.iter().filter_map(|s| Some((s, s.cells.get(env)?.as_ref()?))) {
            p.total += 1;
            match cell.status(&row.target) {
                CellStatus::OnTarget => p.on_target += 1,
                CellStatus::Error => p.errors += 1,
                _ => {}
            }
        }
        p
    }

    pub fn cell(&self, service: usize, env: usize) -> Option<&Cell> {
        self.services.get(service)?.cells.get(env)?.as_ref()
    }

    pub fn cell_mut(&mut self, service: usize, env: usize) -> Option<&mut Cell> {
        self.services.get_mut(service)?.cells.get_mut(env)?.as_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(version: &str) -> Probe {
        Probe {
            state: ProbeState::Ok,
            info: VersionInfo {
                version: Some(version.into()),
                commit: Some("abcdef1234".into()),
                ..Default::default()
            },
            heartbeat: Heartbeat::Ok,
            heartbeat_detail: None,
            error: None,
            latency_ms: Some(3),
            final_url: None,
            at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn cell() -> Cell {
        Cell::new(Endpoint {
            version_url: "http://x/__version__".into(),
            heartbeat_url: Some("http://x/__heartbeat__".into()),
        })
    }

    #[test]
    fn a_plain_rollout_is_one_change() {
        let mut c = cell();
        assert!(c.observe(probe("old")).is_empty());
        assert!(c.observe(probe("old")).is_empty());
        let ev = c.observe(probe("new"));
        assert_eq!(
            ev,
            vec![Observation::Changed { from: "old".into(), to: "new".into(), commit: Some("abcdef1".into()) }]
        );
        assert!(c.observe(probe("new")).is_empty());
        assert!(c.on_target(&Target::tag("new")));
    }

    #[test]
    fn successive_releases_are_not_mixed() {
        let mut c = cell();
        for v in ["a", "b", "c", "d"] {
            c.observe(probe(v));
        }
        assert_eq!(c.mixed, None);
        assert_eq!(c.status(&Target::tag("d")), CellStatus::OnTarget);
    }

    #[test]
    fn alternation_is_mixed_once_then_settles() {
        let mut c = cell();
        c.observe(probe("old"));
        assert_eq!(c.observe(probe("new")).len(), 1);
        // One return could be a rollback: held back until the next answer.
        assert!(c.observe(probe("old")).is_empty());
        assert_eq!(c.mixed, None);
        // The second flip makes it a mixed fleet.
        let ev = c.observe(probe("new"));
        assert_eq!(ev, vec![Observation::MixedStarted { a: "new".into(), b: "old".into() }]);
        assert_eq!(c.status(&Target::tag("new")), CellStatus::Mixed);
        // Flapping is not spammed into the log.
        for v in ["old", "new", "old", "new"] {
            assert!(c.observe(probe(v)).is_empty(), "{v}");
        }
        assert!(c.observe(probe("new")).is_empty());
        assert_eq!(c.observe(probe("new")), vec![Observation::Settled { on: "new".into() }]);
        assert_eq!(c.status(&Target::tag("new")), CellStatus::OnTarget);
    }

    #[test]
    fn a_rollback_is_a_change_not_a_mixed_fleet() {
        let mut c = cell();
        c.observe(probe("a"));
        c.observe(probe("a"));
        assert_eq!(
            c.observe(probe("b")),
            vec![Observation::Changed { from: "a".into(), to: "b".into(), commit: Some("abcdef1".into()) }]
        );
        assert!(c.observe(probe("a")).is_empty(), "one answer is not yet a rollback");
        assert_eq!(
            c.observe(probe("a")),
            vec![Observation::Changed { from: "b".into(), to: "a".into(), commit: Some("abcdef1".into()) }]
        );
        assert_eq!(c.mixed, None);
        assert!(c.observe(probe("a")).is_empty());
        assert_eq!(c.status(&Target::tag("a")), CellStatus::OnTarget);
    }

    #[test]
    fn settling_on_another_version_is_also_a_change() {
        let mut c = cell();
        for v in ["old", "new", "old"] {
            c.observe(probe(v));
        }
        assert_eq!(c.observe(probe("new")).len(), 1, "mixed");
        assert!(c.observe(probe("old")).is_empty());
        assert!(c.observe(probe("old")).is_empty());
        assert_eq!(
            c.observe(probe("old")),
            vec![
                Observation::Settled { on: "old".into() },
                Observation::Changed { from: "new".into(), to: "old".into(), commit: Some("abcdef1".into()) },
            ]
        );
        assert_eq!(c.mixed, None);
        assert!(c.observe(probe("old")).is_empty(), "settled is quiet");
    }

    #[test]
    fn a_failing_mixed_cell_is_failing() {
        let mut c = cell();
        for v in ["old", "new", "old", "new"] {
            c.observe(probe(v));
        }
        assert!(c.mixed.is_some());
        let mut p = probe("new");
        p.state = ProbeState::Timeout;
        p.error = Some("timed out after 5s".into());
        c.observe(p);
        assert_eq!(c.mixed, None);
        assert_eq!(c.status(&Target::tag("new")), CellStatus::Error);
        let ro = Rollout {
            envs: vec!["prod".into()],
            services: vec![ServiceRow {
                name: "svc".into(),
                cells: vec![Some(c.clone())],
                target: Target::tag("new"),
                repo: None,
            }],
            last_sweep: None,
            outages: Outages::default(),
            poll_interval: std::time::Duration::from_secs(1),
        };
        assert_eq!(ro.progress(0), Progress { on_target: 0, total: 1, errors: 1 });
        // Back, and on one version: nothing to report, on target again.
        assert!(c.observe(probe("new")).is_empty());
        assert_eq!(c.status(&Target::tag("new")), CellStatus::OnTarget);
    }

    #[test]
    fn failure_keeps_last_known_version() {
        let mut c = cell();
        c.observe(probe("v1"));
        let mut p = probe("v1");
        p.state = ProbeState::Timeout;
        p.error = Some("timed out after 5s".into());
        c.observe(p);
        assert_eq!(c.status(&Target::tag("v1")), CellStatus::Error);
        assert_eq!(c.last_ok.as_ref().unwrap().0.version.as_deref(), Some("v1"));
    }

    #[test]
    fn heartbeat_changes_are_reported_after_the_first_answer() {
        let mut c = cell();
        c.observe(probe("v1"));
        let mut p = probe("v1");
        p.heartbeat = Heartbeat::Warning;
        assert_eq!(c.observe(p), vec![Observation::HeartbeatChanged { from: Heartbeat::Ok, to: Heartbeat::Warning }]);
    }

    #[test]
    fn the_cell_says_where_its_newest_answer_came_from() {
        let mut c = cell();
        let moved = "http://x/app/__version__".to_string();
        c.observe(Probe { final_url: Some(moved.clone()), ..probe("v1") });
        assert_eq!(c.final_url.as_deref(), Some(moved.as_str()));
        let mut failed = probe("v1");
        failed.state = ProbeState::NoEndpoint;
        failed.final_url = Some(moved.clone());
        c.observe(failed);
        assert_eq!(c.final_url.as_deref(), Some(moved.as_str()), "a failure at the moved-to URL names it");
        c.observe(probe("v1"));
        assert_eq!(c.final_url, None, "the configured URL answers itself again");
    }

    #[test]
    fn a_target_is_a_tag_name_not_a_number() {
        let target = Target::tag("2015.06.02-03");
        let version = |v: &str| VersionInfo { version: Some(v.into()), ..Default::default() };
        assert!(target.matches(&version("2015.06.02-03")));
        assert!(!target.matches(&version("2015.06.02-3")));
        assert!(!Target::tag("2015.06.02-3").matches(&version("2015.06.02-03")));
    }

    #[test]
    fn the_cell_keeps_why_its_heartbeat_is_what_it_is() {
        let mut c = cell();
        let why = "heartbeat answered text/html, not a Dockerflow heartbeat".to_string();
        c.observe(Probe { heartbeat: Heartbeat::Unknown, heartbeat_detail: Some(why.clone()), ..probe("v1") });
        assert_eq!((c.heartbeat, c.heartbeat_detail.as_deref()), (Heartbeat::Unknown, Some(why.as_str())));
        c.observe(probe("v1"));
        assert_eq!((c.heartbeat, c.heartbeat_detail.as_deref()), (Heartbeat::Ok, None));
    }
}
