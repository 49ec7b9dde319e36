//! Data: every source file with its kind and row counts, every data-quality problem with file
//! and line, and a column-mapping editor for files whose header was not recognised (saved to
//! the folder's `coo-dashboard.toml`, then the folder is read again). A P&L statement without
//! department columns can be assigned to a department on its row (`[sources]` in the same file).

use eframe::egui;
use std::collections::HashMap;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Command, ViewContext};
use crate::app::{format, widgets};
use crate::input::headers::Field;
use crate::input::statement::MONTH_COLUMNS;
use crate::model::{Action, DataQualityIssue, PersonSeen, Shape, SourceSummary};

/// The mapping editor's choices: (file, header as written) → the column it holds.
pub type MappingEdits = HashMap<(String, String), Option<Field>>;

/// Department names being typed for statements without department columns: file → name.
pub type SourceDepartmentEdits = HashMap<String, String>;

pub fn data_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    edits: &mut MappingEdits,
    departments: &mut SourceDepartmentEdits,
    filter: &mut String,
    commands: &mut Vec<Command>,
) {
    let dataset = &ctx.prepared.dataset;
    widgets::view_header_ui(ui, "Data", &ctx.prepared.data_dir.display().to_string());

    let rows_used: usize = dataset.sources.iter().map(|source| source.rows_used).sum();
    let duplicates: usize = dataset
        .sources
        .iter()
        .map(|source| source.rows_duplicate)
        .sum();
    ui.horizontal(|ui| {
        widgets::figure_ui(
            ui,
            "Files",
            &format::grouped(dataset.sources.len() as f64, 0),
            None,
        );
        ui.add_space(28.0);
        widgets::figure_ui(ui, "Rows used", &format::grouped(rows_used as f64, 0), None);
        ui.add_space(28.0);
        let rejected = dataset.rows_rejected();
        widgets::figure_ui(
            ui,
            "Rows rejected",
            &format::grouped(rejected as f64, 0),
            Some(if rejected > 0 {
                ctx.palette.warning
            } else {
                ctx.palette.good
            }),
        );
        ui.add_space(28.0);
        widgets::figure_ui(
            ui,
            "Duplicate rows dropped",
            &format::grouped(duplicates as f64, 0),
            None,
        );
        ui.add_space(28.0);
        widgets::figure_ui(
            ui,
            "Data-quality notes",
            &format::grouped(dataset.data_quality.len() as f64, 0),
            None,
        );
        ui.add_space(28.0);
        widgets::figure_ui(
            ui,
            "Loaded in",
            &format!("{:.2} s", ctx.prepared.timings.total().as_secs_f64()),
            None,
        );
    });
    ui.add_space(8.0);

    if !ctx.prepared.unrecognised_sources.is_empty() {
        widgets::section(
            ui,
            &ctx.palette,
            "Column mapping for files the app did not recognise",
            |ui| {
                mapping_editor_ui(ui, ctx, edits, commands);
            },
        );
        ui.add_space(8.0);
    }

    if !ctx.prepared.rule_problems.is_empty() {
        let title = format!(
            "Problems in the escalation rules ({})",
            ctx.prepared.rule_problems.len()
        );
        widgets::section(ui, &ctx.palette, &title, |ui| {
            ui.label(
                RichText::new(
                    "The app uses the earlier layer's value for each of these until it is fixed.",
                )
                .weak(),
            );
            for problem in &ctx.prepared.rule_problems {
                ui.label(RichText::new(problem.to_string()).color(ctx.palette.warning));
            }
        });
        ui.add_space(8.0);
    }

    widgets::section(ui, &ctx.palette, "Source files", |ui| {
        sources_table_ui(ui, ctx, &dataset.sources);
        company_statements_ui(ui, &dataset.sources, departments, commands);
    });
    ui.add_space(8.0);

    widgets::section(
        ui,
        &ctx.palette,
        &format!("Data-quality problems ({})", dataset.data_quality.len()),
        |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Filter");
                ui.add(
                    egui::TextEdit::singleline(filter)
                        .hint_text("file, column or words of the problem")
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
                if !filter.is_empty() && ui.button("Clear").clicked() {
                    filter.clear();
                }
            });
            ui.add_space(4.0);
            let needle = filter.trim().to_lowercase();
            let problems: Vec<&DataQualityIssue> = dataset
                .data_quality
                .iter()
                .filter(|issue| {
                    needle.is_empty()
                        || [
                            Some(issue.file.as_str()),
                            issue.column.as_deref(),
                            issue.value.as_deref(),
                            Some(issue.problem.as_str()),
                        ]
                        .into_iter()
                        .flatten()
                        .any(|text| text.to_lowercase().contains(&needle))
                })
                .collect();
            problems_table_ui(ui, &problems);
        },
    );
    if !dataset.people.is_empty() {
        ui.add_space(8.0);
        let unplaced = unplaced_people(ctx).count();
        let title = format!(
            "People in the time entries ({}; {} without a department)",
            dataset.people.len(),
            unplaced
        );
        // Open when someone's hours reach no department: that is when it needs a look.
        widgets::section(ui, &ctx.palette, "People", |ui| {
            egui::CollapsingHeader::new(title)
                .id_salt("people in the time entries")
                .default_open(unplaced > 0)
                .show(ui, |ui| people_ui(ui, ctx, commands));
        });
    }
}

