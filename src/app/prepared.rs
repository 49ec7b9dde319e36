//! What the views draw from: the dataset and metric table of one load, plus the per-view tables
//! worked out once when the load finishes (series per metric, deliverables per month, the
//! overdue list, the files awaiting a column mapping). Built on the loader thread; each frame
//! only reads it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use crate::analysis::{Analysis, Basis};
use crate::config::ConfigProblem;
use crate::escalations::targets::{GoalProgress, TargetRow};
use crate::escalations::{Escalation, EscalationState, StatusBoard};
use crate::input::headers::{Field, HeaderMap, UserMappings};
use crate::metrics::{Metric, MetricTable};
use crate::model::{Dataset, DepartmentId, Month};

/// One point of a monthly series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    pub month: Month,
    pub value: Option<f64>,
    pub low_confidence: bool,
}

/// Where a deliverable stands as of the reporting date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    OnTime,
    Late {
        days: i64,
    },
    /// Past due and not delivered as of the reporting date.
    Overdue {
        days: i64,
    },
    /// Due after the reporting date.
    NotYetDue,
}

/// A deliverable as the delivery view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryLine {
    pub delivery_id: String,
    pub name: String,
    pub customer: String,
    pub department: Option<DepartmentId>,
    pub due: NaiveDate,
    pub delivered: Option<NaiveDate>,
    pub status: DeliveryStatus,
}

/// Deliverables due in one month, by where they stand as of the reporting date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub not_yet_due: usize,
}

/// How long each stage of a load took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadTimings {
    pub read: Duration,
    pub metrics: Duration,
    pub prepare: Duration,
}

impl LoadTimings {
    pub fn total(&self) -> Duration {
        self.read + self.metrics + self.prepare
    }
}

/// Everything one load of a data folder produced, ready to draw.
#[derive(Debug)]
pub struct Prepared {
    pub data_dir: PathBuf,
    /// The folder's fingerprint when the load started (see [`super::watcher`]).
    pub fingerprint: u64,
    /// Shared with the breakdown thread (see `App`'s drill-down), which reads it off the UI
    /// thread.
    pub dataset: Arc<Dataset>,
    pub metrics: Arc<MetricTable>,
    pub as_of: NaiveDate,
    /// Months with actuals, oldest first; the month picker offers these.
    pub months: Vec<Month>,
    pub departments: Vec<(DepartmentId, String)>,
    /// What the as-of month lacks (SPEC §7), as the report says it.
    pub freshness: crate::metrics::freshness::Freshness,
    /// Every target with its months, status and landing (SPEC §6).
    pub goals: Vec<GoalProgress>,
    /// The forecasts of the KPI series and of every series with a target.
    pub forecasts: Vec<crate::metrics::forecast::Forecast>,
    series: HashMap<(Metric, Option<DepartmentId>), Vec<SeriesPoint>>,
    /// Every deliverable, by due date.
    pub deliveries: Vec<DeliveryLine>,
    /// Indexes into `deliveries` per due month.
    deliveries_by_month: HashMap<Month, Vec<usize>>,
    /// Indexes into `deliveries` of the overdue items, most days late first.
    pub overdue: Vec<usize>,
    delivery_counts: HashMap<(Month, Option<DepartmentId>), DeliveryCounts>,
    /// Indexes into `dataset.sources` of files whose header was not recognised but has columns
    /// a mapping could name.
    pub unrecognised_sources: Vec<usize>,
    /// What each header of an unrecognised file is read as already (alias table and saved
    /// mappings), by source index, in `ignored_columns` order: the mapping editor's start.
    pub mapping_suggestions: HashMap<usize, Vec<Option<Field>>>,
    /// Statuses and bands from the escalation rules.
    pub status: StatusBoard,
    /// Every escalation the rules raise, most severe first, then longest-standing, then newest.
    pub escalations: Vec<Escalation>,
    /// Months in a row (up to and including its own) the same rule fired for the same metric
    /// and department, by escalation id.
    pub escalation_age: HashMap<String, u32>,
    /// The rules layers in force, in order (see `escalations::rules::layer_names`).
    pub rules_layers: Vec<String>,
    /// Problems in the rules files, each naming its file and line.
    pub rule_problems: Vec<ConfigProblem>,
    /// The workflow states recorded when the load ran (the app keeps them current after).
    pub recorded_states: HashMap<String, EscalationState>,
    /// Why the state database could not be read, if it could not.
    pub state_error: Option<String>,
    /// The notes on the numbers (SPEC §7) that stand; the app keeps them current after adding
    /// or removing one.
    pub notes: Vec<crate::escalations::store::Note>,
    /// `[people]` as saved: person key → department (the Data view's people editor).
    pub people_settings: HashMap<u64, String>,
    pub timings: LoadTimings,
}

