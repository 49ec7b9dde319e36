//! Loading off the UI thread: the folder's [`crate::analysis::run_observed`] (read, compute the
//! metrics, evaluate the escalations, recorded states), then the views' tables, on a worker
//! thread, reporting the stage it is in.
//!
//! Cancel is honoured between stages: the app drops the job at once and keeps showing what it
//! had; the worker notices the flag after its current stage and throws its work away. (Reading
//! one folder is a single call into `input::load_folder`, so a stage itself cannot be cut short.)

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Instant;

use crate::analysis::{self, AnalysisError};
use crate::config;
use crate::input::headers::Field;
use crate::input::reader::SUPPORTED_EXTENSIONS;

use super::prepared::Prepared;
use super::watcher;

/// Where a load is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading = 0,
    Computing = 1,
    Preparing = 2,
}

impl Stage {
    fn from_u8(value: u8) -> Stage {
        match value {
            0 => Stage::Reading,
            1 => Stage::Computing,
            _ => Stage::Preparing,
        }
    }

    /// What the progress bar says.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading the exports…",
            Stage::Computing => "Computing the metrics…",
            Stage::Preparing => "Checking the escalation rules…",
        }
    }

    /// How far along the bar is at the start of this stage (reading dominates).
    pub fn fraction(self) -> f32 {
        match self {
            Stage::Reading => 0.05,
            Stage::Computing => 0.7,
            Stage::Preparing => 0.9,
        }
    }
}

/// What to do before reading the folder, and which folder.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadRequest {
    pub data_dir: PathBuf,
    /// Files to copy into the folder first (dropped on the window).
    pub imports: Vec<PathBuf>,
    /// Header mappings to save to the folder's `coo-dashboard.toml` first.
    pub mappings: Vec<(String, Field)>,
}

impl LoadRequest {
    pub fn folder(data_dir: PathBuf) -> LoadRequest {
        LoadRequest {
            data_dir,
            imports: Vec::new(),
            mappings: Vec::new(),
        }
    }

    /// Only reads the folder (nothing to copy or save first).
    pub fn is_plain_reload(&self) -> bool {
        self.imports.is_empty() && self.mappings.is_empty()
    }
}

/// Something the user should hear about a load: a file copied, a mapping saved, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadNote {
    pub text: String,
    pub is_error: bool,
}

/// How a load ended.
#[derive(Debug)]
pub enum LoadOutcome {
    Loaded {
        prepared: Box<Prepared>,
        notes: Vec<LoadNote>,
    },
    /// The folder could not be read at all; one sentence saying what to do.
    Failed(String),
}

/// A load in progress.
#[derive(Debug)]
pub struct LoadJob {
    pub data_dir: PathBuf,
    pub started: Instant,
    cancel: Arc<AtomicBool>,
    stage: Arc<AtomicU8>,
    outcome: Receiver<LoadOutcome>,
}

impl LoadJob {
    /// Starts loading `data_dir` on a worker thread; `wake` is called when the stage changes
    /// and when the load is done (the app passes a repaint request).
    pub fn spawn(request: LoadRequest, wake: impl Fn() + Send + 'static) -> LoadJob {
        let data_dir = request.data_dir.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        let stage = Arc::new(AtomicU8::new(Stage::Reading as u8));
        let (sender, outcome) = mpsc::channel();
        let failure_sender = sender.clone();
        let thread_cancel = Arc::clone(&cancel);
        let thread_stage = Arc::clone(&stage);
        let spawned = std::thread::Builder::new()
            .name("coo-dashboard loader".to_string())
            .spawn(move || {
                if let Some(result) = load(request, &thread_cancel, &thread_stage, &wake) {
                    let _ = sender.send(result);
                }
                wake();
            });
        if let Err(error) = spawned {
            // Without a worker there is nothing to wait for: the failure is the outcome.
            let _ = failure_sender.send(LoadOutcome::Failed(format!(
                "the loader could not start ({error}); close other programs and reload"
            )));
        }
        LoadJob {
            data_dir,
            started: Instant::now(),
            cancel,
            stage,
            outcome,
        }
    }

    pub fn stage(&self) -> Stage {
        Stage::from_u8(self.stage.load(Ordering::Relaxed))
    }

