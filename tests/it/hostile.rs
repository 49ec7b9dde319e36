//! Hostile input: every file in `tests/data/hostile/` (plus a few made here because they are big
//! or are not files) loads without a panic, names itself in `sources`/`data_quality`, and leaves
//! the good file beside it untouched.

use coo_dashboard::analysis::read_folder;
use coo_dashboard::input::MAX_FILE_BYTES;
use coo_dashboard::model::{Action, Dataset, Kind};

use super::{assert_close, folder_with, month};

/// Loads the hostile file next to a good finance file and checks the good file's values are
/// unchanged: Engineering March revenue 1234.5 (finance_pipe.txt).
fn load_beside_good(hostile: &str) -> Dataset {
    let folder = folder_with(&["finance_pipe.txt", &format!("hostile/{hostile}")]);
    let dataset = read_folder(folder.path(), true).expect("the folder loads");
    let good = dataset
        .departments
        .find("Engineering")
        .expect("the good file's department");
    let good_rows: Vec<_> = dataset
        .finance
        .iter()
        .filter(|row| row.department == Some(good))
        .collect();
    assert!(
        !good_rows.is_empty(),
        "the good file still loads beside {hostile}"
    );
    assert!(
        dataset.sources.iter().any(|source| source.file == hostile),
        "{hostile} is listed in sources"
    );
    dataset
}

fn issue_for<'a>(dataset: &'a Dataset, file: &str) -> &'a coo_dashboard::model::DataQualityIssue {
    dataset
        .data_quality
        .iter()
        .find(|issue| issue.file == file)
        .unwrap_or_else(|| panic!("a data-quality entry for {file}"))
}

/// The first `data_quality` entry naming `file` in a JSON report.
fn report_issue_for<'a>(report: &'a serde_json::Value, file: &str) -> &'a serde_json::Value {
    report["data_quality"]
        .as_array()
        .expect("data_quality is a list")
        .iter()
        .find(|issue| issue["file"] == file)
        .unwrap_or_else(|| panic!("a data-quality entry for {file} in the report"))
}

fn problems(dataset: &Dataset, file: &str) -> Vec<String> {
    dataset
        .data_quality
        .iter()
        .filter(|issue| issue.file == file)
        .map(|issue| issue.problem.clone())
        .collect()
}

#[test]
fn files_that_cannot_be_read_are_named_and_skipped() {
    for (file, words) in [
        ("empty.csv", "empty"),
        ("binary_named.csv", "binary"),
        ("broken_zip.xlsx", "spreadsheet could not be opened"),
        ("truncated.xlsx", "spreadsheet could not be opened"),
        ("encrypted_like.xlsx", "spreadsheet could not be opened"),
        // Found by the fuzzer: calamine panics on this OLE container (slice out of range).
        ("calamine_cfb_panic.xlsx", "malformed"),
        // Found by the fuzzer: a looping sector chain on which calamine allocates until the
        // process runs out of memory; refused before calamine reads it.
        ("xls_sector_chain_loop.xls", "loop back on themselves"),
    ] {
        let dataset = load_beside_good(file);
        let issue = issue_for(&dataset, file);
        assert_eq!(issue.action, Action::FileSkipped, "{file}");
        assert!(issue.problem.contains(words), "{file}: {}", issue.problem);
        let source = dataset
            .sources
            .iter()
            .find(|source| source.file == file)
            .unwrap();
        assert_eq!(source.kind, None);
    }
}

#[test]
fn a_header_without_rows_is_recognised_and_said_to_be_empty() {
    let dataset = load_beside_good("header_only.csv");
    let source = dataset
        .sources
        .iter()
        .find(|source| source.file == "header_only.csv")
        .unwrap();
    assert_eq!((source.kind, source.rows_read), (Some(Kind::Finance), 0));
    assert!(
        issue_for(&dataset, "header_only.csv")
            .problem
            .contains("no rows")
    );
}

#[test]
fn nul_bytes_are_removed_and_said() {
    let dataset = load_beside_good("nul_bytes.csv");
    // "Engi\0neering" is Engineering once the NUL is gone: it joins the good file's department.
    let engineering = dataset.departments.find("Engineering");
    let march: f64 = dataset
        .finance
        .iter()
        .filter(|row| row.department == engineering && row.month == month("2026-03"))
        .map(|row| row.revenue)
        .sum();
    // Both files give Engineering March 1234.5, once the NUL is gone the same row: counted once.
    assert_close(march, 1234.5);
    assert!(
        problems(&dataset, "nul_bytes.csv")
            .iter()
            .any(|p| p.contains("NUL"))
    );
}

