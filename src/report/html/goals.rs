//! The pack's Goals page (SPEC §6): every target with its owner, plan, actual and forecast
//! landing, grouped by department (the company first), each with a bullet: the actual as a bar,
//! the target as a tick, the landing as a dot on its 80% interval.

use std::fmt::Write;

use super::charts::Scale;
use super::*;
use crate::report::goals;

pub(super) fn goals_section(html: &mut String, pack: &Pack<'_>) {
    if pack.goals.is_empty() {
        return;
    }
    let count = |word: &str| {
        pack.goals
            .iter()
            .filter(|goal| goals::verdict(goal) == word)
            .count()
    };
    let lead = format!(
        "{} · {}: {} missed, {} will miss on the forecast, {} behind, {} at risk, {} on course or met. \
         Additive targets are period totals (plan to date is the target pro rata); ratio targets apply to every month. \
         The landing is the forecast for the period's end with its 80% interval.",
        format::month_long(pack.month),
        format::count(pack.goals.len(), "target", "targets"),
        count("missed"),
        count("will miss"),
        count("behind"),
        count("at risk"),
        count("on course") + count("met"),
    );
    section_open(html, "Goals", &lead);
    let mut ordered: Vec<&GoalProgress> = pack.goals.iter().collect();
    ordered.sort_by(|a, b| {
        let group = |goal: &GoalProgress| {
            goal.goal
                .department
                .as_ref()
                .map(|name| name.to_lowercase())
        };
        group(a)
            .cmp(&group(b))
            .then_with(|| goals::worst_first_key(a).cmp(&goals::worst_first_key(b)))
    });
    html.push_str(
        "<table class=\"goals\"><thead><tr><th>Goal</th><th>Period</th><th>Owner</th>\
         <th class=\"num\">Plan</th><th class=\"num\">Actual</th><th class=\"num\">Gap</th><th>Now</th>\
         <th class=\"num\">Landing (80%)</th><th>Outlook</th><th style=\"width:120px\">Plan · actual · landing</th></tr></thead><tbody>\n",
    );
    let mut group: Option<Option<&str>> = None;
    for goal in ordered {
        let department = goal.goal.department.as_deref();
        if group != Some(department) {
            group = Some(department);
            let _ = writeln!(
                html,
                "<tr class=\"group\"><td colspan=\"10\">{}</td></tr>",
                escape(department.unwrap_or("Company"))
            );
        }
        goal_row(html, goal);
    }
    html.push_str(
        "</tbody></table>\n<p class=\"legend\"><i style=\"background:#2563eb;opacity:0.55\"></i>actual (to date, for a total) \
         <i style=\"background:#1f2328;width:2px\"></i>target \
         <i style=\"background:#7c3aed;border-radius:50%\"></i>landing, the line its 80% interval</p>\n",
    );
    let unforecast: Vec<String> = pack
        .goals
        .iter()
        .filter(|goal| goal.landing.is_none() && goal.is_open_at(pack.month))
        .filter_map(|goal| {
            goal.no_landing
                .as_ref()
                .map(|reason| format!("{}: {reason}", goals::goal_name(goal)))
        })
        .collect();
    if !unforecast.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"weak\">No forecast for {}.</p>",
            escape(&unforecast.join("; "))
        );
    }
    html.push_str("</section>\n");
}

