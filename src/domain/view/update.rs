//! What the keys do to the view itself: scrolling help, the compare view,
//! and how far a move goes in any list.

pub use super::filter::step;
use crate::action::Action;
use crate::domain::checklist::update as checklist;
use crate::domain::kernel::input::Edit;
use crate::domain::model::Model;
use crate::domain::msg::Effect;
use crate::domain::repos::update as repos;
use crate::domain::view::prompt::PromptFor;

/// Rows moved by page up / page down.
pub const PAGE: usize = 10;

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

/// Copies or opens the compare URL of the open view, else of the selected
/// repository.
pub fn url(model: &mut Model, copy: bool) -> Vec<Effect> {
    let outcome = repos::url_effect(&model.repos, model.view.compare(), model.view.repo_selected, model.now, copy);
    model.carry_out(outcome)
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
            };
            return model.carry_out(outcome);
        }
        other => prompt.input.edit(other),
    }
    Vec::new()
}
