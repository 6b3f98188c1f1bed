//! Repos & tags: per repository, its branch head and what changed since the
//! previous push tag; then the next tag, whether the remote has it, the
//! security fork and the last operation. A "Pushing:" block of compare URLs
//! closes the pane, as the push notes want it. Lines wrap rather than being
//! cut, and say the same words at every width.

use crate::domain::repos::update::pushing_urls;
use crate::domain::repos::{RepoOp, RepoRow, RepoStatus, TagRemote, TagState};
use crate::domain::view::filter;
use crate::domain::view::pane::Pane;
use crate::domain::{Model, Remote};
use crate::ui::widgets::{age, mark, pane_block, selected_style};
use crate::ui::wrap;
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Where a repository's wrapped lines start, under its name.
const INDENT: usize = 4;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, view: &mut ViewState, focused: bool, ctx: &RenderCtx) {
    let t = ctx.theme;
    let busy = model.repos.rows.iter().filter(|r| r.op.is_some() || r.scanning).count();
    let mut extra: Vec<String> = Vec::new();
    if let Some(f) = filter::get(model, Pane::Repos) {
        extra.push(format!("/{f}"));
    }
    if busy > 0 {
        extra.push(format!("{busy} busy"));
    }
    let extra = (!extra.is_empty()).then(|| extra.join(" · "));
    let block = pane_block(Pane::Repos.index() + 1, Pane::Repos.title(), extra, focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let shown = filter::shown(model, Pane::Repos).unwrap_or_default();
    if shown.is_empty() {
        let msg = Line::styled("no repository matches the filter (esc clears it)", t.muted);
        frame.render_widget(Paragraph::new(msg).centered(), inner);
        return;
    }
    let (height, width) = (inner.height as usize, inner.width as usize);
    let selected = model.view.repo_selected.min(model.repos.rows.len() - 1);
    let blocks: Vec<(usize, Vec<Line>)> = shown
        .iter()
        .map(|&i| {
            let row = &model.repos.rows[i];
            let sel = i == selected;
            let mut lines = Vec::new();
            for line in repo_lines(row, sel, model, ctx) {
                lines.extend(wrap::spans(line, width, usize::MAX, INDENT));
            }
            if sel {
                lines = lines.into_iter().map(|l| l.patch_style(selected_style(ctx, focused))).collect();
            }
            (i, lines)
        })
        .collect();
    // From the first repository, or later when the selected one would not fit.
    let at = blocks.iter().position(|(i, _)| *i == selected).unwrap_or(0);
    let mut first = at;
    let mut used = blocks[at].1.len();
    while first > 0 && used + blocks[first - 1].1.len() <= height {
        first -= 1;
        used += blocks[first].1.len();
    }
    // Which repository each line shows, for the mouse.
    let mut items: Vec<Option<usize>> =
        blocks.iter().skip(first).flat_map(|(i, l)| std::iter::repeat_n(Some(*i), l.len())).collect();
    let mut lines: Vec<Line> = blocks.into_iter().skip(first).flat_map(|(_, l)| l).collect();
    lines.truncate(height.max(1));
    items.truncate(lines.len());
    view.hits.rows(Pane::Repos, Rect { height: lines.len() as u16, ..inner }, &items);

    // The URLs name their repository; a line without one says whose it is.
    let mut pushing: Vec<Vec<Line>> = Vec::new();
    for (repo, line) in pushing_urls(&model.repos) {
        let text = if line.starts_with("no changes") { format!("{repo}: {line}") } else { line };
        pushing.push(wrap::spans(Line::styled(format!("  {text}"), t.text), width, usize::MAX, 2));
    }
    // As many of them as fit, whole; the rest counted.
    if !pushing.is_empty() && lines.len() + 3 <= height {
        lines.push(Line::default());
        lines.push(Line::styled("Pushing:", t.title));
        let room = height - lines.len();
        // Everything, or what fits beside the line counting the rest.
        let all: usize = pushing.iter().map(Vec::len).sum();
        let budget = if all <= room { room } else { room - 1 };
        let mut used = 0;
        let fit = pushing.iter().take_while(|u| {
            used += u.len();
            used <= budget
        });
        let fit = fit.count();
        let more = pushing.len() - fit;
        lines.extend(pushing.into_iter().take(fit).flatten());
        if more > 0 {
            lines.push(Line::styled(format!("  +{more} more (z zooms)"), t.muted));
        }
    }

    // The selected repository's warnings and its last operation's answer,
    // at the foot, in the rows left.
    let row = model.repos.rows.get(selected);
    let mut foot: Vec<Line> = Vec::new();
    for w in row.and_then(|r| r.status.value()).map_or(&[][..], |s| &s.warnings) {
        foot.push(Line::from(vec![Span::styled(" ⚠ ", t.warn), Span::styled(w.clone(), t.warn)]));
    }
    if let Some(row) = row
        && let Some((at, result)) = &row.last_result
    {
        let (text, style) = match result {
            Ok(s) => (s.clone(), t.ok),
            Err(e) => (e.clone(), t.error),
        };
        foot.push(Line::from(vec![
            Span::styled(format!(" {} · {} ago: ", row.spec.name, age(ctx.now - *at)), t.muted),
            Span::styled(text, style),
        ]));
    }
    let spare = height.saturating_sub(lines.len());
    let foot: Vec<Line> = foot.into_iter().flat_map(|l| wrap::spans(l, width, spare, 3)).collect();
    if !foot.is_empty() && foot.len() <= spare {
        while lines.len() + foot.len() < height {
            lines.push(Line::default());
        }
        lines.extend(foot);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The columns the pane's longest line takes unwrapped, borders included:
/// what it asks of the layout.
pub fn natural_width(model: &Model, ctx: &RenderCtx) -> u16 {
    if model.repos.rows.is_empty() {
        // The line saying so, wrapped.
        return 20;
    }
    let longest = model.repos.rows.iter().flat_map(|r| repo_lines(r, false, model, ctx)).map(|l| l.width()).max();
    let urls = pushing_urls(&model.repos).iter().map(|(r, u)| u.len().max(r.len()) + 2).max();
    (longest.unwrap_or(30).max(urls.unwrap_or(0)) + 2).min(u16::MAX as usize) as u16
}

/// A repository's two lines, unwrapped: its head, and its tag's state.
fn repo_lines<'a>(row: &RepoRow, selected: bool, model: &Model, ctx: &RenderCtx) -> [Line<'a>; 2] {
    let t = ctx.theme;
    let name = Span::styled(format!("{} {}", mark(selected), row.spec.name), t.text);
    let op = row.op.as_ref().map(|op| match op {
        RepoOp::Fetching => "fetching…".to_string(),
        RepoOp::Tagging(tag) => format!("tagging {tag}…"),
        RepoOp::Pushing(tag) => format!("pushing {tag}…"),
    });
    match &row.status {
        Remote::Idle | Remote::Loading => [
            Line::from(vec![name, Span::styled("  scanning…", t.unknown)]),
            Line::styled(format!("    {}", row.spec.path), t.muted),
        ],
        Remote::Failed { error, .. } => [
            Line::from(vec![
                name,
                Span::styled("  ✖ ", t.error),
                // The error names the repository for the log; here the row does.
                Span::styled(error.strip_prefix(&format!("{}: ", row.spec.name)).unwrap_or(error).to_string(), t.error),
            ]),
            Line::styled(format!("    {}", op.unwrap_or_else(|| row.spec.path.clone())), t.muted),
        ],
        Remote::Ready { value, .. } => {
            let sha = crate::domain::rollout::probe::short_sha(&value.head.sha);
            let mut l1 = vec![name, Span::styled(format!("  {}@{sha}", value.branch), t.muted)];
            match (&value.plan.previous, value.in_push, value.state()) {
                (Some((prev, _)), _, TagState::Unchanged) => {
                    l1.push(Span::styled(format!("  no changes since {prev}"), t.muted));
                }
                (Some((prev, _)), Some(n), _) => {
                    l1.push(Span::styled(format!("  +{n}"), if n > 0 { t.other } else { t.muted }));
                    l1.push(Span::styled(format!(" since {prev}"), t.muted));
                }
                _ => l1.push(Span::styled("  no previous push tag", t.warn)),
            }
            // Work merged after tagging: worth knowing, not a reason to tag.
            if let Some(n) = value.beyond_target.filter(|n| *n > 0) {
                l1.push(Span::styled(format!(" · +{n} on {} not in this push", value.branch), t.muted));
            }
            if !value.warnings.is_empty() {
                l1.push(Span::styled(format!("  ⚠ {}", value.warnings.len()), t.warn));
            }
            // Worth a word with Ops before it ships: said where the push is.
            if let Some(risk) = crate::domain::repos::risk::summary(&value.risky) {
                l1.push(Span::styled(format!("  {risk}"), t.warn));
            }
            let mut l2 = status_line(row, value, op, ctx);
            // Picks waiting for a re-tag: what `T` would ship.
            let basket = model.notes.basket(&row.spec.name).len();
            if basket > 0 {
                let picks = if basket == 1 { "1 pick".to_string() } else { format!("{basket} picks") };
                l2.spans.push(Span::styled(format!(" · basket: {picks} to re-tag"), t.warn));
            }
            [Line::from(l1), l2]
        }
    }
}

/// The tag's state, in one wording at every width: the next tag or the
/// tag made, whether the remote has it, the security fork, the last fetch.
fn status_line<'a>(row: &RepoRow, s: &RepoStatus, op: Option<String>, ctx: &RenderCtx) -> Line<'a> {
    let t = ctx.theme;
    let mut spans = vec![Span::raw(" ".repeat(INDENT))];
    if s.needs_tag() {
        spans.push(Span::styled("next ", t.muted));
        spans.push(Span::styled(s.plan.next.clone(), t.warn));
    } else if s.state() == TagState::Unchanged {
        spans.push(Span::styled("✓ ", t.ok));
        spans.push(Span::styled("nothing to tag", t.muted));
    } else {
        spans.push(Span::styled("✓ ", t.ok));
        spans.push(Span::styled(s.plan.target().to_string(), t.ok));
        let (text, style) = match row.tag_remote {
            Some(TagRemote::Pushed) => ("✓ pushed", t.ok),
            Some(TagRemote::Absent) => ("✗ not pushed", t.warn),
            Some(TagRemote::Conflict { .. }) => ("✖ conflict: remote's tag is on another commit", t.error),
            None => ("remote not checked", t.unknown),
        };
        spans.push(Span::styled(format!(" · {text}"), style));
    }
    match &s.security {
        None => {}
        Some(Ok(sec)) if sec.in_sync => spans.push(Span::styled(" · security ✓", t.ok)),
        Some(Ok(sec)) => {
            let mut parts = Vec::new();
            if sec.ahead > 0 {
                parts.push(format!("{} ahead", sec.ahead));
            }
            if sec.behind > 0 {
                parts.push(format!("{} behind", sec.behind));
            }
            spans.push(Span::styled(format!(" · security {}", parts.join(", ")), t.warn));
        }
        Some(Err(e)) => spans.push(Span::styled(format!(" · security ? {e}"), t.unknown)),
    }
    if let Some(op) = op {
        spans.push(Span::styled(format!(" · {op}"), t.log_event));
    } else if let Some(at) = s.fetched_at {
        spans.push(Span::styled(format!(" · fetched {} ago", age(ctx.now - at)), t.muted));
    } else {
        spans.push(Span::styled(" · never fetched", t.muted));
    }
    Line::from(spans)
}
