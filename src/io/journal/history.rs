//! Earlier pushes' journals of a release, read for what ran where: the last
//! known good comes from them.

use super::{JournalStore, Loaded};
use chrono::NaiveDate;
use std::path::Path;

/// How many earlier pushes are read: half a year of weekly pushes is more
/// history than any rollback reaches for, and bounds the work at start.
pub const MAX_PUSHES: usize = 26;

/// The journals of `release` in `data_dir` dated before `before`, newest
/// `MAX_PUSHES` of them, oldest first, each with its push date. A file not
/// named as a push's journal is not one; one that cannot be read is said in
/// the second list and left out.
pub fn earlier(data_dir: &Path, release: &str, before: NaiveDate) -> (Vec<(NaiveDate, Loaded)>, Vec<String>) {
    let probe = JournalStore::for_push(data_dir, release, before);
    let Some(dir) = probe.path().parent() else { return (Vec::new(), Vec::new()) };
    let Ok(entries) = std::fs::read_dir(dir) else { return (Vec::new(), Vec::new()) };
    let mut dates: Vec<NaiveDate> = entries
        .filter_map(|e| {
            let name = e.ok()?.file_name();
            let stem = name.to_str()?.strip_suffix(".jsonl")?;
            NaiveDate::parse_from_str(stem, "%Y-%m-%d").ok()
        })
        .filter(|d| *d < before)
        .collect();
    dates.sort_unstable();
    let skip = dates.len().saturating_sub(MAX_PUSHES);
    let mut out = Vec::new();
    let mut trouble = Vec::new();
    for date in dates.into_iter().skip(skip) {
        match JournalStore::for_push(data_dir, release, date).load() {
            Ok(loaded) => out.push((date, loaded)),
            Err(e) => trouble.push(format!("the {date} push's journal is left out of the last known good: {e}")),
        }
    }
    (out, trouble)
}
