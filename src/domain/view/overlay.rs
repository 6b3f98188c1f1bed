//! What is on top of the panes. One overlay at a time, plus the two layers
//! the keys can make: help opened from the compare view, and a confirm asked
//! from the composer (`/tick` of another role's item). Each comes back when
//! what was opened over it closes.

use super::confirm::Confirm;
use super::prompt::Prompt;
use crate::domain::repos::CompareView;

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The key list, scrolled `offset` rows (clamped where it is drawn).
    /// `over`: the compare view it was opened from.
    Help {
        offset: usize,
        over: Option<Box<CompareView>>,
    },
    /// `over_composer`: asked from the composer, which has the keyboard back
    /// once the dialog is answered.
    Confirm {
        dialog: Confirm,
        over_composer: bool,
    },
    Prompt(Prompt),
    Compare(Box<CompareView>),
    /// The Log pane's composer has the keyboard.
    Composer,
    /// The command palette (`:`).
    Palette(super::palette::Palette),
    /// The deploy run's output, scrolled `back` lines from the newest.
    Deploy {
        back: usize,
    },
}
