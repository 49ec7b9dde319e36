//! The escalation state file as `report` and the workflow commands meet it when it is not
//! simply there and sound: read-only reading, a file that cannot be read, another program's
//! database, a damaged file. Each test runs the real binary on a small folder.

use std::path::Path;
use std::process::{Command, Output};

use coo_dashboard::escalations::{Store, WorkflowAction};
use serde_json::Value;

use super::folder_with;

/// Churn 1/100, 2/100, 8/100, 2/95 (tests/data/escalations/churn_summary.csv): only 2026-03
/// (0.08 > 0.05) raises an escalation.
const ID: &str = "churn_rate:company:2026-03:threshold";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A data folder with the churn summary and a state file of `bytes` at the default place.
fn folder_with_state(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let state = folder.path().join(".coo-dashboard/state.sqlite");
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    std::fs::write(&state, bytes).unwrap();
    (folder, state)
}

fn report(folder: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["report", folder.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_state_file_that_cannot_be_read_stops_the_report_unless_told_to_go_on() {
    let (folder, _) = folder_with_state(b"this is not a database, it is a text file of 52 bytes");
    let refused = report(folder.path(), &["--format", "md"]);
    // Before, exit 0 with every escalation shown as open and a warning only on stderr.
    assert_eq!(refused.status.code(), Some(2));
    assert!(refused.stdout.is_empty(), "no report is written");
    let sentence = stderr(&refused);
    assert!(
        sentence.contains("escalation status unavailable")
            && sentence.contains("--ignore-state-errors"),
        "{sentence}"
    );

    let memo = report(folder.path(), &["--format", "md", "--ignore-state-errors"]);
    assert_eq!(memo.status.code(), Some(0), "{}", stderr(&memo));
    let memo = String::from_utf8_lossy(&memo.stdout).into_owned();
    let first = memo.lines().next().unwrap();
    assert!(
        first.starts_with("**escalation status unavailable: "),
        "{first}"
    );

    let pack = report(
        folder.path(),
        &["--format", "html", "--ignore-state-errors"],
    );
    let pack = String::from_utf8_lossy(&pack.stdout).into_owned();
    let body = &pack[pack.find("<main>").expect("a main element")..];
    let warning = body
        .find("escalation status unavailable")
        .expect("the pack says so");
    assert!(
        warning < body.find("masthead").unwrap(),
        "before the masthead"
    );

    let json = report(folder.path(), &["--ignore-state-errors"]);
    let text = String::from_utf8_lossy(&json.stdout).into_owned();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .contains("\"escalation_status_unavailable\""),
        "the first key: {}",
        &text[..200.min(text.len())]
    );
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["escalations"][0]["status"], "open");
}

#[test]
fn reading_the_state_for_a_report_changes_nothing_in_the_file() {
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let state = folder.path().join(".coo-dashboard/state.sqlite");
    {
        let mut store = Store::open(&state).unwrap();
        store
            .apply(ID, &WorkflowAction::Acknowledge, Some("dana"))
            .unwrap();
    }
    // Back to a rollback journal, as a file copied from elsewhere or made by an older build.
    rusqlite::Connection::open(&state)
        .unwrap()
        .pragma_update(None, "journal_mode", "DELETE")
        .unwrap();
    let before = std::fs::read(&state).unwrap();
    let output = report(folder.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["escalations"][0]["id"], ID);
    assert_eq!(json["escalations"][0]["status"], "acknowledged");
    // Before, every open switched the file to WAL (a write, and a -wal file beside it).
    assert_eq!(std::fs::read(&state).unwrap(), before, "byte for byte");
    assert!(
        !folder
            .path()
            .join(".coo-dashboard/state.sqlite-wal")
            .exists()
    );
}

/// Another program's SQLite file: its own table, its own application id.
fn foreign_database(path: &Path, application_id: i32) {
    let connection = rusqlite::Connection::open(path).unwrap();
    connection
        .execute_batch("CREATE TABLE invoices (number TEXT, total REAL); INSERT INTO invoices VALUES ('A-1', 12.5);")
        .unwrap();
    connection
        .pragma_update(None, "application_id", application_id)
        .unwrap();
}

#[test]
fn another_programs_database_is_refused_and_never_touched() {
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let data_dir = folder.path().display().to_string();
    for (name, id) in [("ledger.db", 0x4C45_4447), ("unstamped.db", 0)] {
        let other = folder.path().join(name);
        foreign_database(&other, id);
        let before = std::fs::read(&other).unwrap();
        let state = other.display().to_string();
        let report = run(&["report", &data_dir, "--state", &state]);
        let ack = run(&["escalations", &data_dir, "--state", &state, "ack", ID]);
        for output in [&report, &ack] {
            assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(output));
            assert!(
                stderr(output).contains("is not a COO Dashboard state file"),
                "{name}: {}",
                stderr(output)
            );
        }
        // Before, `report --state` switched it to WAL and `ack` added this app's tables.
        assert_eq!(
            std::fs::read(&other).unwrap(),
            before,
            "{name} byte for byte"
        );
        assert!(!folder.path().join(format!("{name}-wal")).exists());
    }
}

