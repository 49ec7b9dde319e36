//! The desktop app driven through egui_kittest: the real `App` on a copy of the bundled sample
//! data (so nothing is written into the repository), found and clicked by accessible label.
//!
//! Expected values come from the core functions the report uses (`read_folder`,
//! `metrics::compute`, `escalations::evaluate`) and are formatted by the report's own
//! `report::format::value`; the tests prove that the app shows those numbers, digit for digit,
//! and that its clicks reach the SQLite state.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use coo_dashboard::analysis::read_folder;
use coo_dashboard::app::dialogs::Picked;
use coo_dashboard::app::export::SaveRequest;
use coo_dashboard::app::views::View;
use coo_dashboard::app::{App, AppOptions, Command, UiState, format};
use coo_dashboard::escalations::{self, Severity, Status, Store, store};
use coo_dashboard::metrics::{self, Metric, MetricTable};
use coo_dashboard::model::{Dataset, Month};
use coo_dashboard::report;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The app under test, created on the harness's own context in the first frame.
struct Fixture {
    app: Option<App>,
    options: AppOptions,
}

/// A file dropped on the window, as the windowing layer would hand it over.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|error| error.to_string())
    }
}

fn sample_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data")
}

/// A fresh copy of the bundled sample data.
fn copy_of_sample_data() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    let source = sample_data();
    for entry in walkdir::WalkDir::new(&source)
        .into_iter()
        .filter_map(Result::ok)
    {
        let relative = entry
            .path()
            .strip_prefix(&source)
            .expect("inside the sample data");
        // The bundled folder may hold a state database from someone running the app on it.
        if relative
            .components()
            .any(|part| part.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let target = folder.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
    folder
}

/// Opens the app on `folder` at 1440×900 and waits until the folder is loaded.
fn open_app(folder: &Path) -> Harness<'static, Fixture> {
    open_app_at(folder, egui::vec2(1440.0, 900.0))
}

/// Opens the app on `folder` in a window of `size` and waits until the folder is loaded.
fn open_app_at(folder: &Path, size: egui::Vec2) -> Harness<'static, Fixture> {
    let fixture = Fixture {
        app: None,
        options: AppOptions {
            data_dir: Some(folder.to_path_buf()),
            watch_folder: false,
        },
    };
    let mut harness = Harness::builder().with_size(size).build_ui_state(
        |ui, fixture: &mut Fixture| {
            let options = fixture.options.clone();
            let app = fixture
                .app
                .get_or_insert_with(|| App::new(ui.ctx(), UiState::default(), options));
            app.app_ui(ui);
        },
        fixture,
    );
    wait_until_loaded(&mut harness);
    harness
}

fn app<'h>(harness: &'h Harness<'_, Fixture>) -> &'h App {
    harness
        .state()
        .app
        .as_ref()
        .expect("the app is created in the first frame")
}

/// Takes the loader's result and lets the UI settle.
fn wait_until_loaded(harness: &mut Harness<'_, Fixture>) {
    if let Some(app) = harness.state_mut().app.as_mut() {
        app.block_until_loaded();
    }
    harness.run();
    assert!(!app(harness).is_loading(), "the load has finished");
    assert!(
        app(harness).prepared().is_some(),
        "a folder is loaded: {:?}",
        app(harness).load_error()
    );
}

/// Steps frames until `done` holds of the app, for at most ten seconds, then lets the UI settle.
fn step_until(harness: &mut Harness<'_, Fixture>, done: fn(&App) -> bool, what: &str) {
    for _ in 0..1000 {
        harness.step();
        if done(app(harness)) {
            // Settle; a blinking cursor may keep asking for frames, which is no failure here.
            harness.run_ok();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("{what} within ten seconds");
}

/// Steps frames until the escalation store's thread has answered everything sent to it (it
/// writes off the UI thread).
fn wait_for_store(harness: &mut Harness<'_, Fixture>) {
    step_until(
        harness,
        App::is_store_idle,
        "the escalation store did not answer",
    );
}

/// What the core computes for `folder`, as the report would.
fn core(folder: &Path) -> (Dataset, MetricTable, Month) {
    let dataset = read_folder(folder, true).expect("the folder loads");
    let as_of = report::resolve_as_of(&dataset, None).expect("the data has dates");
    let table = metrics::compute(&dataset, as_of).expect("the metrics compute");
    (dataset, table, Month::of(as_of))
}

fn click_view(harness: &mut Harness<'_, Fixture>, view: View) {
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, view.label())
        .click();
    harness.run();
}

#[test]
fn the_overview_cards_show_the_values_the_core_computes_for_the_latest_month() {
    let folder = copy_of_sample_data();
    let harness = open_app(folder.path());
    let (_, table, latest) = core(folder.path());

    assert_eq!(
        app(&harness)
            .prepared()
            .map(|prepared| prepared.latest_month()),
        Some(latest),
        "the month picker starts on the latest month"
    );
    assert_eq!(app(&harness).ui_state().view, View::Overview);
    for metric in [
        Metric::Ebitda,
        Metric::EbitdaMargin,
        Metric::CostToRevenue,
        Metric::OnTimeRate,
        Metric::Utilization,
        Metric::Nps,
        Metric::Csat,
        Metric::ChurnRate,
    ] {
        let expected = report::format::value(metric, table.value(metric, None, latest));
        assert!(
            table.value(metric, None, latest).is_some(),
            "the sample data defines {metric} for {latest}"
        );
        let card = harness.get_by_label(metric.label());
        assert_eq!(
            card.accesskit_node().value().as_deref(),
            Some(expected.as_str()),
            "the {} card",
            metric.label()
        );
    }
}

#[test]
fn every_view_opens_from_the_navigation_by_its_label() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    let latest = app(&harness)
        .prepared()
        .map(|prepared| prepared.latest_month())
        .expect("loaded");
    // A landmark each view shows once loaded, so the test sees the view itself, not the state.
    let landmarks = [
        (
            View::Finance,
            format!("EBITDA bridge, {}", format::month_short(latest)),
        ),
        (
            View::Delivery,
            format!("Due in {}", format::month_long(latest)),
        ),
        (View::Productivity, "Utilization trend".to_string()),
        (View::Customers, "Churn and retention".to_string()),
        (View::Departments, "Heat map".to_string()),
        (View::Escalations, "Detail".to_string()),
        (View::Data, "Source files".to_string()),
        (View::Overview, "Needs attention".to_string()),
    ];
    for (view, landmark) in landmarks {
        click_view(&mut harness, view);
        assert_eq!(app(&harness).ui_state().view, view);
        assert!(
            harness.query_by_label_contains(&landmark).is_some(),
            "{} shows {landmark:?}",
            view.label()
        );
    }
}

