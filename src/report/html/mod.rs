//! The board pack: one self-contained HTML file with the month's picture, for the CEO and the
//! board. KPI cards with deltas, the EBITDA bridge, delivery, productivity and customer trends,
//! the goals (plan, actual and forecast landing per department, owners named; SPEC §6), the
//! department heat map, the open escalations with owners, money at stake and latest comments,
//! and what the numbers rest on. Trend charts carry the target line and, at the as-of month,
//! the forecast with its 80% interval as a band.
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
use crate::escalations::targets::{GoalProgress, TargetStatus, is_additive};
use crate::escalations::{AuditEntry, Severity, Standing, Status, StatusBoard};
use crate::metrics::forecast::{Forecast, ForecastPoint};
use crate::metrics::{Metric, MetricTable, Unit};
use crate::model::{Dataset, DepartmentId, Month};

mod charts;
mod goals;
mod sections;
mod style;

use goals::goals_section;
use sections::*;
use style::STYLE;

/// Everything the pack is drawn from.
pub struct Pack<'a> {
    pub report: &'a Report,
    pub dataset: &'a Dataset,
    /// The whole history: trends reach back twelve months from `month`.
    pub metrics: &'a MetricTable,
    pub standings: &'a StatusBoard,
    /// Where every target stands (SPEC §6).
    pub goals: &'a [GoalProgress],
    /// The forecast series: drawn on the trend charts when the pack's month is the as-of month.
    pub forecasts: &'a [Forecast],
    /// The latest comment per escalation id.
    pub latest_comments: &'a HashMap<String, AuditEntry>,
    /// The month the pack reports on.
    pub month: Month,
    /// How each company KPI of the month is worked out (`explain`'s arithmetic), for the page
    /// of what the numbers rest on.
    pub workings: &'a [(Metric, String)],
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
const TARGET: &str = "#1f2328";

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
    goals_section(&mut html, pack);
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
    // A department whose export did not arrive is said on the cover, not just left out.
    if let Some(line) = report.freshness.line() {
        let _ = writeln!(
            html,
            "<p class=\"freshness\"><b>Not complete:</b> {}</p>",
            escape(&line)
        );
    }
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
    let verdict = format::verdict(pack.metrics, metric, department, pack.month, earlier);
    let delta = escape(&format::delta(metric, current, previous));
    if verdict == format::Verdict::WithinMargin {
        return format!(
            "<span class=\"{}\" title=\"within the margin of error\">{delta} (within margin)</span>",
            verdict_class(None)
        );
    }
    format!(
        "<span class=\"{}\">{delta}</span>",
        verdict_class(verdict.improvement())
    )
}

fn section_open(html: &mut String, title: &str, lead: &str) {
    let _ = writeln!(
        html,
        "<section><h2>{}</h2><p class=\"lead\">{}</p>",
        escape(title),
        escape(lead)
    );
}

#[cfg(test)]
mod tests {
    use super::charts::{Scale, segments};
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
