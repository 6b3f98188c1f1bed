//! The command-line front ends over the same library the cockpit uses.

pub mod check;
pub mod drive;
pub mod log;
pub mod repos;
pub mod status;

/// A failure that ends a command with a message and an exit code, without a
/// backtrace: bad config, bad flags, a gate that did not pass.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

impl Exit {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Exit { code, message: message.into() }
    }
}
