//! The personal file: one person's `[user]`, `[keys]` and `[ui]`, layered
//! over the team's config. What the team shares (the release, services,
//! repositories, `[share]`, `[team]`, …) stays in the team's file: a
//! personal file that sets it is refused, naming the file and the key.

use super::ctx::Ctx;
use super::raw::{RawUi, RawUser};
use super::*;
use serde::Deserialize;
use toml::de::{DeTable, ValueDeserializer};

/// The personal file's settings, checked on their own.
#[derive(Debug, Default)]
pub struct Personal {
    path: String,
    user_name: Option<String>,
    user_role: Option<Role>,
    theme: Option<String>,
    /// `[ui] mouse`: a person's, like the theme.
    mouse: Option<bool>,
    keys: Vec<(String, Vec<String>)>,
    src: String,
}

impl Personal {
    /// Every problem in the file, as the team's config reports its own.
    pub fn parse(src: &str, path: &str) -> Result<Personal, ConfigError> {
        let ctx = Ctx::new(src, path);
        let mut out = Personal { path: path.to_string(), src: src.to_string(), ..Personal::default() };
        let (doc, errors) = DeTable::parse_recoverable(src);
        for e in &errors {
            let span = e.span().unwrap_or(0..0);
            let key = super::ctx::error_key(src, &span);
            ctx.note(ctx.err_span(&span, &key, e.message().trim().to_string()));
        }
        if !errors.is_empty() {
            return ctx.finish(out);
        }
        for (key, value) in doc.into_inner() {
            let name = key.get_ref().as_ref();
            let refuse =
                |what: &str| -> Result<(), ConfigError> { Err(ctx.err_span(&key.span(), name, what.to_string())) };
            let outcome = match name {
                "user" => {
                    RawUser::deserialize(ValueDeserializer::from(value)).map_err(|e| toml_err(&ctx, &e)).and_then(|u| {
                        out.user_name = u.name.filter(|n| !n.trim().is_empty());
                        out.user_role = match &u.role {
                            Some(r) => {
                                Some(r.get_ref().parse::<Role>().map_err(|e| ctx.err(r, "user.role", e.to_string()))?)
                            }
                            None => None,
                        };
                        Ok(())
                    })
                }
                "ui" => RawUi::deserialize(ValueDeserializer::from(value)).map_err(|e| toml_err(&ctx, &e)).map(|ui| {
                    out.theme = ui.theme.map(Spanned::into_inner);
                    out.mouse = ui.mouse;
                }),
                "keys" => toml::Table::deserialize(ValueDeserializer::from(value))
                    .map_err(|e| toml_err(&ctx, &e))
                    .and_then(|t| ctx.key_overrides(Some(&t)))
                    .map(|k| out.keys = k),
                n if super::document::SECTIONS.contains(&n) => refuse(&format!(
                    "`{n}` is the team's, set in its config; a personal file sets only [user], [keys] and [ui]"
                )),
                _ => refuse(&format!("unknown section `{name}`; a personal file sets only [user], [keys] and [ui]")),
            };
            ctx.keep(outcome);
        }
        ctx.finish(out)
    }

    /// This person's settings over the team's: each one set here wins.
    /// Keys are merged per action, and the result must still be a keymap
    /// without a conflict (placed in this file, which made it).
    pub fn apply(self, config: &mut Config) -> Result<(), ConfigError> {
        let ctx = Ctx::new(&self.src, &self.path);
        if self.user_name.is_some() {
            config.user_name = self.user_name;
        }
        if self.user_role.is_some() {
            config.user_role = self.user_role;
        }
        if self.theme.is_some() {
            config.theme = self.theme;
        }
        if let Some(mouse) = self.mouse {
            config.mouse = mouse;
        }
        if !self.keys.is_empty() {
            let mut merged = config.key_overrides.clone();
            let mine: Vec<String> = self.keys.iter().map(|(a, _)| a.clone()).collect();
            for (action, keys) in self.keys {
                merged.retain(|(a, _)| *a != action);
                merged.push((action, keys));
            }
            // A conflict may be named by the team's action; it is placed at
            // this file's action it involves.
            config.keymap = crate::keymap::Keymap::with_overrides(&merged).map_err(|e| {
                let text = e.to_string();
                let at = mine.iter().find(|a| text.contains(&format!("`{a}`"))).map_or(e.action_name(), |a| a.as_str());
                ctx.keys_err(at, text)
            })?;
            config.key_overrides = merged;
        }
        config.personal = Some(self.path);
        Ok(())
    }
}

