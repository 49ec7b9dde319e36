//! Delivery: the on-time trend against its level, the deliverables due each month split into on
//! time / late / overdue, the selected month's deliverables with the late ones marked, and the
//! overdue list sorted by days late.

use eframe::egui;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart};

use super::{Command, ViewContext, figures_ui};
use crate::app::prepared::{DeliveryCounts, DeliveryLine, DeliveryStatus};
use crate::app::widgets::Swatch;
use crate::app::{charts, format, widgets};
use crate::metrics::{Metric, Unit};

pub fn delivery_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    widgets::view_header_ui(ui, "Delivery", &ctx.context_line());
    if ctx.prepared.deliveries.is_empty() {
        ui.label(RichText::new("No deliveries export in this folder. Add a project list with id, department and due date columns.").weak());
        return;
    }
    figures_ui(
        ui,
        ctx,
        commands,
        &[
            Metric::DeliverablesDue,
            Metric::OnTimeRate,
            Metric::AvgDaysLate,
            Metric::BudgetOverrunRate,
        ],
    );

    ui.columns(2, |columns| {
        widgets::section(&mut columns[0], &ctx.palette, "On-time rate", |ui| {
            on_time_trend_ui(ui, ctx, commands)
        });
        widgets::section(
            &mut columns[1],
            &ctx.palette,
            "Deliverables due per month",
            |ui| due_chart_ui(ui, ctx, commands),
        );
    });
    ui.add_space(8.0);
    ui.columns(2, |columns| {
        let due: Vec<&DeliveryLine> = ctx
            .prepared
            .deliveries_due(ctx.month)
            .filter(|line| ctx.department.is_none() || line.department == ctx.department)
            .collect();
        widgets::section(
            &mut columns[0],
            &ctx.palette,
            &format!("Due in {} ({})", format::month_long(ctx.month), due.len()),
            |ui| {
                deliveries_table_ui(ui, ctx, "deliverables due", &due);
            },
        );
        let overdue: Vec<&DeliveryLine> = ctx
            .prepared
            .overdue
            .iter()
            .filter_map(|&index| ctx.prepared.deliveries.get(index))
            .filter(|line| ctx.department.is_none() || line.department == ctx.department)
            .collect();
        let title = format!(
            "Overdue as of {} ({})",
            ctx.prepared.as_of.format("%-d %b %Y"),
            overdue.len()
        );
        widgets::section(&mut columns[1], &ctx.palette, &title, |ui| {
            deliveries_table_ui(ui, ctx, "overdue", &overdue);
        });
    });
}

fn on_time_trend_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let series = ctx
        .prepared
        .series_window(Metric::OnTimeRate, ctx.department, ctx.month, 18);
    let band = ctx.prepared.status.band(Metric::OnTimeRate, ctx.department);
    let outlook = ctx
        .prepared
        .outlook(Metric::OnTimeRate, ctx.department, ctx.month);
    let clicked = charts::metric_outlook_ui(
        ui,
        "on-time trend",
        200.0,
        Metric::OnTimeRate,
        series,
        band,
        &outlook,
        &ctx.palette,
    );
    super::open_point(ctx, commands, Metric::OnTimeRate, clicked);
}

fn due_chart_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let months = ctx.last_twelve_months();
    let counts: Vec<_> = months
        .iter()
        .map(|month| (*month, ctx.prepared.delivery_counts(*month, ctx.department)))
        .collect();
    let bars = |value: fn(&DeliveryCounts) -> usize, color| -> Vec<Bar> {
        let bars = counts
            .iter()
            .map(|(month, counts)| {
                Bar::new(charts::month_x(*month), value(counts) as f64).width(0.7)
            })
            .collect();
        charts::solid_bars(bars, color)
    };
    let palette = &ctx.palette;
    let on_time = BarChart::new("On time", bars(|counts| counts.on_time, palette.good))
        .color(palette.good)
        .element_formatter(charts::bar_hover(Unit::Count));
    let late = BarChart::new(
        "Delivered late",
        bars(|counts| counts.late, palette.warning),
    )
    .color(palette.warning)
    .element_formatter(charts::bar_hover(Unit::Count))
    .stack_on(&[&on_time]);
    let overdue = BarChart::new("Not delivered", bars(|counts| counts.overdue, palette.bad))
        .color(palette.bad)
        .element_formatter(charts::bar_hover(Unit::Count))
        .stack_on(&[&on_time, &late]);
    widgets::legend_ui(
        ui,
        &[
            ("On time", palette.good, Swatch::Block),
            ("Delivered late", palette.warning, Swatch::Block),
            ("Not delivered", palette.bad, Swatch::Block),
        ],
    );
    let shown = charts::trend_plot("deliverables due chart", 200.0, Unit::Count)
        .include_y(0.0)
        .show(ui, |plot| {
            plot.bar_chart(on_time);
            plot.bar_chart(late);
            plot.bar_chart(overdue);
            plot.pointer_coordinate()
        });
    super::open_point(
        ctx,
        commands,
        Metric::DeliverablesDue,
        charts::clicked_month(&shown),
    );
}

fn deliveries_table_ui(ui: &mut Ui, ctx: &ViewContext<'_>, id: &str, lines: &[&DeliveryLine]) {
    if lines.is_empty() {
        ui.label(RichText::new("None.").weak());
        return;
    }
    TableBuilder::new(ui)
        .id_salt(id)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .max_scroll_height(300.0)
        .column(Column::auto().at_least(90.0))
        .column(Column::remainder().at_least(100.0).clip(true))
        .column(Column::auto().at_least(80.0).at_most(130.0).clip(true))
        .column(Column::auto().at_least(76.0))
        .column(Column::auto().at_least(104.0))
        .header(22.0, |mut header| {
            for title in ["Id", "Deliverable", "Department", "Due", "Status"] {
                header.col(|ui| {
                    ui.label(RichText::new(title).strong());
                });
            }
        })
        .body(|body| {
            body.rows(22.0, lines.len(), |mut row| {
                let Some(line) = lines.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(&line.delivery_id);
                });
                row.col(|ui| {
                    let text = if line.customer.is_empty() {
                        line.name.clone()
                    } else {
                        format!("{} · {}", line.name, line.customer)
                    };
                    ui.label(text)
                        .on_hover_text(format!("{}\n{}", line.name, line.customer));
                });
                row.col(|ui| {
                    ui.label(ctx.prepared.department_name(line.department));
                });
                row.col(|ui| {
                    ui.label(line.due.format("%-d %b %Y").to_string());
                });
                row.col(|ui| {
                    let (text, color) = match line.status {
                        DeliveryStatus::OnTime => ("On time".to_string(), ctx.palette.good),
                        DeliveryStatus::Late { days } => (
                            format!("{} late", format::count(days as usize, "day", "days")),
                            ctx.palette.warning,
                        ),
                        DeliveryStatus::Overdue { days } => (
                            format!("Overdue {}", format::count(days as usize, "day", "days")),
                            ctx.palette.bad,
                        ),
                        DeliveryStatus::NotYetDue => {
                            ("Not yet due".to_string(), ctx.palette.neutral)
                        }
                    };
                    ui.label(RichText::new(text).color(color));
                });
            });
        });
}
