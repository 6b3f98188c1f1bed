//! `shipdeck repos`, `shipdeck compare` and `shipdeck tag`: the Repos & tags
//! pane for scripts, through the same `update` the cockpit runs.
//!
//! `scan` loads the model every command starts from; `report`, `compare`
//! and `tag` are the three commands.

mod compare;
mod report;
mod scan;
mod tag;

pub use compare::compare;
pub use report::{RepoReport, SecurityReport, repos};
pub use tag::tag;
