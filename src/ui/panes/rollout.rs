//! Services x environments: what runs where, against the target tag.

use crate::config::format_duration;
use crate::domain::probe::NO_VERSION_ENDPOINT;
use crate::domain::redact;
use crate::domain::rollout::{Cell, CellStatus, Progress, Target};
use crate::domain::{Heartbeat, Model, Pane, ProbeState, Remote};
use crate::ui::widgets::{age, fit, pane_block};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns of a cell around its version text: lead gap, glyph, space.
const LEAD_W: usize = 4;
/// " abcdef1": the short commit.
const COMMIT_W: usize = 8;
/// " ♥": the heartbeat.
const HEARTBEAT_W: usize = 2;
/// " 12s": how old the answer is.
const AGE_W: usize = 4;
/// The service-name column gives way to the cells down to this width…
const NAME_MIN: usize = 10;
/// …and never takes more than this.
const NAME_MAX: usize = 28;
/// Version text the layout plans for when nothing has answered yet.
const TEXT_DEFAULT: usize = 10;

/// Which parts of a cell fit in its column. As the column narrows the commit
/// goes first, then the age, then the heartbeat; the version stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CellLayout {
    width: usize,
    commit: bool,
    heartbeat: bool,
    age: bool,
}

impl CellLayout {
    /// The richest layout a column `width` wide holds with `text` columns of
    /// version text.
    fn for_width(width: usize, text: usize) -> Self {
        let [full, hb_age, hb] = Self::tiers(text);
        CellLayout { width, commit: width >= full, age: width >= hb_age, heartbeat: width >= hb }
    }

    /// Column widths needed for: everything; heartbeat and age; heartbeat.
    fn tiers(text: usize) -> [usize; 3] {
        let hb = LEAD_W + text + HEARTBEAT_W;
        [hb + AGE_W + COMMIT_W, hb + AGE_W, hb]
    }

    /// Columns left for the version text.
    fn text_width(&self) -> usize {
        let mut w = self.width.saturating_sub(LEAD_W);
        if self.commit {
            w = w.saturating_sub(COMMIT_W);
        }
        if self.heartbeat {
            w = w.saturating_sub(HEARTBEAT_W);
        }
        if self.age {
            w = w.saturating_sub(AGE_W);
        }
        w
    }
}

/// The service-name column and the cells' layout for a table `width` wide
/// (the selection marker included): names shrink, down to [`NAME_MIN`],
/// before a cell loses its commit, age or heartbeat.
fn table_layout(width: usize, longest_name: usize, envs: usize, text: usize) -> (usize, CellLayout) {
    let envs = envs.max(1);
    let avail = width.saturating_sub(2);
    let natural = longest_name.clamp(NAME_MIN, NAME_MAX);
    let name_w = CellLayout::tiers(text)
        .iter()
        .find_map(|&cell| {
            let room = avail.checked_sub(cell * envs)?;
            (room >= NAME_MIN).then(|| natural.min(room))
        })
        .unwrap_or_else(|| natural.min(avail / 3));
    let col_w = avail.saturating_sub(name_w) / envs;
    (name_w, CellLayout::for_width(col_w, text))
}

/// The prefix every service name shares, up to and including its last
/// separator ("addons-" for "addons-server" and "addons-search"), in bytes;
/// 0 when there is none worth eliding.
fn shared_prefix<'a>(names: impl IntoIterator<Item = &'a str>) -> usize {
    let mut names = names.into_iter();
    let Some(first) = names.next() else { return 0 };
    let mut common = first.len();
    let mut several = false;
    for n in names {
        several = true;
        common = first.bytes().zip(n.bytes()).take(common).take_while(|(a, b)| a == b).count();
    }
    if !several {
        return 0;
    }
    // Separators are ASCII: the byte after one starts a character.
    first.as_bytes()[..common].iter().rposition(|b| b"-_. /".contains(b)).map_or(0, |i| i + 1)
}

/// A name cut or padded to `width` columns, without the prefix all names
/// share when it does not fit: that part tells no row from another, so it
/// goes first ("…server"), then the end of what is left ("…code-man…"),
/// since what tells rows apart now starts the name.
fn fit_row_name(name: &str, width: usize, shared: usize) -> String {
    if name.width() <= width || shared == 0 || shared >= name.len() || width < 5 {
        return fit_name(name, width);
    }
    format!("…{}", fit(&name[shared..], width - 1))
}

