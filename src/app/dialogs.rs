//! The system file dialogs, and what the app does where none can be shown (no desktop portal
//! and no zenity: minimal and locked-down desktops). rfd answers "no file" both when the user
//! cancels and when no dialog could open, so [`system`] tells the two apart: with neither a
//! session bus nor zenity there is no dialog to try, and a dialog gone within a blink was never
//! on screen. Then Export… writes beside the data folder ([`free_export_path`]) and Open
//! folder… asks for the path in the window ([`PathEntry`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui;

use super::Command;

/// What a file dialog answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Path(PathBuf),
    Cancelled,
    /// No dialog could be shown.
    NoDialog,
}

/// Picks a folder; the real one opens the system dialog, tests answer themselves.
pub type FolderPicker = Arc<dyn Fn(Option<PathBuf>) -> Picked + Send + Sync>;

/// A dialog that closed faster than this was never seen by anyone.
const NOBODY_ANSWERS_THAT_FAST: Duration = Duration::from_millis(400);

/// Runs one of rfd's dialogs and says whether it could be shown at all.
pub fn system(dialog: impl FnOnce() -> Option<PathBuf>) -> Picked {
    if !a_dialog_can_open() {
        return Picked::NoDialog;
    }
    let started = Instant::now();
    match dialog() {
        Some(path) => Picked::Path(path),
        None if started.elapsed() < NOBODY_ANSWERS_THAT_FAST => Picked::NoDialog,
        None => Picked::Cancelled,
    }
}

/// rfd asks the desktop portal over the session bus and falls back to zenity: without either
/// no dialog can open.
fn a_dialog_can_open() -> bool {
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|runtime| Path::new(&runtime).join("bus").exists());
    let zenity = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|folder| folder.join("zenity").is_file())
    });
    bus || zenity
}

pub fn system_folder_picker() -> FolderPicker {
    Arc::new(|start: Option<PathBuf>| {
        system(|| {
            let mut dialog = rfd::FileDialog::new().set_title("Open data folder");
            if let Some(start) = start {
                dialog = dialog.set_directory(start);
            }
            dialog.pick_folder()
        })
    })
}

/// Where an export goes when no save dialog can be shown: `exports/` beside the data folder (not
/// in it, where it would be read as data), under the suggested name, or with " (2)", " (3)", …
/// before the extension when that is taken: never over a file.
pub fn free_export_path(data_dir: &Path, file_name: &str) -> PathBuf {
    let folder = data_dir.parent().unwrap_or(data_dir).join("exports");
    let candidate = folder.join(file_name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, extension) = match file_name.rsplit_once('.') {
        Some((stem, extension)) => (stem, format!(".{extension}")),
        None => (file_name, String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}){extension}")))
        .find(|path| !path.exists())
        .expect("some number is free")
}

/// Open folder… without a dialog: the path typed in the window, with the folders it may go on
/// to as completions.
#[derive(Debug, Clone)]
pub struct PathEntry {
    pub text: String,
    /// Why the last Open did not open (not a folder).
    pub problem: Option<String>,
    /// Whether the field still has to take the keyboard (the window's first frame).
    pub take_focus: bool,
    /// The completions of `completed` (the text they were listed for): the folder is listed
    /// again only when the text changes, not on every frame.
    completed: Option<(String, Vec<PathBuf>)>,
}

impl PathEntry {
    /// The window as it opens, on `text` with the keyboard in the field.
    pub fn starting_at(text: String) -> PathEntry {
        PathEntry {
            text,
            problem: None,
            take_focus: true,
            completed: None,
        }
    }

    /// The folders the text may go on to, listed once per text.
    fn completions(&mut self) -> Vec<PathBuf> {
        match &self.completed {
            Some((text, found)) if *text == self.text => found.clone(),
            _ => {
                let typed_path = Path::new(self.text.trim_end_matches(std::path::MAIN_SEPARATOR));
                let found: Vec<PathBuf> = completions(&self.text, 8)
                    .into_iter()
                    .filter(|folder| folder != typed_path)
                    .collect();
                self.completed = Some((self.text.clone(), found.clone()));
                found
            }
        }
    }
}

