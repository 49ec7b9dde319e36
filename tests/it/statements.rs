//! P&L statements as accounting software prints them (SPEC §2b "Finance: the P&L statement"):
//! every expected figure is worked out by hand from the file, the arithmetic in the comment.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use coo_dashboard::analysis::read_folder;
use coo_dashboard::metrics::{Metric, compute};
use coo_dashboard::model::{Action, Dataset, FinanceRow, Kind, Shape};

use super::{assert_close, fixture, issues_of, month};

fn real_export(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-exports/finance")
        .join(name)
}

/// A folder holding the given files (paths anywhere), each under its own file name, and
/// optionally a `coo-dashboard.toml`.
fn folder_of(files: &[PathBuf], settings: Option<&str>) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("temp dir");
    for file in files {
        let target = folder.path().join(file.file_name().expect("file name"));
        std::fs::copy(file, &target).unwrap_or_else(|e| panic!("copy {}: {e}", file.display()));
    }
    if let Some(settings) = settings {
        std::fs::write(folder.path().join("coo-dashboard.toml"), settings).expect("settings");
    }
    folder
}

fn read(files: &[PathBuf]) -> Dataset {
    let folder = folder_of(files, None);
    read_folder(folder.path(), true).expect("the folder loads")
}

fn statement(name: &str) -> PathBuf {
    fixture(&format!("statements/{name}"))
}

/// A folder of statements written by the test itself.
fn read_texts(files: &[(&str, &str)]) -> Dataset {
    let folder = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(folder.path().join(name), text).expect("write");
    }
    read_folder(folder.path(), true).expect("the folder loads")
}

fn row<'a>(dataset: &'a Dataset, department: Option<&str>, month_text: &str) -> &'a FinanceRow {
    let department = department.map(|name| dataset.departments.find(name).expect("department"));
    dataset
        .finance
        .iter()
        .find(|row| row.department == department && row.month == month(month_text))
        .unwrap_or_else(|| panic!("no finance row for {department:?} {month_text}"))
}

/// Revenue, cogs and opex of one row.
fn assert_figures(row: &FinanceRow, [revenue, cogs, opex]: [f64; 3]) {
    assert_close(row.revenue, revenue);
    assert_close(row.cogs, cogs);
    assert_close(row.opex, opex);
}

fn assert_statement_source(dataset: &Dataset, file: &str) {
    let source = dataset
        .sources
        .iter()
        .find(|s| s.file == file)
        .expect("source entry");
    assert_eq!(
        (source.kind, source.shape),
        (Some(Kind::Finance), Some(Shape::PnlStatement)),
        "{file}"
    );
    assert!(
        source
            .detection
            .as_deref()
            .is_some_and(|d| d.contains("P&L statement"))
    );
}

/// The company's revenue, cogs, opex, EBITDA and EBITDA margin for a month, as the metrics
/// compute them.
fn company(dataset: &Dataset, month_text: &str) -> [Option<f64>; 5] {
    let table = compute(dataset, NaiveDate::from_ymd_opt(2025, 7, 31).unwrap()).expect("metrics");
    [
        Metric::Revenue,
        Metric::Cogs,
        Metric::Opex,
        Metric::Ebitda,
        Metric::EbitdaMargin,
    ]
    .map(|metric| {
        table
            .get(metric, None, month(month_text))
            .and_then(|value| value.value)
    })
}

fn assert_company(dataset: &Dataset, month_text: &str, expected: [f64; 4]) {
    let [revenue, cogs, opex, ebitda, margin] = company(dataset, month_text);
    let close = |a: Option<f64>, b: f64| {
        let a = a.unwrap_or_else(|| panic!("{month_text}: a value"));
        assert!((a - b).abs() < 1e-6, "{month_text}: {a} != {b}");
    };
    close(revenue, expected[0]);
    close(cogs, expected[1]);
    close(opex, expected[2]);
    close(ebitda, expected[3]);
    if expected[0] != 0.0 {
        close(margin, expected[3] / expected[0]);
    }
}

