//! "Export…" in the top bar: the board pack (HTML), every metric value (CSV) and a picture of the
//! current view (PNG), each written where the save dialog says.
//!
//! The pack and the CSV are the command line's own writers (`report::html`, `report::csv`) fed
//! from the loaded data through the same [`crate::analysis::Basis`] as `report`, so a file exported from the app equals `coo-dashboard report` on the
//! same folder, month and state. The picture is eframe's viewport screenshot, encoded as PNG.
//! The save dialog sits behind [`SavePicker`] so tests answer it themselves.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use eframe::egui;

use super::dialogs::{self, Picked};
use super::prepared::Prepared;
use super::views::View;
use crate::escalations::{EscalationState, Store};
use crate::model::Month;
use crate::report;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// The board pack: one self-contained HTML file.
    Pack,
    /// Every metric value, one row each.
    Csv,
    /// A picture of what the window shows.
    Png,
}

impl ExportKind {
    pub const ALL: [ExportKind; 3] = [ExportKind::Pack, ExportKind::Csv, ExportKind::Png];

    /// The menu entry; it opens a dialog, hence the ellipsis.
    pub fn menu_label(self) -> &'static str {
        match self {
            ExportKind::Pack => "Board pack (HTML)…",
            ExportKind::Csv => "Metric values (CSV)…",
            ExportKind::Png => "Current view (PNG)…",
        }
    }

    pub fn hover_text(self) -> &'static str {
        match self {
            ExportKind::Pack => {
                "One HTML file with the month's KPIs, trends, heat map and open escalations; opens in any browser and prints to PDF"
            }
            ExportKind::Csv => "Every metric for every month and department, safe to open in Excel",
            ExportKind::Png => "A picture of the view as it is on screen",
        }
    }

    /// What a notice calls the file.
    pub fn noun(self) -> &'static str {
        match self {
            ExportKind::Pack => "the board pack",
            ExportKind::Csv => "the metric values",
            ExportKind::Png => "a picture of the view",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::Pack => "html",
            ExportKind::Csv => "csv",
            ExportKind::Png => "png",
        }
    }

    fn filter_name(self) -> &'static str {
        match self {
            ExportKind::Pack => "Web page",
            ExportKind::Csv => "CSV",
            ExportKind::Png => "PNG image",
        }
    }

    /// The file name the dialog suggests: `board-pack-2026-10.html`, `metrics-2026-10.csv`,
    /// `overview-2026-10.png`.
    pub fn suggested_name(self, month: Month, view: View) -> String {
        let stem = match self {
            ExportKind::Pack => "board-pack".to_string(),
            ExportKind::Csv => "metrics".to_string(),
            ExportKind::Png => view.label().to_lowercase().replace(' ', "-"),
        };
        format!("{stem}-{month}.{}", self.extension())
    }
}

/// What the save dialog is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveRequest {
    pub kind: ExportKind,
    /// The folder the dialog opens in.
    pub start: Option<PathBuf>,
    pub file_name: String,
}

/// Asks where to save an export: a path, cancelled, or no dialog could be shown (then the
/// export goes beside the data folder). The real one opens the system dialog; tests answer
/// themselves.
pub type SavePicker = Arc<dyn Fn(SaveRequest) -> Picked + Send + Sync>;

pub fn system_save_picker() -> SavePicker {
    Arc::new(|request: SaveRequest| {
        dialogs::system(|| {
            let mut dialog = rfd::FileDialog::new()
                .set_title(format!("Save {}", request.kind.noun()))
                .set_file_name(&request.file_name)
                .add_filter(request.kind.filter_name(), &[request.kind.extension()]);
            if let Some(start) = request.start {
                dialog = dialog.set_directory(start);
            }
            dialog.save_file()
        })
    })
}

/// Where the dialog starts: beside the data folder, not in it (an export saved among the
/// exports would be read as data on the next load).
pub fn start_folder(data_dir: &Path) -> Option<PathBuf> {
    data_dir.parent().map(Path::to_path_buf)
}

/// Every metric value of the loaded data as CSV.
pub fn metrics_csv(prepared: &Prepared, states: &HashMap<String, EscalationState>) -> String {
    report::csv::write(&prepared.basis().report(states))
}

/// The board pack of the loaded data for `month`. The latest comments are read from the state
/// file; when it cannot be read the pack goes without them and the second value says why.
pub fn board_pack(
    prepared: &Prepared,
    states: &HashMap<String, EscalationState>,
    state_file: &Path,
    month: Month,
) -> (String, Option<String>) {
    let basis = prepared.basis();
    let report = basis.report(states);
    let (latest_comments, problem) = match Store::open_read_only(state_file)
        .and_then(|store| store.map(|store| store.latest_comments()).transpose())
    {
        Ok(comments) => (comments.unwrap_or_default(), None),
        Err(error) => (
            HashMap::new(),
            Some(format!("the latest comments are left out ({error})")),
        ),
    };
    (basis.board_pack(&report, &latest_comments, month), problem)
}

/// A screenshot as PNG bytes.
pub fn png_bytes(image: &egui::ColorImage) -> Result<Vec<u8>, String> {
    let [width, height] = image.size;
    let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err("the picture is too large".to_string());
    };
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|pixel| pixel.to_srgba_unmultiplied())
        .collect();
    let buffer = image::RgbaImage::from_raw(width, height, rgba)
        .ok_or_else(|| "the picture has the wrong number of pixels".to_string())?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    buffer
        .write_to(&mut bytes, image::ImageFormat::Png)
        .map_err(|error| error.to_string())?;
    Ok(bytes.into_inner())
}

/// Writes an export so that a reader never sees half a file.
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::config::write_atomically(path, bytes).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_names_carry_the_month_and_the_view() {
        let month: Month = "2026-10".parse().unwrap();
        assert_eq!(
            ExportKind::Pack.suggested_name(month, View::Overview),
            "board-pack-2026-10.html"
        );
        assert_eq!(
            ExportKind::Csv.suggested_name(month, View::Finance),
            "metrics-2026-10.csv"
        );
        assert_eq!(
            ExportKind::Png.suggested_name(month, View::Metric),
            "metric-detail-2026-10.png"
        );
    }

    #[test]
    fn a_screenshot_becomes_a_png_of_the_same_size_and_pixels() {
        let red = egui::Color32::from_rgb(200, 40, 40);
        let image = egui::ColorImage::new([3, 2], vec![red; 6]);
        let bytes = png_bytes(&image).unwrap();
        let decoded = image::load_from_memory(&bytes).unwrap().to_rgba8();
        assert_eq!(decoded.dimensions(), (3, 2));
        assert_eq!(decoded.get_pixel(2, 1).0, [200, 40, 40, 255]);
    }
}
