//! Who gets a key: the one place that decides which part of the cockpit
//! hears the keyboard. The keymap looks chords up in it, `update` routes
//! actions by it, the footer shows its hints and the screen draws its
//! overlay.

use super::overlay::Overlay;
use super::pane::Pane;
use super::prompt::PromptFor;
use crate::action::Action;
use crate::domain::model::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// No overlay: the focused pane's keys.
    Main(Pane),
    Help,
    Confirm,
    /// A dialog asked from the composer: text typed ahead must not quit or
    /// confirm, so only enter, esc and ctrl-c count, whatever the keymap says.
    ComposerConfirm,
    /// The log search prompt: keys are text.
    Search,
    /// A waiver's reason: keys are text.
    Waive,
    Compare,
    /// The Log pane's composer: keys are text.
    Composer,
    /// The command palette: keys are text filtering it, arrows select.
    Palette,
    /// The deploy output: it scrolls and closes; the deploy goes on.
    Deploy,
}

pub fn scope(model: &Model) -> Scope {
    match &model.view.overlay {
        None => Scope::Main(model.view.focus),
        Some(Overlay::Help { .. }) => Scope::Help,
        Some(Overlay::Confirm { over_composer: false, .. }) => Scope::Confirm,
        Some(Overlay::Confirm { over_composer: true, .. }) => Scope::ComposerConfirm,
        Some(Overlay::Prompt(p)) if p.purpose == PromptFor::Search => Scope::Search,
        Some(Overlay::Prompt(_)) => Scope::Waive,
        Some(Overlay::Compare(_)) => Scope::Compare,
        Some(Overlay::Composer) => Scope::Composer,
        Some(Overlay::Palette(_)) => Scope::Palette,
        Some(Overlay::Deploy { .. }) => Scope::Deploy,
    }
}

/// Actions that move through a list: help scrolls with them, the compare
/// view and the panes select with them.
const MOVES: [Action; 6] =
    [Action::SelectNext, Action::SelectPrev, Action::PageDown, Action::PageUp, Action::SelectFirst, Action::SelectLast];

impl Scope {
    /// Every scope, the main view's first: a key bound twice is named by
    /// the first scope that hears both actions.
    pub const ALL: [Scope; 14] = [
        Scope::Main(Pane::Checklist),
        Scope::Main(Pane::Rollout),
        Scope::Main(Pane::Repos),
        Scope::Main(Pane::Sentry),
        Scope::Main(Pane::Log),
        Scope::Help,
        Scope::Confirm,
        Scope::ComposerConfirm,
        Scope::Search,
        Scope::Waive,
        Scope::Compare,
        Scope::Composer,
        Scope::Palette,
        Scope::Deploy,
    ];

    /// Whether an action bound to a key does anything here. The main view
    /// hears every action in every pane: the ones about a pane (`activate`,
    /// `toggle_tick`, `waive`, the moves) answer by the focus, some with a
    /// flash saying where they work. `quit_now` is heard wherever the keymap
    /// is on; in an overlay `quit` closes it, like `cancel`.
    pub fn hears(self, action: Action) -> bool {
        if action == Action::QuitNow {
            return !matches!(self, Scope::ComposerConfirm | Scope::Composer);
        }
        match self {
            Scope::Main(_) => true,
            Scope::Help => {
                matches!(action, Action::Quit | Action::ToggleHelp | Action::Cancel) || MOVES.contains(&action)
            }
            Scope::Confirm => matches!(action, Action::Quit | Action::Activate | Action::Cancel),
            Scope::Deploy => matches!(action, Action::Quit | Action::Cancel) || MOVES.contains(&action),
            Scope::Compare => {
                matches!(
                    action,
                    Action::Quit
                        | Action::ToggleHelp
                        | Action::Cancel
                        | Action::Compare
                        | Action::ToggleMerges
                        | Action::CopyUrl
                        | Action::OpenUrl
                ) || MOVES.contains(&action)
            }
            // Typing: only ctrl-c, the one key that is not text, reaches the
            // keymap, and `q` is a letter.
            Scope::Search | Scope::Waive => action == Action::Cancel,
            // Arrows and the wheel select; the rest of the keys filter.
            Scope::Palette => action == Action::Cancel || MOVES.contains(&action),
            // Their few keys are fixed (ctrl-c among them); the keymap is off.
            Scope::ComposerConfirm | Scope::Composer => false,
        }
    }

    /// Keys are text here, not the keymap's.
    pub fn typing(self) -> bool {
        matches!(self, Scope::Search | Scope::Waive | Scope::Composer | Scope::Palette)
    }
}
