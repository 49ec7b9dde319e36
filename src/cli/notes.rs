//! `coo-dashboard notes DATA_DIR [list|add|remove]` (SPEC §7): the notes written on the numbers,
//! kept in the state database (`--state`, default DATA_DIR/.coo-dashboard/state.sqlite).
//!
//! `add` checks the metric, the month and the department against the data (an unknown one is a
//! usage error, exit 2, naming the closest), so a note always sits on a value the app shows.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::escalations::Store;
use crate::escalations::store::{self, Note};
use crate::explain;
use crate::model::Month;
use crate::text::printable;

use super::{Failure, parse_month_argument, write_output};

#[derive(Debug, Clone, Args)]
pub struct NotesArgs {
    /// The folder that holds the exports.
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub action: Option<NoteAction>,
    /// The state database (default: DATA_DIR/.coo-dashboard/state.sqlite).
    #[arg(long, global = true)]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum NoteAction {
    /// List the notes, by metric and month (the default).
    List {
        #[arg(long, value_enum, default_value_t = NotesFormat::Table)]
        format: NotesFormat,
    },
    /// Write a note on a metric × month (× department).
    Add {
        /// The metric, as the report names it (ebitda_margin, nps, …).
        metric: String,
        /// The month, YYYY-MM.
        #[arg(value_parser = parse_month_argument)]
        month: Month,
        /// What explains the number.
        text: String,
        /// The department (default: the company).
        #[arg(long)]
        department: Option<String>,
        /// Who writes it (default: $USER).
        #[arg(long)]
        author: Option<String>,
    },
    /// Remove a note (it stays in the audit trail).
    Remove {
        /// The note's number, as `list` shows it.
        id: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotesFormat {
    Table,
    Json,
}

fn store_failure(error: crate::escalations::StoreError) -> Failure {
    Failure::Usage(error.into())
}

fn user() -> Option<String> {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
}

pub fn run(args: &NotesArgs) -> Result<(), Failure> {
    let state_file = args
        .state
        .clone()
        .unwrap_or_else(|| store::default_path(&args.data_dir));
    let action = args.action.clone().unwrap_or(NoteAction::List {
        format: NotesFormat::Table,
    });
    match action {
        NoteAction::List { format } => {
            let notes = match Store::open_read_only(&state_file).map_err(store_failure)? {
                Some(store) => store.notes().map_err(store_failure)?,
                None => Vec::new(),
            };
            let text = match format {
                NotesFormat::Json => serde_json::to_string_pretty(&notes)
                    .map_err(|error| Failure::Usage(error.into()))?,
                NotesFormat::Table => list_table(&notes),
            };
            write_output(None, &text)
        }
        NoteAction::Add {
            metric,
            month,
            text,
            department,
            author,
        } => {
            let metric = explain::parse_metric(&metric)
                .map_err(|error| Failure::Usage(anyhow::anyhow!(error)))?;
            let dataset = crate::analysis::read_folder(&args.data_dir, true)
                .map_err(|error| Failure::Usage(error.into()))?;
            if dataset.has_no_data() {
                return Err(Failure::NoData(format!(
                    "no recognisable data in {}; a note needs a value to sit on",
                    args.data_dir.display()
                )));
            }
            crate::analysis::within_data(&dataset, "the month", &month.to_string(), month)
                .map_err(|sentence| Failure::Usage(anyhow::anyhow!(sentence)))?;
            let department = department
                .as_deref()
                .map(|name| {
                    explain::parse_department(&dataset, name)
                        .map(|id| dataset.departments.name(id).to_string())
                })
                .transpose()
                .map_err(|error| Failure::Usage(anyhow::anyhow!(error)))?;
            let author = author.or_else(user);
            let mut store = Store::open(&state_file).map_err(store_failure)?;
            let note = store
                .add_note(
                    metric,
                    month,
                    department.as_deref(),
                    &text,
                    author.as_deref(),
                )
                .map_err(store_failure)?;
            write_output(
                None,
                &format!("Note {} added to {}.", note.id, printable(&note.subject())),
            )
        }
        NoteAction::Remove { id } => {
            let mut store = Store::open(&state_file).map_err(store_failure)?;
            let note = store
                .remove_note(id, user().as_deref())
                .map_err(store_failure)?;
            write_output(
                None,
                &format!(
                    "Note {id} on {} removed (it stays in the audit trail).",
                    printable(&note.subject())
                ),
            )
        }
    }
}

fn list_table(notes: &[Note]) -> String {
    if notes.is_empty() {
        return "No notes yet. Add one with: coo-dashboard notes DATA_DIR add METRIC YYYY-MM \"what explains it\" [--department D]".to_string();
    }
    let mut out = String::new();
    for note in notes {
        let by = note
            .author
            .as_deref()
            .map(|author| format!(", {}", printable(author)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>4}  {}  ({}{by})\n      {}\n",
            note.id,
            printable(&note.subject()),
            note.at,
            printable(&note.text)
        ));
    }
    out.trim_end().to_string()
}
