//! The compare list is `git log A..B`: the same commits in the same order,
//! whatever the shape of history and whatever its committer dates say,
//! and the Repos pane's count is `git rev-list --count A..B`.
//!
//! Histories are generated, written with one `git fast-import` run into a
//! temporary repository, and every answer is checked against the `git`
//! command on the same repository: `git log --format=%H A..B`,
//! `git log --no-merges` against the list without merges, and
//! `git rev-list --count` against `git_walk::count_range`. Each row's time
//! is the author date (`%at`). git is asked without a commit-graph file,
//! then again with one.
//!
//! Two generators: commits one by one (merges, several roots, side
//! branches) with committer dates skewed, tied, random, all equal, running
//! backwards or on a clock per line; and lines of development each on its
//! own clock, where `A`'s line can lag so far behind that git's walk gives
//! up before `A` reaches a commit it lists (git lists it; so must compare).
//! `A` and `B` are unrelated, equal, ancestor and descendant.
//!
//! Fixed cases: a branch forked long ago and merged now over a long
//! history with one commit dated before its parent, a `from` whose parent
//! is dated years ahead and shared with `to`, and the walk giving up after
//! five commits, as git's does.
//!
//! Every `git` run here gets a sandboxed environment: no global or system
//! config, `HOME` in the temporary directory.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use shipdeck::domain::repos::{CommitInfo, RepoSpec};
use shipdeck::io::git;
use shipdeck::io::git_walk;
use shipdeck::testkit::git_command as git_cmd;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

/// A history: commit `k`'s parents (all numbered below `k`, first parent
/// first) and its dates, seconds since the epoch.
#[derive(Debug, Clone, Default)]
struct Dag {
    parents: Vec<Vec<usize>>,
    committed: Vec<i64>,
    authored: Vec<i64>,
}

impl Dag {
    fn push(&mut self, parents: Vec<usize>, committed: i64, authored: i64) -> usize {
        self.parents.push(parents);
        self.committed.push(committed);
        self.authored.push(authored);
        self.parents.len() - 1
    }

    fn len(&self) -> usize {
        self.parents.len()
    }
}

/// `dag` written into a new repository with one `git fast-import` run,
/// with the commits' shas, numbered as in `dag`.
struct Repo {
    dir: TempDir,
    path: PathBuf,
    shas: Vec<String>,
    number: HashMap<String, usize>,
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{cmd:?}: cannot run git ({e})"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("git prints UTF-8 here")
}

