//! The pure rules of the shared tree: which names are replicas' files, how
//! two versions of one file relate, which lines are new, and the warnings.

use crate::io::sanitize::clean_max;

/// The most read of one replica's file from the remote: far beyond any
/// push's journal (a busy push writes a few hundred KiB), small enough that
/// a hostile remote cannot make us hold gigabytes.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The most replicas' files read from one tree: a team is a handful of
/// laptops and a few cockpits.
pub const MAX_FILES: usize = 256;

/// Something about the remote's tree that the round passed over, to be
/// shown to the user (the `Display` text is clean: names from the remote
/// are cleaned, replica ids are hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The remote's file of `replica` is not an extension of what was seen
    /// before (history rewritten): its lines were not taken.
    Rewritten { replica: String },
    /// The remote's file of our own replica is not a prefix of our lines
    /// (someone else writes with our replica id, or our journal was reset):
    /// nothing of ours was pushed.
    OursDiverged { replica: String, remote_bytes: u64, ours_bytes: u64 },
    /// A tree entry that is not `<8–64 hex>.jsonl`, or not a plain file.
    Ignored { name: String },
    /// A file over [`MAX_FILE_BYTES`]: not read (ours: not pushed).
    TooLarge { replica: String, bytes: u64 },
    /// More than [`MAX_FILES`] replicas' files: the rest were not read.
    TooManyFiles { files: usize },
    /// The file does not end with a newline: its last, partial line waits.
    Torn { replica: String },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::Rewritten { replica } => write!(
                f,
                "the remote's lines of replica {replica} are not an extension of what was seen before \
                 (history rewritten): they were not taken"
            ),
            Warning::OursDiverged { replica, remote_bytes, ours_bytes } => write!(
                f,
                "the remote's file of this replica ({replica}, {remote_bytes} bytes) is not a prefix of this \
                 journal's own lines ({ours_bytes} bytes): another machine writes with this replica id, or the \
                 journal was reset; nothing was pushed"
            ),
            Warning::Ignored { name } => write!(f, "ignored {name:?} on the remote: not a replica's file"),
            Warning::TooLarge { replica, bytes } => {
                write!(f, "the file of replica {replica} is {bytes} bytes, over the {MAX_FILE_BYTES} read: skipped")
            }
            Warning::TooManyFiles { files } => {
                write!(f, "the remote holds {files} replicas' files; only the first {MAX_FILES} were read")
            }
            Warning::Torn { replica } => write!(f, "the file of replica {replica} ends in a partial line"),
        }
    }
}

/// The replica a tree entry's name is the file of, or why it is ignored.
pub(super) fn replica_of(name: &[u8]) -> Result<&str, Warning> {
    match std::str::from_utf8(name).ok().and_then(|n| n.strip_suffix(".jsonl")) {
        Some(r) if super::is_replica_id(r) => Ok(r),
        _ => Err(Warning::Ignored { name: clean_max(&String::from_utf8_lossy(name), 80) }),
    }
}

/// A replica's file name.
pub(super) fn file_name(replica: &str) -> String {
    format!("{replica}.jsonl")
}

/// `bytes` up to and with its last newline: whole lines only, so a line
/// is never handed out or pushed in two parts.
pub(super) fn whole_lines(bytes: &[u8]) -> &[u8] {
    match memchr::memrchr(b'\n', bytes) {
        Some(i) => &bytes[..=i],
        None => &[],
    }
}

pub(super) fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// How the remote's version of a file stands to the one seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Same,
    /// The remote has more: what was seen is its prefix.
    Extends,
    /// The remote has less, and it is a prefix of what was seen (the ref
    /// was reset): the longer, ours, still wins.
    Behind,
    /// Neither is the other's prefix.
    Diverged,
}

pub(super) fn relation(seen: &[u8], remote: &[u8]) -> Relation {
    use std::cmp::Ordering::*;
    match remote.len().cmp(&seen.len()) {
        Equal if remote == seen => Relation::Same,
        Greater if remote.starts_with(seen) => Relation::Extends,
        Less if seen.starts_with(remote) => Relation::Behind,
        _ => Relation::Diverged,
    }
}

/// The lines of `remote` beyond `seen` (whole lines only), when the remote
/// extends what was seen; `Rewritten` when it does not.
pub(super) fn new_lines<'a>(replica: &str, seen: &[u8], remote: &'a [u8]) -> Result<&'a [u8], Warning> {
    match relation(seen, remote) {
        Relation::Same | Relation::Behind => Ok(&[]),
        Relation::Extends => {
            let from = whole_lines(seen).len();
            Ok(&whole_lines(remote)[from.min(whole_lines(remote).len())..])
        }
        Relation::Diverged => Err(Warning::Rewritten { replica: replica.to_string() }),
    }
}

/// What of our own lines go out: those beyond the remote's copy of our
/// file, when that copy is their prefix.
pub(super) fn ours_to_push<'a>(replica: &str, remote: &[u8], mine: &'a [u8]) -> Result<&'a [u8], Warning> {
    if mine.starts_with(remote) {
        Ok(&mine[remote.len()..])
    } else {
        Err(Warning::OursDiverged {
            replica: replica.to_string(),
            remote_bytes: remote.len() as u64,
            ours_bytes: mine.len() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_replica_files_are_taken_and_hostile_names_are_shown_clean() {
        assert_eq!(replica_of(b"0123abcd.jsonl"), Ok("0123abcd"));
        for bad in [&b"0123abc.jsonl"[..], b"0123abcd.json", b"../0123abcd.jsonl", b"zzzzzzzz.jsonl", b"\xff.jsonl"] {
            assert!(matches!(replica_of(bad), Err(Warning::Ignored { .. })));
        }
        let Err(w) = replica_of(b"evil\x1b]0;pwned\x07.jsonl") else { panic!() };
        assert!(!w.to_string().contains('\x1b'));
    }

    #[test]
    fn the_longer_version_wins_and_must_extend_the_other() {
        assert_eq!(relation(b"a\n", b"a\n"), Relation::Same);
        assert_eq!(relation(b"a\n", b"a\nb\n"), Relation::Extends);
        assert_eq!(relation(b"", b"a\n"), Relation::Extends);
        assert_eq!(relation(b"a\nb\n", b"a\n"), Relation::Behind);
        assert_eq!(relation(b"a\nb\n", b"a\nc\n"), Relation::Diverged);
        assert_eq!(relation(b"a\nb\n", b"x\n"), Relation::Diverged);
        assert_eq!(new_lines("r", b"a\n", b"a\nb\nc"), Ok(&b"b\n"[..]));
        assert_eq!(new_lines("r", b"a\nb", b"a\nbc\n"), Ok(&b"bc\n"[..]), "a torn line is handed out once whole");
        assert_eq!(new_lines("r", b"a\nb\n", b"a\n"), Ok(&b""[..]));
        assert!(matches!(new_lines("r", b"a\n", b"b\n"), Err(Warning::Rewritten { .. })));
        assert_eq!(ours_to_push("r", b"a\n", b"a\nb\n"), Ok(&b"b\n"[..]));
        assert_eq!(ours_to_push("r", b"", b"a\n"), Ok(&b"a\n"[..]));
        assert!(matches!(ours_to_push("r", b"a\nb\n", b"a\n"), Err(Warning::OursDiverged { .. })));
        assert!(matches!(ours_to_push("r", b"x\n", b"a\n"), Err(Warning::OursDiverged { .. })));
        assert_eq!(whole_lines(b"a\nb"), b"a\n");
        assert_eq!(count_lines(b"a\nb\nc"), 2);
    }
}
