//! The timeline, newest at the bottom like a chat. Long lines wrap under
//! their text, not under the time.

use crate::domain::view::pane::Pane;
use crate::domain::{LogEntry, LogKind, Model};
use crate::ui::widgets::pane_block;
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

const TIME_W: usize = 9;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, view: &ViewState, focused: bool, ctx: &RenderCtx) {
    let mut parts = Vec::new();
    if model.log.filter != crate::domain::LogFilter::All {
        parts.push(model.log.filter.name().to_string());
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
        // The composer at the bottom: as tall as its text, up to four lines.
        let h = (view.composer.area.lines().len() as u16).clamp(1, 4) + 1;
        let h = h.min(inner.height - 2);
        let at = Rect { y: inner.bottom() - h, height: h, ..inner };
        inner.height -= h;
        let mut composer = view.composer.area.clone();
        let t = ctx.theme;
        composer.set_block(
            ratatui::widgets::Block::default()
                .borders(ratatui::widgets::Borders::TOP)
                .border_style(t.border_focused)
                .title(Span::styled(" enter sends · alt-enter new line · esc leaves · /help ", t.muted)),
        );
        composer.set_style(t.text);
        composer.set_cursor_line_style(Style::default());
        frame.render_widget(&composer, at);
    }
    let rows = inner.height as usize;
    let text_w = (inner.width as usize).saturating_sub(TIME_W).max(1);
    // Walk back from the newest shown entry until the pane is full.
    let mut lines: Vec<Line> = Vec::with_capacity(rows);
    for entry in model.visible_log().rev().skip(model.log.back) {
        let mut wrapped = entry_lines(entry, text_w, ctx);
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

fn entry_lines<'a>(e: &LogEntry, text_w: usize, ctx: &RenderCtx) -> Vec<Line<'a>> {
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
            let lead = if i == 0 { Span::styled(time.clone(), t.log_time) } else { Span::raw(" ".repeat(TIME_W)) };
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
