//! The four rule kinds of SPEC §4, checked for every month of every metric series that has
//! rules, and the plain-language sentence each escalation carries.
//!
//! - **threshold**: strictly beyond a level (`warning_below = 30` fires for 29.9, not for 30);
//!   the most severe level crossed wins, so a value raises at most one threshold escalation.
//! - **change**: fell by more than `max_drop` (or rose by more than `max_rise`) since the
//!   previous calendar month, in the metric's own units → warning. A missing previous month
//!   means no change rule.
//! - **trend**: a least-squares line through the values of the last `trend.months` calendar
//!   months (at least 3, and at least half of them present) projects the value `trend.horizon`
//!   months ahead; if that crosses a critical level the value itself has not crossed → watch.
//! - **anomaly**: |value − median| > `mad_threshold` × MAD over the previous `anomaly.window`
//!   months (at least 6 values; a MAD of 0 says nothing) → watch, only in the direction that is
//!   bad news for the metric (both directions where neither is), and only when no threshold or
//!   change escalation already covers the value.
//!
//!   A trend needs the latest month to have moved toward the level (or held): a series that
//!   just fell back from a one-month spike is not "heading for" the level the spike pulled the
//!   line toward.
//!
//! Low-confidence values raise nothing above watch: NPS/CSAT from fewer than 30 responses (the
//! metrics mark them), and — by the same reasoning, our choice where the spec is silent — churn
//! rates of a group that had fewer than 30 customers at the start of the month, where a single
//! customer leaving moves the rate by more than 3 points.
//! Comparisons allow 1e-9 of floating-point noise, so a value equal to a level never fires.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use crate::format;
use crate::metrics::{MIN_CONFIDENT_RESPONSES, Metric, MetricValue, Unit};
use crate::model::{DepartmentId, Departments, Month};

use super::rules::{Levels, MIN_ANOMALY_HISTORY, MIN_TREND_MONTHS, Rules};
use super::{Escalation, RuleKind, Severity, escalation_id};

/// A churn rate over fewer customers than this is treated like a low-confidence NPS.
pub const MIN_CONFIDENT_CUSTOMERS: f64 = 30.0;

/// Rule `data` (SPEC §7): a `watch` for each department × kind whose export did not arrive for
/// `month` (the as-of month). It has no value and no level: both are NaN (`null` in the JSON,
/// "–" on screen), never a number that was not in the data.
pub fn missing_data(
    freshness: &crate::metrics::freshness::Freshness,
    departments: &Departments,
    month: Month,
) -> Vec<Escalation> {
    freshness
        .missing
        .iter()
        .filter_map(|missing| {
            let department_id = departments.find(&missing.department)?;
            Some(Escalation {
                escalation_id: escalation_id(
                    missing.metric,
                    Some(&missing.department),
                    month,
                    RuleKind::Data,
                ),
                severity: Severity::Watch,
                rule: RuleKind::Data,
                metric: missing.metric,
                department_id: Some(department_id),
                department: Some(missing.department.clone()),
                month,
                value: f64::NAN,
                threshold: f64::NAN,
                message: format!(
                    "No {} data for {} in {month} (last in {}): its figures are missing from the company totals",
                    missing.kind, missing.department, missing.last_month
                ),
                owner: None,
                money_at_stake: None,
                money_basis: String::new(),
            })
        })
        .collect()
}

