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
use chrono::{Datelike, NaiveDate};

use crate::model::{
    ColumnMapping, CsatRating, CsatScore, CustomerRow, CustomerSummaryRow, DataQualityIssue,
    Dataset, DeliveryRow, FinanceRow, Kind, NpsResponse, PersonSeen, RowRef, Shape, SourceLines,
    SourceSummary, WorkforceRow,
};

/// The cache folder, inside the data folder's hidden `.coo-dashboard` (never read as data).
pub const CACHE_DIR: &str = ".coo-dashboard/cache";

/// Bump whenever reading a file changes what it yields, so old entries are not used.
const FORMAT: u32 = 8;

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

    /// This key combined with settings applied after the files are read (the `[sources]`
    /// departments), so a changed setting is a different folder reading.
    pub fn and(self, settings: &str) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(&self.0.to_le_bytes());
        hasher.update(settings.as_bytes());
        Key(hasher.digest128())
    }

    /// The key of a whole folder's combined reading: its files in order, each with its name and
    /// the key of its bytes (or the problem that kept it from being read), the mappings, and
    /// the settings combining applies (`[people]`, `[capacity]`: `settings` is their hash).
    /// `None` when a file could not be read (its problem may be passing: read it again).
    pub fn folder<'a>(
        files: impl Iterator<Item = (&'a str, Result<Key, &'a str>)>,
        mappings: &UserMappings,
        settings: u64,
    ) -> Option<Key> {
        let mut hasher = Xxh3::new();
        hasher.update(b"folder");
        hasher.update(&Key::new(&[], "", mappings).0.to_le_bytes());
        hasher.update(&settings.to_le_bytes());
        for (name, key) in files {
            hasher.update(name.as_bytes());
            hasher.update(&[0]);
            hasher.update(&key.ok()?.0.to_le_bytes());
        }
        Some(Key(hasher.digest128()))
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
    /// The help-desk channels the file's CSAT ratings name.
    pub channels: Vec<String>,
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
    pub channels: Vec<&'a str>,
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

/// A whole folder's combined reading: what [`crate::input::load_folder`] returns, so opening an
/// unchanged folder skips decoding and combining file by file. Survey responses, millions of
/// them, are kept as columns.
#[derive(Debug, Serialize, Deserialize)]
pub struct FolderEntry {
    departments: Vec<String>,
    channels: Vec<String>,
    sources: Vec<(String, CachedSource)>,
    issues: Vec<DataQualityIssue>,
    finance: Vec<FinanceRow>,
    deliveries: Vec<DeliveryRow>,
    workforce: Vec<WorkforceRow>,
    nps: SurveyColumns,
    csat: SurveyColumns,
    /// Each CSAT rating's channel, `u32::MAX` for none.
    csat_channels: Vec<u32>,
    customers: Vec<CustomerRow>,
    customer_summaries: Vec<CustomerSummaryRow>,
    people: Vec<PersonSeen>,
    lines: SourceLines,
}

/// Survey rows as columns. Scores: NPS 0–10; CSAT 1–5, or 100/101 for a bad/good text rating.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SurveyColumns {
    days: Vec<i32>,
    scores: Vec<u8>,
    /// `u32::MAX` for no department.
    departments: Vec<u32>,
    sources: Vec<u32>,
    lines: Vec<u32>,
}

/// One survey row out of the columns: date, score, department, origin.
type SurveyRow = (NaiveDate, u8, Option<u32>, RowRef);

const NO_DEPARTMENT: u32 = u32::MAX;

impl SurveyColumns {
    fn push(&mut self, date: NaiveDate, score: u8, department: Option<u32>, origin: RowRef) {
        self.days.push(date.num_days_from_ce());
        self.scores.push(score);
        self.departments.push(department.unwrap_or(NO_DEPARTMENT));
        self.sources.push(origin.source);
        self.lines.push(origin.line);
    }

    /// Each row's date, score, department and origin made into `T`; `None` when a column is
    /// short or a day is out of range (the entry is then not believed). The rows go straight
    /// into a vector of their final size: a million of them are 24 MB.
    fn rows<T>(&self, mut make: impl FnMut(SurveyRow) -> Option<T>) -> Option<Vec<T>> {
        let count = self.days.len();
        if [
            self.scores.len(),
            self.departments.len(),
            self.sources.len(),
            self.lines.len(),
        ]
        .iter()
        .any(|&len| len != count)
        {
            return None;
        }
        let mut rows = Vec::with_capacity(count);
        for i in 0..count {
            rows.push(make((
                NaiveDate::from_num_days_from_ce_opt(self.days[i])?,
                self.scores[i],
                (self.departments[i] != NO_DEPARTMENT).then_some(self.departments[i]),
                RowRef {
                    source: self.sources[i],
                    line: self.lines[i],
                },
            ))?);
        }
        Some(rows)
    }
}

