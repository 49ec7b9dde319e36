//! The one analysis of a data folder that the command line, the app's loader and its exports
//! all use: read the folder's settings once, read the exports, settle the as-of date, compute
//! the metrics, layer the rules, evaluate them and look up the recorded workflow states.
//!
//! Failure rule, the same for every caller: only a folder that cannot be read
//! ([`AnalysisError::Folder`]) or a `--rules` file that cannot be read
//! ([`AnalysisError::RulesFile`]) ends an analysis. Everything else (bad rows, a broken settings
//! file, rules problems, a state file that cannot be read, a folder with nothing recognisable)
//! is carried in the [`Analysis`] for the caller to show: the app opens its Data view on a folder
//! with nothing recognisable, the command line exits 3 with [`Analysis::no_data`]'s sentence.
//! Without `--as-of`, the as-of date is the last day of the latest month with actuals, or of the
//! latest due month for a project list alone (`Dataset::latest_month`); only a folder with
//! nothing recognisable has no date at all, and its analysis is as of today.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use thiserror::Error;

use crate::config::{ConfigProblem, FolderSettings, Staffing};
use crate::escalations::money::MoneyBasis;
use crate::escalations::rules::{self, MAX_FORECAST_MONTHS, RulesFileError};
use crate::escalations::targets::{self, GoalProgress};
use crate::escalations::{
    self, AuditEntry, Escalation, EscalationState, Rules, StatusBoard, Store, store, store::Note,
};
use crate::input::headers::UserMappings;
use crate::input::{self, LoadError, LoadOptions};
use crate::metrics::forecast::{self, Forecast};
use crate::metrics::{self, MetricTable};
use crate::model::{DataQualityIssue, Dataset, DepartmentId, Month};
use crate::report::{self, Report};
use crate::text;

/// What an analysis is asked for beyond the folder.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Rules on top of the defaults and the folder's `coo-dashboard.toml` (`--rules`).
    pub rules_file: Option<PathBuf>,
    /// The escalation state database (default: `DATA_DIR/.coo-dashboard/state.sqlite`).
    pub state_file: Option<PathBuf>,
    /// The reporting date (default: the last day of the latest month with actuals).
    pub as_of: Option<NaiveDate>,
}

/// Where an analysis is; the observer hears each stage as it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Computing,
    Checking,
}

/// Why there is no analysis.
#[derive(Debug, Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Folder(#[from] LoadError),
    #[error(transparent)]
    RulesFile(#[from] RulesFileError),
    #[error("{0}; run it again, and if it happens again report it with the data folder")]
    Metrics(String),
    /// `--as-of` more than a year outside the data's months.
    #[error("{0}")]
    OutsideData(String),
    /// The observer asked to stop.
    #[error("the load was cancelled")]
    Cancelled,
}

/// How long each stage took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    pub read: Duration,
    pub metrics: Duration,
    pub escalations: Duration,
    /// Of `escalations`: the targets, the forecasts and rule `forecast` (SPEC §6).
    pub forecasts: Duration,
}

/// Everything known about a data folder after one analysis.
#[derive(Debug)]
pub struct Analysis {
    /// The folder as the user gave it.
    pub data_dir: PathBuf,
    pub state_file: PathBuf,
    pub dataset: Dataset,
    pub as_of: NaiveDate,
    pub metrics: MetricTable,
    pub rules: Rules,
    /// Problems in the settings file and the rules layers, each naming its file and line.
    pub rule_problems: Vec<ConfigProblem>,
    /// The rules layers in force, in order (see [`rules::layer_names`]).
    pub rules_layers: Vec<String>,
    /// The header mappings the folder's settings hold.
    pub mappings: UserMappings,
    /// The `[people]` and `[capacity]` settings the time entries were read with.
    pub staffing: Staffing,
    /// What the as-of month lacks (SPEC §7); rule `data` was raised from it.
    pub freshness: crate::metrics::freshness::Freshness,
    /// Every target with its months, status and forecast landing (SPEC §6).
    pub goals: Vec<GoalProgress>,
    /// The forecasts of every KPI series and every series with a target (SPEC §6).
    pub forecasts: Vec<Forecast>,
    /// Every escalation the rules raise, in evaluation order.
    pub raised: Vec<Escalation>,
    /// The departments with their names as first spelled, in id order.
    pub departments: Vec<(DepartmentId, String)>,
    pub standings: StatusBoard,
    /// The workflow states recorded so far (none when the state file does not exist yet).
    pub states: HashMap<String, EscalationState>,
    /// Each escalation's latest comment.
    pub latest_comments: HashMap<String, AuditEntry>,
    /// The notes on the numbers (SPEC §7) that stand.
    pub notes: Vec<Note>,
    /// Why the state file could not be read, when it could not; the states are then empty.
    pub state_error: Option<String>,
    pub timings: Timings,
}

