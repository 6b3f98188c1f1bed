//! The session journal: loading 100,000 events and folding them into the
//! model — log and checklist — (target: under 300 ms), loading alone for the
//! ratio, the peak memory of a load and fold, and one append (write + fsync)
//! on the local disk, reported as p50 / p99 over 500 appends, to an empty
//! journal and to a 100 MB one, interleaved in one run (an append reads only
//! the file's last byte, so the two should match).
//!
//! `cargo bench --bench journal`

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use shipdeck::domain::journal::{Event, EventActor, EventKind, VERSION};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::io::journal::JournalStore;
use shipdeck::testkit;
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

const EVENTS: usize = 100_000;

fn event(i: usize) -> Event {
    let at = Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap() + Duration::milliseconds(i as i64 * 37);
    const ITEMS: [&str; 4] = ["regression-tests", "ci-green", "results-sent", "no-such-item"];
    let kind = match i % 5 {
        4 if i.is_multiple_of(2) => EventKind::Tick { item: ITEMS[i % 4].into(), note: None, overrides_role: false },
        _ if i % 5 == 4 => EventKind::Untick { item: ITEMS[i % 4].into(), overrides_role: false },
        0 => EventKind::Chat { text: format!("message number {i} about the push") },
        1 => EventKind::VersionChanged {
            env: "prod".into(),
            service: format!("service-{:03}", i % 500),
            from: "2026.11.19".into(),
            to: "2026.11.26".into(),
            commit: Some("abcdef0123456789abcdef0123456789abcdef01".into()),
        },
        2 => EventKind::HeartbeatChanged {
            env: "stage".into(),
            service: format!("service-{:03}", i % 500),
            from: "ok".into(),
            to: "warning".into(),
        },
        _ => EventKind::TagCreated {
            repo: "addons-server".into(),
            tag: format!("2026.11.26-{i}"),
            commit: "ab".repeat(20),
        },
    };
    Event {
        committer: None,
        v: VERSION,
        id: format!("0123456789abcdef.{}.9abc{i}", 1_795_000_000_000_000 + i as u64),
        at,
        replica: "0123456789abcdef".into(),
        seq: 1_795_000_000_000_000 + i as u64,
        actor: EventActor { name: "alice".into(), role: Role::Rm },
        kind,
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        for i in 0..EVENTS {
            serde_json::to_writer(&mut f, &event(i)).expect("encode");
            f.write_all(b"\n").expect("write");
        }
    }
    // For a comparison with another build on the very same file.
    if let Some(keep) = std::env::var_os("SHIPDECK_BENCH_KEEP") {
        std::fs::copy(&path, keep).expect("keep a copy");
    }
    let store = JournalStore::new(path.clone());
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("journal of {EVENTS} events, {:.1} MB", size as f64 / 1e6);
    {
        let before = peak_rss_kb();
        let loaded = store.load().expect("loads");
        let mut model = testkit::model(&["web"], Utc::now());
        model.apply_events(&loaded.events);
        eprintln!(
            "load and fold of {EVENTS} events: peak RSS {:.0} MB (was {:.0} MB before)",
            peak_rss_kb() as f64 / 1024.0,
            before as f64 / 1024.0
        );
        black_box(model.log.entries.len());
    }

    let mut group = c.benchmark_group("journal");
    group.sample_size(10);
    group.bench_function("load_only_100k", |b| b.iter(|| black_box(store.load().expect("loads").events.len())));
    let events = store.load().expect("loads").events;
    group.bench_function("fold_only_100k", |b| {
        b.iter(|| {
            let mut model = testkit::model(&["web"], Utc::now());
            model.apply_events(&events);
            black_box(model.log.entries.len())
        })
    });
    group.bench_function("load_and_fold_100k", |b| {
        b.iter(|| {
            let loaded = store.load().expect("loads");
            let mut model = testkit::model(&["web"], Utc::now());
            model.apply_events(&loaded.events);
            assert_eq!(loaded.events.len(), EVENTS);
            black_box(model.log.entries.len())
        })
    });
    group.finish();

    // Appends: p50 / p99 of single appends, each fsync'd, on the same disk,
    // alternating between an empty journal and a 100 MB one.
    let big = dir.path().join("100mb.jsonl");
    {
        let one = std::fs::read(&path).expect("read");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).expect("create"));
        let mut written = 0;
        while written < 100_000_000 {
            f.write_all(&one).expect("write");
            written += one.len();
        }
    }
    let stores = [JournalStore::new(dir.path().join("appends.jsonl")), JournalStore::new(big.clone())];
    let mut times = [Vec::new(), Vec::new()];
    for i in 0..1000 {
        let e = event(EVENTS + i);
        let t = Instant::now();
        stores[i % 2].append(&e).expect("append");
        times[i % 2].push(t.elapsed().as_secs_f64() * 1e3);
    }
    for (name, mut times) in ["an empty journal", "a 100 MB journal"].into_iter().zip(times) {
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        eprintln!(
            "append (write + fsync) to {name}, 500 appends: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
    }
}

/// The process's peak resident memory so far (Linux), in KiB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

criterion_group!(benches, bench);
criterion_main!(benches);
