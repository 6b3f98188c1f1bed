//! git on big repositories, through the same functions the cockpit calls.
//!
//! 1. The compare view's commit list between two tags 50,000 commits apart in
//!    a 200,000-commit history (`io::git::compare`), side by side with
//!    `git log --format=… from..to` run as a subprocess: the same commits in
//!    the same order, then timed (criterion, and a ratio of medians over
//!    alternate runs). Target: compare within 1.5x of `git log`.
//! 2. A repository scan among 10,000 tags (`io::git::scan`: tag listing,
//!    peeling, planning), with packed and with loose refs, and the pure
//!    `domain::release::tags::plan` over the same 10,000 names. Target: scan under 50 ms.
//!
//! `cargo bench --bench git`.
//!
//! The 200,000-commit repository is generated once, by a single
//! `git fast-import` run, and cached under `target/bench-repos/` keyed by
//! `BIG_REPO_VERSION` (bump it when the generator changes; delete the folder
//! to regenerate). The tag repository is small and built fresh in a temp dir.
//! Every `git` run here gets a sandboxed environment: no global or system
//! config, `HOME` in a temp dir.

use chrono::{Duration as Days, NaiveDate};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use shipdeck::domain::release::tags;
use shipdeck::domain::repos::RepoSpec;
use shipdeck::io::git;
use shipdeck::testkit::git_command as git_cmd;
use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FORMAT: &str = "%Y.%m.%d";

/// Bump when the big repository's generator changes.
const BIG_REPO_VERSION: &str = "big-v1";
const BIG_COMMITS: usize = 200_000;
/// `from` is on commit 150,000 and `to` on commit 200,000 (both mainline):
/// every commit numbered up to 150,000 is an ancestor of `from`, so
/// `from..to` is exactly the commits numbered 150,001 to 200,000.
const FROM_AT: usize = 150_000;
const RANGE: usize = BIG_COMMITS - FROM_AT;
/// Every 100 commits: a commit on a topic branch forked 5 commits back
/// (number ≡ 50 mod 100) and its merge into main (≡ 51 mod 100).
const SIDE_AT: usize = 50;
const MERGE_AT: usize = 51;

const TAG_COMMITS: usize = 200;
const TAG_TOTAL: usize = 10_000;
/// Push dates, one a day from `first_date()`; see `tag_set`.
const TAG_DATES: usize = 3_000;
/// The push date is this date index: 18 later push dates are in the future.
const PUSH_AT: usize = 2_981;
const BASE_TS: i64 = 1_500_000_000;

const AUTHORS: [&str; 5] = [
    "Ada Lovelace <ada@example.com>",
    "Grace Hopper <grace@example.com>",
    "Zoë Ångström <zoe@example.com>",
    "Linus Pauling <linus@example.com>",
    "release-bot <bot@example.com>",
];
const TAGGER: &str = "Release Manager <rm@example.com>";

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: cannot run git ({e})"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("git prints UTF-8 here")
}

fn init(home: &Path, repo: &Path) {
    std::fs::create_dir_all(repo).expect("create repo dir");
    run(git_cmd(home, repo).args(["init", "-q", "-b", "main"]));
}

/// Runs one `git fast-import` in `repo`, with `write` producing the stream.
fn fast_import(home: &Path, repo: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut child = git_cmd(home, repo)
        .args(["fast-import", "--quiet", "--done"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn git fast-import");
    {
        let mut stdin = BufWriter::with_capacity(1 << 20, child.stdin.take().expect("piped stdin"));
        write(&mut stdin).and_then(|()| writeln!(stdin, "done")).and_then(|()| stdin.flush()).expect("write stream");
    }
    let status = child.wait().expect("wait for git fast-import");
    assert!(status.success(), "git fast-import failed: {status}");
}

fn data(out: &mut dyn Write, bytes: &str) -> std::io::Result<()> {
    writeln!(out, "data {}", bytes.len())?;
    out.write_all(bytes.as_bytes())?;
    writeln!(out)
}

fn target_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| manifest.join("target"), |d| manifest.join(d))
}

// ---------------------------------------------------------------------------
// 1. compare over 50,000 commits

