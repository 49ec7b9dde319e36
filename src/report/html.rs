//! The board pack: one self-contained HTML file with the month's picture, for the CEO and the
//! board. KPI cards with deltas, the EBITDA bridge, delivery, productivity and customer trends,
//! the department heat map, the open escalations with owners and latest comments, and what the
//! numbers rest on.
//!
//! Self-contained means no network at all: no scripts, no web fonts (the system font stack), no
//! images; charts are inline SVG drawn here. It prints to A4 or Letter: a print stylesheet puts
//! each section on its own page and keeps cards, charts and table rows whole.
//!
//! Numbers are formatted by [`super::format`], the functions the app's cards and tables use, so
//! the pack shows every number exactly as the app does. Every piece of text that comes from the
//! data (department names, file names, comments, owners) goes through [`escape`].

use std::collections::HashMap;
use std::fmt::Write;

use super::{COMPANY_KPIS, FINANCE_TABLE, HEATMAP_METRICS, KPI_CARDS, Report, format, kpi_note};
use crate::escalations::{AuditEntry, Severity, Standing, Status, StatusBoard};
use crate::metrics::{Metric, MetricTable, Unit};
use crate::model::{Dataset, DepartmentId, Month};

/// Everything the pack is drawn from.
pub struct Pack<'a> {
    pub report: &'a Report,
    pub dataset: &'a Dataset,
    /// The whole history: trends reach back twelve months from `month`.
    pub metrics: &'a MetricTable,
    pub standings: &'a StatusBoard,
    /// The latest comment per escalation id.
    pub latest_comments: &'a HashMap<String, AuditEntry>,
    /// The month the pack reports on.
    pub month: Month,
}

/// How many months the trend charts show, ending with the pack's month.
const TREND_MONTHS: i32 = 12;

/// How many escalations and data-quality notes are listed before "and N more".
const MAX_ESCALATIONS: usize = 30;
const MAX_NOTES: usize = 12;

/// Colours, the app's light palette.
const GOOD: &str = "#16803d";
const BAD: &str = "#c82828";
const WARNING: &str = "#c47800";
const WATCH: &str = "#2864c8";
const NEUTRAL: &str = "#6e6e6e";
const REVENUE: &str = "#2563eb";
const COST: &str = "#dc5046";
const SECONDARY: &str = "#7c3aed";

/// Text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(character),
        }
    }
    escaped
}

fn standing_color(standing: Standing) -> &'static str {
    match standing {
        Standing::Ok => GOOD,
        Standing::Watch => WATCH,
        Standing::Warning => WARNING,
        Standing::Critical => BAD,
    }
}

fn standing_class(standing: Standing) -> &'static str {
    match standing {
        Standing::Ok => "ok",
        Standing::Watch => "watch",
        Standing::Warning => "warning",
        Standing::Critical => "critical",
    }
}

fn verdict_class(improvement: Option<bool>) -> &'static str {
    match improvement {
        Some(true) => "better",
        Some(false) => "worse",
        None => "flat",
    }
}

const STYLE: &str = r#"
:root { --ink: #1f2328; --weak: #6b7280; --line: #dadada; --fill: #f3f4f6;
  --good: #16803d; --bad: #c82828; --warning: #c47800; --watch: #2864c8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 32px 40px; }
h1 { font-size: 24px; margin: 0 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 4px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 13.5px; margin: 14px 0 6px; }
p { margin: 4px 0 8px; }
.lead { color: var(--weak); margin-bottom: 14px; }
.weak { color: var(--weak); }
.masthead { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px;
  border-bottom: 3px solid var(--ink); padding-bottom: 10px; margin-bottom: 12px; }
.masthead .kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 11px; color: var(--weak); }
.basis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px 16px; font-size: 12px;
  background: var(--fill); border-radius: 6px; padding: 8px 12px; margin-bottom: 16px; }
.basis b { display: block; font-size: 10.5px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--weak); font-weight: 600; }
section { margin-top: 28px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 6px;
  padding: 8px 10px 6px; break-inside: avoid; }
