//! The command palette: what is typed on top, then the matching entries —
//! name (and the argument a notes command needs), keys, what it works on,
//! what it does — the selected one marked `▸`; an entry that cannot run
//! from the focused pane is muted and, when selected, says why.

use super::RenderCtx;
use super::widgets::{centered, fit};
use crate::domain::Model;
use crate::domain::view::palette::{Command, Entry};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

const NAME_W: usize = 18;
const KEYS_W: usize = 16;
const AREA_W: usize = 10;

/// Draws the palette; for the mouse, returns its list's rectangle, the
/// first entry shown there and how many match.
pub fn render(frame: &mut Frame, body: Rect, model: &Model, ctx: &RenderCtx) -> Option<(Rect, usize, usize)> {
    let palette = model.view.palette()?;
    let t = ctx.theme;
    let (shown, arg) = palette.shown();
    let area = centered(body, 100, (shown.len() as u16 + 4).clamp(8, 20));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(t.border_focused)
        .title(Span::styled(" Commands ", t.title_focused))
        .title_bottom(Span::styled(format!(" {} of {} · enter runs · esc closes ", shown.len(), all()), t.muted))
        .style(t.base);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return None;
    }
    let typed = palette.input.text();
    let prompt = Line::from(vec![Span::styled(" : ", t.header_accent), Span::styled(typed.clone(), t.text)]);
    frame.render_widget(Paragraph::new(prompt), Rect { height: 1, ..inner });
    let chars: Vec<char> = typed.chars().collect();
    let cursor_x = chars[..palette.input.cursor()].iter().collect::<String>().width() as u16;
    if inner.x + 3 + cursor_x < inner.right() {
        frame.set_cursor_position((inner.x + 3 + cursor_x, inner.y));
    }
    let list = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    let rows = list.height as usize;
    let selected = palette.selected.min(shown.len().saturating_sub(1));
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let width = list.width as usize;
    let lines: Vec<Line> = if shown.is_empty() {
        vec![Line::styled(" nothing matches: backspace, or esc to close", t.muted)]
    } else {
        shown
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, e)| entry_line(e, i == selected, arg.as_deref(), width, model, ctx))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), list);
    super::said::render(frame, area, model, ctx);
    Some((list, first, shown.len()))
}

fn all() -> usize {
    crate::domain::view::palette::entries().len()
}

fn entry_line<'a>(
    e: &Entry,
    selected: bool,
    arg: Option<&str>,
    width: usize,
    model: &Model,
    ctx: &RenderCtx,
) -> Line<'a> {
    let t = ctx.theme;
    let refusal = e.refusal(model.view.focus);
    let (name, keys) = match e.command {
        Command::Action(a) => {
            let keys = ctx.keymap.keys_for(a).iter().map(|k| k.to_string()).collect::<Vec<_>>().join(", ");
            (a.name().to_string(), keys)
        }
        Command::Notes(n) => {
            let arg = arg.filter(|a| !a.is_empty()).unwrap_or(n.arg);
            (format!("{} {arg}", n.name), format!("/{}", n.name))
        }
    };
    let help = match refusal {
        Some(why) if selected => why,
        _ => e.help(),
    };
    let style = if refusal.is_some() { t.muted } else { t.text };
    let marker = if selected { "▸ " } else { "  " };
    // Narrow, what it does outranks what it works on.
    let area_w = if width >= 90 { AREA_W } else { 0 };
    let help_w = width.saturating_sub(2 + NAME_W + KEYS_W + area_w);
    let line = Line::from(vec![
        Span::styled(marker, t.header_accent),
        Span::styled(fit(&name, NAME_W), style),
        Span::styled(fit(&keys, KEYS_W), t.footer_key),
        Span::styled(fit(e.area, area_w), t.muted),
        Span::styled(fit(help, help_w), if refusal.is_some() && selected { t.warn } else { style }),
    ]);
    if selected { line.patch_style(t.selected) } else { line }
}
