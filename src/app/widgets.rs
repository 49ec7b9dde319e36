//! The app's own widgets: KPI cards with sparklines, status chips, section frames and small
//! helpers the views share. Each takes prepared values; none computes a metric.

use eframe::egui;
use egui::{
    Align2, Color32, CornerRadius, FontId, Pos2, Rect, Response, RichText, Sense, Shape, Stroke,
    StrokeKind, Ui, Vec2, pos2, vec2,
};

use super::format;
use super::prepared::SeriesPoint;
use super::theme::{self, Palette};
use crate::escalations::targets::TargetStatus;
use crate::metrics::Metric;

/// Where a value stands against the escalation rules (the core's [`crate::escalations::Standing`]), coloured.
pub use crate::escalations::Standing as Status;

impl Status {
    pub fn color(self, palette: &Palette) -> Color32 {
        match self {
            Status::Ok => palette.good,
            Status::Watch => palette.watch,
            Status::Warning => palette.warning,
            Status::Critical => palette.bad,
        }
    }
}

/// What one KPI card shows.
#[derive(Debug, Clone)]
pub struct CardData<'a> {
    pub metric: Metric,
    pub value: Option<f64>,
    pub low_confidence: bool,
    /// A line under the delta, e.g. "27 responses".
    pub note: Option<String>,
    pub previous: Option<f64>,
    /// "vs Sep 2026".
    pub comparison_label: String,
    pub sparkline: &'a [SeriesPoint],
    /// The level the value should stay on the right side of, drawn as a dashed line.
    pub target: Option<f64>,
    pub status: Option<Status>,
    /// The change is smaller than the combined margin of error (NPS, CSAT): shown neutral.
    pub within_margin: bool,
    /// The value rests on a month whose exports are not all in (SPEC §7 freshness).
    pub incomplete: bool,
    /// The goal at the month: "Target 9.0%" or "2026: 96% of plan", and its status word.
    pub goal: Option<(String, TargetStatus)>,
    /// Where the goal's period lands: "Forecast Dec 2026: 5.8% (4.6%–6.9%)".
    pub forecast: Option<String>,
    /// The notes on the value (SPEC §7), oldest first: a "Note" chip, and their text in the
    /// hover.
    pub notes: Vec<&'a str>,
}