/// People whose hours no department gets: some entries without a group of the export's own
/// and nobody under `[people]`.
fn unplaced_people<'a>(ctx: &'a ViewContext<'_>) -> impl Iterator<Item = &'a PersonSeen> + 'a {
    ctx.prepared
        .dataset
        .people
        .iter()
        .filter(|person| is_unplaced(ctx, person))
}

fn is_unplaced(ctx: &ViewContext<'_>, person: &PersonSeen) -> bool {
    person.ungrouped && !ctx.prepared.people_settings.contains_key(&person.key)
}

/// The `[people]` editor: everyone who logged time, those without a department first, each with
/// a department picker; a choice is saved to `coo-dashboard.toml` (nothing else in it changes)
/// and the folder is read again.
fn people_ui(ui: &mut Ui, ctx: &ViewContext<'_>, commands: &mut Vec<Command>) {
    ui.label(
        RichText::new(
            "The export's own group places an entry; [people] places the entries without one. \
             People without either count in company totals only.",
        )
        .weak(),
    );
    ui.add_space(4.0);
    let mut names: Vec<&str> = ctx
        .prepared
        .departments
        .iter()
        .map(|(_, name)| name.as_str())
        .collect();
    names.sort_by_key(|name| name.to_lowercase());
    let settings = &ctx.prepared.people_settings;
    // Those whose hours no department gets first; `dataset.people` is sorted by name already.
    let people: Vec<&PersonSeen> = unplaced_people(ctx)
        .chain(
            ctx.prepared
                .dataset
                .people
                .iter()
                .filter(|person| !is_unplaced(ctx, person)),
        )
        .collect();
    TableBuilder::new(ui)
        .id_salt("people")
        .striped(true)
        .column(Column::auto().at_least(220.0))
        .column(Column::auto().at_least(90.0))
        .column(Column::auto().at_least(220.0))
        .column(Column::remainder())
        .max_scroll_height(320.0)
        .header(22.0, |mut header| {
            for title in [
                "Person",
                "Hours",
                "Department under [people]",
                "Entries placed by",
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(24.0, people.len(), |mut row| {
                let person = people[row.index()];
                let setting = settings.get(&person.key);
                let mut name_label = None;
                row.col(|ui| {
                    name_label = Some(ui.label(&person.name).id);
                });
                row.col(|ui| {
                    widgets::number_cell_ui(ui, format::grouped(person.hours, 1));
                });
                row.col(|ui| {
                    let shown = setting.map_or("— none —", String::as_str);
                    let picker = egui::ComboBox::from_id_salt(("person department", person.key))
                        .selected_text(shown)
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            if ui.selectable_label(setting.is_none(), "— none —").clicked()
                                && setting.is_some()
                            {
                                commands.push(Command::SavePersonDepartment {
                                    person: person.name.clone(),
                                    department: None,
                                });
                            }
                            for name in &names {
                                let chosen =
                                    setting.is_some_and(|set| set.eq_ignore_ascii_case(name));
                                if ui.selectable_label(chosen, *name).clicked() && !chosen {
                                    commands.push(Command::SavePersonDepartment {
                                        person: person.name.clone(),
                                        department: Some(name.to_string()),
                                    });
                                }
                            }
                        })
                        .response;
                    if let Some(label) = name_label {
                        picker.labelled_by(label);
                    }
                });
                row.col(|ui| {
                    let (text, color) = match (person.ungrouped, setting) {
                        (false, _) => ("the export's groups", ctx.palette.neutral),
                        (true, Some(_)) => ("[people]", ctx.palette.neutral),
                        (true, None) => ("nobody: company totals only", ctx.palette.warning),
                    };
                    ui.label(RichText::new(text).color(color));
                });
            });
        });
}

