//! One metric in detail: how the value is worked out and the file lines it came from (SPEC §7's
//! drill-down), its whole history with the rule levels and the notes on it, every department's
//! value for the month against the comparison, and the escalations it raised.

use eframe::egui;
use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Command, MetricFocus, View, ViewContext};
use crate::app::drill::DrillState;
use crate::app::drill::Explained;
use crate::app::widgets;
use crate::app::{charts, format};
use crate::explain::SourceTable;

/// What the detail shows beyond the prepared data.
pub struct MetricDetail<'a> {
    pub focus: MetricFocus,
    /// The view it was opened from, where "Back" returns.
    pub from: View,
    /// The breakdown of the value, once worked out off the UI thread.
    pub breakdown: DrillState<'a>,
}

/// Left-out rows listed in the detail at the most (all of them are in `explain`'s output).
const LEFT_OUT_SHOWN: usize = 200;

pub fn metric_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    detail: MetricDetail<'_>,
    note_draft: &mut String,
    commands: &mut Vec<Command>,
) {
    let MetricDetail {
        focus,
        from,
        breakdown,
    } = detail;
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
    ui.add_space(4.0);
    arithmetic_ui(ui, ctx, breakdown);
    ui.add_space(8.0);
    // What was written about the number sits beside it, above its history.
    widgets::section(ui, &ctx.palette, "Notes", |ui| {
        notes_ui(ui, ctx, focus, note_draft, commands);
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
        let clicked = charts::metric_outlook_ui(
            ui,
            "metric detail trend",
            240.0,
            metric,
            &window,
            band,
            &outlook,
            &ctx.palette,
        );
        // A point clicked shows that month's breakdown.
        if let Some(month) = clicked.filter(|month| *month != ctx.month) {
            commands.push(Command::SelectMonth(month));
        }
        goal_lines_ui(ui, ctx, focus);
    });
    ui.add_space(8.0);

    // Side by side when both fit, else the escalations below (a narrow department table would
    // push the page wider than the window).
    widgets::two_panes(
        ui,
        commands,
        |ui, commands| {
            widgets::section(
                ui,
                &ctx.palette,
                &format!("By department, {}", format::month_short(ctx.month)),
                |ui| department_table_ui(ui, ctx, focus, commands),
            );
        },
        |ui, commands| {
            widgets::section(ui, &ctx.palette, "Escalations", |ui| {
                super::escalations::metric_escalations_ui(ui, ctx, focus, commands);
            });
        },
    );
    ui.add_space(8.0);
    widgets::section(ui, &ctx.palette, "Source rows", |ui| {
        source_rows_ui(ui, breakdown, commands);
    });
}

/// The value written out: "EBITDA 78,171.13 = revenue … − …; 41 lines in …".
fn arithmetic_ui(ui: &mut Ui, ctx: &ViewContext<'_>, breakdown: DrillState<'_>) {
    match breakdown {
        // No spinner: it would repaint every frame; the breakdown's thread wakes the window
        // when it is done.
        DrillState::Working => {
            ui.label(RichText::new("Working out the rows behind this value…").weak());
        }
        DrillState::Failed => {
            ui.colored_label(
                ctx.palette.bad,
                "The rows behind this value could not be worked out; `coo-dashboard explain` gives them from the command line.",
            );
        }
        DrillState::Ready(Explained { breakdown, .. }) => {
            ui.add(egui::Label::new(RichText::new(&breakdown.arithmetic)).wrap());
            if let Some(mismatch) = &breakdown.mismatch {
                ui.colored_label(ctx.palette.bad, format!("Check failed: {mismatch}"));
            }
        }
    }
}

