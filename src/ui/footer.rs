//! Key hints: the scope's list (`keymap/hints.rs`) with the keys the keymap
//! binds, so they cannot drift from the real bindings, fitted to the width.

use super::RenderCtx;
use crate::action::Action;
use crate::domain::Model;
use crate::domain::view::scope::scope;
use crate::keymap::hints::{Hints, hints, label};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn render(frame: &mut Frame, area: Rect, model: &Model, ctx: &RenderCtx) {
    let t = ctx.theme;
    if let Some(flash) = model.view.flash.as_ref().filter(|f| f.until > ctx.now) {
        // An answer to the last key outranks the hints for a few seconds.
        let style = if flash.error { t.error } else { t.ok };
        frame.render_widget(Paragraph::new(Line::from(Span::styled(format!(" {}", flash.text), style))), area);
        return;
    }
    let (hints, panes) = match hints(scope(model)) {
        Hints::Typing(pairs) => {
            // The prompt that asks for a reason also asks for the typed
            // word that finishes a push with things open, and for deploys'.
            use crate::domain::view::prompt::PromptFor;
            let submit = model.view.prompt().and_then(|p| match p.purpose {
                PromptFor::FinishPush { .. } => Some("finish"),
                PromptFor::DeployEnv { .. } => Some("choose"),
                PromptFor::LockReason { .. } => Some("lock"),
                PromptFor::DeployTyped { .. } => Some("go ahead"),
                PromptFor::Waive { .. } | PromptFor::Search => None,
            });
            let mut spans = vec![Span::raw(" ")];
            for (i, (key, label)) in pairs.iter().enumerate() {
                let label = match submit {
                    Some(word) if *label == "waive" => word,
                    _ => label,
                };
                if i > 0 {
                    spans.push(Span::styled(GAP, t.footer_text));
                }
                spans.push(Span::styled(*key, t.footer_key));
                spans.push(Span::styled(format!(" {label}"), t.footer_text));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), area);
            return;
        }
        Hints::Keys { hints, panes } => (hints, panes),
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
    for &(action, scoped) in hints {
        let Some(key) = ctx.keymap.keys_for(action).first() else { continue };
        if !push(&mut spans, key.to_string(), label(action, scoped).to_string()) {
            all_fit = false;
            break;
        }
    }
    // The pane keys come last: shown only after every hint before them.
    if all_fit
        && panes
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
        [Action::FocusChecklist, Action::FocusRollout, Action::FocusRepos, Action::FocusSentry, Action::FocusLog];
    let digits = focus
        .iter()
        .enumerate()
        .all(|(i, &a)| ctx.keymap.keys_for(a).first().is_some_and(|k| k.to_string() == (i + 1).to_string()));
    digits.then(|| "1-5".to_string())
}

#[cfg(test)]
mod tests {
    use crate::domain::view::prompt::{Prompt, PromptFor};
    use crate::ui::{RenderCtx, Theme, ViewState, render};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn footer(m: &crate::domain::Model) -> String {
        let (theme, keymap) = (Theme::default(), crate::keymap::Keymap::default());
        let ctx =
            RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: chrono::FixedOffset::east_opt(0).unwrap() };
        let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
        term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
        crate::testkit::buffer_text(term.backend().buffer()).lines().last().unwrap().to_string()
    }

    #[test]
    fn the_prompt_says_what_enter_does() {
        let now = crate::testkit::release().window.unwrap().start;
        let mut m = crate::testkit::model(&["web"], now);
        let purpose = PromptFor::Waive { item: "x".into(), overrides_role: false };
        m.view.open_prompt(Prompt { purpose, input: Default::default() });
        assert!(footer(&m).contains("enter waive"), "{}", footer(&m));
        m.view.close_prompt();
        m.view.open_prompt(Prompt { purpose: PromptFor::FinishPush { started: now }, input: Default::default() });
        assert!(footer(&m).contains("enter finish") && !footer(&m).contains("waive"), "{}", footer(&m));
    }
}
