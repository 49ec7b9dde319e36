//! Escalations: the list by severity and age with filters, and for the selected one its detail,
//! the metric's chart against the level it crossed, the workflow actions (acknowledge, assign,
//! comment, resolve, reopen) and the audit trail. Also the short lists the overview and the
//! metric detail show.

use eframe::egui;
use egui::{RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{HLine, LineStyle, VLine};

use super::{Command, MetricFocus, ViewContext};
use crate::app::widgets::{self, Status as Tone, Swatch};
use crate::app::{charts, format};
use crate::escalations::{Escalation, RuleKind, Severity, Status, WorkflowAction};

/// Which workflow states the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Open and acknowledged: what still needs someone.
    #[default]
    Active,
    Open,
    Acknowledged,
    Resolved,
    All,
}

impl StatusFilter {
    const ALL: [StatusFilter; 5] = [
        StatusFilter::Active,
        StatusFilter::Open,
        StatusFilter::Acknowledged,
        StatusFilter::Resolved,
        StatusFilter::All,
    ];

    fn label(self) -> &'static str {
        match self {
            StatusFilter::Active => "Open or acknowledged",
            StatusFilter::Open => "Open",
            StatusFilter::Acknowledged => "Acknowledged",
            StatusFilter::Resolved => "Resolved",
            StatusFilter::All => "Any status",
        }
    }

    fn accepts(self, status: Status) -> bool {
        match self {
            StatusFilter::Active => status != Status::Resolved,
            StatusFilter::Open => status == Status::Open,
            StatusFilter::Acknowledged => status == Status::Acknowledged,
            StatusFilter::Resolved => status == Status::Resolved,
            StatusFilter::All => true,
        }
    }
}

/// The list's filters, the selection and the action forms' text.
#[derive(Debug, Default)]
pub struct EscalationFilters {
    pub status: StatusFilter,
    pub severity: Option<Severity>,
    /// Every month, not only the selected one.
    pub all_months: bool,
    pub search: String,
    /// Largest money at stake first (SPEC §6), instead of newest and most severe first.
    pub by_money: bool,
    pub selected: Option<String>,
    pub owner: String,
    pub comment: String,
    pub resolution_note: String,
}

pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::Warning => "Warning",
        Severity::Watch => "Watch",
    }
}

fn severity_tone(severity: Severity) -> Tone {
    match severity {
        Severity::Critical => Tone::Critical,
        Severity::Warning => Tone::Warning,
        Severity::Watch => Tone::Watch,
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Open => "Open",
        Status::Acknowledged => "Acknowledged",
        Status::Resolved => "Resolved",
    }
}

fn rule_label(rule: RuleKind) -> &'static str {
    match rule {
        RuleKind::Threshold => "Beyond a level",
        RuleKind::Change => "Sharp change from the month before",
        RuleKind::Trend => "Trend heading for the critical level",
        RuleKind::Anomaly => "Far from its usual range",
        RuleKind::Data => "The month's export did not arrive",
        RuleKind::Forecast => "Forecast to miss its target",
    }
}

/// A rule in a few words, to tell apart two escalations of one metric in the list.
fn rule_short(rule: RuleKind) -> &'static str {
    match rule {
        RuleKind::Threshold => "level",
        RuleKind::Change => "sharp change",
        RuleKind::Trend => "trend",
        RuleKind::Anomaly => "unusual",
        RuleKind::Data => "missing data",
        RuleKind::Forecast => "forecast",
    }
}

fn whom(escalation: &Escalation) -> &str {
    escalation.department.as_deref().unwrap_or("Company")
}

fn age_text(ctx: &ViewContext<'_>, escalation: &Escalation) -> String {
    let age = ctx
        .prepared
        .escalation_age
        .get(&escalation.escalation_id)
        .copied()
        .unwrap_or(1);
    if age <= 1 {
        "new".to_string()
    } else {
        format!("{age} months")
    }
}

