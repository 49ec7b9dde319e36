//! What reading applies from the data folder's settings file (SPEC §1, §2b, §4), as plain
//! values. `config` reads and writes that file and hands these to [`super::load_folder`];
//! reading never opens the file itself, so the dependency runs one way: config → input.

use std::collections::{BTreeMap, HashMap};

use super::headers::UserMappings;

/// The file name of the data folder's settings.
pub const CONFIG_FILE: &str = "coo-dashboard.toml";

/// The `[sources]` settings: file path (relative to the data folder, `/`-separated) →
/// department.
pub type SourceDepartments = BTreeMap<String, String>;

/// Hours one FTE is available in a month when `[capacity] hours_per_fte_month` is not set.
pub const DEFAULT_HOURS_PER_FTE_MONTH: f64 = 160.0;

/// `[people]` (time-tracker person → department) and `[capacity]` (SPEC §2b, §4).
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    /// [`crate::model::person_key`] of the person as written in `[people]` → department as written.
    pub people: HashMap<u64, String>,
    pub hours_per_fte_month: f64,
}

impl Default for Staffing {
    fn default() -> Staffing {
        Staffing {
            people: HashMap::new(),
            hours_per_fte_month: DEFAULT_HOURS_PER_FTE_MONTH,
        }
    }
}

impl Staffing {
    /// A stable hash of the settings, part of the reading cache's key for the folder.
    pub fn fingerprint(&self) -> u64 {
        let mut people: Vec<(&u64, &String)> = self.people.iter().collect();
        people.sort();
        let mut bytes = self.hours_per_fte_month.to_bits().to_le_bytes().to_vec();
        for (person, department) in people {
            bytes.extend_from_slice(&person.to_le_bytes());
            bytes.extend_from_slice(department.as_bytes());
            bytes.push(0xff);
        }
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }
}

/// Everything from the settings file that changes what a reading gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadingSettings {
    /// `[mapping]`: header mappings on top of the alias table.
    pub mappings: UserMappings,
    /// `[sources."PATH"] department`.
    pub source_departments: SourceDepartments,
    /// `[people]` and `[capacity]` for time entries.
    pub staffing: Staffing,
}

impl ReadingSettings {
    /// The settings applied after the files are read (`[sources]`), as text for the folder's
    /// cache key.
    pub(super) fn after_reading(&self) -> String {
        self.source_departments
            .iter()
            .map(|(file, department)| format!("{file}\u{0}{department}\u{0}"))
            .collect()
    }
}