.card.ok { border-left-color: var(--good); } .card.watch { border-left-color: var(--watch); }
.card.warning { border-left-color: var(--warning); } .card.critical { border-left-color: var(--bad); }
.card .label { color: var(--weak); font-size: 12px; display: flex; justify-content: space-between; align-items: flex-start; gap: 4px; }
.card .label span:first-child { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card .label .chip { flex: none; line-height: 16px; }
.card .value { font-size: 22px; font-weight: 650; margin: 2px 0 0; font-variant-numeric: tabular-nums; }
.card .value.low { color: var(--weak); }
.card .deltas { font-size: 11.5px; font-variant-numeric: tabular-nums; }
.card .note { font-size: 11px; color: var(--weak); min-height: 15px; }
.card svg { display: block; width: 100%; height: 34px; margin-top: 4px; }
.chip { display: inline-block; border-radius: 9px; padding: 0 7px; font-size: 10.5px; font-weight: 600; color: #fff; white-space: nowrap; }
.chip.ok { background: var(--good); } .chip.watch { background: var(--watch); }
.chip.warning { background: var(--warning); } .chip.critical { background: var(--bad); }
.chip.muted { background: var(--fill); color: var(--weak); border: 1px solid var(--line); }
.better { color: var(--good); } .worse { color: var(--bad); } .flat { color: var(--weak); }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 11px; color: var(--weak); font-weight: 600; border-bottom: 1.5px solid #9ca3af; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
tr.total td { font-weight: 650; border-top: 1.5px solid #9ca3af; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-bottom: 10px; }
.grid3 { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 12px; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; font-size: 12.5px; margin-bottom: 2px; }
figure svg { display: block; width: 100%; height: auto; }
.legend { font-size: 11px; color: var(--weak); margin-top: 2px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: -1px; }
.legend i:first-child { margin-left: 0; }
.heat td.cell { text-align: center; white-space: nowrap; }
.heat td.ok { background: rgba(22,128,61,0.16); } .heat td.watch { background: rgba(40,100,200,0.30); }
.heat td.warning { background: rgba(196,120,0,0.30); } .heat td.critical { background: rgba(200,40,40,0.30); font-weight: 650; }
.heat td.none { background: var(--fill); }
.heat td.low { color: var(--weak); }
.heat th { text-align: center; font-size: 10.5px; }
.heat td:first-child { white-space: nowrap; }
.esc td { padding: 3px 5px; }
.esc .id { color: var(--weak); font-size: 10.5px; }
td.file { white-space: nowrap; }
.heat th:first-child { text-align: left; }
.comment { font-size: 11.5px; }
.comment .when { color: var(--weak); }
footer { margin-top: 28px; font-size: 11px; color: var(--weak); border-top: 1px solid var(--line); padding-top: 6px; }
@page { margin: 12mm 11mm 14mm; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  section { margin-top: 0; break-before: page; }
  .masthead { margin-bottom: 8px; padding-bottom: 6px; }
  .basis { margin-bottom: 10px; padding: 6px 10px; }
  .lead { margin-bottom: 8px; }
  .cards { grid-template-columns: repeat(4, 1fr); gap: 8px; }
  .card { padding: 6px 8px 4px; }
  .card .value { font-size: 18px; }
  .card svg { height: 26px; }
  h3 { margin: 10px 0 4px; }
  th, td { padding: 2.5px 6px; }
  .esc { font-size: 10.5px; line-height: 1.3; }
  h2 { break-after: avoid; }
  footer { break-before: avoid; }
}
"#;

/// The whole HTML document.
pub fn write(pack: &Pack<'_>) -> String {
    let mut html = String::with_capacity(256 * 1024);
    let month = pack.month;
    let title = format!("Operations board pack, {}", format::month_long(month));
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&title)
    );
    if let Some(warning) = pack.report.status_warning() {
        let _ = writeln!(
            html,
            "<p class=\"status-warning\" role=\"alert\"><strong>{}</strong></p>",
            escape(&warning)
        );
    }
    masthead(&mut html, pack, &title);
    kpi_section(&mut html, pack);
    finance_section(&mut html, pack);
    delivery_section(&mut html, pack);
    productivity_section(&mut html, pack);
    customers_section(&mut html, pack);
    departments_section(&mut html, pack);
    escalations_section(&mut html, pack);
    basis_section(&mut html, pack);
    let _ = write!(
        html,
        "<footer>COO Dashboard board pack · data folder {} · as of {} · every number as the app shows it</footer>\n</main>\n</body>\n</html>\n",
        escape(&pack.report.data_folder),
        pack.report.as_of
    );
    html
}

fn masthead(html: &mut String, pack: &Pack<'_>, title: &str) {
    let report = pack.report;
    let recognised = report
        .sources
        .iter()
        .filter(|source| source.kind.is_some())
        .count();
    let _ = writeln!(
        html,
        "<header class=\"masthead\"><div><div class=\"kicker\">Board pack</div><h1>{}</h1>\
         <div class=\"weak\">Compared with {} and {}</div></div>\
         <div class=\"weak\">As of {}</div></header>",
        escape(title),
        format::month_long(pack.month.prev()),
        format::month_long(pack.month.offset(-12)),
        report.as_of.format("%-d %B %Y"),
    );
    let _ = writeln!(
        html,
        "<div class=\"basis\">\
         <div><b>Data folder</b>{}</div>\
         <div><b>As of</b>{}</div>\
         <div><b>Rules in force</b>{}</div>\
         <div><b>Input</b>{} of {} · {} rejected · {}</div></div>",
        escape(&report.data_folder),
        report.as_of,
        escape(&report.rules_line()),
        recognised,
        format::count(report.sources.len(), "file read", "files read"),
        format::count(report.rows_rejected(), "row", "rows"),
        format::count(
            report.data_quality.len(),
            "data-quality note",
            "data-quality notes"
        ),
    );
}

/// The value as the app's cards show it.
fn shown(metric: Metric, value: Option<f64>) -> String {
    format::metric_value(metric, value)
}

/// A delta against `earlier`, coloured by whether it is good news.
fn delta_span(
    pack: &Pack<'_>,
    metric: Metric,
    department: Option<DepartmentId>,
    earlier: Month,
) -> String {
    let current = pack.metrics.value(metric, department, pack.month);
    let previous = pack.metrics.value(metric, department, earlier);
    let improvement = format::is_improvement(metric, current, previous);
    format!(
        "<span class=\"{}\">{}</span>",
        verdict_class(improvement),
        escape(&format::delta(metric, current, previous))
    )
}

fn kpi_section(html: &mut String, pack: &Pack<'_>) {
    let month = pack.month;
    let _ = write!(
        html,
        "<div class=\"section-first\"><h2>Company KPIs</h2>\
         <p class=\"lead\">{} · the edge and the chip show where each value stands against the escalation rules; deltas are green when the move is good news.</p>\n<div class=\"cards\">\n",
        format::month_long(month)
    );
    for metric in KPI_CARDS {
        let current = pack.metrics.get(metric, None, month);
        let value = current.and_then(|value| value.value);
        let low_confidence = current.is_some_and(|value| value.low_confidence);
        let standing = value.and(pack.standings.status(metric, None, month));
        let class = standing.map_or("", standing_class);
        let chip = match standing {
            Some(standing) if standing != Standing::Ok => format!(
                "<span class=\"chip {}\">{}</span>",
                standing_class(standing),
                standing.label()
            ),
            _ => String::new(),
        };
        let note = kpi_note(pack.metrics, pack.standings, metric, None, month)
            .map(|note| {
                if low_confidence {
                    format!("{note}, fewer than 30")
                } else {
                    note
                }
            })
            .unwrap_or_default();
        let _ = writeln!(
            html,
            "<div class=\"card {class}\"><div class=\"label\"><span>{}</span>{chip}</div>\
             <div class=\"value{}\">{}</div>\
             <div class=\"deltas\">{} <span class=\"weak\">vs {}</span><br>{} <span class=\"weak\">vs {}</span></div>\
             <div class=\"note\">{}</div>{}</div>",
            escape(metric.label()),
            if low_confidence { " low" } else { "" },
            escape(&shown(metric, value)),
            delta_span(pack, metric, None, month.prev()),
            format::month_short(month.prev()),
            delta_span(pack, metric, None, month.offset(-12)),
            format::month_short(month.offset(-12)),
            escape(&note),
            sparkline(pack, metric),
        );
    }
    html.push_str("</div>\n");

    // The memo's KPI table: every company KPI against last month and last year.
    let _ = writeln!(
        html,
        "<h3>All company KPIs</h3><table><thead><tr><th>KPI</th><th class=\"num\">{}</th>\
         <th class=\"num\">vs {}</th><th class=\"num\">vs {}</th><th>Status</th></tr></thead><tbody>",
        format::month_short(month),
        format::month_short(month.prev()),
        format::month_short(month.offset(-12)),
    );
    for metric in COMPANY_KPIS {
        let Some(current) = pack.metrics.get(metric, None, month) else {
            continue;
        };
        let standing = current
            .value
            .and(pack.standings.status(metric, None, month));
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(metric.label()),
            escape(&shown(metric, current.value)),
            delta_span(pack, metric, None, month.prev()),
            delta_span(pack, metric, None, month.offset(-12)),
            standing_chip(standing),
        );
    }
    html.push_str("</tbody></table></div>\n");
}