fn toml_err(ctx: &Ctx, e: &toml::de::Error) -> ConfigError {
    let span = e.span().unwrap_or(0..0);
    ctx.err_span(&span, &super::ctx::error_key(ctx.src, &span), e.message().trim().to_string())
}

impl Config {
    /// The team's config with a personal file over it; the problems of both
    /// files are reported together.
    pub fn load_layered(team: &Path, personal: Option<&Path>) -> Result<Config, ConfigError> {
        match Config::load_layered_partly(team, personal) {
            (Some(config), None) => Ok(config),
            (_, Some(problems)) => Err(problems),
            (None, None) => unreachable!("a config not read has its reason"),
        }
    }

    /// As [`Config::parse_partly`], for the team's file and the personal one.
    pub fn load_layered_partly(team: &Path, personal: Option<&Path>) -> (Option<Config>, Option<ConfigError>) {
        let (mut config, mut problems) = match read(team) {
            Ok(src) => Config::parse_partly(&src, &team.display().to_string()),
            Err(e) => (None, Some(e)),
        };
        if let Some(personal) = personal {
            let mine = read(personal).and_then(|src| Personal::parse(&src, &personal.display().to_string()));
            let applied = match (mine, config.as_mut()) {
                (Ok(mine), Some(config)) => mine.apply(config),
                (Ok(_), None) => Ok(()),
                (Err(e), _) => Err(e),
            };
            if let Err(e) = applied {
                let all = problems.into_iter().chain([e]).flat_map(flatten).collect();
                problems = Some(ConfigError::all(all));
            }
        }
        (config, problems)
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    // Not `fs::read_to_string`: a FIFO given as the config would block it forever.
    crate::io::regular_file::read_to_string(path, MAX_CONFIG_BYTES)
        .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })
}

fn flatten(e: ConfigError) -> Vec<ConfigError> {
    match e {
        ConfigError::Several(all) => all,
        one => vec![one],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &str = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n\n[user]\nname = \"team-default\"\nrole = \"qa\"\n\n[keys]\nrefresh = \"ctrl-r\"\n";

    fn layered(personal: &str) -> Result<Config, String> {
        let mut c = Config::parse(TEAM, "team.toml").unwrap();
        Personal::parse(personal, "personal.toml").and_then(|p| p.apply(&mut c)).map(|()| c).map_err(|e| e.to_string())
    }

    #[test]
    fn personal_settings_win_over_the_teams() {
        let c = layered("[user]\nname = \"alice\"\n\n[ui]\ntheme = \"light\"\n[keys]\nquit = \"Q\"\n").unwrap();
        assert_eq!(c.user_name.as_deref(), Some("alice"));
        assert_eq!(c.user_role, Some(Role::Qa), "not set here: the team's stays");
        assert_eq!(c.theme.as_deref(), Some("light"));
        assert_eq!(
            c.key_overrides,
            vec![("refresh".to_string(), vec!["ctrl-r".to_string()]), ("quit".into(), vec!["Q".into()])]
        );
        assert_eq!(c.personal.as_deref(), Some("personal.toml"));
        assert!(layered("").is_ok(), "an empty personal file changes nothing");
        assert!(layered("").unwrap().mouse, "the team's default stays");
        assert!(!layered("[ui]\nmouse = false\n").unwrap().mouse, "a person's [ui] mouse is theirs");
    }

    #[test]
    fn team_sections_in_a_personal_file_are_refused_naming_file_and_key() {
        let err = layered("[user]\nname = \"a\"\n\n[share]\nremote = \"x\"\n\n[team]\na = [\"rm\"]\n").unwrap_err();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(lines[0].starts_with("personal.toml:4:2: share: `share` is the team's"), "{err}");
        assert!(lines[1].starts_with("personal.toml:7:2: team: `team` is the team's"), "{err}");
        let err = layered("[[repos]]\nname = \"x\"\npath = \"y\"\n").unwrap_err();
        assert!(err.starts_with("personal.toml:1:3: repos: `repos` is the team's"), "{err}");
        let err = layered("[user]\nrole = \"boss\"\n").unwrap_err();
        assert!(err.starts_with("personal.toml:2:8: user.role: `boss` is not a role"), "{err}");
        let err = layered("[keys]\nquit = \"R\"\n").unwrap_err();
        assert!(err.starts_with("personal.toml:2:1: keys.") && err.contains("bound to both"), "{err}");
    }
}