/// The sandbox company's statement by month, CSV and xlsx alike: each month's revenue is its
/// `Total for Income`, cogs its `Total for Cost of Goods Sold`, opex its `Total for Expenses`
/// (no D&A account), EBITDA its `Net Operating Income`.
fn assert_sandbox_months(dataset: &Dataset) {
    // January: every total 0.00.
    assert_company(dataset, "2025-01", [0.0, 0.0, 0.0, 0.0]);
    // February: Total for Expenses 300.00 (Lawyer); Net Operating Income -300.00.
    assert_company(dataset, "2025-02", [0.0, 0.0, 300.0, -300.0]);
    // March: Total for Income 391.25 = 190.00 + 131.25 + 70.00; no expenses; NOI 391.25.
    assert_company(dataset, "2025-03", [391.25, 0.0, 0.0, 391.25]);
    // April: Total for Income 521.00, Total for Expenses 408.08, NOI 112.92.
    assert_company(dataset, "2025-04", [521.0, 0.0, 408.08, 112.92]);
    // May: Total for Income 942.00, Total for Expenses 511.68, NOI 430.32.
    assert_company(dataset, "2025-05", [942.0, 0.0, 511.68, 430.32]);
    // June: Total for Income 7,242.77, Total for Expenses 3,416.14, NOI 3,826.63
    // (= 7,242.77 − 3,416.14).
    assert_company(dataset, "2025-06", [7242.77, 0.0, 3416.14, 3826.63]);
    // July: Total for Income 1,103.75, Total for Cost of Goods Sold 405.00, Total for Expenses
    // 601.41, NOI 97.34 (= 1,103.75 − 405.00 − 601.41).
    assert_company(dataset, "2025-07", [1103.75, 405.0, 601.41, 97.34]);
    // Seven month columns; the Total column is not a month.
    assert_eq!(dataset.finance.len(), 7);
}

#[test]
fn quickbooks_profit_and_loss_by_month_csv_gives_the_statements_own_totals() {
    let file = "Sandbox Company_US_1_Profit and Loss by Month.csv";
    let dataset = read(&[real_export(file)]);
    assert_statement_source(&dataset, file);
    assert_sandbox_months(&dataset);
    let issues = issues_of(&dataset, file);
    // One entry for the Total column, one for the other income and expenses; the
    // cross-check holds in every column (no entry).
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(
        issues
            .iter()
            .any(|p| p.contains("'Total'") && p.contains("not a month"))
    );
    assert!(issues.iter().any(|p| p.contains("'Other Income'")
        && p.contains("'Other Expenses'")
        && p.contains("not part of EBITDA")));
}

#[test]
fn quickbooks_profit_and_loss_by_month_xlsx_gives_the_same_figures() {
    let file = "Sandbox Company_US_1_Profit and Loss by Month.xlsx";
    let dataset = read(&[real_export(file)]);
    assert_statement_source(&dataset, file);
    assert_sandbox_months(&dataset);
    assert!(
        !issues_of(&dataset, file)
            .iter()
            .any(|p| p.contains("operating result"))
    );
}

#[test]
fn the_csv_and_xlsx_exports_of_the_same_books_count_once() {
    let csv = "Sandbox Company_US_1_Profit and Loss by Month.csv";
    let xlsx = "Sandbox Company_US_1_Profit and Loss by Month.xlsx";
    let dataset = read(&[real_export(csv), real_export(xlsx)]);
    // The same seven months in both files: each counted once, the figures unchanged.
    assert_sandbox_months(&dataset);
    let later = dataset
        .sources
        .iter()
        .find(|s| s.file == xlsx)
        .expect("xlsx");
    assert_eq!((later.rows_read, later.rows_used), (7, 0));
}

