//! Goals (SPEC §6): every target with its owner, actual, target, gap, pace and forecast
//! landing, worst first; a click on a goal opens its metric. Below the table the targets editor:
//! add, change or remove a target, saved into the folder's `coo-dashboard.toml` without touching
//! any other key.

use eframe::egui;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Command, MetricFocus, ViewContext};
use crate::app::theme::Palette;
use crate::app::{format, widgets};
use crate::escalations::targets::{GoalProgress, Period, TargetStatus, is_additive};
use crate::metrics::{Metric, Unit};
use crate::report;

/// The targets editor's fields, kept between frames.
#[derive(Debug, Clone)]
pub struct GoalEdits {
    pub metric: Metric,
    /// `None`: the company.
    pub department: Option<String>,
    /// Blank: every month (`value`); else `2026`, `2026-Q4` or `2026-10`.
    pub period: String,
    pub value: String,
    pub owner: String,
    /// Why the last save was refused before it was sent.
    pub error: Option<String>,
}

impl Default for GoalEdits {
    fn default() -> Self {
        GoalEdits {
            metric: Metric::EbitdaMargin,
            department: None,
            period: String::new(),
            value: String::new(),
            owner: String::new(),
            error: None,
        }
    }
}

/// "met" / "behind" / "missed" as a coloured chip: the word carries the status, the colour
/// repeats it.
pub fn status_chip_ui(ui: &mut Ui, status: TargetStatus, palette: &Palette) {
    let color = match status {
        TargetStatus::Met => palette.good,
        TargetStatus::Behind => palette.warning,
        TargetStatus::Missed => palette.bad,
    };
    widgets::chip_ui(ui, status.as_str(), color);
}

pub fn goals_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    edits: &mut GoalEdits,
    commands: &mut Vec<Command>,
) {
    widgets::view_header_ui(ui, "Goals", &ctx.context_line());
    let prepared = ctx.prepared;
    let mut goals: Vec<&GoalProgress> = prepared
        .goals
        .iter()
        .filter(|goal| ctx.department.is_none() || goal.goal.department_id == ctx.department)
        .collect();
    goals.sort_by_key(|goal| report::goals::worst_first_key(goal));
    widgets::section(ui, &ctx.palette, "Targets, worst first", |ui| {
        if goals.is_empty() {
            ui.label(
                "No targets yet. Add one below (or write [targets.METRIC] in the folder's coo-dashboard.toml): \
                 each target names a metric, the company or a department, a period and an owner.",
            );
            return;
        }
        goals_table_ui(ui, ctx, &goals, edits, commands);
    });
    ui.add_space(8.0);
    widgets::section(ui, &ctx.palette, "Add or change a target", |ui| {
        editor_ui(ui, ctx, edits, commands);
    });
}

fn goals_table_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    goals: &[&GoalProgress],
    edits: &mut GoalEdits,
    commands: &mut Vec<Command>,
) {
    let headers = [
        "Goal",
        "For",
        "Period",
        "Owner",
        "Actual",
        "Target",
        "Gap",
        "Status",
        "Pace",
        "Forecast landing (80%)",
        "",
    ];
    egui::ScrollArea::horizontal()
        .id_salt("goals table")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("goals")
                .striped(true)
                .column(Column::auto().at_least(150.0))
                .column(Column::auto().at_least(110.0))
                .column(Column::auto().at_least(120.0))
                .column(Column::auto().at_least(110.0))
                .columns(Column::auto().at_least(90.0), 3)
                .column(Column::auto().at_least(70.0))
                .column(Column::auto().at_least(60.0))
                .column(Column::auto().at_least(230.0))
                .column(Column::auto().at_least(110.0))
                .header(22.0, |mut header| {
                    for title in headers {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|mut body| {
                    for goal in goals {
                        body.row(24.0, |mut row| {
                            goal_row_ui(&mut row, ctx, goal, edits, commands)
                        });
                    }
                });
        });
}

