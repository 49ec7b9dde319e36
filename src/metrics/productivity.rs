//! Resource productivity: utilization, tracked utilization (billable share of the hours time
//! entries tracked, SPEC §2b), output per FTE, and the finance joins revenue per FTE
//! and cost per output unit (finance and workforce matched on month × department; the company
//! uses company totals of both).

use super::finance::{COGS, OPEX, REVENUE};
use super::frames::{GroupInput, GroupSums, group_sums};
use super::{Metric, MetricTable, MetricsError, ratio};
use crate::model::Dataset;

const FTE: usize = 0;
const AVAILABLE_HOURS: usize = 1;
const BILLABLE_HOURS: usize = 2;
const OUTPUT_UNITS: usize = 3;
const TRACKED_HOURS: usize = 4;
/// Billable hours of the rows that have tracked hours: a company ratio must not mix in billable
/// hours from months × departments no time tracker covers.
const TRACKED_BILLABLE_HOURS: usize = 5;

pub fn compute(
    dataset: &Dataset,
    finance: &GroupSums,
    table: &mut MetricTable,
) -> Result<(), MetricsError> {
    let mut input = GroupInput::new(&[
        "fte",
        "available_hours",
        "billable_hours",
        "output_units",
        "tracked_hours",
        "tracked_billable_hours",
    ]);
    for row in &dataset.workforce {
        input.push(
            row.month,
            row.department,
            &[
                Some(row.fte),
                Some(row.available_hours),
                Some(row.billable_hours),
                row.output_units,
                row.tracked_hours,
                row.tracked_hours.map(|_| row.billable_hours),
            ],
        );
    }
    for (&(month, department), sums) in &group_sums(&input)? {
        let fte = sums.get(FTE);
        let output = sums.get(OUTPUT_UNITS);
        let mut put = |metric, value| table.push(metric, department, month, value, false);
        put(
            Metric::Utilization,
            ratio(sums.get(BILLABLE_HOURS), sums.get(AVAILABLE_HOURS)),
        );
        if sums.get(TRACKED_HOURS).is_some() {
            put(
                Metric::TrackedUtilization,
                ratio(sums.get(TRACKED_BILLABLE_HOURS), sums.get(TRACKED_HOURS)),
            );
        }
        if output.is_some() {
            put(Metric::OutputPerFte, ratio(output, fte));
        }
        if let Some(money) = finance.get(&(month, department)) {
            put(Metric::RevenuePerFte, ratio(money.get(REVENUE), fte));
            if output.is_some() {
                let costs = Some(money.get(COGS).unwrap_or(0.0) + money.get(OPEX).unwrap_or(0.0));
                put(Metric::CostPerOutput, ratio(costs, output));
            }
        }
    }
    Ok(())
}
