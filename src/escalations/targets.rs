//! Targets (SPEC §6): the company's and the departments' goals per metric and period, with an
//! owner, and how each month stands against them.
//!
//! ```toml
//! [targets.ebitda_margin]            # company; every month unless a period overrides
//! value = 0.12
//! owner = "CFO"
//! tolerance = 0.05                   # "behind" within 5% of the target (the default)
//! [targets.ebitda_margin.departments.Consulting]
//! value = 0.15
//! owner = "Head of Consulting"
//! [targets.revenue]                  # additive metrics take totals per period
//! "2026" = 24_000_000
//! "2026-Q4" = 6_500_000
//! ```
//!
//! Choices where the spec is silent, written down in the README too:
//! - **Fiscal years are named by the calendar year they start in**: with `fiscal_year_start = 4`,
//!   `"2026"` is April 2026 – March 2027 and `"2026-Q1"` April – June 2026. A month (`"2026-10"`)
//!   is always the calendar month. Every screen names the months a period covers.
//! - **A ratio** (margins, rates, NPS, …) has one target per month: the most specific period
//!   that holds the month (month, then quarter, then year, then `value`).
//! - **An additive metric** (amounts, deliverables due, answer counts) has a total per period;
//!   every period written is its own goal, and `value` is a total for each month. Its rows carry
//!   the period to date: `actual_to_date` (Σ of the period's months so far), `target_to_date`
//!   (the target × months so far ÷ months in the period) and `pace` (actual ÷ target to date;
//!   1.0 is on plan). Status and gap are then of the period to date.
//! - **Status**: `met` when the gap (actual − target, signed so that positive is good) is ≥ 0;
//!   `behind` when it is short by no more than `tolerance` × |target| (a fraction, default 0.05);
//!   `missed` beyond that. Department sections take the metric's `tolerance` and `direction`
//!   when they set none; owners are never inherited.
//! - Metrics with no better direction (utilization, deliverables due, …) need
//!   `direction = "higher"` or `"lower"` in their section; without it the target is refused with
//!   a problem, never guessed.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;
use toml::de::{DeTable, DeValue};

use crate::metrics::{Metric, MetricTable, Unit};
use crate::model::{DepartmentId, Departments, Month};

use super::evaluate::subject;
use super::rules::{Key, Layer, Value, department_key, number};
use super::{Escalation, RuleKind, Severity, closest_match, escalation_id};
use crate::format;

/// The share of the target within which a shortfall is "behind" rather than "missed".
pub const DEFAULT_TOLERANCE: f64 = 0.05;

/// A period as written in a targets section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// A calendar month, `2026-10`.
    Month(Month),
    /// A fiscal quarter, `2026-Q4`.
    Quarter { year: i32, quarter: u8 },
    /// A fiscal year, `2026`.
    Year(i32),
}

impl Period {
    /// `YYYY`, `YYYY-Qn` or `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        if let Some((year, quarter)) = text.split_once(['-', ' ']) {
            let year: i32 = year.parse().ok().filter(|y| (1900..=9999).contains(y))?;
            if let Some(quarter) = quarter
                .strip_prefix('Q')
                .or_else(|| quarter.strip_prefix('q'))
            {
                let quarter: u8 = quarter.parse().ok().filter(|q| (1..=4).contains(q))?;
                return Some(Period::Quarter { year, quarter });
            }
            if quarter.len() != 2 {
                return None;
            }
            let month: u32 = quarter.parse().ok()?;
            return Month::new(year, month).map(Period::Month);
        }
        if text.len() != 4 {
            return None;
        }
        text.parse()
            .ok()
            .filter(|y| (1900..=9999).contains(y))
            .map(Period::Year)
    }

    /// The first and last month of the period, with the fiscal year starting in `fiscal_start`
    /// (1 = January).
    pub fn months(self, fiscal_start: u32) -> (Month, Month) {
        let year_start = |year: i32| {
            Month::new(year, fiscal_start.clamp(1, 12))
                .unwrap_or_else(|| Month::new(year, 1).expect("January exists"))
        };
        match self {
            Period::Month(month) => (month, month),
            Period::Quarter { year, quarter } => {
                let first = year_start(year).offset(3 * (i32::from(quarter) - 1));
                (first, first.offset(2))
            }
            Period::Year(year) => {
                let first = year_start(year);
                (first, first.offset(11))
            }
        }
    }

    /// How specific the period is: a month beats a quarter beats a year.
    fn rank(self) -> u8 {
        match self {
            Period::Month(_) => 0,
            Period::Quarter { .. } => 1,
            Period::Year(_) => 2,
        }
    }

    /// The fiscal year holding `month`.
    pub fn fiscal_year_of(month: Month, fiscal_start: u32) -> Period {
        let start = fiscal_start.clamp(1, 12);
        let year = if month.month() >= start {
            month.year()
        } else {
            month.year() - 1
        };
        Period::Year(year)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month(month) => write!(f, "{month}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Year(year) => write!(f, "{year}"),
        }
    }
}

