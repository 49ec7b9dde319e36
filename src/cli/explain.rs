//! `coo-dashboard explain DATA_DIR METRIC MONTH [--department D] [--format table|json]`
//! (SPEC §7): the breakdown of one value down to the file lines behind it, with the arithmetic.
//! Exit codes as for `report`: 2 for an unknown metric, department or month, 3 for a folder with
//! nothing recognisable.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::analysis;
use crate::explain::{self, Breakdown};
use crate::format;
use crate::model::Month;
use crate::text::printable;

use super::{Failure, analyse, parse_day, parse_month_argument, warn_rule_problems, write_output};

/// How many source rows and left-out rows the table format prints per list.
const TABLE_ROWS: usize = 50;

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The folder that holds the exports.
    pub data_dir: PathBuf,
    /// The metric, as the report names it (ebitda, nps, churn_rate, …).
    pub metric: String,
    /// The month, YYYY-MM.
    #[arg(value_parser = parse_month_argument)]
    pub month: Month,
    /// One department instead of the company.
    #[arg(long)]
    pub department: Option<String>,
    #[arg(long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Escalation rules on top of the defaults and the data folder's coo-dashboard.toml.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The reporting date (default: the last day of the latest month in the data).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
}

pub fn run(args: &ExplainArgs) -> Result<(), Failure> {
    let metric = explain::parse_metric(&args.metric).map_err(usage)?;
    let options = analysis::Options {
        rules_file: args.rules.clone(),
        state_file: None,
        as_of: args.as_of,
    };
    let analysis = analyse(&args.data_dir, &options)?;
    warn_rule_problems(&analysis);
    analysis::within_data(
        &analysis.dataset,
        "the month",
        &args.month.to_string(),
        args.month,
    )
    .map_err(|sentence| Failure::Usage(anyhow::anyhow!(sentence)))?;
    let department = args
        .department
        .as_deref()
        .map(|name| explain::parse_department(&analysis.dataset, name))
        .transpose()
        .map_err(usage)?;
    let breakdown = explain::explain(
        &analysis.dataset,
        &analysis.metrics,
        analysis.as_of,
        metric,
        args.month,
        department,
    );
    let text = match args.format {
        ExplainFormat::Json => serde_json::to_string_pretty(&breakdown).map_err(|error| {
            Failure::Usage(anyhow::anyhow!(
                "the breakdown could not be written: {error}"
            ))
        })?,
        ExplainFormat::Table => table(&breakdown),
    };
    write_output(args.out.as_deref(), &text)
}

fn usage(error: explain::ExplainError) -> Failure {
    Failure::Usage(anyhow::anyhow!(error))
}

/// The breakdown for a terminal: the value, the arithmetic, the departments, then each kind's
/// rows (the first [`TABLE_ROWS`]; the JSON lists all) and the rows left out.
pub fn table(breakdown: &Breakdown) -> String {
    let mut out = String::new();
    let whose = breakdown
        .department
        .as_deref()
        .map_or_else(|| "company".to_string(), printable);
    let value = format::metric_value(breakdown.metric, breakdown.value);
    let margin = breakdown
        .margin
        .map(|m| format!(" {}", format::margin(breakdown.metric.unit(), m)))
        .unwrap_or_default();
    out.push_str(&format!(
        "{} · {} · {whose}: {value}{margin}\n\n{}\n",
        breakdown.metric.label(),
        format::month_long(breakdown.month),
        printable(&breakdown.arithmetic)
    ));
    if let Some(mismatch) = &breakdown.mismatch {
        out.push_str(&format!("\nWARNING: {mismatch}\n"));
    }
    if !breakdown.departments.is_empty() {
        out.push_str("\nBy department:\n");
        let width = breakdown
            .departments
            .iter()
            .map(|part| part.department.chars().count())
            .max()
            .unwrap_or(0);
        for part in &breakdown.departments {
            out.push_str(&format!(
                "  {:<width$}  {}\n",
                printable(&part.department),
                format::metric_value(breakdown.metric, part.value)
            ));
        }
    }
    for table in &breakdown.tables {
        if table.rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n{} rows ({}):\n",
            table.kind,
            format::count(table.rows.len(), "row", "rows")
        ));
        let mut header: Vec<String> = vec!["file".into(), "line".into(), "department".into()];
        header.extend(table.columns.iter().map(|c| c.to_string()));
        let shown: Vec<Vec<String>> = table
            .rows
            .iter()
            .take(TABLE_ROWS)
            .map(|row| {
                let mut cells = vec![
                    printable(&row.file),
                    row.line.to_string(),
                    row.department.as_deref().map(printable).unwrap_or_default(),
                ];
                cells.extend(row.values.iter().map(|v| printable(v)));
                cells
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                shown
                    .iter()
                    .map(|cells| cells[i].chars().count())
                    .chain(std::iter::once(header[i].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let mut text = String::from(" ");
            for (cell, width) in cells.iter().zip(&widths) {
                text.push_str(&format!(" {cell:<width$}"));
            }
            text.trim_end().to_string() + "\n"
        };
        out.push_str(&line(&header));
        for cells in &shown {
            out.push_str(&line(cells));
        }
        if table.rows.len() > TABLE_ROWS {
            out.push_str(&format!(
                "  … and {} more (--format json lists every row)\n",
                table.rows.len() - TABLE_ROWS
            ));
        }
    }
    if !breakdown.left_out.is_empty() {
        out.push_str(&format!(
            "\nLeft out of these files ({}):\n",
            breakdown.left_out.len()
        ));
        for left in breakdown.left_out.iter().take(TABLE_ROWS) {
            let at = left
                .line
                .map(|line| format!(" line {line}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}{at}: {}\n",
                printable(&left.file),
                printable(&left.reason)
            ));
        }
        if breakdown.left_out.len() > TABLE_ROWS {
            out.push_str(&format!(
                "  … and {} more (--format json lists every one)\n",
                breakdown.left_out.len() - TABLE_ROWS
            ));
        }
    }
    out.trim_end().to_string()
}
