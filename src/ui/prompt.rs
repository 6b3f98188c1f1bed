//! The one-line prompt (a waiver's reason, the log search, the word that
//! finishes a push with things open): what it is about, and the text with a
//! real terminal cursor.

use super::RenderCtx;
use super::widgets::{centered, dialog};
use crate::domain::Model;
use crate::domain::view::prompt::{FINISH_WORD, PromptFor};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

pub fn render(frame: &mut Frame, body: Rect, model: &Model, ctx: &RenderCtx) {
    let Some(prompt) = model.view.prompt() else { return };
    let t = ctx.theme;
    let (title, lines) = match &prompt.purpose {
        PromptFor::Waive { item, overrides_role } => {
            let spec = model.checklist.item(item);
            let mut lines = vec![Line::styled(format!(" {}", spec.map_or(item.as_str(), |s| s.text.as_str())), t.text)];
            if *overrides_role {
                let owner = spec.map_or("?", |s| s.role.as_str());
                lines.push(Line::styled(format!(" Belongs to {owner}: recorded as an override."), t.warn));
            }
            lines.push(Line::styled(" Why does this check not apply this time?", t.muted));
            (" Waive a check ", lines)
        }
        PromptFor::Search => {
            let shown = model.visible_log().count();
            (" Search the log ", vec![Line::styled(format!(" Lines containing this ({shown} shown):"), t.muted)])
        }
        PromptFor::FinishPush { .. } => (" Finish the push? ", finish_lines(model, ctx)),
        PromptFor::DeployEnv { act, service } => super::deploy::env_prompt(model, *act, service.as_deref(), ctx),
        PromptFor::LockReason { env } => super::deploy::lock_prompt(env, model, ctx),
        PromptFor::DeployTyped { plan, word } => super::deploy::typed_prompt(plan, word, model, ctx),
    };
    // The finish prompt's list is what must be read: it gets the room.
    let widest = lines.iter().map(|l| l.width()).max().unwrap_or(0) as u16 + 4;
    let wide = !matches!(prompt.purpose, PromptFor::Search | PromptFor::Waive { .. });
    let width = if wide { widest.clamp(64, 110) } else { 64 }.min(body.width);
    let mut lines = super::wrap::fit(lines, width.saturating_sub(3) as usize);
    let area = centered(body, width, lines.len() as u16 + 4);
    let inner_w = area.width.saturating_sub(4) as usize;

    // The text scrolls so the cursor stays in view.
    let chars: Vec<char> = prompt.input.text().chars().collect();
    let cursor = prompt.input.cursor();
    let width_of = |cs: &[char]| cs.iter().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut start = 0;
    while width_of(&chars[start..cursor]) >= inner_w.max(1) {
        start += 1;
    }
    let mut shown = String::new();
    let mut used = 0;
    for c in &chars[start..] {
        let w = c.width().unwrap_or(0);
        if used + w > inner_w {
            break;
        }
        shown.push(*c);
        used += w;
    }
    let cursor_x = width_of(&chars[start..cursor]) as u16;
    lines.push(Line::from(vec![Span::styled(" > ", t.header_accent), Span::styled(shown, t.text)]));

    let y = area.y + lines.len() as u16;
    dialog(frame, area, title, lines, ctx);
    super::said::render(frame, area, model, ctx);
    let x = area.x + 1 + 3 + cursor_x;
    if y < area.bottom() && x < area.right() {
        frame.set_cursor_position((x, y));
    }
}

/// What is still open, per kind, and the word to type.
fn finish_lines(model: &Model, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let open = crate::domain::checklist::open::open(model);
    let mut lines = vec![Line::styled(" Not done yet:", t.warn)];
    for (phase, items) in &open.items {
        lines.push(Line::styled(format!("  {phase}: {} open", items.len()), t.text));
        for (text, role) in items {
            lines.push(Line::from(vec![
                Span::styled(format!("    ☐ {text} "), t.text),
                Span::styled(format!("({})", role.as_str()), t.muted),
            ]));
        }
    }
    lines.extend(open.blockers.iter().map(|b| Line::styled(format!("  ✖ blocker {b}"), t.error)));
    lines.extend(open.spikes.iter().map(|s| Line::styled(format!("  ✖ {s}"), t.error)));
    for (env, services) in &open.rollout {
        lines.push(Line::styled(format!("  {env}: not on target — {}", services.join(", ")), t.warn));
    }
    let started = model.checklist.push_started.as_ref().map(|(s, who)| {
        let local = s.with_timezone(&ctx.tz).format("%H:%M");
        format!(" Started {local} by {}, {} ago.", who.name, crate::domain::kernel::duration::human(ctx.now - *s))
    });
    lines.extend(started.map(|s| Line::styled(s, t.muted)));
    lines.push(Line::styled(
        format!(" Type `{}` and enter to finish anyway; it is recorded with this list.", FINISH_WORD),
        t.text,
    ));
    lines
}