/// One targets section: the company's or one department's, for one metric.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetSet {
    /// `value`: the target of every month no period overrides.
    pub value: Option<f64>,
    pub periods: BTreeMap<Period, f64>,
    pub owner: Option<String>,
    /// A fraction of the target (0.05 = 5%).
    pub tolerance: Option<f64>,
    /// `direction`: whether higher is better, where the section says.
    pub higher_is_better: Option<bool>,
    /// Where the section was last written (file, line), for problems.
    pub file: std::path::PathBuf,
    pub line: usize,
}

impl TargetSet {
    fn is_empty(&self) -> bool {
        self.value.is_none() && self.periods.is_empty()
    }
}

/// The targets of one metric.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricTargets {
    pub company: TargetSet,
    /// Keyed by the department name trimmed, spaces collapsed, lower-cased; the name as written.
    pub departments: BTreeMap<String, (String, TargetSet)>,
}

/// Every target in force after layering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    pub metrics: BTreeMap<Metric, MetricTargets>,
}

/// Whether a metric's targets are period totals (amounts and counts that add up over months).
pub fn is_additive(metric: Metric) -> bool {
    metric.unit() == Unit::Money
        || matches!(
            metric,
            Metric::DeliverablesDue | Metric::NpsResponses | Metric::CsatResponses
        )
}

/// How a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Met,
    Behind,
    Missed,
}

impl TargetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::Behind => "behind",
            TargetStatus::Missed => "missed",
        }
    }

    /// `met` / `behind` / `missed` for a signed gap (positive is good).
    pub fn of(gap: f64, target: f64, tolerance: f64) -> TargetStatus {
        let allowed = tolerance * target.abs();
        // Floating-point noise never turns an exact hit into a miss.
        let noise = 1e-9 * target.abs().max(1.0);
        if gap >= -noise {
            TargetStatus::Met
        } else if -gap <= allowed + noise {
            TargetStatus::Behind
        } else {
            TargetStatus::Missed
        }
    }
}

/// One goal: a target of one metric for the company or a department over one period (or every
/// month, `period: None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub metric: Metric,
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    pub period: Option<Period>,
    pub value: f64,
    pub owner: Option<String>,
    pub tolerance: f64,
    pub higher_is_better: bool,
}

impl Goal {
    /// "2026-Q4", "every month".
    pub fn period_label(&self) -> String {
        self.period
            .map_or_else(|| "every month".to_string(), |period| period.to_string())
    }

    /// The gap signed so that positive is good.
    pub fn signed_gap(&self, actual: f64, target: f64) -> f64 {
        if self.higher_is_better {
            actual - target
        } else {
            target - actual
        }
    }
}

/// One target × month (SPEC §6), as the report's `targets` holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetRow {
    pub metric: Metric,
    pub department: Option<String>,
    /// `2026`, `2026-Q4`, `2026-10` or `every month`.
    pub period: String,
    pub owner: Option<String>,
    pub month: Month,
    /// The month's value.
    pub actual: Option<f64>,
    /// The target of the month (a ratio) or of the whole period (an additive metric).
    pub target: f64,
    /// Signed so that positive is good: of the month (a ratio), of the period to date (additive).
    pub gap: Option<f64>,
    pub status: Option<TargetStatus>,
    /// The shortfall still called `behind`, in the metric's unit.
    pub tolerance: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_to_date: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_to_date: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pace: Option<f64>,
    /// On the goal's latest row while its period runs on: the forecast landing with its 80%
    /// interval (the period total for additive goals, the last month's value for ratios).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landing: Option<Landing>,
}