/// The top open escalations of the selected month (overview).
pub fn attention_list_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    limit: usize,
    commands: &mut Vec<Command>,
) {
    let mut active: Vec<&Escalation> = ctx
        .prepared
        .escalations
        .iter()
        .filter(|escalation| escalation.month == ctx.month)
        .filter(|escalation| ctx.department.is_none() || escalation.department_id == ctx.department)
        .filter(|escalation| ctx.desk.status(&escalation.escalation_id) != Status::Resolved)
        .collect();
    // Most severe first (the list's order); within a severity, most money at stake first.
    active.sort_by(|a, b| {
        crate::escalations::pressing_first(
            (a.severity, a.money_at_stake),
            (b.severity, b.money_at_stake),
        )
    });
    if active.is_empty() {
        ui.label(
            RichText::new(format!(
                "Nothing needs attention in {}.",
                format::month_long(ctx.month)
            ))
            .weak(),
        );
    }
    for escalation in active.iter().take(limit) {
        ui.horizontal(|ui| {
            severity_chip_ui(ui, ctx, escalation.severity);
            let response = widgets::wrapping_link_ui(ui, &escalation.message)
                .on_hover_text("Open this escalation");
            if response.clicked() {
                commands.push(Command::ShowEscalation(escalation.escalation_id.clone()));
            }
            if let Some(amount) = escalation.money_at_stake.filter(|amount| *amount > 0.0) {
                ui.label(RichText::new(format!("at stake {}", format::grouped(amount, 0))).weak())
                    .on_hover_text(&escalation.money_basis);
            }
            let status = ctx.desk.status(&escalation.escalation_id);
            if status != Status::Open {
                ui.label(RichText::new(status_label(status)).weak());
            }
        });
    }
    ui.add_space(4.0);
    let label = if active.len() > limit {
        format!("All {} escalations of the month", active.len())
    } else {
        "Open escalations".to_string()
    };
    if ui.button(label).clicked() {
        commands.push(Command::SetView(super::View::Escalations));
    }
}

/// The escalations of one metric for one department (metric detail).
pub fn metric_escalations_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    focus: MetricFocus,
    commands: &mut Vec<Command>,
) {
    let mut matching: Vec<&Escalation> = ctx
        .prepared
        .escalations
        .iter()
        .filter(|escalation| {
            escalation.metric == focus.metric
                && escalation.department_id == focus.department
                && escalation.month <= ctx.month
        })
        .collect();
    matching.sort_by(|a, b| b.month.cmp(&a.month).then(b.severity.cmp(&a.severity)));
    if matching.is_empty() {
        let text = if ctx
            .prepared
            .status
            .status(focus.metric, focus.department, ctx.month)
            .is_some()
        {
            "The rules raised nothing for this metric up to this month."
        } else {
            "No escalation rule checks this metric."
        };
        ui.label(RichText::new(text).weak());
        return;
    }
    for escalation in matching.iter().take(8) {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format::month_short(escalation.month)).weak());
            severity_chip_ui(ui, ctx, escalation.severity);
            if widgets::wrapping_link_ui(ui, &escalation.message).clicked() {
                commands.push(Command::ShowEscalation(escalation.escalation_id.clone()));
            }
        });
    }
    if matching.len() > 8 {
        ui.label(RichText::new(format!("and {} earlier", matching.len() - 8)).weak());
    }
}

fn severity_chip_ui(ui: &mut Ui, ctx: &ViewContext<'_>, severity: Severity) {
    widgets::chip_ui(
        ui,
        severity_label(severity),
        severity_tone(severity).color(&ctx.palette),
    );
}

pub fn escalations_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    filters: &mut EscalationFilters,
    commands: &mut Vec<Command>,
) {
    widgets::view_header_ui(
        ui,
        "Escalations",
        &format!(
            "{} · state kept in {}",
            format::month_long(ctx.month),
            ctx.desk.state_file().display()
        ),
    );
    if let Some(error) = &ctx.prepared.state_error {
        let warning =
            format!("Escalation status unavailable: {error}; every escalation shows as open.");
        ui.label(RichText::new(warning).color(ctx.palette.bad));
    }
    filters_ui(ui, ctx, filters);
    ui.add_space(6.0);

    let needle = filters.search.trim().to_lowercase();
    let mut listed: Vec<&Escalation> = ctx
        .prepared
        .escalations
        .iter()
        .filter(|escalation| filters.all_months || escalation.month == ctx.month)
        .filter(|escalation| escalation.month <= ctx.month)
        .filter(|escalation| ctx.department.is_none() || escalation.department_id == ctx.department)
        .filter(|escalation| {
            filters
                .severity
                .is_none_or(|severity| escalation.severity == severity)
        })
        .filter(|escalation| {
            filters
                .status
                .accepts(ctx.desk.status(&escalation.escalation_id))
        })
        .filter(|escalation| {
            needle.is_empty()
                || escalation.message.to_lowercase().contains(&needle)
                || escalation.escalation_id.contains(&needle)
        })
        .collect();
    if filters.by_money {
        // Stable: equal amounts (and the unstated, last) keep the newest-most-severe order.
        listed.sort_by(|a, b| {
            let amount = |e: &Escalation| e.money_at_stake.unwrap_or(f64::NEG_INFINITY);
            amount(b).total_cmp(&amount(a))
        });
    }
    if filters.selected.is_none()
        && let Some(first) = listed.first()
    {
        commands.push(Command::SelectEscalation(first.escalation_id.clone()));
    }
    let selected = filters.selected.as_deref().and_then(|id| {
        ctx.prepared
            .escalations
            .iter()
            .find(|escalation| escalation.escalation_id == id)
    });

    let title = format!(
        "{} shown",
        format::count(listed.len(), "escalation", "escalations")
    );
    // Side by side when there is room; at 1024 pixels the detail comes below the list.
    widgets::two_panes(
        ui,
        &mut (filters, commands),
        |ui, (filters, commands)| {
            widgets::section(ui, &ctx.palette, &title, |ui| {
                list_ui(ui, ctx, &listed, filters.selected.as_deref(), commands);
            });
        },
        |ui, (filters, commands)| {
            widgets::section(ui, &ctx.palette, "Detail", |ui| match selected {
                Some(escalation) => detail_ui(ui, ctx, escalation, filters, commands),
                None => {
                    ui.label(
                        RichText::new(
                            "Select an escalation to see its detail, act on it and read its history.",
                        )
                        .weak(),
                    );
                }
            });
        },
    );
}

