//! The data folder's own settings, `coo-dashboard.toml`: header mappings now (SPEC §1), rules
//! (SPEC §4) read by the escalations module from the same file. A broken file never stops the
//! app: its problem is reported with the line and the built-in defaults apply.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::input::headers::{Field, UserMappings, normalise_header};
use crate::input::settings::ReadingSettings;
pub use crate::input::settings::{
    CONFIG_FILE, DEFAULT_HOURS_PER_FTE_MONTH, SourceDepartments, Staffing,
};
use crate::model::{Action, DataQualityIssue, person_key};

/// The bundled sample data: beside the executable's crate when run through cargo, else
/// `sample_data` in the working directory.
pub fn default_data_dir() -> PathBuf {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    if bundled.is_dir() {
        bundled
    } else {
        PathBuf::from("sample_data")
    }
}

/// `[mapping."Header as written"] column = "revenue"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingEntry {
    pub column: String,
}

#[derive(Debug, Default, Deserialize)]
struct MappingSection {
    #[serde(default)]
    mapping: BTreeMap<String, MappingEntry>,
}

/// A problem with a settings file, with the line it is on.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigProblem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ConfigProblem {
    /// `FILE line N (KEY): MESSAGE`, the key cut to 120 characters and the message to 480: a
    /// key or value echoed from a hostile file stays one readable line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::text::{ECHO_CHARS, cut, printable};
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, " ({})", printable(&cut(key, ECHO_CHARS)))?;
        }
        write!(f, ": {}", printable(&cut(&self.message, 4 * ECHO_CHARS)))
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// Where each line of a text starts: the line of many offsets in O(log n) each, where
/// [`line_of`] counts from the start every time.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line of a byte offset, as [`line_of`] gives it.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Parses TOML, turning an error into a problem that names the file and the line.
pub fn parse_toml<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
) -> Result<T, ConfigProblem> {
    toml::from_str(text).map_err(|error| ConfigProblem {
        file: path.to_path_buf(),
        line: error.span().map(|span| line_of(text, span.start)),
        key: None,
        message: error.message().trim().to_string(),
    })
}

/// The data folder's `coo-dashboard.toml` as read once for a load: the header mappings and the
/// rules layer both come from this one reading, so they never disagree about the file.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderSettings {
    pub path: PathBuf,
    pub content: SettingsContent,
}

/// What the settings file held when it was read.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsContent {
    /// There is no settings file (nothing was ever saved).
    Missing,
    Text(String),
    /// The file is there but could not be read as text; why, in words.
    Unreadable(String),
}

