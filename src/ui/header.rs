//! One line: release, push date and target tag, window countdown, push hero,
//! and who is at the keyboard.

use super::widgets::span;
use super::RenderCtx;
use crate::domain::release::WindowState;
use crate::domain::Model;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, ctx: &RenderCtx) {
    let t = ctx.theme;
    let r = &model.release;
    let mut left = vec![
        Span::styled(" ▲ ", t.header_accent),
        Span::styled(r.name.clone(), t.header),
        Span::styled("  push ", t.muted),
        Span::styled(r.push_date.format("%a %Y-%m-%d").to_string(), t.text),
        Span::styled(" → ", t.muted),
        Span::styled(r.target_tag.clone(), t.header_accent),
    ];
    if let Some(hero) = r.hero() {
        left.push(Span::styled("  hero ", t.muted));
        left.push(Span::styled(hero.to_string(), t.text));
    }
    if let Some(w) = &r.window {
        let hours = format!("{}–{}", w.start_local.format("%H:%M"), w.end_local.format("%H:%M"));
        left.push(Span::styled("  window ", t.muted));
        match w.state(ctx.now) {
            WindowState::Opens(d) => {
                left.push(Span::styled(hours, t.text));
                left.push(Span::styled(format!(" opens in {}", span(d)), t.muted));
            }
            WindowState::Open { left: d } => {
                left.push(Span::styled(hours, t.text));
                left.push(Span::raw(" "));
                left.push(Span::styled(format!(" OPEN · {} left ", span(d)), t.window_open));
            }
            WindowState::Closed { ago } => {
                left.push(Span::styled(hours, t.muted));
                left.push(Span::styled(format!(" closed {} ago", span(ago)), t.muted));
            }
        }
    }
    let right = vec![
        Span::styled(format!("  {}", fit_name(&model.actor.name)), t.text),
        Span::styled(format!(" ({}) ", model.actor.role.as_str()), t.muted),
    ];
    let right_w = right.iter().map(|s| s.content.width()).sum::<usize>() as u16;
    let [l, rr] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    frame.render_widget(Paragraph::new(Line::from(right)), rr);
}

/// Long git user names would crowd out the push facts.
fn fit_name(name: &str) -> String {
    if name.width() <= 20 { name.to_string() } else { super::widgets::fit(name, 20) }
}
