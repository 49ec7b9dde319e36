//! Notes on the numbers (SPEC §7): a text attached to a metric × month × department (or the
//! company), with author and time, kept in the state database beside the escalations and as
//! durable: one `BEGIN IMMEDIATE` transaction per change, synced before the command returns.
//! A note is never deleted: removing one marks it removed, and every addition and removal is
//! in the append-only `note_audit` trail.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Store, StoreError, now};
use crate::metrics::Metric;
use crate::model::Month;

/// A note that stands (not removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: i64,
    pub metric: String,
    pub month: String,
    /// `None` for the company.
    pub department: Option<String>,
    pub text: String,
    pub author: Option<String>,
    pub at: String,
}

impl Note {
    /// "EBITDA margin · 2026-08 · Consulting".
    pub fn subject(&self) -> String {
        let label = match Metric::from_name(&self.metric) {
            Some(metric) => metric.label(),
            None => self.metric.as_str(),
        };
        format!(
            "{label} · {} · {}",
            self.month,
            self.department.as_deref().unwrap_or("company")
        )
    }

    /// Whether the note is on this value (the department matched as departments are: case and
    /// spacing aside).
    pub fn is_on(&self, metric: Metric, month: Month, department: Option<&str>) -> bool {
        let key = |name: &str| {
            name.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        self.metric == metric.name()
            && self.month == month.to_string()
            && self.department.as_deref().map(key) == department.map(key)
    }
}

/// A database error naming `path`, for use while a transaction borrows the connection.
fn error_at(path: &std::path::Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Database {
        path: path.to_path_buf(),
        source,
    }
}

/// The first schema version with notes.
const NOTES_FROM: i64 = 2;

fn note(row: &rusqlite::Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note {
        id: row.get(0)?,
        metric: row.get(1)?,
        month: row.get(2)?,
        department: row.get(3)?,
        text: row.get(4)?,
        author: row.get(5)?,
        at: row.get(6)?,
    })
}

const NOTE_COLUMNS: &str = "note_id, metric, month, department, text, author, at";

impl Store {
    /// Adds a note to a metric × month × department (`None`: the company). A blank text is
    /// refused.
    pub fn add_note(
        &mut self,
        metric: Metric,
        month: Month,
        department: Option<&str>,
        text: &str,
        author: Option<&str>,
    ) -> Result<Note, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::NoteRefused(
                "the note was not added: its text is blank".to_string(),
            ));
        }
        let department =
            department.map(|name| name.split_whitespace().collect::<Vec<_>>().join(" "));
        let at = now();
        let path = self.path.clone();
        let database_error = error_at(&path);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&database_error)?;
        transaction
            .execute(
                "INSERT INTO note (metric, month, department, text, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![metric.name(), month.to_string(), department, text, author, at],
            )
            .map_err(&database_error)?;
        let id = transaction.last_insert_rowid();
        transaction
            .execute(
                "INSERT INTO note_audit (note_id, at, action, text, actor) VALUES (?1, ?2, 'added', ?3, ?4)",
                params![id, at, text, author],
            )
            .map_err(&database_error)?;
        transaction.commit().map_err(&database_error)?;
        Ok(Note {
            id,
            metric: metric.name().to_string(),
            month: month.to_string(),
            department,
            text: text.to_string(),
            author: author.map(str::to_string),
            at,
        })
    }

    /// Marks a note removed (its row and text stay, with who removed it and when). A note that
    /// does not exist or is already removed is refused.
    pub fn remove_note(&mut self, id: i64, actor: Option<&str>) -> Result<Note, StoreError> {
        let at = now();
        let path = self.path.clone();
        let database_error = error_at(&path);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&database_error)?;
        let found: Option<(Note, Option<String>)> = transaction
            .query_row(
                &format!("SELECT {NOTE_COLUMNS}, removed_at FROM note WHERE note_id = ?1"),
                [id],
                |row| Ok((note(row)?, row.get(7)?)),
            )
            .optional()
            .map_err(&database_error)?;
        let note = match found {
            None => {
                return Err(StoreError::NoteRefused(format!(
                    "there is no note {id}; `notes DATA_DIR list` shows each note's number"
                )));
            }
            Some((_, Some(removed_at))) => {
                return Err(StoreError::NoteRefused(format!(
                    "note {id} was already removed at {removed_at}"
                )));
            }
            Some((note, None)) => note,
        };
        transaction
            .execute(
                "UPDATE note SET removed_at = ?2, removed_by = ?3 WHERE note_id = ?1",
                params![id, at, actor],
            )
            .map_err(&database_error)?;
        transaction
            .execute(
                "INSERT INTO note_audit (note_id, at, action, text, actor) VALUES (?1, ?2, 'removed', NULL, ?3)",
                params![id, at, actor],
            )
            .map_err(&database_error)?;
        transaction.commit().map_err(&database_error)?;
        Ok(note)
    }

    /// Every note that stands, by metric, month and department, oldest first within one value.
    /// A state file from before notes existed has none.
    pub fn notes(&self) -> Result<Vec<Note>, StoreError> {
        if self.schema_version()? < NOTES_FROM {
            return Ok(Vec::new());
        }
        let read = || -> rusqlite::Result<Vec<Note>> {
            let mut statement = self.connection.prepare(&format!(
                "SELECT {NOTE_COLUMNS} FROM note WHERE removed_at IS NULL
                 ORDER BY metric, month, department IS NOT NULL, department, note_id"
            ))?;
            let rows = statement.query_map([], note)?;
            rows.collect()
        };
        read().map_err(|source| self.database_error(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_note_stays_in_the_file_and_its_audit() {
        let folder = tempfile::tempdir().unwrap();
        let mut store = Store::open(&folder.path().join("state.sqlite")).unwrap();
        let month: Month = "2026-08".parse().unwrap();
        let first = store
            .add_note(
                Metric::EbitdaMargin,
                month,
                Some(" Consulting "),
                "two write-downs",
                Some("ana"),
            )
            .unwrap();
        store
            .add_note(Metric::Nps, month, None, "survey sent late", None)
            .unwrap();
        assert_eq!(first.department.as_deref(), Some("Consulting"));
        assert!(matches!(
            store.add_note(Metric::Nps, month, None, "  ", None),
            Err(StoreError::NoteRefused(_))
        ));
        assert_eq!(store.notes().unwrap().len(), 2);
        store.remove_note(first.id, Some("ben")).unwrap();
        assert!(matches!(
            store.remove_note(first.id, None),
            Err(StoreError::NoteRefused(reason)) if reason.contains("already removed")
        ));
        let standing = store.notes().unwrap();
        assert_eq!(standing.len(), 1);
        assert_eq!(standing[0].text, "survey sent late");
        assert!(standing[0].is_on(Metric::Nps, month, None));
        assert!(!standing[0].is_on(Metric::Nps, month, Some("Consulting")));
        // The removed note's text is still there, and the trail refuses to be rewritten.
        let text: String = store
            .connection
            .query_row(
                "SELECT text FROM note WHERE note_id = ?1",
                [first.id],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(text, "two write-downs");
        let actions: Vec<String> = store
            .connection
            .prepare("SELECT action FROM note_audit ORDER BY entry_id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(actions, ["added", "added", "removed"]);
        assert!(
            store
                .connection
                .execute("DELETE FROM note_audit", [])
                .is_err()
        );
        assert!(store.connection.execute("DELETE FROM note", []).is_err());
    }
}
