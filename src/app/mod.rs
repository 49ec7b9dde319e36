//! The desktop app (feature `gui`): the COO's monthly dashboard on a data folder.
//!
//! Shape (after eframe_template / egui_demo_app): [`run`] opens the window; [`App`] holds the
//! persisted [`UiState`] apart from runtime things that cannot be saved (the loaded data, the
//! loader and the folder watch); each frame the views draw [`prepared::Prepared`] data and push
//! [`Command`]s, which [`App`] applies after the UI pass. Loading, metrics and escalation
//! evaluation run on the loader thread ([`loader`]); the frame never parses a file.

mod charts;
mod desk;
pub mod dialogs;
mod drill;
pub mod export;
pub mod format;
mod loader;
pub mod prepared;
mod theme;
mod top_bar;
pub mod views;
mod watcher;
mod widgets;

use eframe::egui;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::escalations::WorkflowAction;
use crate::input::headers::Field;
use crate::metrics::Metric;
use crate::model::{DepartmentId, Month};
use desk::{DeskEvent, EscalationDesk};
use dialogs::{FolderPicker, PathEntry, Picked};
use drill::{Drill, DrillKey};
use export::{ExportKind, SavePicker, SaveRequest};
use loader::{LoadJob, LoadOutcome, LoadRequest};
use prepared::Prepared;
use theme::Palette;
use views::{Comparison, MetricFocus, View, ViewContext, ViewStates};
use watcher::FolderWatcher;

pub use theme::ThemeChoice;

/// How many folders the "recent folders" menu remembers.
const RECENT_FOLDERS: usize = 8;

/// How long an information notice stays up.
const NOTICE_LIFETIME: Duration = Duration::from_secs(10);

/// Opens the window on `data_dir` and runs until it is closed.
pub fn run(data_dir: PathBuf) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("COO Dashboard")
            .with_app_id("coo-dashboard")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([1024.0, 640.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "COO Dashboard",
        options,
        Box::new(move |creation| {
            let state = creation
                .storage
                .and_then(|storage| eframe::get_value::<UiState>(storage, eframe::APP_KEY))
                .unwrap_or_default();
            Ok(Box::new(App::new(
                &creation.egui_ctx,
                state,
                AppOptions {
                    data_dir: Some(data_dir),
                    watch_folder: true,
                },
            )))
        }),
    )
}

/// What survives a restart (eframe persistence; the window size is persisted by eframe itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    pub data_dir: Option<PathBuf>,
    pub recent_folders: Vec<PathBuf>,
    pub view: View,
    pub theme: ThemeChoice,
    pub comparison: Comparison,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            data_dir: None,
            recent_folders: Vec::new(),
            view: View::Overview,
            theme: ThemeChoice::Light,
            comparison: Comparison::PreviousMonth,
        }
    }
}

/// How the app starts.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// The folder to open; when `None`, the last folder, else the bundled sample data.
    pub data_dir: Option<PathBuf>,
    /// Watch the folder for new or changed exports (off in tests, which change folders on
    /// purpose and reload explicitly).
    pub watch_folder: bool,
}

/// Something the user asked for; applied after the frame's UI pass.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    SetView(View),
    ShowMetric(MetricFocus),
    OpenFolderDialog,
    OpenFolder(PathBuf),
    /// Close the typed-path window of Open folder… (no dialog on this desktop).
    ClosePathEntry,
    Reload,
    CancelLoad,
    SelectMonth(Month),
    SetComparison(Comparison),
    SetDepartment(Option<DepartmentId>),
    SetTheme(ThemeChoice),
    /// Files or folders dropped on the window.
    Drop(Vec<PathBuf>),
    /// Header → column mappings to save to the folder's settings before reading it again.
    SaveMappings(Vec<(String, Field)>),
    /// Assign a P&L statement without department columns to a department (`[sources]` in the
    /// folder's settings), then read the folder again.
    SaveSourceDepartment {
        file: String,
        department: String,
    },
    /// Put a person of the time entries in a department under `[people]`, or take them out.
    SavePersonDepartment {
        person: String,
        department: Option<String>,
    },
    /// Set (`value: Some`) or remove a target in `[targets.METRIC]` of the folder's settings
    /// (`period: None` = every month), then read the folder again.
    SaveTarget {
        metric: Metric,
        department: Option<String>,
        period: Option<String>,
        value: Option<f64>,
        owner: Option<String>,
    },
    DismissNotice(usize),
    /// Ask where to save an export ("Export…" in the top bar).
    Export(ExportKind),
    /// Open the escalations view on one escalation.
    ShowEscalation(String),
    SelectEscalation(String),
    Workflow {
        escalation_id: String,
        action: WorkflowAction,
    },
    /// Add a note to a value (SPEC §7); `department: None` is the company.
    AddNote {
        metric: Metric,
        month: Month,
        department: Option<DepartmentId>,
        text: String,
    },
    /// Remove a note (it stays in the state file and its audit, marked removed).
    RemoveNote(i64),
    /// Say something in the status bar ("Copied 41 rows as CSV.").
    Notify(String),
}

