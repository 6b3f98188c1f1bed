//! The help overlay: every action with its keys and description, straight
//! from the keymap.

use super::RenderCtx;
use super::widgets::{centered, fit};
use crate::action::Action;
use crate::keymap::KeyChord;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

pub fn render(frame: &mut Frame, body: Rect, offset: usize, ctx: &RenderCtx) {
    let t = ctx.theme;
    let bindings: Vec<_> = ctx.keymap.bindings().collect();
    let key_w = bindings
        .iter()
        .map(|(_, keys)| keys.iter().map(|k| k.to_string().chars().count() + 2).sum::<usize>())
        .max()
        .unwrap_or(8)
        .clamp(8, 24);
    let area = centered(body, 64, bindings.len() as u16 + 4);
    // Rows inside the border; the last one of the full box is a blank margin.
    let rows = area.height.saturating_sub(2) as usize;
    let binding_line = |(action, keys): &(Action, &[KeyChord])| {
        let keys = keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ");
        Line::from(vec![
            Span::styled(format!(" {}", fit(&keys, key_w)), t.footer_key),
            Span::styled(action.description().to_string(), t.text),
        ])
    };
    let mut lines = Vec::with_capacity(rows);
    if bindings.len() < rows {
        lines.push(Line::from(Span::styled(" Keys are set in the config's [keys] table.", t.muted)));
        lines.extend(bindings.iter().map(binding_line));
    } else if rows > 1 {
        // Too short for everything: a window on the list that ↓/↑ scroll, and
        // a line saying what is above and below rather than cutting it off.
        let shown = rows - 1;
        let first = offset.min(bindings.len() - shown);
        lines.extend(bindings.iter().skip(first).take(shown).map(binding_line));
        let below = bindings.len() - shown - first;
        let scroll = ctx.keymap.keys_for(Action::SelectNext).first().map_or("↓".into(), |k| k.to_string());
        lines.push(Line::from(Span::styled(format!(" {first} above · {below} below ({scroll} / ↑ scroll)"), t.muted)));
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
