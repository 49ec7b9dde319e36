//! Freshness and completeness of the as-of month (SPEC §7): each department × kind that had data
//! the month before but has none now, and each kind whose newest month is more than a month
//! older than the as-of month. A department whose export did not arrive is named, never just
//! missing from the totals.
//!
//! The monthly kinds are watched through a metric each holds whenever a department has rows
//! (finance: revenue; workforce: utilization; NPS and CSAT: their answer counts). Deliveries and
//! customers are lists of items rather than monthly exports: an item's month is its due date or
//! start, so an empty month says nothing about a missing file, and they are not watched.

use serde::Serialize;

use super::{Metric, MetricTable};
use crate::model::{Dataset, Month};

/// The kinds watched, with the metric whose presence says a department had that kind's data.
const WATCHED: [(&str, Metric); 4] = [
    ("finance", Metric::Revenue),
    ("workforce", Metric::Utilization),
    ("nps", Metric::NpsResponses),
    ("csat", Metric::CsatResponses),
];

/// `freshness` in the JSON report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Freshness {
    /// Department × kind with data in the month before the as-of month and none in it.
    pub missing: Vec<Missing>,
    /// Kinds whose newest month is more than a month before the as-of month.
    pub stale: Vec<Stale>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub kind: &'static str,
    /// The metric that watches the kind (finance: revenue), for the escalation's id.
    #[serde(skip)]
    pub metric: Metric,
    pub department: String,
    pub last_month: Month,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stale {
    pub kind: &'static str,
    pub newest_month: Month,
}

impl Freshness {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty()
    }

    /// One line for the memo and the pack's cover, `None` when all is in: "No finance for
    /// Consulting this month (last 2026-09); NPS data is stale (newest 2026-07)".
    pub fn line(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let parts = self
            .missing
            .iter()
            .map(|missing| {
                format!(
                    "no {} for {} this month (last {})",
                    missing.kind, missing.department, missing.last_month
                )
            })
            .chain(self.stale.iter().map(|stale| {
                format!(
                    "{} data is stale (newest {})",
                    stale.kind, stale.newest_month
                )
            }));
        let text = parts.collect::<Vec<_>>().join("; ");
        let mut characters = text.chars();
        let first = characters.next().map(|c| c.to_uppercase().to_string());
        Some(format!(
            "{}{}",
            first.unwrap_or_default(),
            characters.as_str()
        ))
    }
}

/// The watched kinds a metric is computed from (revenue per FTE from both finance and
/// workforce); none for deliveries and customers, which are not watched.
fn kinds_of(metric: Metric) -> &'static [&'static str] {
    match metric {
        Metric::Revenue
        | Metric::Cogs
        | Metric::Opex
        | Metric::DepreciationAmortization
        | Metric::Ebitda
        | Metric::Ebit
        | Metric::EbitdaMargin
        | Metric::CostToRevenue
        | Metric::CostBudgetVariance => &["finance"],
        Metric::RevenuePerFte => &["finance", "workforce"],
        Metric::Utilization
        | Metric::TrackedUtilization
        | Metric::OutputPerFte
        | Metric::CostPerOutput => &["workforce"],
        Metric::Nps | Metric::NpsResponses => &["nps"],
        Metric::Csat | Metric::CsatResponses => &["csat"],
        _ => &[],
    }
}

impl Freshness {
    /// Whether `metric` for `department` (`None`: the company) rests on an incomplete month: a
    /// kind it comes from is stale, or a department's export of it is missing (for the company,
    /// any department's; for a department, its own).
    pub fn affects(&self, metric: Metric, department: Option<&str>) -> bool {
        let kinds = kinds_of(metric);
        self.stale.iter().any(|stale| kinds.contains(&stale.kind))
            || self.missing.iter().any(|missing| {
                kinds.contains(&missing.kind)
                    && department.is_none_or(|name| name == missing.department)
            })
    }
}

/// What is missing or stale in `month` (the as-of month).
pub fn freshness(dataset: &Dataset, table: &MetricTable, month: Month) -> Freshness {
    let previous = month.prev();
    let mut freshness = Freshness::default();
    for (kind, metric) in WATCHED {
        let newest = table
            .values()
            .iter()
            .filter(|value| value.metric == metric)
            .map(|value| value.month)
            .max();
        let Some(newest) = newest else { continue };
        if newest < previous {
            freshness.stale.push(Stale {
                kind,
                newest_month: newest,
            });
        }
        for (id, name) in dataset.departments.iter() {
            if table.get(metric, Some(id), previous).is_some()
                && table.get(metric, Some(id), month).is_none()
            {
                freshness.missing.push(Missing {
                    kind,
                    metric,
                    department: name.to_string(),
                    last_month: previous,
                });
            }
        }
    }
    freshness
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_finance_export_marks_the_finance_metrics_of_the_company_and_its_department() {
        let freshness = Freshness {
            missing: vec![Missing {
                kind: "finance",
                metric: Metric::Revenue,
                department: "Beta".to_string(),
                last_month: "2026-09".parse().unwrap(),
            }],
            stale: Vec::new(),
        };
        assert!(freshness.affects(Metric::EbitdaMargin, None));
        assert!(freshness.affects(Metric::RevenuePerFte, Some("Beta")));
        assert!(!freshness.affects(Metric::EbitdaMargin, Some("Alpha")));
        assert!(!freshness.affects(Metric::Nps, None));
        assert!(!freshness.affects(Metric::OnTimeRate, None));
    }
}
