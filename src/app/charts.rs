//! Chart helpers on top of `egui_plot`: months on the x axis (a month's dense index), values
//! formatted in their unit, and plots that do not zoom or pan (a dashboard, not an explorer).

use eframe::egui;
use egui::Color32;
use egui_plot::{
    Bar, GridInput, GridMark, HLine, HoverPosition, Line, LineStyle, Plot, PlotPoints, Points,
};

use super::format;
use super::prepared::SeriesPoint;
use super::theme::Palette;
use super::widgets::{self, Swatch};
use crate::escalations::Band;
use crate::metrics::forecast::ForecastPoint;
use crate::metrics::{Metric, Unit};
use crate::model::Month;

/// The x coordinate of a month.
pub fn month_x(month: Month) -> f64 {
    f64::from(month.index())
}

/// The month at an x coordinate.
pub fn x_month(x: f64) -> Month {
    Month::from_index(x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32)
}

/// What egui_plot asks of a bar chart's hover text.
pub type BarFormatter = Box<dyn Fn(&egui_plot::Bar, &egui_plot::BarChart) -> String>;

/// A monthly bar's hover text, series and month with its value: "On time, Oct 2026: 28",
/// "Promoters (9–10), Oct 2026: 49.5%".
pub fn bar_hover(unit: Unit) -> BarFormatter {
    Box::new(move |bar, chart| {
        format!(
            "{}, {}: {}",
            egui_plot::PlotItem::name(chart),
            format::month_short(x_month(bar.argument)),
            format::of_unit(unit, bar.value)
        )
    })
}

/// Grid marks on whole months, thinned so that labels do not collide.
fn month_marks(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    if !low.is_finite() || !high.is_finite() || high < low {
        return Vec::new();
    }
    let span = (high - low).max(1.0);
    let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0]
        .into_iter()
        .find(|step| span / step <= 9.0)
        .unwrap_or(48.0);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .take(200)
        .map(|k| GridMark {
            value: k as f64 * step,
            step_size: step,
        })
        .collect()
}

/// Grid marks at a "nice" step (1, 2, 2.5 or 5 × 10ⁿ) giving at most five labelled lines, so
/// that short charts still have a readable value axis.
pub fn value_marks(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let span = high - low;
    if !span.is_finite() || span <= 0.0 {
        return Vec::new();
    }
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last)
        .take(50)
        .map(|k| GridMark {
            value: k as f64 * step,
            step_size: step,
        })
        .collect()
}

