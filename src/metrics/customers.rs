//! Customer metrics: NPS and CSAT from responses, churn and retention from a customer list or a
//! monthly summary.
//!
//! Customer list (SPEC §3): a customer is in month M's starting set S when it started before
//! M's first day and had not ended before it, i.e. `month(start) < M <= month(end)`. It churned
//! in M when it is in S and its end date falls in M. So a customer who starts and ends in the
//! same month is never in any S and never churns. Where a list and a summary cover the same
//! month and department, the list is used.

use std::collections::HashMap;

use super::frames::{GroupInput, GroupSums, group_sums};
use super::{
    MIN_CONFIDENT_RESPONSES, Metric, MetricTable, MetricValue, MetricsError, NpsBreakdown, ratio,
};
use crate::model::{Dataset, DepartmentId, Month};

pub fn compute(
    dataset: &Dataset,
    last_month: Month,
    table: &mut MetricTable,
) -> Result<(), MetricsError> {
    nps(nps_groups(dataset)?, table);
    csat(csat_groups(dataset)?, table);
    table.by_channel = csat_by_channel(dataset);
    churn_from_list(dataset, last_month, table)?;
    churn_from_summary(dataset, table);
    Ok(())
}

fn nps_groups(dataset: &Dataset) -> Result<GroupSums, MetricsError> {
    let mut input = GroupInput::flags(&["promoter", "detractor"], dataset.nps.len());
    for response in &dataset.nps {
        input.push_flags(
            Month::of(response.date),
            response.department,
            &[response.score >= 9, response.score <= 6],
        );
    }
    group_sums(&input)
}

fn nps(groups: GroupSums, table: &mut MetricTable) {
    for (&(month, department), sums) in &groups {
        let responses = sums.rows;
        let promoters = sums.get(0).unwrap_or(0.0);
        let detractors = sums.get(1).unwrap_or(0.0);
        let low_confidence = responses < MIN_CONFIDENT_RESPONSES;
        let score = ratio(
            Some(100.0 * (promoters - detractors)),
            Some(responses as f64),
        );
        table.push(Metric::Nps, department, month, score, low_confidence);
        let interval = score
            .zip(nps_margin(promoters, detractors, responses))
            .map(|(score, margin)| ((score - margin).max(-100.0), (score + margin).min(100.0)));
        table.set_interval(Metric::Nps, department, month, interval);
        table.push(
            Metric::NpsResponses,
            department,
            month,
            Some(responses as f64),
            false,
        );
        let (promoters, detractors) = (promoters as usize, detractors as usize);
        table.nps_breakdown.insert(
            (department, month),
            NpsBreakdown {
                promoters,
                passives: responses.saturating_sub(promoters + detractors),
                detractors,
            },
        );
    }
}

/// z of a two-sided 95% interval.
const Z_95: f64 = 1.96;

/// NPS's 95% margin of error in points (SPEC §7): 1.96 × 100 × √((p + d − (p − d)²) / n), with p
/// and d the promoters' and detractors' shares of the n answers.
fn nps_margin(promoters: f64, detractors: f64, responses: usize) -> Option<f64> {
    if responses == 0 {
        return None;
    }
    let n = responses as f64;
    let (p, d) = (promoters / n, detractors / n);
    Some(Z_95 * 100.0 * ((p + d - (p - d).powi(2)).max(0.0) / n).sqrt())
}

