//! Reading a data folder: find every supported file, read it whatever its format and encoding,
//! recognise its kind from its header, turn its rows into typed rows, and combine the files of
//! each kind without counting anything twice.
//!
//! Nothing here stops on a bad file or a bad row: each becomes a source entry and a
//! data-quality entry, and the rest still loads.

pub mod cache;
pub mod combine;
pub mod headers;
pub mod reader;
pub mod rows;
pub mod settings;
pub mod statement;
pub mod survey;
pub mod trackers;
pub mod values;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use thiserror::Error;
use walkdir::WalkDir;

use rayon::prelude::*;

use crate::model::{
    Action, ColumnMapping, DataQualityIssue, Dataset, DepartmentId, Kind, Shape, SourceSummary,
};
use cache::Cache;
use headers::{HeaderMap, Recognised, UserMappings, normalise_header};
use reader::{RawTable, ReadError, SUPPORTED_EXTENSIONS, TableRows};
use rows::ParsedRows;
pub use settings::{CONFIG_FILE, ReadingSettings, SourceDepartments, Staffing};

/// The folder itself could not be read; files inside it never cause this.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error(
        "the data folder {0} does not exist; give the path of the folder that holds the exports"
    )]
    Missing(PathBuf),
    #[error("{0} is not a folder; give the path of the folder that holds the exports")]
    NotAFolder(PathBuf),
    #[error("the data folder {path} could not be read ({source}); check that you may read it")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
}

thread_local! {
    /// Set while a reader library works on a file's bytes inside `catch_unwind`.
    static INSIDE_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wraps the current panic hook so that a panic inside a reader library (caught and reported as
/// a file problem) prints nothing; any other panic still reaches the previous hook. The binary
/// installs it once at start; the fuzz target too, so it sees only panics nobody catches.
pub fn install_quiet_reader_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !INSIDE_READER.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
}

/// Files larger than this are refused with a message rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// How many leading rows may come before the header (title rows of spreadsheet reports).
const HEADER_SEARCH_ROWS: usize = 30;

/// A row wider than this is not taken for a header (no export has that many columns; matching
/// a million-column line against the alias table would only waste time).
pub const MAX_HEADER_COLUMNS: usize = 2_000;

/// A file listed when the folder was scanned but gone when it was opened.
const VANISHED: &str = "the file disappeared while the folder was being read (moved or deleted); reload once the folder is complete";

/// What to apply while reading: the folder's settings as the caller read them (see
/// `analysis::read_folder`, which reads `coo-dashboard.toml` once) and whether to use the cache.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub settings: ReadingSettings,
    /// Use and fill the reading cache in `DATA_DIR/.coo-dashboard/cache/` (see [`cache`]).
    pub use_cache: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            settings: ReadingSettings::default(),
            use_cache: true,
        }
    }
}

/// A file found in the data folder, or a problem met while looking.
enum Found {
    File { path: PathBuf, relative: String },
    Problem { relative: String, problem: String },
}

/// The path as the report shows it: relative to the data folder, `/`-separated.
fn relative_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every supported file below `root` (hidden folders such as `.coo-dashboard` skipped), in
/// natural path order, so `finance_2026-10` sorts after `finance_2026-9`.
fn discover(root: &Path) -> Vec<Found> {
    let mut found = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let path = entry.path();
                let extension = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                let name = entry.file_name().to_string_lossy();
                if SUPPORTED_EXTENSIONS.contains(&extension.as_str()) && !name.starts_with("~$") {
                    found.push(Found::File {
                        path: path.to_path_buf(),
                        relative: relative_name(root, path),
                    });
                }
            }
            Ok(_) => {}
            Err(error) => {
                let relative = error
                    .path()
                    .map_or_else(|| ".".to_string(), |path| relative_name(root, path));
                let problem = if error.loop_ancestor().is_some() {
                    "this link points back to a folder above it (a loop); it was not followed — remove the link".to_string()
                } else {
                    let cause = error
                        .io_error()
                        .map_or_else(|| error.to_string(), |io| io.to_string());
                    format!(
                        "could not be read ({cause}); check that the file exists and that you may read it"
                    )
                };
                found.push(Found::Problem { relative, problem });
            }
        }
    }
    found.sort_by(|a, b| {
        let name = |found: &Found| match found {
            Found::File { relative, .. } | Found::Problem { relative, .. } => relative.clone(),
        };
        natord::compare(&name(a), &name(b))
    });
    found
}

