//! Customers: NPS with promoters / passives / detractors stacked, the CSAT trend, churn and
//! retention. Months with fewer than 30 responses are drawn hollow and named in the legend.

use eframe::egui;
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart};

use super::{Command, ViewContext, figures_ui};
use crate::app::widgets::Swatch;
use crate::app::{charts, format, widgets};
use crate::metrics::{MIN_CONFIDENT_RESPONSES, Metric, Unit};

pub fn customers_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    widgets::view_header_ui(ui, "Customers", &ctx.context_line());
    figures_ui(
        ui,
        ctx,
        commands,
        &[
            Metric::Nps,
            Metric::Csat,
            Metric::ChurnRate,
            Metric::RetentionRate,
            Metric::ActiveCustomers,
        ],
    );
    ui.columns(2, |columns| {
        widgets::section(
            &mut columns[0],
            &ctx.palette,
            "NPS answers: promoters, passives, detractors",
            |ui| breakdown_ui(ui, ctx, commands),
        );
        widgets::section(&mut columns[1], &ctx.palette, "NPS", |ui| {
            rate_trend_ui(ui, ctx, commands, Metric::Nps, "nps trend")
        });
    });
    ui.add_space(8.0);
    ui.columns(2, |columns| {
        widgets::section(
            &mut columns[0],
            &ctx.palette,
            "CSAT (share of satisfied ratings)",
            |ui| rate_trend_ui(ui, ctx, commands, Metric::Csat, "csat trend"),
        );
        widgets::section(&mut columns[1], &ctx.palette, "Churn and retention", |ui| {
            churn_ui(ui, ctx, commands)
        });
    });
    // Help-desk channels are not departments (SPEC §1): CSAT per channel stands on its own.
    if !ctx.prepared.metrics.by_channel.is_empty() {
        ui.add_space(8.0);
        let title = format!("CSAT by channel, {}", format::month_short(ctx.month));
        widgets::section(ui, &ctx.palette, &title, |ui| channels_ui(ui, ctx));
    }
}

/// The month's CSAT per help-desk channel with its margin, its ratings and the change against
/// the comparison month; for the company (a channel is not a department, so the department
/// filter does not narrow it).
fn channels_ui(ui: &mut Ui, ctx: &ViewContext<'_>) {
    let metrics = &ctx.prepared.metrics;
    let channels = &ctx.prepared.dataset.channels;
    let earlier = ctx.comparison_month();
    if ctx.department.is_some() {
        ui.label(
            RichText::new("All departments: the help desk's channels are not split by department.")
                .weak(),
        );
    }
    egui::Grid::new("csat by channel")
        .striped(true)
        .num_columns(4)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.strong("Channel");
            ui.strong("CSAT");
            ui.strong("Ratings");
            ui.strong(format!("vs {}", format::month_short(earlier)));
            ui.end_row();
            for (id, name) in channels.iter() {
                let Some(now) = metrics.channel_value(Metric::Csat, id, ctx.month) else {
                    continue;
                };
                ui.label(name);
                let mut text = format::metric_value(Metric::Csat, now.value);
                if let Some(margin) = now.margin() {
                    text = format!("{text} {}", crate::format::margin(Unit::Rate, margin));
                }
                if now.low_confidence {
                    text.push_str(" (few ratings)");
                }
                ui.label(text);
                let ratings = metrics
                    .channel_value(Metric::CsatResponses, id, ctx.month)
                    .and_then(|value| value.value);
                ui.label(format::metric_value(Metric::CsatResponses, ratings));
                let before = metrics
                    .channel_value(Metric::Csat, id, earlier)
                    .and_then(|value| value.value);
                ui.label(crate::format::delta(Metric::Csat, now.value, before));
                ui.end_row();
            }
        });
}

