//! Exports as work trackers write them (SPEC §2b): the real Jira, Plane, Toggl, Clockify and
//! Harvest exports in `../shared/real-exports/`, and fixtures of our own for Linear, Asana,
//! GitHub Projects, Jira Server and a time report with entries crossing midnight and a person
//! in two departments. Every expected value is worked out by hand from the file, in comments.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use coo_dashboard::analysis::read_folder;
use coo_dashboard::metrics::{Metric, MetricTable, compute};
use coo_dashboard::model::{Action, Dataset, Kind, Shape};

use super::{assert_close, folder_with, month};

fn real_export(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-exports")
        .join(path)
}

/// Loads a folder holding only the named files (real exports or `tests/data` fixtures), with
/// `settings` as its `coo-dashboard.toml` when given.
fn load_files(files: &[PathBuf], settings: Option<&str>) -> Dataset {
    let folder = tempfile::tempdir().expect("temp dir");
    for file in files {
        let target = folder.path().join(file.file_name().expect("file name"));
        std::fs::copy(file, &target).unwrap_or_else(|e| panic!("copy {}: {e}", file.display()));
    }
    if let Some(settings) = settings {
        std::fs::write(folder.path().join("coo-dashboard.toml"), settings).expect("settings");
    }
    read_folder(folder.path(), true).expect("the folder loads")
}

fn fixture_file(name: &str) -> PathBuf {
    super::fixture(&format!("trackers/{name}"))
}

fn metrics(dataset: &Dataset, as_of: (i32, u32, u32)) -> MetricTable {
    let as_of = NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).expect("a date");
    compute(dataset, as_of).expect("metrics compute")
}

fn value(
    dataset: &Dataset,
    table: &MetricTable,
    metric: Metric,
    department: Option<&str>,
    month_text: &str,
) -> Option<f64> {
    let department = department.map(|name| {
        dataset
            .departments
            .find(name)
            .unwrap_or_else(|| panic!("department {name}"))
    });
    table
        .get(metric, department, month(month_text))
        .unwrap_or_else(|| panic!("no {metric} row for {department:?} {month_text}"))
        .value
}

fn close(actual: Option<f64>, expected: f64) {
    assert_close(actual.expect("a value"), expected);
}

fn has_problem(dataset: &Dataset, file: &str, words: &str) -> bool {
    dataset
        .data_quality
        .iter()
        .any(|issue| issue.file == file && issue.problem.contains(words))
}

