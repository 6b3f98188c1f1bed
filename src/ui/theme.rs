//! Themes: a palette and semantic styles, read from TOML. The built-in ones
//! are embedded; a user file (`--theme path.toml`) overrides the dark theme
//! role by role. Reading that file is the caller's job (`session::theme`):
//! nothing under `ui/` touches the disk.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const BUILTIN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme `{0}` (built-in: dark, light, high-contrast; or a path to a .toml file)")]
    Unknown(String),
    #[error("cannot read theme {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("theme {path}: {message}")]
    Invalid { path: String, message: String },
}

/// Where a theme comes from; see [`Theme::source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeSource<'a> {
    Builtin(&'a str),
    File(&'a Path),
}

macro_rules! roles {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Semantic styles: panes ask for `ok` or `error`, never for a colour.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            pub name: String,
            $($(#[$doc])* pub $name: Style,)*
        }

        impl Theme {
            pub const ROLES: &'static [&'static str] = &[$(stringify!($name)),*];

            fn slot(&mut self, role: &str) -> Option<&mut Style> {
                match role {
                    $(stringify!($name) => Some(&mut self.$name),)*
                    _ => None,
                }
            }

            fn blank(name: String) -> Theme {
                Theme { name, $($name: Style::default(),)* }
            }
        }
    };
}

roles! {
    /// Everything not styled otherwise; its background fills the screen.
    base,
    text,
    muted,
    border,
    border_focused,
    title,
    title_focused,
    header,
    header_accent,
    /// On target, healthy.
    ok,
    /// Heartbeat warning, mixed fleet.
    warn,
    error,
    /// Not known yet / not applicable.
    unknown,
    /// Running something other than the target (not an error).
    other,
    selected,
    footer_key,
    footer_text,
    log_time,
    log_system,
    log_event,
    /// Column headers of production-like environments.
    env_prod,
    env,
    gauge_done,
    gauge_todo,
    window_open,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    name: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, String>,
    #[serde(default)]
    styles: BTreeMap<String, RawStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::builtin("dark").expect("the built-in dark theme is valid")
    }
}

impl Theme {
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        let (_, src) = BUILTIN.iter().find(|(n, _)| *n == name).ok_or_else(|| ThemeError::Unknown(name.into()))?;
        Theme::parse(src, Theme::blank(name.to_string()), &format!("built-in {name}"))
    }

    /// What a `--theme` value names: a built-in theme, or a theme file to
    /// read and [`parse`](Theme::parse) over [`Theme::default`].
    pub fn source(name_or_path: &str) -> Result<ThemeSource<'_>, ThemeError> {
        if BUILTIN.iter().any(|(n, _)| *n == name_or_path) {
            return Ok(ThemeSource::Builtin(name_or_path));
        }
        let path = Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.components().count() > 1 {
            return Ok(ThemeSource::File(path));
        }
        Err(ThemeError::Unknown(name_or_path.into()))
    }

    pub fn parse(src: &str, base: Theme, path: &str) -> Result<Theme, ThemeError> {
        let invalid = |message: String| ThemeError::Invalid { path: path.into(), message };
        let raw: RawTheme = toml::from_str(src).map_err(|e| {
            let (line, _) = e.span().map_or((0, 0), |s| line_of(src, s.start));
            invalid(format!("line {line}: {}", e.message().trim()))
        })?;
        let mut theme = base;
        if let Some(n) = raw.name {
            theme.name = n;
        }
        for (role, rs) in &raw.styles {
            let color = |v: &Option<String>| -> Result<Option<Color>, ThemeError> {
                v.as_deref()
                    .map(|c| {
                        let resolved = raw.palette.get(c).map_or(c, String::as_str);
                        parse_color(resolved)
                            .ok_or_else(|| invalid(format!("styles.{role}: `{c}` is not a colour or palette name")))
                    })
                    .transpose()
            };
            let mut style = Style::default();
            if let Some(fg) = color(&rs.fg)? {
                style = style.fg(fg);
            }
            if let Some(bg) = color(&rs.bg)? {
                style = style.bg(bg);
            }
            for (on, m) in [
                (rs.bold, Modifier::BOLD),
                (rs.dim, Modifier::DIM),
                (rs.italic, Modifier::ITALIC),
                (rs.underline, Modifier::UNDERLINED),
                (rs.reversed, Modifier::REVERSED),
            ] {
                if on {
                    style = style.add_modifier(m);
                }
            }
            let slot = theme
                .slot(role)
                .ok_or_else(|| invalid(format!("unknown style `{role}` (known: {})", Theme::ROLES.join(", "))))?;
            *slot = style;
        }
        Ok(theme)
    }
}

fn line_of(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    (before.matches('\n').count() + 1, 0)
}

/// "#rrggbb", a terminal colour name ("red", "lightblue", "dark_gray"), an
/// index ("238"), or "reset".
pub fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return None;
    }
    if let Ok(i) = s.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    let c = match s.to_ascii_lowercase().replace(['_', '-', ' '], "").as_str() {
        "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    };
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_sets_every_role() {
        for (name, src) in BUILTIN {
            let theme = Theme::parse(src, Theme::blank(name.into()), name).unwrap();
            let mut probe = theme.clone();
            for role in Theme::ROLES {
                let style = *probe.slot(role).unwrap();
                assert_ne!(style, Style::default(), "{name}: role `{role}` is unstyled");
            }
            assert_ne!(theme.ok.fg, theme.error.fg, "{name}: ok and error must differ");
        }
    }

    #[test]
    fn user_theme_overrides_and_errors_are_named() {
        let t = Theme::parse("[styles]\nerror = { fg = \"#ff0000\", bold = true }\n", Theme::default(), "mine.toml")
            .unwrap();
        assert_eq!(t.error.fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(t.ok, Theme::default().ok);
        let e = Theme::parse("[styles]\nerrror = { fg = \"red\" }\n", Theme::default(), "mine.toml").unwrap_err();
        assert!(e.to_string().contains("unknown style `errror`"), "{e}");
        let e = Theme::parse("[styles]\nok = { fg = \"chartreuse\" }\n", Theme::default(), "mine.toml").unwrap_err();
        assert!(e.to_string().contains("`chartreuse` is not a colour"), "{e}");
        assert!(matches!(Theme::source("neon"), Err(ThemeError::Unknown(_))));
        assert_eq!(Theme::source("light").unwrap(), ThemeSource::Builtin("light"));
        assert_eq!(Theme::source("mine.toml").unwrap(), ThemeSource::File(Path::new("mine.toml")));
        assert_eq!(Theme::source("themes/mine").unwrap(), ThemeSource::File(Path::new("themes/mine")));
    }
}