/// The notes on this value, who wrote them and when, and a field to add one.
fn notes_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    focus: MetricFocus,
    draft: &mut String,
    commands: &mut Vec<Command>,
) {
    let mut any = false;
    for note in ctx
        .prepared
        .notes_on(focus.metric, focus.department, ctx.month)
    {
        any = true;
        ui.horizontal_wrapped(|ui| {
            ui.label(&note.text);
            let by = note
                .author
                .as_deref()
                .map(|author| format!("{author}, "))
                .unwrap_or_default();
            let day = note.at.get(..10).unwrap_or(&note.at);
            ui.label(RichText::new(format!("— {by}{day}")).weak());
            if ui
                .small_button("Remove")
                .on_hover_text("Take this note off the value (it stays in the audit trail)")
                .clicked()
            {
                commands.push(Command::RemoveNote(note.id));
            }
        });
    }
    if !any {
        ui.label(
            RichText::new(format!(
                "No note on {} yet. A note says why the number moved; it shows on the card and in the board pack.",
                format::month_long(ctx.month)
            ))
            .weak(),
        );
    }
    ui.horizontal(|ui| {
        let label = ui.label("Note");
        let field = ui
            .add(
                egui::TextEdit::singleline(draft)
                    .hint_text("Why did it move?")
                    .desired_width((ui.available_width() - 110.0).clamp(160.0, 640.0)),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        let add = ui.add_enabled(!draft.trim().is_empty(), egui::Button::new("Add note"));
        if (add.clicked() || entered) && !draft.trim().is_empty() {
            commands.push(Command::AddNote {
                metric: focus.metric,
                month: ctx.month,
                department: focus.department,
                text: draft.trim().to_string(),
            });
        }
    });
}

/// The file lines behind the value, a table per kind of export drawn a screenful at a time, the
/// rows left out with their reason, and "Copy as CSV".
fn source_rows_ui(ui: &mut Ui, breakdown: DrillState<'_>, commands: &mut Vec<Command>) {
    let DrillState::Ready(explained) = breakdown else {
        ui.label(RichText::new("…").weak());
        return;
    };
    let breakdown = &explained.breakdown;
    let count = breakdown.row_count();
    ui.horizontal(|ui| {
        ui.label(RichText::new(rows_sentence(explained)).weak());
        if count > 0 && ui.button("Copy as CSV").clicked() {
            ui.ctx().copy_text(breakdown.to_csv());
            commands.push(Command::Notify(format!(
                "Copied {} as CSV.",
                format::count(count, "row", "rows")
            )));
        }
    });
    for table in breakdown
        .tables
        .iter()
        .filter(|table| !table.rows.is_empty())
    {
        ui.add_space(6.0);
        ui.label(
            RichText::new(format!(
                "{} from {} exports",
                format::count(table.rows.len(), "row", "rows"),
                table.kind
            ))
            .strong(),
        );
        source_table_ui(ui, table);
    }
    if !breakdown.left_out.is_empty() {
        ui.add_space(6.0);
        egui::CollapsingHeader::new(format!(
            "{} left out",
            format::count(breakdown.left_out.len(), "row", "rows")
        ))
        .id_salt("breakdown left out")
        .show(ui, |ui| {
            for left in breakdown.left_out.iter().take(LEFT_OUT_SHOWN) {
                let line = left
                    .line
                    .map(|line| format!(", line {line}"))
                    .unwrap_or_default();
                ui.label(format!("{}{line}: {}", left.file, left.reason));
            }
            if breakdown.left_out.len() > LEFT_OUT_SHOWN {
                ui.label(
                    RichText::new(format!(
                        "and {} more: `coo-dashboard explain` lists them all",
                        breakdown.left_out.len() - LEFT_OUT_SHOWN
                    ))
                    .weak(),
                );
            }
        });
    }
}

/// "41 rows in 2 files." or "No rows: nothing was read for this value."
fn rows_sentence(explained: &Explained) -> String {
    match explained.breakdown.row_count() {
        0 => "No rows: nothing was read for this value.".to_string(),
        count => format!(
            "{} in {}.",
            format::count(count, "row", "rows"),
            format::count(explained.files, "file", "files")
        ),
    }
}

/// One kind's rows: file, line, department and the fields used; only the rows on screen are
/// laid out, so tens of thousands cost what a screenful does.
fn source_table_ui(ui: &mut Ui, table: &SourceTable) {
    let row_height = 20.0;
    // Wide kinds (a delivery has ten fields) scroll sideways inside the section.
    egui::ScrollArea::horizontal()
        .id_salt(("breakdown rows", table.kind))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt(("breakdown table", table.kind))
                .striped(true)
                .max_scroll_height(row_height * 14.0)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::auto().at_least(160.0).clip(true))
                .column(Column::auto().at_least(44.0))
                .column(Column::auto().at_least(110.0))
                .columns(Column::auto().at_least(80.0), table.columns.len())
                .header(22.0, |mut header| {
                    for title in ["File", "Line", "Department"]
                        .into_iter()
                        .chain(table.columns.iter().copied())
                    {
                        header.col(|ui| {
                            ui.label(RichText::new(title).strong());
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, table.rows.len(), |mut row| {
                        let source = &table.rows[row.index()];
                        row.col(|ui| {
                            ui.label(&source.file);
                        });
                        row.col(|ui| widgets::number_cell_ui(ui, source.line.to_string()));
                        row.col(|ui| {
                            ui.label(source.department.as_deref().unwrap_or("–"));
                        });
                        for value in &source.values {
                            row.col(|ui| {
                                ui.label(value);
                            });
                        }
                    });
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
        // Only the rows on screen are laid out: 200 departments cost what a screenful does.
        .body(|body| {
            body.rows(22.0, rows.len(), |mut row| {
                let department = rows[row.index()];
                let value = ctx.prepared.metrics.value(metric, department, ctx.month);
                let previous =
                    ctx.prepared
                        .metrics
                        .value(metric, department, ctx.comparison_month());
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
                row.col(|ui| widgets::number_cell_ui(ui, format::metric_value(metric, previous)));
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