#[test]
fn the_real_jira_cloud_export_gives_38_deliverables_of_its_project() {
    let dataset = load_files(&[real_export("deliveries/Jira.csv")], None);
    let source = &dataset.sources[0];
    assert_eq!(source.kind, Some(Kind::Deliveries));
    assert_eq!(source.shape, Some(Shape::IssueTracker));
    // 68 issues (CS4483-1 … -68). With a `Due date`: -29 … -61 (33) and -13 … -17 (5) = 38.
    // Without: -62 … -68 (7, done), -18 … -28 (11), -1 … -12 (12) = 30, in one entry.
    assert_eq!(source.rows_read, 68);
    assert_eq!(source.rows_used, 38);
    assert_eq!(source.rows_ignored, 30);
    let without_due: Vec<_> = dataset
        .data_quality
        .iter()
        .filter(|issue| issue.problem.contains("no due date"))
        .collect();
    assert_eq!(without_due.len(), 1);
    assert!(without_due[0].problem.starts_with("30 item(s)"));
    // `Labels` ×5, `Log Work` ×3, `Inward issue link (Cloners)` ×6: one entry for all.
    let repeated: Vec<_> = dataset
        .data_quality
        .iter()
        .filter(|issue| issue.problem.contains("appear more than once"))
        .collect();
    assert_eq!(repeated.len(), 1);
    assert!(repeated[0].problem.contains("Labels ×5"));
    assert!(repeated[0].problem.contains("Log Work ×3"));
    // `Custom field (Team)` is empty throughout: the project is the department.
    assert_eq!(
        dataset
            .departments
            .iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
        vec!["CS4483-TeamWorkFlow"]
    );
    // Nothing with a due date is resolved, so as_of falls to the last due month: 2026-03-31.
    // Due in February: -30 (22/Feb), -31 (26/Feb), -13 (25/Feb), -14 … -17 (28/Feb) = 7;
    // in March the other 31. None delivered: on-time rate 0, no late deliveries to average.
    let table = metrics(&dataset, (2026, 3, 31));
    let project = Some("CS4483-TeamWorkFlow");
    close(
        value(&dataset, &table, Metric::DeliverablesDue, None, "2026-02"),
        7.0,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::DeliverablesDue,
            project,
            "2026-03",
        ),
        31.0,
    );
    close(
        value(&dataset, &table, Metric::OnTimeRate, None, "2026-03"),
        0.0,
    );
    assert_eq!(
        value(&dataset, &table, Metric::AvgDaysLate, None, "2026-03"),
        None
    );
    // Overdue on 2026-03-31: all 38 are open and due before it (the latest is 25/Mar).
    close(
        value(&dataset, &table, Metric::OverdueOpen, None, "2026-03"),
        38.0,
    );
    let first = dataset
        .deliveries
        .iter()
        .find(|d| d.id == "CS4483-61")
        .expect("CS4483-61");
    // `24/Mar/26 12:00 AM`.
    assert_eq!(
        first.due_date,
        NaiveDate::from_ymd_opt(2026, 3, 24).unwrap()
    );
    assert_eq!(
        first.name.as_deref(),
        Some("Evidence collection (screenshots + 1 short clip)")
    );
}

#[test]
fn the_plane_export_leaves_out_the_cancelled_and_the_undated() {
    let dataset = load_files(&[real_export("deliveries/plane_issues_sample.csv")], None);
    let source = &dataset.sources[0];
    assert_eq!(source.shape, Some(Shape::IssueTracker));
    // 9 issues; TEST-6 is `Cancelled`; TEST-1, -3, -4, -5, -8 have no Target Date; left:
    // TEST-2 (2024-01-05), TEST-7 (2024-01-10) of Test Project, ANT-1 (2024-01-12).
    assert_eq!((source.rows_read, source.rows_used), (9, 3));
    assert!(has_problem(
        &dataset,
        "plane_issues_sample.csv",
        "1 item(s) were closed without being done (e.g. 'Cancelled'"
    ));
    assert!(has_problem(
        &dataset,
        "plane_issues_sample.csv",
        "5 item(s) have no due date"
    ));
    let table = metrics(&dataset, (2024, 1, 31));
    close(
        value(
            &dataset,
            &table,
            Metric::DeliverablesDue,
            Some("Test Project"),
            "2024-01",
        ),
        2.0,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::DeliverablesDue,
            Some("Another Project"),
            "2024-01",
        ),
        1.0,
    );
    // None of the three is completed: all overdue on 2024-01-31, on-time rate 0.
    close(
        value(&dataset, &table, Metric::OverdueOpen, None, "2024-01"),
        3.0,
    );
    close(
        value(&dataset, &table, Metric::OnTimeRate, None, "2024-01"),
        0.0,
    );
}

