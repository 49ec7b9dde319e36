//! `coo-dashboard escalations DATA_DIR [list|ack|assign|comment|resolve|reopen|history]`
//! (SPEC §5): the escalations of a data folder with their status, and the workflow commands
//! that change it.
//!
//! An id must be one the current data and rules raise, or one the state file already knows
//! (an escalation acted on before the data changed); anything else is a usage error (exit 2)
//! that names the closest ids. Problems in a rules file are warnings on stderr: the command
//! still runs on the earlier layers and exits 0. The folder is analysed by
//! [`crate::analysis::run`], as for `report` and the app.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use crate::analysis::{self, Analysis};
use crate::escalations::{
    self, AuditEntry, EscalationRow, EscalationState, Status, Store, WorkflowAction,
};

use crate::text::printable;

use super::{Failure, analyse, parse_day, warn_rule_problems, write_output};

/// How many ids an unknown-id error suggests.
const SUGGESTED_IDS: usize = 3;

#[derive(Debug, Clone, Args)]
pub struct EscalationsArgs {
    /// The folder that holds the exports.
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub action: Option<EscalationAction>,
    /// Escalation rules on top of the defaults and the data folder's coo-dashboard.toml.
    #[arg(long, global = true)]
    pub rules: Option<PathBuf>,
    /// The escalation state database (default: DATA_DIR/.coo-dashboard/state.sqlite).
    #[arg(long, global = true)]
    pub state: Option<PathBuf>,
    /// The reporting date (default: the last day of the latest month in the data).
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum EscalationAction {
    /// List the escalations, newest month and most severe first (the default).
    List {
        /// Only escalations with this status.
        #[arg(long, value_enum)]
        status: Option<StatusFilter>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Acknowledge an escalation: someone is on it.
    Ack {
        #[arg(value_name = "ID")]
        escalation_id: String,
    },
    /// Make someone the owner of an escalation.
    Assign {
        #[arg(value_name = "ID")]
        escalation_id: String,
        owner: String,
    },
    /// Add a comment to an escalation's history.
    Comment {
        #[arg(value_name = "ID")]
        escalation_id: String,
        text: String,
    },
    /// Mark an escalation resolved.
    Resolve {
        #[arg(value_name = "ID")]
        escalation_id: String,
        /// What was done about it.
        #[arg(long)]
        note: Option<String>,
    },
    /// Reopen a resolved escalation.
    Reopen {
        #[arg(value_name = "ID")]
        escalation_id: String,
    },
    /// Show everything done to an escalation, oldest first.
    History {
        #[arg(value_name = "ID")]
        escalation_id: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Open,
    Acknowledged,
    Resolved,
}

impl StatusFilter {
    fn status(self) -> Status {
        match self {
            StatusFilter::Open => Status::Open,
            StatusFilter::Acknowledged => Status::Acknowledged,
            StatusFilter::Resolved => Status::Resolved,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

fn store_failure(error: escalations::StoreError) -> Failure {
    Failure::Usage(error.into())
}

/// The recorded states of the analysis, or why the state file could not be read (exit 2).
fn states_or_failure(analysis: &Analysis) -> Result<&HashMap<String, EscalationState>, Failure> {
    match &analysis.state_error {
        Some(error) => Err(Failure::Usage(anyhow::anyhow!("{error}"))),
        None => Ok(&analysis.states),
    }
}

pub(super) fn run(args: &EscalationsArgs) -> Result<(), Failure> {
    let options = analysis::Options {
        rules_file: args.rules.clone(),
        state_file: args.state.clone(),
        as_of: args.as_of,
    };
    let analysis = analyse(&args.data_dir, &options)?;
    warn_rule_problems(&analysis);
    let raised = &analysis.raised;
    let action = args.action.clone().unwrap_or(EscalationAction::List {
        status: None,
        format: ListFormat::Table,
    });

    let (escalation_id, workflow_action) = match action {
        EscalationAction::List { status, format } => {
            let states = states_or_failure(&analysis)?;
            let mut rows = escalations::rows(raised, states);
            if let Some(wanted) = status {
                rows.retain(|row| row.status == wanted.status());
            }
            let text = match format {
                ListFormat::Json => serde_json::to_string_pretty(&rows)
                    .map_err(|error| Failure::Usage(error.into()))?,
                ListFormat::Table => list_table(&rows, status.map(StatusFilter::status)),
            };
            return write_output(None, &text);
        }
        EscalationAction::History {
            escalation_id,
            format,
        } => {
            let states = states_or_failure(&analysis)?;
            let escalation_id = known_id(&escalation_id, raised, states, &args.data_dir)?;
            let entries =
                match Store::open_read_only(&analysis.state_file).map_err(store_failure)? {
                    Some(store) => store.history(&escalation_id).map_err(store_failure)?,
                    None => Vec::new(),
                };
            let text = match format {
                ListFormat::Json => serde_json::to_string_pretty(&entries)
                    .map_err(|error| Failure::Usage(error.into()))?,
                ListFormat::Table => {
                    history_table(&escalation_id, &entries, states.get(&escalation_id))
                }
            };
            return write_output(None, &text);
        }
        EscalationAction::Ack { escalation_id } => (escalation_id, WorkflowAction::Acknowledge),
        EscalationAction::Assign {
            escalation_id,
            owner,
        } => (escalation_id, WorkflowAction::Assign { owner }),
        EscalationAction::Comment {
            escalation_id,
            text,
        } => (escalation_id, WorkflowAction::Comment { text }),
        EscalationAction::Resolve {
            escalation_id,
            note,
        } => (escalation_id, WorkflowAction::Resolve { note }),
        EscalationAction::Reopen { escalation_id } => (escalation_id, WorkflowAction::Reopen),
    };

    let mut store = Store::open(&analysis.state_file).map_err(store_failure)?;
    let states = store.states().map_err(store_failure)?;
    let escalation_id = known_id(&escalation_id, raised, &states, &args.data_dir)?;
    let actor = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok();
    let state = store
        .apply(&escalation_id, &workflow_action, actor.as_deref())
        .map_err(store_failure)?;
    let confirmation = match &workflow_action {
        WorkflowAction::Acknowledge => format!("Acknowledged {escalation_id}."),
        WorkflowAction::Assign { .. } => format!(
            "Assigned {escalation_id} to {}.",
            state.owner.as_deref().unwrap_or_default()
        ),
        WorkflowAction::Comment { .. } => format!("Comment added to {escalation_id}."),
        WorkflowAction::Resolve { .. } => format!("Resolved {escalation_id}."),
        WorkflowAction::Reopen => format!("Reopened {escalation_id}; it is open again."),
    };
    write_output(None, &printable(&confirmation))
}

/// The id as the data or the state file knows it (matched exactly, else ignoring case), or a
/// usage error that suggests the closest ids.
fn known_id(
    typed: &str,
    raised: &[escalations::Escalation],
    states: &HashMap<String, EscalationState>,
    data_dir: &Path,
) -> Result<String, Failure> {
    let known: BTreeSet<&str> = raised
        .iter()
        .map(|escalation| escalation.escalation_id.as_str())
        .chain(states.keys().map(String::as_str))
        .collect();
    let typed = typed.trim();
    if known.contains(typed) {
        return Ok(typed.to_string());
    }
    let same_but_case: Vec<&str> = known
        .iter()
        .copied()
        .filter(|id| id.to_lowercase() == typed.to_lowercase())
        .collect();
    if let [only] = same_but_case.as_slice() {
        return Ok((*only).to_string());
    }
    let suggestions = escalations::suggest_ids(typed, known.iter().copied(), SUGGESTED_IDS);
    let hint = if suggestions.is_empty() {
        "the data raises no escalations".to_string()
    } else {
        format!("the closest are: {}", suggestions.join(", "))
    };
    Err(Failure::Usage(anyhow::anyhow!(
        "no escalation has the id '{}'; {hint} (`coo-dashboard escalations {} list` shows them all)",
        printable(&crate::text::cut(typed, crate::text::ECHO_CHARS)),
        data_dir.display()
    )))
}

/// Aligned columns: severity, status, owner, id, then the message.
fn list_table(rows: &[EscalationRow], status: Option<Status>) -> String {
    if rows.is_empty() {
        return match status {
            Some(status) => format!("No {status} escalations."),
            None => "No escalations.".to_string(),
        };
    }
    let header = ["SEVERITY", "STATUS", "OWNER", "ID", "MESSAGE"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            [
                row.severity.to_string(),
                row.status.to_string(),
                row.owner
                    .as_deref()
                    .map_or_else(|| "-".to_string(), printable),
                printable(&row.id),
                printable(&row.message),
            ]
        })
        .collect();
    let mut widths = header.map(|title| title.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |row: [&str; 5]| -> String {
        let mut text = String::new();
        for (index, cell) in row.iter().enumerate() {
            if index + 1 == row.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[index]));
            }
        }
        text
    };
    let mut lines = vec![line(header)];
    lines.extend(
        cells
            .iter()
            .map(|row| line([&row[0], &row[1], &row[2], &row[3], &row[4]])),
    );
    lines.join("\n")
}

/// One line per audit entry, oldest first, then the current state.
fn history_table(
    escalation_id: &str,
    entries: &[AuditEntry],
    state: Option<&EscalationState>,
) -> String {
    let mut lines: Vec<String> = entries
        .iter()
        .map(|entry| {
            let what = match (entry.action.as_str(), &entry.owner, &entry.text) {
                ("assigned", Some(owner), _) => format!("assigned to {owner}"),
                (action, _, Some(text)) => format!("{action}: {text}"),
                (action, _, None) => action.to_string(),
            };
            let line = match &entry.actor {
                Some(actor) => format!("{}  {what}  (by {actor})", entry.at),
                None => format!("{}  {what}", entry.at),
            };
            printable(&line)
        })
        .collect();
    let status = state.map_or(Status::Open, |state| state.status);
    let owner = state
        .and_then(|state| state.owner.as_deref())
        .map(|owner| format!(", owner {}", printable(owner)))
        .unwrap_or_default();
    if lines.is_empty() {
        lines.push(format!(
            "Nothing has been done about {} yet; it is open.",
            printable(escalation_id)
        ));
    } else {
        lines.push(format!("Now {status}{owner}."));
    }
    lines.join("\n")
}
