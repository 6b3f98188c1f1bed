//! Walking history the way `git log` does: the commits of a range, their
//! count, and each commit's text as git shows it.

use super::sanitize::clean;
use crate::domain::repos::CommitInfo;
use git2::{Commit, ErrorCode, Oid, Repository};
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// How many commits `from..to` holds: the length of [`walk_range`]'s list,
/// by the same walk, so the count shown beside a compare list never
/// contradicts it (`git rev-list --count from..to`).
pub fn count_range(repo: &Repository, from: Oid, to: Oid) -> Result<usize, git2::Error> {
    let mut walk = Walk::new(repo, false);
    walk.run(from, to)?;
    Ok(walk.listed.iter().filter(|&&(n, _)| walk.nodes[n as usize].flags & UNINTERESTING == 0).count())
}

/// `from..to` as `git log from..to` lists it: the same commits in the same
/// order, whatever the committer dates say (see [`Walk`]). Each commit is
/// read once.
pub fn walk_range(repo: &Repository, from: Oid, to: Oid) -> Result<Vec<CommitInfo>, git2::Error> {
    let mut walk = Walk::new(repo, true);
    walk.run(from, to)?;
    let Walk { listed, nodes, .. } = walk;
    Ok(listed
        .into_iter()
        .filter(|&(n, _)| nodes[n as usize].flags & UNINTERESTING == 0)
        .filter_map(|(_, info)| info)
        .collect())
}

/// Commits read (their parents known): git's "parsed".
const PARSED: u8 = 1;
/// Queued once, never again: git's SEEN.
const SEEN: u8 = 2;
/// Reachable from `from`, as far as the walk has learnt.
const UNINTERESTING: u8 = 4;
/// Out of the queue.
const POPPED: u8 = 8;
/// Extra commits taken from the queue once only uninteresting ones are
/// left, for clock skew: git's SLOP.
const SLOP: u32 = 5;

/// A commit the walk knows of: its id, and once read, its committer date
/// (as git reads it: unsigned) and where its parents are in `Walk::parents`.
struct Node {
    oid: Oid,
    date: u64,
    first_parent: u32,
    parent_count: u32,
    flags: u8,
}

/// Object ids are hashes already: their bytes, folded, are the hash.
#[derive(Default)]
struct OidHasher(u64);

impl Hasher for OidHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(23) ^ u64::from_le_bytes(word);
        }
    }

    /// The length before the bytes: the same for every id.
    fn write_usize(&mut self, _: usize) {}
}

/// git's revision walk for `from..to` (revision.c: `prepare_revision_walk`,
/// `limit_list`, `process_parents`, `mark_parents_uninteresting`,
/// `still_interesting`), which decides both which commits `git log`
/// lists and in what order:
///
/// - Both tips are read; `from` is uninteresting and so, at once, are its
///   parents and, through commits already read, theirs (`to` among them
///   if `from` is its descendant). The tips are queued newest first,
///   `from` first on equal dates.
/// - The queue gives the newest committer date first, and among equal
///   dates the first queued.
/// - An uninteresting commit out of the queue makes its parents
///   uninteresting, reads them, and makes everything already read below
///   them uninteresting too, queueing those parents not yet queued. An
///   interesting one is listed, and queues its parents not yet queued.
/// - After an uninteresting commit, the walk goes on while the queue holds
///   an interesting commit or one dated at or after the last listed, and
///   otherwise for five more commits (git's slop), then stops.
/// - A listed commit found uninteresting later is left out.
///
/// With skewed dates that is not exactly "reachable from `to` and not from
/// `from`" (the slop runs out), but it is what git shows for these two
/// commits. (Named `main~9`, a commit is found by reading the commits above
/// it, and git's walk then knows their parents too: with skewed dates
/// `git log main..main~9` can list less than the same range by sha.)
struct Walk<'r> {
    repo: &'r Repository,
    nodes: Vec<Node>,
    index: HashMap<Oid, u32, BuildHasherDefault<OidHasher>>,
    /// Parents of read commits, each commit's in a run, first parent first.
    parents: Vec<u32>,
    /// (date, order queued reversed, node): newest first, then first queued.
    queue: BinaryHeap<(u64, u64, u32)>,
    queued: u64,
    /// Queued commits not (yet) uninteresting.
    interesting: usize,
    /// Read commits kept for their rows until they leave the queue, when
    /// rows are wanted.
    commits: Vec<Option<Commit<'r>>>,
    keep: bool,
    /// Listed commits, in order, with their rows when wanted.
    listed: Vec<(u32, Option<CommitInfo>)>,
    stack: Vec<u32>,
}