/// Where a goal stands at the as-of month: its latest row, and where it will land.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalProgress {
    pub goal: Goal,
    /// The months the goal is judged on: the period's, or (every month) the fiscal year's
    /// holding the month after the as-of month.
    pub first: Month,
    pub last: Month,
    /// One row per month of the goal with data, oldest first.
    pub rows: Vec<TargetRow>,
    /// The forecast landing (period total for additive goals, last month's value for ratios)
    /// with its 80% interval; `None` when the period is over or there is no forecast.
    pub landing: Option<Landing>,
    /// Why there is no landing, when there is none and the period is not over.
    pub no_landing: Option<String>,
}

/// A period's expected end: the point and the 80% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Landing {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl GoalProgress {
    /// The latest row: where the goal stands now.
    pub fn latest(&self) -> Option<&TargetRow> {
        self.rows.last()
    }

    /// Whether the period ends after `month`.
    pub fn is_open_at(&self, month: Month) -> bool {
        self.last > month
    }

    /// How the landing compares with the target: `Some(Missed)` when even the favourable end
    /// of the interval misses, `Some(Behind)` when the point misses, `Some(Met)` otherwise.
    pub fn landing_status(&self) -> Option<TargetStatus> {
        let landing = self.landing?;
        let target = self.goal.value;
        let favourable = if self.goal.higher_is_better {
            landing.high
        } else {
            landing.low
        };
        let noise = 1e-9 * target.abs().max(1.0);
        Some(if self.goal.signed_gap(favourable, target) < -noise {
            TargetStatus::Missed
        } else if self.goal.signed_gap(landing.value, target) < -noise {
            TargetStatus::Behind
        } else {
            TargetStatus::Met
        })
    }
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty()
    }

    /// Every goal, for the departments the data has (a department section naming one it does
    /// not have is reported by [`super::Rules::unknown_departments`]).
    pub fn goals(&self, departments: &Departments) -> Vec<Goal> {
        let mut goals = Vec::new();
        for (&metric, targets) in &self.metrics {
            let metric_direction = targets
                .company
                .higher_is_better
                .or(metric.higher_is_better());
            let company_tolerance = targets.company.tolerance;
            let mut push = |set: &TargetSet, department: Option<(DepartmentId, String)>| {
                let Some(higher_is_better) = set.higher_is_better.or(metric_direction) else {
                    return;
                };
                let tolerance = set
                    .tolerance
                    .or(company_tolerance)
                    .unwrap_or(DEFAULT_TOLERANCE);
                let (department_id, department) = match department {
                    Some((id, name)) => (Some(id), Some(name)),
                    None => (None, None),
                };
                let goal = |period: Option<Period>, value: f64| Goal {
                    metric,
                    department_id,
                    department: department.clone(),
                    period,
                    value,
                    owner: set.owner.clone(),
                    tolerance,
                    higher_is_better,
                };
                if let Some(value) = set.value {
                    goals.push(goal(None, value));
                }
                for (&period, &value) in &set.periods {
                    goals.push(goal(Some(period), value));
                }
            };
            push(&targets.company, None);
            for (written, set) in targets.departments.values() {
                if let Some(id) = departments.find(written) {
                    push(set, Some((id, departments.name(id).to_string())));
                }
            }
        }
        goals
    }

    /// Every department section: (metric, name as written, file, line).
    pub fn departments_named(
        &self,
    ) -> impl Iterator<Item = (Metric, &str, &std::path::Path, usize)> + '_ {
        self.metrics.iter().flat_map(|(&metric, targets)| {
            targets
                .departments
                .values()
                .map(move |(name, set)| (metric, name.as_str(), set.file.as_path(), set.line))
        })
    }
}

/// Where every goal stands at `as_of`, from the metric table; `landing` gives the forecast
/// landing of a goal (see [`landing`]).
pub fn progress(
    goals: &[Goal],
    metrics: &MetricTable,
    as_of: Month,
    fiscal_start: u32,
    mut landing: impl FnMut(&Goal, &[TargetRow], Month) -> Result<Option<Landing>, String>,
) -> Vec<GoalProgress> {
    let mut progress = Vec::with_capacity(goals.len());
    for goal in goals {
        let (first, last) = match goal.period {
            Some(period) => period.months(fiscal_start),
            None => Period::fiscal_year_of(as_of.next(), fiscal_start).months(fiscal_start),
        };
        let mut rows = if is_additive(goal.metric) {
            additive_rows(goal, metrics, as_of, fiscal_start)
        } else {
            ratio_rows(goal, goals, metrics, as_of, fiscal_start)
        };
        let (landing, no_landing) = if last > as_of {
            match landing(goal, &rows, last) {
                Ok(landing) => (landing, None),
                Err(reason) => (None, Some(reason)),
            }
        } else {
            (None, None)
        };
        if let Some(row) = rows.last_mut() {
            row.landing = landing;
        }
        progress.push(GoalProgress {
            goal: goal.clone(),
            first,
            last,
            rows,
            landing,
            no_landing,
        });
    }
    progress
}

