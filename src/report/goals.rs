//! How goals are worded (SPEC §6), the same in the app, the board pack and the memo: a goal's
//! months, where it stands, where it will land, and the worst-first order.

use std::cmp::Reverse;

use super::format;
use crate::escalations::targets::{GoalProgress, Period, TargetRow, TargetStatus, is_additive};
use crate::metrics::{Metric, Unit};

/// The months a goal covers: "Oct–Dec 2026", "Jan 2026–Dec 2026" across years.
pub fn period_months(goal: &GoalProgress) -> String {
    if goal.first == goal.last {
        return format::month_short(goal.first);
    }
    if goal.first.year() == goal.last.year() {
        format!(
            "{}–{}",
            format::month_short(goal.first)
                .split(' ')
                .next()
                .unwrap_or_default(),
            format::month_short(goal.last)
        )
    } else {
        format!(
            "{}–{}",
            format::month_short(goal.first),
            format::month_short(goal.last)
        )
    }
}

/// One line for a goal at a month: "Target 9.0% (every month): 5.8%, short by 3.2 points" or
/// "2026 to date: 19,244,467 of 20,000,000 (96% of plan); full year 24,000,000".
pub fn goal_summary(goal: &GoalProgress, row: &TargetRow) -> String {
    let metric = goal.goal.metric;
    let value = |v: f64| format::metric_value(metric, Some(v));
    if is_additive(metric)
        && let (Some(done), Some(planned)) = (row.actual_to_date, row.target_to_date)
    {
        let pace = row
            .pace
            .map(|pace| format!(" ({}% of plan)", format::grouped(pace * 100.0, 0)))
            .unwrap_or_default();
        return format!(
            "{} to date: {} of {}{pace}; target {}",
            goal.goal.period_label(),
            value(done),
            value(planned),
            value(goal.goal.value)
        );
    }
    let actual = row.actual.map_or_else(|| "no value".to_string(), value);
    format!(
        "Target {} ({}): {actual}",
        value(goal.goal.value),
        goal.goal.period_label()
    )
}

/// Where a goal will land: "Forecast for Dec 2026: 5.8% (80%: 4.6%–6.9%), will miss"; the
/// reason when there is no forecast; `None` once the period is over.
pub fn landing_text(goal: &GoalProgress) -> Option<String> {
    let metric = goal.goal.metric;
    let value = |v: f64| format::metric_value(metric, Some(v));
    if let Some(landing) = goal.landing {
        let what = if is_additive(metric) && goal.goal.period.is_some() {
            format!("Landing for {}", goal.goal.period_label())
        } else {
            format!("Forecast for {}", format::month_short(goal.last))
        };
        let outlook = goal
            .landing_status()
            .map(|status| format!(", {}", landing_word(status)))
            .unwrap_or_default();
        return Some(format!(
            "{what}: {} (80%: {}–{}){outlook}",
            value(landing.value),
            value(landing.low),
            value(landing.high)
        ));
    }
    goal.no_landing
        .as_ref()
        .map(|reason| format!("No forecast: {reason}"))
}

/// A KPI card's goal line: "Target 9.0%" for a ratio, "2026: 96% of plan" for a total.
pub fn card_goal(goal: &GoalProgress, row: &TargetRow) -> String {
    match row.pace {
        Some(pace) if is_additive(goal.goal.metric) => format!(
            "{}: {}% of plan",
            goal.goal.period_label(),
            format::grouped(pace * 100.0, 0)
        ),
        _ => format!(
            "Target {}",
            format::metric_value(goal.goal.metric, Some(goal.goal.value))
        ),
    }
}

/// A KPI card's forecast line, at the as-of month only: "Forecast Dec 2026: 5.8% (4.6%–6.9%)".
pub fn card_forecast(goal: &GoalProgress, month: crate::model::Month) -> Option<String> {
    let landing = goal.landing?;
    if goal.rows.last().map(|row| row.month) != Some(month) {
        return None;
    }
    let value = |v: f64| format::metric_value(goal.goal.metric, Some(v));
    Some(format!(
        "Forecast {}: {} ({}–{})",
        format::month_short(goal.last),
        value(landing.value),
        value(landing.low),
        value(landing.high)
    ))
}

/// How bad a goal is, for the worst-first order: the worse of its latest status and its
/// landing's.
pub fn badness(goal: &GoalProgress) -> Option<TargetStatus> {
    let latest = goal.latest().and_then(|row| row.status);
    latest.max(goal.landing_status())
}

