//! How numbers read on screen: the core's one formatter (`crate::format`), re-exported, plus
//! the two shapes the views call it in (a value and its previous value, both present).

use crate::format as shared;
pub use crate::format::{
    axis, compact, count, grouped, metric_value, month_axis, month_long, month_short, of_unit,
    percent_level, unit_suffix,
};
use crate::metrics::Metric;

/// The change from `previous` to `current` as the report writes it: percentage points for
/// rates, points for NPS, a relative change for amounts and counts, `±0.0 pp` for no change.
pub fn delta(metric: Metric, current: f64, previous: f64) -> String {
    shared::delta(metric, Some(current), Some(previous))
}

/// Whether the move is good news (`Some(true)`), bad news, or neither, as the report judges it.
pub fn improvement(metric: Metric, current: f64, previous: f64) -> Option<bool> {
    shared::is_improvement(metric, Some(current), Some(previous))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Unit;
    use crate::model::Month;

    #[test]
    fn values_carry_their_units_and_undefined_values_show_a_dash() {
        assert_eq!(of_unit(Unit::Rate, 0.1834), "18.3%");
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
