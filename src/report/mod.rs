//! The headless report (SPEC §5): one value built from the dataset, written as JSON (the
//! contract), CSV, a Markdown memo or the HTML board pack. The GUI shows the same values and
//! exports the same files. Every form says what its numbers rest on: the data folder, the as-of
//! date, the rules layers in force and how many input rows were rejected.

pub mod csv;
pub mod goals;
pub use crate::format;
pub mod html;
pub mod markdown;

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::escalations::StatusBoard;
use crate::escalations::targets::TargetRow;
use crate::metrics::forecast::Forecast;
use crate::metrics::{Metric, MetricTable, MetricValue};
use crate::model::{DataQualityIssue, Dataset, DepartmentId, Month, SourceSummary};

/// The KPI cards of the app's overview and of the board pack, in reading order: money,
/// delivery, people, customers.
pub const KPI_CARDS: [Metric; 8] = [
    Metric::Ebitda,
    Metric::EbitdaMargin,
    Metric::CostToRevenue,
    Metric::OnTimeRate,
    Metric::Utilization,
    Metric::Nps,
    Metric::Csat,
    Metric::ChurnRate,
];

/// The company KPIs of the memo and of the board pack's KPI table, in reading order.
pub const COMPANY_KPIS: [Metric; 14] = [
    Metric::Revenue,
    Metric::Ebitda,
    Metric::EbitdaMargin,
    Metric::CostToRevenue,
    Metric::CostBudgetVariance,
    Metric::OnTimeRate,
    Metric::OverdueOpen,
    Metric::Utilization,
    Metric::TrackedUtilization,
    Metric::RevenuePerFte,
    Metric::Nps,
    Metric::Csat,
    Metric::ChurnRate,
    Metric::RevenueChurnRate,
];

/// The columns of each department's P&L, in the app's finance view and in the board pack.
pub const FINANCE_TABLE: [Metric; 6] = [
    Metric::Revenue,
    Metric::Cogs,
    Metric::Opex,
    Metric::Ebitda,
    Metric::EbitdaMargin,
    Metric::CostBudgetVariance,
];

/// The columns of the department heat map, in the app and in the board pack.
pub const HEATMAP_METRICS: [Metric; 10] = [
    Metric::Revenue,
    Metric::EbitdaMargin,
    Metric::CostBudgetVariance,
    Metric::OnTimeRate,
    Metric::OverdueOpen,
    Metric::Utilization,
    Metric::RevenuePerFte,
    Metric::Nps,
    Metric::Csat,
    Metric::ChurnRate,
];

/// The line under a KPI card's value that says what it rests on: "on revenue of 1,932,339",
/// "31 deliverables due", "healthy band 65%–95%", "97 responses", "of 130 active customers".
pub fn kpi_note(
    table: &MetricTable,
    standings: &StatusBoard,
    metric: Metric,
    department: Option<DepartmentId>,
    month: Month,
) -> Option<String> {
    let count = |metric: Metric| table.value(metric, department, month);
    match metric {
        Metric::Ebitda => count(Metric::Revenue)
            .map(|revenue| format!("on revenue of {}", format::grouped(revenue, 0))),
        Metric::OnTimeRate => count(Metric::DeliverablesDue)
            .map(|due| format::count(due as usize, "deliverable due", "deliverables due")),
        Metric::Utilization => standings.band(metric, department).and_then(|band| {
            Some(format!(
                "healthy band {}–{}",
                format::percent_level(band.warning_below?),
                format::percent_level(band.warning_above?)
            ))
        }),
        Metric::Nps | Metric::Csat => {
            let (count_of, one, many) = if metric == Metric::Nps {
                (Metric::NpsResponses, "response", "responses")
            } else {
                (Metric::CsatResponses, "rating", "ratings")
            };
            // "97 responses · ±16.1 at 95%": how far sampling alone may move the figure.
            let margin = table
                .get(metric, department, month)
                .and_then(MetricValue::margin)
                .map(|margin| format!(" · {} at 95%", format::margin(metric.unit(), margin)))
                .unwrap_or_default();
            count(count_of).map(|n| format!("{}{margin}", format::count(n as usize, one, many)))
        }
        Metric::ChurnRate => count(Metric::ActiveCustomers).map(|n| {
            format!(
                "of {}",
                format::count(n as usize, "active customer", "active customers")
            )
        }),
        _ => None,
    }
}

/// One metric value as the report writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    pub metric: &'static str,
    pub department: Option<String>,
    pub month: Month,
    pub value: Option<f64>,
    pub low_confidence: bool,
    /// NPS and CSAT: the 95% margin of error (SPEC §7), in the value's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    /// NPS and CSAT: the 95% interval (NPS: value ± margin; CSAT: Wilson's), low and high.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
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
            margin: value.margin(),
            interval: value.interval.map(|(low, high)| [low, high]),
        }
    }
}

/// One help-desk channel's value (SPEC §1's `channel_metrics`): a [`MetricRow`] with
/// `channel` instead of `department`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelMetricRow {
    pub metric: &'static str,
    pub channel: String,
    pub month: Month,
    pub value: Option<f64>,
    pub low_confidence: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<[f64; 2]>,
}

