//! Reading: every format and value quirk of SPEC §1 parses to the values written in the fixture.

use chrono::NaiveDate;
use coo_dashboard::analysis::read_folder;
use coo_dashboard::model::{Action, CsatScore, Dataset, FinanceRow, Kind, Shape};

use super::{assert_close, fixture, folder_with, load, month};

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn finance_row<'a>(dataset: &'a Dataset, department: &str, month_text: &str) -> &'a FinanceRow {
    let department = dataset
        .departments
        .find(department)
        .expect("department exists");
    dataset
        .finance
        .iter()
        .find(|row| row.department == Some(department) && row.month == month(month_text))
        .unwrap_or_else(|| panic!("no finance row for {month_text}"))
}

/// The fixture's Engineering March row in every format: 1234.5 revenue, 200.25 COGS, 100 opex.
fn assert_engineering_march(dataset: &Dataset) {
    let row = finance_row(dataset, "Engineering", "2026-03");
    assert_close(row.revenue, 1234.5);
    assert_close(row.cogs, 200.25);
    assert_close(row.opex, 100.0);
}

#[test]
fn semicolon_file_with_decimal_commas_and_month_names() {
    let dataset = load(&["finance_semicolon_decimal_comma.csv"]);
    assert_engineering_march(&dataset);
    let sales = finance_row(&dataset, "Sales", "2026-03");
    assert_close(sales.revenue, 2000.0);
    assert_close(sales.opex, 250.5);
    let source = &dataset.sources[0];
    assert_eq!(
        (source.kind, source.shape),
        (Some(Kind::Finance), Some(Shape::Wide))
    );
    assert_eq!(
        (source.rows_read, source.rows_used, source.rows_rejected),
        (2, 2, 0)
    );
}

#[test]
fn currency_signs_thousands_parentheses_and_percents() {
    let dataset = load(&["finance_currency_styles.csv"]);
    let engineering = finance_row(&dataset, "Engineering", "2026-03");
    assert_close(engineering.revenue, 1234.5); // "€1,234.50"
    assert_close(engineering.cogs, 200.0); // "$200"
    assert_close(engineering.opex, -100.0); // "(100)"
    assert_close(engineering.depreciation, 10.0);
    assert_close(engineering.amortization, 5.0);
    assert_eq!(engineering.cost_budget, Some(1000.0)); // "1,000"
    let sales = finance_row(&dataset, "Sales", "2026-03");
    assert_close(sales.revenue, 2000.0); // "€ 2,000.00"
    assert_close(sales.depreciation, 0.0); // blank P&L amount counts as zero
    assert_eq!(sales.cost_budget, None); // blank budget stays missing
    assert_close(
        finance_row(&dataset, "Engineering", "2026-04").revenue,
        0.85,
    ); // "85%"
}

#[test]
fn ledger_postings_sum_per_month_and_department_and_other_categories_are_reported() {
    let dataset = load(&["finance_ledger.csv"]);
    let engineering = finance_row(&dataset, "Engineering", "2026-03");
    assert_close(engineering.revenue, 1234.5); // 1.000,00 + 234,50
    assert_close(engineering.cogs, 200.25);
    assert_close(engineering.opex, 100.0);
    assert_close(engineering.depreciation, 15.0); // "D&A"
    let source = &dataset.sources[0];
    assert_eq!(source.shape, Some(Shape::Ledger));
    assert_eq!(
        (source.rows_read, source.rows_ignored, source.rows_used),
        (9, 1, 8)
    );
    let interest = dataset
        .data_quality
        .iter()
        .find(|issue| issue.value.as_deref() == Some("Interest"))
        .expect("interest reported");
    assert_eq!(interest.line, Some(7));
}