    /// The outcome, once the worker is done.
    pub fn poll(&self) -> Option<LoadOutcome> {
        match self.outcome.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(LoadOutcome::Failed(
                "the loader stopped unexpectedly; reload to try again".to_string(),
            )),
        }
    }

    /// Blocks until the worker is done (tests and the first frame of a synchronous start).
    pub fn wait(&self) -> LoadOutcome {
        self.outcome.recv().unwrap_or_else(|_| {
            LoadOutcome::Failed("the loader stopped unexpectedly; reload to try again".to_string())
        })
    }
}

impl Drop for LoadJob {
    /// Dropping a job (cancel, or a newer load replacing it) tells the worker to stop.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The worker: `None` when cancelled.
fn load(
    request: LoadRequest,
    cancel: &AtomicBool,
    stage: &AtomicU8,
    wake: &dyn Fn(),
) -> Option<LoadOutcome> {
    let LoadRequest {
        data_dir,
        imports,
        mappings,
    } = request;
    let set_stage = |next: Stage| {
        stage.store(next as u8, Ordering::Relaxed);
        wake();
    };
    let cancelled = || cancel.load(Ordering::Relaxed);

    let mut notes = Vec::new();
    for file in &imports {
        notes.push(import_file(&data_dir, file));
    }
    for (header, field) in &mappings {
        notes.push(match config::save_mapping(&data_dir, header, *field) {
            Ok(()) => LoadNote {
                text: format!("Saved: the header \"{header}\" now reads as {field}."),
                is_error: false,
            },
            Err(error) => LoadNote {
                text: format!("The mapping for \"{header}\" could not be saved ({error})."),
                is_error: true,
            },
        });
    }

    // Taken before reading, so a change made while reading is seen by the next poll.
    let fingerprint = watcher::fingerprint(&data_dir);
    let mut observe = |next: analysis::Stage| {
        match next {
            analysis::Stage::Reading => {}
            analysis::Stage::Computing => set_stage(Stage::Computing),
            analysis::Stage::Checking => set_stage(Stage::Preparing),
        }
        !cancelled()
    };
    let analysis =
        match analysis::run_observed(&data_dir, &analysis::Options::default(), &mut observe) {
            Ok(analysis) => analysis,
            Err(AnalysisError::Cancelled) => return None,
            Err(error) => return Some(LoadOutcome::Failed(error.to_string())),
        };
    if cancelled() {
        return None;
    }
    let started = Instant::now();
    let mut prepared = Prepared::build(analysis, fingerprint);
    prepared.timings.prepare += started.elapsed();
    if cancelled() {
        return None;
    }
    Some(LoadOutcome::Loaded {
        prepared: Box::new(prepared),
        notes,
    })
}

/// Copies a dropped file into the data folder under a name that does not overwrite another
/// export; a file already in the folder is left where it is.
fn import_file(data_dir: &Path, file: &Path) -> LoadNote {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |name| name.to_string_lossy().to_string(),
    );
    let error = |text: String| LoadNote {
        text,
        is_error: true,
    };
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !SUPPORTED_EXTENSIONS.contains(&extension.as_str()) {
        return error(format!(
            "{name} was not added: the app reads {} files.",
            SUPPORTED_EXTENSIONS.join(", ")
        ));
    }
    if let (Ok(folder), Ok(source)) = (data_dir.canonicalize(), file.canonicalize())
        && source.starts_with(&folder)
    {
        return LoadNote {
            text: format!("{name} is already in the data folder; read it again."),
            is_error: false,
        };
    }
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(cause) => return error(format!("{name} could not be read ({cause}).")),
    };
    let stem = file
        .file_stem()
        .map_or_else(|| name.clone(), |stem| stem.to_string_lossy().to_string());
    for attempt in 1..100 {
        let target_name = if attempt == 1 {
            name.clone()
        } else {
            format!("{stem} ({attempt}).{extension}")
        };
        let target = data_dir.join(&target_name);
        match std::fs::read(&target) {
            Ok(existing) if existing == bytes => {
                return LoadNote {
                    text: format!("{name} is already in the data folder as {target_name}."),
                    is_error: false,
                };
            }
            Ok(_) => continue,
            Err(_) if target.exists() => continue,
            Err(_) => {}
        }
        return match crate::config::write_atomically(&target, &bytes) {
            Ok(()) => LoadNote {
                text: format!("Added {target_name} to the data folder."),
                is_error: false,
            },
            Err(cause) => error(format!(
                "{name} could not be copied into the data folder ({cause}); check that you may write there."
            )),
        };
    }
    error(format!(
        "{name} was not added: the data folder already has 99 files of that name."
    ))
}
