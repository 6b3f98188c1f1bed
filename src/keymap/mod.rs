//! Key chord -> action. Defaults come from the action table
//! (`Action::default_keys`); `[keys]` in the config replaces an action's keys
//! (`refresh = "f5"`, `quit = ["q", "ctrl-q"]`, `[]` unbinds).
//! A key means one action per scope (`domain/view/scope.rs`); a key bound to
//! two actions one scope hears is an error, never a silent winner.

pub mod hints;

use crate::action::Action;
use crate::domain::view::scope::Scope;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        // Shift is already in the character ('G', '?') and in BackTab; terminals
        // disagree on whether they also report it, so it is dropped for those.
        let mods = match code {
            KeyCode::Char(_) | KeyCode::BackTab => mods - KeyModifiers::SHIFT,
            _ => mods,
        };
        KeyChord { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> Self {
        KeyChord::new(ev.code, ev.modifiers)
    }

    /// Parses "q", "G", "ctrl-c", "alt-enter", "shift-tab", "pgdn", "f5", "space".
    pub fn parse(s: &str) -> Result<Self, ChordError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ChordError::Empty);
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (prefix, m) = if lower.starts_with("ctrl-") {
                ("ctrl-", KeyModifiers::CONTROL)
            } else if lower.starts_with("alt-") {
                ("alt-", KeyModifiers::ALT)
            } else if lower.starts_with("shift-") {
                ("shift-", KeyModifiers::SHIFT)
            } else {
                break;
            };
            if rest.len() == prefix.len() {
                break; // "ctrl-" alone, or a literal "-" after it
            }
            mods |= m;
            rest = &rest[prefix.len()..];
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            f if f.starts_with('f') && f.len() > 1 && f[1..].chars().all(|c| c.is_ascii_digit()) => {
                let n: u8 = f[1..].parse().map_err(|_| ChordError::NoSuchF(s.to_string()))?;
                if !(1..=24).contains(&n) {
                    return Err(ChordError::NoSuchF(s.to_string()));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => {
                        let c = if mods.contains(KeyModifiers::SHIFT) { c.to_ascii_uppercase() } else { c };
                        KeyCode::Char(c)
                    }
                    _ => return Err(ChordError::Unknown(s.to_string())),
                }
            }
        };
        Ok(KeyChord::new(code, mods))
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Insert => f.write_str("ins"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A key as written that names no chord; each holds it trimmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChordError {
    #[error("empty key")]
    Empty,
    /// `f` and a number, but no function key a terminal sends (f1 to f24).
    #[error("unknown key `{0}`")]
    NoSuchF(String),
    #[error("unknown key `{0}` (try \"q\", \"ctrl-r\", \"f5\", \"pgdn\")")]
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown action `{0}` (actions: {list})", list = action_list())]
    UnknownAction(String),
    /// `action` is the one the key was given to.
    #[error("`{action}`: {chord}")]
    BadKey { action: &'static str, chord: ChordError },
    #[error("key `{key}` is bound to both `{first}` and `{second}`")]
    Conflict { key: String, first: &'static str, second: &'static str },
    #[error("`quit` needs at least one key")]
    NoQuit,
}

impl KeymapError {
    /// The `[keys]` entry the error is about, for locating it in the file.
    pub fn action_name(&self) -> &str {
        match self {
            KeymapError::UnknownAction(a) => a,
            KeymapError::Conflict { second, .. } => second,
            KeymapError::NoQuit => "quit",
            KeymapError::BadKey { action, .. } => action,
        }
    }
}

fn action_list() -> String {
    Action::ALL.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone)]
pub struct Keymap {
    /// In `Action::ALL` order, so help lists keys the same way every time.
    bindings: Vec<(Action, Vec<KeyChord>)>,
    /// What each chord means in each scope: only the actions the scope hears.
    by_key: HashMap<(Scope, KeyChord), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&[]).expect("built-in keymap is valid")
    }
}

