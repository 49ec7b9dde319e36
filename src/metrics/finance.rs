//! Finance metrics: the P&L sums, EBITDA, EBIT, margin, cost to revenue and cost vs budget.
//!
//! Cost vs budget compares only costs that have a budget: at company level, departments
//! without a budget neither add costs nor budget (otherwise a partial budget would look like a
//! huge overrun).

use super::frames::{GroupInput, GroupSums, group_sums};
use super::{Metric, MetricTable, MetricsError, ratio};
use crate::model::Dataset;

pub const REVENUE: usize = 0;
pub const COGS: usize = 1;
pub const OPEX: usize = 2;
const DEPRECIATION_AMORTIZATION: usize = 3;
const BUDGETED_COSTS: usize = 4;
const COST_BUDGET: usize = 5;

/// Computes the finance metrics and returns the sums for the productivity metrics.
pub fn compute(dataset: &Dataset, table: &mut MetricTable) -> Result<GroupSums, MetricsError> {
    let mut input = GroupInput::new(&[
        "revenue",
        "cogs",
        "opex",
        "depreciation_amortization",
        "budgeted_costs",
        "cost_budget",
    ]);
    for row in &dataset.finance {
        let costs = row.cogs + row.opex;
        input.push(
            row.month,
            row.department,
            &[
                Some(row.revenue),
                Some(row.cogs),
                Some(row.opex),
                Some(row.depreciation + row.amortization),
                row.cost_budget.map(|_| costs),
                row.cost_budget,
            ],
        );
    }
    let groups = group_sums(&input)?;
    for (&(month, department), sums) in &groups {
        let revenue = sums.get(REVENUE).unwrap_or(0.0);
        let cogs = sums.get(COGS).unwrap_or(0.0);
        let opex = sums.get(OPEX).unwrap_or(0.0);
        let depreciation_amortization = sums.get(DEPRECIATION_AMORTIZATION).unwrap_or(0.0);
        let ebitda = revenue - cogs - opex;
        let mut put = |metric, value| table.push(metric, department, month, value, false);
        put(Metric::Revenue, Some(revenue));
        put(Metric::Cogs, Some(cogs));
        put(Metric::Opex, Some(opex));
        put(
            Metric::DepreciationAmortization,
            Some(depreciation_amortization),
        );
        put(Metric::Ebitda, Some(ebitda));
        put(Metric::Ebit, Some(ebitda - depreciation_amortization));
        put(Metric::EbitdaMargin, ratio(Some(ebitda), Some(revenue)));
        put(
            Metric::CostToRevenue,
            ratio(Some(cogs + opex), Some(revenue)),
        );
        if let Some(budget) = sums.get(COST_BUDGET) {
            let over = sums.get(BUDGETED_COSTS).map(|costs| costs - budget);
            put(Metric::CostBudgetVariance, ratio(over, Some(budget)));
        }
    }
    Ok(groups)
}
