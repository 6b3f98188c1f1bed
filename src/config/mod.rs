//! The TOML config: where it is found, what it may say, and errors that name
//! the file, line and key.

mod ctx;
mod deploy;
mod document;
pub mod duration;
mod error;
pub(crate) mod locate;
mod personal;
mod raw;
mod refname;
mod risk;
mod sections;
pub mod sentry;
mod smoke;
mod team;
mod validate;

use ctx::Ctx;
pub use error::{ConfigError, Problem};
pub use personal::Personal;

use crate::domain::checklist::{AutoRule, ItemSpec, PhaseSpec};
use crate::domain::kernel::actor::Role;
use crate::domain::model::ServiceSpec;
use crate::domain::release::{parse_weekday, parse_window, validate_tag_format};
use crate::domain::repos::{RepoSpec, SecuritySpec};
use crate::domain::rollout::Endpoint;
use crate::keymap::Keymap;
use chrono::{NaiveTime, Weekday};
pub use duration::{format_duration, parse_duration};
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

pub const DEFAULT_TAG_FORMAT: &str = "%Y.%m.%d";

#[derive(Debug, Clone)]
pub struct ReleaseConfig {
    pub name: String,
    pub push_day: Weekday,
    pub tag_format: String,
    pub environments: Vec<String>,
    pub window: Option<(NaiveTime, NaiveTime)>,
    pub rotation: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PollConfig {
    pub interval: Duration,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub concurrency: usize,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            interval: Duration::from_secs(15),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(3),
            concurrency: 32,
        }
    }
}

/// `[share]`: where the team's journals meet and how often to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareConfig {
    /// A git URL or an absolute path (a relative one is made absolute
    /// against the config file's folder, as repository paths are).
    pub remote: String,
    pub interval: Duration,
}

impl ShareConfig {
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);
}

/// `[git]`: how the `git` command is run for network work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitConfig {
    /// How long one fetch, ls-remote or push may take before its whole
    /// process group is killed.
    pub timeout: Duration,
}

impl GitConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
}

impl Default for GitConfig {
    fn default() -> Self {
        GitConfig { timeout: Self::DEFAULT_TIMEOUT }
    }
}

/// Where keys were written (`repos.NAME.path` → line, column), for the
/// problems `shipdeck check` finds after the file loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places(std::collections::BTreeMap<String, (usize, usize)>);

impl Places {
    pub fn get(&self, key: &str) -> Option<(usize, usize)> {
        self.0.get(key).copied()
    }
}

/// Larger than any config a person writes; a file this big is a mistake.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the config came from, for messages.
    pub source: String,
    pub release: ReleaseConfig,
    pub poll: PollConfig,
    pub git: GitConfig,
    /// `[risk] paths`: what a push flags as risky.
    pub risk: crate::domain::repos::risk::RiskRules,
    /// `[share]`: the team's push shared through a git remote; `None` alone.
    pub share: Option<ShareConfig>,
    pub services: Vec<ServiceSpec>,
    pub repos: Vec<RepoSpec>,
    pub keymap: Keymap,
    pub theme: Option<String>,
    /// `[ui] mouse`: clicks and the wheel in the cockpit (on unless `false`,
    /// which leaves the mouse to the terminal's own text selection).
    pub mouse: bool,
    pub user_name: Option<String>,
    pub user_role: Option<Role>,
    /// `None`: no `[sentry]`; the pane says so.
    pub sentry: Option<sentry::SentryConfig>,
    /// The environment variable holding the webhook URL (it has a secret in it).
    pub webhook_url_env: Option<String>,
    /// `[[checklist.phase]]` entries; `None` keeps the built-in template.
    pub checklist: Option<Vec<PhaseSpec>>,
    /// `[team]`: the roles each person may act in; `None` lets every line count.
    pub team: Option<crate::domain::checklist::team::Team>,
    /// `[deploy.ENV]`: how each environment is deployed, in environment order.
    pub deploy: Vec<crate::domain::deploy::DeploySpec>,
    /// `[keys]` as written, for a personal file to layer over.
    pub key_overrides: Vec<(String, Vec<String>)>,
    /// `[[smoke]]` entries, in file order.
    pub smoke: Vec<crate::domain::smoke::SmokeSpec>,
    /// The personal file layered over this config, if one was.
    pub personal: Option<String>,
    pub places: Places,
    /// `[rollback] known_good_after`: how long a version must have run well
    /// to be a rollback's target.
    pub known_good_after: Duration,
}

