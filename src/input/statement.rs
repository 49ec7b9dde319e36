//! P&L statements as accounting software prints them (SPEC §2b "Finance: the P&L statement"):
//! QuickBooks "Profit and Loss by Month / Class / Location", Xero, Sage, Zoho Books and
//! German or French reports. Title rows, a header row of periods or departments, account rows in
//! sections with nested subtotals, computed rows and a footer become one [`FinanceRow`] per
//! month (× department) column.
//!
//! How a statement is read:
//! - the header is the first of the leading rows with two or more text cells and no number; a
//!   row right below it of `Actual` / `Budget` cells makes a "Budget vs. Actuals" statement;
//! - each section heading (a row without amounts whose label names a P&L section) opens a
//!   section; its amount is its own total row (`Total for Income`, `Total Income`, `Summe …`)
//!   when it has one, else the sum of its account rows, nested subtotals never added;
//! - accounts whose name (or group's name) speaks of depreciation or amortization are carved
//!   out of operating expenses; other income and expenses are reported once and left out;
//! - the `Net Operating Income` (operating profit) row is checked against
//!   revenue − cogs − opex − D&A per column.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::{Datelike, NaiveDate};

use super::reader::{CellRef, RawTable};
use super::rows::Parsed;
use super::values::{
    DateOrder, NumberStyle, NumberStyleTally, parse_date, parse_month, parse_number,
};
use crate::model::{Action, DataQualityIssue, Departments, FinanceRow, Month, RowRef};

/// How many leading rows may hold the title and the header.
const TITLE_ROWS: usize = 30;

/// A statement longer than this is not a statement (a chart of accounts has a few hundred
/// rows); the rows past it are not looked at.
const MAX_STATEMENT_ROWS: usize = 20_000;

/// Two amounts that agree to the cent.
const CENT: f64 = 0.01 + 1e-9;

/// What the detection sentence of a statement without department columns says of its columns
/// (the Data view offers to assign such a file to a department).
pub const MONTH_COLUMNS: &str = "month columns";

/// A statement read into finance rows.
#[derive(Debug)]
pub struct Statement {
    /// The source entry's sentence on how the layout was recognised.
    pub detection: String,
    /// One row per month column (company figures) or per department column.
    pub rows: Vec<Parsed<FinanceRow>>,
    /// True when the columns are departments (a `[sources]` department setting does not apply).
    pub has_departments: bool,
    /// The line of the header row.
    pub header_line: usize,
    pub issues: Vec<DataQualityIssue>,
}

/// Why a table was not read as a statement.
#[derive(Debug, PartialEq)]
pub enum NotRead {
    /// Nothing in it looks like a P&L statement: the caller says what it would say anyway.
    NotAStatement,
    /// It looks like a statement (or another accounting report) but cannot be read: why, and
    /// what to do.
    Refused(String),
}

/// The P&L field a section feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Revenue,
    Cogs,
    Opex,
    /// A section of its own for depreciation and amortization.
    DepreciationAmortization,
    /// Other income / expenses, interest, tax: not part of EBITDA.
    Other,
}

/// What a header cell says its column holds.
#[derive(Debug, Clone, PartialEq)]
enum ColumnHead {
    Month(Month),
    /// Not a month: a partial month, a quarter, a year, a total. The text says which.
    NotAMonth(&'static str),
    Department(String),
    Blank,
}

/// Whether a column of a Budget vs. Actuals statement holds the actual or the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    Actual,
    Budget,
    /// `over Budget`, `% of Budget`, `Remaining`: derived, not read.
    Derived,
}

/// One column that gives figures.
#[derive(Debug, Clone)]
struct ValueColumn {
    position: usize,
    month: Option<Month>,
    department: Option<String>,
    measure: Measure,
    header: String,
}

/// The amounts one section collected, per value column.
#[derive(Debug, Clone)]
struct SectionAmounts {
    section: Section,
    label: String,
    accounts: Vec<f64>,
    total: Option<Vec<f64>>,
    depreciation: Vec<f64>,
    amortization: Vec<f64>,
}

impl SectionAmounts {
    fn new(section: Section, label: &str, width: usize) -> SectionAmounts {
        SectionAmounts {
            section,
            label: label.to_string(),
            accounts: vec![0.0; width],
            total: None,
            depreciation: vec![0.0; width],
            amortization: vec![0.0; width],
        }
    }

    /// The section's amount in column `index`: its total row, else the sum of its accounts.
    fn amount(&self, index: usize) -> f64 {
        self.total
            .as_ref()
            .map_or(self.accounts[index], |total| total[index])
    }
}

/// Lower-cased, accents kept, account numbers (`40100 Software Sales`, `4000 - Sales`) and
/// surrounding punctuation removed, inner spaces collapsed.
fn label_key(label: &str) -> String {
    let lower = label.trim().to_lowercase();
    let without_number = lower
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches([' ', '-', '.', ':', '·'])
        .to_string();
    let base = if without_number.is_empty() {
        lower
    } else {
        without_number
    };
    base.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| c == ':' || c == '.')
        .to_string()
}

