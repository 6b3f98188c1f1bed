//! Every subcommand and the global flags.

use crate::domain::kernel::actor::{Role, UnknownRole};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

mod exits;

/// `0.1.0 (abc1234)`: the version and, when built from a git checkout, the
/// commit (see build.rs).
pub const VERSION: &str = env!("SHIPDECK_VERSION");

#[derive(Debug, Parser)]
#[command(
    name = "shipdeck",
    version = VERSION,
    about = "A full-screen terminal release cockpit: tags, rollout, sign-off, errors and the push log on one screen.",
    long_about = "shipdeck keeps the weekly push on one screen: the checklist, repos and tags, the \
                  rollout of the new version across stage and prod, Sentry, and the log.\n\n\
                  Run without a subcommand to open the cockpit for your config; `shipdeck demo` \
                  opens it on a built-in demo fleet, no config needed."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct Global {
    /// Config file [default: $SHIPDECK_CONFIG, ./shipdeck.toml, then the OS config dir]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Push date, overriding the next `push_day` from the config
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub push_date: Option<NaiveDate>,
    /// The tag every service should run, overriding the push date in the tag format
    #[arg(long, global = true, value_name = "TAG")]
    pub target: Option<String>,
    /// Where session state and the log file live [default: $SHIPDECK_DATA_DIR, then the OS data dir]
    #[arg(long, global = true, value_name = "DIR", env = "SHIPDECK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Who you are [default: $SHIPDECK_USER, the config's [user] name, git's user.name, then the OS user]
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// Your part in the push: rm, qa, ops or dev [default: $SHIPDECK_ROLE, the [user] role of the personal file, then of the team's config, else rm]
    #[arg(long, global = true, value_name = "ROLE", value_parser = parse_role, env = "SHIPDECK_ROLE")]
    pub role: Option<Role>,
    /// Theme: a built-in name (dark, light, high-contrast) or a path to a theme file [default: $SHIPDECK_THEME, the [ui] theme of the personal file, then of the team's config, else dark]
    #[arg(long, global = true, value_name = "NAME", env = "SHIPDECK_THEME")]
    pub theme: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the cockpit against a built-in demo fleet on 127.0.0.1 (no config, no network)
    #[command(after_help = exits::COMMON)]
    Demo(DemoArgs),
    /// Poll every service and environment once and print the rollout
    #[command(after_help = exits::STATUS)]
    Status(StatusArgs),
    /// Check the config and what it names (repositories, Sentry token, theme): every problem, with file, line and key
    #[command(after_help = exits::CHECK)]
    Check(CheckArgs),
    /// Write a commented config for the git repositories here (this directory and the ones just under it)
    #[command(after_help = exits::INIT)]
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout
    #[command(after_help = exits::COMMON)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout: `shipdeck man | man -l -`
    #[command(after_help = exits::COMMON)]
    Man,
    /// Per repository: branch head, previous push tag, next tag, tag state, security fork
    #[command(after_help = exits::COMMON)]
    Repos(ReposArgs),
    /// Commits in TO but not in FROM (default: previous push tag to the target tag or branch head)
    #[command(after_help = exits::COMMON)]
    Compare(CompareArgs),
    /// Create the next push tag on every repository that needs one (what `t` does)
    #[command(after_help = exits::COMMON)]
    Tag(TagArgs),
    /// Build the next tag from REPO's pick basket (`/pick`): cherry-pick each pick onto this push's newest tag (or the previous push tag) in a temporary worktree, and tag it (what `T` does)
    #[command(after_help = exits::RETAG)]
    Retag(RetagArgs),
    /// Append a line to the push's log, or print the log
    #[command(after_help = exits::COMMON)]
    Log(LogArgs),
    /// The sign-off checklist: phases, items, who ticked what, auto items' evidence
    #[command(after_help = exits::CHECKLIST)]
    Checklist(ChecklistArgs),
    /// Tick a checklist item (or waive it, or take a tick back) as you, in your role
    #[command(after_help = exits::TICK)]
    Tick(TickArgs),
    /// The push notes (markdown), the "push is done" mail, or the next push's notes template
    #[command(after_help = exits::COMMON)]
    Notes(NotesArgs),
    /// Run the `[[smoke]]` checks now against what each service runs; each result goes to the push's log
    #[command(after_help = exits::SMOKE)]
    Smoke(SmokeArgs),
    /// Share the push's journal through the `[share]` remote once: send this data dir's lines, take the others'
    #[command(after_help = exits::COMMON)]
    Sync(SyncArgs),
    /// Deploy the target (or --tag) to one service or all, in order, on an environment, through its [deploy] hook
    #[command(after_help = exits::DEPLOY)]
    Deploy(DeployArgs),
    /// Roll one service or all back to the last known good on an environment, then lock it
    #[command(after_help = exits::ROLLBACK)]
    Rollback(RollbackArgs),
    /// Lock deploys to an environment, with a reason, for the whole team
    #[command(after_help = exits::COMMON)]
    Lock(LockArgs),
    /// Unlock deploys to an environment
    #[command(after_help = exits::COMMON)]
    Unlock(UnlockArgs),
}

