//! Checklist: phases with their progress, items with a box that reads without
//! colour — `[✔]` ticked, `[~]` waived, `[ ]` open, and round brackets for
//! auto items, `(✔)` `(…)` `(✖)` — and who ticked. Complete phases fold to one
//! line. The bottom line tells the selected item's story: owner, who and
//! when, who committed it to the shared remote, or the evidence an auto item
//! saw. With `[team]`, an act the team does not vouch for is shown apart and
//! never as done: `[?]` on an item it claims to tick or waive, "unverified"
//! and the name beside the item and in its story.

use crate::domain::Model;
use crate::domain::checklist::Verdict;
use crate::domain::checklist::eval::{ChecklistView, ItemState, ItemView, evaluate};
use crate::domain::kernel::duration::human;
use crate::domain::view::filter;
use crate::domain::view::pane::Pane;
use crate::ui::widgets::{fit, mark, pane_block, selected_style};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    view_state: &mut ViewState,
    focused: bool,
    ctx: &RenderCtx,
) {
    let t = ctx.theme;
    let view = evaluate(model);
    let mut extra = format!("{}/{}", view.done(), view.total());
    let filtered = filter::get(model, Pane::Checklist);
    if let Some(f) = filtered {
        extra = format!("/{f} · {extra}");
    }
    // The push's state joins the title only when it fits whole.
    if let Some(push) = push_state(model, ctx)
        && area.width as usize >= Pane::Checklist.title().width() + extra.width() + push.width() + 12
    {
        extra = format!("{extra} · {push}");
    }
    let block = pane_block(Pane::Checklist.index() + 1, Pane::Checklist.title(), Some(extra), focused, ctx);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.total() == 0 {
        frame.render_widget(Paragraph::new(Line::styled("the checklist is empty", t.muted)).centered(), inner);
        return;
    }
    let width = inner.width as usize;
    let selected = model.view.check_selected.min(view.total() - 1);
    let kept = filter::shown(model, Pane::Checklist).unwrap_or_default();
    if kept.is_empty() {
        let msg = Line::styled("no item matches the filter (esc clears it)", t.muted);
        frame.render_widget(Paragraph::new(msg).centered(), inner);
        return;
    }
    let list = List { view: &view, selected, kept: &kept, filtered: filtered.is_some(), focused };
    let (rows, selected_row, selected_len, items) = rows(&list, model, width, ctx);
    // The last line is the selected item's story, when there is room.
    let detail = inner.height >= 6;
    let height = (inner.height as usize).saturating_sub(usize::from(detail));
    // Keep the selection in view, with its phase header when it fits.
    let first = (selected_row + selected_len + 1)
        .saturating_sub(height)
        .min(rows.len().saturating_sub(height))
        .min(selected_row);
    let mut lines: Vec<Line> = rows.into_iter().skip(first).take(height).collect();
    // Which item each line shows, for the mouse.
    let shown = &items[first..first + lines.len()];
    view_state.hits.rows(Pane::Checklist, Rect { height: lines.len() as u16, ..inner }, shown);
    if detail {
        while lines.len() < height {
            lines.push(Line::default());
        }
        if let Some(item) = view.nth(selected) {
            lines.push(detail_line(item, model, ctx));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What the list shows: the items the filter keeps, and which is selected.
struct List<'v, 'a> {
    view: &'v ChecklistView<'a>,
    selected: usize,
    kept: &'v [usize],
    filtered: bool,
    focused: bool,
}

/// Every line of the list, the row of the selected item and how many lines
/// its text wraps to, and the item on each line (for the mouse).
fn rows<'a>(
    list: &List,
    model: &Model,
    width: usize,
    ctx: &RenderCtx<'a>,
) -> (Vec<Line<'a>>, usize, usize, Vec<Option<usize>>) {
    let t = ctx.theme;
    let (view, selected) = (list.view, list.selected);
    let current = view.current().map(|(i, _)| i);
    let mut out = Vec::new();
    let mut selected_row = 0;
    let mut selected_len = 0;
    let mut items: Vec<Option<usize>> = Vec::new();
    let mut index = 0;
    // A role column when there is room: QA finds their items at a glance.
    let roles = width >= 44;
    for (pi, phase) in view.phases.iter().enumerate() {
        let holds_selection = (index..index + phase.items.len()).contains(&selected);
        let kept = (index..index + phase.items.len()).filter(|i| list.kept.contains(i)).count();
        if kept == 0 {
            index += phase.items.len();
            continue;
        }
        // `▸` marks the selection; the phase the push is in gets `»`.
        let (mark, style) = if phase.complete() {
            ("✔ ", t.ok)
        } else if Some(pi) == current {
            ("» ", t.header_accent)
        } else {
            ("  ", t.title)
        };
        let count = format!(" {}/{}", phase.done(), phase.items.len());
        let name_w = width.saturating_sub(count.width() + mark.width());
        out.push(Line::from(vec![
            Span::styled(mark, style),
            Span::styled(fit(phase.name, name_w), style),
            Span::styled(count, if phase.complete() { t.ok } else { t.muted }),
        ]));
        items.resize(out.len(), None);
        // A complete phase folds to its line, unless it holds the
        // selection or a filter looks into it.
        if phase.complete() && !holds_selection && !list.filtered {
            index += phase.items.len();
            continue;
        }
        for item in &phase.items {
            if !list.kept.contains(&index) {
                index += 1;
                continue;
            }
            if index == selected {
                selected_row = out.len();
                let style = selected_style(ctx, list.focused);
                let lines = item_lines(item, roles, width, model, ctx, true);
                selected_len = lines.len();
                out.extend(lines.into_iter().map(|l| l.patch_style(style)));
            } else {
                out.extend(item_lines(item, roles, width, model, ctx, false));
            }
            items.resize(out.len(), Some(index));
            index += 1;
        }
    }
    items.resize(out.len(), None);
    (out, selected_row, selected_len, items)
}

/// The columns the longest item wants with its role and who ticked it,
/// borders included.
pub fn natural_width(model: &Model) -> u16 {
    let longest = model.checklist.items().map(|i| i.text.width()).max().unwrap_or(20);
    (2 + 1 + 4 + 4 + longest + 1 + 12).min(u16::MAX as usize) as u16
}

/// An item's lines: one, cut to the pane, except for the selected item,
/// whose text wraps under itself so it reads whole.
fn item_lines<'a>(
    item: &ItemView,
    roles: bool,
    width: usize,
    model: &Model,
    ctx: &RenderCtx<'a>,
    selected: bool,
) -> Vec<Line<'a>> {
    let t = ctx.theme;
    let (glyph, style) = glyph(item, ctx);
    let mine = item.spec.role == model.actor.role;
    let right = match (&item.state, item.unverified) {
        (_, Some(c)) => format!("unverified: {}", c.mark.by.name),
        (ItemState::Ticked(m), _) => m.by.name.clone(),
        (ItemState::Waived(_), _) => "waived".into(),
        // With room to spare an auto item shows what it saw.
        (ItemState::Auto(_) | ItemState::Open, _) if width >= 70 => item.evidence.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let right_style = if item.unverified.is_some() { t.warn } else { t.muted };
    let room = if width >= 70 { width / 2 } else { width / 3 };
    let right = fit(&right, room.min(right.width()));
    let role = if roles { format!("{:<4}", item.spec.role.as_str()) } else { String::new() };
    let lead = 1 + 4 + role.width();
    let text_w = width.saturating_sub(lead + right.width() + 1);
    let text_style = if item.done() || !mine { t.muted } else { t.text };
    let chunks = if selected { super::log::wrap(&item.spec.text, text_w.max(1)) } else { Vec::new() };
    let first = chunks.first().map_or(item.spec.text.as_str(), String::as_str);
    let mut lines = vec![Line::from(vec![
        Span::raw(mark(selected)),
        Span::styled(format!("{glyph} "), style),
        Span::styled(role, if mine { t.header_accent } else { t.muted }),
        Span::styled(fit(first, text_w), text_style),
        Span::raw(" "),
        Span::styled(right, right_style),
    ])];
    for chunk in chunks.iter().skip(1) {
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(lead)),
            Span::styled(fit(chunk, width.saturating_sub(lead)), text_style),
        ]));
    }
    lines
}