#[test]
fn at_1024_by_768_nothing_covers_the_pickers_the_cards_reflow_and_the_detail_comes_below() {
    let folder = copy_of_sample_data();
    let mut harness = open_app_at(folder.path(), egui::vec2(1024.0, 768.0));
    // The top bar: the pickers take a second row, below Reload, Export… and the theme switch.
    let below_actions = ["Reload", "Export…", "Dark theme"]
        .iter()
        .map(|label| harness.get_by_label(label).rect().max.y)
        .fold(f32::MIN, f32::max);
    let department = harness
        .query_all_by_label("Department")
        .next()
        .expect("the department picker's label")
        .rect();
    assert!(
        department.min.y >= below_actions,
        "the department picker ({department:?}) is on the row below the buttons (bottom {below_actions})"
    );
    // The eight cards: three to a row inside the window (4 × 220 + 3 × 12 = 916 pixels would not
    // fit the 1024 − 184 navigation − 40 margins = 800 left), so the fourth starts a new row.
    let cards: Vec<egui::Rect> = coo_dashboard::report::KPI_CARDS
        .iter()
        .map(|metric| harness.get_by_label(metric.label()).rect())
        .collect();
    assert!(cards.iter().all(|card| card.max.x <= 1024.0), "{cards:?}");
    assert_eq!(
        cards[0].min.y, cards[2].min.y,
        "three cards on the first row"
    );
    assert!(
        cards[3].min.y > cards[0].max.y,
        "the fourth card starts the second row"
    );
    // The escalation list and its detail stack: the detail's heading below the list's.
    click_view(&mut harness, View::Escalations);
    let list = harness.get_by_label_contains("escalations shown").rect();
    let detail = harness.get_by_label("Detail").rect();
    assert!(
        detail.min.y > list.max.y,
        "list {list:?}, detail {detail:?}"
    );
}

#[test]
fn number_keys_switch_views_and_clicking_a_card_opens_its_detail() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    harness.key_press(egui::Key::Num2);
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Finance);
    harness.key_press(egui::Key::Num8);
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Goals);
    harness.key_press(egui::Key::Num9);
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Data);
    harness.key_press(egui::Key::Num1);
    harness.run();

    harness.get_by_label("NPS").click();
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Metric);
    assert!(harness.query_by_label("Back to overview").is_some());
    assert!(harness.query_by_label_contains("By department").is_some());
}

#[test]
fn a_metric_opened_from_the_heat_map_goes_back_to_departments_and_a_new_folder_opens_on_overview() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = sample_data_inside(root.path());
    let mut harness = open_app(&data);
    click_view(&mut harness, View::Departments);
    harness.get_by_label("Consulting NPS").click();
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Metric);
    harness.get_by_label("Back to departments").click();
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Departments);

    // Another folder starts on its Overview, not on the Departments view used with this one.
    let other = root.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(data.join("hr/workforce.tsv"), other.join("workforce.tsv")).unwrap();
    harness
        .state_mut()
        .app
        .as_mut()
        .unwrap()
        .apply(Command::OpenFolder(other.clone()));
    harness.step();
    wait_until_loaded(&mut harness);
    assert_eq!(app(&harness).ui_state().view, View::Overview);
}

#[test]
fn help_desk_channels_have_their_own_csat_table_and_are_not_in_the_department_picker() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    click_view(&mut harness, View::Customers);
    assert!(
        harness
            .query_by_label("CSAT by channel, Oct 2026")
            .is_some()
    );
    // Portal in October 2026: 39 of 42 rated tickets satisfied = 92.9%. Wilson 95%: z²/n =
    // 0.091467, centre 0.892646, half-width 0.082751, so the interval starts at 0.809895 and the
    // margin (its farther side) is 0.928571 − 0.809895 = 11.9 points.
    assert!(harness.query_by_label("Portal").is_some());
    assert!(harness.query_by_label("92.9% ±11.9 pp").is_some());
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Department")
        .click();
    harness.run();
    for channel in ["Email", "Phone", "Portal"] {
        assert!(
            harness
                .query_by_role_and_label(egui::accesskit::Role::Button, channel)
                .is_none(),
            "{channel} is no department"
        );
    }
    assert!(
        harness
            .query_by_role_and_label(egui::accesskit::Role::Button, "Consulting")
            .is_some()
    );
}

#[test]
fn the_department_picker_is_sorted_and_typing_filters_it() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Department")
        .click();
    harness.run();
    let listed = |harness: &Harness<'_, Fixture>| -> Vec<String> {
        let names = app(harness)
            .prepared()
            .unwrap()
            .departments
            .iter()
            .map(|(_, name)| name.clone())
            .collect::<Vec<_>>();
        let mut shown: Vec<(f32, String)> = names
            .into_iter()
            .filter_map(|name| {
                let top = harness
                    .query_by_role_and_label(egui::accesskit::Role::Button, &name)
                    .map(|node| node.rect().min.y)?;
                Some((top, name))
            })
            .collect();
        shown.sort_by(|a, b| a.0.total_cmp(&b.0));
        shown.into_iter().map(|(_, name)| name).collect()
    };
    // Top to bottom in name order (the sample's departments come first-seen otherwise).
    let all = listed(&harness);
    let mut sorted = all.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(all, sorted);
    assert!(all.len() > 3, "{all:?}");
    // "oper" is in Cloud Operations alone.
    harness.get_by_label("Find").type_text("oper");
    harness.run();
    assert_eq!(listed(&harness), ["Cloud Operations"]);
    assert!(
        harness
            .query_by_role_and_label(egui::accesskit::Role::Button, "All departments")
            .is_none()
    );
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Cloud Operations")
        .click();
    harness.run();
    let chosen = app(&harness)
        .prepared()
        .unwrap()
        .dataset
        .departments
        .find("Cloud Operations");
    assert_eq!(app(&harness).department(), chosen);
}

#[test]
fn the_department_filter_shows_that_departments_values_on_the_cards() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    let (dataset, table, latest) = core(folder.path());
    let engineering = dataset
        .departments
        .find("Engineering")
        .expect("the sample data has Engineering");

    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Department")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Engineering")
        .click();
    harness.run();

    for metric in [
        Metric::EbitdaMargin,
        Metric::Utilization,
        Metric::OnTimeRate,
    ] {
        let expected =
            report::format::value(metric, table.value(metric, Some(engineering), latest));
        let card = harness.get_by_label(metric.label());
        assert_eq!(
            card.accesskit_node().value().as_deref(),
            Some(expected.as_str()),
            "Engineering's {}",
            metric.label()
        );
    }
}

