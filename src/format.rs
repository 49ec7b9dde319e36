//! Numbers for people: thousands separators, percentages, NPS points, and deltas that say
//! whether a move is good news, months in words. Used by the memo, the board pack and the GUI
//! alike, so every export shows a number exactly as the app does.

use crate::metrics::{Metric, MetricTable, Unit};
use crate::model::Month;

/// `1234567.8` → `1,234,568` (rounded to `decimals`).
pub fn thousands(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 + 4);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let negative = value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let sign = if negative { "−" } else { "" };
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A metric value with its unit: `1,234,568`, `18.3%`, `42.0`, `3.5 days`; `n/a` when undefined.
pub fn value(metric: Metric, value: Option<f64>) -> String {
    match value {
        Some(value) => of_unit(metric.unit(), value),
        None => "n/a".to_string(),
    }
}

/// A number in a unit, as every card, hover, message and export writes it: amounts and counts
/// whole, rates as percentages and NPS points with one decimal.
pub fn of_unit(unit: Unit, value: f64) -> String {
    of_unit_with(unit, value, 0)
}

/// A number in a unit as a sentence says it (escalation messages, SPEC §4: "NPS fell to 12 in
/// 2026-03, below the warning level 30"): as [`of_unit`], but a whole number of points, days or
/// FTE drops its ".0". Rates keep their decimal ("5.0%"), as a level in a table would.
pub fn in_words(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Points | Unit::PerFte => trim_zero(of_unit(unit, value)),
        Unit::Days => format!("{} days", trim_zero(of_unit(Unit::Points, value))),
        _ => of_unit(unit, value),
    }
}

/// [`of_unit`] with `extra` more decimals, for two numbers that would otherwise read the same.
pub fn of_unit_with(unit: Unit, value: f64, extra: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    match unit {
        Unit::Money | Unit::MoneyPer | Unit::Count => thousands(value, extra),
        Unit::Rate => format!("{}%", thousands(value * 100.0, 1 + extra)),
        Unit::Points | Unit::PerFte => thousands(value, 1 + extra),
        Unit::Days => format!("{} days", thousands(value, 1 + extra)),
    }
}

/// A 95% margin of error in the value's terms: `±16.1` NPS points, `±4.3 pp` for a rate.
pub fn margin(unit: Unit, margin: f64) -> String {
    match unit {
        Unit::Rate => format!("±{} pp", thousands(margin * 100.0, 1)),
        _ => format!("±{}", of_unit(unit, margin)),
    }
}

/// The change from `previous` to `current` in the metric's own terms: percentage points for
/// rates, points for NPS, a relative change for amounts and counts.
pub fn delta(metric: Metric, current: Option<f64>, previous: Option<f64>) -> String {
    let (Some(current), Some(previous)) = (current, previous) else {
        return "–".to_string();
    };
    let change = current - previous;
    let (magnitude, suffix) = match metric.unit() {
        Unit::Rate => (thousands((change * 100.0).abs(), 1), " pp"),
        Unit::Points => (thousands(change.abs(), 1), ""),
        Unit::Days => (thousands(change.abs(), 1), " days"),
        // A relative change reads right only from a positive amount to one not below zero; from
        // or to a loss (EBITDA −50,000 → 20,000) "+240%" says nothing, "+70,000" does.
        _ if previous > 0.0 && current >= 0.0 => {
            (thousands((change / previous * 100.0).abs(), 1), "%")
        }
        _ => (thousands(change.abs(), 0), ""),
    };
    // A change too small to show is no change: `±0.0 pp`, not `+0.0 pp`.
    let shows_a_change = magnitude.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let sign = match (shows_a_change, change > 0.0) {
        (false, _) => "±",
        (true, true) => "+",
        (true, false) => "−",
    };
    format!("{sign}{magnitude}{suffix}")
}

/// Whether a move from `previous` to `current` is good news (`Some(true)`), bad news, or
/// neither (no direction, no change, or a value missing).
pub fn is_improvement(metric: Metric, current: Option<f64>, previous: Option<f64>) -> Option<bool> {
    let higher_is_better = metric.higher_is_better()?;
    if delta(metric, current, previous).starts_with('±') {
        return None;
    }
    let (current, previous) = (current?, previous?);
    Some((current > previous) == higher_is_better)
}

/// How a move from one month's value to another's reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Better,
    Worse,
    /// No direction, no change, or a value missing.
    Flat,
    /// Inside the two values' combined margin of error (NPS, CSAT; SPEC §7): no news either.
    WithinMargin,
}

impl Verdict {
    /// Good news (`Some(true)`), bad news, or neither.
    pub fn improvement(self) -> Option<bool> {
        match self {
            Verdict::Better => Some(true),
            Verdict::Worse => Some(false),
            Verdict::Flat | Verdict::WithinMargin => None,
        }
    }
}

/// The verdict on `metric` for `department` from `earlier` to `month`, the one rule every card,
/// tile, pack and memo colours and words its changes by.
pub fn verdict(
    table: &MetricTable,
    metric: Metric,
    department: Option<crate::model::DepartmentId>,
    month: Month,
    earlier: Month,
) -> Verdict {
    if table.change_within_margin(metric, department, month, earlier) {
        return Verdict::WithinMargin;
    }
    let current = table.value(metric, department, month);
    let previous = table.value(metric, department, earlier);
    match is_improvement(metric, current, previous) {
        Some(true) => Verdict::Better,
        Some(false) => Verdict::Worse,
        None => Verdict::Flat,
    }
}

