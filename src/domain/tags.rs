//! The push tag scheme: `YYYY.MM.DD` (the release's tag format) for a push,
//! `YYYY.MM.DD-1`, `-2`… for re-tags after a cherry-picked fix. Ordering is by
//! (date, suffix), never by commit date or graph position: a `-N` tag usually
//! sits on a side branch off the previous tag, and must still be found.
//! Tags outside the scheme (`v1.2.3`, `release-foo`) are ignored.

use super::release::format_tag;
use chrono::NaiveDate;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PushTag {
    pub date: NaiveDate,
    /// 0 for the push tag itself, N for the N-th re-tag.
    pub suffix: u32,
}

impl PartialOrd for PushTag {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PushTag {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.date, self.suffix).cmp(&(other.date, other.suffix))
    }
}

impl PushTag {
    pub fn name(&self, format: &str) -> String {
        let base = format_tag(self.date, format).unwrap_or_default();
        if self.suffix == 0 { base } else { format!("{base}-{}", self.suffix) }
    }
}

/// Reads a tag name in the scheme. The date part must format back to exactly
/// itself, so `2026.1.5` is not mistaken for `2026.01.05`.
pub fn parse(name: &str, format: &str) -> Option<PushTag> {
    if let Some(date) = parse_date(name, format) {
        return Some(PushTag { date, suffix: 0 });
    }
    let (base, n) = name.rsplit_once('-')?;
    if n.is_empty() || n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 6 {
        return None;
    }
    let date = parse_date(base, format)?;
    Some(PushTag { date, suffix: n.parse().ok()? })
}

fn parse_date(s: &str, format: &str) -> Option<NaiveDate> {
    // Cheap rejection first: most non-scheme tags do not start with a digit
    // when the format starts with one.
    let date = NaiveDate::parse_from_str(s, format).ok()?;
    (format_tag(date, format).ok()? == s).then_some(date)
}

/// Where a repository stands for a push date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagPlan {
    /// The newest push tag dated before the push date.
    pub previous: Option<(String, PushTag)>,
    /// The newest existing tag for the push date, if any.
    pub current: Option<(String, PushTag)>,
    /// The tag that creating one now would make.
    pub next: String,
}

impl TagPlan {
    /// The tag the services should end up on: the newest existing for the
    /// push date, else the one that will be created.
    pub fn target(&self) -> &str {
        self.current.as_ref().map_or(&self.next, |(n, _)| n)
    }
}

pub fn plan<'a>(tags: impl IntoIterator<Item = &'a str>, push_date: NaiveDate, format: &str) -> TagPlan {
    let mut previous: Option<(&str, PushTag)> = None;
    let mut current: Option<(&str, PushTag)> = None;
    for name in tags {
        let Some(tag) = parse(name, format) else { continue };
        let slot = match tag.date.cmp(&push_date) {
            Ordering::Less => &mut previous,
            Ordering::Equal => &mut current,
            Ordering::Greater => continue,
        };
        if slot.is_none_or(|(_, t)| tag > t) {
            *slot = Some((name, tag));
        }
    }
    let next = match current {
        None => PushTag { date: push_date, suffix: 0 },
        Some((_, t)) => PushTag { date: push_date, suffix: t.suffix + 1 },
    }
    .name(format);
    TagPlan {
        previous: previous.map(|(n, t)| (n.to_string(), t)),
        current: current.map(|(n, t)| (n.to_string(), t)),
        next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const F: &str = "%Y.%m.%d";

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn parses_the_scheme_and_ignores_the_rest() {
        assert_eq!(parse("2026.11.26", F), Some(PushTag { date: d(11, 26), suffix: 0 }));
        assert_eq!(parse("2026.11.26-2", F), Some(PushTag { date: d(11, 26), suffix: 2 }));
        for other in ["v1.2.3", "release-foo", "2026.11.26-", "2026.11.26-01", "2026.1.5", "2026.11.26-x", "2026.13.01"]
        {
            assert_eq!(parse(other, F), None, "{other}");
        }
        let dashed = "%Y-%m-%d";
        assert_eq!(parse("2026-11-26", dashed), Some(PushTag { date: d(11, 26), suffix: 0 }));
        assert_eq!(parse("2026-11-26-3", dashed), Some(PushTag { date: d(11, 26), suffix: 3 }));
        assert_eq!(parse("v2026.11.26", "v%Y.%m.%d"), Some(PushTag { date: d(11, 26), suffix: 0 }));
    }

    #[test]
    fn plan_orders_by_date_then_suffix() {
        let tags =
            ["2026.11.12", "2026.11.19", "2026.11.19-1", "2026.11.19-10", "2026.11.19-2", "v9.9.9", "2026.12.03"];
        let p = plan(tags, d(11, 26), F);
        assert_eq!(p.previous.as_ref().unwrap().0, "2026.11.19-10");
        assert_eq!(p.current, None);
        assert_eq!(p.next, "2026.11.26");
        assert_eq!(p.target(), "2026.11.26");

        let p = plan(["2026.11.19", "2026.11.26", "2026.11.26-1"], d(11, 26), F);
        assert_eq!(p.previous.as_ref().unwrap().0, "2026.11.19");
        assert_eq!(p.current.as_ref().unwrap().0, "2026.11.26-1");
        assert_eq!(p.next, "2026.11.26-2");
        assert_eq!(p.target(), "2026.11.26-1");

        let p = plan(["v1.0.0"], d(11, 26), F);
        assert_eq!((p.previous, p.current, p.next.as_str()), (None, None, "2026.11.26"));
    }

    proptest! {
        #[test]
        fn names_round_trip(y in 2000i32..2100, doy in 1u32..365, suffix in 0u32..50) {
            let date = NaiveDate::from_yo_opt(y, doy).unwrap();
            let tag = PushTag { date, suffix };
            prop_assert_eq!(parse(&tag.name(F), F), Some(tag));
        }

        #[test]
        fn next_is_always_new_and_newest(suffixes in proptest::collection::vec(0u32..20, 0..8)) {
            let date = d(11, 26);
            let names: Vec<String> = suffixes.iter().map(|s| PushTag { date, suffix: *s }.name(F)).collect();
            let p = plan(names.iter().map(String::as_str), date, F);
            prop_assert!(!names.contains(&p.next));
            let next = parse(&p.next, F).unwrap();
            for n in &names {
                prop_assert!(parse(n, F).unwrap() < next);
            }
        }
    }
}