#[derive(Debug, Args)]
pub struct SmokeArgs {
    /// Only this environment's checks
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Only this service's checks
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Print JSON: {"ok", "passed", "failed", "checks": [{env, service, version, check, url, ok, detail}]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print JSON: {"ok", "config", "personal", "errors": [{file, line, column, key, message}], "warnings": [same]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the config
    #[arg(long, value_name = "PATH", default_value = "shipdeck.toml")]
    pub output: PathBuf,
    /// Replace a config already at PATH
    #[arg(long)]
    pub force: bool,
    /// The release's name [default: asked on a terminal, else this directory's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Print JSON (schema in the README)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NotesFormat {
    Markdown,
    Email,
}

#[derive(Debug, Args)]
pub struct NotesArgs {
    /// markdown: the notes pad; email: "This week's push is done!"
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: NotesFormat,
    /// Write to FILE instead of printing
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A template for the next push's notes (open blockers carried over)
    #[arg(long, conflicts_with = "format")]
    pub next: bool,
    /// Print the notes as JSON (schema in the README) instead of text
    #[arg(long, conflicts_with_all = ["format", "next", "link"])]
    pub json: bool,
    /// For the mail: a link to the notes (else "attached")
    #[arg(long, value_name = "URL")]
    pub link: Option<String>,
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// Print JSON (schema in the README)
    #[arg(long)]
    pub json: bool,
    /// Do not poll the services or scan the repositories: auto items say "not polled yet"
    #[arg(long)]
    pub offline: bool,
    /// Only this phase (its name, any letter case, or its number from 1)
    #[arg(long, value_name = "PHASE")]
    pub phase: Option<String>,
    /// A gate for CI: exit 3, naming what is open, unless the phase (or the whole checklist) is complete
    #[arg(long, value_enum, value_name = "STATE")]
    pub expect: Option<Expect>,
}

/// What `checklist --expect` requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Expect {
    Complete,
}

#[derive(Debug, Args)]
pub struct TickArgs {
    /// The item's id (`shipdeck checklist` lists them)
    pub item: String,
    /// Take the tick or waiver back (an untick event; the history stays)
    #[arg(long, conflicts_with_all = ["note", "waive"])]
    pub undo: bool,
    /// A note recorded with the tick (a CI run's URL, a ticket)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Waive the item for this reason: counts as done without its check (auto items can only be waived)
    #[arg(long, value_name = "REASON", conflicts_with = "note")]
    pub waive: Option<String>,
    /// Tick an item another role owns (recorded as an override)
    #[arg(long = "override")]
    pub allow_override: bool,
    /// Print the recorded event as JSON
    #[arg(long)]
    pub json: bool,
    /// Share the line with the team at once through `[share]`'s remote (for bots and CI jobs)
    #[arg(long)]
    pub sync: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("write_or_follow").args(["message", "follow"]))]
pub struct LogArgs {
    /// The line to append; without it, the log is printed
    pub message: Option<String>,
    /// Print JSON: the journal's events (with --follow, one compact object per line)
    #[arg(long)]
    pub json: bool,
    /// Share the line with the team at once through `[share]`'s remote (for bots and CI jobs); with --follow, run a share round every `[share].interval`
    #[arg(long, requires = "write_or_follow")]
    pub sync: bool,
    /// Print the last lines, then each new line as it is appended, until interrupted (for chat bridges)
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Print only the last N events of the log [default: all; with --follow, 10]
    #[arg(long, short = 'n', value_name = "N", conflicts_with = "message")]
    pub lines: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ReposArgs {
    /// Print JSON (schema in the README)
    #[arg(long)]
    pub json: bool,
    /// Fetch every repository first (git fetch --prune --tags)
    #[arg(long)]
    pub fetch: bool,
    /// Do not ask the remotes whether they have the tag (no network)
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Repository name from the config
    pub repo: String,
    /// Older end of the range [default: the previous push tag]
    pub from: Option<String>,
    /// Newer end [default: the target tag when it exists, else the branch head]
    pub to: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Include merge commits
    #[arg(long)]
    pub merges: bool,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Say what would be tagged, change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also push this push's tags to each remote (what `P` does)
    #[arg(long)]
    pub push: bool,
    /// Re-tag REPO on purpose after a cherry-picked fix: the next `-N` of this push
    #[arg(long, value_name = "REPO")]
    pub retag: Option<String>,
    /// With --retag: the commit to tag [default: the branch head]
    #[arg(long, value_name = "REV", requires = "retag")]
    pub at: Option<String>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Share the events recorded with the team at once through `[share]`'s remote
    #[arg(long, conflicts_with = "dry_run")]
    pub sync: bool,
}

#[derive(Debug, Args)]
pub struct RetagArgs {
    /// Repository name from the config
    pub repo: String,
    /// Say what would be cherry-picked and tagged, change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also push the tag made to the repository's remote (what `P` does)
    #[arg(long, conflicts_with = "dry_run")]
    pub push: bool,
    /// Print JSON (schema in the README)
    #[arg(long)]
    pub json: bool,
    /// Share the events recorded with the team at once through `[share]`'s remote
    #[arg(long, conflicts_with = "dry_run")]
    pub sync: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Story speed: the default 0.5 tells the push in about four minutes, a pace to read along (`p` pauses it); 1 in two, 20 in a few seconds
    #[arg(long, default_value_t = 0.5, value_parser = parse_speed)]
    pub speed: f64,
    /// Serve only the fleet (no cockpit) until interrupted, and print a config that points at it
    #[arg(long)]
    pub serve: bool,
    /// Number of services in the fleet (each with stage and prod)
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=5000))]
    pub services: u16,
    /// With --serve: write the config to PATH instead of printing it
    #[arg(long, value_name = "PATH", requires = "serve")]
    pub write_config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON (schema in the README) instead of a table
    #[arg(long)]
    pub json: bool,
    /// Exit with status 3 unless every service in ENV runs the target (repeatable)
    #[arg(long, value_name = "ENV")]
    pub expect: Vec<String>,
    /// When the push started, for Sentry's "since the push" [default: the journal's push-started event, else one hour ago]
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub push_started: Option<chrono::DateTime<chrono::Utc>>,
}