/// The section a heading names, if any.
fn section_of(label: &str) -> Option<Section> {
    let key = label_key(label);
    let key = key
        .strip_prefix("less ")
        .or_else(|| key.strip_prefix("plus "))
        .or_else(|| key.strip_prefix("add "))
        .unwrap_or(&key)
        .trim_start_matches("total ")
        .replace('&', "and");
    const REVENUE: &[&str] = &[
        "income",
        "revenue",
        "revenues",
        "sales",
        "turnover",
        "trading income",
        "operating income",
        "operating revenue",
        "sales revenue",
        "income from operations",
        // German
        "umsatzerlöse",
        "umsatzerloese",
        "erlöse",
        "erloese",
        "umsatz",
        "betriebliche erträge",
        // French
        "chiffre d'affaires",
        "chiffre d’affaires",
        "produits d'exploitation",
        "produits d’exploitation",
        "ventes",
        "produits",
    ];
    const COGS: &[&str] = &[
        "cost of goods sold",
        "cost of sales",
        "costs of sales",
        "cost of revenue",
        "cost of revenues",
        "direct costs",
        "direct cost",
        "direct expenses",
        "cost of goods sold (cogs)",
        "cogs",
        // German
        "materialaufwand",
        "wareneinsatz",
        "herstellungskosten",
        "aufwendungen für roh-, hilfs- und betriebsstoffe",
        // French
        "achats consommés",
        "coût des ventes",
        "coût des marchandises vendues",
        "achats de marchandises",
    ];
    const OPEX: &[&str] = &[
        "expenses",
        "expense",
        "operating expenses",
        "operating expense",
        "operating costs",
        "overheads",
        "overhead",
        "administrative expenses",
        "general and administrative expenses",
        "selling, general and administrative",
        // German
        "betriebliche aufwendungen",
        "sonstige betriebliche aufwendungen",
        "personalaufwand",
        "aufwendungen",
        // French
        "charges d'exploitation",
        "charges d’exploitation",
        "charges externes",
        "charges de personnel",
        "autres charges externes",
        "frais généraux",
    ];
    const DEPRECIATION: &[&str] = &[
        "depreciation",
        "amortization",
        "amortisation",
        "depreciation and amortization",
        "depreciation and amortisation",
        "abschreibungen",
        "dotations aux amortissements",
    ];
    const OTHER: &[&str] = &[
        "other income",
        "other expenses",
        "other expense",
        "other income and expenses",
        "other income (expense)",
        "other income/expenses",
        "other income/expense",
        "non operating income",
        "non operating expense",
        "non operating expenses",
        "non-operating income",
        "non-operating expense",
        "non-operating expenses",
        "non-operating items",
        "interest",
        "interest and tax",
        "tax",
        "taxes",
        "income tax",
        "income taxes",
        "finance costs",
        "finance income",
        // German
        "sonstige erträge",
        "sonstige betriebliche erträge",
        "zinsen und ähnliche aufwendungen",
        "zinsen",
        "steuern",
        "steuern vom einkommen und vom ertrag",
        "finanzergebnis",
        "außerordentliche erträge",
        "außerordentliche aufwendungen",
        // French
        "autres produits",
        "autres charges",
        "produits financiers",
        "charges financières",
        "produits exceptionnels",
        "charges exceptionnelles",
        "impôts sur les bénéfices",
        "impôts",
    ];
    let key = key.as_str();
    // Cost of sales before sales, other income before income.
    if COGS.contains(&key) {
        Some(Section::Cogs)
    } else if OTHER.contains(&key) {
        Some(Section::Other)
    } else if DEPRECIATION.contains(&key) {
        Some(Section::DepreciationAmortization)
    } else if REVENUE.contains(&key) {
        Some(Section::Revenue)
    } else if OPEX.contains(&key) {
        Some(Section::Opex)
    } else {
        None
    }
}

/// A computed row (`Gross Profit`, `Net Income`); `true` when it is the operating result the
/// cross-check compares with.
fn computed_row(label: &str) -> Option<bool> {
    let key = label_key(label).replace('&', "and");
    const OPERATING: &[&str] = &[
        "net operating income",
        "net ordinary income",
        "net operating income (loss)",
        "operating profit",
        "operating profit (loss)",
        "operating profit/loss",
        "operating loss",
        "net operating profit",
        "net operating loss",
        "operating income (loss)",
        "betriebsergebnis",
        "résultat d'exploitation",
        "résultat d’exploitation",
    ];
    const OTHER: &[&str] = &[
        "gross profit",
        "gross margin",
        "gross profit (loss)",
        "net income",
        "net income (loss)",
        "net profit",
        "net profit/loss",
        "net profit (loss)",
        "net loss",
        "net other income",
        "net other income (loss)",
        "net other expense",
        "net other expenses",
        "profit before tax",
        "profit before taxation",
        "profit after tax",
        "profit for the year",
        "net earnings",
        "ebitda",
        "ebit",
        "rohertrag",
        "rohgewinn",
        "jahresüberschuss",
        "jahresfehlbetrag",
        "ergebnis vor steuern",
        "marge brute",
        "résultat net",
        "résultat courant avant impôts",
        "résultat financier",
        "résultat exceptionnel",
    ];
    if OPERATING.contains(&key.as_str()) {
        Some(true)
    } else if OTHER.contains(&key.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// The name a total row totals: `Total for Income` → `Income`, `Total Income` → `Income`,
/// `Summe Erlöse` → `Erlöse`, `Total des produits` → `produits`.
fn total_of(label: &str) -> Option<&str> {
    let trimmed = label.trim();
    let lower = trimmed.to_lowercase();
    for prefix in [
        "total for ",
        "total des ",
        "total du ",
        "total de la ",
        "total de ",
        "total ",
        "summe der ",
        "summe ",
        "gesamt ",
    ] {
        if lower.starts_with(prefix) && trimmed.is_char_boundary(prefix.len()) {
            return Some(trimmed[prefix.len()..].trim());
        }
    }
    None
}

fn speaks_of_amortization(label: &str) -> bool {
    let lower = label.to_lowercase();
    lower.contains("amortiz") || lower.contains("amortis")
}

fn speaks_of_depreciation(label: &str) -> bool {
    let lower = label.to_lowercase();
    lower.contains("depreciation")
        || lower.contains("abschreibung")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "afa")
}

/// Titles of accounting reports that are not P&L statements, with what to export instead.
fn other_report(title: &str) -> Option<&'static str> {
    let lower = title.to_lowercase();
    [
        ("trial balance", "a Trial Balance"),
        ("general ledger", "a General Ledger"),
        ("balance sheet", "a Balance Sheet"),
        ("statement of cash flows", "a Cash Flow statement"),
        ("cash flow", "a Cash Flow statement"),
        (
            "summensaldenliste",
            "a trial balance (Summen- und Saldenliste)",
        ),
        ("bilanz", "a balance sheet (Bilanz)"),
        ("balance générale", "a trial balance (balance générale)"),
        ("grand livre", "a general ledger (grand livre)"),
    ]
    .into_iter()
    .find(|(words, _)| lower.contains(words))
    .map(|(_, name)| name)
}

