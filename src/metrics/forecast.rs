//! Forecasts of metric series (SPEC §6): exponential smoothing (ETS) from Grafana's `augurs`
//! toolkit, the model picked per series by AICc among the non-seasonal ETS family (`ZZN`:
//! additive or multiplicative error, no, additive or damped trend), with an 80% interval.
//!
//! A series is forecast from its trailing run of months with a value that ends at the as-of
//! month; fewer than [`MIN_HISTORY`] such months give no forecast, and the reason is said.
//! Seasonal models are not used: `augurs-ets` does not implement them yet, and three years of
//! monthly exports rarely hold enough seasons for them. Forecasts of metrics with natural bounds
//! (NPS −100…100, shares 0…1, counts ≥ 0) are kept inside them.

use augurs_core::{Fit, Predict};
use augurs_ets::AutoETS;
use rayon::prelude::*;
use serde::Serialize;

use crate::model::{DepartmentId, Month};

use super::Metric;

/// Months of history a forecast needs at the least.
pub const MIN_HISTORY: usize = 6;

/// The interval's coverage.
pub const LEVEL: f64 = 0.8;

/// One forecast month: the point and the 80% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ForecastPoint {
    pub month: Month,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The forecast of one series, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub metric: Metric,
    pub department: Option<DepartmentId>,
    pub outcome: Result<Vec<ForecastPoint>, String>,
}

impl Forecast {
    pub fn points(&self) -> &[ForecastPoint] {
        self.outcome.as_deref().unwrap_or_default()
    }
}

/// The range a metric's values can take, where it has one.
fn bounds(metric: Metric) -> (f64, f64) {
    match metric {
        Metric::Nps => (-100.0, 100.0),
        Metric::OnTimeRate
        | Metric::BudgetOverrunRate
        | Metric::Csat
        | Metric::ChurnRate
        | Metric::RetentionRate => (0.0, 1.0),
        Metric::DeliverablesDue
        | Metric::OverdueOpen
        | Metric::NpsResponses
        | Metric::CsatResponses
        | Metric::ActiveCustomers
        | Metric::AvgDaysLate
        | Metric::Utilization
        | Metric::TrackedUtilization
        | Metric::RevenueChurnRate => (0.0, f64::INFINITY),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    }
}

/// The forecast of `history` (months oldest first) for the `horizon` months after `as_of`.
pub fn forecast_series(
    metric: Metric,
    history: &[(Month, Option<f64>)],
    as_of: Month,
    horizon: usize,
) -> Result<Vec<ForecastPoint>, String> {
    // The trailing run of months with a value, ending at the as-of month.
    let mut run: Vec<f64> = Vec::new();
    let mut expected = as_of;
    for &(month, value) in history.iter().rev() {
        if month > as_of {
            continue;
        }
        match value {
            Some(value) if month == expected => {
                run.push(value);
                expected = expected.prev();
            }
            _ => break,
        }
    }
    if run.is_empty() {
        return Err(format!("no value for {as_of} to forecast from"));
    }
    if run.len() < MIN_HISTORY {
        return Err(format!(
            "only {} month(s) of history up to {as_of}; a forecast needs {MIN_HISTORY}",
            run.len()
        ));
    }
    run.reverse();
    let points = if run.iter().all(|value| *value == run[0]) {
        // A constant series: every model's fit is degenerate; it stays where it is.
        vec![(run[0], run[0], run[0]); horizon]
    } else {
        let fitted = AutoETS::non_seasonal()
            .fit(&run)
            .map_err(|error| format!("no forecasting model fits the series ({error})"))?;
        let forecast = fitted
            .predict(horizon, LEVEL)
            .map_err(|error| format!("the forecast failed ({error})"))?;
        let Some(intervals) = forecast.intervals else {
            return Err("the forecasting model gave no interval".to_string());
        };
        forecast
            .point
            .iter()
            .zip(intervals.lower.iter().zip(&intervals.upper))
            .map(|(&point, (&low, &high))| (point, low, high))
            .collect()
    };
    let (floor, ceiling) = bounds(metric);
    let mut out = Vec::with_capacity(horizon);
    for (step, (value, low, high)) in points.into_iter().enumerate() {
        if !(value.is_finite() && low.is_finite() && high.is_finite()) {
            return Err("the forecasting model gave no finite values".to_string());
        }
        out.push(ForecastPoint {
            month: as_of.offset(step as i32 + 1),
            value: value.clamp(floor, ceiling),
            low: low.min(value).clamp(floor, ceiling),
            high: high.max(value).clamp(floor, ceiling),
        });
    }
    Ok(out)
}