/// Every export a load of `root` reads, in natural path order: the one folder walk, which the
/// app's folder watch uses too (hidden folders and Excel's `~$` lock files skipped).
pub fn export_paths(root: &Path) -> Vec<PathBuf> {
    discover(root)
        .into_iter()
        .filter_map(|found| match found {
            Found::File { path, .. } => Some(path),
            Found::Problem { .. } => None,
        })
        .collect()
}

/// Reads every export in `data_dir` into one dataset.
pub fn load_folder(data_dir: &Path, options: &LoadOptions) -> Result<Dataset, LoadError> {
    let metadata = std::fs::metadata(data_dir).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoadError::Missing(data_dir.to_path_buf()),
        _ => LoadError::Unreadable {
            path: data_dir.to_path_buf(),
            source,
        },
    })?;
    if !metadata.is_dir() {
        return Err(LoadError::NotAFolder(data_dir.to_path_buf()));
    }
    std::fs::read_dir(data_dir).map_err(|source| LoadError::Unreadable {
        path: data_dir.to_path_buf(),
        source,
    })?;

    Ok(read_found(
        data_dir,
        discover(data_dir),
        &options.settings,
        options,
        Dataset::default(),
    ))
}

/// Assigns a P&L statement without department columns to the department its `[sources]`
/// setting names; says so when the setting cannot apply.
fn assign_source_department(
    department: Option<&String>,
    file: &mut Dataset,
    rows: &mut ParsedRows,
) {
    let (Some(department), Some(summary)) = (department, file.sources.first_mut()) else {
        return;
    };
    let relative = summary.file.clone();
    let setting = format!("[sources.\"{relative}\"] department = \"{department}\"");
    let problem = match rows {
        ParsedRows::FinanceWide(rows) if summary.shape == Some(Shape::PnlStatement) => {
            if rows.iter().any(|parsed| parsed.row.department.is_some()) {
                Some(format!(
                    "the statement has department columns of its own, so the setting {setting} was not applied; remove it or export the statement without classes"
                ))
            } else {
                let id = file.departments.intern(department);
                for parsed in rows.iter_mut() {
                    parsed.row.department = id;
                }
                let detection = summary.detection.get_or_insert_with(String::new);
                detection.push_str(&format!(
                    "; the whole file is department {department} ({CONFIG_FILE} [sources])"
                ));
                None
            }
        }
        _ => Some(format!(
            "the setting {setting} applies to P&L statements without department columns; this file is not one, so it was not applied"
        )),
    };
    if let Some(problem) = problem {
        file.data_quality.push(DataQualityIssue {
            file: relative,
            line: None,
            column: None,
            value: None,
            problem,
            action: Action::Assumed,
        });
    }
}

