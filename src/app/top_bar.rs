//! The frame around the views: the top bar (folder, month, comparison, department, reload,
//! theme), the navigation, the status bar with the loader's progress, notices, the empty state
//! and the drop overlay.

use eframe::egui;
use egui::{Align, Align2, Color32, FontId, Id, Layout, RichText, Ui};

use super::export::ExportKind;
use super::loader::LoadJob;
use super::prepared::Prepared;
use super::theme::Palette;
use super::views::{Comparison, View};
use super::{App, Command, folder_name, format};
use crate::model::DepartmentId;

/// What the top bar reads.
pub struct TopBar<'a> {
    pub app: &'a App,
    pub palette: Palette,
}

pub fn top_bar_ui(ui: &mut Ui, bar: &TopBar<'_>, commands: &mut Vec<Command>) {
    let app = bar.app;
    egui::Panel::top("top bar")
        .frame(
            egui::Frame::new()
                .inner_margin(egui::Margin::symmetric(16, 10))
                .fill(bar.palette.card_fill)
                .stroke(egui::Stroke::new(1.0, bar.palette.card_stroke)),
        )
        .show(ui, |ui| {
            // Everything on one row from about 1280 pixels; narrower, the month, comparison and
            // department pickers take a second row so nothing covers them.
            let one_row = ui.available_width() >= ONE_ROW_MIN_WIDTH;
            ui.horizontal(|ui| {
                ui.label(RichText::new("COO Dashboard").size(17.0).strong());
                ui.add_space(12.0);
                folder_menu_ui(ui, app, commands);
                ui.add_space(12.0);
                if one_row && let Some(prepared) = app.prepared.as_deref() {
                    selections_ui(ui, app, prepared, commands);
                }
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    actions_ui(ui, app, commands);
                });
            });
            if !one_row && let Some(prepared) = app.prepared.as_deref() {
                ui.add_space(6.0);
                ui.horizontal(|ui| selections_ui(ui, app, prepared, commands));
            }
        });
}

/// The top bar's width below which its pickers take a second row.
const ONE_ROW_MIN_WIDTH: f32 = 1240.0;

/// Reload, Export… and the theme switch, laid out right to left.
fn actions_ui(ui: &mut Ui, app: &App, commands: &mut Vec<Command>) {
    let theme = app.state.theme;
    let label = match theme {
        super::ThemeChoice::Light => "Dark theme",
        super::ThemeChoice::Dark => "Light theme",
    };
    if ui
        .button(label)
        .on_hover_text("Switch between the light and the dark theme")
        .clicked()
    {
        commands.push(Command::SetTheme(theme.toggled()));
    }
    export_menu_ui(ui, app, commands);
    let reload = ui.add_enabled(app.current_folder().is_some(), egui::Button::new("Reload"));
    if reload
        .on_hover_text("Read the data folder again (Ctrl+R)")
        .clicked()
    {
        commands.push(Command::Reload);
    }
}

