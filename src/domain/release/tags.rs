//! The push tag scheme: `YYYY.MM.DD` (the release's tag format) for a push,
//! `YYYY.MM.DD-1`, `-2`… for re-tags after a cherry-picked fix. The suffix is
//! a positive number written with or without leading zeros (`-02` is the
//! second re-tag; teams that padded keep padding), `-0` and anything
//! non-numeric are outside the scheme. Ordering is by (date, suffix value),
//! never by commit date or graph position: a `-N` tag usually sits on a side
//! branch off the previous tag, and must still be found. Tags outside the
//! scheme (`v1.2.3`, `release-foo`) are ignored.

use super::format_tag;
use chrono::NaiveDate;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PushTag {
    pub date: NaiveDate,
    /// 0 for the push tag itself, N for the N-th re-tag.
    pub suffix: u32,
    /// Digits the suffix was written with when zero-padded (`-02`: 2), else 0.
    pub pad: u8,
}

impl PartialOrd for PushTag {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PushTag {
    fn cmp(&self, other: &Self) -> Ordering {
        // The padding only breaks the tie of `-2` beside `-02`, so the order
        // stays total and the same on every machine.
        (self.date, self.suffix, self.pad).cmp(&(other.date, other.suffix, other.pad))
    }
}

impl PushTag {
    pub fn base(date: NaiveDate) -> Self {
        PushTag { date, suffix: 0, pad: 0 }
    }

    pub fn name(&self, format: &str) -> String {
        let base = format_tag(self.date, format).unwrap_or_default();
        if self.suffix == 0 { base } else { format!("{base}-{:0width$}", self.suffix, width = usize::from(self.pad)) }
    }