/// Reads `data_dir` with its settings file read once: what `run` does first, for callers that
/// want the dataset alone (benchmarks, tests, tools).
pub fn read_folder(data_dir: &Path, use_cache: bool) -> Result<Dataset, LoadError> {
    read_with(data_dir, &FolderSettings::read(data_dir), use_cache).map(|(dataset, _)| dataset)
}

/// Reads `data_dir` applying `settings`; the settings' own problems lead the data-quality list.
/// Gives back what was applied.
fn read_with(
    data_dir: &Path,
    settings: &FolderSettings,
    use_cache: bool,
) -> Result<(Dataset, input::ReadingSettings), LoadError> {
    let (reading, problems) = settings.reading();
    let options = LoadOptions {
        settings: reading,
        use_cache,
    };
    let mut dataset = input::load_folder(data_dir, &options)?;
    dataset.data_quality.splice(0..0, problems);
    Ok((dataset, options.settings))
}

/// Analyses `data_dir`.
pub fn run(data_dir: &Path, options: &Options) -> Result<Analysis, AnalysisError> {
    run_observed(data_dir, options, &mut |_| true)
}

/// Analyses `data_dir`, calling `observe` as each stage starts; when it returns `false` the
/// analysis stops with [`AnalysisError::Cancelled`].
pub fn run_observed(
    data_dir: &Path,
    options: &Options,
    observe: &mut dyn FnMut(Stage) -> bool,
) -> Result<Analysis, AnalysisError> {
    let mut stage = |next: Stage| {
        if observe(next) {
            Ok(Instant::now())
        } else {
            Err(AnalysisError::Cancelled)
        }
    };
    let started = stage(Stage::Reading)?;
    let settings = FolderSettings::read(data_dir);
    let rules_text = rules::read_rules_file(options.rules_file.as_deref())?;
    let rules_file = options.rules_file.as_deref().zip(rules_text.as_deref());
    let (mut dataset, reading) = read_with(data_dir, &settings, true)?;
    for issue in &mut dataset.data_quality {
        bound_echo(issue);
    }
    let read = started.elapsed();

    let started = stage(Stage::Computing)?;
    if let Some(as_of) = options.as_of {
        within_data(&dataset, "--as-of", &as_of.to_string(), Month::of(as_of))
            .map_err(AnalysisError::OutsideData)?;
    }
    let as_of = report::resolve_as_of(&dataset, options.as_of)
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let metrics = metrics::compute(&dataset, as_of)
        .map_err(|error| AnalysisError::Metrics(error.to_string()))?;
    let computed = started.elapsed();

    let started = stage(Stage::Checking)?;
    let (rules, mut rule_problems) = rules::load_layers(&settings, rules_file);
    rule_problems.extend(rules.unknown_departments(&dataset.departments));
    let rules_layers = rules::layer_names(&settings, rules_file);
    let mut raised = escalations::evaluate(metrics.values(), &dataset.departments, &rules);
    let freshness = crate::metrics::freshness::freshness(&dataset, &metrics, Month::of(as_of));
    raised.extend(escalations::missing_data(
        &freshness,
        &dataset.departments,
        Month::of(as_of),
    ));
    let departments: Vec<(DepartmentId, String)> = dataset
        .departments
        .iter()
        .map(|(id, name)| (id, name.to_string()))
        .collect();
    let forecasting = std::time::Instant::now();
    let (goals, forecasts) = goals_and_forecasts(&dataset, &metrics, &rules, Month::of(as_of));
    if rules.forecast.horizon > 0 {
        raised.extend(targets::forecast_escalations(&goals, Month::of(as_of)));
    }
    let forecasting = forecasting.elapsed();
    escalations::order(&mut raised);
    let money = MoneyBasis::new(&dataset, as_of);
    for escalation in &mut raised {
        (escalation.money_at_stake, escalation.money_basis) = money.at_stake(escalation, &metrics);
    }
    let standings = StatusBoard::build(&rules, &departments, &raised);
    let state_file = options
        .state_file
        .clone()
        .unwrap_or_else(|| store::default_path(data_dir));
    let ((states, latest_comments, notes), state_error) = match recorded(&state_file) {
        Ok(recorded) => (recorded, None),
        Err(error) => (Default::default(), Some(error.to_string())),
    };
    Ok(Analysis {
        data_dir: data_dir.to_path_buf(),
        state_file,
        dataset,
        as_of,
        metrics,
        rules,
        rule_problems,
        rules_layers,
        mappings: reading.mappings,
        staffing: reading.staffing,
        freshness,
        goals,
        forecasts,
        raised,
        departments,
        standings,
        states,
        latest_comments,
        notes,
        state_error,
        timings: Timings {
            read,
            metrics: computed,
            escalations: started.elapsed(),
            forecasts: forecasting,
        },
    })
}

