//! The pack's charts as inline SVG: value scales, trend lines with bands, levels, the target and
//! the forecast's 80% interval, the EBITDA bridge, the utilization bars and the goals' bullets.

use std::fmt::Write;

use super::*;

/// The months of the trend charts: twelve ending with the pack's month.
pub(super) fn trend_months(pack: &Pack<'_>) -> Vec<Month> {
    Month::range(pack.month.offset(1 - TREND_MONTHS), pack.month).collect()
}

/// One point per trend month: the value and whether it is low-confidence.
pub(super) fn trend(
    pack: &Pack<'_>,
    metric: Metric,
    department: Option<DepartmentId>,
) -> Vec<(Option<f64>, bool)> {
    trend_months(pack)
        .into_iter()
        .map(|month| match pack.metrics.get(metric, department, month) {
            Some(value) => (value.value, value.low_confidence),
            None => (None, false),
        })
        .collect()
}

/// A card's twelve-month line with the warning level dashed.
pub(super) fn sparkline(pack: &Pack<'_>, metric: Metric) -> String {
    let points = trend(pack, metric, None);
    let target = pack
        .standings
        .band(metric, None)
        .and_then(|band| band.target());
    let values: Vec<f64> = points
        .iter()
        .filter_map(|(value, _)| *value)
        .chain(target)
        .collect();
    let Some(scale) = Scale::over(&values, false) else {
        return String::new();
    };
    let (width, height) = (200.0, 34.0);
    let x = |index: usize| 2.0 + index as f64 * (width - 4.0) / (points.len().max(2) - 1) as f64;
    let y = |value: f64| 3.0 + (height - 6.0) * (1.0 - scale.fraction(value));
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{} over twelve months\">",
        escape(metric.label())
    );
    if let Some(target) = target {
        let _ = write!(
            svg,
            "<line x1=\"0\" x2=\"{width}\" y1=\"{0:.1}\" y2=\"{0:.1}\" stroke=\"{NEUTRAL}\" stroke-width=\"1\" stroke-dasharray=\"3 3\" vector-effect=\"non-scaling-stroke\"/>",
            y(target)
        );
    }
    for segment in segments(&points) {
        let path: Vec<String> = segment
            .iter()
            .map(|(index, value)| format!("{:.1},{:.1}", x(*index), y(*value)))
            .collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{REVENUE}\" stroke-width=\"1.8\" vector-effect=\"non-scaling-stroke\"/>",
            path.join(" ")
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Runs of defined values, so a missing month breaks the line instead of bridging it.
pub(super) fn segments(points: &[(Option<f64>, bool)]) -> Vec<Vec<(usize, f64)>> {
    let mut runs: Vec<Vec<(usize, f64)>> = vec![Vec::new()];
    for (index, (value, _)) in points.iter().enumerate() {
        match value {
            Some(value) => runs.last_mut().map_or((), |run| run.push((index, *value))),
            None => runs.push(Vec::new()),
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}

/// A linear value axis with round ticks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    pub(super) low: f64,
    pub(super) high: f64,
    pub(super) step: f64,
}

impl Scale {
    /// Round bounds around `values`; from zero when `from_zero` (amounts, counts).
    pub(super) fn over(values: &[f64], from_zero: bool) -> Option<Scale> {
        let finite = values.iter().copied().filter(|value| value.is_finite());
        let (mut low, mut high) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !low.is_finite() {
            return None;
        }
        if from_zero {
            low = low.min(0.0);
            high = high.max(0.0);
        }
        if (high - low).abs() < 1e-12 {
            let pad = if high == 0.0 { 1.0 } else { high.abs() * 0.1 };
            low -= pad;
            high += pad;
        }
        let rough = (high - low) / 4.0;
        let magnitude = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|factor| factor * magnitude)
            .find(|step| *step >= rough)
            .unwrap_or(10.0 * magnitude);
        Some(Scale {
            low: (low / step).floor() * step,
            high: (high / step).ceil() * step,
            step,
        })
    }

    pub(super) fn fraction(&self, value: f64) -> f64 {
        (value - self.low) / (self.high - self.low)
    }

    pub(super) fn ticks(&self) -> Vec<f64> {
        let count = ((self.high - self.low) / self.step).round() as usize;
        (0..=count.min(12))
            .map(|index| self.low + index as f64 * self.step)
            .collect()
    }
}

/// One line of a trend chart.
pub(super) struct Line {
    pub(super) label: String,
    /// Formats the end label as the app shows the value; `None` labels in axis units.
    pub(super) metric: Option<Metric>,
    pub(super) color: &'static str,
    pub(super) points: Vec<(Option<f64>, bool)>,
}

/// The plot area of a chart in SVG units.
pub(super) struct Plot {
    pub(super) width: f64,
    pub(super) height: f64,
    pub(super) left: f64,
    pub(super) right: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
}

impl Plot {
    pub(super) fn standard(height: f64) -> Plot {
        Plot {
            width: 460.0,
            height,
            left: 52.0,
            right: 44.0,
            top: 10.0,
            bottom: 24.0,
        }
    }

    pub(super) fn inner_width(&self) -> f64 {
        self.width - self.left - self.right
    }

    pub(super) fn inner_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    pub(super) fn y(&self, scale: &Scale, value: f64) -> f64 {
        self.top + self.inner_height() * (1.0 - scale.fraction(value))
    }

    pub(super) fn open(&self, label: &str) -> String {
        format!(
            "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" font-family=\"inherit\" font-size=\"10.5\">",
            self.width,
            self.height,
            escape(label)
        )
    }

    /// Horizontal grid lines with the value labels on the left.
    pub(super) fn value_axis(&self, svg: &mut String, scale: &Scale, unit: Unit) {
        for tick in scale.ticks() {
            let y = self.y(scale, tick);
            let _ = write!(
                svg,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"{}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#6b7280\">{}</text>",
                self.left,
                self.width - self.right,
                if tick.abs() < 1e-12 {
                    "#9ca3af"
                } else {
                    "#e5e7eb"
                },
                if tick.abs() < 1e-12 { 1.2 } else { 1.0 },
                self.left - 6.0,
                y + 3.5,
                escape(&tick_label(unit, tick, scale.step))
            );
        }
    }
}

/// A value-axis label: the app's axis format, with full digits where compact amounts would
/// repeat (a revenue-per-FTE axis from 13,000 to 15,000 in steps of 500).
pub(super) fn tick_label(unit: Unit, value: f64, step: f64) -> String {
    match unit {
        Unit::Money | Unit::MoneyPer if step < 10_000.0 => format::grouped(value, 0),
        Unit::Rate if step < 0.01 => format!("{}%", format::grouped(value * 100.0, 1)),
        Unit::Points | Unit::Count | Unit::PerFte if step < 1.0 => format::grouped(value, 1),
        _ => format::axis(unit, value),
    }
}

/// Month labels under a chart; every other month when there are many.
pub(super) fn month_axis(
    svg: &mut String,
    plot: &Plot,
    months: &[Month],
    x: &dyn Fn(usize) -> f64,
) {
    let every = if months.len() > 8 { 2 } else { 1 };
    let last = months.len().saturating_sub(1);
    for (index, month) in months.iter().enumerate() {
        if !(last - index).is_multiple_of(every) {
            continue;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#6b7280\">{}</text>",
            x(index),
            plot.height - 8.0,
            format::month_axis(*month)
        );
    }
}

/// What a trend chart draws beyond the actuals of its first line (SPEC §6): the goal's target
/// and the forecast after the last month.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Outlook<'a> {
    pub(super) target: Option<f64>,
    pub(super) forecast: &'a [ForecastPoint],
}

