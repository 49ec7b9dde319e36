//! Every metric of SPEC §3, per month for the company (`department: None`) and per department,
//! as plain values. The GUI and the report both call [`compute`]; nothing else computes a metric.
//!
//! Company ratios are ratios of company sums, never means of department ratios. A ratio whose
//! denominator is zero is `None` (never NaN, infinity or 0).

mod customers;
mod delivery;
mod finance;
pub mod forecast;
mod frames;
pub mod freshness;
mod productivity;

use rustc_hash::FxHashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::model::{Dataset, DepartmentId, Month};

/// Responses below this make an NPS or CSAT value low-confidence.
pub const MIN_CONFIDENT_RESPONSES: usize = 30;

/// The aggregation engine failed; carries polars' message.
#[derive(Debug, Error)]
#[error("the metrics could not be computed ({0})")]
pub struct MetricsError(String);

/// The metrics of SPEC §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Revenue,
    Cogs,
    Opex,
    DepreciationAmortization,
    Ebitda,
    Ebit,
    EbitdaMargin,
    CostToRevenue,
    CostBudgetVariance,
    DeliverablesDue,
    OnTimeRate,
    AvgDaysLate,
    OverdueOpen,
    BudgetOverrunRate,
    Utilization,
    TrackedUtilization,
    OutputPerFte,
    RevenuePerFte,
    CostPerOutput,
    Nps,
    NpsResponses,
    Csat,
    CsatResponses,
    ActiveCustomers,
    ChurnRate,
    RetentionRate,
    RevenueChurnRate,
}

/// How a metric's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// An amount in the data's currency.
    Money,
    /// A fraction shown as a percentage.
    Rate,
    /// NPS points, −100…100.
    Points,
    Count,
    Days,
    /// Amount per FTE or per output unit.
    MoneyPer,
    /// Output units per FTE.
    PerFte,
}

impl Metric {
    pub const ALL: [Metric; 27] = [
        Metric::Revenue,
        Metric::Cogs,
        Metric::Opex,
        Metric::DepreciationAmortization,
        Metric::Ebitda,
        Metric::Ebit,
        Metric::EbitdaMargin,
        Metric::CostToRevenue,
        Metric::CostBudgetVariance,
        Metric::DeliverablesDue,
        Metric::OnTimeRate,
        Metric::AvgDaysLate,
        Metric::OverdueOpen,
        Metric::BudgetOverrunRate,
        Metric::Utilization,
        Metric::TrackedUtilization,
        Metric::OutputPerFte,
        Metric::RevenuePerFte,
        Metric::CostPerOutput,
        Metric::Nps,
        Metric::NpsResponses,
        Metric::Csat,
        Metric::CsatResponses,
        Metric::ActiveCustomers,
        Metric::ChurnRate,
        Metric::RetentionRate,
        Metric::RevenueChurnRate,
    ];