/// The 200,000-commit repository, from the cache or generated into it.
fn big_repo() -> PathBuf {
    let cache = target_dir().join("bench-repos");
    let repo = cache.join(format!("{BIG_REPO_VERSION}-{BIG_COMMITS}"));
    if repo.join(".git").is_dir() {
        eprintln!("big repo: cached at {}", repo.display());
        return repo;
    }
    std::fs::create_dir_all(&cache).expect("create target/bench-repos");
    // Generated in a temp dir next to the cache and renamed into place once
    // complete, so an interrupted run leaves no half-made repository behind.
    let staging = tempfile::tempdir_in(&cache).expect("staging dir");
    let fresh = staging.path().join("repo");
    eprintln!("big repo: generating {BIG_COMMITS} commits with git fast-import…");
    let started = Instant::now();
    init(staging.path(), &fresh);
    fast_import(staging.path(), &fresh, write_big_stream);
    let took = started.elapsed();
    std::fs::rename(&fresh, &repo).expect("move the generated repo into the cache");
    eprintln!("big repo: generated in {:.1} s, cached at {}", took.as_secs_f64(), repo.display());
    repo
}

fn write_big_stream(out: &mut dyn Write) -> std::io::Result<()> {
    const AREAS: [&str; 8] = ["api", "ui", "db", "auth", "build", "docs", "deploy", "tests"];
    const VERBS: [&str; 6] = ["Fix", "Add", "Refactor", "Speed up", "Document", "Remove dead code in"];
    let mut msg = String::new();
    let mut file = String::new();
    for k in 1..=BIG_COMMITS {
        let (branch, side, merge) = match k % 100 {
            SIDE_AT => ("refs/heads/topic", true, false),
            MERGE_AT => ("refs/heads/main", false, true),
            _ => ("refs/heads/main", false, false),
        };
        let who = AUTHORS[(k * 7 + k / 13) % AUTHORS.len()];
        let ts = BASE_TS + k as i64 * 60;
        writeln!(out, "commit {branch}\nmark :{k}\nauthor {who} {ts} +0000\ncommitter {who} {ts} +0000")?;
        msg.clear();
        if merge {
            msg.push_str(&format!("Merge branch 'topic-{}'\n\nBrings in the change from commit {}.\n", k / 100, k - 1));
        } else {
            let area = AREAS[k % AREAS.len()];
            let verb = VERBS[(k / 3) % VERBS.len()];
            msg.push_str(&format!(
                "{area}: {verb} the {area} handler (#{k})\n\nLonger explanation of change {k}, which touches\nthe {area} module and nothing else.\n"
            ));
        }
        data(out, &msg)?;
        if side {
            // The topic branch forks 5 commits back: a real merge later.
            writeln!(out, "from :{}", k - 5)?;
        }
        if merge {
            // The first parent is main's tip (k - 2); the second the topic commit.
            writeln!(out, "merge :{}", k - 1)?;
        }
        file.clear();
        file.push_str(&format!("counter = {k}\nowner = {who}\n"));
        writeln!(out, "M 100644 inline src/f{:02}.txt", k % 64)?;
        data(out, &file)?;
    }
    for (tag, at) in [("from", FROM_AT), ("to", BIG_COMMITS)] {
        let ts = BASE_TS + at as i64 * 60 + 30;
        writeln!(out, "tag {tag}\nfrom :{at}\ntagger {TAGGER} {ts} +0000")?;
        data(out, &format!("Release {tag}\n"))?;
    }
    Ok(())
}

fn spec(name: &str, path: &Path) -> RepoSpec {
    RepoSpec {
        name: name.into(),
        path: path.to_str().expect("UTF-8 path").into(),
        remote: "origin".into(),
        branch: None,
        web_url: None,
        security: None,
        tag_unchanged: false,
    }
}