/// A clickable KPI card of exactly `size`. Its accessible name is the metric's label, so tests
/// and screen readers find it by that; its hover text says what a click does.
pub fn kpi_card_ui(ui: &mut Ui, card: &CardData<'_>, palette: &Palette, size: Vec2) -> Response {
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    let label = card.metric.label();
    let value_text = format::metric_value(card.metric, card.value);
    // The value is the node's accessible value, so screen readers (and tests) read it.
    response.widget_info(|| {
        let mut info = egui::WidgetInfo::labeled(egui::Role::Button, true, label);
        info.current_text_value = Some(value_text.clone());
        info
    });
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.visuals();
    let painter = ui.painter_at(rect);
    let stroke_color = if response.hovered() {
        palette.accent
    } else {
        palette.card_stroke
    };
    painter.rect_filled(rect, CornerRadius::same(8), palette.card_fill);
    painter.rect_stroke(
        rect,
        CornerRadius::same(8),
        Stroke::new(1.0, stroke_color),
        StrokeKind::Inside,
    );
    if let Some(status) = card.status {
        let edge = Rect::from_min_max(rect.min, pos2(rect.min.x + 5.0, rect.max.y));
        painter.rect_filled(
            edge,
            CornerRadius {
                nw: 8,
                sw: 8,
                ne: 0,
                se: 0,
            },
            status.color(palette),
        );
    }

    let weak = visuals.weak_text_color();
    let left = rect.min.x + 18.0;
    let right = rect.max.x - 14.0;
    let mut y = rect.min.y + 12.0;

    painter.text(
        pos2(left, y),
        Align2::LEFT_TOP,
        label,
        FontId::proportional(14.0),
        weak,
    );
    let mut chip_right = right;
    if let Some(status) = card.status.filter(|status| *status != Status::Ok) {
        let chip = chip_shape(
            &painter,
            pos2(chip_right, y - 1.0),
            status.label(),
            status.color(palette),
        );
        chip_right = chip.min.x - 6.0;
    }
    if card.low_confidence && card.value.is_some() {
        let chip = chip_shape(
            &painter,
            pos2(chip_right, y - 1.0),
            "Few responses",
            palette.neutral,
        );
        chip_right = chip.min.x - 6.0;
    }
    if card.incomplete {
        let chip = chip_shape(
            &painter,
            pos2(chip_right, y - 1.0),
            "Incomplete",
            palette.neutral,
        );
        chip_right = chip.min.x - 6.0;
    }
    if !card.notes.is_empty() {
        let text = match card.notes.len() {
            1 => "Note".to_string(),
            n => format!("{n} notes"),
        };
        chip_shape(&painter, pos2(chip_right, y - 1.0), &text, palette.accent);
    }
    y += 24.0;

    let value_font = FontId::proportional(theme::VALUE_SIZE);
    // The figure as strong as the other views' figures; faded only when it rests on few answers.
    let value_color = if card.low_confidence {
        weak
    } else {
        visuals.strong_text_color()
    };
    let value_rect = painter.text(
        pos2(left, y),
        Align2::LEFT_TOP,
        &value_text,
        value_font,
        value_color,
    );
    y = value_rect.max.y + 6.0;

    match (card.value, card.previous) {
        (Some(current), Some(previous)) => {
            let delta = format::delta(card.metric, current, previous);
            let improvement = if card.within_margin {
                None
            } else {
                format::improvement(card.metric, current, previous)
            };
            let color = palette.for_improvement(improvement);
            let change = match improvement {
                None if delta.starts_with('±') => 0.0,
                _ => current - previous,
            };
            let triangle_center = pos2(left + 5.0, y + 8.0);
            if change != 0.0 {
                triangle(&painter, triangle_center, change > 0.0, color);
            } else {
                painter.circle_filled(triangle_center, 3.0, color);
            }
            let delta_rect = painter.text(
                pos2(left + 15.0, y),
                Align2::LEFT_TOP,
                delta,
                FontId::proportional(13.5),
                color,
            );
            let comparison = if card.within_margin {
                format!("{}, within margin", card.comparison_label)
            } else {
                card.comparison_label.clone()
            };
            painter.text(
                pos2(delta_rect.max.x + 6.0, y),
                Align2::LEFT_TOP,
                comparison,
                FontId::proportional(13.5),
                weak,
            );
        }
        (current, _) => {
            let text = match current {
                Some(_) => format!("nothing to compare {}", card.comparison_label),
                None => "no data for this month".to_string(),
            };
            painter.text(
                pos2(left, y),
                Align2::LEFT_TOP,
                text,
                FontId::proportional(13.5),
                weak,
            );
        }
    }
    y += 20.0;
    if let Some(note) = &card.note {
        painter.text(
            pos2(left, y),
            Align2::LEFT_TOP,
            note,
            FontId::proportional(11.5),
            weak,
        );
    }
    y += 17.0;
    if let Some((goal, status)) = &card.goal {
        let goal_rect = painter.text(
            pos2(left, y),
            Align2::LEFT_TOP,
            format!("{goal} ·"),
            FontId::proportional(11.5),
            weak,
        );
        let color = match status {
            TargetStatus::Met => palette.good,
            TargetStatus::Behind => palette.warning,
            TargetStatus::Missed => palette.bad,
        };
        painter.text(
            pos2(goal_rect.max.x + 4.0, y),
            Align2::LEFT_TOP,
            status.as_str(),
            FontId::proportional(11.5),
            color,
        );
    }
    y += 16.0;
    if let Some(forecast) = &card.forecast {
        painter.text(
            pos2(left, y),
            Align2::LEFT_TOP,
            forecast,
            FontId::proportional(11.5),
            weak,
        );
    }

    let spark_rect = Rect::from_min_max(
        pos2(left, rect.max.y - 46.0),
        pos2(right, rect.max.y - 12.0),
    );
    sparkline(
        &painter,
        spark_rect,
        card.sparkline,
        card.target,
        palette,
        visuals.dark_mode,
    );

    let goal = card
        .goal
        .as_ref()
        .map(|(goal, status)| format!(" {goal}: {}.", status.as_str()))
        .unwrap_or_default();
    let forecast = card
        .forecast
        .as_ref()
        .map(|forecast| format!(" {forecast}."))
        .unwrap_or_default();
    let notes: String = card
        .notes
        .iter()
        .map(|note| format!(" Note: {note}"))
        .collect();
    // The hover text is also the node's accessible description: the goal, forecast and notes
    // reach screen readers (and tests) that way.
    response.on_hover_text(format!(
        "{label}: {value_text}.{goal}{forecast}{notes} Click for the detail."
    ))
}

/// A small rounded label right-aligned at `right_top`; returns its rect.
fn chip_shape(painter: &egui::Painter, right_top: Pos2, text: &str, color: Color32) -> Rect {
    let galley = painter.layout_no_wrap(text.to_string(), FontId::proportional(11.0), color);
    let size = galley.size() + vec2(12.0, 4.0);
    let rect = Rect::from_min_size(pos2(right_top.x - size.x, right_top.y), size);
    painter.rect_filled(rect, CornerRadius::same(9), color.gamma_multiply(0.14));
    painter.galley(rect.min + vec2(6.0, 2.0), galley, color);
    rect
}

