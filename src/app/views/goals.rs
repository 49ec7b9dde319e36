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
        "Period",
        "Owner",
        "Actual",
        "Plan",
        "Gap",
        "Status",
        "Pace",
        "Landing (80%)",
        "",
    ];
    // Fixed widths, so the table knows how wide it is: egui_extras clips a table's body to the
    // width it is given, so a table wider than the window is given its whole width inside a
    // horizontal scroll area (at 1024 pixels the landing is beyond the right edge; the bar
    // says there is more).
    const WIDTHS: [f32; 10] = [
        120.0, 95.0, 170.0, 110.0, 100.0, 85.0, 65.0, 45.0, 190.0, 115.0,
    ];
    let spacing = ui.spacing().item_spacing.x;
    let total = WIDTHS.iter().sum::<f32>() + spacing * (WIDTHS.len() - 1) as f32;
    egui::ScrollArea::horizontal()
        .id_salt("goals table")
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        .show(ui, |ui| {
            ui.set_width(total);
            TableBuilder::new(ui)
                .id_salt("goals")
                .striped(true)
                .vscroll(false)
                .column(Column::exact(WIDTHS[0]))
                .column(Column::exact(WIDTHS[1]))
                .column(Column::exact(WIDTHS[2]).clip(true))
                .column(Column::exact(WIDTHS[3]))
                .column(Column::exact(WIDTHS[4]))
                .column(Column::exact(WIDTHS[5]))
                .column(Column::exact(WIDTHS[6]))
                .column(Column::exact(WIDTHS[7]))
                .column(Column::exact(WIDTHS[8]))
                .column(Column::exact(WIDTHS[9]))
                .header(22.0, |mut header| {
                    for title in headers {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|mut body| {
                    for goal in goals {
                        body.row(36.0, |mut row| {
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
    // The metric (a link to its detail) over whom the goal is for.
    row.col(|ui| {
        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            let link = ui
                .link(metric.label())
                .on_hover_text(format!("Open {} in detail", metric.label()));
            if link.clicked() {
                commands.push(Command::ShowMetric(MetricFocus {
                    metric,
                    department: goal.goal.department_id,
                }));
            }
            let whose = goal.goal.department.as_deref().unwrap_or("Company");
            ui.add(egui::Label::new(RichText::new(whose).small().weak()).extend());
        });
    });
    row.col(|ui| match goal.goal.period {
        Some(_) => two_lines_ui(
            ui,
            goal.goal.period_label(),
            report::goals::period_months(goal),
            false,
        ),
        None => {
            ui.label("every month");
        }
    });
    row.col(|ui| {
        let owner = goal.goal.owner.as_deref().unwrap_or("–");
        ui.add(egui::Label::new(owner).truncate())
            .on_hover_text(owner);
    });
    // Additive goals: the period to date against the pro-rata target, the full target below.
    let (actual, target) = match latest {
        Some(latest) if additive => (latest.actual_to_date, latest.target_to_date),
        Some(latest) => (latest.actual, Some(latest.target)),
        None => (None, Some(goal.goal.value)),
    };
    row.col(|ui| match latest {
        Some(latest) if additive => two_lines_ui(
            ui,
            value(actual),
            format!("to {}", format::month_short(latest.month)),
            true,
        ),
        _ => widgets::number_cell_ui(ui, value(actual)),
    });
    row.col(|ui| {
        if additive && goal.goal.period.is_some() {
            two_lines_ui(
                ui,
                value(target),
                format!("of {}", value(Some(goal.goal.value))),
                true,
            );
        } else {
            widgets::number_cell_ui(ui, value(target));
        }
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
    row.col(|ui| landing_ui(ui, ctx, goal));
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

/// A value with a weak line under it ("2026-Q4" over "Oct–Dec 2026"), never wrapped.
fn two_lines_ui(ui: &mut Ui, main: String, sub: String, right: bool) {
    let align = if right {
        egui::Align::Max
    } else {
        egui::Align::Min
    };
    ui.with_layout(egui::Layout::top_down(align), |ui| {
        ui.spacing_mut().item_spacing.y = 0.0;
        ui.add(egui::Label::new(main).extend());
        ui.add(egui::Label::new(RichText::new(sub).small().weak()).extend());
    });
}

/// The forecast landing: the value and the outlook ("will miss", "at risk", "on course") as a
/// chip, the 80% interval under it; the full sentence on hover. Why there is none otherwise.
fn landing_ui(ui: &mut Ui, ctx: &ViewContext<'_>, goal: &GoalProgress) {
    let metric = goal.goal.metric;
    let value = |v: f64| format::metric_value(metric, Some(v));
    let sentence = report::goals::landing_text(goal);
    let Some(landing) = goal.landing else {
        let text = if goal.no_landing.is_some() {
            "no forecast"
        } else {
            "period over"
        };
        let response = ui.add(egui::Label::new(RichText::new(text).weak()).extend());
        if let Some(sentence) = sentence {
            response.on_hover_text(sentence);
        }
        return;
    };
    let response = ui
        .with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            ui.horizontal(|ui| {
                ui.add(egui::Label::new(value(landing.value)).extend());
                if let Some(status) = goal.landing_status() {
                    let color = match status {
                        TargetStatus::Met => ctx.palette.good,
                        TargetStatus::Behind => ctx.palette.warning,
                        TargetStatus::Missed => ctx.palette.bad,
                    };
                    widgets::chip_ui(ui, report::goals::landing_word(status), color);
                }
            });
            ui.add(
                egui::Label::new(
                    RichText::new(format!("{} to {}", value(landing.low), value(landing.high)))
                        .small()
                        .weak(),
                )
                .extend(),
            );
        })
        .response;
    if let Some(sentence) = sentence {
        response.on_hover_text(sentence);
    }
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
