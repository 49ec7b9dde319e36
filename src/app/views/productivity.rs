//! Productivity: utilization by department against the healthy band, the utilization trend, and
//! revenue and output per FTE by department.

use eframe::egui;
use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Axis, Bar, BarChart, GridMark, Plot, Span};

use super::{Command, MetricFocus, ViewContext, figures_ui};
use crate::app::widgets::Swatch;
use crate::app::{charts, format, widgets};
use crate::escalations::Band;
use crate::metrics::{Metric, Unit};
use crate::model::DepartmentId;

/// The healthy utilization band when the rules do not give one (SPEC §4's example).
const DEFAULT_BAND: (f64, f64) = (0.65, 0.95);

pub fn productivity_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    widgets::view_header_ui(ui, "Productivity", &ctx.context_line());
    figures_ui(ui, ctx, commands, &shown_metrics(ctx));
    let band = band(ctx.prepared.status.band(Metric::Utilization, None));
    ui.columns(2, |columns| {
        let title = format!(
            "Utilization by department, {} (band {}–{})",
            format::month_short(ctx.month),
            percent(band.0),
            percent(band.1)
        );
        widgets::section(&mut columns[0], &ctx.palette, &title, |ui| {
            by_department_ui(ui, ctx, band, commands)
        });
        widgets::section(&mut columns[1], &ctx.palette, "Utilization trend", |ui| {
            trend_ui(ui, ctx, band, commands)
        });
    });
    ui.add_space(8.0);
    widgets::section(
        ui,
        &ctx.palette,
        &format!("Departments, {}", format::month_short(ctx.month)),
        |ui| table_ui(ui, ctx, commands),
    );
}

/// The view's figures and table columns: tracked utilization (billable share of tracked hours)
/// beside utilization when time entries give it for the month.
fn shown_metrics(ctx: &ViewContext<'_>) -> Vec<Metric> {
    let tracked = ctx
        .prepared
        .metrics
        .get(Metric::TrackedUtilization, None, ctx.month)
        .is_some();
    [
        Metric::Utilization,
        Metric::TrackedUtilization,
        Metric::RevenuePerFte,
        Metric::OutputPerFte,
        Metric::CostPerOutput,
    ]
    .into_iter()
    .filter(|&metric| metric != Metric::TrackedUtilization || tracked)
    .collect()
}

fn band(rules: Option<Band>) -> (f64, f64) {
    let rules = rules.unwrap_or_default();
    (
        rules.warning_below.unwrap_or(DEFAULT_BAND.0),
        rules.warning_above.unwrap_or(DEFAULT_BAND.1),
    )
}

fn percent(rate: f64) -> String {
    format::percent_level(rate)
}

fn band_span(ctx: &ViewContext<'_>, band: (f64, f64), axis: Axis) -> Span {
    Span::new("", band.0..=band.1)
        .axis(axis)
        .fill(ctx.palette.good.gamma_multiply(0.10))
        .border_color(ctx.palette.good.gamma_multiply(0.5))
}

/// Bars the department chart draws before it picks the departments furthest from the band.
const MAX_BARS: usize = 10;

