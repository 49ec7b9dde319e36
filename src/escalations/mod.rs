//! Escalations (SPEC §4): which metric values need a COO's attention, and what has been done
//! about them.
//!
//! [`rules`] reads the layered TOML rules; [`evaluate`] turns a metric table and the rules into
//! [`Escalation`]s for every month (threshold, change, trend and anomaly rules); [`store`] keeps
//! the workflow (acknowledge, assign, comment, resolve, reopen) in SQLite with an audit trail,
//! keyed by the stable escalation id `metric:department-or-company:month:rule`. The report and
//! the GUI show [`EscalationRow`]s: an escalation with its current status.

mod evaluate;
pub mod money;
pub mod rules;
pub mod standing;
pub mod store;
pub mod targets;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::metrics::Metric;
use crate::model::{DepartmentId, Month};

pub use evaluate::{evaluate, missing_data, order, subject};
pub use rules::Rules;
pub use standing::{Band, Standing, StatusBoard};
pub use store::{AuditEntry, EscalationState, Status, Store, StoreError, WorkflowAction};

/// How urgent an escalation is; orders `Watch < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// An early sign (trend, anomaly) or a value too uncertain to be more.
    Watch,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Watch => "watch",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of rule raised an escalation; the last part of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The value is beyond a warning or critical level.
    Threshold,
    /// The value moved more than `max_drop`/`max_rise` since the previous month.
    Change,
    /// The recent trend crosses a critical level within the horizon.
    Trend,
    /// The value is far from the series' own trailing history.
    Anomaly,
    /// A department's export of a monthly kind did not arrive for the as-of month (SPEC §7).
    Data,
    /// A target period's forecast landing misses the target (SPEC §6).
    Forecast,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Threshold => "threshold",
            RuleKind::Change => "change",
            RuleKind::Trend => "trend",
            RuleKind::Anomaly => "anomaly",
            RuleKind::Data => "data",
            RuleKind::Forecast => "forecast",
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule firing for one metric, department (or the company) and month.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    /// `metric:department-or-company:month:rule`, e.g. `nps:company:2026-10:threshold`.
    pub escalation_id: String,
    pub severity: Severity,
    pub rule: RuleKind,
    pub metric: Metric,
    pub department_id: Option<DepartmentId>,
    /// The department as displayed; `None` for the company.
    pub department: Option<String>,
    pub month: Month,
    pub value: f64,
    /// The level crossed: the warning/critical level, the allowed change, the critical level a
    /// trend heads for, or the edge of the usual range for an anomaly.
    pub threshold: f64,
    /// One plain sentence for people.
    pub message: String,
    /// Who answers for it before anyone is assigned: the target's owner (rule `forecast`).
    pub owner: Option<String>,
    /// What it is worth in the data's currency (SPEC §6), `None` when that cannot be stated.
    pub money_at_stake: Option<f64>,
    /// How `money_at_stake` was worked out, or why it is not stated.
    pub money_basis: String,
}

/// The stable id SPEC §4 defines: `metric:department-or-company:month:rule`.
pub fn escalation_id(
    metric: Metric,
    department: Option<&str>,
    month: Month,
    rule: RuleKind,
) -> String {
    format!(
        "{}:{}:{month}:{rule}",
        metric.name(),
        department.unwrap_or("company")
    )
}

/// An escalation as the report and lists show it: SPEC §5's fields plus its owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EscalationRow {
    pub id: String,
    pub severity: Severity,
    pub rule: RuleKind,
    pub metric: Metric,
    pub department: Option<String>,
    pub month: Month,
    pub value: f64,
    pub threshold: f64,
    pub status: Status,
    /// The assignee recorded in the workflow, else the target's owner.
    pub owner: Option<String>,
    pub message: String,
    pub money_at_stake: Option<f64>,
    pub money_basis: String,
}

impl EscalationRow {
    /// The escalation with its workflow state; no state yet means open.
    pub fn new(escalation: &Escalation, state: Option<&EscalationState>) -> EscalationRow {
        EscalationRow {
            id: escalation.escalation_id.clone(),
            severity: escalation.severity,
            rule: escalation.rule,
            metric: escalation.metric,
            department: escalation.department.clone(),
            month: escalation.month,
            value: escalation.value,
            threshold: escalation.threshold,
            status: state.map_or(Status::Open, |state| state.status),
            owner: state
                .and_then(|state| state.owner.clone())
                .or_else(|| escalation.owner.clone()),
            message: escalation.message.clone(),
            money_at_stake: escalation.money_at_stake,
            money_basis: escalation.money_basis.clone(),
        }
    }
}

