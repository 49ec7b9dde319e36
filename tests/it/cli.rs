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
fn the_sample_months_nps_and_csat_carry_their_95_percent_margins() {
    let report = report_json(&["report", &sample_data(), "--format", "json"]);
    let company = |metric: &str| {
        report["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| {
                row["metric"] == metric && row["department"].is_null() && row["month"] == "2026-10"
            })
            .cloned()
            .unwrap_or_else(|| panic!("{metric} 2026-10"))
    };
    // docs/sample_data.md: 97 responses, 48 promoters, 26 detractors. p = 0.494845,
    // d = 0.268041; p + d − (p − d)² = 0.762887 − 0.051439 = 0.711447; √(0.711447 / 97) =
    // 0.085642; × 196 = 16.786 points, either side of 22.680.
    let nps = company("nps");
    assert!(
        (nps["margin"].as_f64().unwrap() - 16.786).abs() < 0.001,
        "{nps}"
    );
    assert!((nps["interval"][0].as_f64().unwrap() - (22.680 - 16.786)).abs() < 0.002);
    assert!((nps["interval"][1].as_f64().unwrap() - (22.680 + 16.786)).abs() < 0.002);
    // 167 satisfied of 185 (90.3%). Wilson, z² / n = 0.020765: centre (0.902703 + 0.010383) /
    // 1.020765 = 0.894510; half 1.96 × √(0.00047476 + 0.00002806) / 1.020765 = 0.043056;
    // interval 0.851454 … 0.937566; the margin is the farther side, 0.902703 − 0.851454.
    let csat = company("csat");
    assert!(
        (csat["interval"][0].as_f64().unwrap() - 0.851454).abs() < 1e-5,
        "{csat}"
    );
    assert!((csat["interval"][1].as_f64().unwrap() - 0.937566).abs() < 1e-5);
    assert!((csat["margin"].as_f64().unwrap() - 0.051249).abs() < 1e-5);
    // Amounts carry none.
    assert!(company("revenue").get("margin").is_none());
}

#[test]
fn help_desk_channels_are_channel_metrics_never_departments() {
    // sample_data/helpdesk: October 2026's rated tickets by Channel (Good… satisfied, Bad…
    // not, Offered/Unoffered no rating): Email 85 of 95, Phone 43 of 48, Portal 39 of 42 —
    // together the company's 167 of 185.
    let report = report_json(&["report", &sample_data(), "--format", "json"]);
    for channel in ["Email", "Phone", "Portal"] {
        assert!(
            !report["departments"]
                .as_array()
                .unwrap()
                .iter()
                .any(|name| name == channel),
            "{channel} is no department"
        );
        assert!(
            !report["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|row| row["department"] == channel)
        );
    }
    let row = |channel: &str, metric: &str| {
        report["channel_metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| {
                row["channel"] == channel && row["metric"] == metric && row["month"] == "2026-10"
            })
            .cloned()
            .unwrap_or_else(|| panic!("{channel} {metric} 2026-10"))
    };
    for (channel, satisfied, ratings) in [
        ("Email", 85.0, 95.0),
        ("Phone", 43.0, 48.0),
        ("Portal", 39.0, 42.0),
    ] {
        let csat = row(channel, "csat");
        assert!(
            (csat["value"].as_f64().unwrap() - satisfied / ratings).abs() < 1e-12,
            "{csat}"
        );
        assert_eq!(csat["low_confidence"], false);
        assert!(csat["margin"].as_f64().is_some());
        assert_eq!(row(channel, "csat_responses")["value"], ratings);
        assert!(row(channel, "csat").get("department").is_none());
    }
    // The board pack lists them under the customers' departments, in their own table.
    let pack = run(&["report", &sample_data(), "--format", "html"]);
    let pack = String::from_utf8(pack.stdout).unwrap();
    let table = pack
        .split("<h3>CSAT by help-desk channel, Oct 2026</h3>")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("a channel table in the pack");
    assert!(
        table.contains(
            "<td>Portal</td><td class=\"num\">92.9% ±11.9 pp</td><td class=\"num\">42</td>"
        ),
        "{table}"
    );
}

