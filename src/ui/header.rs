//! One line: release, push date and target tag, window countdown, the
//! current checklist phase (or when the push finished and how long it
//! took), push hero, and who is at the keyboard. Parts are
//! dropped, least important first, when the line is narrow; the hero and
//! who is at the keyboard are kept.

use super::RenderCtx;
use super::widgets::{fit, span};
use crate::domain::Model;
use crate::domain::checklist::eval::evaluate;
use crate::domain::kernel::duration::human;
use crate::domain::release::WindowState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// The priority of the push date and its label, which go together.
const DATE: u8 = 3;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, ctx: &RenderCtx) {
    let t = ctx.theme;
    let r = &model.release;
    // (priority, spans): lower numbers survive longer. Who you are (on the
    // right) and the hero stay at any width the cockpit draws at.
    let mut parts: Vec<(u8, Vec<Span>)> = vec![
        (0, vec![Span::styled(" ▲ ", t.header_accent), Span::styled(r.name.clone(), t.header)]),
        (DATE, vec![Span::styled("  push ", t.muted)]),
        (4, vec![Span::styled(r.push_date.format("%a ").to_string(), t.text)]),
        (3, vec![Span::styled(r.push_date.format("%Y-%m-%d").to_string(), t.text), Span::styled(" →", t.muted)]),
        (0, vec![Span::styled(" ", t.muted), Span::styled(r.target_tag.clone(), t.header_accent)]),
    ];
    if let Some(hero) = r.hero() {
        parts.push((1, vec![Span::styled("  hero ", t.muted), Span::styled(hero.to_string(), t.text)]));
    }
    // Where the push is: finished (when, and how long it took), else the
    // first phase not complete in the push's order.
    let view = evaluate(model);
    let c = &model.checklist;
    let phase = match (&c.push_started, &c.push_finished, view.current()) {
        (Some((s, _)), Some((f, _)), _) => {
            let at = f.with_timezone(&ctx.tz).format("%H:%M");
            vec![Span::styled(format!("  ✔ finished {at} · took {}", human(*f - *s)), t.ok)]
        }
        (_, _, Some((_, p))) => vec![
            Span::styled("  ▸ ", t.header_accent),
            Span::styled(p.name.to_string(), t.text),
            Span::styled(format!(" {}/{}", p.done(), p.items.len()), t.muted),
        ],
        _ if view.total() > 0 => vec![Span::styled("  ✔ checklist done", t.ok)],
        _ => Vec::new(),
    };
    parts.push((2, phase));
    if let Some(w) = &r.window {
        let hours = format!(" {}–{}", w.start_local.format("%H:%M"), w.end_local.format("%H:%M"));
        let state = match w.state(ctx.now) {
            WindowState::Opens(d) => Span::styled(format!("window opens in {}", span(d)), t.text),
            WindowState::Open { left: d } => Span::styled(format!(" WINDOW OPEN · {} left ", span(d)), t.window_open),
            WindowState::Closed { ago } => Span::styled(format!("window closed {} ago", span(ago)), t.muted),
        };
        parts.push((1, vec![Span::raw("  "), state]));
        parts.push((5, vec![Span::styled(hours, t.muted)]));
    }
    if let Some(share) = &model.share {
        parts.push(sharing(share, model.journal.people.len(), ctx));
    }
    // The demo's story standing still, said where the eye goes first.
    if model.demo.as_ref().is_some_and(|d| d.paused) {
        parts.push((
            0,
            vec![
                Span::raw("  "),
                Span::styled(" ❚❚ PAUSED · p resumes ", t.warn.add_modifier(ratatui::style::Modifier::REVERSED)),
            ],
        ));
    }
    parts.extend(deploys(model, ctx));
    let name = if model.actor.name.width() <= 20 { model.actor.name.clone() } else { fit(&model.actor.name, 20) };
    let mut right = Vec::new();
    if model.journal.read_only.is_some() {
        // Said where it cannot be missed: nothing of this session is being saved.
        right.push(Span::styled(" NOT SAVED ", t.error));
    }
    right.push(Span::styled(format!("  {name}"), t.text));
    right.push(Span::styled(format!(" ({}) ", model.actor.role.as_str()), t.muted));
    let width = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let mut right_w = width(&right);
    let total = |parts: &[(u8, Vec<Span>)]| parts.iter().map(|(_, s)| width(s)).sum::<usize>();
    let avail = area.width as usize;
    while total(&parts) + right_w > avail {
        // The least important part goes first, the latest of equals; who
        // is at the keyboard goes only when nothing else can.
        let worst = parts.iter().enumerate().filter(|(_, (p, _))| *p > 0).max_by_key(|(i, (p, _))| (*p, *i));
        match worst {
            // The push date goes with its label.
            Some((idx, _)) if parts[idx].0 == DATE => parts.retain(|(p, _)| *p != DATE),
            Some((idx, _)) => {
                parts.remove(idx);
            }
            None if right_w > 0 => right_w = 0,
            None => break,
        }
    }
    // Without the push date before it, the tag stands apart like the rest.
    if !parts.iter().any(|(p, _)| *p == DATE)
        && let Some((_, tag)) = parts.get_mut(1)
    {
        tag.insert(0, Span::raw(" "));
    }
    let left: Vec<Span> = parts.into_iter().flat_map(|(_, s)| s).collect();
    let [l, rr] = Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    if right_w > 0 {
        frame.render_widget(Paragraph::new(Line::from(right)), rr);
    }
}