fn git_log(home: &Path, repo: &Path) -> Vec<u8> {
    let out = git_cmd(home, repo)
        .args(["log", "--format=%H%x09%an%x09%s", "from..to"])
        .stdin(Stdio::null())
        .output()
        .expect("run git log");
    assert!(out.status.success(), "git log: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn bench_compare(c: &mut Criterion) {
    let repo = big_repo();
    let home = tempfile::tempdir().expect("temp HOME");
    let spec = spec("big", &repo);

    // Both sides must list the same 50,000 commits, or the figures compare
    // different work.
    let started = Instant::now();
    let commits = git::compare(&spec, "from", "to").expect("compare from..to");
    let compare_first = started.elapsed();
    let started = Instant::now();
    let log = git_log(home.path(), &repo);
    let log_first = started.elapsed();
    let log = String::from_utf8(log).expect("UTF-8 log");
    let lines: Vec<(&str, &str, &str)> = log
        .lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            (f.next().unwrap(), f.next().unwrap_or_default(), f.next().unwrap_or_default())
        })
        .collect();
    assert_eq!(commits.len(), RANGE, "compare lists from..to");
    assert_eq!(lines.len(), RANGE, "git log lists from..to");
    let ours: HashSet<&str> = commits.iter().map(|c| c.sha.as_str()).collect();
    let theirs: HashSet<&str> = lines.iter().map(|l| l.0).collect();
    assert_eq!(ours, theirs, "the same commits");
    let same_order = commits.iter().zip(&lines).all(|(c, l)| c.sha == l.0);
    let same_text = commits.iter().zip(&lines).all(|(c, l)| c.author == l.1 && c.summary == l.2);
    let merges = commits.iter().filter(|c| c.merge).count();
    eprintln!(
        "compare from..to: {} commits ({merges} merges), same order as git log: {same_order}, same authors and subjects: {same_text}; first calls: compare {:.0} ms, git log {:.0} ms",
        commits.len(),
        compare_first.as_secs_f64() * 1e3,
        log_first.as_secs_f64() * 1e3,
    );

    assert!(same_order, "compare lists from..to in git log's order");
    ratio(&spec, home.path(), &repo);

    let mut group = c.benchmark_group("compare_50k_of_200k");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(3)).measurement_time(Duration::from_secs(15));
    group.bench_function("shipdeck_compare", |b| {
        b.iter(|| black_box(git::compare(black_box(&spec), "from", "to").expect("compare")));
    });
    group.bench_function("git_log_subprocess", |b| {
        b.iter(|| black_box(git_log(home.path(), black_box(&repo))));
    });
    group.finish();
}

/// compare and `git log` run in turn, 10 times each: the medians and their
/// ratio (target: 1.5 at most), printed beside criterion's figures, which
/// measure each alone.
fn ratio(spec: &RepoSpec, home: &Path, repo: &Path) {
    const RUNS: usize = 10;
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[RUNS / 2 - 1] + v[RUNS / 2]) / 2.0
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let started = Instant::now();
        black_box(git::compare(spec, "from", "to").expect("compare"));
        ours.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        black_box(git_log(home, repo));
        theirs.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let (ours, theirs) = (median(ours), median(theirs));
    eprintln!(
        "compare vs git log, median of {RUNS} alternate runs: compare {ours:.1} ms, git log {theirs:.1} ms, ratio {:.2} (target <= 1.5)",
        ours / theirs
    );
}

// ---------------------------------------------------------------------------
// 2. scan and plan among 10,000 tags

struct Tag {
    name: String,
    commit: usize,
    annotated: bool,
}

fn first_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 1, 1).unwrap()
}

fn date_at(i: usize) -> NaiveDate {
    first_date() + Days::days(i as i64)
}

fn scheme_name(i: usize, suffix: u32) -> String {
    tags::PushTag { date: date_at(i), suffix, pad: 0 }.name(FORMAT)
}

/// 10,000 tags: 6,750 in the scheme (a push tag a day for 3,000 days;
/// every 2nd day re-tagged `-1`, every 4th `-2`, every 20th up to `-12`),
/// all annotated, and 3,250 outside it: `v1.2.3`, `release-N` (annotated),
/// `build/N`, `2019.03.07-rcN`, `nightly-2019.03.07-N`, and dates without
/// zero padding (`2019.3.7`: parses, then fails the round trip).
fn tag_set() -> Vec<Tag> {
    let mut out = Vec::with_capacity(TAG_TOTAL);
    let commit_of = |i: usize| 1 + i * (TAG_COMMITS - 2) / TAG_DATES;
    for i in 0..TAG_DATES {
        let mut suffixes = vec![0];
        if i % 2 == 0 {
            suffixes.push(1);
        }
        if i % 4 == 0 {
            suffixes.push(2);
        }
        if i % 20 == 0 {
            suffixes.extend(3..=12);
        }
        for s in suffixes {
            // Re-tags sit one commit later (a cherry-picked fix).
            out.push(Tag { name: scheme_name(i, s), commit: commit_of(i) + usize::from(s > 0), annotated: true });
        }
    }
    let scheme = out.len();
    for j in 0..TAG_TOTAL - scheme {
        let n = j / 6;
        let d = date_at(n % TAG_DATES).format("%Y.%m.%d");
        let (name, annotated) = match j % 6 {
            0 => (format!("v{}.{}.{}", n / 100, (n / 10) % 10, n % 10), false),
            1 => (format!("release-{n}"), true),
            2 => (format!("build/{n}"), false),
            3 => (format!("{d}-rc{n}"), false),
            4 => (format!("nightly-{d}-{n}"), false),
            _ => (format!("{}.{}.{}", 2000 + n / 81, 1 + (n % 81) / 9, 1 + n % 9), false),
        };
        out.push(Tag { name, commit: 1 + (j * 37) % TAG_COMMITS, annotated });
    }
    out
}

