//! Who is in a shared push, for the log pane's lower border: each person
//! with their role and when they were last heard from, most recent first,
//! as many as fit.

use super::RenderCtx;
use crate::domain::Model;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// Heard from within this, a person counts as here (a cockpit beats every
/// five minutes); longer ago, they are shown faded.
const HERE: chrono::TimeDelta = chrono::TimeDelta::minutes(11);

/// `None` when the push is not shared or nobody was heard from.
pub fn line(model: &Model, ctx: &RenderCtx, width: usize) -> Option<Line<'static>> {
    model.share.as_ref()?;
    let people = model.journal.people.newest_first();
    if people.is_empty() {
        return None;
    }
    let t = ctx.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 2;
    for (i, p) in people.iter().enumerate() {
        let ago = ctx.now - p.last_seen;
        let when = if ago < chrono::TimeDelta::minutes(1) { "now".to_string() } else { short(ago) };
        let name = if p.name.width() <= 16 { p.name.clone() } else { super::widgets::fit(&p.name, 16) };
        let text = format!("{name} {} {when}", p.role.as_str());
        let rest = people.len() - i - 1;
        let more = if rest > 0 { format!(" +{rest}") } else { String::new() };
        let sep = if i == 0 { 0 } else { 3 };
        if used + sep + text.width() + more.width() + 1 > width {
            let left = people.len() - i;
            spans.push(Span::styled(format!(" +{left} "), t.muted));
            return Some(Line::from(spans));
        }
        if i > 0 {
            spans.push(Span::styled(" · ", t.muted));
        }
        used += sep + text.width();
        spans.push(Span::styled(text, if ago < HERE { t.text } else { t.muted }));
    }
    spans.push(Span::raw(" "));
    Some(Line::from(spans))
}

/// "4m", "2h", "3d": one unit, for a glance.
fn short(d: chrono::TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}
