//! The project's own data types: calendar months, departments, the typed rows each input kind
//! becomes, and the record of what was read (sources) and what was wrong (data quality).
//!
//! Everything downstream (metrics, escalations, report, GUI) works on these plain Rust values;
//! no parsing or polars type appears here.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar month, stored as `year * 12 + (month - 1)` so that months order and subtract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

/// The largest year, forwards or backwards, that the app reads anywhere (months, dates,
/// `--as-of`, `--month`): far beyond any export, far below where `year * 12` overflows.
pub const MAX_YEAR: i32 = 10_000;

impl Month {
    /// `month` is 1–12 and `year` within ±[`MAX_YEAR`]; `None` outside those ranges.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (-MAX_YEAR..=MAX_YEAR).contains(&year))
            .then(|| Month(year * 12 + month as i32 - 1))
    }

    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1–12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    pub fn prev(self) -> Month {
        Month(self.0 - 1)
    }

    pub fn offset(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    /// Months from `earlier` to `self` (positive when `self` is later).
    pub fn months_since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    /// Every month from `first` to `last`, both included.
    pub fn range(first: Month, last: Month) -> impl Iterator<Item = Month> {
        (first.0..=last.0).map(Month)
    }

    /// A dense index usable as a polars integer column.
    pub fn index(self) -> i32 {
        self.0
    }

    pub fn from_index(index: i32) -> Month {
        Month(index)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl FromStr for Month {
    type Err = String;

    /// Parses the canonical `YYYY-MM` form (used on the command line and in state files).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || {
            format!(
                "'{}' is not a month; write it as YYYY-MM, e.g. 2026-03, with a year within ±{MAX_YEAR}",
                crate::text::cut(text, crate::text::ECHO_CHARS)
            )
        };
        let (year, month) = text.trim().split_once('-').ok_or_else(invalid)?;
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u32 = month.parse().map_err(|_| invalid())?;
        Month::new(year, month).ok_or_else(invalid)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Index of a department in [`Departments`].
pub type DepartmentId = u32;

/// A help-desk channel's id in [`Dataset::channels`] (interned as departments are, but never one).
pub type ChannelId = u32;

/// Department names as the exports spell them: trimmed, inner runs of spaces collapsed, matched
/// case-insensitively, displayed as first seen.
#[derive(Debug, Clone, Default)]
pub struct Departments {
    names: Vec<String>,
    by_key: HashMap<String, DepartmentId>,
}

impl Departments {
    /// The id for `raw`, adding it if new; `None` for a blank name.
    pub fn intern(&mut self, raw: &str) -> Option<DepartmentId> {
        let display = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if display.is_empty() {
            return None;
        }
        let key = display.to_lowercase();
        if let Some(&id) = self.by_key.get(&key) {
            return Some(id);
        }
        let id = self.names.len() as DepartmentId;
        self.names.push(display);
        self.by_key.insert(key, id);
        Some(id)
    }

    /// The id of an existing department, matched case-insensitively.
    pub fn find(&self, name: &str) -> Option<DepartmentId> {
        let key = name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.by_key.get(&key.to_lowercase()).copied()
    }

    pub fn name(&self, id: DepartmentId) -> &str {
        self.names.get(id as usize).map_or("?", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Ids with their display names, in first-seen order.
    pub fn iter(&self) -> impl Iterator<Item = (DepartmentId, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(index, name)| (index as DepartmentId, name.as_str()))
    }
}

/// The kinds of export SPEC §2 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Finance,
    Deliveries,
    Workforce,
    Nps,
    Csat,
    Customers,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Finance => "finance",
            Kind::Deliveries => "deliveries",
            Kind::Workforce => "workforce",
            Kind::Nps => "nps",
            Kind::Csat => "csat",
            Kind::Customers => "customers",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The row shape within a kind (finance and customers have two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// One row per month × department (finance, workforce).
    Wide,
    /// One row per posting (finance).
    Ledger,
    /// One row per item, event or customer.
    List,
    /// One row per month × segment (customers).
    Summary,
    /// A P&L statement as accounting software prints it: account rows in sections, periods or
    /// departments as columns (finance, SPEC §2b).
    PnlStatement,
    /// One row per subscription of a billing tool (customers), several per customer.
    Subscriptions,
    /// An issue tracker's export: one row per issue (Jira, Linear, Plane, Asana, GitHub
    /// Projects), read as deliveries (SPEC §2b).
    IssueTracker,
    /// A time tracker's detailed report: one row per time entry (Toggl Track, Clockify,
    /// Harvest), summed into workforce months (SPEC §2b).
    TimeEntries,
}

/// Dates as days since 0001-01-01 in the reading cache: compact and quick to read back.
mod days {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(date.num_days_from_ce())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let days = i32::deserialize(deserializer)?;
        NaiveDate::from_num_days_from_ce_opt(days)
            .ok_or_else(|| D::Error::custom("day out of range"))
    }
}

mod optional_days {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    pub fn serialize<S: Serializer>(
        date: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        date.map(|date| date.num_days_from_ce())
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Option::<i32>::deserialize(deserializer)?
            .map(|days| {
                NaiveDate::from_num_days_from_ce_opt(days)
                    .ok_or_else(|| D::Error::custom("day out of range"))
            })
            .transpose()
    }
}

/// Where a row came from: index into [`Dataset::sources`] and the physical line (header = 1) or
/// sheet row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowRef {
    pub source: u32,
    pub line: u32,
}

/// One month × department of the P&L, from a wide file or summed from ledger postings.
/// Blank P&L amounts count as zero; budgets stay missing when blank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinanceRow {
    pub month: Month,
    pub department: Option<DepartmentId>,
    pub revenue: f64,
    pub cogs: f64,
    pub opex: f64,
    pub depreciation: f64,
    pub amortization: f64,
    pub revenue_budget: Option<f64>,
    pub cost_budget: Option<f64>,
}