fn breakdown_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let months = ctx.last_twelve_months();
    let palette = &ctx.palette;
    let mut promoters = Vec::new();
    let mut passives = Vec::new();
    let mut detractors = Vec::new();
    let mut any_low_confidence = false;
    for month in months {
        let Some(breakdown) = ctx
            .prepared
            .metrics
            .nps_breakdown
            .get(&(ctx.department, month))
        else {
            continue;
        };
        let answers = breakdown.promoters + breakdown.passives + breakdown.detractors;
        if answers == 0 {
            continue;
        }
        // Months with too few answers to trust are drawn faded.
        let low_confidence = answers < MIN_CONFIDENT_RESPONSES;
        any_low_confidence |= low_confidence;
        let fade = |color: egui::Color32| {
            if low_confidence {
                color.gamma_multiply(0.35)
            } else {
                color
            }
        };
        let x = charts::month_x(month);
        let share = |count: usize| count as f64 / answers as f64;
        let bar = |count: usize, color: egui::Color32| {
            Bar::new(x, share(count))
                .width(0.7)
                .fill(fade(color))
                .stroke(egui::Stroke::new(1.0, fade(color)))
        };
        promoters.push(bar(breakdown.promoters, palette.promoters));
        passives.push(bar(breakdown.passives, palette.passives));
        detractors.push(bar(breakdown.detractors, palette.detractors));
    }
    if promoters.is_empty() {
        ui.label(RichText::new("No NPS survey answers in this folder.").weak());
        return;
    }
    let detractor_chart = BarChart::new("Detractors (0–6)", detractors)
        .color(palette.detractors)
        .element_formatter(charts::bar_hover(Unit::Rate));
    let passive_chart = BarChart::new("Passives (7–8)", passives)
        .color(palette.passives)
        .stack_on(&[&detractor_chart])
        .element_formatter(charts::bar_hover(Unit::Rate));
    let promoter_chart = BarChart::new("Promoters (9–10)", promoters)
        .color(palette.promoters)
        .stack_on(&[&detractor_chart, &passive_chart])
        .element_formatter(charts::bar_hover(Unit::Rate));
    let mut entries = vec![
        ("Promoters (9–10)", palette.promoters, Swatch::Block),
        ("Passives (7–8)", palette.passives, Swatch::Block),
        ("Detractors (0–6)", palette.detractors, Swatch::Block),
    ];
    if any_low_confidence {
        entries.push((
            "Faded: fewer than 30 answers",
            palette.passives.gamma_multiply(0.35),
            Swatch::Block,
        ));
    }
    widgets::legend_ui(ui, &entries);
    let shown = charts::trend_plot("nps breakdown", 206.0, Unit::Rate)
        .include_y(0.0)
        .include_y(1.0)
        .show(ui, |plot| {
            plot.bar_chart(detractor_chart);
            plot.bar_chart(passive_chart);
            plot.bar_chart(promoter_chart);
            plot.pointer_coordinate()
        });
    super::open_point(ctx, commands, Metric::Nps, charts::clicked_month(&shown));
}

fn rate_trend_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    commands: &mut Vec<Command>,
    metric: Metric,
    id: &str,
) {
    let series = ctx
        .prepared
        .series_window(metric, ctx.department, ctx.month, 18);
    if series.iter().all(|point| point.value.is_none()) {
        ui.label(RichText::new(format!("No {} data in this folder.", metric.label())).weak());
        return;
    }
    let band = ctx.prepared.status.band(metric, ctx.department);
    let outlook = ctx.prepared.outlook(metric, ctx.department, ctx.month);
    let clicked =
        charts::metric_outlook_ui(ui, id, 206.0, metric, series, band, &outlook, &ctx.palette);
    super::open_point(ctx, commands, metric, clicked);
}

fn churn_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    let churn = ctx
        .prepared
        .series_window(Metric::ChurnRate, ctx.department, ctx.month, 18);
    let revenue_churn =
        ctx.prepared
            .series_window(Metric::RevenueChurnRate, ctx.department, ctx.month, 18);
    if churn.iter().all(|point| point.value.is_none()) {
        ui.label(RichText::new("No customer list or churn summary in this folder.").weak());
        return;
    }
    let palette = &ctx.palette;
    let band = ctx.prepared.status.band(Metric::ChurnRate, ctx.department);
    let has_revenue_churn = revenue_churn.iter().any(|point| point.value.is_some());
    let mut entries = vec![("Churn rate (customers)", palette.accent, Swatch::Line)];
    if has_revenue_churn {
        entries.push(("Revenue churn rate (MRR)", palette.secondary, Swatch::Line));
    }
    entries.extend(charts::level_entries(band, palette));
    widgets::legend_ui(ui, &entries);
    let shown = charts::trend_plot("churn trend", 184.0, Unit::Rate)
        .include_y(0.0)
        .show(ui, |plot| {
            charts::add_levels(plot, band, palette);
            plot.line(charts::series_line("Churn rate", churn, palette.accent));
            if has_revenue_churn {
                plot.line(charts::series_line(
                    "Revenue churn rate",
                    revenue_churn,
                    palette.secondary,
                ));
            }
            plot.pointer_coordinate()
        });
    super::open_point(
        ctx,
        commands,
        Metric::ChurnRate,
        charts::clicked_month(&shown),
    );
    let retention = ctx
        .prepared
        .metrics
        .value(Metric::RetentionRate, ctx.department, ctx.month);
    if let Some(rate) = retention {
        ui.label(
            RichText::new(format!(
                "Retention in {}: {}",
                format::month_short(ctx.month),
                format::of_unit(Unit::Rate, rate)
            ))
            .weak(),
        );
    }
}
