//! The drill-down of SPEC §7: breakdowns worked out by hand on small folders, and every value
//! of the sample explained by its rows.

use std::path::Path;

use coo_dashboard::analysis::{self, Analysis};
use coo_dashboard::explain::{Breakdown, explain, parse_department, parse_metric};
use coo_dashboard::metrics::{Metric, Unit};

use super::month;

fn write(folder: &Path, name: &str, text: &str) {
    let path = folder.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, text).expect("write");
}

fn analyse(folder: &Path) -> Analysis {
    analysis::run(folder, &analysis::Options::default()).expect("analysis")
}

fn breakdown(
    analysis: &Analysis,
    metric: Metric,
    month_text: &str,
    department: Option<&str>,
) -> Breakdown {
    let department =
        department.map(|name| parse_department(&analysis.dataset, name).expect("department"));
    explain(
        &analysis.dataset,
        &analysis.metrics,
        analysis.as_of,
        metric,
        month(month_text),
        department,
    )
}

fn term(breakdown: &Breakdown, name: &str) -> f64 {
    breakdown
        .terms
        .iter()
        .find(|term| term.name == name)
        .unwrap_or_else(|| panic!("no term {name} in {:?}", breakdown.terms))
        .value
}

/// `(file, line)` of every source row, in order.
fn lines(breakdown: &Breakdown) -> Vec<(String, u32)> {
    breakdown
        .tables
        .iter()
        .flat_map(|table| table.rows.iter().map(|row| (row.file.clone(), row.line)))
        .collect()
}

/// A ledger month spread over two files, a wide file superseded by a newer one, a rejected row.
fn finance_folder() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    // Ledger: 2026-07 Consulting postings in two files; the wide files give 2026-06 only.
    write(
        folder.path(),
        "finance/gl_a.csv",
        "date,department,category,amount\n\
         2026-07-03,Consulting,revenue,1000.50\n\
         2026-07-09,Consulting,cogs,400.25\n\
         2026-07-10,Sales,revenue,300\n\
         not a date,Consulting,revenue,999\n",
    );
    write(
        folder.path(),
        "finance/gl_b.csv",
        "date,department,category,amount\n\
         2026-07-21,Consulting,revenue,500\n\
         2026-07-28,Consulting,opex,250.25\n",
    );
    // 2026-06 Consulting: the older wide file says 2000 revenue, the newer 2100 (natural path
    // order: pnl_1 before pnl_2, so pnl_2 is newer and wins).
    write(
        folder.path(),
        "finance/pnl_1.csv",
        "month,department,revenue,cogs,opex\n2026-06,Consulting,2000,800,500\n2026-06,Sales,700,100,100\n",
    );
    write(
        folder.path(),
        "finance/pnl_2.csv",
        "month,department,revenue,cogs,opex\n2026-06,Consulting,2100,800,550\n",
    );
    folder
}

#[test]
fn a_ledger_month_over_two_files_is_every_posting_with_its_line() {
    let folder = finance_folder();
    let analysis = analyse(folder.path());
    let b = breakdown(&analysis, Metric::Ebitda, "2026-07", Some("consulting"));
    // Revenue 1000.50 + 500 = 1500.50; cogs 400.25; opex 250.25; EBITDA 1500.50 − 400.25 −
    // 250.25 = 850.00. Four postings: lines 2 and 3 of gl_a, 2 and 3 of gl_b (Sales is out).
    assert_eq!(b.value, Some(850.0));
    assert_eq!(term(&b, "revenue"), 1500.5);
    assert_eq!(term(&b, "cogs"), 400.25);
    assert_eq!(term(&b, "opex"), 250.25);
    assert_eq!(
        lines(&b),
        vec![
            ("finance/gl_a.csv".to_string(), 2),
            ("finance/gl_a.csv".to_string(), 3),
            ("finance/gl_b.csv".to_string(), 2),
            ("finance/gl_b.csv".to_string(), 3),
        ]
    );
    assert_eq!(
        b.arithmetic,
        "EBITDA 850.00 = revenue 1,500.50 − cogs 400.25 − opex 250.25; 2 lines in finance/gl_a.csv, 2 in finance/gl_b.csv"
    );
    assert_eq!(b.mismatch, None);
    // The row that could not be read (line 5 of gl_a) is listed beside, with the reason.
    assert!(
        b.left_out
            .iter()
            .any(|left| left.file == "finance/gl_a.csv" && left.line == Some(5)),
        "{:?}",
        b.left_out
    );
}

