//! Notes on the numbers and `explain` from the command line (SPEC §7): added, listed, removed,
//! printed in the report, memo and pack, and kept through `kill -9`.

use std::path::Path;
use std::process::{Command, Output};

use coo_dashboard::escalations::Store;
use serde_json::Value;

use super::folder_with;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .args(args)
        .env("USER", "ana")
        .output()
        .expect("the binary runs")
}

fn ok(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(folder: &Path, name: &str, text: &str) {
    std::fs::write(folder.join(name), text).expect("write");
}

/// Two departments' P&L for two months.
fn finance_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    write(
        folder.path(),
        "pnl.csv",
        "month,department,revenue,cogs,opex\n\
         2026-09,Consulting,1000,600,300\n\
         2026-09,Sales,500,100,100\n\
         2026-10,Consulting,1000,700,350\n\
         2026-10,Sales,500,100,100\n",
    );
    folder
}

#[test]
fn a_note_is_added_listed_printed_and_removed() {
    let folder = finance_folder();
    let dir = folder.path().display().to_string();
    let added = ok(&run(&[
        "notes",
        &dir,
        "add",
        "ebitda_margin",
        "2026-10",
        "Two fixed-price projects written down",
        "--department",
        "consulting",
    ]));
    assert_eq!(
        added.trim(),
        "Note 1 added to EBITDA margin · 2026-10 · Consulting."
    );
    ok(&run(&[
        "notes",
        &dir,
        "add",
        "ebitda",
        "2026-10",
        "Flat on purpose: no new hires",
    ]));
    let listed: Value =
        serde_json::from_str(&ok(&run(&["notes", &dir, "list", "--format", "json"]))).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    // The store orders by metric name: ebitda before ebitda_margin.
    assert_eq!(listed[0]["department"], Value::Null);
    assert_eq!(listed[1]["department"], "Consulting");
    assert_eq!(listed[1]["author"], "ana");

    // The JSON report carries them; the memo and the pack print them under their KPI.
    let report: Value =
        serde_json::from_str(&ok(&run(&["report", &dir, "--format", "json"]))).unwrap();
    assert_eq!(report["notes"].as_array().unwrap().len(), 2);
    let memo = ok(&run(&["report", &dir, "--format", "md"]));
    assert!(
        memo.contains("- **EBITDA**: Flat on purpose: no new hires — ana, "),
        "{memo}"
    );
    assert!(
        memo.contains(
            "- **EBITDA margin** (Consulting): Two fixed-price projects written down — ana, "
        ),
        "{memo}"
    );
    let pack = ok(&run(&["report", &dir, "--format", "html"]));
    assert!(
        pack.contains("<b>Note on EBITDA:</b> Flat on purpose: no new hires"),
        "the card's note"
    );
    assert!(
        pack.contains("<tr class=\"note-row\"><td colspan=\"5\"><b>Note:</b> Flat on purpose"),
        "the KPI table's note"
    );
    assert!(
        pack.contains(
            "<li><b>EBITDA margin · Consulting:</b> Two fixed-price projects written down"
        )
    );
    // A September memo has no October notes.
    let september = ok(&run(&[
        "report", &dir, "--format", "md", "--month", "2026-09",
    ]));
    assert!(!september.contains("Notes on these numbers"));

    let removed = ok(&run(&["notes", &dir, "remove", "1"]));
    assert!(
        removed.contains("Note 1 on EBITDA margin · 2026-10 · Consulting removed"),
        "{removed}"
    );
    let table = ok(&run(&["notes", &dir]));
    assert!(
        !table.contains("fixed-price") && table.contains("Flat on purpose"),
        "{table}"
    );
}

#[test]
fn a_note_on_a_value_the_data_does_not_have_is_refused() {
    let folder = finance_folder();
    let dir = folder.path().display().to_string();
    let typo = run(&["notes", &dir, "add", "ebitda_marg", "2026-10", "x"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean \"ebitda_margin\""));
    let department = run(&[
        "notes",
        &dir,
        "add",
        "revenue",
        "2026-10",
        "x",
        "--department",
        "Sale",
    ]);
    assert_eq!(department.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&department.stderr).contains("did you mean \"Sales\""));
    let far = run(&["notes", &dir, "add", "revenue", "2020-01", "x"]);
    assert_eq!(far.status.code(), Some(2));
    let blank = run(&["notes", &dir, "add", "revenue", "2026-10", "   "]);
    assert_eq!(blank.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&blank.stderr).contains("blank"));
    let missing = run(&["notes", &dir, "remove", "9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no note 9"));
    let empty = tempfile::tempdir().unwrap();
    let nothing = run(&[
        "notes",
        &empty.path().display().to_string(),
        "add",
        "revenue",
        "2026-10",
        "x",
    ]);
    assert_eq!(nothing.status.code(), Some(3));
}

