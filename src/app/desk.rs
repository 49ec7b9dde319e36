//! The escalation workflow as the app holds it: the current state of each escalation and the
//! audit trail of the one being looked at, over the data folder's SQLite store; and the notes
//! on the numbers (SPEC §7), added and removed through the same store and thread.
//!
//! SQLite never runs on the UI thread. The store lives on a worker thread of its own; the UI
//! sends it a job (read a history, record an action) and draws what it knows until the answer
//! comes back, which [`EscalationDesk::poll`] takes at the start of a frame. A workflow action is
//! one small synced transaction (see `escalations::store`): it is on disk before the app says it
//! is done, and while it waits (another program holding the file, a slow disk) the window keeps
//! drawing and says "Saving…" instead of freezing for the store's busy timeout.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

use crate::escalations::store::Note;
use crate::escalations::{AuditEntry, EscalationState, Status, Store, WorkflowAction, store};
use crate::metrics::Metric;
use crate::model::Month;

/// What the worker is asked to do.
enum Job {
    History(String),
    Apply {
        escalation_id: String,
        action: WorkflowAction,
        actor: Option<String>,
    },
    AddNote {
        metric: Metric,
        month: Month,
        department: Option<String>,
        text: String,
        actor: Option<String>,
    },
    RemoveNote {
        id: i64,
        actor: Option<String>,
    },
}

/// What happened to a job, as [`EscalationDesk::poll`] hands it to the app.
#[derive(Debug)]
pub enum DeskEvent {
    /// An action is on disk.
    Applied {
        action: WorkflowAction,
        state: EscalationState,
    },
    /// An action was not recorded; nothing changed.
    NotSaved {
        escalation_id: String,
        error: String,
    },
    /// An audit trail could not be read.
    HistoryUnreadable {
        escalation_id: String,
        error: String,
    },
    /// A note is on disk.
    NoteAdded(Note),
    /// A note is marked removed on disk.
    NoteRemoved(Note),
    /// A note was not added or removed; nothing changed.
    NoteNotSaved(String),
}

/// The worker's answer to one job.
enum Reply {
    History(String, Result<Vec<AuditEntry>, String>),
    Applied {
        escalation_id: String,
        action: WorkflowAction,
        outcome: Result<(EscalationState, Vec<AuditEntry>), String>,
    },
    Note {
        added: bool,
        outcome: Result<Note, String>,
    },
}

/// Workflow state for one data folder.
#[derive(Debug, Default)]
pub struct EscalationDesk {
    state_file: PathBuf,
    states: HashMap<String, EscalationState>,
    histories: HashMap<String, Vec<AuditEntry>>,
    /// Escalations with an action sent and not yet answered.
    saving: HashSet<String>,
    /// Jobs sent and not yet answered.
    in_flight: usize,
    worker: Option<Worker>,
}

#[derive(Debug)]
struct Worker {
    jobs: Sender<Job>,
    replies: Receiver<Reply>,
}

impl EscalationDesk {
    /// A desk over `data_dir`'s state file; `wake` is called from the worker when an answer is
    /// ready (the app asks for a repaint).
    pub fn new(
        data_dir: &Path,
        states: HashMap<String, EscalationState>,
        wake: impl Fn() + Send + 'static,
    ) -> EscalationDesk {
        let state_file = store::default_path(data_dir);
        let worker = spawn_worker(state_file.clone(), wake);
        EscalationDesk {
            state_file,
            states,
            worker,
            ..EscalationDesk::default()
        }
    }

    pub fn state_file(&self) -> &Path {
        &self.state_file
    }

    /// The state of every escalation anyone has acted on, by id.
    pub fn states(&self) -> &HashMap<String, EscalationState> {
        &self.states
    }

    /// An escalation nobody has acted on is open.
    pub fn status(&self, escalation_id: &str) -> Status {
        self.states
            .get(escalation_id)
            .map_or(Status::Open, |state| state.status)
    }

    pub fn owner(&self, escalation_id: &str) -> Option<&str> {
        self.states
            .get(escalation_id)
            .and_then(|state| state.owner.as_deref())
    }

    /// The audit trail read so far for `escalation_id` (see [`Self::load_history`]).
    pub fn history(&self, escalation_id: &str) -> &[AuditEntry] {
        self.histories.get(escalation_id).map_or(&[], Vec::as_slice)
    }

    /// Whether an action on `escalation_id` has been sent and is not on disk yet.
    pub fn is_saving(&self, escalation_id: &str) -> bool {
        self.saving.contains(escalation_id)
    }

    /// Whether every job sent has been answered (the tests wait for this).
    pub fn is_idle(&self) -> bool {
        self.in_flight == 0
    }

    /// Asks for the audit trail of one escalation (when it is selected); it shows once read.
    pub fn load_history(&mut self, escalation_id: &str) -> Result<(), String> {
        self.send(Job::History(escalation_id.to_string()))
    }

    /// Sends an action to be recorded; [`Self::poll`] says when it is on disk, or why not.
    /// One action at a time per escalation: a second click while saving is refused.
    pub fn apply(&mut self, escalation_id: &str, action: &WorkflowAction) -> Result<(), String> {
        if self.is_saving(escalation_id) {
            return Err(format!(
                "the previous change to {escalation_id} is still being saved"
            ));
        }
        self.send(Job::Apply {
            escalation_id: escalation_id.to_string(),
            action: action.clone(),
            actor: actor(),
        })?;
        self.saving.insert(escalation_id.to_string());
        Ok(())
    }

