//! What the keys and the mouse do to the view itself: scrolling help, the
//! compare view, the palette, moving through any list, clicks and the wheel.

pub use super::filter::step;
use crate::action::Action;
use crate::domain::checklist::update as checklist;
use crate::domain::deploy::update as deploy;
use crate::domain::kernel::input::Edit;
use crate::domain::model::Model;
use crate::domain::msg::{Effect, Msg};
use crate::domain::view::pane::Pane;
use crate::domain::view::pointer::{Pointer, Press, Target};
use crate::domain::view::prompt::PromptFor;
use crate::domain::view::scope::{Scope, scope};

/// Rows moved by page up / page down.
pub const PAGE: usize = 10;
/// Rows moved by one notch of the wheel.
const WHEEL: isize = 3;

/// Help is a list: the moves select its rows, and the window follows
/// the selection; `q` closes it like esc.
pub fn on_help(model: &mut Model, action: Action) {
    let n = super::help::rows().len();
    let offset = model.view.help_offset().unwrap_or(0);
    let to = match action {
        Action::ToggleHelp | Action::Cancel | Action::Quit => {
            model.view.close_help();
            return;
        }
        Action::SelectNext => step(offset, 1, n),
        Action::SelectPrev => step(offset, -1, n),
        Action::PageDown => step(offset, PAGE as isize, n),
        Action::PageUp => step(offset, -(PAGE as isize), n),
        Action::SelectFirst => 0,
        Action::SelectLast => n - 1,
        _ => return,
    };
    model.view.set_help_offset(to);
}

pub fn on_compare(model: &mut Model, action: Action) -> Vec<Effect> {
    match action {
        Action::Cancel | Action::Compare | Action::Quit => model.view.close_compare(),
        Action::ToggleMerges => {
            if let Some(v) = model.view.compare_mut() {
                v.show_merges = !v.show_merges;
                v.selected = 0;
            }
        }
        Action::SelectNext => move_compare(model, 1),
        Action::SelectPrev => move_compare(model, -1),
        Action::PageDown => move_compare(model, PAGE as isize),
        Action::PageUp => move_compare(model, -(PAGE as isize)),
        Action::SelectFirst => move_compare(model, isize::MIN),
        Action::SelectLast => move_compare(model, isize::MAX),
        Action::CopyUrl => return url(model, true),
        Action::OpenUrl => return url(model, false),
        Action::ToggleHelp => model.view.open_help(),
        _ => {}
    }
    Vec::new()
}

/// Copies or opens the selected thing's link (`link.rs`).
pub fn url(model: &mut Model, copy: bool) -> Vec<Effect> {
    let outcome = crate::domain::view::link::open_or_copy(model, copy);
    model.carry_out(outcome)
}

/// Moves the selection of `pane`'s list (the Log's: how far back it is
/// scrolled) by `delta` rows, among the rows its filter shows.
pub fn move_selection(model: &mut Model, pane: Pane, delta: isize) {
    match pane {
        Pane::Log => {
            // Down goes towards the newest line, i.e. fewer lines back.
            let len = model.visible_log().count();
            model.log.back = step(model.log.back, delta.saturating_neg(), len);
            if model.log.back == 0 {
                model.log.new = 0;
            }
        }
        pane => crate::domain::view::filter::move_selection(model, pane, delta),
    }
}

/// An action heard in the palette: an arrow or the wheel selects, esc
/// closes it.
pub fn on_palette_action(model: &mut Model, action: Action) {
    let delta = match action {
        Action::Cancel | Action::Quit => return model.view.close_palette(),
        Action::SelectNext => 1,
        Action::SelectPrev => -1,
        Action::PageDown => PAGE as isize,
        Action::PageUp => -(PAGE as isize),
        Action::SelectFirst => isize::MIN,
        Action::SelectLast => isize::MAX,
        _ => return,
    };
    if let Some(p) = model.view.palette_mut() {
        p.step(delta);
    }
}

/// A key typed in the palette: text filters it, esc closes it, and enter
/// closes it on what is to run next — the action, or the notes command as
/// the composer would send it — or says why not, in the palette.
pub fn on_palette(model: &mut Model, edit: Edit) -> Option<Msg> {
    use crate::domain::view::palette::Run;
    let focus = model.view.focus;
    let answer = model.view.palette_mut()?.edit(edit, focus);
    if let Some((text, error)) = answer.say {
        model.flash(text, error);
    }
    if answer.close {
        model.view.close_palette();
    }
    answer.run.map(|run| match run {
        Run::Action(action) => Msg::Action(action),
        Run::Line(line) => Msg::Compose(line),
    })
}

