//! Pure rendering: `render(frame, &Model, &mut ViewState, &RenderCtx)`.
//! Nothing under `ui/` reads the clock, the environment, the disk or the
//! network; `RenderCtx` brings the time, the time zone, the theme and keys.

pub mod compare;
pub mod confirm;
pub mod deploy;
pub mod footer;
pub mod header;
pub mod help;
pub mod hit;
pub mod layout;
pub mod palette;
pub mod panes;
pub mod people;
pub mod prompt;
pub mod said;
pub mod theme;
pub mod widgets;
pub mod wrap;

use crate::domain::Model;
use crate::domain::view::scope::{Scope, scope};
use crate::keymap::Keymap;
use chrono::{DateTime, FixedOffset, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph, Wrap};
pub use theme::Theme;

/// Below this the layout cannot show five panes; a message says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub struct RenderCtx<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub now: DateTime<Utc>,
    /// Local time zone for wall-clock times in the log.
    pub tz: FixedOffset,
}

/// Widget state that is about the view, not the push: scroll offsets.
#[derive(Debug, Default, Clone)]
pub struct ViewState {
    pub rollout_offset: usize,
    /// Rows the rollout table showed last frame (for tests and paging).
    pub rollout_rows: usize,
    pub compare_offset: usize,
    pub composer: Composer,
    /// Where panes, rows and the palette were drawn, for the mouse.
    pub hits: hit::Hits,
}

/// The Log pane's composer: the text being written, and the lines sent
/// before (Up recalls them). View state: what is sent goes to `update`.
#[derive(Debug, Default, Clone)]
pub struct Composer {
    pub area: ratatui_textarea::TextArea<'static>,
    pub history: Vec<String>,
    /// How far back Up has gone, while recalling.
    pub recall: Option<usize>,
}

impl Composer {
    pub fn is_empty(&self) -> bool {
        self.area.lines().iter().all(|l| l.is_empty())
    }

    /// Takes the text out to send it, and remembers it.
    pub fn take(&mut self) -> Option<String> {
        let text = self.area.lines().join("\n");
        if text.trim().is_empty() {
            return None;
        }
        self.area = ratatui_textarea::TextArea::default();
        self.recall = None;
        if self.history.last() != Some(&text) {
            self.history.push(text.clone());
        }
        Some(text)
    }

    /// Up on an empty composer (or while recalling): the previous line sent.
    pub fn recall_previous(&mut self) -> bool {
        if !(self.is_empty() || self.recall.is_some()) || self.history.is_empty() {
            return false;
        }
        let back = self.recall.map_or(1, |b| (b + 1).min(self.history.len()));
        self.recall = Some(back);
        let text = &self.history[self.history.len() - back];
        self.area = ratatui_textarea::TextArea::new(text.lines().map(String::from).collect());
        self.area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        self.area.move_cursor(ratatui_textarea::CursorMove::End);
        true
    }
}

pub fn render(frame: &mut Frame, model: &Model, view: &mut ViewState, ctx: &RenderCtx) {
    let area = frame.area();
    view.hits.clear();
    frame.render_widget(Block::default().style(ctx.theme.base), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area, ctx);
        return;
    }
    let [header_area, body, footer_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    header::render(frame, header_area, model, ctx);
    footer::render(frame, footer_area, model, ctx);
    if model.view.zoomed {
        view.hits.pane(model.view.focus, body);
        panes::render(frame, body, model.view.focus, model, view, ctx);
    } else {
        for (pane, rect) in layout::pane_areas(body, model, ctx) {
            view.hits.pane(pane, rect);
            panes::render(frame, rect, pane, model, view, ctx);
        }
    }
    // The compare view stays drawn under help opened from it.
    if model.view.compare().is_some() {
        compare::render(frame, body, model, view, ctx);
    }
    match scope(model) {
        Scope::Confirm | Scope::ComposerConfirm => confirm::render(frame, body, model, ctx),
        Scope::Search | Scope::Waive => prompt::render(frame, body, model, ctx),
        Scope::Deploy => deploy::render_output(frame, body, model, ctx),
        Scope::Help => help::render(frame, body, model.view.help_offset().unwrap_or(0), ctx),
        Scope::Palette => {
            if let Some((list, first, count)) = palette::render(frame, body, model, ctx) {
                view.hits.palette(list, first, count);
            }
        }
        // The composer is drawn in the Log pane.
        Scope::Main(_) | Scope::Compare | Scope::Composer => {}
    }
}

fn render_too_small(frame: &mut Frame, area: Rect, ctx: &RenderCtx) {
    let text = format!(
        "terminal too small: {}x{} — shipdeck needs at least {MIN_WIDTH}x{MIN_HEIGHT} (q quits)",
        area.width, area.height
    );
    let p = Paragraph::new(text).style(ctx.theme.warn).wrap(Wrap { trim: true });
    frame.render_widget(p, area);
}