/// Up to `limit` folders that complete `typed`: the subfolders of its folder part whose names
/// start with its last part (case ignored, hidden ones only when asked for with a dot), sorted.
pub fn completions(typed: &str, limit: usize) -> Vec<PathBuf> {
    let typed_path = Path::new(typed);
    let (folder, start) = if typed.is_empty() || typed.ends_with(std::path::MAIN_SEPARATOR) {
        (typed_path.to_path_buf(), String::new())
    } else {
        (
            typed_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            typed_path
                .file_name()
                .map(|name| name.to_string_lossy().to_lowercase())
                .unwrap_or_default(),
        )
    };
    let Ok(entries) = std::fs::read_dir(if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &folder
    }) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().to_lowercase();
            name.starts_with(&start) && (start.starts_with('.') || !name.starts_with('.'))
        })
        .map(|entry| folder.join(entry.file_name()))
        .collect();
    found.sort();
    found.truncate(limit);
    found
}

/// The window of Open folder… where no dialog can be shown: a path field, the folders it may
/// go on to (click one to take it), Open and Cancel.
pub fn path_entry_ui(ctx: &egui::Context, entry: &mut PathEntry, commands: &mut Vec<Command>) {
    egui::Window::new("Open data folder")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .min_width(480.0)
        .show(ctx, |ui| {
            let label = ui.label("No folder dialog can be shown on this desktop. Folder path:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut entry.text)
                        .desired_width(460.0)
                        .hint_text("/home/you/exports/2026-10"),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut entry.take_focus) {
                field.request_focus();
            }
            let mut open = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            for folder in entry.completions() {
                let shown = folder.display().to_string();
                if ui.selectable_label(false, &shown).clicked() {
                    entry.text = format!("{shown}{}", std::path::MAIN_SEPARATOR);
                    entry.problem = None;
                }
            }
            if let Some(problem) = &entry.problem {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            ui.horizontal(|ui| {
                open |= ui.button("Open").clicked();
                if ui.button("Cancel").clicked() {
                    commands.push(Command::ClosePathEntry);
                }
            });
            if open {
                let path = PathBuf::from(entry.text.trim());
                if path.is_dir() {
                    commands.push(Command::OpenFolder(path));
                } else {
                    entry.problem = Some(format!(
                        "{} is not a folder; type the path of the folder that holds the exports.",
                        path.display()
                    ));
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_without_a_dialog_goes_beside_the_data_folder_never_over_a_file() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let first = free_export_path(&data, "board-pack-2026-10.html");
        assert_eq!(first, root.path().join("exports/board-pack-2026-10.html"));
        std::fs::create_dir(root.path().join("exports")).unwrap();
        std::fs::write(&first, "kept").unwrap();
        let second = free_export_path(&data, "board-pack-2026-10.html");
        assert_eq!(
            second,
            root.path().join("exports/board-pack-2026-10 (2).html")
        );
    }

    #[test]
    fn completions_are_the_matching_subfolders_sorted_without_hidden_ones() {
        let root = tempfile::tempdir().unwrap();
        for name in ["Exports 2026", "exports-old", "finance", ".hidden"] {
            std::fs::create_dir(root.path().join(name)).unwrap();
        }
        std::fs::write(root.path().join("exports.csv"), "a file").unwrap();
        let typed = format!("{}/ex", root.path().display());
        assert_eq!(
            completions(&typed, 8),
            [
                root.path().join("Exports 2026"),
                root.path().join("exports-old")
            ]
        );
        let all = completions(&format!("{}/", root.path().display()), 8);
        assert_eq!(all.len(), 3, "{all:?}");
    }
}
