//! shipdeck — a full-screen terminal release cockpit.
//!
//! Module map (ARCHITECTURE.md at the top of the repository has the whole
//! picture: what each part owns and may import):
//!
//! - [`cli`]: clap definitions of every subcommand and the global flags.
//! - [`config`]: the TOML config: loading, validation with file/line/key errors, paths.
//! - [`action`]: the user-bindable verbs; the keymap's vocabulary.
//! - [`keymap`]: (scope, key chord) -> action, parsed from config, conflicts
//!   rejected; each scope's footer hints.
//! - [`domain`]: the pure model, one folder per feature (rollout, repos,
//!   sentry, checklist, notes, milestones, the view and who gets a key) over
//!   a kernel, the journal's events, the log and the release calendar; the
//!   router `update`, `Msg` and `Effect` wrapping each feature's own.
//!   Never imports ratatui, tokio, reqwest or git2.
//! - [`io`]: the outside world, one module per system (the fleet's HTTP, git,
//!   Sentry, the journal, the push shared through a git remote, the webhook,
//!   the terminal); `io::Io` routes effects to them.
//! - [`session`]: config and flags into a running session: the starting model,
//!   its journal, and the wiring the cockpit and the headless commands share.
//! - [`ui`]: pure rendering of the model; themes.
//! - [`app`]: the event loop that owns the model.
//! - [`demo`]: the built-in demo fleet (also the integration tests' server).
//! - [`headless`]: the CLI front ends (`status`, `repos`, `log`, …).
//! - `module_graph` (tests only): fails `cargo test` on an import cycle.
#![forbid(unsafe_code)]

pub mod action;
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod headless;
pub mod identity;
pub mod io;
pub mod keymap;
#[cfg(test)]
mod module_graph;
pub mod session;
pub mod terminal;
#[doc(hidden)]
pub mod testkit;
pub mod ui;
