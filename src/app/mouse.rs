//! Mouse reports to messages: a left press is a click on what the last
//! frame drew there (`ui::hit`), a second one on the same cell soon after
//! is a double click, and the wheel scrolls what is under the pointer.
//! Releases, drags and the other buttons mean nothing to the cockpit.

use crate::domain::Msg;
use crate::domain::view::pointer::{Pointer, Press};
use crate::ui::hit::Hits;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use std::time::{Duration, Instant};

/// Two clicks on one cell at most this far apart are a double click.
const DOUBLE: Duration = Duration::from_millis(400);

#[derive(Debug, Default)]
pub(super) struct Clicks {
    /// The last click that could start a double click: when, and where.
    last: Option<(Instant, u16, u16)>,
}

impl Clicks {
    pub(super) fn read(&mut self, ev: MouseEvent, now: Instant, hits: &Hits) -> Option<Msg> {
        let press = match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let again = self
                    .last
                    .is_some_and(|(at, c, r)| (c, r) == (ev.column, ev.row) && now.duration_since(at) <= DOUBLE);
                // A third click starts over rather than double again.
                self.last = if again { None } else { Some((now, ev.column, ev.row)) };
                if again { Press::Double } else { Press::Click }
            }
            MouseEventKind::ScrollUp => Press::WheelUp,
            MouseEventKind::ScrollDown => Press::WheelDown,
            _ => return None,
        };
        let target = hits.target(ev.column, ev.row)?;
        Some(Msg::Pointer(Pointer { press, target }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::view::pane::Pane;
    use crate::domain::view::pointer::Target;
    use crossterm::event::KeyModifiers;
    use ratatui::layout::Rect;

    fn at(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }
    }

    #[test]
    fn two_quick_clicks_on_one_cell_are_a_double_click() {
        let mut hits = Hits::default();
        hits.pane(Pane::Log, Rect { x: 0, y: 0, width: 20, height: 10 });
        let mut clicks = Clicks::default();
        let t0 = Instant::now();
        let down = |c, r| at(MouseEventKind::Down(MouseButton::Left), c, r);
        let press = |m: Option<Msg>| match m {
            Some(Msg::Pointer(p)) => {
                assert_eq!(p.target, Target::Pane { pane: Pane::Log, item: None });
                Some(p.press)
            }
            other => other.map(|_| unreachable!()),
        };
        assert_eq!(press(clicks.read(down(3, 3), t0, &hits)), Some(Press::Click));
        assert_eq!(clicks.read(at(MouseEventKind::Up(MouseButton::Left), 3, 3), t0, &hits), None);
        assert_eq!(press(clicks.read(down(3, 3), t0 + Duration::from_millis(300), &hits)), Some(Press::Double));
        assert_eq!(press(clicks.read(down(3, 3), t0 + Duration::from_millis(350), &hits)), Some(Press::Click));
        assert_eq!(press(clicks.read(down(4, 3), t0 + Duration::from_millis(400), &hits)), Some(Press::Click));
        assert_eq!(press(clicks.read(down(4, 3), t0 + Duration::from_millis(900), &hits)), Some(Press::Click));
        assert_eq!(press(clicks.read(at(MouseEventKind::ScrollDown, 1, 1), t0, &hits)), Some(Press::WheelDown));
        assert_eq!(clicks.read(down(30, 3), t0, &hits), None, "outside every pane");
    }
}
