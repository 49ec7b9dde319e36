//! The headless report (SPEC §5): one value built from the dataset, written as JSON (the
//! contract), CSV or a Markdown memo. The GUI shows the same values.

pub mod csv;
pub mod format;
pub mod markdown;

use chrono::NaiveDate;
use serde::Serialize;

use crate::metrics::{MetricTable, MetricValue};
use crate::model::{DataQualityIssue, Dataset, Month, SourceSummary};

/// One metric value as the report writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    pub metric: &'static str,
    pub department: Option<String>,
    pub month: Month,
    pub value: Option<f64>,
    pub low_confidence: bool,
}

impl MetricRow {
    pub fn new(dataset: &Dataset, value: &MetricValue) -> MetricRow {
        MetricRow {
            metric: value.metric.name(),
            department: value
                .department
                .map(|id| dataset.departments.name(id).to_string()),
            month: value.month,
            value: value.value,
            low_confidence: value.low_confidence,
        }
    }
}

/// The report as SPEC §5 defines it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub months: Vec<Month>,
    pub departments: Vec<String>,
    pub sources: Vec<SourceSummary>,
    pub metrics: Vec<MetricRow>,
    /// Every escalation with its current status, newest month and most severe first.
    pub escalations: Vec<crate::escalations::EscalationRow>,
    pub data_quality: Vec<DataQualityIssue>,
}

/// The reporting date: `as_of` when given, else the last day of the latest month with actuals.
pub fn resolve_as_of(dataset: &Dataset, as_of: Option<NaiveDate>) -> Option<NaiveDate> {
    as_of.or_else(|| dataset.latest_month().map(Month::last_day))
}

/// Every month from the earliest the data speaks of up to the as-of month.
pub fn report_months(dataset: &Dataset, as_of: NaiveDate) -> Vec<Month> {
    let last = Month::of(as_of);
    match dataset.earliest_month() {
        Some(first) if first <= last => Month::range(first, last).collect(),
        _ => vec![last],
    }
}

impl Report {
    pub fn build(dataset: &Dataset, metrics: &MetricTable, as_of: NaiveDate) -> Report {
        Report {
            as_of,
            months: report_months(dataset, as_of),
            departments: dataset
                .departments
                .iter()
                .map(|(_, name)| name.to_string())
                .collect(),
            sources: dataset.sources.clone(),
            metrics: metrics
                .values()
                .iter()
                .map(|value| MetricRow::new(dataset, value))
                .collect(),
            escalations: Vec::new(),
            data_quality: dataset.data_quality.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
    }
}
