//! How numbers read on screen: thousands separators, units, and deltas in the unit a reader
//! expects (percentage points for rates, points for NPS, a percentage change for amounts).
//!
//! Pure functions of a value and a [`Unit`], so the tests can format the core's numbers the
//! same way the cards do.

use crate::metrics::{Metric, Unit};
use crate::model::Month;
use crate::report::format as report_format;

/// `1234567.8` → `"1,234,568"`: the report's own grouping, so the app and the memo agree to
/// the digit.
pub fn grouped(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    report_format::thousands(value, decimals)
}

/// A metric value as a card or table shows it, with its unit.
pub fn value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Money => grouped(value, 0),
        Unit::Rate => format!("{}%", grouped(value * 100.0, 1)),
        Unit::Points => grouped(value, 0),
        Unit::Count => grouped(value, 0),
        Unit::Days => format!("{} days", grouped(value, 1)),
        Unit::MoneyPer => grouped(value, 0),
        Unit::PerFte => grouped(value, 1),
    }
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
        (Some(value), "") => report_format::value(metric, Some(value)),
        (Some(value), suffix) => format!("{} {suffix}", report_format::value(metric, Some(value))),
    }
}

/// The change from `previous` to `current` as the report writes it: percentage points for
/// rates, points for NPS, a relative change for amounts and counts, `±0.0 pp` for no change.
pub fn delta(metric: Metric, current: f64, previous: f64) -> String {
    report_format::delta(metric, Some(current), Some(previous))
}

/// Whether the move is good news (`Some(true)`), bad news, or neither, as the report judges it.
pub fn improvement(metric: Metric, current: f64, previous: f64) -> Option<bool> {
    report_format::is_improvement(metric, Some(current), Some(previous))
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

/// A value on a chart axis, in the metric's unit.
pub fn axis(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Rate => percent_level(value),
        Unit::Money | Unit::MoneyPer => compact(value),
        Unit::Days | Unit::PerFte => grouped(value, 1),
        Unit::Points | Unit::Count => grouped(value, 0),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_their_units_and_undefined_values_show_a_dash() {
        assert_eq!(value(Unit::Rate, 0.1834), "18.3%");
        assert_eq!(
            metric_value(Metric::RevenuePerFte, Some(12_345.6)),
            "12,346 per FTE"
        );
        assert_eq!(metric_value(Metric::Nps, None), "–");
        assert_eq!(grouped(f64::NAN, 0), "–");
    }

    #[test]
    fn rates_as_levels_drop_a_needless_decimal() {
        assert_eq!(percent_level(0.65), "65%");
        assert_eq!(percent_level(0.025), "2.5%");
    }

    #[test]
    fn axis_amounts_are_compact() {
        assert_eq!(compact(1_260_000.0), "1.3M");
        assert_eq!(compact(2_000_000.0), "2M");
        assert_eq!(compact(45_300.0), "45k");
        assert_eq!(compact(1_500.0), "1.5k");
        assert_eq!(compact(-950.0), "−950");
        assert_eq!(axis(Unit::Rate, 0.65), "65%");
    }

    #[test]
    fn months_read_as_words() {
        let month = Month::new(2026, 10).expect("a month");
        assert_eq!(month_long(month), "October 2026");
        assert_eq!(month_short(month), "Oct 2026");
        assert_eq!(month_axis(month), "Oct 26");
    }
}
