//! The escalation workflow (SPEC §4) kept in an embedded SQLite database: each escalation's
//! status and owner, and an append-only, timestamped audit trail of every action.
//!
//! Durability: the database runs in WAL mode with `synchronous = FULL`, so a command that
//! returned has its transaction synced to disk; it survives `kill -9`, and a power cut too (with
//! `NORMAL`, WAL survives a killed process but may lose the last commits on a power cut —
//! commands here are a few per day, so the extra sync costs nothing anyone notices). Every
//! command is one `BEGIN IMMEDIATE` transaction: the state check, the state change and the audit
//! entry commit together or not at all, and two processes never interleave (a busy timeout lets
//! the second wait). The schema is versioned with `PRAGMA user_version`; [`MIGRATIONS`] brings
//! an older file up to date, and a newer file is refused rather than misread.
//!
//! Whose file it is: the database is stamped with [`APPLICATION_ID`] (`PRAGMA application_id`)
//! when it is created, or when a file of this app's own tables from before the stamp is first
//! written to. A file with another program's id, or with tables that are not this app's, is
//! refused and never changed: no WAL switch, no migration, no tables added.
//!
//! Reading commands (`report`, `escalations list`/`history`, the app's view of the states) open
//! the file read-only ([`Store::open_read_only`]): no write access is needed, and nothing is
//! switched or migrated. Every open runs `PRAGMA quick_check`; a file that fails it is refused,
//! after a copy of it has been kept beside it (named in the error) for whoever repairs it.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use thiserror::Error;

mod notes;
pub use notes::Note;

/// The folder inside the data folder that holds the app's own files.
pub const STATE_DIR: &str = ".coo-dashboard";

/// The state database's file name inside [`STATE_DIR`].
pub const STATE_FILE: &str = "state.sqlite";

/// How long a command waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Schema migrations; migration `n` (0-based) takes `user_version` from `n` to `n + 1`.
/// Append only: never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: status per escalation, and the audit trail, which refuses updates and deletes.
    "CREATE TABLE escalation_state (
         escalation_id TEXT PRIMARY KEY NOT NULL,
         status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
         owner TEXT,
         updated_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE audit (
         entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
         escalation_id TEXT NOT NULL,
         at TEXT NOT NULL,
         action TEXT NOT NULL CHECK (action IN ('acknowledged', 'assigned', 'commented', 'resolved', 'reopened')),
         owner TEXT,
         text TEXT,
         actor TEXT
     ) STRICT;
     CREATE INDEX audit_by_escalation ON audit (escalation_id, entry_id);
     CREATE TRIGGER audit_refuses_updates BEFORE UPDATE ON audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
     CREATE TRIGGER audit_refuses_deletes BEFORE DELETE ON audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    // 2: notes on a metric × month × department (SPEC §7), and their own append-only audit.
    // A removed note keeps its row (removed_at set): what was written is never lost.
    "CREATE TABLE note (
         note_id INTEGER PRIMARY KEY AUTOINCREMENT,
         metric TEXT NOT NULL,
         month TEXT NOT NULL,
         department TEXT,
         text TEXT NOT NULL,
         author TEXT,
         at TEXT NOT NULL,
         removed_at TEXT,
         removed_by TEXT
     ) STRICT;
     CREATE INDEX note_by_value ON note (metric, month, department);
     CREATE TABLE note_audit (
         entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
         note_id INTEGER NOT NULL,
         at TEXT NOT NULL,
         action TEXT NOT NULL CHECK (action IN ('added', 'removed')),
         text TEXT,
         actor TEXT
     ) STRICT;
     CREATE TRIGGER note_audit_refuses_updates BEFORE UPDATE ON note_audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
     CREATE TRIGGER note_audit_refuses_deletes BEFORE DELETE ON note_audit
     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
     CREATE TRIGGER note_refuses_deletes BEFORE DELETE ON note
     BEGIN SELECT RAISE(ABORT, 'a note is removed by marking it, never deleted'); END;",
];

/// `PRAGMA application_id` of a COO Dashboard state file: "COOD" in ASCII.
pub const APPLICATION_ID: i32 = 0x434F_4F44;

