//! Which config files a run reads: the team's (`--config`,
//! `$SHIPDECK_CONFIG`, `./shipdeck.toml`, the OS config dir) and this
//! person's file over it (`$SHIPDECK_PERSONAL`, else `personal.toml` in the
//! OS config dir, `$XDG_CONFIG_HOME/shipdeck/` on Linux).

use crate::cli::Global;
use crate::config::{Config, ConfigError, resolve_path};
use std::path::PathBuf;

/// The name of the personal file in the OS config dir.
pub const PERSONAL_FILE: &str = "personal.toml";

/// The team's config file this run reads.
pub fn team_path(global: &Global) -> Result<PathBuf, ConfigError> {
    let env = std::env::var("SHIPDECK_CONFIG").ok();
    resolve_path(global.config.as_deref(), env.as_deref())
}

/// The personal file, when there is one: `$SHIPDECK_PERSONAL` names it
/// (empty: none at all), else `personal.toml` in the config dir if it exists.
pub fn personal_path() -> Option<PathBuf> {
    personal_from(std::env::var_os("SHIPDECK_PERSONAL").map(PathBuf::from), default_personal())
}

fn default_personal() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "shipdeck").map(|d| d.config_dir().join(PERSONAL_FILE))
}

fn personal_from(env: Option<PathBuf>, default: Option<PathBuf>) -> Option<PathBuf> {
    match env {
        // Named: read it, and say so if it cannot be.
        Some(p) if p.as_os_str().is_empty() => None,
        Some(p) => Some(p),
        None => default.filter(|p| p.is_file()),
    }
}

/// The config this run uses: the team's, with the personal file over it.
pub fn load(global: &Global) -> Result<Config, ConfigError> {
    Config::load_layered(&team_path(global)?, personal_path().as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_personal_file_is_named_or_found() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PERSONAL_FILE);
        assert_eq!(personal_from(None, Some(file.clone())), None, "no file there: none");
        std::fs::write(&file, "").unwrap();
        assert_eq!(personal_from(None, Some(file.clone())), Some(file.clone()));
        assert_eq!(personal_from(Some(PathBuf::new()), Some(file.clone())), None, "empty: none at all");
        let named = PathBuf::from("/elsewhere/mine.toml");
        assert_eq!(personal_from(Some(named.clone()), Some(file)), Some(named), "named even if missing");
    }
}
