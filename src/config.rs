//! The data folder's own settings, `coo-dashboard.toml`: header mappings now (SPEC §1), rules
//! (SPEC §4) read by the escalations module from the same file. A broken file never stops the
//! app: its problem is reported with the line and the built-in defaults apply.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::input::headers::{Field, UserMappings, normalise_header};
use crate::model::person_key;

/// The file name of the data folder's settings.
pub const CONFIG_FILE: &str = "coo-dashboard.toml";

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
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
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

/// The header mappings of `DATA_DIR/coo-dashboard.toml`, with any problems found in it.
pub fn load_mappings(data_dir: &Path) -> (UserMappings, Vec<ConfigProblem>) {
    let path = data_dir.join(CONFIG_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (UserMappings::new(), Vec::new());
    };
    mappings_from_text(&path, &text)
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

/// Hours one FTE is available in a month when `[capacity] hours_per_fte_month` is not set.
pub const DEFAULT_HOURS_PER_FTE_MONTH: f64 = 160.0;

/// `[people]` (time-tracker person → department) and `[capacity]` (SPEC §2b, §4).
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    /// [`person_key`] of the person as written in `[people]` → department as written.
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

/// The `[people]` and `[capacity]` settings of `DATA_DIR/coo-dashboard.toml`, with any problems
/// (a bad value is named with its line and left out; the rest applies).
pub fn load_staffing(data_dir: &Path) -> (Staffing, Vec<ConfigProblem>) {
    let path = data_dir.join(CONFIG_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (Staffing::default(), Vec::new());
    };
    staffing_from_text(&path, &text)
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

/// Adds or replaces a header mapping in the data folder's settings, keeping everything else
/// in the file, and writes it atomically (temp file, then rename).
pub fn save_mapping(data_dir: &Path, header: &str, field: Field) -> std::io::Result<()> {
    let path = data_dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut document: toml::Table = toml::from_str(&text).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {}", path.display(), error.message()),
        )
    })?;
    let mapping = document
        .entry("mapping")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(mapping) = mapping.as_table_mut() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: 'mapping' is not a table", path.display()),
        ));
    };
    let mut entry = toml::Table::new();
    entry.insert(
        "column".to_string(),
        toml::Value::String(field.name().to_string()),
    );
    mapping.insert(header.to_string(), toml::Value::Table(entry));
    let rendered = toml::to_string_pretty(&document).map_err(std::io::Error::other)?;
    write_atomically(&path, rendered.as_bytes())
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames it over `path`, so a
/// crash leaves either the old file or the new one, never half of one. The file gets the
/// permissions any newly created file gets (the umask applies), not the temporary file's
/// owner-only ones: a board pack written for others to read must be readable.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// As [`write_atomically`], with the content written by `write` (through a buffer) rather than
/// held in memory first: a large report goes to disk as it is serialised.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let directory = path.parent().unwrap_or_else(|| Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let temporary = builder.tempfile_in(directory)?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temporary);
    write(&mut buffered)?;
    let temporary = buffered.into_inner().map_err(|error| error.into_error())?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
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
    fn broken_toml_is_reported_with_its_line() {
        let (mappings, problems) =
            mappings_from_text(Path::new("x.toml"), "[mapping.\"A\"]\ncolumn = \n");
        assert!(mappings.is_empty());
        assert_eq!(problems[0].line, Some(2));
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
        let (mappings, problems) = load_mappings(folder.path());
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
}
