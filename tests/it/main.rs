//! Integration tests: one binary, one module per area, small named fixtures in `tests/data/`.
//! Every expected value is worked out by hand from the fixture and SPEC.md, in the comments.

mod board_pack;
mod cache;
mod cli;
mod escalations;
#[cfg(feature = "gui")]
mod gui;
mod hostile;
mod metrics;
mod properties;
mod reading;
mod trackers;

use std::path::{Path, PathBuf};

use coo_dashboard::input::{LoadOptions, load_folder};
use coo_dashboard::model::{Dataset, Month};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
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
    load_folder(folder.path(), &LoadOptions::default()).expect("the folder loads")
}

pub fn month(text: &str) -> Month {
    text.parse().expect("a YYYY-MM month")
}

pub fn assert_close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}