impl FolderSettings {
    /// Reads `DATA_DIR/coo-dashboard.toml`. A file that is not UTF-8 (another editor's
    /// Windows-1252, say) is unreadable, never taken for an empty file.
    pub fn read(data_dir: &Path) -> FolderSettings {
        let path = data_dir.join(CONFIG_FILE);
        let content = match std::fs::read(&path) {
            Ok(bytes) => match decode_settings(&bytes) {
                Ok((_, text)) => SettingsContent::Text(text.to_string()),
                Err(line) => SettingsContent::Unreadable(format!(
                    "it is not UTF-8 text (line {line} has a byte that is not; another editor may have saved it as Windows-1252), so none of its settings apply; save it as UTF-8"
                )),
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => SettingsContent::Missing,
            Err(error) => SettingsContent::Unreadable(format!(
                "it could not be read ({error}); check that you may read it"
            )),
        };
        FolderSettings { path, content }
    }

    /// The text, when the file exists and is text.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            SettingsContent::Text(text) => Some(text),
            SettingsContent::Missing | SettingsContent::Unreadable(_) => None,
        }
    }

    /// The problem of a file that is there but could not be read, naming the file.
    pub fn unreadable(&self) -> Option<ConfigProblem> {
        match &self.content {
            SettingsContent::Unreadable(reason) => Some(ConfigProblem {
                file: self.path.clone(),
                line: None,
                key: None,
                message: reason.clone(),
            }),
            SettingsContent::Missing | SettingsContent::Text(_) => None,
        }
    }

    /// The header mappings, with any problems found in the file.
    pub fn mappings(&self) -> (UserMappings, Vec<ConfigProblem>) {
        match self.text() {
            Some(text) => mappings_from_text(&self.path, text),
            None => (UserMappings::new(), self.unreadable().into_iter().collect()),
        }
    }

    /// The `[sources."PATH"] department` settings, with problems found in them (an unreadable
    /// file is reported by [`FolderSettings::mappings`] already).
    pub fn source_departments(&self) -> (SourceDepartments, Vec<ConfigProblem>) {
        match self.text() {
            Some(text) => source_departments_from_text(&self.path, text),
            None => (SourceDepartments::new(), Vec::new()),
        }
    }

    /// The `[people]` and `[capacity]` settings, with problems found in them.
    pub fn staffing(&self) -> (Staffing, Vec<ConfigProblem>) {
        match self.text() {
            Some(text) => staffing_from_text(&self.path, text),
            None => (Staffing::default(), Vec::new()),
        }
    }

    /// Everything reading applies, with the file's problems with it as data-quality entries
    /// (mappings first, then `[sources]`, then `[people]`/`[capacity]`).
    pub fn reading(&self) -> (ReadingSettings, Vec<DataQualityIssue>) {
        let (mappings, mapping_problems) = self.mappings();
        let (source_departments, source_problems) = self.source_departments();
        let (staffing, staffing_problems) = self.staffing();
        let issues = mapping_problems
            .into_iter()
            .map(mapping_issue)
            .chain(source_problems.into_iter().map(source_setting_issue))
            .chain(staffing_problems.into_iter().map(staffing_issue))
            .collect();
        let settings = ReadingSettings {
            mappings,
            source_departments,
            staffing,
        };
        (settings, issues)
    }
}

/// A problem with the settings' header mappings as the data-quality list shows it.
pub fn mapping_issue(problem: ConfigProblem) -> DataQualityIssue {
    not_applied(problem, "mapping")
}

/// A problem with a `[people]` or `[capacity]` setting as the data-quality list shows it (the
/// message says what applies instead).
pub fn staffing_issue(problem: ConfigProblem) -> DataQualityIssue {
    DataQualityIssue {
        file: CONFIG_FILE.to_string(),
        line: problem.line,
        column: problem.key,
        value: None,
        problem: problem.message,
        action: Action::Assumed,
    }
}

/// A problem with a `[sources]` setting as the data-quality list shows it.
pub fn source_setting_issue(problem: ConfigProblem) -> DataQualityIssue {
    not_applied(problem, "setting")
}

/// A problem of the settings file as a data-quality entry: `what` is not applied until fixed.
fn not_applied(problem: ConfigProblem, what: &str) -> DataQualityIssue {
    DataQualityIssue {
        problem: format!(
            "{}; this {what} is not applied until it is fixed",
            problem.message
        ),
        ..staffing_issue(problem)
    }
}