/// The months a forecast reaches at the least (SPEC §6: "at least 3 months ahead").
const MIN_FORECAST_MONTHS: usize = 3;

/// Where every target stands, and the forecasts: of the company's KPI series of the report
/// ([`report::COMPANY_KPIS`]) and of every series with a target, each
/// reaching the end of its furthest open target period (at least 3 months, at least
/// `[forecast] horizon`, at most two years).
fn goals_and_forecasts(
    dataset: &Dataset,
    metrics: &MetricTable,
    rules: &Rules,
    as_of: Month,
) -> (Vec<GoalProgress>, Vec<Forecast>) {
    let goals = rules.targets.goals(&dataset.departments);
    let fiscal_start = rules.fiscal_year_start;
    let mut reach: HashMap<(metrics::Metric, Option<DepartmentId>), usize> = HashMap::new();
    let least = MIN_FORECAST_MONTHS.max(rules.forecast.horizon);
    // The company's KPI series (the charts of the app, the pack and the memo) and every series
    // with a target (rule `forecast`, the cards). Not every department's KPI series: ETS costs
    // about 1 ms a series here, so 200 departments × 14 KPIs would add 1.9 s to every report
    // (docs/performance.md); a department's series is forecast once it has a target.
    for metric in report::COMPANY_KPIS {
        reach.insert((metric, None), least);
    }
    for goal in &goals {
        let last = match goal.period {
            Some(period) => period.months(fiscal_start).1,
            None => {
                targets::Period::fiscal_year_of(as_of.next(), fiscal_start)
                    .months(fiscal_start)
                    .1
            }
        };
        let ahead = usize::try_from(last.months_since(as_of)).unwrap_or(0);
        let months = reach
            .entry((goal.metric, goal.department_id))
            .or_insert(least);
        *months = (*months).max(ahead.min(MAX_FORECAST_MONTHS));
    }
    // A department without the metric at all (no such export) has no series to forecast.
    let present = metrics.all_series();
    let mut series: Vec<_> = reach
        .keys()
        .copied()
        .filter(|&(metric, department)| {
            department.is_none() || present.contains_key(&(metric, department))
        })
        .collect();
    series.sort_unstable();
    let forecasts = forecast::forecast_all(&present, &series, as_of, |metric, department| {
        reach.get(&(metric, department)).copied().unwrap_or(least)
    });
    let by_series: HashMap<_, &Forecast> = forecasts
        .iter()
        .map(|forecast| ((forecast.metric, forecast.department), forecast))
        .collect();
    let progress = targets::progress(&goals, metrics, as_of, fiscal_start, |goal, rows, last| {
        let Some(forecast) = by_series.get(&(goal.metric, goal.department_id)) else {
            return Err("no forecast".to_string());
        };
        let points: Vec<_> = forecast
            .outcome
            .clone()?
            .into_iter()
            .map(|point| (point.month, point.value, point.low, point.high))
            .collect();
        match targets::landing(goal, rows, as_of, last, &points) {
            Some(landing) => Ok(Some(landing)),
            None => Err(format!(
                "the period ends in {last}, beyond the forecast's reach of {} months",
                points.len()
            )),
        }
    });
    (progress, forecasts)
}

/// The states and the latest comments, by escalation id, and the notes on the numbers.
type Recorded = (
    HashMap<String, EscalationState>,
    HashMap<String, AuditEntry>,
    Vec<Note>,
);

/// The states, latest comments and notes of the state file; none when it does not exist yet.
fn recorded(state_file: &Path) -> Result<Recorded, escalations::StoreError> {
    match Store::open_read_only(state_file)? {
        Some(store) => Ok((store.states()?, store.latest_comments()?, store.notes()?)),
        None => Ok(Default::default()),
    }
}

/// The longest problem sentence kept: the sentences the app writes fit, a sentence that
/// echoes a 50 MB cell does not.
const PROBLEM_CHARS: usize = 4 * text::ECHO_CHARS;

/// Cuts what a data-quality entry echoes of the file to a readable length.
fn bound_echo(issue: &mut DataQualityIssue) {
    let cut = |value: &str, max: usize| {
        value
            .chars()
            .nth(max)
            .is_some()
            .then(|| text::cut(value, max))
    };
    if let Some(value) = issue
        .value
        .as_deref()
        .and_then(|value| cut(value, text::ECHO_CHARS))
    {
        issue.value = Some(value);
    }
    if let Some(column) = issue
        .column
        .as_deref()
        .and_then(|column| cut(column, text::ECHO_CHARS))
    {
        issue.column = Some(column);
    }
    if let Some(problem) = cut(&issue.problem, PROBLEM_CHARS) {
        issue.problem = problem;
    }
}