/// Every escalation the rules raise on `values`, newest month first, then most severe first.
pub fn evaluate(
    values: &[MetricValue],
    departments: &Departments,
    rules: &Rules,
) -> Vec<Escalation> {
    let mut series: BTreeMap<(Metric, Option<DepartmentId>), BTreeMap<Month, &MetricValue>> =
        BTreeMap::new();
    let mut customers_at_start: HashMap<(Option<DepartmentId>, Month), f64> = HashMap::new();
    for value in values {
        if rules.levels(value.metric, None).is_some() {
            series
                .entry((value.metric, value.department))
                .or_default()
                .insert(value.month, value);
        }
        if let (Metric::ActiveCustomers, Some(customers)) = (value.metric, value.value) {
            customers_at_start.insert((value.department, value.month), customers);
        }
    }
    let mut escalations = Vec::new();
    for (&(metric, department_id), history) in &series {
        let department = department_id.map(|id| departments.name(id));
        let Some(levels) = rules.levels(metric, department) else {
            continue;
        };
        let checker = SeriesChecker {
            metric,
            department_id,
            department,
            levels,
            rules,
            history,
        };
        for point in history.values() {
            let Some(value) = point.value else { continue };
            let caveat = if point.low_confidence {
                Some(format!(
                    "low confidence: fewer than {MIN_CONFIDENT_RESPONSES} responses"
                ))
            } else {
                match (
                    metric,
                    customers_at_start.get(&(department_id, point.month)),
                ) {
                    (
                        Metric::ChurnRate | Metric::RevenueChurnRate | Metric::RetentionRate,
                        Some(&customers),
                    ) if customers < MIN_CONFIDENT_CUSTOMERS => Some(format!(
                        "low confidence: {customers} customers at the start of the month"
                    )),
                    _ => None,
                }
            };
            checker.check(point, value, caveat, &mut escalations);
        }
    }
    order(&mut escalations);
    escalations
}

