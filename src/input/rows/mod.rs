//! From a table with a recognised header to typed rows of its kind. Each column's style (decimal
//! separator, day-first or month-first) is decided once from all its values; each bad value
//! becomes a data-quality entry naming the line, the column and the value, and a bad row never
//! stops the others.
//!
//! One parser per kind and shape ([`RowParser`]: `finance`, `deliveries`, `workforce`,
//! `surveys`, `customers`), each with its own once-per-file counts; [`Walk::scan`] does what all
//! share (rows split on the wrong delimiter, the department, the fingerprint, rejecting a row).
//! A new kind is one parser and one arm in [`parse_rows`].

mod columns;
mod customers;
mod deliveries;
mod finance;
mod surveys;
mod workforce;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use super::headers::{Field, HeaderMap, Recognised, normalise_header};
use super::reader::{CellRef, RowView, TableNotes, TableRows};
use super::survey::{SurveyScan, is_more_header, scale_from_header};
use crate::model::{
    Action, CsatRating, CsatScale, CustomerRow, CustomerSummaryRow, DataQualityIssue, DeliveryRow,
    DepartmentId, Departments, FinanceRow, Kind, NpsResponse, PersonSeen, RowRef, Shape, TimeEntry,
    WorkforceRow,
};
use columns::Columns;
pub use finance::{Category, Posting, ledger_category};

