//! Input to messages, by who has the keys: a chord through the keymap to an
//! action, or, while typing, a key to an edit of the prompt or the composer.

use super::Input;
use crate::action::Action;
use crate::domain::Msg;
use crate::domain::kernel::input::Edit;
use crate::domain::view::scope::Scope;
use crate::keymap::Keymap;
use crate::ui;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Whoever has the keys ([`Scope`]) decides what a key means: a chord in
/// the keymap, text in a prompt or the composer, or one of a few fixed keys.
pub(super) fn translate(
    input: Input,
    keymap: &Keymap,
    scope: Scope,
    composer: &mut ui::Composer,
) -> color_eyre::Result<Option<Msg>> {
    Ok(match input {
        Input::Key(key) => match scope {
            Scope::Composer => return compose_input(Input::Key(key), composer),
            Scope::ComposerConfirm => typed_ahead(&key),
            Scope::Palette => palette_move(&key).map(Msg::Action).or_else(|| keyed(&key, keymap, scope)),
            _ => keyed(&key, keymap, scope),
        },
        Input::Paste(text) if scope == Scope::Composer => return compose_input(Input::Paste(text), composer),
        // Pasted text goes into an open prompt, cleaned there, newlines as
        // spaces; without a prompt it is dropped, never read as keys.
        Input::Paste(text) if scope.typing() => Some(Msg::Paste(text)),
        Input::Paste(_) => None,
        other => return not_keys(other),
    })
}

fn keyed(key: &KeyEvent, keymap: &Keymap, scope: Scope) -> Option<Msg> {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if scope.typing() && !ctrl_c {
        edit_for(key).map(Msg::Edit)
    } else if let Some(action) = keymap.action_for(scope, key) {
        Some(Msg::Action(action))
    } else if ctrl_c && !keymap.binds(key) {
        // Ctrl-C always gets out, even when `quit_now` was rebound, unless
        // the user gave it to another action.
        Some(Msg::Action(Action::QuitNow))
    } else {
        None
    }
}

/// In the palette letters filter, so only keys that are not text select:
/// the arrows, the page keys and ctrl-n / ctrl-p.
fn palette_move(key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Down => Action::SelectNext,
        KeyCode::Up => Action::SelectPrev,
        KeyCode::Char('n') if ctrl => Action::SelectNext,
        KeyCode::Char('p') if ctrl => Action::SelectPrev,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        _ => return None,
    })
}

/// A dialog opened from the composer: text typed ahead must not quit or
/// confirm; only enter, esc and ctrl-c count.
fn typed_ahead(key: &KeyEvent) -> Option<Msg> {
    match key.code {
        KeyCode::Enter => Some(Msg::Action(Action::Activate)),
        KeyCode::Esc => Some(Msg::Action(Action::Cancel)),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Msg::Action(Action::QuitNow)),
        _ => None,
    }
}

/// What the terminal says besides keys, whoever has them.
fn not_keys(input: Input) -> color_eyre::Result<Option<Msg>> {
    Ok(match input {
        Input::Resize => Some(Msg::Resize),
        // Handled by the loop, which holds the terminal and what it drew.
        Input::Suspend | Input::Continued | Input::Mouse(_) => None,
        // Read by `translate` and `compose_input`, which know who has them.
        Input::Key(_) | Input::Paste(_) => None,
        // Nobody is left to answer a dialog.
        Input::Closed(None) => Some(Msg::Action(Action::QuitNow)),
        Input::Closed(Some(e)) => return Err(color_eyre::eyre::eyre!("reading the terminal failed: {e}")),
    })
}

/// While the composer has the keyboard every key is text or editing: enter
/// sends, alt-enter (or shift-enter) breaks the line, esc leaves, up on an
/// empty composer recalls the last line sent. Text is cleaned here, where
/// it enters.
pub(super) fn compose_input(input: Input, c: &mut ui::Composer) -> color_eyre::Result<Option<Msg>> {
    use crate::domain::journal::MAX_TEXT;
    use crate::io::sanitize::clean_text;
    let key = match input {
        Input::Key(key) => key,
        Input::Paste(text) => {
            // One past the limit is kept, so sending says the text was cut;
            // a huge paste never fills the composer.
            c.area.insert_str(clean_text(&text, MAX_TEXT + 1));
            return Ok(None);
        }
        other => return not_keys(other),
    };
    let (ctrl, alt, shift) = (
        key.modifiers.contains(KeyModifiers::CONTROL),
        key.modifiers.contains(KeyModifiers::ALT),
        key.modifiers.contains(KeyModifiers::SHIFT),
    );
    Ok(match key.code {
        KeyCode::Char('c') if ctrl => Some(Msg::Action(Action::QuitNow)),
        KeyCode::Esc => Some(Msg::Composing(false)),
        KeyCode::Enter if alt || shift => {
            c.area.insert_newline();
            None
        }
        KeyCode::Enter => c.take().map(|text| Msg::Compose(clean_text(&text, MAX_TEXT + 1))),
        KeyCode::Up if c.recall_previous() => None,
        _ => {
            c.recall = None;
            c.area.input(key);
            None
        }
    })
}

