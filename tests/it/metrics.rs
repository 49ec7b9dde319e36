//! Metrics: each SPEC §3 formula on a tiny fixture, the expected value worked out by hand.

use chrono::NaiveDate;
use coo_dashboard::metrics::{Metric, MetricTable, compute};
use coo_dashboard::model::Dataset;

use super::{load, month};

fn as_of(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn computed(names: &[&str], as_of_day: &str) -> (Dataset, MetricTable) {
    let dataset = load(names);
    let table = compute(&dataset, as_of(as_of_day)).expect("metrics compute");
    (dataset, table)
}

/// The value of `metric` for `department` (None = company) in `month_text`; panics when the row
/// is missing, returns None when the row exists with a null value.
fn value(
    dataset: &Dataset,
    table: &MetricTable,
    metric: Metric,
    department: Option<&str>,
    month_text: &str,
) -> Option<f64> {
    let department = department.map(|name| {
        dataset
            .departments
            .find(name)
            .unwrap_or_else(|| panic!("department {name}"))
    });
    table
        .get(metric, department, month(month_text))
        .unwrap_or_else(|| panic!("no {metric} row for {department:?} {month_text}"))
        .value
}

fn expect(
    dataset: &Dataset,
    table: &MetricTable,
    metric: Metric,
    department: Option<&str>,
    month_text: &str,
    expected: f64,
) {
    let actual = value(dataset, table, metric, department, month_text)
        .unwrap_or_else(|| panic!("{metric} is null"));
    assert!(
        (actual - expected).abs() < 1e-9,
        "{metric} {department:?} {month_text}: {actual} != {expected}"
    );
}

#[test]
fn finance_metrics_per_department_and_company_ratios_of_sums() {
    let (d, t) = computed(&["metrics/finance.csv"], "2026-03-31");
    use Metric::*;
    // Engineering: 1000 − 400 − 300 = 300; EBIT 300 − (50 + 10) = 240.
    expect(&d, &t, Ebitda, Some("Engineering"), "2026-03", 300.0);
    expect(&d, &t, Ebit, Some("Engineering"), "2026-03", 240.0);
    expect(
        &d,
        &t,
        DepreciationAmortization,
        Some("Engineering"),
        "2026-03",
        60.0,
    );
    expect(&d, &t, EbitdaMargin, Some("Engineering"), "2026-03", 0.3);
    expect(&d, &t, CostToRevenue, Some("Engineering"), "2026-03", 0.7);
    // (700 − 800) / 800.
    expect(
        &d,
        &t,
        CostBudgetVariance,
        Some("Engineering"),
        "2026-03",
        -0.125,
    );
    // Sales: 500 − 100 − 450 = −50, margin −0.1; no budget → no variance row.
    expect(&d, &t, EbitdaMargin, Some("Sales"), "2026-03", -0.1);
    let sales = d.departments.find("Sales");
    assert!(t.get(CostBudgetVariance, sales, month("2026-03")).is_none());
    // G&A has no revenue: margin and cost to revenue are null, never NaN or 0.
    assert_eq!(value(&d, &t, EbitdaMargin, Some("G&A"), "2026-03"), None);
    assert_eq!(value(&d, &t, CostToRevenue, Some("G&A"), "2026-03"), None);
    expect(
        &d,
        &t,
        CostBudgetVariance,
        Some("G&A"),
        "2026-03",
        50.0 / 150.0,
    );
    // Company: revenue 1500, costs 500 + 950 = 1450, EBITDA 50. Margin 50/1500 (not the mean
    // of department margins, which would be 0.1).
    expect(&d, &t, Revenue, None, "2026-03", 1500.0);
    expect(&d, &t, Ebitda, None, "2026-03", 50.0);
    expect(&d, &t, Ebit, None, "2026-03", -10.0);
    expect(&d, &t, EbitdaMargin, None, "2026-03", 50.0 / 1500.0);
    expect(&d, &t, CostToRevenue, None, "2026-03", 1450.0 / 1500.0);
    // Budgeted costs only: (700 + 200 − (800 + 150)) / 950.
    expect(&d, &t, CostBudgetVariance, None, "2026-03", -50.0 / 950.0);
}

#[test]
fn ledger_and_wide_finance_give_identical_metrics() {
    let (ledger_data, ledger) = computed(&["finance_ledger.csv"], "2026-03-31");
    let (wide_data, wide) = computed(&["metrics/ledger_equivalent_wide.csv"], "2026-03-31");
    assert_eq!(ledger.values().len(), wide.values().len());
    for value in ledger.values() {
        let department = value.department.map(|id| ledger_data.departments.name(id));
        let other = wide_data.departments.find(department.unwrap_or_default());
        let other = wide
            .get(value.metric, department.and(other), value.month)
            .expect("same row in the wide table");
        assert_eq!(
            value.value.map(|v| (v * 1e6).round()),
            other.value.map(|v| (v * 1e6).round()),
            "{}",
            value.metric
        );
    }
    // Engineering EBITDA by hand: 1234.5 − 200.25 − 100.
    expect(
        &wide_data,
        &wide,
        Metric::Ebitda,
        Some("Engineering"),
        "2026-03",
        934.25,
    );
}

#[test]
fn delivery_timelines_with_late_undelivered_and_future_items() {
    let (d, t) = computed(&["metrics/deliveries.csv"], "2026-03-31");
    use Metric::*;
    // March, Engineering: D1 on time, D2 four days late, D3 undelivered past due (late).
    expect(&d, &t, DeliverablesDue, Some("Engineering"), "2026-03", 3.0);
    expect(
        &d,
        &t,
        OnTimeRate,
        Some("Engineering"),
        "2026-03",
        1.0 / 3.0,
    );
    expect(&d, &t, AvgDaysLate, Some("Engineering"), "2026-03", 4.0);
    // Delivered with both costs: D1 under, D2 over.
    expect(
        &d,
        &t,
        BudgetOverrunRate,
        Some("Engineering"),
        "2026-03",
        0.5,
    );
    // March, Ops: D4 six days late at exactly its budget (not an overrun); D5 is due after as_of.
    expect(&d, &t, DeliverablesDue, Some("Ops"), "2026-03", 1.0);
    expect(&d, &t, OnTimeRate, Some("Ops"), "2026-03", 0.0);
    expect(&d, &t, AvgDaysLate, Some("Ops"), "2026-03", 6.0);
    expect(&d, &t, BudgetOverrunRate, Some("Ops"), "2026-03", 0.0);
    // Company March: 1 of 4 on time; late days (4 + 6) / 2; overruns 1 of 3.
    expect(&d, &t, OnTimeRate, None, "2026-03", 0.25);
    expect(&d, &t, AvgDaysLate, None, "2026-03", 5.0);
    expect(&d, &t, BudgetOverrunRate, None, "2026-03", 1.0 / 3.0);
    // February, Ops: D6 on time; nothing late → no average; no costs → no overrun rate.
    expect(&d, &t, OnTimeRate, Some("Ops"), "2026-02", 1.0);
    assert_eq!(value(&d, &t, AvgDaysLate, Some("Ops"), "2026-02"), None);
    assert_eq!(
        value(&d, &t, BudgetOverrunRate, Some("Ops"), "2026-02"),
        None
    );
    // Overdue in the as-of month: D3 only (D5 is not due yet).
    expect(&d, &t, OverdueOpen, Some("Engineering"), "2026-03", 1.0);
    expect(&d, &t, OverdueOpen, Some("Ops"), "2026-03", 0.0);
    expect(&d, &t, OverdueOpen, None, "2026-03", 1.0);
    assert!(t.get(OverdueOpen, None, month("2026-02")).is_none());
}

#[test]
fn productivity_joins_workforce_with_finance_and_divides_safely() {
    let (d, t) = computed(
        &["metrics/finance.csv", "metrics/workforce.csv"],
        "2026-03-31",
    );
    use Metric::*;
    expect(&d, &t, Utilization, Some("Engineering"), "2026-03", 0.8); // 1200 / 1500
    expect(&d, &t, OutputPerFte, Some("Engineering"), "2026-03", 5.0); // 50 / 10
    expect(&d, &t, RevenuePerFte, Some("Engineering"), "2026-03", 100.0); // 1000 / 10
    expect(&d, &t, CostPerOutput, Some("Engineering"), "2026-03", 14.0); // (400 + 300) / 50
    expect(&d, &t, Utilization, Some("Sales"), "2026-03", 0.0);
    expect(&d, &t, RevenuePerFte, Some("Sales"), "2026-03", 100.0); // 500 / 5
    assert!(
        t.get(OutputPerFte, d.departments.find("Sales"), month("2026-03"))
            .is_none()
    );
    // G&A: zero hours and zero FTE → null, not NaN.
    assert_eq!(value(&d, &t, Utilization, Some("G&A"), "2026-03"), None);
    assert_eq!(value(&d, &t, RevenuePerFte, Some("G&A"), "2026-03"), None);
    // Company: 1200 / 2250 hours; revenue 1500 / 15 FTE; output 50 / 15 FTE; costs 1450 / 50.
    expect(&d, &t, Utilization, None, "2026-03", 1200.0 / 2250.0);
    expect(&d, &t, RevenuePerFte, None, "2026-03", 100.0);
    expect(&d, &t, OutputPerFte, None, "2026-03", 50.0 / 15.0);
    expect(&d, &t, CostPerOutput, None, "2026-03", 29.0);
}

#[test]
fn nps_counts_promoters_and_detractors_and_flags_few_responses() {
    let (d, t) = computed(&["metrics/nps.csv"], "2026-05-31");
    use Metric::*;
    // Engineering March: 10, 9 promoters; 7 passive; 6 detractor → 100 × (2 − 1) / 4.
    expect(&d, &t, Nps, Some("Engineering"), "2026-03", 25.0);
    expect(&d, &t, NpsResponses, Some("Engineering"), "2026-03", 4.0);
    let engineering = d.departments.find("Engineering");
    assert!(
        t.get(Nps, engineering, month("2026-03"))
            .unwrap()
            .low_confidence
    );
    expect(&d, &t, Nps, Some("Ops"), "2026-03", -100.0);
    // Company March: 2 promoters, 2 detractors of 5.
    expect(&d, &t, Nps, None, "2026-03", 0.0);
    // April has no responses: no row at all.
    assert!(t.get(Nps, None, month("2026-04")).is_none());
    expect(&d, &t, Nps, None, "2026-05", 100.0);
}

#[test]
fn nps_from_thirty_responses_is_confident() {
    let folder = tempfile::tempdir().unwrap();
    let mut text = String::from("date,nps\n");
    // 15 promoters (10) and 15 detractors (0): NPS 0 from 30 responses.
    for day in 1..=30 {
        text.push_str(&format!(
            "2026-03-{day:02},{}\n",
            if day % 2 == 0 { 10 } else { 0 }
        ));
    }
    std::fs::write(folder.path().join("nps.csv"), text).unwrap();
    let dataset = coo_dashboard::analysis::read_folder(folder.path(), true).unwrap();
    let table = compute(&dataset, as_of("2026-03-31")).unwrap();
    let nps = table.get(Metric::Nps, None, month("2026-03")).unwrap();
    assert_eq!((nps.value, nps.low_confidence), (Some(0.0), false));
}

#[test]
fn csat_is_the_share_of_four_and_five_and_is_given_per_channel_too() {
    // Email 5, 4, 3 → 2 of 3 satisfied; Phone 1 → 0 of 1; the company 2 of 4 = 0.5.
    let (d, t) = computed(&["metrics/csat.csv"], "2026-03-31");
    expect(&d, &t, Metric::Csat, None, "2026-03", 0.5);
    expect(&d, &t, Metric::CsatResponses, None, "2026-03", 4.0);
    assert!(
        t.get(Metric::Csat, None, month("2026-03"))
            .unwrap()
            .low_confidence
    );
    // SPEC §1: a help-desk channel is not a department.
    assert_eq!(d.departments.iter().count(), 0);
    let channel = |name: &str, metric: Metric| {
        let id = d.channels.find(name).expect("the channel is kept");
        t.channel_value(metric, id, month("2026-03"))
            .and_then(|value| value.value)
            .expect("a value")
    };
    assert!((channel("Email", Metric::Csat) - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(channel("Email", Metric::CsatResponses), 3.0);
    assert_eq!(channel("Phone", Metric::Csat), 0.0);
    assert_eq!(channel("Phone", Metric::CsatResponses), 1.0);
}

#[test]
fn churn_from_a_customer_list_including_a_same_month_customer() {
    let (d, t) = computed(&["metrics/customers.csv"], "2026-03-31");
    use Metric::*;
    // January: only C1 started before Jan 1. February: C1, C2 (C4, C5 start in February).
    expect(&d, &t, ActiveCustomers, None, "2026-01", 1.0);
    expect(&d, &t, ActiveCustomers, None, "2026-02", 2.0);
    expect(&d, &t, ChurnRate, None, "2026-02", 0.0);
    // March, SMB: S = {C1, C2}; C2 ends 03-15 → churn 1/2. C3 starts and ends in March: never in S.
    expect(&d, &t, ActiveCustomers, Some("SMB"), "2026-03", 2.0);
    expect(&d, &t, ChurnRate, Some("SMB"), "2026-03", 0.5);
    expect(&d, &t, RetentionRate, Some("SMB"), "2026-03", 0.5);
    expect(
        &d,
        &t,
        RevenueChurnRate,
        Some("SMB"),
        "2026-03",
        200.0 / 300.0,
    );
    // March, Enterprise: C4 ends on March 1 (≥ the first day, so in S) and churns; C5 stays.
    expect(&d, &t, ChurnRate, Some("Enterprise"), "2026-03", 0.5);
    expect(
        &d,
        &t,
        RevenueChurnRate,
        Some("Enterprise"),
        "2026-03",
        1000.0 / 4000.0,
    );
    // Company March: 2 of 4 churned; MRR (200 + 1000) / (100 + 200 + 1000 + 3000).
    expect(&d, &t, ActiveCustomers, None, "2026-03", 4.0);
    expect(&d, &t, ChurnRate, None, "2026-03", 0.5);
    expect(&d, &t, RevenueChurnRate, None, "2026-03", 1200.0 / 4300.0);
}

#[test]
fn churn_from_a_monthly_summary() {
    let (d, t) = computed(&["customers_summary.csv"], "2026-03-31");
    expect(&d, &t, Metric::ChurnRate, Some("SMB"), "2026-03", 0.03); // 6 / 200
    expect(
        &d,
        &t,
        Metric::ChurnRate,
        Some("Enterprise"),
        "2026-03",
        0.0,
    );
    expect(&d, &t, Metric::ChurnRate, None, "2026-03", 6.0 / 250.0);
    expect(
        &d,
        &t,
        Metric::RetentionRate,
        None,
        "2026-03",
        1.0 - 6.0 / 250.0,
    );
}

#[test]
fn every_value_is_finite_or_null() {
    let (_, t) = computed(
        &[
            "metrics/finance.csv",
            "metrics/workforce.csv",
            "metrics/deliveries.csv",
            "metrics/nps.csv",
        ],
        "2026-05-31",
    );
    for value in t.values() {
        assert!(value.value.is_none_or(f64::is_finite), "{value:?}");
    }
}