/// A typed row with where it came from and a fingerprint of its raw cells (for exact-duplicate
/// detection across files).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Parsed<T> {
    pub origin: RowRef,
    pub fingerprint: u64,
    pub row: T,
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

    /// Renumbers the ratings' channels after a file was read with its own channels: `map[local]`
    /// is the id in the folder's channels.
    pub fn remap_channels(&mut self, map: &[Option<crate::model::ChannelId>]) {
        let remap = |rows: &mut [Parsed<CsatRating>]| {
            for parsed in rows {
                let channel = &mut parsed.row.channel;
                *channel = channel.and_then(|local| map.get(local as usize).copied().flatten());
            }
        };
        match self {
            ParsedRows::Csat(rows) | ParsedRows::Surveys(_, rows) => remap(rows),
            _ => {}
        }
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

/// Counts one more row in `slot` (first line, count).
fn count(slot: &mut Option<(usize, usize)>, line: usize) {
    slot.get_or_insert((line, 0)).1 += 1;
}

/// Reads `rows` (the rows after the header) as `kind`/`shape`.
pub fn parse_rows(
    recognised: Recognised,
    header: &HeaderMap,
    (rows, skip): (&TableRows, usize),
    notes: &TableNotes,
    source: u32,
    file: &str,
    // The file's departments and help-desk channels, each interned as the rows name them.
    (departments, channels): (&mut Departments, &mut Departments),
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
        .map(|score| SurveyScan::new(score, surveys::survey_candidates(header)));
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
    // A billing tool's subscriptions (several per customer).
    let shape = if kind == Kind::Customers
        && shape == Shape::List
        && customers::Subscriptions::are_in(header)
    {
        Shape::Subscriptions
    } else {
        shape
    };
    let mut cx = FileCx {
        columns: &columns,
        file,
        issues,
        detection,
        rows_read: 0,
        rejected: 0,
        ignored: 0,
    };
    let walk = Walk {
        rows,
        skip,
        source,
        departments,
    };
    let responses = || surveys::Responses::new(header);
    let parsed = match (kind, shape) {
        (Kind::Finance, Shape::Ledger) => walk.scan(finance::Ledger::default(), &mut cx),
        (Kind::Finance, _) => walk.scan(finance::Monthly, &mut cx),
        (Kind::Deliveries, _) => walk.scan(deliveries::Items::default(), &mut cx),
        (Kind::Workforce, Shape::TimeEntries) => {
            walk.scan(workforce::TimeEntries::default(), &mut cx)
        }
        (Kind::Workforce, _) => walk.scan(workforce::Monthly, &mut cx),
        (Kind::Nps | Kind::Csat, _) if let Some(split) = split => walk.scan(
            surveys::Labelled {
                responses: responses(),
                split,
                scale: csat_scale,
                not_rated: None,
                unlabelled: None,
                channels: surveys::Channels::new(channels),
            },
            &mut cx,
        ),
        (Kind::Nps, _) => walk.scan(
            surveys::Nps {
                responses: responses(),
            },
            &mut cx,
        ),
        (Kind::Csat, _) => walk.scan(
            surveys::Csat {
                responses: responses(),
                scale: csat_scale,
                not_rated: None,
                channels: surveys::Channels::new(channels),
            },
            &mut cx,
        ),
        (Kind::Customers, Shape::Summary) => walk.scan(customers::Summary, &mut cx),
        (Kind::Customers, Shape::Subscriptions) => {
            walk.scan(customers::Subscriptions::new(header), &mut cx)
        }
        (Kind::Customers, _) => walk.scan(customers::List::new(header), &mut cx),
    };
    let FileCx {
        issues,
        detection,
        rows_read,
        rejected,
        ignored,
        ..
    } = cx;
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

/// The file being read as each kind's parser sees it: its settled columns, and what the file
/// says about itself (data-quality entries, detection sentences, row counts).
struct FileCx<'a> {
    columns: &'a Columns<'a>,
    file: &'a str,
    issues: Vec<DataQualityIssue>,
    detection: Vec<String>,
    rows_read: usize,
    rejected: usize,
    /// Rows read correctly but not used (ledger categories outside EBITDA, items that are not
    /// deliverables, survey rows that are not answers).
    ignored: usize,
}

impl<'a> FileCx<'a> {
    fn header(&self) -> &'a HeaderMap {
        self.columns.header
    }

    /// The header of `field`'s column as written.
    fn column_of(&self, field: Field) -> Option<String> {
        let header = self.header();
        header.position(field).map(|p| header.headers[p].clone())
    }

    /// A row left out for a bad value: one entry naming line, column and value.
    fn reject(&mut self, line: usize, problem: Problem) {
        self.rejected += 1;
        self.issues.push(DataQualityIssue {
            file: self.file.to_string(),
            line: Some(line),
            column: Some(problem.column),
            value: Some(problem.value),
            problem: problem.problem,
            action: Action::RowSkipped,
        });
    }

    /// An optional value that is bad: the row is used without it.
    fn ignore_value(&mut self, line: usize, problem: Problem) {
        self.issues.push(DataQualityIssue {
            file: self.file.to_string(),
            line: Some(line),
            column: Some(problem.column),
            value: Some(problem.value),
            problem: format!("{}; the row is used without it", problem.problem),
            action: Action::ValueIgnored,
        });
    }

    /// An optional number of the row; a bad one is an entry and leaves it out.
    fn optional_number(&mut self, row: &RowView<'_>, field: Field) -> Option<f64> {
        let columns = self.columns;
        columns.number(row, field).unwrap_or_else(|problem| {
            self.ignore_value(row.line, problem);
            None
        })
    }

    /// One entry for the whole file, at the first line it concerns.
    fn once(
        &mut self,
        line: usize,
        column: Option<String>,
        value: Option<String>,
        problem: String,
        action: Action,
    ) {
        self.issues.push(DataQualityIssue {
            file: self.file.to_string(),
            line: Some(line),
            column,
            value,
            problem,
            action,
        });
    }

    /// Rows counted in `slot` (first line, count) that were read but are not used: one entry,
    /// and they count as ignored.
    fn not_used(
        &mut self,
        slot: Option<(usize, usize)>,
        column: Option<String>,
        what: impl FnOnce(usize) -> String,
    ) {
        if let Some((line, count)) = slot {
            self.ignored += count;
            let problem = format!("{} (first at line {line})", what(count));
            self.once(line, column, None, problem, Action::RowSkipped);
        }
    }
}

