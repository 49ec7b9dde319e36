//! From a table with a recognised header to typed rows of its kind. Each column's style (decimal
//! separator, day-first or month-first) is decided once from all its values; each bad value
//! becomes a data-quality entry naming the line, the column and the value, and a bad row never
//! stops the others.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::ControlFlow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::headers::{Field, HeaderMap, Recognised, normalise_header};
use super::reader::{CellRef, RowView, TableNotes, TableRows};
use super::survey::{
    CsatCell, Label, NotAResponse, SurveyScan, csat_cell, is_more_header, not_a_response,
    nps_score, scale_from_header,
};
use super::trackers;
use super::values::{
    DateOrder, DateOrderTally, NumberStyle, NumberStyleTally, excel_serial_date, parse_date,
    parse_month, parse_number,
};
use crate::model::{
    Action, CsatRating, CsatScale, CustomerRow, CustomerSummaryRow, DataQualityIssue, DeliveryRow,
    DepartmentId, Departments, FinanceRow, Kind, Month, NpsResponse, PersonSeen, RowRef, Shape,
    TimeEntry, WorkforceRow, person_key,
};

/// A typed row with where it came from and a fingerprint of its raw cells (for exact-duplicate
/// detection across files).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parsed<T> {
    pub origin: RowRef,
    pub fingerprint: u64,
    pub row: T,
}

/// A P&L category a ledger posting books to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Revenue,
    Cogs,
    Opex,
    Depreciation,
    Amortization,
}

/// One ledger posting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Posting {
    pub month: Month,
    pub department: Option<DepartmentId>,
    pub category: Category,
    pub amount: f64,
}

/// The typed rows of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ParsedRows {
    FinanceWide(Vec<Parsed<FinanceRow>>),
    FinanceLedger(Vec<Parsed<Posting>>),
    Deliveries(Vec<Parsed<DeliveryRow>>),
    Workforce(Vec<Parsed<WorkforceRow>>),
    Nps(Vec<Parsed<NpsResponse>>),
    Csat(Vec<Parsed<CsatRating>>),
    Customers(Vec<Parsed<CustomerRow>>),
    CustomerSummary(Vec<Parsed<CustomerSummaryRow>>),
    /// A file of several survey types split by row (SPEC §2b): its NPS responses and its CSAT
    /// ratings.
    Surveys(Vec<Parsed<NpsResponse>>, Vec<Parsed<CsatRating>>),
    /// A time tracker's entries, summed into workforce months when the folder is combined.
    /// Everyone who logged time in the file, as they are listed for `[people]`.
    TimeEntries(Vec<Parsed<TimeEntry>>, Vec<PersonSeen>),
}

impl ParsedRows {
    pub fn len(&self) -> usize {
        match self {
            ParsedRows::FinanceWide(rows) => rows.len(),
            ParsedRows::FinanceLedger(rows) => rows.len(),
            ParsedRows::Deliveries(rows) => rows.len(),
            ParsedRows::Workforce(rows) => rows.len(),
            ParsedRows::Nps(rows) => rows.len(),
            ParsedRows::Csat(rows) => rows.len(),
            ParsedRows::Customers(rows) => rows.len(),
            ParsedRows::CustomerSummary(rows) => rows.len(),
            ParsedRows::Surveys(nps, csat) => nps.len() + csat.len(),
            ParsedRows::TimeEntries(rows, _) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Renumbers departments after a file was read with its own [`Departments`]: `map[local]`
    /// is the id in the folder's departments.
    pub fn remap_departments(&mut self, map: &[Option<DepartmentId>]) {
        self.for_each_row(&mut |row| {
            let department = row.department_mut();
            *department = department.and_then(|local| map.get(local as usize).copied().flatten());
        });
    }

    /// Points every row at source `source` (a cached reading of a file that now sits at another
    /// place in the folder's order).
    pub fn set_source(&mut self, source: u32) {
        self.for_each_row(&mut |row| {
            if let Some(origin) = row.origin_mut() {
                origin.source = source;
            }
        });
        fn outer<T>(rows: &mut [Parsed<T>], source: u32) {
            rows.iter_mut()
                .for_each(|parsed| parsed.origin.source = source);
        }
        match self {
            ParsedRows::FinanceWide(rows) => outer(rows, source),
            ParsedRows::FinanceLedger(rows) => outer(rows, source),
            ParsedRows::Deliveries(rows) => outer(rows, source),
            ParsedRows::Workforce(rows) => outer(rows, source),
            ParsedRows::Nps(rows) => outer(rows, source),
            ParsedRows::Csat(rows) => outer(rows, source),
            ParsedRows::Customers(rows) => outer(rows, source),
            ParsedRows::CustomerSummary(rows) => outer(rows, source),
            ParsedRows::Surveys(nps, csat) => {
                outer(nps, source);
                outer(csat, source);
            }
            ParsedRows::TimeEntries(rows, _) => outer(rows, source),
        }
    }

    fn for_each_row(&mut self, change: &mut dyn FnMut(&mut dyn TypedRow)) {
        fn each<T: TypedRow>(rows: &mut [Parsed<T>], change: &mut dyn FnMut(&mut dyn TypedRow)) {
            rows.iter_mut().for_each(|parsed| change(&mut parsed.row));
        }
        match self {
            ParsedRows::FinanceWide(rows) => each(rows, change),
            ParsedRows::FinanceLedger(rows) => each(rows, change),
            ParsedRows::Deliveries(rows) => each(rows, change),
            ParsedRows::Workforce(rows) => each(rows, change),
            ParsedRows::Nps(rows) => each(rows, change),
            ParsedRows::Csat(rows) => each(rows, change),
            ParsedRows::Customers(rows) => each(rows, change),
            ParsedRows::CustomerSummary(rows) => each(rows, change),
            ParsedRows::Surveys(nps, csat) => {
                each(nps, change);
                each(csat, change);
            }
            ParsedRows::TimeEntries(rows, _) => each(rows, change),
        }
    }
}

/// What every typed row has: a department, and for rows shown one by one, an origin.
trait TypedRow {
    fn department_mut(&mut self) -> &mut Option<DepartmentId>;
    fn origin_mut(&mut self) -> Option<&mut RowRef>;
}

macro_rules! typed_row {
    ($($row:ty),* ; with origin $($listed:ty),*) => {
        $(impl TypedRow for $row {
            fn department_mut(&mut self) -> &mut Option<DepartmentId> {
                &mut self.department
            }
            fn origin_mut(&mut self) -> Option<&mut RowRef> {
                None
            }
        })*
        $(impl TypedRow for $listed {
            fn department_mut(&mut self) -> &mut Option<DepartmentId> {
                &mut self.department
            }
            fn origin_mut(&mut self) -> Option<&mut RowRef> {
                Some(&mut self.origin)
            }
        })*
    };
}

typed_row!(
    FinanceRow, Posting, WorkforceRow, CustomerSummaryRow, TimeEntry;
    with origin DeliveryRow, NpsResponse, CsatRating, CustomerRow
);

/// The outcome of reading one table's rows.
#[derive(Debug)]
pub struct RowsOutcome {
    pub kind: Kind,
    pub shape: Shape,
    /// How the kind was decided where the header alone could not.
    pub detection: Option<String>,
    /// Columns read as survey labels (position, what they were read as): they split the rows
    /// by survey, so they are used even where their header also names a score.
    pub label_columns: Vec<(usize, &'static str)>,
    pub rows: ParsedRows,
    pub rows_read: usize,
    pub rows_rejected: usize,
    /// Rows read correctly but not used (ledger categories outside EBITDA).
    pub rows_ignored: usize,
    pub issues: Vec<DataQualityIssue>,
}

/// A value problem: which column, the raw value, and what is wrong.
struct Problem {
    column: String,
    value: String,
    problem: String,
}

/// Reads one column of one row, with the column's settled styles.
struct Columns<'a> {
    header: &'a HeaderMap,
    number_styles: HashMap<Field, NumberStyle>,
    date_orders: HashMap<Field, DateOrder>,
    /// The seed of row fingerprints: the headers normalised once.
    header_seed: u64,
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
    fn new(
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

    fn cell<'r>(&self, row: &RowView<'r>, field: Field) -> Option<(CellRef<'r>, &'a str)> {
        let position = self.header.position(field)?;
        Some((row.get(position), self.header.headers[position].as_str()))
    }

    fn problem(column: &str, cell: CellRef<'_>, problem: String) -> Problem {
        Problem {
            column: column.to_string(),
            value: cell.as_text().trim().to_string(),
            problem,
        }
    }

    /// The row's department as written: its department column, or for a tracker's export the
    /// first non-empty of its department sources (SPEC §2b).
    fn department_text<'r>(&self, row: &RowView<'r>) -> Option<std::borrow::Cow<'r, str>> {
        match &self.header.tracker {
            Some(tracker) => trackers::first_filled(&tracker.departments, |position| {
                Self::cell_text(row.get(position))
            }),
            None => self.text_ref(row, Field::Department),
        }
    }

