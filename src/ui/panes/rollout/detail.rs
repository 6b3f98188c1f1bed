//! The lines under the table: the selected service's most notable cell,
//! wrapped into the room the rows leave.

use super::cells::*;
use crate::domain::kernel::redact;
use crate::domain::rollout::{Cell, CellStatus, Target};
use crate::domain::{Heartbeat, Model, Remote};
use crate::ui::RenderCtx;
use crate::ui::widgets::age;
use ratatui::text::{Line, Span};

/// Lines the detail under the table may take when the rows leave room.
pub(super) const DETAIL_MAX: usize = 3;

/// The detail wrapped under itself, continuation lines indented a column.
pub(super) fn wrap(line: Line<'static>, width: usize, max: usize) -> Vec<Line<'static>> {
    crate::ui::wrap::spans(line, width, max, usize::from(width > 1))
}

/// How much a cell needs explaining in the detail line; higher wins.
pub(super) fn interest(cell: &Cell, target: &Target) -> (u8, u8, bool) {
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

pub(super) fn is_prod(env: &str) -> bool {
    let e = env.to_ascii_lowercase();
    e.contains("prod") || e == "production" || e == "live"
}

/// What the selected service runs, or why it failed, with the URL asked.
pub(super) fn detail_line<'a>(model: &Model, selected: usize, ctx: &RenderCtx) -> Line<'a> {
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
    spans.extend(super::smoke::spans(model, &row.name, env, cell, ctx));
    // The model keeps the configured URL for the request; the screen never
    // shows a password in it.
    // A deploy there under way anywhere in the team, else the last one if it
    // failed. One unanswered past its timeout is a cockpit that went away,
    // not a deploy still running.
    let live = |at: chrono::DateTime<chrono::Utc>| {
        let timeout = model.deploy.spec(env).map_or(std::time::Duration::from_secs(600), |s| s.timeout);
        (ctx.now - at).to_std().unwrap_or_default() <= timeout + std::time::Duration::from_secs(60)
    };
    if let Some((_, d)) = model.deploy.in_flight().find(|(_, d)| d.service == row.name && d.env == *env && live(d.at)) {
        let local = d.at.with_timezone(&ctx.tz).format("%H:%M");
        let verb = if d.rollback { "rolling back to" } else { "deploying" };
        spans.push(Span::styled(format!(" · {} {verb} {} since {local}", d.by, d.tag), t.warn));
    } else if let Some((s, f)) = model.deploy.last(&row.name, env).filter(|(_, f)| !f.ok) {
        spans.push(Span::styled(format!(" · {}'s deploy of {} failed: {}", s.by, s.tag, f.detail), t.error));
    }
    // What a rollback (`R`) would go back to there.
    if let Some(k) = crate::domain::history::lookup::known_good(model, &row.name, env) {
        spans.push(Span::styled(format!(" · last known good {}", k.label()), t.muted));
    }
    spans.push(Span::styled(format!(" · {}", redact::url(&cell.endpoint.version_url)), t.muted));
    if let Some(to) = &cell.final_url {
        // The configured URL is out of date: said in the text colour, so it
        // reads as news rather than as the muted address beside it.
        spans.push(Span::styled(format!(" redirected to {}", redact::url(to)), t.text));
    }
    Line::from(spans)
}