/// The tables the migrations make; a file with any other is not this app's.
const OWN_TABLES: [&str; 4] = ["escalation_state", "audit", "note", "note_audit"];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The write-ahead log SQLite keeps beside a database in WAL mode while it has changes the file
/// itself does not.
fn wal_beside(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push("-wal");
    PathBuf::from(name)
}

/// A path as the path part of an SQLite `file:` URI: every byte but unreserved ones and `/`
/// percent-encoded (a `?` or `#` in a folder name would otherwise end the path).
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::new();
    for byte in absolute.as_os_str().as_encoded_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(*byte));
            }
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri
}

/// `DATA_DIR/.coo-dashboard/state.sqlite`.
pub fn default_path(data_dir: &Path) -> PathBuf {
    data_dir.join(STATE_DIR).join(STATE_FILE)
}

/// Where an escalation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Acknowledged,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::Acknowledged, Status::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::Resolved => "resolved",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| format!("'{text}' is not a status; use open, acknowledged or resolved"))
    }
}

impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        text.parse()
            .map_err(|message: String| FromSqlError::Other(message.into()))
    }
}

/// One thing a person does to an escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowAction {
    Acknowledge,
    Assign { owner: String },
    Comment { text: String },
    Resolve { note: Option<String> },
    Reopen,
}

impl WorkflowAction {
    /// The past-tense name the audit trail records.
    pub fn audit_name(&self) -> &'static str {
        match self {
            WorkflowAction::Acknowledge => "acknowledged",
            WorkflowAction::Assign { .. } => "assigned",
            WorkflowAction::Comment { .. } => "commented",
            WorkflowAction::Resolve { .. } => "resolved",
            WorkflowAction::Reopen => "reopened",
        }
    }
}

/// An escalation's current workflow state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationState {
    pub escalation_id: String,
    pub status: Status,
    pub owner: Option<String>,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub escalation_id: String,
    /// RFC 3339, UTC, milliseconds.
    pub at: String,
    /// `acknowledged`, `assigned`, `commented`, `resolved` or `reopened`.
    pub action: String,
    /// The owner assigned (for `assigned`).
    pub owner: Option<String>,
    /// The comment (for `commented`) or the resolution note (for `resolved`).
    pub text: Option<String>,
    /// Who did it, as the operating system names the user, when known.
    pub actor: Option<String>,
}

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("could not create the folder {} for the escalation state ({source}); check you may write to the data folder, or give --state FILE", path.display())]
    CreateFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the escalation state file {} could not be used ({source}); check it is a COO Dashboard state file you may write to, or give --state FILE", path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the escalation state file {} was written by a newer COO Dashboard (schema {found}, this one knows up to {SCHEMA_VERSION}); update the app to use it", path.display())]
    NewerSchema { path: PathBuf, found: i64 },
    #[error("{} is not a COO Dashboard state file ({reason}); it was left untouched — give --state FILE for the escalation state", path.display())]
    NotOurs { path: PathBuf, reason: String },
    #[error("the escalation state file {} is damaged (SQLite's check says: {report}); {backup} — restore it from a backup, or move it away to start a new one", path.display())]
    Corrupt {
        path: PathBuf,
        report: String,
        /// What happened to the copy kept for repair, as a clause.
        backup: String,
    },
    /// A note that cannot be added or removed as asked.
    #[error("{0}")]
    NoteRefused(String),
    /// The action does not fit the escalation's status, or lacks its text.
    #[error("{escalation_id} {reason}")]
    Refused {
        escalation_id: String,
        reason: String,
    },
}

/// The open state database.
#[derive(Debug)]
pub struct Store {
    pub(super) connection: Connection,
    pub(super) path: PathBuf,
}

/// One audit row, selected as `escalation_id, at, action, owner, text, actor`.
fn audit_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        escalation_id: row.get(0)?,
        at: row.get(1)?,
        action: row.get(2)?,
        owner: row.get(3)?,
        text: row.get(4)?,
        actor: row.get(5)?,
    })
}