/// Reads the files `discover` found into `dataset` (which holds the mapping problems).
fn read_found(
    data_dir: &Path,
    found: Vec<Found>,
    settings: &ReadingSettings,
    options: &LoadOptions,
    mut dataset: Dataset,
) -> Dataset {
    let mappings = &settings.mappings;
    // Files are read in parallel, each into a dataset of its own (its source entry, problems and
    // departments), then merged in path order: the result is what reading them one after the
    // other would give, first spellings of departments included.
    let cache = options.use_cache.then(|| Cache::new(data_dir));
    // First every file's bytes and key; then, when the cache holds this very folder (the same
    // files with the same bytes under the same names), its combined reading; else each file
    // from its own entry or from its bytes.
    let fetched: Vec<(Found, Result<Fetched, String>)> = found
        .into_par_iter()
        .enumerate()
        .map(|(index, found)| {
            let fetched = match &found {
                Found::File { path, relative } => {
                    FileReading::new(index, relative, mappings, cache.as_ref()).fetch(path)
                }
                Found::Problem { problem, .. } => Err(problem.clone()),
            };
            (found, fetched)
        })
        .collect();
    let folder_key = cache.as_ref().and_then(|_| {
        let files = fetched
            .iter()
            .map(|(found, fetched)| match (found, fetched) {
                (Found::File { relative, .. }, Ok(fetched)) => {
                    (relative.as_str(), fetched.key.ok_or(""))
                }
                (Found::File { relative, .. } | Found::Problem { relative, .. }, Err(problem)) => {
                    (relative.as_str(), Err(problem.as_str()))
                }
                (Found::Problem { relative, .. }, Ok(_)) => (relative.as_str(), Err("")),
            });
        cache::Key::folder(files, &settings.mappings, settings.staffing.fingerprint())
            .map(|key| key.and(&settings.after_reading()))
    });
    let file_keys: Vec<cache::Key> = fetched
        .iter()
        .filter_map(|(_, fetched)| fetched.as_ref().ok().and_then(|f| f.key))
        .collect();
    if let (Some(cache), Some(folder_key)) = (&cache, folder_key)
        && let Some(entry) = cache.get_folder(folder_key)
        && entry.restore_into(&mut dataset)
    {
        cache.prune(&[file_keys, vec![folder_key]].concat());
        dataset.shrink_to_fit();
        return dataset;
    }
    let first_new_issue = dataset.data_quality.len();

    // Files are read in parallel, each into a dataset of its own (its source entry, problems and
    // departments), then merged in path order: the result is what reading them one after the
    // other would give, first spellings of departments included.
    let read: Vec<(Dataset, Option<ParsedRows>)> = fetched
        .into_par_iter()
        .enumerate()
        .map(|(index, (found, fetched))| {
            let mut file = Dataset::default();
            let rows = match (found, fetched) {
                (Found::File { path, relative }, Ok(fetched)) => {
                    FileReading::new(index, &relative, mappings, cache.as_ref())
                        .load(&path, fetched, &mut file)
                }
                (Found::File { relative, .. } | Found::Problem { relative, .. }, Err(problem)) => {
                    file.sources.push(unread_source(&relative));
                    file.data_quality.push(file_problem(&relative, problem));
                    None
                }
                (Found::Problem { relative, problem }, Ok(_)) => {
                    file.sources.push(unread_source(&relative));
                    file.data_quality.push(file_problem(&relative, problem));
                    None
                }
            };
            (file, rows)
        })
        .collect();
    let mut parsed_files: Vec<ParsedRows> = Vec::with_capacity(read.len());
    for (mut file, mut rows) in read {
        if let Some(rows) = rows.as_mut() {
            let relative = file
                .sources
                .first()
                .map(|s| s.file.clone())
                .unwrap_or_default();
            assign_source_department(settings.source_departments.get(&relative), &mut file, rows);
        }
        let map: Vec<Option<DepartmentId>> = file
            .departments
            .iter()
            .map(|(_, name)| dataset.departments.intern(name))
            .collect();
        let channel_map: Vec<Option<DepartmentId>> = file
            .channels
            .iter()
            .map(|(_, name)| dataset.channels.intern(name))
            .collect();
        dataset.sources.extend(file.sources);
        dataset.data_quality.extend(file.data_quality);
        if let Some(mut rows) = rows {
            rows.remap_departments(&map);
            rows.remap_channels(&channel_map);
            parsed_files.push(rows);
        }
    }
    if !data_dir.is_dir() {
        dataset.data_quality.push(file_problem(
            ".",
            "the data folder disappeared while it was being read; the figures rest only on the files read before that — reload when the folder is back".to_string(),
        ));
    }
    combine::combine(parsed_files, &mut dataset, &settings.staffing);
    dataset.shrink_to_fit();
    if let Some(cache) = &cache {
        let mut keep = file_keys;
        if let Some(folder_key) = folder_key
            && data_dir.is_dir()
        {
            cache.put_folder(folder_key, &dataset, first_new_issue);
            keep.push(folder_key);
        }
        cache.prune(&keep);
    }
    dataset
}