/// Metrics whose months say "there is data for this month" (the customer list reaches back to
/// the first contract, years before any other export, so its months do not count).
const DATED_BY: [Metric; 6] = [
    Metric::Revenue,
    Metric::Utilization,
    Metric::DeliverablesDue,
    Metric::Nps,
    Metric::Csat,
    Metric::ChurnRate,
];

impl Prepared {
    /// The views' tables of one analysis; the analysis' own values are kept as they are.
    pub fn build(analysis: Analysis, fingerprint: u64) -> Prepared {
        let Analysis {
            data_dir,
            dataset,
            as_of,
            metrics,
            rule_problems,
            rules_layers,
            mappings,
            staffing,
            freshness,
            goals,
            forecasts,
            raised,
            departments,
            standings,
            states,
            state_error,
            notes,
            timings,
            ..
        } = analysis;
        let last = Month::of(as_of);
        let mut series: HashMap<(Metric, Option<DepartmentId>), Vec<SeriesPoint>> = HashMap::new();
        for value in metrics.values() {
            series
                .entry((value.metric, value.department))
                .or_default()
                .push(SeriesPoint {
                    month: value.month,
                    value: value.value,
                    low_confidence: value.low_confidence,
                });
        }
        for points in series.values_mut() {
            points.sort_by_key(|point| point.month);
        }

        let mut months: BTreeSet<Month> = metrics
            .values()
            .iter()
            .filter(|value| {
                DATED_BY[..5].contains(&value.metric)
                    && value.value.is_some()
                    && value.month <= last
            })
            .map(|value| value.month)
            .collect();
        if months.is_empty() {
            months = metrics
                .values()
                .iter()
                .filter(|value| DATED_BY.contains(&value.metric))
                .map(|value| value.month)
                .collect();
        }
        if months.is_empty() {
            months.insert(last);
        }
        // Fill gaps so charts and the picker have every calendar month between the ends.
        let months: Vec<Month> = match (months.first(), months.last()) {
            (Some(&first), Some(&end)) => Month::range(first, end).collect(),
            _ => vec![last],
        };

        let mut deliveries: Vec<DeliveryLine> = dataset
            .deliveries
            .iter()
            .map(|row| {
                let delivered = row.delivered_date.filter(|date| *date <= as_of);
                let status = match delivered {
                    Some(date) if date <= row.due_date => DeliveryStatus::OnTime,
                    _ if row.due_date > as_of => DeliveryStatus::NotYetDue,
                    Some(date) => DeliveryStatus::Late {
                        days: (date - row.due_date).num_days(),
                    },
                    None => DeliveryStatus::Overdue {
                        days: (as_of - row.due_date).num_days(),
                    },
                };
                DeliveryLine {
                    delivery_id: row.id.clone(),
                    name: row.name.clone().unwrap_or_default(),
                    customer: row.customer.clone().unwrap_or_default(),
                    department: row.department,
                    due: row.due_date,
                    delivered: row.delivered_date,
                    status,
                }
            })
            .collect();
        deliveries.sort_by(|a, b| (a.due, &a.delivery_id).cmp(&(b.due, &b.delivery_id)));
        let mut deliveries_by_month: HashMap<Month, Vec<usize>> = HashMap::new();
        for (index, line) in deliveries.iter().enumerate() {
            deliveries_by_month
                .entry(Month::of(line.due))
                .or_default()
                .push(index);
        }
        let mut overdue: Vec<usize> = deliveries
            .iter()
            .enumerate()
            .filter(|(_, line)| matches!(line.status, DeliveryStatus::Overdue { days } if days > 0))
            .map(|(index, _)| index)
            .collect();
        overdue.sort_by_key(|&index| match deliveries[index].status {
            DeliveryStatus::Overdue { days } => std::cmp::Reverse(days),
            _ => std::cmp::Reverse(0),
        });

        let mut delivery_counts: HashMap<(Month, Option<DepartmentId>), DeliveryCounts> =
            HashMap::new();
        for line in &deliveries {
            let month = Month::of(line.due);
            let departments = std::iter::once(None).chain(line.department.map(Some));
            for key in departments.map(|department| (month, department)) {
                let counts = delivery_counts.entry(key).or_default();
                match line.status {
                    DeliveryStatus::OnTime => counts.on_time += 1,
                    DeliveryStatus::Late { .. } => counts.late += 1,
                    DeliveryStatus::Overdue { .. } => counts.overdue += 1,
                    DeliveryStatus::NotYetDue => counts.not_yet_due += 1,
                }
            }
        }

        let unrecognised_sources = dataset
            .sources
            .iter()
            .enumerate()
            .filter(|(_, source)| source.kind.is_none() && !source.ignored_columns.is_empty())
            .map(|(index, _)| index)
            .collect();

        let mut prepared = Prepared {
            data_dir,
            fingerprint,
            freshness,
            goals,
            forecasts,
            dataset: Arc::new(dataset),
            metrics: Arc::new(metrics),
            as_of,
            months,
            departments,
            series,
            deliveries,
            deliveries_by_month,
            overdue,
            delivery_counts,
            unrecognised_sources,
            mapping_suggestions: HashMap::new(),
            status: standings,
            escalations: Vec::new(),
            escalation_age: HashMap::new(),
            rules_layers,
            rule_problems,
            recorded_states: states,
            state_error,
            notes,
            people_settings: staffing.people,
            timings: LoadTimings {
                read: timings.read,
                metrics: timings.metrics,
                prepare: timings.escalations,
            },
        };
        prepared.attach_mapping_suggestions(&mappings);
        prepared.attach_escalations(raised);
        prepared
    }

