//! The story's numbers: the moment a request sees, the spike, and the
//! errors of a project in any stretch of wall-clock time.

use crate::demo::story::Story;
use chrono::{DateTime, Duration, Utc};

/// The project (service index) that spikes after its prod switch.
pub const SPIKE_PROJECT: usize = 0;
/// Every series is built from wall-clock buckets this wide, aligned to it.
pub const BUCKET_SECS: i64 = 300;
/// Buckets before the spike's own that already show it.
pub const SPIKE_LEAD_BUCKETS: i64 = 2;

/// The story as the Sentry routes see it at one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    pub now: DateTime<Utc>,
    pub spike: Option<Spike>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spike {
    pub project: usize,
    /// Wall clock of the project's prod switch.
    pub began: DateTime<Utc>,
    /// Story seconds since then.
    pub story_secs: f64,
}

impl Moment {
    /// `started`: the wall clock at story time 0; `story_time`: story
    /// seconds now. The spike begins at [`SPIKE_PROJECT`]'s prod switch.
    pub fn at(story: &Story, speed: f64, started: DateTime<Utc>, story_time: f64, now: DateTime<Utc>) -> Moment {
        let switch = story.prod_switch_at(SPIKE_PROJECT);
        let spike = (SPIKE_PROJECT < story.services.len() && speed > 0.0 && story_time >= switch).then(|| Spike {
            project: SPIKE_PROJECT,
            began: started + Duration::milliseconds((switch / speed * 1000.0).round() as i64),
            story_secs: story_time - switch,
        });
        Moment { now, spike }
    }

    /// The first bucket (epoch seconds) that shows the spike.
    pub fn spike_from(&self) -> Option<i64> {
        self.spike.map(|s| floor_to(s.began.timestamp(), BUCKET_SECS) - SPIKE_LEAD_BUCKETS * BUCKET_SECS)
    }
}

pub(super) fn floor_to(t: i64, step: i64) -> i64 {
    t - t.rem_euclid(step)
}

/// A small stable hash of (project, bucket, salt): splitmix64.
fn mix(project: usize, at: i64, salt: u64) -> u64 {
    let mut z = (project as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (at as u64) ^ salt.rotate_left(32);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The quiet errors of `project` in the 5-minute bucket at `at`: 0–2, one
/// on average. Steady enough that a quiet project reads calm and the spike
/// reads as one wherever the push mark falls (20 minutes or an hour back).
pub fn baseline(project: usize, at: i64) -> u64 {
    const QUIET: [u64; 8] = [0, 0, 1, 1, 1, 1, 2, 2];
    QUIET[(mix(project, at, 0) % QUIET.len() as u64) as usize]
}

/// Errors of `project` in the whole 5-minute bucket at `at` (epoch
/// seconds, aligned): the baseline, or 8–15 in the spike's buckets up to now.
pub fn bucket_count(project: usize, at: i64, m: &Moment) -> u64 {
    match (m.spike, m.spike_from()) {
        (Some(s), Some(from)) if s.project == project && at >= from && at <= m.now.timestamp() => {
            8 + mix(project, at, 1) % 8
        }
        _ => baseline(project, at),
    }
}

/// Which events a query counts: Sentry's `event.type:error` (exceptions)
/// and `event.type:default` (messages such as `logger.error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTypes {
    pub error: bool,
    pub default: bool,
}

impl EventTypes {
    /// From a search query: the types it names, or all when it names none.
    pub fn from_query(query: &str) -> EventTypes {
        let (error, default) = (query.contains("event.type:error"), query.contains("event.type:default"));
        if error || default { EventTypes { error, default } } else { EventTypes { error: true, default: true } }
    }
}

/// Of a bucket's errors, this many are `default` events (`logger.error`).
pub fn default_events(total: u64) -> u64 {
    total / 4
}

/// Events of `project` from `from` to `to` (epoch seconds) of the given
/// types: each 5-minute bucket's count spread evenly over it, nothing after
/// now. A bucket still filling holds what has happened so far.
pub fn count_between(project: usize, from: i64, to: i64, types: EventTypes, m: &Moment) -> u64 {
    let to = to.min(m.now.timestamp());
    let mut n = 0;
    let mut b = floor_to(from, BUCKET_SECS);
    while b < to {
        let overlap = (b + BUCKET_SECS).min(to) - b.max(from);
        if overlap > 0 {
            let total = bucket_count(project, b, m);
            let kept = match (types.error, types.default) {
                (true, true) => total,
                (true, false) => total - default_events(total),
                (false, true) => default_events(total),
                (false, false) => 0,
            };
            n += kept * overlap as u64 / BUCKET_SECS as u64;
        }
        b += BUCKET_SECS;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn a_query_for_exceptions_only_misses_the_logged_errors() {
        let s = story(3);
        let m = at(&s, s.prod_switch_at(SPIKE_PROJECT) + 30.0);
        let from = m.spike_from().unwrap();
        let all = count_between(0, from, from + 600, ALL, &m);
        let errors = count_between(0, from, from + 600, EventTypes::from_query("event.type:error"), &m);
        let default = count_between(0, from, from + 600, EventTypes::from_query("event.type:default"), &m);
        assert!(errors < all && default > 0, "{errors} {default} {all}");
        assert_eq!(errors + default, all);
        assert_eq!(EventTypes::from_query("(event.type:error OR event.type:default)"), ALL);
        assert_eq!(EventTypes::from_query(""), ALL);
    }

    #[test]
    fn the_spike_follows_the_speed_and_the_fleet_size() {
        let s = story(1);
        let m = Moment::at(&s, 4.0, started(), 20.0, started() + Duration::seconds(5));
        assert_eq!(m.spike.map(|sp| (sp.project, sp.began)), Some((0, started() + Duration::seconds(3))));
        let none = Story { services: Vec::new(), ..story(1) };
        assert_eq!(Moment::at(&none, 1.0, started(), 500.0, started()).spike, None);
    }
}