fn month_name(word: &str) -> Option<u32> {
    let word = word.trim().trim_end_matches('.').to_lowercase();
    const NAMES: [&[&str]; 12] = [
        &["january", "jan", "januar", "jänner", "janvier", "janv"],
        &[
            "february", "feb", "februar", "février", "fevrier", "févr", "fevr", "fév",
        ],
        &["march", "mar", "märz", "maerz", "mär", "mars"],
        &["april", "apr", "avril", "avr"],
        &["may", "mai"],
        &["june", "jun", "juni", "juin"],
        &["july", "jul", "juli", "juillet", "juil"],
        &["august", "aug", "août", "aout"],
        &["september", "sep", "sept", "septembre"],
        &["october", "oct", "oktober", "okt", "octobre"],
        &["november", "nov", "novembre"],
        &[
            "december",
            "dec",
            "dezember",
            "dez",
            "décembre",
            "decembre",
            "déc",
        ],
    ];
    NAMES
        .iter()
        .position(|names| names.contains(&word.as_str()))
        .map(|index| index as u32 + 1)
}

/// A span of days a header or a title line names.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    first: NaiveDate,
    last: NaiveDate,
}

impl Span {
    fn month(month: Month) -> Span {
        Span {
            first: month.first_day(),
            last: month.last_day(),
        }
    }

    /// The month when the span is exactly one whole month.
    fn whole_month(self) -> Option<Month> {
        let month = Month::of(self.first);
        (self.first == month.first_day() && self.last == month.last_day()).then_some(month)
    }

    fn months(self) -> i32 {
        Month::of(self.last).months_since(Month::of(self.first)) + 1
    }
}

/// One date being assembled from the words of a period text.
#[derive(Debug, Clone, Copy, Default)]
struct DateParts {
    day: Option<u32>,
    month: Option<u32>,
    year: Option<i32>,
}

/// The span of days a period text names: `January 2025`, `Jan-25`, `2025-01`,
/// `January 1-July 31, 2025`, `Nov 1 - Nov 11 2025`, `1 January 2025 to 31 March 2025`,
/// `For the month ended 31 January 2025`, `01.01.2025 - 31.01.2025`, `Q1 2025`, `FY2025`.
fn parse_span(text: &str) -> Option<Span> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    // A whole date ("2025-01-31") names a day, not a month: handled below.
    if let Ok(month) = parse_month(trimmed, DateOrder::MonthFirst)
        && parse_date(trimmed, DateOrder::MonthFirst).is_err()
    {
        return Some(Span::month(month));
    }
    let lower = trimmed.to_lowercase();
    // Quarters and fiscal years.
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let year_of = |word: &str| -> Option<i32> {
        let digits = word.trim_start_matches("fy");
        (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    };
    if let Some(quarter) = words.iter().find_map(|w| {
        w.strip_prefix('q')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| (1..=4).contains(n))
    }) && let Some(year) = words.iter().find_map(|w| year_of(w))
    {
        let first = Month::new(year, quarter * 3 - 2)?;
        return Some(Span {
            first: first.first_day(),
            last: first.offset(2).last_day(),
        });
    }
    if words.len() == 1
        && let Some(year) = year_of(words[0])
    {
        return Some(Span {
            first: NaiveDate::from_ymd_opt(year, 1, 1)?,
            last: NaiveDate::from_ymd_opt(year, 12, 31)?,
        });
    }

    // Dates assembled word by word; a part already set starts the next date.
    let mut dates: Vec<DateParts> = Vec::new();
    let mut current = DateParts::default();
    let push = |dates: &mut Vec<DateParts>, current: &mut DateParts| {
        if current.day.is_some() || current.month.is_some() || current.year.is_some() {
            dates.push(*current);
        }
        *current = DateParts::default();
    };
    // `a/b/yyyy` dates of one line share their order: month-first (US tools) unless one of them
    // only reads day-first (`Du 01/02/2026 au 28/02/2026`).
    let slashes_month_first = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|word| word.matches('/').count() == 2)
        .all(|word| parse_date(word, DateOrder::MonthFirst).is_ok());
    for word in lower.split(|c: char| c.is_whitespace() || c == ',') {
        let word = word.trim_matches(|c: char| c == '(' || c == ')');
        if word.is_empty() {
            continue;
        }
        let numeric_date = word.len() >= 8
            && word
                .bytes()
                .all(|b| b.is_ascii_digit() || b"-./".contains(&b))
            && word.bytes().filter(u8::is_ascii_digit).count() >= 6;
        if numeric_date {
            let order = if word.contains('.') || !slashes_month_first {
                DateOrder::DayFirst
            } else {
                DateOrder::MonthFirst
            };
            let pieces: Vec<&str> = if word.matches('-').count() == 1 && !word.starts_with("20") {
                word.split('-').collect()
            } else {
                vec![word]
            };
            let date_pieces: Vec<NaiveDate> = if pieces.len() == 2 {
                pieces
                    .iter()
                    .filter_map(|p| parse_date(p, order).ok())
                    .collect()
            } else {
                parse_date(word, order).ok().into_iter().collect()
            };
            if date_pieces.is_empty() {
                return None;
            }
            for date in date_pieces {
                push(&mut dates, &mut current);
                dates.push(DateParts {
                    day: Some(date.day()),
                    month: Some(date.month()),
                    year: Some(date.year()),
                });
            }
            continue;
        }
        for piece in word.split(['-', '–', '—']) {
            if piece.is_empty() {
                // A separator: the next date starts.
                push(&mut dates, &mut current);
                continue;
            }
            if let Some(month) = month_name(piece) {
                if current.month.is_some() || current.year.is_some() {
                    push(&mut dates, &mut current);
                }
                current.month = Some(month);
            } else if let Ok(number) = piece.trim_end_matches('.').parse::<u32>() {
                if piece.len() == 4 {
                    if current.year.is_some() {
                        push(&mut dates, &mut current);
                    }
                    current.year = Some(number as i32);
                } else if (1..=31).contains(&number) {
                    if current.day.is_some() || current.year.is_some() {
                        push(&mut dates, &mut current);
                    }
                    current.day = Some(number);
                }
            }
        }
    }
    push(&mut dates, &mut current);
    let dates: Vec<DateParts> = dates
        .into_iter()
        .filter(|d| d.month.is_some() || d.day.is_some())
        .collect();
    if dates.is_empty() || dates.len() > 2 {
        return None;
    }
    // Missing parts come from the other date (`January 1-July 31, 2025`, `Nov 1-11, 2025`).
    let (mut first, mut last) = (dates[0], *dates.last()?);
    first.year = first.year.or(last.year);
    last.year = last.year.or(first.year);
    first.month = first.month.or(last.month);
    last.month = last.month.or(first.month);
    let (year_first, month_first) = (first.year?, first.month?);
    let (year_last, month_last) = (last.year?, last.month?);
    let start_month = Month::new(year_first, month_first)?;
    let end_month = Month::new(year_last, month_last)?;
    let single = dates.len() == 1;
    let ended = lower.contains("ended") || lower.contains("ending");
    if single && ended {
        // "For the month ended 31 January 2025".
        return Some(Span::month(end_month));
    }
    let start = match first.day {
        Some(day) => NaiveDate::from_ymd_opt(year_first, month_first, day)?,
        None => start_month.first_day(),
    };
    let end = match (single, last.day) {
        (true, Some(_)) => {
            // A single day ("As of July 31, 2025") is not a period.
            return None;
        }
        (_, Some(day)) => NaiveDate::from_ymd_opt(year_last, month_last, day)?,
        (_, None) => end_month.last_day(),
    };
    (start <= end).then_some(Span {
        first: start,
        last: end,
    })
}

