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
use super::trackers;
use super::values::{
    DateOrder, DateOrderTally, NumberStyle, NumberStyleTally, excel_serial_date, parse_date,
    parse_month, parse_number,
};
use crate::model::{
    Action, CsatRating, CsatScore, CustomerRow, CustomerSummaryRow, DataQualityIssue, DeliveryRow,
    DepartmentId, Departments, FinanceRow, Kind, Month, NpsResponse, RowRef, Shape, TimeEntry,
    WorkforceRow, person_key,
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
    /// A time tracker's entries, summed into workforce months when the folder is combined.
    TimeEntries(Vec<Parsed<TimeEntry>>),
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
            ParsedRows::TimeEntries(rows) => rows.len(),
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
            ParsedRows::TimeEntries(rows) => outer(rows, source),
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
            ParsedRows::TimeEntries(rows) => each(rows, change),
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
        mut survey: Option<(usize, &mut SurveyEvidence)>,
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
                if let Some((position, evidence)) = &mut survey {
                    evidence.add(row.get(*position));
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

/// A CSAT score: 1–5 (whole numbers) or a two-valued text scale.
fn csat_score(cell: CellRef<'_>) -> Result<CsatScore, String> {
    if let CellRef::Text(text) = cell
        && let [digit @ b'1'..=b'5'] = text.trim().as_bytes()
    {
        return Ok(CsatScore::Points(digit - b'0'));
    }
    let text = cell.as_text().trim().to_lowercase();
    match text.as_str() {
        "good" | "satisfied" | "very satisfied" | "positive" | "yes" | "happy" => {
            return Ok(CsatScore::Text(true));
        }
        "bad" | "unsatisfied" | "dissatisfied" | "very dissatisfied" | "very unsatisfied"
        | "negative" | "no" | "unhappy" | "neutral" => {
            return Ok(CsatScore::Text(false));
        }
        _ => {}
    }
    let value = match cell {
        CellRef::Number(number) => number,
        _ => parse_number(&text, NumberStyle::DecimalPoint)
            .ok()
            .flatten()
            .ok_or_else(|| {
                format!("'{text}' is not a CSAT rating; use 1–5, good/bad or satisfied/unsatisfied")
            })?,
    };
    if value.fract() != 0.0 || !(1.0..=5.0).contains(&value) {
        return Err(format!("score {value} is outside 1–5"));
    }
    Ok(CsatScore::Points(value as u8))
}

/// An NPS score: a whole number 0–10.
fn nps_score(value: f64) -> Result<u8, String> {
    if value.fract() != 0.0 {
        return Err(format!("score {value} is not a whole number 0–10"));
    }
    if !(0.0..=10.0).contains(&value) {
        return Err(format!("score {value} is outside 0–10"));
    }
    Ok(value as u8)
}

/// Evidence for NPS vs CSAT from a plain `score`/`rating` column's values (SPEC §2): text
/// ratings → csat; any 0 or any value above 5 → nps; otherwise csat.
#[derive(Debug, Default)]
pub struct SurveyEvidence {
    any_text: bool,
    any_nps_value: bool,
}

impl SurveyEvidence {
    fn add(&mut self, cell: CellRef<'_>) {
        match cell {
            CellRef::Number(number) => self.any_nps_value |= number == 0.0 || number > 5.0,
            CellRef::Text(text) if !self.any_text => {
                match parse_number(text, NumberStyle::DecimalPoint) {
                    Ok(Some(number)) => self.any_nps_value |= number == 0.0 || number > 5.0,
                    Ok(None) => {}
                    Err(_) => self.any_text |= csat_score(cell).is_ok(),
                }
            }
            _ => {}
        }
    }

    /// The kind and the rule that decided it.
    fn verdict(&self) -> (Kind, String) {
        if self.any_text {
            (Kind::Csat, "text ratings (good/bad) mean CSAT".to_string())
        } else if self.any_nps_value {
            (
                Kind::Nps,
                "a score of 0 or above 5 means NPS (0–10)".to_string(),
            )
        } else {
            (Kind::Csat, "every score is within 1–5, so CSAT".to_string())
        }
    }
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
    // The values decide NPS vs CSAT for a plain score column; the evidence is gathered in the
    // same pass that settles the columns' styles.
    let mut evidence = SurveyEvidence::default();
    let survey = match recognised {
        Recognised::SurveyByValues => header
            .position(Field::Score)
            .map(|position| (position, &mut evidence)),
        Recognised::Known(..) => None,
    };
    let columns = Columns::new(header, rows, skip, notes, file, &mut issues, survey);
    let (kind, shape, detection) = match recognised {
        Recognised::Known(kind, shape) => (kind, shape, None),
        Recognised::SurveyByValues if header.has(Field::Score) => {
            let (kind, rule) = evidence.verdict();
            (kind, Shape::List, Some(rule))
        }
        Recognised::SurveyByValues => {
            (Kind::Csat, Shape::List, Some("no score column".to_string()))
        }
    };
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
            ParsedRows::$variant(parsed)
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
            collect!(TimeEntries, |row, _origin, department| {
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
                Ok(Some(TimeEntry {
                    date,
                    person,
                    person_alias,
                    department,
                    hours,
                    billable,
                }))
            })
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
        (Kind::Nps, _) => collect!(Nps, |row, origin, department| {
            let date = columns.required_date(row, Field::Date)?;
            let (cell, column) = columns
                .cell(row, Field::Score)
                .ok_or_else(|| columns.blank(row, Field::Score))?;
            let value = columns.required_number(row, Field::Score)?;
            let score =
                nps_score(value).map_err(|problem| Columns::problem(column, cell, problem))?;
            Ok(Some(NpsResponse {
                date,
                score,
                department,
                origin,
            }))
        }),
        (Kind::Csat, _) => collect!(Csat, |row, origin, department| {
            let date = columns.required_date(row, Field::Date)?;
            let (cell, column) = columns
                .cell(row, Field::Score)
                .ok_or_else(|| columns.blank(row, Field::Score))?;
            if cell.is_blank() {
                return Err(columns.blank(row, Field::Score));
            }
            let score =
                csat_score(cell).map_err(|problem| Columns::problem(column, cell, problem))?;
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
                crate::config::CONFIG_FILE
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
        detection,
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

    #[test]
    fn scores_outside_their_scale_are_refused() {
        assert_eq!(nps_score(10.0), Ok(10));
        assert_eq!(nps_score(0.0), Ok(0));
        assert!(nps_score(11.0).is_err());
        assert!(nps_score(7.5).is_err());
        assert_eq!(csat_score(CellRef::Text("Good")), Ok(CsatScore::Text(true)));
        assert_eq!(csat_score(CellRef::Text("4")), Ok(CsatScore::Points(4)));
        assert!(csat_score(CellRef::Text("6")).is_err());
        assert!(csat_score(CellRef::Text("meh")).is_err());
    }
}