/// A deploy this cockpit runs (its output closed), and the locked
/// environments: kept at any width, as what must not be missed.
fn deploys(model: &Model, ctx: &RenderCtx) -> Vec<(u8, Vec<Span<'static>>)> {
    let t = ctx.theme;
    let mut parts = Vec::new();
    if let Some(run) = model.deploy.run.as_ref().filter(|r| r.running()) {
        let took = span(ctx.now - run.started);
        parts.push((0, vec![Span::raw("  "), Span::styled(format!(" ⟳ {} · {took} ", run.summary()), t.warn)]));
    }
    let locked: Vec<&str> = model.deploy.locked().map(|(env, _)| env).collect();
    if !locked.is_empty() {
        parts.push((0, vec![Span::raw("  "), Span::styled(format!(" LOCKED {} ", locked.join(", ")), t.error)]));
    }
    parts
}

/// The shared push in a few words: in sync (how many people, how long
/// ago), or since when it is not (offline, refused), which survives
/// narrow screens; the log says why.
fn sharing(share: &crate::domain::share::ShareState, people: usize, ctx: &RenderCtx) -> (u8, Vec<Span<'static>>) {
    use crate::domain::share::Link;
    let t = ctx.theme;
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&ctx.tz).format("%H:%M").to_string();
    // Lines that only this machine has: what is lost if it dies now.
    let unsent = match share.unsent {
        0 => String::new(),
        n => format!(" · {n} unsent"),
    };
    match &share.link {
        Link::Starting => (5, vec![Span::styled("  sharing…", t.muted)]),
        Link::Synced { at } => {
            let people = match people {
                1 => "1 person".to_string(),
                n => format!("{n} people"),
            };
            // Short, so it fits beside the phase and the window at 120
            // columns; the log has the long story.
            let ago = span((ctx.now - *at).max(chrono::Duration::zero()));
            let style = if unsent.is_empty() { t.muted } else { t.warn };
            (2, vec![Span::styled(format!("  ⇄ {people} · {ago}{unsent}"), style)])
        }
        // Kept before the window at any width: lines that only this
        // machine has are what a person must know about first.
        Link::Offline { since, .. } => {
            (0, vec![Span::raw("  "), Span::styled(format!(" OFFLINE {}{unsent} ", local(*since)), t.error)])
        }
        Link::Refused { since, .. } => {
            (0, vec![Span::raw("  "), Span::styled(format!(" SHARE REFUSED {}{unsent} ", local(*since)), t.error)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::EventKind;
    use crate::domain::kernel::actor::Role;
    use chrono::Duration;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(model: &Model) -> String {
        let (theme, keymap) = (crate::ui::theme::Theme::default(), crate::keymap::Keymap::default());
        let ctx =
            RenderCtx { theme: &theme, keymap: &keymap, now: model.now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
        let mut term = Terminal::new(TestBackend::new(140, 1)).unwrap();
        term.draw(|f| render(f, f.area(), model, &ctx)).unwrap();
        term.backend().buffer().content().iter().map(|c| c.symbol()).collect()
    }

    fn push(model: &mut Model, minutes: i64, kind: EventKind) {
        let start = model.release.window.as_ref().unwrap().start;
        let at = start + Duration::minutes(minutes);
        model.apply_events(&[crate::testkit::event(&format!("p{minutes}"), at, "rita", Role::Rm, kind)]);
    }

    #[test]
    fn a_finished_push_says_when_and_how_long_instead_of_a_phase() {
        let start = crate::testkit::release().window.unwrap().start;
        let mut m = crate::testkit::model(&["web", "api"], start + Duration::minutes(90));
        push(&mut m, 0, EventKind::PushStarted);
        let running = screen(&m);
        let first = evaluate(&m).current().map(|(_, p)| p.name.to_string()).unwrap();
        assert!(running.contains(&format!("▸ {first} ")), "the first phase not complete: {running}");

        push(&mut m, 72, EventKind::PushFinished { open: vec!["blocker #1 CDN purge pending".into()] });
        let done = screen(&m);
        let at = (start + Duration::minutes(72)).format("%H:%M");
        assert!(done.contains(&format!("✔ finished {at} · took 1h 12m")), "{done}");
        assert!(!done.contains('▸'), "no phase once finished: {done}");

        push(&mut m, 80, EventKind::PushReopened);
        assert!(screen(&m).contains(&format!("▸ {first} ")), "reopened: the phase again");
    }

    #[test]
    fn a_paused_demo_says_so_in_the_header() {
        let start = crate::testkit::release().window.unwrap().start;
        let mut m = crate::testkit::model(&["web"], start);
        assert!(!screen(&m).contains("PAUSED"));
        m.demo = Some(crate::domain::demo::Demo { paused: true });
        assert!(screen(&m).contains("❚❚ PAUSED · p resumes"), "{}", screen(&m));
    }
}