/// The Wilson 95% interval of the satisfied share `satisfied / responses` (a share, as CSAT
/// is kept; SPEC §7): centre (s + z²/2n) / (1 + z²/n), half-width z √(s(1 − s)/n + z²/4n²) / (1 + z²/n).
fn wilson_interval(satisfied: f64, responses: usize) -> Option<(f64, f64)> {
    if responses == 0 {
        return None;
    }
    let n = responses as f64;
    let s = satisfied / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (s + z2 / (2.0 * n)) / denominator;
    let half = Z_95 * (s * (1.0 - s) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some((centre - half, centre + half))
}

fn csat_groups(dataset: &Dataset) -> Result<GroupSums, MetricsError> {
    let mut input = GroupInput::flags(&["satisfied"], dataset.csat.len());
    for rating in &dataset.csat {
        input.push_flags(
            Month::of(rating.date),
            rating.department,
            &[rating.score.is_satisfied()],
        );
    }
    group_sums(&input)
}

fn csat(groups: GroupSums, table: &mut MetricTable) {
    for (&(month, department), sums) in &groups {
        let responses = sums.rows;
        let low_confidence = responses < MIN_CONFIDENT_RESPONSES;
        table.push(
            Metric::Csat,
            department,
            month,
            ratio(sums.get(0), Some(responses as f64)),
            low_confidence,
        );
        let interval = sums
            .get(0)
            .and_then(|satisfied| wilson_interval(satisfied, responses));
        table.set_interval(Metric::Csat, department, month, interval);
        table.push(
            Metric::CsatResponses,
            department,
            month,
            Some(responses as f64),
            false,
        );
    }
}

/// CSAT and its number of ratings per help-desk channel × month (SPEC §1's `channel_metrics`):
/// `department` holds the channel's id in [`Dataset::channels`]. Ratings without a channel are
/// in no row. The same share, confidence and Wilson interval as the department rows.
fn csat_by_channel(dataset: &Dataset) -> Vec<MetricValue> {
    let mut counts: std::collections::BTreeMap<(u32, Month), (usize, usize)> =
        std::collections::BTreeMap::new();
    for rating in &dataset.csat {
        if let Some(channel) = rating.channel {
            let entry = counts.entry((channel, Month::of(rating.date))).or_default();
            entry.0 += usize::from(rating.score.is_satisfied());
            entry.1 += 1;
        }
    }
    let mut values = Vec::with_capacity(counts.len() * 2);
    for ((channel, month), (satisfied, responses)) in counts {
        values.push(MetricValue {
            metric: Metric::Csat,
            department: Some(channel),
            month,
            value: ratio(Some(satisfied as f64), Some(responses as f64)),
            low_confidence: responses < MIN_CONFIDENT_RESPONSES,
            interval: wilson_interval(satisfied as f64, responses),
        });
        values.push(MetricValue {
            metric: Metric::CsatResponses,
            department: Some(channel),
            month,
            value: Some(responses as f64),
            low_confidence: false,
            interval: None,
        });
    }
    values
}

/// Counts and MRR of customers joining S (from the month after they start) and leaving it
/// (after their end month), aggregated per month × department; S and churn per month follow by
/// running sums.
fn churn_from_list(
    dataset: &Dataset,
    last_month: Month,
    table: &mut MetricTable,
) -> Result<(), MetricsError> {
    if dataset.customers.is_empty() {
        return Ok(());
    }
    let has_mrr = dataset
        .customers
        .iter()
        .any(|customer| customer.mrr.is_some());
    // Where an export cannot say who left (no end column), its customers' groups get active
    // customers only: churn would read 0 and retention 100% (SPEC §2b).
    let unknown_ends: Vec<Option<DepartmentId>> = {
        let mut groups: Vec<Option<DepartmentId>> = dataset
            .customers
            .iter()
            .filter(|customer| !customer.ends_known)
            .flat_map(|customer| [None, customer.department])
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    };
    let mut joins = GroupInput::new(&["mrr"]);
    let mut churns = GroupInput::new(&["mrr"]);
    for customer in &dataset.customers {
        let first_month_in_s = Month::of(customer.start_date).next();
        let end_month = customer.end_date.map(Month::of);
        if end_month.is_some_and(|end| end < first_month_in_s) {
            continue; // Started and ended within one month: never in S.
        }
        let mrr = Some(customer.mrr.unwrap_or(0.0));
        joins.push(first_month_in_s, customer.department, &[mrr]);
        if let Some(end) = end_month {
            churns.push(end, customer.department, &[mrr]);
        }
    }
    let joins = group_sums(&joins)?;
    let churns = group_sums(&churns)?;
    let Some(first_month) = joins.keys().map(|(month, _)| *month).min() else {
        return Ok(());
    };
    let mut departments: Vec<Option<DepartmentId>> = joins
        .keys()
        .chain(churns.keys())
        .map(|(_, department)| *department)
        .collect();
    departments.sort_unstable();
    departments.dedup();

    for department in departments {
        // Running count and MRR of S at the start of each month.
        let (mut active, mut active_mrr) = (0usize, 0.0f64);
        let mut previous_churn: (usize, f64) = (0, 0.0);
        let mut seen_any = false;
        for month in Month::range(first_month, last_month) {
            active -= previous_churn.0.min(active);
            active_mrr -= previous_churn.1;
            if let Some(joined) = joins.get(&(month, department)) {
                active += joined.rows;
                active_mrr += joined.get(0).unwrap_or(0.0);
                seen_any = true;
            }
            let churned = churns
                .get(&(month, department))
                .map_or((0, 0.0), |sums| (sums.rows, sums.get(0).unwrap_or(0.0)));
            previous_churn = churned;
            if !seen_any {
                continue;
            }
            if unknown_ends.contains(&department) {
                table.push(
                    Metric::ActiveCustomers,
                    department,
                    month,
                    Some(active as f64),
                    false,
                );
                continue;
            }
            push_churn(table, department, month, active as f64, churned.0 as f64);
            if has_mrr {
                table.push(
                    Metric::RevenueChurnRate,
                    department,
                    month,
                    ratio(Some(churned.1), Some(active_mrr)),
                    false,
                );
            }
        }
    }
    Ok(())
}

/// Active customers (S), churn rate and retention for one month, from either shape.
fn push_churn(
    table: &mut MetricTable,
    department: Option<DepartmentId>,
    month: Month,
    active: f64,
    churned: f64,
) {
    let churn_rate = ratio(Some(churned), Some(active));
    table.push(
        Metric::ActiveCustomers,
        department,
        month,
        Some(active),
        false,
    );
    table.push(Metric::ChurnRate, department, month, churn_rate, false);
    table.push(
        Metric::RetentionRate,
        department,
        month,
        churn_rate.map(|rate| 1.0 - rate),
        false,
    );
}

fn churn_from_summary(dataset: &Dataset, table: &mut MetricTable) {
    let mut company: HashMap<Month, (f64, f64)> = HashMap::new();
    let put = |table: &mut MetricTable, department, month, start: f64, churned: f64| {
        if table.get(Metric::ChurnRate, department, month).is_some() {
            return; // The customer list covers it.
        }
        push_churn(table, department, month, start, churned);
    };
    for row in &dataset.customer_summaries {
        let totals = company.entry(row.month).or_default();
        totals.0 += row.customers_start;
        totals.1 += row.churned_customers;
        if row.department.is_some() {
            put(
                table,
                row.department,
                row.month,
                row.customers_start,
                row.churned_customers,
            );
        }
    }
    for (month, (start, churned)) in company {
        put(table, None, month, start, churned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MetricValue;

    #[test]
    fn the_nps_margin_follows_the_spec_formula() {
        // 10 answers, 5 promoters and 2 detractors: p = 0.5, d = 0.2;
        // p + d − (p − d)² = 0.7 − 0.09 = 0.61; √(0.61 / 10) = 0.246982; × 196 = 48.408.
        let margin = nps_margin(5.0, 2.0, 10).unwrap();
        assert!((margin - 48.408).abs() < 0.001, "{margin}");
        // All promoters: no spread, no margin.
        assert_eq!(nps_margin(10.0, 0.0, 10), Some(0.0));
        assert_eq!(nps_margin(0.0, 0.0, 0), None);
    }

    #[test]
    fn the_csat_interval_is_wilsons() {
        // 8 satisfied of 10, z² = 3.8416: denominator 1 + 0.38416 = 1.38416; centre
        // (0.8 + 0.19208) / 1.38416 = 0.716738; half 1.96 × √(0.016 + 0.009604) / 1.38416
        // = 1.96 × 0.160012 / 1.38416 = 0.226581; interval 0.490157 … 0.943319.
        let (low, high) = wilson_interval(8.0, 10).unwrap();
        assert!((low - 0.490157).abs() < 1e-5, "{low}");
        assert!((high - 0.943319).abs() < 1e-5, "{high}");
        let value = MetricValue {
            metric: Metric::Csat,
            department: None,
            month: "2026-10".parse().unwrap(),
            value: Some(0.8),
            low_confidence: false,
            interval: Some((low, high)),
        };
        // The farther side: 0.8 − 0.490157 = 0.309843 (the upper side is 0.143319).
        assert!((value.margin().unwrap() - 0.309843).abs() < 1e-5);
    }
}
