//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) through calamine. Every sheet is
//! returned; the loader takes the first one with a recognisable header. Formula cells yield
//! their cached values, except a cached 0 whose formula is a plain number (`=5000.00`), which
//! is that number; date-formatted cells become dates.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::{Cell, RawRow, RawTable, ReadError, TableNotes};
use chrono::NaiveDate;

pub fn read_sheets(bytes: &[u8]) -> Result<Vec<RawTable>, ReadError> {
    if bytes.starts_with(OLE_MAGIC) {
        check_ole_chains(bytes).map_err(ReadError::Spreadsheet)?;
    }
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|error| ReadError::Spreadsheet(error.to_string()))?;
    let mut tables = Vec::new();
    let mut first_error = None;
    for (sheet, range) in sheets(&mut workbook, &mut first_error) {
        let Some((first_row, first_column)) = range.start() else {
            continue;
        };
        let formulas = plain_number_formulas(&mut workbook, &sheet, &range);
        let rows = range
            .rows()
            .enumerate()
            .map(|(index, cells)| RawRow {
                line: first_row as usize + index + 1,
                cells: cells
                    .iter()
                    .enumerate()
                    .map(|(column, data)| {
                        let at = (first_row + index as u32, first_column + column as u32);
                        match formulas.as_ref().and_then(|f| f.get_value(at)) {
                            Some(formula) if is_zero(data) => {
                                plain_number(formula).map_or_else(|| cell(data), Cell::Number)
                            }
                            _ => cell(data),
                        }
                    })
                    .collect(),
            })
            .filter(|row| row.cells.iter().any(|cell| !cell.is_blank()))
            .collect::<Vec<_>>();
        tables.push(RawTable {
            sheet: Some(sheet),
            rows: rows.into(),
            notes: TableNotes::default(),
        });
    }
    match (tables.is_empty(), first_error) {
        (true, Some(error)) => Err(ReadError::Spreadsheet(error)),
        _ => Ok(tables),
    }
}

const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// FAT values at or above this are markers (end of chain, free, FAT or DIFAT sector).
const FIRST_MARKER: u32 = 0xFFFF_FFFA;

/// Checks that no sector chain of an OLE container (legacy `.xls`, encrypted Office files)
/// loops back on itself. calamine follows such a chain forever, growing a buffer until the
/// process runs out of memory — a 5 KB file found by the fuzzer did exactly that — and an
/// allocation failure cannot be caught, so the file is refused before calamine sees it.
fn check_ole_chains(bytes: &[u8]) -> Result<(), String> {
    let u32_at = |offset: usize| {
        bytes
            .get(offset..offset + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let too_short = || "the file ends inside its header".to_string();
    let shift = bytes
        .get(0x1E..0x20)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(too_short)?;
    if !(7..=16).contains(&shift) {
        return Err(format!(
            "its sector size 2^{shift} is not one Office writes"
        ));
    }
    let sector_size = 1usize << shift;
    let sector = |id: u32| {
        let start = (id as usize).checked_add(1)?.checked_mul(sector_size)?;
        bytes
            .get(start..(start + sector_size).min(bytes.len()))
            .filter(|s| !s.is_empty())
    };
    let entries = |data: &[u8]| -> Vec<u32> {
        data.chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    let max_sectors = bytes.len() / sector_size + 1;

    // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(0x4C + 4 * i))
        .filter(|&id| id < FIRST_MARKER)
        .collect();
    let mut difat = u32_at(0x44).ok_or_else(too_short)?;
    let mut hops = 0;
    while difat < FIRST_MARKER {
        hops += 1;
        if hops > max_sectors {
            return Err("its sector allocation table list loops".to_string());
        }
        let Some(data) = sector(difat) else { break };
        let ids = entries(data);
        let (next, ids) = ids
            .split_last()
            .map_or((FIRST_MARKER, &[][..]), |(next, ids)| (*next, ids));
        fat_sectors.extend(ids.iter().copied().filter(|&id| id < FIRST_MARKER));
        difat = next;
    }
    let fat: Vec<u32> = fat_sectors
        .iter()
        .filter_map(|&id| sector(id))
        .flat_map(entries)
        .collect();
    if has_cycle(&fat) {
        return Err("its sector chains loop back on themselves".to_string());
    }
    // The mini FAT lives in a (now known to end) FAT chain; its own chains must end too.
    let mut mini_fat = Vec::new();
    let mut next = u32_at(0x3C).ok_or_else(too_short)?;
    while next < FIRST_MARKER && (next as usize) < fat.len() {
        let Some(data) = sector(next) else { break };
        mini_fat.extend(entries(data));
        next = fat[next as usize];
    }
    if has_cycle(&mini_fat) {
        return Err("its small-stream chains loop back on themselves".to_string());
    }
    Ok(())
}

/// True when following `next[i]` from some entry comes back to an entry of the same walk.
fn has_cycle(next: &[u32]) -> bool {
    // 0 = not seen, 1 = on the current walk, 2 = known to end.
    let mut state = vec![0u8; next.len()];
    for start in 0..next.len() {
        let mut walk = Vec::new();
        let mut current = start;
        loop {
            match state[current] {
                1 => return true,
                2 => break,
                _ => {}
            }
            state[current] = 1;
            walk.push(current);
            let following = next[current];
            if following >= FIRST_MARKER || following as usize >= next.len() {
                break;
            }
            current = following as usize;
        }
        for index in walk {
            state[index] = 2;
        }
    }
    false
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

/// The formulas of a sheet that holds cells with a cached value of 0, which may be formulas
/// such as `=5000.00` whose value was never calculated (QuickBooks writes its Trial Balance
/// so). `None` when no cell is 0 or the format gives no formulas.
fn plain_number_formulas<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Sheets<RS>,
    sheet: &str,
    range: &calamine::Range<Data>,
) -> Option<calamine::Range<String>> {
    if !range.used_cells().any(|(_, _, data)| is_zero(data)) {
        return None;
    }
    workbook.worksheet_formula(sheet).ok()
}

fn is_zero(data: &Data) -> bool {
    match data {
        Data::Float(number) => *number == 0.0,
        Data::Int(number) => *number == 0,
        Data::Empty => true,
        _ => false,
    }
}

/// A formula that is a plain number (`=5000.00`, `-12.5`): that number; any other formula
/// (`=B8`, `=SUM(B2:B9)`) is `None` and its cached value stands.
fn plain_number(formula: &str) -> Option<f64> {
    let text = formula.trim();
    let text = text.strip_prefix('=').unwrap_or(text).trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if plain { text.parse().ok() } else { None }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_number_formulas_are_numbers() {
        assert_eq!(plain_number("=5000.00"), Some(5000.0));
        assert_eq!(plain_number("5000.00"), Some(5000.0));
        assert_eq!(plain_number("=-12.5"), Some(-12.5));
        assert_eq!(plain_number("=B8"), None);
        assert_eq!(plain_number("=B10+B11"), None);
        assert_eq!(plain_number("=1.2.3"), None);
        assert_eq!(plain_number("="), None);
    }

    #[test]
    fn chains_that_end_pass_and_a_loop_is_found() {
        // 0 → 1 → 2 → end; 3 → 1 (joins an ending chain); 4 free.
        assert!(!has_cycle(&[1, 2, 0xFFFF_FFFE, 1, 0xFFFF_FFFF]));
        // 0 → 1 → 2 → 0.
        assert!(has_cycle(&[1, 2, 0]));
        // A sector pointing at itself.
        assert!(has_cycle(&[0xFFFF_FFFE, 1]));
    }
}