/// What [`Cache::put_folder`] writes: a [`FolderEntry`] by reference, field for field.
#[derive(Serialize)]
struct FolderEntryRef<'a> {
    departments: Vec<&'a str>,
    channels: Vec<&'a str>,
    sources: Vec<(&'a str, CachedSource)>,
    issues: &'a [DataQualityIssue],
    finance: &'a [FinanceRow],
    deliveries: &'a [DeliveryRow],
    workforce: &'a [WorkforceRow],
    nps: SurveyColumns,
    csat: SurveyColumns,
    csat_channels: Vec<u32>,
    customers: &'a [CustomerRow],
    customer_summaries: &'a [CustomerSummaryRow],
    people: &'a [PersonSeen],
    lines: &'a SourceLines,
}

impl<'a> FolderEntryRef<'a> {
    fn new(dataset: &'a Dataset, first_new_issue: usize) -> FolderEntryRef<'a> {
        let mut nps = SurveyColumns::default();
        for r in &dataset.nps {
            nps.push(r.date, r.score, r.department, r.origin);
        }
        let mut csat = SurveyColumns::default();
        let mut csat_channels = Vec::with_capacity(dataset.csat.len());
        for r in &dataset.csat {
            csat.push(r.date, r.score.to_byte(), r.department, r.origin);
            csat_channels.push(r.channel.unwrap_or(NO_DEPARTMENT));
        }
        FolderEntryRef {
            departments: dataset.departments.iter().map(|(_, n)| n).collect(),
            channels: dataset.channels.iter().map(|(_, n)| n).collect(),
            sources: dataset
                .sources
                .iter()
                .map(|s| (s.file.as_str(), CachedSource::from(s)))
                .collect(),
            issues: dataset
                .data_quality
                .get(first_new_issue..)
                .unwrap_or_default(),
            finance: &dataset.finance,
            deliveries: &dataset.deliveries,
            workforce: &dataset.workforce,
            nps,
            csat,
            csat_channels,
            customers: &dataset.customers,
            customer_summaries: &dataset.customer_summaries,
            people: &dataset.people,
            lines: &dataset.lines,
        }
    }
}

impl FolderEntry {
    /// Puts the folder's reading into `dataset` (which may hold problems of the settings file).
    /// `false` when the entry does not hold together; `dataset` is then untouched.
    pub fn restore_into(self, dataset: &mut Dataset) -> bool {
        let FolderEntry {
            departments,
            channels,
            sources,
            issues,
            finance,
            deliveries,
            workforce,
            nps,
            csat,
            csat_channels,
            customers,
            customer_summaries,
            people,
            lines,
        } = self;
        // Each kind's columns are dropped as soon as its rows are made.
        let Some(nps) = nps.rows(|(date, score, department, origin)| {
            Some(NpsResponse {
                date,
                score,
                department,
                origin,
            })
        }) else {
            return false;
        };
        if csat_channels.len() != csat.days.len() {
            return false;
        }
        let mut channel_of = csat_channels.into_iter();
        let Some(csat) = csat.rows(|(date, score, department, origin)| {
            let channel = channel_of.next()?;
            Some(CsatRating {
                date,
                score: CsatScore::from_byte(score)?,
                department,
                channel: (channel != NO_DEPARTMENT).then_some(channel),
                origin,
            })
        }) else {
            return false;
        };
        for name in &departments {
            dataset.departments.intern(name);
        }
        for name in &channels {
            dataset.channels.intern(name);
        }
        dataset.sources = sources
            .into_iter()
            .map(|(file, source)| source.into_summary(&file))
            .collect();
        dataset.data_quality.extend(issues);
        dataset.finance = finance;
        dataset.deliveries = deliveries;
        dataset.workforce = workforce;
        dataset.nps = nps;
        dataset.csat = csat;
        dataset.customers = customers;
        dataset.customer_summaries = customer_summaries;
        dataset.people = people;
        dataset.lines = lines;
        true
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

    /// Whether an entry is kept under `key` (it may still not read back).
    pub fn has(&self, key: Key) -> bool {
        self.folder.join(key.file_name()).is_file()
    }

    /// The folder entry kept under `key`, if there is one that reads back.
    pub fn get_folder(&self, key: Key) -> Option<FolderEntry> {
        let bytes = std::fs::read(self.folder.join(key.file_name())).ok()?;
        postcard::from_bytes(&bytes).ok()
    }

    /// Keeps the folder's combined reading under `key` (issues from `first_new_issue` on: the
    /// ones before are the settings file's, read afresh every time).
    pub fn put_folder(&self, key: Key, dataset: &Dataset, first_new_issue: usize) {
        self.write(key, &FolderEntryRef::new(dataset, first_new_issue));
    }

    /// The entry kept under `key`, if there is one that reads back.
    pub fn get(&self, key: Key) -> Option<Entry> {
        let bytes = std::fs::read(self.folder.join(key.file_name())).ok()?;
        postcard::from_bytes(&bytes).ok()
    }

    /// Keeps `entry` under `key`: written to a temporary file and renamed, so a reader never
    /// sees half an entry. Failing to write (a read-only folder, a full disk) is not an error.
    pub fn put(&self, key: Key, entry: &EntryRef<'_>) {
        self.write(key, entry);
    }

    fn write(&self, key: Key, entry: &impl Serialize) {
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