fn standing_chip(standing: Option<Standing>) -> String {
    match standing {
        Some(standing) => format!(
            "<span class=\"chip {}\">{}</span>",
            standing_class(standing),
            standing.label()
        ),
        None => "<span class=\"chip muted\">No rule</span>".to_string(),
    }
}

/// The months of the trend charts: twelve ending with the pack's month.
fn trend_months(pack: &Pack<'_>) -> Vec<Month> {
    Month::range(pack.month.offset(1 - TREND_MONTHS), pack.month).collect()
}

/// One point per trend month: the value and whether it is low-confidence.
fn trend(
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
fn sparkline(pack: &Pack<'_>, metric: Metric) -> String {
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
fn segments(points: &[(Option<f64>, bool)]) -> Vec<Vec<(usize, f64)>> {
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
struct Scale {
    low: f64,
    high: f64,
    step: f64,
}

impl Scale {
    /// Round bounds around `values`; from zero when `from_zero` (amounts, counts).
    fn over(values: &[f64], from_zero: bool) -> Option<Scale> {
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

    fn fraction(&self, value: f64) -> f64 {
        (value - self.low) / (self.high - self.low)
    }

    fn ticks(&self) -> Vec<f64> {
        let count = ((self.high - self.low) / self.step).round() as usize;
        (0..=count.min(12))
            .map(|index| self.low + index as f64 * self.step)
            .collect()
    }
}

/// One line of a trend chart.
struct Line {
    label: String,
    /// Formats the end label as the app shows the value; `None` labels in axis units.
    metric: Option<Metric>,
    color: &'static str,
    points: Vec<(Option<f64>, bool)>,
}

/// The plot area of a chart in SVG units.
struct Plot {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn standard(height: f64) -> Plot {
        Plot {
            width: 460.0,
            height,
            left: 52.0,
            right: 44.0,
            top: 10.0,
            bottom: 24.0,
        }
    }

    fn inner_width(&self) -> f64 {
        self.width - self.left - self.right
    }

    fn inner_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    fn y(&self, scale: &Scale, value: f64) -> f64 {
        self.top + self.inner_height() * (1.0 - scale.fraction(value))
    }

    fn open(&self, label: &str) -> String {
        format!(
            "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" font-family=\"inherit\" font-size=\"10.5\">",
            self.width,
            self.height,
            escape(label)
        )
    }

    /// Horizontal grid lines with the value labels on the left.
    fn value_axis(&self, svg: &mut String, scale: &Scale, unit: Unit) {
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
fn tick_label(unit: Unit, value: f64, step: f64) -> String {
    match unit {
        Unit::Money | Unit::MoneyPer if step < 10_000.0 => format::grouped(value, 0),
        Unit::Rate if step < 0.01 => format!("{}%", format::grouped(value * 100.0, 1)),
        Unit::Points | Unit::Count | Unit::PerFte if step < 1.0 => format::grouped(value, 1),
        _ => format::axis(unit, value),
    }
}

/// Month labels under a chart; every other month when there are many.
fn month_axis(svg: &mut String, plot: &Plot, months: &[Month], x: &dyn Fn(usize) -> f64) {
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

/// A line chart over the trend months; low-confidence points drawn hollow. `band` shades the
/// healthy range, `target` draws a dashed level.
fn line_chart(
    pack: &Pack<'_>,
    title: &str,
    unit: Unit,
    lines: &[Line],
    target: Option<f64>,
    band: Option<(f64, f64)>,
) -> String {
    let months = trend_months(pack);
    let plot = Plot::standard(190.0);
    let values: Vec<f64> = lines
        .iter()
        .flat_map(|line| line.points.iter().filter_map(|(value, _)| *value))
        .chain(target)
        .chain(band.into_iter().flat_map(|(low, high)| [low, high]))
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
    if let Some(target) = target {
        let y = plot.y(&scale, target);
        let _ = write!(
            svg,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{WARNING}\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>",
            plot.left,
            plot.width - plot.right
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
            .filter(|(index, _)| *index + 1 == months.len())
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

fn figure(title: &str, svg: &str, legend: &str) -> String {
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

fn company_line(pack: &Pack<'_>, metric: Metric, color: &'static str) -> Line {
    Line {
        label: metric.label().to_string(),
        metric: Some(metric),
        color,
        points: trend(pack, metric, None),
    }
}

fn target_of(pack: &Pack<'_>, metric: Metric) -> Option<f64> {
    pack.standings
        .band(metric, None)
        .and_then(|band| band.target())
}

fn section_open(html: &mut String, title: &str, lead: &str) {
    let _ = writeln!(
        html,
        "<section><h2>{}</h2><p class=\"lead\">{}</p>",
        escape(title),
        escape(lead)
    );
}

/// Departments that have a value for any of `metrics` in the month, in the data's order.
fn departments_with(pack: &Pack<'_>, metrics: &[Metric]) -> Vec<(DepartmentId, String)> {
    pack.dataset
        .departments
        .iter()
        .filter(|(id, _)| {
            metrics
                .iter()
                .any(|metric| pack.metrics.get(*metric, Some(*id), pack.month).is_some())
        })
        .map(|(id, name)| (id, name.to_string()))
        .collect()
}

/// A table of `metrics` per department for the month, with the company as the last row.
fn department_table(pack: &Pack<'_>, metrics: &[Metric]) -> String {
    let mut table = String::from("<table><thead><tr><th>Department</th>");
    for metric in metrics {
        let _ = write!(table, "<th class=\"num\">{}</th>", escape(metric.label()));
    }
    table.push_str("</tr></thead><tbody>\n");
    let rows = departments_with(pack, metrics)
        .into_iter()
        .map(|(id, name)| (Some(id), name))
        .chain(std::iter::once((None, "Company".to_string())));
    for (department, name) in rows {
        let class = if department.is_none() {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(table, "<tr{class}><td>{}</td>", escape(&name));
        for metric in metrics {
            let current = pack.metrics.get(*metric, department, pack.month);
            let text = match current {
                Some(value) if value.low_confidence && value.value.is_some() => {
                    format!("{}*", shown(*metric, value.value))
                }
                Some(value) => shown(*metric, value.value),
                None => "–".to_string(),
            };
            let _ = write!(table, "<td class=\"num\">{}</td>", escape(&text));
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</tbody></table>\n");
    table
}

fn finance_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Finance",
        &format!(
            "{}: from revenue to EBITDA, the last twelve months, and each department's P&L.",
            format::month_long(pack.month)
        ),
    );
    let costs: Vec<(Option<f64>, bool)> = trend_months(pack)
        .into_iter()
        .map(|month| {
            let cogs = pack.metrics.value(Metric::Cogs, None, month);
            let opex = pack.metrics.value(Metric::Opex, None, month);
            (cogs.zip(opex).map(|(cogs, opex)| cogs + opex), false)
        })
        .collect();
    let trend = line_chart(
        pack,
        "Revenue, costs and EBITDA",
        Unit::Money,
        &[
            company_line(pack, Metric::Revenue, REVENUE),
            Line {
                label: "Costs (cost of sales + opex)".to_string(),
                metric: None,
                color: COST,
                points: costs,
            },
            company_line(pack, Metric::Ebitda, GOOD),
        ],
        None,
        None,
    );
    chart_row(html, &bridge_chart(pack), &trend);
    chart_row(
        html,
        &metric_chart(pack, Metric::EbitdaMargin, REVENUE),
        &metric_chart(pack, Metric::CostToRevenue, COST),
    );
    departments_block(html, pack, &FINANCE_TABLE);
    html.push_str("</section>\n");
}

/// Two charts side by side.
fn chart_row(html: &mut String, left: &str, right: &str) {
    let _ = writeln!(html, "<div class=\"grid2\">{left}{right}</div>");
}

/// A company metric's twelve months, with the warning level when the rules set one.
fn metric_chart(pack: &Pack<'_>, metric: Metric, color: &'static str) -> String {
    line_chart(
        pack,
        metric.label(),
        metric.unit(),
        &[company_line(pack, metric, color)],
        target_of(pack, metric),
        None,
    )
}

/// The month's values of `metrics` per department, under its heading.
fn departments_block(html: &mut String, pack: &Pack<'_>, metrics: &[Metric]) {
    let _ = write!(
        html,
        "<h3>Departments, {}</h3>{}",
        format::month_short(pack.month),
        department_table(pack, metrics)
    );
}

/// Revenue → −cost of sales → −operating expenses → EBITDA, as floating bars.
fn bridge_chart(pack: &Pack<'_>) -> String {
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

fn delivery_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Delivery",
        &format!(
            "Deliverables due up to {}: on time, late and still open.",
            pack.report.as_of.format("%-d %B %Y")
        ),
    );
    chart_row(
        html,
        &metric_chart(pack, Metric::OnTimeRate, REVENUE),
        &metric_chart(pack, Metric::DeliverablesDue, SECONDARY),
    );
    departments_block(
        html,
        pack,
        &[
            Metric::DeliverablesDue,
            Metric::OnTimeRate,
            Metric::AvgDaysLate,
            Metric::OverdueOpen,
            Metric::BudgetOverrunRate,
        ],
    );

    // Open past-due deliverables, most days late first.
    let as_of = pack.report.as_of;
    let mut overdue: Vec<_> = pack
        .dataset
        .deliveries
        .iter()
        .filter(|row| {
            row.due_date < as_of && row.delivered_date.is_none_or(|delivered| delivered > as_of)
        })
        .collect();
    overdue.sort_by_key(|row| (row.due_date, row.id.clone()));
    let _ = write!(html, "<h3>Overdue deliverables ({})</h3>", overdue.len());
    if overdue.is_empty() {
        html.push_str("<p class=\"weak\">Nothing past due is open.</p>");
    } else {
        html.push_str(
            "<table><thead><tr><th>Id</th><th>Deliverable</th><th>Customer</th><th>Department</th>\
             <th class=\"num\">Due</th><th class=\"num\">Days late</th></tr></thead><tbody>\n",
        );
        for row in overdue {
            let department = row
                .department
                .map(|id| pack.dataset.departments.name(id))
                .unwrap_or("–");
            let _ = writeln!(
                html,
                "<tr><td class=\"file\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&row.id),
                escape(row.name.as_deref().unwrap_or("")),
                escape(row.customer.as_deref().unwrap_or("")),
                escape(department),
                row.due_date,
                (as_of - row.due_date).num_days()
            );
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</section>\n");
}

fn productivity_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Productivity",
        &format!(
            "{}: how much of the available time was billable, and what each FTE produced.",
            format::month_long(pack.month)
        ),
    );
    let band = pack
        .standings
        .band(Metric::Utilization, None)
        .and_then(|band| Some((band.warning_below?, band.warning_above?)));
    // Tracked utilization (billable share of the hours time trackers logged) beside it, where
    // time entries were read.
    let mut lines = vec![company_line(pack, Metric::Utilization, REVENUE)];
    let tracked = company_line(pack, Metric::TrackedUtilization, SECONDARY);
    if tracked.points.iter().any(|(value, _)| value.is_some()) {
        lines.push(tracked);
    }
    let company = line_chart(pack, "Utilization, company", Unit::Rate, &lines, None, band);
    chart_row(html, &utilization_bars(pack, band), &company);
    chart_row(
        html,
        &metric_chart(pack, Metric::RevenuePerFte, REVENUE),
        &metric_chart(pack, Metric::OutputPerFte, SECONDARY),
    );
    let tracked_this_month = pack
        .metrics
        .get(Metric::TrackedUtilization, None, pack.month)
        .is_some();
    let columns: Vec<Metric> = [
        Metric::Utilization,
        Metric::TrackedUtilization,
        Metric::RevenuePerFte,
        Metric::OutputPerFte,
        Metric::CostPerOutput,
    ]
    .into_iter()
    .filter(|&metric| metric != Metric::TrackedUtilization || tracked_this_month)
    .collect();
    departments_block(html, pack, &columns);
    html.push_str("</section>\n");
}

/// Utilization per department as horizontal bars over the healthy band.
fn utilization_bars(pack: &Pack<'_>, band: Option<(f64, f64)>) -> String {
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

fn customers_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Customers",
        "Loyalty (NPS), satisfaction (CSAT) and churn over twelve months; hollow points rest on fewer than 30 responses.",
    );
    chart_row(
        html,
        &metric_chart(pack, Metric::Nps, REVENUE),
        &metric_chart(pack, Metric::Csat, SECONDARY),
    );
    let churn = line_chart(
        pack,
        "Churn",
        Unit::Rate,
        &[
            company_line(pack, Metric::ChurnRate, COST),
            company_line(pack, Metric::RevenueChurnRate, WARNING),
        ],
        target_of(pack, Metric::ChurnRate),
        None,
    );
    chart_row(
        html,
        &churn,
        &metric_chart(pack, Metric::ActiveCustomers, REVENUE),
    );
    departments_block(
        html,
        pack,
        &[
            Metric::Nps,
            Metric::NpsResponses,
            Metric::Csat,
            Metric::CsatResponses,
            Metric::ActiveCustomers,
            Metric::ChurnRate,
        ],
    );
    html.push_str("<p class=\"weak\">* fewer than 30 responses: low confidence.</p></section>\n");
}

fn departments_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Departments",
        &format!(
            "{} · each cell coloured by where the value stands against the escalation rules.",
            format::month_long(pack.month)
        ),
    );
    html.push_str("<table class=\"heat\"><thead><tr><th>Department</th>");
    for metric in HEATMAP_METRICS {
        let _ = write!(html, "<th>{}</th>", escape(metric.label()));
    }
    html.push_str("</tr></thead><tbody>\n");
    let rows = pack
        .dataset
        .departments
        .iter()
        .map(|(id, name)| (Some(id), name.to_string()))
        .chain(std::iter::once((None, "Company".to_string())));
    for (department, name) in rows {
        let class = if department.is_none() {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(html, "<tr{class}><td>{}</td>", escape(&name));
        for metric in HEATMAP_METRICS {
            let current = pack.metrics.get(metric, department, pack.month);
            let value = current.and_then(|value| value.value);
            let low_confidence = current.is_some_and(|value| value.low_confidence);
            // As the app's heat map writes a cell.
            let mut text = format::metric_value(metric, value)
                .replace(" points", "")
                .replace(" per FTE", "");
            if low_confidence {
                text.push('*');
            }
            let standing = value.and(pack.standings.status(metric, department, pack.month));
            let status_class = standing.map_or("none", standing_class);
            let low = if low_confidence { " low" } else { "" };
            let _ = write!(
                html,
                "<td class=\"cell {status_class}{low}\" title=\"{}\">{}</td>",
                escape(standing.map_or("No rule", Standing::label)),
                escape(&text)
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table>\n<div class=\"legend\">");
    for standing in Standing::ALL {
        let _ = write!(
            html,
            "<i style=\"background:{};opacity:0.5\"></i>{}",
            standing_color(standing),
            standing.label()
        );
    }
    html.push_str(
        "<i style=\"background:#f3f4f6;border:1px solid #dadada\"></i>No rule · * fewer than 30 responses</div>\n</section>\n",
    );
}

fn escalations_section(html: &mut String, pack: &Pack<'_>) {
    let mut open: Vec<_> = pack
        .report
        .escalations
        .iter()
        .filter(|row| row.month == pack.month && row.status != Status::Resolved)
        .collect();
    // Most severe first; the report's order within a severity.
    open.sort_by_key(|row| std::cmp::Reverse(row.severity));
    let count = |severity: Severity| open.iter().filter(|row| row.severity == severity).count();
    section_open(
        html,
        "Open escalations",
        &format!(
            "{}: {} critical, {} warning, {} watch, not yet resolved; with owner and latest comment.",
            format::month_long(pack.month),
            count(Severity::Critical),
            count(Severity::Warning),
            count(Severity::Watch)
        ),
    );
    if open.is_empty() {
        html.push_str("<p>Nothing open: no rule fired this month, or everything was resolved.</p></section>\n");
        return;
    }
    html.push_str(
        "<table class=\"esc\"><thead><tr><th style=\"width:9%\">Severity</th><th>What</th><th style=\"width:11%\">Status</th><th style=\"width:14%\">Owner</th><th style=\"width:24%\">Latest comment</th></tr></thead><tbody>\n",
    );
    for row in open.iter().take(MAX_ESCALATIONS) {
        let standing = Standing::from(row.severity);
        let comment = match pack.latest_comments.get(&row.id) {
            Some(entry) => format!(
                "<div class=\"comment\">{}<div class=\"when\">{}{}</div></div>",
                escape(entry.text.as_deref().unwrap_or("")),
                escape(entry.at.get(..10).unwrap_or(&entry.at)),
                entry
                    .actor
                    .as_deref()
                    .map(|actor| format!(", {}", escape(actor)))
                    .unwrap_or_default()
            ),
            None => "<span class=\"weak\">–</span>".to_string(),
        };
        let _ = writeln!(
            html,
            "<tr><td><span class=\"chip {}\">{}</span></td><td>{}<div class=\"id\">{}</div></td><td>{}</td><td>{}</td><td>{comment}</td></tr>",
            standing_class(standing),
            row.severity,
            escape(&row.message),
            escape(&row.id),
            row.status,
            escape(row.owner.as_deref().unwrap_or("–")),
        );
    }
    html.push_str("</tbody></table>\n");
    if open.len() > MAX_ESCALATIONS {
        let _ = write!(
            html,
            "<p class=\"weak\">And {} more (watch items) in the JSON report.</p>",
            open.len() - MAX_ESCALATIONS
        );
    }
    html.push_str("</section>\n");
}

fn basis_section(html: &mut String, pack: &Pack<'_>) {
    let report = pack.report;
    section_open(
        html,
        "What the numbers rest on",
        "Every file read, what was used and rejected, and the first data-quality notes.",
    );
    let _ = write!(
        html,
        "<p><b>Data folder</b> {} · <b>as of</b> {} · <b>rules in force</b> {} · <b>input rows rejected</b> {}</p>",
        escape(&report.data_folder),
        report.as_of,
        escape(&report.rules_line()),
        report.rows_rejected()
    );
    html.push_str(
        "<table><thead><tr><th>File</th><th>Kind</th><th class=\"num\">Rows read</th><th class=\"num\">Used</th>\
         <th class=\"num\">Rejected</th><th class=\"num\">Duplicate</th></tr></thead><tbody>\n",
    );
    for source in &report.sources {
        let kind = source
            .kind
            .map_or("not used".to_string(), |kind| kind.to_string());
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&source.file),
            escape(&kind),
            format::grouped(source.rows_read as f64, 0),
            format::grouped(source.rows_used as f64, 0),
            format::grouped(source.rows_rejected as f64, 0),
            format::grouped(source.rows_duplicate as f64, 0),
        );
    }
    html.push_str("</tbody></table>\n");
    if !report.data_quality.is_empty() {
        let _ = writeln!(
            html,
            "<h3>Data-quality notes ({} in all{})</h3><table><thead><tr><th>File</th><th class=\"num\">Line</th><th>Problem</th></tr></thead><tbody>",
            report.data_quality.len(),
            if report.data_quality.len() > MAX_NOTES {
                format!("; the {MAX_NOTES} that matter most here, every one in the JSON report")
            } else {
                String::new()
            }
        );
        for issue in crate::model::notes_that_matter_first(&report.data_quality)
            .into_iter()
            .take(MAX_NOTES)
        {
            let _ = writeln!(
                html,
                "<tr><td class=\"file\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&issue.file),
                issue.line.map(|line| line.to_string()).unwrap_or_default(),
                escape(&issue.problem)
            );
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"R&D\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;R&amp;D&quot;"
        );
    }

    #[test]
    fn scales_have_round_bounds_that_cover_the_values() {
        let scale = Scale::over(&[0.62, 0.98], false).unwrap();
        assert!(scale.low <= 0.62 && scale.high >= 0.98, "{scale:?}");
        assert_eq!(scale.step, 0.1);
        let money = Scale::over(&[1_200.0, 1_900.0], true).unwrap();
        assert_eq!((money.low, money.high, money.step), (0.0, 2_000.0, 500.0));
        assert!(Scale::over(&[], false).is_none());
        // A flat series still gets a range.
        let flat = Scale::over(&[5.0, 5.0], false).unwrap();
        assert!(flat.low < 5.0 && flat.high > 5.0);
    }

    #[test]
    fn a_missing_month_breaks_a_line_into_segments() {
        let points = [
            (Some(1.0), false),
            (None, false),
            (Some(2.0), false),
            (Some(3.0), true),
        ];
        assert_eq!(
            segments(&points),
            vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]
        );
    }
}