/// The company series' outlook: the monthly target of its goal (ratios; an additive goal is a
/// period total, shown on the Goals page) and, when the pack reports on the as-of month, the
/// forecast months.
pub(super) fn outlook<'a>(pack: &Pack<'a>, metric: Metric) -> Outlook<'a> {
    let target = if is_additive(metric) {
        None
    } else {
        let mut goals: Vec<_> = pack
            .goals
            .iter()
            .filter(|goal| goal.goal.metric == metric && goal.goal.department_id.is_none())
            .filter_map(|goal| goal.rows.iter().find(|row| row.month == pack.month))
            .collect();
        goals.sort_by_key(|row| std::cmp::Reverse(row.status));
        goals.first().map(|row| row.target)
    };
    let forecast = if pack.month == Month::of(pack.report.as_of) {
        pack.forecasts
            .iter()
            .find(|forecast| forecast.metric == metric && forecast.department.is_none())
            .map_or(&[][..], |forecast| forecast.points())
    } else {
        &[]
    };
    Outlook { target, forecast }
}

/// A line chart over the trend months; low-confidence points drawn hollow. `band` shades the
/// healthy range, `target` draws the warning level dashed; `outlook` adds the target as a solid
/// line and continues the first line with its forecast, dashed over a band (the 80% interval).
pub(super) fn line_chart(
    pack: &Pack<'_>,
    title: &str,
    unit: Unit,
    lines: &[Line],
    target: Option<f64>,
    band: Option<(f64, f64)>,
    outlook: Outlook<'_>,
) -> String {
    let mut months = trend_months(pack);
    let actual_months = months.len();
    // The forecast continues the months without a gap, or is not drawn.
    let forecast: Vec<ForecastPoint> = outlook
        .forecast
        .iter()
        .zip(1..)
        .take_while(|(point, step)| point.month == pack.month.offset(*step))
        .map(|(point, _)| *point)
        .filter(|point| point.value.is_finite() && point.low.is_finite() && point.high.is_finite())
        .collect();
    months.extend(forecast.iter().map(|point| point.month));
    let plot = Plot::standard(190.0);
    let values: Vec<f64> = lines
        .iter()
        .flat_map(|line| line.points.iter().filter_map(|(value, _)| *value))
        .chain(target)
        .chain(outlook.target)
        .chain(band.into_iter().flat_map(|(low, high)| [low, high]))
        .chain(forecast.iter().flat_map(|point| [point.low, point.high]))
        .collect();
    let from_zero = matches!(unit, Unit::Money | Unit::Count);
    let mut svg = plot.open(title);
    // Levels alone are no chart: without a value the chart says so.
    let has_values = lines
        .iter()
        .any(|line| line.points.iter().any(|(value, _)| value.is_some()));
    let scale = Scale::over(&values, from_zero).filter(|_| has_values);
    let Some(scale) = scale else {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#6b7280\">No data for these months</text></svg>",
            plot.width / 2.0,
            plot.height / 2.0
        );
        return figure(title, &svg, "");
    };
    let step = plot.inner_width() / (months.len().max(2) - 1) as f64;
    let x = |index: usize| plot.left + index as f64 * step;
    if let Some((low, high)) = band {
        let (top, bottom) = (plot.y(&scale, high), plot.y(&scale, low));
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{GOOD}\" fill-opacity=\"0.08\"/>",
            plot.left,
            plot.inner_width(),
            bottom - top
        );
    }
    plot.value_axis(&mut svg, &scale, unit);
    month_axis(&mut svg, &plot, &months, &x);
    // The warning level dashed, the goal's target solid.
    let levels = [
        (target, "", WARNING, "1.2\" stroke-dasharray=\"5 4"),
        (outlook.target, " class=\"target\"", TARGET, "1.4"),
    ];
    for (level, class, color, stroke) in levels {
        let Some(level) = level else { continue };
        let y = plot.y(&scale, level);
        let _ = write!(
            svg,
            "<line{class} x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"{stroke}\"/>",
            plot.left,
            plot.width - plot.right
        );
    }
    // The forecast: a band from the last actual through the interval's bounds, the point
    // forecast dashed over it, in the colour of the line it continues.
    if let (Some(first), false) = (lines.first(), forecast.is_empty()) {
        let start = first
            .points
            .get(actual_months - 1)
            .and_then(|(value, _)| *value)
            .map(|value| (actual_months - 1, value, value));
        let steps: Vec<(usize, f64, f64)> = start
            .into_iter()
            .chain(
                forecast
                    .iter()
                    .enumerate()
                    .map(|(index, point)| (actual_months + index, point.low, point.high)),
            )
            .collect();
        let upper = steps
            .iter()
            .map(|(index, _, high)| format!("{:.1},{:.1}", x(*index), plot.y(&scale, *high)));
        let lower = steps
            .iter()
            .rev()
            .map(|(index, low, _)| format!("{:.1},{:.1}", x(*index), plot.y(&scale, *low)));
        let outline: Vec<String> = upper.chain(lower).collect();
        let _ = write!(
            svg,
            "<polygon class=\"forecast-band\" points=\"{}\" fill=\"{}\" fill-opacity=\"0.16\" stroke=\"none\"/>",
            outline.join(" "),
            first.color
        );
        let path: Vec<String> = start
            .map(|(index, value, _)| (index, value))
            .into_iter()
            .chain(
                forecast
                    .iter()
                    .enumerate()
                    .map(|(index, point)| (actual_months + index, point.value)),
            )
            .map(|(index, value)| format!("{:.1},{:.1}", x(index), plot.y(&scale, value)))
            .collect();
        let _ = write!(
            svg,
            "<polyline class=\"forecast\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" stroke-dasharray=\"4 3\"/>",
            path.join(" "),
            first.color
        );
    }
    for line in lines {
        for segment in segments(&line.points) {
            let path: Vec<String> = segment
                .iter()
                .map(|(index, value)| format!("{:.1},{:.1}", x(*index), plot.y(&scale, *value)))
                .collect();
            let _ = write!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>",
                path.join(" "),
                line.color
            );
        }
        for (index, (value, low_confidence)) in line.points.iter().enumerate() {
            let Some(value) = value else { continue };
            let fill = if *low_confidence { "#fff" } else { line.color };
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.8\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"1.4\"/>",
                x(index),
                plot.y(&scale, *value),
                line.color
            );
        }
    }
    // The last value, labelled at the end of the line (a legend names several lines).
    for line in lines.iter().filter(|_| lines.len() == 1) {
        if let Some((index, value)) = line
            .points
            .iter()
            .enumerate()
            .rev()
            .find_map(|(index, (value, _))| value.map(|value| (index, value)))
            .filter(|(index, _)| *index + 1 == actual_months)
        {
            let label = match line.metric {
                Some(metric) if unit != Unit::Money => format::value(metric, Some(value)),
                _ => format::compact(value),
            };
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"600\" fill=\"{}\">{}</text>",
                x(index) + 5.0,
                plot.y(&scale, value) + 3.5,
                line.color,
                escape(&label)
            );
        }
    }
    svg.push_str("</svg>");
    let mut legend = String::new();
    if lines.len() > 1 {
        for line in lines {
            let _ = write!(
                legend,
                "<i style=\"background:{}\"></i>{}",
                line.color,
                escape(&line.label)
            );
        }
    }
    if let Some(target) = target {
        let _ = write!(
            legend,
            "<i style=\"background:{WARNING};height:2px;vertical-align:3px\"></i>warning level {}",
            escape(&format::axis(unit, target))
        );
    }
    if let Some(goal) = outlook.target {
        let _ = write!(
            legend,
            "<i style=\"background:{TARGET};height:2px;vertical-align:3px\"></i>target {}",
            escape(&format::axis(unit, goal))
        );
    }
    if let (Some(first), Some(last)) = (lines.first(), forecast.last()) {
        let _ = write!(
            legend,
            "<i style=\"background:{};opacity:0.35\"></i>forecast to {}, 80% interval",
            first.color,
            escape(&format::month_short(last.month))
        );
    }
    if lines
        .iter()
        .any(|line| line.points.iter().any(|(_, low)| *low))
    {
        legend.push_str(
            "<i style=\"background:#fff;border:1.5px solid #6b7280;border-radius:50%\"></i>fewer than 30 responses",
        );
    }
    figure(title, &svg, &legend)
}

