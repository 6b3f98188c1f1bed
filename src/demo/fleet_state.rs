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
}

impl FleetState {
    pub(super) fn new(story: Story, speed: f64) -> Self {
        FleetState {
            counters: (0..story.services.len() * ENVS.len()).map(|_| AtomicU64::new(0)).collect(),
            story,
            speed,
            started: std::sync::OnceLock::new(),
            sentry_rate: RateWindow::default(),
        }
    }

    fn started(&self) -> (Instant, DateTime<Utc>) {
        *self.started.get_or_init(|| (Instant::now(), Utc::now()))
    }

    pub(super) fn story_time(&self) -> f64 {
        self.started().0.elapsed().as_secs_f64() * self.speed
    }

    /// Story seconds so far, `None` until the first request started the
    /// story: asking must not start it (the demo's teammate asks early).
    pub(super) fn story_time_if_started(&self) -> Option<f64> {
        self.started.get().map(|(at, _)| at.elapsed().as_secs_f64() * self.speed)
    }

    /// The wall-clock time the story started (with the first request).
    pub(super) fn started_wall(&self) -> DateTime<Utc> {
        self.started().1
    }

    pub(super) fn index(&self, service: &str, env: &str) -> Option<(usize, usize)> {
        let s = self.story.services.iter().position(|n| n == service)?;
        let e = ENVS.iter().position(|n| *n == env)?;
        Some((s, e))
    }
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