/// A ratio goal's rows: every month up to `as_of` whose most specific target is this goal.
fn ratio_rows(
    goal: &Goal,
    goals: &[Goal],
    metrics: &MetricTable,
    as_of: Month,
    fiscal_start: u32,
) -> Vec<TargetRow> {
    let siblings: Vec<&Goal> = goals
        .iter()
        .filter(|other| other.metric == goal.metric && other.department_id == goal.department_id)
        .collect();
    // The most specific goal for a month: a period holding it, else `value`.
    let governs = |month: Month| {
        siblings
            .iter()
            .filter(|other| match other.period {
                Some(period) => {
                    let (first, last) = period.months(fiscal_start);
                    first <= month && month <= last
                }
                None => true,
            })
            .min_by_key(|other| other.period.map_or(3, Period::rank))
            .is_some_and(|best| std::ptr::eq(*best, goal))
    };
    metrics
        .series(goal.metric, goal.department_id)
        .into_iter()
        .filter(|&(month, _)| month <= as_of && governs(month))
        .map(|(month, actual)| {
            let gap = actual.map(|actual| goal.signed_gap(actual, goal.value));
            TargetRow {
                metric: goal.metric,
                department: goal.department.clone(),
                period: goal.period_label(),
                owner: goal.owner.clone(),
                month,
                actual,
                target: goal.value,
                gap,
                status: gap.map(|gap| TargetStatus::of(gap, goal.value, goal.tolerance)),
                tolerance: goal.tolerance * goal.value.abs(),
                actual_to_date: None,
                target_to_date: None,
                pace: None,
                landing: None,
            }
        })
        .collect()
}

/// An additive goal's rows: each month of the period up to `as_of` with the period to date;
/// `value` (no period) is a total for each month.
fn additive_rows(
    goal: &Goal,
    metrics: &MetricTable,
    as_of: Month,
    fiscal_start: u32,
) -> Vec<TargetRow> {
    let series = metrics.series(goal.metric, goal.department_id);
    let mut rows = Vec::new();
    let mut to_date = 0.0;
    let mut any = false;
    for (month, actual) in series {
        if month > as_of {
            break;
        }
        let (first, last) = match goal.period {
            Some(period) => period.months(fiscal_start),
            None => (month, month),
        };
        if month < first || month > last {
            continue;
        }
        if goal.period.is_none() {
            to_date = 0.0;
            any = false;
        }
        if let Some(actual) = actual {
            to_date += actual;
            any = true;
        }
        let months_in = f64::from(last.months_since(first) + 1);
        let months_so_far = f64::from(month.months_since(first) + 1);
        let target_to_date = goal.value * months_so_far / months_in;
        let actual_to_date = any.then_some(to_date);
        let gap = actual_to_date.map(|done| goal.signed_gap(done, target_to_date));
        rows.push(TargetRow {
            metric: goal.metric,
            department: goal.department.clone(),
            period: goal.period_label(),
            owner: goal.owner.clone(),
            month,
            actual,
            target: goal.value,
            gap,
            status: gap.map(|gap| TargetStatus::of(gap, target_to_date, goal.tolerance)),
            tolerance: goal.tolerance * target_to_date.abs(),
            actual_to_date,
            target_to_date: Some(target_to_date),
            pace: actual_to_date
                .and_then(|done| (target_to_date != 0.0).then_some(done / target_to_date)),
            landing: None,
        });
    }
    rows
}

