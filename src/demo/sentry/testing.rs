//! What the demo Sentry's unit tests share: a story, its start, the moment
//! some story seconds in, query pairs.

use super::counts::{EventTypes, Moment};
use crate::demo::story::Story;
use chrono::{DateTime, Duration, TimeZone, Utc};

pub(super) fn story(n: usize) -> Story {
    Story { services: crate::demo::service_names(n), old_tag: "2026.11.19".into(), new_tag: "2026.11.26".into() }
}

pub(super) fn started() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 1, 10).unwrap()
}

/// The moment `story_time` story seconds in, at speed 1.
pub(super) fn at(s: &Story, story_time: f64) -> Moment {
    let now = started() + Duration::milliseconds((story_time * 1000.0) as i64);
    Moment::at(s, 1.0, started(), story_time, now)
}

pub(super) fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub(super) const ALL: EventTypes = EventTypes { error: true, default: true };