/// What a header cell says its column holds.
fn column_head(text: &str) -> ColumnHead {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return ColumnHead::Blank;
    }
    let key = label_key(trimmed);
    if matches!(
        key.as_str(),
        "total"
            | "totals"
            | "gesamt"
            | "summe"
            | "total général"
            | "total general"
            | "ytd"
            | "year to date"
            | "ytd total"
    ) || key.starts_with("total ")
    {
        return ColumnHead::NotAMonth("the Total column");
    }
    match parse_span(trimmed) {
        Some(span) => match span.whole_month() {
            Some(month) => ColumnHead::Month(month),
            None if Month::of(span.first) == Month::of(span.last) => {
                ColumnHead::NotAMonth("part of a month")
            }
            None if span.months() == 3 => ColumnHead::NotAMonth("a quarter"),
            None if span.months() == 12 => ColumnHead::NotAMonth("a year"),
            None => ColumnHead::NotAMonth("several months"),
        },
        None => ColumnHead::Department(trimmed.to_string()),
    }
}

fn measure_of(text: &str) -> Option<Measure> {
    let key = label_key(text);
    match key.as_str() {
        "actual" | "actuals" | "ist" | "réel" | "réalisé" => Some(Measure::Actual),
        "budget" | "plan" | "soll" | "budgété" => Some(Measure::Budget),
        _ if key.contains("budget")
            || key.starts_with("remaining")
            || key.starts_with('%')
            || key.starts_with("variance")
            || key.starts_with("abweichung")
            || key.starts_with("écart") =>
        {
            Some(Measure::Derived)
        }
        _ => None,
    }
}

/// A table's rows as owned text and numbers (statements are small).
struct Line {
    line: usize,
    label: String,
    cells: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Blank,
    Number(f64),
    Text(String),
}

fn owned_rows(table: &RawTable) -> Vec<Line> {
    let mut lines = Vec::new();
    table.rows.scan(0, |row| {
        if lines.len() >= MAX_STATEMENT_ROWS || row.len() > super::MAX_HEADER_COLUMNS {
            return ControlFlow::Break(());
        }
        let mut cells = row.cells();
        let label = cells
            .next()
            .map_or_else(String::new, |c| c.as_text().trim().to_string());
        let cells = cells
            .map(|cell| match cell {
                CellRef::Number(number) => Value::Number(number),
                CellRef::Empty => Value::Blank,
                other if other.is_blank() => Value::Blank,
                other => Value::Text(other.as_text().trim().to_string()),
            })
            .collect();
        lines.push(Line {
            line: row.line,
            label,
            cells,
        });
        ControlFlow::Continue(())
    });
    lines
}

/// QuickBooks Desktop indents account names by columns (`,,Income`, `,,,4000 · Sales`) under
/// blank header cells: the first text in those leading columns is the row's label.
fn indent_labels(lines: &mut [Line], header_index: usize) {
    let Some(header) = lines.get(header_index) else {
        return;
    };
    let first_heading = header
        .cells
        .iter()
        .position(|c| *c != Value::Blank)
        .unwrap_or(0);
    if first_heading == 0 {
        return;
    }
    for line in &mut lines[header_index + 1..] {
        let indent = line.cells.len().min(first_heading);
        if line.label.is_empty()
            && let Some(position) = line.cells[..indent]
                .iter()
                .position(|c| matches!(c, Value::Text(_)))
            && let Value::Text(text) = std::mem::replace(&mut line.cells[position], Value::Blank)
        {
            line.label = text;
        }
    }
}

fn cell_at(line: &Line, position: usize) -> &Value {
    line.cells.get(position - 1).unwrap_or(&Value::Blank)
}

