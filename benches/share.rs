//! Sharing a push's journal through a git remote, through
//! `io::share::journal::Shared` (what the cockpit's sharing task and
//! `shipdeck sync` run), against a bare repository at a path:
//!
//! 1. A round that finds nothing new, 10,000 lines in the journal (three
//!    replicas' lines, all shared already), beside `git ls-remote` of the
//!    same remote and ref: a quiet round is one ls-remote, a read of the
//!    journal from where the last round stopped, and a few small files in
//!    the cache. Wall time by criterion; CPU time (this process and the git
//!    commands it waited for) from `/proc/self/stat` over alternating
//!    blocks of 100. Target: under 20 ms of CPU. Also the same round from a
//!    fresh `Shared`, as a `shipdeck sync` process runs it: it reads the
//!    whole journal first.
//! 2. Merging 3 replicas × 10,000 lines: the third replica's first round,
//!    which fetches the other two's 20,000 lines, appends them to its
//!    journal (one write, one fsync) and pushes its own 10,000. Target:
//!    under 100 ms. Beside it, its parts: the git work alone
//!    (`share::sync_round` and `acknowledge`), parsing and cleaning the
//!    20,000 lines taken, and appending them.
//!
//! `cargo bench --bench share`

mod share_lab;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use share_lab::{Lab, RELEASE, cpu_seconds, events, median, push_date};
use shipdeck::domain::journal::Event;
use shipdeck::io::journal::{JournalStore, clean_event};
use shipdeck::io::share::{self, journal::Shared};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

const TIMEOUT: Duration = Duration::from_secs(60);
const LINES: usize = 10_000;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

