//! The Markdown memo: one page a COO can paste into a note to the CEO. Company KPIs with the
//! change against last month and last year, a line per missed or at-risk goal (SPEC §6), what
//! needs attention with the money at stake, then departments worst first, then what the numbers
//! rest on (data folder, as-of date, rules layers, files read, rows rejected).

use std::fmt::Write;

use super::{COMPANY_KPIS, Report, format};
use crate::escalations::Severity;
use crate::escalations::store::Status;
use crate::escalations::targets::GoalProgress;
use crate::metrics::{Metric, MetricTable};
use crate::model::{Dataset, DepartmentId, Month};

/// How many escalations the memo lists before pointing to the full report.
const MAX_ATTENTION: usize = 8;

/// The department table's columns.
const DEPARTMENT_COLUMNS: [Metric; 5] = [
    Metric::EbitdaMargin,
    Metric::OnTimeRate,
    Metric::Utilization,
    Metric::Nps,
    Metric::ChurnRate,
];

/// Text from the data as the memo writes it: one line, no control characters, `<` and `>` as
/// entities (so `<script>` or `<img onerror>` is shown, never run, where the memo is rendered)
/// and `|` escaped (it cannot split a table cell). `&` stays as it is: an entity written in the
/// data can only ever decode to text.
fn escape_cell(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in crate::text::printable(value).chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '|' => escaped.push_str("\\|"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Text from the data inside a code span: shown literally by Markdown, so only a backtick (which
/// would end the span) and control characters are replaced.
fn code_span(value: &str) -> String {
    crate::text::printable(value).replace('`', "'")
}

fn change(
    metric: Metric,
    table: &MetricTable,
    department: Option<DepartmentId>,
    month: Month,
    earlier: Month,
) -> String {
    let current = table.value(metric, department, month);
    let previous = table.value(metric, department, earlier);
    let verdict = match format::verdict(table, metric, department, month, earlier) {
        format::Verdict::Better => " (better)",
        format::Verdict::Worse => " (worse)",
        format::Verdict::Flat => "",
        format::Verdict::WithinMargin => " (within the margin of error)",
    };
    format!("{}{verdict}", format::delta(metric, current, previous))
}

fn shown(
    metric: Metric,
    table: &MetricTable,
    department: Option<DepartmentId>,
    month: Month,
) -> String {
    let Some(value) = table.get(metric, department, month) else {
        return "–".to_string();
    };
    let mut text = format::value(metric, value.value);
    if let Some(margin) = value.margin() {
        text = format!("{text} {}", format::margin(metric.unit(), margin));
    }
    if value.low_confidence {
        format!("{text} (few responses)")
    } else {
        text
    }
}

pub fn write(
    report: &Report,
    dataset: &Dataset,
    table: &MetricTable,
    goals: &[GoalProgress],
    month: Month,
) -> String {
    let mut memo = String::new();
    let previous = month.prev();
    let last_year = month.offset(-12);
    let rejected = report.rows_rejected();
    let unread = report
        .sources
        .iter()
        .filter(|source| source.kind.is_none())
        .count();
    if let Some(warning) = report.status_warning() {
        let _ = writeln!(memo, "**{}**\n", escape_cell(&warning));
    }
    let _ = writeln!(memo, "# Operations summary, {month}\n");
    let _ = writeln!(
        memo,
        "Data folder `{}` · as of {} · rules: {} · {} file(s) read{} · {rejected} input row(s) rejected · {} data-quality note(s)\n",
        code_span(&report.data_folder),
        report.as_of,
        escape_cell(&report.rules_line()),
        report.sources.len() - unread,
        if unread > 0 {
            format!(" ({unread} not usable)")
        } else {
            String::new()
        },
        report.data_quality.len(),
    );
    if let Some(line) = report.freshness.line() {
        let _ = writeln!(memo, "**Not complete:** {}\n", escape_cell(&line));
    }

    let _ = writeln!(memo, "## Company\n");
    let _ = writeln!(memo, "| KPI | {month} | vs {previous} | vs {last_year} |");
    let _ = writeln!(memo, "|---|--:|--:|--:|");
    for metric in COMPANY_KPIS {
        if table.get(metric, None, month).is_none() {
            continue;
        }
        let _ = writeln!(
            memo,
            "| {} | {} | {} | {} |",
            metric.label(),
            shown(metric, table, None, month),
            change(metric, table, None, month, previous),
            change(metric, table, None, month, last_year),
        );
    }

    // Notes written on this month's numbers (SPEC §7), each under the KPI it explains.
    let notes = report.notes_of(month);
    if !notes.is_empty() {
        let _ = writeln!(memo, "\nNotes on these numbers:\n");
        for note in notes {
            let _ = writeln!(
                memo,
                "- **{}**{}: {} — {}",
                escape_cell(
                    crate::metrics::Metric::from_name(&note.metric)
                        .map_or(note.metric.as_str(), |metric| metric.label())
                ),
                note.department
                    .as_deref()
                    .map(|department| format!(" ({})", escape_cell(department)))
                    .unwrap_or_default(),
                escape_cell(&note.text),
                escape_cell(&Report::note_byline(note)),
            );
        }
    }

    // Goals: a line per target missed, behind, or whose forecast landing misses.
    let at_risk = super::goals::at_risk(goals);
    if !goals.is_empty() {
        let _ = writeln!(memo, "\n## Goals\n");
        if at_risk.is_empty() {
            let _ = writeln!(memo, "All {} target(s) met or on course.", goals.len());
        }
        for goal in at_risk.iter().take(MAX_ATTENTION) {
            let _ = writeln!(memo, "- {}", escape_cell(&super::goals::line(goal)));
        }
        if at_risk.len() > MAX_ATTENTION {
            let _ = writeln!(
                memo,
                "- and {} more in the JSON report (`targets`)",
                at_risk.len() - MAX_ATTENTION
            );
        }
    }

    // What needs the reader: the month's unresolved escalations, most severe first and, within
    // a severity, the most money at stake first.
    let mut attention: Vec<_> = report
        .escalations
        .iter()
        .filter(|row| {
            row.month == month && row.status != Status::Resolved && row.severity > Severity::Watch
        })
        .collect();
    attention.sort_by(|a, b| {
        crate::escalations::pressing_first(
            (a.severity, a.money_at_stake),
            (b.severity, b.money_at_stake),
        )
    });
    if !attention.is_empty() {
        let _ = writeln!(memo, "\n## Needs attention\n");
        for row in attention.iter().take(MAX_ATTENTION) {
            let owner = row
                .owner
                .as_deref()
                .map(|owner| format!(", owner {}", escape_cell(owner)))
                .unwrap_or_default();
            let stake = row
                .money_at_stake
                .filter(|amount| *amount > 0.0)
                .map(|amount| format!(", at stake {}", format::grouped(amount, 0)))
                .unwrap_or_default();
            let _ = writeln!(
                memo,
                "- **{}** {} ({}{owner}{stake})",
                row.severity,
                escape_cell(&row.message),
                row.status.as_str()
            );
        }
        if attention.len() > MAX_ATTENTION {
            let _ = writeln!(
                memo,
                "- and {} more in the JSON report",
                attention.len() - MAX_ATTENTION
            );
        }
    }

    let mut departments: Vec<(DepartmentId, &str)> = dataset
        .departments
        .iter()
        .filter(|(id, _)| {
            DEPARTMENT_COLUMNS
                .iter()
                .any(|metric| table.get(*metric, Some(*id), month).is_some())
        })
        .collect();
    // Worst first: lowest EBITDA margin; departments without one after those with one.
    departments.sort_by(|(a, _), (b, _)| {
        let margin = |id: &DepartmentId| {
            table
                .value(Metric::EbitdaMargin, Some(*id), month)
                .unwrap_or(f64::INFINITY)
        };
        margin(a).total_cmp(&margin(b))
    });
    if !departments.is_empty() {
        let _ = writeln!(memo, "\n## Departments, lowest EBITDA margin first\n");
        let header: Vec<&str> = DEPARTMENT_COLUMNS
            .iter()
            .map(|metric| metric.label())
            .collect();
        let _ = writeln!(
            memo,
            "| Department | {} | Margin vs {previous} |",
            header.join(" | ")
        );
        let _ = writeln!(memo, "|---|{}--:|", "--:|".repeat(DEPARTMENT_COLUMNS.len()));
        for (id, name) in departments {
            let cells: Vec<String> = DEPARTMENT_COLUMNS
                .iter()
                .map(|metric| shown(*metric, table, Some(id), month))
                .collect();
            let _ = writeln!(
                memo,
                "| {} | {} | {} |",
                escape_cell(name),
                cells.join(" | "),
                change(Metric::EbitdaMargin, table, Some(id), month, previous)
            );
        }
    }

    let _ = writeln!(memo, "\n## What the numbers rest on\n");
    for source in &report.sources {
        let kind = source
            .kind
            .map_or("not used".to_string(), |kind| kind.to_string());
        let _ = writeln!(
            memo,
            "- `{}`: {kind}, {} row(s) used, {} rejected, {} duplicate",
            code_span(&source.file),
            source.rows_used,
            source.rows_rejected,
            source.rows_duplicate
        );
    }
    let problems: Vec<_> = crate::model::notes_that_matter_first(&report.data_quality)
        .into_iter()
        .take(5)
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(
            memo,
            "\nMain data-quality notes, rows and files left out first (all {} are in the JSON report):\n",
            report.data_quality.len()
        );
        for issue in problems {
            let line = issue
                .line
                .map(|line| format!(" line {line}"))
                .unwrap_or_default();
            let _ = writeln!(
                memo,
                "- `{}`{line}: {}",
                code_span(&issue.file),
                escape_cell(&issue.problem)
            );
        }
    }
    memo
}