#[test]
fn a_dropped_export_with_a_bad_row_is_added_to_the_folder_and_its_problem_shows_in_data() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());

    // A November survey export whose second answer is out of range (12 on a 0–10 scale).
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let export = elsewhere.path().join("nps_2026-11_late_answers.csv");
    std::fs::write(&export, "date,customer_id,how likely are you to recommend us\n2026-10-30,C-1003,9\n2026-10-31,C-1004,12\n")
        .expect("write the export");
    // The problem the core reports for this file on its own, line 3 (header = 1).
    let alone = read_folder(elsewhere.path(), true).expect("loads");
    let problem = alone
        .data_quality
        .iter()
        .find(|issue| issue.line == Some(3))
        .expect("the bad row is reported")
        .problem
        .clone();

    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(export.clone())));
    // One frame takes the drop and starts the load (its spinner keeps repainting meanwhile).
    harness.step();
    assert!(app(&harness).is_loading());
    wait_until_loaded(&mut harness);

    let copied = folder.path().join("nps_2026-11_late_answers.csv");
    assert!(
        copied.is_file(),
        "the dropped export was copied into the data folder"
    );
    let prepared = app(&harness).prepared().expect("loaded");
    assert!(
        prepared.dataset.sources.iter().any(
            |source| source.file == "nps_2026-11_late_answers.csv" && source.rows_rejected == 1
        )
    );

    click_view(&mut harness, View::Data);
    assert!(
        harness
            .query_all_by_label("nps_2026-11_late_answers.csv")
            .next()
            .is_some(),
        "the file is listed"
    );
    // The sample folder's problems fill more than the table's height: filter by the file, as a
    // user would.
    harness.get_by_label("Filter").click();
    harness.step();
    harness
        .get_by_label("Filter")
        .type_text("nps_2026-11_late_answers");
    for _ in 0..3 {
        harness.step();
    }
    assert!(
        harness.query_all_by_label(&problem).next().is_some(),
        "the problem {problem:?} is listed"
    );
}

/// The critical escalation the sample data plants in its latest month, as the core raises it.
fn latest_critical_escalation(folder: &Path) -> escalations::Escalation {
    let (dataset, table, latest) = core(folder);
    let (rules, _) = escalations::rules::load(folder, None).expect("the rules load");
    escalations::evaluate(table.values(), &dataset.departments, &rules)
        .into_iter()
        .find(|escalation| escalation.month == latest && escalation.severity == Severity::Critical)
        .expect("the sample data plants a critical problem in the latest month")
}

#[test]
fn acknowledging_and_resolving_an_escalation_in_the_app_is_kept_in_the_state_database() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    let critical = latest_critical_escalation(folder.path());

    // The overview's "needs attention" list leads to it.
    harness.get_by_label(&critical.message).click();
    harness.run();
    assert_eq!(app(&harness).ui_state().view, View::Escalations);

    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Acknowledge")
        .click();
    wait_for_store(&mut harness);
    let state_file = store::default_path(folder.path());
    let status = |id: &str| {
        let store = Store::open_existing(&state_file)
            .expect("readable")
            .expect("the app created the state file");
        store
            .states()
            .expect("states")
            .get(id)
            .map(|state| state.status)
    };
    assert_eq!(status(&critical.escalation_id), Some(Status::Acknowledged));

    // Assign it and say what is being done: typed into the form, saved by the buttons.
    let owner = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Owner");
    owner.focus();
    owner.type_text("Dana Lee");
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Assign")
        .click();
    wait_for_store(&mut harness);
    let comment = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Comment");
    comment.focus();
    comment.type_text("Pricing review with the Consulting lead on Friday");
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Add comment")
        .click();
    wait_for_store(&mut harness);
    let recorded = Store::open_existing(&state_file)
        .expect("readable")
        .expect("exists")
        .states()
        .expect("states");
    assert_eq!(
        recorded
            .get(&critical.escalation_id)
            .and_then(|state| state.owner.as_deref()),
        Some("Dana Lee")
    );

    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Resolve")
        .click();
    wait_for_store(&mut harness);
    assert_eq!(status(&critical.escalation_id), Some(Status::Resolved));

    let store = Store::open_existing(&state_file)
        .expect("readable")
        .expect("exists");
    let actions: Vec<String> = store
        .history(&critical.escalation_id)
        .expect("history")
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(
        actions,
        ["acknowledged", "assigned", "commented", "resolved"]
    );
    // The app shows the new status and the audit trail, newest first.
    assert!(
        harness
            .query_by_label("Commented: Pricing review with the Consulting lead on Friday")
            .is_some()
    );
    assert!(harness.query_by_label("Assigned to Dana Lee").is_some());
    assert!(
        harness.query_all_by_label("Resolved").count() >= 2,
        "the status chip and the history line"
    );
    assert!(
        harness.query_by_label("Acknowledged").is_some(),
        "the history line"
    );
}

#[test]
fn an_action_on_a_locked_state_file_waits_off_the_ui_thread_and_then_lands() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    let critical = latest_critical_escalation(folder.path());
    harness.get_by_label(&critical.message).click();
    harness.run();

    // Another program holds the state file's write lock (the store waits up to ten seconds).
    let state_file = store::default_path(folder.path());
    drop(Store::open(&state_file).expect("the state file is created"));
    let blocker = rusqlite::Connection::open(&state_file).expect("a second connection");
    blocker
        .execute_batch("BEGIN EXCLUSIVE")
        .expect("the lock is taken");
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Acknowledge")
        .click();
    // Frames keep coming while the store waits: on the UI thread, this step would have hung
    // for the busy timeout and then said "Not saved".
    for _ in 0..3 {
        harness.step();
    }
    assert!(
        !app(&harness).is_store_idle(),
        "the action is still waiting"
    );
    assert!(
        harness.query_by_label("Saving…").is_some(),
        "the detail says the change is being saved"
    );
    assert!(harness.query_by_label_contains("Not saved").is_none());

    blocker
        .execute_batch("COMMIT")
        .expect("the lock is released");
    drop(blocker);
    wait_for_store(&mut harness);
    let store = Store::open_existing(&state_file)
        .expect("readable")
        .expect("exists");
    assert_eq!(
        store
            .states()
            .expect("states")
            .get(&critical.escalation_id)
            .map(|state| state.status),
        Some(Status::Acknowledged)
    );
    assert!(harness.query_by_label("Saving…").is_none());
}