/// "Export…": the board pack, the metric values, a picture of the view; each asks where to save.
fn export_menu_ui(ui: &mut Ui, app: &App, commands: &mut Vec<Command>) {
    // Greyed while the save dialog is open; not while the picture is taken, or it would show.
    let ready = app.prepared.is_some() && app.picked_save.is_none();
    ui.add_enabled_ui(ready, |ui| {
        ui.menu_button("Export…", |ui| {
            for kind in ExportKind::ALL {
                if ui
                    .button(kind.menu_label())
                    .on_hover_text(kind.hover_text())
                    .clicked()
                {
                    commands.push(Command::Export(kind));
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("Save the month as a board pack, the metric values or a picture");
    });
}

fn folder_menu_ui(ui: &mut Ui, app: &App, commands: &mut Vec<Command>) {
    let folder = app.current_folder();
    let title = folder
        .as_deref()
        .map_or_else(|| "No folder".to_string(), folder_name);
    let response = ui.menu_button(RichText::new(format!("Folder: {title}")), |ui| {
        if ui.button("Open folder…").clicked() {
            commands.push(Command::OpenFolderDialog);
            ui.close();
        }
        if ui.button("Reload").clicked() {
            commands.push(Command::Reload);
            ui.close();
        }
        let recent: Vec<_> = app
            .state
            .recent_folders
            .iter()
            .filter(|recent| Some(*recent) != folder.as_ref())
            .collect();
        if !recent.is_empty() {
            ui.separator();
            ui.label(RichText::new("Recent folders").weak());
            for recent in recent {
                if ui.button(recent.display().to_string()).clicked() {
                    commands.push(Command::OpenFolder(recent.clone()));
                    ui.close();
                }
            }
        }
    });
    if let Some(folder) = folder {
        response.response.on_hover_text(format!(
            "{}\nOpen another folder with Ctrl+O, or drop one on the window.",
            folder.display()
        ));
    }
}

fn selections_ui(ui: &mut Ui, app: &App, prepared: &Prepared, commands: &mut Vec<Command>) {
    let month = app.month.unwrap_or_else(|| prepared.latest_month());
    let label = ui.label(RichText::new("Month").weak());
    egui::ComboBox::from_id_salt("month picker")
        .selected_text(format::month_short(month))
        .width(110.0)
        .height(400.0)
        .show_ui(ui, |ui| {
            for &candidate in prepared.months.iter().rev() {
                if ui
                    .selectable_label(candidate == month, format::month_short(candidate))
                    .clicked()
                {
                    commands.push(Command::SelectMonth(candidate));
                }
            }
        })
        .response
        .labelled_by(label.id);
    ui.add_space(8.0);

    let label = ui.label(RichText::new("Compare with").weak());
    egui::ComboBox::from_id_salt("comparison picker")
        .selected_text(app.state.comparison.label())
        .width(170.0)
        .show_ui(ui, |ui| {
            for comparison in Comparison::ALL {
                if ui
                    .selectable_label(comparison == app.state.comparison, comparison.label())
                    .clicked()
                {
                    commands.push(Command::SetComparison(comparison));
                }
            }
        })
        .response
        .labelled_by(label.id);
    ui.add_space(8.0);

    let label = ui.label(RichText::new("Department").weak());
    let selected = app.department.map_or("All departments", |id| {
        prepared.dataset.departments.name(id)
    });
    // Sorted by name with a field to type into: two hundred departments stay findable. The
    // popup stays open while typing, so each choice closes it itself.
    egui::ComboBox::from_id_salt("department picker")
        .selected_text(selected)
        .width(170.0)
        .height(400.0)
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show_ui(ui, |ui| {
            let filter_id = ui.make_persistent_id("department filter");
            let mut filter: String = ui.data(|data| data.get_temp(filter_id)).unwrap_or_default();
            let typed = ui.label(RichText::new("Find").weak());
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut filter)
                        .hint_text("type part of a name")
                        .desired_width(180.0),
                )
                .labelled_by(typed.id);
            if !field.has_focus() && filter.is_empty() {
                field.request_focus();
            }
            ui.data_mut(|data| data.insert_temp(filter_id, filter.clone()));
            let needle = filter.trim().to_lowercase();
            let mut choose = |ui: &mut Ui, department: Option<DepartmentId>| {
                commands.push(Command::SetDepartment(department));
                ui.data_mut(|data| data.remove::<String>(filter_id));
                ui.close();
            };
            if needle.is_empty()
                && ui
                    .selectable_label(app.department.is_none(), "All departments")
                    .clicked()
            {
                choose(ui, None);
            }
            let mut listed: Vec<&(DepartmentId, String)> = prepared
                .departments
                .iter()
                .filter(|(_, name)| needle.is_empty() || name.to_lowercase().contains(&needle))
                .collect();
            listed.sort_by_key(|(_, name)| name.to_lowercase());
            if listed.is_empty() {
                ui.label(RichText::new("No department has that in its name.").weak());
            }
            for (id, name) in listed {
                if ui
                    .selectable_label(app.department == Some(*id), name)
                    .clicked()
                {
                    choose(ui, Some(*id));
                }
            }
        })
        .response
        .labelled_by(label.id);
}

pub fn navigation_ui(
    ui: &mut Ui,
    current: View,
    prepared: Option<&Prepared>,
    commands: &mut Vec<Command>,
) {
    egui::Panel::left("navigation")
        .resizable(false)
        .exact_size(184.0)
        .show(ui, |ui| {
            ui.add_space(12.0);
            let width = ui.available_width() - 8.0;
            for (index, view) in View::NAVIGATION.into_iter().enumerate() {
                let selected =
                    current == view || (current == View::Metric && view == View::Overview);
                // The grow atom pushes the label left; the key number is painted, not part of the
                // label, so that the view is found by its name alone.
                let button =
                    egui::Button::selectable(selected, RichText::new(view.label()).size(14.5))
                        .right_text(egui::Atom::grow())
                        .min_size(egui::vec2(width, 30.0));
                let response = ui.add(button);
                let key_rect = response.rect.shrink2(egui::vec2(10.0, 0.0));
                ui.painter().text(
                    key_rect.right_center(),
                    Align2::RIGHT_CENTER,
                    (index + 1).to_string(),
                    FontId::proportional(11.5),
                    ui.visuals().weak_text_color(),
                );
                if response
                    .on_hover_text(format!("{} (key {})", view.label(), index + 1))
                    .clicked()
                {
                    commands.push(Command::SetView(view));
                }
            }
            if let Some(prepared) = prepared {
                ui.add_space(16.0);
                ui.separator();
                ui.add_space(4.0);
                ui.label(RichText::new("Reporting date").weak().size(11.5));
                ui.label(prepared.as_of.format("%-d %b %Y").to_string());
                ui.add_space(4.0);
                ui.label(RichText::new("Data").weak().size(11.5));
                ui.label(format!(
                    "{} months, {}",
                    prepared.months.len(),
                    format::count(prepared.departments.len(), "department", "departments")
                ));
            }
        });
}

/// One line the status bar can show: text, whether it is an error, and its index among the
/// app's notices (`None` for the load error, which the next load clears).
pub struct NoticeLine {
    pub text: String,
    pub is_error: bool,
    pub index: Option<usize>,
}

/// The status bar: the loader's progress (with cancel) or what was read, the newest notice, and
/// whether the folder is watched. Notices live here so that they never cover or move a view.
pub fn status_bar_ui(
    ui: &mut Ui,
    job: Option<&LoadJob>,
    prepared: Option<&Prepared>,
    watching: bool,
    notices: &[NoticeLine],
    palette: &Palette,
    commands: &mut Vec<Command>,
) {
    egui::Panel::bottom("status bar")
        .frame(
            egui::Frame::new()
                .inner_margin(egui::Margin::symmetric(16, 5))
                .fill(ui.visuals().panel_fill),
        )
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(job) = job {
                    progress_ui(ui, job, commands);
                } else if let Some(prepared) = prepared {
                    let dataset = &prepared.dataset;
                    let rows: usize = dataset.sources.iter().map(|source| source.rows_used).sum();
                    ui.label(
                        RichText::new(format!(
                            "{} · {} rows · read in {:.2} s",
                            format::count(dataset.sources.len(), "file", "files"),
                            format::grouped(rows as f64, 0),
                            prepared.timings.total().as_secs_f64()
                        ))
                        .weak(),
                    );
                }
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if watching {
                        ui.label(RichText::new("Watching the folder for new exports").weak());
                    }
                    if let Some(newest) = notices.last() {
                        ui.add_space(12.0);
                        if let Some(index) = newest.index
                            && ui.small_button("Dismiss").clicked()
                        {
                            commands.push(Command::DismissNotice(index));
                        }
                        if notices.len() > 1 {
                            let all = notices
                                .iter()
                                .map(|notice| notice.text.as_str())
                                .collect::<Vec<_>>()
                                .join("\n");
                            ui.label(RichText::new(format!("+{} more", notices.len() - 1)).weak())
                                .on_hover_text(all);
                        }
                        let color = if newest.is_error {
                            palette.bad
                        } else {
                            palette.accent
                        };
                        let text = RichText::new(&newest.text).color(color).strong();
                        ui.add(egui::Label::new(text).truncate())
                            .on_hover_text(&newest.text);
                    }
                });
            });
        });
}