#[test]
fn accounting_reports_that_are_not_pnl_statements_are_refused_saying_which_report() {
    let files = [
        ("Sandbox Company_US_1_General Ledger.csv", "General Ledger"),
        ("Sandbox Company_US_1_General Ledger.xlsx", "General Ledger"),
        ("Sandbox+Company_US_1_Trial+Balance.xlsx", "Trial Balance"),
    ];
    let dataset = read(&files.map(|(name, _)| real_export(name)));
    for (file, report) in files {
        let issues = issues_of(&dataset, file);
        assert_eq!(issues.len(), 1, "{file}: {issues:?}");
        assert!(
            issues[0].contains(&format!("this is a {report}, not a P&L statement"))
                && issues[0].contains("export the Profit and Loss report"),
            "{file}: {}",
            issues[0]
        );
        let source = dataset
            .sources
            .iter()
            .find(|s| s.file == file)
            .expect("source");
        assert_eq!(source.kind, None);
    }
    assert!(dataset.finance.is_empty());
}

#[test]
fn a_spend_ledger_and_a_wave_transactions_export_are_refused_naming_what_they_lack() {
    let council = "expenditure-over-500-jan-mar-2018.csv";
    let wave = "wave_expenses.csv";
    let dataset = read(&[real_export(council), real_export(wave)]);
    // The council's ledger has `Service Area`, `Expenditure Catergory`, `Paid Date`, `Amount`
    // but none of the headers a ledger needs (date, department, category); costs only.
    let issues = issues_of(&dataset, council);
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0]
            .contains("closest is finance (ledger), which also needs date, department, category"),
        "{}",
        issues[0]
    );
    // Wave: `Transaction Date` is a date, but no department and no single amount column.
    let issues = issues_of(&dataset, wave);
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0].contains("closest is finance (ledger), which also needs department, amount"),
        "{}",
        issues[0]
    );
    assert!(dataset.finance.is_empty());
}

#[test]
fn xero_tracking_category_columns_are_departments_with_the_month_from_the_title() {
    let dataset = read(&[statement("xero_tracking_region.csv")]);
    assert_statement_source(&dataset, "xero_tracking_region.csv");
    // "For the month ended 31 January 2025" → 2025-01.
    // North: Total Trading Income 1,200.00; Total Cost of Sales 300.00; Total Operating
    // Expenses 600.00.
    let north = row(&dataset, Some("North"), "2025-01");
    assert_figures(north, [1200.0, 300.0, 600.0]);
    // South: 500.00, 100.00, 250.00.
    let south = row(&dataset, Some("South"), "2025-01");
    assert_figures(south, [500.0, 100.0, 250.0]);
    // "Unassigned" is no department: its 50.00 of sales are company figures only.
    let unassigned = row(&dataset, None, "2025-01");
    assert_close(unassigned.revenue, 50.0);
    assert!(dataset.departments.find("Unassigned").is_none());
    assert_eq!(dataset.finance.len(), 3);
}

#[test]
fn a_by_class_statement_takes_its_month_from_the_period_line() {
    let dataset = read(&[statement("by_class_march_2026.csv")]);
    // "March 1-31, 2026" is one whole month.
    let consulting = row(&dataset, Some("Consulting"), "2026-03");
    assert_figures(consulting, [4000.0, 1000.0, 2000.0]);
    let software = row(&dataset, Some("Software"), "2026-03");
    assert_figures(software, [6000.0, 500.0, 3000.0]);
    // Company revenue = 4,000 + 6,000 + 100 (Not specified) = 10,100 = the Total column.
    let total: f64 = dataset.finance.iter().map(|r| r.revenue).sum();
    assert_close(total, 10100.0);
}

#[test]
fn department_columns_over_more_than_one_month_are_refused_with_the_reason() {
    let text = "Profit and Loss by Class\nAcme Ltd\n\"January 1-March 31, 2026\"\n\nDistribution account,Consulting,Software,Total\nIncome\nSales,100.00,200.00,300.00\nTotal for Income,100.00,200.00,300.00\n";
    let dataset = read_texts(&[("by_class_q1.csv", text)]);
    let issues = issues_of(&dataset, "by_class_q1.csv");
    assert_eq!(issues.len(), 1);
    assert!(issues[0].contains("columns are departments (Consulting, Software)"));
    assert!(issues[0].contains("'January 1-March 31, 2026' is not one whole month"));
    assert!(dataset.finance.is_empty());
}