/// The header row: the first leading row with no number and two or more text cells, or a
/// period beside the account heading.
fn find_header(lines: &[Line]) -> Option<usize> {
    lines.iter().take(TITLE_ROWS).position(|line| {
        let texts = usize::from(!line.label.is_empty())
            + line
                .cells
                .iter()
                .filter(|c| matches!(c, Value::Text(_)))
                .count();
        let numbers = line
            .cells
            .iter()
            .filter(|c| match c {
                Value::Number(_) => true,
                Value::Text(text) => is_amount_text(text),
                Value::Blank => false,
            })
            .count();
        // One period beside a blank account heading (`,Jan 2026`) is a header too.
        let periods = line.cells.iter().any(|c| {
            matches!(c, Value::Text(t) if matches!(column_head(t), ColumnHead::Month(_) | ColumnHead::NotAMonth(_)))
        });
        (texts >= 2 || periods)
            && numbers == 0
            && line.cells.iter().any(|c| matches!(c, Value::Text(_)))
    })
}

/// A text cell that holds an amount (`"2,250.00"`), not a heading such as `2025`.
fn is_amount_text(text: &str) -> bool {
    matches!(parse_number(text, NumberStyle::DecimalPoint), Ok(Some(_)))
        && parse_span(text).is_none()
}

