//! Turning a config and the global flags into the starting model: push date,
//! target tag, window instants and identity. The edge where the local time
//! zone and the environment are read, so the domain never does.

use crate::cli::Global;
use crate::config::Config;
use crate::domain::Model;
use crate::domain::kernel::actor::{Actor, Role};
use crate::domain::release::{Release, Window, format_tag, next_push_date};
use crate::identity;
use crate::ui::Theme;
use crate::ui::theme::{ThemeError, ThemeSource};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveTime, Offset, TimeZone, Utc};

/// Token, theme and view files are a few hundred bytes; reading them goes
/// through `regular_file` so a FIFO or a device in their place cannot hang
/// the start.
const MAX_SMALL_FILE: u64 = 1 << 20;

pub fn build_model(config: &Config, global: &Global, now: DateTime<Utc>) -> Model {
    let today = now.with_timezone(&Local).date_naive();
    let push_date = global.push_date.unwrap_or_else(|| next_push_date(today, config.release.push_day));
    // The format was validated when the config was loaded.
    let target_tag = global
        .target
        .clone()
        .unwrap_or_else(|| format_tag(push_date, &config.release.tag_format).unwrap_or_else(|e| e));
    let window = config.release.window.map(|(start, end)| Window {
        start_local: start,
        end_local: end,
        start: local_instant(push_date, start),
        end: local_instant(push_date, end),
    });
    let release = Release {
        name: config.release.name.clone(),
        push_date,
        tag_format: config.release.tag_format.clone(),
        target_fixed: global.target.is_some(),
        target_tag,
        window,
        rotation: config.release.rotation.clone(),
    };
    let actor = Actor {
        name: identity::resolve_name(global.actor.as_deref(), config.user_name.as_deref()),
        role: global.role.or(config.user_role).unwrap_or(Role::Rm),
    };
    let mut model = Model::new(
        release,
        actor,
        config.release.environments.clone(),
        &config.services,
        &config.repos,
        config.poll.interval,
        now,
    );
    if let Some(phases) = &config.checklist {
        model.checklist = crate::domain::checklist::Checklist::new(phases.clone());
    }
    if let Some(s) = &config.sentry {
        model.sentry = Some(crate::domain::sentry::SentryState::new(s.spec.clone()));
    }
    model.tz = local_offset();
    model
}

/// The Sentry client for `[sentry]`, with the token read from its source;
/// and warnings for the log (a token file others can read). Without a token
/// the client still exists and every fetch says why.
pub fn sentry_client(config: &Config) -> Option<(crate::io::sentry::SentryClient, Vec<String>)> {
    use crate::config::sentry::TokenSource;
    use crate::io::sentry::{Secret, SentryClient};
    let s = config.sentry.as_ref()?;
    let mut warnings = Vec::new();
    let token = match &s.token {
        TokenSource::Env(var) => match std::env::var(var) {
            Ok(t) if !t.trim().is_empty() => Ok(Secret::new(t.trim().to_string())),
            _ => Err(format!("${var} is not set (the [sentry] token_env of {})", config.source)),
        },
        TokenSource::File(path) => {
            let shown = path.display();
            #[cfg(unix)]
            if let Ok(meta) = std::fs::metadata(path) {
                use std::os::unix::fs::PermissionsExt;
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    warnings.push(format!(
                        "Sentry token file {shown} can be read by others (mode {mode:o}): chmod 600 {shown}"
                    ));
                }
            }
            match crate::io::regular_file::read_to_string(path, MAX_SMALL_FILE) {
                Ok(t) if !t.trim().is_empty() => Ok(Secret::new(t.trim().to_string())),
                Ok(_) => Err(format!("the token file {shown} is empty")),
                Err(e) => Err(format!("cannot read the token file {shown}: {e}")),
            }
        }
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Sentry's stats endpoints can take a few seconds; the fleet's short
    // poll timeout would cut them off.
    let http = reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(20))
        .redirect(crate::io::http::redirect_policy())
        .build()
        .ok()?;
    let spec = &s.spec;
    Some((SentryClient::new(http, &spec.url, &spec.org, spec.environment.clone(), token), warnings))
}

/// A local wall-clock time on a date, as an instant. In a DST gap the
/// earliest valid reading wins; it is a countdown, not a contract.
fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

pub fn local_offset() -> FixedOffset {
    Local::now().offset().fix()
}

/// `--theme`, else the config's `[ui] theme`, else dark.
pub fn theme(config: &Config, global: &Global) -> Result<Theme, ThemeError> {
    match global.theme.as_deref().or(config.theme.as_deref()) {
        Some(name) => resolve_theme(name),
        None => Ok(Theme::default()),
    }
}

/// A built-in theme by name, or a theme file (read here, at the edge; `ui/`
/// only parses) layered over the dark theme. Errors name the file.
pub fn resolve_theme(name_or_path: &str) -> Result<Theme, ThemeError> {
    match Theme::source(name_or_path)? {
        ThemeSource::Builtin(name) => Theme::builtin(name),
        ThemeSource::File(path) => {
            let src = crate::io::regular_file::read_to_string(path, MAX_SMALL_FILE)
                .map_err(|source| ThemeError::Read { path: name_or_path.into(), source })?;
            Theme::parse(&src, Theme::default(), name_or_path)
        }
    }
}