#[test]
fn depreciation_and_amortization_accounts_are_carved_out_of_opex() {
    let dataset = read(&[statement("depreciation_amortization.csv")]);
    // January: Total for Expenses 6,800.00 = Salaries 6,000 + Depreciation Expense 500 +
    // Amortization of Software 200 + Vehicles 100 (in the "Depreciation and Amortization"
    // group). Opex = 6,800 − 500 − 200 − 100 = 6,000; depreciation 500 + 100 = 600;
    // amortization 200. Revenue = Total for Income 12,000; cogs 1,500.
    let january = row(&dataset, None, "2026-01");
    assert_figures(january, [12000.0, 1500.0, 6000.0]);
    assert_close(january.depreciation, 600.0);
    assert_close(january.amortization, 200.0);
    // February: revenue 12,000 (12,000 + blank services), cogs 1,600, same expenses.
    let february = row(&dataset, None, "2026-02");
    assert_figures(february, [12000.0, 1600.0, 6000.0]);
    // EBITDA = 12,000 − 1,500 − 6,000 = 4,500; EBIT = 4,500 − 800 = 3,700 = NOI.
    let table = compute(&dataset, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()).unwrap();
    let value = |metric| {
        table
            .get(metric, None, month("2026-01"))
            .unwrap()
            .value
            .unwrap()
    };
    assert_close(value(Metric::Ebitda), 4500.0);
    assert_close(value(Metric::Ebit), 3700.0);
    let issues = issues_of(&dataset, "depreciation_amortization.csv");
    // The cross-check holds (12,000 − 1,500 − 6,000 − 800 = 3,700); Interest Expense is
    // reported as left out, once.
    assert!(
        !issues.iter().any(|p| p.contains("operating result")),
        "{issues:?}"
    );
    assert_eq!(
        issues
            .iter()
            .filter(|p| p.contains("not part of EBITDA"))
            .count(),
        1
    );
}

#[test]
fn partial_month_quarter_and_total_columns_are_skipped_with_one_entry_each() {
    let dataset = read(&[statement("partial_month.csv")]);
    // September and October are whole months: 100 and 200 revenue, 40 rent each.
    assert_close(row(&dataset, None, "2025-09").revenue, 100.0);
    assert_close(row(&dataset, None, "2025-10").revenue, 200.0);
    assert_close(row(&dataset, None, "2025-10").opex, 40.0);
    assert_eq!(dataset.finance.len(), 2);
    let issues = issues_of(&dataset, "partial_month.csv");
    assert_eq!(issues.len(), 3, "{issues:?}");
    assert!(
        issues
            .iter()
            .any(|p| p.contains("'Nov 1-11, 2025' is part of a month"))
    );
    assert!(issues.iter().any(|p| p.contains("'Q3 2025' is a quarter")));
    assert!(
        issues
            .iter()
            .any(|p| p.contains("'Total' is the Total column"))
    );
}

#[test]
fn budget_vs_actuals_gives_budgets_beside_the_actuals() {
    let dataset = read(&[statement("budget_vs_actuals.csv")]);
    assert_statement_source(&dataset, "budget_vs_actuals.csv");
    // January: Actual income 1,100, cogs 300, expenses 400; Budget income 1,000, costs
    // 250 + 400 = 650.
    let january = row(&dataset, None, "2026-01");
    assert_figures(january, [1100.0, 300.0, 400.0]);
    assert_eq!(january.revenue_budget, Some(1000.0));
    assert_eq!(january.cost_budget, Some(650.0));
    // February: 900, 200, 400; budget 1,000 and 650.
    let february = row(&dataset, None, "2026-02");
    assert_close(february.revenue, 900.0);
    assert_close(february.cogs, 200.0);
    assert_eq!(february.revenue_budget, Some(1000.0));
    assert_eq!(february.cost_budget, Some(650.0));
    let issues = issues_of(&dataset, "budget_vs_actuals.csv");
    // The Total heading spans four columns: one entry.
    assert_eq!(
        issues.iter().filter(|p| p.contains("'Total'")).count(),
        1,
        "{issues:?}"
    );
    assert!(
        !issues.iter().any(|p| p.contains("operating result")),
        "{issues:?}"
    );
}