pub fn mappings_from_text(path: &Path, text: &str) -> (UserMappings, Vec<ConfigProblem>) {
    let section: MappingSection = match parse_toml(path, text) {
        Ok(section) => section,
        Err(problem) => return (UserMappings::new(), vec![problem]),
    };
    let mut mappings = UserMappings::new();
    let mut problems = Vec::new();
    for (header, entry) in section.mapping {
        match Field::from_name(&entry.column) {
            Some(field) => {
                mappings.insert(normalise_header(&header), field);
            }
            None => problems.push(ConfigProblem {
                file: path.to_path_buf(),
                line: text
                    .find(&format!("\"{header}\""))
                    .map(|offset| line_of(text, offset)),
                key: Some(format!("mapping.\"{header}\".column")),
                message: format!(
                    "'{}' is not a column the app knows; use one of: {}",
                    entry.column,
                    Field::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    (mappings, problems)
}

pub fn staffing_from_text(path: &Path, text: &str) -> (Staffing, Vec<ConfigProblem>) {
    let mut staffing = Staffing::default();
    let document: toml::Table = match parse_toml(path, text) {
        Ok(document) => document,
        // The mappings reader reports a file that does not parse; once is enough.
        Err(_) => return (staffing, Vec::new()),
    };
    let mut problems = Vec::new();
    let line_of_key = |key: &str| {
        text.find(&format!("\"{key}\""))
            .or_else(|| text.find(key))
            .map(|offset| line_of(text, offset))
    };
    let mut problem = |key: String, line: Option<usize>, message: String| {
        problems.push(ConfigProblem {
            file: path.to_path_buf(),
            line,
            key: Some(key),
            message,
        });
    };
    match document.get("people") {
        None => {}
        Some(toml::Value::Table(people)) => {
            for (person, department) in people {
                match (department.as_str().map(str::trim), person_key(person)) {
                    (Some(department), Some(key)) if !department.is_empty() => {
                        staffing.people.insert(key, department.to_string());
                    }
                    _ => problem(
                        format!("people.\"{person}\""),
                        line_of_key(person),
                        "a person's department must be a name in quotes, e.g. \"ana@example.com\" = \"Engineering\"; this person is left out".to_string(),
                    ),
                }
            }
        }
        Some(_) => problem(
            "people".to_string(),
            line_of_key("[people]"),
            "[people] must be a table of person = \"Department\" lines; it is ignored".to_string(),
        ),
    }
    if let Some(capacity) = document.get("capacity") {
        let hours = capacity.get("hours_per_fte_month");
        let value = hours.and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)));
        match (hours, value) {
            (None, _) => {}
            (Some(_), Some(value)) if value > 0.0 && value.is_finite() => {
                staffing.hours_per_fte_month = value;
            }
            _ => problem(
                "capacity.hours_per_fte_month".to_string(),
                line_of_key("hours_per_fte_month"),
                format!(
                    "hours_per_fte_month must be a positive number of hours; {DEFAULT_HOURS_PER_FTE_MONTH} is used"
                ),
            ),
        }
    }
    (staffing, problems)
}

/// `[sources."PATH"] department = "…"`: a whole file belongs to one department (SPEC §4).
#[derive(Debug, Default, Deserialize)]
struct SourcesSection {
    #[serde(default)]
    sources: BTreeMap<String, toml::Value>,
}

pub fn source_departments_from_text(
    path: &Path,
    text: &str,
) -> (SourceDepartments, Vec<ConfigProblem>) {
    let Ok(section) = parse_toml::<SourcesSection>(path, text) else {
        return (SourceDepartments::new(), Vec::new());
    };
    let mut departments = SourceDepartments::new();
    let mut problems = Vec::new();
    for (file, entry) in section.sources {
        let department = entry
            .get("department")
            .and_then(toml::Value::as_str)
            .map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|name| !name.is_empty());
        match department {
            Some(department) => {
                let file = file.trim().replace('\\', "/");
                let file = file.trim_start_matches("./").to_string();
                departments.insert(file, department);
            }
            None => problems.push(ConfigProblem {
                file: path.to_path_buf(),
                line: text
                    .find(&format!("\"{file}\""))
                    .map(|offset| line_of(text, offset)),
                key: Some(format!("sources.\"{file}\".department")),
                message: "a [sources] entry needs department = \"Name\" (the department the whole file belongs to)".to_string(),
            }),
        }
    }
    (departments, problems)
}

/// Why a settings file was not saved. Nothing was written: the file on disk is as it was.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{path} could not be read ({source}); nothing was saved")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not UTF-8 text (line {line} has a byte that is not; another editor may have saved it as Windows-1252); nothing was saved — save it as UTF-8 and try again"
    )]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{0}; nothing was saved — fix the file and try again")]
    Invalid(ConfigProblem),
    #[error("{path}: {reason}; nothing was saved")]
    Refused { path: PathBuf, reason: String },
    #[error("{path} could not be written ({source}); the file is as it was")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The settings file's byte-order mark (empty when it has none) and its text; the 1-based line