/// How far outside the data's months `--as-of` and `--month` may reach: a year either way (a
/// report on the month after the last export, or a year-ago comparison, still makes sense).
const OUTSIDE_DATA_MONTHS: i32 = 12;

/// Refuses a month (`what` given as `written`) more than a year outside the data's months,
/// naming the data's range and the months that may be asked for. Data without months (nothing
/// recognisable) refuses nothing.
pub fn within_data(
    dataset: &Dataset,
    what: &str,
    written: &str,
    month: Month,
) -> Result<(), String> {
    let (Some(first), Some(last)) = (dataset.earliest_month(), dataset.latest_month()) else {
        return Ok(());
    };
    let (first, last) = (first.min(last), first.max(last));
    let (from, to) = (
        first.offset(-OUTSIDE_DATA_MONTHS),
        last.offset(OUTSIDE_DATA_MONTHS),
    );
    if (from..=to).contains(&month) {
        return Ok(());
    }
    Err(format!(
        "{what} {written} is more than a year outside the data, which runs from {first} to {last}; give a month from {from} to {to}"
    ))
}

/// What every export of an analysis is built from, borrowed from an [`Analysis`] or from what
/// the app keeps of one.
#[derive(Debug, Clone, Copy)]
pub struct Basis<'a> {
    pub data_dir: &'a Path,
    pub dataset: &'a Dataset,
    pub metrics: &'a MetricTable,
    pub as_of: NaiveDate,
    pub rules_layers: &'a [String],
    pub raised: &'a [Escalation],
    pub goals: &'a [GoalProgress],
    pub forecasts: &'a [Forecast],
    pub standings: &'a StatusBoard,
    /// Why the recorded states could not be read, when they could not.
    pub state_error: Option<&'a str>,
    /// The notes on the numbers (SPEC §7).
    pub notes: &'a [Note],
}

impl Basis<'_> {
    /// The report value with every escalation at its status in `states`.
    pub fn report(&self, states: &HashMap<String, EscalationState>) -> Report {
        let mut report = Report::build(
            self.dataset,
            self.metrics,
            self.as_of,
            self.data_dir,
            self.rules_layers.to_vec(),
        );
        report.escalations = escalations::rows(self.raised, states);
        report.targets = self
            .goals
            .iter()
            .flat_map(|goal| goal.rows.iter().cloned())
            .collect();
        (report.forecasts, report.forecasts_unavailable) =
            report::forecast_rows(self.dataset, self.forecasts);
        report.escalation_status_unavailable = self.state_error.map(str::to_string);
        report.notes = self.notes.to_vec();
        report
    }

    /// The Markdown memo of `report` (built by [`Basis::report`]) for `month`.
    pub fn memo(&self, report: &Report, month: Month) -> String {
        report::markdown::write(report, self.dataset, self.metrics, self.goals, month)
    }

    /// The board pack of `report` (built by [`Basis::report`]) for `month`.
    pub fn board_pack(
        &self,
        report: &Report,
        latest_comments: &HashMap<String, AuditEntry>,
        month: Month,
    ) -> String {
        // Each KPI card's arithmetic, so that a number of the pack leads to its rows (SPEC §7).
        let workings: Vec<(crate::metrics::Metric, String)> = report::KPI_CARDS
            .iter()
            .map(|&metric| {
                let breakdown = crate::explain::explain(
                    self.dataset,
                    self.metrics,
                    self.as_of,
                    metric,
                    month,
                    None,
                );
                (metric, breakdown.arithmetic)
            })
            .collect();
        report::html::write(&report::html::Pack {
            report,
            dataset: self.dataset,
            metrics: self.metrics,
            standings: self.standings,
            goals: self.goals,
            forecasts: self.forecasts,
            latest_comments,
            month,
            workings: &workings,
        })
    }
}

impl Analysis {
    /// When the folder holds nothing the app recognises, the sentence that says so.
    pub fn no_data(&self) -> Option<String> {
        if !self.dataset.has_no_data() {
            return None;
        }
        let detail = match self.dataset.data_quality.first() {
            Some(issue) => format!(" (e.g. {}: {})", issue.file, issue.problem),
            None => String::new(),
        };
        Some(format!(
            "no recognisable data in {}: none of its {} file(s) is an export the app knows{detail}; see the README for the columns each kind needs",
            self.data_dir.display(),
            self.dataset.sources.len()
        ))
    }

    pub fn basis(&self) -> Basis<'_> {
        Basis {
            data_dir: &self.data_dir,
            dataset: &self.dataset,
            metrics: &self.metrics,
            as_of: self.as_of,
            rules_layers: &self.rules_layers,
            raised: &self.raised,
            goals: &self.goals,
            forecasts: &self.forecasts,
            standings: &self.standings,
            state_error: self.state_error.as_deref(),
            notes: &self.notes,
        }
    }
}
