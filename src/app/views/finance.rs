//! Finance: the month's EBITDA bridge (revenue → −cost of sales → −operating expenses →
//! EBITDA), the revenue / cost / EBITDA trend, and the department table with margin and budget
//! variance.

use eframe::egui;
use egui::{Align2, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Plot, PlotPoint, Text};

use super::{Command, MetricFocus, ViewContext, figures_ui};
use crate::app::prepared::SeriesPoint;
use crate::app::widgets::Swatch;
use crate::app::{charts, format, widgets};
use crate::metrics::{Metric, Unit};
use crate::model::DepartmentId;

pub fn finance_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    widgets::view_header_ui(ui, "Finance", &ctx.context_line());
    figures_ui(
        ui,
        ctx,
        commands,
        &[
            Metric::Revenue,
            Metric::Ebitda,
            Metric::EbitdaMargin,
            Metric::CostToRevenue,
            Metric::CostBudgetVariance,
        ],
    );

    ui.columns(2, |columns| {
        widgets::section(
            &mut columns[0],
            &ctx.palette,
            &format!("EBITDA bridge, {}", format::month_short(ctx.month)),
            |ui| {
                bridge_ui(ui, ctx, commands);
            },
        );
        widgets::section(
            &mut columns[1],
            &ctx.palette,
            "Revenue, costs and EBITDA",
            |ui| {
                trend_ui(ui, ctx, commands);
            },
        );
    });
    ui.add_space(8.0);
    widgets::section(
        ui,
        &ctx.palette,
        &format!("Departments, {}", format::month_short(ctx.month)),
        |ui| {
            department_table_ui(ui, ctx, commands);
        },
    );
}