/// A filled triangle pointing up or down.
fn triangle(painter: &egui::Painter, center: Pos2, up: bool, color: Color32) {
    let (tip, base) = if up { (-4.5, 3.5) } else { (4.5, -3.5) };
    let points = vec![
        pos2(center.x, center.y + tip),
        pos2(center.x - 4.5, center.y + base),
        pos2(center.x + 4.5, center.y + base),
    ];
    painter.add(Shape::convex_polygon(points, color, Stroke::NONE));
}

/// A line of the series in `rect`, with an optional dashed target, the last point marked and
/// low-confidence points hollow.
pub fn sparkline(
    painter: &egui::Painter,
    rect: Rect,
    points: &[SeriesPoint],
    target: Option<f64>,
    palette: &Palette,
    dark_mode: bool,
) {
    let values: Vec<(usize, f64, bool)> = points
        .iter()
        .enumerate()
        .filter_map(|(index, point)| {
            point
                .value
                .map(|value| (index, value, point.low_confidence))
        })
        .collect();
    if values.is_empty() {
        return;
    }
    let mut low = values
        .iter()
        .map(|(_, value, _)| *value)
        .fold(f64::INFINITY, f64::min);
    let mut high = values
        .iter()
        .map(|(_, value, _)| *value)
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some(target) = target {
        // Keep the target in view only when it is near the data; far away it flattens the line.
        let span = (high - low).max(high.abs() * 0.05).max(1e-9);
        if target >= low - span && target <= high + span {
            low = low.min(target);
            high = high.max(target);
        }
    }
    if (high - low).abs() < 1e-12 {
        low -= 1.0;
        high += 1.0;
    }
    let slots = points.len().max(2) - 1;
    let to_screen = |index: usize, value: f64| -> Pos2 {
        let x = rect.min.x + rect.width() * index as f32 / slots as f32;
        let t = ((value - low) / (high - low)) as f32;
        pos2(x, rect.max.y - t * rect.height())
    };
    let line_color = if dark_mode {
        Color32::from_gray(190)
    } else {
        Color32::from_gray(90)
    };
    if let Some(target) = target.filter(|target| *target >= low && *target <= high) {
        let y = to_screen(0, target).y;
        painter.extend(Shape::dashed_line(
            &[pos2(rect.min.x, y), pos2(rect.max.x, y)],
            Stroke::new(1.0, palette.warning.gamma_multiply(0.8)),
            4.0,
            3.0,
        ));
    }
    let line: Vec<Pos2> = values
        .iter()
        .map(|(index, value, _)| to_screen(*index, *value))
        .collect();
    if line.len() >= 2 {
        painter.add(Shape::line(line.clone(), Stroke::new(1.6, line_color)));
    }
    for ((_, _, low_confidence), position) in values.iter().zip(&line) {
        if *low_confidence {
            painter.circle(
                *position,
                2.5,
                palette.card_fill,
                Stroke::new(1.2, palette.neutral),
            );
        }
    }
    if let Some(last) = line.last() {
        painter.circle_filled(*last, 3.2, palette.accent);
    }
}

/// How `count` tiles of at least `min_width` fit across `available` with `gap` between them:
/// (tiles per row, each tile's width). As many per row as fit, never more than there are, at
/// least one; the width shares the row out evenly.
pub fn reflow(available: f32, count: usize, min_width: f32, gap: f32) -> (usize, f32) {
    let fit = ((available + gap) / (min_width + gap)).floor().max(1.0) as usize;
    let per_row = fit.clamp(1, count.max(1));
    let width = ((available - gap * (per_row as f32 - 1.0)) / per_row as f32).floor();
    (per_row, width.max(min_width.min(available)))
}

/// Whether the width is too narrow for two panes side by side (list and detail, two charts):
/// below this they stack.
pub const TWO_PANES_MIN_WIDTH: f32 = 900.0;

/// Two panes side by side when the width allows ([`TWO_PANES_MIN_WIDTH`]), else the second
/// below the first. `state` is what both panes change (the view's commands, say).
pub fn two_panes<C>(
    ui: &mut Ui,
    state: &mut C,
    first: impl FnOnce(&mut Ui, &mut C),
    second: impl FnOnce(&mut Ui, &mut C),
) {
    if ui.available_width() >= TWO_PANES_MIN_WIDTH {
        ui.columns(2, |columns| {
            let (left, right) = columns.split_at_mut(1);
            first(&mut left[0], state);
            second(&mut right[0], state);
        });
    } else {
        first(ui, state);
        ui.add_space(12.0);
        second(ui, state);
    }
}