fn filters_ui(ui: &mut Ui, ctx: &ViewContext<'_>, filters: &mut EscalationFilters) {
    // Wrapped: at 1024 pixels the filters take two rows instead of widening the view.
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new("Status").weak());
        egui::ComboBox::from_id_salt("escalation status filter")
            .selected_text(filters.status.label())
            .width(170.0)
            .show_ui(ui, |ui| {
                for option in StatusFilter::ALL {
                    ui.selectable_value(&mut filters.status, option, option.label());
                }
            })
            .response
            .labelled_by(label.id);
        ui.add_space(8.0);
        let label = ui.label(RichText::new("Severity").weak());
        egui::ComboBox::from_id_salt("escalation severity filter")
            .selected_text(filters.severity.map_or("Any severity", severity_label))
            .width(120.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filters.severity, None, "Any severity");
                for severity in [Severity::Critical, Severity::Warning, Severity::Watch] {
                    ui.selectable_value(
                        &mut filters.severity,
                        Some(severity),
                        severity_label(severity),
                    );
                }
            })
            .response
            .labelled_by(label.id);
        ui.add_space(8.0);
        ui.checkbox(
            &mut filters.all_months,
            format!(
                "Earlier months too (up to {})",
                format::month_short(ctx.month)
            ),
        );
        ui.add_space(8.0);
        ui.checkbox(&mut filters.by_money, "Most money at stake first");
        ui.add_space(8.0);
        let label = ui.label(RichText::new("Search").weak());
        ui.add(
            egui::TextEdit::singleline(&mut filters.search)
                .hint_text("metric, department, words")
                .desired_width(200.0),
        )
        .labelled_by(label.id);
    });
}