/// The mouse. In the main view a click focuses the pane and selects the
/// row under it, and a double click then does what enter does there; the
/// wheel scrolls the list under the pointer, focused or not. Over an
/// overlay only the overlay answers: the palette's rows are clicked like a
/// pane's, and the wheel moves through the list the overlay shows. What
/// follows (enter's action) is returned as the message to apply next.
pub fn on_pointer(model: &mut Model, p: Pointer) -> Option<Msg> {
    let wheel = match p.press {
        Press::WheelUp => -WHEEL,
        Press::WheelDown => WHEEL,
        Press::Click | Press::Double => 0,
    };
    let double = p.press == Press::Double;
    match (scope(model), p.target) {
        (Scope::Palette, Target::Palette(i)) if wheel == 0 => {
            model.view.palette_mut()?.selected = i;
            double.then_some(Msg::Edit(Edit::Submit))
        }
        (Scope::Main(_), Target::Pane { pane, item }) if wheel == 0 => {
            model.view.focus = pane;
            if let Some(i) = item {
                select(model, pane, i);
            }
            (double && (item.is_some() || pane == Pane::Log)).then_some(Msg::Action(Action::Activate))
        }
        (Scope::Main(_) | Scope::Composer, Target::Pane { pane, .. }) if wheel != 0 => {
            move_selection(model, pane, wheel);
            None
        }
        (Scope::Palette, _) if wheel != 0 => {
            model.view.palette_mut()?.step(wheel);
            None
        }
        (Scope::Compare, _) if wheel != 0 => {
            move_compare(model, wheel);
            None
        }
        (Scope::Help, _) if wheel != 0 => {
            let action = if wheel < 0 { Action::SelectPrev } else { Action::SelectNext };
            (0..WHEEL).for_each(|_| on_help(model, action));
            None
        }
        _ => None,
    }
}

/// Selects item `i` of `pane`'s list, clamped to it.
fn select(model: &mut Model, pane: Pane, i: usize) {
    let (current, len) = match pane {
        Pane::Rollout => (&mut model.view.selected, model.rollout.services.len()),
        Pane::Repos => (&mut model.view.repo_selected, model.repos.rows.len()),
        Pane::Checklist => (&mut model.view.check_selected, model.checklist.len()),
        Pane::Sentry => {
            let len = crate::domain::view::filter::issues(model).len();
            (&mut model.view.sentry_selected, len)
        }
        Pane::Log => return,
    };
    *current = i.min(len.saturating_sub(1));
}

fn move_compare(model: &mut Model, delta: isize) {
    if let Some(view) = model.view.compare_mut() {
        let len = view.visible().len();
        view.selected = step(view.selected, delta, len);
    }
}

/// A key typed while a prompt is open: the focused list's filter narrows
/// as it is typed (esc drops it); a waiver's reason, or the word finishing the
/// push, is sent on enter.
pub fn on_edit(model: &mut Model, edit: Edit) -> Vec<Effect> {
    let pane = model.view.focus;
    let Some(prompt) = model.view.prompt_mut() else { return Vec::new() };
    if prompt.purpose == PromptFor::Search {
        match edit {
            Edit::Submit => model.view.close_prompt(),
            Edit::Cancel => {
                model.view.close_prompt();
                super::filter::set(model, pane, None);
            }
            other => {
                prompt.input.edit(other);
                let text = prompt.input.text();
                super::filter::set(model, pane, Some(text));
            }
        }
        return Vec::new();
    }
    match edit {
        Edit::Cancel => model.view.close_prompt(),
        Edit::Submit => {
            let text = prompt.input.text();
            let outcome = match prompt.purpose.clone() {
                PromptFor::Waive { item, .. } => checklist::submit_waiver(model, &item, text),
                PromptFor::FinishPush { started } => checklist::submit_finish(model, started, &text),
                PromptFor::Search => return Vec::new(),
                PromptFor::DeployEnv { act, service } => return deploy::submit_env(model, act, service, &text),
                PromptFor::LockReason { env } => return deploy::submit_lock(model, env, &text),
                PromptFor::DeployTyped { plan, word } => return deploy::submit_typed(model, *plan, &word, &text),
            };
            return model.carry_out(outcome);
        }
        other => prompt.input.edit(other),
    }
    Vec::new()
}
