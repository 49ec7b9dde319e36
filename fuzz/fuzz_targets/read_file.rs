//! Fuzzes the whole reading pipeline on one file's bytes: decoding, delimiter sniffing,
//! spreadsheet and Parquet readers, header recognition, value parsing and combining. The first
//! byte picks the file name's extension so every reader is reached.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = ["export.csv", "export.tsv", "export.txt", "export.xlsx", "export.ods", "export.parquet"];

static QUIET_READER_PANICS: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // A reader library's panic is caught and reported as a file problem; only the panics
    // nobody catches are crashes.
    QUIET_READER_PANICS.call_once(coo_dashboard::input::install_quiet_reader_panic_hook);
    let Some((&selector, bytes)) = data.split_first() else { return };
    let name = NAMES[selector as usize % NAMES.len()];
    let dataset = coo_dashboard::input::load_single(bytes, name);
    // Whatever was read must compute without a panic and without NaN.
    if let Some(as_of) = dataset.latest_month().map(|month| month.last_day()) {
        if let Ok(table) = coo_dashboard::metrics::compute(&dataset, as_of) {
            assert!(table.values().iter().all(|value| value.value.is_none_or(f64::is_finite)));
        }
    }
});