#[test]
fn a_department_whose_export_stops_is_named_missing_raised_as_data_and_a_stale_kind_said() {
    let folder = tempfile::tempdir().unwrap();
    // Finance for Alpha and Beta in September, for Alpha alone in October; NPS stops in August.
    std::fs::write(
        folder.path().join("finance.csv"),
        "month,department,revenue,cogs,opex\n\
         2026-09,Alpha,100,50,20\n2026-09,Beta,80,40,20\n2026-10,Alpha,110,50,20\n",
    )
    .unwrap();
    std::fs::write(
        folder.path().join("nps.csv"),
        "date,department,score\n2026-08-03,Alpha,9\n2026-08-04,Beta,7\n",
    )
    .unwrap();
    let folder_arg = folder.path().display().to_string();
    let report = report_json(&["report", &folder_arg, "--format", "json"]);
    assert_eq!(report["as_of"], "2026-10-31");
    assert_eq!(
        report["freshness"]["missing"],
        serde_json::json!([{"kind": "finance", "department": "Beta", "last_month": "2026-09"}])
    );
    // August is more than a month before October.
    assert_eq!(
        report["freshness"]["stale"],
        serde_json::json!([{"kind": "nps", "newest_month": "2026-08"}])
    );
    // Rule `data`: a watch for Beta's missing finance, with no value or level made up.
    let raised: Vec<&Value> = report["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|escalation| escalation["rule"] == "data")
        .collect();
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(raised[0]["id"], "revenue:Beta:2026-10:data");
    assert_eq!(raised[0]["severity"], "watch");
    assert!(raised[0]["value"].is_null() && raised[0]["threshold"].is_null());
    assert_eq!(
        raised[0]["message"],
        "No finance data for Beta in 2026-10 (last in 2026-09): its figures are missing from the company totals"
    );
    let memo = run(&["report", &folder_arg, "--format", "md"]);
    let memo = String::from_utf8_lossy(&memo.stdout);
    assert!(
        memo.contains(
            "**Not complete:** No finance for Beta this month (last 2026-09); nps data is stale (newest 2026-08)"
        ),
        "{memo}"
    );
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
        ("billing/subscriptions.csv", "customers"),
        ("delivery/projects_2026-10.csv", "deliveries"),
        (
            "finance/finance_2025-05_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-06_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-07_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-08_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-09_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-10_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-11_budget_vs_actuals_by_class.csv",
            "finance",
        ),
        (
            "finance/finance_2025-12_budget_vs_actuals_by_class.csv",
            "finance",
        ),
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
    // The Qualtrics export has 1,795 rows below its three header rows (docs/sample_data.md):
    // one score of 11, rejected and listed; two previews and one abandoned response, not
    // responses (ignored); 1,795 − 1 − 3 = 1,791 responses.
    let nps = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|source| source["file"] == "surveys/nps_export_2025-05_2026-10.csv")
        .expect("the survey export is a source");
    assert_eq!(nps["rows_read"], 1795);
    assert_eq!(nps["rows_rejected"], 1);
    assert_eq!(nps["rows_ignored"], 3);
    assert_eq!(nps["rows_used"], 1791);
    let eleven = report["data_quality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|issue| issue["value"] == "11")
        .expect("score 11 listed");
    assert_eq!(eleven["file"], "surveys/nps_export_2025-05_2026-10.csv");
    assert_eq!(eleven["line"], 1066);
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

/// `report --format md --out TARGET` on the sample data; the exit code and stderr.
fn memo_out(target: &Path) -> (Option<i32>, String) {
    let output = run(&[
        "report",
        &sample_data(),
        "--format",
        "md",
        "--out",
        target.to_str().unwrap(),
    ]);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[cfg(unix)]
#[test]
fn report_out_through_a_symlink_writes_its_target_and_the_link_stays_a_link() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("archive")).unwrap();
    let target = folder.path().join("archive/2026-10.md");
    std::fs::write(&target, "last month's memo").unwrap();
    let link = folder.path().join("latest.md");
    std::os::unix::fs::symlink("archive/2026-10.md", &link).unwrap();
    let (code, stderr) = memo_out(&link);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("archive/2026-10.md")
    );
    let memo = std::fs::read_to_string(&target).unwrap();
    assert!(
        memo.starts_with("# "),
        "the memo is in the target: {memo:.80}"
    );
}

#[cfg(unix)]
#[test]
fn report_out_onto_an_owner_only_file_keeps_it_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("pack.md");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, stderr) = memo_out(&target);
    assert_eq!(code, Some(0), "{stderr}");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    assert_ne!(std::fs::read_to_string(&target).unwrap(), "old");
}

#[cfg(unix)]
#[test]
fn report_out_into_a_named_pipe_is_written_through_and_the_pipe_stays_a_pipe() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let folder = tempfile::tempdir().unwrap();
    let pipe = folder.path().join("memo.pipe");
    let made = Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // The reader: opening a pipe waits for its writer. Before, the report renamed a regular file
    // over the pipe and this thread was left waiting (it is not joined then).
    let reader_path = pipe.clone();
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let read =
            std::fs::File::open(&reader_path).and_then(|mut file| file.read_to_string(&mut text));
        let _ = sender.send(read.map(|_| text));
    });
    let (code, stderr) = memo_out(&pipe);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&pipe)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the pipe was replaced by a file"
    );
    let memo = received
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the reader got the memo")
        .expect("read");
    assert!(memo.starts_with("# "), "{memo:.80}");
}

