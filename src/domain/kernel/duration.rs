//! Durations as people read them. A leaf: the checklist, the notes, the
//! milestones and the screens all say how long something took.

use chrono::Duration;

/// "1h 12m", "34m", "45s".
pub fn human(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}
