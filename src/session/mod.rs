//! Turning a config and the global flags into a running session: the
//! starting model, its journal, its clients, its look. The edge where the
//! local time zone, the environment and the user's small files are read, so
//! the domain never does.
//!
//! `config_file` finds the team's config and the personal file layered over
//! it; `model` builds the starting model; `journal` loads the session's
//! journal into it; `wiring` is what the cockpit and the headless commands
//! share (the `Io` they drive, who this run is when it mints an event id);
//! `paths` finds the data dir (journals) and the state dir (the log file,
//! the view); `sentry_token`, `theme` and `view_memory` read (and for the
//! view, write) the user's small files.

pub mod config_file;
pub mod history;
pub mod journal;
pub mod model;
pub mod paths;
pub mod sentry_token;
pub mod theme;
pub mod theme_check;
pub mod view_memory;
pub mod wiring;

/// Token, theme and view files are a few hundred bytes; reading them goes
/// through `regular_file` with this limit so a FIFO or a device in their
/// place cannot hang the start.
const MAX_SMALL_FILE: u64 = 1 << 20;
