//! Repos & tags: per repository, two lines — branch head and what changed
//! since the previous push tag; then the next tag, where the tag exists,
//! the security fork and the last operation. A "Pushing:" block of compare
//! URLs closes the pane, as the push notes want it.

use crate::domain::repos::update::pushing_urls;
use crate::domain::repos::{RepoOp, RepoRow, RepoStatus, TagRemote, TagState};
use crate::domain::view::pane::Pane;
use crate::domain::{Model, Remote};
use crate::ui::widgets::{age, pane_block};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, view: &mut ViewState, focused: bool, ctx: &RenderCtx) {
    let t = ctx.theme;
    let busy = model.repos.rows.iter().filter(|r| r.op.is_some() || r.scanning).count();
    let extra = (busy > 0).then(|| format!("{busy} busy"));
    let block = pane_block(Pane::Repos.index() + 1, Pane::Repos.title(), extra, focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if model.repos.rows.is_empty() {
        let msg = Line::styled("no repositories configured", t.muted);
        frame.render_widget(Paragraph::new(msg).centered(), inner);
        return;
    }
    let height = inner.height as usize;
    // In the grid the pane is narrow: short words, the branch@sha left out.
    let compact = inner.width < 64;
    let mut lines: Vec<Line> = Vec::new();
    let selected = model.view.repo_selected.min(model.repos.rows.len() - 1);
    // Keep the selected repository's two lines visible.
    let per = 2;
    let fit_rows = (height / per).max(1);
    let first = selected.saturating_sub(fit_rows.saturating_sub(1));
    view.hits.list(Pane::Repos, inner, first, fit_rows.min(model.repos.rows.len() - first), per as u16);
    for (i, row) in model.repos.rows.iter().enumerate().skip(first).take(fit_rows) {
        let sel = i == selected;
        let (l1, l2) = repo_lines(row, sel && focused, compact, ctx);
        let (l1, l2) = if sel { (l1.patch_style(t.selected), l2.patch_style(t.selected)) } else { (l1, l2) };
        lines.push(l1);
        lines.push(l2);
    }
    // The URLs name their repository; a line without one says whose it is.
    let pushing: Vec<String> = pushing_urls(&model.repos)
        .into_iter()
        .map(|(repo, line)| if line.starts_with("no changes") { format!("{repo}: {line}") } else { line })
        .collect();
    if lines.len() + pushing.len() + 2 <= height && !pushing.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Pushing:", t.title));
        lines.extend(pushing.into_iter().map(|u| Line::styled(format!("  {u}"), t.text)));
    }
    let warnings: &[String] =
        model.repos.rows.get(selected).and_then(|r| r.status.value()).map_or(&[], |s| &s.warnings);
    let detail = model.repos.rows.get(selected).and_then(|r| r.last_result.as_ref());
    let bottom = warnings.len() + usize::from(detail.is_some());
    if bottom > 0 && lines.len() + bottom <= height {
        while lines.len() + bottom < height {
            lines.push(Line::default());
        }
        for w in warnings {
            lines.push(Line::from(vec![Span::styled(" ⚠ ", t.warn), Span::styled(w.clone(), t.warn)]));
        }
    }
    if let Some(row) = model.repos.rows.get(selected)
        && let Some((at, result)) = &row.last_result
        && lines.len() < height
    {
        while lines.len() < height - 1 {
            lines.push(Line::default());
        }
        let (text, style) = match result {
            Ok(s) => (s.clone(), t.ok),
            Err(e) => (e.clone(), t.error),
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {} · {} ago: ", row.spec.name, age(ctx.now - *at)), t.muted),
            Span::styled(text, style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn repo_lines<'a>(row: &RepoRow, marker: bool, compact: bool, ctx: &RenderCtx) -> (Line<'a>, Line<'a>) {
    let t = ctx.theme;
    let mark = if marker { "▸ " } else { "  " };
    let name = Span::styled(format!("{mark}{}", row.spec.name), t.text);
    let op = row.op.as_ref().map(|op| match op {
        RepoOp::Fetching => "fetching…".to_string(),
        RepoOp::Tagging(tag) => format!("tagging {tag}…"),
        RepoOp::Pushing(tag) => format!("pushing {tag}…"),
    });
    match &row.status {
        Remote::Idle | Remote::Loading => (
            Line::from(vec![name, Span::styled("  scanning…", t.unknown)]),
            Line::styled(format!("    {}", row.spec.path), t.muted),
        ),
        Remote::Failed { error, .. } => (
            Line::from(vec![
                name,
                Span::styled("  ✖ ", t.error),
                // The error names the repository for the log; here the row does.
                Span::styled(error.strip_prefix(&format!("{}: ", row.spec.name)).unwrap_or(error).to_string(), t.error),
            ]),
            Line::styled(format!("    {}", op.unwrap_or_else(|| row.spec.path.clone())), t.muted),
        ),
        Remote::Ready { value, .. } => {
            let mut l1 = vec![name];
            if !compact {
                let sha = crate::domain::rollout::probe::short_sha(&value.head.sha);
                l1.push(Span::styled(format!("  {}@{sha}", value.branch), t.muted));
            }
            match (&value.plan.previous, value.in_push, value.state()) {
                (Some((prev, _)), _, TagState::Unchanged) => {
                    l1.push(Span::styled(format!("  no changes since {prev}"), t.muted));
                }
                (Some((prev, _)), Some(n), state) => {
                    l1.push(Span::styled(format!("  +{n}"), if n > 0 { t.other } else { t.muted }));
                    let word = if state == TagState::Tagged && !compact { " in push since" } else { " since" };
                    l1.push(Span::styled(format!("{word} {prev}"), t.muted));
                }
                _ => l1.push(Span::styled("  no previous push tag", t.warn)),
            }
            // Work merged after tagging: worth knowing, not a reason to tag.
            // The narrow pane says it beside the tag, on the second line.
            if let Some(n) = value.beyond_target.filter(|n| *n > 0)
                && !compact
            {
                l1.push(Span::styled(format!(" · +{n} on {} not in this push", value.branch), t.muted));
            }
            if !value.warnings.is_empty() {
                l1.push(Span::styled(format!("  ⚠ {}", value.warnings.len()), t.warn));
            }
            (Line::from(l1), status_line(row, value, op, compact, ctx))
        }
    }
}

fn status_line<'a>(row: &RepoRow, s: &RepoStatus, op: Option<String>, compact: bool, ctx: &RenderCtx) -> Line<'a> {
    let t = ctx.theme;
    let mut spans = vec![Span::raw("    ")];
    if s.needs_tag() {
        spans.push(Span::styled("next ", t.muted));
        spans.push(Span::styled(s.plan.next.clone(), t.warn));
    } else if s.state() == TagState::Unchanged {
        spans.push(Span::styled("✓ ", t.ok));
        spans.push(Span::styled(if compact { "nothing to tag" } else { "nothing to tag (no changes)" }, t.muted));
    } else {
        spans.push(Span::styled("✓ ", t.ok));
        spans.push(Span::styled(s.plan.target().to_string(), t.ok));
        if let Some(n) = s.beyond_target.filter(|n| *n > 0)
            && compact
        {
            spans.push(Span::styled(format!(" (+{n} after)"), t.muted));
        }
        let (glyph, style, word) = match row.tag_remote {
            Some(TagRemote::Pushed) => ("✓", t.ok, if compact { "pushed" } else { "on remote" }),
            Some(TagRemote::Absent) => ("✗", t.warn, if compact { "unpushed" } else { "not on remote" }),
            Some(TagRemote::Conflict { .. }) => {
                ("✖", t.error, if compact { "conflict" } else { "conflict: remote's tag is on another commit" })
            }
            None => ("·", t.unknown, if compact { "remote ?" } else { "remote not checked (f)" }),
        };
        spans.push(Span::styled(format!(" {glyph} {word}"), style));
    }
    match &s.security {
        None => {}
        Some(Ok(sec)) if sec.in_sync => {
            spans.push(Span::styled(if compact { " · sec ✓" } else { " · security ✓" }, t.ok))
        }
        Some(Ok(sec)) => {
            let mut parts = Vec::new();
            if sec.ahead > 0 {
                parts.push(format!("{} ahead", sec.ahead));
            }
            if sec.behind > 0 {
                parts.push(format!("{} behind", sec.behind));
            }
            let label = if compact { "sec" } else { "security" };
            spans.push(Span::styled(format!(" · {label} {}", parts.join(", ")), t.warn));
        }
        Some(Err(e)) => spans.push(Span::styled(format!(" · security ? {e}"), t.unknown)),
    }
    if let Some(op) = op {
        spans.push(Span::styled(format!(" · {op}"), t.log_event));
    } else if let Some(at) = s.fetched_at {
        let ago = if compact { "" } else { " ago" };
        spans.push(Span::styled(format!(" · fetched {}{ago}", age(ctx.now - at)), t.muted));
    } else {
        spans.push(Span::styled(" · never fetched", t.muted));
    }
    Line::from(spans)
}