#[test]
fn day_first_dates_are_detected_from_a_day_above_twelve() {
    let dataset = load(&["deliveries_day_first.csv"]);
    let by_id = |id: &str| {
        dataset
            .deliveries
            .iter()
            .find(|row| row.id == id)
            .expect("delivery")
    };
    assert_eq!(by_id("P-1").due_date, ymd(2026, 3, 13));
    assert_eq!(by_id("P-1").delivered_date, Some(ymd(2026, 3, 12)));
    assert_eq!(by_id("P-2").due_date, ymd(2026, 3, 5));
    assert_eq!(by_id("P-2").delivered_date, Some(ymd(2026, 3, 20)));
    assert_eq!(by_id("P-3").delivered_date, None);
    assert_eq!(by_id("P-2").actual_cost, Some(120.0));
    assert_eq!(by_id("P-3").actual_cost, None);
    assert_eq!(by_id("P-1").customer.as_deref(), Some("Acme"));
    assert!(
        !dataset
            .data_quality
            .iter()
            .any(|issue| issue.action == Action::Assumed)
    );
}

#[test]
fn truly_ambiguous_dates_are_read_month_first_with_a_note() {
    let dataset = load(&["deliveries_ambiguous_dates.csv"]);
    let a1 = dataset
        .deliveries
        .iter()
        .find(|row| row.id == "A-1")
        .unwrap();
    assert_eq!(a1.due_date, ymd(2026, 3, 4));
    assert_eq!(a1.delivered_date, Some(ymd(2026, 3, 5)));
    let notes: Vec<_> = dataset
        .data_quality
        .iter()
        .filter(|issue| issue.action == Action::Assumed)
        .collect();
    assert_eq!(notes.len(), 2, "one note per ambiguous column: {notes:?}");
    assert!(notes[0].problem.contains("month-first"));
}

#[test]
fn survey_tool_export_with_long_headers_crlf_and_an_embedded_newline() {
    let dataset = load(&["nps_survey_tool.csv"]);
    let source = &dataset.sources[0];
    assert_eq!(source.kind, Some(Kind::Nps));
    assert!(
        source
            .detection
            .as_deref()
            .unwrap_or_default()
            .contains("recommend")
    );
    assert_eq!(
        (source.rows_read, source.rows_used, source.rows_rejected),
        (4, 3, 1)
    );
    let scores: Vec<u8> = dataset.nps.iter().map(|response| response.score).collect();
    assert_eq!(scores, vec![10, 6, 8]);
    assert_eq!(dataset.nps[0].date, ymd(2026, 3, 31));
    // The quoted comment of R2 (line 3) holds a newline and a comma; the row is read whole.
    assert_eq!(dataset.nps[1].origin.line, 3);
    // R3 starts on physical line 5: R2's comment spans lines 3 and 4.
    let rejected = dataset
        .data_quality
        .iter()
        .find(|issue| issue.action == Action::RowSkipped)
        .unwrap();
    assert_eq!(rejected.line, Some(5));
    assert_eq!(rejected.value.as_deref(), Some("11"));
    assert_eq!(
        rejected.column.as_deref(),
        Some("How likely are you to recommend us to a friend or colleague?")
    );
    assert!(rejected.problem.contains("outside 0–10"));
}

#[test]
fn csat_text_ratings_keep_their_channel_apart_from_departments() {
    let dataset = load(&["csat_text_ratings.csv"]);
    assert_eq!(dataset.sources[0].kind, Some(Kind::Csat));
    let scores: Vec<CsatScore> = dataset.csat.iter().map(|rating| rating.score).collect();
    assert_eq!(
        scores,
        vec![
            CsatScore::Text(true),
            CsatScore::Text(false),
            CsatScore::Text(true)
        ]
    );
    // SPEC §1: the channel is the rating's, never a department.
    assert_eq!(dataset.departments.iter().count(), 0);
    assert_eq!(
        dataset
            .channels
            .iter()
            .map(|(_, name)| name)
            .collect::<Vec<_>>(),
        vec!["Email", "Phone"]
    );
    let channels: Vec<Option<&str>> = dataset
        .csat
        .iter()
        .map(|rating| rating.channel.map(|id| dataset.channels.name(id)))
        .collect();
    assert_eq!(channels, vec![Some("Email"), Some("Email"), Some("Phone")]);
    let rejected = dataset
        .data_quality
        .iter()
        .find(|issue| issue.action == Action::RowSkipped)
        .unwrap();
    assert_eq!(
        (rejected.line, rejected.value.as_deref()),
        (Some(5), Some("meh"))
    );
}