/// The order of lists of what needs attention (the app's, the pack's, the memo's): most severe
/// first and, within a severity, the most money at stake first (SPEC §6); none last.
pub fn pressing_first(
    a: (Severity, Option<f64>),
    b: (Severity, Option<f64>),
) -> std::cmp::Ordering {
    let amount = |money: Option<f64>| money.unwrap_or(f64::NEG_INFINITY);
    b.0.cmp(&a.0)
        .then_with(|| amount(b.1).total_cmp(&amount(a.1)))
}

/// Every escalation joined with its state (keyed by escalation id), in the same order.
pub fn rows(
    escalations: &[Escalation],
    states: &HashMap<String, EscalationState>,
) -> Vec<EscalationRow> {
    escalations
        .iter()
        .map(|escalation| EscalationRow::new(escalation, states.get(&escalation.escalation_id)))
        .collect()
}

/// The number of single-character edits that turn `a` into `b` (Levenshtein), by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous_row: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut row = Vec::with_capacity(b_chars.len() + 1);
        row.push(i + 1);
        for (j, &b_char) in b_chars.iter().enumerate() {
            let substitution = previous_row[j] + usize::from(a_char != b_char);
            row.push(substitution.min(previous_row[j + 1] + 1).min(row[j] + 1));
        }
        previous_row = row;
    }
    previous_row[b_chars.len()]
}

/// The index of the candidate a typo most likely meant: the nearest by edit distance, if it is
/// within a third of the word (at least one edit).
pub(crate) fn closest_match<S: AsRef<str>>(
    typed: &str,
    candidates: impl Iterator<Item = S>,
) -> Option<usize> {
    let limit = (typed.chars().count() / 3).max(1);
    candidates
        .enumerate()
        .map(|(index, candidate)| (edit_distance(typed, candidate.as_ref()), index))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, index)| index)
}

/// Up to `limit` ids nearest to what was typed, ignoring case. Ids are compared part by part
/// (`metric:department:month:rule`): a typed part that starts the id's part costs nothing, any
/// other costs its edit distance; ties go to the id nearest as a whole.
pub fn suggest_ids<'a>(
    typed: &str,
    known_ids: impl Iterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let typed = typed.to_lowercase();
    let typed_parts: Vec<&str> = typed.split(':').collect();
    let mut ranked: Vec<(usize, usize, &str)> = known_ids
        .map(|id| {
            let lowered = id.to_lowercase();
            let id_parts: Vec<&str> = lowered.split(':').collect();
            let part_cost: usize = typed_parts
                .iter()
                .enumerate()
                .map(|(index, typed_part)| match id_parts.get(index) {
                    Some(id_part) if id_part.starts_with(typed_part) => 0,
                    Some(id_part) => edit_distance(typed_part, id_part),
                    None => typed_part.chars().count(),
                })
                .sum();
            (part_cost, edit_distance(&typed, &lowered), id)
        })
        .collect();
    ranked.sort();
    ranked.dedup_by_key(|(_, _, id)| *id);
    ranked
        .into_iter()
        .take(limit)
        .map(|(_, _, id)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_spec_pattern() {
        let month: Month = "2026-10".parse().unwrap();
        assert_eq!(
            escalation_id(Metric::Nps, None, month, RuleKind::Threshold),
            "nps:company:2026-10:threshold"
        );
        assert_eq!(
            escalation_id(
                Metric::OnTimeRate,
                Some("Data & Analytics"),
                month,
                RuleKind::Trend
            ),
            "on_time_rate:Data & Analytics:2026-10:trend"
        );
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("nps", "nps"), 0);
        assert_eq!(closest_match("npss", ["nps", "csat"].iter()), Some(0));
        assert_eq!(closest_match("revenue", ["nps", "csat"].iter()), None);
    }

    #[test]
    fn id_suggestions_put_prefix_matches_first() {
        let ids = [
            "nps:company:2026-10:threshold",
            "nps:company:2026-10:change",
            "churn_rate:company:2026-09:threshold",
        ];
        assert_eq!(
            suggest_ids("nps:company:2026-10", ids.iter().copied(), 2),
            vec![
                "nps:company:2026-10:change",
                "nps:company:2026-10:threshold"
            ]
        );
        assert_eq!(
            suggest_ids(
                "churn_rate:company:2026-10:threshold",
                ids.iter().copied(),
                1
            ),
            vec!["churn_rate:company:2026-09:threshold"]
        );
        // "churn" starts "churn_rate": the churn id first, though an NPS id is fewer edits away.
        assert_eq!(
            suggest_ids("churn:company", ids.iter().copied(), 1),
            vec!["churn_rate:company:2026-09:threshold"]
        );
    }
}
