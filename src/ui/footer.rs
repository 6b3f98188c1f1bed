//! Key hints, generated from the keymap so they cannot drift from the real
//! bindings, fitted to the width.

use super::RenderCtx;
use crate::action::Action;
use crate::domain::{Model, Pane};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, ctx: &RenderCtx) {
    let t = ctx.theme;
    let actions: &[Action] = if model.help {
        &[Action::ToggleHelp, Action::Cancel, Action::Quit]
    } else if model.confirm.is_some() {
        &[Action::Activate, Action::Cancel, Action::Quit]
    } else if model.compare.is_some() {
        &[
            Action::Cancel,
            Action::SelectNext,
            Action::SelectPrev,
            Action::ToggleMerges,
            Action::CopyUrl,
            Action::OpenUrl,
        ]
    } else if model.focus == Pane::Repos {
        &[
            Action::Quit,
            Action::ToggleHelp,
            Action::FocusNext,
            Action::Fetch,
            Action::CreateTags,
            Action::PushTags,
            Action::Compare,
            Action::SelectNext,
        ]
    } else {
        &[
            Action::Quit,
            Action::ToggleHelp,
            Action::FocusNext,
            Action::ToggleZoom,
            Action::Refresh,
            Action::SelectNext,
            Action::SelectPrev,
        ]
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for &action in actions {
        let Some(key) = ctx.keymap.keys_for(action).first() else { continue };
        let label = if action == Action::Cancel && (model.help || model.compare.is_some()) {
            "close"
        } else if action == Action::Cancel && model.confirm.is_some() {
            "cancel"
        } else if action == Action::Activate && model.confirm.is_some() {
            "confirm"
        } else {
            action.footer_label().unwrap_or(action.name())
        };
        let key = key.to_string();
        let w = key.width() + label.width() + 3;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(key, t.footer_key));
        spans.push(Span::styled(format!(" {label}   "), t.footer_text));
    }
    if !model.help && model.confirm.is_none() && model.compare.is_none() {
        let focus_hint = "1-5 panes";
        if used + focus_hint.width() <= area.width as usize {
            spans.push(Span::styled(focus_hint, t.footer_text));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