fn by_department_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    band: (f64, f64),
    commands: &mut Vec<Command>,
) {
    let mut rows: Vec<(DepartmentId, String, f64)> = ctx
        .prepared
        .departments
        .iter()
        .filter_map(|(id, name)| {
            ctx.prepared
                .metrics
                .value(Metric::Utilization, Some(*id), ctx.month)
                .map(|value| (*id, name.clone(), value))
        })
        .collect();
    if rows.is_empty() {
        ui.label(RichText::new("No workforce data for this month.").weak());
        return;
    }
    // More bars than fit as readable rows: show those furthest from the middle of the band
    // (outside it first), worst at the top; the table below lists every department.
    let all = rows.len();
    if all > MAX_BARS {
        let middle = (band.0 + band.1) / 2.0;
        rows.sort_by(|a, b| (b.2 - middle).abs().total_cmp(&(a.2 - middle).abs()));
        rows.truncate(MAX_BARS);
    }
    let color = |value: f64| -> Color32 {
        if value < band.0 || value > band.1 {
            ctx.palette.warning
        } else {
            ctx.palette.accent
        }
    };
    // The first department at the top: bars go down from y = n − 1.
    let count = rows.len();
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(index, (_, name, value))| {
            Bar::new((count - 1 - index) as f64, *value)
                .width(0.6)
                .fill(color(*value))
                .name(name)
        })
        .collect();
    let names: Vec<String> = rows.iter().rev().map(|(_, name, _)| name.clone()).collect();
    let high = rows
        .iter()
        .map(|(_, _, value)| *value)
        .fold(band.1, f64::max);
    widgets::legend_ui(
        ui,
        &[
            ("Inside the band", ctx.palette.accent, Swatch::Block),
            ("Outside the band", ctx.palette.warning, Swatch::Block),
            (
                "Healthy band",
                ctx.palette.good.gamma_multiply(0.3),
                Swatch::Block,
            ),
        ],
    );
    if all > MAX_BARS {
        ui.label(
            RichText::new(format!(
                "The {MAX_BARS} of {all} departments furthest from the middle of the band; the table lists all."
            ))
            .weak()
            .small(),
        );
    }
    let shown = Plot::new("utilization by department")
        // About 30 px a bar: the axis shows a name only where names do not crowd.
        .height((30.0 * count as f32).max(200.0))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([true, false])
        .include_x(0.0)
        .include_x((high + 0.05).min(1.5))
        .y_grid_spacer(move |_input| {
            (0..count)
                .map(|index| GridMark {
                    value: index as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _range| {
            let index = mark.value.round();
            if (mark.value - index).abs() < 1e-6 && index >= 0.0 {
                names.get(index as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_axis_min_width(120.0)
        .x_grid_spacer(charts::value_marks)
        .x_axis_formatter(|mark, _range| format::axis(Unit::Rate, mark.value))
        .show(ui, |plot| {
            plot.span(band_span(ctx, band, Axis::X));
            plot.bar_chart(
                BarChart::new("Utilization", bars)
                    .horizontal()
                    .element_formatter(Box::new(|bar, _| {
                        format!("{}: {}", bar.name, format::of_unit(Unit::Rate, bar.value))
                    })),
            );
            plot.pointer_coordinate()
        });
    // A bar clicked opens that department's utilization with its breakdown.
    charts::name_chart(&shown.response, "Utilization by department chart");
    let clicked = shown.response.clicked().then_some(shown.inner).flatten();
    if let Some(at) = clicked {
        let index = at.y.round();
        if (at.y - index).abs() <= 0.3 && index >= 0.0 && (index as usize) < count {
            let (department, _, _) = rows[count - 1 - index as usize];
            commands.push(Command::ShowMetric(MetricFocus {
                metric: Metric::Utilization,
                department: Some(department),
            }));
        }
    }
}

fn trend_ui(ui: &mut Ui, ctx: &ViewContext<'_>, band: (f64, f64), commands: &mut Vec<Command>) {
    let series = ctx
        .prepared
        .series_window(Metric::Utilization, ctx.department, ctx.month, 18);
    let label = ctx.prepared.department_name(ctx.department).to_string();
    widgets::legend_ui(
        ui,
        &[
            (label.as_str(), ctx.palette.accent, Swatch::Line),
            (
                "Healthy band",
                ctx.palette.good.gamma_multiply(0.3),
                Swatch::Block,
            ),
        ],
    );
    let shown = charts::trend_plot("utilization trend", 200.0, Unit::Rate)
        .include_y(band.0 - 0.05)
        .include_y(band.1 + 0.02)
        .show(ui, |plot| {
            plot.span(band_span(ctx, band, Axis::Y));
            plot.line(charts::series_line(&label, series, ctx.palette.accent));
            let (points, _) = charts::series_markers(&label, series, ctx.palette.accent);
            plot.points(points);
            plot.pointer_coordinate()
        });
    super::open_point(
        ctx,
        commands,
        Metric::Utilization,
        charts::clicked_month(&shown),
    );
}

fn table_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let columns = shown_metrics(ctx);
    let mut rows: Vec<Option<DepartmentId>> = ctx
        .prepared
        .departments
        .iter()
        .map(|(id, _)| Some(*id))
        .collect();
    rows.retain(|department| {
        columns.iter().any(|metric| {
            ctx.prepared
                .metrics
                .get(*metric, *department, ctx.month)
                .is_some()
        })
    });
    rows.push(None);
    TableBuilder::new(ui)
        .id_salt("productivity departments")
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .column(Column::remainder().at_least(160.0))
        .columns(Column::auto().at_least(120.0), columns.len() + 1)
        .header(22.0, |mut header| {
            header.col(|ui| {
                ui.label(RichText::new("Department").strong());
            });
            for &metric in &columns {
                header
                    .col(|ui| widgets::number_cell_ui(ui, RichText::new(metric.label()).strong()));
            }
            header.col(|ui| {
                widgets::number_cell_ui(
                    ui,
                    RichText::new(format!("Utilization {}", ctx.comparison_label())).strong(),
                )
            });
        })
        .body(|body| {
            // Only the rows on screen are laid out: 200 departments cost what 20 do.
            body.rows(22.0, rows.len(), |mut row| {
                let department = rows[row.index()];
                row.set_selected(department.is_some() && department == ctx.department);
                row.col(|ui| {
                    let text = match department {
                        None => RichText::new("Company").strong(),
                        Some(_) => RichText::new(ctx.prepared.department_name(department)),
                    };
                    if ui
                        .link(text)
                        .on_hover_text("Show utilization in detail")
                        .clicked()
                    {
                        commands.push(Command::ShowMetric(MetricFocus {
                            metric: Metric::Utilization,
                            department,
                        }));
                    }
                });
                for &metric in &columns {
                    let value = ctx.prepared.metrics.value(metric, department, ctx.month);
                    row.col(|ui| widgets::number_cell_ui(ui, format::metric_value(metric, value)));
                }
                let value = ctx
                    .prepared
                    .metrics
                    .value(Metric::Utilization, department, ctx.month);
                let previous = ctx.prepared.metrics.value(
                    Metric::Utilization,
                    department,
                    ctx.comparison_month(),
                );
                row.col(|ui| match (value, previous) {
                    (Some(value), Some(previous)) => widgets::number_cell_ui(
                        ui,
                        format::delta(Metric::Utilization, value, previous),
                    ),
                    _ => widgets::number_cell_ui(ui, "–"),
                });
            });
        });
}