    /// The re-tag after this one, written in the same style (`-02` → `-03`,
    /// `-09` → `-10`, `-2` → `-3`).
    pub fn next(&self) -> Self {
        PushTag { date: self.date, suffix: self.suffix + 1, pad: self.pad }
    }
}

/// Reads a tag name in the scheme. The date part must format back to exactly
/// itself, so `2026.1.5` is not mistaken for `2026.01.05`.
pub fn parse(name: &str, format: &str) -> Option<PushTag> {
    if let Some(date) = parse_date(name, format) {
        return Some(PushTag::base(date));
    }
    let (base, n) = name.rsplit_once('-')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.len() > 6 {
        return None;
    }
    let suffix: u32 = n.parse().ok()?;
    if suffix == 0 {
        return None;
    }
    let date = parse_date(base, format)?;
    let pad = if n.starts_with('0') { n.len() as u8 } else { 0 };
    Some(PushTag { date, suffix, pad })
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
    /// The tag that creating one now would make: the push tag before there
    /// is one, else the next re-tag (made only on purpose, never proposed).
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
    // How this repository writes re-tags: the newest one up to this push
    // whose number is a single digit shows it (`-02` pads, `-2` does not;
    // `-10` looks the same either way).
    let mut style: Option<PushTag> = None;
    for name in tags {
        let Some(tag) = parse(name, format) else { continue };
        if (1..10).contains(&tag.suffix) && tag.date <= push_date && style.is_none_or(|s| tag > s) {
            style = Some(tag);
        }
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
        None => PushTag::base(push_date),
        Some((_, t)) if t.suffix > 0 => t.next(),
        Some((_, t)) => PushTag { pad: style.map_or(0, |s| s.pad), ..t.next() },
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
        assert_eq!(parse("2026.11.26", F), Some(PushTag::base(d(11, 26))));
        assert_eq!(parse("2026.11.26-2", F), Some(PushTag { date: d(11, 26), suffix: 2, pad: 0 }));
        assert_eq!(parse("2026.11.26-02", F), Some(PushTag { date: d(11, 26), suffix: 2, pad: 2 }));
        assert_eq!(parse("2026.11.26-010", F), Some(PushTag { date: d(11, 26), suffix: 10, pad: 3 }));
        for other in [
            "v1.2.3",
            "release-foo",
            "2026.11.26-",
            "2026.11.26-0",
            "2026.11.26-00",
            "2026.1.5",
            "2026.11.26-x",
            "2026.11.26-1a",
            "2026.11.26-+1",
            "2026.13.01",
        ] {
            assert_eq!(parse(other, F), None, "{other}");
        }
        let dashed = "%Y-%m-%d";
        assert_eq!(parse("2026-11-26", dashed), Some(PushTag::base(d(11, 26))));
        assert_eq!(parse("2026-11-26-3", dashed), Some(PushTag { date: d(11, 26), suffix: 3, pad: 0 }));
        assert_eq!(parse("v2026.11.26", "v%Y.%m.%d"), Some(PushTag::base(d(11, 26))));
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

        // Zero-padded re-tags are numbers: `-03` is newer than `-1`, and the
        // next one keeps the repository's own style.
        let p = plan(["2026.11.19", "2026.11.26", "2026.11.26-1", "2026.11.26-03", "2026.11.26-02"], d(11, 26), F);
        assert_eq!(p.current.as_ref().unwrap().0, "2026.11.26-03");
        assert_eq!(p.next, "2026.11.26-04");
        let p = plan(["2026.11.19-09", "2026.11.19-1"], d(11, 26), F);
        assert_eq!(p.previous.as_ref().unwrap().0, "2026.11.19-09");
        let p = plan(["2026.11.26-09"], d(11, 26), F);
        assert_eq!(p.next, "2026.11.26-10");
        let p = plan(["2026.11.12-02", "2026.11.26"], d(11, 26), F);
        assert_eq!(p.next, "2026.11.26-01", "the first re-tag of the week is padded like the last one");
        let p = plan(["2026.11.12-09", "2026.11.12-10", "2026.11.26"], d(11, 26), F);
        assert_eq!(p.next, "2026.11.26-01", "`-10` says nothing about padding; `-09` did");
        let p = plan(["2026.11.12-2", "2026.12.03-02", "2026.11.26"], d(11, 26), F);
        assert_eq!(p.next, "2026.11.26-1", "later pushes do not decide this one's style");
        let p = plan(["2026.11.26-99"], d(11, 26), F);
        assert_eq!(p.next, "2026.11.26-100");
        // `-0` is not a re-tag: the push tag is still to be made.
        let p = plan(["2026.11.26-0", "2026.11.26-00"], d(11, 26), F);
        assert_eq!((p.current, p.next.as_str()), (None, "2026.11.26"));

        let p = plan(["v1.0.0"], d(11, 26), F);
        assert_eq!((p.previous, p.current, p.next.as_str()), (None, None, "2026.11.26"));
    }

    proptest! {
        #[test]
        fn names_round_trip(y in 2000i32..2100, doy in 1u32..365, suffix in 0u32..5000, pad in 0u8..5) {
            let date = NaiveDate::from_yo_opt(y, doy).unwrap();
            let digits = suffix.to_string().len() as u8;
            // A padding only shows when it adds a zero.
            let pad = if suffix == 0 || pad <= digits { 0 } else { pad };
            let tag = PushTag { date, suffix, pad };
            prop_assert_eq!(parse(&tag.name(F), F), Some(tag));
        }

        #[test]
        fn next_is_always_new_and_newest(
            suffixes in proptest::collection::vec((0u32..120, prop_oneof![Just(0u8), Just(2u8), Just(3u8)]), 0..8)
        ) {
            let date = d(11, 26);
            let names: Vec<String> = suffixes
                .iter()
                .map(|(s, pad)| {
                    let pad = if *s == 0 || s.to_string().len() >= usize::from(*pad) { 0 } else { *pad };
                    PushTag { date, suffix: *s, pad }.name(F)
                })
                .collect();
            let p = plan(names.iter().map(String::as_str), date, F);
            prop_assert!(!names.contains(&p.next));
            let next = parse(&p.next, F).unwrap();
            for n in &names {
                prop_assert!(parse(n, F).unwrap() < next);
            }
        }
    }
}