/// of the first byte that is not UTF-8 when it is not UTF-8.
fn decode_settings(bytes: &[u8]) -> Result<(&[u8], &str), usize> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (bom, body) = match bytes.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => (&[][..], bytes),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok((bom, text)),
        Err(error) => Err(body[..error.valid_up_to()]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count()
            + 1),
    }
}

/// Edits `DATA_DIR/coo-dashboard.toml` in place (SPEC §4): `edit` changes its own keys in the
/// parsed document and every other key, comment and blank line stays as the user wrote it. A
/// file that cannot be read, decoded as UTF-8 or parsed is never overwritten: the save is
/// refused with the reason. A missing file is created. `edit` may refuse too (`Err(reason)`).
/// The file is written atomically, keeping a UTF-8 byte-order mark it had.
pub fn edit_settings(
    data_dir: &Path,
    edit: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<(), String>,
) -> Result<(), SettingsError> {
    let path = data_dir.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => return Err(SettingsError::Unreadable { path, source }),
    };
    let (bom, text) = decode_settings(&bytes).map_err(|line| SettingsError::NotUtf8 {
        line,
        path: path.clone(),
    })?;
    let mut document: toml_edit::DocumentMut =
        text.parse().map_err(|error: toml_edit::TomlError| {
            SettingsError::Invalid(ConfigProblem {
                file: path.clone(),
                line: error.span().map(|span| line_of(text, span.start)),
                key: None,
                message: error.message().trim().to_string(),
            })
        })?;
    edit(&mut document).map_err(|reason| SettingsError::Refused {
        path: path.clone(),
        reason,
    })?;
    let rendered = document.to_string();
    write_atomically(&path, &[bom, rendered.as_bytes()].concat())
        .map_err(|source| SettingsError::Write { path, source })
}

/// The table at `key` in `parent`, created (as a `[section]`) when missing; refused when the
/// user's file has something else there.
pub fn table_mut<'a>(
    parent: &'a mut toml_edit::Table,
    key: &str,
) -> Result<&'a mut toml_edit::Table, String> {
    let item = parent
        .entry(key)
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    if let Some(inline) = item.as_inline_table() {
        *item = toml_edit::Item::Table(inline.clone().into_table());
    }
    item.as_table_mut()
        .ok_or_else(|| format!("'{key}' is not a table; the app keeps its settings there"))
}

/// Adds or replaces a header mapping (`[mapping."Header"] column = "…"`) in the data folder's
/// settings, in place: every other key and comment stays (see [`edit_settings`]).
pub fn save_mapping(data_dir: &Path, header: &str, field: Field) -> Result<(), SettingsError> {
    edit_settings(data_dir, |document| {
        let mapping = table_mut(document.as_table_mut(), "mapping")?;
        mapping.set_implicit(true);
        let entry = table_mut(mapping, header)?;
        entry.insert("column", toml_edit::value(field.name()));
        Ok(())
    })
}

/// Sets `[sources."FILE"] department = "DEPARTMENT"` in the data folder's settings, in place
/// (every other key and comment stays); `FILE` is relative to the data folder, `/`-separated.
pub fn save_source_department(
    data_dir: &Path,
    file: &str,
    department: &str,
) -> Result<(), SettingsError> {
    let department = department.split_whitespace().collect::<Vec<_>>().join(" ");
    edit_settings(data_dir, |document| {
        if department.is_empty() {
            return Err(
                "the department name is empty; type the department the file belongs to".to_string(),
            );
        }
        let sources = table_mut(document.as_table_mut(), "sources")?;
        sources.set_implicit(true);
        let entry = table_mut(sources, file)?;
        entry.insert("department", toml_edit::value(department.as_str()));
        Ok(())
    })
}