impl Keymap {
    /// Builds the keymap from the defaults, with each listed action's keys
    /// replaced by the given ones. The main view hears every action, so a
    /// key bound to two actions is refused whichever scopes hear them.
    pub fn with_overrides(overrides: &[(String, Vec<String>)]) -> Result<Self, KeymapError> {
        let mut chosen: Vec<(Action, Vec<String>)> =
            Action::ALL.iter().map(|a| (*a, a.default_keys().iter().map(|s| s.to_string()).collect())).collect();
        for (name, keys) in overrides {
            let action = Action::from_name(name).ok_or_else(|| KeymapError::UnknownAction(name.clone()))?;
            if let Some(slot) = chosen.iter_mut().find(|(a, _)| *a == action) {
                slot.1 = keys.clone();
            }
        }
        let mut bindings = Vec::new();
        let mut by_key: HashMap<(Scope, KeyChord), Action> = HashMap::new();
        // Overridden actions are checked last so a conflict names the user's line.
        let overridden = |a: &Action| overrides.iter().any(|(n, _)| n == a.name());
        let mut order: Vec<&(Action, Vec<String>)> = chosen.iter().collect();
        order.sort_by_key(|(a, _)| overridden(a));
        for (action, keys) in order {
            let mut chords = Vec::new();
            for k in keys {
                let chord = KeyChord::parse(k).map_err(|chord| KeymapError::BadKey { action: action.name(), chord })?;
                if chords.contains(&chord) {
                    continue;
                }
                for scope in Scope::ALL.into_iter().filter(|s| s.hears(*action)) {
                    if let Some(first) = by_key.insert((scope, chord), *action) {
                        return Err(KeymapError::Conflict {
                            key: chord.to_string(),
                            first: first.name(),
                            second: action.name(),
                        });
                    }
                }
                chords.push(chord);
            }
            bindings.push((*action, chords));
        }
        bindings.sort_by_key(|(a, _)| Action::ALL.iter().position(|x| x == a));
        if bindings.iter().any(|(a, c)| *a == Action::Quit && c.is_empty()) {
            return Err(KeymapError::NoQuit);
        }
        Ok(Keymap { bindings, by_key })
    }