impl<'r> Walk<'r> {
    fn new(repo: &'r Repository, keep: bool) -> Self {
        Walk {
            repo,
            nodes: Vec::new(),
            index: HashMap::default(),
            parents: Vec::new(),
            queue: BinaryHeap::new(),
            queued: 0,
            interesting: 0,
            commits: Vec::new(),
            keep,
            listed: Vec::new(),
            stack: Vec::new(),
        }
    }

    fn node(&mut self, oid: Oid) -> u32 {
        let next = self.nodes.len() as u32;
        let n = *self.index.entry(oid).or_insert(next);
        if n == next {
            self.nodes.push(Node { oid, date: 0, first_parent: 0, parent_count: 0, flags: 0 });
            if self.keep {
                self.commits.push(None);
            }
        }
        n
    }

    fn flags(&self, n: u32) -> u8 {
        self.nodes[n as usize].flags
    }

    fn parent(&self, n: u32, i: u32) -> u32 {
        self.parents[(self.nodes[n as usize].first_parent + i) as usize]
    }

    /// Reads a commit not read yet: its date and parents, and, when rows
    /// are wanted and it may be listed, the commit itself.
    fn read(&mut self, n: u32) -> Result<(), git2::Error> {
        if self.flags(n) & PARSED != 0 {
            return Ok(());
        }
        let commit = self.repo.find_commit(self.nodes[n as usize].oid)?;
        let first_parent = self.parents.len() as u32;
        for oid in commit.parent_ids() {
            let p = self.node(oid);
            self.parents.push(p);
        }
        let node = &mut self.nodes[n as usize];
        // git reads the date unsigned: a negative one sorts as the far future.
        node.date = commit.time().seconds() as u64;
        node.first_parent = first_parent;
        node.parent_count = self.parents.len() as u32 - first_parent;
        node.flags |= PARSED;
        if self.keep && node.flags & UNINTERESTING == 0 {
            self.commits[n as usize] = Some(commit);
        }
        Ok(())
    }

    fn enqueue(&mut self, n: u32) {
        let node = &mut self.nodes[n as usize];
        node.flags |= SEEN;
        if node.flags & UNINTERESTING == 0 {
            self.interesting += 1;
        }
        self.queue.push((node.date, u64::MAX - self.queued, n));
        self.queued += 1;
    }

    /// Flags a commit uninteresting; false if it was already.
    fn make_uninteresting(&mut self, n: u32) -> bool {
        let node = &mut self.nodes[n as usize];
        if node.flags & UNINTERESTING != 0 {
            return false;
        }
        node.flags |= UNINTERESTING;
        if node.flags & (SEEN | POPPED) == SEEN {
            self.interesting -= 1;
        }
        true
    }

    /// git's `mark_parents_uninteresting`: the parents of `n`, and below
    /// them every commit reached through commits already read, stopping
    /// at those already uninteresting.
    fn mark_parents_uninteresting(&mut self, n: u32) {
        let push_parents = |w: &mut Self, n: u32| {
            if w.flags(n) & PARSED != 0 {
                for i in 0..w.nodes[n as usize].parent_count {
                    let p = w.parent(n, i);
                    w.stack.push(p);
                }
            }
        };
        push_parents(self, n);
        while let Some(p) = self.stack.pop() {
            if self.make_uninteresting(p) {
                push_parents(self, p);
            }
        }
    }

