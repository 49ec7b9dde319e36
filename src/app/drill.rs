//! The breakdown behind the value the metric detail shows (SPEC §7): its arithmetic, its
//! departments and the file lines it came from, worked out by [`crate::explain::explain`] on a
//! thread of its own. A company NPS month of a large folder lists tens of thousands of answers;
//! the window keeps drawing ("Working out the rows…") until the answer is in, and the rows are
//! drawn a screenful at a time from there.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};

use crate::explain::{Breakdown, explain};
use crate::metrics::Metric;
use crate::model::{DepartmentId, Month};

use super::prepared::Prepared;

/// The value a breakdown is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrillKey {
    pub metric: Metric,
    pub month: Month,
    pub department: Option<DepartmentId>,
}

/// A breakdown worked out, with what the view would otherwise count every frame.
#[derive(Debug)]
pub struct Explained {
    pub breakdown: Breakdown,
    /// The files the source rows come from.
    pub files: usize,
}

impl Explained {
    fn new(breakdown: Breakdown) -> Explained {
        let mut files: Vec<&str> = breakdown
            .tables
            .iter()
            .flat_map(|table| table.rows.iter().map(|row| row.file.as_str()))
            .collect();
        files.sort_unstable();
        files.dedup();
        let files = files.len();
        Explained { breakdown, files }
    }
}

/// The breakdown being worked out or shown.
#[derive(Debug, Default)]
pub struct Drill {
    key: Option<DrillKey>,
    pending: Option<Receiver<Explained>>,
    done: Option<Arc<Explained>>,
}

impl Drill {
    /// Asks for the breakdown of `key` over `prepared` unless it is the one asked for last;
    /// `wake` is called from the thread when it is ready (the app asks for a repaint).
    pub fn want(&mut self, prepared: &Prepared, key: DrillKey, wake: impl Fn() + Send + 'static) {
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        self.done = None;
        let dataset = Arc::clone(&prepared.dataset);
        let metrics = Arc::clone(&prepared.metrics);
        let as_of = prepared.as_of;
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("breakdown".to_string())
            .spawn(move || {
                let breakdown = explain(
                    &dataset,
                    &metrics,
                    as_of,
                    key.metric,
                    key.month,
                    key.department,
                );
                // The app may have asked for another value meanwhile; then nobody listens.
                if sender.send(Explained::new(breakdown)).is_ok() {
                    wake();
                }
            });
        self.pending = spawned.ok().map(|_| receiver);
    }

    /// Takes the breakdown if it came back since the last frame.
    pub fn poll(&mut self) {
        if let Some(receiver) = &self.pending {
            match receiver.try_recv() {
                Ok(explained) => {
                    self.done = Some(Arc::new(explained));
                    self.pending = None;
                }
                Err(mpsc::TryRecvError::Empty) => {}
                // The thread ended without an answer (it panicked): nothing to show, and the
                // view says the rows could not be worked out.
                Err(mpsc::TryRecvError::Disconnected) => self.pending = None,
            }
        }
    }

    /// The breakdown of `key`, once worked out.
    pub fn breakdown(&self, key: DrillKey) -> DrillState<'_> {
        if self.key != Some(key) {
            return DrillState::Working;
        }
        match (&self.done, &self.pending) {
            (Some(breakdown), _) => DrillState::Ready(breakdown),
            (None, Some(_)) => DrillState::Working,
            (None, None) => DrillState::Failed,
        }
    }

    /// Whether no breakdown is being worked out (the tests wait for this).
    pub fn is_idle(&self) -> bool {
        self.pending.is_none()
    }
}

/// Where the breakdown of a value is.
#[derive(Debug, Clone, Copy)]
pub enum DrillState<'a> {
    Working,
    Ready(&'a Explained),
    /// The thread that worked it out stopped without an answer.
    Failed,
}