impl FinanceRow {
    /// A month × department with every amount 0 and no budget, to add amounts to.
    pub fn zero(month: Month, department: Option<DepartmentId>) -> FinanceRow {
        FinanceRow {
            month,
            department,
            revenue: 0.0,
            cogs: 0.0,
            opex: 0.0,
            depreciation: 0.0,
            amortization: 0.0,
            revenue_budget: None,
            cost_budget: None,
        }
    }
}

/// One project or deliverable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    pub department: Option<DepartmentId>,
    #[serde(with = "days")]
    pub due_date: NaiveDate,
    #[serde(with = "optional_days")]
    pub delivered_date: Option<NaiveDate>,
    pub name: Option<String>,
    pub customer: Option<String>,
    pub budget_cost: Option<f64>,
    pub actual_cost: Option<f64>,
    pub origin: RowRef,
}

/// One month × department of hours and headcount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkforceRow {
    pub month: Month,
    pub department: Option<DepartmentId>,
    pub fte: f64,
    pub available_hours: f64,
    pub billable_hours: f64,
    pub output_units: Option<f64>,
    /// Σ hours of every time entry (billable or not), where time entries give the month ×
    /// department; `None` for a monthly workforce file alone.
    pub tracked_hours: Option<f64>,
}

/// One entry of a time tracker's detailed report. The person is kept as a key (a hash of the
/// lower-cased email, user or name) and, where the export also names them another way, a second
/// key, so `[people]` can be written either way; department is the export's own group, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeEntry {
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub person: u64,
    pub person_alias: Option<u64>,
    pub department: Option<DepartmentId>,
    pub hours: f64,
    pub billable: bool,
}

/// A person who logged time, as the Data view's `[people]` editor lists them: the name as the
/// export first wrote it, the hours they logged (after repeated exports are dropped), and
/// whether some of their entries carry no group of the export's own, so that `[people]` is
/// what places those entries in a department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSeen {
    pub key: u64,
    pub name: String,
    pub hours: f64,
    pub ungrouped: bool,
}

