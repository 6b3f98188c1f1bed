//! The pure core: no ratatui, tokio, reqwest or git2 in here. Everything the
//! cockpit knows lives in [`Model`]; everything that changes it goes through
//! [`update`], which answers with [`Effect`]s for the io layer to carry out.

pub mod acts;
pub mod checklist;
pub mod demo;
pub mod deploy;
pub mod history;
pub mod journal;
pub mod kernel;
pub mod log;
pub mod milestones;
pub mod model;
pub mod msg;
pub mod notes;
pub mod outcome;
pub mod release;
pub mod repos;
pub mod rollout;
pub mod sentry;
pub mod share;
pub mod smoke;
pub mod targets;
pub mod update;
pub mod view;

pub use kernel::remote::Remote;
pub use log::{LogEntry, LogFilter, LogKind};
pub use model::Model;
pub use msg::{Effect, Msg};
pub use release::Release;
pub use rollout::msg::PollTarget;
pub use rollout::probe::{Heartbeat, Probe, ProbeState, VersionInfo};
pub use rollout::{Cell, CellStatus, Endpoint, Rollout, ServiceRow};
pub use update::update;