#[test]
fn a_plain_score_column_is_decided_by_its_values() {
    let csat = load(&["survey_plain_score_1_to_5.csv"]);
    assert_eq!(csat.sources[0].kind, Some(Kind::Csat));
    assert!(
        csat.sources[0]
            .detection
            .as_deref()
            .unwrap_or_default()
            .contains("1–5")
    );
    assert_eq!(csat.csat.len(), 3);
    let nps = load(&["survey_plain_score_with_zero.csv"]);
    assert_eq!(nps.sources[0].kind, Some(Kind::Nps));
    assert!(
        nps.sources[0]
            .detection
            .as_deref()
            .unwrap_or_default()
            .contains("0")
    );
}

#[test]
fn tab_separated_workforce_with_a_decimal_comma_and_mixed_month_styles() {
    let dataset = load(&["workforce_tabs.tsv"]);
    let cloud = dataset.departments.find("cloud ops").unwrap();
    let row = dataset
        .workforce
        .iter()
        .find(|row| row.department == Some(cloud))
        .unwrap();
    assert_close(row.fte, 10.5);
    assert_close(row.billable_hours, 1500.0);
    assert_eq!(row.output_units, Some(42.0));
    let engineering = dataset.departments.find("Engineering").unwrap();
    let row = dataset
        .workforce
        .iter()
        .find(|row| row.department == Some(engineering))
        .unwrap();
    assert_eq!(row.month, month("2026-03")); // "03/2026"
    assert_eq!(row.output_units, None);
}

#[test]
fn customer_list_with_a_bom_and_decimal_comma_mrr() {
    let dataset = load(&["customers_list_bom.csv"]);
    assert_eq!(dataset.sources[0].kind, Some(Kind::Customers));
    assert_eq!(dataset.customers.len(), 3);
    let beta = dataset
        .customers
        .iter()
        .find(|c| c.customer_id == "C-2")
        .unwrap();
    assert_eq!(beta.start_date, ymd(2026, 2, 1));
    assert_eq!(beta.end_date, Some(ymd(2026, 3, 10)));
    assert_eq!(beta.mrr, Some(500.0));
}

#[test]
fn customer_summary_shape() {
    let dataset = load(&["customers_summary.csv"]);
    assert_eq!(
        (dataset.sources[0].kind, dataset.sources[0].shape),
        (Some(Kind::Customers), Some(Shape::Summary))
    );
    let smb = dataset.departments.find("SMB").unwrap();
    let row = dataset
        .customer_summaries
        .iter()
        .find(|row| row.department == Some(smb))
        .unwrap();
    assert_eq!(
        (
            row.customers_start,
            row.churned_customers,
            row.new_customers
        ),
        (200.0, 6.0, Some(10.0))
    );
}

#[test]
fn utf16_windows_1252_and_pipe_files_are_decoded() {
    assert_engineering_march(&load(&["finance_excel_unicode_text.txt"]));
    assert_engineering_march(&load(&["finance_pipe.txt"]));
    let dataset = load(&["finance_windows_1252.csv"]);
    assert_eq!(
        dataset
            .departments
            .iter()
            .map(|(_, name)| name)
            .collect::<Vec<_>>(),
        vec!["Café Ops"]
    );
}

#[test]
fn xlsx_takes_the_first_sheet_with_a_header_below_title_rows() {
    let dataset = load(&["finance_title_rows.xlsx"]);
    assert_engineering_march(&dataset);
    assert_eq!(
        finance_row(&dataset, "Engineering", "2026-03").cost_budget,
        Some(290.0)
    );
    assert_eq!(dataset.sources[0].sheet.as_deref(), Some("P&L"));
    // Sales' budget cell holds #DIV/0!: the row is used without the budget (sheet row 5).
    assert_eq!(finance_row(&dataset, "Sales", "2026-03").cost_budget, None);
    let issue = dataset
        .data_quality
        .iter()
        .find(|issue| issue.action == Action::ValueIgnored)
        .unwrap();
    assert_eq!(issue.line, Some(5));
    assert!(issue.problem.contains("#DIV/0!"));
}