#[test]
fn german_headings_and_decimal_commas() {
    let dataset = read(&[statement("german_datev.csv")]);
    assert_statement_source(&dataset, "german_datev.csv");
    // Januar 2026: Summe Umsatzerlöse 10.000,00; Summe Materialaufwand 2.000,00; Summe
    // Betriebliche Aufwendungen 5.300,00 of which Abschreibungen 300,00 → opex 5.000,00.
    let january = row(&dataset, None, "2026-01");
    assert_figures(january, [10000.0, 2000.0, 5000.0]);
    assert_close(january.depreciation, 300.0);
    // Februar 2026: 11.000,00; 2.500,00; 5.300,00 − 300,00 = 5.000,00.
    let february = row(&dataset, None, "2026-02");
    assert_figures(february, [11000.0, 2500.0, 5000.0]);
    // Betriebsergebnis 2.700,00 = 10.000 − 2.000 − 5.000 − 300: no cross-check entry.
    let issues = issues_of(&dataset, "german_datev.csv");
    assert!(
        !issues.iter().any(|p| p.contains("operating result")),
        "{issues:?}"
    );
}

#[test]
fn a_failing_cross_check_names_the_column_and_both_figures() {
    let dataset = read(&[statement("cross_check_fails.csv")]);
    let issue = dataset
        .data_quality
        .iter()
        .find(|issue| issue.problem.contains("operating result"))
        .expect("a cross-check entry");
    // Net Operating Income 650.00, but 1,000.00 − 0.00 − 300.00 − 0.00 = 700.00.
    assert_eq!(issue.column.as_deref(), Some("January 2026"));
    assert_eq!(issue.line, Some(12));
    assert!(issue.problem.contains("650.00"), "{}", issue.problem);
    assert!(issue.problem.contains("= 700.00"), "{}", issue.problem);
    // The numbers are still used.
    let january = row(&dataset, None, "2026-01");
    assert_close(january.revenue, 1000.0);
    assert_close(january.opex, 300.0);
}

#[test]
fn a_plain_number_formula_with_a_cached_zero_is_read_as_its_number() {
    let dataset = read(&[statement("formula_cells.xlsx")]);
    // Sales April is "=5000.00" cached 0, Services May "=750.50" cached 0; Income has no
    // total row, so revenue is the sum of its accounts: April 5,000 + 250 = 5,250, May
    // 0 + 750.50 = 750.50. Expenses from Total for Expenses "=B10" (cached 1,000).
    let april = row(&dataset, None, "2026-04");
    assert_close(april.revenue, 5250.0);
    assert_close(april.opex, 1000.0);
    let may = row(&dataset, None, "2026-05");
    assert_close(may.revenue, 750.5);
    assert_close(may.opex, 1000.0);
}

const JAN_FEB: &str = "Profit and Loss by Month\nAcme Ltd\n\"January 1-February 28, 2026\"\n\nDistribution account,January 2026,February 2026,Total\nIncome\nSales,\"1,000.00\",\"1,100.00\",\"2,100.00\"\nTotal for Income,\"1,000.00\",\"1,100.00\",\"2,100.00\"\nCost of Goods Sold\nMaterials,100.00,110.00,210.00\nTotal for Cost of Goods Sold,100.00,110.00,210.00\nExpenses\nRent,500.00,500.00,\"1,000.00\"\nTotal for Expenses,500.00,500.00,\"1,000.00\"\nNet Operating Income,400.00,490.00,890.00\n";
const FEB_MAR: &str = "Profit and Loss by Month\nAcme Ltd\n\"February 1-March 31, 2026\"\n\nDistribution account,February 2026,March 2026,Total\nIncome\nSales,\"1,200.00\",\"1,300.00\",\"2,500.00\"\nTotal for Income,\"1,200.00\",\"1,300.00\",\"2,500.00\"\nCost of Sales\nMaterials,110.00,130.00,240.00\nTotal for Cost of Sales,110.00,130.00,240.00\nExpenses\nRent,500.00,500.00,\"1,000.00\"\nTotal for Expenses,500.00,500.00,\"1,000.00\"\nNet Operating Income,590.00,670.00,\"1,260.00\"\n";

