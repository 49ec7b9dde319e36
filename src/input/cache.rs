//! The reading cache. What reading one file yields (its typed rows, its source entry, its
//! problems and the departments it names) is kept under `DATA_DIR/.coo-dashboard/cache/`, one
//! entry per file, named by a hash of the file's bytes and of everything else that decides the
//! reading (this cache format, the app version, the extension, the user's header mappings).
//! Opening a folder again reads only files whose bytes changed; a renamed or copied file is
//! still a hit. The cache is a convenience: an entry that cannot be written or read back is
//! ignored and the file is read from scratch.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::headers::UserMappings;
use super::rows::ParsedRows;
use crate::model::{ColumnMapping, DataQualityIssue, Kind, Shape, SourceSummary};

/// The cache folder, inside the data folder's hidden `.coo-dashboard` (never read as data).
pub const CACHE_DIR: &str = ".coo-dashboard/cache";

/// Bump whenever reading a file changes what it yields, so old entries are not used.
const FORMAT: u32 = 2;

const EXTENSION: &str = "bin";

/// Which entry a file's reading is kept under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(u128);

impl Key {
    pub fn new(bytes: &[u8], extension: &str, mappings: &UserMappings) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(&FORMAT.to_le_bytes());
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(&[0]);
        hasher.update(extension.to_ascii_lowercase().as_bytes());
        hasher.update(&[0]);
        let mut mappings: Vec<(&String, &str)> = mappings
            .iter()
            .map(|(header, field)| (header, field.name()))
            .collect();
        mappings.sort();
        for (header, field) in mappings {
            hasher.update(header.as_bytes());
            hasher.update(&[0]);
            hasher.update(field.as_bytes());
            hasher.update(&[0]);
        }
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
        Key(hasher.digest128())
    }

    fn file_name(self) -> String {
        format!("{:032x}.{EXTENSION}", self.0)
    }
}

/// One file's reading as the cache keeps it. `file` names and row origins are those of the
/// reading that wrote it; [`Entry::restore`] puts in the current ones.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub source: CachedSource,
    pub issues: Vec<DataQualityIssue>,
    pub departments: Vec<String>,
    pub rows: Option<ParsedRows>,
}

/// [`SourceSummary`] without the JSON report's optional-field shortcuts, which a compact
/// binary format cannot read back.
#[derive(Debug, Serialize, Deserialize)]
pub struct CachedSource {
    kind: Option<Kind>,
    shape: Option<Shape>,
    sheet: Option<String>,
    rows_read: usize,
    rows_used: usize,
    rows_rejected: usize,
    rows_ignored: usize,
    rows_duplicate: usize,
    detection: Option<String>,
    columns: Vec<ColumnMapping>,
    ignored_columns: Vec<String>,
}

impl From<&SourceSummary> for CachedSource {
    fn from(source: &SourceSummary) -> CachedSource {
        CachedSource {
            kind: source.kind,
            shape: source.shape,
            sheet: source.sheet.clone(),
            rows_read: source.rows_read,
            rows_used: source.rows_used,
            rows_rejected: source.rows_rejected,
            rows_ignored: source.rows_ignored,
            rows_duplicate: source.rows_duplicate,
            detection: source.detection.clone(),
            columns: source.columns.clone(),
            ignored_columns: source.ignored_columns.clone(),
        }
    }
}

impl CachedSource {
    pub fn into_summary(self, file: &str) -> SourceSummary {
        SourceSummary {
            file: file.to_string(),
            kind: self.kind,
            shape: self.shape,
            sheet: self.sheet,
            rows_read: self.rows_read,
            rows_used: self.rows_used,
            rows_rejected: self.rows_rejected,
            rows_ignored: self.rows_ignored,
            rows_duplicate: self.rows_duplicate,
            detection: self.detection,
            columns: self.columns,
            ignored_columns: self.ignored_columns,
        }
    }
}

/// What [`Cache::put`] writes: an [`Entry`] by reference, field for field.
#[derive(Serialize)]
pub struct EntryRef<'a> {
    pub source: CachedSource,
    pub issues: &'a [DataQualityIssue],
    pub departments: Vec<&'a str>,
    pub rows: Option<&'a ParsedRows>,
}

impl Entry {
    /// Names the current file in the issues and points the rows at the current source index.
    pub fn restore(&mut self, file: &str, source: u32) {
        for issue in &mut self.issues {
            issue.file = file.to_string();
        }
        if let Some(rows) = &mut self.rows {
            rows.set_source(source);
        }
    }
}

/// The cache of one data folder.
#[derive(Debug, Clone)]
pub struct Cache {
    folder: PathBuf,
}

impl Cache {
    pub fn new(data_dir: &Path) -> Cache {
        Cache {
            folder: data_dir.join(CACHE_DIR),
        }
    }

    /// The entry kept under `key`, if there is one that reads back.
    pub fn get(&self, key: Key) -> Option<Entry> {
        let bytes = std::fs::read(self.folder.join(key.file_name())).ok()?;
        postcard::from_bytes(&bytes).ok()
    }

    /// Keeps `entry` under `key`: written to a temporary file and renamed, so a reader never
    /// sees half an entry. Failing to write (a read-only folder, a full disk) is not an error.
    pub fn put(&self, key: Key, entry: &EntryRef<'_>) {
        if std::fs::create_dir_all(&self.folder).is_err() {
            return;
        }
        let Ok(file) = tempfile::NamedTempFile::new_in(&self.folder) else {
            return;
        };
        // Streamed to the file: a million rows never exist twice in memory.
        let mut writer = std::io::BufWriter::with_capacity(1 << 16, file);
        if postcard::to_io(entry, &mut writer).is_err() {
            return;
        }
        if let Ok(file) = writer.into_inner() {
            let _ = file.persist(self.folder.join(key.file_name()));
        }
    }

    /// Removes entries not in `keep` (files since changed or removed), so the cache holds only
    /// what the folder holds now.
    pub fn prune(&self, keep: &[Key]) {
        let keep: std::collections::HashSet<String> =
            keep.iter().map(|key| key.file_name()).collect();
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(&format!(".{EXTENSION}")) && !keep.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}