fn unread_source(relative: &str) -> SourceSummary {
    SourceSummary {
        file: relative.to_string(),
        kind: None,
        shape: None,
        sheet: None,
        rows_read: 0,
        rows_used: 0,
        rows_rejected: 0,
        rows_ignored: 0,
        rows_duplicate: 0,
        detection: None,
        columns: Vec::new(),
        ignored_columns: Vec::new(),
    }
}

fn file_problem(relative: &str, problem: String) -> DataQualityIssue {
    DataQualityIssue {
        file: relative.to_string(),
        line: None,
        column: None,
        value: None,
        problem,
        action: Action::FileSkipped,
    }
}

/// One file of a folder being read.
struct FileReading<'a> {
    relative: &'a str,
    source: u32,
    mappings: &'a UserMappings,
    cache: Option<&'a Cache>,
}

/// A file's bytes and cache key, read before anything is parsed.
struct Fetched {
    /// `None` when the file has a cache entry (its bytes are not needed then).
    bytes: Option<Vec<u8>>,
    extension: String,
    key: Option<cache::Key>,
}

impl<'a> FileReading<'a> {
    fn new(
        index: usize,
        relative: &'a str,
        mappings: &'a UserMappings,
        cache: Option<&'a Cache>,
    ) -> FileReading<'a> {
        FileReading {
            relative,
            source: index as u32,
            mappings,
            cache,
        }
    }

    /// Reads the file's bytes and, with a cache, their key; the bytes are kept only when the
    /// cache has no entry for them. `Err` is the file's problem in plain words.
    fn fetch(&self, path: &Path) -> Result<Fetched, String> {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
                return Err(format!(
                    "the file is {} MB; the app reads files up to {} MB — split the export by month",
                    metadata.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ));
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(VANISHED.to_string());
            }
            Err(error) => {
                return Err(format!(
                    "the file could not be read ({error}); check that it exists and that you may read it"
                ));
            }
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(VANISHED.to_string());
            }
            Err(error) => return Err(ReadError::Io(error).to_string()),
        };
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_string())
            .unwrap_or_default();
        let key = self
            .cache
            .map(|_| cache::Key::new(&bytes, &extension, self.mappings));
        let cached = matches!((self.cache, key), (Some(cache), Some(key)) if cache.has(key));
        Ok(Fetched {
            bytes: (!cached).then_some(bytes),
            extension,
            key,
        })
    }

    /// Reads the file (or its cached reading); records its source entry and problems in
    /// `dataset`; returns its typed rows.
    fn load(&self, path: &Path, fetched: Fetched, dataset: &mut Dataset) -> Option<ParsedRows> {
        let relative = self.relative;
        dataset.sources.push(unread_source(relative));
        let cached = match (self.cache, fetched.key) {
            (Some(cache), Some(key)) if fetched.bytes.is_none() => cache.get(key),
            _ => None,
        };
        if let Some(mut entry) = cached {
            entry.restore(relative, self.source);
            if let Some(summary) = dataset.sources.first_mut() {
                *summary = entry.source.into_summary(relative);
            }
            dataset.data_quality.extend(entry.issues);
            for name in &entry.departments {
                dataset.departments.intern(name);
            }
            for name in &entry.channels {
                dataset.channels.intern(name);
            }
            return entry.rows;
        }
        // Not cached, or an entry that did not read back: the file itself.
        let bytes = match fetched.bytes.map_or_else(|| std::fs::read(path), Ok) {
            Ok(bytes) => bytes,
            Err(error) => {
                let problem = if error.kind() == std::io::ErrorKind::NotFound {
                    VANISHED.to_string()
                } else {
                    ReadError::Io(error).to_string()
                };
                dataset.data_quality.push(file_problem(relative, problem));
                return None;
            }
        };
        let rows = load_bytes(
            bytes,
            &fetched.extension,
            relative,
            self.source,
            self.mappings,
            dataset,
        );
        if let (Some(cache), Some(key), Some(summary)) =
            (self.cache, fetched.key, dataset.sources.first())
        {
            cache.put(
                key,
                &cache::EntryRef {
                    source: summary.into(),
                    issues: &dataset.data_quality,
                    departments: dataset.departments.iter().map(|(_, name)| name).collect(),
                    channels: dataset.channels.iter().map(|(_, name)| name).collect(),
                    rows: rows.as_ref(),
                },
            );
        }
        rows
    }
}

