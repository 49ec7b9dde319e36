//! Every number explained (SPEC §7): one metric × month × department (or the company) broken
//! down to the departments' values and to the file lines behind it, with the arithmetic that
//! gives the value. `coo-dashboard explain`, the app's breakdown panel and the tests all call
//! [`explain`].
//!
//! The terms of the arithmetic are summed here from the same combined rows the metrics use
//! (SPEC §3's formulas written out once more), and the result is checked against the metric
//! table: a breakdown that does not give the number shown says so (`mismatch`) instead of
//! explaining something else.

use chrono::NaiveDate;
use serde::Serialize;

use crate::format::thousands;
use crate::metrics::{Metric, MetricTable, Unit};
use crate::model::{Action, CsatScore, Dataset, DepartmentId, Month, RowRef, SourceLine, TimeLine};

/// A breakdown of one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown {
    pub metric: Metric,
    pub month: Month,
    /// `None` for the company.
    pub department: Option<String>,
    /// The value as the metric table holds it (what every screen shows).
    pub value: Option<f64>,
    /// NPS and CSAT: the 95% margin of error (SPEC §7).
    pub margin: Option<f64>,
    /// The value written out: "EBITDA 78,171.13 = revenue 495,947.85 − …; 41 lines in …".
    pub arithmetic: String,
    /// The named inputs of the arithmetic.
    pub terms: Vec<Term>,
    /// For the company: each department's value of the same metric and month.
    pub departments: Vec<DepartmentPart>,
    /// The source rows, one table per kind of export they came from.
    pub tables: Vec<SourceTable>,
    /// Rows of these files that were not used: superseded by a newer export for this month ×
    /// department, and the rows the reading rejected or dropped as repeats (any month, as a row
    /// that could not be read has no trustworthy month).
    pub left_out: Vec<LeftOut>,
    /// Set when the rows do not give the table's value: a defect to report, never hidden.
    pub mismatch: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    pub name: &'static str,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentPart {
    pub department: String,
    pub value: Option<f64>,
}

/// The rows of one kind: `columns` name the values of each row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceTable {
    pub kind: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<SourceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    pub file: String,
    /// The physical line (header = 1) or sheet row.
    pub line: u32,
    pub department: Option<String>,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    pub file: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl Breakdown {
    /// How many source rows the breakdown lists.
    pub fn row_count(&self) -> usize {
        self.tables.iter().map(|table| table.rows.len()).sum()
    }

    /// Every source row as CSV (kind, file, line, department, then each table's columns), for
    /// "Copy as CSV".
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for table in &self.tables {
            let mut header = vec!["kind", "file", "line", "department"];
            header.extend(table.columns.iter().copied());
            push_csv_line(&mut out, header.iter().map(|s| s.to_string()));
            for row in &table.rows {
                let mut cells = vec![
                    table.kind.to_string(),
                    row.file.clone(),
                    row.line.to_string(),
                    row.department.clone().unwrap_or_default(),
                ];
                cells.extend(row.values.iter().cloned());
                push_csv_line(&mut out, cells.into_iter());
            }
        }
        out
    }
}