#[test]
fn a_linear_export_reads_team_completed_and_canceled() {
    let dataset = load_files(&[fixture_file("linear_issues.csv")], None);
    assert_eq!(dataset.sources[0].shape, Some(Shape::IssueTracker));
    // ENG-3 canceled, DES-2 without a due date: 3 of 5 are deliverables.
    assert_eq!(dataset.sources[0].rows_used, 3);
    let table = metrics(&dataset, (2026, 2, 28));
    // Engineering: ENG-1 due 02-15, completed `2026-02-15T23:30:00-05:00` (the date as written,
    // 02-15: on time); ENG-2 due 02-15, completed 02-20: 5 days late. 1 of 2 on time.
    let engineering = Some("Engineering");
    close(
        value(
            &dataset,
            &table,
            Metric::DeliverablesDue,
            engineering,
            "2026-02",
        ),
        2.0,
    );
    close(
        value(&dataset, &table, Metric::OnTimeRate, engineering, "2026-02"),
        0.5,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::AvgDaysLate,
            engineering,
            "2026-02",
        ),
        5.0,
    );
    // Design: DES-1 due 02-25, open on 02-28: overdue. Company: 1 on time of 3.
    close(
        value(
            &dataset,
            &table,
            Metric::OverdueOpen,
            Some("Design"),
            "2026-02",
        ),
        1.0,
    );
    close(
        value(&dataset, &table, Metric::OnTimeRate, None, "2026-02"),
        1.0 / 3.0,
    );
}

#[test]
fn an_asana_export_takes_the_department_from_projects() {
    let dataset = load_files(&[fixture_file("asana_tasks.csv")], None);
    assert_eq!(dataset.sources[0].shape, Some(Shape::IssueTracker));
    // Task …04 has no due date; …05 has no project: company only, one entry.
    assert_eq!(dataset.sources[0].rows_used, 4);
    assert!(has_problem(
        &dataset,
        "asana_tasks.csv",
        "1 row(s) have no department"
    ));
    let table = metrics(&dataset, (2026, 3, 31));
    // Marketing: …01 due 03-10 done 03-09 (on time), …02 due 03-05 open (late, overdue).
    close(
        value(
            &dataset,
            &table,
            Metric::OnTimeRate,
            Some("Marketing"),
            "2026-03",
        ),
        0.5,
    );
    // Operations: …03 due 03-16, done 03-20: 4 days late.
    close(
        value(
            &dataset,
            &table,
            Metric::AvgDaysLate,
            Some("Operations"),
            "2026-03",
        ),
        4.0,
    );
    // Company: 4 due, on time …01 and …05 (due and done 03-12) = 0.5; 1 overdue.
    close(
        value(&dataset, &table, Metric::DeliverablesDue, None, "2026-03"),
        4.0,
    );
    close(
        value(&dataset, &table, Metric::OnTimeRate, None, "2026-03"),
        0.5,
    );
    close(
        value(&dataset, &table, Metric::OverdueOpen, None, "2026-03"),
        1.0,
    );
}

#[test]
fn a_github_projects_export_uses_the_url_as_id_and_team_as_department() {
    let dataset = load_files(&[fixture_file("github_projects.csv")], None);
    assert_eq!(dataset.sources[0].shape, Some(Shape::IssueTracker));
    // #4 is `Declined`: 3 deliverables.
    assert_eq!(dataset.sources[0].rows_used, 3);
    assert!(
        dataset
            .deliveries
            .iter()
            .any(|d| d.id == "https://github.com/acme/api/issues/1")
    );
    let table = metrics(&dataset, (2026, 3, 31));
    // Platform: #1 due Mar 10 done Mar 9 (on time), #2 due Mar 20 open: 0.5, 1 overdue.
    close(
        value(
            &dataset,
            &table,
            Metric::OnTimeRate,
            Some("Platform"),
            "2026-03",
        ),
        0.5,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::OverdueOpen,
            Some("Platform"),
            "2026-03",
        ),
        1.0,
    );
    // Company: #3 (no team) due Mar 5 done Mar 8: 3 days late; 1 on time of 3.
    close(
        value(&dataset, &table, Metric::AvgDaysLate, None, "2026-03"),
        3.0,
    );
    close(
        value(&dataset, &table, Metric::OnTimeRate, None, "2026-03"),
        1.0 / 3.0,
    );
}

