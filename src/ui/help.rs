//! The help overlay: what every key does, grouped by where it works
//! (`domain/view/help.rs`), with the keys the keymap binds, and the `/`
//! commands of the composer. A list like the others: the selected row is
//! marked and the window follows it.

use super::RenderCtx;
use super::widgets::{centered, fit, mark, selected_style};
use crate::action::Action;
use crate::domain::view::help::{HelpRow, rows};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

pub fn render(frame: &mut Frame, body: Rect, selected: usize, ctx: &RenderCtx) {
    let t = ctx.theme;
    let rows = rows();
    let keys_of = |row: &HelpRow| match row {
        HelpRow::Action(action, _) => {
            let keys = ctx.keymap.keys_for(*action);
            if keys.is_empty() {
                "(unbound)".to_string()
            } else {
                keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ")
            }
        }
        HelpRow::Typed { keys, .. } => keys.to_string(),
        HelpRow::Command { usage, .. } => usage.clone(),
        HelpRow::Section(_) => String::new(),
    };
    let key_w = rows.iter().map(|r| keys_of(r).width() + 2).max().unwrap_or(8).clamp(8, 24);
    let area = centered(body, 84, rows.len() as u16 + 3);
    let inner_w = area.width.saturating_sub(2) as usize;
    // Rows inside the border, less the line saying where the window is.
    let shown = (area.height.saturating_sub(3) as usize).max(1);
    let selected = selected.min(rows.len() - 1);
    let first = (selected + 1).saturating_sub(shown).min(rows.len().saturating_sub(shown));
    let mut lines: Vec<Line> = Vec::with_capacity(shown + 1);
    for (i, row) in rows.iter().enumerate().skip(first).take(shown) {
        let sel = i == selected;
        let line = match row {
            HelpRow::Section(title) => Line::from(vec![
                Span::raw(format!("{} ", mark(sel))),
                Span::styled(fit(title, inner_w.saturating_sub(2)), t.title_focused),
            ]),
            other => {
                let what = match other {
                    HelpRow::Action(action, what) => what.unwrap_or(action.description()),
                    HelpRow::Typed { what, .. } | HelpRow::Command { what, .. } => what,
                    HelpRow::Section(_) => "",
                };
                Line::from(vec![
                    Span::raw(mark(sel)),
                    Span::styled(format!("  {}", fit(&keys_of(other), key_w)), t.footer_key),
                    Span::styled(fit(what, inner_w.saturating_sub(key_w + 3)), t.text),
                ])
            }
        };
        lines.push(if sel { line.patch_style(selected_style(ctx, true)) } else { line });
    }
    let below = rows.len().saturating_sub(first + shown);
    let place = if first == 0 && below == 0 {
        " Keys are set in the config's [keys] table.".to_string()
    } else {
        let key = |a: Action| ctx.keymap.keys_for(a).first().map_or("?".to_string(), |k| k.to_string());
        let (down, up, page) = (key(Action::SelectNext), key(Action::SelectPrev), key(Action::PageDown));
        format!(" {first} above · {below} below · {down}/{up}/{page} scroll · keys are set in [keys]")
    };
    lines.push(Line::styled(fit(&place, inner_w), t.muted));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(t.border_focused)
        .title(Span::styled(" Help ", t.title_focused))
        .style(t.base);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