fn bridge_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let value = |metric| ctx.value(metric);
    let (Some(revenue), Some(cogs), Some(opex), Some(ebitda)) = (
        value(Metric::Revenue),
        value(Metric::Cogs),
        value(Metric::Opex),
        value(Metric::Ebitda),
    ) else {
        ui.label(RichText::new("No finance data for this month.").weak());
        return;
    };
    let after_cogs = revenue - cogs;
    let steps = [
        (
            "Revenue",
            0.0,
            revenue,
            ctx.palette.revenue,
            format::grouped(revenue, 0),
        ),
        (
            "Cost of sales",
            after_cogs,
            cogs,
            ctx.palette.cost,
            format!("−{}", format::grouped(cogs, 0)),
        ),
        (
            "Opex",
            after_cogs - opex,
            opex,
            ctx.palette.cost,
            format!("−{}", format::grouped(opex, 0)),
        ),
        (
            "EBITDA",
            0.0,
            ebitda,
            if ebitda >= 0.0 {
                ctx.palette.good
            } else {
                ctx.palette.bad
            },
            format::grouped(ebitda, 0),
        ),
    ];
    let names: Vec<&'static str> = steps.iter().map(|step| step.0).collect();
    // A bar clicked opens its value with its breakdown, in the bars' order.
    const BARS: [Metric; 4] = [Metric::Revenue, Metric::Cogs, Metric::Opex, Metric::Ebitda];
    let top = revenue.max(0.0).max(ebitda);
    let bottom = ebitda.min(0.0).min(after_cogs - opex);
    let shown = Plot::new("ebitda bridge")
        .height(240.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .include_y(top * 1.12)
        .include_y(bottom)
        .include_x(-0.6)
        .include_x(3.6)
        .x_grid_spacer(|_input| {
            (0..4)
                .map(|index| egui_plot::GridMark {
                    value: f64::from(index),
                    step_size: 1.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _range| {
            let index = mark.value.round();
            if (mark.value - index).abs() < 1e-6 && (0.0..4.0).contains(&index) {
                names[index as usize].to_string()
            } else {
                String::new()
            }
        })
        .y_grid_spacer(charts::value_marks)
        .y_axis_formatter(|mark, _range| format::compact(mark.value))
        .y_axis_min_width(44.0)
        .show(ui, |plot| {
            for (index, (name, base, height, color, label)) in steps.iter().enumerate() {
                let x = index as f64;
                let bar = Bar::new(x, *height)
                    .base_offset(*base)
                    .width(0.6)
                    .fill(*color)
                    .name(*name);
                plot.bar_chart(
                    BarChart::new(*name, vec![bar])
                        .color(*color)
                        .element_formatter(Box::new(|bar, _| format::grouped(bar.value, 0))),
                );
                let label_y = base + height.max(0.0);
                plot.text(
                    Text::new(
                        format!("{name} label"),
                        PlotPoint::new(x, label_y),
                        RichText::new(label.clone()).strong(),
                    )
                    .anchor(Align2::CENTER_BOTTOM),
                );
            }
            plot.pointer_coordinate()
        });
    charts::name_chart(&shown.response, "EBITDA bridge chart");
    let clicked = shown.response.clicked().then_some(shown.inner).flatten();
    if let Some(metric) = clicked.and_then(|at| {
        let index = at.x.round();
        ((at.x - index).abs() <= 0.3 && (0.0..4.0).contains(&index)).then(|| BARS[index as usize])
    }) {
        commands.push(Command::ShowMetric(MetricFocus {
            metric,
            department: ctx.department,
        }));
    }
}

fn trend_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let revenue = ctx
        .prepared
        .series_window(Metric::Revenue, ctx.department, ctx.month, 18);
    let ebitda = ctx
        .prepared
        .series_window(Metric::Ebitda, ctx.department, ctx.month, 18);
    let cogs = ctx
        .prepared
        .series_window(Metric::Cogs, ctx.department, ctx.month, 18);
    let opex = ctx
        .prepared
        .series_window(Metric::Opex, ctx.department, ctx.month, 18);
    // Costs = cost of sales + operating expenses, month by month where both exist.
    let costs: Vec<SeriesPoint> = cogs
        .iter()
        .filter_map(|point| {
            let other = opex.iter().find(|other| other.month == point.month)?;
            Some(SeriesPoint {
                month: point.month,
                value: Some(point.value? + other.value?),
                low_confidence: false,
            })
        })
        .collect();
    widgets::legend_ui(
        ui,
        &[
            ("Revenue", ctx.palette.revenue, Swatch::Line),
            (
                "Costs (cost of sales + opex)",
                ctx.palette.cost,
                Swatch::Line,
            ),
            ("EBITDA", ctx.palette.good, Swatch::Line),
        ],
    );
    let shown = charts::trend_plot("finance trend", 214.0, Unit::Money).show(ui, |plot| {
        plot.line(charts::series_line("Revenue", revenue, ctx.palette.revenue));
        plot.line(charts::series_line("Costs", &costs, ctx.palette.cost));
        plot.line(charts::series_line("EBITDA", ebitda, ctx.palette.good));
        plot.pointer_coordinate()
    });
    // A month clicked opens its EBITDA, whose breakdown has revenue and costs too.
    super::open_point(ctx, commands, Metric::Ebitda, charts::clicked_month(&shown));
}

fn department_table_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let columns = crate::report::FINANCE_TABLE;
    let mut rows: Vec<Option<DepartmentId>> = ctx
        .prepared
        .departments
        .iter()
        .map(|(id, _)| Some(*id))
        .collect();
    rows.retain(|department| {
        ctx.prepared
            .metrics
            .get(Metric::Revenue, *department, ctx.month)
            .is_some()
    });
    rows.push(None);
    TableBuilder::new(ui)
        .id_salt("finance departments")
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .column(Column::remainder().at_least(160.0))
        .columns(Column::auto().at_least(110.0), columns.len() + 1)
        .header(22.0, |mut header| {
            header.col(|ui| {
                ui.label(RichText::new("Department").strong());
            });
            for metric in columns {
                header
                    .col(|ui| widgets::number_cell_ui(ui, RichText::new(metric.label()).strong()));
            }
            header.col(|ui| {
                widgets::number_cell_ui(
                    ui,
                    RichText::new(format!("Margin {}", ctx.comparison_label())).strong(),
                )
            });
        })
        .body(|body| {
            // Only the rows on screen are laid out: 200 departments cost what 20 do.
            body.rows(22.0, rows.len(), |mut row| {
                let department = rows[row.index()];
                row.set_selected(department.is_some() && department == ctx.department);
                row.col(|ui| {
                    let name = ctx.prepared.department_name(department);
                    let text = if department.is_none() {
                        RichText::new("Company total").strong()
                    } else {
                        RichText::new(name)
                    };
                    if ui
                        .link(text)
                        .on_hover_text("Show EBITDA margin in detail")
                        .clicked()
                    {
                        commands.push(Command::ShowMetric(MetricFocus {
                            metric: Metric::EbitdaMargin,
                            department,
                        }));
                    }
                });
                for metric in columns {
                    let value = ctx.prepared.metrics.value(metric, department, ctx.month);
                    row.col(|ui| {
                        let mut text = RichText::new(format::metric_value(metric, value));
                        if metric == Metric::CostBudgetVariance
                            && let Some(variance) = value
                        {
                            text = text.color(ctx.palette.for_move(Some(false), variance));
                        }
                        if department.is_none() {
                            text = text.strong();
                        }
                        widgets::number_cell_ui(ui, text);
                    });
                }
                let margin =
                    ctx.prepared
                        .metrics
                        .value(Metric::EbitdaMargin, department, ctx.month);
                let previous = ctx.prepared.metrics.value(
                    Metric::EbitdaMargin,
                    department,
                    ctx.comparison_month(),
                );
                row.col(|ui| match (margin, previous) {
                    (Some(margin), Some(previous)) => {
                        let color = ctx.palette.for_improvement(format::improvement(
                            Metric::EbitdaMargin,
                            margin,
                            previous,
                        ));
                        widgets::number_cell_ui(
                            ui,
                            RichText::new(format::delta(Metric::EbitdaMargin, margin, previous))
                                .color(color),
                        );
                    }
                    _ => widgets::number_cell_ui(ui, "–"),
                });
            });
        });
}