fn kind_text(source: &SourceSummary) -> String {
    let shape = match source.shape {
        Some(Shape::Wide) => Some("wide"),
        Some(Shape::Ledger) => Some("ledger"),
        Some(Shape::List) => Some("list"),
        Some(Shape::Summary) => Some("summary"),
        Some(Shape::Subscriptions) => Some("subscriptions"),
        Some(Shape::PnlStatement) => Some("P&L statement"),
        Some(Shape::IssueTracker) => Some("issue tracker"),
        Some(Shape::TimeEntries) => Some("time entries"),
        None => None,
    };
    match (source.kind, shape) {
        (Some(kind), Some(shape)) => format!("{kind} ({shape})"),
        (Some(kind), None) => kind.to_string(),
        (None, _) => "not recognised".to_string(),
    }
}

/// A statement whose columns are months, not departments: its figures are the company's unless
/// the file is assigned to a department.
fn is_company_statement(source: &SourceSummary) -> bool {
    source.shape == Some(Shape::PnlStatement)
        && source
            .detection
            .as_deref()
            .is_some_and(|detection| detection.contains(MONTH_COLUMNS))
}

/// The department field and its button on a company statement's row.
fn source_department_ui(
    ui: &mut Ui,
    source: &SourceSummary,
    departments: &mut SourceDepartmentEdits,
    commands: &mut Vec<Command>,
) {
    let typed = departments.entry(source.file.clone()).or_default();
    let label = ui.label("belongs to");
    ui.add(
        egui::TextEdit::singleline(typed)
            .hint_text("department")
            .desired_width(110.0),
    )
    .labelled_by(label.id)
    .on_hover_text("The department this whole statement belongs to (saved to coo-dashboard.toml)");
    let name = typed.trim().to_string();
    if ui
        .add_enabled(!name.is_empty(), egui::Button::new("Set department"))
        .clicked()
    {
        commands.push(Command::SaveSourceDepartment {
            file: source.file.clone(),
            department: name,
        });
    }
}

/// Below the sources table: each statement without department columns, its figures counted
/// as the company's, with a field to assign the whole file to a department.
fn company_statements_ui(
    ui: &mut Ui,
    sources: &[SourceSummary],
    departments: &mut SourceDepartmentEdits,
    commands: &mut Vec<Command>,
) {
    let statements: Vec<&SourceSummary> =
        sources.iter().filter(|s| is_company_statement(s)).collect();
    if statements.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label(
        RichText::new(
            "P&L statements without department columns count as company figures; assign one to a department:",
        )
        .weak(),
    );
    for source in statements {
        ui.horizontal(|ui| {
            ui.label(&source.file);
            source_department_ui(ui, source, departments, commands);
        });
    }
}

