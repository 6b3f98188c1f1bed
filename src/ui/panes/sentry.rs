//! Sentry: per project, a verdict (`✓ calm`, `▲ elevated`, `✖ SPIKE`) with
//! the count since the push against its baseline, a sparkline of errors per
//! 5 minutes with the push start (`▲`) and prod version changes (`◆`) marked
//! beneath it, the error issues first seen since the push and the ones that
//! came back (`↺ regressed`); on the last line, which Sentry endpoint gave
//! the numbers. Errors (a rejected token, a project out of reach, a rate
//! limit) say what happened and when the next try is.

use crate::domain::Model;
use crate::domain::sentry::analysis::{Analysis, Verdict};
use crate::domain::sentry::report::{analyses, push_start};
use crate::domain::sentry::{NewIssue, ProjectState, SentryError, SentryState, StatsEndpoint};
use crate::domain::view::pane::Pane;
use crate::ui::widgets::{age, fit, pane_block};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Wrap};
use unicode_width::UnicodeWidthStr;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    s: &SentryState,
    view: &mut ViewState,
    focused: bool,
    ctx: &RenderCtx,
) {
    let t = ctx.theme;
    let extra = match s.rate {
        Some(r) if r.remaining.is_some() && r.limit.is_some() => {
            format!("{}/{} calls left", r.remaining.unwrap_or(0), r.limit.unwrap_or(0))
        }
        _ => s.spec.environment.clone().unwrap_or_else(|| s.spec.org.clone()),
    };
    let block = pane_block(Pane::Sentry.index() + 1, Pane::Sentry.title(), Some(extra), focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 8 || inner.height == 0 {
        return;
    }
    let push = push_start(model);
    let all = analyses(model);
    let width = inner.width as usize;
    // Per project: a verdict line and a sparkline, a marker line when there
    // is room, then its new issues.
    let roomy = inner.height as usize >= s.projects.len() * 4;
    let mut y = inner.y;
    let bottom = inner.bottom();
    let mut issue_no = 0; // counted as `view::link::sentry_issues` lists them, for the selection
    for (p, analysis) in s.projects.iter().zip(all) {
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
        // New issues, then the ones that came back, marked `↺`.
        let listed: Vec<(&NewIssue, bool)> =
            data.issues.iter().map(|i| (i, false)).chain(data.regressions.iter().map(|i| (i, true))).collect();
        let room = (bottom - y) as usize;
        let mut issue_lines = if model.view.zoomed { room } else { room.min(3) };
        if listed.len() > issue_lines && issue_lines == room {
            // Keep the last line for the "more" note.
            issue_lines = issue_lines.saturating_sub(1);
        }
        for (n, (i, regressed)) in listed.iter().take(issue_lines).enumerate() {
            let line = issue_line(i, *regressed, width, model.view.zoomed, ctx);
            let chosen = focused && issue_no + n == model.view.sentry_selected;
            view.hits.list(Pane::Sentry, Rect { y, height: 1, ..inner }, issue_no + n, 1, 1);
            frame.render_widget(
                Paragraph::new(if chosen { line.patch_style(t.selected) } else { line }),
                Rect { y, height: 1, ..inner },
            );
            y += 1;
        }
        issue_no += listed.len();
        if listed.len() > issue_lines && y < bottom {
            let more = format!(" +{} more (zoom)", listed.len() - issue_lines);
            frame.render_widget(
                Paragraph::new(Line::styled(fit(&more, width), t.muted)),
                Rect { y, height: 1, ..inner },
            );
            y += 1;
        }
    }
    // Which Sentry endpoint gave the numbers, on the last line if it is free.
    if let Some(endpoint) = s.endpoint()
        && y < bottom
    {
        let texts = match endpoint {
            StatsEndpoint::Timeseries => [" via events-timeseries", " via timeseries"],
            StatsEndpoint::EventsStats => [" via events-stats (no events-timeseries here)", " via events-stats"],
        };
        let text = texts.iter().find(|t| t.width() <= width).unwrap_or(&texts[1]);
        frame.render_widget(
            Paragraph::new(Line::styled(fit(text, width), t.muted)),
            Rect { y: bottom - 1, height: 1, ..inner },
        );
    }
}

/// One issue: its id and level (in words where there is room, in colour
/// always), `↺ regressed` for one that came back, its count and title; the
/// link when zoomed wide.
fn issue_line<'a>(i: &NewIssue, regressed: bool, width: usize, zoomed: bool, ctx: &RenderCtx<'a>) -> Line<'a> {
    let t = ctx.theme;
    let level_style = if i.level == "fatal" || i.level == "error" { t.error } else { t.warn };
    // A regression's mark leads, so it shows however narrow the pane.
    let mark = if regressed { " ↺" } else { "" };
    let word = match (regressed, width >= 60) {
        (true, true) => "regressed ".to_string(),
        (false, true) => format!("{} ", i.level),
        (_, false) => String::new(),
    };
    let head = format!(" {} ", i.short_id);
    let count = format!("×{} ", i.count);
    let spans_head = [
        Span::styled(mark, t.warn),
        Span::styled(head.clone(), level_style),
        Span::styled(word.clone(), if regressed { t.warn } else { level_style }),
        Span::styled(count.clone(), t.muted),
    ];
    let mut spans = spans_head.to_vec();
    let used = mark.width() + head.width() + word.width() + count.width();
    let link = if zoomed && width > 100 { format!("  {}", i.permalink) } else { String::new() };
    let title_w = width.saturating_sub(used + link.width());
    spans.push(Span::styled(fit(&i.title, title_w), t.text));
    spans.push(Span::styled(link, t.muted));
    Line::from(spans)
}

