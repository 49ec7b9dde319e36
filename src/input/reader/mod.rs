//! Turning one file into rows of cells, whatever its format. One reader per format (delimited
//! text, spreadsheets, Parquet), chosen from the file's first bytes and then its extension, so a
//! spreadsheet saved as `.csv` is still read as a spreadsheet.

mod parquet;
mod spreadsheet;
mod text;

use std::ops::ControlFlow;

use chrono::NaiveDate;
use thiserror::Error;

pub use text::{TextRows, decode, sniff_delimiter};

use crate::input::values::NumberStyle;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A numeric spreadsheet or Parquet cell.
    Number(f64),
    /// A spreadsheet cell formatted as a date.
    Date(NaiveDate),
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    /// The cell as text: what the user would see in it.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Empty => "".into(),
            Cell::Text(text) => text.as_str().into(),
            Cell::Number(number) => number.to_string().into(),
            Cell::Date(date) => date.to_string().into(),
            Cell::Error(error) => error.as_str().into(),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

impl Cell {
    /// The cell borrowed, as [`RowView`] hands out cells.
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Text(text) => CellRef::Text(text),
            Cell::Number(number) => CellRef::Number(*number),
            Cell::Date(date) => CellRef::Date(*date),
            Cell::Error(error) => CellRef::Error(error),
        }
    }
}

/// One cell, borrowed from the table that holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Date(NaiveDate),
    Error(&'a str),
}

impl<'a> CellRef<'a> {
    /// The cell as text: what the user would see in it.
    pub fn as_text(&self) -> std::borrow::Cow<'a, str> {
        match *self {
            CellRef::Empty => "".into(),
            CellRef::Text(text) | CellRef::Error(text) => text.into(),
            CellRef::Number(number) => number.to_string().into(),
            CellRef::Date(date) => date.to_string().into(),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            CellRef::Empty => true,
            CellRef::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row and where it stands in the file: the physical line (header = 1 when the header is
/// the first line) or the spreadsheet row.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// One row of a table, whichever way the table keeps its rows.
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    pub line: usize,
    cells: RowCells<'a>,
}

#[derive(Debug, Clone, Copy)]
enum RowCells<'a> {
    Cells(&'a [Cell]),
    Record(&'a csv::StringRecord),
}

impl<'a> RowView<'a> {
    /// How many fields the row has (a text row may be shorter or longer than its header).
    pub fn len(&self) -> usize {
        match self.cells {
            RowCells::Cells(cells) => cells.len(),
            RowCells::Record(record) => record.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell at `position`; [`CellRef::Empty`] past the end of the row.
    pub fn get(&self, position: usize) -> CellRef<'a> {
        match self.cells {
            RowCells::Cells(cells) => cells.get(position).map_or(CellRef::Empty, Cell::as_ref),
            RowCells::Record(record) => record.get(position).map_or(CellRef::Empty, CellRef::Text),
        }
    }

    pub fn cells(&self) -> impl Iterator<Item = CellRef<'a>> + use<'a> {
        let view = *self;
        (0..view.len()).map(move |position| view.get(position))
    }
}

/// The rows of a table. Spreadsheets and Parquet hold their cells; delimited text keeps only the
/// decoded text and reads its records again on every pass, so a million-row export never exists
/// as a million rows of strings.
#[derive(Debug, Clone, PartialEq)]
pub enum TableRows {
    Cells(Vec<RawRow>),
    Text(text::TextRows),
}

impl From<Vec<RawRow>> for TableRows {
    fn from(rows: Vec<RawRow>) -> TableRows {
        TableRows::Cells(rows)
    }
}

impl TableRows {
    /// Calls `visit` with each non-blank row from the `skip`-th on, in file order, until it
    /// returns `Break`.
    pub fn scan(&self, skip: usize, mut visit: impl FnMut(RowView<'_>) -> ControlFlow<()>) {
        match self {
            TableRows::Cells(rows) => {
                for row in rows.iter().skip(skip) {
                    let view = RowView {
                        line: row.line,
                        cells: RowCells::Cells(&row.cells),
                    };
                    if visit(view).is_break() {
                        return;
                    }
                }
            }
            TableRows::Text(text) => text.scan(skip, |line, record| {
                visit(RowView {
                    line,
                    cells: RowCells::Record(record),
                })
            }),
        }
    }

    /// About how many rows the table has (at least as many as it has): sizes the typed rows
    /// once instead of growing them by doubling.
    pub fn estimated_len(&self) -> usize {
        match self {
            TableRows::Cells(rows) => rows.len(),
            TableRows::Text(text) => text.line_count(),
        }
    }

    /// The `index`-th non-blank row's line number.
    pub fn line_of(&self, index: usize) -> Option<usize> {
        let mut line = None;
        self.scan(index, |row| {
            line = Some(row.line);
            ControlFlow::Break(())
        });
        line
    }
}

/// What a reader noticed about the file as a whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableNotes {
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
    /// The decimal separator to assume where a column's values do not settle it.
    pub number_style: NumberStyle,
    /// Problems that did not stop the reading, in plain words.
    pub warnings: Vec<String>,
}

/// A file (or one sheet of it) as rows, header not yet found.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    pub sheet: Option<String>,
    pub rows: TableRows,
    pub notes: TableNotes,
}

/// Why a file could not be read at all. Each message says what to do.
#[derive(Debug, Error)]
pub enum ReadError {
    #[error("the file is empty; export it again from the source system")]
    Empty,
    #[error(
        "the file is binary, not a text export or a spreadsheet; check that it is the file you meant to export"
    )]
    Binary,
    #[error(
        "the spreadsheet could not be opened ({0}); open it in Excel or LibreOffice and save it again as .xlsx or .csv"
    )]
    Spreadsheet(String),
    #[error("the Parquet file could not be read ({0}); export it again")]
    Parquet(String),
    #[error("the file could not be read ({0}); check that it exists and that you may read it")]
    Io(#[from] std::io::Error),
}