/// In the Data view, maps `finance_german.csv`'s header "Umsatz" to revenue, saves, and waits
/// for the reload.
fn map_umsatz_to_revenue_in_the_data_view(harness: &mut Harness<'_, Fixture>) {
    click_view(harness, View::Data);
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Umsatz")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "revenue")
        .click();
    harness.run();
    harness
        .get_by_label("Save mapping for finance_german.csv")
        .click();
    harness.step();
    wait_until_loaded(harness);
}

#[test]
fn a_file_with_an_unknown_header_is_mapped_in_the_data_view_saved_and_read_at_once() {
    // "Umsatz" is German for revenue: without a mapping the file is not a finance export.
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        crate::fixture("mapping/finance_german.csv"),
        folder.path().join("finance_german.csv"),
    )
    .expect("copy");
    let mut harness = open_app(folder.path());
    let prepared = app(&harness).prepared().expect("loaded");
    assert_eq!(
        prepared.dataset.sources[0].kind, None,
        "not recognised before the mapping"
    );

    map_umsatz_to_revenue_in_the_data_view(&mut harness);

    let settings = std::fs::read_to_string(folder.path().join("coo-dashboard.toml"))
        .expect("the mapping was saved");
    assert!(
        settings.contains("[mapping.Umsatz]") && settings.contains("column = \"revenue\""),
        "{settings}"
    );
    let prepared = app(&harness).prepared().expect("loaded");
    assert_eq!(
        prepared.dataset.sources[0].kind,
        Some(coo_dashboard::model::Kind::Finance),
        "read as finance at once"
    );
    let march = Month::new(2026, 3).expect("a month");
    // The fixture's one row: revenue 1234.5 − COGS 200.25 − opex 100 = EBITDA 934.25.
    assert_eq!(
        prepared.metrics.value(Metric::Ebitda, None, march),
        Some(934.25)
    );
}

#[test]
fn a_mapping_saved_into_a_windows_1252_settings_file_is_refused_with_the_reason_and_nothing_is_lost()
 {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        crate::fixture("mapping/finance_german.csv"),
        folder.path().join("finance_german.csv"),
    )
    .expect("copy");
    let before = crate::analysis::windows_1252_settings(folder.path());
    let mut harness = open_app(folder.path());
    let prepared = app(&harness).prepared().expect("loaded");
    // Read as unreadable, not as empty: the Data view's list names it (line 5 holds the 0xE4).
    let named =
        prepared.dataset.data_quality.iter().find(|issue| {
            issue.file == "coo-dashboard.toml" && issue.problem.contains("not UTF-8")
        });
    assert!(named.is_some(), "{:?}", prepared.dataset.data_quality);

    map_umsatz_to_revenue_in_the_data_view(&mut harness);

    let after = std::fs::read(folder.path().join("coo-dashboard.toml")).expect("still there");
    assert_eq!(
        after, before,
        "the user's rules and mapping are as they were"
    );
    let refusal = app(&harness)
        .notices()
        .iter()
        .find(|notice| notice.text.contains("could not be saved"))
        .map(|notice| notice.text.clone())
        .unwrap_or_else(|| panic!("no refusal: {:?}", app(&harness).notices()));
    assert!(
        refusal.contains("not UTF-8") && refusal.contains("nothing was saved"),
        "{refusal}"
    );
    assert!(
        !app(&harness)
            .notices()
            .iter()
            .any(|notice| notice.text.starts_with("Saved")),
        "never says Saved"
    );
}

#[test]
fn a_reload_can_be_cancelled_and_the_data_already_shown_stays() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    harness.step();
    assert!(app(&harness).is_loading(), "Ctrl+R reads the folder again");
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Cancel")
        .click();
    harness.step();
    assert!(!app(&harness).is_loading());
    assert!(
        app(&harness).prepared().is_some(),
        "the data read before is still shown"
    );
    assert!(
        app(&harness)
            .notices()
            .iter()
            .any(|notice| notice.text.starts_with("Loading cancelled"))
    );
}

#[test]
fn the_saved_ui_state_is_restored_and_an_empty_one_means_the_defaults() {
    let folder = copy_of_sample_data();
    // Saved while this folder was open: its view comes back with it.
    let saved = UiState {
        data_dir: Some(folder.path().to_path_buf()),
        view: View::Customers,
        theme: coo_dashboard::app::ThemeChoice::Dark,
        comparison: coo_dashboard::app::views::Comparison::SameMonthLastYear,
        ..UiState::default()
    };
    let text = serde_json::to_string(&saved).expect("serialises");
    assert_eq!(
        serde_json::from_str::<UiState>(&text).expect("deserialises"),
        saved
    );
    assert_eq!(
        serde_json::from_str::<UiState>("{}").expect("fields default"),
        UiState::default()
    );

    let options = AppOptions {
        data_dir: Some(folder.path().to_path_buf()),
        watch_folder: false,
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(
            |ui, fixture: &mut Fixture| {
                let app = fixture.app.get_or_insert_with(|| {
                    App::new(ui.ctx(), saved.clone(), fixture.options.clone())
                });
                app.app_ui(ui);
            },
            Fixture { app: None, options },
        );
    wait_until_loaded(&mut harness);
    assert_eq!(app(&harness).ui_state().view, View::Customers);
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    assert!(harness.query_by_label("Churn and retention").is_some());
    assert_eq!(
        app(&harness)
            .ui_state()
            .recent_folders
            .first()
            .map(PathBuf::as_path),
        Some(folder.path()),
        "the folder is remembered"
    );
}

#[test]
fn ctrl_o_opens_the_folder_the_dialog_returns_and_remembers_both_folders() {
    let first = copy_of_sample_data();
    let second = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        crate::fixture("metrics/finance.csv"),
        second.path().join("finance.csv"),
    )
    .expect("copy");
    let picked = second.path().to_path_buf();
    let options = AppOptions {
        data_dir: Some(first.path().to_path_buf()),
        watch_folder: false,
    };
    // The system dialog is replaced by one that answers at once; tests never open a real one.
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(
            move |ui, fixture: &mut Fixture| {
                let picked = picked.clone();
                let app = fixture.app.get_or_insert_with(|| {
                    App::new(ui.ctx(), UiState::default(), fixture.options.clone())
                        .with_folder_picker(Arc::new(move |_start| Picked::Path(picked.clone())))
                });
                app.app_ui(ui);
            },
            Fixture { app: None, options },
        );
    wait_until_loaded(&mut harness);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    // The dialog runs on its own thread; step until its answer has started a load.
    for _ in 0..500 {
        harness.step();
        if app(&harness).is_loading() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    wait_until_loaded(&mut harness);

    let prepared = app(&harness).prepared().expect("loaded");
    assert_eq!(prepared.data_dir, second.path());
    let recent = &app(&harness).ui_state().recent_folders;
    assert_eq!(recent.first().map(PathBuf::as_path), Some(second.path()));
    assert_eq!(recent.get(1).map(PathBuf::as_path), Some(first.path()));
}

/// Opens the app on `folder` with a save dialog that answers `target/<suggested name>` at once.
fn open_app_saving_into(folder: &Path, target: &Path) -> Harness<'static, Fixture> {
    let target = target.to_path_buf();
    open_app_with(folder, move |app| {
        let target = target.clone();
        app.with_save_picker(Arc::new(move |request: SaveRequest| {
            Picked::Path(target.join(request.file_name))
        }))
    })
}

