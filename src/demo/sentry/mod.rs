//! The demo's Sentry: the calls of the Sentry web API the cockpit makes
//! (the project list, `events-timeseries` and `events-stats`, the issue
//! search, and with `record_deploys` creating releases and their deploys),
//! served by the fleet from real-shaped data and cut the way Sentry
//! cuts them. Organization [`DEMO_SENTRY_ORG`], one project per service
//! (slug = service name), a quiet deterministic baseline of errors — a
//! quarter of them `default` events, what `logger.error` sends — and one
//! spike: the first service's project, once its prod has switched to the new
//! tag, raises its counts and shows two new issues (from
//! `fixtures/sentry/issues.json`), a new performance issue (not an error)
//! and an old error that came back.
//!
//! Like Sentry, a series holds what happened up to the end asked, so the
//! bucket still filling counts only its first minutes; `events-stats` leaves
//! it out unless asked `partial=1`, `events-timeseries` keeps it and marks
//! it `incomplete`.
//!
//! Times: the story runs in story seconds, Sentry in wall-clock 5-minute
//! buckets. The spike begins at the wall-clock moment of the project's prod
//! switch ([`Story::prod_switch_at`]); from then on every bucket from two
//! before the spike's own up to the current one reports 8–15 errors, so the
//! rise shows at once (a two-minute story would otherwise sit in one bucket).
//!
//! Every answer carries sentry.io's rate-limit headers (a window of
//! [`RATE_LIMIT`] requests per wall-clock second, counted but never
//! enforced); a missing or wrong token is a 401.
//!
//! [`Story::prod_switch_at`]: crate::demo::story::Story::prod_switch_at
//! [`RATE_LIMIT`]: crate::demo::fleet_state::RATE_LIMIT

mod auth;
mod counts;
mod issues;
mod projects;
mod query;
mod releases;
mod routes;
mod series;

pub use auth::{CONCURRENT_LIMIT, DEMO_SENTRY_ORG, DEMO_SENTRY_TOKEN, authorized};
pub use counts::{
    BUCKET_SECS, EventTypes, Moment, SPIKE_LEAD_BUCKETS, SPIKE_PROJECT, Spike, baseline, bucket_count, count_between,
    default_events,
};
pub use issues::{PERFORMANCE_AFTER_SECS, REGRESSION_AFTER_SECS, all_issues, issues, search};
pub use projects::{FIRST_PROJECT_ID, platform, project_id, project_index, projects_body};
pub(super) use routes::routes;
pub use series::{INGESTION_DELAY_SECS, MAX_POINTS, StatsApi, StatsRange};

#[cfg(test)]
mod testing;