/// Reads one file's bytes as a data folder holding only that file would: the whole pipeline,
/// combining included. For fuzzing and for callers that hold bytes rather than a path.
pub fn load_single(bytes: &[u8], file_name: &str) -> Dataset {
    let mut dataset = Dataset::default();
    let extension = Path::new(file_name)
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    dataset.sources.push(unread_source(file_name));
    let rows = load_bytes(
        bytes.to_vec(),
        &extension,
        file_name,
        0,
        &UserMappings::new(),
        &mut dataset,
    );
    combine::combine(
        rows.into_iter().collect(),
        &mut dataset,
        &Staffing::default(),
    );
    dataset
}

/// Everything after the bytes are in memory: read the tables, find the header, parse the rows.
/// The caller has pushed the file's source entry.
fn load_bytes(
    bytes: Vec<u8>,
    extension: &str,
    relative: &str,
    source: u32,
    mappings: &UserMappings,
    dataset: &mut Dataset,
) -> Option<ParsedRows> {
    let skip = |dataset: &mut Dataset, problem: String| {
        dataset.data_quality.push(file_problem(relative, problem));
        None
    };
    // A reader library that panics on a hostile file must not take the app down with it.
    INSIDE_READER.with(|inside| inside.set(true));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader::read_tables(bytes, extension)
    }));
    INSIDE_READER.with(|inside| inside.set(false));
    let tables = match read {
        Ok(Ok(tables)) => tables,
        Ok(Err(error)) => return skip(dataset, error.to_string()),
        Err(_) => {
            return skip(
                dataset,
                "the file could not be read (its contents are malformed); export it again"
                    .to_string(),
            );
        }
    };
    parse_first_recognised(tables, relative, source, mappings, dataset)
}

/// Finds the header row of a table: the first of its leading rows whose cells name a kind.
fn find_header(
    table: &RawTable,
    mappings: &UserMappings,
) -> Result<(usize, HeaderMap, Recognised), Option<HeaderMap>> {
    let mut best: Option<HeaderMap> = None;
    let mut previous: Option<HeaderMap> = None;
    let mut found = None;
    let mut index = 0;
    table.rows.scan(0, |row| {
        index += 1;
        if index > HEADER_SEARCH_ROWS {
            return ControlFlow::Break(());
        }
        if row.len() > MAX_HEADER_COLUMNS {
            return ControlFlow::Continue(());
        }
        let headers: Vec<String> = row
            .cells()
            .map(|cell| cell.as_text().trim().to_string())
            .collect();
        let header = HeaderMap::new(&headers, mappings);
        if let Some((header, recognised)) = trackers::reinterpret(&header, mappings) {
            found = Some((index - 1, header, recognised));
            return ControlFlow::Break(());
        }
        if let Some(recognised) = header.recognise() {
            found = Some((index - 1, header, recognised));
            return ControlFlow::Break(());
        }
        // Survey tools write a row of column ids above a row of question texts (Qualtrics:
        // `Q1` above "How likely are you to recommend us?"): the two read as one header, each
        // column by the row that names something the app knows.
        if let Some(above) = previous.take() {
            let merged: Vec<String> = above
                .fields
                .iter()
                .zip(above.headers.iter().zip(&headers))
                .map(|(field, (upper, lower))| {
                    if field.is_some() || lower.is_empty() {
                        upper.clone()
                    } else {
                        lower.clone()
                    }
                })
                .chain(headers.iter().skip(above.headers.len()).cloned())
                .collect();
            let stacked = HeaderMap::new(&merged, mappings);
            if let Some(
                recognised @ (Recognised::SurveyByValues
                | Recognised::Known(Kind::Nps | Kind::Csat, _)),
            ) = stacked.recognise()
            {
                found = Some((index - 2, stacked, recognised));
                return ControlFlow::Break(());
            }
        }
        previous = Some(header.clone());
        if best
            .as_ref()
            .is_none_or(|best| header.recognised_count() > best.recognised_count())
        {
            best = Some(header);
        }
        ControlFlow::Continue(())
    });
    found.ok_or(best)
}