    /// The action a key means where `scope` has the keys.
    pub fn action_for(&self, scope: Scope, ev: &KeyEvent) -> Option<Action> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        self.by_key.get(&(scope, KeyChord::from_event(ev))).copied()
    }

    /// Whether the key means an action anywhere.
    pub fn binds(&self, ev: &KeyEvent) -> bool {
        Scope::ALL.iter().any(|s| self.action_for(*s, ev).is_some())
    }

    pub fn keys_for(&self, action: Action) -> &[KeyChord] {
        self.bindings.iter().find(|(a, _)| *a == action).map(|(_, k)| k.as_slice()).unwrap_or(&[])
    }

    pub fn bindings(&self) -> impl Iterator<Item = (Action, &[KeyChord])> {
        self.bindings.iter().map(|(a, k)| (*a, k.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: Scope = Scope::Main(crate::domain::view::pane::Pane::Rollout);

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_cover_the_documented_keys() {
        let k = Keymap::default();
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::Char('q'), KeyModifiers::NONE)), Some(Action::Quit));
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::QuitNow));
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Action::FocusPrev));
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::Char('?'), KeyModifiers::SHIFT)), Some(Action::ToggleHelp));
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)), Some(Action::SelectLast));
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::Char('2'), KeyModifiers::NONE)), Some(Action::FocusRollout));
        for a in Action::ALL {
            assert!(!k.keys_for(a).is_empty(), "{a:?} has a default key");
        }
    }

    #[test]
    fn overrides_replace_and_conflicts_are_named() {
        let k = Keymap::with_overrides(&[("refresh".into(), vec!["ctrl-r".into(), "f5".into()])]).unwrap();
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::F(5), KeyModifiers::NONE)), Some(Action::Refresh));
        assert_eq!(k.action_for(MAIN, &ev(KeyCode::Char('r'), KeyModifiers::NONE)), None);

        let err = Keymap::with_overrides(&[("refresh".into(), vec!["q".into()])]).unwrap_err();
        assert_eq!(err.to_string(), "key `q` is bound to both `quit` and `refresh`");
        let err = Keymap::with_overrides(&[("refesh".into(), vec!["x".into()])]).unwrap_err();
        assert!(err.to_string().contains("unknown action `refesh`"));
        let err = Keymap::with_overrides(&[("quit".into(), vec![])]).unwrap_err();
        assert_eq!(err, KeymapError::NoQuit);
        let err = Keymap::with_overrides(&[("quit".into(), vec!["ctrl-hyper-x".into()])]).unwrap_err();
        assert!(err.to_string().contains("unknown key"), "{err}");
        assert_eq!(err.action_name(), "quit");
    }

    #[test]
    fn chord_errors_read_as_written() {
        let text = |s: &str| KeyChord::parse(s).unwrap_err().to_string();
        assert_eq!(text(" "), "empty key");
        assert_eq!(text("f99"), "unknown key `f99`");
        assert_eq!(text(" ctrl-xy "), r#"unknown key `ctrl-xy` (try "q", "ctrl-r", "f5", "pgdn")"#);
        let err = Keymap::with_overrides(&[("refresh".into(), vec!["f0".into()])]).unwrap_err();
        assert_eq!(err.to_string(), "`refresh`: unknown key `f0`");
    }

    #[test]
    fn a_scope_hears_only_its_actions_and_conflicts_stay_refused() {
        let k = Keymap::default();
        let r = ev(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(k.action_for(Scope::Help, &r), None, "refresh is not heard over help");
        assert!(k.binds(&r));
        let m = ev(KeyCode::Char('m'), KeyModifiers::NONE);
        assert_eq!(k.action_for(Scope::Compare, &m), Some(Action::ToggleMerges));
        assert_eq!(k.action_for(Scope::Composer, &m), None, "the composer's keys are text");
        // Only compare hears toggle_merges, but the main view hears every
        // action: one key for both is refused, as it always was.
        let err = Keymap::with_overrides(&[("waive".into(), vec!["m".into()])]).unwrap_err();
        assert_eq!(err.to_string(), "key `m` is bound to both `toggle_merges` and `waive`");
    }

    #[test]
    fn q_closes_overlays_and_ctrl_c_is_heard_wherever_the_keymap_is_on() {
        let k = Keymap::default();
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for scope in [Scope::Help, Scope::Confirm, Scope::Compare] {
            assert_eq!(k.action_for(scope, &q), Some(Action::Quit), "{scope:?}: q reaches the overlay, which closes");
        }
        for scope in Scope::ALL.into_iter().filter(|s| !matches!(s, Scope::Composer | Scope::ComposerConfirm)) {
            assert_eq!(k.action_for(scope, &ctrl_c), Some(Action::QuitNow), "{scope:?}");
        }
        for scope in [Scope::Search, Scope::Waive] {
            assert_eq!(k.action_for(scope, &q), None, "{scope:?}: q is a letter there");
        }
        // One key cannot both ask and not ask.
        let err = Keymap::with_overrides(&[("quit".into(), vec!["q".into(), "ctrl-c".into()])]).unwrap_err();
        assert_eq!(err.to_string(), "key `ctrl-c` is bound to both `quit_now` and `quit`");
    }

    #[test]
    fn chords_parse_and_display() {
        for s in ["q", "ctrl-c", "alt-enter", "shift-tab", "pgdn", "f5", "space", "G", "?"] {
            let c = KeyChord::parse(s).unwrap();
            assert_eq!(KeyChord::parse(&c.to_string().replace('↑', "up")).unwrap(), c, "{s}");
        }
        assert_eq!(KeyChord::parse("shift-g").unwrap(), KeyChord::parse("G").unwrap());
        assert!(KeyChord::parse("f99").is_err());
        assert!(KeyChord::parse("").is_err());
    }
}