#[test]
fn a_superseded_monthly_row_is_left_out_with_the_newer_file_named() {
    let folder = finance_folder();
    let analysis = analyse(folder.path());
    let b = breakdown(
        &analysis,
        Metric::EbitdaMargin,
        "2026-06",
        Some("Consulting"),
    );
    // pnl_2 wins: EBITDA 2100 − 800 − 550 = 750; margin 750 / 2100 = 35.714…%.
    assert!((b.value.expect("value") - 750.0 / 2100.0).abs() < 1e-12);
    assert_eq!(lines(&b), vec![("finance/pnl_2.csv".to_string(), 2)]);
    let superseded: Vec<_> = b
        .left_out
        .iter()
        .filter(|left| left.reason.starts_with("superseded"))
        .collect();
    assert_eq!(superseded.len(), 1, "{:?}", b.left_out);
    assert_eq!(superseded[0].file, "finance/pnl_1.csv");
    assert_eq!(superseded[0].line, Some(2));
    assert!(superseded[0].reason.contains("finance/pnl_2.csv"));
    assert!(
        b.arithmetic
            .starts_with("EBITDA margin 35.71% = EBITDA 750.00 / revenue 2,100.00"),
        "{}",
        b.arithmetic
    );
}

#[test]
fn the_company_lists_each_department_and_every_row() {
    let folder = finance_folder();
    let analysis = analyse(folder.path());
    let b = breakdown(&analysis, Metric::Revenue, "2026-06", None);
    // Consulting 2100 (pnl_2) + Sales 700 (pnl_1: Sales is not in pnl_2, so not superseded).
    assert_eq!(b.value, Some(2800.0));
    assert_eq!(
        lines(&b),
        vec![
            ("finance/pnl_1.csv".to_string(), 3),
            ("finance/pnl_2.csv".to_string(), 2),
        ]
    );
    let parts: Vec<(&str, Option<f64>)> = b
        .departments
        .iter()
        .map(|part| (part.department.as_str(), part.value))
        .collect();
    assert_eq!(
        parts,
        vec![("Consulting", Some(2100.0)), ("Sales", Some(700.0))]
    );
    assert!(b.to_csv().starts_with(
        "kind,file,line,department,month,revenue,cogs,opex,depreciation,amortization,revenue_budget,cost_budget\n\
         finance,finance/pnl_1.csv,3,Sales,2026-06,700.00,100.00,100.00,0.00,0.00,,\n"
    ), "{}", b.to_csv());
}

