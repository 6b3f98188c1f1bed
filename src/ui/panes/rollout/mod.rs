//! Services x environments: what runs where, against the target tag.

use crate::config::format_duration;
use crate::domain::Model;
use crate::domain::rollout::Progress;
use crate::domain::view::filter;
use crate::domain::view::pane::Pane;
use crate::ui::widgets::{age, fit, mark, pane_block, selected_style};
use crate::ui::{RenderCtx, ViewState};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

mod cells;
mod detail;
mod layout;
mod smoke;

pub use layout::{natural_height, natural_width};

use cells::*;
use detail::*;
use layout::*;

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
    let selected = model.view.selected.min(ro.services.len().saturating_sub(1));
    // The rows the filter keeps; the offset counts among them.
    let kept = filter::shown(model, Pane::Rollout).unwrap_or_default();
    let at = kept.iter().position(|&i| i >= selected).unwrap_or(0);
    if at < view.rollout_offset {
        view.rollout_offset = at;
    } else if rows > 0 && at >= view.rollout_offset + rows {
        view.rollout_offset = at + 1 - rows;
    }
    view.rollout_offset = view.rollout_offset.min(kept.len().saturating_sub(rows.max(1)));
    view.rollout_rows = rows;
    let shown = kept.len().saturating_sub(view.rollout_offset).min(rows);

    let in_flight = ro.services.iter().flat_map(|s| s.cells.iter().flatten()).filter(|c| c.in_flight.is_some()).count();
    let polled = match ro.last_sweep {
        None => "not polled yet".to_string(),
        Some(_) if in_flight > 0 => {
            format!("polling {in_flight} · every {}", format_duration(model.rollout.poll_interval))
        }
        Some(at) if (ctx.now - at).num_seconds() < 1 => "polled just now".to_string(),
        Some(at) => format!("polled {} ago", age(ctx.now - at)),
    };
    // Rows that do not fit are said, so a service below the fold is not
    // mistaken for one that is not there.
    let mut extra = match filter::get(model, Pane::Rollout) {
        Some(f) => format!("/{f} · {} of {} · ", kept.len(), ro.services.len()),
        None => String::new(),
    };
    if rows > 0 && shown > 0 && shown < kept.len() {
        let first = view.rollout_offset + 1;
        extra.push_str(&format!("rows {first}–{} of {} · ", first + shown - 1, kept.len()));
    }
    extra.push_str(&polled);
    let block = pane_block(Pane::Rollout.index() + 1, Pane::Rollout.title(), Some(extra), focused, ctx);
    frame.render_widget(block, area);
    if ro.services.is_empty() {
        let msg = Line::styled("no services configured", t.muted);
        frame.render_widget(Paragraph::new(msg).centered(), inner);
        return;
    }
    let width = inner.width as usize;
    // Services follow their own repository's tag: the bar names the tag when
    // they all follow one, and says "target" when a re-tag split them.
    let first = ro.services.first().map_or(model.target(), |s| s.target.tag.as_str());
    let target = if ro.services.iter().all(|s| s.target.tag == first) { first } else { "target" };
    let mut lines: Vec<Line> = Vec::with_capacity(height);

    for (i, env) in ro.envs.iter().enumerate() {
        let lock = model.deploy.lock(env).map(|l| format!(" · LOCKED: {}", l.reason));
        lines.push(progress_line(env, ro.progress(i), target, lock, width, ctx));
    }

    let longest_name = ro.services.iter().map(|s| s.name.width()).max().unwrap_or(0);
    let text = text_width(model);
    let (name_w, layout) = table_layout(width, longest_name, ro.envs.len(), text);
    let col_w = layout.width;
    let shared = shared_prefix(ro.services.iter().map(|s| s.name.as_str()));

    let mut head = vec![Span::styled(fit(" SERVICE", name_w + 2), t.muted)];
    for env in &ro.envs {
        let style = if is_prod(env) { t.env_prod } else { t.env };
        let locked = if model.deploy.lock(env).is_some() { " ⊘" } else { "" };
        head.push(Span::styled(fit(&format!("  {}{locked}", env.to_uppercase()), col_w), style));
    }
    lines.push(Line::from(head));
    // The rows shown are the filter's, not consecutive services.
    let on_screen: Vec<Option<usize>> = kept.iter().skip(view.rollout_offset).take(shown).map(|&i| Some(i)).collect();
    let rows_at = Rect { y: inner.y + lines.len() as u16, height: on_screen.len() as u16, ..inner };
    view.hits.rows(Pane::Rollout, rows_at, &on_screen);

    for &idx in kept.iter().skip(view.rollout_offset).take(rows) {
        let row = &ro.services[idx];
        let is_sel = idx == selected;
        let name = format!("{} {}", mark(is_sel), fit_row_name(&row.name, name_w, shared));
        let mut spans = vec![Span::styled(name, t.text)];
        for (env, cell) in ro.envs.iter().zip(&row.cells) {
            let smoke = cells::smoke_mark(model, &row.name, env, cell.as_ref());
            spans.extend(cell_spans(cell.as_ref(), &row.target, layout, ctx, smoke));
        }
        let mut line = Line::from(spans);
        if is_sel {
            line = line.patch_style(selected_style(ctx, focused));
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

/// An environment's progress, and its lock: the bar gives way to the reason.
fn progress_line<'a>(
    env: &str,
    p: Progress,
    target: &str,
    lock: Option<String>,
    width: usize,
    ctx: &RenderCtx,
) -> Line<'a> {
    let t = ctx.theme;
    let label = fit(&format!(" {env}"), 9);
    let counts = format!(" {}/{} on {target}", p.on_target, p.total);
    let errors = if p.errors > 0 { format!(" · {} failing", p.errors) } else { String::new() };
    let lock = lock.unwrap_or_default();
    let bar_w = width.saturating_sub(label.width() + counts.width() + errors.width() + lock.width() + 1).min(30);
    let done = (bar_w * p.on_target).checked_div(p.total).unwrap_or(0);
    let style = if is_prod(env) { t.env_prod } else { t.env };
    let count_style = if p.total > 0 && p.on_target == p.total { t.ok } else { t.text };
    // A long lock reason is cut with an ellipsis: `L` and the deploy dialogs say it whole.
    crate::ui::wrap::cut(
        Line::from(vec![
            Span::styled(label, style),
            Span::styled("█".repeat(done), t.gauge_done),
            Span::styled("░".repeat(bar_w - done), t.gauge_todo),
            Span::styled(counts, count_style),
            Span::styled(errors, t.error),
            Span::styled(lock, t.error),
        ]),
        width,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollout::probe::NO_VERSION_ENDPOINT;
    use crate::domain::{Heartbeat, ProbeState};

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
    fn the_detail_line_says_a_deploy_is_under_way_until_it_is_answered_or_past_its_timeout() {
        use crate::domain::journal::EventKind;
        use crate::domain::kernel::actor::Role;
        let now = chrono::Utc::now();
        let mut m = crate::testkit::model(&["web"], now);
        let (theme, keymap) = (crate::ui::theme::Theme::default(), crate::keymap::Keymap::default());
        let ctx = RenderCtx { theme: &theme, keymap: &keymap, now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
        let started = |id: &str, minutes: i64| {
            let kind = EventKind::DeployStarted {
                env: "prod".into(),
                service: "web".into(),
                tag: "v2".into(),
                rollback: false,
                overrides_lock: false,
            };
            crate::testkit::event(id, now - chrono::Duration::minutes(minutes), "bob", Role::Ops, kind)
        };
        let text = |m: &Model| -> String { detail_line(m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect() };
        m.apply_event(&started("b.1", 120));
        assert!(!text(&m).contains("deploying"), "two hours unanswered is not under way: {}", text(&m));
        m.apply_event(&started("b.2", 3));
        assert!(text(&m).contains("bob deploying v2 since"), "{}", text(&m));
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
        let spans: String =
            cell_spans(Some(cell), &target, layout, &ctx, None).iter().map(|s| s.content.as_ref()).collect();
        assert!(spans.contains(" ? "), "{spans}");
        let text: String = detail_line(&m, 0, &ctx).spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(text.contains(why), "{text}");

        // A heartbeat that failed with its service is the outage's to explain.
        let mut down = crate::testkit::failed(ProbeState::Timeout, "no answer within 2s", now);
        down.heartbeat_detail = Some("heartbeat: no answer within 2s".into());
        let cell = m.rollout.services[0].cells[1].as_mut().unwrap();
        cell.observe(down);
        let cell = m.rollout.services[0].cells[1].as_ref().unwrap();
        let spans: String =
            cell_spans(Some(cell), &target, layout, &ctx, None).iter().map(|s| s.content.as_ref()).collect();
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