/// `--data-dir`, else `$SHIPDECK_DATA_DIR` (clap reads it into the flag),
/// else the OS data dir.
pub fn data_dir(global: &Global) -> Option<std::path::PathBuf> {
    global
        .data_dir
        .clone()
        .or_else(|| directories::ProjectDirs::from("", "", "shipdeck").map(|d| d.data_dir().to_path_buf()))
}

/// The journal being followed: where, how far it was read, what was seen.
pub struct Follow {
    pub store: crate::io::journal::JournalStore,
    pub cursor: crate::io::journal::Cursor,
    pub seen: crate::domain::kernel::id_set::IdPrints,
}

/// Loads the session's journal into the model. A journal written by a newer
/// shipdeck stops here (nothing is overwritten); one that cannot be read
/// leaves the session running, not saved, and says so.
pub fn open_journal(
    model: &mut Model,
    store: crate::io::journal::JournalStore,
) -> Result<Follow, crate::io::journal::JournalError> {
    use crate::domain::LogKind;
    use crate::io::journal::JournalError;
    model.journal.replica = store.replica();
    model.journal.process = crate::io::replica::process_id();
    let mut seen = crate::domain::kernel::id_set::IdPrints::default();
    match store.read_from(crate::io::journal::Cursor::default(), &mut seen) {
        Ok(loaded) => {
            model.apply_events(&loaded.events);
            restore_view(model, &store);
            let now = model.now;
            for d in loaded.damage {
                model.push_log(now, LogKind::Error, d);
            }
            Ok(Follow { store, cursor: loaded.cursor, seen })
        }
        Err(e @ JournalError::FutureVersion { .. }) => Err(e),
        Err(e) => {
            let now = model.now;
            model.push_log(now, LogKind::Error, format!("{e}; this session is not being saved"));
            model.journal.read_only = Some(e.to_string());
            Ok(Follow { store, cursor: crate::io::journal::Cursor::default(), seen })
        }
    }
}

/// Where the view (focus, selections) is kept: beside the journal.
fn view_path(store: &crate::io::journal::JournalStore) -> std::path::PathBuf {
    store.path().with_extension("view.json")
}

/// Puts back where the user was looking; a missing or unreadable file just
/// means the default view.
fn restore_view(model: &mut Model, store: &crate::io::journal::JournalStore) {
    let Ok(text) = crate::io::regular_file::read_to_string(&view_path(store), MAX_SMALL_FILE) else { return };
    match serde_json::from_str::<crate::domain::view::memory::ViewMemory>(&text) {
        Ok(v) => v.restore(model),
        Err(e) => tracing::warn!("{}: ignored: {e}", view_path(store).display()),
    }
}

/// Saves where the user was looking, for the next start. Best effort: the
/// journal has everything that matters.
pub fn save_view(model: &Model, store: &crate::io::journal::JournalStore) {
    let memory = crate::domain::view::memory::ViewMemory::of(model);
    let Ok(text) = serde_json::to_string(&memory) else { return };
    if let Err(e) = crate::io::regular_file::write_private(&view_path(store), text.as_bytes()) {
        tracing::warn!("{}: not saved: {e}", view_path(store).display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "sntrys_x\n").unwrap();
        let src = format!(
            "[release]\nname = \"A\"\npush_day = \"thursday\"\n[sentry]\norg = \"o\"\nprojects = [\"p\"]\ntoken_file = \"{}\"\n",
            token.display()
        );
        let config = Config::parse(&src, "t.toml").unwrap();
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (_, warnings) = sentry_client(&config).unwrap();
        assert!(warnings.len() == 1 && warnings[0].contains("can be read by others (mode 644)"), "{warnings:?}");
        assert!(!warnings[0].contains("sntrys_x"), "the token is not in the warning");
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(sentry_client(&config).unwrap().1.is_empty());
    }

    #[test]
    fn themes_by_name_and_from_files() {
        assert_eq!(resolve_theme("high-contrast").unwrap().name, "high-contrast");
        assert!(matches!(resolve_theme("neon"), Err(ThemeError::Unknown(_))));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        let path_str = path.to_str().unwrap();
        let e = resolve_theme(path_str).unwrap_err();
        assert!(matches!(e, ThemeError::Read { .. }), "{e}");
        assert!(e.to_string().contains(path_str), "names the file: {e}");

        std::fs::write(&path, "name = \"mine\"\n[styles]\nerror = { fg = \"#ff0000\" }\n").unwrap();
        let t = resolve_theme(path_str).unwrap();
        assert_eq!(t.name, "mine");
        assert_eq!(t.error.fg, Some(ratatui::style::Color::Rgb(255, 0, 0)));
        assert_eq!(t.ok, Theme::default().ok, "layered over dark");

        std::fs::write(&path, "[styles]\nok = { fg = \"chartreuse\" }\n").unwrap();
        let e = resolve_theme(path_str).unwrap_err();
        assert!(e.to_string().contains(path_str) && e.to_string().contains("chartreuse"), "{e}");
    }
}