fn verdict_line<'a>(p: &ProjectState, a: Option<&Analysis>, width: usize, ctx: &RenderCtx<'a>) -> Line<'a> {
    let t = ctx.theme;
    // The verdict first; the numbers and the age only where they fit. The
    // slug gives way before the verdict does.
    let mut tail: Vec<Span> = Vec::new();
    let mut extras = Vec::new();
    match a {
        Some(a) => {
            let style = verdict_style(Some(a.verdict), ctx);
            let word = match a.verdict {
                Verdict::Calm => " ✓ calm",
                Verdict::Elevated => " ▲ elevated",
                Verdict::Spike => " ✖ SPIKE",
            };
            tail.push(Span::styled(word, style));
            // The ratio goes before the slug is cut below six columns.
            let ratio = a.ratio.map(|r| format!(" {r:.1}×")).unwrap_or_default();
            if 6 + word.width() + ratio.width() <= width || p.spec.slug.width() + word.width() + ratio.width() <= width
            {
                tail.push(Span::styled(ratio, style));
            }
        }
        None if p.error.is_none() => tail.push(Span::styled(" loading…", t.muted)),
        None => {}
    }
    let w = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let slug_w = p.spec.slug.width().min(width.saturating_sub(w(&tail)).max(6));
    if let Some(a) = a {
        extras.push(Span::styled(format!(" {} since push vs {}", a.since_push, a.baseline), t.muted));
        // Both baselines, where there is room: which one set the bar.
        let week = a.week_ago.map(|w| format!(", a week ago {w}")).unwrap_or_default();
        extras.push(Span::styled(format!(" (before {}{week})", a.before), t.muted));
    }
    if let Some((_, at)) = &p.data {
        extras.push(Span::styled(format!(" · {}", age(ctx.now - *at)), t.muted));
    }
    let mut spans = vec![Span::styled(fit(&p.spec.slug, slug_w), t.title)];
    spans.extend(tail);
    for e in extras {
        if w(&spans) + e.content.width() <= width {
            spans.push(e);
        }
    }
    Line::from(spans)
}

fn verdict_style(v: Option<Verdict>, ctx: &RenderCtx) -> Style {
    let t = ctx.theme;
    match v {
        Some(Verdict::Calm) => t.ok,
        Some(Verdict::Elevated) => t.warn,
        Some(Verdict::Spike) => t.error,
        None => t.muted,
    }
}

fn error_text(e: &SentryError, ctx: &RenderCtx) -> String {
    match e {
        // Local time, as the rest of the screen.
        SentryError::RateLimited { until: Some(u) } => {
            format!("rate limited until {}", u.with_timezone(&ctx.tz).format("%H:%M:%S"))
        }
        other => other.to_string(),
    }
}

fn retry(due: chrono::DateTime<chrono::Utc>, ctx: &RenderCtx) -> String {
    let left = due - ctx.now;
    if left.num_seconds() <= 0 { " · retrying".into() } else { format!(" · retry in {}", age(left)) }
}
