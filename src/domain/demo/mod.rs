//! The built-in demo as the cockpit knows it: its story can be paused, so a
//! person can read what just happened before the next thing does.

pub mod update;

/// Present only in the demo's cockpit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demo {
    pub paused: bool,
}