fn list_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    listed: &[&Escalation],
    selected: Option<&str>,
    commands: &mut Vec<Command>,
) {
    if listed.is_empty() {
        ui.label(RichText::new("No escalation matches these filters.").weak());
        return;
    }
    TableBuilder::new(ui)
        .id_salt("escalation list")
        .striped(true)
        .sense(Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .max_scroll_height(520.0)
        .column(Column::auto().at_least(74.0))
        .column(Column::remainder().at_least(180.0).clip(true))
        .column(Column::auto().at_least(80.0))
        .column(Column::auto().at_least(70.0))
        .column(Column::auto().at_least(70.0))
        .column(Column::auto().at_least(96.0).at_most(160.0).clip(true))
        .header(22.0, |mut header| {
            for title in [
                "Severity",
                "Escalation",
                "At stake",
                "Month",
                "Age",
                "Status",
            ] {
                header.col(|ui| {
                    ui.label(RichText::new(title).strong());
                });
            }
        })
        .body(|body| {
            body.rows(26.0, listed.len(), |mut row| {
                let Some(escalation) = listed.get(row.index()) else {
                    return;
                };
                let is_selected = selected == Some(escalation.escalation_id.as_str());
                row.set_selected(is_selected);
                row.col(|ui| severity_chip_ui(ui, ctx, escalation.severity));
                row.col(|ui| {
                    let title = format!(
                        "{} · {} · {}",
                        escalation.metric.label(),
                        whom(escalation),
                        rule_short(escalation.rule)
                    );
                    let text = if is_selected {
                        RichText::new(title).strong()
                    } else {
                        RichText::new(title)
                    };
                    let response = ui.add(egui::Label::new(text).truncate().sense(Sense::click()));
                    if response.on_hover_text(&escalation.message).clicked() {
                        commands.push(Command::SelectEscalation(escalation.escalation_id.clone()));
                    }
                });
                row.col(|ui| {
                    let text = escalation
                        .money_at_stake
                        .map_or_else(|| "–".to_string(), |amount| format::grouped(amount, 0));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.label(text).on_hover_text(&escalation.money_basis);
                    });
                });
                row.col(|ui| {
                    ui.label(format::month_short(escalation.month));
                });
                row.col(|ui| {
                    ui.label(age_text(ctx, escalation));
                });
                row.col(|ui| {
                    let status = ctx.desk.status(&escalation.escalation_id);
                    let owner = ctx
                        .desk
                        .owner(&escalation.escalation_id)
                        .or(escalation.owner.as_deref());
                    let text = match owner {
                        Some(owner) if status != Status::Resolved => {
                            format!("{} · {owner}", status_label(status))
                        }
                        _ => status_label(status).to_string(),
                    };
                    ui.label(RichText::new(text).weak());
                });
                if row.response().clicked() {
                    commands.push(Command::SelectEscalation(escalation.escalation_id.clone()));
                }
            });
        });
}

fn detail_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    escalation: &Escalation,
    filters: &mut EscalationFilters,
    commands: &mut Vec<Command>,
) {
    let escalation_id = escalation.escalation_id.as_str();
    let status = ctx.desk.status(escalation_id);
    ui.horizontal(|ui| {
        severity_chip_ui(ui, ctx, escalation.severity);
        widgets::chip_ui(
            ui,
            status_label(status),
            if status == Status::Resolved {
                ctx.palette.good
            } else {
                ctx.palette.neutral
            },
        );
        if ctx.desk.is_saving(escalation_id) {
            widgets::chip_ui(ui, "Saving…", ctx.palette.neutral);
        }
    });
    ui.add_space(4.0);
    ui.label(RichText::new(&escalation.message).size(15.0).strong());
    ui.add_space(6.0);
    egui::Grid::new("escalation facts")
        .num_columns(2)
        .spacing([20.0, 4.0])
        .show(ui, |ui| {
            let mut fact = |name: &str, value: String| {
                ui.label(RichText::new(name).weak());
                ui.label(value);
                ui.end_row();
            };
            fact(
                "Metric",
                format!("{} · {}", escalation.metric.label(), whom(escalation)),
            );
            fact("Month", format::month_long(escalation.month));
            fact("Rule", rule_label(escalation.rule).to_string());
            fact(
                "Value",
                format::metric_value(escalation.metric, Some(escalation.value)),
            );
            fact(
                "Level",
                format::metric_value(escalation.metric, Some(escalation.threshold)),
            );
            fact("Standing", age_text(ctx, escalation));
            fact(
                "Owner",
                ctx.desk
                    .owner(escalation_id)
                    .or(escalation.owner.as_deref())
                    .unwrap_or("nobody yet")
                    .to_string(),
            );
            fact(
                "At stake",
                match escalation.money_at_stake {
                    Some(amount) => format!(
                        "{} ({})",
                        format::grouped(amount, 0),
                        escalation.money_basis
                    ),
                    None => escalation.money_basis.clone(),
                },
            );
            fact("Id", escalation_id.to_string());
        });
    ui.add_space(6.0);

    let series = ctx.prepared.series_window(
        escalation.metric,
        escalation.department_id,
        escalation.month,
        12,
    );
    let level_color = severity_tone(escalation.severity).color(&ctx.palette);
    let shows_level = escalation.rule == RuleKind::Threshold || escalation.rule == RuleKind::Trend;
    let mut entries = vec![(escalation.metric.label(), ctx.palette.accent, Swatch::Line)];
    if shows_level {
        entries.push(("Level crossed", level_color, Swatch::Dashed));
    }
    widgets::legend_ui(ui, &entries);
    charts::fit_flat(
        charts::trend_plot(
            &format!("escalation chart {escalation_id}"),
            150.0,
            escalation.metric.unit(),
        ),
        series,
    )
    .show(ui, |plot| {
        if shows_level {
            plot.hline(
                HLine::new("Level", escalation.threshold)
                    .color(level_color)
                    .style(LineStyle::dashed_loose()),
            );
        }
        plot.vline(
            VLine::new("This month", charts::month_x(escalation.month))
                .color(ctx.palette.neutral)
                .style(LineStyle::dotted_loose()),
        );
        plot.line(charts::series_line(
            escalation.metric.label(),
            series,
            ctx.palette.accent,
        ));
        let (points, low) =
            charts::series_markers(escalation.metric.label(), series, ctx.palette.accent);
        plot.points(points);
        if let Some(low) = low {
            plot.points(low);
        }
    });
    ui.add_space(6.0);

    // One change at a time: the buttons wait while the last one is being written.
    ui.add_enabled_ui(!ctx.desk.is_saving(escalation_id), |ui| {
        actions_ui(ui, escalation_id, status, filters, commands);
    });
    ui.add_space(8.0);
    ui.label(RichText::new("History").strong());
    let history = ctx.desk.history(escalation_id);
    if history.is_empty() {
        ui.label(RichText::new("Nobody has acted on this escalation yet.").weak());
    }
    for entry in history.iter().rev() {
        let when = match &entry.actor {
            Some(actor) => format!("{} · {actor}", local_time(&entry.at)),
            None => local_time(&entry.at),
        };
        ui.label(RichText::new(when).weak().size(11.5));
        let what = match (&entry.owner, &entry.text) {
            (Some(owner), _) => format!("{} to {owner}", capitalised(&entry.action)),
            (None, Some(text)) => format!("{}: {text}", capitalised(&entry.action)),
            (None, None) => capitalised(&entry.action),
        };
        ui.add(egui::Label::new(what).wrap());
        ui.add_space(4.0);
    }
}

