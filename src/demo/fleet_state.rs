//! What the demo fleet's routes share: the story, its clock, the request
//! counters behind the mixed fleet, and the Sentry routes' rate window. Apart
//! from the routes, so both the fleet and its Sentry read it without either
//! importing the other.

use super::story::Story;
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

pub const ENVS: [&str; 2] = ["stage", "prod"];

/// Story seconds a deploy takes to roll out.
pub const ROLL: f64 = 3.0;

/// One deploy asked of the fleet: what, where and when (story seconds).
#[derive(Debug, Clone)]
pub struct Asked {
    pub service: usize,
    pub env: usize,
    /// `None`: the story's new tag, served as the story rolls it out.
    pub tag: Option<String>,
    pub at: f64,
}

/// `X-Sentry-Rate-Limit-Limit`: requests per one-second window.
pub const RATE_LIMIT: u64 = 40;

pub(super) struct FleetState {
    pub(super) story: Story,
    pub(super) speed: f64,
    /// The story starts with the first request, so a slow start (building the
    /// demo repositories, a loaded machine) never skips its beginning. The
    /// wall clock at that moment places story times on real clocks (Sentry).
    started: std::sync::OnceLock<(Instant, DateTime<Utc>)>,
    /// Requests seen per (service, env) version endpoint: drives the mixed fleet.
    pub(super) counters: Vec<AtomicU64>,
    /// The Sentry routes' rate-limit window.
    pub(super) sentry_rate: RateWindow,
    /// The story stands still while paused (`p` in the demo's cockpit).
    pause: Mutex<Pause>,
    /// Services whose deploy waits for their repository's push tag.
    gates: Mutex<Vec<Gate>>,
    /// Services built from a demo repository: its bare remote, whose tags
    /// give the commit each version reports.
    sources: Mutex<Vec<(usize, std::path::PathBuf)>>,
    /// `(service, tag)` → the commit the tag names there, once read.
    commits: Mutex<std::collections::HashMap<(usize, String), String>>,
    /// Every deploy asked through the fleet's hook, in order: the index is
    /// its id.
    asked: Mutex<Vec<Asked>>,
}

#[derive(Debug, Default)]
struct Pause {
    since: Option<Instant>,
    total: std::time::Duration,
}

/// A service deployed from a repository not tagged for the push yet: its
/// stage and prod keep the previous version until the tag reaches the
/// repository's remote, as a CI deploying tags would.
#[derive(Debug)]
struct Gate {
    service: usize,
    remote: std::path::PathBuf,
    /// Story seconds when the tag was first seen there.
    opened: Option<f64>,
    /// Looked at most twice a second, however often the fleet is polled.
    checked: Option<Instant>,
}

/// How often a closed gate looks at its remote.
const GATE_LOOK_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

impl FleetState {
    pub(super) fn new(story: Story, speed: f64) -> Self {
        FleetState {
            counters: (0..story.services.len() * ENVS.len()).map(|_| AtomicU64::new(0)).collect(),
            story,
            speed,
            started: std::sync::OnceLock::new(),
            sentry_rate: RateWindow::default(),
            pause: Mutex::new(Pause::default()),
            gates: Mutex::new(Vec::new()),
            sources: Mutex::new(Vec::new()),
            commits: Mutex::new(Default::default()),
            asked: Mutex::new(Vec::new()),
        }
    }

    fn started(&self) -> (Instant, DateTime<Utc>) {
        *self.started.get_or_init(|| (Instant::now(), Utc::now()))
    }

    /// Time spent paused up to `now`.
    fn paused_for(&self, now: Instant) -> std::time::Duration {
        let p = self.pause.lock().unwrap_or_else(|e| e.into_inner());
        p.total + p.since.map_or(std::time::Duration::ZERO, |s| now.saturating_duration_since(s))
    }