/// The worst-first order of goals: the worse of status and landing first, then by metric,
/// department and period.
pub fn worst_first_key(
    goal: &GoalProgress,
) -> (
    Reverse<Option<TargetStatus>>,
    Metric,
    Option<String>,
    Option<Period>,
) {
    (
        Reverse(badness(goal)),
        goal.goal.metric,
        goal.goal.department.clone(),
        goal.goal.period,
    )
}

/// "Consulting EBITDA margin", "Consulting revenue", "EBITDA margin": as escalation messages
/// name a series.
pub fn goal_name(goal: &GoalProgress) -> String {
    crate::escalations::subject(goal.goal.metric, goal.goal.department.as_deref())
}

/// The goals that need a word in the memo and on the pack's Goals page: the latest status
/// missed or behind, or a landing that misses (or, at the point forecast, may miss). Worst first.
pub fn at_risk(goals: &[GoalProgress]) -> Vec<&GoalProgress> {
    let mut found: Vec<&GoalProgress> = goals
        .iter()
        .filter(|goal| badness(goal).is_some_and(|status| status != TargetStatus::Met))
        .collect();
    found.sort_by_key(|goal| worst_first_key(goal));
    found
}

/// The latest status and the landing in one word: "missed", "behind", "will miss", "at risk",
/// "on course", "met".
pub fn verdict(goal: &GoalProgress) -> &'static str {
    let latest = goal.latest().and_then(|row| row.status);
    match (latest, goal.landing_status()) {
        (Some(TargetStatus::Missed), _) => "missed",
        (_, Some(TargetStatus::Missed)) => landing_word(TargetStatus::Missed),
        (Some(TargetStatus::Behind), _) => "behind",
        (_, Some(landing)) => landing_word(landing),
        (Some(TargetStatus::Met), None) => "met",
        (None, None) => "no value yet",
    }
}

/// A landing's status in words: "will miss", "at risk", "on course".
pub fn landing_word(status: TargetStatus) -> &'static str {
    match status {
        TargetStatus::Missed => "will miss",
        TargetStatus::Behind => "at risk",
        TargetStatus::Met => "on course",
    }
}

/// The memo's line for a goal: "Revenue, 2026-Q4 (owner CEO): will miss. To date (Oct 2026)
/// 1,932,339 of 2,000,000 (97% of plan), gap −67,661; target 6,000,000; landing 5,729,137
/// (80%: 5,573,098–5,885,177)."
pub fn line(goal: &GoalProgress) -> String {
    let metric = goal.goal.metric;
    let value = |v: f64| format::metric_value(metric, Some(v));
    let owner = goal
        .goal
        .owner
        .as_ref()
        .map(|owner| format!(" (owner {owner})"))
        .unwrap_or_default();
    let mut text = format!(
        "{}, {}{owner}: {}.",
        goal_name(goal),
        goal.goal.period_label(),
        verdict(goal)
    );
    if let Some(row) = goal.latest() {
        let gap = row
            .gap
            .map(|gap| format!(", gap {}", gap_text(metric, gap)))
            .unwrap_or_default();
        let month = format::month_short(row.month);
        match (row.actual_to_date, row.target_to_date) {
            (Some(done), Some(planned)) if is_additive(metric) => {
                let pace = row
                    .pace
                    .map(|pace| format!(" ({}% of plan)", format::grouped(pace * 100.0, 0)))
                    .unwrap_or_default();
                text.push_str(&format!(
                    " To date ({month}) {} of {}{pace}{gap}; target {}",
                    value(done),
                    value(planned),
                    value(goal.goal.value)
                ));
            }
            _ => text.push_str(&format!(
                " {month}: {} against {}{gap}",
                row.actual.map_or_else(|| "no value".to_string(), value),
                value(row.target)
            )),
        }
    }
    match (goal.landing, &goal.no_landing) {
        (Some(landing), _) => {
            let what = if is_additive(metric) && goal.goal.period.is_some() {
                "landing".to_string()
            } else {
                format!("forecast for {}", format::month_short(goal.last))
            };
            text.push_str(&format!(
                "; {what} {} (80%: {}–{}).",
                value(landing.value),
                value(landing.low),
                value(landing.high)
            ));
        }
        (None, Some(reason)) => text.push_str(&format!("; no forecast: {reason}.")),
        (None, None) => text.push('.'),
    }
    text
}

/// A signed gap (positive is good) as the goals table shows it: "−3.2 pts" for a rate, "+412,000"
/// for an amount.
pub fn gap_text(metric: Metric, gap: f64) -> String {
    if metric.unit() == Unit::Rate {
        return format!("{:+.1} pts", gap * 100.0).replace('-', "−");
    }
    let shown = format::metric_value(metric, Some(gap.abs()));
    if gap < 0.0 {
        format!("−{shown}")
    } else {
        format!("+{shown}")
    }
}