/// Opens the app on `folder` at 1440×900, set up by `configure` (its dialogs, say), and waits
/// until the folder is loaded.
fn open_app_with(
    folder: &Path,
    configure: impl Fn(App) -> App + 'static,
) -> Harness<'static, Fixture> {
    let options = AppOptions {
        data_dir: Some(folder.to_path_buf()),
        watch_folder: false,
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(
            move |ui, fixture: &mut Fixture| {
                let app = fixture.app.get_or_insert_with(|| {
                    configure(App::new(
                        ui.ctx(),
                        UiState::default(),
                        fixture.options.clone(),
                    ))
                });
                app.app_ui(ui);
            },
            Fixture { app: None, options },
        );
    wait_until_loaded(&mut harness);
    harness
}

/// No dialog on this desktop: both pickers say so at once.
fn without_dialogs(app: App) -> App {
    app.with_save_picker(Arc::new(|_| Picked::NoDialog))
        .with_folder_picker(Arc::new(|_| Picked::NoDialog))
}

/// A copy of the sample data in `root/data`, so what goes beside it stays in `root`.
fn sample_data_inside(root: &Path) -> PathBuf {
    let copy = copy_of_sample_data();
    let data = root.join("data");
    std::fs::rename(copy.path(), &data)
        .or_else(|_| {
            // Another file system: copy instead.
            walkdir::WalkDir::new(copy.path())
                .into_iter()
                .filter_map(Result::ok)
                .try_for_each(|entry| {
                    let target = data.join(entry.path().strip_prefix(copy.path()).unwrap());
                    if entry.file_type().is_dir() {
                        std::fs::create_dir_all(&target)
                    } else {
                        std::fs::copy(entry.path(), &target).map(|_| ())
                    }
                })
        })
        .expect("the sample data is copied");
    data
}

#[test]
fn without_a_save_dialog_export_writes_beside_the_data_folder_never_over_a_file() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = sample_data_inside(root.path());
    let mut harness = open_app_with(&data, without_dialogs);

    click_export(&mut harness, "Board pack (HTML)…");
    wait_for_export(&mut harness);
    let first = root.path().join("exports/board-pack-2026-10.html");
    let notice = notice_naming(&harness, &first);
    assert!(notice.starts_with("Saved the board pack to "), "{notice}");
    let html = std::fs::read_to_string(&first).expect("the pack was written");
    assert!(html.contains("Operations board pack, October 2026"));

    // A second export of the same month keeps the first file and takes the next name.
    std::fs::write(&first, "the COO's annotated copy").unwrap();
    click_export(&mut harness, "Board pack (HTML)…");
    wait_for_export(&mut harness);
    let second = root.path().join("exports/board-pack-2026-10 (2).html");
    notice_naming(&harness, &second);
    assert_eq!(
        std::fs::read_to_string(&first).unwrap(),
        "the COO's annotated copy"
    );
    assert!(
        std::fs::read_to_string(&second)
            .unwrap()
            .contains("Operations board pack")
    );
    assert!(
        !data.join("exports").exists(),
        "nothing is written into the data folder, where it would be read as data"
    );
}

#[test]
fn without_a_folder_dialog_open_folder_asks_for_the_path_and_opens_it() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = sample_data_inside(root.path());
    let other = root.path().join("october");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(data.join("hr/workforce.tsv"), other.join("workforce.tsv")).unwrap();
    let mut harness = open_app_with(&data, without_dialogs);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    let field = "No folder dialog can be shown on this desktop. Folder path:";
    for _ in 0..500 {
        harness.step();
        if harness.query_by_label(field).is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // A path that is no folder is refused in the window, which stays open.
    harness.get_by_label(field).focus();
    harness.run();
    harness.get_by_label(field).type_text("x");
    harness.run();
    harness.get_by_label("Open").click();
    harness.run();
    assert!(harness.query_by_label_contains("is not a folder").is_some());
    assert_eq!(app(&harness).prepared().unwrap().data_dir, data);

    // The field starts with the open folder's path; a completion takes the other one.
    let typed = format!("{}/oct", root.path().display());
    harness.get_by_label(field).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label(field).type_text(&typed);
    harness.run();
    harness.get_by_label(&other.display().to_string()).click();
    harness.run();
    harness.get_by_label("Open").click();
    harness.step();
    wait_until_loaded(&mut harness);
    assert_eq!(app(&harness).prepared().unwrap().data_dir, other);
    assert!(harness.query_by_label(field).is_none(), "the window closed");
}

/// Clicks "Export…" and then the entry `entry` of its menu, and lets one frame take the click.
fn click_export(harness: &mut Harness<'_, Fixture>, entry: &str) {
    harness.get_by_label("Export…").click();
    harness.run();
    harness.get_by_label(entry).click();
    harness.step();
}

