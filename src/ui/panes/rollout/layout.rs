//! The table's columns: how wide each part of a cell is, and names and
//! versions fitted to them.

use crate::domain::Remote;
use crate::domain::rollout::Cell;
use crate::ui::widgets::fit;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns of a cell around its version text: lead gap, glyph, space.
pub(super) const LEAD_W: usize = 4;
/// " abcdef1": the short commit.
pub(super) const COMMIT_W: usize = 8;
/// " ♥": the heartbeat.
pub(super) const HEARTBEAT_W: usize = 2;
/// " 12s": how old the answer is.
pub(super) const AGE_W: usize = 4;
/// The service-name column gives way to the cells down to this width…
pub(super) const NAME_MIN: usize = 10;
/// …and never takes more than this.
pub(super) const NAME_MAX: usize = 28;
/// Version text the layout plans for when nothing has answered yet.
pub(super) const TEXT_DEFAULT: usize = 10;

/// Which parts of a cell fit in its column. As the column narrows the commit
/// goes first, then the age, then the heartbeat; the version stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CellLayout {
    pub(super) width: usize,
    pub(super) commit: bool,
    pub(super) heartbeat: bool,
    pub(super) age: bool,
}

impl CellLayout {
    /// The richest layout a column `width` wide holds with `text` columns of
    /// version text.
    pub(super) fn for_width(width: usize, text: usize) -> Self {
        let [full, hb_age, hb] = Self::tiers(text);
        CellLayout { width, commit: width >= full, age: width >= hb_age, heartbeat: width >= hb }
    }

    /// Column widths needed for: everything; heartbeat and age; heartbeat.
    pub(super) fn tiers(text: usize) -> [usize; 3] {
        let hb = LEAD_W + text + HEARTBEAT_W;
        [hb + AGE_W + COMMIT_W, hb + AGE_W, hb]
    }

    /// Columns left for the version text.
    pub(super) fn text_width(&self) -> usize {
        let mut w = self.width.saturating_sub(LEAD_W);
        if self.commit {
            w = w.saturating_sub(COMMIT_W);
        }
        if self.heartbeat {
            w = w.saturating_sub(HEARTBEAT_W);
        }
        if self.age {
            w = w.saturating_sub(AGE_W);
        }
        w
    }
}

/// The service-name column and the cells' layout for a table `width` wide
/// (the selection marker included): names shrink, down to [`NAME_MIN`],
/// before a cell loses its commit, age or heartbeat.
pub(super) fn table_layout(width: usize, longest_name: usize, envs: usize, text: usize) -> (usize, CellLayout) {
    let envs = envs.max(1);
    let avail = width.saturating_sub(2);
    let natural = longest_name.clamp(NAME_MIN, NAME_MAX);
    let name_w = CellLayout::tiers(text)
        .iter()
        .find_map(|&cell| {
            let room = avail.checked_sub(cell * envs)?;
            (room >= NAME_MIN).then(|| natural.min(room))
        })
        .unwrap_or_else(|| natural.min(avail / 3));
    // No wider than a cell with everything: room beyond it would only
    // open gaps inside the cells.
    let col_w = (avail.saturating_sub(name_w) / envs).min(CellLayout::tiers(text)[0]);
    (name_w, CellLayout::for_width(col_w, text))
}

/// The version text the cells plan for: the widest any cell shows.
pub(super) fn text_width(model: &crate::domain::Model) -> usize {
    let cells = model.rollout.services.iter().flat_map(|s| s.cells.iter().flatten());
    cells.filter_map(version_width).max().unwrap_or(TEXT_DEFAULT).clamp(8, 24)
}

/// The columns the table wants with every field of every cell shown and
/// names whole, borders included.
pub fn natural_width(model: &crate::domain::Model) -> u16 {
    let ro = &model.rollout;
    let longest = ro.services.iter().map(|s| s.name.width()).max().unwrap_or(0);
    let cells = CellLayout::tiers(text_width(model))[0] * ro.envs.len().max(1);
    (2 + 2 + longest.clamp(NAME_MIN, NAME_MAX) + cells).min(u16::MAX as usize) as u16
}

/// The rows the pane wants: a progress line per environment, the header,
/// every service, two lines of detail, and its borders.
pub fn natural_height(model: &crate::domain::Model) -> u16 {
    let ro = &model.rollout;
    (ro.envs.len() + 1 + ro.services.len() + 2 + 2).min(u16::MAX as usize) as u16
}

/// The prefix every service name shares, up to and including its last
/// separator ("addons-" for "addons-server" and "addons-search"), in bytes;
/// 0 when there is none worth eliding.
pub(super) fn shared_prefix<'a>(names: impl IntoIterator<Item = &'a str>) -> usize {
    let mut names = names.into_iter();
    let Some(first) = names.next() else { return 0 };
    let mut common = first.len();
    let mut several = false;
    for n in names {
        several = true;
        common = first.bytes().zip(n.bytes()).take(common).take_while(|(a, b)| a == b).count();
    }
    if !several {
        return 0;
    }
    // Separators are ASCII: the byte after one starts a character.
    first.as_bytes()[..common].iter().rposition(|b| b"-_. /".contains(b)).map_or(0, |i| i + 1)
}

/// A name cut or padded to `width` columns, without the prefix all names
/// share when it does not fit: that part tells no row from another, so it
/// goes first ("…server"), then the end of what is left ("…code-man…"),
/// since what tells rows apart now starts the name.
pub(super) fn fit_row_name(name: &str, width: usize, shared: usize) -> String {
    if name.width() <= width || shared == 0 || shared >= name.len() || width < 5 {
        return fit_name(name, width);
    }
    format!("…{}", fit(&name[shared..], width - 1))
}

/// A service name cut or padded to `width` columns. Names that share a
/// prefix ("addons-server", "addons-search") differ at the end, so a cut
/// keeps both ends: "addon…erver".
pub(super) fn fit_name(name: &str, width: usize) -> String {
    if name.width() <= width || width < 5 {
        return fit(name, width);
    }
    let tail_w = (width - 1) / 2;
    let head_w = width - 1 - tail_w;
    let take = |chars: &mut dyn Iterator<Item = char>, budget: usize| {
        let mut used = 0;
        let mut out = Vec::new();
        for c in chars {
            let w = c.width().unwrap_or(0);
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        out
    };
    let head: String = take(&mut name.chars(), head_w).into_iter().collect();
    let tail: String = take(&mut name.chars().rev(), tail_w).into_iter().rev().collect();
    fit(&format!("{head}…{tail}"), width)
}

/// How wide [`version_text`] is, without building it.
pub(super) fn version_width(cell: &Cell) -> Option<usize> {
    let Remote::Ready { value, .. } = &cell.state else { return None };
    Some(match value.info.version.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => v.width(),
        None => value.info.short_commit().map_or("no version".width(), UnicodeWidthStr::width),
    })
}

/// The version text a cell shows when it answers, and the short commit
/// beside it when there is a version to go with it.
pub(super) fn version_text(cell: &Cell) -> Option<(String, Option<String>)> {
    let Remote::Ready { value, .. } = &cell.state else { return None };
    let c = value.info.short_commit().map(str::to_string);
    Some(match value.info.version.clone().filter(|v| !v.is_empty()) {
        Some(v) => (v, c),
        None => (c.unwrap_or_else(|| "no version".into()), None),
    })
}
