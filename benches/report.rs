//! Where the time of `report` goes on the reference set (issue 7): reading the folder, the
//! metrics, the escalation rules, and the JSON. `cargo bench --bench report`; the set is N = 1M by
//! default (`COO_BENCH_SCALE=100000` for a smaller one) and is generated once into the system
//! temp folder. The end-to-end figure against DuckDB and pandas is `benches/peers/compare.py`.

use std::time::Duration;

use coo_dashboard::analysis::read_folder;
use coo_dashboard::escalations::{self, rules::Rules};
use coo_dashboard::metrics;
use coo_dashboard::report::{self, Report};
use coo_dashboard::synthetic::{bench_scale, reference_set};
use criterion::{Criterion, criterion_group, criterion_main};

fn stages(c: &mut Criterion) {
    // As the binary does first thing (glibc: large freed blocks go back at once).
    coo_dashboard::allocator::return_large_blocks();
    let scale = bench_scale();
    let folder = reference_set(scale).expect("the reference set is written");
    let mut group = c.benchmark_group(format!("N={scale}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));

    group.bench_function("read folder (no cache)", |b| {
        b.iter(|| read_folder(&folder, false).expect("the folder reads"))
    });
    group.bench_function("read folder (cached)", |b| {
        b.iter(|| read_folder(&folder, true).expect("the folder reads"))
    });
    let dataset = read_folder(&folder, false).expect("the folder reads");
    let as_of = report::resolve_as_of(&dataset, None).expect("the set has dates");
    group.bench_function("compute metrics", |b| {
        b.iter(|| metrics::compute(&dataset, as_of).expect("metrics compute"))
    });
    let table = metrics::compute(&dataset, as_of).expect("metrics compute");
    let rules = Rules::defaults();
    group.bench_function("evaluate escalations", |b| {
        b.iter(|| escalations::evaluate(table.values(), &dataset.departments, &rules))
    });
    // Forecasts (SPEC §6, issue 17): what `report` forecasts without targets (the company's KPI
    // series, 3 months ahead), every KPI series of every department (what a target on each
    // would cost), and every series of the table.
    let as_of_month = coo_dashboard::model::Month::of(as_of);
    let mut every_series: Vec<_> = table
        .values()
        .iter()
        .map(|value| (value.metric, value.department))
        .collect();
    every_series.sort_unstable();
    every_series.dedup();
    let kpi_series: Vec<_> = every_series
        .iter()
        .copied()
        .filter(|(metric, _)| report::COMPANY_KPIS.contains(metric))
        .collect();
    let company_kpis: Vec<_> = kpi_series
        .iter()
        .copied()
        .filter(|(_, department)| department.is_none())
        .collect();
    group.bench_function(
        format!("forecast the {} company KPI series", company_kpis.len()),
        |b| {
            b.iter(|| {
                let all = table.all_series();
                metrics::forecast::forecast_all(&all, &company_kpis, as_of_month, |_, _| 3)
            })
        },
    );
    group.bench_function(
        format!("forecast the {} KPI series", kpi_series.len()),
        |b| {
            b.iter(|| {
                let all = table.all_series();
                metrics::forecast::forecast_all(&all, &kpi_series, as_of_month, |_, _| 3)
            })
        },
    );
    group.bench_function(format!("forecast all {} series", every_series.len()), |b| {
        b.iter(|| {
            let all = table.all_series();
            metrics::forecast::forecast_all(&all, &every_series, as_of_month, |_, _| 3)
        })
    });
    let raised = escalations::evaluate(table.values(), &dataset.departments, &rules);
    // Written as `report --out` writes it: streamed into a temporary file, synced, renamed.
    let out = tempfile::tempdir().expect("a temporary folder");
    let written = out.path().join("report.json");
    group.bench_function("build report and write JSON", |b| {
        b.iter(|| {
            let mut built = Report::build(&dataset, &table, as_of, &folder, Vec::new());
            built.escalations = escalations::rows(&raised, &Default::default());
            coo_dashboard::config::write_atomically_with(&written, |file| built.write_json(file))
                .expect("the report is written")
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