fn write_tag_stream(out: &mut dyn Write, set: &[Tag]) -> std::io::Result<()> {
    for k in 1..=TAG_COMMITS {
        let who = AUTHORS[k % AUTHORS.len()];
        let ts = BASE_TS + k as i64 * 3_600;
        writeln!(out, "commit refs/heads/main\nmark :{k}\nauthor {who} {ts} +0000\ncommitter {who} {ts} +0000")?;
        data(out, &format!("Change {k}\n"))?;
        writeln!(out, "M 100644 inline file.txt")?;
        data(out, &format!("{k}\n"))?;
    }
    // What a fetch leaves behind: the remote-tracking branch.
    writeln!(out, "reset refs/remotes/origin/main\nfrom :{TAG_COMMITS}\n")?;
    for (n, t) in set.iter().enumerate() {
        if t.annotated {
            let ts = BASE_TS + t.commit as i64 * 3_600 + n as i64;
            writeln!(out, "tag {}\nfrom :{}\ntagger {TAGGER} {ts} +0000", t.name, t.commit)?;
            data(out, &format!("Push {}\n", t.name))?;
        } else {
            writeln!(out, "reset refs/tags/{}\nfrom :{}\n", t.name, t.commit)?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

fn bench_tags(c: &mut Criterion) {
    let set = tag_set();
    assert_eq!(set.len(), TAG_TOTAL);
    let names: Vec<String> = set.iter().map(|t| t.name.clone()).collect();
    assert_eq!(names.iter().collect::<HashSet<_>>().len(), TAG_TOTAL, "tag names are unique");
    let push_date = date_at(PUSH_AT);

    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path();
    let loose = home.join("loose");
    let packed = home.join("packed");
    let started = Instant::now();
    init(home, &loose);
    run(git_cmd(home, &loose).args(["remote", "add", "origin", "https://example.invalid/bench.git"]));
    fast_import(home, &loose, |out| write_tag_stream(out, &set));
    run(git_cmd(home, &loose).args(["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"]));
    copy_dir(&loose, &packed);
    run(git_cmd(home, &packed).args(["pack-refs", "--all"]));
    eprintln!(
        "tag repos: {TAG_COMMITS} commits, {TAG_TOTAL} tags, built in {:.2} s; loose tag refs: {} files, packed copy: {} files",
        started.elapsed().as_secs_f64(),
        count_files(&loose.join(".git/refs/tags")),
        count_files(&packed.join(".git/refs/tags")),
    );

    // The plan must be the interesting one: `-12` beats `-2` the day before,
    // and the push date already has its tag.
    let expected_prev = scheme_name(PUSH_AT - 1, 12);
    let expected_current = scheme_name(PUSH_AT, 0);
    let expected_next = scheme_name(PUSH_AT, 1);
    let scheme_count = set.iter().filter(|t| tags::parse(&t.name, FORMAT).is_some()).count();
    let pure = tags::plan(names.iter().map(String::as_str), push_date, FORMAT);
    for repo in [&loose, &packed] {
        let status = git::scan(&spec("tags", repo), push_date, FORMAT).expect("scan");
        assert_eq!(status.branch, "main");
        assert_eq!(status.plan, pure, "scan plans like plan()");
        assert_eq!(status.tagged_commits.len(), scheme_count, "every scheme tag peeled");
        assert!(status.in_push.is_some(), "the range from the previous tag is counted");
    }
    assert_eq!(pure.previous.as_ref().map(|(n, _)| n.as_str()), Some(expected_prev.as_str()));
    assert_eq!(pure.current.as_ref().map(|(n, _)| n.as_str()), Some(expected_current.as_str()));
    assert_eq!(pure.next, expected_next);
    eprintln!(
        "tag plan for {push_date}: previous {expected_prev}, current {expected_current}, next {expected_next}; {scheme_count} scheme tags"
    );

    let mut group = c.benchmark_group("tags_10k");
    group.sample_size(20).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(5));
    for (label, repo) in [("scan_packed", &packed), ("scan_loose", &loose)] {
        let spec = spec("tags", repo);
        group.bench_function(label, |b| {
            b.iter(|| black_box(git::scan(black_box(&spec), push_date, FORMAT).expect("scan")));
        });
    }
    group.bench_function("plan_only", |b| {
        b.iter(|| black_box(tags::plan(black_box(&names).iter().map(String::as_str), push_date, FORMAT)));
    });
    group.finish();
}

criterion_group!(benches, bench_compare, bench_tags);
criterion_main!(benches);