#[test]
fn invalid_utf8_in_the_middle_keeps_the_rest_of_the_text_right() {
    let dataset = load_beside_good("invalid_utf8_middle.csv");
    let names: Vec<&str> = dataset.departments.iter().map(|(_, name)| name).collect();
    for expected in ["Café", "Séverine", "Zoë"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    assert!(
        problems(&dataset, "invalid_utf8_middle.csv")
            .iter()
            .any(|p| p.contains("replaced"))
    );
}

#[test]
fn rows_split_on_the_wrong_delimiter_are_rejected_with_their_line() {
    let dataset = load_beside_good("mixed_delimiters.csv");
    let source = dataset
        .sources
        .iter()
        .find(|s| s.file == "mixed_delimiters.csv")
        .unwrap();
    // The good row repeats finance_pipe.txt exactly, so it is counted once, as a duplicate here.
    assert_eq!(
        (
            source.rows_read,
            source.rows_rejected,
            source.rows_used + source.rows_duplicate
        ),
        (3, 2, 1)
    );
    let rejected: Vec<_> = dataset
        .data_quality
        .iter()
        .filter(|i| i.file == "mixed_delimiters.csv" && i.action == Action::RowSkipped)
        .collect();
    assert_eq!(rejected[0].line, Some(3));
    assert!(rejected[0].problem.contains("delimiter"));
    assert_eq!(rejected[1].line, Some(4));
    assert!(rejected[1].problem.contains("7 fields"));
}

#[test]
fn impossible_dates_reject_only_their_rows() {
    let dataset = load_beside_good("impossible_dates.csv");
    let ids: Vec<&str> = dataset
        .deliveries
        .iter()
        .map(|row| row.id.as_str())
        .collect();
    assert_eq!(ids, vec!["P-3"]);
    let lines: Vec<Option<usize>> = dataset
        .data_quality
        .iter()
        .filter(|i| i.file == "impossible_dates.csv")
        .map(|i| i.line)
        .collect();
    assert_eq!(lines, vec![Some(2), Some(3)]);
    assert!(problems(&dataset, "impossible_dates.csv")[0].contains("2026-02-30"));
}

#[test]
fn scores_out_of_range_or_not_whole_are_rejected() {
    let dataset = load_beside_good("scores_out_of_range.csv");
    assert_eq!(
        dataset.nps.iter().map(|r| r.score).collect::<Vec<_>>(),
        vec![9]
    );
    let values: Vec<String> = dataset
        .data_quality
        .iter()
        .filter(|i| i.file == "scores_out_of_range.csv")
        .filter_map(|i| i.value.clone())
        .collect();
    assert_eq!(values, vec!["11", "-1", "7.5", "ten"]);
}

#[test]
fn non_numeric_amounts_and_formulas_reject_their_rows() {
    let dataset = load_beside_good("non_numeric_amounts.csv");
    let legal = dataset.departments.find("Legal");
    assert!(
        dataset
            .finance
            .iter()
            .any(|row| row.department == legal && row.revenue == 500.0)
    );
    let values: Vec<String> = dataset
        .data_quality
        .iter()
        .filter(|i| i.file == "non_numeric_amounts.csv")
        .filter_map(|i| i.value.clone())
        .collect();
    assert_eq!(values, vec!["n/a", "=SUM(A1:A3)", "TBD"]);
}

#[test]
fn a_duplicated_header_uses_the_first_column_and_says_so() {
    let dataset = load_beside_good("duplicated_headers.csv");
    let engineering = dataset.departments.find("Engineering");
    // Both files give Engineering March; duplicated_headers.csv sorts first, finance_pipe.txt
    // wins with 1234.5 — and the ignored second "revenue" (999) is never read.
    let row = dataset
        .finance
        .iter()
        .find(|row| row.department == engineering)
        .unwrap();
    assert_close(row.revenue, 1234.5);
    let issue = issue_for(&dataset, "duplicated_headers.csv");
    assert_eq!(issue.action, Action::ColumnIgnored);
}

#[test]
fn a_five_megabyte_line_and_a_ten_thousand_field_row_do_not_hurt() {
    let folder = folder_with(&["finance_pipe.txt"]);
    std::fs::write(folder.path().join("one_line.csv"), "x".repeat(5 << 20)).unwrap();
    let mut wide = String::from("month,department,revenue,cogs,opex\n");
    wide.push_str(&vec!["1"; 10_000].join(","));
    wide.push_str("\n2026-03,Legal,5,1,1\n");
    std::fs::write(folder.path().join("wide_row.csv"), wide).unwrap();
    let dataset = read_folder(folder.path(), true).unwrap();
    assert_eq!(
        issue_for(&dataset, "one_line.csv").action,
        Action::FileSkipped
    );
    let wide_source = dataset
        .sources
        .iter()
        .find(|s| s.file == "wide_row.csv")
        .unwrap();
    assert_eq!((wide_source.rows_rejected, wide_source.rows_used), (1, 1));
}

#[test]
fn a_million_column_header_and_a_file_over_the_size_limit_are_refused() {
    let folder = folder_with(&["finance_pipe.txt"]);
    let header = (0..1_000_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(folder.path().join("million_columns.csv"), header).unwrap();
    // A sparse file: it claims its size without using the disk.
    let huge = std::fs::File::create(folder.path().join("huge.csv")).unwrap();
    huge.set_len(MAX_FILE_BYTES + 1).unwrap();
    let dataset = read_folder(folder.path(), true).unwrap();
    assert!(
        issue_for(&dataset, "million_columns.csv")
            .problem
            .contains("1000000 columns")
    );
    assert!(issue_for(&dataset, "huge.csv").problem.contains("MB"));
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_a_dangling_link_and_a_fifo_do_not_stop_the_load() {
    let folder = folder_with(&["finance_pipe.txt"]);
    let sub = folder.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink(folder.path(), sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(
        folder.path().join("missing.csv"),
        folder.path().join("dangling.csv"),
    )
    .unwrap();
    let fifo = folder.path().join("pipe.csv");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    let dataset = read_folder(folder.path(), true).unwrap();
    assert_eq!(dataset.finance.len(), 1);
    assert!(issue_for(&dataset, "sub/loop").problem.contains("loop"));
    assert!(
        issue_for(&dataset, "dangling.csv")
            .problem
            .contains("could not be read")
    );
    if status.is_ok_and(|s| s.success()) {
        // A named pipe would block a reader forever: it is not a file, so it is not read.
        assert!(!dataset.sources.iter().any(|s| s.file == "pipe.csv"));
    }
}

#[test]
fn a_data_folder_that_is_gone_is_a_clear_error() {
    let folder = folder_with(&[]);
    let path = folder.path().to_path_buf();
    drop(folder);
    let error = read_folder(&path, true).unwrap_err();
    assert!(error.to_string().contains("does not exist"));
}

/// A reader library's panic is caught, reported as a file problem, and prints nothing: the
/// user sees one data-quality entry, not a panic message or a backtrace.
#[test]
fn a_panicking_reader_prints_nothing_and_the_report_still_succeeds() {
    let folder = folder_with(&["finance_pipe.txt", "hostile/calamine_cfb_panic.xlsx"]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .args(["report", &folder.path().display().to_string()])
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let issue = report_issue_for(&report, "calamine_cfb_panic.xlsx");
    assert_eq!(issue["action"], "file_skipped");
}

/// A file the user may not read (mode 000) beside a good one. Root reads any file whatever its
/// mode, so when the tests run as root (CI) the report runs as `nobody` through util-linux's
/// `setpriv`, as a user without the right would run it.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_and_the_rest_still_loads() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |mode| std::fs::Permissions::from_mode(mode);
    let folder = folder_with(&["finance_pipe.txt"]);
    let data = folder.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::rename(
        folder.path().join("finance_pipe.txt"),
        data.join("finance_pipe.txt"),
    )
    .unwrap();
    let secret = data.join("secret_finance.csv");
    std::fs::write(&secret, "month,department,revenue\n2026-03,Sales,10\n").unwrap();
    std::fs::set_permissions(&secret, mode(0o000)).unwrap();
    std::fs::set_permissions(folder.path(), mode(0o755)).unwrap();
    std::fs::set_permissions(&data, mode(0o755)).unwrap();
    // The report keeps its state and cache beside the data unless told; `nobody` may write here.
    let state_dir = folder.path().join("state");
    std::fs::create_dir(&state_dir).unwrap();
    std::fs::set_permissions(&state_dir, mode(0o777)).unwrap();

    let output = crate::unprivileged_binary(folder.path())
        .arg("report")
        .arg(&data)
        .arg("--state")
        .arg(state_dir.join("state.sqlite"))
        .env("HOME", &state_dir)
        .output()
        .expect("the report runs (as root this needs util-linux's setpriv)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let issue = report_issue_for(&report, "secret_finance.csv");
    let problem = issue["problem"].as_str().unwrap();
    assert!(
        problem.contains("could not be read") && problem.contains("ermission"),
        "{problem}"
    );
    // The good file's March revenue for Engineering, 1234.5, is still there.
    let revenue = report["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|value| {
            value["metric"] == "revenue"
                && value["month"] == "2026-03"
                && value["department"] == "Engineering"
        })
        .expect("Engineering's March revenue");
    assert_eq!(revenue["value"], 1234.5);
}
