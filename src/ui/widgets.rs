//! Small shared pieces: fitting text to cells, ages and spans of time, pane frames.

use super::RenderCtx;
use chrono::Duration;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `s` cut or padded to exactly `width` columns (an ellipsis marks a cut).
pub fn fit(s: &str, width: usize) -> String {
    let w = s.width();
    if w <= width {
        let mut out = String::with_capacity(s.len() + width - w);
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', width - w));
        return out;
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > width - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    used += 1;
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// What starts the selected row of every list; other rows start with as
/// many spaces.
pub const MARK: &str = "▸";

/// The selection's marker, or the blank in its place.
pub fn mark(selected: bool) -> &'static str {
    if selected { MARK } else { " " }
}

/// The selected row's style. In the focused list it is also reversed, so
/// it shows where colours do not (`NO_COLOR`, a monochrome terminal); the
/// marker shows it everywhere.
pub fn selected_style(ctx: &RenderCtx, focused: bool) -> Style {
    if focused { ctx.theme.selected.add_modifier(Modifier::REVERSED) } else { ctx.theme.selected }
}

/// "now", "12s", "4m", "3h", "2d": how old data is.
pub fn age(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0 => "now".into(),
        1..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// "2d 03h", "1h 52m", "4m 10s", "12s": a countdown.
pub fn span(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let (days, hours, mins, secs) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    if days > 0 {
        format!("{days}d {hours:02}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else if mins > 0 {
        format!("{mins}m {secs:02}s")
    } else {
        format!("{secs}s")
    }
}

/// The frame of a pane: numbered title, focus shown by border and title style.
pub fn pane_block<'a>(
    number: usize,
    title: &'a str,
    extra: Option<String>,
    focused: bool,
    ctx: &RenderCtx,
) -> Block<'a> {
    let t = ctx.theme;
    // Overlays (number 0) have no focus key.
    let number = if number == 0 { String::from(" ") } else { format!(" {number} ") };
    let mut spans = vec![
        Span::styled(number, if focused { t.title_focused } else { t.muted }),
        Span::styled(format!("{title} "), if focused { t.title_focused } else { t.title }),
    ];
    if let Some(extra) = extra {
        spans.push(Span::styled(format!("· {extra} "), t.muted));
    }
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Rounded })
        .border_style(if focused { t.border_focused } else { t.border })
        .title(Line::from(spans))
}

/// A modal dialog: cleared beneath, a thick warning-coloured frame, a title.
pub fn dialog(frame: &mut ratatui::Frame, area: Rect, title: &str, lines: Vec<Line>, ctx: &RenderCtx) {
    let t = ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(t.warn)
        .title(Span::styled(title.to_string(), t.title_focused))
        .style(t.base);
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines).block(block), area);
}

/// A rectangle centred in `area`, clamped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語", 4), "日… ");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn ages_and_spans() {
        assert_eq!(age(Duration::seconds(0)), "now");
        assert_eq!(age(Duration::seconds(42)), "42s");
        assert_eq!(age(Duration::seconds(300)), "5m");
        assert_eq!(span(Duration::seconds(2 * 86_400 + 3 * 3600)), "2d 03h");
        assert_eq!(span(Duration::seconds(3600 + 52 * 60)), "1h 52m");
        assert_eq!(span(Duration::seconds(250)), "4m 10s");
    }
}
