//! A model drawn by the cockpit's own renderer into ratatui's TestBackend,
//! as text: what a screen test reads and snapshots.

use chrono::FixedOffset;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shipdeck::domain::Model;
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

/// `m` at `w`×`h`, at the model's own time, in UTC, default theme and keys.
pub fn draw(m: &Model, w: u16, h: u16) -> String {
    let theme = Theme::default();
    let keymap = Keymap::default();
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut view = ViewState::default();
    term.draw(|f| render(f, m, &mut view, &ctx)).unwrap();
    testkit::buffer_text(term.backend().buffer())
}
