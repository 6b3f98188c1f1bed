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
