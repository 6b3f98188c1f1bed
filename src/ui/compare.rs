//! The compare view: commits in `to` but not in `from`, newest first, over
//! the body like a zoomed pane, a commit touching `[risk] paths` marked ⚠
//! with the risk's name. Only the visible rows are drawn, so a list of tens
//! of thousands scrolls like a short one.

use super::widgets::{fit, mark, pane_block, selected_style};
use super::{RenderCtx, ViewState};
use crate::domain::repos::risk::RiskyCommit;
use crate::domain::repos::{CompareView, ref_label};
use crate::domain::rollout::probe::short_sha;
use crate::domain::{Model, Remote};
use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn render(frame: &mut Frame, body: Rect, model: &Model, view_state: &mut ViewState, ctx: &RenderCtx) {
    let Some(view) = model.view.compare() else { return };
    let t = ctx.theme;
    let repo = model.repos.rows.get(view.repo);
    let name = repo.map_or("?", |r| r.spec.name.as_str());
    let to_label = ref_label(&view.to);
    let visible = view.visible();
    let count = match &view.commits {
        Remote::Ready { value, .. } => {
            let hidden = value.len() - visible.len();
            let merges = if view.show_merges {
                String::new()
            } else {
                format!(", {hidden} merge{} hidden", if hidden == 1 { "" } else { "s" })
            };
            Some(format!("{}{merges}", crate::domain::repos::commits(visible.len())))
        }
        _ => None,
    };
    let title = format!("Compare {name} {}...{}", view.from, view.to_title());
    let block = pane_block(0, &title, count, true, ctx);
    frame.render_widget(Clear, body);
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let mut lines = Vec::new();
    let url = repo.and_then(|r| r.compare_url(&view.from, &to_label));
    lines.push(Line::styled(url.unwrap_or_else(|| "(no web_url configured for this repository)".into()), t.log_event));
    match &view.commits {
        Remote::Idle | Remote::Loading => lines.push(Line::styled("loading commits…", t.unknown)),
        Remote::Failed { error, .. } => lines.push(Line::styled(error.clone(), t.error)),
        Remote::Ready { .. } if visible.is_empty() => lines.push(Line::styled("no commits in this range", t.muted)),
        Remote::Ready { .. } => {
            let risky = repo.and_then(|r| r.status.value()).filter(|s| same_range(s, view)).map(|s| &s.risky[..]);
            list(&mut lines, view, &visible, risky.unwrap_or_default(), inner, view_state, ctx)
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
    super::said::render(frame, body, model, ctx);
}

/// Whether the view lists the push's range, the one the scan flagged risky
/// commits in.
fn same_range(status: &crate::domain::repos::RepoStatus, view: &CompareView) -> bool {
    status.range().is_some_and(|r| r.from == view.from && r.to == view.to)
}

fn list<'a>(
    lines: &mut Vec<Line<'a>>,
    view: &CompareView,
    visible: &[&crate::domain::repos::CommitInfo],
    risky: &[RiskyCommit],
    inner: Rect,
    vs: &mut ViewState,
    ctx: &RenderCtx,
) {
    let t = ctx.theme;
    let rows = (inner.height as usize).saturating_sub(1).max(1);
    let sel = view.selected.min(visible.len() - 1);
    if sel < vs.compare_offset {
        vs.compare_offset = sel;
    } else if sel >= vs.compare_offset + rows {
        vs.compare_offset = sel + 1 - rows;
    }
    let author_w = 18;
    for (i, c) in visible.iter().enumerate().skip(vs.compare_offset).take(rows) {
        let date = DateTime::from_timestamp(c.time, 0)
            .map(|d| d.with_timezone(&ctx.tz).format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let mut line = Line::from(vec![
            Span::styled(format!("{} {} ", mark(i == sel), short_sha(&c.sha)), t.header_accent),
            Span::styled(format!("{date} "), t.muted),
            Span::styled(format!("{} ", fit(&c.author, author_w)), t.text),
        ]);
        if let Some(r) = risky.iter().find(|r| r.sha == c.sha) {
            line.spans.push(Span::styled(format!("⚠ {} ", r.risks.join(", ")), t.warn));
        }
        line.spans.push(Span::styled(c.summary.clone(), if c.merge { t.muted } else { t.text }));
        if i == sel {
            line = line.patch_style(selected_style(ctx, true));
        }
        lines.push(line);
    }
}
