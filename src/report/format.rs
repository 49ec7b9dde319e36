//! Numbers for people: thousands separators, percentages, NPS points, and deltas that say
//! whether a move is good news. Used by the Markdown memo and the GUI alike.

use crate::metrics::{Metric, Unit};

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

/// A metric value with its unit: `1,234,568`, `18.3%`, `42`, `3.5 days`; `n/a` when undefined.
pub fn value(metric: Metric, value: Option<f64>) -> String {
    let Some(value) = value else {
        return "n/a".to_string();
    };
    match metric.unit() {
        Unit::Money => thousands(value, 0),
        Unit::Rate => format!("{}%", thousands(value * 100.0, 1)),
        Unit::Points => thousands(value, 1),
        Unit::Count => thousands(value, 0),
        Unit::Days => format!("{} days", thousands(value, 1)),
        Unit::MoneyPer => thousands(value, 0),
        Unit::PerFte => thousands(value, 1),
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
        _ if previous != 0.0 => (thousands((change / previous.abs() * 100.0).abs(), 1), "%"),
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