/// A service name cut or padded to `width` columns. Names that share a
/// prefix ("addons-server", "addons-search") differ at the end, so a cut
/// keeps both ends: "addon…erver".
fn fit_name(name: &str, width: usize) -> String {
    if name.width() <= width || width < 5 {
        return fit(name, width);
    }
    let tail_w = (width - 1) / 2;
    let head_w = width - 1 - tail_w;
    let take = |chars: &mut dyn Iterator<Item = char>, budget: usize| {
        let mut used = 0;
        let mut out = Vec::new();
        for c in chars {
            let w = c.width().unwrap_or(0);
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        out
    };
    let head: String = take(&mut name.chars(), head_w).into_iter().collect();
    let tail: String = take(&mut name.chars().rev(), tail_w).into_iter().rev().collect();
    fit(&format!("{head}…{tail}"), width)
}

/// How wide [`version_text`] is, without building it.
fn version_width(cell: &Cell) -> Option<usize> {
    let Remote::Ready { value, .. } = &cell.state else { return None };
    Some(match value.info.version.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => v.width(),
        None => value.info.short_commit().map_or("no version".width(), UnicodeWidthStr::width),
    })
}

/// The version text a cell shows when it answers, and the short commit
/// beside it when there is a version to go with it.
fn version_text(cell: &Cell) -> Option<(String, Option<String>)> {
    let Remote::Ready { value, .. } = &cell.state else { return None };
    let c = value.info.short_commit().map(str::to_string);
    Some(match value.info.version.clone().filter(|v| !v.is_empty()) {
        Some(v) => (v, c),
        None => (c.unwrap_or_else(|| "no version".into()), None),
    })
}

