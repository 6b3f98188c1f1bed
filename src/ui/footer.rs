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
    if let Some(flash) = model.flash.as_ref().filter(|f| f.until > ctx.now) {
        // An answer to the last key outranks the hints for a few seconds.
        let style = if flash.error { t.error } else { t.ok };
        frame.render_widget(Paragraph::new(Line::from(Span::styled(format!(" {}", flash.text), style))), area);
        return;
    }
    // While text is typed the keymap is off: the hints are the editor's.
    let typing: Option<&[(&str, &str)]> = if model.composing && !model.help && model.confirm.is_none() {
        Some(&[
            ("enter", "send"),
            ("alt-enter", "new line"),
            ("↑", "previous"),
            ("esc", "leave"),
            ("/help", "commands"),
        ])
    } else if let Some(prompt) = &model.prompt {
        let search = prompt.purpose == crate::domain::model::PromptFor::Search;
        Some(if search {
            &[("enter", "keep"), ("esc", "cancel"), ("ctrl-w", "delete word")]
        } else {
            &[("enter", "waive"), ("esc", "cancel"), ("ctrl-w", "delete word")]
        })
    } else {
        None
    };
    if let Some(pairs) = typing {
        let mut spans = vec![Span::raw(" ")];
        for (i, (key, label)) in pairs.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(GAP, t.footer_text));
            }
            spans.push(Span::styled(*key, t.footer_key));
            spans.push(Span::styled(format!(" {label}"), t.footer_text));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    let actions: &[Action] = if model.help {
        &[Action::ToggleHelp, Action::Cancel, Action::SelectNext, Action::Quit]
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
    } else if model.focus == Pane::Checklist {
        &[
            Action::Quit,
            Action::ToggleHelp,
            Action::FocusNext,
            Action::ToggleTick,
            Action::Waive,
            Action::MarkPush,
            Action::SelectNext,
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
    let width = area.width as usize;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    // Hints are drawn as `key label`, three spaces apart; one that does not
    // fit whole is left out, never cut.
    let mut push = |spans: &mut Vec<Span<'static>>, key: String, label: String| -> bool {
        let gap = if used > 1 { GAP.len() } else { 0 };
        let w = gap + key.width() + 1 + label.width();
        if used + w > width {
            return false;
        }
        used += w;
        if gap > 0 {
            spans.push(Span::styled(GAP, t.footer_text));
        }
        spans.push(Span::styled(key, t.footer_key));
        spans.push(Span::styled(format!(" {label}"), t.footer_text));
        true
    };
    let mut all_fit = true;
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
        if !push(&mut spans, key.to_string(), label.to_string()) {
            all_fit = false;
            break;
        }
    }
    // The pane keys come last: shown only after every hint before them.
    if all_fit
        && !model.help
        && model.confirm.is_none()
        && model.compare.is_none()
        && let Some(keys) = focus_keys(ctx)
    {
        push(&mut spans, keys, "panes".to_string());
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

const GAP: &str = "   ";

/// "1-5" when the pane keys are the digits 1 to 5 in pane order (the only
/// case a range describes honestly); otherwise no hint, as help lists them.
fn focus_keys(ctx: &RenderCtx) -> Option<String> {
    let focus =
        [Action::FocusChecklist, Action::FocusRepos, Action::FocusRollout, Action::FocusSentry, Action::FocusLog];
    let digits = focus
        .iter()
        .enumerate()
        .all(|(i, &a)| ctx.keymap.keys_for(a).first().is_some_and(|k| k.to_string() == (i + 1).to_string()));
    digits.then(|| "1-5".to_string())
}