#[test]
fn a_new_state_file_is_stamped_with_this_apps_id() {
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let data_dir = folder.path().display().to_string();
    let ack = run(&["escalations", &data_dir, "ack", ID]);
    assert_eq!(ack.status.code(), Some(0), "{}", stderr(&ack));
    let state = folder.path().join(".coo-dashboard/state.sqlite");
    let id: i32 = rusqlite::Connection::open(&state)
        .unwrap()
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .unwrap();
    // "COOD" in ASCII: C 0x43, O 0x4F, O 0x4F, D 0x44.
    assert_eq!(id, 0x434F_4F44);
}

#[test]
fn a_damaged_state_file_is_refused_after_a_copy_is_kept() {
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let data_dir = folder.path().display().to_string();
    let state = folder.path().join(".coo-dashboard/state.sqlite");
    {
        let mut store = Store::open(&state).unwrap();
        // 300 comments of 200 characters: 60 kB of audit trail, many pages of b-tree.
        for index in 0..300 {
            let text = format!("{index:03} {}", "x".repeat(196));
            store
                .apply(ID, &WorkflowAction::Comment { text }, None)
                .unwrap();
        }
    }
    // Closing the last connection checkpointed the WAL into the file. A page of random-looking
    // bytes over page 4 (pages are 4096 bytes): a b-tree page of the audit table.
    let mut bytes = std::fs::read(&state).unwrap();
    assert!(bytes.len() > 8 * 4096, "{} bytes", bytes.len());
    let mut seed = 0x2545_F491_u32;
    for byte in &mut bytes[3 * 4096..4 * 4096] {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        *byte = seed as u8;
    }
    std::fs::write(&state, &bytes).unwrap();

    let comment = run(&["escalations", &data_dir, "comment", ID, "one more"]);
    assert_eq!(comment.status.code(), Some(2), "{}", stderr(&comment));
    let sentence = stderr(&comment);
    assert!(sentence.contains("is damaged"), "{sentence}");
    // Before, the comment was written into the damaged file.
    assert_eq!(
        std::fs::read(&state).unwrap(),
        bytes,
        "the damaged file as it was"
    );
    let copies: Vec<_> = std::fs::read_dir(state.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().contains("state.sqlite.damaged-"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(
        sentence.contains(&copies[0].display().to_string()),
        "{sentence}"
    );
    assert_eq!(std::fs::read(&copies[0]).unwrap(), bytes);
}

#[test]
fn list_and_history_print_escape_sequences_from_the_state_as_text_never_obey_them() {
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let data_dir = folder.path().display().to_string();
    // ESC ] 0 ; … BEL retitles the terminal; ESC [ 2 J clears it; U+009B is C1's one-byte CSI.
    let owner = "Dana\u{1b}]0;pwned\u{7}";
    let comment = "fixed\u{1b}[2J\u{9b}31m";
    for args in [vec!["assign", ID, owner], vec!["comment", ID, comment]] {
        let mut command = vec!["escalations", data_dir.as_str()];
        command.extend(args);
        let output = run(&command);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(
            !output.stdout.contains(&0x1b),
            "the confirmation echoes the owner"
        );
    }
    for args in [vec!["list"], vec!["history", ID]] {
        let mut command = vec!["escalations", data_dir.as_str()];
        command.extend(args);
        let output = run(&command);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{9b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(
            text.contains("Dana\u{FFFD}]0;pwned\u{FFFD}"),
            "shown, not obeyed: {text:?}"
        );
    }
    let history = run(&["escalations", &data_dir, "history", ID]);
    let text = String::from_utf8_lossy(&history.stdout).into_owned();
    assert!(
        text.contains("commented: fixed\u{FFFD}[2J\u{FFFD}31m"),
        "{text:?}"
    );
}

/// A data folder the user may only read (mode 755, owned by root): `report` still reads the
/// recorded statuses. Root may write anywhere, so when the tests run as root the report runs as
/// `nobody` through util-linux's `setpriv`, as in `hostile::an_unreadable_file_is_named…`.
#[cfg(unix)]
#[test]
fn the_report_reads_the_statuses_of_a_data_folder_it_may_not_write_to() {
    use std::os::unix::fs::PermissionsExt;
    let folder = folder_with(&["escalations/churn_summary.csv"]);
    let state = folder.path().join(".coo-dashboard/state.sqlite");
    Store::open(&state)
        .unwrap()
        .apply(ID, &WorkflowAction::Acknowledge, Some("dana"))
        .unwrap();
    for path in [folder.path(), &folder.path().join(".coo-dashboard")] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o644)).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::set_permissions(outside.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = crate::unprivileged_binary(outside.path())
        .arg("report")
        .arg(folder.path())
        .env("HOME", outside.path())
        .output()
        .expect("the report runs (as root this needs util-linux's setpriv)");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    // Before, opening switched the file to WAL, which needs write access, so every escalation
    // showed as open.
    assert_eq!(json["escalations"][0]["id"], ID);
    assert_eq!(json["escalations"][0]["status"], "acknowledged");
}