    /// Story seconds since `start`, pauses left out: one `now` for both, so
    /// a paused story reads the same to the microsecond.
    fn since(&self, start: Instant) -> f64 {
        let now = Instant::now();
        now.saturating_duration_since(start).saturating_sub(self.paused_for(now)).as_secs_f64() * self.speed
    }

    pub(super) fn story_time(&self) -> f64 {
        self.since(self.started().0)
    }

    /// Story seconds so far, `None` until the first request started the
    /// story: asking must not start it (the demo's teammate asks early).
    pub(super) fn story_time_if_started(&self) -> Option<f64> {
        self.started.get().map(|(at, _)| self.since(*at))
    }

    /// The wall-clock time of story time 0: when the story started (with
    /// the first request), moved on by every pause, so that story seconds
    /// still end at the wall clock's now (Sentry's timestamps).
    pub(super) fn started_wall(&self) -> DateTime<Utc> {
        let paused = chrono::Duration::from_std(self.paused_for(Instant::now())).unwrap_or_default();
        self.started().1 + paused
    }

    /// Pauses the story (`true`) or resumes it; asking for what already
    /// is changes nothing.
    pub fn set_paused(&self, paused: bool) {
        let mut p = self.pause.lock().unwrap_or_else(|e| e.into_inner());
        match (p.since, paused) {
            (Some(since), false) => {
                p.total += since.elapsed();
                p.since = None;
            }
            (None, true) => p.since = Some(Instant::now()),
            _ => {}
        }
    }

    /// Holds `service`'s deploy until the story's new tag is on `remote`.
    pub(super) fn gate(&self, service: usize, remote: std::path::PathBuf) {
        self.sources.lock().unwrap_or_else(|e| e.into_inner()).push((service, remote.clone()));
        if tag_on(&remote, &self.story.new_tag) {
            return;
        }
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        gates.push(Gate { service, remote, opened: None, checked: None });
    }

    /// From which story second `service` may run the new tag: 0 unless it
    /// waits for a tag; never while the tag is not on its remote.
    pub(super) fn deploy_from(&self, service: usize) -> f64 {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        let Some(g) = gates.iter_mut().find(|g| g.service == service) else { return 0.0 };
        if g.opened.is_none() && g.checked.is_none_or(|c| c.elapsed() >= GATE_LOOK_EVERY) {
            g.checked = Some(Instant::now());
            if tag_on(&g.remote, &self.story.new_tag) {
                g.opened = Some(self.story_time_if_started().unwrap_or(0.0));
            }
        }
        g.opened.unwrap_or(f64::INFINITY)
    }

