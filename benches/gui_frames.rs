//! GUI frame times with the reference set loaded (issue 7), through egui_kittest: the real app,
//! each view drawn for 60 frames, then month and department changes, each checked to show the
//! new value on the very next frame. `cargo bench --bench gui_frames` (N from COO_BENCH_SCALE,
//! 1M by default). Frame times include kittest's own work (the accessibility tree it builds
//! every frame for its queries), so the app alone is faster than printed.

use std::time::{Duration, Instant};

use coo_dashboard::analysis::read_folder;
use coo_dashboard::app::views::View;
use coo_dashboard::app::{App, AppOptions, Command, UiState};
use coo_dashboard::metrics::{self, Metric};
use coo_dashboard::model::Month;
use coo_dashboard::report;
use coo_dashboard::synthetic::{bench_scale, reference_set};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

struct Fixture {
    app: Option<App>,
    options: AppOptions,
}

fn app<'h>(harness: &'h mut Harness<'_, Fixture>) -> &'h mut App {
    harness
        .state_mut()
        .app
        .as_mut()
        .expect("the app is created in the first frame")
}

fn median_and_p95(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 95 / 100).min(times.len() - 1)]),
    )
}

/// The median and p95 of 60 frames drawn one after another, in ms.
fn sixty_frames(harness: &mut Harness<'_, Fixture>) -> (f64, f64) {
    let times: Vec<Duration> = (0..60)
        .map(|_| {
            let frame = Instant::now();
            harness.step();
            frame.elapsed()
        })
        .collect();
    median_and_p95(times)
}

/// The EBITDA margin card's shown value.
fn margin_card(harness: &Harness<'_, Fixture>) -> Option<String> {
    harness
        .get_by_label(Metric::EbitdaMargin.label())
        .accesskit_node()
        .value()
        .map(|value| value.to_string())
}

fn main() {
    let scale = bench_scale();
    let folder = reference_set(scale).expect("the reference set is written");
    // What the cards must show, from the core.
    let dataset = read_folder(&folder, true).expect("the folder reads");
    let as_of = report::resolve_as_of(&dataset, None).expect("the set has dates");
    let table = metrics::compute(&dataset, as_of).expect("metrics compute");
    let latest = Month::of(as_of);

    let fixture = Fixture {
        app: None,
        options: AppOptions {
            data_dir: Some(folder.clone()),
            watch_folder: false,
        },
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(
            |ui, fixture: &mut Fixture| {
                let options = fixture.options.clone();
                fixture
                    .app
                    .get_or_insert_with(|| App::new(ui.ctx(), UiState::default(), options))
                    .app_ui(ui);
            },
            fixture,
        );
    let start = Instant::now();
    app(&mut harness).block_until_loaded();
    harness.run();
    println!(
        "N={scale}: folder loaded and prepared in the app (reading cache warm) in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    println!("{:<14} {:>12} {:>9}", "view", "median ms", "p95 ms");
    for view in View::NAVIGATION {
        app(&mut harness).apply(Command::SetView(view));
        harness.run();
        let (median, p95) = sixty_frames(&mut harness);
        println!("{:<14} {median:>12.2} {p95:>9.2}", view.label());
    }

    // Changing the month or the department shows the new values on the next frame.
    app(&mut harness).apply(Command::SetView(View::Overview));
    harness.run();
    let mut changes = Vec::new();
    for back in 1..=6 {
        let month = latest.offset(-back);
        app(&mut harness).apply(Command::SelectMonth(month));
        let frame = Instant::now();
        harness.step();
        changes.push(frame.elapsed());
        let expected = report::format::value(
            Metric::EbitdaMargin,
            table.value(Metric::EbitdaMargin, None, month),
        );
        assert_eq!(
            margin_card(&harness).as_deref(),
            Some(expected.as_str()),
            "{month}"
        );
    }
    app(&mut harness).apply(Command::SelectMonth(latest));
    harness.step();
    for (id, _) in dataset.departments.iter().take(6) {
        app(&mut harness).apply(Command::SetDepartment(Some(id)));
        let frame = Instant::now();
        harness.step();
        changes.push(frame.elapsed());
        let expected = report::format::value(
            Metric::EbitdaMargin,
            table.value(Metric::EbitdaMargin, Some(id), latest),
        );
        assert_eq!(margin_card(&harness).as_deref(), Some(expected.as_str()));
    }
    let (median, p95) = median_and_p95(changes);
    println!(
        "month / department change: next frame shows the new EBITDA margin; that frame median {median:.2} ms, p95 {p95:.2} ms (12 changes)"
    );

    // The company NPS breakdown of the latest month (every answer of the month, SPEC §7): worked
    // out off the UI thread while frames go on, its rows on the frame after it is ready.
    app(&mut harness).apply(Command::SetDepartment(None));
    app(&mut harness).apply(Command::ShowMetric(
        coo_dashboard::app::views::MetricFocus {
            metric: Metric::Nps,
            department: None,
        },
    ));
    let opened = Instant::now();
    let mut waiting = Vec::new();
    loop {
        let frame = Instant::now();
        harness.step();
        waiting.push(frame.elapsed());
        if app(&mut harness).is_breakdown_idle() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let ready = opened.elapsed();
    let frame = Instant::now();
    harness.step();
    let first_rows = frame.elapsed();
    let answers = dataset
        .nps
        .iter()
        .filter(|row| Month::of(row.date) == latest)
        .count();
    let label = format!(
        "{} from nps exports",
        report::format::count(answers, "row", "rows")
    );
    assert!(harness.query_by_label(&label).is_some(), "{label}");
    let slowest_waiting = waiting.iter().max().copied().unwrap_or_default();
    let (median, p95) = sixty_frames(&mut harness);
    println!(
        "company NPS breakdown, {answers} rows: ready {:.0} ms after the click over {} frames (slowest {:.2} ms); the frame showing the rows {:.2} ms; then median {median:.2} ms, p95 {p95:.2} ms",
        ready.as_secs_f64() * 1000.0,
        waiting.len(),
        slowest_waiting.as_secs_f64() * 1000.0,
        first_rows.as_secs_f64() * 1000.0,
    );
}