/// A plot configured for a monthly trend of values in `unit`. It has no legend box (it would
/// cover the data); views put a [`crate::app::widgets::legend_ui`] row above it.
pub fn trend_plot<'a>(id: &str, height: f32, unit: Unit) -> Plot<'a> {
    Plot::new(id)
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .x_grid_spacer(month_marks)
        .y_grid_spacer(value_marks)
        .x_axis_formatter(|mark, _range| {
            if (mark.value - mark.value.round()).abs() < 1e-6 {
                format::month_axis(x_month(mark.value))
            } else {
                String::new()
            }
        })
        .y_axis_formatter(move |mark, _range| format::axis(unit, mark.value))
        .y_axis_min_width(44.0)
        .label_formatter(move |position| match position {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{}: {}",
                format::month_short(x_month(position.x)),
                format::of_unit(unit, position.y)
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
}

/// The defined points of a series as plot coordinates.
pub fn points(series: &[SeriesPoint]) -> Vec<[f64; 2]> {
    series
        .iter()
        .filter_map(|point| point.value.map(|value| [month_x(point.month), value]))
        .collect()
}

/// A line of the series; gaps (undefined months) are bridged.
pub fn series_line<'a>(name: &str, series: &[SeriesPoint], color: egui::Color32) -> Line<'a> {
    Line::new(name, PlotPoints::from(points(series)))
        .color(color)
        .width(2.0)
}

/// Markers on the series' points; low-confidence points hollow and named apart so the legend
/// explains them.
pub fn series_markers<'a>(
    name: &str,
    series: &[SeriesPoint],
    color: egui::Color32,
) -> (Points<'a>, Option<Points<'a>>) {
    let confident: Vec<[f64; 2]> = series
        .iter()
        .filter(|point| !point.low_confidence)
        .filter_map(|point| point.value.map(|value| [month_x(point.month), value]))
        .collect();
    let low: Vec<[f64; 2]> = series
        .iter()
        .filter(|point| point.low_confidence)
        .filter_map(|point| point.value.map(|value| [month_x(point.month), value]))
        .collect();
    let confident_points = Points::new(name, PlotPoints::from(confident))
        .color(color)
        .radius(3.0)
        .filled(true);
    let low_points = (!low.is_empty()).then(|| {
        Points::new("Few responses (under 30)", PlotPoints::from(low))
            .color(color)
            .radius(4.5)
            .filled(false)
            .shape(egui_plot::MarkerShape::Circle)
    });
    (confident_points, low_points)
}

/// Dashed lines at the rule levels that are set (warning amber, critical red).
pub fn add_levels(plot: &mut egui_plot::PlotUi<'_>, band: Option<Band>, palette: &Palette) {
    let Some(band) = band else { return };
    for (level, name, color) in [
        (band.warning_below, "Warning level", palette.warning),
        (band.warning_above, "Warning level", palette.warning),
        (band.critical_below, "Critical level", palette.bad),
        (band.critical_above, "Critical level", palette.bad),
    ] {
        if let Some(level) = level {
            plot.hline(
                HLine::new(name, level)
                    .color(color)
                    .style(LineStyle::dashed_loose()),
            );
        }
    }
}

/// Legend entries for the levels [`add_levels`] draws.
pub fn level_entries(
    band: Option<Band>,
    palette: &Palette,
) -> Vec<(&'static str, Color32, Swatch)> {
    let Some(band) = band else { return Vec::new() };
    let mut entries = Vec::new();
    if band.warning_below.is_some() || band.warning_above.is_some() {
        entries.push(("Warning level", palette.warning, Swatch::Dashed));
    }
    if band.critical_below.is_some() || band.critical_above.is_some() {
        entries.push(("Critical level", palette.bad, Swatch::Dashed));
    }
    entries
}

/// What a trend chart draws beyond the actuals: the target line and the forecast with its 80%
/// interval (SPEC §6).
#[derive(Debug, Clone, Default)]
pub struct Outlook {
    pub target: Option<f64>,
    /// From the month after the last actual on.
    pub forecast: Vec<ForecastPoint>,
    /// Months with a note on the value (SPEC §7), marked on the line.
    pub noted: Vec<Month>,
}

/// A monthly series with its markers (low-confidence months hollow), the rule levels, the
/// target as a solid line and the forecast as a dashed line over a filled band (the 80%
/// interval) joined to the last actual, months with a note as diamonds, with the legend row
/// above it. Returns the month of the point clicked, if one was.
#[allow(clippy::too_many_arguments)]
pub fn metric_outlook_ui(
    ui: &mut egui::Ui,
    id: &str,
    height: f32,
    metric: Metric,
    series: &[SeriesPoint],
    band: Option<Band>,
    outlook: &Outlook,
    palette: &Palette,
) -> Option<Month> {
    let noted: Vec<[f64; 2]> = series
        .iter()
        .filter(|point| outlook.noted.contains(&point.month))
        .filter_map(|point| point.value.map(|value| [month_x(point.month), value]))
        .collect();
    let mut entries = vec![(metric.label(), palette.accent, Swatch::Line)];
    if series
        .iter()
        .any(|point| point.low_confidence && point.value.is_some())
    {
        entries.push((
            "Fewer than 30 responses",
            palette.accent,
            Swatch::HollowPoint,
        ));
    }
    entries.extend(level_entries(band, palette));
    if outlook.target.is_some() {
        entries.push(("Target", palette.good, Swatch::Line));
    }
    if !outlook.forecast.is_empty() {
        entries.push(("Forecast", palette.accent, Swatch::Dashed));
        entries.push((
            "80% interval",
            palette.accent.gamma_multiply(0.35),
            Swatch::Block,
        ));
    }
    if !noted.is_empty() {
        entries.push(("Has a note", palette.warning, Swatch::Diamond));
    }
    widgets::legend_ui(ui, &entries);
    let mut chart = fit_flat(trend_plot(id, height, metric.unit()), series);
    if let Some(target) = outlook.target {
        // A target far from the values still shows: the axis reaches it.
        chart = chart.include_y(target);
    }
    let shown = chart.show(ui, |plot| {
        add_levels(plot, band, palette);
        if let Some(target) = outlook.target {
            plot.hline(HLine::new("Target", target).color(palette.good).width(1.5));
        }
        if !outlook.forecast.is_empty() {
            // The band and the dashed line start at the last actual, so they join the line.
            let last = series
                .iter()
                .rev()
                .find_map(|point| point.value.map(|value| (point.month, value)));
            let mut xs = Vec::new();
            let (mut lows, mut highs, mut values) = (Vec::new(), Vec::new(), Vec::new());
            if let Some((month, value)) = last {
                xs.push(month_x(month));
                lows.push(value);
                highs.push(value);
                values.push([month_x(month), value]);
            }
            for point in &outlook.forecast {
                xs.push(month_x(point.month));
                lows.push(point.low);
                highs.push(point.high);
                values.push([month_x(point.month), point.value]);
            }
            plot.add(
                egui_plot::FilledArea::new("80% interval", &xs, &lows, &highs)
                    .fill_color(palette.accent.gamma_multiply(0.22)),
            );
            plot.line(
                Line::new("Forecast", PlotPoints::from(values))
                    .color(palette.accent)
                    .style(LineStyle::dashed_dense())
                    .width(2.0),
            );
        }
        plot.line(series_line(metric.label(), series, palette.accent));
        let (points, low) = series_markers(metric.label(), series, palette.accent);
        plot.points(points);
        if let Some(low) = low {
            plot.points(low);
        }
        if !noted.is_empty() {
            plot.points(
                Points::new("Has a note", PlotPoints::from(noted))
                    .color(palette.warning)
                    .radius(6.0)
                    .filled(true)
                    .shape(egui_plot::MarkerShape::Diamond),
            );
        }
        plot.pointer_coordinate()
    });
    name_chart(
        &shown.response,
        &format!("{} history chart", metric.label()),
    );
    let month = clicked_month(&shown)?;
    series
        .iter()
        .any(|point| point.month == month && point.value.is_some())
        .then_some(month)
}

/// Names a chart for screen readers (and the tests, which click into it by that name).
pub fn name_chart(response: &egui::Response, name: &str) {
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, name));
}