/// A message the status bar shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub is_error: bool,
    shown: Instant,
}

/// The app: persisted UI state plus what only lives while it runs.
pub struct App {
    state: UiState,
    ctx: egui::Context,
    options: AppOptions,
    prepared: Option<Box<Prepared>>,
    job: Option<LoadJob>,
    /// A load asked for while another runs; started when it ends.
    queued: Option<LoadRequest>,
    load_error: Option<String>,
    watcher: Option<FolderWatcher>,
    month: Option<Month>,
    department: Option<DepartmentId>,
    focus: Option<MetricFocus>,
    /// The view the metric detail was opened from, where its Back button returns.
    metric_from: View,
    notices: Vec<Notice>,
    folder_picker: FolderPicker,
    picked_folder: Option<Receiver<Picked>>,
    /// Open folder… where no dialog can be shown: the path typed in the window.
    path_entry: Option<PathEntry>,
    save_picker: SavePicker,
    /// The save dialog's answer for an export (with the name it suggested), while it is open.
    picked_save: Option<(ExportKind, String, Receiver<Picked>)>,
    /// Where a requested screenshot was written, or why not, once it was taken.
    screenshot: Option<Receiver<(PathBuf, Result<(), String>)>>,
    views: ViewStates,
    desk: EscalationDesk,
    /// The breakdown of the value the metric detail shows (SPEC §7), worked out off the UI
    /// thread.
    drill: Drill,
}

impl App {
    /// Sets up the style and theme and starts loading the folder.
    pub fn new(ctx: &egui::Context, state: UiState, options: AppOptions) -> App {
        theme::apply_style(ctx);
        ctx.set_theme(state.theme.egui_theme());
        let data_dir = options
            .data_dir
            .clone()
            .or_else(|| state.data_dir.clone().filter(|dir| dir.is_dir()))
            .unwrap_or_else(crate::config::default_data_dir);
        let mut app = App {
            state,
            ctx: ctx.clone(),
            options,
            prepared: None,
            job: None,
            queued: None,
            load_error: None,
            watcher: None,
            month: None,
            department: None,
            focus: None,
            metric_from: View::Overview,
            notices: Vec::new(),
            folder_picker: dialogs::system_folder_picker(),
            picked_folder: None,
            path_entry: None,
            save_picker: export::system_save_picker(),
            picked_save: None,
            screenshot: None,
            views: ViewStates::default(),
            desk: EscalationDesk::default(),
            drill: Drill::default(),
        };
        // The metric detail needs its focus, and another folder than last time starts on its
        // Overview rather than on the view used with that one.
        if app.state.view == View::Metric || app.state.data_dir.as_ref() != Some(&data_dir) {
            app.state.view = View::Overview;
        }
        app.start_load(LoadRequest::folder(data_dir));
        app
    }

    /// Replaces the system folder dialog (tests).
    /// The department the views are filtered to, `None` for all.
    pub fn department(&self) -> Option<DepartmentId> {
        self.department
    }

    pub fn with_folder_picker(mut self, picker: FolderPicker) -> App {
        self.folder_picker = picker;
        self
    }

    /// Replaces the system save dialog (tests).
    pub fn with_save_picker(mut self, picker: SavePicker) -> App {
        self.save_picker = picker;
        self
    }

    /// Whether an export is waiting for the save dialog or the screenshot (tests).
    pub fn is_exporting(&self) -> bool {
        self.picked_save.is_some() || self.screenshot.is_some()
    }

    pub fn ui_state(&self) -> &UiState {
        &self.state
    }

    pub fn prepared(&self) -> Option<&Prepared> {
        self.prepared.as_deref()
    }

    pub fn is_loading(&self) -> bool {
        self.job.is_some() || self.queued.is_some()
    }