fn progress_ui(ui: &mut Ui, job: &LoadJob, commands: &mut Vec<Command>) {
    let stage = job.stage();
    ui.spinner();
    ui.label(stage.label());
    ui.add(
        egui::ProgressBar::new(stage.fraction())
            .desired_width(200.0)
            .animate(true),
    );
    ui.label(RichText::new(format!("{:.1} s", job.started.elapsed().as_secs_f64())).weak());
    if ui
        .button("Cancel")
        .on_hover_text("Stop loading and keep what is shown")
        .clicked()
    {
        commands.push(Command::CancelLoad);
    }
}

/// What the central area shows before any data is loaded.
pub fn empty_state_ui(
    ui: &mut Ui,
    job: Option<&LoadJob>,
    error: Option<&str>,
    recent_folders: &[std::path::PathBuf],
    commands: &mut Vec<Command>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.3);
        if let Some(job) = job {
            ui.heading(format!("Opening {}", folder_name(&job.data_dir)));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                ui.add_space((ui.available_width() - 420.0).max(0.0) / 2.0);
                progress_ui(ui, job, commands);
            });
        } else {
            match error {
                Some(error) => {
                    ui.heading("The data folder could not be opened");
                    ui.label(
                        RichText::new(super::sentence(error)).color(ui.visuals().error_fg_color),
                    );
                }
                None => {
                    ui.heading("No data folder open");
                }
            }
            ui.add_space(8.0);
            ui.label(
                RichText::new(
                    "Open the folder that holds the monthly exports, or drop it on this window.",
                )
                .weak(),
            );
            ui.add_space(8.0);
            if ui.button("Open folder…").clicked() {
                commands.push(Command::OpenFolderDialog);
            }
            // No file-system check here: a stat of a disconnected share can hang the frame.
            let recent: Vec<_> = recent_folders.iter().take(5).collect();
            if !recent.is_empty() {
                ui.add_space(16.0);
                ui.label(RichText::new("Recent folders").weak());
                for folder in recent {
                    if ui.link(folder.display().to_string()).clicked() {
                        commands.push(Command::OpenFolder(folder.clone()));
                    }
                }
            }
        }
    });
}

/// While files are dragged over the window, say what dropping them does.
pub fn drop_overlay_ui(ctx: &egui::Context) {
    let hovering = ctx.input(|input| !input.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        Id::unique("drop overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "Drop export files to add them to the data folder, or a folder to open it",
        FontId::proportional(22.0),
        Color32::WHITE,
    );
}