pub(super) fn figure(title: &str, svg: &str, legend: &str) -> String {
    let legend = if legend.is_empty() {
        String::new()
    } else {
        format!("<div class=\"legend\">{legend}</div>")
    };
    format!(
        "<figure><figcaption>{}</figcaption>{svg}{legend}</figure>\n",
        escape(title)
    )
}

pub(super) fn company_line(pack: &Pack<'_>, metric: Metric, color: &'static str) -> Line {
    Line {
        label: metric.label().to_string(),
        metric: Some(metric),
        color,
        points: trend(pack, metric, None),
    }
}

pub(super) fn target_of(pack: &Pack<'_>, metric: Metric) -> Option<f64> {
    pack.standings
        .band(metric, None)
        .and_then(|band| band.target())
}

/// Two charts side by side.
pub(super) fn chart_row(html: &mut String, left: &str, right: &str) {
    let _ = writeln!(html, "<div class=\"grid2\">{left}{right}</div>");
}

/// A company metric's twelve months, with the warning level when the rules set one, its
/// target and its forecast.
pub(super) fn metric_chart(pack: &Pack<'_>, metric: Metric, color: &'static str) -> String {
    line_chart(
        pack,
        metric.label(),
        metric.unit(),
        &[company_line(pack, metric, color)],
        target_of(pack, metric),
        None,
        outlook(pack, metric),
    )
}