    /// The name used in the report, the rules file and stable escalation ids.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Revenue => "revenue",
            Metric::Cogs => "cogs",
            Metric::Opex => "opex",
            Metric::DepreciationAmortization => "depreciation_amortization",
            Metric::Ebitda => "ebitda",
            Metric::Ebit => "ebit",
            Metric::EbitdaMargin => "ebitda_margin",
            Metric::CostToRevenue => "cost_to_revenue",
            Metric::CostBudgetVariance => "cost_budget_variance",
            Metric::DeliverablesDue => "deliverables_due",
            Metric::OnTimeRate => "on_time_rate",
            Metric::AvgDaysLate => "avg_days_late",
            Metric::OverdueOpen => "overdue_open",
            Metric::BudgetOverrunRate => "budget_overrun_rate",
            Metric::Utilization => "utilization",
            Metric::TrackedUtilization => "tracked_utilization",
            Metric::OutputPerFte => "output_per_fte",
            Metric::RevenuePerFte => "revenue_per_fte",
            Metric::CostPerOutput => "cost_per_output",
            Metric::Nps => "nps",
            Metric::NpsResponses => "nps_responses",
            Metric::Csat => "csat",
            Metric::CsatResponses => "csat_responses",
            Metric::ActiveCustomers => "active_customers",
            Metric::ChurnRate => "churn_rate",
            Metric::RetentionRate => "retention_rate",
            Metric::RevenueChurnRate => "revenue_churn_rate",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|metric| metric.name() == name)
    }

    /// A short label for people (sentence case).
    pub fn label(self) -> &'static str {
        match self {
            Metric::Revenue => "Revenue",
            Metric::Cogs => "Cost of sales",
            Metric::Opex => "Operating expenses",
            Metric::DepreciationAmortization => "Depreciation & amortization",
            Metric::Ebitda => "EBITDA",
            Metric::Ebit => "EBIT",
            Metric::EbitdaMargin => "EBITDA margin",
            Metric::CostToRevenue => "Cost to revenue",
            Metric::CostBudgetVariance => "Cost vs budget",
            Metric::DeliverablesDue => "Deliverables due",
            Metric::OnTimeRate => "On-time rate",
            Metric::AvgDaysLate => "Average days late",
            Metric::OverdueOpen => "Overdue items",
            Metric::BudgetOverrunRate => "Budget overrun rate",
            Metric::Utilization => "Utilization",
            Metric::TrackedUtilization => "Tracked utilization",
            Metric::OutputPerFte => "Output per FTE",
            Metric::RevenuePerFte => "Revenue per FTE",
            Metric::CostPerOutput => "Cost per output unit",
            Metric::Nps => "NPS",
            Metric::NpsResponses => "NPS responses",
            Metric::Csat => "CSAT",
            Metric::CsatResponses => "CSAT responses",
            Metric::ActiveCustomers => "Active customers",
            Metric::ChurnRate => "Churn rate",
            Metric::RetentionRate => "Retention rate",
            Metric::RevenueChurnRate => "Revenue churn rate",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Revenue
            | Metric::Cogs
            | Metric::Opex
            | Metric::DepreciationAmortization
            | Metric::Ebitda
            | Metric::Ebit => Unit::Money,
            Metric::EbitdaMargin
            | Metric::CostToRevenue
            | Metric::CostBudgetVariance
            | Metric::OnTimeRate
            | Metric::BudgetOverrunRate
            | Metric::Utilization
            | Metric::TrackedUtilization
            | Metric::Csat
            | Metric::ChurnRate
            | Metric::RetentionRate
            | Metric::RevenueChurnRate => Unit::Rate,
            Metric::Nps => Unit::Points,
            Metric::DeliverablesDue
            | Metric::OverdueOpen
            | Metric::NpsResponses
            | Metric::CsatResponses
            | Metric::ActiveCustomers => Unit::Count,
            Metric::AvgDaysLate => Unit::Days,
            Metric::RevenuePerFte | Metric::CostPerOutput => Unit::MoneyPer,
            Metric::OutputPerFte => Unit::PerFte,
        }
    }

    /// Whether a rise is good news (`Some(true)`), bad news (`Some(false)`), or neither.
    pub fn higher_is_better(self) -> Option<bool> {
        match self {
            Metric::Revenue
            | Metric::Ebitda
            | Metric::Ebit
            | Metric::EbitdaMargin
            | Metric::OnTimeRate
            | Metric::OutputPerFte
            | Metric::RevenuePerFte
            | Metric::Nps
            | Metric::Csat
            | Metric::ActiveCustomers
            | Metric::RetentionRate => Some(true),
            Metric::Cogs
            | Metric::Opex
            | Metric::CostToRevenue
            | Metric::CostBudgetVariance
            | Metric::AvgDaysLate
            | Metric::OverdueOpen
            | Metric::BudgetOverrunRate
            | Metric::CostPerOutput
            | Metric::ChurnRate
            | Metric::RevenueChurnRate => Some(false),
            Metric::DepreciationAmortization
            | Metric::DeliverablesDue
            | Metric::Utilization
            | Metric::TrackedUtilization
            | Metric::NpsResponses
            | Metric::CsatResponses => None,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One metric for one month, for the company (`department: None`) or one department.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricValue {
    pub metric: Metric,
    pub department: Option<DepartmentId>,
    pub month: Month,
    /// `None` where the ratio is undefined (zero denominator, nothing to average).
    pub value: Option<f64>,
    /// NPS/CSAT from fewer than [`MIN_CONFIDENT_RESPONSES`] responses.
    pub low_confidence: bool,
    /// NPS and CSAT: the 95% interval of the sampling error (SPEC §7), in the metric's unit.
    pub interval: Option<(f64, f64)>,
}

impl MetricValue {
    /// The 95% margin of error: how far the interval reaches from the value, on its farther side
    /// (the two sides are equal for NPS; CSAT's Wilson interval leans towards 50%).
    pub fn margin(&self) -> Option<f64> {
        let value = self.value?;
        let (low, high) = self.interval?;
        Some((value - low).max(high - value))
    }
}

/// NPS answers split the way the customer view stacks them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NpsBreakdown {
    pub promoters: usize,
    pub passives: usize,
    pub detractors: usize,
}

/// All metric values, looked up by (metric, department, month).
#[derive(Debug, Clone, Default)]
pub struct MetricTable {
    values: Vec<MetricValue>,
    /// Keys are small integers and trusted: FxHash, not SipHash (hundreds of thousands of values).
    index: FxHashMap<(Metric, Option<DepartmentId>, Month), usize>,
    /// Promoters / passives / detractors per (department, month).
    pub nps_breakdown: FxHashMap<(Option<DepartmentId>, Month), NpsBreakdown>,
    /// CSAT and CSAT ratings per help-desk channel × month (SPEC §1): `department` holds the
    /// channel's id in `Dataset::channels` (a channel is never a department), by channel then
    /// month.
    pub by_channel: Vec<MetricValue>,
}

/// Every series of a table: (metric, department) → its months, oldest first.
pub type AllSeries = FxHashMap<(Metric, Option<DepartmentId>), Vec<(Month, Option<f64>)>>;

impl MetricTable {
    fn push(
        &mut self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
        value: Option<f64>,
        low_confidence: bool,
    ) {
        let value = value.filter(|v| v.is_finite());
        let key = (metric, department, month);
        let entry = MetricValue {
            metric,
            department,
            month,
            value,
            low_confidence,
            interval: None,
        };
        match self.index.get(&key) {
            Some(&position) => self.values[position] = entry,
            None => {
                self.index.insert(key, self.values.len());
                self.values.push(entry);
            }
        }
    }

    /// Sets the sampling-error interval of a value already pushed.
    fn set_interval(
        &mut self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
        interval: Option<(f64, f64)>,
    ) {
        if let Some(&position) = self.index.get(&(metric, department, month)) {
            self.values[position].interval =
                interval.filter(|(low, high)| low.is_finite() && high.is_finite());
        }
    }

    pub fn get(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> Option<&MetricValue> {
        self.index
            .get(&(metric, department, month))
            .map(|&position| &self.values[position])
    }

    /// Whether the change from `earlier` to `month` is smaller than the two values' combined 95%
    /// margin of error, √(m₁² + m₂²) (NPS and CSAT, SPEC §7): sampling alone could explain it,
    /// so it is not called a change.
    pub fn change_within_margin(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
        earlier: Month,
    ) -> bool {
        let (Some(now), Some(then)) = (
            self.get(metric, department, month),
            self.get(metric, department, earlier),
        ) else {
            return false;
        };
        match (now.value, then.value, now.margin(), then.margin()) {
            (Some(a), Some(b), Some(ma), Some(mb)) => (a - b).abs() < ma.hypot(mb),
            _ => false,
        }
    }

    /// The value, when the metric exists and is defined.
    pub fn value(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> Option<f64> {
        self.get(metric, department, month)
            .and_then(|value| value.value)
    }

    /// Every value, sorted by metric, then company before departments, then month.
    pub fn values(&self) -> &[MetricValue] {
        &self.values
    }

    /// The monthly series of one metric for one department (or the company), oldest first.
    pub fn series(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
    ) -> Vec<(Month, Option<f64>)> {
        let mut series: Vec<(Month, Option<f64>)> = self
            .values
            .iter()
            .filter(|value| value.metric == metric && value.department == department)
            .map(|value| (value.month, value.value))
            .collect();
        series.sort_by_key(|(month, _)| *month);
        series
    }

    /// A channel's value for a month (SPEC §1's `channel_metrics`).
    pub fn channel_value(
        &self,
        metric: Metric,
        channel: crate::model::ChannelId,
        month: Month,
    ) -> Option<&MetricValue> {
        // `by_channel` is ordered by channel, then month (see `customers::csat_by_channel`): a
        // binary search, so a file naming thousands of channels stays cheap per frame.
        let key = (Some(channel), month);
        let start = self
            .by_channel
            .partition_point(|value| (value.department, value.month) < key);
        self.by_channel[start..]
            .iter()
            .take_while(|value| (value.department, value.month) == key)
            .find(|value| value.metric == metric)
    }

    /// Every series at once, in one pass (what [`MetricTable::series`] gives one at a time,
    /// which scans the whole table each call).
    pub fn all_series(&self) -> AllSeries {
        let mut all = AllSeries::default();
        for value in &self.values {
            all.entry((value.metric, value.department))
                .or_default()
                .push((value.month, value.value));
        }
        for series in all.values_mut() {
            series.sort_by_key(|(month, _)| *month);
        }
        all
    }

    /// Adds another table's values (for metrics this table does not have), whole: value,
    /// confidence and interval.
    fn absorb(&mut self, other: MetricTable) {
        for value in other.values {
            let (metric, department, month) = (value.metric, value.department, value.month);
            let interval = value.interval;
            self.push(metric, department, month, value.value, value.low_confidence);
            self.set_interval(metric, department, month, interval);
        }
        self.nps_breakdown.extend(other.nps_breakdown);
        if self.by_channel.is_empty() {
            self.by_channel = other.by_channel;
        }
    }

    /// Keeps only the values of the months `keep` says.
    pub fn retain_months(&mut self, keep: impl Fn(Month) -> bool) {
        self.values.retain(|value| keep(value.month));
        self.nps_breakdown.retain(|(_, month), _| keep(*month));
        self.by_channel.retain(|value| keep(value.month));
        self.reindex();
    }

    fn reindex(&mut self) {
        self.values.sort_by(|a, b| {
            (a.metric, a.department.is_some(), a.department, a.month).cmp(&(
                b.metric,
                b.department.is_some(),
                b.department,
                b.month,
            ))
        });
        self.index = self
            .values
            .iter()
            .enumerate()
            .map(|(position, value)| ((value.metric, value.department, value.month), position))
            .collect();
    }
}

/// Safe division: `None` when the denominator is zero or either side is missing.
pub fn ratio(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(numerator), Some(denominator)) if denominator != 0.0 => {
            Some(numerator / denominator).filter(|v| v.is_finite())
        }
        _ => None,
    }
}

/// Computes every metric for every month of the report: from the data's first month
/// ([`Dataset::earliest_month`]) to `as_of`'s month.
pub fn compute(dataset: &Dataset, as_of: NaiveDate) -> Result<MetricTable, MetricsError> {
    let last_month = Month::of(as_of);
    let first_month = dataset.earliest_month().unwrap_or(last_month);
    // Operations (finance, delivery, productivity) and customers share no inputs: the two
    // halves run on both cores and their tables are joined.
    let (operations, customers) = rayon::join(
        || -> Result<MetricTable, MetricsError> {
            let mut table = MetricTable::default();
            let finance = finance::compute(dataset, &mut table)?;
            delivery::compute(dataset, as_of, &mut table)?;
            productivity::compute(dataset, &finance, &mut table)?;
            Ok(table)
        },
        || -> Result<MetricTable, MetricsError> {
            let mut table = MetricTable::default();
            customers::compute(dataset, last_month, &mut table)?;
            Ok(table)
        },
    );
    let mut table = operations?;
    table.absorb(customers?);
    table.retain_months(|month| first_month <= month && month <= last_month);
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_inside_the_combined_margin_is_not_called_a_change() {
        // The sample's company NPS: 2026-10 22.680 ± 16.786 (97 answers), 2026-09 42.727 ±
        // 13.443 (110 answers: 62 promoters, 15 detractors; √(0.517438 / 110) × 196). Combined
        // √(16.786² + 13.443²) = 21.505 > the fall of 20.047: within the margin.
        let (october, september): (Month, Month) =
            ("2026-10".parse().unwrap(), "2026-09".parse().unwrap());
        let mut table = MetricTable::default();
        let nps = |table: &mut MetricTable, month, value: f64, margin: f64| {
            table.push(Metric::Nps, None, month, Some(value), false);
            table.set_interval(
                Metric::Nps,
                None,
                month,
                Some((value - margin, value + margin)),
            );
        };
        nps(&mut table, october, 22.680, 16.786);
        nps(&mut table, september, 42.727, 13.443);
        assert!(table.change_within_margin(Metric::Nps, None, october, september));
        // From 45.0 the fall is 22.32, more than 21.505: a change.
        nps(&mut table, september, 45.0, 13.443);
        assert!(!table.change_within_margin(Metric::Nps, None, october, september));
        // Without margins (amounts, rates from sums) nothing is within one.
        table.push(Metric::Revenue, None, october, Some(1.0), false);
        table.push(Metric::Revenue, None, september, Some(1.0), false);
        assert!(!table.change_within_margin(Metric::Revenue, None, october, september));
    }

    #[test]
    fn ratios_are_none_instead_of_nan_or_infinity() {
        assert_eq!(ratio(Some(1.0), Some(0.0)), None);
        assert_eq!(ratio(Some(0.0), Some(0.0)), None);
        assert_eq!(ratio(None, Some(2.0)), None);
        assert_eq!(ratio(Some(1.0), Some(4.0)), Some(0.25));
    }

    #[test]
    fn every_metric_name_round_trips() {
        for metric in Metric::ALL {
            assert_eq!(Metric::from_name(metric.name()), Some(metric));
        }
    }
}
