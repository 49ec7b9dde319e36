//! Customer rows: a customer list (one row per customer), a billing tool's subscriptions (several
//! per customer, made into one customer each; SPEC §2b) and the monthly customer summary.

use std::collections::HashMap;

use super::{Columns, FileCx, Parsed, ParsedRows, Problem, RowParser};
use crate::input::headers::{Field, HeaderMap, normalise_header};
use crate::input::reader::RowView;
use crate::model::{Action, CustomerRow, CustomerSummaryRow, DepartmentId, RowRef};

/// Whether the export can say that a customer left at all: it has an end or cancellation date.
fn ends_known(header: &HeaderMap) -> bool {
    header.has(Field::EndDate) || header.has(Field::CanceledAt)
}

/// An export without end dates gives active customers only: one entry saying so.
fn report_unknown_ends(cx: &mut FileCx<'_>) {
    if !ends_known(cx.header()) {
        cx.issues.push(crate::model::DataQualityIssue {
            file: cx.file.to_string(),
            line: None,
            column: None,
            value: None,
            problem: "this customer export has no end or cancellation date (as Stripe's customers export), so it cannot say who left: it gives active customers only — churn, retention and revenue churn need a subscriptions export with its Ended At / Canceled At columns (Stripe: Billing → Subscriptions → Export)".to_string(),
            action: Action::Assumed,
        });
    }
}

/// A customer list: id, start, end, MRR per customer.
pub(super) struct List {
    ends_known: bool,
}

impl List {
    pub(super) fn new(header: &HeaderMap) -> List {
        List {
            ends_known: ends_known(header),
        }
    }
}

impl RowParser for List {
    type Row = CustomerRow;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<CustomerRow>, Problem> {
        let columns = cx.columns;
        let customer_id = columns.required_text(row, Field::CustomerId)?;
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
        let mrr = cx.optional_number(row, Field::Mrr);
        Ok(Some(CustomerRow {
            customer_id,
            start_date,
            end_date,
            mrr,
            department,
            origin,
            ends_known: self.ends_known,
        }))
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<CustomerRow>>) -> ParsedRows {
        report_unknown_ends(cx);
        ParsedRows::Customers(rows)
    }
}

/// A billing tool's subscriptions: trials and incomplete ones are not customers; the rest are
/// made into one customer per customer id.
pub(super) struct Subscriptions {
    ends_known: bool,
    /// Subscriptions that never became paying customers: (first line, count).
    never_customers: Option<(usize, usize)>,
}

impl Subscriptions {
    pub(super) fn new(header: &HeaderMap) -> Subscriptions {
        Subscriptions {
            ends_known: ends_known(header),
            never_customers: None,
        }
    }

    /// Whether a customer list is a billing tool's subscriptions export.
    pub(super) fn are_in(header: &HeaderMap) -> bool {
        [
            Field::Interval,
            Field::Quantity,
            Field::TrialEnd,
            Field::CanceledAt,
            Field::Status,
        ]
        .iter()
        .any(|&field| header.has(field))
    }
}

impl RowParser for Subscriptions {
    type Row = CustomerRow;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<CustomerRow>, Problem> {
        let columns = cx.columns;
        let customer_id = columns.required_text(row, Field::CustomerId)?;
        let mut start_date = columns.required_date(row, Field::StartDate)?;
        let status = columns
            .text(row, Field::Status)
            .map(|status| normalise_header(&status));
        let status = status.as_deref().unwrap_or_default();
        if matches!(status, "incomplete" | "incomplete_expired") {
            super::count(&mut self.never_customers, row.line);
            return Ok(None);
        }
        // Still in its trial when exported: not a customer yet, whatever day the trial is due
        // to end (SPEC §2b). One that converted is a customer from its trial's end.
        if matches!(status, "trialing" | "in_trial" | "trial") {
            super::count(&mut self.never_customers, row.line);
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
            super::count(&mut self.never_customers, row.line);
            return Ok(None);
        }
        let mrr = match columns.number(row, Field::Mrr) {
            Ok(Some(mrr)) => Some(mrr),
            Ok(None) => subscription_mrr(columns, row).unwrap_or_else(|problem| {
                cx.ignore_value(row.line, problem);
                None
            }),
            Err(problem) => {
                cx.ignore_value(row.line, problem);
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
            ends_known: self.ends_known,
        }))
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<CustomerRow>>) -> ParsedRows {
        cx.not_used(self.never_customers, None, |count| {
            format!(
                "{count} subscription(s) never became paying customers (trialing, incomplete, or ended during the trial); they are not counted"
            )
        });
        report_unknown_ends(cx);
        ParsedRows::Customers(customers_of_subscriptions(rows))
    }
}

/// The monthly customer summary: customers at the start, churned and new per month.
pub(super) struct Summary;

impl RowParser for Summary {
    type Row = CustomerSummaryRow;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        _origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<CustomerSummaryRow>, Problem> {
        let columns = cx.columns;
        let month = columns.month(row, Field::Month)?;
        let customers_start = columns.required_number(row, Field::CustomersStart)?;
        let churned_customers = columns.required_number(row, Field::ChurnedCustomers)?;
        let new_customers = cx.optional_number(row, Field::NewCustomers);
        Ok(Some(CustomerSummaryRow {
            month,
            department,
            customers_start,
            churned_customers,
            new_customers,
        }))
    }

    fn finish(self, _cx: &mut FileCx<'_>, rows: Vec<Parsed<CustomerSummaryRow>>) -> ParsedRows {
        ParsedRows::CustomerSummary(rows)
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