    /// Sends a note to be added to `metric` × `month` × `department` (`None`: the company);
    /// [`Self::poll`] says when it is on disk.
    pub fn add_note(
        &mut self,
        metric: Metric,
        month: Month,
        department: Option<String>,
        text: String,
    ) -> Result<(), String> {
        self.send(Job::AddNote {
            metric,
            month,
            department,
            text,
            actor: actor(),
        })
    }

    /// Sends the removal of note `id` (it stays in the file and its audit, marked removed).
    pub fn remove_note(&mut self, id: i64) -> Result<(), String> {
        self.send(Job::RemoveNote { id, actor: actor() })
    }

    /// Takes the answers that came back since the last frame.
    pub fn poll(&mut self) -> Vec<DeskEvent> {
        let mut events = Vec::new();
        let Some(worker) = &self.worker else {
            return events;
        };
        let replies: Vec<Reply> = worker.replies.try_iter().collect();
        for reply in replies {
            self.in_flight = self.in_flight.saturating_sub(1);
            match reply {
                Reply::History(escalation_id, Ok(entries)) => {
                    self.histories.insert(escalation_id, entries);
                }
                Reply::History(escalation_id, Err(error)) => {
                    self.histories.insert(escalation_id.clone(), Vec::new());
                    events.push(DeskEvent::HistoryUnreadable {
                        escalation_id,
                        error,
                    });
                }
                Reply::Applied {
                    escalation_id,
                    action,
                    outcome,
                } => {
                    self.saving.remove(&escalation_id);
                    match outcome {
                        Ok((state, entries)) => {
                            self.states.insert(escalation_id.clone(), state.clone());
                            self.histories.insert(escalation_id, entries);
                            events.push(DeskEvent::Applied { action, state });
                        }
                        Err(error) => events.push(DeskEvent::NotSaved {
                            escalation_id,
                            error,
                        }),
                    }
                }
                Reply::Note { added, outcome } => events.push(match outcome {
                    Ok(note) if added => DeskEvent::NoteAdded(note),
                    Ok(note) => DeskEvent::NoteRemoved(note),
                    Err(error) => DeskEvent::NoteNotSaved(error),
                }),
            }
        }
        events
    }

    fn send(&mut self, job: Job) -> Result<(), String> {
        let sent = self
            .worker
            .as_ref()
            .is_some_and(|worker| worker.jobs.send(job).is_ok());
        if !sent {
            return Err("the escalation state cannot be reached (its worker stopped)".to_string());
        }
        self.in_flight += 1;
        Ok(())
    }
}

/// The store's thread: opens the file read-only until the first action (reading needs no write
/// access), then for writing; ends when the desk is dropped.
fn spawn_worker(state_file: PathBuf, wake: impl Fn() + Send + 'static) -> Option<Worker> {
    let (jobs, job_receiver) = mpsc::channel::<Job>();
    let (reply_sender, replies) = mpsc::channel::<Reply>();
    let spawned = std::thread::Builder::new()
        .name("escalation store".to_string())
        .spawn(move || {
            let mut writer: Option<Store> = None;
            for job in job_receiver {
                let reply = match job {
                    Job::History(escalation_id) => {
                        let entries = read_history(writer.as_ref(), &state_file, &escalation_id);
                        Reply::History(escalation_id, entries)
                    }
                    Job::Apply {
                        escalation_id,
                        action,
                        actor,
                    } => {
                        let outcome =
                            record(&mut writer, &state_file, &escalation_id, &action, actor);
                        Reply::Applied {
                            escalation_id,
                            action,
                            outcome,
                        }
                    }
                    Job::AddNote {
                        metric,
                        month,
                        department,
                        text,
                        actor,
                    } => Reply::Note {
                        added: true,
                        outcome: writable(&mut writer, &state_file).and_then(|store| {
                            store
                                .add_note(
                                    metric,
                                    month,
                                    department.as_deref(),
                                    &text,
                                    actor.as_deref(),
                                )
                                .map_err(|error| error.to_string())
                        }),
                    },
                    Job::RemoveNote { id, actor } => Reply::Note {
                        added: false,
                        outcome: writable(&mut writer, &state_file).and_then(|store| {
                            store
                                .remove_note(id, actor.as_deref())
                                .map_err(|error| error.to_string())
                        }),
                    },
                };
                if reply_sender.send(reply).is_err() {
                    break;
                }
                wake();
            }
        });
    spawned.ok().map(|_| Worker { jobs, replies })
}

fn read_history(
    writer: Option<&Store>,
    state_file: &Path,
    escalation_id: &str,
) -> Result<Vec<AuditEntry>, String> {
    let reader = match writer {
        Some(_) => None,
        None => Store::open_read_only(state_file).map_err(|error| error.to_string())?,
    };
    match writer.or(reader.as_ref()) {
        Some(store) => store
            .history(escalation_id)
            .map_err(|error| error.to_string()),
        None => Ok(Vec::new()),
    }
}

fn record(
    writer: &mut Option<Store>,
    state_file: &Path,
    escalation_id: &str,
    action: &WorkflowAction,
    actor: Option<String>,
) -> Result<(EscalationState, Vec<AuditEntry>), String> {
    let store = writable(writer, state_file)?;
    let state = store
        .apply(escalation_id, action, actor.as_deref())
        .map_err(|error| error.to_string())?;
    let entries = store.history(escalation_id).unwrap_or_default();
    Ok((state, entries))
}

/// The store opened for writing, opened (and created) on the first change.
fn writable<'w>(writer: &'w mut Option<Store>, state_file: &Path) -> Result<&'w mut Store, String> {
    match writer {
        Some(store) => Ok(store),
        None => Ok(writer.insert(Store::open(state_file).map_err(|error| error.to_string())?)),
    }
}

/// Who the change is recorded as: the login name.
fn actor() -> Option<String> {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
}
