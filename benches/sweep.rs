//! One `shipdeck status` sweep: 500 services x (stage, prod) = 1,000
//! endpoints, each probed with two requests (`/__version__` and
//! `/__heartbeat__`), against the in-process demo fleet on 127.0.0.1.
//!
//! `cargo bench --bench sweep`. Target: under 0.5 s per sweep on 2 cores.
//!
//! criterion's `async_tokio` feature is not enabled for this crate, so each
//! iteration blocks on the sweep with the runtime's own `block_on`.

use chrono::Local;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use shipdeck::cli::Global;
use shipdeck::config::Config;
use shipdeck::demo::config::{DemoConfigOptions, demo_config};
use shipdeck::demo::fleet::Fleet;
use shipdeck::headless::status::sweep;
use std::hint::black_box;
use std::time::Duration;

const SERVICES: usize = 500;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let now_local = Local::now().naive_local();
    let today = now_local.date();
    let new = shipdeck::domain::release::format_tag(today, "%Y.%m.%d").unwrap();
    let old = shipdeck::domain::release::format_tag(today - chrono::Duration::days(7), "%Y.%m.%d").unwrap();
    let fleet =
        rt.block_on(Fleet::start(shipdeck::demo::run::story(SERVICES, new, old), 1.0)).expect("demo fleet starts");
    let opts =
        DemoConfigOptions { now_local, poll_interval: Duration::from_secs(2), repos: &[], sentry_token_file: None };
    let config = Config::parse(&demo_config(&fleet, &opts), "bench").expect("demo config is valid");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let global = Global { push_date: Some(today), data_dir: Some(data_dir.path().to_path_buf()), ..Default::default() };

    // One sweep up front: every endpoint must answer, or the figure is not
    // the figure of a healthy fleet.
    let model = rt.block_on(sweep(&config, &global)).expect("sweep");
    let cells: Vec<_> = model.rollout.services.iter().flat_map(|s| s.cells.iter().flatten()).collect();
    let failed = cells.iter().filter(|c| c.version().is_none()).count();
    eprintln!(
        "fleet at {}: {} endpoints, {} answered, {failed} without a version; concurrency {}, {} tokio workers",
        fleet.base_url(),
        cells.len(),
        cells.len() - failed,
        config.poll.concurrency,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    assert_eq!(cells.len(), SERVICES * 2);
    assert_eq!(failed, 0, "every endpoint of the demo fleet answers");

    let mut group = c.benchmark_group("sweep");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(15));
    group.bench_function("status_1000_endpoints", |b| {
        b.iter(|| black_box(rt.block_on(sweep(&config, &global)).expect("sweep")));
    });
    group.finish();
    drop(fleet);
}

criterion_group!(benches, bench);
criterion_main!(benches);
