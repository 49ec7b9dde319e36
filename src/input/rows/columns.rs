//! One table's columns with their settled styles: each number column's decimal separator and
//! each date column's day or month first, decided once from all the column's values; the
//! typed reads every kind's parser uses (numbers, dates, months, durations, people).

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::NaiveDate;

use super::{Problem, header_seed};
use crate::input::headers::{Field, HeaderMap};
use crate::input::reader::{CellRef, RowView, TableNotes, TableRows};
use crate::input::survey::SurveyScan;
use crate::input::trackers;
use crate::input::values::{
    DateOrder, DateOrderTally, NumberStyle, NumberStyleTally, excel_serial_date, parse_date,
    parse_month, parse_number,
};
use crate::model::{Action, DataQualityIssue, Month, person_key};

/// Reads one column of one row, with the column's settled styles.
pub(super) struct Columns<'a> {
    pub(super) header: &'a HeaderMap,
    number_styles: HashMap<Field, NumberStyle>,
    date_orders: HashMap<Field, DateOrder>,
    /// The seed of row fingerprints: the headers normalised once.
    pub(super) header_seed: u64,
}

const NUMBER_FIELDS: &[Field] = &[
    Field::Revenue,
    Field::Cogs,
    Field::Opex,
    Field::Depreciation,
    Field::Amortization,
    Field::RevenueBudget,
    Field::CostBudget,
    Field::Amount,
    Field::BudgetCost,
    Field::ActualCost,
    Field::Fte,
    Field::AvailableHours,
    Field::BillableHours,
    Field::OutputUnits,
    Field::Score,
    Field::Mrr,
    Field::CustomersStart,
    Field::ChurnedCustomers,
    Field::NewCustomers,
    Field::Hours,
];

const DATE_FIELDS: &[Field] = &[
    Field::Month,
    Field::Date,
    Field::DueDate,
    Field::DeliveredDate,
    Field::StartDate,
    Field::EndDate,
];