    fn run(&mut self, from: Oid, to: Oid) -> Result<(), git2::Error> {
        let a = self.node(from);
        self.make_uninteresting(a);
        self.read(a)?;
        let b = self.node(to);
        self.read(b)?;
        self.mark_parents_uninteresting(a);
        if self.flags(b) & UNINTERESTING != 0 {
            self.mark_parents_uninteresting(b);
        }
        let tips = if a == b {
            vec![a]
        } else if self.nodes[b as usize].date > self.nodes[a as usize].date {
            vec![b, a]
        } else {
            vec![a, b]
        };
        for t in tips {
            self.enqueue(t);
        }

        let mut slop = SLOP;
        // The date of the last commit listed.
        let mut date = u64::MAX;
        while let Some((_, _, n)) = self.queue.pop() {
            let node = &mut self.nodes[n as usize];
            node.flags |= POPPED;
            let uninteresting = node.flags & UNINTERESTING != 0;
            let parent_count = node.parent_count;
            if !uninteresting {
                self.interesting -= 1;
            }
            let kept = if self.keep { self.commits[n as usize].take() } else { None };
            if uninteresting {
                for i in 0..parent_count {
                    let p = self.parent(n, i);
                    self.make_uninteresting(p);
                    // A parent missing from an uninteresting commit is no
                    // reason to fail, for git either.
                    match self.read(p) {
                        Ok(()) => {}
                        Err(e) if e.code() == ErrorCode::NotFound => continue,
                        Err(e) => return Err(e),
                    }
                    self.mark_parents_uninteresting(p);
                    if self.flags(p) & SEEN == 0 {
                        self.enqueue(p);
                    }
                }
                slop = match self.queue.peek() {
                    None => 0,
                    Some(&(head, _, _)) if date <= head || self.interesting > 0 => SLOP,
                    Some(_) => slop - 1,
                };
                if slop == 0 {
                    break;
                }
                continue;
            }
            for i in 0..parent_count {
                let p = self.parent(n, i);
                self.read(p)?;
                if self.flags(p) & SEEN == 0 {
                    self.enqueue(p);
                }
            }
            date = self.nodes[n as usize].date;
            self.listed.push((n, kept.as_ref().map(info_of)));
        }
        Ok(())
    }
}

