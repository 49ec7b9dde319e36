//! What one kind costs to read, row for row (issue 14): 1M time entries (a year of a 500-person
//! company, Toggl layout, with the `[people]` that place everyone) against 1M NPS responses, the
//! budget `docs/performance.md` set for survey rows. `cargo bench --bench reading`; N is 1M by
//! default (`COO_BENCH_SCALE=100000` for a smaller one); each folder is generated once into the
//! system temp folder. Peak memory is measured on the binary (`docs/performance.md`).

use std::time::Duration;

use coo_dashboard::analysis::read_folder;
use coo_dashboard::synthetic::{SingleKind, bench_scale, single_kind_set};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn reading(c: &mut Criterion) {
    coo_dashboard::allocator::return_large_blocks();
    let rows = bench_scale();
    let mut group = c.benchmark_group(format!("reading {rows} rows"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(25));
    group.throughput(Throughput::Elements(rows as u64));
    for (name, kind) in [
        ("time entries (no cache)", SingleKind::TimeEntries),
        ("NPS responses (no cache)", SingleKind::Nps),
    ] {
        let folder = single_kind_set(kind, rows).expect("the set is written");
        let dataset = read_folder(&folder, false).expect("the folder reads");
        assert!(
            dataset.data_quality.is_empty(),
            "{name}: the generated file reads cleanly: {:?}",
            dataset.data_quality.first()
        );
        group.bench_function(name, |b| {
            b.iter(|| read_folder(&folder, false).expect("the folder reads"))
        });
    }
    group.finish();
}

criterion_group!(benches, reading);
criterion_main!(benches);