/// Lines the detail under the table may take when the rows leave room.
const DETAIL_MAX: usize = 3;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, view: &mut ViewState, focused: bool, ctx: &RenderCtx) {
    let t = ctx.theme;
    let ro = &model.rollout;
    // The rows that fit decide the title's "rows 1–7 of 8", so they are
    // worked out before the frame is drawn; borders are the same whatever
    // the title.
    let inner = pane_block(0, "", None, focused, ctx).inner(area);
    let height = inner.height as usize;
    // Progress lines, the header and one line of detail.
    let fixed = ro.envs.len() + 2;
    let rows = height.saturating_sub(fixed);
    let selected = model.selected.min(ro.services.len().saturating_sub(1));
    if selected < view.rollout_offset {
        view.rollout_offset = selected;
    } else if rows > 0 && selected >= view.rollout_offset + rows {
        view.rollout_offset = selected + 1 - rows;
    }
    view.rollout_offset = view.rollout_offset.min(ro.services.len().saturating_sub(rows.max(1)));
    view.rollout_rows = rows;
    let shown = ro.services.len().saturating_sub(view.rollout_offset).min(rows);

    let in_flight = ro.services.iter().flat_map(|s| s.cells.iter().flatten()).filter(|c| c.in_flight.is_some()).count();
    let polled = match ro.last_sweep {
        None => "not polled yet".to_string(),
        Some(_) if in_flight > 0 => format!("polling {in_flight} · every {}", format_duration(model.poll_interval)),
        Some(at) if (ctx.now - at).num_seconds() < 1 => "polled just now".to_string(),
        Some(at) => format!("polled {} ago", age(ctx.now - at)),
    };
    // Rows that do not fit are said, so a service below the fold is not
    // mistaken for one that is not there.
    let extra = if rows > 0 && shown < ro.services.len() {
        let first = view.rollout_offset + 1;
        format!("rows {first}–{} of {} · {polled}", first + shown - 1, ro.services.len())
    } else {
        polled
    };
    let block = pane_block(Pane::Rollout.index() + 1, Pane::Rollout.title(), Some(extra), focused, ctx);
    frame.render_widget(block, area);
    if ro.services.is_empty() {
        let msg = Line::styled("no services configured", t.muted);
        frame.render_widget(Paragraph::new(msg).centered(), inner);
        return;
    }
    let width = inner.width as usize;
    let target = model.target();
    let mut lines: Vec<Line> = Vec::with_capacity(height);

    for (i, env) in ro.envs.iter().enumerate() {
        lines.push(progress_line(env, ro.progress(i), target, width, ctx));
    }

    let longest_name = ro.services.iter().map(|s| s.name.width()).max().unwrap_or(0);
    let text = ro
        .services
        .iter()
        .flat_map(|s| s.cells.iter().flatten())
        .filter_map(version_width)
        .max()
        .unwrap_or(TEXT_DEFAULT)
        .clamp(8, 24);
    let (name_w, layout) = table_layout(width, longest_name, ro.envs.len(), text);
    let col_w = layout.width;
    let shared = shared_prefix(ro.services.iter().map(|s| s.name.as_str()));

    let mut head = vec![Span::styled(fit(" SERVICE", name_w + 2), t.muted)];
    for env in &ro.envs {
        let style = if is_prod(env) { t.env_prod } else { t.env };
        head.push(Span::styled(fit(&format!("  {}", env.to_uppercase()), col_w), style));
    }
    lines.push(Line::from(head));

    for (idx, row) in ro.services.iter().enumerate().skip(view.rollout_offset).take(rows) {
        let is_sel = idx == selected;
        let marker = if is_sel && focused { "▸ " } else { "  " };
        let mut spans = vec![Span::styled(format!("{marker}{}", fit_row_name(&row.name, name_w, shared)), t.text)];
        for cell in &row.cells {
            spans.extend(cell_spans(cell.as_ref(), &row.target, layout, ctx));
        }
        let mut line = Line::from(spans);
        if is_sel {
            line = line.patch_style(t.selected);
        }
        lines.push(line);
    }
    // The detail explains the selected row at the bottom, wrapped over the
    // room the rows leave (a few lines at most).
    let spare = rows - shown;
    let detail = wrap(detail_line(model, selected, ctx), width, (1 + spare).min(DETAIL_MAX));
    while lines.len() + detail.len() < height {
        lines.push(Line::default());
    }
    lines.extend(detail);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `line` broken at spaces into lines at most `width` columns wide, at most
/// `max` of them (the last cut with an ellipsis when there is more), the
/// lines after the first indented by a column as the first is. A separator
/// ("·") stays with the word after it, so no line ends in one; a word wider
/// than a line is broken where the line ends.
fn wrap(line: Line<'static>, width: usize, max: usize) -> Vec<Line<'static>> {
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
fn interest(cell: &Cell, target: &Target) -> (u8, u8, bool) {
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

/// A heartbeat that was asked and gave no Dockerflow answer while the
/// service itself is up: worth a `?` and a line of its own. While the service
/// is down, the outage explains it.
fn heartbeat_unexplained(cell: &Cell) -> bool {
    let down = matches!(&cell.state, Remote::Failed { error, .. } if error.state.is_down());
    cell.heartbeat == Heartbeat::Unknown && cell.heartbeat_detail.is_some() && !down
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
        // The detail line has the body's reason when there is one.
        ProbeState::NoEndpoint if message == NO_VERSION_ENDPOINT => "404 no endpoint".into(),
        ProbeState::NoEndpoint if message.starts_with("HTTP 404") => "HTTP 404".into(),
        ProbeState::NoEndpoint => "no version.json".into(),
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
        Remote::Ready { .. } if cell.mixed.is_some() => ("mixed".to_string(), None),
        Remote::Ready { .. } => version_text(cell).unwrap_or_default(),
        Remote::Failed { error, .. } => (failure_label(error.state, &error.message), None),
        Remote::Loading => ("polling…".into(), None),
        Remote::Idle => ("".into(), None),
    };
    // Without a commit to show, the version text takes its column too.
    let text_w = layout.text_width() + if layout.commit && commit.is_none() { COMMIT_W } else { 0 };
    let mut spans = vec![
        Span::raw("  "),
        Span::styled(glyph(status, cell), style),
        Span::raw(" "),
        Span::styled(fit(&text, text_w), style),
    ];
    if let Some(commit) = commit.filter(|_| layout.commit) {
        spans.push(Span::styled(format!(" {}", fit(&commit, COMMIT_W - 1)), t.muted));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's longest name, "addons-code-manager".
    const NAMES: usize = 19;

    #[test]
    fn names_give_way_before_cells_lose_fields() {
        // 120x40: the pane is 80 wide inside; names whole, every field shown.
        let (name_w, l) = table_layout(80, NAMES, 2, 10);
        assert_eq!(name_w, NAMES);
        assert!(l.commit && l.heartbeat && l.age, "{l:?}");
        assert!(l.text_width() >= 10);
        // 80x24: 53 wide; the name column shrinks so a cell keeps more than
        // its version and heartbeat.
        let (name_w, l) = table_layout(53, NAMES, 2, 10);
        assert!((NAME_MIN..NAMES).contains(&name_w), "{name_w}");
        assert!(l.heartbeat && l.age && !l.commit, "{l:?}");
        assert!(l.text_width() >= 10);
        // Long names never take more than NAME_MAX, short ones at least NAME_MIN.
        assert_eq!(table_layout(200, 60, 2, 10).0, NAME_MAX);
        assert_eq!(table_layout(200, 3, 2, 10).0, NAME_MIN);
        // Longer versions need wider cells: the commit goes first.
        let (_, l) = table_layout(80, NAMES, 2, 20);
        assert!(!l.commit && l.heartbeat && l.age, "{l:?}");
        assert!(l.text_width() >= 20);
        // Never more columns than there are.
        for width in 0..120 {
            for envs in 0..5 {
                let (name_w, l) = table_layout(width, NAMES, envs, 10);
                assert!(name_w + 2 + l.width * envs.max(1) <= width.max(2 + name_w), "{width} {envs}");
            }
        }
    }

    #[test]
    fn the_detail_line_shows_the_url_without_its_password() {
        let now = chrono::Utc::now();
        let mut m = crate::testkit::model(&["web"], now);
        for cell in m.rollout.services[0].cells.iter_mut().flatten() {
            cell.endpoint.version_url = "https://user:SECRETPW@web.example.org/__version__".into();
        }
        let (theme, keymap) = (crate::ui::theme::Theme::default(), crate::keymap::Keymap::default());
        let ctx = RenderCtx { theme: &theme, keymap: &keymap, now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
        let text: String = detail_line(&m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(text.contains("https://user:***@web.example.org/__version__"), "{text}");
        assert!(!text.contains("SECRETPW"), "{text}");
    }

    #[test]
    fn the_detail_line_says_where_a_redirect_led() {
        let now = chrono::Utc::now();
        let mut m = crate::testkit::model(&["web"], now);
        let (theme, keymap) = (crate::ui::theme::Theme::default(), crate::keymap::Keymap::default());
        let ctx = RenderCtx { theme: &theme, keymap: &keymap, now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
        let heartbeat = Heartbeat::Ok;
        for (env, cell) in m.rollout.services[0].cells.iter_mut().flatten().enumerate() {
            let mut probe = crate::testkit::ok("2026.11.26", "abcdef1234", heartbeat, now);
            if env == 0 {
                // Stage moved; prod, equally on target, would otherwise be the one described.
                probe.final_url = Some("https://bob:HUNTER2@web.stage.example.org/app/__version__".into());
            }
            cell.observe(probe);
        }
        let text: String = detail_line(&m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(text.contains(" web · stage: 2026.11.26"), "{text}");
        assert!(
            text.contains(
                "https://web.stage.example.org/__version__ redirected to https://bob:***@web.stage.example.org/app/__version__"
            ),
            "{text}"
        );
        assert!(!text.contains("HUNTER2"), "{text}");

        // Back at the configured URL: nothing more to say.
        let probe = crate::testkit::ok("2026.11.26", "abcdef1234", heartbeat, now);
        m.rollout.services[0].cells[0].as_mut().unwrap().observe(probe);
        let text: String = detail_line(&m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(!text.contains("redirected"), "{text}");
    }

    #[test]
    fn cut_names_keep_both_ends() {
        assert_eq!(fit_name("addons-server", 11), "addon…erver");
        assert_eq!(fit_name("addons-search", 11), "addon…earch");
        assert_eq!(fit_name("addons-server", 12), "addons…erver");
        assert_eq!(fit_name("short", 8), "short   ");
        assert_eq!(fit_name("日本語のサービス", 9), "日本…ビス");
        assert_eq!(fit_name("addons-server", 3), "ad…");
        for w in 0..16 {
            assert_eq!(fit_name("addons-code-manager", w).width(), w);
        }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn the_detail_wraps_at_spaces_within_its_lines() {
        let line =
            Line::from(vec![Span::raw(" web · prod: "), Span::raw("no answer within 2s · http://x/__version__")]);
        let lines = wrap(line.clone(), 24, 3);
        assert_eq!(texts(&lines), [" web · prod: no answer", " within 2s", " · http://x/__version__"]);
        assert!(lines.iter().all(|l| l.width() <= 24));
        // Out of lines: the last says it was cut.
        let lines = wrap(line.clone(), 24, 2);
        assert_eq!(texts(&lines), [" web · prod: no answer", " within 2s…"]);
        // A separator no line can hold with the word after it goes where the line breaks.
        let long = Line::from(vec![
            Span::raw(" addons-server · prod: "),
            Span::raw("2026.11.26 (abcdef1) · 12 ms"),
            Span::raw(" · https://addons-server.prod.example.org/__version__"),
        ]);
        assert_eq!(
            texts(&wrap(long, 51, 3)),
            [
                " addons-server · prod: 2026.11.26 (abcdef1) · 12 ms",
                " https://addons-server.prod.example.org/__version__"
            ]
        );
        // A word wider than a line is broken where the line ends.
        let long = Line::from(" https://very-long-host.example.org/__version__");
        let lines = wrap(long, 20, 3);
        assert!(lines.iter().all(|l| l.width() <= 20), "{:?}", texts(&lines));
        assert_eq!(texts(&lines).concat().replace(' ', ""), "https://very-long-host.example.org/__version__");
        // Whatever the width, never wider and never more lines than asked.
        for width in 0..40 {
            for max in 0..4 {
                let lines = wrap(line.clone(), width, max);
                assert!(lines.len() <= max, "{width} {max}");
                assert!(lines.iter().all(|l| l.width() <= width.max(1)), "{width} {max}: {:?}", texts(&lines));
            }
        }
        let wide = Line::from("日本語のサービス 日本語のサービス");
        for width in 1..12 {
            assert!(wrap(wide.clone(), width, 3).iter().all(|l| l.width() <= width), "{width}");
        }
    }

    #[test]
    fn a_prefix_every_name_shares_goes_first_when_names_are_cut() {
        let names = ["addons-server", "addons-frontend", "addons-code-manager"];
        let shared = shared_prefix(names);
        assert_eq!(shared, "addons-".len());
        assert_eq!(fit_row_name("addons-server", 10, shared), "…server   ");
        assert_eq!(fit_row_name("addons-code-manager", 10, shared), "…code-man…");
        assert_eq!(fit_row_name("addons-server", 19, shared), "addons-server      ", "whole when it fits");
        assert_eq!(shared_prefix(["addons-server", "addons-search"]), "addons-".len(), "back to a separator");
        assert_eq!(shared_prefix(["web", "api"]), 0);
        assert_eq!(shared_prefix(["addons-server"]), 0, "one name shares nothing");
        assert_eq!(shared_prefix(["日本-a", "日本-b"]), "日本-".len());
        for w in 0..20 {
            assert_eq!(fit_row_name("addons-code-manager", w, shared).width(), w);
        }
    }

    #[test]
    fn a_heartbeat_that_is_no_heartbeat_is_a_question_explained_below() {
        let now = chrono::Utc::now();
        let mut m = crate::testkit::model(&["web"], now);
        let why = "heartbeat answered text/html, not a Dockerflow heartbeat";
        for cell in m.rollout.services[0].cells.iter_mut().flatten() {
            let mut p = crate::testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, now);
            cell.observe(p.clone());
            p.heartbeat = Heartbeat::Unknown;
            p.heartbeat_detail = Some(why.into());
            cell.observe(p);
        }
        let (theme, keymap) = (crate::ui::theme::Theme::default(), crate::keymap::Keymap::default());
        let ctx = RenderCtx { theme: &theme, keymap: &keymap, now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
        let target = m.rollout.services[0].target.clone();
        let cell = m.rollout.services[0].cells[1].as_ref().unwrap();
        let layout = CellLayout::for_width(40, 10);
        let spans: String = cell_spans(Some(cell), &target, layout, &ctx).iter().map(|s| s.content.as_ref()).collect();
        assert!(spans.contains(" ? "), "{spans}");
        let text: String = detail_line(&m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(text.contains(why), "{text}");

        // A heartbeat that failed with its service is the outage's to explain.
        let mut down = crate::testkit::failed(ProbeState::Timeout, "no answer within 2s", now);
        down.heartbeat_detail = Some("heartbeat: no answer within 2s".into());
        let cell = m.rollout.services[0].cells[1].as_mut().unwrap();
        cell.observe(down);
        let cell = m.rollout.services[0].cells[1].as_ref().unwrap();
        let spans: String = cell_spans(Some(cell), &target, layout, &ctx).iter().map(|s| s.content.as_ref()).collect();
        assert!(spans.contains(" · ") && !spans.contains('?'), "{spans}");
        let text: String = detail_line(&m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(text.contains("prod: no answer within 2s") && !text.contains("heartbeat:"), "{text}");
    }

    #[test]
    fn a_404_cell_says_whether_the_endpoint_or_its_version_json_is_missing() {
        assert_eq!(failure_label(ProbeState::NoEndpoint, NO_VERSION_ENDPOINT), "404 no endpoint");
        assert_eq!(failure_label(ProbeState::NoEndpoint, "HTTP 404: version.json not found"), "HTTP 404");
        assert_eq!(
            failure_label(ProbeState::NoEndpoint, "answered null: the service has no version.json"),
            "no version.json"
        );
        assert_eq!(failure_label(ProbeState::HttpError, "HTTP 503 Service Unavailable"), "HTTP 503");
    }
}
