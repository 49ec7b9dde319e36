//! Money at stake (SPEC §6): what an escalation is worth in the data's currency, and the basis
//! in words.
//!
//! - amounts (revenue, costs, EBITDA, EBIT): the gap to the target or the level crossed;
//! - finance ratios (EBITDA margin, cost to revenue): that gap × the month's revenue;
//! - churn (logo and revenue churn, retention): the MRR of the customers who left × 12;
//! - utilization below its band: the hours short of the level × the month's revenue per billable
//!   hour (revenue ÷ billable hours);
//! - costs over budget: the excess, costs − cost budget;
//! - late deliveries (on-time rate, days late, overdue items, budget overruns): the overrun
//!   (actual − budget cost) of the month's late items.
//!
//! Where none of these applies (NPS, CSAT, a missing export, a trend that has not crossed yet)
//! or the data lacks what the basis needs, the amount is `None` and the basis says why.

use rustc_hash::FxHashMap;

use crate::format;
use crate::metrics::{Metric, MetricTable, Unit};
use crate::model::{Dataset, DepartmentId, Month};

use super::{Escalation, RuleKind};

/// Per (department or company, month): the sums money at stake rests on.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    cost_budget: Option<f64>,
    churned_mrr: Option<f64>,
    available_hours: f64,
    billable_hours: f64,
    late_items: usize,
    /// Σ (actual − budget) of late items with both costs and an overrun.
    late_overrun: Option<f64>,
    /// At the as-of month: items still open past their due date, and their overrun.
    overdue_items: usize,
    overdue_overrun: Option<f64>,
}

/// The sums of a dataset, built once for all escalations.
#[derive(Debug, Default)]
pub struct MoneyBasis {
    sums: FxHashMap<(Option<DepartmentId>, Month), Sums>,
    has_mrr: bool,
    has_delivery_costs: bool,
}

impl MoneyBasis {
    pub fn new(dataset: &Dataset, as_of: chrono::NaiveDate) -> MoneyBasis {
        let mut basis = MoneyBasis {
            has_mrr: dataset.customers.iter().any(|c| c.mrr.is_some()),
            has_delivery_costs: dataset
                .deliveries
                .iter()
                .any(|row| row.budget_cost.is_some() && row.actual_cost.is_some()),
            ..MoneyBasis::default()
        };
        let mut add =
            |department: Option<DepartmentId>, month: Month, change: &dyn Fn(&mut Sums)| {
                change(basis.sums.entry((None, month)).or_default());
                if department.is_some() {
                    change(basis.sums.entry((department, month)).or_default());
                }
            };
        for row in &dataset.finance {
            if let Some(budget) = row.cost_budget {
                add(row.department, row.month, &|sums| {
                    *sums.cost_budget.get_or_insert(0.0) += budget;
                });
            }
        }
        for customer in &dataset.customers {
            if let (Some(end), Some(mrr)) = (customer.end_date, customer.mrr) {
                add(customer.department, Month::of(end), &|sums| {
                    *sums.churned_mrr.get_or_insert(0.0) += mrr;
                });
            }
        }
        for row in &dataset.workforce {
            add(row.department, row.month, &|sums| {
                sums.available_hours += row.available_hours;
                sums.billable_hours += row.billable_hours;
            });
        }
        for row in &dataset.deliveries {
            if row.due_date > as_of {
                continue;
            }
            let late = row
                .delivered_date
                .filter(|date| *date <= as_of)
                .is_none_or(|date| date > row.due_date);
            if !late {
                continue;
            }
            let overrun = match (row.budget_cost, row.actual_cost) {
                (Some(budget), Some(actual)) => Some((actual - budget).max(0.0)),
                _ => None,
            };
            add(row.department, Month::of(row.due_date), &|sums| {
                sums.late_items += 1;
                if let Some(overrun) = overrun {
                    *sums.late_overrun.get_or_insert(0.0) += overrun;
                }
            });
            if row.delivered_date.is_none_or(|date| date > as_of) && row.due_date < as_of {
                add(row.department, Month::of(as_of), &|sums| {
                    sums.overdue_items += 1;
                    if let Some(overrun) = overrun {
                        *sums.overdue_overrun.get_or_insert(0.0) += overrun;
                    }
                });
            }
        }
        basis
    }

    fn sums(&self, escalation: &Escalation) -> Sums {
        self.sums
            .get(&(escalation.department_id, escalation.month))
            .copied()
            .unwrap_or_default()
    }