#[test]
fn overlapping_exports_never_double_count_and_the_newest_wins() {
    // February is in both files: the newer export (path last) restated its sales as 1,200.
    // Its cogs section is called "Cost of Sales" there, "Cost of Goods Sold" in the older one.
    let dataset = read_texts(&[("pnl_2026-01.csv", JAN_FEB), ("pnl_2026-02.csv", FEB_MAR)]);
    assert_eq!(dataset.finance.len(), 3);
    assert_close(row(&dataset, None, "2026-01").revenue, 1000.0);
    let february = row(&dataset, None, "2026-02");
    assert_figures(february, [1200.0, 110.0, 500.0]);
    assert_close(row(&dataset, None, "2026-03").cogs, 130.0);
    let superseded = dataset
        .data_quality
        .iter()
        .find(|issue| issue.action == Action::Superseded)
        .expect("a superseded entry");
    assert_eq!(superseded.file, "pnl_2026-01.csv");
    assert!(superseded.problem.contains("pnl_2026-02.csv"));
}

#[test]
fn a_sources_setting_assigns_a_statement_without_departments_to_one() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(folder.path().join("finance")).unwrap();
    std::fs::write(folder.path().join("finance/consulting_pnl.csv"), JAN_FEB).unwrap();
    std::fs::write(folder.path().join("company_pnl.csv"), FEB_MAR).unwrap();
    std::fs::write(
        folder.path().join("coo-dashboard.toml"),
        "# departments of whole files\n[sources.\"finance/consulting_pnl.csv\"]\ndepartment = \"Consulting\"\n",
    )
    .unwrap();
    let dataset = read_folder(folder.path(), true).expect("loads");
    // January and February of the consulting file are Consulting's; the other file's
    // February and March are company figures (no department).
    let consulting = row(&dataset, Some("Consulting"), "2026-02");
    assert_close(consulting.revenue, 1100.0);
    assert_close(row(&dataset, None, "2026-02").revenue, 1200.0);
    let source = dataset
        .sources
        .iter()
        .find(|s| s.file == "finance/consulting_pnl.csv")
        .expect("source");
    assert!(
        source
            .detection
            .as_deref()
            .is_some_and(|d| d.contains("department Consulting"))
    );

    // A cached second reading after the setting changed follows the new setting.
    std::fs::write(
        folder.path().join("coo-dashboard.toml"),
        "[sources.\"finance/consulting_pnl.csv\"]\ndepartment = \"Advisory\"\n",
    )
    .unwrap();
    let dataset = read_folder(folder.path(), true).expect("loads");
    assert_close(row(&dataset, Some("Advisory"), "2026-02").revenue, 1100.0);
    assert!(dataset.departments.find("Consulting").is_none());
}