#[test]
fn excel_serial_numbers_in_date_columns_are_dates() {
    let dataset = load(&["deliveries_serial_dates.xlsx"]);
    let d1 = dataset
        .deliveries
        .iter()
        .find(|row| row.id == "D-1")
        .unwrap();
    assert_eq!(d1.due_date, ymd(2026, 3, 31)); // serial 46112
    assert_eq!(d1.delivered_date, Some(ymd(2026, 4, 1))); // serial 46113
}

#[test]
fn legacy_xls_and_open_document_spreadsheets() {
    assert_engineering_march(&load(&["finance_legacy.xls"]));
    assert_engineering_march(&load(&["finance_open_document.ods"]));
}

#[test]
fn parquet_files_are_read() {
    use polars::prelude::*;
    let folder = tempfile::tempdir().unwrap();
    let mut frame = df!(
        "month" => ["2026-03"],
        "department" => ["Engineering"],
        "revenue" => [1234.5],
        "cogs" => [200.25],
        "opex" => [100i64],
    )
    .unwrap();
    let file = std::fs::File::create(folder.path().join("finance.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
    let dataset = read_folder(folder.path(), true).unwrap();
    assert_engineering_march(&dataset);
}

#[test]
fn a_user_mapping_in_the_data_folder_names_an_unknown_header() {
    let with_mapping = read_folder(&fixture("mapping"), true).unwrap();
    assert_engineering_march(&with_mapping);
    let without = load(&["mapping/finance_german.csv"]);
    assert!(without.finance.is_empty());
    let issue = &without.data_quality[0];
    assert_eq!(issue.action, Action::FileSkipped);
    assert!(
        issue.problem.contains("closest is finance") && issue.problem.contains("revenue"),
        "{}",
        issue.problem
    );
}

#[test]
fn a_later_export_never_double_counts_and_the_newest_file_wins() {
    let dataset = read_folder(&fixture("repeated_exports"), true).unwrap();
    // March Engineering is 1000 in finance_2026-03.csv and 1100 in the newer finance_2026-04.csv.
    assert_close(
        finance_row(&dataset, "Engineering", "2026-03").revenue,
        1100.0,
    );
    assert_close(finance_row(&dataset, "Sales", "2026-03").revenue, 500.0);
    assert_close(
        finance_row(&dataset, "Engineering", "2026-04").revenue,
        1200.0,
    );
    assert_eq!(dataset.finance.len(), 3);
    let superseded = dataset
        .data_quality
        .iter()
        .find(|issue| issue.action == Action::Superseded)
        .unwrap();
    assert_eq!(superseded.file, "finance_2026-03.csv");
    assert!(superseded.problem.contains("finance_2026-04.csv"));
    // The NPS copy repeats both responses: two responses in all.
    assert_eq!(dataset.nps.len(), 2);
    let copy = dataset
        .sources
        .iter()
        .find(|s| s.file == "nps_2026-03_copy.csv")
        .unwrap();
    assert_eq!(
        (copy.rows_read, copy.rows_used, copy.rows_duplicate),
        (2, 0, 2)
    );
}

#[test]
fn an_unrecognised_and_an_empty_file_are_listed_and_the_rest_still_loads() {
    let folder = folder_with(&["finance_pipe.txt"]);
    std::fs::write(folder.path().join("notes.csv"), "Name,Colour\nAda,blue\n").unwrap();
    std::fs::write(folder.path().join("empty.csv"), "").unwrap();
    let dataset = read_folder(folder.path(), true).unwrap();
    assert_engineering_march(&dataset);
    assert_eq!(dataset.sources.len(), 3);
    for name in ["notes.csv", "empty.csv"] {
        let source = dataset.sources.iter().find(|s| s.file == name).unwrap();
        assert_eq!(source.kind, None);
        let issue = dataset
            .data_quality
            .iter()
            .find(|issue| issue.file == name)
            .unwrap();
        assert_eq!(issue.action, Action::FileSkipped);
    }
    let empty = dataset
        .data_quality
        .iter()
        .find(|issue| issue.file == "empty.csv")
        .unwrap();
    assert!(empty.problem.contains("empty"));
}