/// Sorts escalations as the report lists them: newest month first, then most severe, then by
/// rule, metric and department (the company first).
pub fn order(escalations: &mut [Escalation]) {
    escalations.sort_by(|a, b| {
        let key = |e: &Escalation| {
            (
                Reverse(e.month),
                Reverse(e.severity),
                e.rule,
                e.metric.name(),
                e.department.is_some(),
                e.department.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// A level crossed: which, how badly, and on which side.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Crossing {
    severity: Severity,
    level: f64,
    below: bool,
}

/// Allowance for floating-point noise around a level.
fn tolerance(level: f64) -> f64 {
    1e-9 * level.abs().max(1.0)
}

fn is_below(value: f64, level: f64) -> bool {
    value < level - tolerance(level)
}

fn is_above(value: f64, level: f64) -> bool {
    value > level + tolerance(level)
}

/// The most severe level `value` is strictly beyond.
fn crossing(levels: &Levels, value: f64) -> Option<Crossing> {
    let candidates = [
        (Severity::Critical, levels.critical_below, true),
        (Severity::Critical, levels.critical_above, false),
        (Severity::Warning, levels.warning_below, true),
        (Severity::Warning, levels.warning_above, false),
    ];
    candidates.into_iter().find_map(|(severity, level, below)| {
        let level = level?;
        let crossed = if below {
            is_below(value, level)
        } else {
            is_above(value, level)
        };
        crossed.then_some(Crossing {
            severity,
            level,
            below,
        })
    })
}

/// The line `intercept + slope × x` closest to the points in least squares; `None` when all x
/// are equal.
fn least_squares(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let count = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mean_x = points.iter().map(|(x, _)| x).sum::<f64>() / count;
    let mean_y = points.iter().map(|(_, y)| y).sum::<f64>() / count;
    let sxx: f64 = points.iter().map(|(x, _)| (x - mean_x).powi(2)).sum();
    let sxy: f64 = points
        .iter()
        .map(|(x, y)| (x - mean_x) * (y - mean_y))
        .sum();
    if sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    Some((mean_y - slope * mean_x, slope))
}

/// The median (mean of the middle two for an even count); `None` for no values.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2.0),
    }
}

/// The checks for one metric of one department (or the company).
struct SeriesChecker<'a> {
    metric: Metric,
    department_id: Option<DepartmentId>,
    department: Option<&'a str>,
    levels: Levels,
    rules: &'a Rules,
    history: &'a BTreeMap<Month, &'a MetricValue>,
}

impl SeriesChecker<'_> {
    /// Defined values of the months `first..=last`.
    fn values_between(&self, first: Month, last: Month) -> Vec<(Month, f64)> {
        self.history
            .range(first..=last)
            .filter_map(|(&month, point)| point.value.map(|value| (month, value)))
            .collect()
    }

    /// Raises what the rules say about one value; `caveat` (why the value is uncertain) caps
    /// the severity at watch.
    fn check(
        &self,
        point: &MetricValue,
        value: f64,
        caveat: Option<String>,
        escalations: &mut Vec<Escalation>,
    ) {
        let month = point.month;
        let previous = self
            .history
            .get(&month.prev())
            .and_then(|previous| previous.value);
        let words = Words {
            subject: subject(self.metric, self.department),
            caveat,
        };
        let raise = |rule: RuleKind, severity: Severity, threshold: f64, message: String| {
            let severity = if words.caveat.is_some() {
                severity.min(Severity::Watch)
            } else {
                severity
            };
            Escalation {
                escalation_id: escalation_id(self.metric, self.department, month, rule),
                severity,
                rule,
                metric: self.metric,
                department_id: self.department_id,
                department: self.department.map(str::to_string),
                month,
                value,
                threshold,
                message: message + &words.confidence(),
                owner: None,
                money_at_stake: None,
                money_basis: String::new(),
            }
        };

        let crossed = crossing(&self.levels, value);
        if let Some(crossed) = crossed {
            let side = if crossed.below { "below" } else { "above" };
            let (shown_value, shown_level) = format_apart(self.metric, value, crossed.level);
            let worsened = previous.is_some_and(|previous| {
                if crossed.below {
                    value < previous
                } else {
                    value > previous
                }
            });
            let verb = match (worsened, crossed.below) {
                (true, true) => "fell to",
                (true, false) => "rose to",
                (false, _) => "was",
            };
            let message = format!(
                "{} {verb} {shown_value} in {month}, {side} the {} level {shown_level}",
                words.subject, crossed.severity
            );
            escalations.push(raise(
                RuleKind::Threshold,
                crossed.severity,
                crossed.level,
                message,
            ));
        }

        let mut changed = false;
        if let Some(previous) = previous {
            let drop = previous - value;
            let limits = [
                (self.levels.max_drop, drop, "fell", "drop"),
                (self.levels.max_rise, -drop, "rose", "rise"),
            ];
            for (limit, size, verb, noun) in limits {
                if let Some(limit) = limit.filter(|&limit| is_above(size, limit)) {
                    let message = format!(
                        "{} {verb} by {} to {} in {month} (from {} in {}), more than the allowed {noun} of {}",
                        words.subject,
                        format_change(self.metric, size),
                        format_value(self.metric, value),
                        format_value(self.metric, previous),
                        month.prev(),
                        format_change(self.metric, limit)
                    );
                    escalations.push(raise(RuleKind::Change, Severity::Warning, limit, message));
                    changed = true;
                }
            }
        }

        let already_critical =
            crossed.is_some_and(|crossed| crossed.severity == Severity::Critical);
        if !already_critical && let Some(trend) = self.trend_crossing(month, value, previous) {
            let message = format!(
                "{} is heading for the critical level {}: {} in {month}, and {} by {} if the trend of the last {} months goes on",
                words.subject,
                format_value(self.metric, trend.level),
                format_value(self.metric, value),
                format_value(self.metric, trend.projected),
                trend.target,
                trend.months
            );
            escalations.push(raise(
                RuleKind::Trend,
                Severity::Watch,
                trend.level,
                message,
            ));
        }

        if crossed.is_none()
            && !changed
            && let Some(anomaly) = self.anomaly(month, value)
        {
            let (side, edge) = if anomaly.low {
                ("low", "below")
            } else {
                ("high", "above")
            };
            let (shown_value, shown_edge) = format_apart(self.metric, value, anomaly.edge);
            let message = format!(
                "{} was {shown_value} in {month}, unusually {side} for it: the median of the previous {} months is {}, and {edge} {shown_edge} is unusual",
                words.subject,
                anomaly.months,
                format_value(self.metric, anomaly.median),
            );
            escalations.push(raise(
                RuleKind::Anomaly,
                Severity::Watch,
                anomaly.edge,
                message,
            ));
        }
    }

    /// The critical level the trend line crosses within the horizon, the projected value and
    /// the month it is projected for. The value itself is not beyond that level, and did not
    /// move away from it since the previous month.
    fn trend_crossing(
        &self,
        month: Month,
        value: f64,
        previous: Option<f64>,
    ) -> Option<TrendCrossing> {
        let trend = self.rules.trend;
        if trend.horizon == 0 || trend.months < MIN_TREND_MONTHS {
            return None;
        }
        let first = month.offset(1 - trend.months as i32);
        let recent = self.values_between(first, month);
        if recent.len() < MIN_TREND_MONTHS || recent.len() * 2 < trend.months {
            return None;
        }
        let points: Vec<(f64, f64)> = recent
            .iter()
            .map(|&(m, v)| (m.months_since(first) as f64, v))
            .collect();
        let (intercept, slope) = least_squares(&points)?;
        let target = month.offset(trend.horizon as i32);
        let projected = intercept + slope * target.months_since(first) as f64;
        if let Some(level) = self.levels.critical_below
            && slope < 0.0
            && is_below(projected, level)
            && !is_below(value, level)
            && previous.is_none_or(|previous| value <= previous)
        {
            return Some(TrendCrossing {
                level,
                projected,
                target,
                months: recent.len(),
            });
        }
        if let Some(level) = self.levels.critical_above
            && slope > 0.0
            && is_above(projected, level)
            && !is_above(value, level)
            && previous.is_none_or(|previous| value >= previous)
        {
            return Some(TrendCrossing {
                level,
                projected,
                target,
                months: recent.len(),
            });
        }
        None
    }

    fn anomaly(&self, month: Month, value: f64) -> Option<Anomaly> {
        let anomaly = self.rules.anomaly;
        if anomaly.window == 0 {
            return None;
        }
        let history: Vec<f64> = self
            .values_between(month.offset(-(anomaly.window as i32)), month.prev())
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        if history.len() < MIN_ANOMALY_HISTORY {
            return None;
        }
        let centre = median(&history)?;
        let deviations: Vec<f64> = history.iter().map(|v| (v - centre).abs()).collect();
        let mad = median(&deviations)?;
        if mad <= tolerance(centre) {
            return None;
        }
        let reach = anomaly.mad_threshold * mad;
        let low = value < centre;
        let bad_news = match self.metric.higher_is_better() {
            Some(true) => low,
            Some(false) => !low,
            None => true,
        };
        let edge = if low { centre - reach } else { centre + reach };
        let beyond = if low {
            is_below(value, edge)
        } else {
            is_above(value, edge)
        };
        (bad_news && beyond).then_some(Anomaly {
            median: centre,
            edge,
            low,
            months: history.len(),
        })
    }
}

