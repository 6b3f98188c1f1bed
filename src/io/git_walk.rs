//! Walking history the way `git log` does: the commits of a range, their
//! count, and each commit's text as git shows it.

use super::sanitize::clean;
use crate::domain::repos::CommitInfo;
use git2::{Oid, Repository};

pub fn count_range(repo: &Repository, from: Oid, to: Oid) -> Result<usize, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.push(to)?;
    walk.hide(from)?;
    Ok(walk.count())
}

/// `from..to` newest first, the way `git log` orders it: a queue by commit
/// date (ties in the order found); commits reachable from `from` are marked
/// uninteresting and the walk stops when only those are left. Each commit is
/// read once — libgit2's revwalk would parse it and `find_commit` read it
/// again, which made a 50,000-commit compare twice as slow as `git log`.
pub fn walk_range(repo: &Repository, from: Oid, to: Oid) -> Result<Vec<CommitInfo>, git2::Error> {
    use std::collections::{BinaryHeap, HashMap};

    const UNINTERESTING: u8 = 1;
    /// Out of the queue already.
    const POPPED: u8 = 2;
    /// Extra pops once only uninteresting commits are queued, for clock skew
    /// (git log's "slop").
    const SLOP: usize = 5;

    struct Queued<'r> {
        time: i64,
        seq: u64,
        commit: git2::Commit<'r>,
    }
    impl PartialEq for Queued<'_> {
        fn eq(&self, o: &Self) -> bool {
            (self.time, self.seq) == (o.time, o.seq)
        }
    }
    impl Eq for Queued<'_> {}
    impl PartialOrd for Queued<'_> {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for Queued<'_> {
        // Newest first; among equal times, first found first.
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.time.cmp(&o.time).then(o.seq.cmp(&self.seq))
        }
    }

    struct Walk<'r> {
        repo: &'r Repository,
        flags: HashMap<Oid, u8>,
        queue: BinaryHeap<Queued<'r>>,
        seq: u64,
        /// Queued commits not (yet) known to be reachable from `from`.
        interesting: usize,
    }
    impl<'r> Walk<'r> {
        /// Queues a commit not seen before, or adds the flag to one seen.
        fn add(&mut self, oid: Oid, flag: u8) -> Result<(), git2::Error> {
            if let Some(f) = self.flags.get_mut(&oid) {
                if flag & UNINTERESTING != 0 && *f & (UNINTERESTING | POPPED) == 0 {
                    self.interesting -= 1;
                }
                *f |= flag;
                return Ok(());
            }
            self.flags.insert(oid, flag);
            if flag & UNINTERESTING == 0 {
                self.interesting += 1;
            }
            let commit = self.repo.find_commit(oid)?;
            self.seq += 1;
            self.queue.push(Queued { time: commit.time().seconds(), seq: self.seq, commit });
            Ok(())
        }
    }

    let mut w = Walk { repo, flags: HashMap::new(), queue: BinaryHeap::new(), seq: 0, interesting: 0 };
    w.add(from, UNINTERESTING)?;
    w.add(to, 0)?;
    let mut out = Vec::new();
    let mut slop = SLOP;
    while let Some(Queued { commit, .. }) = w.queue.pop() {
        let f = w.flags.entry(commit.id()).or_insert(0);
        let uninteresting = *f & UNINTERESTING != 0;
        *f |= POPPED;
        if uninteresting {
            for parent in commit.parent_ids() {
                w.add(parent, UNINTERESTING)?;
            }
        } else {
            w.interesting -= 1;
            out.push(info_of(&commit));
            for parent in commit.parent_ids() {
                w.add(parent, 0)?;
            }
        }
        if w.interesting == 0 {
            if slop == 0 {
                break;
            }
            slop -= 1;
        } else {
            slop = SLOP;
        }
    }
    Ok(out)
}

pub fn info_of(c: &git2::Commit) -> CommitInfo {
    let encoding = c.message_encoding().ok().flatten();
    CommitInfo {
        sha: c.id().to_string(),
        summary: clean(&commit_text(c.summary_bytes().unwrap_or_default(), encoding)),
        author: clean(&commit_text(c.author().name_bytes(), encoding)),
        time: c.time().seconds(),
        merge: c.parent_count() > 1,
    }
}

/// A commit's text as `git log` shows it. A commit that is not UTF-8 and
/// says it is Latin-1 is read as Latin-1: its accented letters come out as
/// written, and its bytes 0x80–0x9f as the C1 controls they are there
/// (CSI, OSC…), which the cleaning then removes with their parameters —
/// read as UTF-8 they were replacement characters followed by the rest of
/// the sequence. Valid UTF-8 wins over a wrong label; anything else that
/// cannot be read becomes U+FFFD.
pub fn commit_text<'a>(bytes: &'a [u8], encoding: Option<&str>) -> std::borrow::Cow<'a, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(text);
    }
    if encoding.is_some_and(is_latin1) {
        return std::borrow::Cow::Owned(bytes.iter().copied().map(char::from).collect());
    }
    String::from_utf8_lossy(bytes)
}

/// The names git and iconv accept for ISO-8859-1.
fn is_latin1(name: &str) -> bool {
    let name: String = name.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).collect();
    ["iso88591", "latin1", "l1", "cp819", "ibm819", "iso885911987"].iter().any(|n| name.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_text_honours_a_latin1_label_only_where_utf8_fails() {
        assert_eq!(commit_text(b"caf\xe9", Some("ISO-8859-1")), "caf\u{e9}");
        assert_eq!(commit_text(b"caf\xe9", Some("latin1")), "caf\u{e9}");
        assert_eq!(clean(&commit_text(b"a\x9b2Jb\x9d0;t\x9cc", Some("iso-8859-1"))), "abc");
        assert_eq!(commit_text("café".as_bytes(), Some("ISO-8859-1")), "café", "a wrong label is not obeyed");
        assert_eq!(commit_text(b"caf\xe9", None), "caf\u{fffd}");
        assert_eq!(commit_text(b"caf\xe9", Some("Shift_JIS")), "caf\u{fffd}");
    }
}
