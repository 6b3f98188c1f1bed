//! Where the five panes go: Checklist and Rollout on top, Repos, Sentry and
//! Log below, each row split by what the panes' contents need rather than
//! by fixed shares. Every pane is sure of a share of its row; beyond it a
//! pane gets the columns its longest line wants (Rollout its full cells,
//! Sentry its issue titles, Repos its status line), and what is left goes
//! to the pane that can use any width (Checklist above, the Log below).
//! The top row is as tall as its lists, within bounds.

use super::RenderCtx;
use super::panes;
use crate::domain::Model;
use crate::domain::view::pane::Pane;
use ratatui::layout::{Constraint, Layout, Rect};

/// A pane's claim on its row: a share it is sure of (in percent), the
/// columns its content wants, and whether it takes what is left.
#[derive(Debug, Clone, Copy)]
struct Want {
    share: u16,
    natural: u16,
    flexible: bool,
}

pub fn pane_areas(body: Rect, model: &Model, ctx: &RenderCtx) -> [(Pane, Rect); 5] {
    // The top row as tall as its panes' rows need, within 45–58 % of the
    // body; the rows below get the rest (their lines wrap, the log grows).
    let pct = |p: u32| ((u32::from(body.height) * p + 50) / 100) as u16;
    let top_h = panes::rollout::natural_height(model).clamp(pct(45), pct(58));
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Min(0)]).areas(body);
    let checklist = Want { share: 30, natural: panes::checklist::natural_width(model), flexible: true };
    let rollout = Want { share: 50, natural: panes::rollout::natural_width(model), flexible: false };
    let [c, r] = split(top.width, &[checklist, rollout], &[1]);
    let repos = Want { share: 32, natural: panes::repos::natural_width(model, ctx), flexible: false };
    let sentry = Want { share: 20, natural: panes::sentry::natural_width(model), flexible: false };
    let log = Want { share: 34, natural: 0, flexible: true };
    // Sentry's titles before Repos' line: Repos wraps where Sentry would cut.
    let [p, s, l] = split(bottom.width, &[repos, sentry, log], &[1, 0]);
    let cols = |row: Rect, widths: &[u16]| {
        let mut x = row.x;
        widths
            .iter()
            .map(|&w| {
                let r = Rect { x, width: w, ..row };
                x += w;
                r
            })
            .collect::<Vec<_>>()
    };
    let top = cols(top, &[c, r]);
    let bottom = cols(bottom, &[p, s, l]);
    [
        (Pane::Checklist, top[0]),
        (Pane::Rollout, top[1]),
        (Pane::Repos, bottom[0]),
        (Pane::Sentry, bottom[1]),
        (Pane::Log, bottom[2]),
    ]
}

/// Columns for each pane of a row `total` wide: each its share (no more
/// than its content wants), then in `priority` order up to what its content
/// wants, then the rest to the flexible pane. Always sums to `total`.
fn split<const N: usize>(total: u16, wants: &[Want; N], priority: &[usize]) -> [u16; N] {
    let total = u32::from(total);
    let mut out = [0u32; N];
    for (o, w) in out.iter_mut().zip(wants) {
        let share = total * u32::from(w.share) / 100;
        *o = if w.flexible { share } else { share.min(u32::from(w.natural)) };
    }
    let mut left = total.saturating_sub(out.iter().sum());
    for &i in priority {
        let more = u32::from(wants[i].natural).saturating_sub(out[i]).min(left);
        out[i] += more;
        left -= more;
    }
    let flex = wants.iter().position(|w| w.flexible).unwrap_or(N - 1);
    out[flex] += left;
    // Shares over 100 % on a tiny screen: the last panes give way.
    let mut over = out.iter().sum::<u32>().saturating_sub(total);
    for o in out.iter_mut().rev() {
        let less = over.min(*o);
        *o -= less;
        over -= less;
    }
    out.map(|w| w as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(share: u16, natural: u16, flexible: bool) -> Want {
        Want { share, natural, flexible }
    }

    #[test]
    fn a_pane_gets_what_its_content_wants_and_the_rest_goes_to_the_flexible_one() {
        // 120 columns: Rollout's 80 whole, Checklist the rest.
        assert_eq!(split(120, &[w(30, 66, true), w(50, 80, false)], &[1]), [40, 80]);
        // 200 columns: Rollout no wider than its cells; Checklist takes the room.
        assert_eq!(split(200, &[w(30, 66, true), w(50, 80, false)], &[1]), [120, 80]);
        // 80 columns: each keeps its share, Rollout the rest.
        assert_eq!(split(80, &[w(30, 66, true), w(50, 80, false)], &[1]), [24, 56]);
        // The bottom row: Sentry first, then Repos, the log the rest.
        assert_eq!(split(120, &[w(32, 90, false), w(20, 42, false), w(34, 0, true)], &[1, 0]), [38, 42, 40]);
        assert_eq!(split(200, &[w(32, 90, false), w(20, 42, false), w(34, 0, true)], &[1, 0]), [90, 42, 68]);
        for total in 0..300 {
            let parts = split(total, &[w(32, 90, false), w(20, 46, false), w(34, 0, true)], &[1, 0]);
            assert_eq!(parts.iter().sum::<u16>(), total, "{total}");
        }
    }
}