#[test]
fn explain_gives_the_arithmetic_and_the_rows_with_report_exit_codes() {
    let folder = finance_folder();
    let dir = folder.path().display().to_string();
    // Company 2026-10: revenue 1000 + 500 = 1500, cogs 800, opex 450: EBITDA 250.
    let table = ok(&run(&["explain", &dir, "ebitda", "2026-10"]));
    assert!(
        table.starts_with("EBITDA · October 2026 · company: 250\n"),
        "{table}"
    );
    assert!(
        table.contains(
            "EBITDA 250.00 = revenue 1,500.00 − cogs 800.00 − opex 450.00; 2 lines in pnl.csv"
        ),
        "{table}"
    );
    assert!(table.contains("pnl.csv 4    Consulting 2026-10"), "{table}");
    let json: Value = serde_json::from_str(&ok(&run(&[
        "explain",
        &dir,
        "ebitda_margin",
        "2026-10",
        "--department",
        "Consulting",
        "--format",
        "json",
    ])))
    .unwrap();
    // Consulting: (1000 − 700 − 350) / 1000 = −5%.
    assert!((json["value"].as_f64().unwrap() + 0.05).abs() < 1e-12);
    assert_eq!(json["tables"][0]["rows"][0]["line"], 4);
    assert_eq!(json["mismatch"], Value::Null);
    assert_eq!(
        run(&["explain", &dir, "ebitdaa", "2026-10"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["explain", &dir, "ebitda", "2026-13"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["explain", &dir, "ebitda", "2026-10", "--department", "Nope"])
            .status
            .code(),
        Some(2)
    );
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        run(&[
            "explain",
            &empty.path().display().to_string(),
            "ebitda",
            "2026-10"
        ])
        .status
        .code(),
        Some(3)
    );
}

/// `notes add` run 100 times against one state file, each process SIGKILLed at a different
/// point of its run: every note a process reported as added must be there whole, and SQLite
/// must find the file sound.
#[cfg(unix)]
#[test]
fn notes_survive_100_kills() {
    use std::collections::HashSet;
    use std::process::Stdio;
    use std::time::Instant;

    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let data_dir = folder.path().display().to_string();
    let state_file = folder.path().join("state.sqlite");
    let state_arg = state_file.display().to_string();
    // A 32 KiB note spans several database pages, so a write takes a measurable while.
    let text = |index: usize| format!("note {index:03} {}", "x".repeat(32 * 1024));
    let spawn = |index: usize| {
        Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
            .args([
                "notes",
                &data_dir,
                "--state",
                &state_arg,
                "add",
                "churn_rate",
                "2026-03",
                &text(index),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts")
    };
    let started = Instant::now();
    assert!(spawn(0).wait_with_output().unwrap().status.success());
    let full_run = started.elapsed();

    let runs = 100;
    let mut reported = vec![0];
    let mut killed = 0;
    for index in 1..=runs {
        let mut child = spawn(index);
        std::thread::sleep(full_run.mul_f64(0.1 + (index % 20) as f64 * 0.05));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on unix
            killed += 1;
        }
        let output = child.wait_with_output().unwrap();
        if output.status.success() && String::from_utf8_lossy(&output.stdout).contains("added to") {
            reported.push(index);
        }
    }
    let state = Store::open(&state_file).unwrap();
    assert_eq!(state.integrity_check().unwrap(), "ok");
    let stored: Vec<String> = state
        .notes()
        .unwrap()
        .into_iter()
        .map(|note| note.text)
        .collect();
    let written: HashSet<String> = (0..=runs).map(text).collect();
    assert!(
        stored.iter().all(|t| written.contains(t)),
        "a stored note is torn"
    );
    let stored: HashSet<&String> = stored.iter().collect();
    for index in &reported {
        assert!(
            stored.contains(&text(*index)),
            "note {index} was reported added but is gone"
        );
    }
    eprintln!(
        "notes kill test: one run {full_run:?}; {runs} runs, {killed} killed; {} reported, {} stored",
        reported.len(),
        stored.len()
    );
    assert!(
        killed > 0,
        "no run was killed; the timing needs another look"
    );
}
