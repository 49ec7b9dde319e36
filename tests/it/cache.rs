//! The reading cache (issue 7): a folder opened again gives exactly what reading it from scratch
//! gives, reads only the files whose bytes changed, and survives a damaged cache.

use std::path::Path;
use std::time::SystemTime;

use coo_dashboard::analysis::read_folder;
use coo_dashboard::input::cache::CACHE_DIR;
use coo_dashboard::model::Dataset;

/// A copy of the bundled sample data: every kind and format the app reads (CSV, TSV, `;` with
/// decimal commas, xlsx with a restated month, a ledger, duplicates, a rejected row).
fn sample_copy() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    for department in std::fs::read_dir(&sample).expect("sample_data").flatten() {
        let name = department.file_name();
        if name.to_string_lossy().starts_with('.') || !department.path().is_dir() {
            continue;
        }
        std::fs::create_dir(folder.path().join(&name)).expect("sub-folder");
        for file in std::fs::read_dir(department.path())
            .expect("sub-folder")
            .flatten()
        {
            std::fs::copy(
                file.path(),
                folder.path().join(&name).join(file.file_name()),
            )
            .expect("copy");
        }
    }
    folder
}

/// Everything a dataset holds, field by field.
fn assert_same(a: &Dataset, b: &Dataset) {
    let names = |d: &Dataset| {
        d.departments
            .iter()
            .map(|(_, n)| n.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(a), names(b));
    let channels = |d: &Dataset| {
        d.channels
            .iter()
            .map(|(_, n)| n.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(channels(a), channels(b));
    assert_eq!(a.sources, b.sources);
    assert_eq!(a.data_quality, b.data_quality);
    assert_eq!(a.finance, b.finance);
    assert_eq!(a.deliveries, b.deliveries);
    assert_eq!(a.workforce, b.workforce);
    assert_eq!(a.nps, b.nps);
    assert_eq!(a.csat, b.csat);
    assert_eq!(a.customers, b.customers);
    assert_eq!(a.customer_summaries, b.customer_summaries);
    // The drill-down's file lines (SPEC §7) come back too, and there are some to compare.
    assert_eq!(a.lines, b.lines);
    assert!(!a.lines.finance.is_empty() && !a.lines.time_entries.is_empty());
}

fn entries(folder: &Path) -> Vec<(String, SystemTime)> {
    let mut entries: Vec<(String, SystemTime)> = std::fs::read_dir(folder.join(CACHE_DIR))
        .map(|dir| {
            dir.flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".bin"))
                .map(|e| {
                    let modified = e.metadata().and_then(|m| m.modified()).expect("mtime");
                    (e.file_name().to_string_lossy().to_string(), modified)
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

#[test]
fn a_second_open_from_the_cache_equals_reading_from_scratch() {
    let folder = sample_copy();
    let scratch = read_folder(folder.path(), false).unwrap();
    assert!(
        entries(folder.path()).is_empty(),
        "no cache without use_cache"
    );

    let first = read_folder(folder.path(), true).unwrap();
    // One entry per sample file (17 files) and one for the folder.
    assert_eq!(entries(folder.path()).len(), 18);
    let second = read_folder(folder.path(), true).unwrap();
    assert_same(&scratch, &first);
    assert_same(&scratch, &second);
    // The restated month and the rejected NPS row survive the round trip with their lines.
    assert!(second.sources.iter().any(|s| s.rows_duplicate > 0));
    assert!(second.data_quality.iter().any(|i| i.line == Some(1066)));
    // The help-desk exports' Channel column: each rating keeps its channel through the cache,
    // and no channel became a department (SPEC §1).
    let mut channels: Vec<&str> = second.channels.iter().map(|(_, name)| name).collect();
    channels.sort_unstable();
    assert_eq!(channels, ["Email", "Phone", "Portal"]);
    assert!(second.csat.iter().all(|rating| rating.channel.is_some()));
    assert!(
        ["Email", "Phone", "Portal"]
            .iter()
            .all(|name| second.departments.find(name).is_none())
    );
}

#[test]
fn a_new_file_is_the_only_one_read_and_a_removed_one_leaves_the_cache() {
    let folder = sample_copy();
    read_folder(folder.path(), true).unwrap();
    // One entry per sample file (17) and one for the folder's combined reading.
    let before = entries(folder.path());
    assert_eq!(before.len(), 18);
    std::thread::sleep(std::time::Duration::from_millis(20));

    std::fs::write(
        folder.path().join("extra_finance.csv"),
        "month,department,revenue,cogs,opex\n2026-11,Extra,100,50,20\n",
    )
    .unwrap();
    let dataset = read_folder(folder.path(), true).unwrap();
    assert!(dataset.departments.find("Extra").is_some());
    let after = entries(folder.path());
    // The 17 file entries are untouched (same names, same modification times): read from the
    // cache, not written again. New: the extra file's entry and the new folder's; the old
    // folder's is gone.
    let kept: Vec<_> = before
        .iter()
        .filter(|entry| after.contains(entry))
        .collect();
    assert_eq!((kept.len(), after.len()), (17, 19));

    std::fs::remove_file(folder.path().join("extra_finance.csv")).unwrap();
    read_folder(folder.path(), true).unwrap();
    let names = |entries: &[(String, SystemTime)]| {
        entries
            .iter()
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&entries(folder.path())), names(&before));
}

#[test]
fn an_unchanged_folder_is_read_from_its_combined_entry_exactly() {
    let folder = sample_copy();
    let scratch = read_folder(folder.path(), false).unwrap();
    read_folder(folder.path(), true).unwrap();
    // Remove every file entry: only the folder's combined entry is left to answer from.
    for (name, _) in entries(folder.path()) {
        let path = folder.path().join(CACHE_DIR).join(&name);
        let bytes = std::fs::read(&path).unwrap();
        // The combined entry is the one holding every source's name.
        if !String::from_utf8_lossy(&bytes).contains("gl_postings_2026-07_2026-10.csv")
            || !String::from_utf8_lossy(&bytes).contains("workforce.tsv")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    assert_eq!(
        entries(folder.path()).len(),
        1,
        "only the combined entry is left"
    );
    let cached = read_folder(folder.path(), true).unwrap();
    assert_same(&scratch, &cached);
}

#[test]
fn a_damaged_entry_is_read_again_from_the_file() {
    let folder = sample_copy();
    let scratch = read_folder(folder.path(), false).unwrap();
    read_folder(folder.path(), true).unwrap();
    for (name, _) in entries(folder.path()) {
        let path = folder.path().join(CACHE_DIR).join(name);
        let bytes = std::fs::read(&path).unwrap();
        // Cut in half, or garbage: either must not be believed.
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    let again = read_folder(folder.path(), true).unwrap();
    assert_same(&scratch, &again);
}

#[test]
fn a_renamed_file_comes_from_the_cache_under_its_new_name() {
    let folder = sample_copy();
    read_folder(folder.path(), true).unwrap();
    let old = "surveys/nps_export_2025-05_2026-10.csv";
    assert!(folder.path().join(old).exists(), "the sample has {old}");
    std::fs::rename(folder.path().join(old), folder.path().join("zz_nps.csv")).unwrap();
    let scratch = read_folder(folder.path(), false).unwrap();
    let cached = read_folder(folder.path(), true).unwrap();
    assert_same(&scratch, &cached);
    assert!(
        cached
            .data_quality
            .iter()
            .any(|i| i.file == "zz_nps.csv" && i.line == Some(1066))
    );
    assert!(!cached.data_quality.iter().any(|i| i.file == old));
}

#[test]
fn a_header_mapping_change_is_not_served_from_the_old_reading() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("pnl.csv"),
        "month,department,Umsatz,cogs,opex\n2026-03,Sales,1000,400,100\n",
    )
    .unwrap();
    let unmapped = read_folder(folder.path(), true).unwrap();
    assert!(unmapped.finance.is_empty());
    std::fs::write(
        folder.path().join("coo-dashboard.toml"),
        "[mapping.\"Umsatz\"]\ncolumn = \"revenue\"\n",
    )
    .unwrap();
    let mapped = read_folder(folder.path(), true).unwrap();
    assert_eq!(mapped.finance.len(), 1);
    assert_eq!(mapped.finance[0].revenue, 1000.0);
}
