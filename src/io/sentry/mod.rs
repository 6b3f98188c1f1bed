//! The Sentry web API (sentry.io, a region such as `de.sentry.io`, or
//! self-hosted, also under a sub-path): project slugs to ids, error counts per
//! 5 minutes, the same window a week earlier, issues first seen since the push
//! and issues that came back since.
//!
//! The series comes from `events-timeseries`, the endpoint Sentry documents;
//! a Sentry that does not have it (it answers 404 with no `detail`, the way
//! an unknown route does) is asked `events-stats` instead, for the rest of the
//! run. Both count what Sentry's own error alerts count, events of type
//! `error` or `default` (what `logger.error` sends), and both are made to
//! include the bucket still filling: `events-timeseries` always does,
//! `events-stats` only when asked `partial=1`.
//!
//! Numbers from the server are checked before they are used: a bucket
//! width must be the one asked or a wider one Sentry may pick (a whole
//! multiple of 5 minutes, a day at most), buckets must lie in the window
//! asked, in order, and counts must be plausible; any other answer is
//! unreadable, and the error names the endpoint.
//!
//! Every answer's rate-limit headers are read; a 429 waits for the reset.
//! The token goes in the `Authorization` header and nowhere else: not in
//! URLs, errors, logs or the model. It is the only credential sent: userinfo
//! in the configured base URL is dropped, or reqwest would add a Basic header
//! beside the Bearer one (and show the password in its errors).
//!
//! The client and its settings are in `client`, one project's fetch in
//! `fetch`; below it the series, the issue searches and the project list,
//! each a request through `request`, and the answers' parsers. `releases`
//! tells Sentry of a deploy (`record_deploys`). `spawn` carries out
//! `SentryEffect::Fetch` and `SentryEffect::RecordDeploy`.

mod client;
mod fetch;
mod headers;
mod issues;
mod parse;
mod projects;
mod releases;
mod request;
mod series;
pub mod spawn;

pub use client::{Secret, SentryClient};
pub use headers::parse_rate_limit;
pub use issues::parse_issues;
pub use parse::{ParseError, parse_stats, parse_timeseries};