impl ChannelMetricRow {
    pub fn new(dataset: &Dataset, value: &MetricValue) -> ChannelMetricRow {
        ChannelMetricRow {
            metric: value.metric.name(),
            channel: value
                .department
                .map(|id| dataset.channels.name(id).to_string())
                .unwrap_or_default(),
            month: value.month,
            value: value.value,
            low_confidence: value.low_confidence,
            margin: value.margin(),
            interval: value.interval.map(|(low, high)| [low, high]),
        }
    }
}

/// The report as SPEC §5 defines it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Why the escalations' statuses could not be read, when they could not (they then all
    /// show as open); first, so it is the first thing a reader of the JSON sees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation_status_unavailable: Option<String>,
    /// The data folder as the user named it.
    pub data_folder: String,
    pub as_of: NaiveDate,
    /// The rules layers in force, in the order they were applied
    /// (see [`crate::escalations::rules::layer_names`]).
    pub rules: Vec<String>,
    pub months: Vec<Month>,
    pub departments: Vec<String>,
    pub sources: Vec<SourceSummary>,
    pub metrics: Vec<MetricRow>,
    /// Every escalation with its current status, newest month and most severe first.
    pub escalations: Vec<crate::escalations::EscalationRow>,
    pub data_quality: Vec<DataQualityIssue>,
    /// Department × kind missing from the as-of month, and stale kinds (SPEC §7).
    pub freshness: crate::metrics::freshness::Freshness,
    /// One row per target × month (SPEC §6), goal by goal.
    pub targets: Vec<TargetRow>,
    /// The forecast months of every forecast series (SPEC §6): value and 80% interval.
    pub forecasts: Vec<ForecastRow>,
    /// The series that have no forecast, and why (fewer than 6 months of history, …).
    pub forecasts_unavailable: Vec<NoForecastRow>,
    /// CSAT and its ratings per help-desk channel × month (SPEC §1); channels are not
    /// departments.
    pub channel_metrics: Vec<ChannelMetricRow>,
    /// The notes written on the numbers (SPEC §7), by metric, month and department.
    pub notes: Vec<crate::escalations::store::Note>,
}

/// One forecast month as the report writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastRow {
    pub metric: Metric,
    pub department: Option<String>,
    pub month: Month,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// A series without a forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoForecastRow {
    pub metric: Metric,
    pub department: Option<String>,
    pub reason: String,
}

/// The `forecasts` and `forecasts_unavailable` of the report.
pub fn forecast_rows(
    dataset: &Dataset,
    forecasts: &[Forecast],
) -> (Vec<ForecastRow>, Vec<NoForecastRow>) {
    let mut rows = Vec::new();
    let mut unavailable = Vec::new();
    let name = |id: Option<DepartmentId>| id.map(|id| dataset.departments.name(id).to_string());
    for forecast in forecasts {
        match &forecast.outcome {
            Ok(points) => rows.extend(points.iter().map(|point| ForecastRow {
                metric: forecast.metric,
                department: name(forecast.department),
                month: point.month,
                value: point.value,
                low: point.low,
                high: point.high,
            })),
            Err(reason) => unavailable.push(NoForecastRow {
                metric: forecast.metric,
                department: name(forecast.department),
                reason: reason.clone(),
            }),
        }
    }
    (rows, unavailable)
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
    pub fn build(
        dataset: &Dataset,
        metrics: &MetricTable,
        as_of: NaiveDate,
        data_folder: &Path,
        rules: Vec<String>,
    ) -> Report {
        Report {
            escalation_status_unavailable: None,
            data_folder: data_folder.display().to_string(),
            as_of,
            rules,
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
            freshness: crate::metrics::freshness::freshness(dataset, metrics, Month::of(as_of)),
            targets: Vec::new(),
            forecasts: Vec::new(),
            forecasts_unavailable: Vec::new(),
            channel_metrics: metrics
                .by_channel
                .iter()
                .map(|value| ChannelMetricRow::new(dataset, value))
                .collect(),
            notes: Vec::new(),
        }
    }

    /// The notes on `month`'s numbers: the company's first, then the departments', each
    /// value's oldest first (the store's order).
    pub fn notes_of(&self, month: Month) -> Vec<&crate::escalations::store::Note> {
        let month = month.to_string();
        let mut notes: Vec<_> = self
            .notes
            .iter()
            .filter(|note| note.month == month)
            .collect();
        notes.sort_by_key(|note| note.department.is_some());
        notes
    }

    /// "— ana, 2026-11-03": who wrote a note and on which day.
    pub fn note_byline(note: &crate::escalations::store::Note) -> String {
        let day = note.at.get(..10).unwrap_or(&note.at);
        match &note.author {
            Some(author) => format!("{author}, {day}"),
            None => day.to_string(),
        }
    }

    /// The first line of a memo or pack whose escalation statuses could not be read.
    pub fn status_warning(&self) -> Option<String> {
        self.escalation_status_unavailable.as_ref().map(|reason| {
            format!("escalation status unavailable: {reason}; every escalation shows as open")
        })
    }

    /// Input rows rejected across all files.
    pub fn rows_rejected(&self) -> usize {
        self.sources.iter().map(|source| source.rows_rejected).sum()
    }

    /// The rules layers as one line: `shipped defaults + DATA_DIR/coo-dashboard.toml`.
    pub fn rules_line(&self) -> String {
        self.rules.join(" + ")
    }

    /// The JSON report (SPEC §5), pretty-printed straight into `out`: on years of data it is
    /// tens of MB, never held in memory whole.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(out, self).map_err(std::io::Error::from)
    }
}