/// A flag's value that cannot be used; clap puts the flag's name before it.
#[derive(Debug, thiserror::Error)]
pub enum FlagError {
    #[error("`{0}` is not an RFC 3339 time like 2026-11-26T15:02:00Z")]
    Instant(String),
    #[error("`{0}` is not a date like 2026-11-26")]
    Date(String),
    /// The role's own words for a name it does not know.
    #[error(transparent)]
    Role(UnknownRole),
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("speed {0} is not between 0.1 and 1000")]
    Speed(f64),
}

fn parse_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>, FlagError> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| FlagError::Instant(s.to_string()))
}

fn parse_date(s: &str) -> Result<NaiveDate, FlagError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| FlagError::Date(s.to_string()))
}

fn parse_role(s: &str) -> Result<Role, FlagError> {
    s.parse().map_err(FlagError::Role)
}

fn parse_speed(s: &str) -> Result<f64, FlagError> {
    let v: f64 = s.parse().map_err(|_| FlagError::NotANumber(s.to_string()))?;
    if !(0.1..=1000.0).contains(&v) {
        return Err(FlagError::Speed(v));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_subcommands() {
        let cli =
            Cli::try_parse_from(["shipdeck", "status", "--json", "--push-date", "2026-11-26", "--role", "qa"]).unwrap();
        assert_eq!(cli.global.push_date, NaiveDate::from_ymd_opt(2026, 11, 26));
        assert_eq!(cli.global.role, Some(Role::Qa));
        assert!(Cli::try_parse_from(["shipdeck", "--role", "boss"]).is_err());
        assert!(Cli::try_parse_from(["shipdeck", "demo", "--speed", "0"]).is_err());
    }

    #[test]
    fn log_writes_or_follows_never_both() {
        let log = |args: &[&str]| Cli::try_parse_from([&["shipdeck", "log"][..], args].concat());
        assert!(log(&["hello", "--follow"]).is_err());
        assert!(log(&["hello", "-n", "3"]).is_err());
        assert!(log(&["--sync"]).is_err(), "--sync needs a line to share or --follow");
        let Some(Command::Log(args)) = log(&["-f", "-n", "0", "--sync", "--json"]).unwrap().command else {
            panic!("not log")
        };
        assert!(args.follow && args.sync && args.json && args.lines == Some(0));
        assert!(log(&["hello", "--sync"]).is_ok());
        assert!(Cli::try_parse_from(["shipdeck", "tag", "--dry-run", "--sync"]).is_err());
    }
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The environment (one of [release] environments, with a [deploy.ENV] section)
    pub env: String,
    /// Only this service; without it, every service on ENV in the configured order
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Deploy this tag instead of the target
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Deploy although ENV is locked: repeat the environment's name (recorded as overriding the lock)
    #[arg(long, value_name = "ENV")]
    pub override_lock: Option<String>,
    /// Print each result as JSON, one object per line
    #[arg(long)]
    pub json: bool,
    /// Share the deploys with the team at once through `[share]`'s remote
    #[arg(long)]
    pub sync: bool,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The environment
    pub env: String,
    /// Only this service; without it, every service on ENV in the configured order
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Roll back although ENV is locked: repeat the environment's name (recorded as overriding the lock)
    #[arg(long, value_name = "ENV")]
    pub override_lock: Option<String>,
    /// Print each result as JSON, one object per line
    #[arg(long)]
    pub json: bool,
    /// Share the rollback and the lock with the team at once through `[share]`'s remote
    #[arg(long)]
    pub sync: bool,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// The environment
    pub env: String,
    /// Why ("waiting for the migration"): shown to everyone who tries to deploy
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Print the recorded event as JSON
    #[arg(long)]
    pub json: bool,
    /// Share the lock with the team at once through `[share]`'s remote
    #[arg(long)]
    pub sync: bool,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// The environment
    pub env: String,
    /// Print the recorded event as JSON
    #[arg(long)]
    pub json: bool,
    /// Share the unlock with the team at once through `[share]`'s remote
    #[arg(long)]
    pub sync: bool,
}