/// A goal's landing from its series' forecast: additive goals add the forecast of the
/// period's remaining months to the actual to date (the interval adds the months' bounds: a
/// smoothing model's errors move together from month to month, so this errs on the wide side);
/// a ratio lands at the forecast of the period's last month. `forecast` is the series' forecast
/// from the month after `as_of` on: (month, point, low, high).
pub fn landing(
    goal: &Goal,
    rows: &[TargetRow],
    as_of: Month,
    last: Month,
    forecast: &[(Month, f64, f64, f64)],
) -> Option<Landing> {
    if is_additive(goal.metric) {
        let done = match goal.period {
            Some(_) => rows
                .last()
                .and_then(|row| row.actual_to_date)
                .unwrap_or(0.0),
            // A monthly total: the month after the as-of month lands on its forecast alone.
            None => 0.0,
        };
        let remaining: Vec<_> = forecast
            .iter()
            .filter(|(month, ..)| *month > as_of && *month <= last)
            .collect();
        if remaining.len() as i32 != last.months_since(as_of) {
            return None;
        }
        let (value, low, high) = remaining.iter().fold((done, done, done), |sum, point| {
            (sum.0 + point.1, sum.1 + point.2, sum.2 + point.3)
        });
        Some(Landing { value, low, high })
    } else {
        forecast
            .iter()
            .find(|(month, ..)| *month == last)
            .map(|&(_, value, low, high)| Landing { value, low, high })
    }
}

/// `[calendar]`: the month the fiscal year starts (1–12).
pub(super) fn read_calendar(
    layer: &mut Layer<'_>,
    fiscal_start: &mut u32,
    key: &Key<'_>,
    value: &Value<'_>,
) {
    let Some(entries) = layer.table(key, value, "calendar") else {
        return;
    };
    for (entry_key, entry_value) in entries.iter() {
        match entry_key.get_ref().as_ref() {
            "fiscal_year_start" => match number(entry_value.get_ref()) {
                Some(month) if month.fract() == 0.0 && (1.0..=12.0).contains(&month) => {
                    *fiscal_start = month as u32;
                }
                _ => layer.problem(
                    entry_key.span(),
                    "calendar.fiscal_year_start",
                    "must be the number of the month the fiscal year starts in, 1 (January) to 12; the earlier setting stays".to_string(),
                ),
            },
            other => layer.unknown_key(entry_key, "calendar", other, &["fiscal_year_start"]),
        }
    }
}

/// `[targets.METRIC]` sections on top of the targets so far.
pub(super) fn read_targets(
    layer: &mut Layer<'_>,
    targets: &mut Targets,
    key: &Key<'_>,
    value: &Value<'_>,
) {
    let Some(sections) = layer.table(key, value, "targets") else {
        return;
    };
    for (name, section) in sections.iter() {
        let metric_name = name.get_ref().as_ref();
        let path = format!("targets.{metric_name}");
        let Some(metric) = Metric::from_name(metric_name) else {
            let hint = match closest_match(metric_name, Metric::ALL.iter().map(|m| m.name())) {
                Some(index) => format!("did you mean '{}'?", Metric::ALL[index].name()),
                None => "use a metric name from the report, e.g. revenue, ebitda_margin, nps"
                    .to_string(),
            };
            layer.problem(
                name.span(),
                &path,
                format!("'{metric_name}' is not a metric, so this target is ignored; {hint}"),
            );
            continue;
        };
        let Some(entries) = layer.table(name, section, &path) else {
            continue;
        };
        let metric_targets = targets.metrics.entry(metric).or_default();
        let line = layer.lines.line(name.span().start);
        read_set(
            layer,
            metric,
            &path,
            entries,
            &mut metric_targets.company,
            line,
            true,
            |layer, entry_key, entry_value| {
                read_department_sets(
                    layer,
                    metric,
                    &path,
                    entry_key,
                    entry_value,
                    &mut metric_targets.departments,
                );
            },
        );
        let no_direction = metric.higher_is_better().is_none();
        let company_direction = metric_targets.company.higher_is_better;
        if no_direction {
            let needs = |set: &TargetSet| {
                !set.is_empty() && set.higher_is_better.or(company_direction).is_none()
            };
            if needs(&metric_targets.company)
                || metric_targets
                    .departments
                    .values()
                    .any(|(_, set)| needs(set))
            {
                layer.problem(
                    name.span(),
                    &path,
                    format!("{} is neither better higher nor lower, so its target cannot be judged; add direction = \"higher\" or direction = \"lower\" to [{path}] (the target is ignored until then)", metric.label()),
                );
            }
        }
        if metric_targets.company.is_empty() && metric_targets.departments.is_empty() {
            targets.metrics.remove(&metric);
        }
    }
}