fn goal_row_ui(
    row: &mut egui_extras::TableRow<'_, '_>,
    ctx: &ViewContext<'_>,
    goal: &GoalProgress,
    edits: &mut GoalEdits,
    commands: &mut Vec<Command>,
) {
    let metric = goal.goal.metric;
    let value = |v: Option<f64>| format::metric_value(metric, v);
    let latest = goal.latest();
    let additive = is_additive(metric);
    row.col(|ui| {
        let link = ui
            .link(metric.label())
            .on_hover_text(format!("Open {} in detail", metric.label()));
        if link.clicked() {
            commands.push(Command::ShowMetric(MetricFocus {
                metric,
                department: goal.goal.department_id,
            }));
        }
    });
    row.col(|ui| {
        ui.label(goal.goal.department.as_deref().unwrap_or("Company"));
    });
    row.col(|ui| {
        let label = match goal.goal.period {
            Some(_) => format!(
                "{} ({})",
                goal.goal.period_label(),
                report::goals::period_months(goal)
            ),
            None => "every month".to_string(),
        };
        ui.label(label);
    });
    row.col(|ui| {
        ui.label(goal.goal.owner.as_deref().unwrap_or("–"));
    });
    // Additive goals: the period to date against the pro-rata target.
    let (actual, target) = match latest {
        Some(latest) if additive => (latest.actual_to_date, latest.target_to_date),
        Some(latest) => (latest.actual, Some(latest.target)),
        None => (None, Some(goal.goal.value)),
    };
    row.col(|ui| {
        let text = value(actual);
        let text = match (latest, additive) {
            (Some(latest), true) => format!("{text} to {}", format::month_short(latest.month)),
            _ => text,
        };
        widgets::number_cell_ui(ui, text);
    });
    row.col(|ui| {
        widgets::number_cell_ui(ui, value(target));
    });
    row.col(|ui| {
        let gap = latest.and_then(|latest| latest.gap);
        let text = match gap {
            Some(gap) => report::goals::gap_text(metric, gap),
            None => "–".to_string(),
        };
        widgets::number_cell_ui(ui, text);
    });
    row.col(|ui| match latest.and_then(|latest| latest.status) {
        Some(status) => status_chip_ui(ui, status, &ctx.palette),
        None => {
            ui.label("–");
        }
    });
    row.col(|ui| {
        let pace = latest.and_then(|latest| latest.pace).map_or_else(
            || "–".to_string(),
            |pace| format!("{}%", format::grouped(pace * 100.0, 0)),
        );
        widgets::number_cell_ui(ui, pace);
    });
    row.col(|ui| match report::goals::landing_text(goal) {
        Some(text) => {
            let color = match goal.landing_status() {
                Some(TargetStatus::Missed) => ctx.palette.bad,
                Some(TargetStatus::Behind) => ctx.palette.warning,
                _ => ui.visuals().text_color(),
            };
            ui.label(RichText::new(text).color(color));
        }
        None => {
            ui.label(RichText::new("period over").weak());
        }
    });
    row.col(|ui| {
        ui.horizontal(|ui| {
            if ui.small_button("Edit").clicked() {
                *edits = GoalEdits {
                    metric,
                    department: goal.goal.department.clone(),
                    period: goal.goal.period.map(|p| p.to_string()).unwrap_or_default(),
                    value: editable(metric, goal.goal.value),
                    owner: goal.goal.owner.clone().unwrap_or_default(),
                    error: None,
                };
            }
            if ui
                .small_button("Remove")
                .on_hover_text("Remove this target from coo-dashboard.toml")
                .clicked()
            {
                commands.push(Command::SaveTarget {
                    metric,
                    department: goal.goal.department.clone(),
                    period: goal.goal.period.map(|p| p.to_string()),
                    value: None,
                    owner: None,
                });
            }
        });
    });
}

/// A target as the editor shows it: rates in percent (15 for 0.15).
fn editable(metric: Metric, value: f64) -> String {
    let shown = if metric.unit() == Unit::Rate {
        value * 100.0
    } else {
        value
    };
    let text = format!("{shown:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The editor's value as the settings hold it: a rate typed as a percentage (15 or 15%) is
/// 0.15; thousands separators and spaces are dropped.
pub fn parse_target(metric: Metric, text: &str) -> Result<f64, String> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}'))
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    let number: f64 = cleaned
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| format!("'{}' is not a number", text.trim()))?;
    Ok(if metric.unit() == Unit::Rate {
        number / 100.0
    } else {
        number
    })
}