fn push_csv_line(out: &mut String, cells: impl Iterator<Item = String>) {
    let mut first = true;
    for cell in cells {
        if !first {
            out.push(',');
        }
        first = false;
        // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
        let cell = if cell.starts_with(['=', '+', '-', '@']) && cell.parse::<f64>().is_err() {
            format!("'{cell}")
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push('\n');
}

/// What the user asked to explain, checked against the data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExplainError {
    #[error("unknown metric {typed:?}{}; the metrics are {}", suggestion(.closest), Metric::ALL.map(Metric::name).join(", "))]
    UnknownMetric {
        typed: String,
        closest: Option<&'static str>,
    },
    #[error("no department {typed:?} in the data{}", suggestion(.closest))]
    UnknownDepartment {
        typed: String,
        closest: Option<String>,
    },
}

fn suggestion<S: AsRef<str>>(closest: &Option<S>) -> String {
    closest
        .as_ref()
        .map(|name| format!(" (did you mean {:?}?)", name.as_ref()))
        .unwrap_or_default()
}

/// The metric a name means, or why none.
pub fn parse_metric(name: &str) -> Result<Metric, ExplainError> {
    let typed = name.trim().to_lowercase().replace(['-', ' '], "_");
    Metric::from_name(&typed).ok_or_else(|| ExplainError::UnknownMetric {
        typed: name.to_string(),
        closest: crate::escalations::closest_match(&typed, Metric::ALL.iter().map(|m| m.name()))
            .map(|index| Metric::ALL[index].name()),
    })
}

/// The department a name means (case and spacing aside), or why none.
pub fn parse_department(dataset: &Dataset, name: &str) -> Result<DepartmentId, ExplainError> {
    dataset.departments.find(name).ok_or_else(|| {
        let names: Vec<&str> = dataset.departments.iter().map(|(_, n)| n).collect();
        ExplainError::UnknownDepartment {
            typed: name.to_string(),
            closest: crate::escalations::closest_match(
                &name.to_lowercase(),
                names.iter().map(|n| n.to_lowercase()),
            )
            .map(|index| names[index].to_string()),
        }
    })
}

/// Which rows count: the company's (every row) or one department's.
#[derive(Clone, Copy)]
struct Scope(Option<DepartmentId>);

impl Scope {
    fn holds(self, department: Option<DepartmentId>) -> bool {
        self.0.is_none() || self.0 == department
    }
}

/// The breakdown of `metric` for `month` and `department` (`None`: the company), as of
/// `as_of` (delivery metrics count only what was due and delivered by then).
pub fn explain(
    dataset: &Dataset,
    table: &MetricTable,
    as_of: NaiveDate,
    metric: Metric,
    month: Month,
    department: Option<DepartmentId>,
) -> Breakdown {
    let stored = table.get(metric, department, month);
    let mut explainer = Explainer {
        dataset,
        scope: Scope(department),
        month,
        breakdown: Breakdown {
            metric,
            month,
            department: department.map(|id| dataset.departments.name(id).to_string()),
            value: stored.and_then(|value| value.value),
            margin: stored.and_then(|value| value.margin()),
            arithmetic: String::new(),
            terms: Vec::new(),
            departments: Vec::new(),
            tables: Vec::new(),
            left_out: Vec::new(),
            mismatch: None,
        },
    };
    let computed = match metric {
        Metric::Revenue
        | Metric::Cogs
        | Metric::Opex
        | Metric::DepreciationAmortization
        | Metric::Ebitda
        | Metric::Ebit
        | Metric::EbitdaMargin
        | Metric::CostToRevenue
        | Metric::CostBudgetVariance => explainer.finance(metric),
        Metric::DeliverablesDue
        | Metric::OnTimeRate
        | Metric::AvgDaysLate
        | Metric::OverdueOpen
        | Metric::BudgetOverrunRate => explainer.delivery(metric, as_of),
        Metric::Utilization
        | Metric::TrackedUtilization
        | Metric::OutputPerFte
        | Metric::RevenuePerFte
        | Metric::CostPerOutput => explainer.productivity(metric),
        Metric::Nps | Metric::NpsResponses => explainer.nps(metric),
        Metric::Csat | Metric::CsatResponses => explainer.csat(metric),
        Metric::ActiveCustomers
        | Metric::ChurnRate
        | Metric::RetentionRate
        | Metric::RevenueChurnRate => explainer.customers(metric),
    };
    let mut breakdown = explainer.breakdown;
    if department.is_none() {
        let mut parts: Vec<DepartmentPart> = dataset
            .departments
            .iter()
            .filter_map(|(id, name)| {
                table
                    .get(metric, Some(id), month)
                    .map(|value| DepartmentPart {
                        department: name.to_string(),
                        value: value.value,
                    })
            })
            .collect();
        parts.sort_by_key(|part| part.department.to_lowercase());
        breakdown.departments = parts;
    }
    breakdown.mismatch = match (breakdown.value, computed) {
        (Some(shown), Some(from_rows))
            if (shown - from_rows).abs() > 1e-6 * shown.abs().max(1.0) =>
        {
            Some(format!(
                "the rows give {} but {} is shown; please report this with the data folder",
                number(metric.unit(), from_rows),
                number(metric.unit(), shown)
            ))
        }
        (None, Some(from_rows)) => Some(format!(
            "the rows give {} but no value is shown; please report this with the data folder",
            number(metric.unit(), from_rows)
        )),
        _ => None,
    };
    if breakdown.value.is_none() && breakdown.arithmetic.is_empty() {
        breakdown.arithmetic = format!("{} has no value for {month}", metric.label());
    }
    breakdown
}

struct Explainer<'a> {
    dataset: &'a Dataset,
    scope: Scope,
    month: Month,
    breakdown: Breakdown,
}

/// An amount with cents, a rate as a percentage with its fraction's precision.
fn number(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Rate => format!("{}%", thousands(value * 100.0, 2)),
        Unit::Count => thousands(value, 0),
        Unit::Days | Unit::Points | Unit::PerFte => thousands(value, 2),
        Unit::Money | Unit::MoneyPer => thousands(value, 2),
    }
}

fn amount(value: f64) -> String {
    thousands(value, 2)
}

fn optional(value: Option<f64>) -> String {
    value.map(amount).unwrap_or_default()
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_string()
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator != 0.0)
        .then(|| numerator / denominator)
        .filter(|v| v.is_finite())
}

