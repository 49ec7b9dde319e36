//! Where each value stands against the escalation rules: the status that colours card edges and
//! heat-map cells, and the levels drawn as target lines. Built once per load.

use std::collections::{HashMap, HashSet};

use super::widgets::Status;
use crate::metrics::Metric;
use crate::model::{DepartmentId, Month};

/// The levels a metric should stay within, for the company or one department.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Band {
    pub warning_below: Option<f64>,
    pub critical_below: Option<f64>,
    pub warning_above: Option<f64>,
    pub critical_above: Option<f64>,
}

impl Band {
    /// The single level a chart draws: the warning level on the side that matters.
    pub fn target(&self) -> Option<f64> {
        self.warning_below.or(self.warning_above)
    }
}

/// Statuses and bands per metric × department × month.
#[derive(Debug, Clone, Default)]
pub struct StatusBoard {
    worst: HashMap<(Metric, Option<DepartmentId>, Month), Status>,
    bands: HashMap<(Metric, Option<DepartmentId>), Band>,
    ruled: HashSet<Metric>,
}

impl StatusBoard {
    /// A metric the rules check (so "no escalation" means "on track").
    pub fn add_rule(&mut self, metric: Metric, department: Option<DepartmentId>, band: Band) {
        self.ruled.insert(metric);
        self.bands.insert((metric, department), band);
    }

    /// Records an escalation's status; the worst one per cell is kept.
    pub fn add(
        &mut self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
        status: Status,
    ) {
        self.ruled.insert(metric);
        let entry = self
            .worst
            .entry((metric, department, month))
            .or_insert(status);
        *entry = (*entry).max(status);
    }

    /// `None` when no rule checks the metric; else the worst escalation's status, or on track.
    pub fn status(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> Option<Status> {
        if !self.ruled.contains(&metric) {
            return None;
        }
        Some(
            self.worst
                .get(&(metric, department, month))
                .copied()
                .unwrap_or(Status::Ok),
        )
    }

    /// The department's band, falling back to the company's.
    pub fn band(&self, metric: Metric, department: Option<DepartmentId>) -> Option<Band> {
        self.bands
            .get(&(metric, department))
            .or_else(|| self.bands.get(&(metric, None)))
            .copied()
    }
}
