//! The data folder's own settings, `coo-dashboard.toml`: header mappings now (SPEC §1), rules
//! (SPEC §4) read by the escalations module from the same file. A broken file never stops the
//! app: its problem is reported with the line and the built-in defaults apply.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::input::headers::{Field, UserMappings, normalise_header};

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

/// `[sources."PATH"] department = "…"`: a whole file belongs to one department (SPEC §4).
#[derive(Debug, Default, Deserialize)]
struct SourcesSection {
    #[serde(default)]
    sources: BTreeMap<String, toml::Value>,
}

/// The `[sources]` settings: file path (relative to the data folder, `/`-separated) →
/// department.
pub type SourceDepartments = BTreeMap<String, String>;

/// The `[sources."PATH"] department` settings of `DATA_DIR/coo-dashboard.toml`, with any
/// problems found in them (a broken file is reported by [`load_mappings`] already).
pub fn load_source_departments(data_dir: &Path) -> (SourceDepartments, Vec<ConfigProblem>) {
    let path = data_dir.join(CONFIG_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (SourceDepartments::new(), Vec::new());
    };
    source_departments_from_text(&path, &text)
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