fn actions_ui(
    ui: &mut Ui,
    escalation_id: &str,
    status: Status,
    filters: &mut EscalationFilters,
    commands: &mut Vec<Command>,
) {
    let mut act = |action: WorkflowAction| {
        commands.push(Command::Workflow {
            escalation_id: escalation_id.to_string(),
            action,
        })
    };
    let field = |ui: &mut Ui, name: &str, text: &mut String, hint: &str| {
        let label = ui
            .allocate_ui_with_layout(
                egui::vec2(110.0, 22.0),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_min_size(egui::vec2(110.0, 22.0));
                    ui.label(name)
                },
            )
            .inner;
        ui.add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(240.0),
        )
        .labelled_by(label.id);
    };
    ui.horizontal(|ui| {
        let acknowledge = ui.add_enabled(status == Status::Open, egui::Button::new("Acknowledge"));
        if acknowledge
            .on_hover_text("Say you have seen it and it is being looked at")
            .clicked()
        {
            act(WorkflowAction::Acknowledge);
        }
        let reopen = ui.add_enabled(status == Status::Resolved, egui::Button::new("Reopen"));
        if reopen.on_hover_text("The problem is back").clicked() {
            act(WorkflowAction::Reopen);
        }
    });
    ui.horizontal(|ui| {
        field(ui, "Owner", &mut filters.owner, "who will fix it");
        let can_assign = status != Status::Resolved && !filters.owner.trim().is_empty();
        if ui
            .add_enabled(can_assign, egui::Button::new("Assign"))
            .clicked()
        {
            act(WorkflowAction::Assign {
                owner: filters.owner.trim().to_string(),
            });
            filters.owner.clear();
        }
    });
    ui.horizontal(|ui| {
        field(ui, "Comment", &mut filters.comment, "what is being done");
        if ui
            .add_enabled(
                !filters.comment.trim().is_empty(),
                egui::Button::new("Add comment"),
            )
            .clicked()
        {
            act(WorkflowAction::Comment {
                text: filters.comment.trim().to_string(),
            });
            filters.comment.clear();
        }
    });
    ui.horizontal(|ui| {
        field(
            ui,
            "Resolution note",
            &mut filters.resolution_note,
            "optional, kept in the history",
        );
        let resolve = ui.add_enabled(status != Status::Resolved, egui::Button::new("Resolve"));
        if resolve
            .on_hover_text(
                "Close it; a new escalation is raised if the problem is still there next month",
            )
            .clicked()
        {
            let note = filters.resolution_note.trim().to_string();
            act(WorkflowAction::Resolve {
                note: (!note.is_empty()).then_some(note),
            });
            filters.resolution_note.clear();
        }
    });
}

fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    })
}

/// An RFC 3339 UTC time as local "31 Oct 2026 14:05".
fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|time| {
            time.with_timezone(&chrono::Local)
                .format("%-d %b %Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}
