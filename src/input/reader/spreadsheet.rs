//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) through calamine. Every sheet is
//! returned; the loader takes the first one with a recognisable header. Formula cells yield
//! their cached values; date-formatted cells become dates.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::{Cell, RawRow, RawTable, ReadError, TableNotes};
use chrono::NaiveDate;

pub fn read_sheets(bytes: &[u8]) -> Result<Vec<RawTable>, ReadError> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|error| ReadError::Spreadsheet(error.to_string()))?;
    let mut tables = Vec::new();
    let mut first_error = None;
    for (sheet, range) in sheets(&mut workbook, &mut first_error) {
        let Some((first_row, _)) = range.start() else {
            continue;
        };
        let rows = range
            .rows()
            .enumerate()
            .map(|(index, cells)| RawRow {
                line: first_row as usize + index + 1,
                cells: cells.iter().map(cell).collect(),
            })
            .filter(|row| row.cells.iter().any(|cell| !cell.is_blank()))
            .collect();
        tables.push(RawTable {
            sheet: Some(sheet),
            rows,
            notes: TableNotes::default(),
        });
    }
    match (tables.is_empty(), first_error) {
        (true, Some(error)) => Err(ReadError::Spreadsheet(error)),
        _ => Ok(tables),
    }
}

fn sheets<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Sheets<RS>,
    first_error: &mut Option<String>,
) -> Vec<(String, calamine::Range<Data>)> {
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    for name in names {
        match workbook.worksheet_range(&name) {
            Ok(range) => sheets.push((name, range)),
            Err(error) => {
                first_error.get_or_insert_with(|| format!("sheet '{name}': {error}"));
            }
        }
    }
    sheets
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => Cell::Text(text.clone()),
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Float(number) => Cell::Number(*number),
        Data::Bool(flag) => Cell::Text(flag.to_string()),
        Data::DateTime(datetime) if datetime.is_datetime() && datetime.as_f64() >= 1.0 => {
            // calamine knows the workbook's epoch (1900 or 1904).
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
                .map_or(Cell::Number(datetime.as_f64()), Cell::Date)
        }
        Data::DateTime(datetime) => Cell::Number(datetime.as_f64()),
        Data::DateTimeIso(text) | Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Error(error.to_string()),
    }
}
