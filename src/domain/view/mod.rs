//! What one person is looking at: focus, zoom, the selections, the one
//! overlay on top and the footer's flash ([`View`]); who gets a key
//! (`scope.rs`); and the view saved between sessions (`memory.rs`).
//!
//! Opening an overlay while another is open follows the keys as they always
//! worked: help opens over the main view or over the compare view, a confirm
//! over the main view or over the composer, and each of those comes back
//! when the overlay over it closes. Everything else opens from the main view
//! only; should it be asked for over another overlay (no key does that), it
//! takes that overlay's place.

pub mod confirm;
pub mod filter;
pub mod flash;
pub mod help;
pub mod link;
pub mod memory;
pub mod overlay;
pub mod palette;
pub mod pane;
pub mod pointer;
pub mod prompt;
pub mod quit;
pub mod scope;
pub mod update;

use confirm::Confirm;
use flash::Flash;
use overlay::Overlay;
use pane::Pane;
use prompt::Prompt;

use crate::domain::repos::CompareView;

#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub focus: Pane,
    pub zoomed: bool,
    pub should_quit: bool,
    /// A one-line answer to the last key (refused, nothing to do), shown in
    /// the footer until it expires.
    pub flash: Option<Flash>,
    /// Selected service row in the Rollout pane.
    pub selected: usize,
    /// Selected repository row in the Repos pane.
    pub repo_selected: usize,
    /// Selected item in the Checklist pane, counted over all phases.
    pub check_selected: usize,
    /// Selected issue in the Sentry pane, counted over all projects.
    pub sentry_selected: usize,
    /// What `/` narrowed each list pane to.
    pub filters: filter::Filters,
    pub overlay: Option<Overlay>,
    /// An answer to a key pressed in an overlay, shown in that overlay (not
    /// in the footer behind it) while the same kind of overlay is open.
    pub overlay_flash: Option<(std::mem::Discriminant<Overlay>, Flash)>,
}

impl Default for View {
    fn default() -> Self {
        View {
            focus: Pane::Rollout,
            zoomed: false,
            should_quit: false,
            flash: None,
            selected: 0,
            repo_selected: 0,
            check_selected: 0,
            sentry_selected: 0,
            filters: filter::Filters::default(),
            overlay: None,
            overlay_flash: None,
        }
    }
}

impl View {
    /// Says something short where the user is looking: in the overlay on
    /// top, else in the footer. The composer is drawn in the Log pane, so
    /// its answers go to the footer under it.
    pub fn say(&mut self, flash: Flash) {
        match &self.overlay {
            Some(o) if !matches!(o, Overlay::Composer) => {
                self.overlay_flash = Some((std::mem::discriminant(o), flash));
            }
            _ => self.flash = Some(flash),
        }
    }

    /// What was said in the overlay that is open now (each opening starts
    /// with nothing said).
    pub fn overlay_flash(&self) -> Option<&Flash> {
        let (kind, flash) = self.overlay_flash.as_ref()?;
        (self.overlay.as_ref().map(std::mem::discriminant) == Some(*kind)).then_some(flash)
    }

    /// The command palette, from the main view.
    pub fn open_palette(&mut self) {
        if self.overlay.is_none() {
            self.overlay_flash = None;
            self.overlay = Some(Overlay::Palette(palette::Palette::default()));
        }
    }

    pub fn palette(&self) -> Option<&palette::Palette> {
        match &self.overlay {
            Some(Overlay::Palette(p)) => Some(p),
            _ => None,
        }
    }

    pub fn palette_mut(&mut self) -> Option<&mut palette::Palette> {
        match &mut self.overlay {
            Some(Overlay::Palette(p)) => Some(p),
            _ => None,
        }
    }

    pub fn close_palette(&mut self) {
        if matches!(self.overlay, Some(Overlay::Palette(_))) {
            self.overlay = None;
        }
    }

    /// Help, over the compare view if that is what is open.
    pub fn open_help(&mut self) {
        let over = match self.overlay.take() {
            Some(Overlay::Compare(view)) => Some(view),
            _ => None,
        };
        self.overlay_flash = None;
        self.overlay = Some(Overlay::Help { offset: 0, over });
    }

    /// Closes help, back to the compare view it was opened from.
    pub fn close_help(&mut self) {
        if let Some(Overlay::Help { over, .. }) = self.overlay.take() {
            self.overlay = over.map(Overlay::Compare);
        }
    }

    pub fn help_offset(&self) -> Option<usize> {
        match &self.overlay {
            Some(Overlay::Help { offset, .. }) => Some(*offset),
            _ => None,
        }
    }

    pub fn set_help_offset(&mut self, to: usize) {
        if let Some(Overlay::Help { offset, .. }) = &mut self.overlay {
            *offset = to;
        }
    }

