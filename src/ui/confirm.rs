//! Confirmation dialogs: creating and pushing tags (listing exactly what will
//! happen, repository by repository, before anything does), ticking another
//! role's item, taking back a sign-off, marking the push started,
//! finished (with nothing open) or reopened, and quitting while git work is
//! in flight.

use super::RenderCtx;
use super::widgets::{centered, fit};
use crate::domain::Model;
use crate::domain::repos::basket::RetagPlan;
use crate::domain::view::confirm::Confirm;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn render(frame: &mut Frame, body: Rect, model: &Model, ctx: &RenderCtx) {
    let Some(dialog) = model.view.confirm() else { return };
    let t = ctx.theme;
    let repo_name = |i: usize| model.repos.rows.get(i).map_or("?", |r| r.spec.name.as_str()).to_string();
    let name_w = model.repos.rows.iter().map(|r| r.spec.name.chars().count()).max().unwrap_or(8).min(24);
    let mut lines = Vec::new();
    let no_skips = Vec::new();
    let (title, skipped) = match dialog {
        Confirm::CreateTags { tags, skipped } => {
            lines.push(Line::styled(
                format!(" Create {} annotated tag(s) as {}:", tags.len(), model.actor.name),
                t.text,
            ));
            for p in tags {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {} ", fit(&repo_name(p.repo), name_w)), t.text),
                    Span::styled(format!("{} ", p.tag), t.warn),
                    Span::styled(
                        format!("→ {} ", crate::domain::rollout::probe::short_sha(&p.commit.sha)),
                        t.header_accent,
                    ),
                    Span::styled(p.commit.summary.clone(), t.muted),
                ]));
            }
            (" Create tags? ", skipped)
        }
        Confirm::PushTags { tags, skipped } => {
            lines.push(Line::styled(format!(" Push {} tag(s):", tags.len()), t.text));
            for (repo, tag) in tags {
                let remote = model.repos.rows.get(*repo).map_or("origin", |r| r.spec.remote.as_str());
                lines.push(Line::from(vec![
                    Span::styled(format!("  {} ", fit(&repo_name(*repo), name_w)), t.text),
                    Span::styled(format!("git push {remote} refs/tags/{tag}"), t.warn),
                ]));
            }
            (" Push tags? ", skipped)
        }
        Confirm::Retag(plan) => {
            lines.extend(retag_lines(plan, model, ctx));
            (" Re-tag from the pick basket? ", &no_skips)
        }
        Confirm::Quit { in_flight } => {
            let question = crate::domain::view::quit::question(in_flight);
            lines.extend(question.into_iter().map(|l| Line::styled(format!(" {l}"), t.warn)));
            (" Quit? ", &no_skips)
        }
        Confirm::Deploy { plan } => {
            lines.extend(super::deploy::plan_lines(plan, model, ctx));
            (if plan.rollback { " Roll back? " } else { " Deploy? " }, &no_skips)
        }
        Confirm::Unlock { env, .. } => {
            lines.extend(super::deploy::unlock_lines(env, model, ctx));
            (" Unlock deploys? ", &no_skips)
        }
        other => {
            lines.extend(checklist_lines(other, model, ctx));
            let title = match other {
                Confirm::TickForOtherRole { .. } => " Tick for another role? ",
                Confirm::Untick { .. } => " Take back a sign-off? ",
                Confirm::StartPush { .. } => " Start the push? ",
                Confirm::ReopenPush { .. } => " Reopen the push? ",
                _ => " Finish the push? ",
            };
            (title, &no_skips)
        }
    };
    for (repo, why) in skipped {
        lines.push(Line::styled(format!("  {} skipped: {why}", fit(&repo_name(*repo), name_w)), t.muted));
    }
    lines.push(Line::default());
    let confirm =
        ctx.keymap.keys_for(crate::action::Action::Activate).first().map_or("enter".into(), |k| k.to_string());
    let cancel = ctx.keymap.keys_for(crate::action::Action::Cancel).first().map_or("esc".into(), |k| k.to_string());
    lines.push(Line::from(vec![
        Span::styled(format!(" {confirm}"), t.footer_key),
        Span::styled(" confirm   ", t.footer_text),
        Span::styled(cancel, t.footer_key),
        Span::styled(" cancel", t.footer_text),
    ]));
    let width = (lines.iter().map(|l| l.width()).max().unwrap_or(40) as u16 + 4).max(40).min(body.width);
    let lines = super::wrap::fit(lines, width.saturating_sub(3) as usize);
    let area = centered(body, width, lines.len() as u16 + 2);
    super::widgets::dialog(frame, area, title, lines, ctx);
    super::said::render(frame, area, model, ctx);
}