/// Reads `table` as a P&L statement.
pub fn read_statement(
    table: &RawTable,
    relative: &str,
    source: u32,
    departments: &mut Departments,
) -> Result<Statement, NotRead> {
    let mut lines = owned_rows(table);
    let header_index = find_header(&lines).ok_or(NotRead::NotAStatement)?;
    indent_labels(&mut lines, header_index);
    let title: Vec<String> = lines[..header_index]
        .iter()
        .flat_map(|line| {
            std::iter::once(line.label.clone()).chain(line.cells.iter().filter_map(|c| match c {
                Value::Text(text) => Some(text.clone()),
                _ => None,
            }))
        })
        .filter(|text| !text.is_empty())
        .collect();
    // A section heading is a row of its own, without amounts: a department called "Sales" in
    // the first column of a canonical file is not one.
    let has_section = lines[header_index + 1..].iter().any(|line| {
        section_of(&line.label).is_some() && line.cells.iter().all(|c| *c == Value::Blank)
    });
    if let Some(report) = title.iter().find_map(|t| other_report(t)) {
        return Err(NotRead::Refused(format!(
            "this is {report}, not a P&L statement; export the Profit and Loss report instead (by Month, or by Class/Location for departments)"
        )));
    }
    if !has_section {
        return Err(NotRead::NotAStatement);
    }
    let header = &lines[header_index];
    let header_line = header.line;
    let issue =
        |line: Option<usize>, column: Option<String>, problem: String, action| DataQualityIssue {
            file: relative.to_string(),
            line,
            column,
            value: None,
            problem,
            action,
        };
    let mut issues = Vec::new();

    // Columns: periods or departments, and in a Budget vs. Actuals statement a row of measures.
    let width = header.cells.len();
    let measures_line = lines.get(header_index + 1).filter(|line| {
        section_of(&line.label).is_none()
            && line
                .cells
                .iter()
                .any(|c| matches!(c, Value::Text(t) if measure_of(t).is_some()))
            && line.cells.iter().all(|c| match c {
                Value::Text(t) => {
                    measure_of(t).is_some()
                        || column_head(t) == ColumnHead::NotAMonth("the Total column")
                }
                Value::Blank => true,
                Value::Number(_) => false,
            })
    });
    let first_data = header_index + 1 + usize::from(measures_line.is_some());
    let mut heads: Vec<(String, ColumnHead)> = Vec::with_capacity(width);
    let mut carried: Option<(String, ColumnHead)> = None;
    for position in 1..=width.max(measures_line.map_or(0, |m| m.cells.len())) {
        let text = match cell_at(header, position) {
            Value::Text(text) => text.clone(),
            _ => String::new(),
        };
        let head = column_head(&text);
        // Under a measures row, a period heading spans the columns to its right.
        if measures_line.is_some() {
            if head == ColumnHead::Blank {
                if let Some(previous) = &carried {
                    heads.push(previous.clone());
                    continue;
                }
            } else {
                carried = Some((text.clone(), head.clone()));
            }
        }
        heads.push((text, head));
    }
    let months = heads
        .iter()
        .filter(|(_, h)| matches!(h, ColumnHead::Month(_)))
        .count();
    let title_span = title
        .iter()
        .find_map(|t| parse_span(t).map(|span| (t.clone(), span)));
    let mut columns: Vec<ValueColumn> = Vec::new();
    let mut skipped_department_heads = Vec::new();
    let mut skipped_heads: Vec<String> = Vec::new();
    for (index, (text, head)) in heads.iter().enumerate() {
        let position = index + 1;
        let measure = match measures_line {
            Some(measures) => match cell_at(measures, position) {
                Value::Text(t) => measure_of(t).unwrap_or(Measure::Derived),
                _ => Measure::Derived,
            },
            None => Measure::Actual,
        };
        let shown = match (
            measures_line,
            cell_at(measures_line.unwrap_or(header), position),
        ) {
            (Some(_), Value::Text(m)) => format!("{text} {m}"),
            _ => text.clone(),
        };
        match head {
            ColumnHead::Blank => {}
            ColumnHead::NotAMonth(what) => {
                // One entry per heading, however many measure columns it spans.
                if !skipped_heads.contains(text) {
                    skipped_heads.push(text.clone());
                    issues.push(issue(
                        Some(header_line),
                        Some(shown),
                        format!("column '{text}' is {what}, not a month: skipped (the {} are read from their own columns)", if months > 0 { "months" } else { "departments" }),
                        Action::ColumnIgnored,
                    ));
                }
            }
            ColumnHead::Month(month) => {
                if measure != Measure::Derived {
                    columns.push(ValueColumn {
                        position,
                        month: Some(*month),
                        department: None,
                        measure,
                        header: shown,
                    });
                }
            }
            ColumnHead::Department(name) => {
                if months > 0 {
                    skipped_department_heads.push((shown, name.clone()));
                } else if measure != Measure::Derived {
                    columns.push(ValueColumn {
                        position,
                        month: None,
                        department: Some(name.clone()),
                        measure,
                        header: shown,
                    });
                }
            }
        }
    }
    for (shown, name) in skipped_department_heads {
        issues.push(issue(
            Some(header_line),
            Some(shown),
            format!(
                "column '{name}' is neither a month nor a total in a statement by month: skipped"
            ),
            Action::ColumnIgnored,
        ));
    }
    let has_departments = columns.iter().any(|c| c.department.is_some());
    if has_departments {
        let month = match &title_span {
            Some((_, span)) => span.whole_month().ok_or_else(|| {
                NotRead::Refused(format!(
                    "the statement's columns are departments ({}), but its period '{}' is not one whole month ({} to {}), so the month of its figures is unknown; export the report for one month at a time",
                    columns.iter().filter_map(|c| c.department.clone()).collect::<Vec<_>>().join(", "),
                    title_span.as_ref().map_or("", |(t, _)| t.as_str()),
                    span.first,
                    span.last
                ))
            })?,
            None => {
                return Err(NotRead::Refused(format!(
                    "the statement's columns are departments ({}), but no title row names its period, so the month of its figures is unknown; export it with the report's title rows (the period line such as 'March 1-31, 2026'), one month per file",
                    columns.iter().filter_map(|c| c.department.clone()).collect::<Vec<_>>().join(", ")
                )));
            }
        };
        for column in &mut columns {
            column.month = Some(month);
        }
    }
    if columns.is_empty() {
        return Err(NotRead::Refused(format!(
            "the statement at line {header_line} has no month or department column to read (its columns: {}); export it by Month, Class or Location",
            heads
                .iter()
                .map(|(t, _)| t.as_str())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    // The number style from every value cell of the used columns.
    let mut tally = NumberStyleTally::default();
    for line in &lines[first_data..] {
        for column in &columns {
            if let Value::Text(text) = cell_at(line, column.position) {
                tally.add(text);
            }
        }
    }
    let style: NumberStyle = tally.verdict(table.notes.number_style);

    // Rows: sections, groups, accounts, totals, computed rows.
    let count = columns.len();
    let mut sections: Vec<SectionAmounts> = Vec::new();
    let mut open: Option<usize> = None;
    // Group headings inside the open section (a stack), for D&A groups and their totals.
    let mut groups: Vec<String> = Vec::new();
    // The open section's account rows with amounts (a `Total for` one of them is a subtotal).
    let mut accounts_seen: Vec<String> = Vec::new();
    let mut operating: Option<(usize, Vec<f64>)> = None;
    let mut outside: Vec<usize> = Vec::new();
    let mut bad_values = 0usize;
    for line in &lines[first_data..] {
        if line.label.is_empty() && line.cells.iter().all(|c| *c == Value::Blank) {
            continue;
        }
        let mut values = vec![0.0; count];
        let mut any_value = false;
        for (index, column) in columns.iter().enumerate() {
            match cell_at(line, column.position) {
                Value::Blank => {}
                Value::Number(number) => {
                    values[index] = *number;
                    any_value = true;
                }
                Value::Text(text) => match parse_number(text, style) {
                    Ok(Some(number)) => {
                        values[index] = number;
                        any_value = true;
                    }
                    Ok(None) => {}
                    Err(why) => {
                        bad_values += 1;
                        if bad_values <= 20 {
                            issues.push(DataQualityIssue {
                                file: relative.to_string(),
                                line: Some(line.line),
                                column: Some(column.header.clone()),
                                value: Some(text.clone()),
                                problem: format!("{why} (row '{}'); read as 0 — correct the cell and export again", line.label),
                                action: Action::ValueIgnored,
                            });
                        }
                    }
                },
            }
        }
        let label = line.label.as_str();
        if !any_value {
            if let Some(section) = section_of(label) {
                // A heading of the open section's own kind (or D&A inside the expenses) is a
                // group within it, not a section of its own.
                let nested = open.is_some_and(|i| {
                    let inside = sections[i].section;
                    sections[i].total.is_none()
                        && section != Section::Other
                        && (inside == section
                            || (inside == Section::Opex
                                && section == Section::DepreciationAmortization))
                });
                if !nested {
                    sections.push(SectionAmounts::new(section, label, count));
                    open = Some(sections.len() - 1);
                    groups.clear();
                    accounts_seen.clear();
                    continue;
                }
            }
            if total_of(label).is_none() && computed_row(label).is_none() && open.is_some() {
                groups.push(label_key(label));
            }
            continue;
        }
        if let Some(is_operating) = computed_row(label) {
            if is_operating && operating.is_none() {
                operating = Some((line.line, values));
            }
            open = None;
            groups.clear();
            continue;
        }
        if let Some(name) = total_of(label) {
            let key = label_key(name);
            if let Some(position) = groups.iter().rposition(|g| *g == key) {
                groups.truncate(position);
                continue;
            }
            if let Some(index) = open {
                let section = &mut sections[index];
                // The total of a parent account with amounts of its own is a nested subtotal.
                let closes = label_key(&section.label) == key
                    || (section_of(name) == Some(section.section) && !accounts_seen.contains(&key));
                if closes {
                    section.total = Some(values);
                    open = None;
                    groups.clear();
                }
                continue;
            }
            // A total of a section already closed, or of nothing open: find it by name.
            if let Some(section) = sections
                .iter_mut()
                .rev()
                .find(|s| label_key(&s.label) == key && s.total.is_none())
            {
                section.total = Some(values);
            }
            continue;
        }
        let Some(index) = open else {
            outside.push(line.line);
            continue;
        };
        accounts_seen.push(label_key(label));
        let section = &mut sections[index];
        for (sum, value) in section.accounts.iter_mut().zip(&values) {
            *sum += value;
        }
        if section.section == Section::Opex {
            let names = std::iter::once(label_key(label)).chain(groups.iter().cloned());
            let names: Vec<String> = names.collect();
            let target = if names
                .iter()
                .any(|n| speaks_of_amortization(n) && !speaks_of_depreciation(n))
            {
                Some(&mut section.amortization)
            } else if names
                .iter()
                .any(|n| speaks_of_depreciation(n) || speaks_of_amortization(n))
            {
                Some(&mut section.depreciation)
            } else {
                None
            };
            if let Some(target) = target {
                for (sum, value) in target.iter_mut().zip(&values) {
                    *sum += value;
                }
            }
        }
    }
    if bad_values > 20 {
        issues.push(issue(
            None,
            None,
            format!(
                "{} more cells are not numbers and were read as 0",
                bad_values - 20
            ),
            Action::ValueIgnored,
        ));
    }
    if let Some(first) = outside.first() {
        issues.push(issue(
            Some(*first),
            None,
            format!(
                "{} row(s) with amounts stand outside any P&L section (first at line {first}); they were not used — check that the export keeps its section headings (Income, Cost of Goods Sold, Expenses)",
                outside.len()
            ),
            Action::RowSkipped,
        ));
    }
    let others: Vec<&SectionAmounts> = sections
        .iter()
        .filter(|s| s.section == Section::Other)
        .collect();
    if !others.is_empty() {
        let mut names: Vec<&str> = others.iter().map(|s| s.label.as_str()).collect();
        names.dedup();
        issues.push(issue(
            None,
            None,
            format!(
                "the sections {} (other income and expenses, interest, tax) are not part of EBITDA: they were read and left out",
                names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
            ),
            Action::Assumed,
        ));
    }
    if !sections.iter().any(|s| s.section == Section::Revenue) {
        issues.push(issue(
            Some(header_line),
            None,
            "the statement has no income section (Income, Revenue, Sales): its revenue is taken as 0".to_string(),
            Action::Assumed,
        ));
    }

    // Figures per column.
    let sum = |field: Section, index: usize| -> f64 {
        sections
            .iter()
            .filter(|s| s.section == field)
            .map(|s| s.amount(index))
            .sum()
    };
    let mut figures: Vec<(f64, f64, f64, f64, f64)> = Vec::with_capacity(count);
    for index in 0..count {
        let revenue = sum(Section::Revenue, index);
        let cogs = sum(Section::Cogs, index);
        let opex_total = sum(Section::Opex, index);
        let depreciation: f64 = sections.iter().map(|s| s.depreciation[index]).sum::<f64>()
            + sections
                .iter()
                .filter(|s| {
                    s.section == Section::DepreciationAmortization
                        && !speaks_of_amortization(&s.label)
                })
                .map(|s| s.amount(index))
                .sum::<f64>();
        let amortization: f64 = sections.iter().map(|s| s.amortization[index]).sum::<f64>()
            + sections
                .iter()
                .filter(|s| {
                    s.section == Section::DepreciationAmortization
                        && speaks_of_amortization(&s.label)
                })
                .map(|s| s.amount(index))
                .sum::<f64>();
        let carved: f64 = sections
            .iter()
            .map(|s| s.depreciation[index] + s.amortization[index])
            .sum();
        let opex = opex_total - carved;
        figures.push((revenue, cogs, opex, depreciation, amortization));
        if let Some((line, noi)) = &operating {
            let computed = revenue - cogs - opex - depreciation - amortization;
            if (computed - noi[index]).abs() > CENT {
                issues.push(DataQualityIssue {
                    file: relative.to_string(),
                    line: Some(*line),
                    column: Some(columns[index].header.clone()),
                    value: Some(format!("{:.2}", noi[index])),
                    problem: format!(
                        "the statement's operating result is {:.2}, but its sections give revenue − cogs − opex − D&A = {revenue:.2} − {cogs:.2} − {opex:.2} − {:.2} = {computed:.2}; the section figures are used — check the export for accounts outside their sections",
                        noi[index],
                        depreciation + amortization
                    ),
                    action: Action::Assumed,
                });
            }
        }
    }

    // Rows: one per month (× department); a budget column joins its actual column.
    let mut rows: Vec<Parsed<FinanceRow>> = Vec::new();
    let mut positions: HashMap<(Month, Option<String>), usize> = HashMap::new();
    for (index, column) in columns.iter().enumerate() {
        let Some(month) = column.month else { continue };
        let key = (month, column.department.clone());
        let department = column
            .department
            .as_deref()
            .filter(|name| !is_unassigned(name))
            .and_then(|name| departments.intern(name));
        let (revenue, cogs, opex, depreciation, amortization) = figures[index];
        let at = *positions.entry(key).or_insert_with(|| {
            rows.push(Parsed {
                origin: RowRef {
                    source,
                    line: header_line as u32,
                },
                fingerprint: 0,
                row: FinanceRow::zero(month, department),
            });
            rows.len() - 1
        });
        let row = &mut rows[at].row;
        match column.measure {
            Measure::Actual => {
                row.revenue += revenue;
                row.cogs += cogs;
                row.opex += opex;
                row.depreciation += depreciation;
                row.amortization += amortization;
            }
            Measure::Budget => {
                row.revenue_budget = Some(row.revenue_budget.unwrap_or(0.0) + revenue);
                row.cost_budget = Some(row.cost_budget.unwrap_or(0.0) + cogs + opex);
            }
            Measure::Derived => {}
        }
    }
    for parsed in &mut rows {
        parsed.fingerprint = fingerprint(&parsed.row, departments);
    }
    let columns_said = if has_departments {
        "department columns (classes, locations or tracking categories), the month from the title"
    } else {
        MONTH_COLUMNS
    };
    let budget = if columns.iter().any(|c| c.measure == Measure::Budget) {
        ", Actual and Budget per period"
    } else {
        ""
    };
    let mut section_names: Vec<&str> = sections.iter().map(|s| s.label.as_str()).collect();
    section_names.dedup();
    Ok(Statement {
        detection: format!(
            "P&L statement: account rows in sections ({}), {columns_said}{budget}",
            section_names.join(", ")
        ),
        rows,
        has_departments,
        header_line,
        issues,
    })
}

/// The column of amounts booked to no class or location: company figures, no department.
fn is_unassigned(name: &str) -> bool {
    matches!(
        label_key(name).as_str(),
        "not specified"
            | "unassigned"
            | "unclassified"
            | "no class"
            | "no location"
            | "unspecified"
            | "nicht zugeordnet"
            | "non affecté"
            | "non attribué"
    )
}

/// A statement row's fingerprint: its month, department and figures, so the same month of the
/// same books in two exports is one row, whatever the files' layouts.
fn fingerprint(row: &FinanceRow, departments: &Departments) -> u64 {
    let department = row
        .department
        .and_then(|id| {
            departments
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, name)| name.to_lowercase())
        })
        .unwrap_or_default();
    let text = format!(
        "statement|{}|{department}|{:.2}|{:.2}|{:.2}|{:.2}|{:.2}|{:?}|{:?}",
        row.month,
        row.revenue,
        row.cogs,
        row.opex,
        row.depreciation,
        row.amortization,
        row.revenue_budget.map(|v| format!("{v:.2}")),
        row.cost_budget.map(|v| format!("{v:.2}"))
    );
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(year: i32, month: u32) -> Month {
        Month::new(year, month).unwrap()
    }

    #[test]
    fn period_headers_name_months_and_the_rest_is_said() {
        assert_eq!(
            column_head("January 2025"),
            ColumnHead::Month(month(2025, 1))
        );
        assert_eq!(column_head("Jan-25"), ColumnHead::Month(month(2025, 1)));
        assert_eq!(column_head("2025-03"), ColumnHead::Month(month(2025, 3)));
        assert_eq!(column_head("März 2025"), ColumnHead::Month(month(2025, 3)));
        assert_eq!(column_head("févr. 2025"), ColumnHead::Month(month(2025, 2)));
        assert_eq!(
            column_head("Nov 1-30, 2025"),
            ColumnHead::Month(month(2025, 11))
        );
        assert_eq!(
            column_head("Nov 1 - Nov 11 2025"),
            ColumnHead::NotAMonth("part of a month")
        );
        assert_eq!(
            column_head("Nov 1-11, 2025"),
            ColumnHead::NotAMonth("part of a month")
        );
        assert_eq!(column_head("Q1 2025"), ColumnHead::NotAMonth("a quarter"));
        assert_eq!(
            column_head("Jan - Mar, 2025"),
            ColumnHead::NotAMonth("a quarter")
        );
        assert_eq!(column_head("2025"), ColumnHead::NotAMonth("a year"));
        assert_eq!(
            column_head("Total"),
            ColumnHead::NotAMonth("the Total column")
        );
        assert_eq!(
            column_head("Landscaping"),
            ColumnHead::Department("Landscaping".into())
        );
        assert_eq!(
            column_head("Not specified"),
            ColumnHead::Department("Not specified".into())
        );
    }

    #[test]
    fn title_period_lines_give_their_span() {
        let span = parse_span("January 1-July 31, 2025").unwrap();
        assert_eq!(span.first, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(span.last, NaiveDate::from_ymd_opt(2025, 7, 31).unwrap());
        assert_eq!(
            parse_span("March 1-31, 2026").unwrap().whole_month(),
            Some(month(2026, 3))
        );
        assert_eq!(
            parse_span("For the month ended 31 January 2025")
                .unwrap()
                .whole_month(),
            Some(month(2025, 1))
        );
        assert_eq!(
            parse_span("1 January 2025 to 31 January 2025")
                .unwrap()
                .whole_month(),
            Some(month(2025, 1))
        );
        assert_eq!(
            parse_span("01.02.2025 - 28.02.2025").unwrap().whole_month(),
            Some(month(2025, 2))
        );
        assert_eq!(
            parse_span("Du 01/02/2026 au 28/02/2026")
                .unwrap()
                .whole_month(),
            Some(month(2026, 2))
        );
        assert_eq!(
            parse_span("From 02/01/2026 To 02/28/2026")
                .unwrap()
                .whole_month(),
            Some(month(2026, 2))
        );
        assert_eq!(parse_span("As of July 31, 2025"), None);
        assert_eq!(parse_span("Sandbox Company_US_1"), None);
    }

    #[test]
    fn section_names_of_the_common_tools() {
        assert_eq!(section_of("Income"), Some(Section::Revenue));
        assert_eq!(section_of("Trading Income"), Some(Section::Revenue));
        assert_eq!(section_of("Less Cost of Sales"), Some(Section::Cogs));
        assert_eq!(section_of("Direct Expenses"), Some(Section::Cogs));
        assert_eq!(section_of("Less Operating Expenses"), Some(Section::Opex));
        assert_eq!(section_of("Overheads"), Some(Section::Opex));
        assert_eq!(section_of("Non Operating Expense"), Some(Section::Other));
        assert_eq!(section_of("Other Income"), Some(Section::Other));
        assert_eq!(section_of("Umsatzerlöse"), Some(Section::Revenue));
        assert_eq!(section_of("Charges d'exploitation"), Some(Section::Opex));
        assert_eq!(section_of("40100 Software Sales"), None);
        assert_eq!(total_of("Total for Income"), Some("Income"));
        assert_eq!(total_of("Total Cost of Sales"), Some("Cost of Sales"));
        assert_eq!(total_of("Summe Erlöse"), Some("Erlöse"));
    }
}
