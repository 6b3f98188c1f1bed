//! Every problem in a theme file at its line and column, for `shipdeck
//! check`. The theme loader (`theme::resolve_theme`) stays the judge of
//! whether a theme loads; this reading only places what it would refuse.

use crate::config::Problem;
use crate::ui::Theme;
use crate::ui::theme::{ThemeSource, parse_color};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocatedTheme {
    #[serde(rename = "name")]
    _name: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, String>,
    #[serde(default)]
    styles: BTreeMap<Spanned<String>, LocatedStyle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocatedStyle {
    fg: Option<Spanned<String>>,
    bg: Option<Spanned<String>>,
    #[serde(default, rename = "bold")]
    _bold: bool,
    #[serde(default, rename = "dim")]
    _dim: bool,
    #[serde(default, rename = "italic")]
    _italic: bool,
    #[serde(default, rename = "underline")]
    _underline: bool,
    #[serde(default, rename = "reversed")]
    _reversed: bool,
}

/// What is wrong with the theme `name_or_path` names, each problem placed in
/// the theme file when it is one; empty when it loads.
pub fn problems(name_or_path: &str) -> Vec<Problem> {
    let Err(judged) = super::theme::resolve_theme(name_or_path) else { return Vec::new() };
    let whole = || vec![Problem::whole(name_or_path, judged.to_string())];
    let Ok(ThemeSource::File(_)) = Theme::source(name_or_path) else { return whole() };
    let Ok(src) = crate::io::regular_file::read_to_string(std::path::Path::new(name_or_path), super::MAX_SMALL_FILE)
    else {
        return whole();
    };
    let placed = locate(&src, name_or_path);
    if placed.is_empty() { whole() } else { placed }
}

fn locate(src: &str, file: &str) -> Vec<Problem> {
    let at = |span: Range<usize>, key: &str, message: String| {
        let (line, column) = crate::config::locate::line_col(src, span.start);
        Problem { file: file.to_string(), line: Some(line), column: Some(column), key: Some(key.into()), message }
    };
    let theme: LocatedTheme = match toml::from_str(src) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            return vec![at(span, "(theme)", e.message().trim().to_string())];
        }
    };
    let mut out = Vec::new();
    for (role, style) in &theme.styles {
        let name = role.get_ref();
        if !Theme::ROLES.contains(&name.as_str()) {
            let message = format!("unknown style `{name}` (known: {})", Theme::ROLES.join(", "));
            out.push(at(role.span(), &format!("styles.{name}"), message));
        }
        for (which, value) in [("fg", &style.fg), ("bg", &style.bg)] {
            let Some(v) = value else { continue };
            let c = v.get_ref();
            let resolved = theme.palette.get(c).map_or(c.as_str(), String::as_str);
            if parse_color(resolved).is_none() {
                let message = format!("`{c}` is not a colour or palette name");
                out.push(at(v.span(), &format!("styles.{name}.{which}"), message));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_problem_has_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        let file = path.to_str().unwrap();
        std::fs::write(&path, "[palette]\nbrand = \"#ff0000\"\n[styles]\nok = { fg = \"brand\" }\nerror = { fg = \"chartreuse\", bg = \"#12\" }\nshiny = { fg = \"red\" }\n").unwrap();
        let p: Vec<String> = problems(file).iter().map(Problem::line).collect();
        assert_eq!(
            p,
            vec![
                format!("{file}:5:16: styles.error.fg: `chartreuse` is not a colour or palette name"),
                format!("{file}:5:35: styles.error.bg: `#12` is not a colour or palette name"),
                format!("{file}:6:1: styles.shiny: unknown style `shiny` (known: {})", Theme::ROLES.join(", ")),
            ]
        );
        std::fs::write(&path, "[styles]\nok = { fg = \"red\", blink = true }\n").unwrap();
        let p = problems(file);
        assert_eq!((p[0].line, p[0].column), (Some(2), Some(20)), "{p:?}");
        assert!(p[0].message.contains("unknown field `blink`"), "{p:?}");
        std::fs::write(&path, "[styles]\nok = { fg = \"red\" }\n").unwrap();
        assert!(problems(file).is_empty());
        assert_eq!(problems("neon")[0].line, None, "an unknown built-in has no line");
    }
}