impl Explainer<'_> {
    fn file(&self, source: u32) -> String {
        self.dataset
            .sources
            .get(source as usize)
            .map_or_else(|| "?".to_string(), |s| s.file.clone())
    }

    fn department_name(&self, department: Option<DepartmentId>) -> Option<String> {
        department.map(|id| self.dataset.departments.name(id).to_string())
    }

    fn row(
        &self,
        origin: RowRef,
        department: Option<DepartmentId>,
        values: Vec<String>,
    ) -> SourceRow {
        SourceRow {
            file: self.file(origin.source),
            line: origin.line,
            department: self.department_name(department),
            values,
        }
    }

    fn term(&mut self, name: &'static str, value: f64) -> f64 {
        self.breakdown.terms.push(Term { name, value });
        value
    }

    /// "41 lines in finance/a.csv, 3 in finance/b.csv".
    fn counted(&self, noun: &str) -> String {
        let mut per_file: Vec<(String, usize)> = Vec::new();
        for table in &self.breakdown.tables {
            for row in &table.rows {
                match per_file.iter_mut().find(|(file, _)| *file == row.file) {
                    Some((_, count)) => *count += 1,
                    None => per_file.push((row.file.clone(), 1)),
                }
            }
        }
        if per_file.is_empty() {
            return format!("no {noun}");
        }
        per_file
            .iter()
            .enumerate()
            .map(|(index, (file, count))| {
                if index == 0 {
                    format!("{count} {noun} in {file}")
                } else {
                    format!("{count} in {file}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The rows the reading left out of `files` (rejected, repeated), once each.
    fn left_out_of_files(&mut self) {
        let files: Vec<String> = {
            let mut files: Vec<String> = self
                .breakdown
                .tables
                .iter()
                .flat_map(|table| table.rows.iter().map(|row| row.file.clone()))
                .chain(self.breakdown.left_out.iter().map(|left| left.file.clone()))
                .collect();
            files.sort();
            files.dedup();
            files
        };
        for issue in &self.dataset.data_quality {
            if matches!(issue.action, Action::RowSkipped | Action::DuplicateDropped)
                && files.binary_search(&issue.file).is_ok()
            {
                self.breakdown.left_out.push(LeftOut {
                    file: issue.file.clone(),
                    line: issue.line,
                    reason: issue.problem.clone(),
                });
            }
        }
    }

    fn superseded<T>(&mut self, line: &SourceLine<T>) {
        if let Some(newer) = line.superseded_by {
            let newer = self.file(newer);
            self.breakdown.left_out.push(LeftOut {
                file: self.file(line.origin.source),
                line: Some(line.origin.line as usize),
                reason: format!(
                    "superseded: the newer export {newer} gives this month and department, and its rows are used"
                ),
            });
        }
    }

    fn finance_table(&mut self) {
        let mut rows = Vec::new();
        let lines: Vec<&SourceLine<crate::model::FinanceRow>> = self
            .dataset
            .lines
            .finance
            .iter()
            .filter(|line| line.row.month == self.month && self.scope.holds(line.row.department))
            .collect();
        for line in lines {
            if line.superseded_by.is_some() {
                self.superseded(line);
                continue;
            }
            let r = &line.row;
            rows.push(self.row(
                line.origin,
                r.department,
                vec![
                    r.month.to_string(),
                    amount(r.revenue),
                    amount(r.cogs),
                    amount(r.opex),
                    amount(r.depreciation),
                    amount(r.amortization),
                    optional(r.revenue_budget),
                    optional(r.cost_budget),
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "finance",
            columns: vec![
                "month",
                "revenue",
                "cogs",
                "opex",
                "depreciation",
                "amortization",
                "revenue_budget",
                "cost_budget",
            ],
            rows,
        });
    }

    /// The P&L sums of the month in scope, from the combined rows: revenue, cogs, opex, D&A.
    fn finance_sums(&self) -> Option<(f64, f64, f64, f64)> {
        let mut found = false;
        let mut sums = (0.0, 0.0, 0.0, 0.0);
        for row in &self.dataset.finance {
            if row.month == self.month && self.scope.holds(row.department) {
                found = true;
                sums.0 += row.revenue;
                sums.1 += row.cogs;
                sums.2 += row.opex;
                sums.3 += row.depreciation + row.amortization;
            }
        }
        found.then_some(sums)
    }

    fn finance(&mut self, metric: Metric) -> Option<f64> {
        self.finance_table();
        let label = metric.label();
        let lines = self.counted("lines");
        self.left_out_of_files();
        let (revenue, cogs, opex, da) = self.finance_sums()?;
        match metric {
            Metric::Revenue => {
                let v = self.term("revenue", revenue);
                self.breakdown.arithmetic = format!("{label} {} = Σ revenue of {lines}", amount(v));
                Some(v)
            }
            Metric::Cogs => {
                let v = self.term("cogs", cogs);
                self.breakdown.arithmetic = format!("{label} {} = Σ cogs of {lines}", amount(v));
                Some(v)
            }
            Metric::Opex => {
                let v = self.term("opex", opex);
                self.breakdown.arithmetic = format!("{label} {} = Σ opex of {lines}", amount(v));
                Some(v)
            }
            Metric::DepreciationAmortization => {
                let v = self.term("depreciation_amortization", da);
                self.breakdown.arithmetic = format!(
                    "{label} {} = Σ depreciation + amortization of {lines}",
                    amount(v)
                );
                Some(v)
            }
            Metric::Ebitda | Metric::Ebit | Metric::EbitdaMargin => {
                self.term("revenue", revenue);
                self.term("cogs", cogs);
                self.term("opex", opex);
                let ebitda = revenue - cogs - opex;
                let sum = format!(
                    "revenue {} − cogs {} − opex {}",
                    amount(revenue),
                    amount(cogs),
                    amount(opex)
                );
                match metric {
                    Metric::Ebitda => {
                        self.breakdown.arithmetic =
                            format!("EBITDA {} = {sum}; {lines}", amount(ebitda));
                        Some(ebitda)
                    }
                    Metric::Ebit => {
                        self.term("depreciation_amortization", da);
                        self.breakdown.arithmetic = format!(
                            "EBIT {} = {sum} − depreciation & amortization {}; {lines}",
                            amount(ebitda - da),
                            amount(da)
                        );
                        Some(ebitda - da)
                    }
                    _ => {
                        let margin = ratio(ebitda, revenue);
                        self.breakdown.arithmetic = match margin {
                            Some(m) => format!(
                                "EBITDA margin {} = EBITDA {} / revenue {}, where EBITDA = {sum}; {lines}",
                                number(Unit::Rate, m),
                                amount(ebitda),
                                amount(revenue)
                            ),
                            None => format!(
                                "EBITDA margin is undefined: revenue is 0 (EBITDA = {sum}); {lines}"
                            ),
                        };
                        margin
                    }
                }
            }
            Metric::CostToRevenue => {
                self.term("revenue", revenue);
                self.term("cogs", cogs);
                self.term("opex", opex);
                let value = ratio(cogs + opex, revenue);
                self.breakdown.arithmetic = match value {
                    Some(v) => format!(
                        "Cost to revenue {} = (cogs {} + opex {}) / revenue {}; {lines}",
                        number(Unit::Rate, v),
                        amount(cogs),
                        amount(opex),
                        amount(revenue)
                    ),
                    None => format!("Cost to revenue is undefined: revenue is 0; {lines}"),
                };
                value
            }
            _ => {
                // Only month × department rows with a cost budget count, on both sides.
                let (mut costs, mut budget, mut any) = (0.0, 0.0, false);
                for row in &self.dataset.finance {
                    if row.month == self.month
                        && self.scope.holds(row.department)
                        && let Some(b) = row.cost_budget
                    {
                        any = true;
                        costs += row.cogs + row.opex;
                        budget += b;
                    }
                }
                if !any {
                    self.breakdown.arithmetic =
                        format!("Cost vs budget has no value: no cost budget in {lines}");
                    return None;
                }
                self.term("budgeted_costs", costs);
                self.term("cost_budget", budget);
                let value = ratio(costs - budget, budget);
                self.breakdown.arithmetic = match value {
                    Some(v) => format!(
                        "Cost vs budget {} = (costs {} − budget {}) / budget {}, over the rows that have a cost budget; {lines}",
                        number(Unit::Rate, v),
                        amount(costs),
                        amount(budget),
                        amount(budget)
                    ),
                    None => format!("Cost vs budget is undefined: the budget is 0; {lines}"),
                };
                value
            }
        }
    }

    fn delivery(&mut self, metric: Metric, as_of: NaiveDate) -> Option<f64> {
        let as_of_month = Month::of(as_of);
        let mut rows = Vec::new();
        let (mut due, mut on_time, mut late_days, mut late, mut overruns, mut costed) =
            (0usize, 0usize, 0.0, 0usize, 0usize, 0usize);
        let mut any_in_scope = false;
        for row in &self.dataset.deliveries {
            if !self.scope.holds(row.department) {
                continue;
            }
            any_in_scope = true;
            if row.due_date > as_of {
                continue;
            }
            let delivered = row.delivered_date.filter(|date| *date <= as_of);
            let counts = if metric == Metric::OverdueOpen {
                self.month == as_of_month && delivered.is_none() && row.due_date < as_of
            } else {
                Month::of(row.due_date) == self.month
            };
            if !counts {
                continue;
            }
            let is_on_time = delivered.is_some_and(|date| date <= row.due_date);
            let days_late = delivered
                .filter(|date| *date > row.due_date)
                .map(|date| (date - row.due_date).num_days());
            let overrun = match (delivered, row.budget_cost, row.actual_cost) {
                (Some(_), Some(budget), Some(actual)) => Some(actual > budget),
                _ => None,
            };
            due += 1;
            on_time += usize::from(is_on_time);
            if let Some(days) = days_late {
                late += 1;
                late_days += days as f64;
            }
            if let Some(over) = overrun {
                costed += 1;
                overruns += usize::from(over);
            }
            rows.push(self.row(
                row.origin,
                row.department,
                vec![
                    row.id.clone(),
                    row.name.clone().unwrap_or_default(),
                    row.due_date.to_string(),
                    delivered.map(|d| d.to_string()).unwrap_or_default(),
                    yes_no(is_on_time),
                    days_late.map(|d| d.to_string()).unwrap_or_default(),
                    optional(row.budget_cost),
                    optional(row.actual_cost),
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "deliveries",
            columns: vec![
                "id",
                "name",
                "due_date",
                "delivered_by_as_of",
                "on_time",
                "days_late",
                "budget_cost",
                "actual_cost",
            ],
            rows,
        });
        let items = self.counted("items");
        self.left_out_of_files();
        let as_of_text = as_of.to_string();
        match metric {
            Metric::DeliverablesDue => {
                let v = self.term("due", due as f64);
                self.breakdown.arithmetic = format!(
                    "Deliverables due {} = items due in {} (on or before {as_of_text}); {items}",
                    thousands(v, 0),
                    self.month
                );
                (due > 0).then_some(v)
            }
            Metric::OnTimeRate => {
                self.term("on_time", on_time as f64);
                self.term("due", due as f64);
                let v = ratio(on_time as f64, due as f64);
                self.breakdown.arithmetic = match v {
                    Some(v) => format!(
                        "On-time rate {} = {on_time} delivered by their due date / {due} due in {}; {items}",
                        number(Unit::Rate, v),
                        self.month
                    ),
                    None => format!(
                        "On-time rate has no value: nothing was due in {}",
                        self.month
                    ),
                };
                v
            }
            Metric::AvgDaysLate => {
                self.term("days_late", late_days);
                self.term("late_items", late as f64);
                let v = ratio(late_days, late as f64);
                self.breakdown.arithmetic = match v {
                    Some(v) => format!(
                        "Average days late {} = {} days / {late} items delivered late (by {as_of_text}); {items}",
                        thousands(v, 2),
                        thousands(late_days, 0)
                    ),
                    None => {
                        "Average days late has no value: nothing due that month was delivered late"
                            .to_string()
                    }
                };
                v
            }
            Metric::OverdueOpen => {
                if self.month != as_of_month {
                    self.breakdown.arithmetic =
                        format!("Overdue items are counted for the as-of month {as_of_month} only");
                    return None;
                }
                let v = self.term("overdue", due as f64);
                self.breakdown.arithmetic = format!(
                    "Overdue items {} = items due before {as_of_text} and not delivered by then; {items}",
                    thousands(v, 0)
                );
                any_in_scope.then_some(v)
            }
            _ => {
                self.term("over_budget", overruns as f64);
                self.term("delivered_with_costs", costed as f64);
                let v = ratio(overruns as f64, costed as f64);
                self.breakdown.arithmetic = match v {
                    Some(v) => format!(
                        "Budget overrun rate {} = {overruns} over budget / {costed} delivered items with a budget and an actual cost; {items}",
                        number(Unit::Rate, v)
                    ),
                    None => "Budget overrun rate has no value: no delivered item has both costs"
                        .to_string(),
                };
                v
            }
        }
    }

    fn workforce_tables(&mut self) {
        let mut rows = Vec::new();
        let lines: Vec<&SourceLine<crate::model::WorkforceRow>> = self
            .dataset
            .lines
            .workforce
            .iter()
            .filter(|line| line.row.month == self.month && self.scope.holds(line.row.department))
            .collect();
        for line in lines {
            if line.superseded_by.is_some() {
                self.superseded(line);
                continue;
            }
            let r = &line.row;
            rows.push(self.row(
                line.origin,
                r.department,
                vec![
                    r.month.to_string(),
                    amount(r.fte),
                    amount(r.available_hours),
                    amount(r.billable_hours),
                    optional(r.output_units),
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "workforce",
            columns: vec![
                "month",
                "fte",
                "available_hours",
                "billable_hours",
                "output_units",
            ],
            rows,
        });
        let entries: Vec<&TimeLine> = self
            .dataset
            .lines
            .time_entries
            .iter()
            .filter(|entry| entry.month == self.month && self.scope.holds(entry.department))
            .collect();
        if !entries.is_empty() {
            let rows = entries
                .into_iter()
                .map(|entry| {
                    self.row(
                        entry.origin,
                        entry.department,
                        vec![
                            entry.month.to_string(),
                            amount(entry.hours),
                            yes_no(entry.billable),
                        ],
                    )
                })
                .collect();
            self.breakdown.tables.push(SourceTable {
                kind: "time entries",
                columns: vec!["month", "hours", "billable"],
                rows,
            });
        }
    }

    fn productivity(&mut self, metric: Metric) -> Option<f64> {
        self.workforce_tables();
        if matches!(metric, Metric::RevenuePerFte | Metric::CostPerOutput) {
            self.finance_table();
        }
        let lines = self.counted("lines");
        self.left_out_of_files();
        // The combined month × department rows, as the metrics sum them.
        let (mut fte, mut available, mut billable, mut output, mut tracked, mut tracked_billable) =
            (0.0, 0.0, 0.0, None::<f64>, None::<f64>, 0.0);
        let mut found = false;
        for row in &self.dataset.workforce {
            if row.month == self.month && self.scope.holds(row.department) {
                found = true;
                fte += row.fte;
                available += row.available_hours;
                billable += row.billable_hours;
                if let Some(units) = row.output_units {
                    *output.get_or_insert(0.0) += units;
                }
                if let Some(hours) = row.tracked_hours {
                    *tracked.get_or_insert(0.0) += hours;
                    tracked_billable += row.billable_hours;
                }
            }
        }
        if !found {
            self.breakdown.arithmetic = format!(
                "{} has no value: no workforce or time entries for {}",
                metric.label(),
                self.month
            );
            return None;
        }
        let label = metric.label();
        match metric {
            Metric::Utilization => {
                self.term("billable_hours", billable);
                self.term("available_hours", available);
                let v = ratio(billable, available);
                self.breakdown.arithmetic = match v {
                    Some(v) => format!(
                        "{label} {} = billable hours {} / available hours {}; {lines}",
                        number(Unit::Rate, v),
                        amount(billable),
                        amount(available)
                    ),
                    None => format!("{label} is undefined: no available hours; {lines}"),
                };
                v
            }
            Metric::TrackedUtilization => {
                let tracked = tracked?;
                self.term("billable_hours", tracked_billable);
                self.term("tracked_hours", tracked);
                let v = ratio(tracked_billable, tracked);
                self.breakdown.arithmetic = match v {
                    Some(v) => format!(
                        "{label} {} = billable hours {} / tracked hours {}; {lines}",
                        number(Unit::Rate, v),
                        amount(tracked_billable),
                        amount(tracked)
                    ),
                    None => format!("{label} is undefined: no hours tracked; {lines}"),
                };
                v
            }
            Metric::OutputPerFte => {
                let output = output?;
                self.term("output_units", output);
                self.term("fte", fte);
                let v = ratio(output, fte);
                self.breakdown.arithmetic = match v {
                    Some(v) => format!(
                        "{label} {} = output {} / FTE {}; {lines}",
                        thousands(v, 2),
                        amount(output),
                        amount(fte)
                    ),
                    None => format!("{label} is undefined: FTE is 0; {lines}"),
                };
                v
            }
            _ => {
                let (revenue, cogs, opex, _) = self.finance_sums()?;
                if metric == Metric::RevenuePerFte {
                    self.term("revenue", revenue);
                    self.term("fte", fte);
                    let v = ratio(revenue, fte);
                    self.breakdown.arithmetic = match v {
                        Some(v) => format!(
                            "{label} {} = revenue {} / FTE {}; {lines}",
                            amount(v),
                            amount(revenue),
                            amount(fte)
                        ),
                        None => format!("{label} is undefined: FTE is 0; {lines}"),
                    };
                    v
                } else {
                    let output = output?;
                    self.term("cogs", cogs);
                    self.term("opex", opex);
                    self.term("output_units", output);
                    let v = ratio(cogs + opex, output);
                    self.breakdown.arithmetic = match v {
                        Some(v) => format!(
                            "{label} {} = (cogs {} + opex {}) / output {}; {lines}",
                            amount(v),
                            amount(cogs),
                            amount(opex),
                            amount(output)
                        ),
                        None => format!("{label} is undefined: output is 0; {lines}"),
                    };
                    v
                }
            }
        }
    }

    fn nps(&mut self, metric: Metric) -> Option<f64> {
        let (mut promoters, mut passives, mut detractors) = (0usize, 0usize, 0usize);
        let mut rows = Vec::new();
        for response in &self.dataset.nps {
            if Month::of(response.date) != self.month || !self.scope.holds(response.department) {
                continue;
            }
            let group = match response.score {
                9..=10 => {
                    promoters += 1;
                    "promoter"
                }
                7..=8 => {
                    passives += 1;
                    "passive"
                }
                _ => {
                    detractors += 1;
                    "detractor"
                }
            };
            rows.push(self.row(
                response.origin,
                response.department,
                vec![
                    response.date.to_string(),
                    response.score.to_string(),
                    group.to_string(),
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "nps",
            columns: vec!["date", "score", "group"],
            rows,
        });
        let answers = self.counted("answers");
        self.left_out_of_files();
        let n = promoters + passives + detractors;
        self.term("promoters", promoters as f64);
        self.term("passives", passives as f64);
        self.term("detractors", detractors as f64);
        self.term("responses", n as f64);
        if metric == Metric::NpsResponses {
            self.breakdown.arithmetic = format!(
                "NPS responses {n} = {promoters} promoters (9–10) + {passives} passives (7–8) + {detractors} detractors (0–6); {answers}"
            );
            return (n > 0).then_some(n as f64);
        }
        let value = ratio(100.0 * (promoters as f64 - detractors as f64), n as f64);
        self.breakdown.arithmetic = match value {
            Some(v) => {
                let margin = self
                    .breakdown
                    .margin
                    .map(|m| format!(" (±{} at 95%)", thousands(m, 1)))
                    .unwrap_or_default();
                format!(
                    "NPS {}{margin} = 100 × (promoters {promoters} − detractors {detractors}) / {n} answers (passives {passives}); {answers}",
                    thousands(v, 1)
                )
            }
            None => format!("NPS has no value: no answers in {}", self.month),
        };
        value
    }

    fn csat(&mut self, metric: Metric) -> Option<f64> {
        let (mut satisfied, mut n) = (0usize, 0usize);
        let mut rows = Vec::new();
        for rating in &self.dataset.csat {
            if Month::of(rating.date) != self.month || !self.scope.holds(rating.department) {
                continue;
            }
            n += 1;
            let is_satisfied = rating.score.is_satisfied();
            satisfied += usize::from(is_satisfied);
            let score = match rating.score {
                CsatScore::Points(points, _) => points.to_string(),
                CsatScore::Text(true) => "good".to_string(),
                CsatScore::Text(false) => "bad".to_string(),
            };
            let channel = rating
                .channel
                .map(|id| self.dataset.channels.name(id).to_string())
                .unwrap_or_default();
            rows.push(self.row(
                rating.origin,
                rating.department,
                vec![
                    rating.date.to_string(),
                    score,
                    yes_no(is_satisfied),
                    channel,
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "csat",
            columns: vec!["date", "score", "satisfied", "channel"],
            rows,
        });
        let ratings = self.counted("ratings");
        self.left_out_of_files();
        self.term("satisfied", satisfied as f64);
        self.term("responses", n as f64);
        if metric == Metric::CsatResponses {
            self.breakdown.arithmetic = format!(
                "CSAT responses {n} = ratings dated in {}; {ratings}",
                self.month
            );
            return (n > 0).then_some(n as f64);
        }
        let value = ratio(satisfied as f64, n as f64);
        self.breakdown.arithmetic = match value {
            Some(v) => {
                let margin = self
                    .breakdown
                    .margin
                    .map(|m| format!(" (±{} pp at 95%, Wilson)", thousands(m * 100.0, 1)))
                    .unwrap_or_default();
                format!(
                    "CSAT {}{margin} = {satisfied} satisfied / {n} ratings; {ratings}",
                    number(Unit::Rate, v)
                )
            }
            None => format!("CSAT has no value: no ratings in {}", self.month),
        };
        value
    }

    fn customers(&mut self, metric: Metric) -> Option<f64> {
        // The customer list counts where it has a customer in scope by this month; else the
        // monthly summaries (SPEC §3: where both cover a month × department, the list).
        let list_covers = self.dataset.customers.iter().any(|customer| {
            self.scope.holds(customer.department)
                && Month::of(customer.start_date).next() <= self.month
        });
        if list_covers {
            self.customer_list(metric)
        } else {
            self.customer_summaries(metric)
        }
    }

    fn customer_list(&mut self, metric: Metric) -> Option<f64> {
        let (mut active, mut churned, mut active_mrr, mut churned_mrr) = (0usize, 0usize, 0.0, 0.0);
        let mut ends_unknown = false;
        let mut rows = Vec::new();
        for customer in &self.dataset.customers {
            if !self.scope.holds(customer.department) {
                continue;
            }
            ends_unknown |= !customer.ends_known;
            let first_month_in_s = Month::of(customer.start_date).next();
            let end_month = customer.end_date.map(Month::of);
            if end_month.is_some_and(|end| end < first_month_in_s)
                || first_month_in_s > self.month
                || end_month.is_some_and(|end| end < self.month)
            {
                continue;
            }
            let left = end_month == Some(self.month);
            let mrr = customer.mrr.unwrap_or(0.0);
            active += 1;
            active_mrr += mrr;
            if left {
                churned += 1;
                churned_mrr += mrr;
            }
            rows.push(self.row(
                customer.origin,
                customer.department,
                vec![
                    customer.customer_id.clone(),
                    customer.start_date.to_string(),
                    customer.end_date.map(|d| d.to_string()).unwrap_or_default(),
                    optional(customer.mrr),
                    yes_no(left),
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "customers",
            columns: vec![
                "customer_id",
                "start_date",
                "end_date",
                "mrr",
                "churned_this_month",
            ],
            rows,
        });
        let listed = self.counted("customers");
        self.left_out_of_files();
        let month = self.month;
        let start = format!("customers who started before {month} and had not ended before it");
        if metric != Metric::ActiveCustomers && ends_unknown {
            self.breakdown.arithmetic = format!(
                "{} has no value: the customer list has no end dates, so who left cannot be told; {listed}",
                metric.label()
            );
            return None;
        }
        match metric {
            Metric::ActiveCustomers => {
                self.term("active", active as f64);
                self.breakdown.arithmetic =
                    format!("Active customers {active} = {start}; {listed}");
                Some(active as f64)
            }
            Metric::ChurnRate | Metric::RetentionRate => {
                self.term("churned", churned as f64);
                self.term("active", active as f64);
                let rate = ratio(churned as f64, active as f64);
                let value = if metric == Metric::ChurnRate {
                    rate
                } else {
                    rate.map(|r| 1.0 - r)
                };
                self.breakdown.arithmetic = match (metric, rate) {
                    (_, None) => format!(
                        "{} has no value: no active customers at the start of {month}",
                        metric.label()
                    ),
                    (Metric::ChurnRate, Some(r)) => format!(
                        "Churn rate {} = {churned} who ended in {month} / {active} {start}; {listed}",
                        number(Unit::Rate, r)
                    ),
                    (_, Some(r)) => format!(
                        "Retention rate {} = 1 − churn ({churned} who ended in {month} / {active} {start}); {listed}",
                        number(Unit::Rate, 1.0 - r)
                    ),
                };
                value
            }
            _ => {
                self.term("churned_mrr", churned_mrr);
                self.term("active_mrr", active_mrr);
                let value = ratio(churned_mrr, active_mrr);
                self.breakdown.arithmetic = match value {
                    Some(v) => format!(
                        "Revenue churn rate {} = MRR {} of those who ended in {month} / MRR {} of the {active} {start}; {listed}",
                        number(Unit::Rate, v),
                        amount(churned_mrr),
                        amount(active_mrr)
                    ),
                    None => "Revenue churn rate is undefined: the starting customers' MRR is 0"
                        .to_string(),
                };
                value
            }
        }
    }

    fn customer_summaries(&mut self, metric: Metric) -> Option<f64> {
        let mut rows = Vec::new();
        let lines: Vec<&SourceLine<crate::model::CustomerSummaryRow>> = self
            .dataset
            .lines
            .customer_summaries
            .iter()
            .filter(|line| line.row.month == self.month && self.scope.holds(line.row.department))
            .collect();
        for line in lines {
            if line.superseded_by.is_some() {
                self.superseded(line);
                continue;
            }
            let r = &line.row;
            rows.push(self.row(
                line.origin,
                r.department,
                vec![
                    r.month.to_string(),
                    thousands(r.customers_start, 0),
                    thousands(r.churned_customers, 0),
                    r.new_customers.map(|v| thousands(v, 0)).unwrap_or_default(),
                ],
            ));
        }
        self.breakdown.tables.push(SourceTable {
            kind: "customer summaries",
            columns: vec![
                "month",
                "customers_start",
                "churned_customers",
                "new_customers",
            ],
            rows,
        });
        let listed = self.counted("lines");
        self.left_out_of_files();
        let (mut start, mut churned, mut found) = (0.0, 0.0, false);
        for row in &self.dataset.customer_summaries {
            if row.month == self.month && self.scope.holds(row.department) {
                found = true;
                start += row.customers_start;
                churned += row.churned_customers;
            }
        }
        if !found || metric == Metric::RevenueChurnRate {
            self.breakdown.arithmetic = format!(
                "{} has no value for {}: no customer list or summary gives it",
                metric.label(),
                self.month
            );
            return None;
        }
        self.term("customers_start", start);
        self.term("churned", churned);
        let rate = ratio(churned, start);
        let month = self.month;
        let (value, text) = match metric {
            Metric::ActiveCustomers => (
                Some(start),
                format!(
                    "Active customers {} = customers at the start of {month}; {listed}",
                    thousands(start, 0)
                ),
            ),
            Metric::ChurnRate => (
                rate,
                format!(
                    "Churn rate {} = churned {} / customers at the start {}; {listed}",
                    rate.map_or("n/a".to_string(), |r| number(Unit::Rate, r)),
                    thousands(churned, 0),
                    thousands(start, 0)
                ),
            ),
            _ => (
                rate.map(|r| 1.0 - r),
                format!(
                    "Retention rate {} = 1 − churned {} / customers at the start {}; {listed}",
                    rate.map_or("n/a".to_string(), |r| number(Unit::Rate, 1.0 - r)),
                    thousands(churned, 0),
                    thousands(start, 0)
                ),
            ),
        };
        self.breakdown.arithmetic = text;
        value
    }
}