/// A titled section on a card-coloured background filling the width it is given.
pub fn section<R>(
    ui: &mut Ui,
    palette: &Palette,
    title: &str,
    add_contents: impl FnOnce(&mut Ui) -> R,
) -> R {
    egui::Frame::new()
        .fill(palette.card_fill)
        .stroke(Stroke::new(1.0, palette.card_stroke))
        .corner_radius(8)
        .inner_margin(14)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            // Columns lay out justified; inside a section widgets keep their own width.
            ui.with_layout(egui::Layout::top_down(egui::Align::LEFT), |ui| {
                ui.label(RichText::new(title).size(theme::SUBHEADING_SIZE).strong());
                ui.add_space(4.0);
                add_contents(ui)
            })
            .inner
        })
        .inner
}

/// A small coloured label, e.g. a severity.
pub fn chip_ui(ui: &mut Ui, text: &str, color: Color32) -> Response {
    egui::Frame::new()
        .fill(color.gamma_multiply(0.14))
        .corner_radius(9)
        .inner_margin(egui::Margin::symmetric(7, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(text).color(color).size(11.5))
        })
        .response
}

/// A view's title line: heading on the left, weak context text after it.
pub fn view_header_ui(ui: &mut Ui, title: &str, context: &str) {
    ui.horizontal(|ui| {
        ui.heading(RichText::new(title).strong());
        ui.add_space(8.0);
        ui.label(RichText::new(context).weak());
    });
    ui.add_space(8.0);
}

/// A headline figure: a label above a number, as in the strips at the top of views.
pub fn figure_ui(ui: &mut Ui, label: &str, value: &str, color: Option<Color32>) {
    ui.vertical(|ui| {
        ui.label(RichText::new(label).weak());
        let mut text = RichText::new(value).size(20.0).strong();
        if let Some(color) = color {
            text = text.color(color);
        }
        ui.label(text);
    });
}

/// A right-aligned number cell.
pub fn number_cell_ui(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(text);
    });
}

/// A link that wraps onto more lines instead of widening its container.
pub fn wrapping_link_ui(ui: &mut Ui, text: &str) -> Response {
    let color = ui.visuals().hyperlink_color;
    let response = ui.add(
        egui::Label::new(RichText::new(text).color(color))
            .wrap()
            .sense(Sense::click()),
    );
    if response.hovered() {
        ui.painter().hline(
            response.rect.x_range(),
            response.rect.bottom(),
            Stroke::new(1.0, color),
        );
    }
    response.on_hover_cursor(egui::CursorIcon::PointingHand)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    Line,
    Dashed,
    Block,
    HollowPoint,
    Diamond,
}

/// A legend row above a chart, so that no legend box covers the data.
pub fn legend_ui(ui: &mut Ui, entries: &[(&str, Color32, Swatch)]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        for (name, color, swatch) in entries {
            let (rect, _) = ui.allocate_exact_size(vec2(18.0, 12.0), Sense::hover());
            let painter = ui.painter();
            let y = rect.center().y;
            match swatch {
                Swatch::Line => {
                    painter.line_segment(
                        [pos2(rect.min.x, y), pos2(rect.max.x, y)],
                        Stroke::new(2.0, *color),
                    );
                }
                Swatch::Dashed => {
                    painter.extend(Shape::dashed_line(
                        &[pos2(rect.min.x, y), pos2(rect.max.x, y)],
                        Stroke::new(1.5, *color),
                        4.0,
                        2.5,
                    ));
                }
                Swatch::Block => {
                    painter.rect_filled(
                        rect.shrink2(vec2(3.0, 1.0)),
                        CornerRadius::same(2),
                        *color,
                    );
                }
                Swatch::HollowPoint => {
                    painter.circle_stroke(rect.center(), 4.0, Stroke::new(1.5, *color));
                }
                Swatch::Diamond => {
                    let c = rect.center();
                    let points = vec![
                        pos2(c.x, c.y - 5.0),
                        pos2(c.x + 5.0, c.y),
                        pos2(c.x, c.y + 5.0),
                        pos2(c.x - 5.0, c.y),
                    ];
                    painter.add(Shape::convex_polygon(points, *color, Stroke::NONE));
                }
            }
            ui.label(RichText::new(*name).size(12.0).weak());
            ui.add_space(8.0);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_reflow_into_as_many_columns_as_fit() {
        // 8 cards of at least 220 with 12 between: 800 wide holds 3 (3 × 220 + 2 × 12 = 684;
        // 4 would need 916), each (800 − 24) / 3 = 258.67 → 258 wide.
        assert_eq!(reflow(800.0, 8, 220.0, 12.0), (3, 258.0));
        // 1700 wide would hold 7, but a row of 4 has only 4: each (1700 − 36) / 4 = 416.
        assert_eq!(reflow(1700.0, 4, 220.0, 12.0), (4, 416.0));
        // Narrower than one card: one per row, as wide as there is room.
        assert_eq!(reflow(150.0, 8, 220.0, 12.0), (1, 150.0));
    }
}
