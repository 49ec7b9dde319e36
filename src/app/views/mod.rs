//! The views, one file each. A view reads a [`ViewContext`] (prepared data and the top bar's
//! selections), may keep its own edit buffers in [`ViewStates`], and asks for changes by pushing
//! [`Command`]s, which the app applies after the frame.

mod customers;
mod data;
mod delivery;
mod departments;
mod escalations;
mod finance;
mod goals;
mod metric;
mod overview;
mod productivity;

pub use customers::customers_ui;
pub use data::{MappingEdits, SourceDepartmentEdits, data_ui};
pub use delivery::delivery_ui;
pub use departments::departments_ui;
pub use escalations::{EscalationFilters, escalations_ui};
pub use finance::finance_ui;
pub use goals::{GoalEdits, goals_ui};
pub use metric::{MetricDetail, metric_ui};
pub use overview::overview_ui;
pub use productivity::productivity_ui;

use eframe::egui;
use serde::{Deserialize, Serialize};

use super::Command;
use super::desk::EscalationDesk;
use super::format;
use super::prepared::Prepared;
use super::theme::Palette;
use crate::metrics::Metric;
use crate::model::{DepartmentId, Month};

/// The views the navigation offers, in order; keys 1–9 select them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum View {
    #[default]
    Overview,
    Finance,
    Delivery,
    Productivity,
    Customers,
    Departments,
    Escalations,
    Goals,
    Data,
    /// One metric in detail (reached from a card or a heat-map cell, not from the navigation).
    Metric,
}

impl View {
    pub const NAVIGATION: [View; 9] = [
        View::Overview,
        View::Finance,
        View::Delivery,
        View::Productivity,
        View::Customers,
        View::Departments,
        View::Escalations,
        View::Goals,
        View::Data,
    ];

    pub fn label(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Finance => "Finance",
            View::Delivery => "Delivery",
            View::Productivity => "Productivity",
            View::Customers => "Customers",
            View::Departments => "Departments",
            View::Escalations => "Escalations",
            View::Goals => "Goals",
            View::Data => "Data",
            View::Metric => "Metric detail",
        }
    }
}

/// What the comparison month is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Comparison {
    #[default]
    PreviousMonth,
    SameMonthLastYear,
}

impl Comparison {
    pub const ALL: [Comparison; 2] = [Comparison::PreviousMonth, Comparison::SameMonthLastYear];

    pub fn label(self) -> &'static str {
        match self {
            Comparison::PreviousMonth => "Previous month",
            Comparison::SameMonthLastYear => "Same month last year",
        }
    }

    pub fn month(self, month: Month) -> Month {
        match self {
            Comparison::PreviousMonth => month.prev(),
            Comparison::SameMonthLastYear => month.offset(-12),
        }
    }
}

/// The metric a detail view shows, and for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricFocus {
    pub metric: Metric,
    pub department: Option<DepartmentId>,
}

/// Everything a view reads in one frame.
pub struct ViewContext<'a> {
    pub prepared: &'a Prepared,
    pub desk: &'a EscalationDesk,
    pub month: Month,
    pub comparison: Comparison,
    pub department: Option<DepartmentId>,
    pub palette: Palette,
}

impl ViewContext<'_> {
    /// The twelve months that end with the selected month (fewer when the data is shorter).
    pub fn last_twelve_months(&self) -> Vec<Month> {
        self.prepared
            .months
            .iter()
            .copied()
            .filter(|month| *month <= self.month && *month > self.month.offset(-12))
            .collect()
    }

    pub fn comparison_month(&self) -> Month {
        self.comparison.month(self.month)
    }

    /// "vs Sep 2026".
    pub fn comparison_label(&self) -> String {
        format!("vs {}", format::month_short(self.comparison_month()))
    }

    /// The selected month's value of a metric for the selected department (or the company).
    pub fn value(&self, metric: Metric) -> Option<f64> {
        self.prepared
            .metrics
            .value(metric, self.department, self.month)
    }

    pub fn previous(&self, metric: Metric) -> Option<f64> {
        self.prepared
            .metrics
            .value(metric, self.department, self.comparison_month())
    }

    /// "October 2026 · Engineering", the context line under a view's title.
    pub fn context_line(&self) -> String {
        let whom = match self.department {
            Some(_) => self.prepared.department_name(self.department),
            None => "all departments",
        };
        format!(
            "{} · {} · compared with {}",
            format::month_long(self.month),
            whom,
            format::month_long(self.comparison_month())
        )
    }
}