pub fn info_of(c: &git2::Commit) -> CommitInfo {
    let encoding = c.message_encoding().ok().flatten();
    CommitInfo {
        sha: c.id().to_string(),
        summary: clean(&commit_text(c.summary_bytes().unwrap_or_default(), encoding)),
        author: clean(&commit_text(c.author().name_bytes(), encoding)),
        time: c.author().when().seconds(),
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
    use git2::{Signature, Time};

    /// A repository to make commits in with chosen dates.
    struct Lab {
        _dir: tempfile::TempDir,
        repo: Repository,
        tree: Oid,
        made: std::cell::Cell<usize>,
    }

    impl Lab {
        fn new() -> Self {
            let dir = tempfile::tempdir().expect("temp dir");
            let repo = Repository::init(dir.path()).expect("init");
            let tree = repo.treebuilder(None).and_then(|t| t.write()).expect("empty tree");
            Lab { _dir: dir, repo, tree, made: std::cell::Cell::new(0) }
        }

        /// A commit on `parents` committed at `committed` and authored at
        /// half that, long before.
        fn commit(&self, parents: &[Oid], committed: i64) -> Oid {
            let sig = |name: &str, t: i64| Signature::new(name, "lab@example.com", &Time::new(t, 0)).unwrap();
            let parents: Vec<Commit> = parents.iter().map(|p| self.repo.find_commit(*p).unwrap()).collect();
            let parents: Vec<&Commit> = parents.iter().collect();
            let tree = self.repo.find_tree(self.tree).unwrap();
            self.made.set(self.made.get() + 1);
            let message = format!("commit {}", self.made.get());
            let (author, committer) = (sig("Ada", committed / 2), sig("Grace", committed));
            self.repo.commit(None, &author, &committer, &message, &tree, &parents).unwrap()
        }

        /// A line of `n` commits on `parent`, dated `first`, `first + step`…
        fn line(&self, parent: Option<Oid>, n: usize, first: i64, step: i64) -> Vec<Oid> {
            let mut out: Vec<Oid> = Vec::new();
            for k in 0..n {
                let parents: Vec<Oid> = out.last().copied().or(parent).into_iter().collect();
                out.push(self.commit(&parents, first + step * k as i64));
            }
            out
        }

        /// `from..to` listed, with the count checked against the list.
        fn list(&self, from: Oid, to: Oid) -> Vec<Oid> {
            let listed: Vec<Oid> =
                walk_range(&self.repo, from, to).unwrap().iter().map(|c| Oid::from_str(&c.sha).unwrap()).collect();
            assert_eq!(count_range(&self.repo, from, to).unwrap(), listed.len(), "count and list agree");
            listed
        }
    }

    #[test]
    fn nothing_is_listed_from_a_commit_to_itself_or_to_its_ancestors() {
        let lab = Lab::new();
        let line = lab.line(None, 4, 1_000, 60);
        assert_eq!(lab.list(line[0], line[3]), [line[3], line[2], line[1]]);
        assert_eq!(lab.list(line[3], line[3]), []);
        assert_eq!(lab.list(line[3], line[1]), []);
    }

    #[test]
    fn rows_carry_the_author_date_and_say_which_are_merges() {
        let lab = Lab::new();
        let base = lab.commit(&[], 1_000);
        let side = lab.commit(&[base], 1_100);
        let merge = lab.commit(&[base, side], 1_200);
        let rows = walk_range(&lab.repo, base, merge).unwrap();
        let rows: Vec<(String, i64, bool)> = rows.into_iter().map(|c| (c.sha, c.time, c.merge)).collect();
        assert_eq!(rows, [(merge.to_string(), 600, true), (side.to_string(), 550, false)]);
    }

    /// Among equal dates, first queued first: the merge's first parent, its
    /// second, then the first parent's parent.
    #[test]
    fn equal_dates_come_out_in_the_order_they_were_queued() {
        let lab = Lab::new();
        let root = lab.commit(&[], 500);
        let below = lab.commit(&[root], 1_000);
        let first = lab.commit(&[below], 1_000);
        let second = lab.commit(&[root], 1_000);
        let merge = lab.commit(&[first, second], 1_000);
        assert_eq!(lab.list(root, merge), [merge, first, second, below]);
    }

    /// `to` merges a branch forked from commit 2 of a mainline whose commit
    /// 3 is dated before its parent: commit 2 comes out of the queue, as
    /// wanted, before commit 3 says `from` reaches it. It is taken back,
    /// and so is everything below it.
    #[test]
    fn a_commit_listed_before_from_is_known_to_reach_it_is_taken_back() {
        let lab = Lab::new();
        let main = lab.line(None, 3, 1_000, 60);
        let slow = lab.commit(&[main[2]], 1_090);
        let tip = lab.line(Some(slow), 3, 1_300, 60);
        let from = tip[2];
        let branch = lab.commit(&[main[2]], 1_150);
        let to = lab.commit(&[from, branch], 2_000);
        assert_eq!(lab.list(from, to), [to, branch]);
    }

    /// `from`'s own line is dated long before `to`'s. Once nothing
    /// interesting is queued, the walk stops five commits after the last
    /// listed one, as git's does: with `from` seven commits away from the
    /// root they share, the root is listed although `from` reaches it; four
    /// commits away, it is not.
    #[test]
    fn the_walk_gives_up_five_commits_past_the_last_listed_as_git_does() {
        for (from_line, listed_root) in [(7, true), (4, false)] {
            let lab = Lab::new();
            let root = lab.commit(&[], 10_000);
            let to_line = lab.line(Some(root), 2, 10_100, 100);
            let old = lab.line(Some(root), from_line, 1_000, 10);
            let from = lab.commit(&[*old.last().unwrap()], 20_000);
            let mut want = vec![to_line[1], to_line[0]];
            if listed_root {
                want.push(root);
            }
            assert_eq!(lab.list(from, to_line[1]), want, "{from_line} commits on from's line");
        }
    }

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
