//! Where things were drawn last frame, for the mouse: each pane's
//! rectangle, the rows of its list and the item each shows, and the
//! palette's list. Recorded while rendering (`ViewState::hits`), read by
//! [`Hits::target`] to turn a cell into what is under it.

use crate::domain::view::pane::Pane;
use crate::domain::view::pointer::Target;
use ratatui::layout::{Position, Rect};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hits {
    panes: Vec<(Pane, Rect)>,
    /// One screen row of a pane's list and the item drawn on it.
    rows: Vec<(Pane, Rect, usize)>,
    /// The palette's list: its rectangle, the first entry shown in it and
    /// how many entries match.
    palette: Option<(Rect, usize, usize)>,
}

impl Hits {
    /// Forgets the last frame, before drawing the next.
    pub fn clear(&mut self) {
        *self = Hits::default();
    }

    pub fn pane(&mut self, pane: Pane, area: Rect) {
        self.panes.push((pane, area));
    }

    /// A list drawn from the top of `area` with `per_item` rows for each
    /// item, `first` at the top and `count` items shown.
    pub fn list(&mut self, pane: Pane, area: Rect, first: usize, count: usize, per_item: u16) {
        for k in 0..count {
            let y = area.y.saturating_add(k as u16 * per_item);
            let height = per_item.min(area.bottom().saturating_sub(y));
            if height > 0 {
                self.rows.push((pane, Rect { y, height, ..area }, first + k));
            }
        }
    }

    /// A list whose rows are not one item each (phase headers between
    /// them): what each row from the top of `area` shows, `None` for a row
    /// that is no item.
    pub fn rows(&mut self, pane: Pane, area: Rect, items: &[Option<usize>]) {
        for (k, item) in items.iter().enumerate().take(area.height as usize) {
            if let Some(i) = item {
                self.rows.push((pane, Rect { y: area.y + k as u16, height: 1, ..area }, *i));
            }
        }
    }

    pub fn palette(&mut self, list: Rect, first: usize, count: usize) {
        self.palette = Some((list, first, count));
    }

    /// What is under cell (`column`, `row`): the palette's entry when it is
    /// open (nothing else while it is), else a pane and the item under the
    /// pointer; `None` outside them (the header, the footer, a border gap).
    pub fn target(&self, column: u16, row: u16) -> Option<Target> {
        let at = Position { x: column, y: row };
        if let Some((list, first, count)) = self.palette {
            let i = first + (row.checked_sub(list.y)? as usize);
            return (list.contains(at) && i < count).then_some(Target::Palette(i));
        }
        let item = |pane: Pane| self.rows.iter().find(|(p, r, _)| *p == pane && r.contains(at)).map(|(_, _, i)| *i);
        self.panes.iter().find(|(_, r)| r.contains(at)).map(|(pane, _)| Target::Pane { pane: *pane, item: item(*pane) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: u16, y: u16, width: u16, height: u16) -> Rect {
        Rect { x, y, width, height }
    }

    #[test]
    fn a_cell_maps_to_the_pane_and_item_drawn_there() {
        let mut h = Hits::default();
        h.pane(Pane::Checklist, rect(0, 1, 40, 20));
        h.pane(Pane::Rollout, rect(40, 1, 80, 20));
        // Rollout: items 5.. from row 5, one row each, 3 shown.
        h.list(Pane::Rollout, rect(41, 5, 78, 10), 5, 3, 1);
        // Checklist: a phase header, two items, a header, an item.
        h.rows(Pane::Checklist, rect(1, 2, 38, 18), &[None, Some(0), Some(1), None, Some(4)]);

        assert_eq!(h.target(50, 6), Some(Target::Pane { pane: Pane::Rollout, item: Some(6) }));
        assert_eq!(h.target(50, 8), Some(Target::Pane { pane: Pane::Rollout, item: None }), "below the rows");
        assert_eq!(h.target(40, 6), Some(Target::Pane { pane: Pane::Rollout, item: None }), "its border");
        assert_eq!(h.target(10, 2), Some(Target::Pane { pane: Pane::Checklist, item: None }), "a header");
        assert_eq!(h.target(10, 4), Some(Target::Pane { pane: Pane::Checklist, item: Some(1) }));
        assert_eq!(h.target(10, 6), Some(Target::Pane { pane: Pane::Checklist, item: Some(4) }));
        assert_eq!(h.target(10, 0), None, "the header line");
        assert_eq!(h.target(10, 30), None);
    }

    #[test]
    fn two_rows_per_item_and_the_palette_on_top() {
        let mut h = Hits::default();
        h.pane(Pane::Repos, rect(0, 0, 40, 10));
        h.list(Pane::Repos, rect(1, 1, 38, 8), 2, 3, 2);
        let item = |y| match h.target(5, y) {
            Some(Target::Pane { item, .. }) => item,
            other => panic!("{other:?}"),
        };
        assert_eq!([item(1), item(2), item(3), item(6), item(7)], [Some(2), Some(2), Some(3), Some(4), None]);

        h.palette(rect(10, 3, 30, 5), 4, 6);
        assert_eq!(h.target(12, 3), Some(Target::Palette(4)));
        assert_eq!(h.target(12, 4), Some(Target::Palette(5)));
        assert_eq!(h.target(12, 5), None, "past the last match");
        assert_eq!(h.target(5, 1), None, "the panes under the palette do not answer");
    }
}