#[test]
fn nps_is_the_answers_of_the_month_with_the_formula_and_margin() {
    let folder = tempfile::tempdir().expect("temp dir");
    // 2026-03, Support: scores 10, 9, 8, 6, 3 → 2 promoters, 1 passive, 2 detractors, n = 5;
    // NPS 100 × (2 − 2) / 5 = 0. Margin 1.96 × 100 × √((0.4 + 0.4 − 0²) / 5) = 196 × 0.4 = 78.4.
    // The April answer and the Sales answer are not in it.
    write(
        folder.path(),
        "surveys/nps.csv",
        "date,score,department\n\
         2026-03-02,10,Support\n\
         2026-03-05,9,Support\n\
         2026-03-09,8,Support\n\
         2026-03-15,6,Support\n\
         2026-03-30,3,Support\n\
         2026-03-30,10,Sales\n\
         2026-04-01,0,Support\n",
    );
    let analysis = analyse(folder.path());
    let b = breakdown(&analysis, Metric::Nps, "2026-03", Some("Support"));
    assert_eq!(b.value, Some(0.0));
    assert!((b.margin.expect("margin") - 78.4).abs() < 1e-9);
    assert_eq!(term(&b, "promoters"), 2.0);
    assert_eq!(term(&b, "passives"), 1.0);
    assert_eq!(term(&b, "detractors"), 2.0);
    assert_eq!(
        b.arithmetic,
        "NPS 0.0 (±78.4 at 95%) = 100 × (promoters 2 − detractors 2) / 5 answers (passives 1); 5 answers in surveys/nps.csv"
    );
    let groups: Vec<(u32, &str)> = b.tables[0]
        .rows
        .iter()
        .map(|row| (row.line, row.values[2].as_str()))
        .collect();
    assert_eq!(
        groups,
        vec![
            (2, "promoter"),
            (3, "promoter"),
            (4, "passive"),
            (5, "detractor"),
            (6, "detractor")
        ]
    );
}

#[test]
fn churn_from_a_customer_list_names_who_was_there_and_who_left() {
    let folder = tempfile::tempdir().expect("temp dir");
    // 2026-05: in the starting set are those who started before May and had not ended before
    // it: a, b, c (d started in May, e ended in April). c ended in May: churn 1 / 3.
    write(
        folder.path(),
        "billing/customers.csv",
        "customer_id,start_date,end_date,mrr\n\
         a,2026-01-10,,100\n\
         b,2026-02-01,,200\n\
         c,2026-03-15,2026-05-20,300\n\
         d,2026-05-02,,400\n\
         e,2026-01-05,2026-04-30,500\n",
    );
    let analysis = analyse(folder.path());
    let b = breakdown(&analysis, Metric::ChurnRate, "2026-05", None);
    assert_eq!(b.value, Some(1.0 / 3.0));
    let listed: Vec<(&str, &str)> = b.tables[0]
        .rows
        .iter()
        .map(|row| (row.values[0].as_str(), row.values[4].as_str()))
        .collect();
    assert_eq!(listed, vec![("a", "no"), ("b", "no"), ("c", "yes")]);
    let revenue = breakdown(&analysis, Metric::RevenueChurnRate, "2026-05", None);
    // MRR 300 of c / 600 of a, b, c = 50%.
    assert_eq!(revenue.value, Some(0.5));
    assert_eq!(revenue.mismatch, None);
}

#[test]
fn names_are_checked_with_the_closest_suggested() {
    let folder = finance_folder();
    let analysis = analyse(folder.path());
    let error = parse_metric("ebidta").expect_err("a typo");
    assert!(
        error.to_string().contains("did you mean \"ebitda\""),
        "{error}"
    );
    assert_eq!(parse_metric("EBITDA-margin"), Ok(Metric::EbitdaMargin));
    let error = parse_department(&analysis.dataset, "Consultin").expect_err("a typo");
    assert!(
        error.to_string().contains("did you mean \"Consulting\""),
        "{error}"
    );
}

#[test]
fn every_value_of_the_sample_is_given_by_its_rows() {
    let analysis = analyse(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data"));
    let mut explained = 0;
    for value in analysis.metrics.values() {
        let b = explain(
            &analysis.dataset,
            &analysis.metrics,
            analysis.as_of,
            value.metric,
            value.month,
            value.department,
        );
        assert_eq!(
            b.mismatch, None,
            "{} {} {:?}: {}",
            value.metric, value.month, value.department, b.arithmetic
        );
        // A count of nothing (no overdue items) is the one value with no rows behind it.
        if value
            .value
            .is_some_and(|v| v != 0.0 || value.metric.unit() != Unit::Count)
        {
            assert!(
                b.row_count() > 0,
                "{} {} {:?} lists no rows",
                value.metric,
                value.month,
                value.department
            );
        }
        explained += 1;
    }
    assert!(explained > 1000, "{explained}");
}
