//! The exit codes each subcommand's `--help` lists, from one vocabulary so
//! the commands say the same thing the same way.

/// Every command: success and the two ways to fail.
pub const COMMON: &str = "Exit codes:\n  0  done\n  1  something failed while running (git, the network, a file); the message says what\n  2  the config, a flag or an argument is wrong; nothing was done";

pub const CHECK: &str = "Exit codes:\n  0  the config (and the personal file, theme, repositories and Sentry token it names) is fine\n  2  something is wrong: every problem is listed, each with its file, line, column and key";
pub const STATUS: &str = "Exit codes:\n  0  done\n  1  something failed while running\n  2  the config, a flag or an argument is wrong\n  3  with --expect: a service in that environment does not run the target";
pub const CHECKLIST: &str = "Exit codes:\n  0  done (with --expect complete: the phase is complete)\n  1  something failed while running\n  2  the config, a flag or the phase name is wrong\n  3  with --expect complete: the phase is not complete (what is open is named)";
pub const TICK: &str = "Exit codes:\n  0  recorded, or already so (nothing recorded)\n  1  something failed while running (the journal could not be written)\n  2  the config, a flag or the item is wrong\n  3  refused: another role's item without --override, an automatic item without --waive, or a tick asked of a waived item";
pub const INIT: &str = "Exit codes:\n  0  the config was written\n  1  it could not be written\n  2  a config is already there (pass --force to replace it), or a flag is wrong";
pub const RETAG: &str = "Exit codes:\n  0  the tag was made (and, with --push, pushed), or with --dry-run what would be done was printed\n  1  something failed while running: a pick conflicts (the commit and files are named), every pick is already in the base, no committer identity, git, the push or the journal; nothing is left half done\n  2  the config, a flag or the repository name is wrong; nothing was done\n  3  the repository's pick basket is empty: nothing to re-tag";