fn sources_table_ui(ui: &mut Ui, ctx: &ViewContext<'_>, sources: &[SourceSummary]) {
    TableBuilder::new(ui)
        .id_salt("data sources")
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .striped(true)
        .column(Column::auto().at_least(260.0).clip(true))
        .column(Column::auto().at_least(130.0))
        .columns(Column::auto().at_least(70.0), 5)
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(22.0, |mut header| {
            for title in ["File", "Kind"] {
                header.col(|ui| {
                    ui.label(RichText::new(title).strong());
                });
            }
            for title in ["Rows read", "Used", "Rejected", "Duplicate", "Ignored"] {
                header.col(|ui| widgets::number_cell_ui(ui, RichText::new(title).strong()));
            }
            header.col(|ui| {
                ui.label(RichText::new("Notes").strong());
            });
        })
        .body(|mut body| {
            for source in sources {
                body.row(22.0, |mut row| {
                    row.col(|ui| {
                        ui.label(&source.file).on_hover_text(&source.file);
                    });
                    row.col(|ui| {
                        let text = RichText::new(kind_text(source));
                        ui.label(if source.kind.is_none() {
                            text.color(ctx.palette.warning)
                        } else {
                            text
                        });
                    });
                    for (count, warn) in [
                        (source.rows_read, false),
                        (source.rows_used, false),
                        (source.rows_rejected, true),
                        (source.rows_duplicate, false),
                        (source.rows_ignored, false),
                    ] {
                        row.col(|ui| {
                            let text = RichText::new(format::grouped(count as f64, 0));
                            widgets::number_cell_ui(
                                ui,
                                if warn && count > 0 {
                                    text.color(ctx.palette.warning)
                                } else {
                                    text
                                },
                            );
                        });
                    }
                    row.col(|ui| {
                        let mut notes: Vec<String> = Vec::new();
                        if let Some(sheet) = &source.sheet {
                            notes.push(format!("sheet {sheet}"));
                        }
                        if let Some(detection) = &source.detection {
                            notes.push(detection.clone());
                        }
                        let text = notes.join(" · ");
                        ui.label(RichText::new(&text).weak()).on_hover_text(text);
                    });
                });
            }
        });
}

fn action_text(action: Action) -> &'static str {
    match action {
        Action::RowSkipped => "row skipped",
        Action::FileSkipped => "file skipped",
        Action::ValueIgnored => "value ignored",
        Action::RowKept => "row kept",
        Action::Assumed => "assumed",
        Action::DuplicateDropped => "duplicate dropped",
        Action::Superseded => "superseded",
        Action::ColumnIgnored => "column ignored",
    }
}

fn problems_table_ui(ui: &mut Ui, problems: &[&DataQualityIssue]) {
    if problems.is_empty() {
        ui.label(RichText::new("No problems.").weak());
        return;
    }
    TableBuilder::new(ui)
        .id_salt("data quality problems")
        .striped(true)
        .max_scroll_height(420.0)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::auto().at_least(160.0).at_most(260.0).clip(true))
        .column(Column::auto().at_least(44.0))
        .column(Column::auto().at_least(90.0).at_most(160.0).clip(true))
        .column(Column::auto().at_least(70.0).at_most(120.0).clip(true))
        .column(Column::remainder().at_least(300.0).clip(true))
        .column(Column::auto().at_least(110.0))
        .header(22.0, |mut header| {
            for title in ["File", "Line", "Column", "Value", "Problem", "Action"] {
                header.col(|ui| {
                    if title == "Line" {
                        widgets::number_cell_ui(ui, RichText::new(title).strong());
                    } else {
                        ui.label(RichText::new(title).strong());
                    }
                });
            }
        })
        .body(|body| {
            // Two lines per problem: most sentences fit; longer ones show whole on hover.
            body.rows(38.0, problems.len(), |mut row| {
                let Some(issue) = problems.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(&issue.file).on_hover_text(&issue.file);
                });
                row.col(|ui| {
                    widgets::number_cell_ui(
                        ui,
                        issue.line.map_or_else(String::new, |line| line.to_string()),
                    )
                });
                row.col(|ui| {
                    ui.label(issue.column.as_deref().unwrap_or(""));
                });
                row.col(|ui| {
                    let value = issue.value.as_deref().unwrap_or("");
                    ui.label(RichText::new(value).monospace())
                        .on_hover_text(value);
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&issue.problem).wrap())
                        .on_hover_text(&issue.problem);
                });
                row.col(|ui| {
                    ui.label(RichText::new(action_text(issue.action)).weak());
                });
            });
        });
}

