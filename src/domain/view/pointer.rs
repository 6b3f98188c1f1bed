//! What the mouse did and where: the front end reads the terminal's reports
//! and maps a cell to a pane and the item drawn there by the rectangles of
//! the last frame (`ui/hit.rs`); `view/update.rs` answers. Types only.

use super::pane::Pane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    Click,
    /// A second click on the same cell soon after the first.
    Double,
    WheelUp,
    WheelDown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A pane, and the item of its list drawn on the row under the pointer.
    Pane { pane: Pane, item: Option<usize> },
    /// An entry of the palette's list, counted over all its entries.
    Palette(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pointer {
    pub press: Press,
    pub target: Target,
}
