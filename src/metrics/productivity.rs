//! Resource productivity: utilization, output per FTE, and the finance joins revenue per FTE
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

pub fn compute(
    dataset: &Dataset,
    finance: &GroupSums,
    table: &mut MetricTable,
) -> Result<(), MetricsError> {
    let mut input = GroupInput::new(&["fte", "available_hours", "billable_hours", "output_units"]);
    for row in &dataset.workforce {
        input.push(
            row.month,
            row.department,
            &[
                Some(row.fte),
                Some(row.available_hours),
                Some(row.billable_hours),
                row.output_units,
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
