//! The escalation workflow as the app holds it: the current state of each escalation and the
//! audit trail of the one being looked at, over the data folder's SQLite store.
//!
//! A workflow action is one small synced transaction (see `escalations::store`), run when the
//! command is applied after the frame: it must be on disk before the app says it is done, and
//! it takes a few milliseconds, a few times a day.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::escalations::{AuditEntry, EscalationState, Status, Store, WorkflowAction, store};

/// Workflow state for one data folder.
#[derive(Debug, Default)]
pub struct EscalationDesk {
    state_file: PathBuf,
    store: Option<Store>,
    states: HashMap<String, EscalationState>,
    histories: HashMap<String, Vec<AuditEntry>>,
}

impl EscalationDesk {
    pub fn new(data_dir: &Path, states: HashMap<String, EscalationState>) -> EscalationDesk {
        EscalationDesk {
            state_file: store::default_path(data_dir),
            store: None,
            states,
            histories: HashMap::new(),
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

    /// Reads the audit trail of one escalation (when it is selected).
    pub fn load_history(&mut self, escalation_id: &str) -> Result<(), String> {
        // Reading needs no write access: until the first action, the file is opened read-only.
        let reader = match &self.store {
            Some(_) => None,
            None => Store::open_read_only(&self.state_file).map_err(|error| error.to_string())?,
        };
        let Some(store) = self.store.as_ref().or(reader.as_ref()) else {
            self.histories.insert(escalation_id.to_string(), Vec::new());
            return Ok(());
        };
        let entries = store
            .history(escalation_id)
            .map_err(|error| error.to_string())?;
        self.histories.insert(escalation_id.to_string(), entries);
        Ok(())
    }

    /// Records an action; the state and the audit trail are on disk when this returns `Ok`.
    pub fn apply(
        &mut self,
        escalation_id: &str,
        action: &WorkflowAction,
    ) -> Result<EscalationState, String> {
        if self.store.is_none() {
            self.store = Some(Store::open(&self.state_file).map_err(|error| error.to_string())?);
        }
        let Some(store) = self.store.as_mut() else {
            return Err("the escalation state could not be opened".to_string());
        };
        let actor = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .ok();
        let state = store
            .apply(escalation_id, action, actor.as_deref())
            .map_err(|error| error.to_string())?;
        self.states.insert(escalation_id.to_string(), state.clone());
        if let Ok(entries) = store.history(escalation_id) {
            self.histories.insert(escalation_id.to_string(), entries);
        }
        Ok(state)
    }
}
