//! What the footer offers in each scope: the keys worth knowing there, in
//! the order shown. The keys themselves come from the keymap, so a rebound
//! action shows its new key.

use crate::action::Action;
use crate::domain::view::pane::Pane;
use crate::domain::view::scope::Scope;

pub enum Hints {
    /// Keymap actions, each with the label the scope gives it or its footer
    /// label. `panes`: the pane keys follow, once every hint before them fits.
    Keys { hints: &'static [Hint], panes: bool },
    /// While text is typed the keymap is off: the editor's own keys, as
    /// `(key, label)`.
    Typing(&'static [(&'static str, &'static str)]),
}

const fn key(action: Action) -> Hint {
    (action, None)
}

const fn labelled(action: Action, label: &'static str) -> Hint {
    (action, Some(label))
}

type Hint = (Action, Option<&'static str>);

const CHECKLIST: &[Hint] = &[
    key(Action::Quit),
    key(Action::ToggleHelp),
    key(Action::FocusNext),
    key(Action::ToggleTick),
    key(Action::Waive),
    key(Action::MarkPush),
    key(Action::Palette),
    key(Action::SelectNext),
];
const REPOS: &[Hint] = &[
    key(Action::Quit),
    key(Action::ToggleHelp),
    key(Action::FocusNext),
    key(Action::Fetch),
    key(Action::CreateTags),
    key(Action::PushTags),
    key(Action::Compare),
    key(Action::Palette),
    key(Action::SelectNext),
];
const OTHER_PANES: &[Hint] = &[
    key(Action::Quit),
    key(Action::ToggleHelp),
    key(Action::FocusNext),
    key(Action::ToggleZoom),
    key(Action::Refresh),
    key(Action::Palette),
    key(Action::SelectNext),
    key(Action::SelectPrev),
];
// Overlays offer no `quit`: there `q` closes the overlay, as esc does.
const HELP: &[Hint] = &[key(Action::ToggleHelp), labelled(Action::Cancel, "close"), key(Action::SelectNext)];
const CONFIRM: &[Hint] = &[labelled(Action::Activate, "confirm"), labelled(Action::Cancel, "cancel")];
const COMPARE: &[Hint] = &[
    labelled(Action::Cancel, "close"),
    key(Action::SelectNext),
    key(Action::SelectPrev),
    key(Action::ToggleMerges),
    key(Action::CopyUrl),
    key(Action::OpenUrl),
];

const DEPLOY: &[Hint] = &[labelled(Action::Cancel, "close"), key(Action::SelectPrev), key(Action::SelectNext)];

pub fn hints(scope: Scope) -> Hints {
    match scope {
        Scope::Main(Pane::Checklist) => Hints::Keys { hints: CHECKLIST, panes: true },
        Scope::Main(Pane::Repos) => Hints::Keys { hints: REPOS, panes: true },
        Scope::Main(Pane::Rollout | Pane::Sentry | Pane::Log) => Hints::Keys { hints: OTHER_PANES, panes: true },
        Scope::Help => Hints::Keys { hints: HELP, panes: false },
        // A dialog asked from the composer hears only enter, esc and ctrl-c,
        // but shows the keymap's keys like any dialog (as it always has).
        Scope::Confirm | Scope::ComposerConfirm => Hints::Keys { hints: CONFIRM, panes: false },
        Scope::Compare => Hints::Keys { hints: COMPARE, panes: false },
        Scope::Deploy => Hints::Keys { hints: DEPLOY, panes: false },
        Scope::Composer => Hints::Typing(&[
            ("enter", "send"),
            ("alt-enter", "new line"),
            ("↑", "previous"),
            ("esc", "leave"),
            ("/help", "commands"),
        ]),
        Scope::Palette => Hints::Typing(&[("enter", "run"), ("↑↓", "select"), ("esc", "close")]),
        Scope::Search => Hints::Typing(&[("enter", "keep"), ("esc", "cancel"), ("ctrl-w", "delete word")]),
        Scope::Waive => Hints::Typing(&[("enter", "waive"), ("esc", "cancel"), ("ctrl-w", "delete word")]),
    }
}

/// The footer's word for an action: the scope's, else the action table's,
/// else its config name.
pub fn label(action: Action, scoped: Option<&'static str>) -> &'static str {
    scoped.or(action.footer_label()).unwrap_or(action.name())
}