#[test]
fn sage_and_zoho_section_names() {
    // Sage: Sales / Direct Expenses / Overheads, totals without "for".
    let sage = "Profit and Loss\nAcme Ltd\nPeriod: January 2026\n\n,Jan 2026\nSales\nProduct Sales,800.00\nTotal Sales,800.00\nDirect Expenses\nPurchases,300.00\nTotal Direct Expenses,300.00\nGross Profit,500.00\nOverheads\nDepreciation,50.00\nGeneral Expenses,150.00\nTotal Overheads,200.00\nNet Profit,300.00\n";
    // Zoho Books: Operating Income / Cost of Goods Sold / Operating Expense / Non Operating.
    let zoho = "Acme Ltd\nProfit and Loss\nFrom 02/01/2026 To 02/28/2026\n\nAccount,Feb 2026\nOperating Income\nSales,900.00\nTotal for Operating Income,900.00\nCost of Goods Sold\nCost of Goods Sold,200.00\nTotal for Cost of Goods Sold,200.00\nGross Profit,700.00\nOperating Expense\nOffice Supplies,100.00\nTotal for Operating Expense,100.00\nOperating Profit,600.00\nNon Operating Income\nInterest Income,10.00\nTotal for Non Operating Income,10.00\nNet Profit/Loss,610.00\n";
    let dataset = read_texts(&[("sage.csv", sage), ("zoho.csv", zoho)]);
    // Sage January: revenue 800, cogs 300, Overheads 200 − Depreciation 50 = 150 opex.
    let january = row(&dataset, None, "2026-01");
    assert_figures(january, [800.0, 300.0, 150.0]);
    assert_close(january.depreciation, 50.0);
    // Zoho February: 900, 200, 100; the 10.00 of interest income is left out.
    let february = row(&dataset, None, "2026-02");
    assert_figures(february, [900.0, 200.0, 100.0]);
    let zoho_issues = issues_of(&dataset, "zoho.csv");
    assert!(
        zoho_issues
            .iter()
            .any(|p| p.contains("'Non Operating Income'")),
        "{zoho_issues:?}"
    );
    // Operating Profit 600 = 900 − 200 − 100: no cross-check entry in either file.
    assert!(
        !dataset
            .data_quality
            .iter()
            .any(|i| i.problem.contains("operating result"))
    );
}

#[test]
fn a_statement_with_amounts_that_are_not_numbers_names_the_cell_and_reads_the_rest() {
    let text = "Profit and Loss by Month\nAcme\n\nDistribution account,January 2026\nIncome\nSales,100.00\nConsulting,n/a\nTotal for Income,100.00\nExpenses\nRent,40.00\nTotal for Expenses,40.00\n";
    let dataset = read_texts(&[("pnl.csv", text)]);
    let issue = dataset
        .data_quality
        .iter()
        .find(|issue| issue.value.as_deref() == Some("n/a"))
        .expect("an entry for the cell");
    assert_eq!(issue.line, Some(7));
    assert_eq!(issue.column.as_deref(), Some("January 2026"));
    assert_close(row(&dataset, None, "2026-01").revenue, 100.0);
    assert_close(row(&dataset, None, "2026-01").opex, 40.0);
}

#[test]
fn a_canonical_file_missing_a_column_is_not_taken_for_a_statement() {
    // A department called "Sales" in the first column is no section heading: the file keeps
    // the message that names the missing column.
    let dataset = read_texts(&[(
        "finance.csv",
        "department,month,revenue,cogs\nSales,2026-03,100,50\nIncome,2026-03,10,5\n",
    )]);
    let issues = issues_of(&dataset, "finance.csv");
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0].contains("closest is finance, which also needs opex"),
        "{}",
        issues[0]
    );
}

#[test]
fn french_headings_by_department_take_the_month_from_a_day_first_period_line() {
    let text = "Compte de résultat\nExemple SARL\nDu 01/02/2026 au 28/02/2026\n\nCompte;Conseil;Logiciel;Total\nChiffre d'affaires;;;\nPrestations de services;1 000,00;2 000,00;3 000,00\nTotal Chiffre d'affaires;1 000,00;2 000,00;3 000,00\nAchats consommés;;;\nSous-traitance;200,00;300,00;500,00\nTotal Achats consommés;200,00;300,00;500,00\nCharges d'exploitation;;;\nLoyers;100,00;150,00;250,00\nDotations aux amortissements;50,00;50,00;100,00\nTotal Charges d'exploitation;150,00;200,00;350,00\nRésultat d'exploitation;650,00;1 500,00;2 150,00\n";
    let dataset = read_texts(&[("compte_de_resultat.csv", text)]);
    assert_statement_source(&dataset, "compte_de_resultat.csv");
    // Février 2026 (01/02 to 28/02, day-first). Conseil: 1 000 revenue, 200 cogs, charges
    // 150 of which 50 amortissements (amortization) → opex 100.
    let conseil = row(&dataset, Some("Conseil"), "2026-02");
    assert_figures(conseil, [1000.0, 200.0, 100.0]);
    assert_close(conseil.amortization, 50.0);
    // Logiciel: 2 000, 300, 200 − 50 = 150. Résultat d'exploitation 1 500 = 2 000 − 300 − 150 − 50.
    assert_figures(
        row(&dataset, Some("Logiciel"), "2026-02"),
        [2000.0, 300.0, 150.0],
    );
    let issues = issues_of(&dataset, "compte_de_resultat.csv");
    assert!(
        !issues.iter().any(|p| p.contains("operating result")),
        "{issues:?}"
    );
}