#[test]
fn a_jira_server_export_reads_components_and_leaves_out_wont_fix_and_duplicates() {
    let dataset = load_files(&[fixture_file("jira_server.csv")], None);
    assert_eq!(dataset.sources[0].shape, Some(Shape::IssueTracker));
    // OPS-2 `Won't Fix` and OPS-4 `Duplicate`: 2 closed without being done, one entry.
    assert_eq!(dataset.sources[0].rows_used, 3);
    assert!(has_problem(
        &dataset,
        "jira_server.csv",
        "2 item(s) were closed without being done (e.g. 'Won't Fix'"
    ));
    assert!(has_problem(
        &dataset,
        "jira_server.csv",
        "2 column name(s) appear more than once (Component/s ×2, Labels ×2)"
    ));
    let table = metrics(&dataset, (2026, 3, 31));
    // Billing (first Component/s): OPS-1 due 05/Mar resolved 03/Mar (on time); OPS-3 due
    // 10/Mar open (its second component, Support, is ignored).
    close(
        value(
            &dataset,
            &table,
            Metric::OnTimeRate,
            Some("Billing"),
            "2026-03",
        ),
        0.5,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::OverdueOpen,
            Some("Billing"),
            "2026-03",
        ),
        1.0,
    );
    assert!(dataset.departments.find("Support").is_none());
    // Operations (no component, so the project): OPS-5 due 10/Mar resolved `12/Mar/26 9:00 PM`:
    // 2 days late.
    close(
        value(
            &dataset,
            &table,
            Metric::AvgDaysLate,
            Some("Operations"),
            "2026-03",
        ),
        2.0,
    );
}

/// One real time-tracker export alone: (month, tracked, billable, fte).
fn time_report(path: &str) -> (Dataset, MetricTable) {
    let dataset = load_files(&[real_export(path)], None);
    assert_eq!(dataset.sources[0].shape, Some(Shape::TimeEntries), "{path}");
    let as_of = dataset.latest_month().expect("a month").last_day();
    let table = compute(&dataset, as_of).expect("metrics compute");
    (dataset, table)
}

#[test]
fn the_real_toggl_reports_give_tracked_and_billable_hours() {
    // Test 1: 00:00:00 not billable, 01:00:01 billable, one person (peter.test@…), 2024-03.
    let hour_and_a_second = 1.0 + 1.0 / 3600.0;
    let (dataset, table) = time_report("workforce/toggl_time_entries_import_test_1.csv");
    let row = &dataset.workforce[0];
    assert_eq!(row.month, month("2024-03"));
    assert_close(row.tracked_hours.expect("tracked"), hour_and_a_second);
    assert_close(row.billable_hours, hour_and_a_second);
    assert_close(row.fte, 1.0);
    // fte 1 × 160 (the default capacity) = 160 available hours.
    assert_close(row.available_hours, 160.0);
    close(
        value(&dataset, &table, Metric::Utilization, None, "2024-03"),
        hour_and_a_second / 160.0,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            None,
            "2024-03",
        ),
        1.0,
    );
    // No group and no [people]: company only, one entry naming one person.
    assert!(has_problem(
        &dataset,
        "toggl_time_entries_import_test_1.csv",
        "1 person(s) logged time with no department"
    ));
    // Test 2: one entry of 00:00:02, not billable, 2024-10.
    let (dataset, table) = time_report("workforce/toggl_time_entries_import_test_2.csv");
    assert_close(
        dataset.workforce[0].tracked_hours.expect("tracked"),
        2.0 / 3600.0,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            None,
            "2024-10",
        ),
        0.0,
    );
}

