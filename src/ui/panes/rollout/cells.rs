//! One cell: its glyph, its style, and the spans it draws.

use crate::domain::Model;
use crate::domain::rollout::probe::NO_VERSION_ENDPOINT;
use crate::domain::rollout::{Cell, CellStatus, Target};
use crate::domain::smoke::Mark;
use crate::domain::{Heartbeat, ProbeState, Remote};
use crate::ui::RenderCtx;
use crate::ui::widgets::{age, fit};
use ratatui::style::Style;
use ratatui::text::Span;

use super::layout::*;

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

pub(super) fn failure_label(state: ProbeState, message: &str) -> String {
    match state {
        ProbeState::HttpError => message.split_whitespace().take(2).collect::<Vec<_>>().join(" "),
        // The detail line has the body's reason when there is one.
        ProbeState::NoEndpoint if message == NO_VERSION_ENDPOINT => "404 no endpoint".into(),
        ProbeState::NoEndpoint if message.starts_with("HTTP 404") => "HTTP 404".into(),
        ProbeState::NoEndpoint => "no version.json".into(),
        other => other.as_str().replace('_', " "),
    }
}

/// The smoke checks' mark of a cell (see [`crate::domain::smoke::mark`]),
/// on the version it runs.
pub(super) fn smoke_mark(model: &Model, service: &str, env: &str, cell: Option<&Cell>) -> Option<Mark> {
    let version = cell?.version().and_then(|v| v.key());
    crate::domain::smoke::mark(&model.smoke, service, env, version)
}

/// Where a smoke mark's two columns are taken from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Take {
    Nothing,
    Commit,
    Text,
    Age,
}

/// `smoke`: the cell's smoke mark, drawn after the version in two columns
/// taken from elsewhere in the cell, so the grid keeps its widths.
pub(super) fn cell_spans<'a>(
    cell: Option<&Cell>,
    target: &Target,
    layout: CellLayout,
    ctx: &RenderCtx,
    smoke: Option<Mark>,
) -> Vec<Span<'a>> {
    let t = ctx.theme;
    let Some(cell) = cell else {
        return vec![Span::styled(fit("  —", layout.width), t.unknown)];
    };
    let status = cell.status(target);
    let style = status_style(status, ctx);
    let (text, commit) = match &cell.state {
        // The two versions are spelled out in the detail line.
        Remote::Ready { .. } if cell.mixed.is_some() => ("mixed".to_string(), None),
        Remote::Ready { .. } => version_text(cell).unwrap_or_default(),
        Remote::Failed { error, .. } => (failure_label(error.state, &error.message), None),
        Remote::Loading => ("polling…".into(), None),
        Remote::Idle => ("".into(), None),
    };
    // Without a commit to show, the version text takes its column too.
    let text_w = layout.text_width() + if layout.commit && commit.is_none() { COMMIT_W } else { 0 };
    // The mark's two columns come from the commit when one is shown, else
    // from the version's padding when it has room, else from the age (the
    // version stays whole), else from the version; a column too narrow for
    // any keeps what it has, and the detail line has the results.
    let commit_shown = layout.commit && commit.is_some();
    let spare = text_w >= unicode_width::UnicodeWidthStr::width(text.as_str()) + 2;
    let smoke = smoke.filter(|_| commit_shown || layout.age || text_w >= 6);
    let from = match smoke {
        None => Take::Nothing,
        Some(_) if commit_shown => Take::Commit,
        Some(_) if !spare && layout.age => Take::Age,
        Some(_) => Take::Text,
    };
    let text_w = text_w - if from == Take::Text { 2 } else { 0 };
    let commit_w = COMMIT_W - 1 - if from == Take::Commit { 2 } else { 0 };
    let mut spans = vec![Span::raw("  "), Span::styled(glyph(status, cell), style), Span::raw(" ")];
    match smoke {
        // Right after the version it is about, the padding after it.
        Some(m) => {
            let fitted = fit(&text, text_w);
            let shown = fitted.trim_end();
            let pad = text_w - unicode_width::UnicodeWidthStr::width(shown);
            let s = match m {
                Mark::Passing => t.ok,
                Mark::Failing => t.error,
                Mark::Running => t.muted,
            };
            spans.push(Span::styled(shown.to_string(), style));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(m.glyph(), s));
            spans.push(Span::raw(" ".repeat(pad)));
        }
        None => spans.push(Span::styled(fit(&text, text_w), style)),
    }
    if let Some(commit) = commit.filter(|_| layout.commit) {
        spans.push(Span::styled(format!(" {}", fit(&commit, commit_w)), t.muted));
    }
    if layout.heartbeat {
        let (g, s) = match cell.heartbeat {
            Heartbeat::Ok => ("♥", t.ok),
            Heartbeat::Warning => ("!", t.warn),
            Heartbeat::Error => ("✗", t.error),
            Heartbeat::Unknown if heartbeat_unexplained(cell) => ("?", t.warn),
            Heartbeat::Unknown => ("·", t.unknown),
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(g, s));
    }
    if layout.age && from == Take::Age {
        spans.push(Span::raw("  "));
    } else if layout.age {
        let a = cell.state.at().map(|at| age(ctx.now - at)).unwrap_or_default();
        spans.push(Span::styled(format!(" {a:>3}"), t.muted));
    }
    spans
}

/// A heartbeat that was asked and gave no Dockerflow answer while the
/// service itself is up: worth a `?` and a line of its own. While the service
/// is down, the outage explains it.
pub(super) fn heartbeat_unexplained(cell: &Cell) -> bool {
    let down = matches!(&cell.state, Remote::Failed { error, .. } if error.state.is_down());
    cell.heartbeat == Heartbeat::Unknown && cell.heartbeat_detail.is_some() && !down
}