/// Every series of a table ([`super::MetricTable::all_series`]).
pub use super::AllSeries;

/// Forecasts of the given series of `all`, `horizon(metric, department)` months after `as_of`
/// each, on every core.
pub fn forecast_all(
    all: &AllSeries,
    series: &[(Metric, Option<DepartmentId>)],
    as_of: Month,
    horizon: impl Fn(Metric, Option<DepartmentId>) -> usize + Sync,
) -> Vec<Forecast> {
    series
        .par_iter()
        .map(|&(metric, department)| Forecast {
            metric,
            department,
            outcome: forecast_series(
                metric,
                all.get(&(metric, department)).map_or(&[], Vec::as_slice),
                as_of,
                horizon(metric, department),
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(values: &[Option<f64>]) -> Vec<(Month, Option<f64>)> {
        let first: Month = "2026-01".parse().unwrap();
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (first.offset(i as i32), *v))
            .collect()
    }

    #[test]
    fn fewer_than_six_months_give_no_forecast_and_say_why() {
        let history = months(&[Some(1.0), Some(2.0), Some(3.0), Some(4.0), Some(5.0)]);
        let as_of = history.last().unwrap().0;
        let error = forecast_series(Metric::Revenue, &history, as_of, 3).unwrap_err();
        assert!(error.contains("only 5 month(s)"), "{error}");
        // A gap breaks the run: only the 4 months after it count.
        let history = months(&[
            Some(1.0),
            Some(2.0),
            None,
            Some(4.0),
            Some(5.0),
            Some(6.0),
            Some(7.0),
        ]);
        let as_of = history.last().unwrap().0;
        let error = forecast_series(Metric::Revenue, &history, as_of, 3).unwrap_err();
        assert!(error.contains("only 4 month(s)"), "{error}");
    }

    #[test]
    fn a_steady_rise_is_forecast_to_go_on_inside_an_interval() {
        // 100, 110, …, 210: a straight line. Whatever model wins, the next month lies near 220
        // and inside its 80% interval, the months after it further up, the interval widening.
        let history = months(
            &(0..12)
                .map(|i| Some(100.0 + 10.0 * i as f64))
                .collect::<Vec<_>>(),
        );
        let as_of = history.last().unwrap().0;
        let points = forecast_series(Metric::Revenue, &history, as_of, 3).unwrap();
        assert_eq!(points.len(), 3);
        assert_eq!(points[0].month, as_of.next());
        assert!((points[0].value - 220.0).abs() < 5.0, "{points:?}");
        assert!(points[2].value > points[0].value);
        for point in &points {
            assert!(point.low <= point.value && point.value <= point.high);
        }
        assert!(points[2].high - points[2].low >= points[0].high - points[0].low);
    }

    #[test]
    fn a_constant_series_stays_put_and_bounded_metrics_stay_in_bounds() {
        let history = months(&[Some(0.5); 8]);
        let as_of = history.last().unwrap().0;
        let points = forecast_series(Metric::ChurnRate, &history, as_of, 2).unwrap();
        assert_eq!(points[1].value, 0.5);
        assert_eq!((points[1].low, points[1].high), (0.5, 0.5));
        // A share falling fast: the interval never goes below 0.
        let history = months(&[0.5, 0.4, 0.3, 0.22, 0.15, 0.08, 0.04].map(Some));
        let as_of = history.last().unwrap().0;
        let points = forecast_series(Metric::ChurnRate, &history, as_of, 6).unwrap();
        assert!(points.iter().all(|p| p.low >= 0.0 && p.value >= 0.0));
    }
}