/// The key a person is known by in time entries and in `[people]`: trimmed, inner spaces
/// collapsed, lower-cased, hashed (xxh3).
pub fn person_key(name: &str) -> Option<u64> {
    let trimmed = name.trim();
    // Emails, the common case: already what the key is made of, hashed without a copy.
    if trimmed
        .bytes()
        .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
    {
        return (!trimmed.is_empty()).then(|| xxhash_rust::xxh3::xxh3_64(trimmed.as_bytes()));
    }
    let mut key = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    (!key.is_empty()).then(|| xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

#[cfg(test)]
mod person_tests {
    use super::person_key;

    #[test]
    fn a_person_is_the_same_whatever_the_case_and_spacing() {
        assert_eq!(
            person_key("ana@example.com"),
            person_key(" Ana@Example.COM ")
        );
        assert_eq!(person_key("Peter  Tester"), person_key("peter tester"));
        assert_ne!(person_key("peter tester"), person_key("petertester"));
        assert_eq!(person_key("   "), None);
    }
}

/// One NPS survey response (score 0–10). Customer ids and comments are read for duplicate
/// detection but not kept: no metric uses them, and a million of them would double the memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpsResponse {
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub score: u8,
    pub department: Option<DepartmentId>,
    pub origin: RowRef,
}

/// One CSAT rating, on a numeric scale or a two- or three-valued text scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsatRating {
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub score: CsatScore,
    pub department: Option<DepartmentId>,
    /// The help-desk channel (Email, Phone, …), an id in [`Dataset::channels`]; not a
    /// department (SPEC §1).
    pub channel: Option<ChannelId>,
    pub origin: RowRef,
}

/// The numeric CSAT scales of SPEC §2b, each with the values that count as satisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CsatScale {
    /// 1–5, satisfied 4–5 (SPEC §3).
    OneToFive,
    /// 1–7, satisfied 6–7.
    OneToSeven,
    /// 1–10, satisfied 9–10.
    OneToTen,
    /// 0–10, satisfied 9–10.
    ZeroToTen,
    /// 0–2 faces (HubSpot), satisfied 2.
    ZeroToTwo,
    /// 1–3 faces, satisfied 3.
    OneToThree,
}

impl CsatScale {
    pub const ALL: [CsatScale; 6] = [
        CsatScale::OneToFive,
        CsatScale::OneToSeven,
        CsatScale::OneToTen,
        CsatScale::ZeroToTen,
        CsatScale::ZeroToTwo,
        CsatScale::OneToThree,
    ];

    /// Lowest and highest value.
    pub fn bounds(self) -> (u8, u8) {
        match self {
            CsatScale::OneToFive => (1, 5),
            CsatScale::OneToSeven => (1, 7),
            CsatScale::OneToTen => (1, 10),
            CsatScale::ZeroToTen => (0, 10),
            CsatScale::ZeroToTwo => (0, 2),
            CsatScale::OneToThree => (1, 3),
        }
    }

    /// The lowest value that counts as satisfied.
    pub fn satisfied_from(self) -> u8 {
        match self {
            CsatScale::OneToFive => 4,
            CsatScale::OneToSeven => 6,
            CsatScale::OneToTen | CsatScale::ZeroToTen => 9,
            CsatScale::ZeroToTwo => 2,
            CsatScale::OneToThree => 3,
        }
    }

    /// The scale with these bounds, if it is one of SPEC §2b's.
    pub fn from_bounds(low: u8, high: u8) -> Option<CsatScale> {
        CsatScale::ALL
            .into_iter()
            .find(|scale| scale.bounds() == (low, high))
    }

