//! The smoke checks' part of the Rollout detail line: how the selected
//! cell's checks went on the version it runs.

use crate::domain::Model;
use crate::domain::rollout::Cell;
use crate::ui::RenderCtx;
use ratatui::text::Span;

/// ` · smoke 3/3 passed`, ` · smoke 1/3 FAILED: /api: HTTP 500, expected
/// 200`, ` · smoke running…`, ` · smoke not run on 2026.12.01`; nothing for
/// a cell no check applies to.
pub(super) fn spans<'a>(model: &Model, service: &str, env: &str, cell: &Cell, ctx: &RenderCtx) -> Vec<Span<'a>> {
    let t = ctx.theme;
    let smoke = &model.smoke;
    if smoke.checks_for(service, env).next().is_none() {
        return Vec::new();
    }
    if smoke.is_running(service, env) {
        return vec![Span::styled(" · smoke running…", t.muted)];
    }
    let Some(version) = cell.version().and_then(|v| v.key()) else { return Vec::new() };
    let results = smoke.on_version(service, env, version);
    let total = results.len();
    let failed: Vec<_> = results.iter().filter_map(|(s, o)| o.filter(|o| !o.ok).map(|o| (s, o))).collect();
    let passed = results.iter().filter(|(_, o)| o.is_some_and(|o| o.ok)).count();
    if let Some((spec, first)) = failed.first() {
        let text = format!(" · smoke {}/{total} FAILED: {}: {}", failed.len(), spec.label(), first.detail);
        return vec![Span::styled(text, t.error)];
    }
    if passed == total {
        return vec![Span::styled(format!(" · smoke {passed}/{total} passed"), t.ok)];
    }
    vec![Span::styled(format!(" · smoke {passed}/{total} run on {version}"), t.muted)]
}

#[cfg(test)]
mod tests {
    use super::super::cells::{cell_spans, smoke_mark};
    use super::super::detail::detail_line;
    use super::super::layout::CellLayout;
    use crate::domain::journal::{Event, EventActor, EventKind};
    use crate::domain::kernel::actor::Role;
    use crate::domain::smoke::{Smoke, SmokeSpec, SmokeTarget};
    use crate::domain::{Heartbeat, Model};
    use crate::ui::RenderCtx;
    use std::time::Duration;

    fn checked(m: &mut Model, check: &str, ok: bool, detail: &str) {
        m.now += chrono::Duration::seconds(1);
        let kind = EventKind::SmokeChecked {
            env: "prod".into(),
            service: "web".into(),
            version: "2026.11.26".into(),
            check: check.into(),
            ok,
            detail: detail.into(),
        };
        let actor = EventActor { name: "carol".into(), role: Role::Ops };
        let e = Event {
            committer: None,
            v: 1,
            id: format!("e{check}{ok}"),
            at: m.now,
            replica: "r".into(),
            seq: 1,
            actor,
            kind,
        };
        m.apply_event(&e);
    }

    fn text(m: &Model, ctx: &RenderCtx) -> (String, String) {
        let cell = m.rollout.services[0].cells[1].as_ref();
        let target = m.rollout.services[0].target.clone();
        let mark = smoke_mark(m, "web", "prod", cell);
        let spans = cell_spans(cell, &target, CellLayout::for_width(40, 10), ctx, mark);
        let detail = detail_line(m, 0, ctx);
        (spans.iter().map(|s| s.content.as_ref()).collect(), detail.spans.iter().map(|s| s.content.as_ref()).collect())
    }

    #[test]
    fn the_cell_marks_and_the_detail_line_says_how_the_checks_went() {
        let now = chrono::Utc::now();
        let mut m = crate::testkit::model(&["web"], now);
        let spec = |p: &str| SmokeSpec {
            service: None,
            env: Some("prod".into()),
            target: SmokeTarget::Path(p.into()),
            expect_status: 200,
            contains: None,
            json: Vec::new(),
            timeout: Duration::from_secs(10),
        };
        m.smoke = Smoke::new(vec![spec("/a"), spec("/b")]);
        let probe = crate::testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, now);
        for cell in m.rollout.services[0].cells.iter_mut().flatten() {
            cell.observe(probe.clone());
        }
        let (theme, keymap) = (crate::ui::theme::Theme::default(), crate::keymap::Keymap::default());
        let ctx = RenderCtx { theme: &theme, keymap: &keymap, now, tz: chrono::FixedOffset::east_opt(0).unwrap() };

        let (cell, detail) = text(&m, &ctx);
        assert!(!cell.contains('✓') && !cell.contains('✘'), "{cell}");
        assert!(detail.contains(" · smoke 0/2 run on 2026.11.26"), "{detail}");
        m.smoke.running.insert(("prod".into(), "web".into()), 2);
        let (cell, detail) = text(&m, &ctx);
        assert!(cell.contains(" ◌"), "{cell}");
        assert!(detail.contains(" · smoke running…"), "{detail}");
        m.smoke.running.clear();
        checked(&mut m, "/a", true, "");
        checked(&mut m, "/b", true, "");
        let (cell, detail) = text(&m, &ctx);
        assert!(
            cell.contains("2026.11.26 ✓ ") && cell.contains(" abcd… "),
            "the version whole, the commit cut: {cell}"
        );
        assert!(detail.contains(" · smoke 2/2 passed"), "{detail}");
        checked(&mut m, "/b", false, "HTTP 502, expected 200");
        let (cell, detail) = text(&m, &ctx);
        assert!(cell.contains(" ✘"), "{cell}");
        assert!(detail.contains(" · smoke 1/2 FAILED: /b: HTTP 502, expected 200"), "{detail}");
    }
}
