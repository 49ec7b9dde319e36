//! Departments: a heat map of departments × metrics for the month, each cell coloured by where
//! the value stands against the escalation rules; a click opens the metric for that department.

use eframe::egui;
use egui::{Align2, CornerRadius, FontId, RichText, Sense, Stroke, StrokeKind, Ui, vec2};

use super::{Command, MetricFocus, ViewContext};
use crate::app::format;
use crate::app::widgets::{self, Status};
use crate::metrics::Metric;
use crate::model::DepartmentId;

/// The heat map's columns.
pub const HEATMAP_METRICS: [Metric; 10] = crate::report::HEATMAP_METRICS;

pub fn departments_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    widgets::view_header_ui(
        ui,
        "Departments",
        &format!(
            "{} · coloured by the escalation rules",
            format::month_long(ctx.month)
        ),
    );
    let rows: Vec<Option<DepartmentId>> = ctx
        .prepared
        .departments
        .iter()
        .map(|(id, _)| Some(*id))
        .chain(std::iter::once(None))
        .collect();

    widgets::section(ui, &ctx.palette, "Heat map", |ui| {
        let name_width = 170.0;
        let gap = 4.0;
        let cell_width = ((ui.available_width() - name_width - gap * HEATMAP_METRICS.len() as f32)
            / HEATMAP_METRICS.len() as f32)
            .floor()
            .max(84.0);
        let cell_height = 40.0;
        let row_width = name_width + (cell_width + gap) * HEATMAP_METRICS.len() as f32;
        // Narrower than the map (1024 pixels): it scrolls sideways instead of being cut off.
        egui::ScrollArea::horizontal()
            .id_salt("heat map")
            .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
            .show(ui, |ui| {
                ui.set_width(row_width);
                ui.spacing_mut().item_spacing = vec2(gap, gap);
                ui.horizontal(|ui| {
                    ui.add_space(name_width);
                    for metric in HEATMAP_METRICS {
                        // A column of its own, so a header wraps between words, never letters.
                        ui.allocate_ui_with_layout(
                            vec2(cell_width, 34.0),
                            egui::Layout::top_down(egui::Align::Center),
                            |ui| {
                                ui.set_width(cell_width);
                                ui.add(
                                    egui::Label::new(
                                        RichText::new(metric.label()).strong().size(12.5),
                                    )
                                    .wrap(),
                                );
                            },
                        );
                    }
                });
                for &department in &rows {
                    // Rows scrolled out of sight only take their space: 200 departments draw
                    // like 20.
                    let row_rect =
                        egui::Rect::from_min_size(ui.cursor().min, vec2(row_width, cell_height));
                    if !ui.is_rect_visible(row_rect) {
                        ui.allocate_space(vec2(row_width, cell_height));
                        continue;
                    }
                    ui.horizontal(|ui| {
                        let name = ctx.prepared.department_name(department);
                        let text = if department.is_none() {
                            RichText::new("Company").strong()
                        } else {
                            RichText::new(name)
                        };
                        ui.allocate_ui_with_layout(
                            vec2(name_width, cell_height),
                            egui::Layout::left_to_right(egui::Align::Center),
                            |ui| {
                                ui.set_min_size(vec2(name_width, cell_height));
                                ui.add(egui::Label::new(text).truncate());
                            },
                        );
                        for metric in HEATMAP_METRICS {
                            let size = vec2(cell_width, cell_height);
                            if cell_ui(ui, ctx, metric, department, size).clicked() {
                                commands
                                    .push(Command::ShowMetric(MetricFocus { metric, department }));
                            }
                        }
                    });
                }
            });
        ui.add_space(8.0);
        legend_ui(ui, ctx);
    });
}

fn cell_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    metric: Metric,
    department: Option<DepartmentId>,
    size: egui::Vec2,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    let name = ctx.prepared.department_name(department).to_string();
    let current = ctx.prepared.metrics.get(metric, department, ctx.month);
    let value = current.and_then(|value| value.value);
    let text = format::metric_value(metric, value)
        .replace(" points", "")
        .replace(" per FTE", "");
    let status = value.and(ctx.prepared.status.status(metric, department, ctx.month));
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            format!("{} {}", name, metric.label()),
        )
    });
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let (fill, text_color) = match status {
            Some(Status::Ok) => (
                ctx.palette.good.gamma_multiply(0.16),
                ui.visuals().text_color(),
            ),
            Some(status) => (
                status.color(&ctx.palette).gamma_multiply(0.30),
                ui.visuals().strong_text_color(),
            ),
            None => (ctx.palette.muted_fill, ui.visuals().text_color()),
        };
        painter.rect_filled(rect, CornerRadius::same(4), fill);
        if response.hovered() {
            painter.rect_stroke(
                rect,
                CornerRadius::same(4),
                Stroke::new(1.5, ctx.palette.accent),
                StrokeKind::Inside,
            );
        }
        let low_confidence = current.is_some_and(|value| value.low_confidence);
        let color = if low_confidence {
            ui.visuals().weak_text_color()
        } else {
            text_color
        };
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            if low_confidence {
                format!("{text}*")
            } else {
                text
            },
            FontId::proportional(13.5),
            color,
        );
    }
    let status_text = status.map_or("no rule", Status::label);
    response.on_hover_text(format!(
        "{name} · {}: {} ({status_text}). Click for the detail.",
        metric.label(),
        format::metric_value(metric, value)
    ))
}

fn legend_ui(ui: &mut Ui, ctx: &ViewContext<'_>) {
    ui.horizontal(|ui| {
        for status in [Status::Ok, Status::Watch, Status::Warning, Status::Critical] {
            widgets::chip_ui(ui, status.label(), status.color(&ctx.palette));
        }
        widgets::chip_ui(ui, "No rule", ctx.palette.neutral);
        ui.label(RichText::new("* fewer than 30 responses").weak());
    });
}