/// Puts `person` (a time tracker's email, user or name) in `department` under `[people]`, or
/// takes them out with `None`; every other key and comment is kept. An entry that already names
/// the same person in another spelling (case, spaces: [`person_key`]) is the one changed, so
/// the file never holds two answers for one person.
pub fn save_person_department(
    data_dir: &Path,
    person: &str,
    department: Option<&str>,
) -> Result<(), SettingsError> {
    let department = department.map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "));
    edit_settings(data_dir, |document| {
        let Some(key) = person_key(person) else {
            return Err("the person's name is empty".to_string());
        };
        if department.as_deref() == Some("") {
            return Err("the department name is empty; pick a department".to_string());
        }
        let people = table_mut(document.as_table_mut(), "people")?;
        let written: Vec<String> = people
            .iter()
            .map(|(name, _)| name.to_string())
            .filter(|name| person_key(name) == Some(key))
            .collect();
        match &department {
            Some(department) => {
                let name = written.first().map_or(person.trim(), String::as_str);
                let mut value = toml_edit::Value::from(department.as_str());
                // A comment after the old value stays after the new one.
                if let Some(old) = people.get(name).and_then(toml_edit::Item::as_value) {
                    *value.decor_mut() = old.decor().clone();
                }
                people.insert(name, toml_edit::Item::Value(value));
                for other in written.iter().skip(1) {
                    people.remove(other);
                }
            }
            None => {
                for name in &written {
                    people.remove(name);
                }
            }
        }
        Ok(())
    })
}

/// Sets (or with `value: None` removes) one target in `[targets.METRIC]`, or in
/// `[targets.METRIC.departments."DEPARTMENT"]` for a department: `key` is `value` (every month)
/// or a period (`2026`, `2026-Q4`, `2026-10`); `owner`, when given, becomes the section's owner.
/// Every other key and comment stays, a comment after the old value stays after the new one
/// (see [`edit_settings`]). The caller checks the metric name and the period.
pub fn save_target(
    data_dir: &Path,
    metric: &str,
    department: Option<&str>,
    key: &str,
    value: Option<f64>,
    owner: Option<&str>,
) -> Result<(), SettingsError> {
    let department = department.map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "));
    let owner = owner
        .map(|owner| owner.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|owner| !owner.is_empty());
    edit_settings(data_dir, |document| {
        if value.is_some_and(|value| !value.is_finite()) {
            return Err("the target is not a number".to_string());
        }
        if department.as_deref() == Some("") {
            return Err("the department name is empty; pick a department".to_string());
        }
        let targets = table_mut(document.as_table_mut(), "targets")?;
        targets.set_implicit(true);
        let mut section = table_mut(targets, metric)?;
        if let Some(department) = &department {
            let departments = table_mut(section, "departments")?;
            departments.set_implicit(true);
            section = table_mut(departments, department)?;
        }
        match value {
            Some(number) => {
                // Whole amounts are written as integers (24000000, not 24000000.0).
                let mut written = if number.fract() == 0.0 && number.abs() < 9.0e15 {
                    toml_edit::Value::from(number as i64)
                } else {
                    toml_edit::Value::from(number)
                };
                if let Some(old) = section.get(key).and_then(toml_edit::Item::as_value) {
                    *written.decor_mut() = old.decor().clone();
                }
                section.insert(key, toml_edit::Item::Value(written));
            }
            None => {
                section.remove(key);
            }
        }
        if let Some(owner) = &owner {
            let mut written = toml_edit::Value::from(owner.as_str());
            if let Some(old) = section.get("owner").and_then(toml_edit::Item::as_value) {
                *written.decor_mut() = old.decor().clone();
            }
            section.insert("owner", toml_edit::Item::Value(written));
        }
        Ok(())
    })
}

/// Writes `bytes` to `path` so that a reader never sees half a file (see
/// [`write_atomically_with`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Writes what `write` produces (through a buffer, so a large report goes to disk as it is
/// serialised) to `path`, never destroying what is there:
/// - a symlink is followed: its target is written and the link stays a link;
/// - a regular file, or a path where nothing is yet, is written to a temporary file beside it,
///   synced, then renamed over it, so a crash leaves the old file or the new one, never half;
///   a replaced file keeps its permissions, a new one gets those of any new file (the umask
///   applies), not the temporary file's owner-only ones;
/// - anything else (a device such as `/dev/null`, a named pipe) is written straight through,
///   never replaced by a regular file.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = resolve_links(path)?;
    let existing = match std::fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    if let Some(metadata) = &existing {
        if metadata.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                format!("{} is a folder; give a file name", target.display()),
            ));
        }
        if !metadata.is_file() {
            let file = std::fs::OpenOptions::new().write(true).open(&target)?;
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut buffered)?;
            return std::io::Write::flush(&mut buffered);
        }
    }
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let temporary = builder.tempfile_in(directory)?;
    if let Some(metadata) = &existing {
        temporary
            .as_file()
            .set_permissions(metadata.permissions())?;
    }
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temporary);
    write(&mut buffered)?;
    let temporary = buffered.into_inner().map_err(|error| error.into_error())?;
    temporary.as_file().sync_all()?;
    temporary.persist(&target).map_err(|error| error.error)?;
    Ok(())
}

