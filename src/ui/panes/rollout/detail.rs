//! The lines under the table: the selected service's most notable cell,
//! wrapped into the room the rows leave.

use super::cells::*;
use crate::domain::kernel::redact;
use crate::domain::rollout::{Cell, CellStatus, Target};
use crate::domain::{Heartbeat, Model, Remote};
use crate::ui::RenderCtx;
use crate::ui::widgets::age;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Lines the detail under the table may take when the rows leave room.
pub(super) const DETAIL_MAX: usize = 3;

/// `line` broken at spaces into lines at most `width` columns wide, at most
/// `max` of them (the last cut with an ellipsis when there is more), the
/// lines after the first indented by a column as the first is. A separator
/// ("·") stays with the word after it, so no line ends in one; a word wider
/// than a line is broken where the line ends.
pub(super) fn wrap(line: Line<'static>, width: usize, max: usize) -> Vec<Line<'static>> {
    if width == 0 || max == 0 {
        return Vec::new();
    }
    let indent = usize::from(width > 1);
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

/// How much a cell needs explaining in the detail line; higher wins.
pub(super) fn interest(cell: &Cell, target: &Target) -> (u8, u8, bool) {
    let status = match cell.status(target) {
        CellStatus::Error => 6,
        CellStatus::Mixed => 5,
        CellStatus::OtherVersion => 2,
        CellStatus::Unknown => 1,
        CellStatus::OnTarget => 0,
    };
    let heartbeat = match cell.heartbeat {
        Heartbeat::Error => 4,
        Heartbeat::Warning => 3,
        Heartbeat::Unknown if heartbeat_unexplained(cell) => 3,
        Heartbeat::Ok | Heartbeat::Unknown => 0,
    };
    // Between cells otherwise alike, a followed redirect is what the line
    // has to tell.
    (status.max(heartbeat), status.min(heartbeat), cell.final_url.is_some())
}

pub(super) fn is_prod(env: &str) -> bool {
    let e = env.to_ascii_lowercase();
    e.contains("prod") || e == "production" || e == "live"
}

/// What the selected service runs, or why it failed, with the URL asked.
pub(super) fn detail_line<'a>(model: &Model, selected: usize, ctx: &RenderCtx) -> Line<'a> {
    let t = ctx.theme;
    let ro = &model.rollout;
    let Some(row) = ro.services.get(selected) else { return Line::default() };
    // The most interesting cell: a failure first, then a mixed fleet, then a
    // heartbeat in trouble (so a `!` on an on-target cell is explained), then
    // anything off target.
    let pick = row
        .cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.as_ref().map(|c| (i, c)))
        .max_by_key(|(_, c)| interest(c, &row.target));
    let Some((env, cell)) = pick else { return Line::default() };
    let env = &ro.envs[env];
    let mut spans = vec![Span::styled(format!(" {} · {env}: ", row.name), t.muted)];
    match (&cell.state, &cell.mixed) {
        (Remote::Ready { .. }, Some((a, b))) => {
            spans.push(Span::styled(format!("serves {a} and {b} alternately (load balancer mid-rollout?)"), t.warn));
        }
        (Remote::Failed { error, .. }, _) => {
            spans.push(Span::styled(error.message.clone(), t.error));
            if let Some((info, at)) = &cell.last_ok {
                spans.push(Span::styled(format!(" · last seen {} {} ago", info.label(), age(ctx.now - *at)), t.muted));
            }
        }
        (Remote::Ready { value, .. }, None) => {
            spans.push(Span::styled(value.info.label(), t.text));
            if let Some(ms) = value.latency_ms {
                spans.push(Span::styled(format!(" · {ms} ms"), t.muted));
            }
        }
        (Remote::Loading | Remote::Idle, _) => spans.push(Span::styled("waiting for the first answer", t.muted)),
    }
    // What the heartbeat names (a warning's checks, or why none was read).
    let heartbeat = match cell.heartbeat {
        Heartbeat::Warning | Heartbeat::Error => {
            Some(cell.heartbeat_detail.clone().unwrap_or_else(|| format!("heartbeat {}", cell.heartbeat.as_str())))
        }
        Heartbeat::Unknown if heartbeat_unexplained(cell) => cell.heartbeat_detail.clone(),
        Heartbeat::Ok | Heartbeat::Unknown => None,
    };
    if let Some(h) = heartbeat {
        let style = if cell.heartbeat == Heartbeat::Error { t.error } else { t.warn };
        spans.push(Span::styled(format!(" · {h}"), style));
    }
    // The model keeps the configured URL for the request; the screen never
    // shows a password in it.
    spans.push(Span::styled(format!(" · {}", redact::url(&cell.endpoint.version_url)), t.muted));
    if let Some(to) = &cell.final_url {
        // The configured URL is out of date: said in the text colour, so it
        // reads as news rather than as the muted address beside it.
        spans.push(Span::styled(format!(" redirected to {}", redact::url(to)), t.text));
    }
    Line::from(spans)
}