/// Keys in a prompt are text and editing, not the keymap.
pub(super) fn edit_for(key: &KeyEvent) -> Option<Edit> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('w') | KeyCode::Backspace if ctrl => Edit::DeleteWord,
        KeyCode::Char('a') if ctrl => Edit::Home,
        KeyCode::Char('e') if ctrl => Edit::End,
        KeyCode::Char(_) if ctrl || key.modifiers.contains(KeyModifiers::ALT) => return None,
        KeyCode::Char(c) => Edit::Char(c),
        KeyCode::Backspace => Edit::Backspace,
        KeyCode::Delete => Edit::Delete,
        KeyCode::Left => Edit::Left,
        KeyCode::Right => Edit::Right,
        KeyCode::Home => Edit::Home,
        KeyCode::End => Edit::End,
        KeyCode::Enter => Edit::Submit,
        KeyCode::Esc => Edit::Cancel,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Msg;
    use crate::domain::view::pane::Pane;

    fn key(code: KeyCode, mods: KeyModifiers) -> Input {
        Input::Key(KeyEvent::new(code, mods))
    }

    fn typed(c: &mut ui::Composer, text: &str) {
        for ch in text.chars() {
            assert_eq!(compose_input(key(KeyCode::Char(ch), KeyModifiers::NONE), c).unwrap(), None);
        }
    }

    #[test]
    fn the_palette_opens_on_colon_and_its_letters_filter() {
        let keymap = Keymap::default();
        let mut c = ui::Composer::default();
        let mut read = |k: Input, scope: Scope| translate(k, &keymap, scope, &mut c).unwrap();
        let k = |code| key(code, KeyModifiers::NONE);
        assert_eq!(read(k(KeyCode::Char(':')), Scope::Main(Pane::Rollout)), Some(Msg::Action(Action::Palette)));
        assert_eq!(read(k(KeyCode::Char('j')), Scope::Palette), Some(Msg::Edit(Edit::Char('j'))));
        assert_eq!(read(k(KeyCode::Char('q')), Scope::Palette), Some(Msg::Edit(Edit::Char('q'))));
        assert_eq!(read(k(KeyCode::Down), Scope::Palette), Some(Msg::Action(Action::SelectNext)));
        assert_eq!(read(k(KeyCode::Up), Scope::Palette), Some(Msg::Action(Action::SelectPrev)));
        assert_eq!(read(k(KeyCode::Enter), Scope::Palette), Some(Msg::Edit(Edit::Submit)));
        assert_eq!(read(k(KeyCode::Esc), Scope::Palette), Some(Msg::Edit(Edit::Cancel)));
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(read(ctrl_c, Scope::Palette), Some(Msg::Action(Action::QuitNow)));
    }

    #[test]
    fn q_is_the_overlays_or_text_and_ctrl_c_always_quits_now() {
        let keymap = Keymap::default();
        let mut c = ui::Composer::default();
        let mut read = |k: Input, scope: Scope| translate(k, &keymap, scope, &mut c).unwrap();
        let q = || key(KeyCode::Char('q'), KeyModifiers::NONE);
        let ctrl_c = || key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for scope in [Scope::Help, Scope::Confirm, Scope::Compare] {
            assert_eq!(read(q(), scope), Some(Msg::Action(Action::Quit)), "{scope:?}");
        }
        assert_eq!(read(q(), Scope::Search), Some(Msg::Edit(Edit::Char('q'))));
        assert_eq!(read(q(), Scope::ComposerConfirm), None, "typed ahead: ignored");
        assert_eq!(read(q(), Scope::Composer), None, "typed into the composer");
        for scope in Scope::ALL {
            assert_eq!(read(ctrl_c(), scope), Some(Msg::Action(Action::QuitNow)), "{scope:?}");
        }
        assert_eq!(c.area.lines(), ["q"]);
        // ctrl-c still gets out when `quit_now` is rebound elsewhere.
        let rebound = Keymap::with_overrides(&[("quit_now".into(), vec!["ctrl-q".into()])]).unwrap();
        let mut c = ui::Composer::default();
        assert_eq!(translate(ctrl_c(), &rebound, Scope::Help, &mut c).unwrap(), Some(Msg::Action(Action::QuitNow)));
        assert_eq!(not_keys(Input::Closed(None)).unwrap(), Some(Msg::Action(Action::QuitNow)));
    }

    #[test]
    fn the_composer_sends_breaks_lines_recalls_and_leaves() {
        let mut c = ui::Composer::default();
        typed(&mut c, "q s t");
        assert!(c.area.lines() == ["q s t"], "letters are text, not shortcuts");
        assert_eq!(
            compose_input(key(KeyCode::Enter, KeyModifiers::NONE), &mut c).unwrap(),
            Some(Msg::Compose("q s t".into()))
        );
        assert!(c.is_empty());
        assert_eq!(
            compose_input(key(KeyCode::Enter, KeyModifiers::NONE), &mut c).unwrap(),
            None,
            "empty: nothing sent"
        );
        typed(&mut c, "one");
        compose_input(key(KeyCode::Enter, KeyModifiers::ALT), &mut c).unwrap();
        typed(&mut c, "two");
        let sent = compose_input(key(KeyCode::Enter, KeyModifiers::NONE), &mut c).unwrap();
        assert_eq!(sent, Some(Msg::Compose("one\ntwo".into())));
        // Up on an empty composer: the last line sent, then the one before.
        compose_input(key(KeyCode::Up, KeyModifiers::NONE), &mut c).unwrap();
        assert_eq!(c.area.lines().join("\n"), "one\ntwo");
        compose_input(key(KeyCode::Up, KeyModifiers::NONE), &mut c).unwrap();
        assert_eq!(c.area.lines().join("\n"), "q s t");
        // A paste is cleaned of escapes and control characters.
        let mut p = ui::Composer::default();
        compose_input(Input::Paste("see \x1b[31mticket\x07 42".into()), &mut p).unwrap();
        assert_eq!(p.area.lines(), ["see ticket 42"]);
        assert_eq!(compose_input(key(KeyCode::Esc, KeyModifiers::NONE), &mut p).unwrap(), Some(Msg::Composing(false)));
        assert_eq!(
            compose_input(key(KeyCode::Char('c'), KeyModifiers::CONTROL), &mut p).unwrap(),
            Some(Msg::Action(Action::QuitNow))
        );
    }
}
