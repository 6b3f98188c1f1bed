//! The timeline, newest at the bottom like a chat.

use crate::domain::{LogKind, Model, Pane};
use crate::ui::widgets::pane_block;
use crate::ui::RenderCtx;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, focused: bool, ctx: &RenderCtx) {
    let t = ctx.theme;
    let extra = (model.log_back > 0).then(|| format!("↓ {} newer", model.log_back));
    let block = pane_block(Pane::Log.index() + 1, Pane::Log.title(), extra, focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    let end = model.log.len().saturating_sub(model.log_back);
    let start = end.saturating_sub(rows);
    let lines: Vec<Line> = model.log[start..end]
        .iter()
        .map(|e| {
            let time = e.at.with_timezone(&ctx.tz).format("%H:%M:%S").to_string();
            let style = match e.kind {
                LogKind::System => t.log_system,
                LogKind::Version => t.log_event,
                LogKind::Mixed => t.warn,
                LogKind::Heartbeat => t.warn,
            };
            Line::from(vec![Span::styled(format!("{time} "), t.log_time), Span::styled(e.text.clone(), style)])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