pub(super) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Store {
    /// Opens the database at `path` for writing, creating it (and its folder) if needed, and
    /// brings its schema up to date. A file that is not this app's, or is damaged, is refused.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(folder) = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|source| StoreError::CreateFolder {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        let connection = Connection::open(path).map_err(|source| StoreError::Database {
            path: path.to_path_buf(),
            source,
        })?;
        let mut store = Store {
            connection,
            path: path.to_path_buf(),
        };
        store.check_sound()?;
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens the database at `path` if it exists; `None` when nothing was ever recorded.
    pub fn open_existing(path: &Path) -> Result<Option<Store>, StoreError> {
        if path.exists() {
            Store::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Opens the database at `path` read-only, for reading the states and the audit trail;
    /// `None` when the file does not exist (nothing was ever recorded) or holds no schema yet.
    /// Needs no write access and changes nothing.
    pub fn open_read_only(path: &Path) -> Result<Option<Store>, StoreError> {
        if !path.exists() {
            return Ok(None);
        }
        let store = match Store::read_only(path, false) {
            // A WAL file read by someone who may not write beside it (a read-only data folder):
            // SQLite needs to create its `-shm` index. With no `-wal` file beside it, everything
            // is in the file itself, so it is opened as immutable, which needs nothing written.
            Err(StoreError::Database { .. }) if !wal_beside(path).exists() => {
                Store::read_only(path, true)?
            }
            other => other?,
        };
        match store.schema_version()? {
            0 => Ok(None),
            SCHEMA_VERSION => Ok(Some(store)),
            found if found > SCHEMA_VERSION => Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
            }),
            // An older schema than this build's: read as it is (a file without notes yet has
            // none to show; see `Store::notes`).
            _ => Ok(Some(store)),
        }
    }

    /// A copy (named `prefix…` beside the file) with the same bytes as the file now.
    fn earlier_copy(&self, prefix: &str) -> Option<PathBuf> {
        let folder = self.path.parent()?;
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let bytes = std::fs::read(&self.path).ok()?;
        std::fs::read_dir(folder)
            .ok()?
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
            .map(|entry| entry.path())
            .find(|copy| std::fs::read(copy).is_ok_and(|copied| copied == bytes))
    }

    /// Opens `path` read-only (as immutable when `immutable`) and checks it is sound.
    fn read_only(path: &Path, immutable: bool) -> Result<Store, StoreError> {
        let database_error = |source| StoreError::Database {
            path: path.to_path_buf(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = if immutable {
            Connection::open_with_flags(
                format!("file:{}?immutable=1", uri_path(path)),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(database_error)?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(database_error)?;
        let store = Store {
            connection,
            path: path.to_path_buf(),
        };
        store.check_sound()?;
        Ok(store)
    }

    /// Refuses a file that is another program's or that SQLite finds damaged.
    fn check_sound(&self) -> Result<(), StoreError> {
        let not_ours = |reason: String| StoreError::NotOurs {
            path: self.path.clone(),
            reason,
        };
        let id: i32 = self
            .connection
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(|source| self.database_error(source))?;
        if id != 0 && id != APPLICATION_ID {
            return Err(not_ours(format!(
                "its application id is {id:#010x}, another program's"
            )));
        }
        let mut statement = self
            .connection
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .map_err(|source| self.database_error(source))?;
        let tables: Vec<String> = statement
            .query_map([], |row| row.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|source| self.database_error(source))?;
        let foreign: Vec<&str> = tables
            .iter()
            .map(String::as_str)
            .filter(|name| !OWN_TABLES.contains(name))
            .collect();
        if !foreign.is_empty() {
            return Err(not_ours(format!(
                "it has tables this app never makes: {}",
                crate::text::cut(&foreign.join(", "), 120)
            )));
        }
        let report: String = self
            .connection
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(|source| self.database_error(source))?;
        if report != "ok" {
            return Err(StoreError::Corrupt {
                path: self.path.clone(),
                report: crate::text::cut(&report, 120),
                backup: self.keep_copy(),
            });
        }
        Ok(())
    }

    /// Copies the damaged file beside itself, never over an earlier copy (a copy of these very
    /// bytes kept before is named instead); says where, or why not.
    fn keep_copy(&self) -> String {
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
        let name = self.path.file_name().map_or_else(
            || STATE_FILE.to_string(),
            |name| name.to_string_lossy().to_string(),
        );
        if let Some(copy) = self.earlier_copy(&format!("{name}.damaged-")) {
            return format!("a copy of it was kept as {}", copy.display());
        }
        for attempt in 1..100 {
            let copy = self.path.with_file_name(if attempt == 1 {
                format!("{name}.damaged-{stamp}")
            } else {
                format!("{name}.damaged-{stamp}-{attempt}")
            });
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&copy);
            match created {
                Ok(mut target) => {
                    let copied = std::fs::File::open(&self.path)
                        .and_then(|mut source| std::io::copy(&mut source, &mut target))
                        .and_then(|_| target.sync_all());
                    return match copied {
                        Ok(()) => format!("a copy of it was kept as {}", copy.display()),
                        Err(error) => {
                            let _ = std::fs::remove_file(&copy);
                            format!("no copy of it could be kept ({error})")
                        }
                    };
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return format!("no copy of it could be kept beside it ({error})"),
            }
        }
        "no copy of it could be kept (99 copies are there already)".to_string()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn database_error(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            source,
        }
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        let connection = &self.connection;
        let result = connection
            .busy_timeout(BUSY_TIMEOUT)
            .and_then(|()| {
                connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| {
                    row.get::<_, String>(0)
                })
            })
            .and_then(|_mode| connection.pragma_update(None, "synchronous", "FULL"));
        result.map_err(|source| self.database_error(source))
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|source| self.database_error(source))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        if self.schema_version()? == SCHEMA_VERSION {
            // A file of this app's from before the stamp gets it now.
            let id: i32 = self
                .connection
                .pragma_query_value(None, "application_id", |row| row.get(0))
                .map_err(|source| self.database_error(source))?;
            if id == 0 {
                self.connection
                    .pragma_update(None, "application_id", APPLICATION_ID)
                    .map_err(|source| self.database_error(source))?;
            }
            return Ok(());
        }
        let path = self.path.clone();
        let database_error = |source| StoreError::Database {
            path: path.clone(),
            source,
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(database_error)?;
        // Read again inside the write lock: another process may have migrated meanwhile.
        let found: i64 = transaction
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(database_error)?;
        if !(0..=SCHEMA_VERSION).contains(&found) {
            return Err(StoreError::NewerSchema {
                path: path.clone(),
                found,
            });
        }
        for migration in MIGRATIONS.iter().skip(found as usize) {
            transaction
                .execute_batch(migration)
                .map_err(database_error)?;
        }
        transaction
            .pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(database_error)?;
        transaction
            .pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(database_error)?;
        transaction.commit().map_err(database_error)
    }

    /// Applies `action` to the escalation in one transaction: checks it fits the current status,
    /// updates the state and appends the audit entry. Returns the new state.
    pub fn apply(
        &mut self,
        escalation_id: &str,
        action: &WorkflowAction,
        actor: Option<&str>,
    ) -> Result<EscalationState, StoreError> {
        let refuse = |reason: &str| StoreError::Refused {
            escalation_id: escalation_id.to_string(),
            reason: reason.to_string(),
        };
        let blank = |text: &str| text.trim().is_empty();
        match action {
            WorkflowAction::Assign { owner } if blank(owner) => {
                return Err(refuse("cannot be assigned to a blank owner; give a name"));
            }
            WorkflowAction::Comment { text } if blank(text) => {
                return Err(refuse("was not commented: the comment is blank"));
            }
            _ => {}
        }
        let path = self.path.clone();
        let database_error = |source| StoreError::Database {
            path: path.clone(),
            source,
        };
        let at = now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(database_error)?;
        let current: Option<(Status, Option<String>)> = transaction
            .query_row(
                "SELECT status, owner FROM escalation_state WHERE escalation_id = ?1",
                [escalation_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(database_error)?;
        let (status, owner) = current.unwrap_or((Status::Open, None));
        let (new_status, new_owner, audit_owner, text) = match action {
            WorkflowAction::Acknowledge => match status {
                Status::Open => (Status::Acknowledged, owner, None, None),
                Status::Acknowledged => return Err(refuse("is already acknowledged")),
                Status::Resolved => {
                    return Err(refuse(
                        "is resolved; reopen it first if the problem is back",
                    ));
                }
            },
            WorkflowAction::Assign { owner: assignee } => {
                if status == Status::Resolved {
                    return Err(refuse("is resolved; reopen it before assigning it"));
                }
                let assignee = assignee.trim().to_string();
                (status, Some(assignee.clone()), Some(assignee), None)
            }
            WorkflowAction::Comment { text } => (status, owner, None, Some(text.clone())),
            WorkflowAction::Resolve { note } => {
                if status == Status::Resolved {
                    return Err(refuse("is already resolved"));
                }
                (
                    Status::Resolved,
                    owner,
                    None,
                    note.clone().filter(|note| !blank(note)),
                )
            }
            WorkflowAction::Reopen => {
                if status != Status::Resolved {
                    return Err(refuse(&format!(
                        "is {status}, not resolved; only a resolved escalation can be reopened"
                    )));
                }
                (Status::Open, owner, None, None)
            }
        };
        transaction
            .execute(
                "INSERT INTO escalation_state (escalation_id, status, owner, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (escalation_id) DO UPDATE SET status = excluded.status, owner = excluded.owner, updated_at = excluded.updated_at",
                params![escalation_id, new_status.as_str(), new_owner, at],
            )
            .map_err(database_error)?;
        transaction
            .execute(
                "INSERT INTO audit (escalation_id, at, action, owner, text, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![escalation_id, at, action.audit_name(), audit_owner, text, actor],
            )
            .map_err(database_error)?;
        transaction.commit().map_err(database_error)?;
        Ok(EscalationState {
            escalation_id: escalation_id.to_string(),
            status: new_status,
            owner: new_owner,
            updated_at: at,
        })
    }

    /// The state of every escalation anyone has acted on, by id. Others are open.
    pub fn states(&self) -> Result<HashMap<String, EscalationState>, StoreError> {
        let read = || -> rusqlite::Result<HashMap<String, EscalationState>> {
            let mut statement = self
                .connection
                .prepare("SELECT escalation_id, status, owner, updated_at FROM escalation_state")?;
            let rows = statement.query_map([], |row| {
                Ok(EscalationState {
                    escalation_id: row.get(0)?,
                    status: row.get(1)?,
                    owner: row.get(2)?,
                    updated_at: row.get(3)?,
                })
            })?;
            rows.map(|state| state.map(|state| (state.escalation_id.clone(), state)))
                .collect()
        };
        read().map_err(|source| self.database_error(source))
    }

    /// The audit trail of one escalation, oldest first.
    pub fn history(&self, escalation_id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let read = || -> rusqlite::Result<Vec<AuditEntry>> {
            let mut statement = self
                .connection
                .prepare("SELECT escalation_id, at, action, owner, text, actor FROM audit WHERE escalation_id = ?1 ORDER BY entry_id")?;
            let rows = statement.query_map([escalation_id], audit_entry)?;
            rows.collect()
        };
        read().map_err(|source| self.database_error(source))
    }

    /// The latest comment on each escalation that has one, by escalation id (the board pack
    /// shows it beside the escalation).
    pub fn latest_comments(&self) -> Result<HashMap<String, AuditEntry>, StoreError> {
        let read = || -> rusqlite::Result<HashMap<String, AuditEntry>> {
            let mut statement = self.connection.prepare(
                "SELECT escalation_id, at, action, owner, text, actor FROM audit
                 WHERE entry_id IN (SELECT MAX(entry_id) FROM audit WHERE action = 'commented' GROUP BY escalation_id)",
            )?;
            let rows = statement.query_map([], audit_entry)?;
            rows.map(|entry| entry.map(|entry| (entry.escalation_id.clone(), entry)))
                .collect()
        };
        read().map_err(|source| self.database_error(source))
    }

    /// SQLite's own consistency check: `"ok"` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.connection
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(|source| self.database_error(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_store() -> (tempfile::TempDir, Store) {
        let folder = tempfile::tempdir().unwrap();
        let store = Store::open(&default_path(folder.path())).unwrap();
        (folder, store)
    }

    #[test]
    fn a_fresh_file_is_created_in_wal_mode_at_the_current_schema() {
        let (folder, store) = temporary_store();
        assert!(folder.path().join(".coo-dashboard/state.sqlite").is_file());
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = store
            .connection
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        // synchronous: 2 = FULL.
        let synchronous: i64 = store
            .connection
            .pragma_query_value(None, "synchronous", |row| row.get(0))
            .unwrap();
        assert_eq!(synchronous, 2);
    }

    #[test]
    fn the_status_follows_the_workflow_and_refuses_what_does_not_fit() {
        let (_folder, mut store) = temporary_store();
        let id = "nps:company:2026-10:threshold";
        assert_eq!(
            store
                .apply(id, &WorkflowAction::Acknowledge, None)
                .unwrap()
                .status,
            Status::Acknowledged
        );
        assert!(matches!(
            store.apply(id, &WorkflowAction::Acknowledge, None),
            Err(StoreError::Refused { .. })
        ));
        assert!(matches!(
            store.apply(id, &WorkflowAction::Reopen, None),
            Err(StoreError::Refused { .. })
        ));
        let assigned = store
            .apply(
                id,
                &WorkflowAction::Assign {
                    owner: " Dana ".into(),
                },
                None,
            )
            .unwrap();
        assert_eq!(
            (assigned.status, assigned.owner.as_deref()),
            (Status::Acknowledged, Some("Dana"))
        );
        let resolved = store
            .apply(
                id,
                &WorkflowAction::Resolve {
                    note: Some("fixed".into()),
                },
                None,
            )
            .unwrap();
        assert_eq!(
            (resolved.status, resolved.owner.as_deref()),
            (Status::Resolved, Some("Dana"))
        );
        assert!(matches!(
            store.apply(
                id,
                &WorkflowAction::Assign {
                    owner: "Eve".into()
                },
                None
            ),
            Err(StoreError::Refused { .. })
        ));
        assert!(matches!(
            store.apply(id, &WorkflowAction::Comment { text: "  ".into() }, None),
            Err(StoreError::Refused { .. })
        ));
        assert_eq!(
            store
                .apply(id, &WorkflowAction::Reopen, None)
                .unwrap()
                .status,
            Status::Open
        );
        let actions: Vec<String> = store
            .history(id)
            .unwrap()
            .into_iter()
            .map(|entry| entry.action)
            .collect();
        assert_eq!(
            actions,
            ["acknowledged", "assigned", "resolved", "reopened"]
        );
    }

    #[test]
    fn the_audit_trail_refuses_updates_and_deletes() {
        let (_folder, mut store) = temporary_store();
        store
            .apply(
                "x",
                &WorkflowAction::Comment {
                    text: "first".into(),
                },
                Some("dana"),
            )
            .unwrap();
        assert!(
            store
                .connection
                .execute("UPDATE audit SET text = 'changed'", [])
                .is_err()
        );
        assert!(store.connection.execute("DELETE FROM audit", []).is_err());
        assert_eq!(
            store.history("x").unwrap()[0].text.as_deref(),
            Some("first")
        );
    }

    #[test]
    fn a_file_from_a_newer_version_is_refused_not_misread() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("state.sqlite");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(
            matches!(Store::open(&path), Err(StoreError::NewerSchema { found, .. }) if found == SCHEMA_VERSION + 1)
        );
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_clear_error() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("state.sqlite");
        std::fs::write(
            &path,
            "this is not a database, just text long enough to have a header of sorts",
        )
        .unwrap();
        let error = Store::open(&path).unwrap_err();
        assert!(error.to_string().contains("could not be used"), "{error}");
    }

    #[test]
    fn latest_comments_keep_only_the_newest_comment_of_each_escalation() {
        let (_folder, mut store) = temporary_store();
        let comment = |text: &str| WorkflowAction::Comment {
            text: text.to_string(),
        };
        store
            .apply("nps:company:2026-10:threshold", &comment("first"), None)
            .unwrap();
        store
            .apply("nps:company:2026-10:threshold", &comment("second"), None)
            .unwrap();
        store
            .apply(
                "nps:company:2026-10:threshold",
                &WorkflowAction::Acknowledge,
                None,
            )
            .unwrap();
        store
            .apply(
                "churn_rate:company:2026-09:threshold",
                &WorkflowAction::Acknowledge,
                None,
            )
            .unwrap();
        let latest = store.latest_comments().unwrap();
        assert_eq!(latest.len(), 1, "{latest:?}");
        assert_eq!(
            latest["nps:company:2026-10:threshold"].text.as_deref(),
            Some("second")
        );
    }
}
