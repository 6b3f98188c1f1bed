//! Text broken into lines that fit, never cut where a line more would do.

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `line` broken at spaces into lines at most `width` columns wide, at most
/// `max` of them (the last cut with an ellipsis when there is more), the
/// lines after the first indented by `indent` columns. A separator
/// ("·") stays with the word after it, so no line ends in one; a word wider
/// than a line is broken where the line ends.
pub fn spans(line: Line<'static>, width: usize, max: usize, indent: usize) -> Vec<Line<'static>> {
    if width == 0 || max == 0 {
        return Vec::new();
    }
    let indent = if indent < width { indent } else { 0 };
    let room = width - indent;
    // Words keep the spaces before them (a break drops those), and their style.
    let mut words: Vec<Vec<Span<'static>>> = Vec::new();
    for span in line.spans {
        let mut word = String::new();
        for c in span.content.chars() {
            if c == ' ' && !word.trim().is_empty() {
                words.push(vec![Span::styled(std::mem::take(&mut word), span.style)]);
            }
            word.push(c);
        }
        if !word.is_empty() {
            words.push(vec![Span::styled(word, span.style)]);
        }
    }
    let unit_width = |u: &[Span]| u.iter().map(Span::width).sum::<usize>();
    let is_separator = |u: &[Span]| u.iter().map(|s| s.content.as_ref()).collect::<String>().trim() == "·";
    // (unit, whether it is a separator left on its own)
    let mut units: Vec<(Vec<Span<'static>>, bool)> = Vec::with_capacity(words.len());
    let mut words = words.into_iter().peekable();
    while let Some(mut unit) = words.next() {
        let separator = is_separator(&unit);
        let glued = separator && words.peek().is_some_and(|next| unit_width(&unit) + unit_width(next) <= room) && {
            unit.extend(words.next().into_iter().flatten());
            true
        };
        units.push((unit, separator && !glued));
    }

    let mut out: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    let mut cut = false;
    let widths: Vec<usize> = units.iter().map(|(u, _)| unit_width(u)).collect();
    'units: for (i, (mut unit, alone)) in units.into_iter().enumerate() {
        // Nothing but the indent yet: the word starts the line anyway.
        let started = used > if out.len() == 1 { 0 } else { indent };
        // A separator the next word cannot follow on this line would end
        // it, or start the next: the break separates instead.
        if alone && (!started || used + widths[i] + widths.get(i + 1).copied().unwrap_or(0) > width) {
            continue;
        }
        if used + unit_width(&unit) > width && started {
            if out.len() == max {
                cut = true;
                break;
            }
            out.push(vec![Span::raw(" ".repeat(indent))]);
            used = indent;
            if let Some(first) = unit.first_mut() {
                first.content = first.content.trim_start().to_string().into();
            }
        }
        for span in unit {
            let style = span.style;
            let mut rest: &str = &span.content;
            // Wider than what is left of the line: as much as fits, then on.
            while used + rest.width() > width {
                let mut take = 0;
                let mut w = 0;
                for c in rest.chars() {
                    let cw = c.width().unwrap_or(0);
                    if used + w + cw > width {
                        break;
                    }
                    take += c.len_utf8();
                    w += cw;
                }
                out.last_mut().expect("a line").push(Span::styled(rest[..take].to_string(), style));
                rest = &rest[take..];
                if out.len() == max {
                    cut = true;
                    break 'units;
                }
                out.push(vec![Span::raw(" ".repeat(indent))]);
                used = indent;
            }
            used += rest.width();
            out.last_mut().expect("a line").push(Span::styled(rest.to_string(), style));
        }
    }
    let mut lines: Vec<Line<'static>> = out.into_iter().map(Line::from).collect();
    if cut && let Some(last) = lines.last_mut() {
        // Room for the ellipsis: drop what the last column holds.
        let style = last.spans.last().map(|s| s.style).unwrap_or_default();
        let mut keep = width.saturating_sub(1);
        for s in &mut last.spans {
            let mut part = String::new();
            for c in s.content.chars() {
                let cw = c.width().unwrap_or(0);
                if cw > keep {
                    keep = 0;
                    break;
                }
                keep -= cw;
                part.push(c);
            }
            s.content = part.into();
        }
        last.spans.push(Span::styled("…", style));
    }
    lines
}

/// A dialog's lines, each wider than `width` broken at spaces, the lines
/// after its first indented one column past its own leading spaces: a
/// dialog says everything, however narrow the terminal.
pub fn fit(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let lead = text.chars().take_while(|c| *c == ' ').count();
        out.extend(spans(line, width, usize::MAX, lead + 1));
    }
    out
}

/// `line` on one line of `width` columns, cut with an ellipsis when it is
/// longer: for a row that has no room to wrap.
pub fn cut(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    let mut style = ratatui::style::Style::default();
    for span in line.spans {
        style = span.style;
        let mut part = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if w > left {
                left = 0;
                break;
            }
            left -= w;
            part.push(c);
        }
        spans.push(Span::styled(part, style));
        if left == 0 {
            break;
        }
    }
    if width > 0 {
        spans.push(Span::styled("…", style));
    }
    Line::from(spans)
}