impl<'a> Columns<'a> {
    /// Settles each number and date column's style from all its values, in one pass.
    pub(super) fn new(
        header: &'a HeaderMap,
        rows: &TableRows,
        skip: usize,
        notes: &TableNotes,
        file: &str,
        issues: &mut Vec<DataQualityIssue>,
        mut survey: Option<&mut SurveyScan>,
    ) -> Columns<'a> {
        let mut number_columns: Vec<(usize, Field, NumberStyleTally)> = Vec::new();
        let mut date_columns: Vec<(usize, Field, DateOrderTally)> = Vec::new();
        for (position, field) in header.fields.iter().enumerate() {
            let Some(field) = *field else { continue };
            if NUMBER_FIELDS.contains(&field) {
                number_columns.push((position, field, NumberStyleTally::default()));
            }
            if DATE_FIELDS.contains(&field) {
                date_columns.push((position, field, DateOrderTally::default()));
            }
        }
        if !number_columns.is_empty() || !date_columns.is_empty() || survey.is_some() {
            rows.scan(skip, |row| {
                if let Some(scan) = &mut survey {
                    scan.add(&row);
                }
                for (position, _, tally) in &mut number_columns {
                    if let CellRef::Text(text) = row.get(*position) {
                        tally.add(text);
                    }
                }
                for (position, _, tally) in &mut date_columns {
                    if let CellRef::Text(text) = row.get(*position) {
                        tally.add(text);
                    }
                }
                ControlFlow::Continue(())
            });
        }
        let number_styles = number_columns
            .iter()
            .map(|(_, field, tally)| (*field, tally.verdict(notes.number_style)))
            .collect();
        let mut date_orders = HashMap::new();
        for (position, field, tally) in &date_columns {
            let verdict = tally.verdict();
            if verdict.ambiguous && *field != Field::Month {
                issues.push(DataQualityIssue {
                    file: file.to_string(),
                    line: None,
                    column: Some(header.headers[*position].clone()),
                    value: None,
                    problem: "no date in this column shows whether it is day-first or month-first; read as month-first (MM/DD/YYYY)".to_string(),
                    action: Action::Assumed,
                });
            }
            date_orders.insert(*field, verdict.order);
        }
        Columns {
            header,
            number_styles,
            date_orders,
            header_seed: header_seed(header),
        }
    }

    pub(super) fn cell<'r>(
        &self,
        row: &RowView<'r>,
        field: Field,
    ) -> Option<(CellRef<'r>, &'a str)> {
        let position = self.header.position(field)?;
        Some((row.get(position), self.header.headers[position].as_str()))
    }

    pub(super) fn problem(column: &str, cell: CellRef<'_>, problem: String) -> Problem {
        Problem {
            column: column.to_string(),
            value: cell.as_text().trim().to_string(),
            problem,
        }
    }

    /// The row's department as written: its department column, or for a tracker's export the
    /// first non-empty of its department sources (SPEC §2b).
    pub(super) fn department_text<'r>(
        &self,
        row: &RowView<'r>,
    ) -> Option<std::borrow::Cow<'r, str>> {
        match &self.header.tracker {
            Some(tracker) => trackers::first_filled(&tracker.departments, |position| {
                Self::cell_text(row.get(position))
            }),
            None => self.text_ref(row, Field::Department),
        }
    }

    pub(super) fn position_of(&self, field: Field) -> usize {
        self.header.position(field).unwrap_or(usize::MAX)
    }

    pub(super) fn column_name(&self, field: Field) -> &'a str {
        self.header
            .position(field)
            .map_or(field.name(), |position| {
                self.header.headers[position].as_str()
            })
    }

    /// A time entry's hours: `HH:MM:SS`, `H:MM` or decimal hours (SPEC §2b), never negative.
    pub(super) fn hours(&self, row: &RowView<'_>) -> Result<f64, Problem> {
        let (cell, column) = self
            .cell(row, Field::Hours)
            .ok_or_else(|| self.blank(row, Field::Hours))?;
        let hours = match cell {
            CellRef::Text(text) => match trackers::clock_hours(text) {
                Some(hours) => hours.map_err(|problem| Self::problem(column, cell, problem))?,
                None => self.required_number(row, Field::Hours)?,
            },
            _ => self.required_number(row, Field::Hours)?,
        };
        if hours < 0.0 {
            return Err(Self::problem(column, cell, format!("{column} is negative")));
        }
        Ok(hours)
    }

    /// The decimal duration beside an `HH:MM:SS` one (Clockify writes both), with its column.
    pub(super) fn decimal_hours(&self, row: &RowView<'_>) -> Option<(f64, usize)> {
        let position = self.header.tracker.as_ref()?.decimal_hours?;
        let value = match row.get(position) {
            CellRef::Number(number) => number,
            CellRef::Text(text) => {
                let style = self
                    .number_styles
                    .get(&Field::Hours)
                    .copied()
                    .unwrap_or_default();
                parse_number(text, style).ok().flatten()?
            }
            _ => return None,
        };
        Some((value, position))
    }

    /// A time entry's person as the export writes them, for people to read: the email or
    /// user name, else first and last name.
    pub(super) fn person_name(&self, row: &RowView<'_>) -> String {
        let tracker = self.header.tracker.as_ref();
        let named = self
            .text_ref(row, Field::Person)
            .map(|name| name.trim().to_string())
            .or_else(|| {
                tracker
                    .and_then(|t| t.user)
                    .and_then(|position| self.text_at(row, position))
                    .map(|user| user.trim().to_string())
            })
            .filter(|name| !name.is_empty());
        named.unwrap_or_else(|| {
            let Some((first, last)) = tracker.and_then(|t| t.first_last) else {
                return String::new();
            };
            let first = self.text_at(row, first).unwrap_or_default();
            let last = last
                .and_then(|position| self.text_at(row, position))
                .unwrap_or_default();
            format!("{} {}", first.trim(), last.trim())
                .trim()
                .to_string()
        })
    }

    /// Who logged a time entry: the key of their email (else user name, else first and last
    /// name), and the key of the other name where the export has both.
    pub(super) fn person(&self, row: &RowView<'_>) -> Result<(u64, Option<u64>), Problem> {
        let tracker = self.header.tracker.as_ref();
        let user = tracker
            .and_then(|t| t.user)
            .and_then(|position| self.text_at(row, position))
            .and_then(|user| person_key(&user));
        let other = user.or_else(|| {
            let (first, last) = tracker?.first_last?;
            let first = self.text_at(row, first).unwrap_or_default();
            let last = last
                .and_then(|position| self.text_at(row, position))
                .unwrap_or_default();
            person_key(&format!("{first} {last}"))
        });
        let key = self
            .text_ref(row, Field::Person)
            .and_then(|main| person_key(&main))
            .or(other)
            .ok_or_else(|| Problem {
                column: self.column_name(Field::Person).to_string(),
                value: String::new(),
                problem: "the entry names no person (email or user); it is needed to count FTE"
                    .to_string(),
            })?;
        let alias = other.filter(|alias| *alias != key);
        Ok((key, alias))
    }

    /// Whether the file has a column the department can come from.
    pub(super) fn has_department_column(&self) -> bool {
        match &self.header.tracker {
            Some(tracker) => !tracker.departments.is_empty(),
            None => self.header.has(Field::Department),
        }
    }

    /// The text at `position`, trimmed; `None` when blank.
    pub(super) fn text_at<'r>(
        &self,
        row: &RowView<'r>,
        position: usize,
    ) -> Option<std::borrow::Cow<'r, str>> {
        Self::cell_text(row.get(position))
    }

    /// The text of a column the row cannot do without; blank is the row's problem.
    pub(super) fn required_text(&self, row: &RowView<'_>, field: Field) -> Result<String, Problem> {
        self.text(row, field).ok_or_else(|| self.blank(row, field))
    }

    pub(super) fn text(&self, row: &RowView<'_>, field: Field) -> Option<String> {
        self.text_ref(row, field).map(|text| text.into_owned())
    }

    /// The cell as trimmed text, borrowed where the cell is text; `None` when blank.
    pub(super) fn text_ref<'r>(
        &self,
        row: &RowView<'r>,
        field: Field,
    ) -> Option<std::borrow::Cow<'r, str>> {
        let (cell, _) = self.cell(row, field)?;
        Self::cell_text(cell)
    }

    pub(super) fn cell_text<'r>(cell: CellRef<'r>) -> Option<std::borrow::Cow<'r, str>> {
        let text: std::borrow::Cow<'r, str> = match cell {
            CellRef::Text(text) => text.trim().into(),
            CellRef::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                format!("{}", number as i64).into()
            }
            other => other.as_text().trim().to_string().into(),
        };
        (!text.is_empty()).then_some(text)
    }

    pub(super) fn number(&self, row: &RowView<'_>, field: Field) -> Result<Option<f64>, Problem> {
        let Some((cell, column)) = self.cell(row, field) else {
            return Ok(None);
        };
        match cell {
            CellRef::Empty => Ok(None),
            CellRef::Number(number) => Ok(Some(number)),
            CellRef::Text(text) => {
                let style = self.number_styles.get(&field).copied().unwrap_or_default();
                parse_number(text, style).map_err(|problem| Self::problem(column, cell, problem))
            }
            CellRef::Date(_) => Err(Self::problem(
                column,
                cell,
                format!("a date where {column} should be a number"),
            )),
            CellRef::Error(error) => Err(Self::problem(
                column,
                cell,
                format!(
                    "the spreadsheet cell shows the error {error}; fix the formula in the source file"
                ),
            )),
        }
    }

    pub(super) fn required_number(&self, row: &RowView<'_>, field: Field) -> Result<f64, Problem> {
        let value = self.number(row, field)?;
        value.ok_or_else(|| self.blank(row, field))
    }

    pub(super) fn blank(&self, row: &RowView<'_>, field: Field) -> Problem {
        let column = self
            .cell(row, field)
            .map_or(field.name(), |(_, column)| column);
        Problem {
            column: column.to_string(),
            value: String::new(),
            problem: format!("{column} is blank; it is required"),
        }
    }

    pub(super) fn date(
        &self,
        row: &RowView<'_>,
        field: Field,
    ) -> Result<Option<NaiveDate>, Problem> {
        let Some((cell, column)) = self.cell(row, field) else {
            return Ok(None);
        };
        match cell {
            CellRef::Empty => Ok(None),
            CellRef::Date(date) => Ok(Some(date)),
            CellRef::Number(serial) => excel_serial_date(serial)
                .map(Some)
                .ok_or_else(|| Self::problem(column, cell, format!("{serial} is not a date"))),
            CellRef::Text(text) if text.trim().is_empty() => Ok(None),
            CellRef::Text(text) => {
                let order = self
                    .date_orders
                    .get(&field)
                    .copied()
                    .unwrap_or(DateOrder::MonthFirst);
                parse_date(text, order)
                    .map(Some)
                    .map_err(|problem| Self::problem(column, cell, problem))
            }
            CellRef::Error(error) => Err(Self::problem(
                column,
                cell,
                format!("the spreadsheet cell shows the error {error}"),
            )),
        }
    }

    pub(super) fn required_date(
        &self,
        row: &RowView<'_>,
        field: Field,
    ) -> Result<NaiveDate, Problem> {
        self.date(row, field)?.ok_or_else(|| self.blank(row, field))
    }

    pub(super) fn month(&self, row: &RowView<'_>, field: Field) -> Result<Month, Problem> {
        let Some((cell, column)) = self.cell(row, field) else {
            return Err(self.blank(row, field));
        };
        match cell {
            CellRef::Date(date) => Ok(Month::of(date)),
            CellRef::Number(number)
                if (190_001.0..=999_912.0).contains(&number) && number.fract() == 0.0 =>
            {
                // `202603` read as a number by a spreadsheet.
                let value = number as i32;
                Month::new(value / 100, (value % 100) as u32)
                    .ok_or_else(|| Self::problem(column, cell, format!("{value} is not a month")))
            }
            CellRef::Number(serial) => excel_serial_date(serial)
                .map(Month::of)
                .ok_or_else(|| Self::problem(column, cell, format!("{serial} is not a month"))),
            CellRef::Text(text) => {
                let order = self
                    .date_orders
                    .get(&field)
                    .copied()
                    .unwrap_or(DateOrder::MonthFirst);
                parse_month(text, order).map_err(|problem| Self::problem(column, cell, problem))
            }
            CellRef::Empty => Err(self.blank(row, field)),
            CellRef::Error(error) => Err(Self::problem(
                column,
                cell,
                format!("the spreadsheet cell shows the error {error}"),
            )),
        }
    }

    /// The row's month: its month column, or the month of its date column.
    pub(super) fn month_or_date(&self, row: &RowView<'_>) -> Result<Month, Problem> {
        if self.header.has(Field::Date) {
            self.required_date(row, Field::Date).map(Month::of)
        } else {
            self.month(row, Field::Month)
        }
    }
}