#[test]
fn the_real_clockify_reports_use_the_clock_duration_and_say_when_the_decimal_disagrees() {
    // Test 1: `Duration (h)` 00:00:00 (No) and 01:00:01 (Yes), but `Duration (decimal)` 0.00
    // for both: the HH:MM:SS one is used and the disagreement said once.
    let (dataset, table) = time_report("workforce/clockify_time_entries_import_test_1.csv");
    let hour_and_a_second = 1.0 + 1.0 / 3600.0;
    assert_close(
        dataset.workforce[0].tracked_hours.expect("tracked"),
        hour_and_a_second,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            None,
            "2024-03",
        ),
        1.0,
    );
    assert!(has_problem(
        &dataset,
        "clockify_time_entries_import_test_1.csv",
        "1 time entr(ies) have two durations that disagree"
    ));
    // `03/04/2024` settles nothing: month-first (March 4), said.
    assert!(
        dataset
            .data_quality
            .iter()
            .any(|issue| issue.problem.contains("month-first"))
    );
    // Test 2: 00:30:00 billable on 10/15/2024, `Group` "Group1, Group2": no one department.
    let (dataset, table) = time_report("workforce/clockify_time_entries_import_test_2.csv");
    close(
        value(&dataset, &table, Metric::Utilization, None, "2024-10"),
        0.5 / 160.0,
    );
    assert!(has_problem(
        &dataset,
        "clockify_time_entries_import_test_2.csv",
        "name several groups ('Group1, Group2'"
    ));
    assert!(dataset.departments.is_empty());
}

#[test]
fn the_real_harvest_report_reads_decimal_comma_hours_and_billable_question_marks() {
    // `"20,0"` not billable and `"0,01"` billable (`Billable?`), Peter Tester, 2024-03-04.
    let (dataset, table) = time_report("workforce/harvest_time_entries_import_test_1.csv");
    let row = &dataset.workforce[0];
    assert_close(row.tracked_hours.expect("tracked"), 20.01);
    assert_close(row.billable_hours, 0.01);
    assert_close(row.fte, 1.0);
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            None,
            "2024-03",
        ),
        0.01 / 20.01,
    );
    close(
        value(&dataset, &table, Metric::Utilization, None, "2024-03"),
        0.01 / 160.0,
    );
}

#[test]
fn a_person_in_two_departments_counts_as_shares_and_midnight_entries_stay_in_their_start_month() {
    let dataset = load_files(
        &[fixture_file("clockify_midnight_two_departments.csv")],
        None,
    );
    let table = metrics(&dataset, (2026, 4, 30));
    // March. Ana: Engineering 4 h (03-31 22:00 → 04-01 02:00, counted on its start date) + 6 h,
    // billable; Support 2 h, not billable. Of her 12 h, 10/12 in Engineering, 2/12 in Support.
    // Bo: Support 8 h billable. Cy: no group and no [people]: company only, 5 h billable.
    let engineering = Some("Engineering");
    let support = Some("Support");
    // Engineering: fte 10/12, available 10/12 × 160, billable 10, tracked 10.
    close(
        value(
            &dataset,
            &table,
            Metric::Utilization,
            engineering,
            "2026-03",
        ),
        10.0 / (10.0 / 12.0 * 160.0),
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            engineering,
            "2026-03",
        ),
        1.0,
    );
    // Support: fte 2/12 + 1, billable 8, tracked 10.
    close(
        value(&dataset, &table, Metric::Utilization, support, "2026-03"),
        8.0 / ((2.0 / 12.0 + 1.0) * 160.0),
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            support,
            "2026-03",
        ),
        0.8,
    );
    // Company: 3 people (480 h available), billable 10 + 8 + 5 = 23, tracked 25.
    close(
        value(&dataset, &table, Metric::Utilization, None, "2026-03"),
        23.0 / 480.0,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            None,
            "2026-03",
        ),
        23.0 / 25.0,
    );
    let company_fte: f64 = dataset
        .workforce
        .iter()
        .filter(|row| row.month == month("2026-03"))
        .map(|row| row.fte)
        .sum();
    assert_close(company_fte, 3.0);
    // April: Bo's 1.5 h of training, not billable: 0 of 160.
    close(
        value(&dataset, &table, Metric::Utilization, support, "2026-04"),
        0.0,
    );
    assert!(dataset.data_quality.iter().any(|issue| {
        issue
            .problem
            .contains("1 person-month(s) of time entries span several departments")
            && issue.action == Action::Assumed
    }));
}