fn build(dag: &Dag) -> Repo {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path();
    let repo = home.join("repo");
    std::fs::create_dir(&repo).expect("repo dir");
    run(git_cmd(home, &repo).args(["init", "-q", "-b", "main"]));
    let marks = home.join("marks");
    let mut child = git_cmd(home, &repo)
        .args(["fast-import", "--quiet", "--done"])
        .arg(format!("--export-marks={}", marks.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn git fast-import");
    {
        let mut out = BufWriter::new(child.stdin.take().expect("piped stdin"));
        let mut stream = || -> std::io::Result<()> {
            for k in 0..dag.len() {
                // A reset first, so a commit without parents is a root.
                writeln!(out, "reset refs/heads/w\ncommit refs/heads/w\nmark :{}", k + 1)?;
                writeln!(out, "author Ada <ada@example.com> {} +0000", dag.authored[k])?;
                writeln!(out, "committer Grace <grace@example.com> {} +0000", dag.committed[k])?;
                let msg = format!("commit {k}\n");
                write!(out, "data {}\n{msg}\n", msg.len())?;
                for (i, p) in dag.parents[k].iter().enumerate() {
                    writeln!(out, "{} :{}", if i == 0 { "from" } else { "merge" }, p + 1)?;
                }
            }
            writeln!(out, "reset refs/heads/main\nfrom :{}\n\ndone", dag.len())?;
            out.flush()
        };
        stream().expect("write the fast-import stream");
    }
    assert!(child.wait().expect("wait for git fast-import").success(), "git fast-import failed");
    let mut shas = vec![String::new(); dag.len()];
    for line in std::fs::read_to_string(&marks).expect("marks").lines() {
        let (mark, sha) = line.split_once(' ').expect("`:mark sha`");
        shas[mark[1..].parse::<usize>().expect("mark number") - 1] = sha.to_string();
    }
    assert!(shas.iter().all(|s| s.len() == 40), "every commit has a sha");
    assert!(!has_commit_graph(&repo), "fast-import writes no commit-graph");
    let number = shas.iter().enumerate().map(|(k, s)| (s.clone(), k)).collect();
    Repo { dir, path: repo, shas, number }
}

fn has_commit_graph(repo: &Path) -> bool {
    let info = repo.join(".git/objects/info");
    info.join("commit-graph").exists() || info.join("commit-graphs").exists()
}

impl Repo {
    fn git(&self, args: &[&str]) -> String {
        run(git_cmd(self.dir.path(), &self.path).args(args))
    }

    fn spec(&self) -> RepoSpec {
        RepoSpec {
            name: "dag".into(),
            path: self.path.to_str().expect("UTF-8 path").into(),
            remote: "origin".into(),
            branch: None,
            web_url: None,
            security: None,
            tag_unchanged: false,
        }
    }

    fn compare(&self, a: usize, b: usize) -> Vec<CommitInfo> {
        git::compare(&self.spec(), &self.shas[a], &self.shas[b]).unwrap_or_else(|e| panic!("compare: {e}"))
    }

    fn count(&self, a: usize, b: usize) -> usize {
        let repo = git2::Repository::open(&self.path).expect("open");
        let oid = |k: usize| git2::Oid::from_str(&self.shas[k]).expect("oid");
        git_walk::count_range(&repo, oid(a), oid(b)).expect("count_range")
    }

    fn log(&self, extra: &[&str], a: usize, b: usize) -> Vec<String> {
        let range = format!("{}..{}", self.shas[a], self.shas[b]);
        let mut args = vec!["log"];
        args.extend_from_slice(extra);
        args.push(&range);
        self.git(&args).lines().map(String::from).collect()
    }

    fn rev_list_count(&self, a: usize, b: usize) -> usize {
        let range = format!("{}..{}", self.shas[a], self.shas[b]);
        self.git(&["rev-list", "--count", &range]).trim().parse().expect("a count")
    }

    /// A commit-graph file for every commit, not only those reachable from a
    /// branch.
    fn write_commit_graph(&self) {
        let mut child = git_cmd(self.dir.path(), &self.path)
            .args(["commit-graph", "write", "--stdin-commits"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn git commit-graph");
        {
            let mut stdin = child.stdin.take().expect("piped stdin");
            stdin.write_all(self.shas.join("\n").as_bytes()).expect("write shas");
        }
        assert!(child.wait().expect("wait").success(), "git commit-graph write failed");
        assert!(has_commit_graph(&self.path), "a commit-graph was written");
    }

    /// Commit numbers for shas, to read a failure by.
    fn name(&self, shas: &[String]) -> Vec<usize> {
        shas.iter().map(|s| self.number.get(s).copied().unwrap_or(usize::MAX)).collect()
    }
}

/// What shipdeck says about `a..b` against what git says, without a
/// commit-graph file: the list (sha and author date), the list without
/// merges, the count. Returns the shas listed, for the same check with one.
fn check(repo: &Repo, a: usize, b: usize) -> Result<Vec<String>, TestCaseError> {
    let got = repo.compare(a, b);
    let shas: Vec<String> = got.iter().map(|c| c.sha.clone()).collect();
    let want = repo.log(&["--format=%H %at"], a, b);
    let want_shas: Vec<String> = want.iter().map(|l| l[..40].to_string()).collect();
    same(repo, &shas, &want_shas, &format!("{a}..{b}"))?;
    let ours: Vec<String> = got.iter().map(|c| format!("{} {}", c.sha, c.time)).collect();
    prop_assert_eq!(&ours, &want, "author dates of {}..{}", a, b);
    let no_merges: Vec<String> = got.iter().filter(|c| !c.merge).map(|c| c.sha.clone()).collect();
    let want = repo.log(&["--no-merges", "--format=%H"], a, b);
    same(repo, &no_merges, &want, &format!("--no-merges {a}..{b}"))?;
    let count = repo.count(a, b);
    prop_assert_eq!(count, repo.rev_list_count(a, b), "count of {}..{}", a, b);
    prop_assert_eq!(count, got.len(), "the count and the list of {}..{} agree", a, b);
    Ok(shas)
}

/// The same shas in the same order, or where they part, numbered.
fn same(repo: &Repo, ours: &[String], git: &[String], what: &str) -> Result<(), TestCaseError> {
    if ours == git {
        return Ok(());
    }
    let at = ours.iter().zip(git).take_while(|(a, b)| a == b).count();
    let around = |l: &[String]| repo.name(&l[at.saturating_sub(2)..l.len().min(at + 8)]);
    Err(TestCaseError::fail(format!(
        "{what}: shipdeck lists {} commits, git {}; they part at row {at}: shipdeck {:?}…, git {:?}…",
        ours.len(),
        git.len(),
        around(ours),
        around(git),
    )))
}

/// `check` for every pair, then git once more with a commit-graph file.
/// Returns the commits listed, numbered.
fn check_all(repo: &Repo, pairs: &[(usize, usize)]) -> Result<Vec<Vec<usize>>, TestCaseError> {
    let mut lists = Vec::new();
    for &(a, b) in pairs {
        lists.push(check(repo, a, b)?);
    }
    repo.write_commit_graph();
    for (&(a, b), ours) in pairs.iter().zip(&lists) {
        same(repo, ours, &repo.log(&["--format=%H"], a, b), &format!("{a}..{b} with a commit-graph"))?;
    }
    Ok(lists.iter().map(|l| repo.name(l)).collect())
}

// ---------------------------------------------------------------------------
// Random histories

/// How committer dates are drawn.
#[derive(Debug, Clone, Copy)]
enum Dates {
    /// A minute apart in commit order, with some dated in the past (before
    /// their parents, as far back as the epoch) and some years ahead.
    Skewed,
    /// Four distinct seconds for the whole history: ties everywhere.
    Ties,
    /// Anywhere in an hour, regardless of the history.
    Random,
    /// All the same second.
    Same,
    /// Each commit a minute before the one made before it.
    Backwards,
    /// A minute apart in commit order, each line of history (a root, or a
    /// branch forked from anything but the commit before) on its own clock,
    /// up to an hour fast or slow.
    Clocks,
}

/// One commit's random draws: shape, parent choices, date.
type Raw = (u32, u32, u32, u32);

fn make_dag(dates: Dates, raw: &[Raw]) -> Dag {
    const T0: i64 = 1_600_000_000;
    let mut dag = Dag::default();
    let mut clock: Vec<i64> = Vec::with_capacity(raw.len());
    for (k, &(shape, p, q, d)) in raw.iter().enumerate() {
        let (shape, p, q) = (shape % 100, p as usize, q as usize);
        let parents = if k == 0 || shape < 8 {
            Vec::new()
        } else {
            // Mostly the commit before (long lines), else any earlier one
            // (side branches).
            let first = if p.is_multiple_of(3) { p / 3 % k } else { k - 1 };
            let mut parents = vec![first];
            if shape >= 75 {
                parents.push(q % k);
            }
            if shape >= 95 {
                parents.push(q / 7 % k);
            }
            parents.dedup();
            if parents.len() == 3 && parents[0] == parents[2] {
                parents.pop();
            }
            parents
        };
        let base = T0 + 60 * k as i64;
        clock.push(match parents.first() {
            Some(&first) if first + 1 == k => clock[first],
            _ => i64::from(d % 7_200) - 3_600,
        });
        let committed = match dates {
            Dates::Skewed => match d % 10 {
                0 => i64::from(d / 10) % base,
                1 => base + 3 * 365 * 86_400,
                _ => base + i64::from(d % 5),
            },
            Dates::Ties => T0 + i64::from(d % 4),
            Dates::Random => T0 + i64::from(d % 3_600),
            Dates::Same => T0,
            Dates::Backwards => T0 - 60 * k as i64 + i64::from(d % 90),
            Dates::Clocks => base + clock[k],
        };
        // Cherry-picked, amended, rebased: the author date is its own.
        let authored = T0 - i64::from(q as u32 % 1_000_000);
        dag.push(parents, committed, authored);
    }
    dag
}

fn dates() -> impl Strategy<Value = Dates> {
    prop_oneof![
        Just(Dates::Skewed),
        Just(Dates::Ties),
        Just(Dates::Random),
        Just(Dates::Same),
        Just(Dates::Backwards),
        Just(Dates::Clocks)
    ]
}

/// A commit `steps` first-or-other parents below `k` (fewer at a root).
fn ancestor(dag: &Dag, mut k: usize, steps: u32, choice: u32) -> usize {
    for s in 0..steps {
        let parents = &dag.parents[k];
        if parents.is_empty() {
            break;
        }
        k = parents[(choice >> s) as usize % parents.len()];
    }
    k
}

/// `(a, b)` from random draws: unrelated (or anything), equal, `a` an
/// ancestor of `b`, `a` a descendant of `b`.
fn pair(dag: &Dag, (kind, x, y): (u8, u32, u32)) -> (usize, usize) {
    let n = dag.len();
    let (x, y) = (x as usize % n, y as usize % n);
    match kind % 4 {
        0 => (x, y),
        1 => (y, y),
        2 => (ancestor(dag, y, 1 + (x as u32 % 6), x as u32), y),
        _ => (x, ancestor(dag, x, 1 + (y as u32 % 6), y as u32)),
    }
}

/// `cases` histories (a few seconds on two cores), or `PROPTEST_CASES`. A
/// failure is kept as a fixed case here, not in a regressions file.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() }
}

/// One line of development: where it forks (or a new root), how many
/// commits, its clock's error in seconds, and whether its last commit
/// merges another commit.
type Line = (u32, u8, i32, u32);

/// A history made of lines of development, each on its own clock (up to
/// two hours, 120 commits, fast or slow), commits a minute apart in the
/// order made. Returns the history and each line's last commit.
fn lines_dag(lines: &[Line]) -> (Dag, Vec<usize>) {
    const T0: i64 = 1_600_000_000;
    let mut dag = Dag::default();
    let mut tips = Vec::new();
    for (i, &(fork, len, clock, merge)) in lines.iter().enumerate() {
        let fork = fork as usize;
        let mut prev = if i == 0 || fork.is_multiple_of(8) { None } else { Some(fork / 8 % dag.len()) };
        let len = 1 + usize::from(len % 12);
        for j in 0..len {
            let mut parents: Vec<usize> = prev.into_iter().collect();
            if j + 1 == len && merge.is_multiple_of(3) && !dag.parents.is_empty() {
                let other = merge as usize / 3 % dag.len();
                if !parents.contains(&other) {
                    parents.push(other);
                }
            }
            let t = T0 + 60 * dag.len() as i64 + i64::from(clock % 7_200);
            prev = Some(dag.push(parents, t, t - i64::from(merge % 86_400)));
        }
        tips.extend(prev);
    }
    (dag, tips)
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn compare_lists_what_git_log_lists_for_any_history_and_dates(
        dates in dates(),
        raw in prop::collection::vec(any::<Raw>(), 2..60),
        picks in prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 4),
    ) {
        let dag = make_dag(dates, &raw);
        let repo = build(&dag);
        let pairs: Vec<(usize, usize)> = picks.iter().map(|&p| pair(&dag, p)).collect();
        check_all(&repo, &pairs)?;
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn compare_lists_what_git_log_lists_for_lines_on_their_own_clocks(
        lines in prop::collection::vec(any::<Line>(), 2..8),
        picks in prop::collection::vec((any::<u32>(), any::<u32>()), 4),
    ) {
        let (dag, tips) = lines_dag(&lines);
        let repo = build(&dag);
        // Mostly line tips, as a release's tags and branches are.
        let pick = |x: u32| if x.is_multiple_of(4) { x as usize / 4 % dag.len() } else { tips[x as usize / 4 % tips.len()] };
        let pairs: Vec<(usize, usize)> = picks.iter().map(|&(x, y)| (pick(x), pick(y))).collect();
        check_all(&repo, &pairs)?;
    }
}

// ---------------------------------------------------------------------------
// Fixed long histories

/// A mainline of `n` commits a minute apart, numbered 0 to n-1.
fn mainline(n: usize) -> (Dag, i64) {
    const T0: i64 = 1_500_000_000;
    let mut dag = Dag::default();
    for k in 0..n {
        let t = T0 + 60 * k as i64;
        dag.push(if k == 0 { vec![] } else { vec![k - 1] }, t, t);
    }
    (dag, T0)
}

/// What shipdeck lists for `a..b`, numbered, once it is known to be what
/// git lists.
fn fixed(dag: &Dag, a: usize, b: usize) -> Vec<usize> {
    let repo = build(dag);
    check_all(&repo, &[(a, b)]).unwrap_or_else(|e| panic!("{e}")).remove(0)
}

/// `to` merges a branch forked from commit 8,564 of 10,000 and dated then;
/// commit 8,565 was made with a clock a minute slow (before its parent).
/// `from..to` is the merge and the branch's commit; a walk that lists a
/// commit before learning that `from` reaches it listed all 8,565 below too.
#[test]
fn a_branch_dated_long_ago_lists_only_itself_over_a_skewed_history() {
    const N: usize = 10_000;
    const FORK: usize = 8_564;
    let (mut dag, t0) = mainline(N);
    let t = |k: usize| t0 + 60 * k as i64;
    dag.committed[FORK + 1] = t(FORK) - 30;
    let branch = dag.push(vec![FORK], t(FORK) + 30, t(FORK) + 30);
    let merge = dag.push(vec![N - 1, branch], t(N), t(N));
    let listed = fixed(&dag, N - 1, merge);
    assert_eq!(listed, [merge, branch]);
}

/// `from` sits on a commit dated three years ahead that `to` merged too:
/// `from..to` is `to` and the mainline above the fork, not the whole
/// history below it.
#[test]
fn a_from_side_commit_dated_in_the_future_does_not_open_the_whole_history() {
    const N: usize = 16_000;
    const FORK: usize = 56;
    let (mut dag, t0) = mainline(N);
    let t = |k: usize| t0 + 60 * k as i64;
    let future = dag.push(vec![FORK], t(N) + 3 * 365 * 86_400, t(FORK) + 10);
    let from = dag.push(vec![future], t(FORK) + 30, t(FORK) + 30);
    let to = dag.push(vec![N - 1, future], t(N), t(N));
    let listed = fixed(&dag, from, to);
    assert_eq!(listed.len(), 15_944);
    let want: Vec<usize> = std::iter::once(to).chain((FORK + 1..N).rev()).collect();
    assert_eq!(listed, want);
}

/// `from`'s line is dated long before `to`'s and reaches their shared root
/// seven commits down: git stops five commits after its last listed one
/// and lists the root, which `from` reaches. So does compare.
#[test]
fn like_git_the_walk_gives_up_five_commits_past_the_last_listed() {
    let mut dag = Dag::default();
    let root = dag.push(vec![], 10_000, 10_000);
    let to_first = dag.push(vec![root], 10_100, 10_100);
    let to = dag.push(vec![to_first], 10_200, 10_200);
    let mut below = root;
    for k in 0..7 {
        below = dag.push(vec![below], 1_000 + 10 * k, 1_000);
    }
    let from = dag.push(vec![below], 20_000, 20_000);
    assert_eq!(fixed(&dag, from, to), [to, to_first, root]);
}