#[test]
fn every_prefix_and_every_dropped_line_of_the_statements_reads_without_panicking() {
    // Cut exports and exports with a line missing (a section heading, a total, the header)
    // must give entries, never a panic.
    for name in [
        "depreciation_amortization.csv",
        "budget_vs_actuals.csv",
        "german_datev.csv",
        "xero_tracking_region.csv",
        "partial_month.csv",
    ] {
        let text = std::fs::read_to_string(statement(name)).expect("fixture");
        // Byte prefixes: some cut a character of the German file in two.
        for end in (0..text.len()).step_by(11) {
            coo_dashboard::input::load_single(&text.as_bytes()[..end], name);
        }
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let kept: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(index, _)| *index != skip)
                .map(|(_, line)| *line)
                .collect();
            coo_dashboard::input::load_single(kept.join("\n").as_bytes(), name);
        }
    }
}

#[test]
fn quickbooks_desktop_indents_accounts_by_columns() {
    let text = "Acme Ltd\nProfit & Loss\nJanuary through February 2026\n,,,,Jan 26,Feb 26,TOTAL\n,Ordinary Income/Expense,,,,,\n,,Income,,,,\n,,,4000 \u{b7} Sales,\"1,000.00\",\"1,200.00\",\"2,200.00\"\n,,Total Income,,\"1,000.00\",\"1,200.00\",\"2,200.00\"\n,,Cost of Goods Sold,,,,\n,,,5000 \u{b7} Materials,300.00,400.00,700.00\n,,Total COGS,,300.00,400.00,700.00\n,Gross Profit,,,700.00,800.00,\"1,500.00\"\n,,Expense,,,,\n,,,6000 \u{b7} Rent,200.00,200.00,400.00\n,,,6500 \u{b7} Depreciation Expense,50.00,50.00,100.00\n,,Total Expense,,250.00,250.00,500.00\n,Net Ordinary Income,,,450.00,550.00,\"1,000.00\"\n,Other Income/Expense,,,,,\n,,Other Expense,,,,\n,,,7000 \u{b7} Interest,10.00,10.00,20.00\n,,Total Other Expense,,10.00,10.00,20.00\nNet Income,,,,440.00,540.00,980.00\n";
    let dataset = read_texts(&[("qb_desktop.csv", text)]);
    assert_statement_source(&dataset, "qb_desktop.csv");
    // Jan 26: Total Income 1,000; Total COGS 300; Total Expense 250 − Depreciation 50 = 200.
    let january = row(&dataset, None, "2026-01");
    assert_figures(january, [1000.0, 300.0, 200.0]);
    assert_close(january.depreciation, 50.0);
    // Feb 26: 1,200; 400; 200. Net Ordinary Income 550 = 1,200 − 400 − 200 − 50.
    assert_figures(row(&dataset, None, "2026-02"), [1200.0, 400.0, 200.0]);
    let issues = issues_of(&dataset, "qb_desktop.csv");
    assert!(
        !issues.iter().any(|p| p.contains("operating result")),
        "{issues:?}"
    );
    assert!(
        !issues.iter().any(|p| p.contains("outside any P&L section")),
        "{issues:?}"
    );
    assert!(
        issues.iter().any(|p| p.contains("'Other Expense'")),
        "{issues:?}"
    );
}