/// The file formats this app reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Spreadsheet,
    Parquet,
}

/// Extensions the folder scan picks up.
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "csv", "tsv", "txt", "xlsx", "xlsm", "xls", "xlsb", "ods", "parquet",
];

/// The format from the file's first bytes, falling back to its extension.
pub fn detect_format(bytes: &[u8], extension: &str) -> Format {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    const PARQUET: &[u8] = b"PAR1";
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        Format::Spreadsheet
    } else if bytes.starts_with(PARQUET) {
        Format::Parquet
    } else {
        match extension.to_ascii_lowercase().as_str() {
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Format::Spreadsheet,
            "parquet" => Format::Parquet,
            _ => Format::Text,
        }
    }
}

/// True when the bytes look like a binary file rather than text: more than one character in ten
/// a control character (C0 but tab, line breaks and form feed; DEL; C1) or undecodable. Random
/// bytes decoded as Windows-1252 have 34 of 256 such (13%); C0 alone (28, 11%) left a 4 KiB
/// random file a coin toss from the threshold.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let decoded = decode(sample);
    let total = decoded.text.chars().count().max(1);
    let control = decoded
        .text
        .chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) || c == '\u{fffd}'
        })
        .count();
    control * 10 > total
}

/// Reads every table a file holds: one for text and Parquet, one per sheet for spreadsheets.
/// Takes the bytes so that a UTF-8 text file becomes its text without a copy.
pub fn read_tables(bytes: Vec<u8>, extension: &str) -> Result<Vec<RawTable>, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    match detect_format(&bytes, extension) {
        Format::Spreadsheet => spreadsheet::read_sheets(&bytes),
        Format::Parquet => parquet::read_parquet(&bytes).map(|table| vec![table]),
        Format::Text if looks_binary(&bytes) => Err(ReadError::Binary),
        Format::Text => text::read_text(bytes).map(|table| vec![table]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_content_before_extension() {
        assert_eq!(detect_format(b"PK\x03\x04rest", "csv"), Format::Spreadsheet);
        assert_eq!(detect_format(b"PAR1....", "dat"), Format::Parquet);
        assert_eq!(detect_format(b"month,revenue", "csv"), Format::Text);
        assert_eq!(detect_format(b"junk", "XLSX"), Format::Spreadsheet);
    }

    #[test]
    fn every_4_kib_of_random_bytes_is_named_binary() {
        // xorshift32: 1,000 different 4 KiB files of uniformly random bytes.
        let mut state = 0x9E37_79B9_u32;
        for file in 0..1000 {
            let bytes: Vec<u8> = (0..4096)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    (state >> 24) as u8
                })
                .collect();
            assert!(
                matches!(read_tables(bytes, "csv"), Err(ReadError::Binary)),
                "random file {file} was not named binary"
            );
        }
    }

    #[test]
    fn binary_bytes_and_empty_files_are_named_as_such() {
        let binary: Vec<u8> = (0u8..=255).cycle().take(2000).collect();
        assert!(matches!(read_tables(binary, "csv"), Err(ReadError::Binary)));
        assert!(matches!(
            read_tables(b"  \n\r\n".to_vec(), "csv"),
            Err(ReadError::Empty)
        ));
        assert!(matches!(
            read_tables(Vec::new(), "csv"),
            Err(ReadError::Empty)
        ));
    }
}