    /// What the exports of this load are built from (see [`crate::analysis::Basis`]).
    pub fn basis(&self) -> Basis<'_> {
        Basis {
            data_dir: &self.data_dir,
            dataset: &self.dataset,
            metrics: &self.metrics,
            as_of: self.as_of,
            rules_layers: &self.rules_layers,
            raised: &self.escalations,
            goals: &self.goals,
            forecasts: &self.forecasts,
            standings: &self.status,
            state_error: self.state_error.as_deref(),
            notes: &self.notes,
        }
    }

    /// Works out what the headers of each unrecognised file already read as.
    fn attach_mapping_suggestions(&mut self, user: &UserMappings) {
        for &index in &self.unrecognised_sources {
            if let Some(source) = self.dataset.sources.get(index) {
                let header = HeaderMap::new(&source.ignored_columns, user);
                self.mapping_suggestions.insert(index, header.fields);
            }
        }
    }

    /// Adds the escalations, ordered by severity and then by their ages.
    fn attach_escalations(&mut self, mut escalations: Vec<Escalation>) {
        let mut fired: HashMap<
            (Metric, Option<DepartmentId>, crate::escalations::RuleKind),
            BTreeSet<Month>,
        > = HashMap::new();
        for escalation in &escalations {
            fired
                .entry((escalation.metric, escalation.department_id, escalation.rule))
                .or_default()
                .insert(escalation.month);
        }
        for escalation in &escalations {
            let months = fired.get(&(escalation.metric, escalation.department_id, escalation.rule));
            let mut age = 0u32;
            let mut month = escalation.month;
            while months.is_some_and(|months| months.contains(&month)) && age < 1000 {
                age += 1;
                month = month.prev();
            }
            self.escalation_age
                .insert(escalation.escalation_id.clone(), age);
        }
        let age = |escalation: &Escalation| {
            self.escalation_age
                .get(&escalation.escalation_id)
                .copied()
                .unwrap_or(0)
        };
        escalations.sort_by(|a, b| {
            (
                std::cmp::Reverse(a.severity),
                std::cmp::Reverse(age(a)),
                std::cmp::Reverse(a.month),
                &a.escalation_id,
            )
                .cmp(&(
                    std::cmp::Reverse(b.severity),
                    std::cmp::Reverse(age(b)),
                    std::cmp::Reverse(b.month),
                    &b.escalation_id,
                ))
        });
        self.escalations = escalations;
    }

    /// The latest month with actuals: what the month picker starts on.
    pub fn latest_month(&self) -> Month {
        self.months
            .last()
            .copied()
            .unwrap_or_else(|| Month::of(self.as_of))
    }

    pub fn series(&self, metric: Metric, department: Option<DepartmentId>) -> &[SeriesPoint] {
        self.series
            .get(&(metric, department))
            .map_or(&[], Vec::as_slice)
    }

    /// The forecast of a series (from the month after the as-of month), empty when it has none.
    pub fn forecast(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
    ) -> &[crate::metrics::forecast::ForecastPoint] {
        self.forecasts
            .iter()
            .find(|forecast| forecast.metric == metric && forecast.department == department)
            .map_or(&[], |forecast| forecast.points())
    }

    /// The goals of one series that have a row for `month`, with that row: the worst status
    /// first, then the longer period (a year before its quarter).
    pub fn goals_at(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> Vec<(&GoalProgress, &TargetRow)> {
        let mut found: Vec<(&GoalProgress, &TargetRow)> = self
            .goals
            .iter()
            .filter(|goal| goal.goal.metric == metric && goal.goal.department_id == department)
            .filter_map(|goal| {
                goal.rows
                    .iter()
                    .find(|row| row.month == month)
                    .map(|row| (goal, row))
            })
            .collect();
        found.sort_by_key(|(goal, row)| {
            (
                std::cmp::Reverse(row.status),
                std::cmp::Reverse(goal.last.months_since(goal.first)),
            )
        });
        found
    }

    /// What a trend chart of a series draws beyond its actuals: the target of `month` (ratios;
    /// an additive goal's target is a period total, not a level of the monthly line) and, when
    /// `month` is the as-of month, the forecast.
    pub fn outlook(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> crate::app::charts::Outlook {
        let target = if crate::escalations::targets::is_additive(metric) {
            None
        } else {
            self.goals_at(metric, department, month)
                .first()
                .map(|(_, row)| row.target)
        };
        let forecast = if month == Month::of(self.as_of) {
            self.forecast(metric, department).to_vec()
        } else {
            Vec::new()
        };
        let noted = self
            .notes
            .iter()
            .filter(|note| note.metric == metric.name())
            .filter_map(|note| note.month.parse::<Month>().ok())
            .filter(|&month| self.notes_on(metric, department, month).next().is_some())
            .collect();
        crate::app::charts::Outlook {
            target,
            forecast,
            noted,
        }
    }

    /// The notes that stand on `metric` × `month` × `department` (`None`: the company).
    pub fn notes_on(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> impl Iterator<Item = &crate::escalations::store::Note> {
        let name = department.map(|id| self.dataset.departments.name(id));
        self.notes
            .iter()
            .filter(move |note| note.is_on(metric, month, name))
    }

    /// The series restricted to the `count` months ending with `last`.
    pub fn series_window(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        last: Month,
        count: i32,
    ) -> &[SeriesPoint] {
        let points = self.series(metric, department);
        let first = last.offset(1 - count);
        let start = points.partition_point(|point| point.month < first);
        let end = points.partition_point(|point| point.month <= last);
        points.get(start..end).unwrap_or(&[])
    }

    /// Deliverables due in `month`, by due date.
    pub fn deliveries_due(&self, month: Month) -> impl Iterator<Item = &DeliveryLine> {
        self.deliveries_by_month
            .get(&month)
            .into_iter()
            .flatten()
            .filter_map(|&index| self.deliveries.get(index))
    }

    /// Deliverables due in `month` for the company (`None`) or one department.
    pub fn delivery_counts(
        &self,
        month: Month,
        department: Option<DepartmentId>,
    ) -> DeliveryCounts {
        self.delivery_counts
            .get(&(month, department))
            .copied()
            .unwrap_or_default()
    }

    pub fn department_name(&self, department: Option<DepartmentId>) -> &str {
        match department {
            Some(id) => self.dataset.departments.name(id),
            None => "Company",
        }
    }
}