/// Steps frames until the save dialog's thread has answered and the export is written.
fn wait_for_export(harness: &mut Harness<'_, Fixture>) {
    for _ in 0..500 {
        harness.step();
        if !app(harness).is_exporting() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the export did not finish");
}

fn notice_naming(harness: &Harness<'_, Fixture>, path: &Path) -> String {
    let path = path.display().to_string();
    app(harness)
        .notices()
        .iter()
        .find(|notice| notice.text.contains(&path))
        .map(|notice| notice.text.clone())
        .unwrap_or_else(|| panic!("no notice names {path}: {:?}", app(harness).notices()))
}

#[test]
fn export_writes_the_board_pack_and_the_csv_where_the_save_dialog_says_and_names_the_file() {
    let folder = copy_of_sample_data();
    let target = tempfile::tempdir().expect("temp dir");
    let mut harness = open_app_saving_into(folder.path(), target.path());

    click_export(&mut harness, "Board pack (HTML)…");
    wait_for_export(&mut harness);
    let pack_path = target.path().join("board-pack-2026-10.html");
    let notice = notice_naming(&harness, &pack_path);
    assert!(notice.starts_with("Saved the board pack to "), "{notice}");
    let html = std::fs::read_to_string(&pack_path).expect("the pack was written");
    // docs/sample_data.md, company 2026-10: revenue €1,932,339.30, EBITDA €111,145.34, margin
    // 5.8%, NPS 22.7 from 97 responses; Consulting's margin −9.6%.
    assert!(html.contains("Operations board pack, October 2026"));
    for value in [
        "1,932,339",
        "111,145",
        "5.8%",
        "22.7",
        "97 responses",
        "−9.6%",
    ] {
        assert!(html.contains(value), "the pack lacks {value}");
    }
    assert!(
        html.contains(&folder.path().display().to_string()),
        "the pack names its data folder"
    );
    // Every KPI card of the overview shows the value the pack's card shows, digit for digit.
    for metric in report::KPI_CARDS {
        let card = harness.get_by_label(metric.label());
        let shown = card.accesskit_node().value().expect("a card value");
        assert!(
            html.contains(&format!("<div class=\"value\">{shown}</div>")),
            "the pack's {} card shows {shown}",
            metric.label()
        );
    }

    click_export(&mut harness, "Metric values (CSV)…");
    wait_for_export(&mut harness);
    let csv_path = target.path().join("metrics-2026-10.csv");
    notice_naming(&harness, &csv_path);
    let text = std::fs::read_to_string(&csv_path).expect("the CSV was written");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader
            .headers()
            .expect("a header")
            .iter()
            .collect::<Vec<_>>(),
        [
            "metric",
            "department",
            "month",
            "value",
            "low_confidence",
            "data_folder",
            "as_of",
            "rules",
            "rows_rejected"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.expect("a row")).collect();
    let margin = rows
        .iter()
        .find(|row| &row[0] == "ebitda_margin" && row[1].is_empty() && &row[2] == "2026-10")
        .expect("the company margin of 2026-10");
    let value: f64 = margin[3].parse().expect("a number");
    assert!((value - 111_145.34 / 1_932_339.30).abs() < 1e-6, "{value}");
    // What it rests on: as of 2026-10-31, the shipped rules and the folder's settings (its
    // `[people]`), one rejected row (the NPS 11).
    assert_eq!((&margin[6], &margin[8]), ("2026-10-31", "1"));
    assert!(
        margin[7].starts_with("shipped defaults + ") && margin[7].ends_with("coo-dashboard.toml"),
        "{}",
        &margin[7]
    );
}

#[test]
fn export_of_the_current_view_writes_the_screenshot_as_a_png() {
    let folder = copy_of_sample_data();
    let target = tempfile::tempdir().expect("temp dir");
    let mut harness = open_app_saving_into(folder.path(), target.path());
    click_view(&mut harness, View::Finance);

    click_export(&mut harness, "Current view (PNG)…");
    // kittest without a renderer leaves the screenshot request in the frame's output; answer it
    // as eframe would, with the picture of the frame.
    let color = egui::Color32::from_rgb(37, 99, 235);
    let mut answered = false;
    for _ in 0..500 {
        harness.step();
        let requests: Vec<egui::ScreenshotCallback> = harness
            .output()
            .viewport_output
            .values()
            .flat_map(|viewport| viewport.commands.iter())
            .filter_map(|command| match command {
                egui::ViewportCommand::Screenshot(callback) => Some(callback.clone()),
                _ => None,
            })
            .collect();
        if let Some(callback) = requests.into_iter().next() {
            callback.complete(Arc::new(egui::ColorImage::new([8, 4], vec![color; 32])));
            answered = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(answered, "the app asked for a screenshot");
    wait_for_export(&mut harness);

    let png_path = target.path().join("finance-2026-10.png");
    notice_naming(&harness, &png_path);
    let bytes = std::fs::read(&png_path).expect("the picture was written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoded = image::load_from_memory(&bytes).expect("a PNG").to_rgba8();
    assert_eq!(decoded.dimensions(), (8, 4));
    assert_eq!(decoded.get_pixel(7, 3).0, [37, 99, 235, 255]);
}

#[test]
fn a_screenshot_the_window_never_takes_is_an_error_notice_and_export_works_again() {
    let folder = copy_of_sample_data();
    let target = tempfile::tempdir().expect("temp dir");
    let mut harness = open_app_saving_into(folder.path(), target.path());
    click_export(&mut harness, "Current view (PNG)…");
    // Nobody answers the request: kittest drops it with the frame's output.
    wait_for_export(&mut harness);
    let notices = app(&harness).notices();
    assert!(
        notices
            .iter()
            .any(|notice| notice.is_error && notice.text.contains("could not be taken")),
        "{notices:?}"
    );
    assert!(!target.path().join("overview-2026-10.png").exists());
    // The menu is usable again.
    click_export(&mut harness, "Metric values (CSV)…");
    wait_for_export(&mut harness);
    assert!(target.path().join("metrics-2026-10.csv").is_file());
}

#[test]
fn a_statement_without_departments_is_assigned_to_one_from_the_data_view() {
    let folder = tempfile::tempdir().expect("temp dir");
    let statement = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-exports/finance/Sandbox Company_US_1_Profit and Loss by Month.csv");
    let file = "Sandbox Company_US_1_Profit and Loss by Month.csv";
    std::fs::copy(&statement, folder.path().join(file)).expect("copy the statement");
    let settings = "# thresholds the board agreed\n[metrics.nps]\nwarning_below = 25\n";
    std::fs::write(folder.path().join("coo-dashboard.toml"), settings).expect("settings");
    let mut harness = open_app(folder.path());
    click_view(&mut harness, View::Data);

    harness.get_by_label("belongs to").click();
    harness.step();
    harness.get_by_label("belongs to").type_text("Landscaping");
    harness.step();
    harness.get_by_label("Set department").click();
    harness.step();
    wait_until_loaded(&mut harness);

    // The setting is saved beside the user's own, which stay as written.
    let text = std::fs::read_to_string(folder.path().join("coo-dashboard.toml")).expect("read");
    assert!(text.starts_with(settings), "{text}");
    assert!(text.contains("department = \"Landscaping\""), "{text}");
    // The folder was read again: the statement's months are Landscaping's. June 2025 revenue
    // is its Total for Income, 7,242.77.
    let dataset = &app(&harness).prepared().expect("loaded").dataset;
    let landscaping = dataset
        .departments
        .find("Landscaping")
        .expect("the department");
    let june = dataset
        .finance
        .iter()
        .find(|row| row.month == "2025-06".parse::<Month>().unwrap())
        .expect("June 2025");
    assert_eq!(june.department, Some(landscaping));
    assert!((june.revenue - 7242.77).abs() < 1e-9);
}

#[test]
fn a_person_without_a_department_is_placed_from_the_data_view_and_the_settings_keep_the_rest() {
    // Clockify's export: Cy Park logged 5 h (billable) on 2026-03-13 with no group.
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        crate::fixture("trackers/clockify_midnight_two_departments.csv"),
        folder.path().join("clockify.csv"),
    )
    .expect("copy");
    let settings = folder.path().join("coo-dashboard.toml");
    let before = "# Capacity agreed with HR in January.\n[capacity]\nhours_per_fte_month = 150 # after leave\n\n[thresholds.utilization]\nwarning_below = 0.5\n";
    std::fs::write(&settings, before).expect("settings");
    let mut harness = open_app(folder.path());
    let cy = {
        let prepared = app(&harness).prepared().expect("loaded");
        let unplaced: Vec<_> = prepared
            .dataset
            .people
            .iter()
            .filter(|person| person.ungrouped)
            .collect();
        assert_eq!(
            unplaced.len(),
            1,
            "only Cy's entry has no group: {unplaced:?}"
        );
        assert!((unplaced[0].hours - 5.0).abs() < 1e-9, "{:?}", unplaced[0]);
        unplaced[0].name.clone()
    };

    click_view(&mut harness, View::Data);
    assert!(
        harness
            .query_by_label_contains("People in the time entries (3; 1 without a department)")
            .is_some()
    );
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, &cy)
        .click();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Engineering")
        .click();
    harness.step();
    wait_until_loaded(&mut harness);

    let after = std::fs::read_to_string(&settings).expect("settings");
    assert!(
        after.starts_with(before.trim_end()),
        "the comments and keys before are kept as written:\n{after}"
    );
    assert!(
        after.contains(&format!("[people]\n\"{cy}\" = \"Engineering\"")),
        "{after}"
    );
    // Engineering in March now: Ana 10/12 FTE (10 of her 12 h) + Cy 1 FTE, × 150 h = 275 h
    // available; billable 10 + 5 = 15 h.
    let prepared = app(&harness).prepared().expect("reloaded");
    let engineering = prepared.dataset.departments.find("Engineering");
    let utilization =
        prepared
            .metrics
            .value(Metric::Utilization, engineering, crate::month("2026-03"));
    assert!(
        utilization.is_some_and(|value| (value - 15.0 / 275.0).abs() < 1e-9),
        "{utilization:?}"
    );
    assert!(
        harness
            .query_by_label_contains("People in the time entries (3; 0 without a department)")
            .is_some()
    );
}

#[test]
fn a_target_changed_in_the_goals_view_changes_the_card_and_the_settings_keep_every_other_key() {
    let folder = copy_of_sample_data();
    let settings = folder.path().join("coo-dashboard.toml");
    let before = std::fs::read_to_string(&settings).unwrap();
    let mut harness = open_app(folder.path());
    // The sample's company EBITDA margin target is 9% (owner CFO); October's 5.75% misses it
    // by more than 5% of 9% (0.45 points).
    let card = harness.get_by_label("EBITDA margin");
    let description = card
        .accesskit_node()
        .description()
        .unwrap_or_default()
        .to_string();
    assert!(description.contains("Target 9.0%: missed"), "{description}");

    click_view(&mut harness, View::Goals);
    assert!(
        harness
            .query_all_by_label_contains("Head of Consulting")
            .next()
            .is_some()
    );
    // The editor starts on the company's EBITDA margin, every month: a target of 5% is met by
    // October's 5.75%.
    let target = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Target");
    target.focus();
    target.type_text("5");
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Save target")
        .click();
    harness.step();
    wait_until_loaded(&mut harness);

    let after = std::fs::read_to_string(&settings).unwrap();
    let section = after
        .split("[targets.ebitda_margin]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap_or_default();
    assert!(section.contains("value = 0.05"), "{section}");
    assert!(section.contains("owner = \"CFO\""), "{section}");
    // Every other line is as it was: only the one value changed.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(old, new)| old != new)
        .collect();
    assert_eq!(changed, [("value = 0.09", "value = 0.05")]);
    assert_eq!(before.lines().count(), after.lines().count());

    click_view(&mut harness, View::Overview);
    let card = harness.get_by_label("EBITDA margin");
    let description = card
        .accesskit_node()
        .description()
        .unwrap_or_default()
        .to_string();
    assert!(description.contains("Target 5.0%: met"), "{description}");
}

/// Steps frames until the breakdown of the value shown has been worked out (off the UI
/// thread).
fn wait_for_breakdown(harness: &mut Harness<'_, Fixture>) {
    // The click is applied after its frame and the breakdown asked for in the next.
    harness.step();
    step_until(
        harness,
        App::is_breakdown_idle,
        "the breakdown was not worked out",
    );
}

/// The text of the label that contains `part`.
fn label_containing(harness: &Harness<'_, Fixture>, part: &str) -> String {
    // A label's text is its accessible value.
    harness
        .get_by_label_contains(part)
        .accesskit_node()
        .value()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_card_then_a_department_shows_the_rows_behind_the_value_and_copies_them() {
    let folder = copy_of_sample_data();
    // Tall enough that the department table and the rows are on screen without scrolling.
    let mut harness = open_app_at(folder.path(), egui::vec2(1440.0, 1800.0));
    // Click 1: the NPS card. docs/sample_data.md, company 2026-10: 97 responses, 48 promoters,
    // 26 detractors, so 23 passives and 100 × (48 − 26) / 97 = 22.7.
    harness.get_by_label("NPS").click();
    wait_for_breakdown(&mut harness);
    let arithmetic = label_containing(&harness, "= 100 × (promoters");
    assert!(
        arithmetic.starts_with("NPS 22.7")
            && arithmetic
                .contains("= 100 × (promoters 48 − detractors 26) / 97 answers (passives 23)"),
        "{arithmetic}"
    );
    assert!(harness.query_by_label("97 rows from nps exports").is_some());

    // Click 2: Consulting in the department table; its rows replace the company's. Of
    // October's 26 detractors 11 are Consulting clients (docs/sample_data.md).
    harness
        .get_by_role_and_label(egui::accesskit::Role::Link, "Consulting")
        .click();
    wait_for_breakdown(&mut harness);
    assert!(
        harness
            .query_by_label_contains("Consulting · October 2026")
            .is_some(),
        "the detail is Consulting's"
    );
    let arithmetic = label_containing(&harness, "= 100 × (promoters");
    assert!(arithmetic.contains("− detractors 11)"), "{arithmetic}");
    let (dataset, _, month) = core(folder.path());
    let consulting = dataset.departments.find("Consulting");
    let answers = dataset
        .nps
        .iter()
        .filter(|row| Month::of(row.date) == month && row.department == consulting)
        .count();
    assert!(answers > 11 && answers < 97, "{answers}");
    assert!(
        harness
            .query_by_label(&format!("{answers} rows from nps exports"))
            .is_some()
    );
    // The rows themselves: the file each came from.
    assert!(
        harness
            .query_all_by_label("surveys/nps_export_2025-05_2026-10.csv")
            .count()
            > 0
    );

    harness.get_by_label("Copy as CSV").click();
    harness.run();
    let copied = format!("Copied {answers} rows as CSV.");
    assert!(
        app(&harness)
            .notices()
            .iter()
            .any(|notice| notice.text == copied),
        "{:?}",
        app(&harness).notices()
    );
}

#[test]
fn a_note_added_in_the_detail_shows_on_the_card_is_kept_and_goes_into_the_pack() {
    let folder = copy_of_sample_data();
    let target = tempfile::tempdir().expect("temp dir");
    let mut harness = open_app_saving_into(folder.path(), target.path());
    let text = "Detractors after the Consulting price rise; calls booked";
    harness.get_by_label("NPS").click();
    wait_for_breakdown(&mut harness);
    assert!(
        harness
            .query_by_label_contains("No note on October 2026")
            .is_some()
    );
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Note");
    field.focus();
    field.type_text(text);
    // Two frames, not `run`: the focused field's blinking cursor keeps asking for frames.
    harness.run_steps(2);
    harness.get_by_label("Add note").click();
    wait_for_store(&mut harness);
    assert!(
        harness.query_by_label(text).is_some(),
        "the note is listed: {:?}",
        app(&harness).notices()
    );
    assert!(
        harness.query_by_label("Has a note").is_some(),
        "the chart marks it"
    );

    harness.get_by_label("Back to overview").click();
    harness.run();
    let description = harness
        .get_by_label("NPS")
        .accesskit_node()
        .description()
        .unwrap_or_default()
        .to_string();
    assert!(
        description.contains(&format!("Note: {text}")),
        "{description}"
    );
    // Another card has no note.
    let other = harness
        .get_by_label("EBITDA margin")
        .accesskit_node()
        .description()
        .unwrap_or_default()
        .to_string();
    assert!(!other.contains("Note:"), "{other}");

    // On disk with its author, and in the board pack under the KPI.
    let notes = Store::open(&store::default_path(folder.path()))
        .unwrap()
        .notes()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (
            notes[0].metric.as_str(),
            notes[0].month.as_str(),
            notes[0].department.as_deref()
        ),
        ("nps", "2026-10", None)
    );
    click_export(&mut harness, "Board pack (HTML)…");
    wait_for_export(&mut harness);
    let html = std::fs::read_to_string(target.path().join("board-pack-2026-10.html")).unwrap();
    assert!(html.contains(text), "the pack prints the note");

    // Removed from the detail: gone from the card, kept in the file as removed.
    harness.get_by_label("NPS").click();
    wait_for_breakdown(&mut harness);
    harness.get_by_label("Remove").click();
    harness.run();
    wait_for_store(&mut harness);
    assert!(harness.query_by_label(text).is_none());
    assert!(
        Store::open(&store::default_path(folder.path()))
            .unwrap()
            .notes()
            .unwrap()
            .is_empty()
    );
}

/// Clicks `node_rect` at the fractions `fx`, `fy` of its width and height.
fn click_at(harness: &mut Harness<'_, Fixture>, node_rect: egui::Rect, fx: f32, fy: f32) {
    let at = node_rect.min + egui::vec2(node_rect.width() * fx, node_rect.height() * fy);
    harness.hover_at(at);
    harness.step();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
}

#[test]
fn a_headline_figure_a_chart_bar_or_point_clicked_opens_that_value_with_its_breakdown() {
    let folder = copy_of_sample_data();
    let mut harness = open_app(folder.path());
    let latest = app(&harness).prepared().unwrap().latest_month();

    // A headline figure of the view opens its value (the tile, wherever it is clicked).
    click_view(&mut harness, View::Customers);
    let tile = harness.get_by_label("Active customers").rect();
    click_at(&mut harness, tile, 0.5, 0.5);
    wait_for_breakdown(&mut harness);
    assert_eq!(app(&harness).ui_state().view, View::Metric);
    assert!(harness.query_by_label("Company · October 2026").is_some());

    // The EBITDA bridge: its second bar (x = 1 of −0.6…3.6) is the cost of sales.
    click_view(&mut harness, View::Finance);
    let bridge = harness.get_by_label("EBITDA bridge chart").rect();
    click_at(&mut harness, bridge, 1.6 / 4.2, 0.4);
    wait_for_breakdown(&mut harness);
    assert_eq!(app(&harness).ui_state().view, View::Metric);
    assert!(
        label_containing(&harness, " = ").starts_with("Cost of sales "),
        "{}",
        label_containing(&harness, " = ")
    );

    // A point a third of the way along the detail's history: an earlier month, shown with its
    // own arithmetic.
    let history = harness.get_by_label("Cost of sales history chart").rect();
    click_at(&mut harness, history, 0.3, 0.5);
    wait_for_breakdown(&mut harness);
    let picked = app(&harness).selected_month().expect("a month was picked");
    assert!(picked < latest, "{picked}");
    let heading = format!("Company · {}", format::month_long(picked));
    assert!(
        harness.query_by_label(&heading).is_some(),
        "the detail is of {picked}"
    );
}