    /// The money at stake of `escalation` and its basis in words.
    pub fn at_stake(
        &self,
        escalation: &Escalation,
        metrics: &MetricTable,
    ) -> (Option<f64>, String) {
        let metric = escalation.metric;
        let (month, department) = (escalation.month, escalation.department_id);
        let money = |value: f64| format::in_words(Unit::Money, value);
        match escalation.rule {
            RuleKind::Data => {
                return (
                    None,
                    "not stated: the month's figures are missing".to_string(),
                );
            }
            RuleKind::Trend => {
                return (
                    None,
                    "not stated: the level has not been crossed yet".to_string(),
                );
            }
            _ => {}
        }
        let (value, threshold) = (escalation.value, escalation.threshold);
        if !value.is_finite() || !threshold.is_finite() {
            return (None, "not stated: no value to measure".to_string());
        }
        // The size of the problem in the metric's own unit: the change for a change rule,
        // else the gap to the level or target.
        let gap = match escalation.rule {
            RuleKind::Change => {
                let previous = metrics.value(metric, department, month.prev());
                match previous {
                    Some(previous) => (value - previous).abs(),
                    None => return (None, "not stated: no previous month".to_string()),
                }
            }
            _ => (value - threshold).abs(),
        };
        let what = if escalation.rule == RuleKind::Forecast {
            "target"
        } else if escalation.rule == RuleKind::Change {
            "change since last month"
        } else {
            "level"
        };
        match metric {
            Metric::Revenue
            | Metric::Cogs
            | Metric::Opex
            | Metric::Ebitda
            | Metric::Ebit
            | Metric::DepreciationAmortization => {
                let basis = if escalation.rule == RuleKind::Change {
                    format!("the {what}")
                } else {
                    format!("the gap to the {what}")
                };
                (Some(gap), basis)
            }
            Metric::EbitdaMargin | Metric::CostToRevenue => {
                match metrics.value(Metric::Revenue, department, month) {
                    Some(revenue) => (
                        Some(gap * revenue.abs()),
                        format!(
                            "the gap to the {what} ({} percentage points) × {month} revenue {}",
                            format::thousands(gap * 100.0, 1),
                            money(revenue)
                        ),
                    ),
                    None => (None, format!("not stated: no revenue for {month}")),
                }
            }
            Metric::CostBudgetVariance => match self.sums(escalation).cost_budget {
                Some(budget) => {
                    let excess = value * budget;
                    (
                        Some(excess.max(0.0)),
                        format!("costs over the {month} budget of {}", money(budget)),
                    )
                }
                None => (None, format!("not stated: no cost budget for {month}")),
            },
            Metric::ChurnRate | Metric::RevenueChurnRate | Metric::RetentionRate => {
                if !self.has_mrr {
                    return (None, "not stated: the customer list has no MRR".to_string());
                }
                let churned = self.sums(escalation).churned_mrr.unwrap_or(0.0);
                (
                    Some(churned * 12.0),
                    format!(
                        "MRR of the customers who left in {month} ({}) × 12",
                        money(churned)
                    ),
                )
            }
            Metric::Utilization | Metric::TrackedUtilization => {
                if value >= threshold {
                    return (
                        None,
                        "not stated: above the band the cost is people's slack, not revenue"
                            .to_string(),
                    );
                }
                let sums = self.sums(escalation);
                let revenue = metrics.value(Metric::Revenue, department, month);
                match revenue {
                    Some(revenue) if sums.billable_hours > 0.0 && sums.available_hours > 0.0 => {
                        let hours = gap * sums.available_hours;
                        let rate = revenue / sums.billable_hours;
                        (
                            Some(hours * rate),
                            format!(
                                "{} hours below the level × {} revenue per billable hour",
                                format::grouped(hours, 0),
                                format::grouped(rate, 2)
                            ),
                        )
                    }
                    _ => (
                        None,
                        format!("not stated: no revenue or billable hours for {month}"),
                    ),
                }
            }
            Metric::OnTimeRate
            | Metric::AvgDaysLate
            | Metric::OverdueOpen
            | Metric::BudgetOverrunRate => {
                if !self.has_delivery_costs {
                    return (
                        None,
                        "not stated: the project list has no budget and actual costs".to_string(),
                    );
                }
                let sums = self.sums(escalation);
                if metric == Metric::OverdueOpen {
                    return (
                        Some(sums.overdue_overrun.unwrap_or(0.0)),
                        format!(
                            "cost overrun so far of the {} item(s) open past their due date",
                            sums.overdue_items
                        ),
                    );
                }
                (
                    Some(sums.late_overrun.unwrap_or(0.0)),
                    format!(
                        "cost overrun of the {} late item(s) due in {month}",
                        sums.late_items
                    ),
                )
            }
            _ => (
                None,
                format!("not stated: {} has no amount in the data", metric.label()),
            ),
        }
    }
}