/// The first `count` rows of a table as trimmed text (rows wider than a header can be are
/// left out).
fn leading_rows(table: &RawTable, count: usize) -> Vec<Vec<String>> {
    let mut leading = Vec::new();
    table.rows.scan(0, |row| {
        if row.len() <= MAX_HEADER_COLUMNS {
            leading.push(
                row.cells()
                    .map(|c| c.as_text().trim().to_string())
                    .collect(),
            );
        }
        if leading.len() < count {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    leading
}

/// The one entry for a header that repeats column names (Jira writes `Labels` five times): the
/// first of each is read, the rest ignored (SPEC §2b).
fn repeated_names(headers: &[String]) -> Option<String> {
    let mut counts: Vec<(&str, String, usize)> = Vec::new();
    for header in headers.iter().filter(|h| !h.trim().is_empty()) {
        let key = normalise_header(header);
        match counts.iter_mut().find(|(_, k, _)| *k == key) {
            Some(entry) => entry.2 += 1,
            None => counts.push((header.as_str(), key, 1)),
        }
    }
    let repeated: Vec<String> = counts
        .iter()
        .filter(|(_, _, count)| *count > 1)
        .map(|(name, _, count)| format!("{name} ×{count}"))
        .collect();
    (!repeated.is_empty()).then(|| {
        format!(
            "{} column name(s) appear more than once ({}); the first column of each is read and the others ignored",
            repeated.len(),
            repeated.join(", ")
        )
    })
}

/// The widest of a table's leading rows.
fn widest_leading_row(table: &RawTable) -> usize {
    let (mut widest, mut index) = (0, 0);
    table.rows.scan(0, |row| {
        widest = widest.max(row.len());
        index += 1;
        if index < HEADER_SEARCH_ROWS {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    });
    widest
}

fn parse_first_recognised(
    tables: Vec<RawTable>,
    relative: &str,
    source: u32,
    mappings: &UserMappings,
    dataset: &mut Dataset,
) -> Option<ParsedRows> {
    let mut closest: Option<HeaderMap> = None;
    let mut refused: Option<String> = None;
    let sheet_count = tables.len();
    let widest = tables.iter().map(widest_leading_row).max().unwrap_or(0);
    let mut survey_tool: Option<String> = None;
    for table in tables {
        let (header_index, header, recognised) = match find_header(&table, mappings) {
            Ok(found) => found,
            Err(best) => {
                match statement::read_statement(&table, relative, source, &mut dataset.departments)
                {
                    Ok(read) => {
                        return Some(use_statement(read, &table, sheet_count, relative, dataset));
                    }
                    Err(statement::NotRead::Refused(why)) => {
                        refused.get_or_insert(why);
                    }
                    Err(statement::NotRead::NotAStatement) => {}
                }
                if survey_tool.is_none() {
                    survey_tool = survey::survey_tool_refusal(&leading_rows(&table, 3));
                }
                if let Some(best) = best.filter(|b| {
                    closest
                        .as_ref()
                        .is_none_or(|c| b.recognised_count() > c.recognised_count())
                }) {
                    closest = Some(best);
                }
                continue;
            }
        };
        let header_line = table.rows.line_of(header_index).unwrap_or(1);
        let data_rows = (&table.rows, header_index + 1);
        for warning in &table.notes.warnings {
            dataset.data_quality.push(DataQualityIssue {
                file: relative.to_string(),
                line: None,
                column: None,
                value: None,
                problem: warning.clone(),
                action: Action::Assumed,
            });
        }
        if let Some(problem) = repeated_names(&header.headers) {
            dataset.data_quality.push(DataQualityIssue {
                file: relative.to_string(),
                line: Some(header_line),
                column: None,
                value: None,
                problem,
                action: Action::ColumnIgnored,
            });
        }
        let outcome = rows::parse_rows(
            recognised,
            &header,
            data_rows,
            &table.notes,
            source,
            relative,
            (&mut dataset.departments, &mut dataset.channels),
        );
        for &(position, winner) in &header.duplicates {
            let is_label = outcome
                .label_columns
                .iter()
                .any(|&(label, _)| label == position);
            // A repeated name is said once for the file by `repeated_names`.
            let repeats_its_name = normalise_header(&header.headers[position])
                == normalise_header(&header.headers[winner]);
            if is_label || repeats_its_name {
                continue;
            }
            dataset.data_quality.push(DataQualityIssue {
                file: relative.to_string(),
                line: Some(header_line),
                column: Some(header.headers[position].clone()),
                value: None,
                problem: format!(
                    "column '{}' would also be read as {}, which is already taken from column '{}'; it was ignored",
                    header.headers[position],
                    header.fields[winner].map_or("?", |f| f.name()),
                    header.headers[winner]
                ),
                action: Action::ColumnIgnored,
            });
        }
        let (kind, shape) = (outcome.kind, outcome.shape);
        let detection = outcome
            .detection
            .or_else(|| trackers::detection(&header, shape))
            .or_else(|| match (kind, header.score_hint) {
                (Kind::Nps, _) => {
                    Some("the score column's header speaks of recommending".to_string())
                }
                (Kind::Csat, _) => {
                    Some("the score column's header speaks of satisfaction".to_string())
                }
                _ => None,
            });
        if outcome.rows_read == 0 {
            dataset.data_quality.push(DataQualityIssue {
                file: relative.to_string(),
                line: Some(header_line),
                column: None,
                value: None,
                problem: format!(
                    "the file has a {kind} header but no rows below it; export it again with data"
                ),
                action: Action::FileSkipped,
            });
        }
        dataset.data_quality.extend(outcome.issues);
        if let TableRows::Text(text) = &table.rows
            && let Some(why) = text.stopped()
        {
            dataset.data_quality.push(DataQualityIssue {
                file: relative.to_string(),
                line: None,
                column: None,
                value: None,
                problem: format!("{why}; the rows before it were read"),
                action: Action::Assumed,
            });
        }
        let Some(summary) = dataset.sources.last_mut() else {
            return Some(outcome.rows);
        };
        summary.kind = Some(kind);
        summary.shape = Some(shape);
        summary.sheet = if sheet_count > 0 {
            table.sheet.clone()
        } else {
            None
        };
        summary.rows_read = outcome.rows_read;
        summary.rows_rejected = outcome.rows_rejected;
        summary.rows_ignored = outcome.rows_ignored;
        summary.detection = detection;
        summary.columns = header
            .fields
            .iter()
            .zip(&header.headers)
            .filter_map(|(field, name)| {
                field.map(|f| ColumnMapping {
                    header: name.clone(),
                    column: f.name().to_string(),
                })
            })
            .chain(
                outcome
                    .label_columns
                    .iter()
                    .map(|&(position, read_as)| ColumnMapping {
                        header: header.headers[position].clone(),
                        column: read_as.to_string(),
                    }),
            )
            .collect();
        let tracker_columns = header
            .tracker
            .as_ref()
            .map(|tracker| tracker.read_as())
            .unwrap_or_default();
        for &(position, column) in &tracker_columns {
            summary.columns.push(ColumnMapping {
                header: header.headers[position].clone(),
                column: column.to_string(),
            });
        }
        summary.ignored_columns = header
            .fields
            .iter()
            .zip(&header.headers)
            .enumerate()
            .filter(|(position, (field, name))| {
                field.is_none()
                    && !name.is_empty()
                    && !outcome
                        .label_columns
                        .iter()
                        .any(|&(label, _)| label == *position)
                    && !tracker_columns.iter().any(|(p, _)| p == position)
            })
            .map(|(_, (_, name))| name.clone())
            .collect();
        return Some(outcome.rows);
    }
    let tracker_lacks = closest
        .as_ref()
        .and_then(|closest| trackers::missing(closest, mappings));
    let problem = match closest.as_ref().and_then(HeaderMap::closest_shape) {
        _ if refused.is_some() => refused.unwrap_or_default(),
        _ if survey_tool.is_some() => survey_tool.unwrap_or_default(),
        _ if tracker_lacks.is_some() => tracker_lacks.unwrap_or_default(),
        Some((kind, shape, missing)) => {
            let missing: Vec<&str> = missing.iter().map(|f| f.name()).collect();
            let shape_name = match shape {
                Shape::Ledger => " (ledger)",
                Shape::Summary => " (summary)",
                _ => "",
            };
            format!(
                "no recognisable header: closest is {kind}{shape_name}, which also needs {}; rename those columns or map them in {CONFIG_FILE} ([mapping.\"Your header\"] column = \"{}\")",
                missing.join(", "),
                missing.first().copied().unwrap_or("revenue")
            )
        }
        None if widest > MAX_HEADER_COLUMNS => format!(
            "a row has {widest} columns, more than the {MAX_HEADER_COLUMNS} the app reads; this is not a departmental export — check that it is the file you meant"
        ),
        None => format!(
            "no recognisable header in the first {HEADER_SEARCH_ROWS} rows; this does not look like an export the app knows (see the README for the columns each kind needs)"
        ),
    };
    if let Some(closest) = closest
        && let Some(summary) = dataset.sources.last_mut()
    {
        summary.ignored_columns = closest
            .headers
            .into_iter()
            .filter(|h| !h.is_empty())
            .collect();
    }
    dataset.data_quality.push(file_problem(relative, problem));
    None
}

/// Records a table read as a P&L statement in the file's source entry and problems.
fn use_statement(
    read: statement::Statement,
    table: &RawTable,
    sheet_count: usize,
    relative: &str,
    dataset: &mut Dataset,
) -> ParsedRows {
    for warning in &table.notes.warnings {
        dataset
            .data_quality
            .push(file_problem(relative, warning.clone()));
        if let Some(last) = dataset.data_quality.last_mut() {
            last.action = Action::Assumed;
        }
    }
    dataset.data_quality.extend(read.issues);
    if let Some(summary) = dataset.sources.last_mut() {
        summary.kind = Some(Kind::Finance);
        summary.shape = Some(Shape::PnlStatement);
        summary.sheet = if sheet_count > 0 {
            table.sheet.clone()
        } else {
            None
        };
        summary.rows_read = read.rows.len();
        summary.detection = Some(read.detection);
    }
    ParsedRows::FinanceWide(read.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data folder that disappears between the scan and the reading (a network share going
    /// away, a sync tool moving it): every file is named with what happened, the folder too,
    /// and nothing panics.
    #[test]
    fn a_folder_that_vanishes_after_the_scan_is_said_file_by_file() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(
            folder.path().join("finance.csv"),
            "month,department,revenue,cogs,opex\n2026-03,Sales,100,50,20\n",
        )
        .unwrap();
        std::fs::create_dir(folder.path().join("hr")).unwrap();
        std::fs::write(
            folder.path().join("hr/workforce.csv"),
            "month,department,fte,available_hours,billable_hours\n2026-03,Sales,2,320,250\n",
        )
        .unwrap();
        let found = discover(folder.path());
        assert_eq!(found.len(), 2);
        let path = folder.path().to_path_buf();
        drop(folder);

        let dataset = read_found(
            &path,
            found,
            &ReadingSettings::default(),
            &LoadOptions::default(),
            Dataset::default(),
        );
        let files: Vec<&str> = dataset.sources.iter().map(|s| s.file.as_str()).collect();
        assert_eq!(files, ["finance.csv", "hr/workforce.csv"]);
        for file in files {
            let issue = dataset
                .data_quality
                .iter()
                .find(|issue| issue.file == file)
                .expect("each file has its entry");
            assert_eq!(issue.problem, VANISHED);
            assert_eq!(issue.action, Action::FileSkipped);
        }
        let folder_issue = dataset
            .data_quality
            .iter()
            .find(|issue| issue.file == ".")
            .expect("the folder has its entry");
        assert!(folder_issue.problem.contains("data folder disappeared"));
        assert!(dataset.finance.is_empty() && dataset.workforce.is_empty());
    }
}