fn read_department_sets(
    layer: &mut Layer<'_>,
    metric: Metric,
    metric_path: &str,
    key: &Key<'_>,
    value: &Value<'_>,
    departments: &mut BTreeMap<String, (String, TargetSet)>,
) {
    let path = format!("{metric_path}.departments");
    let Some(sections) = layer.table(key, value, &path) else {
        return;
    };
    for (name, section) in sections.iter() {
        let written = name.get_ref().as_ref();
        let department_path = format!("{path}.\"{written}\"");
        if department_key(written).is_empty() {
            layer.problem(
                name.span(),
                &department_path,
                "a department name cannot be blank".to_string(),
            );
            continue;
        }
        let Some(entries) = layer.table(name, section, &department_path) else {
            continue;
        };
        let line = layer.lines.line(name.span().start);
        let (_, set) = departments
            .entry(department_key(written))
            .or_insert_with(|| {
                (
                    written.split_whitespace().collect::<Vec<_>>().join(" "),
                    TargetSet::default(),
                )
            });
        read_set(
            layer,
            metric,
            &department_path,
            entries,
            set,
            line,
            false,
            |layer, entry_key, _| {
                layer.problem(
                    entry_key.span(),
                    &format!("{department_path}.departments"),
                    "a department's targets cannot have departments of their own; ignored"
                        .to_string(),
                );
            },
        );
    }
}