pub fn glyph(item: &ItemView, ctx: &RenderCtx) -> (&'static str, Style) {
    let t = ctx.theme;
    // An unverified tick or waiver must not read as done, nor as untouched.
    if !item.done() && item.unverified.is_some_and(|c| !c.untick) {
        return ("[?]", t.warn);
    }
    match &item.state {
        ItemState::Ticked(m) if m.overrides_role => ("[✔]", t.warn),
        ItemState::Ticked(_) => ("[✔]", t.ok),
        ItemState::Waived(_) => ("[~]", t.warn),
        ItemState::Auto(Verdict::Pass) => ("(✔)", t.ok),
        ItemState::Auto(Verdict::Wait) => ("(…)", t.text),
        ItemState::Auto(Verdict::Fail) => ("(✖)", t.error),
        ItemState::Open => ("[ ]", t.text),
    }
}

fn detail_line<'a>(item: &ItemView, model: &Model, ctx: &RenderCtx<'a>) -> Line<'a> {
    let t = ctx.theme;
    let mut spans = vec![Span::styled(format!(" {} · {} · ", item.spec.id, item.spec.role.as_str()), t.muted)];
    match &item.state {
        ItemState::Ticked(m) | ItemState::Waived(m) => {
            let what = if m.waived { "waived" } else { "ticked" };
            let at = m.at.with_timezone(&ctx.tz).format("%H:%M");
            let style = if m.waived || m.overrides_role { t.warn } else { t.ok };
            // With a team, what counts says so: the team vouched for it.
            let verified = if model.checklist.team().is_some() { "✓ " } else { "" };
            let by = format!("{verified}{what} by {} ({}) {at}", m.by.name, m.by.role.as_str());
            spans.push(Span::styled(by, style));
            if m.overrides_role {
                spans.push(Span::styled(" · override", t.warn));
            }
            if let Some(note) = &m.note {
                spans.push(Span::styled(format!(" · {note}"), t.text));
            }
            if let Some(who) = &m.committer {
                spans.push(Span::styled(format!(" · committed as {who}"), t.muted));
            }
        }
        ItemState::Auto(v) => {
            let style = match v {
                Verdict::Pass => t.ok,
                Verdict::Wait => t.text,
                Verdict::Fail => t.error,
            };
            spans.push(Span::styled(format!("auto: {}", item.evidence.as_deref().unwrap_or("")), style));
        }
        ItemState::Open => {
            spans.push(Span::styled("open", t.text));
            if let Some(why) = &item.evidence {
                spans.push(Span::styled(format!(" · {why}"), t.muted));
            }
        }
    }
    if let Some(c) = item.unverified {
        let at = c.mark.at.with_timezone(&ctx.tz).format("%H:%M");
        let by =
            format!(" · unverified: {} by {} ({}) {at}, {}", c.what(), c.mark.by.name, c.mark.by.role.as_str(), c.why);
        spans.push(Span::styled(by, t.warn));
        if let Some(who) = &c.mark.committer {
            spans.push(Span::styled(format!(" · committed as {who}"), t.warn));
        }
    }
    Line::from(spans)
}

/// "push running 34m", "pushed in 1h 12m"; nothing before it starts.
pub fn push_state(model: &Model, ctx: &RenderCtx) -> Option<String> {
    match (&model.checklist.push_started, &model.checklist.push_finished) {
        (Some((s, _)), Some((f, _))) => Some(format!("pushed in {}", human(*f - *s))),
        (Some((s, _)), None) => Some(format!("pushing {}", human(ctx.now - *s))),
        _ => None,
    }
}
