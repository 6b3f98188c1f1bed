//! Remote growth: the bytes a shared push adds to the remote per 1,000
//! lines, through `io::share::journal::Shared` against a bare repository
//! at a path. A push to a path runs `git receive-pack` as a push over ssh
//! or to `git daemon` does, so the remote stores what it gets as such a
//! server would: a push of fewer than 100 objects (`receive.unpackLimit`)
//! is kept as loose objects, until a `git gc` (run by hand here; git's own
//! `gc --auto` after a push waits for about 6,700 loose objects) packs them
//! with deltas.
//!
//! Each round that has new lines commits our whole file (one blob, one
//! tree, one commit), so the cost of a line depends on how lines are
//! batched into rounds and on how long the file already is. Four runs, each
//! on a fresh remote, one replica making the lines (others' files only add
//! their own blobs):
//!
//! - 1,000 lines, one per round (each line shared on its own, as when people
//!   act less often than every `[share] interval`);
//! - 1,000 lines, 10 per round;
//! - 1,000 lines in one round (a first sync);
//! - one line per round with 10,000 lines already shared (late in a long
//!   push): 100 rounds, scaled to 1,000 lines.
//!
//! For each: what the remote's objects grew by (loose, then after
//! `git gc`), against the lines' own bytes, and the data dir's cache
//! repository likewise.
//!
//! `cargo bench --bench share_growth`

mod share_lab;

use share_lab::{Lab, RELEASE, du, events, push_date};
use shipdeck::io::share::{self, journal::Shared};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Run {
    name: &'static str,
    before: usize,
    lines: usize,
    per_round: usize,
}

fn main() {
    // `cargo bench` passes `--bench`; a filter picks runs by name.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let runs = [
        Run { name: "1,000 lines, 1 per round", before: 0, lines: 1_000, per_round: 1 },
        Run { name: "1,000 lines, 10 per round", before: 0, lines: 1_000, per_round: 10 },
        Run { name: "1,000 lines in 1 round", before: 0, lines: 1_000, per_round: 1_000 },
        Run { name: "100 lines, 1 per round, after 10,000", before: 10_000, lines: 100, per_round: 1 },
    ];
    for run in runs.iter().filter(|r| filter.as_ref().is_none_or(|f| r.name.contains(f.as_str()))) {
        measure(&rt, run);
    }
}

fn measure(rt: &tokio::runtime::Runtime, run: &Run) {
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    let remote_s = remote.to_str().expect("UTF-8 path").to_string();
    let (dir, store) = lab.data_dir("data", 0);
    let mut shared = Shared::new(store.clone(), &dir, &remote_s, RELEASE, push_date());
    let cache = share::cache_path(&dir);
    if run.before > 0 {
        store.append_all(&events(0, 0, run.before)).expect("append");
        rt.block_on(shared.round(TIMEOUT)).expect("round");
    }
    // Both packed, so that the growth after gc compares like with like.
    for repo in [&remote, &cache] {
        if repo.exists() {
            lab.git(repo, &["gc", "-q"]);
        }
    }
    let (remote_before, cache_before) = (du(&remote.join("objects")), du(&cache.join("objects")));
    let journal_before = std::fs::metadata(store.path()).map_or(0, |m| m.len());
    let started = Instant::now();
    let mut made = run.before;
    let mut rounds = 0;
    while made < run.before + run.lines {
        let n = run.per_round.min(run.before + run.lines - made);
        store.append_all(&events(0, made, made + n)).expect("append");
        made += n;
        let report = rt.block_on(shared.round(TIMEOUT)).expect("round");
        assert_eq!(report.pushed, n, "every new line goes out in its round");
        rounds += 1;
    }
    let took = started.elapsed().as_secs_f64();
    let line_bytes = std::fs::metadata(store.path()).map_or(0, |m| m.len()) - journal_before;
    let (remote_loose, cache_loose) = (du(&remote.join("objects")), du(&cache.join("objects")));
    let commits: usize = lab.git(&remote, &["rev-list", "--count", shared.git_ref()]).parse().expect("a count");
    for repo in [&remote, &cache] {
        lab.git(repo, &["gc", "-q"]);
    }
    let (remote_gc, cache_gc) = (du(&remote.join("objects")), du(&cache.join("objects")));
    let scale = 1_000.0 / run.lines as f64;
    let per_k = |bytes: u64| bytes as f64 * scale;
    let grew = |after: (u64, usize), before: (u64, usize)| after.0.saturating_sub(before.0);
    eprintln!(
        "{}: {rounds} rounds in {took:.1} s ({:.0} ms a round), {commits} commits on the ref; \
         the lines themselves {} per 1,000",
        run.name,
        took * 1e3 / rounds as f64,
        size(per_k(line_bytes))
    );
    for (what, before, loose, packed) in
        [("remote", remote_before, remote_loose, remote_gc), ("cache", cache_before, cache_loose, cache_gc)]
    {
        let (l, p) = (grew(loose, before), grew(packed, before));
        eprintln!(
            "  {what}: +{} per 1,000 lines loose ({} new files; {:.1}x the lines), +{} after git gc ({:.2}x)",
            size(per_k(l)),
            loose.1.saturating_sub(before.1),
            l as f64 / line_bytes as f64,
            size(per_k(p)),
            p as f64 / line_bytes as f64
        );
    }
}

fn size(bytes: f64) -> String {
    match bytes {
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.0} KB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}
