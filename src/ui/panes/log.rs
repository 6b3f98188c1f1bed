//! The timeline, newest at the bottom like a chat. Long lines wrap under
//! their text, not under the time.

use crate::domain::view::pane::Pane;
use crate::domain::{LogEntry, LogKind, Model};
use crate::ui::widgets::{mark, pane_block, selected_style};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The selection's mark and "12:04:31 ".
const TIME_W: usize = 10;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, view: &ViewState, focused: bool, ctx: &RenderCtx) {
    let mut parts = Vec::new();
    if model.log.filter != crate::domain::LogFilter::All {
        parts.push(format!("{} only", model.log.filter.name()));
    }
    if let Some(q) = &model.log.search {
        parts.push(format!("/{q}"));
    }
    // Scrolled back: new lines wait below, counted, instead of jumping.
    if model.log.new > 0 && model.log.back > 0 {
        parts.push(format!("↓ {} new", model.log.new.min(model.log.back)));
    } else if model.log.back > 0 {
        parts.push(format!("↓ {} below", model.log.back));
    }
    let extra = (!parts.is_empty()).then(|| parts.join(" · "));
    let mut block = pane_block(Pane::Log.index() + 1, Pane::Log.title(), extra, focused, ctx);
    // Who is in a shared push sits under the chat they are part of.
    if let Some(people) = crate::ui::people::line(model, ctx, usize::from(area.width.saturating_sub(4))) {
        block = block.title_bottom(people.right_aligned());
    }
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if model.view.composing() && inner.height >= 4 {
        let h = composer(frame, inner, view, ctx);
        inner.height -= h;
    }
    let rows = inner.height as usize;
    let text_w = (inner.width as usize).saturating_sub(TIME_W).max(1);
    // The selected line: the newest shown, or the one scrolled back to. It
    // is marked while someone looks at it (focused, or scrolled back).
    let marked = focused || model.log.back > 0;
    // Walk back from the newest shown entry until the pane is full.
    let mut lines: Vec<Line> = Vec::with_capacity(rows);
    for (n, entry) in model.visible_log().rev().skip(model.log.back).enumerate() {
        let selected = marked && n == 0;
        let mut wrapped = entry_lines(entry, text_w, selected, ctx);
        if selected {
            wrapped = wrapped.into_iter().map(|l| l.patch_style(selected_style(ctx, focused))).collect();
        }
        while let Some(l) = wrapped.pop() {
            if lines.len() == rows {
                break;
            }
            lines.push(l);
        }
        if lines.len() == rows {
            break;
        }
    }
    lines.reverse();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What the composer's frame says, most needed first; the hints that do
/// not fit whole are left out, never cut (the footer lists them all).
const COMPOSER_HINTS: [&str; 4] = ["enter sends", "esc leaves", "alt-enter new line", "/help"];

/// The composer at the bottom of `area`: as tall as its text wrapped to the
/// pane's width, up to six lines. Returns the rows it took.
fn composer(frame: &mut Frame, area: Rect, view: &ViewState, ctx: &RenderCtx) -> u16 {
    let t = ctx.theme;
    let width = area.width as usize;
    let rows: usize = view.composer.area.lines().iter().map(|l| wrap(l, width.max(1)).len()).sum();
    let h = (rows.clamp(1, COMPOSER_MAX) as u16 + 1).min(area.height - 2);
    let at = Rect { y: area.bottom() - h, height: h, ..area };
    let mut hint = String::from(" ");
    for part in COMPOSER_HINTS {
        let sep = if hint.len() > 1 { " · " } else { "" };
        if hint.width() + sep.width() + part.width() + 1 > width {
            break;
        }
        hint.push_str(sep);
        hint.push_str(part);
    }
    hint.push(' ');
    let mut composer = view.composer.area.clone();
    composer.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    composer.set_block(
        ratatui::widgets::Block::default()
            .borders(ratatui::widgets::Borders::TOP)
            .border_style(t.border_focused)
            .title(Span::styled(hint, t.muted)),
    );
    composer.set_style(t.text);
    composer.set_cursor_line_style(Style::default());
    frame.render_widget(&composer, at);
    h
}

/// Rows the composer grows to before its text scrolls.
const COMPOSER_MAX: usize = 6;

fn entry_lines<'a>(e: &LogEntry, text_w: usize, selected: bool, ctx: &RenderCtx) -> Vec<Line<'a>> {
    let t = ctx.theme;
    let style: Style = match e.kind {
        LogKind::System => t.log_system,
        LogKind::Version | LogKind::Git => t.log_event,
        LogKind::Error => t.error,
        LogKind::Chat => t.text,
        LogKind::Mixed | LogKind::Heartbeat => t.warn,
    };
    // Taken back: struck through, and said in words for terminals that
    // draw no strike.
    let (style, text) = match e.retracted {
        true => (style.add_modifier(ratatui::style::Modifier::CROSSED_OUT), format!("{} (taken back)", e.text)),
        false => (style, e.text.clone()),
    };
    let time = e.at.with_timezone(&ctx.tz).format("%H:%M:%S ").to_string();
    // Lines written with alt-enter stay lines.
    text.split('\n')
        .flat_map(|l| wrap(l, text_w))
        .collect::<Vec<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let lead = if i == 0 {
                Span::styled(format!("{}{time}", mark(selected)), t.log_time)
            } else {
                Span::raw(" ".repeat(TIME_W))
            };
            Line::from(vec![lead, Span::styled(chunk, style)])
        })
        .collect()
}

/// Breaks at spaces where it can, mid-word where it must, by display width.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let ww: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        let sep = usize::from(!line.is_empty());
        if used + sep + ww <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += sep + ww;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_on_words_and_long_words() {
        assert_eq!(wrap("prod · svc a -> b", 8), vec!["prod ·", "svc a ->", "b"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }
}