    fn position_of(&self, field: Field) -> usize {
        self.header.position(field).unwrap_or(usize::MAX)
    }

    fn column_name(&self, field: Field) -> &'a str {
        self.header
            .position(field)
            .map_or(field.name(), |position| {
                self.header.headers[position].as_str()
            })
    }

    /// A time entry's hours: `HH:MM:SS`, `H:MM` or decimal hours (SPEC §2b), never negative.
    fn hours(&self, row: &RowView<'_>) -> Result<f64, Problem> {
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
    fn decimal_hours(&self, row: &RowView<'_>) -> Option<(f64, usize)> {
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
    fn person_name(&self, row: &RowView<'_>) -> String {
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
    fn person(&self, row: &RowView<'_>) -> Result<(u64, Option<u64>), Problem> {
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
    fn has_department_column(&self) -> bool {
        match &self.header.tracker {
            Some(tracker) => !tracker.departments.is_empty(),
            None => self.header.has(Field::Department),
        }
    }

    /// The text at `position`, trimmed; `None` when blank.
    fn text_at<'r>(&self, row: &RowView<'r>, position: usize) -> Option<std::borrow::Cow<'r, str>> {
        Self::cell_text(row.get(position))
    }

    fn text(&self, row: &RowView<'_>, field: Field) -> Option<String> {
        self.text_ref(row, field).map(|text| text.into_owned())
    }

    /// The cell as trimmed text, borrowed where the cell is text; `None` when blank.
    fn text_ref<'r>(&self, row: &RowView<'r>, field: Field) -> Option<std::borrow::Cow<'r, str>> {
        let (cell, _) = self.cell(row, field)?;
        Self::cell_text(cell)
    }

    fn cell_text<'r>(cell: CellRef<'r>) -> Option<std::borrow::Cow<'r, str>> {
        let text: std::borrow::Cow<'r, str> = match cell {
            CellRef::Text(text) => text.trim().into(),
            CellRef::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                format!("{}", number as i64).into()
            }
            other => other.as_text().trim().to_string().into(),
        };
        (!text.is_empty()).then_some(text)
    }

    fn number(&self, row: &RowView<'_>, field: Field) -> Result<Option<f64>, Problem> {
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

    fn required_number(&self, row: &RowView<'_>, field: Field) -> Result<f64, Problem> {
        let value = self.number(row, field)?;
        value.ok_or_else(|| self.blank(row, field))
    }

    fn blank(&self, row: &RowView<'_>, field: Field) -> Problem {
        let column = self
            .cell(row, field)
            .map_or(field.name(), |(_, column)| column);
        Problem {
            column: column.to_string(),
            value: String::new(),
            problem: format!("{column} is blank; it is required"),
        }
    }

    fn date(&self, row: &RowView<'_>, field: Field) -> Result<Option<NaiveDate>, Problem> {
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

    fn required_date(&self, row: &RowView<'_>, field: Field) -> Result<NaiveDate, Problem> {
        self.date(row, field)?.ok_or_else(|| self.blank(row, field))
    }

    fn month(&self, row: &RowView<'_>, field: Field) -> Result<Month, Problem> {
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
    fn month_or_date(&self, row: &RowView<'_>) -> Result<Month, Problem> {
        if self.header.has(Field::Date) {
            self.required_date(row, Field::Date).map(Month::of)
        } else {
            self.month(row, Field::Month)
        }
    }
}

/// A stable fingerprint of a row's raw cells, keyed by normalised header so two exports of the
/// same data with the same columns match: xxh3 of the trimmed cells, seeded with the hash of
/// the normalised headers. The same row gives the same fingerprint in every run, so
/// fingerprints can be cached. `buffer` is scratch space reused from row to row.
fn fingerprint(header_seed: u64, row: &RowView<'_>, width: usize, buffer: &mut Vec<u8>) -> u64 {
    buffer.clear();
    for position in 0..width {
        match row.get(position) {
            CellRef::Number(number) => {
                buffer.push(1);
                buffer.extend_from_slice(&number.to_bits().to_le_bytes());
            }
            other => {
                buffer.push(0);
                buffer.extend_from_slice(other.as_text().trim().as_bytes());
            }
        }
        buffer.push(0xff);
    }
    xxhash_rust::xxh3::xxh3_64_with_seed(buffer, header_seed)
}

/// The seed of a table's row fingerprints: its normalised headers.
fn header_seed(header: &HeaderMap) -> u64 {
    let mut buffer = Vec::new();
    for name in &header.headers {
        buffer.extend_from_slice(normalise_header(name).as_bytes());
        buffer.push(0xff);
    }
    xxhash_rust::xxh3::xxh3_64(&buffer)
}

/// The P&L category of a ledger posting's category text.
pub fn ledger_category(text: &str) -> Option<Category> {
    let normalised = normalise_header(text);
    let key = normalised.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    let category = match key {
        "revenue" | "revenues" | "sales" | "net_revenue" | "net_sales" | "turnover"
        | "total_revenue" | "income" | "service_revenue" | "fee_income" => Category::Revenue,
        "cogs" | "cost_of_sales" | "cost_of_goods_sold" | "cost_of_revenue" | "direct_costs"
        | "direct_cost" | "cost_of_services" => Category::Cogs,
        "opex" | "operating_expenses" | "operating_expense" | "operating_costs" | "sg_a"
        | "sga" | "overheads" | "overhead" | "indirect_costs" => Category::Opex,
        "depreciation"
        | "d_a"
        | "depreciation_and_amortization"
        | "depreciation_amortization"
        | "depreciation_amortisation" => Category::Depreciation,
        "amortization" | "amortisation" => Category::Amortization,
        _ => return None,
    };
    Some(category)
}

/// Counts one more row in `slot` (first line, count).
fn count(slot: &mut Option<(usize, usize)>, line: usize) {
    slot.get_or_insert((line, 0)).1 += 1;
}

/// Which rows of a survey file are answers: not a survey tool's preview, test, spam or
/// unfinished response (its `Status` / `Finished` columns), and with an answer in the score
/// column. The others are counted, each reason once per file.
struct Responses {
    status: Option<usize>,
    finished: Option<usize>,
    /// By reason: (first line, count).
    not_responses: std::collections::BTreeMap<NotAResponse, (usize, usize)>,
    unanswered: Option<(usize, usize)>,
}

impl Responses {
    /// The row's score cell and column header, or `None` for a row that is not an answer.
    fn answer<'r, 'h>(
        &mut self,
        columns: &Columns<'h>,
        row: &RowView<'r>,
    ) -> Result<Option<(CellRef<'r>, &'h str)>, Problem> {
        if self.status.is_some() || self.finished.is_some() {
            let reason = not_a_response(
                self.status.map(|p| row.get(p)),
                self.finished.map(|p| row.get(p)),
            );
            if let Some(reason) = reason {
                self.not_responses.entry(reason).or_insert((row.line, 0)).1 += 1;
                return Ok(None);
            }
        }
        let (cell, column) = columns
            .cell(row, Field::Score)
            .ok_or_else(|| columns.blank(row, Field::Score))?;
        if cell.is_blank() {
            count(&mut self.unanswered, row.line);
            return Ok(None);
        }
        Ok(Some((cell, column)))
    }
}

/// A subscription's MRR from its amount, quantity and billing interval (SPEC §2b: month × 1,
/// year ÷ 12, week × 52/12, day × 365/12, over the interval count); `None` without an amount
/// or an interval column (an amount alone may be a balance, not a price).
fn subscription_mrr(columns: &Columns<'_>, row: &RowView<'_>) -> Result<Option<f64>, Problem> {
    if !columns.header.has(Field::Interval) {
        return Ok(None);
    }
    let Some(amount) = columns.number(row, Field::Amount)? else {
        return Ok(None);
    };
    let quantity = columns.number(row, Field::Quantity)?.unwrap_or(1.0);
    let every = columns.number(row, Field::IntervalCount)?.unwrap_or(1.0);
    let interval = columns
        .text(row, Field::Interval)
        .map(|text| normalise_header(&text))
        .unwrap_or_default();
    let per_month = match interval.as_str() {
        "month" | "months" | "monthly" | "" => 1.0,
        "year" | "years" | "yearly" | "annual" | "annually" => 1.0 / 12.0,
        "quarter" | "quarterly" => 1.0 / 3.0,
        "week" | "weeks" | "weekly" => 52.0 / 12.0,
        "day" | "days" | "daily" => 365.0 / 12.0,
        _ => {
            let (cell, column) = columns
                .cell(row, Field::Interval)
                .ok_or_else(|| columns.blank(row, Field::Interval))?;
            return Err(Columns::problem(
                column,
                cell,
                format!(
                    "'{interval}' is not a billing interval (month, year, week, day); MRR is left out"
                ),
            ));
        }
    };
    if every <= 0.0 {
        return Ok(None);
    }
    Ok(Some(amount * quantity * per_month / every))
}

/// One customer per customer id from its subscriptions (SPEC §2b): it starts with its first
/// subscription, ends when its last one ends (never while one is live), and carries the Σ MRR
/// of its live subscriptions — or, once all have ended, of those that ended last (what churned).
fn customers_of_subscriptions(subscriptions: Vec<Parsed<CustomerRow>>) -> Vec<Parsed<CustomerRow>> {
    let mut order: Vec<String> = Vec::new();
    let mut by_customer: HashMap<String, Vec<Parsed<CustomerRow>>> = HashMap::new();
    for parsed in subscriptions {
        let id = parsed.row.customer_id.clone();
        by_customer
            .entry(id.clone())
            .or_insert_with(|| {
                order.push(id);
                Vec::new()
            })
            .push(parsed);
    }
    order
        .into_iter()
        .filter_map(|id| {
            let subscriptions = by_customer.remove(&id)?;
            let live: Vec<&Parsed<CustomerRow>> = subscriptions
                .iter()
                .filter(|parsed| parsed.row.end_date.is_none())
                .collect();
            let end_date = if live.is_empty() {
                subscriptions.iter().filter_map(|p| p.row.end_date).max()
            } else {
                None
            };
            let carried: Vec<&Parsed<CustomerRow>> = if live.is_empty() {
                subscriptions
                    .iter()
                    .filter(|p| p.row.end_date == end_date)
                    .collect()
            } else {
                live
            };
            let mrr = carried
                .iter()
                .filter_map(|p| p.row.mrr)
                .fold(None, |sum: Option<f64>, mrr| Some(sum.unwrap_or(0.0) + mrr));
            let start_date = subscriptions.iter().map(|p| p.row.start_date).min()?;
            let mut first = subscriptions.into_iter().next()?;
            first.row.start_date = start_date;
            first.row.end_date = end_date;
            first.row.mrr = mrr;
            Some(first)
        })
        .collect()
}

/// One answer of a file of several surveys.
enum Answer {
    Nps(NpsResponse),
    Csat(CsatRating),
}

/// The columns beside the score that may be survey labels: those whose header also names a
/// score (HubSpot's `NPS` and `CSAT` beside `Rating`), and unread ones that name a survey.
fn survey_candidates(header: &HeaderMap) -> Vec<usize> {
    let mut candidates: Vec<usize> = header
        .duplicates
        .iter()
        .filter(|&&(_, winner)| header.fields[winner] == Some(Field::Score))
        .map(|&(position, _)| position)
        .collect();
    let unread = (0..header.headers.len()).filter(|&p| {
        let normalised = normalise_header(&header.headers[p]);
        header.fields[p].is_none()
            && !header
                .duplicates
                .iter()
                .any(|&(duplicate, _)| duplicate == p)
            && (normalised.contains("nps") || normalised.contains("csat"))
    });
    candidates.extend(unread.collect::<Vec<_>>());
    candidates
}

/// A label that says otherwise than its score: one entry; the score is used.
fn label_disagrees(
    issues: &mut Vec<DataQualityIssue>,
    file: &str,
    line: usize,
    column: &str,
    label: Label,
    score: &str,
    score_says: &str,
) {
    issues.push(DataQualityIssue {
        file: file.to_string(),
        line: Some(line),
        column: Some(column.to_string()),
        value: Some(score.to_string()),
        problem: format!(
            "the label says {} but the score {score} is {score_says}; the score is used",
            label.name()
        ),
        action: Action::Assumed,
    });
}

/// Reads `rows` (the rows after the header) as `kind`/`shape`.
pub fn parse_rows(
    recognised: Recognised,
    header: &HeaderMap,
    (rows, skip): (&TableRows, usize),
    notes: &TableNotes,
    source: u32,
    file: &str,
    departments: &mut Departments,
) -> RowsOutcome {
    let mut issues = Vec::new();
    let score_position = header.position(Field::Score);
    let is_survey = matches!(
        recognised,
        Recognised::SurveyByValues | Recognised::Known(Kind::Nps | Kind::Csat, _)
    );
    // Survey tools write more header below the header (question texts, import ids,
    // sub-labels): those rows are skipped, at most two.
    let mut skip = skip;
    let mut more_header = 0usize;
    if is_survey && let (Some(date), Some(score)) = (header.position(Field::Date), score_position) {
        rows.scan(skip, |row| {
            if more_header < 2 && is_more_header(row.get(date), row.get(score)) {
                more_header += 1;
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        });
        skip += more_header;
    }
    // One pass settles the columns' styles and learns what the survey columns hold: the
    // values-decide evidence (NPS vs CSAT), the score range (the CSAT scale) and the label
    // columns that split a file of several surveys.
    let mut scan = score_position
        .filter(|_| is_survey)
        .map(|score| SurveyScan::new(score, survey_candidates(header)));
    let columns = Columns::new(header, rows, skip, notes, file, &mut issues, scan.as_mut());
    let split = scan.as_ref().and_then(SurveyScan::split);
    let mut detection: Vec<String> = Vec::new();
    let (kind, shape) =
        match (recognised, split) {
            (_, Some(split)) if is_survey => {
                let kind = if split.nps_label.is_some() {
                    Kind::Nps
                } else {
                    Kind::Csat
                };
                (kind, Shape::List)
            }
            (Recognised::Known(kind, shape), _) => {
                match kind {
                    Kind::Nps => detection
                        .push("the score column's header speaks of recommending".to_string()),
                    Kind::Csat => detection
                        .push("the score column's header speaks of satisfaction".to_string()),
                    _ => {}
                }
                (kind, shape)
            }
            (Recognised::SurveyByValues, _) => match &scan {
                Some(scan) => {
                    let (nps, rule) = scan.evidence.verdict();
                    detection.push(rule.to_string());
                    (if nps { Kind::Nps } else { Kind::Csat }, Shape::List)
                }
                None => {
                    detection.push("no score column".to_string());
                    (Kind::Csat, Shape::List)
                }
            },
        };
    if more_header > 0 {
        detection.push(format!(
            "{more_header} more header row(s) below the header (question texts, import ids or sub-labels) skipped"
        ));
    }
    // The CSAT scale: the score header's `(1-7)`, else the values (of the CSAT-labelled rows
    // where the file is split).
    let csat_scale = match (&scan, split) {
        (Some(scan), split)
            if kind == Kind::Csat || split.is_some_and(|s| s.csat_label.is_some()) =>
        {
            let values = split.map_or(scan.values, |split| split.csat_values);
            let stated = score_position.and_then(|p| scale_from_header(&header.headers[p]));
            match stated {
                Some(scale) => {
                    detection.push(format!("CSAT scale {} (from its header)", scale.describe()));
                    scale
                }
                None => {
                    let (scale, doubt) = values.scale();
                    if values.count > 0 {
                        detection
                            .push(format!("CSAT scale {} (from the values)", scale.describe()));
                    }
                    if let Some(doubt) = doubt {
                        issues.push(DataQualityIssue {
                            file: file.to_string(),
                            line: None,
                            column: score_position.map(|p| header.headers[p].clone()),
                            value: None,
                            problem: doubt,
                            action: Action::Assumed,
                        });
                    }
                    scale
                }
            }
        }
        _ => CsatScale::OneToFive,
    };
    let mut responses = Responses {
        status: header.position(Field::Status),
        finished: header.position(Field::Finished),
        not_responses: std::collections::BTreeMap::new(),
        unanswered: None,
    };
    // A billing tool's subscriptions (several per customer), and whether the export can say
    // that a customer left at all.
    let subscriptions = kind == Kind::Customers
        && shape == Shape::List
        && [
            Field::Interval,
            Field::Quantity,
            Field::TrialEnd,
            Field::CanceledAt,
            Field::Status,
        ]
        .iter()
        .any(|&field| header.has(field));
    let shape = if subscriptions {
        Shape::Subscriptions
    } else {
        shape
    };
    let ends_known = header.has(Field::EndDate) || header.has(Field::CanceledAt);
    let mut never_customers: Option<(usize, usize)> = None;
    // Rows of other surveys and rows rated "offered": (first line, count) each.
    let mut unlabelled: Option<(usize, usize)> = None;
    let mut not_rated: Option<(usize, usize)> = None;
    let mut rows_read = 0usize;
    // Department cells repeat a handful of names a million times: look each spelling up once.
    let mut department_ids: HashMap<String, Option<DepartmentId>, xxhash_rust::xxh3::Xxh3Builder> =
        HashMap::default();
    let mut rejected = 0usize;
    let mut ignored_categories: HashMap<String, (usize, usize)> = HashMap::new();
    let mut without_department: Option<(usize, usize)> = None;
    // Per file, counted once each (SPEC §2b): (first line, count[, example]).
    let mut several_groups: Option<(usize, usize, String)> = None;
    let mut not_done: Option<(usize, usize, String)> = None;
    let mut without_due: Option<(usize, usize)> = None;
    let mut blank_billable: Option<(usize, usize)> = None;
    let mut durations_disagree: Option<(usize, usize, String)> = None;
    // Everyone who logged time, by key, with their name as first written.
    let mut people_seen: HashMap<u64, PersonSeen, xxhash_rust::xxh3::Xxh3Builder> =
        HashMap::default();
    let mut last_person: Option<u64> = None;

    let mut reject = |issues: &mut Vec<DataQualityIssue>, line: usize, problem: Problem| {
        rejected += 1;
        issues.push(DataQualityIssue {
            file: file.to_string(),
            line: Some(line),
            column: Some(problem.column),
            value: Some(problem.value),
            problem: problem.problem,
            action: Action::RowSkipped,
        });
    };
    let ignore_value = |issues: &mut Vec<DataQualityIssue>, line: usize, problem: Problem| {
        issues.push(DataQualityIssue {
            file: file.to_string(),
            line: Some(line),
            column: Some(problem.column),
            value: Some(problem.value),
            problem: format!("{}; the row is used without it", problem.problem),
            action: Action::ValueIgnored,
        });
    };

    // Rows with more non-blank fields than the header has columns were split on the wrong
    // character (mixed delimiters) or shifted: reading them would put values in wrong columns.
    let width = header.headers.len();

    macro_rules! collect {
        ($variant:ident, |$row:ident, $origin:ident, $department:ident| $body:block) => {{
            ParsedRows::$variant(collect!(@rows |$row, $origin, $department| $body))
        }};
        (@rows |$row:ident, $origin:ident, $department:ident| $body:block) => {{
            let mut parsed = Vec::with_capacity(rows.estimated_len());
            let mut scratch = Vec::new();
            rows.scan(skip, |view| {
                rows_read += 1;
                let $row = &view;
                let $origin = RowRef { source, line: $row.line as u32 };
                if $row.len() == 1 && width > 2 {
                    reject(&mut issues, $row.line, Problem {
                        column: String::new(),
                        value: $row.get(0).as_text().chars().take(80).collect(),
                        problem: format!("the row is one field but the header has {width} columns; it uses another delimiter than the rest of the file"),
                    });
                    return ControlFlow::Continue(());
                }
                if let Some(extra) = $row.cells().skip(width).find(|cell| !cell.is_blank()) {
                    reject(&mut issues, $row.line, Problem {
                        column: String::new(),
                        value: extra.as_text().trim().to_string(),
                        problem: format!("the row has {} fields but the header has {width}; check for a stray delimiter or an unquoted value", $row.len()),
                    });
                    return ControlFlow::Continue(());
                }
                let name = columns.department_text($row);
                // A time entry's `Group` that lists several groups names no one department.
                let name = match name {
                    Some(name) if shape == Shape::TimeEntries && name.contains(',') => {
                        let entry = several_groups.get_or_insert(($row.line, 0, name.to_string()));
                        entry.1 += 1;
                        None
                    }
                    other => other,
                };
                let $department = match name {
                    Some(name) => match department_ids.get(name.as_ref()) {
                        Some(&id) => id,
                        None => {
                            let id = departments.intern(&name);
                            department_ids.insert(name.into_owned(), id);
                            id
                        }
                    },
                    None => None,
                };
                if $department.is_none() && columns.has_department_column() && shape != Shape::TimeEntries {
                    let entry = without_department.get_or_insert(($row.line, 0));
                    entry.1 += 1;
                }
                let result = (|| -> Result<Option<_>, Problem> { $body })();
                match result {
                    Ok(Some(row)) => parsed.push(Parsed { origin: $origin, fingerprint: fingerprint(columns.header_seed, $row, width, &mut scratch), row }),
                    Ok(None) => {}
                    Err(problem) => reject(&mut issues, $row.line, problem),
                }
                ControlFlow::Continue(())
            });
            parsed
        }};
    }

    let parsed = match (kind, shape) {
        (Kind::Finance, Shape::Ledger) => collect!(FinanceLedger, |row, _origin, department| {
            let month = columns.month_or_date(row)?;
            let category_text = columns
                .text(row, Field::Category)
                .ok_or_else(|| columns.blank(row, Field::Category))?;
            let amount = columns.required_number(row, Field::Amount)?;
            match ledger_category(&category_text) {
                Some(category) => Ok(Some(Posting {
                    month,
                    department,
                    category,
                    amount,
                })),
                None => {
                    let entry = ignored_categories
                        .entry(category_text)
                        .or_insert((row.line, 0));
                    entry.1 += 1;
                    Ok(None)
                }
            }
        }),
        (Kind::Finance, _) => collect!(FinanceWide, |row, _origin, department| {
            let month = columns.month(row, Field::Month)?;
            let amount = |field| columns.number(row, field).map(|value| value.unwrap_or(0.0));
            let revenue = amount(Field::Revenue)?;
            let cogs = amount(Field::Cogs)?;
            let opex = amount(Field::Opex)?;
            let depreciation = amount(Field::Depreciation)?;
            let amortization = amount(Field::Amortization)?;
            let mut optional = |field| {
                columns.number(row, field).unwrap_or_else(|problem| {
                    ignore_value(&mut issues, row.line, problem);
                    None
                })
            };
            let revenue_budget = optional(Field::RevenueBudget);
            let cost_budget = optional(Field::CostBudget);
            Ok(Some(FinanceRow {
                month,
                department,
                revenue,
                cogs,
                opex,
                depreciation,
                amortization,
                revenue_budget,
                cost_budget,
            }))
        }),
        (Kind::Deliveries, _) => collect!(Deliveries, |row, origin, department| {
            let id = columns
                .text(row, Field::Id)
                .ok_or_else(|| columns.blank(row, Field::Id))?;
            if let Some(tracker) = &header.tracker {
                // SPEC §2b: items closed as not done, and items without a due date, are not
                // deliverables; each is counted once per file.
                let outcome = tracker
                    .outcomes
                    .iter()
                    .find_map(|&position| {
                        columns
                            .text_at(row, position)
                            .filter(|text| trackers::closed_not_done(text))
                    })
                    .map(|text| text.into_owned())
                    .or_else(|| {
                        tracker
                            .canceled
                            .and_then(|position| columns.text_at(row, position))
                            .map(|_| "Canceled".to_string())
                    });
                if let Some(outcome) = outcome {
                    let entry = not_done.get_or_insert((row.line, 0, outcome));
                    entry.1 += 1;
                    return Ok(None);
                }
                if columns.date(row, Field::DueDate)?.is_none() {
                    let entry = without_due.get_or_insert((row.line, 0));
                    entry.1 += 1;
                    return Ok(None);
                }
            }
            let due_date = columns.required_date(row, Field::DueDate)?;
            let delivered_date = columns.date(row, Field::DeliveredDate)?;
            let mut optional = |field| {
                columns.number(row, field).unwrap_or_else(|problem| {
                    ignore_value(&mut issues, row.line, problem);
                    None
                })
            };
            let budget_cost = optional(Field::BudgetCost);
            let actual_cost = optional(Field::ActualCost);
            Ok(Some(DeliveryRow {
                id,
                department,
                due_date,
                delivered_date,
                name: columns.text(row, Field::Name),
                customer: columns.text(row, Field::Customer),
                budget_cost,
                actual_cost,
                origin,
            }))
        }),
        (Kind::Workforce, Shape::TimeEntries) => {
            let entries = collect!(@rows |row, _origin, department| {
                let date = columns.required_date(row, Field::Date)?;
                let hours = columns.hours(row)?;
                if let Some((decimal, position)) = columns.decimal_hours(row)
                    && (decimal - hours).abs() > 0.01
                {
                    let decimal = row.get(position).as_text().trim().to_string();
                    let entry = durations_disagree.get_or_insert((
                        row.line,
                        0,
                        format!(
                            "{} says {} but {} says {decimal}",
                            columns.column_name(Field::Hours),
                            row.get(columns.position_of(Field::Hours)).as_text().trim(),
                            header.headers[position]
                        ),
                    ));
                    entry.1 += 1;
                }
                let billable = match columns.text_ref(row, Field::Billable) {
                    None => {
                        let entry = blank_billable.get_or_insert((row.line, 0));
                        entry.1 += 1;
                        false
                    }
                    Some(text) => trackers::billable_flag(&text).ok_or_else(|| {
                        let (cell, column) = columns
                            .cell(row, Field::Billable)
                            .map_or((CellRef::Empty, "billable"), |found| found);
                        Columns::problem(
                            column,
                            cell,
                            format!("'{}' is not a billable flag; write Yes or No", text),
                        )
                    })?,
                };
                let (person, person_alias) = columns.person(row)?;
                // Hours and groups are counted once repeated exports are dropped (combine).
                // Exports list a person's entries together: look up only when the person changes.
                if last_person != Some(person) {
                    last_person = Some(person);
                    people_seen.entry(person).or_insert_with(|| PersonSeen {
                        key: person,
                        name: columns.person_name(row),
                        hours: 0.0,
                        ungrouped: false,
                    });
                }
                Ok(Some(TimeEntry {
                    date,
                    person,
                    person_alias,
                    department,
                    hours,
                    billable,
                }))
            });
            let mut people: Vec<PersonSeen> =
                std::mem::take(&mut people_seen).into_values().collect();
            people.sort_by(|a, b| a.name.cmp(&b.name));
            ParsedRows::TimeEntries(entries, people)
        }
        (Kind::Workforce, _) => collect!(Workforce, |row, _origin, department| {
            let month = columns.month(row, Field::Month)?;
            let fte = columns.required_number(row, Field::Fte)?;
            let available_hours = columns.required_number(row, Field::AvailableHours)?;
            let billable_hours = columns.required_number(row, Field::BillableHours)?;
            for (field, value) in [
                (Field::Fte, fte),
                (Field::AvailableHours, available_hours),
                (Field::BillableHours, billable_hours),
            ] {
                if value < 0.0 {
                    let column = columns
                        .cell(row, field)
                        .map_or(field.name(), |(_, column)| column);
                    return Err(Problem {
                        column: column.to_string(),
                        value: value.to_string(),
                        problem: format!("{column} is negative"),
                    });
                }
            }
            let output_units = columns
                .number(row, Field::OutputUnits)
                .unwrap_or_else(|problem| {
                    ignore_value(&mut issues, row.line, problem);
                    None
                });
            Ok(Some(WorkforceRow {
                month,
                department,
                fte,
                available_hours,
                billable_hours,
                output_units,
                tracked_hours: None,
            }))
        }),
        (Kind::Nps | Kind::Csat, _) if let Some(split) = split => {
            let label = |row: &RowView<'_>, position: Option<usize>| {
                position.and_then(|p| match row.get(p) {
                    CellRef::Text(text) => Label::parse(text),
                    _ => None,
                })
            };
            let answers = collect!(@rows |row, origin, department| {
                let Some((cell, column)) = responses.answer(&columns, row)? else {
                    return Ok(None);
                };
                let labels = (label(row, split.nps_label), label(row, split.csat_label));
                if labels == (None, None) {
                    count(&mut unlabelled, row.line);
                    return Ok(None);
                }
                let date = columns.required_date(row, Field::Date)?;
                match labels {
                    (Some(nps_label), None) => {
                        let score = nps_score(cell)
                            .map_err(|problem| Columns::problem(column, cell, problem))?;
                        if !nps_label.agrees_with(Some(score), None) {
                            label_disagrees(
                                &mut issues,
                                file,
                                row.line,
                                column,
                                nps_label,
                                &score.to_string(),
                                &format!("a {}", Label::of_nps(score).name()),
                            );
                        }
                        Ok(Some(Answer::Nps(NpsResponse {
                            date,
                            score,
                            department,
                            origin,
                        })))
                    }
                    (None, Some(csat_label)) => {
                        let score = match csat_cell(cell, csat_scale)
                            .map_err(|problem| Columns::problem(column, cell, problem))?
                        {
                            CsatCell::Rating(score) => score,
                            CsatCell::NotARating => {
                                count(&mut not_rated, row.line);
                                return Ok(None);
                            }
                        };
                        if !csat_label.agrees_with(None, Some(score)) {
                            let says = if score.is_satisfied() {
                                "a satisfied rating"
                            } else {
                                "a rating that is not satisfied"
                            };
                            label_disagrees(
                                &mut issues,
                                file,
                                row.line,
                                column,
                                csat_label,
                                cell.as_text().trim(),
                                says,
                            );
                        }
                        Ok(Some(Answer::Csat(CsatRating {
                            date,
                            score,
                            department,
                            origin,
                        })))
                    }
                    (nps_label, csat_label) => Err(Problem {
                        column: String::new(),
                        value: format!(
                            "{} / {}",
                            nps_label.map_or("", Label::name),
                            csat_label.map_or("", Label::name)
                        ),
                        problem: "the row has both an NPS label and a CSAT label; which survey it answers is unclear — keep one of them".to_string(),
                    }),
                }
            });
            let mut nps = Vec::new();
            let mut csat = Vec::new();
            for parsed in answers {
                let (origin, fingerprint) = (parsed.origin, parsed.fingerprint);
                match parsed.row {
                    Answer::Nps(row) => nps.push(Parsed {
                        origin,
                        fingerprint,
                        row,
                    }),
                    Answer::Csat(row) => csat.push(Parsed {
                        origin,
                        fingerprint,
                        row,
                    }),
                }
            }
            let described = |position: Option<usize>, labels: &str, what: String| {
                position.map(|p| format!("'{}' ({labels}) → {what}", header.headers[p]))
            };
            let parts: Vec<String> = [
                described(
                    split.nps_label,
                    "Promoter/Passive/Detractor",
                    format!("{} NPS responses", nps.len()),
                ),
                described(
                    split.csat_label,
                    "Positive/Neutral/Negative",
                    format!("{} CSAT ratings", csat.len()),
                ),
            ]
            .into_iter()
            .flatten()
            .collect();
            detection.insert(
                0,
                format!("rows split by their label columns: {}", parts.join(", ")),
            );
            ParsedRows::Surveys(nps, csat)
        }
        (Kind::Nps, _) => collect!(Nps, |row, origin, department| {
            let Some((cell, column)) = responses.answer(&columns, row)? else {
                return Ok(None);
            };
            let date = columns.required_date(row, Field::Date)?;
            let score =
                nps_score(cell).map_err(|problem| Columns::problem(column, cell, problem))?;
            Ok(Some(NpsResponse {
                date,
                score,
                department,
                origin,
            }))
        }),
        (Kind::Csat, _) => collect!(Csat, |row, origin, department| {
            let Some((cell, column)) = responses.answer(&columns, row)? else {
                return Ok(None);
            };
            let date = columns.required_date(row, Field::Date)?;
            let score = match csat_cell(cell, csat_scale)
                .map_err(|problem| Columns::problem(column, cell, problem))?
            {
                CsatCell::Rating(score) => score,
                CsatCell::NotARating => {
                    count(&mut not_rated, row.line);
                    return Ok(None);
                }
            };
            Ok(Some(CsatRating {
                date,
                score,
                department,
                origin,
            }))
        }),
        (Kind::Customers, Shape::Summary) => {
            collect!(CustomerSummary, |row, _origin, department| {
                let month = columns.month(row, Field::Month)?;
                let customers_start = columns.required_number(row, Field::CustomersStart)?;
                let churned_customers = columns.required_number(row, Field::ChurnedCustomers)?;
                let new_customers =
                    columns
                        .number(row, Field::NewCustomers)
                        .unwrap_or_else(|problem| {
                            ignore_value(&mut issues, row.line, problem);
                            None
                        });
                Ok(Some(CustomerSummaryRow {
                    month,
                    department,
                    customers_start,
                    churned_customers,
                    new_customers,
                }))
            })
        }
        (Kind::Customers, Shape::Subscriptions) => {
            let subscriptions = collect!(@rows |row, origin, department| {
                let customer_id = columns
                    .text(row, Field::CustomerId)
                    .ok_or_else(|| columns.blank(row, Field::CustomerId))?;
                let mut start_date = columns.required_date(row, Field::StartDate)?;
                let status = columns
                    .text(row, Field::Status)
                    .map(|status| normalise_header(&status));
                let status = status.as_deref().unwrap_or_default();
                if matches!(status, "incomplete" | "incomplete_expired") {
                    count(&mut never_customers, row.line);
                    return Ok(None);
                }
                // Still in its trial when exported: not a customer yet, whatever day the trial
                // is due to end (SPEC §2b). One that converted is a customer from its trial's end.
                if matches!(status, "trialing" | "in_trial" | "trial") {
                    count(&mut never_customers, row.line);
                    return Ok(None);
                }
                if let Some(trial_end) = columns.date(row, Field::TrialEnd)?
                    && trial_end > start_date
                {
                    start_date = trial_end;
                }
                let ended = columns.date(row, Field::EndDate)?;
                let canceled = columns.date(row, Field::CanceledAt)?;
                let stopped = status.is_empty()
                    || matches!(
                        status,
                        "canceled" | "cancelled" | "ended" | "expired" | "non_renewing" | "deleted"
                    );
                let end_date = ended.or(canceled.filter(|_| stopped));
                if end_date.is_some_and(|end| end < start_date) {
                    // Ended during its trial, or before it started: never a paying customer.
                    count(&mut never_customers, row.line);
                    return Ok(None);
                }
                let mrr = match columns.number(row, Field::Mrr) {
                    Ok(Some(mrr)) => Some(mrr),
                    Ok(None) => subscription_mrr(&columns, row).unwrap_or_else(|problem| {
                        ignore_value(&mut issues, row.line, problem);
                        None
                    }),
                    Err(problem) => {
                        ignore_value(&mut issues, row.line, problem);
                        None
                    }
                };
                Ok(Some(CustomerRow {
                    customer_id,
                    start_date,
                    end_date,
                    mrr,
                    department,
                    origin,
                    ends_known,
                }))
            });
            ParsedRows::Customers(customers_of_subscriptions(subscriptions))
        }
        (Kind::Customers, _) => collect!(Customers, |row, origin, department| {
            let customer_id = columns
                .text(row, Field::CustomerId)
                .ok_or_else(|| columns.blank(row, Field::CustomerId))?;
            let start_date = columns.required_date(row, Field::StartDate)?;
            let end_date = columns.date(row, Field::EndDate)?;
            if let Some(end) = end_date.filter(|end| *end < start_date) {
                let (cell, column) = columns
                    .cell(row, Field::EndDate)
                    .ok_or_else(|| columns.blank(row, Field::EndDate))?;
                return Err(Columns::problem(
                    column,
                    cell,
                    format!("the end date {end} is before the start date {start_date}"),
                ));
            }
            let mrr = columns.number(row, Field::Mrr).unwrap_or_else(|problem| {
                ignore_value(&mut issues, row.line, problem);
                None
            });
            Ok(Some(CustomerRow {
                customer_id,
                start_date,
                end_date,
                mrr,
                department,
                origin,
                ends_known,
            }))
        }),
    };

    let mut ignored = 0usize;
    let mut categories: Vec<_> = ignored_categories.into_iter().collect();
    categories.sort_by_key(|(_, (line, _))| *line);
    for (category, (line, count)) in categories {
        ignored += count;
        issues.push(DataQualityIssue {
            file: file.to_string(),
            line: Some(line),
            column: columns.header.position(Field::Category).map(|p| header.headers[p].clone()),
            value: Some(category.clone()),
            problem: format!(
                "category '{category}' is not revenue, cost of sales, operating expenses or D&A; {count} posting(s) left out of EBITDA (first at line {line})"
            ),
            action: Action::RowSkipped,
        });
    }
    let score_column = score_position.map(|p| header.headers[p].clone());
    let mut not_used = |slot: Option<(usize, usize)>, what: &dyn Fn(usize) -> String| {
        if let Some((line, count)) = slot {
            ignored += count;
            issues.push(DataQualityIssue {
                file: file.to_string(),
                line: Some(line),
                column: score_column.clone(),
                value: None,
                problem: format!("{} (first at line {line})", what(count)),
                action: Action::RowSkipped,
            });
        }
    };
    for (reason, slot) in responses.not_responses {
        not_used(Some(slot), &|count| {
            format!(
                "{count} row(s) are {} (the export's Status / Finished columns say so); they are not responses and are not counted",
                reason.describe()
            )
        });
    }
    not_used(responses.unanswered, &|count| {
        format!("{count} response(s) have no answer in the score column; they are not counted")
    });
    not_used(not_rated, &|count| {
        format!(
            "{count} row(s) say a survey was offered (or not) but hold no rating; they are not counted"
        )
    });
    not_used(never_customers, &|count| {
        format!(
            "{count} subscription(s) never became paying customers (trialing, incomplete, or ended during the trial); they are not counted"
        )
    });
    not_used(unlabelled, &|count| {
        format!(
            "{count} row(s) carry neither an NPS nor a CSAT label (other surveys, such as effort scores); they are not counted"
        )
    });
    if kind == Kind::Customers && shape != Shape::Summary && !ends_known {
        issues.push(DataQualityIssue {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            problem: "this customer export has no end or cancellation date (as Stripe's customers export), so it cannot say who left: it gives active customers only — churn, retention and revenue churn need a subscriptions export with its Ended At / Canceled At columns (Stripe: Billing → Subscriptions → Export)".to_string(),
            action: Action::Assumed,
        });
    }
    let column_of = |field: Field| header.position(field).map(|p| header.headers[p].clone());
    let outcome_column = header
        .tracker
        .as_ref()
        .and_then(|t| t.outcomes.first().or(t.canceled.as_ref()))
        .map(|&p| header.headers[p].clone());
    let mut once =
        |line: usize, column: Option<String>, value: Option<String>, problem: String, action| {
            issues.push(DataQualityIssue {
                file: file.to_string(),
                line: Some(line),
                column,
                value,
                problem,
                action,
            });
        };
    if let Some((line, count, example)) = not_done {
        ignored += count;
        once(
            line,
            outcome_column,
            Some(example.clone()),
            format!(
                "{count} item(s) were closed without being done (e.g. '{example}'; first at line {line}); they are not deliverables"
            ),
            Action::RowSkipped,
        );
    }
    if let Some((line, count)) = without_due {
        ignored += count;
        once(
            line,
            column_of(Field::DueDate),
            Some(String::new()),
            format!(
                "{count} item(s) have no due date (first at line {line}); they are not deliverables — give them a due date in the tracker to count them"
            ),
            Action::RowSkipped,
        );
    }
    if let Some((line, count, example)) = several_groups {
        let column = header
            .tracker
            .as_ref()
            .and_then(|t| t.departments.first())
            .map(|&p| header.headers[p].clone());
        once(
            line,
            column,
            Some(example.clone()),
            format!(
                "{count} time entr(ies) name several groups ('{example}'; first at line {line}); the department comes from [people] in {} if set there, else they count in company totals only",
                super::settings::CONFIG_FILE
            ),
            Action::Assumed,
        );
    }
    if let Some((line, count)) = blank_billable {
        once(
            line,
            column_of(Field::Billable),
            Some(String::new()),
            format!(
                "{count} time entr(ies) have a blank billable flag (first at line {line}); they count as not billable"
            ),
            Action::Assumed,
        );
    }
    if let Some((line, count, example)) = durations_disagree {
        once(
            line,
            column_of(Field::Hours),
            None,
            format!(
                "{count} time entr(ies) have two durations that disagree (first at line {line}: {example}); the HH:MM:SS duration was used"
            ),
            Action::Assumed,
        );
    }
    if let Some((line, count)) = without_department {
        issues.push(DataQualityIssue {
            file: file.to_string(),
            line: Some(line),
            column: header.position(Field::Department).map(|p| header.headers[p].clone()),
            value: Some(String::new()),
            problem: format!("{count} row(s) have no department (first at line {line}); they count in company totals only"),
            action: Action::RowKept,
        });
    }
    RowsOutcome {
        kind,
        shape,
        detection: (!detection.is_empty()).then(|| detection.join("; ")),
        label_columns: split
            .filter(|_| is_survey)
            .map(|split| {
                [
                    split.nps_label.map(|p| (p, "nps_label")),
                    split.csat_label.map(|p| (p, "csat_label")),
                ]
                .into_iter()
                .flatten()
                .collect()
            })
            .unwrap_or_default(),
        rows: parsed,
        rows_read,
        rows_rejected: rejected,
        rows_ignored: ignored,
        issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_categories_include_the_usual_aliases() {
        assert_eq!(ledger_category("Cost of sales"), Some(Category::Cogs));
        assert_eq!(ledger_category("Operating expenses"), Some(Category::Opex));
        assert_eq!(ledger_category("D&A"), Some(Category::Depreciation));
        assert_eq!(ledger_category("4000 Revenue"), Some(Category::Revenue));
        assert_eq!(ledger_category("Interest"), None);
    }
}
