//! Services x environments: what runs where, against the target tag.

use crate::domain::rollout::{Cell, CellStatus, Progress, Target};
use crate::domain::{Heartbeat, Model, Pane, ProbeState, Remote};
use crate::ui::widgets::{age, fit, pane_block};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// Which parts of a cell fit in its column.
#[derive(Clone, Copy)]
struct CellLayout {
    width: usize,
    commit: bool,
    heartbeat: bool,
    age: bool,
}

impl CellLayout {
    fn for_width(width: usize) -> Self {
        CellLayout { width, commit: width >= 28, heartbeat: width >= 16, age: width >= 22 }
    }

    /// Columns left for the version text.
    fn text_width(&self) -> usize {
        let mut w = self.width.saturating_sub(4); // lead gap, glyph, space
        if self.commit {
            w = w.saturating_sub(8);
        }
        if self.heartbeat {
            w = w.saturating_sub(2);
        }
        if self.age {
            w = w.saturating_sub(4);
        }
        w
    }
}

pub fn render(frame: &mut Frame, area: Rect, model: &Model, view: &mut ViewState, focused: bool, ctx: &RenderCtx) {
    let t = ctx.theme;
    let ro = &model.rollout;
    let in_flight = ro.services.iter().flat_map(|s| s.cells.iter().flatten()).filter(|c| c.in_flight.is_some()).count();
    let extra = match ro.last_sweep {
        None => Some("not polled yet".to_string()),
        Some(_) if in_flight > 0 => {
            Some(format!("polling {in_flight} · every {}s", model.poll_interval.as_secs().max(1)))
        }
        Some(at) if (ctx.now - at).num_seconds() < 1 => Some("polled just now".to_string()),
        Some(at) => Some(format!("polled {} ago", age(ctx.now - at))),
    };
    let block = pane_block(Pane::Rollout.index() + 1, Pane::Rollout.title(), extra, focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if ro.services.is_empty() {
        let msg = Line::styled("no services configured", t.muted);
        frame.render_widget(Paragraph::new(msg).centered(), inner);
        return;
    }
    let width = inner.width as usize;
    let target = model.target();
    let mut lines: Vec<Line> = Vec::with_capacity(inner.height as usize);

    for (i, env) in ro.envs.iter().enumerate() {
        lines.push(progress_line(env, ro.progress(i), target, width, ctx));
    }

    let name_w = ro.services.iter().map(|s| s.name.width()).max().unwrap_or(8).clamp(8, 28).min(width / 3);
    let envs = ro.envs.len().max(1);
    let col_w = width.saturating_sub(name_w + 2) / envs;
    let layout = CellLayout::for_width(col_w);

    let mut head = vec![Span::styled(fit(" SERVICE", name_w + 2), t.muted)];
    for env in &ro.envs {
        let style = if is_prod(env) { t.env_prod } else { t.env };
        head.push(Span::styled(fit(&format!("  {}", env.to_uppercase()), col_w), style));
    }
    lines.push(Line::from(head));

    // The detail line under the table explains the selected row.
    let fixed = lines.len() + 1;
    let rows = (inner.height as usize).saturating_sub(fixed);
    let selected = model.selected.min(ro.services.len() - 1);
    if selected < view.rollout_offset {
        view.rollout_offset = selected;
    } else if rows > 0 && selected >= view.rollout_offset + rows {
        view.rollout_offset = selected + 1 - rows;
    }
    view.rollout_offset = view.rollout_offset.min(ro.services.len().saturating_sub(rows.max(1)));
    view.rollout_rows = rows;

    for (idx, row) in ro.services.iter().enumerate().skip(view.rollout_offset).take(rows) {
        let is_sel = idx == selected;
        let marker = if is_sel && focused { "▸ " } else { "  " };
        let mut spans = vec![Span::styled(format!("{marker}{}", fit(&row.name, name_w)), t.text)];
        for cell in &row.cells {
            spans.extend(cell_spans(cell.as_ref(), &row.target, layout, ctx));
        }
        let mut line = Line::from(spans);
        if is_sel {
            line = line.patch_style(t.selected);
        }
        lines.push(line);
    }
    while lines.len() < inner.height as usize - 1 {
        lines.push(Line::default());
    }
    lines.push(detail_line(model, selected, ctx));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn is_prod(env: &str) -> bool {
    let e = env.to_ascii_lowercase();
    e.contains("prod") || e == "production" || e == "live"
}

fn progress_line<'a>(env: &str, p: Progress, target: &str, width: usize, ctx: &RenderCtx) -> Line<'a> {
    let t = ctx.theme;
    let label = fit(&format!(" {env}"), 9);
    let counts = format!(" {}/{} on {target}", p.on_target, p.total);
    let errors = if p.errors > 0 { format!(" · {} failing", p.errors) } else { String::new() };
    let bar_w = width.saturating_sub(label.width() + counts.width() + errors.width() + 1).min(30);
    let done = (bar_w * p.on_target).checked_div(p.total).unwrap_or(0);
    let style = if is_prod(env) { t.env_prod } else { t.env };
    let count_style = if p.total > 0 && p.on_target == p.total { t.ok } else { t.text };
    Line::from(vec![
        Span::styled(label, style),
        Span::styled("█".repeat(done), t.gauge_done),
        Span::styled("░".repeat(bar_w - done), t.gauge_todo),
        Span::styled(counts, count_style),
        Span::styled(errors, t.error),
    ])
}

pub fn glyph(status: CellStatus, cell: &Cell) -> &'static str {
    status.glyph(matches!(cell.state, Remote::Loading))
}

pub fn status_style(status: CellStatus, ctx: &RenderCtx) -> Style {
    let t = ctx.theme;
    match status {
        CellStatus::OnTarget => t.ok,
        CellStatus::OtherVersion => t.other,
        CellStatus::Mixed => t.warn,
        CellStatus::Error => t.error,
        CellStatus::Unknown => t.unknown,
    }
}

fn failure_label(state: ProbeState, message: &str) -> String {
    match state {
        ProbeState::HttpError => message.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
        ProbeState::NoEndpoint => "404 no endpoint".into(),
        other => other.as_str().replace('_', " "),
    }
}

fn cell_spans<'a>(cell: Option<&Cell>, target: &Target, layout: CellLayout, ctx: &RenderCtx) -> Vec<Span<'a>> {
    let t = ctx.theme;
    let Some(cell) = cell else {
        return vec![Span::styled(fit("  —", layout.width), t.unknown)];
    };
    let status = cell.status(target);
    let style = status_style(status, ctx);
    let (text, commit) = match &cell.state {
        // The two versions are spelled out in the detail line.
        _ if cell.mixed.is_some() => ("mixed versions".to_string(), None),
        Remote::Ready { value, .. } => {
            let v = value.info.version.clone().filter(|v| !v.is_empty());
            let c = value.info.short_commit().map(str::to_string);
            match v {
                Some(v) => (v, c),
                None => (c.clone().unwrap_or_else(|| "no version".into()), None),
            }
        }
        Remote::Failed { error, .. } => (failure_label(error.state, &error.message), None),
        Remote::Loading => ("polling…".into(), None),
        Remote::Idle => ("".into(), None),
    };
    let mut spans = vec![
        Span::raw("  "),
        Span::styled(glyph(status, cell), style),
        Span::raw(" "),
        Span::styled(fit(&text, layout.text_width()), style),
    ];
    if layout.commit {
        spans.push(Span::styled(format!(" {}", fit(commit.as_deref().unwrap_or(""), 7)), t.muted));
    }
    if layout.heartbeat {
        let (g, s) = match cell.heartbeat {
            Heartbeat::Ok => ("♥", t.ok),
            Heartbeat::Warning => ("!", t.warn),
            Heartbeat::Error => ("✗", t.error),
            Heartbeat::Unknown => ("·", t.unknown),
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(g, s));
    }
    if layout.age {
        let a = cell.state.at().map(|at| age(ctx.now - at)).unwrap_or_default();
        spans.push(Span::styled(format!(" {a:>3}"), t.muted));
    }
    spans
}

/// What the selected service runs, or why it failed, with the URL asked.
fn detail_line<'a>(model: &Model, selected: usize, ctx: &RenderCtx) -> Line<'a> {
    let t = ctx.theme;
    let ro = &model.rollout;
    let Some(row) = ro.services.get(selected) else { return Line::default() };
    // The most interesting cell: a failure first, then anything off target.
    let pick =
        row.cells.iter().enumerate().filter_map(|(i, c)| c.as_ref().map(|c| (i, c))).max_by_key(|(_, c)| {
            match c.status(&row.target) {
                CellStatus::Error => 4,
                CellStatus::Mixed => 3,
                CellStatus::OtherVersion => 2,
                CellStatus::Unknown => 1,
                CellStatus::OnTarget => 0,
            }
        });
    let Some((env, cell)) = pick else { return Line::default() };
    let env = &ro.envs[env];
    let mut spans = vec![Span::styled(format!(" {} · {env}: ", row.name), t.muted)];
    match &cell.state {
        _ if cell.mixed.is_some() => {
            let (a, b) = cell.mixed.as_ref().expect("checked");
            spans.push(Span::styled(format!("serves {a} and {b} alternately (load balancer mid-rollout?)"), t.warn));
        }
        Remote::Failed { error, .. } => {
            spans.push(Span::styled(error.message.clone(), t.error));
            if let Some((info, at)) = &cell.last_ok {
                spans.push(Span::styled(format!(" · last seen {} {} ago", info.label(), age(ctx.now - *at)), t.muted));
            }
        }
        Remote::Ready { value, .. } => {
            spans.push(Span::styled(value.info.label(), t.text));
            if let Some(ms) = value.latency_ms {
                spans.push(Span::styled(format!(" · {ms} ms"), t.muted));
            }
        }
        Remote::Loading | Remote::Idle => spans.push(Span::styled("waiting for the first answer", t.muted)),
    }
    if cell.heartbeat == Heartbeat::Warning || cell.heartbeat == Heartbeat::Error {
        spans.push(Span::styled(format!(" · heartbeat {}", cell.heartbeat.as_str()), t.warn));
    }
    spans.push(Span::styled(format!(" · {}", cell.endpoint.version_url), t.muted));
    Line::from(spans)
}