    /// "1–5, satisfied 4–5", for the source's detection sentence.
    pub fn describe(self) -> String {
        let (low, high) = self.bounds();
        let from = self.satisfied_from();
        if from == high {
            format!("{low}–{high}, satisfied {high}")
        } else {
            format!("{low}–{high}, satisfied {from}–{high}")
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CsatScore {
    /// A value on a numeric scale.
    Points(u8, CsatScale),
    /// `good`/`satisfied`/`positive` (true) or `bad`/`unsatisfied`/`neutral`/`negative` (false).
    Text(bool),
}

impl CsatScore {
    /// SPEC §3 and §2b: satisfied = the top of the scale (4–5 on 1–5, 6–7 on 1–7, 9–10 on 1–10,
    /// the top face on 0–2 and 1–3), `good`/`satisfied`/`positive` on text scales.
    pub fn is_satisfied(self) -> bool {
        match self {
            CsatScore::Points(points, scale) => points >= scale.satisfied_from(),
            CsatScore::Text(satisfied) => satisfied,
        }
    }

    /// One byte for the reading cache's survey columns: the value plus 16 × the scale's index
    /// for points, 200 and 201 for text.
    pub fn to_byte(self) -> u8 {
        match self {
            CsatScore::Points(points, scale) => {
                let index = CsatScale::ALL.iter().position(|s| *s == scale).unwrap_or(0) as u8;
                index * 16 + points.min(15)
            }
            CsatScore::Text(satisfied) => 200 + u8::from(satisfied),
        }
    }

    /// The score [`CsatScore::to_byte`] gave this byte, if any.
    pub fn from_byte(byte: u8) -> Option<CsatScore> {
        match byte {
            200 | 201 => Some(CsatScore::Text(byte == 201)),
            _ => {
                let scale = *CsatScale::ALL.get(usize::from(byte / 16))?;
                let points = byte % 16;
                let (low, high) = scale.bounds();
                (low..=high)
                    .contains(&points)
                    .then_some(CsatScore::Points(points, scale))
            }
        }
    }
}

/// One customer from a customer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub customer_id: String,
    #[serde(with = "days")]
    pub start_date: NaiveDate,
    #[serde(with = "optional_days")]
    pub end_date: Option<NaiveDate>,
    pub mrr: Option<f64>,
    pub department: Option<DepartmentId>,
    pub origin: RowRef,
    /// `false` when the export cannot say whether a customer left (Stripe's customers export has
    /// no end or cancellation column): such customers count as active, never as retained.
    pub ends_known: bool,
}

/// One month × segment of a customer summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummaryRow {
    pub month: Month,
    pub department: Option<DepartmentId>,
    pub customers_start: f64,
    pub churned_customers: f64,
    pub new_customers: Option<f64>,
}

/// What happened to a file: its kind, and how many of its rows were used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceSummary {
    /// Relative to the data folder, `/`-separated.
    pub file: String,
    /// `None` when the file was not recognised or could not be read.
    pub kind: Option<Kind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<Shape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_rejected: usize,
    /// Rows read correctly but outside what the metrics use (e.g. ledger interest postings).
    pub rows_ignored: usize,
    /// Rows dropped because another row (or a newer export) already says the same.
    pub rows_duplicate: usize,
    /// How the kind was decided where the header alone could not (NPS vs CSAT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<String>,
    /// Each recognised header and the column it was read as.
    pub columns: Vec<ColumnMapping>,
    /// Headers the app did not use.
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub header: String,
    pub column: String,
}

/// What the app did about a data-quality problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The row was not used.
    RowSkipped,
    /// The whole file was not used.
    FileSkipped,
    /// The row was used without this value.
    ValueIgnored,
    /// The row was used with a stated assumption (e.g. no department: company totals only).
    RowKept,
    /// The value was read under a stated assumption (e.g. ambiguous dates read month-first).
    Assumed,
    /// Rows that repeat rows already read were dropped.
    DuplicateDropped,
    /// Rows replaced by the same key in a newer export.
    Superseded,
    /// A header was not used.
    ColumnIgnored,
}

impl Action {
    /// How much the entry changes what the figures rest on: files and rows left out first,
    /// then values, replaced and repeated rows, assumptions, and columns not read last.
    pub fn rank(self) -> u8 {
        match self {
            Action::FileSkipped => 0,
            Action::RowSkipped => 1,
            Action::ValueIgnored => 2,
            Action::Superseded => 3,
            Action::DuplicateDropped => 4,
            Action::RowKept => 5,
            Action::Assumed => 6,
            Action::ColumnIgnored => 7,
        }
    }
}

/// The entries in the order a short list should show them: by [`Action::rank`], and in file
/// order within one rank (a memo's few lines are not spent on skipped Total columns).
pub fn notes_that_matter_first(issues: &[DataQualityIssue]) -> Vec<&DataQualityIssue> {
    let mut ordered: Vec<&DataQualityIssue> = issues.iter().collect();
    ordered.sort_by_key(|issue| issue.action.rank());
    ordered
}

/// One problem found in the input, precise enough to find and fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataQualityIssue {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub problem: String,
    pub action: Action,
}

