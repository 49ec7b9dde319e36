//! The command line as a user runs it: the real binary, its stdout, stderr and exit code.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use super::folder_with;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn sample_data() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .display()
        .to_string()
}

fn report_json(args: &[&str]) -> Value {
    let output = run(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn report_json_lists_every_sample_file_with_its_kind() {
    let report = report_json(&["report", &sample_data(), "--format", "json"]);
    assert_eq!(report["as_of"], "2026-10-31");
    let months = report["months"].as_array().unwrap();
    assert_eq!(months.first().unwrap(), "2025-05");
    assert_eq!(months.last().unwrap(), "2026-10");
    let kinds: Vec<(String, String)> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|source| {
            (
                source["file"].as_str().unwrap().to_string(),
                source["kind"].as_str().unwrap_or("none").to_string(),
            )
        })
        .collect();
    let expected = [
        ("billing/customers.csv", "customers"),
        ("delivery/projects_2026-10.csv", "deliveries"),
        ("finance/finance_2025.csv", "finance"),
        ("finance/finance_2026-H1.xlsx", "finance"),
        ("finance/gl_postings_2026-07_2026-10.csv", "finance"),
        ("helpdesk/csat_2025.csv", "csat"),
        ("helpdesk/csat_2026.csv", "csat"),
        ("hr/toggl_detailed_2025-05_2026-10.csv", "workforce"),
        ("hr/workforce.tsv", "workforce"),
        ("surveys/nps_export_2025-05_2026-10.csv", "nps"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(f, k)| (f.to_string(), k.to_string()))
        .collect();
    assert_eq!(kinds, expected);
    // The survey export has one score of 11 (docs/sample_data.md): rejected and listed.
    let nps = &report["sources"][9];
    assert_eq!(nps["rows_read"], 1792);
    assert_eq!(nps["rows_rejected"], 1);
    assert_eq!(nps["rows_used"], 1791);
    let eleven = report["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|issue| issue["value"] == "11")
        .expect("score 11 listed");
    assert_eq!(eleven["file"], "surveys/nps_export_2025-05_2026-10.csv");
    assert_eq!(eleven["line"], 1064);
    assert_eq!(eleven["action"], "row_skipped");
}

#[test]
fn report_exit_code_two_for_a_missing_folder_and_three_for_no_data() {
    let missing = run(&["report", "/no/such/folder"]);
    assert_eq!(missing.status.code(), Some(2));
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(
        message.contains("/no/such/folder") && message.contains("does not exist"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one plain sentence: {message}");

    let folder = folder_with(&[]);
    std::fs::write(folder.path().join("notes.csv"), "Name,Colour\nAda,blue\n").unwrap();
    let nothing = run(&["report", &folder.path().display().to_string()]);
    assert_eq!(nothing.status.code(), Some(3));
    let message = String::from_utf8_lossy(&nothing.stderr);
    assert!(
        message.contains("no recognisable data") && message.contains("notes.csv"),
        "{message}"
    );
}

#[test]
fn usage_errors_exit_with_two() {
    assert_eq!(run(&["report"]).status.code(), Some(2));
    assert_eq!(
        run(&["report", &sample_data(), "--as-of", "31.10.2026"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn markdown_memo_on_sample_data() {
    let state = tempfile::tempdir().unwrap();
    // Run from the crate root with a relative folder so the memo names `sample_data` the same
    // on every machine.
    let output = Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // A state file of its own: escalations all open, whatever a developer did on the
        // sample data in the app.
        .args(["report", "sample_data", "--format", "md", "--state"])
        .arg(state.path().join("state.sqlite"))
        .output()
        .expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn csv_report_has_one_row_per_metric_value() {
    let json = report_json(&["report", &sample_data(), "--format", "json"]);
    let output = run(&["report", &sample_data(), "--format", "csv"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("metric,department,month,value,low_confidence,data_folder,as_of,rules,rows_rejected")
    );
    assert_eq!(
        lines.filter(|line| !line.is_empty()).count(),
        json["metrics"].as_array().unwrap().len()
    );
}

#[test]
fn report_out_writes_the_same_json_as_stdout_into_the_file() {
    let folder = tempfile::tempdir().unwrap();
    let written = folder.path().join("report.json");
    let output = run(&["report", &sample_data(), "--out", written.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty(), "nothing on stdout with --out");
    let from_file: Value = serde_json::from_slice(&std::fs::read(&written).unwrap())
        .expect("the file is one whole JSON object");
    let from_stdout = report_json(&["report", &sample_data()]);
    assert_eq!(from_file, from_stdout);
    // Only the report is left behind: the temporary file it was written to was renamed.
    let names: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);
}

#[test]
fn report_out_into_a_missing_folder_is_a_usage_error_naming_the_path() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("no such folder").join("report.json");
    let output = run(&["report", &sample_data(), "--out", target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("could not write") && stderr.contains("no such folder"),
        "{stderr}"
    );
    assert!(!target.exists());
}
