//! The honest empty state of a pane with nothing configured.

use crate::domain::view::pane::Pane;
use crate::ui::RenderCtx;
use crate::ui::widgets::pane_block;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, pane: Pane, message: &str, focused: bool, ctx: &RenderCtx) {
    let block = pane_block(pane.index() + 1, pane.title(), None, focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let needed = (message.len() as u16).div_ceil(inner.width.max(1));
    let top = inner.height.saturating_sub(needed) / 2;
    let mut lines: Vec<Line> = (0..top).map(|_| Line::default()).collect();
    lines.push(Line::styled(message.to_string(), ctx.theme.muted));
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center).wrap(Wrap { trim: true }), inner);
}
