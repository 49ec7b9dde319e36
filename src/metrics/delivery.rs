//! Delivery timelines. A deliverable belongs to the month of its due date; only items due on or
//! before `as_of` count, and a delivery dated after `as_of` has not happened yet as of then.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::frames::{GroupInput, group_sums};
use super::{Metric, MetricTable, MetricsError, ratio};
use crate::model::{Dataset, Month};

const DUE: usize = 0;
const ON_TIME: usize = 1;
const DAYS_LATE: usize = 2;
const OVERRUN: usize = 3;

pub fn compute(
    dataset: &Dataset,
    as_of: NaiveDate,
    table: &mut MetricTable,
) -> Result<(), MetricsError> {
    if dataset.deliveries.is_empty() {
        return Ok(());
    }
    let has_costs = dataset
        .deliveries
        .iter()
        .any(|row| row.budget_cost.is_some() && row.actual_cost.is_some());
    let mut input = GroupInput::new(&["due", "on_time", "days_late", "overrun"]);
    let mut overdue = GroupInput::new(&["overdue"]);
    let as_of_month = Month::of(as_of);
    for row in &dataset.deliveries {
        if row.due_date > as_of {
            continue;
        }
        let delivered = row.delivered_date.filter(|date| *date <= as_of);
        let on_time = delivered.is_some_and(|date| date <= row.due_date);
        let days_late = delivered
            .filter(|date| *date > row.due_date)
            .map(|date| (date - row.due_date).num_days() as f64);
        let overrun = match (delivered, row.budget_cost, row.actual_cost) {
            (Some(_), Some(budget), Some(actual)) => Some(if actual > budget { 1.0 } else { 0.0 }),
            _ => None,
        };
        input.push(
            Month::of(row.due_date),
            row.department,
            &[
                Some(1.0),
                Some(if on_time { 1.0 } else { 0.0 }),
                days_late,
                overrun,
            ],
        );
        if delivered.is_none() && row.due_date < as_of {
            overdue.push(as_of_month, row.department, &[Some(1.0)]);
        }
    }
    for (&(month, department), sums) in &group_sums(&input)? {
        let due = sums.get(DUE);
        let mut put = |metric, value| table.push(metric, department, month, value, false);
        put(Metric::DeliverablesDue, due);
        put(Metric::OnTimeRate, ratio(sums.get(ON_TIME), due));
        put(
            Metric::AvgDaysLate,
            ratio(sums.get(DAYS_LATE), Some(sums.present[DAYS_LATE] as f64)),
        );
        if has_costs {
            put(
                Metric::BudgetOverrunRate,
                ratio(sums.get(OVERRUN), Some(sums.present[OVERRUN] as f64)),
            );
        }
    }
    // Overdue items are reported for the as-of month, as a count (zero included) for the
    // company and every department that has deliverables.
    let overdue = group_sums(&overdue)?;
    let departments: BTreeSet<_> = dataset
        .deliveries
        .iter()
        .filter_map(|row| row.department)
        .collect();
    for department in std::iter::once(None).chain(departments.into_iter().map(Some)) {
        let count = overdue
            .get(&(as_of_month, department))
            .map_or(0.0, |sums| sums.rows as f64);
        table.push(
            Metric::OverdueOpen,
            department,
            as_of_month,
            Some(count),
            false,
        );
    }
    Ok(())
}