/// The keys of one targets section: `value`, periods, `owner`, `tolerance`, `direction`, and
/// (company sections) `departments`, handed to `departments`.
#[allow(clippy::too_many_arguments)]
fn read_set(
    layer: &mut Layer<'_>,
    metric: Metric,
    path: &str,
    entries: &DeTable<'_>,
    set: &mut TargetSet,
    line: usize,
    company: bool,
    mut departments: impl FnMut(&mut Layer<'_>, &Key<'_>, &Value<'_>),
) {
    set.line = line;
    set.file = layer.file.to_path_buf();
    for (entry_key, entry_value) in entries.iter() {
        let entry_name = entry_key.get_ref().as_ref();
        let key_path = format!("{path}.{entry_name}");
        match entry_name {
            "departments" if company => departments(layer, entry_key, entry_value),
            "owner" => match entry_value.get_ref() {
                DeValue::String(owner) if !owner.trim().is_empty() => {
                    set.owner = Some(owner.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                _ => layer.problem(entry_key.span(), &key_path, "must be the owner's name or role as text, e.g. owner = \"Head of Consulting\"; the earlier setting stays".to_string()),
            },
            "tolerance" => match number(entry_value.get_ref()) {
                Some(tolerance) if (0.0..=1.0).contains(&tolerance) => set.tolerance = Some(tolerance),
                _ => layer.problem(entry_key.span(), &key_path, "must be a share of the target from 0 to 1 (0.05 = within 5% of the target is \"behind\", not \"missed\"); the earlier setting stays".to_string()),
            },
            "direction" => match entry_value.get_ref() {
                DeValue::String(direction) if direction.trim().eq_ignore_ascii_case("higher") => set.higher_is_better = Some(true),
                DeValue::String(direction) if direction.trim().eq_ignore_ascii_case("lower") => set.higher_is_better = Some(false),
                _ => layer.problem(entry_key.span(), &key_path, "must be \"higher\" or \"lower\" (which way is better); the earlier setting stays".to_string()),
            },
            "value" => {
                if let Some(target) = target_value(layer, metric, &key_path, entry_key, entry_value) {
                    set.value = target;
                }
            }
            written => {
                let Some(period) = Period::parse(written) else {
                    let known = ["value", "owner", "tolerance", "direction", "departments"];
                    let hint = match closest_match(written, known.iter().copied()) {
                        Some(index) => format!("did you mean '{}'?", known[index]),
                        None => "the keys are value, owner, tolerance, direction, departments and periods written \"2026\", \"2026-Q4\" or \"2026-10\"".to_string(),
                    };
                    layer.problem(entry_key.span(), &key_path, format!("unknown key '{written}', ignored; {hint}"));
                    continue;
                };
                if let Some(target) = target_value(layer, metric, &key_path, entry_key, entry_value) {
                    match target {
                        Some(target) => set.periods.insert(period, target),
                        None => set.periods.remove(&period),
                    };
                }
            }
        }
    }
}

/// A target: `Some(Some(value))` for a number, `Some(None)` for `false` (removed), `None` (with
/// a problem) for anything else.
fn target_value(
    layer: &mut Layer<'_>,
    metric: Metric,
    path: &str,
    key: &Key<'_>,
    value: &Value<'_>,
) -> Option<Option<f64>> {
    if let DeValue::Boolean(false) = value.get_ref() {
        return Some(None);
    }
    let Some(target) = number(value.get_ref()) else {
        layer.problem(
            key.span(),
            path,
            "must be a number (or false to remove the target); the earlier setting stays"
                .to_string(),
        );
        return None;
    };
    if metric.unit() == Unit::Rate && target.abs() > 1.5 {
        layer.problem(
            key.span(),
            path,
            format!("{} is a rate written as a fraction (0.15 = 15%), so {target} means {}%; did you mean {}? The earlier setting stays", metric.name(), target * 100.0, target / 100.0),
        );
        return None;
    }
    Some(Some(target))
}

/// Rule `forecast` (SPEC §6), for the as-of month: per metric series, the open target period
/// whose landing misses worst: `warning` when even the favourable end of the 80% interval
/// misses, `watch` when the point does. The escalation's value is the landing, its threshold
/// the target, its owner the target's; money at stake is the landing's gap for amounts (the
/// rest is left to [`super::money`]).
pub fn forecast_escalations(progress: &[GoalProgress], as_of: Month) -> Vec<Escalation> {
    let mut worst: BTreeMap<(Metric, Option<DepartmentId>), (&GoalProgress, TargetStatus)> =
        BTreeMap::new();
    for goal in progress {
        if !goal.is_open_at(as_of) {
            continue;
        }
        let Some(status) = goal.landing_status() else {
            continue;
        };
        if status == TargetStatus::Met {
            continue;
        }
        let key = (goal.goal.metric, goal.goal.department_id);
        let better = match worst.get(&key) {
            None => true,
            // The worse landing, then the period ending sooner, then the longer period (a
            // year's miss says more than its quarter's).
            Some((current, current_status)) => {
                let rank = |goal: &GoalProgress| goal.goal.period.map_or(0, Period::rank);
                (status, Reverse(goal.last), rank(goal))
                    > (*current_status, Reverse(current.last), rank(current))
            }
        };
        if better {
            worst.insert(key, (goal, status));
        }
    }
    worst
        .into_values()
        .filter_map(|(goal, status)| {
            let landing = goal.landing?;
            let metric = goal.goal.metric;
            let unit = metric.unit();
            let department = goal.goal.department.as_deref();
            let subject = subject(metric, department);
            let shown = |value: f64| format::in_words(unit, value);
            let period = goal.goal.period_label();
            let course = if is_additive(metric) {
                let which = match goal.goal.period {
                    Some(_) => period.clone(),
                    None => goal.last.to_string(),
                };
                format!("a {which} total of {}", shown(landing.value))
            } else if goal.goal.period.is_some_and(|p| matches!(p, Period::Month(_))) {
                format!("{} in {}", shown(landing.value), goal.last)
            } else {
                let end = match goal.goal.period {
                    Some(period) => period.to_string(),
                    None => format!("the fiscal year {}", goal.first.year()),
                };
                format!("{} in {}, the end of {end}", shown(landing.value), goal.last)
            };
            let owner = match &goal.goal.owner {
                Some(owner) => format!("owner: {owner}"),
                None => "no owner named".to_string(),
            };
            let message = format!(
                "{subject} is on course for {course} (80%: {} to {}) against a target of {}; {owner}",
                shown(landing.low),
                shown(landing.high),
                shown(goal.goal.value),
            );
            Some(Escalation {
                escalation_id: escalation_id(metric, department, as_of, RuleKind::Forecast),
                severity: if status == TargetStatus::Missed {
                    Severity::Warning
                } else {
                    Severity::Watch
                },
                rule: RuleKind::Forecast,
                metric,
                department_id: goal.goal.department_id,
                department: goal.goal.department.clone(),
                month: as_of,
                value: landing.value,
                threshold: goal.goal.value,
                message,
                owner: goal.goal.owner.clone(),
                money_at_stake: None,
                money_basis: String::new(),
            })
        })
        .collect()
}
