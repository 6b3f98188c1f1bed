//! The theme: a built-in one by name, or a theme file read here, at the edge
//! (`ui/` only parses).

use crate::cli::Global;
use crate::config::Config;
use crate::ui::Theme;
use crate::ui::theme::{ThemeError, ThemeSource};

/// `--theme`, else the config's `[ui] theme`, else dark.
pub fn theme(config: &Config, global: &Global) -> Result<Theme, ThemeError> {
    match global.theme.as_deref().or(config.theme.as_deref()) {
        Some(name) => resolve_theme(name),
        None => Ok(Theme::default()),
    }
}

/// A built-in theme by name, or a theme file layered over the dark theme.
/// Errors name the file.
pub fn resolve_theme(name_or_path: &str) -> Result<Theme, ThemeError> {
    match Theme::source(name_or_path)? {
        ThemeSource::Builtin(name) => Theme::builtin(name),
        ThemeSource::File(path) => {
            let src = crate::io::regular_file::read_to_string(path, super::MAX_SMALL_FILE)
                .map_err(|source| ThemeError::Read { path: name_or_path.into(), source })?;
            Theme::parse(&src, Theme::default(), name_or_path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