struct TrendCrossing {
    /// The critical level the line crosses.
    level: f64,
    projected: f64,
    /// The month the projection is for.
    target: Month,
    /// How many monthly values the line is fitted to.
    months: usize,
}

struct Anomaly {
    median: f64,
    /// median ± mad_threshold × MAD, on the side the value is.
    edge: f64,
    low: bool,
    /// How many months of history the median is over.
    months: usize,
}

/// What a message says about one value.
struct Words {
    subject: String,
    /// Why the value is uncertain, when it is.
    caveat: Option<String>,
}

impl Words {
    fn confidence(&self) -> String {
        match &self.caveat {
            Some(caveat) => format!(" ({caveat}, so no more than watch)"),
            None => String::new(),
        }
    }
}

/// A value and a level, with one more decimal where the usual rounding would show them equal
/// (9.98% below 10.0% must not read "10.0%, below the warning level 10.0%").
fn format_apart(metric: Metric, value: f64, level: f64) -> (String, String) {
    let (shown_value, shown_level) = (format_value(metric, value), format_value(metric, level));
    if shown_value != shown_level {
        return (shown_value, shown_level);
    }
    (
        format::of_unit_with(metric.unit(), value, 1),
        format::of_unit_with(metric.unit(), level, 1),
    )
}

/// "NPS" for the company, "Consulting EBITDA margin" / "Data & Analytics on-time rate" for a
/// department (acronyms keep their capitals).
pub fn subject(metric: Metric, department: Option<&str>) -> String {
    let label = metric.label();
    let Some(department) = department else {
        return label.to_string();
    };
    let first_word = label.split(' ').next().unwrap_or_default();
    let is_acronym = first_word.chars().filter(|c| c.is_alphabetic()).count() > 1
        && first_word.chars().all(|c| !c.is_lowercase());
    if is_acronym {
        format!("{department} {label}")
    } else {
        let mut chars = label.chars();
        let lowered: String = chars
            .next()
            .map(|first| first.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        format!("{department} {lowered}")
    }
}

/// A value as a message says it (`crate::format::in_words`): rates as percentages (`7.2%`),
/// NPS in points (`22.7`, `12`), amounts with thousands separators.
fn format_value(metric: Metric, value: f64) -> String {
    format::in_words(metric.unit(), value)
}

/// The size of a change: percentage points for rates, points for NPS.
fn format_change(metric: Metric, size: f64) -> String {
    match metric.unit() {
        Unit::Rate => format!("{} percentage points", format::thousands(size * 100.0, 1)),
        Unit::Points => format!("{} points", format::in_words(Unit::Points, size)),
        _ => format_value(metric, size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_people_write_them() {
        assert_eq!(format_value(Metric::ChurnRate, 0.0725), "7.2%");
        assert_eq!(format_value(Metric::ChurnRate, 0.05), "5.0%");
        assert_eq!(format_value(Metric::EbitdaMargin, -0.0001), "0.0%");
        // As SPEC §4's example: "NPS fell to 12 …, below the warning level 30"; a minus sign,
        // not a hyphen, as in the report and on the cards.
        assert_eq!(format_value(Metric::Nps, 12.0), "12");
        assert_eq!(format_value(Metric::Nps, 22.68), "22.7");
        assert_eq!(format_value(Metric::Nps, -13.64), "−13.6");
        assert_eq!(format_value(Metric::Revenue, -1234567.4), "−1,234,567");
        assert_eq!(format_value(Metric::Revenue, 999.0), "999");
        assert_eq!(format_change(Metric::Nps, 20.0), "20 points");
        // 9.98% and 10.0% read apart: one more decimal for both.
        assert_eq!(
            format_apart(Metric::ChurnRate, 0.0998, 0.1),
            ("9.98%".to_string(), "10.00%".to_string())
        );
        assert_eq!(
            format_change(Metric::OnTimeRate, 0.125),
            "12.5 percentage points"
        );
    }

    #[test]
    fn subjects_keep_acronyms_and_lower_the_rest() {
        assert_eq!(subject(Metric::Nps, None), "NPS");
        assert_eq!(
            subject(Metric::EbitdaMargin, Some("Consulting")),
            "Consulting EBITDA margin"
        );
        assert_eq!(
            subject(Metric::OnTimeRate, Some("Data & Analytics")),
            "Data & Analytics on-time rate"
        );
    }

    #[test]
    fn least_squares_fits_a_line_and_medians_take_the_middle() {
        // y = 1 + 2x through (0,1), (1,3), (2,5).
        assert_eq!(
            least_squares(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]),
            Some((1.0, 2.0))
        );
        assert_eq!(least_squares(&[(1.0, 1.0), (1.0, 3.0)]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn equal_to_a_level_is_not_beyond_it() {
        let levels = Levels {
            warning_below: Some(0.85),
            critical_below: Some(0.7),
            ..Levels::default()
        };
        assert_eq!(crossing(&levels, 17.0 / 20.0), None);
        assert_eq!(
            crossing(&levels, 0.8499).map(|c| c.severity),
            Some(Severity::Warning)
        );
        assert_eq!(
            crossing(&levels, 0.69).map(|c| c.severity),
            Some(Severity::Critical)
        );
    }
}