fn mapping_editor_ui(
    ui: &mut Ui,
    ctx: &ViewContext<'_>,
    edits: &mut MappingEdits,
    commands: &mut Vec<Command>,
) {
    ui.label(
        RichText::new(
            "Say which column each header holds. The mapping is saved to coo-dashboard.toml in the data folder, \
             applies to every file with the same header, and the folder is read again at once.",
        )
        .weak(),
    );
    ui.add_space(6.0);
    for &index in &ctx.prepared.unrecognised_sources {
        let Some(source) = ctx.prepared.dataset.sources.get(index) else {
            continue;
        };
        ui.label(RichText::new(&source.file).strong());
        if let Some(problem) = ctx
            .prepared
            .dataset
            .data_quality
            .iter()
            .find(|issue| issue.file == source.file && issue.action == Action::FileSkipped)
        {
            ui.label(RichText::new(&problem.problem).color(ctx.palette.warning));
        }
        let suggested = ctx.prepared.mapping_suggestions.get(&index);
        egui::Grid::new(("mapping", index))
            .num_columns(3)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                for (position, header) in source.ignored_columns.iter().enumerate() {
                    let key = (source.file.clone(), header.clone());
                    let already =
                        suggested.and_then(|fields| fields.get(position).copied().flatten());
                    let chosen = edits.get(&key).copied().unwrap_or(already);
                    let label = ui.label(header);
                    egui::ComboBox::from_id_salt(("mapping column", index, header.as_str()))
                        .width(200.0)
                        .selected_text(chosen.map_or("not used", Field::name))
                        .show_ui(ui, |ui| {
                            let mut choice = chosen;
                            ui.selectable_value(&mut choice, None, "not used");
                            for field in Field::ALL {
                                ui.selectable_value(&mut choice, Some(field), field.name());
                            }
                            if choice != chosen {
                                edits.insert(key.clone(), choice);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    let note = match (already, chosen) {
                        (Some(_), Some(now)) if Some(now) == already => "recognised",
                        (None, None) => "not recognised",
                        _ => "changed",
                    };
                    ui.label(RichText::new(note).weak());
                    ui.end_row();
                }
            });
        // Only what the user changed is saved; what the app already recognises needs no mapping.
        let mappings: Vec<(String, Field)> = source
            .ignored_columns
            .iter()
            .enumerate()
            .filter_map(|(position, header)| {
                let already = suggested.and_then(|fields| fields.get(position).copied().flatten());
                let chosen = edits.get(&(source.file.clone(), header.clone())).copied()?;
                (chosen != already)
                    .then_some(chosen)
                    .flatten()
                    .map(|field| (header.clone(), field))
            })
            .collect();
        ui.add_space(4.0);
        let button = ui.add_enabled(
            !mappings.is_empty(),
            egui::Button::new(format!("Save mapping for {}", source.file)),
        );
        if button.clicked() {
            commands.push(Command::SaveMappings(mappings));
        }
        ui.add_space(10.0);
    }
}
