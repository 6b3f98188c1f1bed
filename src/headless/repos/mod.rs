//! `shipdeck repos`, `shipdeck compare`, `shipdeck tag` and `shipdeck retag`: the Repos & tags
//! pane for scripts, through the same `update` the cockpit runs.
//!
//! `scan` loads the model every command starts from; `report`, `compare`
//! and `tag` and `retag` are the commands.

mod compare;
mod report;
mod retag;
mod scan;
mod tag;

pub use compare::compare;
pub use report::{RepoReport, SecurityReport, repos};
pub use retag::retag;
pub use tag::tag;
