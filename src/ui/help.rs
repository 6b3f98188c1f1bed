//! The help overlay: every action with its keys and description, straight
//! from the keymap.

use super::RenderCtx;
use super::widgets::{centered, fit};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub fn render(frame: &mut Frame, body: Rect, ctx: &RenderCtx) {
    let t = ctx.theme;
    let bindings: Vec<_> = ctx.keymap.bindings().collect();
    let key_w = bindings
        .iter()
        .map(|(_, keys)| keys.iter().map(|k| k.to_string().chars().count() + 2).sum::<usize>())
        .max()
        .unwrap_or(8)
        .clamp(8, 24);
    let area = centered(body, 64, bindings.len() as u16 + 4);
    let mut lines = vec![Line::from(Span::styled(" Keys are set in the config's [keys] table.", t.muted))];
    for (action, keys) in &bindings {
        let keys = keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ");
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", fit(&keys, key_w)), t.footer_key),
            Span::styled(action.description().to_string(), t.text),
        ]));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(t.border_focused)
        .title(Span::styled(" Help ", t.title_focused))
        .style(t.base);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
