//! shipdeck's integration tests, one test binary: each module was once a
//! binary of its own, and linking the crate into each dominated `cargo test`.
//! Nothing here changes process-wide state (environment, current directory,
//! signal dispositions), so the modules share one process and its parallel
//! test threads; the binary under test and `git` get their environment per
//! command.

mod common;

mod check_cli;
mod checklist_cli;
mod checklist_screen;
mod cli_conventions;
mod compose_pty;
mod config;
mod demo_deploys;
mod demo_share;
mod demo_story;
mod deploy;
mod deploy_cli;
mod deploy_screen;
mod dockerflow;
mod git;
mod git_log_equal;
mod git_remote_faults;
mod hostile_sources;
mod hostile_text;
mod init_cli;
mod journal_cli;
mod journal_crash;
mod journal_faults;
mod known_good;
mod legible_screen;
mod log_follow;
mod log_screen;
mod mouse_pty;
mod notes;
mod notes_commands;
mod notes_json;
mod notify;
mod palette_screen;
mod poller;
mod pty;
mod readme;
mod real_repos;
mod repos_cli;
mod repos_screen;
mod retag;
mod risk;
mod screen;
mod secrets;
mod sentry_client;
mod sentry_deploys;
mod sentry_screen;
mod share;
mod share_claims;
mod share_cli;
mod share_team;
mod smoke;
mod smoke_cli;
mod smoke_server;
mod status_cli;
mod tag_journal;
mod team;
mod terminal_faults;