/// Everything read from a data folder, combined per kind and ready for the metrics.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub departments: Departments,
    /// The help-desk channels CSAT ratings name (SPEC §1): spelled, matched and shown as
    /// departments are, but kept apart from them.
    pub channels: Departments,
    /// One row per month × department (wide rows and summed ledger postings).
    pub finance: Vec<FinanceRow>,
    pub deliveries: Vec<DeliveryRow>,
    pub workforce: Vec<WorkforceRow>,
    pub nps: Vec<NpsResponse>,
    pub csat: Vec<CsatRating>,
    pub customers: Vec<CustomerRow>,
    pub customer_summaries: Vec<CustomerSummaryRow>,
    pub sources: Vec<SourceSummary>,
    pub data_quality: Vec<DataQualityIssue>,
    /// Everyone who logged time in a time-entries file, by name (see [`PersonSeen`]).
    pub people: Vec<PersonSeen>,
    /// The file lines behind the month × department rows (SPEC §7 drill-down).
    pub lines: SourceLines,
}

/// Where the month × department rows came from (SPEC §7 drill-down): every file line that went
/// into a [`FinanceRow`], [`WorkforceRow`] or [`CustomerSummaryRow`] with its own amounts, and
/// the file that superseded it where a newer export gave the same month × department. Exact
/// repeats are not here (they are data-quality entries). Deliveries, survey answers and
/// customers carry their own origin and need none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceLines {
    /// Wide P&L rows, ledger postings (one amount each) and statement month columns.
    pub finance: Vec<SourceLine<FinanceRow>>,
    pub workforce: Vec<SourceLine<WorkforceRow>>,
    pub customer_summaries: Vec<SourceLine<CustomerSummaryRow>>,
    /// Time entries, with the department they were placed in (the export's group or `[people]`).
    pub time_entries: Vec<TimeLine>,
}

impl SourceLines {
    pub fn shrink_to_fit(&mut self) {
        self.finance.shrink_to_fit();
        self.workforce.shrink_to_fit();
        self.customer_summaries.shrink_to_fit();
        self.time_entries.shrink_to_fit();
    }
}

/// One file line and what it said; `superseded_by` is the source index of the newer file whose
/// rows for the same month × department are used instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceLine<T> {
    pub origin: RowRef,
    pub row: T,
    pub superseded_by: Option<u32>,
}

/// One time entry as it counted: its month, the department it was placed in, its hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeLine {
    pub origin: RowRef,
    pub month: Month,
    pub department: Option<DepartmentId>,
    pub hours: f64,
    pub billable: bool,
}

impl Dataset {
    /// Gives back the room the rows' vectors grew into but do not use (up to half of each,
    /// after growing by doubling while reading): the dataset lives as long as the window.
    pub fn shrink_to_fit(&mut self) {
        self.finance.shrink_to_fit();
        self.deliveries.shrink_to_fit();
        self.workforce.shrink_to_fit();
        self.nps.shrink_to_fit();
        self.csat.shrink_to_fit();
        self.customers.shrink_to_fit();
        self.customer_summaries.shrink_to_fit();
        self.sources.shrink_to_fit();
        self.data_quality.shrink_to_fit();
        self.lines.shrink_to_fit();
    }

    /// True when no file yielded a usable row.
    pub fn has_no_data(&self) -> bool {
        self.finance.is_empty()
            && self.deliveries.is_empty()
            && self.workforce.is_empty()
            && self.nps.is_empty()
            && self.csat.is_empty()
            && self.customers.is_empty()
            && self.customer_summaries.is_empty()
    }

    /// The latest month with actuals: finance, workforce and summary months, survey and rating
    /// dates, customer start dates and delivered dates. Due dates and customer end dates can be
    /// plans (a project list always reaches into the future; contracts have scheduled ends), so
    /// they never move it; due dates count only when nothing else dates the data.
    pub fn latest_month(&self) -> Option<Month> {
        let actuals = self
            .finance
            .iter()
            .map(|row| row.month)
            .chain(self.workforce.iter().map(|row| row.month))
            .chain(self.customer_summaries.iter().map(|row| row.month))
            .chain(self.nps.iter().map(|row| Month::of(row.date)))
            .chain(self.csat.iter().map(|row| Month::of(row.date)))
            .chain(self.customers.iter().map(|row| Month::of(row.start_date)))
            .chain(
                self.deliveries
                    .iter()
                    .filter_map(|row| row.delivered_date.map(Month::of)),
            )
            .max();
        actuals.or_else(|| {
            self.deliveries
                .iter()
                .map(|row| Month::of(row.due_date))
                .max()
        })
    }