#[test]
fn people_and_capacity_settings_place_people_and_set_available_hours() {
    let settings = "# who is where\n[people]\n\"CY@example.com\" = \"Engineering\"\n\n[capacity]\nhours_per_fte_month = 150\n";
    let dataset = load_files(
        &[fixture_file("clockify_midnight_two_departments.csv")],
        Some(settings),
    );
    let table = metrics(&dataset, (2026, 4, 30));
    // Engineering in March: Ana 10/12 + Cy 1 = 22/12 FTE × 150 h = 275 h; billable 10 + 5.
    close(
        value(
            &dataset,
            &table,
            Metric::Utilization,
            Some("Engineering"),
            "2026-03",
        ),
        15.0 / 275.0,
    );
    // Everyone is placed now: no "no department" entry.
    assert!(
        !dataset
            .data_quality
            .iter()
            .any(|issue| issue.problem.contains("logged time with no department"))
    );
}

#[test]
fn a_monthly_workforce_file_wins_for_fte_and_available_hours() {
    let folder = folder_with(&["trackers/clockify_midnight_two_departments.csv"]);
    std::fs::write(
        folder.path().join("workforce.csv"),
        "month,department,fte,available_hours,billable_hours\n2026-03,Support,2,300,1\n",
    )
    .expect("write");
    let dataset = read_folder(folder.path(), true).expect("loads");
    let table = metrics(&dataset, (2026, 4, 30));
    // Support in March: 300 h available from the file; billable 8 h from the time entries.
    close(
        value(
            &dataset,
            &table,
            Metric::Utilization,
            Some("Support"),
            "2026-03",
        ),
        8.0 / 300.0,
    );
    close(
        value(
            &dataset,
            &table,
            Metric::TrackedUtilization,
            Some("Support"),
            "2026-03",
        ),
        0.8,
    );
    assert!(dataset.data_quality.iter().any(|issue| {
        issue
            .problem
            .contains("1 month × department(s) are in both")
    }));
}

#[test]
fn a_time_report_without_billable_or_person_says_what_is_missing() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        folder.path().join("toggl.csv"),
        "Project,Start date,Duration\nWebsite,2026-03-02,01:30:00\n",
    )
    .expect("write");
    let dataset = read_folder(folder.path(), true).expect("loads");
    let issue = dataset
        .data_quality
        .iter()
        .find(|issue| issue.file == "toggl.csv")
        .expect("an entry for the file");
    assert_eq!(issue.action, Action::FileSkipped);
    assert!(
        issue.problem.contains(
            "it has no Billable column (Yes/No) and no person column (Email, User or First Name)"
        ),
        "{}",
        issue.problem
    );
}

#[test]
fn changing_people_reads_the_folder_again_rather_than_from_the_cache() {
    let folder = folder_with(&["trackers/clockify_midnight_two_departments.csv"]);
    let cy_placed = |dataset: &Dataset| {
        let engineering = dataset
            .departments
            .find("Engineering")
            .expect("Engineering");
        // March Engineering FTE: Ana's 10/12 alone, or with Cy (placed by [people]) 22/12.
        dataset
            .workforce
            .iter()
            .find(|row| row.month == month("2026-03") && row.department == Some(engineering))
            .map(|row| row.fte)
            .expect("Engineering in March")
    };
    let first = read_folder(folder.path(), true).expect("loads");
    assert_close(cy_placed(&first), 10.0 / 12.0);
    std::fs::write(
        folder.path().join("coo-dashboard.toml"),
        "[people]\n\"cy@example.com\" = \"Engineering\"\n",
    )
    .expect("settings");
    let second = read_folder(folder.path(), true).expect("loads");
    assert_close(cy_placed(&second), 22.0 / 12.0);
}
