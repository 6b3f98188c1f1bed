//! The built-in demo: a fleet of Dockerflow services served by shipdeck
//! itself on 127.0.0.1, telling the story of a push, and the config that
//! points at it. The integration tests and benchmarks use the same fleet.
//!
//! Later data sources (git repositories, Sentry, a checklist) plug in as more
//! routes on the fleet and more sections in [`config::demo_config`]. Sentry's
//! web API is served by the fleet ([`sentry`]), with [`DEMO_SENTRY_TOKEN`].
//! A second person, QA on a replica of their own ([`teammate`]), shares the
//! push with the cockpit through a bare repository ([`repos::share_remote`]).

pub mod config;
pub mod deploys;
pub mod fleet;
pub mod fleet_state;
pub mod last_push;
pub mod repos;
pub mod run;
pub mod script;
pub mod sentry;
pub mod story;
pub mod teammate;

pub use sentry::{DEMO_SENTRY_ORG, DEMO_SENTRY_TOKEN};

/// The demo's service names; `--services N` beyond these adds numbered ones.
pub const SERVICE_NAMES: [&str; 8] = [
    "addons-server",
    "addons-frontend",
    "addons-code-manager",
    "addons-linter",
    "addons-blog",
    "addons-nginx",
    "addons-search",
    "addons-cdn",
];

pub fn service_names(n: usize) -> Vec<String> {
    (0..n).map(|i| SERVICE_NAMES.get(i).map_or_else(|| format!("service-{:03}", i + 1), |s| s.to_string())).collect()
}
