//! Integration tests: one binary, one module per area, small named fixtures in `tests/data/`.
//! Every expected value is worked out by hand from the fixture and SPEC.md, in the comments.

mod analysis;
mod architecture;
mod board_pack;
mod cache;
mod cli;
mod escalations;
mod explain;
mod goals;
#[cfg(feature = "gui")]
mod gui;
mod hostile;
mod metrics;
mod notes;
mod properties;
mod reading;
mod state;
mod statements;
mod surveys;
mod trackers;

use std::path::{Path, PathBuf};

use coo_dashboard::analysis::read_folder;
use coo_dashboard::model::{Dataset, Month};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A file that a real tool wrote, in `../shared/real-exports/` (never copied into the project).
pub fn real_export(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-exports")
        .join(path)
}

/// Copies the named fixtures (files or folders' contents) into a fresh folder, so each test reads
/// exactly the files it names.
pub fn folder_with(names: &[&str]) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    for name in names {
        let source = fixture(name);
        let target = folder
            .path()
            .join(Path::new(name).file_name().expect("file name"));
        std::fs::copy(&source, &target)
            .unwrap_or_else(|error| panic!("copy {}: {error}", source.display()));
    }
    folder
}

/// Loads a folder holding only the named fixtures.
pub fn load(names: &[&str]) -> Dataset {
    let folder = folder_with(names);
    read_folder(folder.path(), true).expect("the folder loads")
}

/// The binary as a user without root's rights runs it: itself when the tests do not run as
/// root; else as `nobody` through util-linux's `setpriv`, from a link (or copy) in `reachable`,
/// since `nobody` cannot reach the build folder under /root. Root reads and writes any file
/// whatever its mode, so permission tests need this.
pub fn unprivileged_binary(reachable: &Path) -> std::process::Command {
    use std::process::Command;
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_coo-dashboard"));
    if !root {
        return Command::new(binary);
    }
    let linked = reachable.join("coo-dashboard");
    if std::fs::hard_link(&binary, &linked).is_err() {
        std::fs::copy(&binary, &linked).expect("copy the binary");
    }
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(linked);
    command
}

pub fn month(text: &str) -> Month {
    text.parse().expect("a YYYY-MM month")
}

/// The problems the data-quality list gives for `file`, in order.
pub fn issues_of<'a>(dataset: &'a Dataset, file: &str) -> Vec<&'a str> {
    dataset
        .data_quality
        .iter()
        .filter(|issue| issue.file == file)
        .map(|issue| issue.problem.as_str())
        .collect()
}

pub fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}