fn checklist_lines(dialog: &Confirm, model: &Model, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&ctx.tz).format("%H:%M").to_string();
    let item_text = |id: &str| model.checklist.item(id).map_or_else(|| id.to_string(), |i| i.text.clone());
    let you = format!("{} ({})", model.actor.name, model.actor.role.as_str());
    match dialog {
        Confirm::TickForOtherRole { item } => {
            let owner = model.checklist.item(item).map_or("?", |i| i.role.as_str());
            vec![
                Line::styled(format!(" {}", item_text(item)), t.text),
                Line::styled(format!(" This item belongs to {owner}; you are {you}."), t.warn),
                Line::styled(" Your tick is recorded as an override.", t.muted),
            ]
        }
        Confirm::Untick { item, .. } => {
            let by = model.checklist.marks.get(item).map(|m| {
                let what = if m.waived { "waived" } else { "ticked" };
                format!(" {what} by {} ({}) at {}", m.by.name, m.by.role.as_str(), local(m.at))
            });
            let mut v = vec![Line::styled(format!(" {}", item_text(item)), t.text)];
            v.extend(by.map(|b| Line::styled(b, t.muted)));
            v.push(Line::styled(" Untick it? The tick stays in the log.", t.warn));
            v
        }
        Confirm::StartPush { .. } => {
            vec![Line::styled(format!(" Mark the push as started now ({}).", local(ctx.now)), t.text)]
        }
        Confirm::FinishPush { .. } => {
            let started = model.checklist.push_started.as_ref().map(|(s, who)| {
                let took = crate::domain::kernel::duration::human(ctx.now - *s);
                format!(" Started {} by {}, {took} ago.", local(*s), who.name)
            });
            let mut v = vec![Line::styled(" Mark the push as finished now.", t.text)];
            v.extend(started.map(|s| Line::styled(s, t.muted)));
            v.push(Line::styled(
                " Nothing is open: every item done, no blocker, no spike, every service on target.",
                t.ok,
            ));
            v
        }
        Confirm::ReopenPush { finished } => {
            let mut v = vec![Line::styled(format!(" The push finished at {}.", local(*finished)), t.text)];
            if let Some((s, _)) = &model.checklist.push_started {
                v.push(Line::styled(
                    format!(" Reopen it: it runs again, timed from its start at {}.", local(*s)),
                    t.warn,
                ));
            }
            v.push(Line::styled(" The reopening is recorded in the log.", t.muted));
            v
        }
        Confirm::CreateTags { .. }
        | Confirm::PushTags { .. }
        | Confirm::Retag(_)
        | Confirm::Quit { .. }
        | Confirm::Deploy { .. }
        | Confirm::Unlock { .. } => Vec::new(),
    }
}

/// Exactly what a re-tag will do: the base, the tag made, each pick in the
/// order it is cherry-picked, and that pushing is asked after.
fn retag_lines(plan: &RetagPlan, model: &Model, ctx: &RenderCtx) -> Vec<Line<'static>> {
    let t = ctx.theme;
    let base = if plan.first {
        format!(" onto {}, the previous push's tag (this push has none yet),", plan.base)
    } else {
        format!(" onto {}, this push's newest tag,", plan.base)
    };
    let mut v = vec![
        Line::from(vec![
            Span::styled(format!(" {}: build ", plan.name), t.text),
            Span::styled(plan.tag.clone(), t.warn),
            Span::styled(format!(" as {}", model.actor.name), t.text),
        ]),
        Line::styled(base, t.text),
        Line::styled(" cherry-picking with -x in a temporary worktree, in this order:", t.text),
    ];
    for (i, (sha, summary)) in plan.picks.iter().enumerate() {
        v.push(Line::from(vec![
            Span::styled(format!("  {}. ", i + 1), t.muted),
            Span::styled(format!("{} ", crate::domain::rollout::probe::short_sha(sha)), t.header_accent),
            Span::styled(summary.clone(), t.text),
        ]));
    }
    // Short lines: the dialog fits 80 columns.
    v.push(Line::styled(format!(" then tag it {} (annotated, listing the picks).", plan.tag), t.text));
    v.push(Line::styled(format!(" A pick already in {} is skipped; a conflict makes nothing.", plan.base), t.muted));
    v.push(Line::styled(" Your checkout is not touched. Pushing is asked next.", t.muted));
    v
}