/// A chart point clicked opens that month's value in the metric detail, with its breakdown.
pub fn open_point(
    ctx: &ViewContext<'_>,
    commands: &mut Vec<Command>,
    metric: Metric,
    clicked: Option<Month>,
) {
    // A month outside the data (the forecast's, an empty axis) has nothing to break down.
    if let Some(month) = clicked.filter(|month| ctx.prepared.months.contains(month)) {
        if month != ctx.month {
            commands.push(Command::SelectMonth(month));
        }
        commands.push(Command::ShowMetric(MetricFocus {
            metric,
            department: ctx.department,
        }));
    }
}

/// The views' own edit buffers and filters, kept between frames but not saved.
#[derive(Debug, Default)]
pub struct ViewStates {
    pub mapping: MappingEdits,
    pub source_departments: SourceDepartmentEdits,
    pub data_filter: String,
    pub escalations: EscalationFilters,
    pub goals: GoalEdits,
    /// The note being written in the metric detail.
    pub note_draft: String,
}

/// A strip of headline figures: each metric's value for the month with its change against the
/// comparison, coloured by whether the move is good news.
pub fn figures_ui(
    ui: &mut egui::Ui,
    ctx: &ViewContext<'_>,
    commands: &mut Vec<Command>,
    metrics: &[Metric],
) {
    let gap = 12.0;
    let (per_row, width) = super::widgets::reflow(ui.available_width(), metrics.len(), 170.0, gap);
    for row in metrics.chunks(per_row.max(1)) {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for &metric in row {
                let value = ctx.value(metric);
                let previous = ctx.previous(metric);
                let tile = egui::Frame::new()
                    .fill(ctx.palette.card_fill)
                    .stroke(egui::Stroke::new(1.0, ctx.palette.card_stroke))
                    .corner_radius(8)
                    .inner_margin(egui::Margin::symmetric(14, 10))
                    .show(ui, |ui| {
                        // The frame adds its margins (2 × 14) and stroke (2 × 1) around this.
                        ui.set_width(width - 30.0);
                        ui.vertical(|ui| figure_tile_contents_ui(ui, ctx, metric, value, previous));
                    })
                    .response
                    .interact(egui::Sense::click())
                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                    .on_hover_text("Click for how it is worked out and the rows behind it");
                if tile.clicked() {
                    commands.push(Command::ShowMetric(MetricFocus {
                        metric,
                        department: ctx.department,
                    }));
                }
            }
        });
    }
    ui.add_space(8.0);
}

fn figure_tile_contents_ui(
    ui: &mut egui::Ui,
    ctx: &ViewContext<'_>,
    metric: Metric,
    value: Option<f64>,
    previous: Option<f64>,
) {
    ui.label(egui::RichText::new(metric.label()).weak());
    let low_confidence = ctx
        .prepared
        .metrics
        .get(metric, ctx.department, ctx.month)
        .is_some_and(|value| value.low_confidence);
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(format::metric_value(metric, value))
                .size(20.0)
                .strong(),
        );
        if low_confidence && value.is_some() {
            super::widgets::chip_ui(ui, "Few responses", ctx.palette.neutral);
        }
    });
    match (value, previous) {
        (Some(value), Some(previous)) => {
            let verdict = crate::format::verdict(
                &ctx.prepared.metrics,
                metric,
                ctx.department,
                ctx.month,
                ctx.comparison_month(),
            );
            let color = ctx.palette.for_improvement(verdict.improvement());
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(format::delta(metric, value, previous)).color(color));
                ui.label(egui::RichText::new(ctx.comparison_label()).weak());
            });
            // On a line of its own: the tile's row stays as narrow as the tile.
            if verdict == crate::format::Verdict::WithinMargin {
                ui.label(
                    egui::RichText::new("within the margin of error")
                        .weak()
                        .small(),
                );
            }
        }
        (Some(_), None) => {
            let text = format!(
                "no value for {}",
                format::month_short(ctx.comparison_month())
            );
            ui.label(egui::RichText::new(text).weak());
        }
        (None, _) => {
            let text = format!("no data for {}", format::month_short(ctx.month));
            ui.label(egui::RichText::new(text).weak());
        }
    }
}
