//! The pure core: no ratatui, tokio, reqwest or git2 in here. Everything the
//! cockpit knows lives in [`Model`]; everything that changes it goes through
//! [`update`], which answers with [`Effect`]s for the io layer to carry out.

pub mod actor;
pub mod checklist;
pub mod compose;
pub mod duration;
pub mod event;
pub mod id_set;
pub mod input;
pub mod journal;
pub mod milestones;
pub mod model;
pub mod msg;
pub mod notes;
pub mod notes_render;
pub mod order;
pub mod probe;
pub mod redact;
pub mod release;
pub mod remote;
pub mod repo_update;
pub mod report;
pub mod repos;
pub mod rollout;
pub mod sentry;
pub mod sentry_report;
pub mod sentry_update;
pub mod tags;
pub mod update;
pub mod view_memory;

pub use event::{LogEntry, LogFilter, LogKind};
pub use model::{Model, Pane};
pub use msg::{Effect, Msg, PollTarget};
pub use probe::{Heartbeat, Probe, ProbeState, VersionInfo};
pub use release::Release;
pub use remote::Remote;
pub use rollout::{Cell, CellStatus, Endpoint, Rollout, ServiceRow};
pub use update::update;