    /// The commit `tag` names in `service`'s repository, for a service
    /// built from one: what its `/__version__` reports, as a real build's
    /// would.
    pub(super) fn commit_of(&self, service: usize, tag: &str) -> Option<String> {
        let key = (service, tag.to_string());
        if let Some(c) = self.commits.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Some(c.clone());
        }
        let remote = {
            let sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
            sources.iter().find(|(s, _)| *s == service).map(|(_, r)| r.clone())?
        };
        let repo = git2::Repository::open_bare(&remote).ok()?;
        let commit = repo.revparse_single(&format!("refs/tags/{tag}^{{commit}}")).ok()?.id().to_string();
        self.commits.lock().unwrap_or_else(|e| e.into_inner()).insert(key, commit.clone());
        Some(commit)
    }

    /// Whether every service waiting for its tag has it on its remote.
    pub(super) fn all_tagged(&self) -> bool {
        let services: Vec<usize> = {
            let gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
            gates.iter().map(|g| g.service).collect()
        };
        services.into_iter().all(|s| self.deploy_from(s).is_finite())
    }

    /// When every service's prod runs the new tag, in story seconds; `None`
    /// while one waits for its tag.
    pub(super) fn rollout_settled_at(&self) -> Option<f64> {
        let services: Vec<usize> = {
            let gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
            gates.iter().map(|g| g.service).collect()
        };
        let mut last = 0.0f64;
        for s in services {
            let from = self.deploy_from(s);
            if from.is_infinite() {
                return None;
            }
            last = last.max(self.story.prod_switch(s, from));
        }
        Some(last)
    }

    /// Records a deploy; its id.
    pub(super) fn ask(&self, asked: Asked) -> usize {
        let mut all = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        all.push(asked);
        all.len() - 1
    }

    pub(super) fn asked(&self, id: usize) -> Option<Asked> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    /// What the newest deploy live at story second `t` has `(service, env)`
    /// serve: `Some(tag)` for a tag of its own, `None` for the story's
    /// rollout (no deploy, or the new tag deployed).
    pub(super) fn deployed(&self, service: usize, env: usize, t: f64) -> Option<String> {
        let all = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        let live = all.iter().rev().find(|a| a.service == service && a.env == env && t >= a.at + ROLL);
        live.and_then(|a| a.tag.clone())
    }

    /// Whether `tag` can be deployed to `service`: the story's tags, or a
    /// tag its repository's remote has (a re-tag made in the demo).
    pub(super) fn deployable(&self, service: usize, tag: &str) -> Result<(), String> {
        let remote = {
            let sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
            sources.iter().find(|(s, _)| *s == service).map(|(_, r)| r.clone())
        };
        let name = &self.story.services[service];
        match remote {
            Some(r) if tag_on(&r, tag) => Ok(()),
            Some(_) => Err(format!("{name}: no tag `{tag}` on its remote: push it first")),
            None if tag == self.story.new_tag || tag == self.story.old_tag => Ok(()),
            None => Err(format!("{name}: no build of `{tag}`")),
        }
    }

    pub(super) fn index(&self, service: &str, env: &str) -> Option<(usize, usize)> {
        let s = self.story.services.iter().position(|n| n == service)?;
        let e = ENVS.iter().position(|n| *n == env)?;
        Some((s, e))
    }
}

/// Whether the bare repository at `remote` has tag `tag`.
fn tag_on(remote: &std::path::Path, tag: &str) -> bool {
    git2::Repository::open_bare(remote).is_ok_and(|r| r.find_reference(&format!("refs/tags/{tag}")).is_ok())
}

/// Requests counted per wall-clock second, for the rate-limit headers.
#[derive(Debug, Default)]
pub struct RateWindow(Mutex<(i64, u64)>);

impl RateWindow {
    /// Counts one request at `now` (epoch seconds): the requests left in
    /// its window, and the window's reset (the next second).
    pub fn take(&self, now: i64) -> (u64, i64) {
        let mut w = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if w.0 != now {
            *w = (now, 0);
        }
        w.1 += 1;
        (RATE_LIMIT.saturating_sub(w.1), now + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paused_story_stands_still_and_its_wall_clock_follows() {
        let st = FleetState::new(crate::demo::run::story(2, "2026.11.26".into(), "2026.11.19".into()), 1.0);
        st.story_time();
        st.set_paused(true);
        st.set_paused(true);
        let (at, wall) = (st.story_time(), st.started_wall());
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert_eq!(st.story_time(), at, "no story second passes while paused");
        assert!(st.started_wall() - wall >= chrono::Duration::milliseconds(60), "story time 0 moves with the pause");
        st.set_paused(false);
        std::thread::sleep(std::time::Duration::from_millis(30));
        let after = st.story_time();
        assert!(after > at && after < at + 1.0, "resumed from where it stood: {at} then {after}");
    }

    #[test]
    fn rate_limit_window_counts_down_and_resets() {
        let w = RateWindow::default();
        assert_eq!(w.take(100), (39, 101));
        assert_eq!(w.take(100), (38, 101));
        for _ in 0..50 {
            w.take(100);
        }
        assert_eq!(w.take(100), (0, 101), "never below zero");
        assert_eq!(w.take(101), (39, 102));
    }
}
