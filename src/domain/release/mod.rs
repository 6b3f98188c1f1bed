//! The push calendar: push date, tag scheme, maintenance window and rotation.

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use std::fmt::Write as _;

pub mod tags;

/// The maintenance window, as configured (local wall-clock times) and as
/// instants, so rendering never needs the time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub start_local: NaiveTime,
    pub end_local: NaiveTime,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    Opens(Duration),
    Open { left: Duration },
    Closed { ago: Duration },
}

impl Window {
    pub fn state(&self, now: DateTime<Utc>) -> WindowState {
        if now < self.start {
            WindowState::Opens(self.start - now)
        } else if now < self.end {
            WindowState::Open { left: self.end - now }
        } else {
            WindowState::Closed { ago: now - self.end }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub push_date: NaiveDate,
    pub tag_format: String,
    /// The tag every service should end up on.
    pub target_tag: String,
    /// Set by `--target`: repositories' tags do not change it.
    pub target_fixed: bool,
    pub window: Option<Window>,
    pub rotation: Vec<String>,
}

impl Release {
    /// This week's push hero: the rotation walks one name per ISO week of the
    /// push date, so every cockpit and every script agrees without shared state.
    pub fn hero(&self) -> Option<&str> {
        hero_for(&self.rotation, self.push_date)
    }

    /// The hero of the push one week later (for hand-over notes).
    pub fn next_hero(&self) -> Option<&str> {
        hero_for(&self.rotation, self.push_date + Duration::days(7))
    }
}

pub fn hero_for(rotation: &[String], push_date: NaiveDate) -> Option<&str> {
    if rotation.is_empty() {
        return None;
    }
    let week = push_date.iso_week();
    // Weeks since a fixed Monday so the rotation does not jump at year ends.
    let epoch = NaiveDate::from_isoywd_opt(2000, 1, Weekday::Mon).expect("valid date");
    let monday = NaiveDate::from_isoywd_opt(week.year(), week.week(), Weekday::Mon).unwrap_or(push_date);
    let weeks = (monday - epoch).num_days().div_euclid(7);
    let idx = weeks.rem_euclid(rotation.len() as i64) as usize;
    Some(rotation[idx].as_str())
}

/// The push date is the next `push_day`, today included.
pub fn next_push_date(today: NaiveDate, push_day: Weekday) -> NaiveDate {
    let ahead = (push_day.num_days_from_monday() + 7 - today.weekday().num_days_from_monday()) % 7;
    today + Duration::days(i64::from(ahead))
}

/// A push-tag scheme that cannot name a push. The config places it at its
/// key, so each says only what is wrong with the format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagFormatError {
    #[error("tag format is empty")]
    Empty,
    #[error("`{format}` is not a valid strftime format")]
    NotStrftime { format: String },
    /// `tag` is what the format makes of a sample date.
    #[error("`{format}` makes `{tag}`, which is not a valid git tag name")]
    NotAGitTag { format: String, tag: String },
}

/// A maintenance window that cannot be read, placed at its key by the config.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("`{text}` is not a window like \"15:00-17:00\"")]
    NoDash { text: String },
    /// `text` is one end of the window, trimmed.
    #[error("`{text}` is not a time like 15:00")]
    NotATime { text: String },
    #[error("window `{text}` ends before it starts")]
    Backwards { text: String },
}

/// Checks a strftime format once, so formatting later cannot fail.
pub fn validate_tag_format(format: &str) -> Result<(), TagFormatError> {
    if format.trim().is_empty() {
        return Err(TagFormatError::Empty);
    }
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err(TagFormatError::NotStrftime { format: format.to_string() });
    }
    let sample = NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid date");
    let tag = format_tag(sample, format)?;
    if tag.chars().any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c)) {
        return Err(TagFormatError::NotAGitTag { format: format.to_string(), tag });
    }
    Ok(())
}

pub fn format_tag(date: NaiveDate, format: &str) -> Result<String, TagFormatError> {
    let mut out = String::new();
    write!(out, "{}", date.format_with_items(StrftimeItems::new(format)))
        .map_err(|_| TagFormatError::NotStrftime { format: format.to_string() })?;
    Ok(out)
}

pub fn parse_weekday(s: &str) -> Option<Weekday> {
    s.trim().to_ascii_lowercase().parse::<Weekday>().ok()
}

/// "15:00-17:00" (an en dash is accepted too). The end may not precede the start.
pub fn parse_window(s: &str) -> Result<(NaiveTime, NaiveTime), WindowError> {
    let (a, b) =
        s.split_once('-').or_else(|| s.split_once('–')).ok_or_else(|| WindowError::NoDash { text: s.to_string() })?;
    let parse = |t: &str| {
        let t = t.trim();
        NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| WindowError::NotATime { text: t.to_string() })
    };
    let (start, end) = (parse(a)?, parse(b)?);
    if end <= start {
        return Err(WindowError::Backwards { text: s.to_string() });
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn push_date_is_next_weekday_including_today() {
        // 2026-11-22 is a Sunday.
        assert_eq!(next_push_date(d(2026, 11, 22), Weekday::Thu), d(2026, 11, 26));
        assert_eq!(next_push_date(d(2026, 11, 26), Weekday::Thu), d(2026, 11, 26));
        assert_eq!(next_push_date(d(2026, 11, 27), Weekday::Thu), d(2026, 12, 3));
    }

    #[test]
    fn tag_format_default_and_errors() {
        assert_eq!(format_tag(d(2026, 11, 26), "%Y.%m.%d").unwrap(), "2026.11.26");
        assert!(validate_tag_format("%Y.%m.%d").is_ok());
        assert!(validate_tag_format("%Y %m").is_err());
        assert!(validate_tag_format("%Q").is_err());
        assert!(validate_tag_format("").is_err());
        let text = |f: &str| validate_tag_format(f).unwrap_err().to_string();
        assert_eq!(text(" "), "tag format is empty");
        assert_eq!(text("%Q"), "`%Q` is not a valid strftime format");
        assert_eq!(text("%Y %m"), "`%Y %m` makes `2026 11`, which is not a valid git tag name");
    }

    #[test]
    fn window_parsing() {
        let (a, b) = parse_window("15:00-17:00").unwrap();
        assert_eq!((a.to_string(), b.to_string()), ("15:00:00".into(), "17:00:00".into()));
        assert!(parse_window("17:00-15:00").is_err());
        assert!(parse_window("3pm").is_err());
        let text = |w: &str| parse_window(w).unwrap_err().to_string();
        assert_eq!(text("3pm"), r#"`3pm` is not a window like "15:00-17:00""#);
        assert_eq!(text("15:00 – 5pm"), "`5pm` is not a time like 15:00");
        assert_eq!(text("17:00-15:00"), "window `17:00-15:00` ends before it starts");
    }

    #[test]
    fn hero_rotates_weekly() {
        let rot: Vec<String> = ["alice", "bob", "carol"].map(String::from).to_vec();
        let a = hero_for(&rot, d(2026, 11, 26)).unwrap();
        let b = hero_for(&rot, d(2026, 12, 3)).unwrap();
        let c = hero_for(&rot, d(2026, 12, 10)).unwrap();
        let again = hero_for(&rot, d(2026, 12, 17)).unwrap();
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert_eq!(a, again);
        assert_eq!(hero_for(&[], d(2026, 11, 26)), None);
    }
}
