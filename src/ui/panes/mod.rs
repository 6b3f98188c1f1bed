//! One file per pane.

pub mod checklist;
pub mod empty;
pub mod log;
pub mod repos;
pub mod rollout;
pub mod sentry;

use super::{RenderCtx, ViewState};
use crate::domain::Model;
use crate::domain::view::pane::Pane;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn render(frame: &mut Frame, area: Rect, pane: Pane, model: &Model, view: &mut ViewState, ctx: &RenderCtx) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    let focused = model.view.focus == pane;
    match pane {
        Pane::Rollout => rollout::render(frame, area, model, view, focused, ctx),
        Pane::Log => log::render(frame, area, model, view, focused, ctx),
        Pane::Checklist => checklist::render(frame, area, model, view, focused, ctx),
        Pane::Repos if model.repos.rows.is_empty() => {
            empty::render(frame, area, pane, "no repositories configured", focused, ctx)
        }
        Pane::Repos => repos::render(frame, area, model, view, focused, ctx),
        Pane::Sentry => match &model.sentry {
            Some(s) => sentry::render(frame, area, model, s, view, focused, ctx),
            None => empty::render(frame, area, pane, "Sentry not configured ([sentry] in the config)", focused, ctx),
        },
    }
}