/// Revenue → −cost of sales → −operating expenses → EBITDA, as floating bars.
pub(super) fn bridge_chart(pack: &Pack<'_>) -> String {
    let title = format!("EBITDA bridge, {}", format::month_short(pack.month));
    let value = |metric| pack.metrics.value(metric, None, pack.month);
    let (Some(revenue), Some(cogs), Some(opex), Some(ebitda)) = (
        value(Metric::Revenue),
        value(Metric::Cogs),
        value(Metric::Opex),
        value(Metric::Ebitda),
    ) else {
        return figure(
            &title,
            "<p class=\"weak\">No finance data for this month.</p>",
            "",
        );
    };
    let after_cogs = revenue - cogs;
    let ebitda_color = if ebitda >= 0.0 { GOOD } else { BAD };
    let steps = [
        (
            "Revenue",
            0.0,
            revenue,
            REVENUE,
            format::grouped(revenue, 0),
        ),
        (
            "Cost of sales",
            after_cogs,
            revenue,
            COST,
            format!("−{}", format::grouped(cogs, 0)),
        ),
        (
            "Opex",
            ebitda,
            after_cogs,
            COST,
            format!("−{}", format::grouped(opex, 0)),
        ),
        (
            "EBITDA",
            0.0,
            ebitda,
            ebitda_color,
            format::grouped(ebitda, 0),
        ),
    ];
    let plot = Plot::standard(190.0);
    let values: Vec<f64> = steps.iter().flat_map(|step| [step.1, step.2]).collect();
    let Some(scale) = Scale::over(&values, true) else {
        return String::new();
    };
    let mut svg = plot.open(&title);
    plot.value_axis(&mut svg, &scale, Unit::Money);
    let slot = plot.inner_width() / steps.len() as f64;
    for (index, (label, from, to, color, text)) in steps.iter().enumerate() {
        let (top, bottom) = (plot.y(&scale, from.max(*to)), plot.y(&scale, from.min(*to)));
        let x = plot.left + slot * index as f64 + slot * 0.18;
        let width = slot * 0.64;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"{width:.1}\" height=\"{:.1}\" fill=\"{color}\" rx=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"600\" fill=\"#1f2328\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#6b7280\">{label}</text>",
            (bottom - top).max(1.0),
            x + width / 2.0,
            top - 4.0,
            escape(text),
            x + width / 2.0,
            plot.height - 8.0,
        );
        if index + 1 < steps.len() {
            let level = plot.y(&scale, if index == 0 { *to } else { *from });
            let _ = write!(
                svg,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{level:.1}\" y2=\"{level:.1}\" stroke=\"#9ca3af\" stroke-dasharray=\"2 2\"/>",
                x + width,
                x + slot
            );
        }
    }
    svg.push_str("</svg>");
    let margin = pack.metrics.value(Metric::EbitdaMargin, None, pack.month);
    figure(
        &title,
        &svg,
        &format!(
            "EBITDA margin {}",
            escape(&shown(Metric::EbitdaMargin, margin))
        ),
    )
}

