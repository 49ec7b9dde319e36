//! The CSV form of the report: one row per metric value, safe to open in Excel.
//!
//! A text cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`,
//! per OWASP's CSV-injection guidance, so a spreadsheet shows it as text instead of running it as
//! a formula. Numbers are written as plain numbers (`-0.0962`), never prefixed: they stay numbers.
//!
//! What the numbers rest on (data folder, as-of date, rules layers, rows rejected) is repeated in
//! four columns at the end of every row rather than in a block above the header: the file stays
//! one rectangular table that Excel, pandas and `csv` readers load as is, and every row still
//! says where it came from when filtered or pasted elsewhere.

use super::Report;

/// The header row.
pub const COLUMNS: [&str; 9] = [
    "metric",
    "department",
    "month",
    "value",
    "low_confidence",
    "data_folder",
    "as_of",
    "rules",
    "rows_rejected",
];

/// Neutralises a text cell that a spreadsheet would run as a formula.
pub fn safe_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub fn write(report: &Report) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let data_folder = safe_text(&report.data_folder);
    let as_of = report.as_of.to_string();
    let rules = safe_text(&report.rules_line());
    let rejected = report.rows_rejected().to_string();
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(COLUMNS);
    for row in &report.metrics {
        let _ = writer.write_record([
            row.metric,
            &safe_text(row.department.as_deref().unwrap_or("")),
            &row.month.to_string(),
            &row.value
                .filter(|value| value.is_finite())
                .map(|value| value.to_string())
                .unwrap_or_default(),
            if row.low_confidence { "true" } else { "false" },
            &data_folder,
            &as_of,
            &rules,
            &rejected,
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::report::MetricRow;

    #[test]
    fn every_formula_trigger_is_neutralised_and_plain_text_kept() {
        assert_eq!(safe_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_text("+1+1"), "'+1+1");
        assert_eq!(safe_text("-cmd"), "'-cmd");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("\rx"), "'\rx");
        assert_eq!(safe_text("Engineering"), "Engineering");
        assert_eq!(safe_text("R&D = growth"), "R&D = growth");
        assert_eq!(safe_text(""), "");
    }

    fn report_with(department: &str, value: f64, data_folder: &str) -> Report {
        Report {
            escalation_status_unavailable: None,
            data_folder: data_folder.to_string(),
            as_of: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
            rules: vec!["shipped defaults".to_string(), "=cmd.toml".to_string()],
            months: Vec::new(),
            departments: vec![department.to_string()],
            sources: Vec::new(),
            metrics: vec![MetricRow {
                metric: "ebitda_margin",
                department: Some(department.to_string()),
                month: "2026-10".parse().unwrap(),
                value: Some(value),
                low_confidence: false,
                margin: None,
                interval: None,
            }],
            escalations: Vec::new(),
            data_quality: Vec::new(),
            freshness: Default::default(),
            targets: Vec::new(),
            forecasts: Vec::new(),
            forecasts_unavailable: Vec::new(),
            channel_metrics: Vec::new(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn a_hostile_department_and_folder_are_text_while_a_negative_value_stays_a_number() {
        let text = write(&report_with("=2+5+cmd|' /C calc'!A0", -0.0962, "-data"));
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(&row[1], "'=2+5+cmd|' /C calc'!A0");
        assert_eq!(&row[3], "-0.0962", "a number is never prefixed");
        assert_eq!(&row[5], "'-data");
        assert_eq!(&row[6], "2026-10-31");
        assert_eq!(&row[7], "shipped defaults + =cmd.toml");
        assert_eq!(&row[8], "0");
    }

    #[test]
    fn the_header_names_every_column_and_the_basis_columns_come_last() {
        let text = write(&report_with("Engineering", 0.1576, "sample_data"));
        let first_line = text.lines().next().unwrap();
        assert_eq!(
            first_line,
            "metric,department,month,value,low_confidence,data_folder,as_of,rules,rows_rejected"
        );
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "ebitda_margin,Engineering,2026-10,0.1576,false,sample_data,2026-10-31,shipped defaults + =cmd.toml,0"
        );
    }
}
