//! What was said in answer to a key pressed in an overlay (`y` copied, `o`
//! could not open, the palette's "why not"), drawn on the overlay's own
//! bottom border, where the eyes are, rather than in the footer behind it.

use super::RenderCtx;
use super::widgets::fit;
use crate::domain::Model;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the open overlay's message, if it has one that has not expired,
/// over the bottom border of `area` (the overlay's box).
pub fn render(frame: &mut Frame, area: Rect, model: &Model, ctx: &RenderCtx) {
    let Some(flash) = model.view.overlay_flash().filter(|f| f.until > ctx.now) else { return };
    if area.width < 6 || area.height < 2 {
        return;
    }
    let style = if flash.error { ctx.theme.error } else { ctx.theme.ok };
    let width = area.width as usize - 4;
    let at = Rect { x: area.x + 2, y: area.bottom() - 1, width: area.width - 4, height: 1 };
    let text = fit(&format!(" {} ", flash.text), width);
    frame.render_widget(Paragraph::new(Line::from(Span::styled(text.trim_end().to_string(), style))), at);
}
