//! One metric in detail: its whole history with the rule levels, every department's value for
//! the month against the comparison, and the escalations it raised.

use eframe::egui;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Command, MetricFocus, View, ViewContext};
use crate::app::widgets;
use crate::app::{charts, format};

pub fn metric_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    focus: MetricFocus,
    from: View,
    commands: &mut Vec<Command>,
) {
    let metric = focus.metric;
    let department = focus.department;
    ui.horizontal(|ui| {
        let back = format!("Back to {}", from.label().to_lowercase());
        if ui.button(back).clicked() {
            commands.push(Command::SetView(from));
        }
    });
    ui.add_space(4.0);
    let whom = ctx.prepared.department_name(department);
    widgets::view_header_ui(
        ui,
        metric.label(),
        &format!("{whom} · {}", format::month_long(ctx.month)),
    );

    let current = ctx.prepared.metrics.get(metric, department, ctx.month);
    let value = current.and_then(|value| value.value);
    let previous = ctx
        .prepared
        .metrics
        .value(metric, department, ctx.comparison_month());
    ui.horizontal(|ui| {
        widgets::figure_ui(
            ui,
            format::month_long(ctx.month).as_str(),
            &format::metric_value(metric, value),
            None,
        );
        ui.add_space(24.0);
        widgets::figure_ui(
            ui,
            format::month_long(ctx.comparison_month()).as_str(),
            &format::metric_value(metric, previous),
            None,
        );
        ui.add_space(24.0);
        if let (Some(value), Some(previous)) = (value, previous) {
            let color = ctx
                .palette
                .for_improvement(format::improvement(metric, value, previous));
            widgets::figure_ui(
                ui,
                "Change",
                &format::delta(metric, value, previous),
                Some(color),
            );
        }
        if let Some(status) = ctx.prepared.status.status(metric, department, ctx.month) {
            ui.add_space(24.0);
            ui.vertical(|ui| {
                ui.label(RichText::new("Status").weak());
                widgets::chip_ui(ui, status.label(), status.color(&ctx.palette));
            });
        }
        if current.is_some_and(|value| value.low_confidence) {
            ui.add_space(24.0);
            ui.vertical(|ui| {
                ui.label(RichText::new("Confidence").weak());
                widgets::chip_ui(ui, "Few responses (under 30)", ctx.palette.neutral);
            });
        }
    });
    ui.add_space(8.0);

    let series = ctx.prepared.series(metric, department);
    let window: Vec<_> = series
        .iter()
        .copied()
        .filter(|point| point.month <= ctx.month)
        .collect();
    widgets::section(ui, &ctx.palette, "History", |ui| {
        let band = ctx.prepared.status.band(metric, department);
        let outlook = ctx.prepared.outlook(metric, department, ctx.month);
        charts::metric_outlook_ui(
            ui,
            "metric detail trend",
            240.0,
            metric,
            &window,
            band,
            &outlook,
            &ctx.palette,
        );
        goal_lines_ui(ui, ctx, focus);
    });
    ui.add_space(8.0);

    ui.columns(2, |columns| {
        widgets::section(
            &mut columns[0],
            &ctx.palette,
            &format!("By department, {}", format::month_short(ctx.month)),
            |ui| {
                department_table_ui(ui, ctx, focus, commands);
            },
        );
        widgets::section(&mut columns[1], &ctx.palette, "Escalations", |ui| {
            super::escalations::metric_escalations_ui(ui, ctx, focus, commands);
        });
    });
}

fn department_table_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    focus: MetricFocus,
    commands: &mut Vec<Command>,
) {
    let metric = focus.metric;
    let rows: Vec<_> = std::iter::once(None)
        .chain(ctx.prepared.departments.iter().map(|(id, _)| Some(*id)))
        .collect();
    TableBuilder::new(ui)
        .id_salt("metric detail departments")
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .column(Column::remainder().at_least(140.0))
        .columns(Column::auto().at_least(90.0), 3)
        .header(22.0, |mut header| {
            header.col(|ui| {
                ui.label(RichText::new("Department").strong());
            });
            for title in [
                format::month_short(ctx.month),
                format::month_short(ctx.comparison_month()),
                "Change".to_string(),
            ] {
                header.col(|ui| widgets::number_cell_ui(ui, RichText::new(title).strong()));
            }
        })
        .body(|mut body| {
            for department in rows {
                let value = ctx.prepared.metrics.value(metric, department, ctx.month);
                let previous =
                    ctx.prepared
                        .metrics
                        .value(metric, department, ctx.comparison_month());
                body.row(22.0, |mut row| {
                    row.col(|ui| {
                        let name = ctx.prepared.department_name(department);
                        let text = if department == focus.department {
                            RichText::new(name).strong()
                        } else {
                            RichText::new(name)
                        };
                        if ui
                            .link(text)
                            .on_hover_text("Show this department")
                            .clicked()
                        {
                            commands.push(Command::ShowMetric(MetricFocus { metric, department }));
                        }
                    });
                    row.col(|ui| widgets::number_cell_ui(ui, format::metric_value(metric, value)));
                    row.col(|ui| {
                        widgets::number_cell_ui(ui, format::metric_value(metric, previous))
                    });
                    row.col(|ui| match (value, previous) {
                        (Some(value), Some(previous)) => {
                            let color = ctx
                                .palette
                                .for_improvement(format::improvement(metric, value, previous));
                            widgets::number_cell_ui(
                                ui,
                                RichText::new(format::delta(metric, value, previous)).color(color),
                            );
                        }
                        _ => widgets::number_cell_ui(ui, "–"),
                    });
                });
            }
        });
}

/// Under the chart: each goal of the series at the month, and where it will land.
fn goal_lines_ui(ui: &mut Ui, ctx: &ViewContext<'_>, focus: MetricFocus) {
    for (goal, row) in ctx
        .prepared
        .goals_at(focus.metric, focus.department, ctx.month)
    {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(crate::report::goals::goal_summary(goal, row)).weak());
            if let Some(status) = row.status {
                super::goals::status_chip_ui(ui, status, &ctx.palette);
            }
        });
        if let Some(text) = crate::report::goals::landing_text(goal) {
            ui.label(RichText::new(text).weak());
        }
    }
}