/// One kind's (and shape's) row parser: `row` turns one row into the kind's typed row (`None`
/// for a row read but not used), `finish` takes the rows and adds the file's once-per-file
/// entries. What every kind shares (a row split on the wrong delimiter, the department, the
/// fingerprint, rejecting a row) is [`Walk::scan`]'s.
trait RowParser {
    type Row;

    /// Whether a row without a department gets the file's "no department" entry (time entries
    /// are placed by `[people]` when the folder is combined, so theirs do not).
    const COUNTS_MISSING_DEPARTMENT: bool = true;

    /// The department the row names, from its department text as written.
    fn department<'r>(&mut self, _line: usize, name: Cow<'r, str>) -> Option<Cow<'r, str>> {
        Some(name)
    }

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<Self::Row>, Problem>;

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<Self::Row>>) -> ParsedRows;
}

/// The rows of one table to be read, and the departments they name.
struct Walk<'t> {
    rows: &'t TableRows,
    skip: usize,
    source: u32,
    departments: &'t mut Departments,
}

impl Walk<'_> {
    /// Every row through `parser`, with what all kinds share.
    fn scan<P: RowParser>(self, mut parser: P, cx: &mut FileCx<'_>) -> ParsedRows {
        let columns = cx.columns;
        // Rows with more non-blank fields than the header has columns were split on the wrong
        // character (mixed delimiters) or shifted: reading them would put values in wrong
        // columns.
        let width = cx.header().headers.len();
        // Department cells repeat a handful of names a million times: look each spelling up
        // once.
        let mut department_ids: HashMap<
            String,
            Option<DepartmentId>,
            xxhash_rust::xxh3::Xxh3Builder,
        > = HashMap::default();
        let mut without_department: Option<(usize, usize)> = None;
        let mut parsed = Vec::with_capacity(self.rows.estimated_len());
        let mut scratch = Vec::new();
        let departments = self.departments;
        self.rows.scan(self.skip, |view| {
            cx.rows_read += 1;
            let row = &view;
            let origin = RowRef {
                source: self.source,
                line: row.line as u32,
            };
            if row.len() == 1 && width > 2 {
                cx.reject(row.line, Problem {
                    column: String::new(),
                    value: row.get(0).as_text().chars().take(80).collect(),
                    problem: format!("the row is one field but the header has {width} columns; it uses another delimiter than the rest of the file"),
                });
                return ControlFlow::Continue(());
            }
            if let Some(extra) = row.cells().skip(width).find(|cell| !cell.is_blank()) {
                cx.reject(row.line, Problem {
                    column: String::new(),
                    value: extra.as_text().trim().to_string(),
                    problem: format!("the row has {} fields but the header has {width}; check for a stray delimiter or an unquoted value", row.len()),
                });
                return ControlFlow::Continue(());
            }
            let name = columns
                .department_text(row)
                .and_then(|name| parser.department(row.line, name));
            let department = match name {
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
            if department.is_none() && columns.has_department_column() && P::COUNTS_MISSING_DEPARTMENT {
                count(&mut without_department, row.line);
            }
            match parser.row(cx, row, origin, department) {
                Ok(Some(typed)) => parsed.push(Parsed {
                    origin,
                    fingerprint: fingerprint(columns.header_seed, row, width, &mut scratch),
                    row: typed,
                }),
                Ok(None) => {}
                Err(problem) => cx.reject(row.line, problem),
            }
            ControlFlow::Continue(())
        });
        let typed = parser.finish(cx, parsed);
        if let Some((line, count)) = without_department {
            cx.once(
                line,
                cx.column_of(Field::Department),
                Some(String::new()),
                format!("{count} row(s) have no department (first at line {line}); they count in company totals only"),
                Action::RowKept,
            );
        }
        typed
    }
}
