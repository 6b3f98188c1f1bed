//! Sentry: per project, a verdict (`✓ calm`, `▲ elevated`, `✖ SPIKE`) with
//! the count since the push against its baseline, a sparkline of errors per
//! 5 minutes with the push start (`▲`) and prod version changes (`◆`) marked
//! beneath it, the error issues first seen since the push and the ones that
//! came back (`↺ regressed`); on the last line, which Sentry endpoint gave
//! the numbers. Errors (a rejected token, a project out of reach, a rate
//! limit) say what happened and when the next try is.

use crate::domain::Model;
use crate::domain::sentry::report::{analyses, push_start};
use crate::domain::sentry::{NewIssue, SentryState, StatsEndpoint};
use crate::domain::view::filter;
use crate::domain::view::pane::Pane;
use crate::ui::RenderCtx;
use crate::ui::widgets::{fit, pane_block, selected_style};
use crate::ui::wrap;
use lines::*;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};
use unicode_width::UnicodeWidthStr;

mod lines;

/// Where an issue's wrapped title goes on, under its id.
const ISSUE_INDENT: usize = 4;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    s: &SentryState,
    view: &mut crate::ui::ViewState,
    focused: bool,
    ctx: &RenderCtx,
) {
    let t = ctx.theme;
    let all = analyses(model);
    // What people look for: the projects' verdicts. The API budget is for
    // the foot line.
    let filtered = filter::get(model, Pane::Sentry);
    // Room in the top border beside "─ 4 Sentry · ", the filter and the corner.
    let taken = Pane::Sentry.title().width() + 9 + filtered.map_or(0, |f| f.width() + 4);
    let room = (area.width as usize).saturating_sub(taken);
    let mut extra = summary(&s.projects, &all, room)
        .unwrap_or_else(|| s.spec.environment.clone().unwrap_or_else(|| s.spec.org.clone()));
    if let Some(f) = filtered {
        extra = format!("/{f} · {extra}");
    }
    let block = pane_block(Pane::Sentry.index() + 1, Pane::Sentry.title(), Some(extra), focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 8 || inner.height == 0 {
        return;
    }
    let issues = filter::issues(model);
    let kept = filter::shown(model, Pane::Sentry).unwrap_or_default();
    let selected = model.view.sentry_selected;
    let push = push_start(model);
    let width = inner.width as usize;
    // Per project: a verdict line and a sparkline, a marker line when there
    // is room, then its new issues.
    let roomy = inner.height as usize >= s.projects.len() * 4;
    let mut y = inner.y;
    let bottom = inner.bottom();
    for (pi, (p, analysis)) in s.projects.iter().zip(all).enumerate() {
        if y >= bottom {
            break;
        }
        let line = verdict_line(p, analysis.as_ref(), width, ctx);
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
        y += 1;
        if let Some((err, _)) = &p.error
            && y < bottom
        {
            let when = p.next_due.map(|d| retry(d, ctx)).unwrap_or_default();
            let text = format!(" {}{when}", error_text(err, ctx));
            // Whole when zoomed (three lines at most), one line in the grid.
            let lines = if model.view.zoomed { text.width().div_ceil(width.max(1)).clamp(1, 3) as u16 } else { 1 };
            let height = lines.min(bottom - y);
            let para = if height > 1 {
                Paragraph::new(Line::styled(text, t.error)).wrap(Wrap { trim: false })
            } else {
                Paragraph::new(Line::styled(fit(&text, width), t.error))
            };
            frame.render_widget(para, Rect { y, height, ..inner });
            y += height;
        }
        let Some((data, _)) = &p.data else { continue };
        if y >= bottom {
            break;
        }
        // The newest buckets that fit, one column each, the newest at the
        // right edge.
        let buckets: Vec<_> = data.series.iter().filter(|b| b.at <= ctx.now.timestamp()).collect();
        let shown = &buckets[buckets.len().saturating_sub(width)..];
        let values: Vec<u64> = shown.iter().map(|b| b.count.unwrap_or(0)).collect();
        let style = verdict_style(analysis.map(|a| a.verdict), ctx);
        let spark_h = if roomy && inner.height as usize >= s.projects.len() * 6 { 2 } else { 1 };
        let spark_h = spark_h.min(bottom - y);
        let offset = (width - shown.len()) as u16;
        let chart = Rect { x: inner.x + offset, y, width: inner.width - offset, height: spark_h };
        frame.render_widget(Sparkline::default().data(&values).style(style), chart);
        y += spark_h;
        if roomy && y < bottom {
            let mut marks = vec![' '; shown.len()];
            // Server numbers: no overflow whatever they are.
            let column =
                |at: i64| shown.iter().position(|b| at >= b.at && at < b.at.saturating_add(data.interval.max(1)));
            // The linked service's prod version changes, from the notes' record.
            let prod = crate::domain::checklist::prod_env(&model.rollout.envs);
            for (env, service, _, _, at) in &model.notes.changes {
                if Some(env) == prod
                    && p.spec.service.as_ref() == Some(service)
                    && let Some(c) = column(at.timestamp())
                {
                    marks[c] = '◆';
                }
            }
            if let Some(c) = column(push.timestamp()) {
                marks[c] = '▲';
            }
            let text: String = marks.into_iter().collect();
            let text = format!("{}{}", " ".repeat(offset as usize), text.trim_end());
            let label = format!(" push {}", push.with_timezone(&ctx.tz).format("%H:%M"));
            // The label after the marks where it fits, else before the chart.
            let spans = if text.width() + label.width() <= width {
                vec![Span::styled(text, t.header_accent), Span::styled(label, t.muted)]
            } else if label.width() < offset as usize {
                let rest = text[label.width()..].to_string();
                vec![Span::styled(label, t.muted), Span::styled(rest, t.header_accent)]
            } else {
                vec![Span::styled(text, t.header_accent)]
            };
            frame.render_widget(Paragraph::new(Line::from(spans)), Rect { y, height: 1, ..inner });
            y += 1;
        }
        // New issues, then the ones that came back, marked `↺`; the ones
        // the filter keeps; in the grid a few, around the selected one.
        let listed: Vec<(usize, &NewIssue, bool)> = issues
            .iter()
            .enumerate()
            .filter(|(n, (slug, _, _))| *slug == p.spec.slug && kept.contains(n))
            .map(|(n, (_, i, regressed))| (n, *i, *regressed))
            .collect();
        // The issues take the rows the projects after this one and the
        // foot line leave them.
        let room = (bottom - y) as usize;
        let later: usize = s.projects.len().saturating_sub(pi + 1) * if roomy { 4 } else { 2 };
        let foot = usize::from(s.endpoint().is_some()) * 2;
        let budget = if model.view.zoomed { room } else { room.saturating_sub(later + foot).max(room.min(1)) };
        let sel_at = listed.iter().position(|(n, _, _)| *n == selected);
        let first = sel_at.map_or(0, |at| (at + 1).saturating_sub(budget.max(1)));
        let link = model.view.zoomed && width > 100;
        let mut used = 0;
        let mut drawn = 0;
        for (n, issue, regressed) in listed.iter().skip(first) {
            let sel = *n == selected;
            // A title is not cut to nothing: it goes on under the id, the
            // selected one whole.
            let max = if sel || model.view.zoomed { 3 } else { 2 };
            let mut lines = wrap::spans(issue_line(issue, *regressed, sel, link, ctx), width, max, ISSUE_INDENT);
            let left = listed.len() - first - drawn;
            let keep_for_more = usize::from(left > 1);
            if used + lines.len() + keep_for_more > budget {
                if used + 1 + keep_for_more > budget {
                    break;
                }
                lines = vec![wrap::cut(issue_line(issue, *regressed, sel, link, ctx), width)];
            }
            if sel {
                lines = lines.into_iter().map(|l| l.patch_style(selected_style(ctx, focused))).collect();
            }
            for line in lines {
                view.hits.list(Pane::Sentry, Rect { y, height: 1, ..inner }, *n, 1, 1);
                frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
                y += 1;
                used += 1;
            }
            drawn += 1;
        }
        let hidden = listed.len() - drawn;
        if hidden > 0 && y < bottom {
            let more = format!(" +{hidden} more (zoom)");
            frame.render_widget(
                Paragraph::new(Line::styled(fit(&more, width), t.muted)),
                Rect { y, height: 1, ..inner },
            );
            y += 1;
        }
    }
    // Which Sentry endpoint gave the numbers, and how much of the API's
    // budget is left, on the last line if it is free.
    if let Some(endpoint) = s.endpoint()
        && y < bottom
    {
        let via = match endpoint {
            StatsEndpoint::Timeseries => " via events-timeseries",
            StatsEndpoint::EventsStats => " via events-stats (no events-timeseries here)",
        };
        let calls = match s.rate {
            Some(r) if r.remaining.is_some() && r.limit.is_some() => {
                format!(" · {}/{} API calls left", r.remaining.unwrap_or(0), r.limit.unwrap_or(0))
            }
            _ => String::new(),
        };
        let foot = wrap::spans(Line::styled(format!("{via}{calls}"), t.muted), width, (bottom - y) as usize, 1);
        let h = foot.len() as u16;
        frame.render_widget(Paragraph::new(foot), Rect { y: bottom - h, height: h, ..inner });
    }
}

/// The columns the pane's longest verdict and issue lines want, borders
/// included, up to a third of a wide screen's worth.
pub fn natural_width(model: &Model) -> u16 {
    // Not configured: the line saying so, wrapped.
    let Some(s) = &model.sentry else { return 20 };
    let slug = s.projects.iter().map(|p| p.spec.slug.width()).max().unwrap_or(10);
    let issue = |(_, i, _): &(&str, &NewIssue, bool)| i.short_id.width() + i.level.width() + i.title.width() + 12;
    let issues = filter::issues(model).iter().map(issue).max().unwrap_or(0);
    (2 + (slug + 32).max(issues)).min(64) as u16
}