/// The month under the pointer when a monthly chart was clicked (its `show` returned
/// `plot.pointer_coordinate()`).
pub fn clicked_month(
    shown: &egui_plot::PlotResponse<Option<egui_plot::PlotPoint>>,
) -> Option<Month> {
    let at = shown.response.clicked().then_some(shown.inner).flatten()?;
    Some(x_month(at.x))
}

/// `plot` with room around a flat `series` (see [`flat_range`]).
pub fn fit_flat<'a>(plot: Plot<'a>, series: &[SeriesPoint]) -> Plot<'a> {
    match flat_range(series) {
        Some((low, high)) => plot.include_y(low).include_y(high),
        None => plot,
    }
}

/// For a series whose values are all the same (one month, say): a range 10% either side of the
/// value (±1 around zero), so the value axis has steps that read apart instead of a sliver
/// labelled "80, 80, 80".
fn flat_range(series: &[SeriesPoint]) -> Option<(f64, f64)> {
    let mut values = series.iter().filter_map(|point| point.value);
    let first = values.next()?;
    if values.any(|value| value != first) {
        return None;
    }
    let pad = if first == 0.0 { 1.0 } else { first.abs() * 0.1 };
    Some((first - pad, first + pad))
}

/// Bars of one colour, filled solid.
pub fn solid_bars(bars: Vec<Bar>, color: Color32) -> Vec<Bar> {
    bars.into_iter()
        .map(|bar| bar.fill(color).stroke(egui::Stroke::new(1.0, color)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(value: Option<f64>) -> SeriesPoint {
        SeriesPoint {
            month: "2026-09".parse().unwrap(),
            value,
            low_confidence: false,
        }
    }

    #[test]
    fn a_flat_series_gets_a_range_around_its_value() {
        // One value 80: 10% either side, 72 … 88.
        assert_eq!(
            flat_range(&[point(Some(80.0)), point(None)]),
            Some((72.0, 88.0))
        );
        assert_eq!(flat_range(&[point(Some(0.0))]), Some((-1.0, 1.0)));
        assert_eq!(flat_range(&[point(Some(80.0)), point(Some(81.0))]), None);
        assert_eq!(flat_range(&[point(None)]), None);
    }
}