    /// The first month of the report: the earliest month of monthly data, survey and rating
    /// dates and due dates. A customer list reaches back years (a customer since 2019, who left
    /// in 2021), so it counts only when nothing else dates the data.
    pub fn earliest_month(&self) -> Option<Month> {
        let activity = self
            .finance
            .iter()
            .map(|row| row.month)
            .chain(self.workforce.iter().map(|row| row.month))
            .chain(self.customer_summaries.iter().map(|row| row.month))
            .chain(self.nps.iter().map(|row| Month::of(row.date)))
            .chain(self.csat.iter().map(|row| Month::of(row.date)))
            .chain(self.deliveries.iter().map(|row| Month::of(row.due_date)))
            .min();
        activity.or_else(|| {
            self.customers
                .iter()
                .map(|row| Month::of(row.start_date).next())
                .min()
        })
    }

    /// Number of input rows rejected across all files.
    pub fn rows_rejected(&self) -> usize {
        self.sources.iter().map(|source| source.rows_rejected).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_that_leave_rows_out_come_before_skipped_columns_in_file_order() {
        let issue = |file: &str, action| DataQualityIssue {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            problem: String::new(),
            action,
        };
        let issues = [
            issue("a.csv", Action::ColumnIgnored),
            issue("b.csv", Action::Assumed),
            issue("c.csv", Action::RowSkipped),
            issue("d.csv", Action::FileSkipped),
            issue("e.csv", Action::RowSkipped),
        ];
        let files: Vec<&str> = notes_that_matter_first(&issues)
            .iter()
            .map(|i| i.file.as_str())
            .collect();
        assert_eq!(files, ["d.csv", "c.csv", "e.csv", "b.csv", "a.csv"]);
    }

    #[test]
    fn month_arithmetic_crosses_year_boundaries() {
        let january = Month::new(2026, 1).unwrap();
        assert_eq!(january.prev().to_string(), "2025-12");
        assert_eq!(january.offset(14).to_string(), "2027-03");
        assert_eq!(
            Month::new(2024, 2).unwrap().last_day(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(Month::new(2026, 13), None);
        assert_eq!("2026-03".parse::<Month>(), Ok(Month::new(2026, 3).unwrap()));
        assert!("2026-13".parse::<Month>().is_err());
    }

    #[test]
    fn departments_match_case_and_spacing_insensitively_and_keep_first_spelling() {
        let mut departments = Departments::default();
        let first = departments.intern("  Cloud   Operations ").unwrap();
        let second = departments.intern("cloud operations").unwrap();
        assert_eq!(first, second);
        assert_eq!(departments.name(first), "Cloud Operations");
        assert_eq!(departments.intern("   "), None);
        assert_eq!(departments.len(), 1);
    }

    #[test]
    fn each_csat_scale_counts_its_top_values_as_satisfied() {
        // SPEC §2b: 1–5 (4–5), 1–7 (6–7), 1–10 (9–10), 0–2 and 1–3 faces (the top value).
        let satisfied = |scale: CsatScale| -> Vec<u8> {
            let (low, high) = scale.bounds();
            (low..=high)
                .filter(|&v| CsatScore::Points(v, scale).is_satisfied())
                .collect()
        };
        assert_eq!(satisfied(CsatScale::OneToFive), [4, 5]);
        assert_eq!(satisfied(CsatScale::OneToSeven), [6, 7]);
        assert_eq!(satisfied(CsatScale::OneToTen), [9, 10]);
        assert_eq!(satisfied(CsatScale::ZeroToTwo), [2]);
        assert_eq!(satisfied(CsatScale::OneToThree), [3]);
        for scale in CsatScale::ALL {
            let (low, high) = scale.bounds();
            for value in low..=high {
                let score = CsatScore::Points(value, scale);
                assert_eq!(CsatScore::from_byte(score.to_byte()), Some(score));
            }
        }
        for text in [CsatScore::Text(true), CsatScore::Text(false)] {
            assert_eq!(CsatScore::from_byte(text.to_byte()), Some(text));
        }
    }
}