#[test]
fn report_out_onto_a_device_writes_through_and_the_device_stays_a_device() {
    use std::os::unix::fs::FileTypeExt;
    // Before, the temporary-file-and-rename turned `/dev/null` into a regular file when run as
    // root (CI runs as root) and failed for everyone else.
    let device = std::path::Path::new("/dev/null");
    let (code, stderr) = memo_out(device);
    assert_eq!(code, Some(0), "{stderr}");
    let file_type = std::fs::symlink_metadata(device).unwrap().file_type();
    assert!(
        file_type.is_char_device(),
        "/dev/null is no longer a device"
    );
    assert_eq!(std::fs::metadata(device).unwrap().len(), 0);
}

#[test]
fn report_out_dash_writes_standard_output_and_no_file_named_dash() {
    let folder = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .args(["report", &sample_data(), "--format", "md", "--out", "-"])
        .current_dir(folder.path())
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("# "));
    assert!(!folder.path().join("-").exists());
}

#[test]
fn the_markdown_memo_shows_markup_and_pipes_from_the_data_as_text() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("finance.csv"),
        "Month,Department,Revenue,COGS,Opex\n\
         2026-03,<script>alert(1)</script> | Ops,1000,200,100\n\
         2026-03,<img src=x onerror=alert(2)>,500,100,50\n",
    )
    .unwrap();
    let output = run(&["report", folder.path().to_str().unwrap(), "--format", "md"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let memo = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        !memo.contains("<script>") && !memo.contains("<img"),
        "{memo}"
    );
    assert!(
        memo.contains("&lt;script&gt;alert(1)&lt;/script&gt; \\| Ops"),
        "{memo}"
    );
    // Every department row has its 8 cell borders and no more: name, five metrics, the change.
    let unescaped_pipes = |line: &str| {
        line.char_indices()
            .filter(|&(index, c)| c == '|' && !line[..index].ends_with('\\'))
            .count()
    };
    let rows: Vec<&str> = memo.lines().filter(|line| line.contains("&lt;")).collect();
    assert_eq!(rows.len(), 2, "{memo}");
    for row in rows {
        assert_eq!(unescaped_pipes(row), 8, "{row}");
    }
}

#[test]
fn a_month_beyond_ten_thousand_years_is_refused_never_wrapped() {
    for month in ["999999999-01", "10001-01", "-10001-12"] {
        let output = run(&["report", &sample_data(), &format!("--month={month}")]);
        assert_eq!(output.status.code(), Some(2), "{month}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Before, 999999999-01 overflowed into the month "-73741825-01".
        assert!(
            stderr.contains("is not a month") && stderr.contains("10000"),
            "{stderr}"
        );
        assert!(!stderr.contains("73741825"));
    }
    let output = run(&["report", &sample_data(), "--as-of", "10001-01-01"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn as_of_or_month_more_than_a_year_outside_the_data_is_refused_with_its_range() {
    // The sample data runs from 2025-05 to 2026-10 (docs/sample_data.md); a year either side is
    // 2024-05 to 2027-10.
    for args in [
        ["--as-of", "9999-12-31"],
        ["--month", "1990-01"],
        ["--as-of", "2027-11-01"],
        ["--month", "2024-04"],
    ] {
        let output = run(&["report", &sample_data(), "--format", "md", args[0], args[1]]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("{} {}", args[0], args[1]))
                && stderr
                    .contains("runs from 2025-05 to 2026-10; give a month from 2024-05 to 2027-10"),
            "{stderr}"
        );
    }
    for args in [["--as-of", "2027-10-31"], ["--month", "2024-05"]] {
        let output = run(&["report", &sample_data(), "--format", "md", args[0], args[1]]);
        assert_eq!(output.status.code(), Some(0), "{args:?}: the edges are in");
    }
}

#[test]
fn a_huge_cell_is_echoed_cut_to_a_readable_length() {
    let folder = tempfile::tempdir().unwrap();
    let huge = "9x".repeat(500_000);
    std::fs::write(
        folder.path().join("finance.csv"),
        format!(
            "Month,Department,Revenue,COGS,Opex\n2026-03,Ops,{huge},1,1\n2026-03,Sales,10,1,1\n"
        ),
    )
    .unwrap();
    let report = report_json(&["report", folder.path().to_str().unwrap()]);
    let issues = report["data_quality"].as_array().unwrap();
    let echoed = issues
        .iter()
        .find(|issue| issue["file"] == "finance.csv" && issue["line"] == 2)
        .expect("the bad revenue is listed");
    let value = echoed["value"].as_str().unwrap();
    // 120 characters of the cell, then "… (1000000 characters in all)".
    assert!(value.starts_with(&huge[..120]), "{value:.130}");
    assert!(
        value.ends_with("… (1000000 characters in all)"),
        "{value:.200}"
    );
    assert!(echoed["problem"].as_str().unwrap().chars().count() < 600);
    assert!(serde_json::to_string(&report).unwrap().len() < 100_000);
}
