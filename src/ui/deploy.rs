//! What deploys look like: which environment (`d`, `R`, `L`), the plan a
//! deploy or rollback dialog spells out (from which version to which, why
//! a version is known good, through which hook, the lock after a
//! rollback), a lock's reason and an unlock, and the run's output with
//! elapsed time, scrollable, closable while it runs.

use super::RenderCtx;
use super::widgets::{centered, dialog, span};
use crate::domain::Model;
use crate::domain::deploy::plan::{DeployAct, Plan};
use crate::domain::deploy::run::LineKind;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The environments to choose from: number, name, hook, lock.
pub fn env_prompt(
    model: &Model,
    act: DeployAct,
    service: Option<&str>,
    ctx: &RenderCtx,
) -> (&'static str, Vec<Line<'static>>) {
    let t = ctx.theme;
    let (title, question) = match act {
        DeployAct::Deploy => (" Deploy ", format!(" Deploy {} to which environment?", service.unwrap_or("?"))),
        DeployAct::Rollback => (
            " Roll back ",
            format!(" Roll {} back to its last known good on which environment?", service.unwrap_or("?")),
        ),
        DeployAct::Lock => (" Lock deploys ", " Lock (or unlock) deploys to which environment?".to_string()),
    };
    let mut lines = vec![Line::styled(question, t.text)];
    for (i, env) in model.rollout.envs.iter().enumerate() {
        let hook = model.deploy.spec(env).map_or_else(|| "no [deploy] hook".to_string(), |s| s.hook.describe());
        let mut spans =
            vec![Span::styled(format!("  {} ", i + 1), t.header_accent), Span::styled(format!("{env:<8} "), t.text)];
        if act != DeployAct::Lock {
            spans.push(Span::styled(hook, t.muted));
        }
        if let Some(lock) = model.deploy.lock(env) {
            spans.push(Span::styled(format!("  locked by {}: {}", lock.by, lock.reason), t.error));
        }
        lines.push(Line::from(spans));
    }
    let hint = match act {
        DeployAct::Lock => " Type its number or name and enter.",
        _ => " Type its number or name and enter; add `all` for every service, in order.",
    };
    lines.push(Line::styled(hint, t.muted));
    (title, lines)
}

/// Why the environment is being locked.
pub fn lock_prompt(env: &str, _model: &Model, ctx: &RenderCtx) -> (&'static str, Vec<Line<'static>>) {
    let t = ctx.theme;
    (
        " Lock deploys ",
        vec![
            Line::styled(format!(" Lock deploys to {env}: nobody deploys there until it is unlocked."), t.text),
            Line::styled(" Why? (\"waiting for the migration\")", t.muted),
        ],
    )
}

/// The plan, and the word to type.
pub fn typed_prompt(plan: &Plan, word: &str, model: &Model, ctx: &RenderCtx) -> (&'static str, Vec<Line<'static>>) {
    let mut lines = plan_lines(plan, model, ctx);
    lines.push(Line::styled(format!(" Type `{word}` and enter to go ahead, esc to cancel."), ctx.theme.text));
    (if plan.rollback { " Roll back? " } else { " Deploy? " }, lines)
}

/// Exactly what will happen, step by step.
pub fn plan_lines(plan: &Plan, model: &Model, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let verb = if plan.rollback { "Roll back" } else { "Deploy" };
    let order = if plan.steps.len() > 1 { ", one after another, stopping at the first failure" } else { "" };
    let mut lines = vec![Line::styled(format!(" {verb} on {} as {}{order}:", plan.env, model.actor.name), t.text)];
    for (i, s) in plan.steps.iter().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("  {}. {} ", i + 1, s.service), t.text),
            Span::styled(format!("{} → ", s.from.as_deref().unwrap_or("(not seen yet)")), t.muted),
            Span::styled(s.tag.clone(), t.warn),
        ]));
        if let Some(why) = &s.why {
            lines.push(Line::styled(format!("     known good: {why}"), t.muted));
        }
    }
    for (service, why) in &plan.skipped {
        lines.push(Line::styled(format!("  {service} is left out: {why}"), t.muted));
    }
    lines.push(Line::styled(format!(" Through {}.", plan.hook), t.muted));
    if let Some(lock) = &plan.lock {
        lines.push(Line::styled(format!(" {} is LOCKED by {}: {}", plan.env, lock.by, lock.reason), t.error));
        lines.push(Line::styled(" Going ahead is recorded as overriding the lock.", t.warn));
    }
    if plan.rollback {
        lines.push(Line::styled(
            format!(" Then {} is locked: \"{}\"; unlocking it (L) is up to you.", plan.env, plan.rollback_reason()),
            t.warn,
        ));
    }
    lines
}

pub fn unlock_lines(env: &str, model: &Model, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let mut lines = Vec::new();
    if let Some(lock) = model.deploy.lock(env) {
        let local = lock.at.with_timezone(&ctx.tz).format("%H:%M");
        lines.push(Line::styled(format!(" {env} was locked by {} at {local}:", lock.by), t.text));
        lines.push(Line::styled(format!("   {}", lock.reason), t.warn));
    }
    lines.push(Line::styled(format!(" Unlock it? Deploys to {env} are then allowed again."), t.text));
    lines
}

/// The run's output over the panes: what it is doing and for how long,
/// the newest lines (or those scrolled back to), and that closing it does
/// not stop it.
pub fn render_output(frame: &mut Frame, body: Rect, model: &Model, ctx: &RenderCtx) {
    let t = ctx.theme;
    let Some(run) = &model.deploy.run else { return };
    let back = match &model.view.overlay {
        Some(crate::domain::view::overlay::Overlay::Deploy { back }) => *back,
        _ => 0,
    };
    let area = centered(body, body.width.saturating_sub(4).max(20), body.height.saturating_sub(2).max(5));
    let inner_h = area.height.saturating_sub(2) as usize;
    let elapsed = span(run.ended.unwrap_or(ctx.now) - run.started);
    let state = match run.ended {
        None => Span::styled(format!(" {} · {elapsed}", run.summary()), t.warn),
        Some(_) if run.ok() => Span::styled(format!(" done on {} in {elapsed}", run.plan.env), t.ok),
        Some(_) => Span::styled(format!(" failed on {} after {elapsed}", run.plan.env), t.error),
    };
    let mut lines = vec![Line::from(state), Line::styled(format!(" through {}", run.plan.hook), t.muted)];
    let room = inner_h.saturating_sub(3);
    let len = run.output.len();
    let end = len.saturating_sub(back.min(len.saturating_sub(1)));
    let start = end.saturating_sub(room);
    for l in run.output.range(start..end) {
        let style = match l.kind {
            LineKind::Output => t.text,
            LineKind::Said => t.header_accent,
            LineKind::Failed => t.error,
        };
        let local = l.at.with_timezone(&ctx.tz).format("%H:%M:%S");
        lines.push(Line::from(vec![Span::styled(format!(" {local} "), t.muted), Span::styled(l.text.clone(), style)]));
    }
    while lines.len() < inner_h.saturating_sub(1) {
        lines.push(Line::default());
    }
    let foot = match (run.ended, back) {
        (None, 0) => " esc closes this; the deploy goes on (the header shows it)".to_string(),
        (_, 0) => " esc closes".to_string(),
        (_, n) => format!(" {n} line(s) back · ↓ for newer · esc closes"),
    };
    lines.push(Line::styled(foot, t.muted));
    let title = if run.plan.rollback { " Rollback " } else { " Deploy " };
    dialog(frame, area, title, lines, ctx);
    super::said::render(frame, area, model, ctx);
}
