//! The CSV form of the report: one row per metric value, safe to open in Excel (a text cell
//! that starts with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`, per OWASP's
//! CSV-injection guidance; numbers stay numbers).

use super::Report;

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
    let mut rows: Vec<Vec<String>> = vec![
        vec!["metric", "department", "month", "value", "low_confidence"]
            .into_iter()
            .map(String::from)
            .collect(),
    ];
    for row in &report.metrics {
        rows.push(vec![
            row.metric.to_string(),
            safe_text(row.department.as_deref().unwrap_or("")),
            row.month.to_string(),
            row.value.map(|value| value.to_string()).unwrap_or_default(),
            row.low_confidence.to_string(),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_and_plain_text_kept() {
        assert_eq!(safe_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_text("-cmd"), "'-cmd");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("\tx"), "'\tx");
        assert_eq!(safe_text("Engineering"), "Engineering");
    }
}