    /// Whether every escalation action and history read sent to the store's thread has been
    /// answered (and its answer taken by a frame).
    pub fn is_store_idle(&self) -> bool {
        self.desk.is_idle()
    }

    /// Whether no breakdown is being worked out (the tests wait for this).
    pub fn is_breakdown_idle(&self) -> bool {
        self.drill.is_idle()
    }

    pub fn selected_month(&self) -> Option<Month> {
        self.month
    }

    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Waits for the running load (and any queued after it) and takes its result (tests, and
    /// anyone who needs the data before the next frame).
    pub fn block_until_loaded(&mut self) {
        while let Some(job) = self.job.take() {
            let outcome = job.wait();
            self.finish_load(outcome);
        }
    }

    /// The whole UI: one frame.
    pub fn app_ui(&mut self, ui: &mut egui::Ui) {
        self.poll_background();
        let mut commands = Vec::new();
        self.input_commands(ui.ctx(), &mut commands);

        let palette = Palette::for_visuals(ui.visuals());
        top_bar::top_bar_ui(ui, &top_bar::TopBar { app: self, palette }, &mut commands);
        let notices = self.notice_lines();
        top_bar::status_bar_ui(
            ui,
            self.job.as_ref(),
            self.prepared.as_deref(),
            self.watcher.is_some(),
            &notices,
            &palette,
            &mut commands,
        );
        top_bar::navigation_ui(ui, self.state.view, self.prepared.as_deref(), &mut commands);
        egui::CentralPanel::default()
            .frame(
                egui::Frame::new()
                    .inner_margin(egui::Margin::symmetric(20, 14))
                    .fill(ui.visuals().panel_fill),
            )
            .show(ui, |ui| {
                self.central_ui(ui, palette, &mut commands);
            });
        top_bar::drop_overlay_ui(ui.ctx());
        if let Some(entry) = &mut self.path_entry {
            dialogs::path_entry_ui(ui.ctx(), entry, &mut commands);
        }

        for command in commands {
            self.apply(command);
        }
        if self.job.is_some() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        } else if let Some(first) = self
            .notices
            .iter()
            .filter(|notice| !notice.is_error)
            .map(|notice| notice.shown)
            .min()
        {
            ui.ctx().request_repaint_after(
                NOTICE_LIFETIME.saturating_sub(first.elapsed()) + Duration::from_millis(50),
            );
        }
    }

