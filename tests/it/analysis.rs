//! The one analysis every caller uses (`coo_dashboard::analysis`): its failure rule and its
//! single reading of the folder's settings, through the library and through the binary.

use std::path::Path;
use std::process::Command;

use coo_dashboard::analysis::{self, AnalysisError, Options, Stage};
use serde_json::Value;

/// A project list of work not yet delivered: due dates only, which are plans and never set the
/// as-of date (ARCHITECTURE.md, `as_of`).
fn undelivered_projects() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        folder.path().join("projects.csv"),
        "Project ID,Project Name,Client,Department,Due Date,Delivered Date\n\
         P-1,Rollout,Acme,Engineering,2020-01-15,\n\
         P-2,Handover,Acme,Engineering,2020-02-15,\n",
    )
    .expect("write");
    folder
}

fn report(folder: &Path) -> (Option<i32>, Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .args(["report", &folder.display().to_string(), "--format", "json"])
        .output()
        .expect("the binary runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (
        output.status.code(),
        json,
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

fn quality_entry<'a>(report: &'a Value, needle: &str) -> Option<&'a Value> {
    report["data_quality"].as_array()?.iter().find(|issue| {
        issue["problem"]
            .as_str()
            .is_some_and(|p| p.contains(needle))
    })
}

#[test]
fn a_folder_with_nothing_recognisable_is_analysed_as_of_today_and_says_so() {
    // The app opens its Data view on such a folder, the command line exits 3 with the sentence:
    // both from the same analysis (before, the app loaded it as of the end of this month).
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("notes.csv"), "colour,shape\nred,round\n").expect("write");
    let analysis = analysis::run(folder.path(), &Options::default()).expect("the folder reads");
    assert_eq!(analysis.as_of, chrono::Local::now().date_naive());
    let sentence = analysis.no_data().expect("nothing recognisable");
    assert!(sentence.contains("none of its 1 file(s)"), "{sentence}");
}

#[test]
fn a_project_list_alone_is_analysed_as_of_its_latest_due_month() {
    let folder = undelivered_projects();
    let analysis = analysis::run(folder.path(), &Options::default()).expect("the folder reads");
    // Due 2020-01-15 and 2020-02-15, nothing delivered: the latest due month, February 2020.
    assert_eq!(analysis.as_of.to_string(), "2020-02-29");
    assert_eq!(analysis.dataset.deliveries.len(), 2);
    assert!(analysis.no_data().is_none());
}

#[test]
fn an_analysis_told_to_stop_at_the_metrics_stops_there() {
    let folder = undelivered_projects();
    let mut seen = Vec::new();
    let result = analysis::run_observed(folder.path(), &Options::default(), &mut |stage| {
        seen.push(stage);
        stage != Stage::Computing
    });
    assert!(matches!(result, Err(AnalysisError::Cancelled)));
    assert_eq!(seen, [Stage::Reading, Stage::Computing]);
}

/// `coo-dashboard.toml` as another editor saved it in Windows-1252: a rule, and a mapping of
/// the header `Umsätze` (ä is the single byte 0xE4, not UTF-8).
pub fn windows_1252_settings(folder: &Path) -> Vec<u8> {
    let mut bytes = b"# Schwellen\n[metrics.nps]\nwarning_below = 25\n\n[mapping.\"Ums".to_vec();
    bytes.push(0xE4);
    bytes.extend_from_slice(b"tze\"]\ncolumn = \"revenue\"\n");
    std::fs::write(folder.join("coo-dashboard.toml"), &bytes).expect("write");
    bytes
}

#[test]
fn an_undecodable_settings_file_is_named_in_the_report_never_read_as_empty() {
    let folder = undelivered_projects();
    windows_1252_settings(folder.path());
    let (code, json, stderr) = report(folder.path());
    assert_eq!(code, Some(0), "stderr: {stderr}");
    // The 0xE4 is on line 5: "# Schwellen", "[metrics.nps]", "warning_below = 25", "", then
    // "[mapping.\"Ums\xE4tze\"]".
    let entry = quality_entry(&json, "not UTF-8").expect("the settings file is named");
    assert_eq!(entry["file"], "coo-dashboard.toml");
    assert!(entry["problem"].as_str().unwrap().contains("line 5"));
    let rules: Vec<&str> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(rules[1].ends_with("coo-dashboard.toml (unreadable, ignored)"));
    assert!(
        stderr.contains("not UTF-8"),
        "the rules warning too: {stderr}"
    );
}