/// Utilization per department as horizontal bars over the healthy band.
pub(super) fn utilization_bars(pack: &Pack<'_>, band: Option<(f64, f64)>) -> String {
    let title = format!(
        "Utilization by department, {}",
        format::month_short(pack.month)
    );
    let rows: Vec<(String, f64, Option<Standing>)> = departments_with(pack, &[Metric::Utilization])
        .into_iter()
        .filter_map(|(id, name)| {
            let value = pack
                .metrics
                .value(Metric::Utilization, Some(id), pack.month)?;
            let standing = pack
                .standings
                .status(Metric::Utilization, Some(id), pack.month);
            Some((name, value, standing))
        })
        .collect();
    if rows.is_empty() {
        return figure(
            &title,
            "<p class=\"weak\">No workforce data for this month.</p>",
            "",
        );
    }
    let row_height = 22.0;
    let plot = Plot {
        width: 460.0,
        height: 30.0 + row_height * rows.len() as f64,
        left: 118.0,
        right: 44.0,
        top: 6.0,
        bottom: 22.0,
    };
    let high = rows
        .iter()
        .map(|row| row.1)
        .chain(band.map(|band| band.1))
        .fold(1.0_f64, f64::max);
    let scale = Scale {
        low: 0.0,
        high: (high * 10.0).ceil() / 10.0,
        step: 0.25,
    };
    let x = |value: f64| plot.left + plot.inner_width() * scale.fraction(value);
    let mut svg = plot.open(&title);
    if let Some((low, high)) = band {
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{GOOD}\" fill-opacity=\"0.10\"/>",
            x(low),
            plot.top,
            x(high) - x(low),
            plot.inner_height()
        );
    }
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" stroke=\"#e5e7eb\"/>\
             <text x=\"{0:.1}\" y=\"{3:.1}\" text-anchor=\"middle\" fill=\"#6b7280\">{4}</text>",
            x(tick),
            plot.top,
            plot.top + plot.inner_height(),
            plot.height - 8.0,
            format::percent_level(tick)
        );
    }
    for (index, (name, value, standing)) in rows.iter().enumerate() {
        let y = plot.top + 4.0 + row_height * index as f64;
        let color = standing.map_or(REVENUE, standing_color);
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1f2328\">{}</text>\
             <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\" rx=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1f2328\" font-weight=\"600\">{}</text>",
            plot.left - 6.0,
            y + 12.0,
            escape(name),
            plot.left,
            (x(*value) - plot.left).max(1.0),
            row_height - 8.0,
            x(*value) + 4.0,
            y + 12.0,
            escape(&shown(Metric::Utilization, Some(*value)))
        );
    }
    svg.push_str("</svg>");
    let legend = match band {
        Some((low, high)) => format!(
            "<i style=\"background:{GOOD};opacity:0.35\"></i>healthy band {}–{} · bars coloured by the rules",
            format::percent_level(low),
            format::percent_level(high)
        ),
        None => String::new(),
    };
    figure(&title, &svg, &legend)
}
