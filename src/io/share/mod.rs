//! A push's journal shared through a git remote: the storage and sync
//! engine, so people on several machines follow one push together.
//!
//! Storage. Each release and push date is one ref on the remote,
//! `refs/shipdeck/<release-slug>/<YYYY-MM-DD>` ([`share_ref`]). Its commit's
//! tree holds one file per replica (one data dir, `io::replica`),
//! `<replica>.jsonl`: the lines of the events that replica made, exactly as
//! its local journal has them, in the order it made them. A replica only
//! ever appends to its own file, so any two histories merge without a
//! conflict: per file, the longer version wins and the other must be its
//! byte prefix. A file that is not an extension of what was seen before
//! (someone rewrote history) is refused with a warning and its lines are
//! not taken; nothing local is ever dropped. Names that are not
//! `<8–64 hex>.jsonl` are ignored with a warning, and what is read from the
//! remote is capped ([`MAX_FILE_BYTES`], [`MAX_FILES`]).
//!
//! Where. A bare cache repository in the data dir ([`cache_path`]) holds
//! the objects: they are written with git2, while the network is only ever
//! the `git` command (`io::git::cli::run_git`), so the user's credentials,
//! ssh config and helpers work and nothing ever prompts.
//!
//! One round ([`sync_round`]): `ls-remote`; a fetch only when the remote
//! moved; the other replicas' new lines handed back; one commit with all
//! our new lines, pushed without force, retried after a re-fetch when
//! someone pushed first. The lines handed back are raw bytes from other
//! machines: the caller appends them to its journal (dropping ids it has),
//! whose reading cleans every event (`io::journal`), and only then
//! [`acknowledge`]s the round; lines of a round never acknowledged are
//! handed back again, so a crash in between loses nothing.
//!
//! Files: `files` (the pure rules: names, prefixes, new lines, warnings),
//! `cache` (the cache repository: snapshots, commits, refs, the round's
//! state file, the lock), `plan` (one merge and the commit it makes),
//! `remote` (ls-remote, fetch, push), `round` (one round, acknowledging
//! it), `error`.

mod cache;
mod claims;
mod error;
mod files;
pub mod journal;
mod plan;
mod remote;
mod round;

pub use cache::Committed;
pub use claims::{Claim, Decided};
pub use error::ShareError;
pub use files::{MAX_FILE_BYTES, MAX_FILES, Warning};
pub use round::{MAX_ATTEMPTS, ReplicaInfo, Round, acknowledge, shared_bytes, sync_round, sync_round_claiming};

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The namespace of the shared refs, away from branches and tags so a
/// repository's normal fetches and pushes never carry them.
pub const REF_PREFIX: &str = "refs/shipdeck/";

/// The cache repository of a data dir: one for every shared push, since
/// refs keep them apart.
pub fn cache_path(data_dir: &Path) -> PathBuf {
    data_dir.join("share.git")
}

/// A release name as one ref component: lowercase ASCII letters, digits and
/// `-`, every other run of characters one `-`, never empty, so every
/// spelling of a release's name ("AMO", "amo ") lands on one ref.
pub fn release_slug(release: &str) -> String {
    let mut out = String::with_capacity(release.len());
    for c in release.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let s = out.trim_matches('-');
    if s.is_empty() { "release".to_string() } else { s.to_string() }
}

/// The ref a release's push on `push_date` is shared under.
pub fn share_ref(release: &str, push_date: NaiveDate) -> String {
    format!("{REF_PREFIX}{}/{}", release_slug(release), push_date.format("%Y-%m-%d"))
}

/// `(slug, date)` of a ref [`share_ref`] could have made; anything else is
/// refused, so the ref given can never name a branch or carry an option.
fn parse_ref(git_ref: &str) -> Option<(&str, &str)> {
    let (slug, date) = git_ref.strip_prefix(REF_PREFIX)?.split_once('/')?;
    let slug_ok = !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    let date_ok = date.len() == 10 && NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    (slug_ok && date_ok).then_some((slug, date))
}

/// A replica id as `io::replica` makes them: 8 to 64 hex digits.
pub fn is_replica_id(s: &str) -> bool {
    (8..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_are_one_per_release_and_date_and_only_those_are_taken() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(share_ref("AMO", day), "refs/shipdeck/amo/2026-11-26");
        assert_eq!(share_ref("  Add-ons / Server!! ", day), "refs/shipdeck/add-ons-server/2026-11-26");
        assert_eq!(share_ref("Ünïcødé", day), "refs/shipdeck/n-c-d/2026-11-26");
        assert_eq!(share_ref("***", day), "refs/shipdeck/release/2026-11-26");
        assert_eq!(share_ref("", day), "refs/shipdeck/release/2026-11-26");
        for r in ["AMO", "a--b", "-x-", "x y z", "日本"] {
            assert!(parse_ref(&share_ref(r, day)).is_some(), "{r}");
        }
        for bad in [
            "refs/heads/main",
            "refs/shipdeck/amo",
            "refs/shipdeck/Amo/2026-11-26",
            "refs/shipdeck/amo/2026-11-31",
            "refs/shipdeck/-amo/2026-11-26",
            "refs/shipdeck/a/b/2026-11-26",
            "refs/shipdeck/amo/2026-11-26/x",
            "--upload-pack=x",
        ] {
            assert!(parse_ref(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn replica_ids_are_hex_of_bounded_length() {
        assert!(is_replica_id("0123abcd"));
        assert!(is_replica_id(&"f".repeat(64)));
        assert!(!is_replica_id("0123abc"));
        assert!(!is_replica_id(&"f".repeat(65)));
        assert!(!is_replica_id("0123abcg"));
        assert!(!is_replica_id("../../x1"));
    }
}