/// How many links in a row [`resolve_links`] follows before calling it a loop (Linux's own
/// limit is 40).
const MAX_LINKS: usize = 40;

/// `path` with every symlink at its end followed (a link to a link to a file gives the file);
/// a dangling link gives the path it points to, which writing then creates.
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let pointed = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if pointed.is_relative() => parent.join(pointed),
                    _ => pointed,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{} is a chain of more than {MAX_LINKS} links (a loop?)",
            path.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_are_read_and_unknown_columns_named_with_their_line() {
        let text = "[mapping.\"Umsatz\"]\ncolumn = \"revenue\"\n\n[mapping.\"Kosten\"]\ncolumn = \"costs\"\n";
        let (mappings, problems) = mappings_from_text(Path::new("coo-dashboard.toml"), text);
        assert_eq!(mappings.get("umsatz"), Some(&Field::Revenue));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(4));
        assert!(problems[0].message.contains("'costs' is not a column"));
    }

    #[test]
    fn the_line_index_gives_the_lines_line_of_gives() {
        let text = "a\nbc\n\nd";
        let lines = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(lines.line(offset), line_of(text, offset), "offset {offset}");
        }
        // "d" at offset 6 is on line 4 (three newlines before it).
        assert_eq!(lines.line(6), 4);
    }

    #[test]
    fn a_problem_echoes_a_huge_key_cut_and_without_control_characters() {
        let problem = ConfigProblem {
            file: PathBuf::from("rules.toml"),
            line: Some(3),
            key: Some(format!("metrics.\u{1b}[2J{}", "k".repeat(10_000))),
            message: "m".repeat(100_000),
        };
        let shown = problem.to_string();
        // The key is "metrics." (8) + ESC "[2J" (4) + 10,000 k = 10,012 characters. Shown:
        // "rules.toml line 3 (" + 120 + "… (10012 characters in all)): " + 480 + "… (100000
        // characters in all)": under 700 characters, and the ESC shown as U+FFFD.
        assert!(shown.chars().count() < 700, "{}", shown.len());
        assert!(!shown.contains('\u{1b}'));
        assert!(
            shown.contains("(10012 characters in all)")
                && shown.contains("(100000 characters in all)")
        );
    }

    #[test]
    fn source_departments_are_read_and_an_entry_without_one_is_named() {
        let text = "[mapping.\"Umsatz\"]\ncolumn = \"revenue\"\n\n[sources.\"finance/consulting_pnl.xlsx\"]\ndepartment = \"  Consulting \"\n\n[sources.\"./other.csv\"]\ndepartment = \"Retail  Shops\"\n\n[sources.\"bad.csv\"]\ndept = \"X\"\n";
        let (departments, problems) =
            source_departments_from_text(Path::new("coo-dashboard.toml"), text);
        assert_eq!(
            departments
                .get("finance/consulting_pnl.xlsx")
                .map(String::as_str),
            Some("Consulting")
        );
        assert_eq!(
            departments.get("other.csv").map(String::as_str),
            Some("Retail Shops")
        );
        assert_eq!(problems.len(), 1);
        // [sources."bad.csv"] is on line 10.
        assert_eq!(problems[0].line, Some(10));
    }

    #[test]
    fn saving_a_source_department_keeps_the_rest_and_reads_back() {
        let folder = tempfile::tempdir().unwrap();
        let before = "# our settings\n[metrics.nps]\nwarning_below = 25 # board asked\n";
        std::fs::write(folder.path().join(CONFIG_FILE), before).unwrap();
        save_source_department(folder.path(), "finance/consulting pnl.csv", "  Consulting ")
            .unwrap();
        let text = std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap();
        assert!(text.starts_with(before), "{text}");
        let (departments, problems) = FolderSettings::read(folder.path()).source_departments();
        assert!(problems.is_empty());
        assert_eq!(
            departments
                .get("finance/consulting pnl.csv")
                .map(String::as_str),
            Some("Consulting")
        );
        // An empty name is refused and nothing is written.
        assert!(save_source_department(folder.path(), "x.csv", " ").is_err());
        assert_eq!(
            std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap(),
            text
        );
    }

    #[test]
    fn broken_toml_is_reported_with_its_line() {
        let (mappings, problems) =
            mappings_from_text(Path::new("x.toml"), "[mapping.\"A\"]\ncolumn = \n");
        assert!(mappings.is_empty());
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn saving_a_mapping_changes_only_its_key_and_keeps_every_comment() {
        let folder = tempfile::tempdir().unwrap();
        let before = "# thresholds agreed with the board, 2026-09\n[metrics.nps]\nwarning_below = 25 # was 30\n\n[mapping.\"Umsatz\"]\ncolumn = \"revenue\"\n";
        std::fs::write(folder.path().join(CONFIG_FILE), before).unwrap();
        save_mapping(folder.path(), "Kosten", Field::Opex).unwrap();
        let after = std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap();
        // The file as it was, byte for byte, with the new table appended.
        assert_eq!(
            after,
            format!("{before}\n[mapping.Kosten]\ncolumn = \"opex\"\n")
        );
        save_mapping(folder.path(), "Umsatz", Field::Cogs).unwrap();
        let again = std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap();
        assert!(again.starts_with("# thresholds agreed with the board, 2026-09\n"));
        assert!(again.contains("warning_below = 25 # was 30"));
        assert!(again.contains("[mapping.\"Umsatz\"]\ncolumn = \"cogs\""));
    }

    #[test]
    fn a_settings_file_that_is_not_utf8_is_never_overwritten() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(CONFIG_FILE);
        // Windows-1252: "Umsätze" with ä as the single byte 0xE4, on line 4.
        let before = b"[metrics.nps]\nwarning_below = 25\n\n[mapping.\"Ums\xE4tze\"]\ncolumn = \"revenue\"\n".to_vec();
        std::fs::write(&path, &before).unwrap();
        let error = save_mapping(folder.path(), "Kosten", Field::Opex).unwrap_err();
        assert!(
            matches!(error, SettingsError::NotUtf8 { line: 4, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("nothing was saved"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_settings_file_that_does_not_parse_is_never_overwritten() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(CONFIG_FILE);
        let before = "[metrics.nps]\nwarning_below = \n";
        std::fs::write(&path, before).unwrap();
        let error = save_mapping(folder.path(), "Kosten", Field::Opex).unwrap_err();
        assert!(
            matches!(&error, SettingsError::Invalid(problem) if problem.line == Some(2)),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }

    #[test]
    fn a_bom_survives_a_save_and_a_missing_file_is_created() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(CONFIG_FILE);
        save_mapping(folder.path(), "Umsatz", Field::Revenue).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[mapping.Umsatz]\ncolumn = \"revenue\"\n"
        );
        std::fs::write(
            &path,
            b"\xEF\xBB\xBF# mine\n[metrics.nps]\nwarning_below = 25\n",
        )
        .unwrap();
        save_mapping(folder.path(), "Kosten", Field::Opex).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF# mine\n[metrics.nps]\nwarning_below = 25\n"));
    }

    #[test]
    fn a_key_the_user_made_something_else_refuses_the_save() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(CONFIG_FILE);
        std::fs::write(&path, "mapping = 3\n").unwrap();
        let error = save_mapping(folder.path(), "Kosten", Field::Opex).unwrap_err();
        assert!(matches!(error, SettingsError::Refused { .. }), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mapping = 3\n");
    }

    #[test]
    fn saving_a_mapping_keeps_the_rest_of_the_file() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(
            folder.path().join(CONFIG_FILE),
            "[metrics.nps]\nwarning_below = 25\n",
        )
        .unwrap();
        save_mapping(folder.path(), "Umsatz", Field::Revenue).unwrap();
        let text = std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap();
        assert!(text.contains("warning_below = 25"));
        let (mappings, problems) = FolderSettings::read(folder.path()).mappings();
        assert!(problems.is_empty());
        assert_eq!(mappings.get("umsatz"), Some(&Field::Revenue));
    }

    #[test]
    fn people_and_capacity_are_read_and_bad_values_named_with_their_line() {
        let text = "[people]\n\"Ana@Example.com\" = \"Engineering\"\n\"Bo Li\" = 3\n\n[capacity]\nhours_per_fte_month = 140\n";
        let (staffing, problems) = staffing_from_text(Path::new("coo-dashboard.toml"), text);
        assert_eq!(
            staffing.people.get(&person_key("ana@example.com").unwrap()),
            Some(&"Engineering".to_string())
        );
        assert_eq!(staffing.people.len(), 1);
        assert_eq!(staffing.hours_per_fte_month, 140.0);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        let (staffing, problems) = staffing_from_text(
            Path::new("x.toml"),
            "[capacity]\nhours_per_fte_month = -1\n",
        );
        assert_eq!(staffing.hours_per_fte_month, DEFAULT_HOURS_PER_FTE_MONTH);
        assert_eq!(problems[0].line, Some(2));
    }

    #[cfg(unix)]
    #[test]
    fn an_atomically_written_file_gets_the_permissions_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let plain = folder.path().join("plain.txt");
        std::fs::File::create(&plain).unwrap();
        let written = folder.path().join("written.html");
        write_atomically(&written, b"<p>pack</p>").unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&written),
            mode(&plain),
            "the umask decides, as for any new file"
        );
        assert_eq!(std::fs::read(&written).unwrap(), b"<p>pack</p>");
    }

    #[test]
    fn a_person_is_placed_respelt_and_taken_out_without_touching_anything_else() {
        let folder = tempfile::tempdir().unwrap();
        let before = "# HR's list, March\n[people]\n\"Ana@Example.com\" = \"Support\" # moved in May\n\n[capacity]\nhours_per_fte_month = 150\n";
        std::fs::write(folder.path().join(CONFIG_FILE), before).unwrap();
        // The same person in another spelling changes the existing line, not a second one.
        save_person_department(folder.path(), " ana@example.COM", Some("Engineering")).unwrap();
        let text = std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap();
        assert_eq!(
            text,
            "# HR's list, March\n[people]\n\"Ana@Example.com\" = \"Engineering\" # moved in May\n\n[capacity]\nhours_per_fte_month = 150\n"
        );
        save_person_department(folder.path(), "bo@example.com", Some("  Sales   Ops ")).unwrap();
        let (staffing, problems) = staffing_from_text(
            Path::new(CONFIG_FILE),
            &std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap(),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            staffing
                .people
                .get(&person_key("BO@example.com").unwrap())
                .map(String::as_str),
            Some("Sales Ops")
        );
        assert_eq!(staffing.hours_per_fte_month, 150.0);
        save_person_department(folder.path(), "ANA@example.com", None).unwrap();
        let text = std::fs::read_to_string(folder.path().join(CONFIG_FILE)).unwrap();
        assert!(!text.to_lowercase().contains("ana@example.com"), "{text}");
        assert!(text.starts_with("# HR's list, March\n[people]\n"), "{text}");
        assert!(text.contains("hours_per_fte_month = 150"), "{text}");
        // An empty department is refused, and the file is left as it was.
        let kept = std::fs::read(folder.path().join(CONFIG_FILE)).unwrap();
        assert!(save_person_department(folder.path(), "bo@example.com", Some("  ")).is_err());
        assert_eq!(
            std::fs::read(folder.path().join(CONFIG_FILE)).unwrap(),
            kept
        );
    }
}