    /// A dialog, over the composer if that is what is open.
    pub fn open_confirm(&mut self, dialog: Confirm) {
        let over_composer = matches!(self.overlay, Some(Overlay::Composer));
        self.overlay_flash = None;
        self.overlay = Some(Overlay::Confirm { dialog, over_composer });
    }

    pub fn confirm(&self) -> Option<&Confirm> {
        match &self.overlay {
            Some(Overlay::Confirm { dialog, .. }) => Some(dialog),
            _ => None,
        }
    }

    /// Closes the dialog, back to the composer it was asked from, and
    /// hands it over to be carried out.
    pub fn take_confirm(&mut self) -> Option<Confirm> {
        match self.overlay.take() {
            Some(Overlay::Confirm { dialog, over_composer }) => {
                self.overlay = over_composer.then_some(Overlay::Composer);
                Some(dialog)
            }
            other => {
                self.overlay = other;
                None
            }
        }
    }

    pub fn open_prompt(&mut self, prompt: Prompt) {
        self.overlay_flash = None;
        self.overlay = Some(Overlay::Prompt(prompt));
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        match &self.overlay {
            Some(Overlay::Prompt(p)) => Some(p),
            _ => None,
        }
    }

    pub fn prompt_mut(&mut self) -> Option<&mut Prompt> {
        match &mut self.overlay {
            Some(Overlay::Prompt(p)) => Some(p),
            _ => None,
        }
    }

    pub fn close_prompt(&mut self) {
        if matches!(self.overlay, Some(Overlay::Prompt(_))) {
            self.overlay = None;
        }
    }

    pub fn open_compare(&mut self, view: CompareView) {
        self.overlay_flash = None;
        self.overlay = Some(Overlay::Compare(Box::new(view)));
    }

    /// The compare view, open or under help.
    pub fn compare(&self) -> Option<&CompareView> {
        match &self.overlay {
            Some(Overlay::Compare(view)) | Some(Overlay::Help { over: Some(view), .. }) => Some(view),
            _ => None,
        }
    }

    /// The compare view, open or under help: an answer loading it may come
    /// while help is over it.
    pub fn compare_mut(&mut self) -> Option<&mut CompareView> {
        match &mut self.overlay {
            Some(Overlay::Compare(view)) | Some(Overlay::Help { over: Some(view), .. }) => Some(view),
            _ => None,
        }
    }

    pub fn close_compare(&mut self) {
        if matches!(self.overlay, Some(Overlay::Compare(_))) {
            self.overlay = None;
        }
    }

    /// The composer is shown, with the keyboard or under a dialog asked from it.
    pub fn composing(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Composer) | Some(Overlay::Confirm { over_composer: true, .. }))
    }

    /// Opens the composer (under a dialog that is open), or leaves it.
    pub fn set_composing(&mut self, on: bool) {
        match &mut self.overlay {
            Some(Overlay::Confirm { over_composer, .. }) => *over_composer = on,
            Some(Overlay::Composer) if !on => self.overlay = None,
            _ if on => self.overlay = Some(Overlay::Composer),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scope::{Scope, scope};
    use super::*;
    use crate::action::Action;
    use crate::domain::{Msg, update};
    use crate::testkit;

    fn compare_view() -> CompareView {
        crate::testkit::compare_view()
    }

    #[test]
    fn what_an_overlay_opened_over_comes_back_when_it_closes() {
        let mut m = testkit::model(&["svc"], testkit::release().window.unwrap().start);
        let act = |m: &mut crate::domain::Model, a| update(m, Msg::Action(a));
        m.view.open_compare(compare_view());
        act(&mut m, Action::ToggleHelp);
        assert_eq!(scope(&m), Scope::Help);
        assert!(m.view.compare().is_some(), "still drawn under help");
        act(&mut m, Action::SelectNext);
        assert_eq!(m.view.help_offset(), Some(1));
        act(&mut m, Action::Cancel);
        assert_eq!(scope(&m), Scope::Compare);
        act(&mut m, Action::ToggleHelp);
        assert_eq!(m.view.help_offset(), Some(0), "help opens at the top");
        act(&mut m, Action::ToggleHelp);
        act(&mut m, Action::Cancel);
        assert_eq!(scope(&m), Scope::Main(Pane::Rollout));

        act(&mut m, Action::Compose);
        assert_eq!(scope(&m), Scope::Composer);
        m.view.open_confirm(Confirm::StartPush { finished: None });
        assert_eq!(scope(&m), Scope::ComposerConfirm);
        assert!(m.view.composing(), "the composer stays shown under the dialog");
        act(&mut m, Action::ToggleHelp);
        assert_eq!(scope(&m), Scope::ComposerConfirm, "a dialog is answered before anything else opens");
        act(&mut m, Action::Cancel);
        assert_eq!(scope(&m), Scope::Composer);
        update(&mut m, Msg::Composing(false));
        assert_eq!(scope(&m), Scope::Main(Pane::Log));
    }
}