/// `git ls-remote` as a round runs it: from the cache, no prompts.
fn ls_remote(cache: &Path, remote: &str, git_ref: &str) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(cache)
        .args(["ls-remote", remote, git_ref])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run git ls-remote");
    assert!(out.status.success(), "git ls-remote: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Whether criterion's filter, if any, can pick something of `group`: the
/// fixtures and the printed figures take a while, so they are skipped when
/// not.
fn wanted(group: &str) -> bool {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    filter.is_none_or(|f| group.contains(f.as_str()) || f.starts_with(group))
}

fn lines_in(store: &JournalStore) -> usize {
    std::fs::read(store.path()).map(|b| b.iter().filter(|c| **c == b'\n').count()).unwrap_or(0)
}

// ---------------------------------------------------------------------------
// 1. a quiet round with 10,000 lines in the journal

fn bench_quiet(c: &mut Criterion) {
    if !wanted("share_quiet_10k") {
        return;
    }
    let rt = runtime();
    let lab = Lab::new();
    let remote = lab.bare("remote.git").to_str().expect("UTF-8 path").to_string();
    let mut team: Vec<(PathBuf, JournalStore, Shared)> = (0..3)
        .map(|r| {
            let (dir, store) = lab.data_dir(&format!("data-{r}"), r);
            let mine = LINES / 3 + usize::from(r < LINES % 3);
            store.append_all(&events(r, 0, mine)).expect("append");
            let shared = Shared::new(store.clone(), &dir, &remote, RELEASE, push_date());
            (dir, store, shared)
        })
        .collect();
    // Two turns each: every journal then holds everyone's lines.
    for _ in 0..2 {
        for (_, _, shared) in &mut team {
            rt.block_on(shared.round(TIMEOUT)).expect("round");
        }
    }
    let (dir, store, mut shared) = team.pop().expect("three replicas");
    for (_, s, _) in &team {
        assert_eq!(lines_in(s), LINES);
    }
    assert_eq!(lines_in(&store), LINES, "the journal holds everyone's lines");
    let quiet = rt.block_on(shared.round(TIMEOUT)).expect("round");
    assert_eq!((quiet.pushed, quiet.fetched), (0, 0), "nothing new");
    let cache = share::cache_path(&dir);
    let git_ref = shared.git_ref().to_string();
    assert!(ls_remote(&cache, &remote, &git_ref).contains(&git_ref));
    eprintln!(
        "quiet round: journal of {LINES} lines, {:.1} MB; remote objects {:.1} MB",
        std::fs::metadata(store.path()).map_or(0, |m| m.len()) as f64 / 1e6,
        share_lab::du(&lab.path("remote.git/objects")).0 as f64 / 1e6
    );
    let fresh = || Shared::new(store.clone(), &dir, &remote, RELEASE, push_date());

    cpu_blocks(&rt, &mut shared, &fresh, || black_box(ls_remote(&cache, &remote, &git_ref)).len());

    let mut group = c.benchmark_group("share_quiet_10k");
    group.sample_size(50);
    group.bench_function("round_open_cockpit", |b| {
        b.iter(|| black_box(rt.block_on(shared.round(TIMEOUT)).expect("round")));
    });
    group.bench_function("round_fresh_shared", |b| {
        b.iter(|| black_box(rt.block_on(fresh().round(TIMEOUT)).expect("round")));
    });
    group.bench_function("git_ls_remote", |b| b.iter(|| black_box(ls_remote(&cache, &remote, &git_ref))));
    group.finish();
}

/// Wall and CPU time per call over blocks of 100, alternating the quiet
/// round of an open cockpit, that of a fresh `Shared` and `git ls-remote`,
/// three times: the CPU clock counts in ticks, so per-call figures come
/// from totals.
fn cpu_blocks(rt: &Runtime, shared: &mut Shared, fresh: &dyn Fn() -> Shared, ls: impl Fn() -> usize) {
    const BLOCK: usize = 100;
    let names = ["quiet round (open cockpit)", "quiet round (fresh Shared)", "git ls-remote"];
    let mut figures: [Vec<(f64, f64, f64)>; 3] = Default::default();
    for _ in 0..3 {
        for (which, out) in figures.iter_mut().enumerate() {
            let (own, kids) = cpu_seconds();
            let started = Instant::now();
            for _ in 0..BLOCK {
                match which {
                    0 => drop(black_box(rt.block_on(shared.round(TIMEOUT)).expect("round"))),
                    1 => drop(black_box(rt.block_on(fresh().round(TIMEOUT)).expect("round"))),
                    _ => drop(black_box(ls())),
                }
            }
            let wall = started.elapsed().as_secs_f64() * 1e3 / BLOCK as f64;
            let (own2, kids2) = cpu_seconds();
            out.push((wall, (own2 - own) * 1e3 / BLOCK as f64, (kids2 - kids) * 1e3 / BLOCK as f64));
        }
    }
    let mut totals = [0.0; 3];
    for (i, (name, f)) in names.iter().zip(&figures).enumerate() {
        let mut wall: Vec<f64> = f.iter().map(|x| x.0).collect();
        let mut own: Vec<f64> = f.iter().map(|x| x.1).collect();
        let mut kids: Vec<f64> = f.iter().map(|x| x.2).collect();
        let (w, o, k) = (median(&mut wall), median(&mut own), median(&mut kids));
        totals[i] = o + k;
        eprintln!(
            "{name}: median of 3 blocks of {BLOCK}: wall {w:.2} ms, CPU {:.2} ms ({o:.2} ms shipdeck + {k:.2} ms git)",
            o + k
        );
    }
    eprintln!(
        "CPU per call vs git ls-remote: open cockpit {:.2}x, fresh Shared {:.2}x (target: < 20 ms CPU)",
        totals[0] / totals[2],
        totals[1] / totals[2]
    );
}

// ---------------------------------------------------------------------------
// 2. merging 3 replicas × 10,000 lines

fn bench_merge(c: &mut Criterion) {
    if !wanted("share_merge_3x10k") {
        return;
    }
    let rt = runtime();
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    let remote_s = remote.to_str().expect("UTF-8 path").to_string();
    for r in 0..2 {
        let (dir, store) = lab.data_dir(&format!("data-{r}"), r);
        store.append_all(&events(r, 0, LINES)).expect("append");
        rt.block_on(Shared::new(store, &dir, &remote_s, RELEASE, push_date()).round(TIMEOUT)).expect("round");
    }
    // Carol's data dir as it is before her first round: her own lines only.
    let (carol, carol_store) = lab.data_dir("carol", 2);
    carol_store.append_all(&events(2, 0, LINES)).expect("append");
    let mine = std::fs::read(carol_store.path()).expect("read carol's journal");
    eprintln!(
        "merge: each replica's file {:.1} MB; remote objects before carol's round {:.1} MB",
        mine.len() as f64 / 1e6,
        share_lab::du(&remote.join("objects")).0 as f64 / 1e6
    );

    // Each run on copies: the remote as alice and bob left it, carol's
    // data dir before her round.
    let copies = || {
        let at = tempfile::tempdir_in(lab.dir.path()).expect("temp dir");
        share_lab::copy_dir(&remote, &at.path().join("remote.git"));
        share_lab::copy_dir(&carol, &at.path().join("carol"));
        at
    };
    let remote_in = |at: &Path| at.join("remote.git").to_str().expect("UTF-8").to_string();
    let first_round = |at: &Path| {
        let data = at.join("carol");
        let store = JournalStore::for_push(&data, RELEASE, push_date());
        let mut shared = Shared::new(store.clone(), &data, &remote_in(at), RELEASE, push_date());
        let report = rt.block_on(shared.round(TIMEOUT)).expect("carol's first round");
        (report, store)
    };
    let git_only = |at: &Path| {
        let (cache, git_ref) = (share::cache_path(&at.join("carol")), share::share_ref(RELEASE, push_date()));
        let round = rt
            .block_on(share::sync_round(&cache, &remote_in(at), &git_ref, share_lab::REPLICAS[2].0, &mine, TIMEOUT))
            .expect("round");
        rt.block_on(share::acknowledge(&cache, &git_ref, &round)).expect("acknowledge");
        round
    };

    let at = copies();
    let started = Instant::now();
    let (report, store) = first_round(at.path());
    eprintln!(
        "merge: carol's first round fetched {} and pushed {} lines in {:.0} ms (first run); her journal now {} lines",
        report.fetched,
        report.pushed,
        started.elapsed().as_secs_f64() * 1e3,
        lines_in(&store)
    );
    assert_eq!((report.fetched, report.pushed), (2 * LINES, LINES));
    assert_eq!(lines_in(&store), 3 * LINES);
    let at = copies();
    let round = git_only(at.path());
    let taken: Vec<&[u8]> =
        round.new_lines.values().flat_map(|b| b.split_inclusive(|c| *c == b'\n')).map(|l| &l[..l.len() - 1]).collect();
    assert_eq!(taken.len(), 2 * LINES);
    let parse = || -> Vec<Event> {
        taken
            .iter()
            .map(|l| {
                let mut e: Event = serde_json::from_slice(l).expect("an event");
                clean_event(&mut e);
                e
            })
            .collect()
    };
    let parsed = parse();
    let commit = round.remote_sha.clone().expect("carol pushed");
    let fresh_remote = || {
        let at = tempfile::tempdir_in(lab.dir.path()).expect("temp dir");
        share_lab::copy_dir(&remote, &at.path().join("remote.git"));
        at
    };
    let cli = |dir: &Path, args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let git_ref = share::share_ref(RELEASE, push_date());
    let (fetch_spec, push_spec) = (format!("+{git_ref}:{git_ref}"), format!("{commit}:{git_ref}"));
    let carol_cache = share::cache_path(&at.path().join("carol"));
    // What the round's git commands cost alone: the same fetch into an
    // empty cache, the same push of carol's commit.
    let parts: [(&str, &dyn Fn() -> tempfile::TempDir); 4] = [
        ("first round (all of it)", &|| {
            let at = copies();
            cpu_wall(|| first_round(at.path()));
            at
        }),
        ("git work alone (sync_round + acknowledge)", &|| {
            let at = copies();
            cpu_wall(|| git_only(at.path()));
            at
        }),
        ("git fetch of alice's and bob's files, by hand", &|| {
            let at = fresh_remote();
            let cache = at.path().join("cache.git");
            cli(at.path(), &["init", "-q", "--bare", "cache.git"]);
            let remote = remote_in(at.path());
            cpu_wall(|| cli(&cache, &["fetch", "--no-tags", "--no-write-fetch-head", &remote, &fetch_spec]));
            at
        }),
        ("git push of carol's commit, by hand", &|| {
            let at = fresh_remote();
            let remote = remote_in(at.path());
            cpu_wall(|| cli(&carol_cache, &["push", "--porcelain", "--no-verify", &remote, &push_spec]));
            at
        }),
    ];
    merge_parts(&parts);

    let mut group = c.benchmark_group("share_merge_3x10k");
    group.sample_size(10);
    group.bench_function("first_round", |b| {
        b.iter_batched(copies, |at| (black_box(first_round(at.path())), at), BatchSize::PerIteration);
    });
    group.bench_function("git_only", |b| {
        b.iter_batched(copies, |at| (black_box(git_only(at.path())), at), BatchSize::PerIteration);
    });
    group.bench_function("parse_and_clean_20k", |b| b.iter(|| black_box(parse())));
    group.bench_function("append_20k", |b| {
        b.iter_batched(
            || {
                let at = tempfile::tempdir_in(lab.dir.path()).expect("temp dir");
                let path = at.path().join("journal.jsonl");
                std::fs::copy(carol_store.path(), &path).expect("copy journal");
                (at, JournalStore::new(path))
            },
            |(at, store)| {
                store.append_all(black_box(&parsed)).expect("append");
                at
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

thread_local! {
    /// What the last [`cpu_wall`] measured: wall and CPU milliseconds.
    static LAST: std::cell::Cell<(f64, f64)> = const { std::cell::Cell::new((0.0, 0.0)) };
}

/// Runs `f`, keeping its wall time and CPU time (ours and the git
/// commands') for [`merge_parts`].
fn cpu_wall<T>(f: impl FnOnce() -> T) -> T {
    let (own, kids) = cpu_seconds();
    let started = Instant::now();
    let out = f();
    let wall = started.elapsed().as_secs_f64() * 1e3;
    let (own2, kids2) = cpu_seconds();
    LAST.set((wall, (own2 - own + kids2 - kids) * 1e3));
    out
}

/// Each part five times, in turn, and the median wall and CPU time of
/// each; the setup each returns (copies of the repositories) is not timed.
fn merge_parts(parts: &[(&str, &dyn Fn() -> tempfile::TempDir)]) {
    const RUNS: usize = 5;
    let mut figures = vec![(Vec::new(), Vec::new()); parts.len()];
    for _ in 0..RUNS {
        for ((_, run), (wall, cpu)) in parts.iter().zip(&mut figures) {
            let at = run();
            let (w, c) = LAST.get();
            wall.push(w);
            cpu.push(c);
            drop(at);
        }
    }
    for ((name, _), (wall, cpu)) in parts.iter().zip(&mut figures) {
        eprintln!("merge, {name}: median of {RUNS}: wall {:.0} ms, CPU {:.0} ms", median(wall), median(cpu));
    }
}

criterion_group!(benches, bench_quiet, bench_merge);
criterion_main!(benches);