    fn central_ui(&mut self, ui: &mut egui::Ui, palette: Palette, commands: &mut Vec<Command>) {
        let Some(prepared) = self.prepared.as_deref() else {
            top_bar::empty_state_ui(
                ui,
                self.job.as_ref(),
                self.load_error.as_deref(),
                &self.state.recent_folders,
                commands,
            );
            return;
        };
        let month = self.month.unwrap_or_else(|| prepared.latest_month());
        let ctx = ViewContext {
            prepared,
            desk: &self.desk,
            month,
            comparison: self.state.comparison,
            department: self.department,
            palette,
        };
        let drill_key = match (self.state.view, self.focus) {
            (View::Metric, Some(focus)) => {
                let key = DrillKey {
                    metric: focus.metric,
                    month,
                    department: focus.department,
                };
                let wake = self.ctx.clone();
                self.drill
                    .want(prepared, key, move || wake.request_repaint());
                Some(key)
            }
            _ => None,
        };
        // Both ways: what is still wider than the window (a wide table) scrolls, never cut off.
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| match self.state.view {
                View::Overview => views::overview_ui(ui, &ctx, commands),
                View::Finance => views::finance_ui(ui, &ctx, commands),
                View::Delivery => views::delivery_ui(ui, &ctx, commands),
                View::Productivity => views::productivity_ui(ui, &ctx, commands),
                View::Customers => views::customers_ui(ui, &ctx, commands),
                View::Departments => views::departments_ui(ui, &ctx, commands),
                View::Escalations => {
                    views::escalations_ui(ui, &ctx, &mut self.views.escalations, commands)
                }
                View::Goals => views::goals_ui(ui, &ctx, &mut self.views.goals, commands),
                View::Data => views::data_ui(
                    ui,
                    &ctx,
                    &mut self.views.mapping,
                    &mut self.views.source_departments,
                    &mut self.views.data_filter,
                    commands,
                ),
                View::Metric => match (self.focus, drill_key) {
                    (Some(focus), Some(key)) => views::metric_ui(
                        ui,
                        &ctx,
                        views::MetricDetail {
                            focus,
                            from: self.metric_from,
                            breakdown: self.drill.breakdown(key),
                        },
                        &mut self.views.note_draft,
                        commands,
                    ),
                    _ => views::overview_ui(ui, &ctx, commands),
                },
            });
    }

    /// The notices the status bar shows, oldest first; information expires after a while.
    fn notice_lines(&mut self) -> Vec<top_bar::NoticeLine> {
        self.notices
            .retain(|notice| notice.is_error || notice.shown.elapsed() < NOTICE_LIFETIME);
        let mut lines = Vec::new();
        // Without data the empty state says it; with data the status bar does.
        if let (Some(error), Some(_)) = (&self.load_error, &self.prepared) {
            lines.push(top_bar::NoticeLine {
                text: sentence(error),
                is_error: true,
                index: None,
            });
        }
        for (index, notice) in self.notices.iter().enumerate() {
            lines.push(top_bar::NoticeLine {
                text: notice.text.clone(),
                is_error: notice.is_error,
                index: Some(index),
            });
        }
        lines
    }

    /// Keyboard shortcuts and dropped files become commands.
    fn input_commands(&self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        let reload = KeyboardShortcut::new(Modifiers::COMMAND, Key::R);
        ctx.input_mut(|input| {
            if input.consume_shortcut(&open) {
                commands.push(Command::OpenFolderDialog);
            }
            if input.consume_shortcut(&reload) {
                commands.push(Command::Reload);
            }
        });
        if !ctx.egui_wants_keyboard_input() {
            const KEYS: [egui::Key; 9] = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ];
            ctx.input_mut(|input| {
                for (key, view) in KEYS.into_iter().zip(View::NAVIGATION) {
                    if input.consume_key(Modifiers::NONE, key) {
                        commands.push(Command::SetView(view));
                    }
                }
            });
        }
        let dropped: Vec<PathBuf> = ctx.input(|input| {
            input
                .raw
                .dropped_files
                .iter()
                .map(|file| file.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() {
            commands.push(Command::Drop(dropped));
        }
    }

    /// Takes what the loader, the folder watch and the folder dialog have finished.
    fn poll_background(&mut self) {
        self.take_desk_answers();
        self.drill.poll();
        if let Some(outcome) = self.job.as_ref().and_then(LoadJob::poll) {
            self.job = None;
            self.finish_load(outcome);
        }
        if let Some(receiver) = &self.picked_folder
            && let Ok(picked) = receiver.try_recv()
        {
            self.picked_folder = None;
            match picked {
                Picked::Path(folder) => self.apply(Command::OpenFolder(folder)),
                Picked::Cancelled => {}
                Picked::NoDialog => {
                    let text = self
                        .current_folder()
                        .map(|folder| folder.display().to_string())
                        .unwrap_or_default();
                    self.path_entry = Some(PathEntry::starting_at(text));
                }
            }
        }
        if let Some((kind, file_name, receiver)) = &self.picked_save
            && let Ok(picked) = receiver.try_recv()
        {
            let (kind, file_name) = (*kind, file_name.clone());
            self.picked_save = None;
            match picked {
                Picked::Path(path) => self.write_export(kind, path),
                Picked::Cancelled => {}
                Picked::NoDialog => self.export_without_dialog(kind, &file_name),
            }
        }
        if let Some(receiver) = &self.screenshot {
            match receiver.try_recv() {
                Ok((path, written)) => {
                    self.screenshot = None;
                    self.notify_export(ExportKind::Png, &path, written, None);
                }
                Err(mpsc::TryRecvError::Empty) => {}
                // The integration dropped the request without taking the picture.
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.screenshot = None;
                    self.notify(
                        "The picture of the view could not be taken; try again.",
                        true,
                    );
                }
            }
        }
        let changed = self.watcher.as_ref().and_then(FolderWatcher::poll_change);
        if let (Some(fingerprint), Some(prepared)) = (changed, &self.prepared)
            && fingerprint != prepared.fingerprint
        {
            let folder = prepared.data_dir.clone();
            self.notify(
                "New or changed exports found; the data folder was read again.",
                false,
            );
            self.start_load(LoadRequest::folder(folder));
        }
    }

    fn notify(&mut self, text: impl Into<String>, is_error: bool) {
        let text = text.into();
        self.notices.retain(|notice| notice.text != text);
        self.notices.push(Notice {
            text,
            is_error,
            shown: Instant::now(),
        });
        self.notices.truncate(4);
    }

    /// Writes an export where the save dialog said. The pack and the CSV are written at once; the
    /// picture is taken of the next frame and written when it arrives.
    fn write_export(&mut self, kind: ExportKind, path: PathBuf) {
        let Some(prepared) = self.prepared.as_deref() else {
            self.notify("Open a data folder first (Ctrl+O).", true);
            return;
        };
        if kind == ExportKind::Png {
            let (sender, receiver) = mpsc::channel();
            let ctx = self.ctx.clone();
            self.ctx.request_screenshot(move |image| {
                let written =
                    export::png_bytes(&image).and_then(|bytes| export::save(&path, &bytes));
                let _ = sender.send((path, written));
                ctx.request_repaint();
            });
            self.screenshot = Some(receiver);
            return;
        }
        let month = self.month.unwrap_or_else(|| prepared.latest_month());
        let (text, problem) = match kind {
            ExportKind::Csv => (export::metrics_csv(prepared, self.desk.states()), None),
            _ => export::board_pack(prepared, self.desk.states(), self.desk.state_file(), month),
        };
        let written = export::save(&path, text.as_bytes());
        self.notify_export(kind, &path, written, problem);
    }

    /// Says which file an export went to, or why it did not.
    fn notify_export(
        &mut self,
        kind: ExportKind,
        path: &Path,
        written: Result<(), String>,
        problem: Option<String>,
    ) {
        match written {
            Ok(()) => {
                let note = problem
                    .map(|problem| format!(" ({problem})"))
                    .unwrap_or_default();
                self.notify(
                    format!("Saved {} to {}{note}.", kind.noun(), path.display()),
                    false,
                );
            }
            Err(error) => self.notify(
                format!(
                    "Could not save {} to {} ({error}); choose a folder you may write to.",
                    kind.noun(),
                    path.display()
                ),
                true,
            ),
        }
    }

    fn current_folder(&self) -> Option<PathBuf> {
        self.prepared
            .as_ref()
            .map(|prepared| prepared.data_dir.clone())
            .or_else(|| self.job.as_ref().map(|job| job.data_dir.clone()))
            .or_else(|| self.state.data_dir.clone())
    }

    fn start_load(&mut self, request: LoadRequest) {
        if self
            .job
            .as_ref()
            .is_some_and(|job| job.data_dir == request.data_dir)
            && request.is_plain_reload()
        {
            // A reload of the folder being read: read it once more after this load.
            self.queued = Some(request);
            return;
        }
        let ctx = self.ctx.clone();
        self.job = Some(LoadJob::spawn(request, move || ctx.request_repaint()));
    }

    fn finish_load(&mut self, outcome: LoadOutcome) {
        match outcome {
            LoadOutcome::Loaded {
                mut prepared,
                notes,
            } => {
                let same_folder = self
                    .prepared
                    .as_ref()
                    .is_some_and(|old| old.data_dir == prepared.data_dir);
                if !same_folder {
                    self.month = None;
                    self.department = None;
                    self.focus = None;
                    self.views = ViewStates::default();
                    self.ctx
                        .send_viewport_cmd(egui::ViewportCommand::Title(format!(
                            "COO Dashboard — {}",
                            folder_name(&prepared.data_dir)
                        )));
                }
                if self
                    .month
                    .is_some_and(|month| !prepared.months.contains(&month))
                {
                    self.month = None;
                }
                self.remember_folder(&prepared.data_dir);
                if self.options.watch_folder
                    && self
                        .watcher
                        .as_ref()
                        .is_none_or(|watcher| watcher.data_dir != prepared.data_dir)
                {
                    let ctx = self.ctx.clone();
                    self.watcher = FolderWatcher::start(
                        prepared.data_dir.clone(),
                        prepared.fingerprint,
                        move || ctx.request_repaint(),
                    )
                    .ok();
                }
                if prepared.dataset.has_no_data() {
                    self.notify(
                        format!(
                            "No recognisable export in {}: see Data for what each file lacks, or open another folder.",
                            prepared.data_dir.display()
                        ),
                        true,
                    );
                }
                for note in notes {
                    self.notify(note.text, note.is_error);
                }
                if let Some(error) = &prepared.state_error {
                    self.notify(
                        format!("Escalation status unavailable: {error}; every escalation shows as open."),
                        true,
                    );
                }
                let ctx = self.ctx.clone();
                self.desk = EscalationDesk::new(
                    &prepared.data_dir,
                    std::mem::take(&mut prepared.recorded_states),
                    move || ctx.request_repaint(),
                );
                if let Some(selected) = self.views.escalations.selected.clone() {
                    let _ = self.desk.load_history(&selected);
                }
                self.load_error = None;
                // A breakdown of the data read before is of nothing shown any more.
                self.drill = Drill::default();
                self.prepared = Some(prepared);
            }
            LoadOutcome::Failed(message) => {
                self.load_error = Some(message);
                // Keep showing the folder that is loaded, if any.
                self.state.data_dir = self
                    .prepared
                    .as_ref()
                    .map(|prepared| prepared.data_dir.clone())
                    .or(self.state.data_dir.take());
            }
        }
        if let Some(request) = self.queued.take() {
            self.start_load(request);
        }
    }

    fn remember_folder(&mut self, folder: &Path) {
        self.state.data_dir = Some(folder.to_path_buf());
        self.state.recent_folders.retain(|recent| recent != folder);
        self.state.recent_folders.insert(0, folder.to_path_buf());
        self.state.recent_folders.truncate(RECENT_FOLDERS);
    }

    /// Applies one command; called after the UI pass.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::SetView(view) => {
                self.state.view = view;
                if view != View::Metric {
                    self.focus = None;
                }
            }
            Command::ShowMetric(focus) => {
                // "Back" returns where the metric was opened from.
                if self.state.view != View::Metric {
                    self.metric_from = self.state.view;
                }
                self.focus = Some(focus);
                self.state.view = View::Metric;
            }
            Command::OpenFolderDialog => {
                if self.picked_folder.is_none() {
                    let picker = Arc::clone(&self.folder_picker);
                    let start = self.current_folder();
                    self.picked_folder = self.spawn_dialog("folder dialog", move || picker(start));
                }
            }
            Command::Export(kind) => self.open_save_dialog(kind),
            Command::ClosePathEntry => self.path_entry = None,
            Command::OpenFolder(folder) => {
                self.path_entry = None;
                // Another folder starts on its Overview, not on the view last used elsewhere.
                if self.current_folder().as_ref() != Some(&folder) {
                    self.state.view = View::Overview;
                    self.focus = None;
                }
                self.state.data_dir = Some(folder.clone());
                self.load_error = None;
                self.start_load(LoadRequest::folder(folder));
            }
            Command::Reload => match self.current_folder() {
                Some(folder) => self.start_load(LoadRequest::folder(folder)),
                None => self.notify("Open a data folder first (Ctrl+O).", true),
            },
            Command::CancelLoad => {
                if self.job.take().is_some() {
                    self.queued = None;
                    let what = if self.prepared.is_some() {
                        "showing the data read before"
                    } else {
                        "open a folder to start again"
                    };
                    self.notify(format!("Loading cancelled; {what}."), false);
                }
            }
            Command::SelectMonth(month) => self.month = Some(month),
            Command::SetComparison(comparison) => self.state.comparison = comparison,
            Command::SetDepartment(department) => {
                self.department = department;
                if let Some(focus) = &mut self.focus {
                    focus.department = department;
                }
            }
            Command::SetTheme(theme) => {
                self.state.theme = theme;
                self.ctx.set_theme(theme.egui_theme());
            }
            Command::Drop(paths) => self.drop_paths(paths),
            Command::SaveMappings(mappings) => match self.current_folder() {
                Some(folder) => self.start_load(LoadRequest {
                    mappings,
                    ..LoadRequest::folder(folder)
                }),
                None => self.notify("Open a data folder first (Ctrl+O).", true),
            },
            Command::SaveSourceDepartment { file, department } => self.save_setting(
                |folder| crate::config::save_source_department(folder, &file, &department),
                format!("{file} now belongs to {}", department.trim()),
                format!("The department of {file}"),
            ),
            Command::SavePersonDepartment { person, department } => {
                let placed = match &department {
                    Some(department) => format!("{person} now counts in {department}"),
                    None => format!("{person} no longer has a department in [people]"),
                };
                self.save_setting(
                    |folder| {
                        crate::config::save_person_department(
                            folder,
                            &person,
                            department.as_deref(),
                        )
                    },
                    placed,
                    format!("The department of {person}"),
                )
            }
            Command::SaveTarget {
                metric,
                department,
                period,
                value,
                owner,
            } => {
                let whom = department.as_deref().unwrap_or("the company");
                let when = period.as_deref().unwrap_or("every month");
                let done = match value {
                    Some(value) => format!(
                        "{} target for {whom}, {when}: {}",
                        metric.label(),
                        format::metric_value(metric, Some(value))
                    ),
                    None => format!("{} target for {whom}, {when} removed", metric.label()),
                };
                let key = period.clone().unwrap_or_else(|| "value".to_string());
                self.save_setting(
                    |folder| {
                        crate::config::save_target(
                            folder,
                            metric.name(),
                            department.as_deref(),
                            &key,
                            value,
                            owner.as_deref(),
                        )
                    },
                    done,
                    format!("The {} target", metric.label()),
                );
            }
            Command::DismissNotice(index) => {
                if index < self.notices.len() {
                    self.notices.remove(index);
                }
            }
            Command::ShowEscalation(escalation_id) => {
                self.state.view = View::Escalations;
                self.focus = None;
                if let Some(prepared) = &self.prepared {
                    // An escalation of another month than the one shown: list every month.
                    let shown = self.month.unwrap_or_else(|| prepared.latest_month());
                    let month = prepared
                        .escalations
                        .iter()
                        .find(|escalation| escalation.escalation_id == escalation_id)
                        .map(|escalation| escalation.month);
                    if month.is_some_and(|month| month != shown) {
                        self.views.escalations.all_months = true;
                    }
                }
                self.apply(Command::SelectEscalation(escalation_id));
            }
            Command::SelectEscalation(escalation_id) => {
                if let Err(error) = self.desk.load_history(&escalation_id) {
                    self.notify(
                        format!("The history of {escalation_id} could not be read ({error})."),
                        true,
                    );
                }
                self.views.escalations.selected = Some(escalation_id);
            }
            Command::Workflow {
                escalation_id,
                action,
            } => {
                // Recorded on the store's thread; `poll_background` says when it is on disk.
                if let Err(error) = self.desk.apply(&escalation_id, &action) {
                    self.notify(format!("Not saved: {error}."), true);
                }
            }
            Command::AddNote {
                metric,
                month,
                department,
                text,
            } => {
                let Some(prepared) = self.prepared.as_deref() else {
                    return;
                };
                let department =
                    department.map(|id| prepared.dataset.departments.name(id).to_string());
                if let Err(error) = self.desk.add_note(metric, month, department, text) {
                    self.notify(format!("The note was not saved: {error}."), true);
                }
            }
            Command::RemoveNote(id) => {
                if let Err(error) = self.desk.remove_note(id) {
                    self.notify(format!("The note was not removed: {error}."), true);
                }
            }
            Command::Notify(text) => self.notify(text, false),
        }
    }

    /// Saves one setting of the open folder's `coo-dashboard.toml` and reads the folder again;
    /// a refused save (see `config::edit_settings`) is said, and nothing is reloaded.
    fn save_setting(
        &mut self,
        save: impl FnOnce(&std::path::Path) -> Result<(), crate::config::SettingsError>,
        done: String,
        what: String,
    ) {
        let Some(folder) = self.current_folder() else {
            self.notify("Open a data folder first (Ctrl+O).", true);
            return;
        };
        match save(&folder) {
            Ok(()) => {
                self.notify(format!("Saved: {done}."), false);
                self.start_load(LoadRequest::folder(folder));
            }
            Err(error) => self.notify(format!("{what} could not be saved ({error})."), true),
        }
    }

    /// What the escalation store's thread answered since the last frame, in words.
    fn take_desk_answers(&mut self) {
        for event in self.desk.poll() {
            match event {
                DeskEvent::Applied { action, state } => {
                    let done = match &action {
                        WorkflowAction::Acknowledge => "Acknowledged".to_string(),
                        WorkflowAction::Assign { owner } => format!("Assigned to {owner}:"),
                        WorkflowAction::Comment { .. } => "Comment added to".to_string(),
                        WorkflowAction::Resolve { .. } => "Resolved".to_string(),
                        WorkflowAction::Reopen => "Reopened".to_string(),
                    };
                    self.notify(format!("{done} {}.", state.escalation_id), false);
                }
                DeskEvent::NotSaved {
                    escalation_id,
                    error,
                } => self.notify(format!("Not saved: {escalation_id}: {error}."), true),
                DeskEvent::HistoryUnreadable {
                    escalation_id,
                    error,
                } => self.notify(
                    format!("The history of {escalation_id} could not be read ({error})."),
                    true,
                ),
                DeskEvent::NoteAdded(note) => {
                    self.notify(format!("Note added to {}.", note.subject()), false);
                    self.views.note_draft.clear();
                    if let Some(prepared) = self.prepared.as_deref_mut() {
                        prepared.notes.push(note);
                    }
                }
                DeskEvent::NoteRemoved(note) => {
                    self.notify(format!("Note removed from {}.", note.subject()), false);
                    if let Some(prepared) = self.prepared.as_deref_mut() {
                        prepared.notes.retain(|kept| kept.id != note.id);
                    }
                }
                DeskEvent::NoteNotSaved(error) => {
                    self.notify(format!("The note was not saved: {error}."), true)
                }
            }
        }
    }

    /// Opens the save dialog for an export on its own thread; its answer is taken in
    /// `poll_background`.
    fn open_save_dialog(&mut self, kind: ExportKind) {
        if self.picked_save.is_some() || self.screenshot.is_some() {
            return;
        }
        let Some(prepared) = self.prepared.as_deref() else {
            self.notify("Open a data folder first (Ctrl+O).", true);
            return;
        };
        let month = self.month.unwrap_or_else(|| prepared.latest_month());
        let request = SaveRequest {
            kind,
            start: export::start_folder(&prepared.data_dir),
            file_name: kind.suggested_name(month, self.state.view),
        };
        let picker = Arc::clone(&self.save_picker);
        let file_name = request.file_name.clone();
        self.picked_save = self
            .spawn_dialog("save dialog", move || picker(request))
            .map(|receiver| (kind, file_name, receiver));
    }

    /// Export… where no save dialog can be shown: into `exports/` beside the data folder, under
    /// a name no file has; the status bar says where.
    fn export_without_dialog(&mut self, kind: ExportKind, file_name: &str) {
        let Some(data_dir) = self.prepared.as_deref().map(|p| p.data_dir.clone()) else {
            return;
        };
        let path = dialogs::free_export_path(&data_dir, file_name);
        if let Some(folder) = path.parent()
            && let Err(error) = std::fs::create_dir_all(folder)
        {
            self.notify(
                format!(
                    "No save dialog could be shown, and {} could not be made ({error}); check that you may write beside the data folder.",
                    folder.display()
                ),
                true,
            );
            return;
        }
        self.notify(
            "No save dialog could be shown on this desktop; exports go to the exports folder beside the data folder.",
            false,
        );
        self.write_export(kind, path);
    }

    /// Runs a system dialog on its own thread (it blocks until the user answers) and wakes the
    /// UI when it has; the answer arrives on the receiver.
    fn spawn_dialog<T: Send + 'static>(
        &mut self,
        what: &str,
        dialog: impl FnOnce() -> T + Send + 'static,
    ) -> Option<Receiver<T>> {
        let (sender, receiver) = mpsc::channel();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("coo-dashboard {what}"))
            .spawn(move || {
                let _ = sender.send(dialog());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => Some(receiver),
            Err(error) => {
                self.notify(format!("The {what} could not open ({error})."), true);
                None
            }
        }
    }

    /// A dropped folder is opened; dropped files are copied into the open data folder (the
    /// loader does the copying) and the folder is read again.
    fn drop_paths(&mut self, paths: Vec<PathBuf>) {
        if let Some(folder) = paths.iter().find(|path| path.is_dir()) {
            self.apply(Command::OpenFolder(folder.clone()));
            return;
        }
        let files: Vec<PathBuf> = paths.into_iter().filter(|path| path.is_file()).collect();
        if files.is_empty() {
            self.notify(
                "Nothing to read in what was dropped: drop export files or a folder.",
                true,
            );
            return;
        }
        match self.current_folder() {
            Some(folder) => self.start_load(LoadRequest {
                imports: files,
                ..LoadRequest::folder(folder)
            }),
            None => {
                // No folder yet: the dropped files' own folder becomes the data folder.
                if let Some(parent) = files.first().and_then(|file| file.parent()) {
                    self.apply(Command::OpenFolder(parent.to_path_buf()));
                }
            }
        }
    }
}

/// A message from the core ("the data folder … does not exist; …") as a sentence on screen.
pub fn sentence(message: &str) -> String {
    let mut characters = message.chars();
    let mut text: String = characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    });
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// The last component of a folder's path, for titles and the folder button.
pub fn folder_name(folder: &Path) -> String {
    folder.file_name().map_or_else(
        || folder.display().to_string(),
        |name| name.to_string_lossy().to_string(),
    )
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}