fn goal_row(html: &mut String, goal: &GoalProgress) {
    let metric = goal.goal.metric;
    let value = |v: Option<f64>| format::metric_value(metric, v);
    let latest = goal.latest();
    let additive = is_additive(metric);
    let (actual, plan) = match latest {
        Some(row) if additive => (row.actual_to_date, row.target_to_date),
        Some(row) => (row.actual, Some(row.target)),
        None => (None, Some(goal.goal.value)),
    };
    let actual_text = match latest {
        Some(row) if additive => format!(
            "{}<div class=\"weak\">to {}</div>",
            escape(&value(actual)),
            escape(&format::month_short(row.month))
        ),
        Some(row) => format!(
            "{}<div class=\"weak\">{}</div>",
            escape(&value(actual)),
            escape(&format::month_short(row.month))
        ),
        None => "–".to_string(),
    };
    let plan_text = if additive && goal.goal.period.is_some() {
        format!(
            "{}<div class=\"weak\">of {}</div>",
            escape(&value(plan)),
            escape(&value(Some(goal.goal.value)))
        )
    } else {
        escape(&value(plan))
    };
    let gap = latest
        .and_then(|row| row.gap)
        .map_or_else(|| "–".to_string(), |gap| goals::gap_text(metric, gap));
    let now = match latest.and_then(|row| row.status) {
        Some(status) => target_chip(status, status.as_str()),
        None => "<span class=\"chip muted\">no value</span>".to_string(),
    };
    let landing = match goal.landing {
        Some(landing) => format!(
            "{}<div class=\"weak\">{} to {}</div>",
            escape(&value(Some(landing.value))),
            escape(&value(Some(landing.low))),
            escape(&value(Some(landing.high)))
        ),
        None if goal.no_landing.is_some() => "<span class=\"weak\">no forecast</span>".to_string(),
        None => "<span class=\"weak\">period over</span>".to_string(),
    };
    let outlook = match goal.landing_status() {
        Some(status) => target_chip(status, goals::landing_word(status)),
        None => "<span class=\"weak\">–</span>".to_string(),
    };
    let period = match goal.goal.period {
        Some(_) => format!(
            "{}<div class=\"weak\">{}</div>",
            escape(&goal.goal.period_label()),
            escape(&goals::period_months(goal))
        ),
        None => "every month".to_string(),
    };
    let _ = writeln!(
        html,
        "<tr><td>{}</td><td>{period}</td><td>{}</td><td class=\"num\">{plan_text}</td>\
         <td class=\"num\">{actual_text}</td><td class=\"num\">{}</td><td>{now}</td>\
         <td class=\"num\">{landing}</td><td>{outlook}</td><td>{}</td></tr>",
        escape(metric.label()),
        escape(goal.goal.owner.as_deref().unwrap_or("–")),
        escape(&gap),
        bullet(goal, actual),
    );
}

/// A status as a chip: the word carries it, the colour repeats it.
fn target_chip(status: TargetStatus, word: &str) -> String {
    let class = match status {
        TargetStatus::Met => "ok",
        TargetStatus::Behind => "warning",
        TargetStatus::Missed => "critical",
    };
    format!("<span class=\"chip {class}\">{}</span>", escape(word))
}

/// The goal in one line: the actual (to date, for a total) as a bar, the period's target as a
/// tick, the landing as a dot on its interval.
fn bullet(goal: &GoalProgress, actual: Option<f64>) -> String {
    let target = goal.goal.value;
    let landing = goal.landing;
    let values: Vec<f64> = [Some(target), actual]
        .into_iter()
        .flatten()
        .chain(landing.into_iter().flat_map(|l| [l.low, l.high, l.value]))
        .filter(|value| value.is_finite())
        .collect();
    let from_zero = is_additive(goal.goal.metric) || values.iter().all(|value| *value >= 0.0);
    let Some(scale) = Scale::over(&values, from_zero) else {
        return String::new();
    };
    let (width, height) = (120.0, 16.0);
    let x = |value: f64| 2.0 + (width - 4.0) * scale.fraction(value);
    let label = format!(
        "{}: target {}, actual {}{}",
        goals::goal_name(goal),
        format::metric_value(goal.goal.metric, Some(target)),
        format::metric_value(goal.goal.metric, actual),
        landing
            .map(|l| format!(
                ", landing {}",
                format::metric_value(goal.goal.metric, Some(l.value))
            ))
            .unwrap_or_default()
    );
    let mut svg = format!(
        "<svg class=\"bullet\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        escape(&label)
    );
    let base = x(scale.low.max(0.0).min(scale.high));
    if let Some(actual) = actual.filter(|value| value.is_finite()) {
        let (left, right) = if x(actual) < base {
            (x(actual), base)
        } else {
            (base, x(actual))
        };
        let _ = write!(
            svg,
            "<rect x=\"{left:.1}\" y=\"4\" width=\"{:.1}\" height=\"8\" fill=\"{REVENUE}\" fill-opacity=\"0.55\"/>",
            (right - left).max(0.8)
        );
    }
    if let Some(landing) = landing {
        let _ = write!(
            svg,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"8\" y2=\"8\" stroke=\"{SECONDARY}\" stroke-width=\"1.5\"/>\
             <circle cx=\"{:.1}\" cy=\"8\" r=\"2.6\" fill=\"{SECONDARY}\"/>",
            x(landing.low),
            x(landing.high),
            x(landing.value)
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"1\" y2=\"15\" stroke=\"{TARGET}\" stroke-width=\"2\"/></svg>",
        x(target)
    );
    svg
}