/// `1234567.8` → `"1,234,568"`: the report's own grouping, so the app and the memo agree to
/// the digit.
pub fn grouped(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    thousands(value, decimals)
}

/// A rate used as a level, without a needless decimal: 0.65 → "65%", 0.025 → "2.5%".
pub fn percent_level(rate: f64) -> String {
    let text = grouped(rate * 100.0, 1);
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

/// The words after a value that say what it counts, where the number alone does not.
pub fn unit_suffix(metric: Metric) -> &'static str {
    match metric {
        Metric::RevenuePerFte | Metric::OutputPerFte => "per FTE",
        Metric::CostPerOutput => "per unit",
        _ => "",
    }
}

/// A metric value as the report writes it (`report::format::value`), with the unit words a
/// per-FTE or per-unit figure needs; a dash when undefined.
pub fn metric_value(metric: Metric, maybe: Option<f64>) -> String {
    match (maybe, unit_suffix(metric)) {
        (None, _) => "–".to_string(),
        (Some(number), "") => value(metric, Some(number)),
        (Some(number), suffix) => format!("{} {suffix}", value(metric, Some(number))),
    }
}

/// A short amount for chart axes: "1.2M", "450k", "950".
pub fn compact(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 {
        format!("{}B", trim_zero(grouped(value / 1e9, 1)))
    } else if magnitude >= 1e6 {
        format!("{}M", trim_zero(grouped(value / 1e6, 1)))
    } else if magnitude >= 1e4 {
        format!("{}k", grouped(value / 1e3, 0))
    } else if magnitude >= 1e3 {
        format!("{}k", trim_zero(grouped(value / 1e3, 1)))
    } else {
        grouped(value, 0)
    }
}

fn trim_zero(text: String) -> String {
    text.strip_suffix(".0").map_or(text.clone(), str::to_string)
}

/// "October 2026".
pub fn month_long(month: Month) -> String {
    format!(
        "{} {}",
        MONTH_NAMES[(month.month() as usize).saturating_sub(1) % 12],
        month.year()
    )
}

/// "Oct 2026".
pub fn month_short(month: Month) -> String {
    let name = MONTH_NAMES[(month.month() as usize).saturating_sub(1) % 12];
    format!("{} {}", name.get(..3).unwrap_or(name), month.year())
}

/// "Oct 26", for chart axes.
pub fn month_axis(month: Month) -> String {
    let name = MONTH_NAMES[(month.month() as usize).saturating_sub(1) % 12];
    format!(
        "{} {:02}",
        name.get(..3).unwrap_or(name),
        month.year().rem_euclid(100)
    )
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A count with its noun, singular or plural: "1 file", "3 files".
pub fn count(count: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        grouped(count as f64, 0),
        if count == 1 { singular } else { plural }
    )
}

/// A value on a chart axis, in the metric's unit.
pub fn axis(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Rate => percent_level(value),
        Unit::Money | Unit::MoneyPer => compact(value),
        Unit::Days | Unit::PerFte => grouped(value, 1),
        Unit::Points | Unit::Count => grouped(value, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_signed() {
        assert_eq!(thousands(1_234_567.8, 0), "1,234,568");
        assert_eq!(thousands(-1234.5, 1), "−1,234.5");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(-0.04, 1), "0.0");
    }

    #[test]
    fn values_carry_their_units() {
        assert_eq!(value(Metric::EbitdaMargin, Some(0.1834)), "18.3%");
        assert_eq!(value(Metric::Nps, Some(-12.0)), "−12.0");
        assert_eq!(value(Metric::Ebitda, Some(78_171.13)), "78,171");
        assert_eq!(value(Metric::AvgDaysLate, Some(3.25)), "3.2 days");
        assert_eq!(value(Metric::ChurnRate, None), "n/a");
    }

    #[test]
    fn deltas_speak_in_the_metrics_terms_and_know_good_from_bad() {
        assert_eq!(
            delta(Metric::ChurnRate, Some(0.072), Some(0.014)),
            "+5.8 pp"
        );
        assert_eq!(delta(Metric::Nps, Some(22.7), Some(42.7)), "−20.0");
        assert_eq!(delta(Metric::Revenue, Some(110.0), Some(100.0)), "+10.0%");
        // From or to a loss, the change in money: −50,000 → 20,000 is +70,000 (not +240.0%),
        // 40,000 → −10,000 is −50,000 (not −125.0%).
        assert_eq!(
            delta(Metric::Ebitda, Some(20_000.0), Some(-50_000.0)),
            "+70,000"
        );
        assert_eq!(
            delta(Metric::Ebitda, Some(-10_000.0), Some(40_000.0)),
            "−50,000"
        );
        assert_eq!(
            is_improvement(Metric::ChurnRate, Some(0.072), Some(0.014)),
            Some(false)
        );
        assert_eq!(
            is_improvement(Metric::Nps, Some(30.0), Some(20.0)),
            Some(true)
        );
        assert_eq!(
            is_improvement(Metric::Utilization, Some(0.9), Some(0.8)),
            None
        );
        // Too small to show: no verdict either.
        assert_eq!(
            delta(Metric::ChurnRate, Some(0.01801), Some(0.018)),
            "±0.0 pp"
        );
        assert_eq!(
            is_improvement(Metric::ChurnRate, Some(0.01801), Some(0.018)),
            None
        );
    }
}
