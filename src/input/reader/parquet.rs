//! Parquet files through polars. The header is the column names; rows are numbered as if the
//! header were line 1, so data-quality lines read like a CSV's.

use std::io::Cursor;

use chrono::NaiveDate;
use polars::prelude::*;

use super::{Cell, RawRow, RawTable, ReadError, TableNotes};

pub fn read_parquet(bytes: &[u8]) -> Result<RawTable, ReadError> {
    let frame = ParquetReader::new(Cursor::new(bytes.to_vec()))
        .finish()
        .map_err(|error| ReadError::Parquet(error.to_string()))?;
    let height = frame.height();
    let mut rows: Vec<RawRow> = Vec::with_capacity(height + 1);
    rows.push(RawRow {
        line: 1,
        cells: frame
            .get_column_names()
            .iter()
            .map(|name| Cell::Text(name.to_string()))
            .collect(),
    });
    rows.extend((0..height).map(|index| RawRow {
        line: index + 2,
        cells: Vec::with_capacity(frame.width()),
    }));
    for column in frame.columns() {
        let series = column.as_materialized_series();
        let cells = column_cells(series).map_err(|error| ReadError::Parquet(error.to_string()))?;
        for (row, cell) in rows.iter_mut().skip(1).zip(cells) {
            row.cells.push(cell);
        }
    }
    Ok(RawTable {
        sheet: None,
        rows: rows.into(),
        notes: TableNotes::default(),
    })
}

fn column_cells(series: &Series) -> PolarsResult<Vec<Cell>> {
    let dtype = series.dtype();
    if dtype.is_primitive_numeric() {
        let values = series.cast(&DataType::Float64)?;
        return Ok(values
            .f64()?
            .iter()
            .map(|value| value.map_or(Cell::Empty, Cell::Number))
            .collect());
    }
    if matches!(dtype, DataType::Date) {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let days = series.cast(&DataType::Int32)?;
        return Ok(days
            .i32()?
            .iter()
            .map(|value| {
                value
                    .and_then(|days| {
                        epoch.checked_add_signed(chrono::Duration::days(i64::from(days)))
                    })
                    .map_or(Cell::Empty, Cell::Date)
            })
            .collect());
    }
    let text = series.cast(&DataType::String)?;
    Ok(text
        .str()?
        .iter()
        .map(|value| value.map_or(Cell::Empty, |text| Cell::Text(text.to_string())))
        .collect())
}
