//! Overview: the month at a glance. Eight KPI cards (value, delta vs the comparison coloured by
//! whether the move is good news, a 12-month sparkline with the target, the rules' status on the
//! edge), the top open escalations, and the state of the data.

use eframe::egui;
use egui::{RichText, Ui, vec2};

use super::{Command, MetricFocus, View, ViewContext};
use crate::app::format;
use crate::app::widgets::{self, CardData};
use crate::metrics::Metric;

/// The cards, in reading order: money, delivery, people, customers.
pub const KPI_METRICS: [Metric; 8] = crate::report::KPI_CARDS;

const CARD_HEIGHT: f32 = 200.0;
/// Cards per row at the most.
const COLUMNS: usize = 4;
const CARD_MIN_WIDTH: f32 = 220.0;

pub fn overview_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    widgets::view_header_ui(ui, "Overview", &ctx.context_line());

    let gap = 12.0;
    // Four across when they fit, else as many as do (three at 1024 pixels wide).
    let (per_row, width) = widgets::reflow(ui.available_width(), COLUMNS, CARD_MIN_WIDTH, gap);
    for row in KPI_METRICS.chunks(per_row) {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for &metric in row {
                let card = card_data(ctx, metric);
                if widgets::kpi_card_ui(ui, &card, &ctx.palette, vec2(width, CARD_HEIGHT)).clicked()
                {
                    commands.push(Command::ShowMetric(MetricFocus {
                        metric,
                        department: ctx.department,
                    }));
                }
            }
        });
        ui.add_space(gap - ui.spacing().item_spacing.y);
    }
    ui.add_space(4.0);

    ui.columns(2, |columns| {
        widgets::section(&mut columns[0], &ctx.palette, "Needs attention", |ui| {
            super::escalations::attention_list_ui(ui, ctx, 6, commands);
        });
        widgets::section(&mut columns[1], &ctx.palette, "Data", |ui| {
            data_summary_ui(ui, ctx, commands);
        });
    });
}

/// What one card shows, read from the prepared data.
pub fn card_data<'a>(ctx: &ViewContext<'a>, metric: Metric) -> CardData<'a> {
    let metrics = &ctx.prepared.metrics;
    let current = metrics.get(metric, ctx.department, ctx.month);
    let value = current.and_then(|value| value.value);
    let note = crate::report::kpi_note(
        metrics,
        &ctx.prepared.status,
        metric,
        ctx.department,
        ctx.month,
    );
    let goals = ctx.prepared.goals_at(metric, ctx.department, ctx.month);
    let goal = goals.first().copied();
    CardData {
        metric,
        value,
        low_confidence: current.is_some_and(|value| value.low_confidence),
        note,
        previous: metrics.value(metric, ctx.department, ctx.comparison_month()),
        comparison_label: ctx.comparison_label(),
        sparkline: ctx
            .prepared
            .series_window(metric, ctx.department, ctx.month, 12),
        // The goal's target where the metric has one, else the level the rules keep it on.
        target: ctx
            .prepared
            .outlook(metric, ctx.department, ctx.month)
            .target
            .or_else(|| {
                ctx.prepared
                    .status
                    .band(metric, ctx.department)
                    .and_then(|band| band.target())
            }),
        within_margin: metrics.change_within_margin(
            metric,
            ctx.department,
            ctx.month,
            ctx.comparison_month(),
        ),
        incomplete: ctx.prepared.freshness.affects(
            metric,
            ctx.department
                .map(|id| ctx.prepared.dataset.departments.name(id)),
        ),
        goal: goal
            .map(|(goal, row)| (crate::report::goals::card_goal(goal, row), row.status))
            .and_then(|(text, status)| status.map(|status| (text, status))),
        forecast: goal.and_then(|(goal, _)| crate::report::goals::card_forecast(goal, ctx.month)),
        notes: ctx
            .prepared
            .notes_on(metric, ctx.department, ctx.month)
            .map(|note| note.text.as_str())
            .collect(),
        // No value, no verdict: an empty card gets no green edge.
        status: value.and(
            ctx.prepared
                .status
                .status(metric, ctx.department, ctx.month),
        ),
    }
}

fn data_summary_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let dataset = &ctx.prepared.dataset;
    let recognised = dataset
        .sources
        .iter()
        .filter(|source| source.kind.is_some())
        .count();
    let rows_used: usize = dataset.sources.iter().map(|source| source.rows_used).sum();
    let rejected = dataset.rows_rejected();
    egui::Grid::new("overview data summary")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Files read").weak());
            ui.label(format!(
                "{} of {}",
                recognised,
                format::count(dataset.sources.len(), "file", "files")
            ));
            ui.end_row();
            ui.label(RichText::new("Rows used").weak());
            ui.label(format::grouped(rows_used as f64, 0));
            ui.end_row();
            ui.label(RichText::new("Rows rejected").weak());
            let color = if rejected > 0 {
                ctx.palette.warning
            } else {
                ctx.palette.good
            };
            ui.label(RichText::new(format::grouped(rejected as f64, 0)).color(color));
            ui.end_row();
            ui.label(RichText::new("Data-quality notes").weak());
            ui.label(format::grouped(dataset.data_quality.len() as f64, 0));
            ui.end_row();
            ui.label(RichText::new("Reporting date").weak());
            ui.label(ctx.prepared.as_of.format("%-d %B %Y").to_string());
            ui.end_row();
        });
    // A department whose export did not arrive this month is named, not silently left out.
    if let Some(line) = ctx.prepared.freshness.line() {
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Not complete: {line}.")).color(ctx.palette.warning));
    }
    if !ctx.prepared.unrecognised_sources.is_empty() {
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!(
                "{} not recognised; map its columns in Data.",
                format::count(
                    ctx.prepared.unrecognised_sources.len(),
                    "file was",
                    "files were"
                )
            ))
            .color(ctx.palette.warning),
        );
    }
    ui.add_space(4.0);
    if ui.button("Open data view").clicked() {
        commands.push(Command::SetView(View::Data));
    }
}
