//! Where each value stands against the escalation rules: on track, watch, warning or critical.
//! The app colours card edges and heat-map cells with it and the board pack colours its cards
//! and heat map with it, so both say the same thing. Also the levels charts draw as targets.
//! Built once per load from the rules and the escalations they raised.

use std::collections::{HashMap, HashSet};

use super::{Escalation, Rules, Severity};
use crate::metrics::Metric;
use crate::model::{DepartmentId, Month};

/// Where a value stands against the escalation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Rules exist for the metric and none fired.
    Ok,
    Watch,
    Warning,
    Critical,
}

impl Standing {
    pub const ALL: [Standing; 4] = [
        Standing::Ok,
        Standing::Watch,
        Standing::Warning,
        Standing::Critical,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Standing::Ok => "On track",
            Standing::Watch => "Watch",
            Standing::Warning => "Warning",
            Standing::Critical => "Critical",
        }
    }
}

impl From<Severity> for Standing {
    fn from(severity: Severity) -> Standing {
        match severity {
            Severity::Critical => Standing::Critical,
            Severity::Warning => Standing::Warning,
            Severity::Watch => Standing::Watch,
        }
    }
}

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

/// Standings and bands per metric × department × month.
#[derive(Debug, Clone, Default)]
pub struct StatusBoard {
    worst: HashMap<(Metric, Option<DepartmentId>, Month), Standing>,
    bands: HashMap<(Metric, Option<DepartmentId>), Band>,
    ruled: HashSet<Metric>,
}

impl StatusBoard {
    /// The bands the rules set for the company and each of `departments`, and the worst
    /// escalation per metric, department and month.
    pub fn build(
        rules: &Rules,
        departments: &[(DepartmentId, String)],
        escalations: &[Escalation],
    ) -> StatusBoard {
        let mut board = StatusBoard::default();
        for metric in rules.metrics() {
            let band = |department: Option<&str>| {
                rules.levels(metric, department).map(|levels| Band {
                    warning_below: levels.warning_below,
                    critical_below: levels.critical_below,
                    warning_above: levels.warning_above,
                    critical_above: levels.critical_above,
                })
            };
            if let Some(company) = band(None) {
                board.add_rule(metric, None, company);
            }
            for (id, name) in departments {
                if let Some(levels) = band(Some(name)) {
                    board.add_rule(metric, Some(*id), levels);
                }
            }
        }
        // A forecast is about where a target will land, not where the value stands: the cards
        // show it beside the target instead.
        for escalation in escalations
            .iter()
            .filter(|escalation| escalation.rule != super::RuleKind::Forecast)
        {
            board.add(
                escalation.metric,
                escalation.department_id,
                escalation.month,
                escalation.severity.into(),
            );
        }
        board
    }

    /// A metric the rules check (so "no escalation" means "on track").
    pub fn add_rule(&mut self, metric: Metric, department: Option<DepartmentId>, band: Band) {
        self.ruled.insert(metric);
        self.bands.insert((metric, department), band);
    }

    /// Records an escalation's standing; the worst one per cell is kept.
    pub fn add(
        &mut self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
        standing: Standing,
    ) {
        self.ruled.insert(metric);
        let entry = self
            .worst
            .entry((metric, department, month))
            .or_insert(standing);
        *entry = (*entry).max(standing);
    }

    /// `None` when no rule checks the metric; else the worst escalation's standing, or on track.
    pub fn status(
        &self,
        metric: Metric,
        department: Option<DepartmentId>,
        month: Month,
    ) -> Option<Standing> {
        if !self.ruled.contains(&metric) {
            return None;
        }
        Some(
            self.worst
                .get(&(metric, department, month))
                .copied()
                .unwrap_or(Standing::Ok),
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