fn editor_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    edits: &mut GoalEdits,
    commands: &mut Vec<Command>,
) {
    egui::Grid::new("target editor")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label("Metric");
            egui::ComboBox::from_id_salt("target metric")
                .selected_text(edits.metric.label())
                .width(220.0)
                .show_ui(ui, |ui| {
                    for metric in Metric::ALL {
                        ui.selectable_value(&mut edits.metric, metric, metric.label());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("For");
            egui::ComboBox::from_id_salt("target department")
                .selected_text(edits.department.as_deref().unwrap_or("Company"))
                .width(220.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut edits.department, None, "Company");
                    let mut names: Vec<&str> = ctx
                        .prepared
                        .departments
                        .iter()
                        .map(|(_, name)| name.as_str())
                        .collect();
                    names.sort_unstable_by_key(|name| name.to_lowercase());
                    for name in names {
                        ui.selectable_value(&mut edits.department, Some(name.to_string()), name);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Period");
            ui.add(
                egui::TextEdit::singleline(&mut edits.period)
                    .hint_text("blank = every month; 2026, 2026-Q4 or 2026-10")
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            let unit_hint = match edits.metric.unit() {
                Unit::Rate => "in percent, e.g. 15 for 15%",
                Unit::Points => "in points, e.g. 35",
                _ if is_additive(edits.metric) => "the period's total, e.g. 6000000",
                _ => "e.g. 100",
            };
            let label = ui.label("Target");
            ui.add(
                egui::TextEdit::singleline(&mut edits.value)
                    .hint_text(unit_hint)
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Owner");
            ui.add(
                egui::TextEdit::singleline(&mut edits.owner)
                    .hint_text("who answers for it, e.g. Head of Consulting")
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
            ui.end_row();
        });
    if edits.metric.higher_is_better().is_none() {
        ui.label(
            RichText::new(format!(
                "{} is neither better higher nor lower: add direction = \"higher\" or \"lower\" to its section in coo-dashboard.toml for the target to count.",
                edits.metric.label()
            ))
            .color(ctx.palette.warning),
        );
    }
    ui.horizontal(|ui| {
        if ui.button("Save target").clicked() {
            match target_command(edits) {
                Ok(command) => {
                    edits.error = None;
                    commands.push(command);
                }
                Err(error) => edits.error = Some(error),
            }
        }
        if ui.button("Clear").clicked() {
            *edits = GoalEdits::default();
        }
    });
    if let Some(error) = &edits.error {
        ui.label(RichText::new(error).color(ctx.palette.bad));
    }
}

/// The save the editor asks for, or why it cannot be sent.
fn target_command(edits: &GoalEdits) -> Result<Command, String> {
    let period = edits.period.trim();
    let period = if period.is_empty() || period.eq_ignore_ascii_case("every month") {
        None
    } else {
        match Period::parse(period) {
            Some(parsed) => Some(parsed.to_string()),
            None => {
                return Err(format!(
                    "'{period}' is not a period: write 2026 (a year), 2026-Q4 (a quarter) or 2026-10 (a month), or leave it blank for every month"
                ));
            }
        }
    };
    let value = parse_target(edits.metric, &edits.value)
        .map_err(|error| format!("{error}; type the target, e.g. 15 for 15%"))?;
    Ok(Command::SaveTarget {
        metric: edits.metric,
        department: edits.department.clone(),
        period,
        value: Some(value),
        owner: Some(edits.owner.trim().to_string()).filter(|owner| !owner.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_typed_as_people_write_them() {
        assert_eq!(parse_target(Metric::EbitdaMargin, "15"), Ok(0.15));
        assert_eq!(parse_target(Metric::EbitdaMargin, " 12.5% "), Ok(0.125));
        assert_eq!(
            parse_target(Metric::Revenue, "24,000,000"),
            Ok(24_000_000.0)
        );
        assert_eq!(parse_target(Metric::Nps, "−5"), Ok(-5.0));
        assert!(parse_target(Metric::Nps, "high").is_err());
        assert_eq!(editable(Metric::EbitdaMargin, 0.15), "15");
        assert_eq!(editable(Metric::Revenue, 6_000_000.0), "6000000");
    }
}