/// `--config`, else `$SHIPDECK_CONFIG`, else `./shipdeck.toml`, else the OS
/// config dir.
pub fn resolve_path(flag: Option<&Path>, env: Option<&str>) -> Result<PathBuf, ConfigError> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = env.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let mut looked = vec!["--config".to_string(), "$SHIPDECK_CONFIG".to_string()];
    let local = PathBuf::from("shipdeck.toml");
    if local.is_file() {
        return Ok(local);
    }
    looked.push("./shipdeck.toml".into());
    if let Some(dirs) = directories::ProjectDirs::from("", "", "shipdeck") {
        let p = dirs.config_dir().join("shipdeck.toml");
        if p.is_file() {
            return Ok(p);
        }
        looked.push(p.display().to_string());
    }
    Err(ConfigError::NotFound { looked: looked.join(", ") })
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // Not `fs::read_to_string`: a FIFO given as the config would block it forever.
        let src = crate::io::regular_file::read_to_string(path, MAX_CONFIG_BYTES)
            .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        Config::parse(&src, &path.display().to_string())
    }

    /// The config in `src`, or every problem found in it (each with its
    /// line, column and key), not only the first.
    pub fn parse(src: &str, source: &str) -> Result<Config, ConfigError> {
        match Config::parse_partly(src, source) {
            (Some(config), None) => Ok(config),
            (_, Some(problems)) => Err(problems),
            (None, None) => unreachable!("a file not read has its reason noted"),
        }
    }

    /// What could be read of the config, and every problem in it. The
    /// config has the entries that were right (the wrong ones left out or
    /// replaced by stand-ins), for `shipdeck check` to look further at what
    /// they name; it must not be used to run anything when there are
    /// problems.
    pub fn parse_partly(src: &str, source: &str) -> (Option<Config>, Option<ConfigError>) {
        let ctx = Ctx::new(src, source);
        let config = ctx.read_raw().map(|(raw, unread)| ctx.validate(raw, unread));
        (config, ctx.finish(()).err())
    }
}

/// The Dockerflow convention: the heartbeat lives beside the version endpoint.
pub fn derive_heartbeat(version_url: &str) -> Option<String> {
    let mut url = url::Url::parse(version_url).ok()?;
    let path = url.path().to_string();
    let trimmed = path.trim_end_matches('/');
    let base = trimmed.strip_suffix("__version__")?;
    url.set_path(&format!("{base}__heartbeat__"));
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_is_derived_from_version_url() {
        assert_eq!(
            derive_heartbeat("https://addons.mozilla.org/__version__").as_deref(),
            Some("https://addons.mozilla.org/__heartbeat__")
        );
        assert_eq!(
            derive_heartbeat("http://127.0.0.1:9/svc/prod/__version__").as_deref(),
            Some("http://127.0.0.1:9/svc/prod/__heartbeat__")
        );
        assert_eq!(derive_heartbeat("https://x.org/version"), None);
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(
            "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n\n[[services]]\nname = \"a\"\n[services.envs]\nstage = \"https://s/__version__\"\nprod = \"https://p/__version__\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(c.release.tag_format, "%Y.%m.%d");
        assert_eq!(c.release.environments, vec!["stage", "prod"]);
        assert_eq!(c.poll.interval, Duration::from_secs(15));
        assert_eq!(c.poll.concurrency, 32);
        assert_eq!(c.services[0].envs[1].1.heartbeat_url.as_deref(), Some("https://p/__heartbeat__"));
        assert_eq!(c.git.timeout, Duration::from_secs(15));
    }
}
