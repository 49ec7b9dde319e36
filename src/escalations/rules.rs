//! Escalation rules (SPEC §4): the levels per metric and department, and the trend and anomaly
//! settings, read from layered TOML.
//!
//! Layers, each overriding the one before key by key: the shipped `assets/default_rules.toml`,
//! then `coo-dashboard.toml` in the data folder, then `--rules FILE`. A layer that is not valid
//! TOML is skipped whole; a key with a bad value is skipped alone. Either way the problem names
//! the file, the line and the key, and the earlier layers' values stay in force, so a broken file
//! never stops the app. A level set to `false` switches that level off.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use thiserror::Error;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::config::{ConfigProblem, FolderSettings, LineIndex, line_of};
use crate::metrics::{Metric, Unit};
use crate::model::Departments;

use super::closest_match;
use super::targets::{self, Targets};

/// The furthest a forecast reaches: two years.
pub const MAX_FORECAST_MONTHS: usize = 24;

/// How many overrides for departments the data lacks are named one by one per layer file.
pub const UNKNOWN_DEPARTMENTS_NAMED: usize = 20;

/// The shipped defaults, compiled into the binary.
pub const DEFAULT_RULES: &str = include_str!("../../assets/default_rules.toml");

/// How problems in the shipped defaults name their file.
pub const DEFAULT_RULES_FILE: &str = "assets/default_rules.toml";

/// A line needs at least this many monthly values to say anything about a trend.
pub const MIN_TREND_MONTHS: usize = 3;

/// A median and a MAD over fewer months than this say little about "usual".
pub const MIN_ANOMALY_HISTORY: usize = 6;

/// The longest span (months) a trend, horizon or anomaly window may cover: a hundred years.
pub const MAX_MONTHS: usize = 1200;

/// Sections of the settings file that belong to other parts of the app.
const OTHER_SECTIONS: [&str; 4] = ["mapping", "people", "capacity", "sources"];

/// A `--rules` file that could not be read at all (a wrong path, most likely).
#[derive(Debug, Error)]
#[error("could not read the rules file {}: {source}; check the path given to --rules", path.display())]
pub struct RulesFileError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// One level of a `[metrics.NAME]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LevelKey {
    WarningBelow,
    CriticalBelow,
    WarningAbove,
    CriticalAbove,
    MaxDrop,
    MaxRise,
}

impl LevelKey {
    pub const ALL: [LevelKey; 6] = [
        LevelKey::WarningBelow,
        LevelKey::CriticalBelow,
        LevelKey::WarningAbove,
        LevelKey::CriticalAbove,
        LevelKey::MaxDrop,
        LevelKey::MaxRise,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LevelKey::WarningBelow => "warning_below",
            LevelKey::CriticalBelow => "critical_below",
            LevelKey::WarningAbove => "warning_above",
            LevelKey::CriticalAbove => "critical_above",
            LevelKey::MaxDrop => "max_drop",
            LevelKey::MaxRise => "max_rise",
        }
    }

    pub fn from_name(name: &str) -> Option<LevelKey> {
        LevelKey::ALL.into_iter().find(|key| key.name() == name)
    }

    /// Month-over-month limits are sizes of a change, never negative.
    fn is_change_limit(self) -> bool {
        matches!(self, LevelKey::MaxDrop | LevelKey::MaxRise)
    }
}

/// The levels that apply to one metric for the company or one department. `None` = not checked.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Levels {
    pub warning_below: Option<f64>,
    pub critical_below: Option<f64>,
    pub warning_above: Option<f64>,
    pub critical_above: Option<f64>,
    /// The largest fall since the previous month that raises nothing.
    pub max_drop: Option<f64>,
    /// The largest rise since the previous month that raises nothing.
    pub max_rise: Option<f64>,
}

impl Levels {
    pub fn get(&self, key: LevelKey) -> Option<f64> {
        match key {
            LevelKey::WarningBelow => self.warning_below,
            LevelKey::CriticalBelow => self.critical_below,
            LevelKey::WarningAbove => self.warning_above,
            LevelKey::CriticalAbove => self.critical_above,
            LevelKey::MaxDrop => self.max_drop,
            LevelKey::MaxRise => self.max_rise,
        }
    }

    fn set(&mut self, key: LevelKey, level: Option<f64>) {
        let slot = match key {
            LevelKey::WarningBelow => &mut self.warning_below,
            LevelKey::CriticalBelow => &mut self.critical_below,
            LevelKey::WarningAbove => &mut self.warning_above,
            LevelKey::CriticalAbove => &mut self.critical_above,
            LevelKey::MaxDrop => &mut self.max_drop,
            LevelKey::MaxRise => &mut self.max_rise,
        };
        *slot = level;
    }
}

/// A department's own levels: only the keys its section sets (`Some(None)` = switched off).
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentRules {
    /// The department as the rules file spells it.
    pub department: String,
    overrides: BTreeMap<LevelKey, Option<f64>>,
    /// Where the latest layer that mentions the department wrote it.
    pub file: PathBuf,
    pub line: usize,
}

/// The rules of one metric: company-wide levels and per-department overrides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricRules {
    pub levels: Levels,
    /// Keyed by the department name trimmed, inner spaces collapsed and lower-cased.
    departments: BTreeMap<String, DepartmentRules>,
}

/// `[trend]`: a least-squares line over the last `months` values that crosses a critical level
/// within `horizon` months raises a watch. `horizon = 0` switches it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendRule {
    pub months: usize,
    pub horizon: usize,
}

/// `[anomaly]`: a value further than `mad_threshold` × MAD from the median of the previous
/// `window` months raises a watch. `window = 0` switches it off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnomalyRule {
    pub window: usize,
    pub mad_threshold: f64,
}

/// `[forecast]`: a target period whose forecast landing misses the target raises an escalation
/// (SPEC §6); forecasts reach at least `horizon` months ahead. `horizon = 0` switches the rule
/// off (the forecasts are still drawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastRule {
    pub horizon: usize,
}

/// Every rule in force after layering.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    metrics: BTreeMap<Metric, MetricRules>,
    pub trend: TrendRule,
    pub anomaly: AnomalyRule,
    pub forecast: ForecastRule,
    /// `[calendar] fiscal_year_start`: the month (1–12) the fiscal year starts in.
    pub fiscal_year_start: u32,
    /// `[targets.METRIC]` (SPEC §6).
    pub targets: Targets,
}

impl Default for Rules {
    /// No rules at all: nothing is checked (the layers add what is).
    fn default() -> Self {
        Rules {
            metrics: BTreeMap::new(),
            trend: TrendRule {
                months: 6,
                horizon: 0,
            },
            anomaly: AnomalyRule {
                window: 0,
                mad_threshold: 3.5,
            },
            forecast: ForecastRule { horizon: 3 },
            fiscal_year_start: 1,
            targets: Targets::default(),
        }
    }
}

/// The trimmed, space-collapsed, lower-cased form department names are matched by.
pub(super) fn department_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Rules {
    /// The shipped defaults alone.
    pub fn defaults() -> Rules {
        let mut rules = Rules::default();
        // The defaults are tested to parse without a problem (see the tests below).
        let _ = rules.apply_layer(Path::new(DEFAULT_RULES_FILE), DEFAULT_RULES);
        rules
    }

    /// The metrics that have rules, in a stable order.
    pub fn metrics(&self) -> impl Iterator<Item = Metric> + '_ {
        self.metrics.keys().copied()
    }

    /// The levels for `metric` for the company (`None`) or a department (as displayed); `None`
    /// when the metric has no rules. A department's own keys override the metric's.
    pub fn levels(&self, metric: Metric, department: Option<&str>) -> Option<Levels> {
        let rules = self.metrics.get(&metric)?;
        let mut levels = rules.levels;
        if let Some(department) =
            department.and_then(|name| rules.departments.get(&department_key(name)))
        {
            for (&key, &level) in &department.overrides {
                levels.set(key, level);
            }
        }
        Some(levels)
    }

    /// Department overrides that name a department the data does not have (a typo, usually):
    /// the first [`UNKNOWN_DEPARTMENTS_NAMED`] of each layer file one by one, with the closest
    /// name, and the rest of that file in one more entry (a generated file of 100,000 overrides
    /// is one screen of warnings, not 100,000 lines).
    pub fn unknown_departments(&self, departments: &Departments) -> Vec<ConfigProblem> {
        if departments.is_empty() {
            return Vec::new();
        }
        let known: Vec<&str> = departments.iter().map(|(_, name)| name).collect();
        let lowered: Vec<String> = known.iter().map(|name| name.to_lowercase()).collect();
        let mut problems = Vec::new();
        // Per layer file: how many were named one by one, and (count, first line) of the rest.
        let mut named: HashMap<&Path, usize> = HashMap::new();
        let mut more: BTreeMap<&Path, (usize, usize)> = BTreeMap::new();
        for (metric, rules) in &self.metrics {
            for department in rules.departments.values() {
                if departments.find(&department.department).is_some() {
                    continue;
                }
                let file = department.file.as_path();
                let so_far = named.entry(file).or_insert(0);
                if *so_far == UNKNOWN_DEPARTMENTS_NAMED {
                    let rest = more.entry(file).or_insert((0, department.line));
                    rest.0 += 1;
                    rest.1 = rest.1.min(department.line);
                    continue;
                }
                *so_far += 1;
                let hint =
                    match closest_match(&department.department.to_lowercase(), lowered.iter()) {
                        Some(index) => format!("did you mean '{}'?", known[index]),
                        None => format!("the departments are: {}", known.join(", ")),
                    };
                problems.push(ConfigProblem {
                    file: department.file.clone(),
                    line: Some(department.line),
                    key: Some(format!("metrics.{metric}.departments.\"{}\"", department.department)),
                    message: format!("the data has no department '{}', so this override applies to nothing; {hint}", department.department),
                });
            }
        }
        for (metric, department, file, line) in self.targets.departments_named() {
            if departments.find(department).is_some() {
                continue;
            }
            let hint = match closest_match(&department.to_lowercase(), lowered.iter()) {
                Some(index) => format!("did you mean '{}'?", known[index]),
                None => format!("the departments are: {}", known.join(", ")),
            };
            problems.push(ConfigProblem {
                file: file.to_path_buf(),
                line: Some(line),
                key: Some(format!("targets.{metric}.departments.\"{department}\"")),
                message: format!("the data has no department '{department}', so this target applies to nothing; {hint}"),
            });
        }
        for (file, (count, line)) in more {
            problems.push(ConfigProblem {
                file: file.to_path_buf(),
                line: Some(line),
                key: None,
                message: format!(
                    "{count} more override(s) name departments the data does not have, so they apply to nothing (the first {UNKNOWN_DEPARTMENTS_NAMED} are named one by one); the departments are: {}",
                    known.join(", ")
                ),
            });
        }
        problems
    }

    /// Applies one layer on top of the rules so far and returns what was wrong with it.
    pub fn apply_layer(&mut self, file: &Path, text: &str) -> Vec<ConfigProblem> {
        let mut layer = Layer {
            file,
            lines: LineIndex::new(text),
            problems: Vec::new(),
        };
        let document = match DeTable::parse(text) {
            Ok(document) => document,
            Err(error) => {
                layer.problems.push(ConfigProblem {
                    file: file.to_path_buf(),
                    line: error.span().map(|span| line_of(text, span.start)),
                    key: None,
                    message: format!(
                        "{}; the whole file is ignored until this is fixed",
                        error.message().trim()
                    ),
                });
                return layer.problems;
            }
        };
        for (key, value) in document.get_ref().iter() {
            match key.get_ref().as_ref() {
                "metrics" => layer.read_metrics(self, key, value),
                "trend" => layer.read_trend(&mut self.trend, key, value),
                "anomaly" => layer.read_anomaly(&mut self.anomaly, key, value),
                "forecast" => layer.read_forecast(&mut self.forecast, key, value),
                "calendar" => {
                    targets::read_calendar(&mut layer, &mut self.fiscal_year_start, key, value)
                }
                "targets" => targets::read_targets(&mut layer, &mut self.targets, key, value),
                name if OTHER_SECTIONS.contains(&name) => {}
                name => {
                    let known = [
                        "metrics", "trend", "anomaly", "forecast", "calendar", "targets",
                        "mapping", "people", "capacity", "sources",
                    ];
                    let hint = match closest_match(name, known.iter().copied()) {
                        Some(index) => format!("did you mean [{}]?", known[index]),
                        None => "the sections are [metrics.NAME], [trend], [anomaly], [forecast], [calendar], [targets.NAME], [mapping.\"Header\"], [sources.\"FILE\"], [people] and [capacity]".to_string(),
                    };
                    layer.problem(
                        key.span(),
                        name,
                        format!("unknown section '{name}', ignored; {hint}"),
                    );
                }
            }
        }
        // Tables iterate in key order; the file's reader wants them in line order.
        layer.problems.sort_by_key(|problem| problem.line);
        layer.problems
    }
}

/// Reads the layers for a data folder: the defaults, `DATA_DIR/coo-dashboard.toml` if present,
/// then `rules_file` if given. Problems in either file come back with the rules; only a
/// `rules_file` that cannot be read at all is an error.
pub fn load(
    data_dir: &Path,
    rules_file: Option<&Path>,
) -> Result<(Rules, Vec<ConfigProblem>), RulesFileError> {
    let rules_text = read_rules_file(rules_file)?;
    Ok(load_layers(
        &FolderSettings::read(data_dir),
        rules_file.zip(rules_text.as_deref()),
    ))
}

/// The `--rules` file's text; an error when it cannot be read at all.
pub fn read_rules_file(rules_file: Option<&Path>) -> Result<Option<String>, RulesFileError> {
    rules_file
        .map(|path| {
            std::fs::read_to_string(path).map_err(|source| RulesFileError {
                path: path.to_path_buf(),
                source,
            })
        })
        .transpose()
}

/// The rules from the defaults, the folder's settings as already read, and the `--rules` file's
/// path and text.
pub fn load_layers(
    settings: &FolderSettings,
    rules_file: Option<(&Path, &str)>,
) -> (Rules, Vec<ConfigProblem>) {
    let mut rules = Rules::defaults();
    let mut problems = Vec::new();
    if let Some(text) = settings.text() {
        problems.extend(rules.apply_layer(&settings.path, text));
    }
    if let Some(mut problem) = settings.unreadable() {
        problem.message = format!("{}; the shipped rules apply", problem.message);
        problems.push(problem);
    }
    if let Some((path, text)) = rules_file {
        problems.extend(rules.apply_layer(path, text));
    }
    (rules, problems)
}

/// The rules layers in force, in the order [`load_layers`] applies them, as a reader of a report
/// should see them: `shipped defaults`, then the data folder's `coo-dashboard.toml` (from the
/// settings as already read) and the `--rules` file (its path and text) when they exist. A file
/// that is not valid TOML is named as ignored, one that could not be read as unreadable.
pub fn layer_names(settings: &FolderSettings, rules_file: Option<(&Path, &str)>) -> Vec<String> {
    let mut layers = vec!["shipped defaults".to_string()];
    let folder = settings.path.display().to_string();
    match settings.text() {
        Some(text) => layers.push(layer_name(folder, text)),
        None if settings.unreadable().is_some() => {
            layers.push(format!("{folder} (unreadable, ignored)"));
        }
        None => {}
    }
    if let Some((path, text)) = rules_file {
        layers.push(layer_name(path.display().to_string(), text));
    }
    layers
}

fn layer_name(name: String, text: &str) -> String {
    if DeTable::parse(text).is_ok() {
        name
    } else {
        format!("{name} (not valid TOML, ignored)")
    }
}

/// One layer being read: where it came from and what was wrong with it.
pub(super) struct Layer<'a> {
    pub(super) file: &'a Path,
    /// Where each line starts: a line is found in O(log n), so a layer of 100,000 department
    /// overrides is read in linear time (counting from the start for each was quadratic).
    pub(super) lines: LineIndex,
    problems: Vec<ConfigProblem>,
}

/// A key of the document, with where it is written.
pub(super) type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;

/// A value of the document, with where it is written.
pub(super) type Value<'i> = Spanned<DeValue<'i>>;

impl Layer<'_> {
    pub(super) fn problem(&mut self, span: Range<usize>, key: &str, message: String) {
        self.problems.push(ConfigProblem {
            file: self.file.to_path_buf(),
            line: Some(self.lines.line(span.start)),
            key: Some(key.to_string()),
            message,
        });
    }

    /// The entries of a value that must be a table, or a problem saying it is not.
    pub(super) fn table<'v, 'i>(
        &mut self,
        key: &Key<'i>,
        value: &'v Value<'i>,
        path: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            other => {
                self.problem(
                    key.span(),
                    path,
                    format!(
                        "must be a table (a [{path}] section), not a {}",
                        other.type_str()
                    ),
                );
                None
            }
        }
    }

    fn read_metrics(&mut self, rules: &mut Rules, key: &Key<'_>, value: &Value<'_>) {
        let Some(sections) = self.table(key, value, "metrics") else {
            return;
        };
        for (name, section) in sections.iter() {
            let metric_name = name.get_ref().as_ref();
            let Some(metric) = Metric::from_name(metric_name) else {
                let hint = match closest_match(
                    metric_name,
                    Metric::ALL.iter().map(|metric| metric.name()),
                ) {
                    Some(index) => format!("did you mean '{}'?", Metric::ALL[index].name()),
                    None => format!(
                        "use a metric name from the report, e.g. {}",
                        [Metric::Nps, Metric::ChurnRate, Metric::OnTimeRate]
                            .map(Metric::name)
                            .join(", ")
                    ),
                };
                self.problem(
                    name.span(),
                    &format!("metrics.{metric_name}"),
                    format!("'{metric_name}' is not a metric, so its rules are ignored; {hint}"),
                );
                continue;
            };
            let path = format!("metrics.{metric_name}");
            let Some(entries) = self.table(name, section, &path) else {
                continue;
            };
            let metric_rules = rules.metrics.entry(metric).or_default();
            for (entry_key, entry_value) in entries.iter() {
                let entry_name = entry_key.get_ref().as_ref();
                if entry_name == "departments" {
                    self.read_departments(metric, metric_rules, &path, entry_key, entry_value);
                } else if let Some(level_key) = self.level_key(&path, entry_key)
                    && let Some(level) =
                        self.level(metric, &path, level_key, entry_key, entry_value)
                {
                    metric_rules.levels.set(level_key, level);
                }
            }
        }
    }

    fn read_departments(
        &mut self,
        metric: Metric,
        metric_rules: &mut MetricRules,
        metric_path: &str,
        key: &Key<'_>,
        value: &Value<'_>,
    ) {
        let path = format!("{metric_path}.departments");
        let Some(departments) = self.table(key, value, &path) else {
            return;
        };
        for (department_name, section) in departments.iter() {
            let written = department_name.get_ref().as_ref();
            let department_path = format!("{path}.\"{written}\"");
            if department_key(written).is_empty() {
                self.problem(
                    department_name.span(),
                    &department_path,
                    "a department name cannot be blank".to_string(),
                );
                continue;
            }
            let Some(entries) = self.table(department_name, section, &department_path) else {
                continue;
            };
            let department = metric_rules
                .departments
                .entry(department_key(written))
                .or_insert_with(|| DepartmentRules {
                    department: written.split_whitespace().collect::<Vec<_>>().join(" "),
                    overrides: BTreeMap::new(),
                    file: PathBuf::new(),
                    line: 0,
                });
            department.file = self.file.to_path_buf();
            department.line = self.lines.line(department_name.span().start);
            for (entry_key, entry_value) in entries.iter() {
                let Some(level_key) = self.level_key(&department_path, entry_key) else {
                    continue;
                };
                if let Some(level) =
                    self.level(metric, &department_path, level_key, entry_key, entry_value)
                {
                    department.overrides.insert(level_key, level);
                }
            }
        }
    }

    fn level_key(&mut self, path: &str, key: &Key<'_>) -> Option<LevelKey> {
        let name = key.get_ref().as_ref();
        let level_key = LevelKey::from_name(name);
        if level_key.is_none() {
            let names = LevelKey::ALL.map(LevelKey::name);
            let hint = match closest_match(name, names.iter().copied()) {
                Some(index) => format!("did you mean '{}'?", names[index]),
                None => format!("the keys are {}", names.join(", ")),
            };
            self.problem(
                key.span(),
                &format!("{path}.{name}"),
                format!("unknown key '{name}', ignored; {hint}"),
            );
        }
        level_key
    }

    /// A level: `Some(Some(level))` for a number, `Some(None)` for `false` (switched off),
    /// `None` (with a problem) for anything else.
    fn level(
        &mut self,
        metric: Metric,
        path: &str,
        level_key: LevelKey,
        key: &Key<'_>,
        value: &Value<'_>,
    ) -> Option<Option<f64>> {
        let key_path = format!("{path}.{}", level_key.name());
        let level = match value.get_ref() {
            DeValue::Boolean(false) => return Some(None),
            other => number(other),
        };
        let Some(level) = level else {
            self.problem(key.span(), &key_path, format!("must be a number (or false to switch it off), not {}; the earlier setting stays", describe(value.get_ref())));
            return None;
        };
        if level_key.is_change_limit() && level < 0.0 {
            self.problem(key.span(), &key_path, format!("is the size of a change and cannot be negative (write {}); the earlier setting stays", -level));
            return None;
        }
        if metric.unit() == Unit::Rate && level.abs() > 1.5 {
            self.problem(
                key.span(),
                &key_path,
                format!("{} is a rate written as a fraction (0.85 = 85%), so {level} means {}%; did you mean {}? The earlier setting stays", metric.name(), level * 100.0, level / 100.0),
            );
            return None;
        }
        Some(Some(level))
    }

    fn read_trend(&mut self, trend: &mut TrendRule, key: &Key<'_>, value: &Value<'_>) {
        let Some(entries) = self.table(key, value, "trend") else {
            return;
        };
        for (entry_key, entry_value) in entries.iter() {
            match entry_key.get_ref().as_ref() {
                "months" => {
                    if let Some(months) = self.count(
                        entry_key,
                        entry_value,
                        "trend.months",
                        MIN_TREND_MONTHS,
                        "a line needs at least 3 months",
                    ) {
                        trend.months = months;
                    }
                }
                "horizon" => {
                    if let Some(horizon) =
                        self.count(entry_key, entry_value, "trend.horizon", 0, "")
                    {
                        trend.horizon = horizon;
                    }
                }
                other => self.unknown_key(entry_key, "trend", other, &["months", "horizon"]),
            }
        }
    }

    fn read_anomaly(&mut self, anomaly: &mut AnomalyRule, key: &Key<'_>, value: &Value<'_>) {
        let Some(entries) = self.table(key, value, "anomaly") else {
            return;
        };
        for (entry_key, entry_value) in entries.iter() {
            match entry_key.get_ref().as_ref() {
                "window" => {
                    if let Some(window) = self.count(entry_key, entry_value, "anomaly.window", 0, "") {
                        if window != 0 && window < MIN_ANOMALY_HISTORY {
                            self.problem(entry_key.span(), "anomaly.window", format!("must be at least {MIN_ANOMALY_HISTORY} months (or 0 to switch anomaly checks off), not {window}; the earlier setting stays"));
                        } else {
                            anomaly.window = window;
                        }
                    }
                }
                "mad_threshold" => match number(entry_value.get_ref()) {
                    Some(threshold) if threshold > 0.0 => anomaly.mad_threshold = threshold,
                    _ => self.problem(
                        entry_key.span(),
                        "anomaly.mad_threshold",
                        format!("must be a number above 0 (3.5 is usual), not {}; the earlier setting stays", describe(entry_value.get_ref())),
                    ),
                },
                other => self.unknown_key(entry_key, "anomaly", other, &["window", "mad_threshold"]),
            }
        }
    }

    fn read_forecast(&mut self, forecast: &mut ForecastRule, key: &Key<'_>, value: &Value<'_>) {
        let Some(entries) = self.table(key, value, "forecast") else {
            return;
        };
        for (entry_key, entry_value) in entries.iter() {
            match entry_key.get_ref().as_ref() {
                "horizon" => {
                    if let Some(horizon) = self.count(
                        entry_key,
                        entry_value,
                        "forecast.horizon",
                        0,
                        "0 switches the forecast rule off",
                    ) {
                        forecast.horizon = horizon.min(MAX_FORECAST_MONTHS);
                    }
                }
                other => self.unknown_key(entry_key, "forecast", other, &["horizon"]),
            }
        }
    }

    pub(super) fn unknown_key(&mut self, key: &Key<'_>, section: &str, name: &str, known: &[&str]) {
        let hint = match closest_match(name, known.iter().copied()) {
            Some(index) => format!("did you mean '{}'?", known[index]),
            None => format!("the keys are {}", known.join(", ")),
        };
        self.problem(
            key.span(),
            &format!("{section}.{name}"),
            format!("unknown key '{name}', ignored; {hint}"),
        );
    }

    /// A whole number of months, at least `minimum`.
    fn count(
        &mut self,
        key: &Key<'_>,
        value: &Value<'_>,
        path: &str,
        minimum: usize,
        why: &str,
    ) -> Option<usize> {
        let count = match value.get_ref() {
            DeValue::Integer(integer) => {
                i64::from_str_radix(integer.as_str(), integer.radix()).ok()
            }
            _ => None,
        };
        match count.and_then(|count| usize::try_from(count).ok()) {
            Some(count) if (minimum..=MAX_MONTHS).contains(&count) => Some(count),
            _ => {
                let why = if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                };
                self.problem(key.span(), path, format!("must be a whole number of months from {minimum} to {MAX_MONTHS}{why}, not {}; the earlier setting stays", describe(value.get_ref())));
                None
            }
        }
    }
}

/// A finite number from an integer or a float.
pub(super) fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .ok()
            .map(|integer| integer as f64),
        DeValue::Float(float) => float
            .as_str()
            .parse::<f64>()
            .ok()
            .filter(|float| float.is_finite()),
        _ => None,
    }
}

/// A value as a problem message quotes it.
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(text) => format!("the text \"{text}\""),
        DeValue::Integer(integer) => integer.to_string(),
        DeValue::Float(float) => float.to_string(),
        DeValue::Boolean(flag) => flag.to_string(),
        other => format!("a {}", other.type_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONFIG_FILE;

    fn layered(texts: &[&str]) -> (Rules, Vec<ConfigProblem>) {
        let mut rules = Rules::defaults();
        let mut problems = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            problems.extend(rules.apply_layer(Path::new(&format!("layer{index}.toml")), text));
        }
        (rules, problems)
    }

    #[test]
    fn shipped_defaults_parse_without_a_problem_and_hold_the_documented_levels() {
        let mut rules = Rules::default();
        let problems = rules.apply_layer(Path::new(DEFAULT_RULES_FILE), DEFAULT_RULES);
        assert!(problems.is_empty(), "{problems:?}");
        let churn = rules.levels(Metric::ChurnRate, None).unwrap();
        assert_eq!(
            (churn.warning_above, churn.critical_above),
            (Some(0.03), Some(0.05))
        );
        let nps = rules.levels(Metric::Nps, None).unwrap();
        assert_eq!(
            (nps.warning_below, nps.critical_below, nps.max_drop),
            (Some(30.0), Some(0.0), Some(10.0))
        );
        let utilization = rules.levels(Metric::Utilization, None).unwrap();
        assert_eq!(
            (utilization.warning_below, utilization.warning_above),
            (Some(0.65), Some(0.95))
        );
        assert_eq!(
            rules.trend,
            TrendRule {
                months: 6,
                horizon: 2
            }
        );
        assert_eq!(
            rules.anomaly,
            AnomalyRule {
                window: 12,
                mad_threshold: 3.5
            }
        );
        assert!(rules.levels(Metric::Revenue, None).is_none());
    }

    #[test]
    fn a_later_layer_overrides_key_by_key_and_false_switches_a_level_off() {
        let (rules, problems) = layered(&[
            "[metrics.nps]\nwarning_below = 25\n",
            "[metrics.nps]\ncritical_below = false\n[trend]\nhorizon = 3\n",
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let nps = rules.levels(Metric::Nps, None).unwrap();
        // warning from layer 0, critical switched off by layer 1, max_drop from the defaults.
        assert_eq!(
            (nps.warning_below, nps.critical_below, nps.max_drop),
            (Some(25.0), None, Some(10.0))
        );
        assert_eq!(
            rules.trend,
            TrendRule {
                months: 6,
                horizon: 3
            }
        );
    }

    #[test]
    fn department_overrides_match_case_and_spacing_insensitively() {
        let (rules, problems) = layered(&[
            "[metrics.on_time_rate.departments.\"data  &  analytics\"]\nwarning_below = 0.9\n",
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let data = rules
            .levels(Metric::OnTimeRate, Some("Data & Analytics"))
            .unwrap();
        assert_eq!(
            (data.warning_below, data.critical_below),
            (Some(0.9), Some(0.70))
        );
        let engineering = rules
            .levels(Metric::OnTimeRate, Some("Engineering"))
            .unwrap();
        assert_eq!(engineering.warning_below, Some(0.85));
    }

    #[test]
    fn bad_keys_are_named_with_their_line_and_the_rest_of_the_layer_applies() {
        let text = "[metrics.nps]\nwarning_blow = 20\ncritical_below = \"low\"\nmax_drop = 5\n\n[metrics.npss]\nwarning_below = 1\n\n[metrics.churn_rate]\nwarning_above = 3\n";
        let (rules, problems) = layered(&[text]);
        let found: Vec<(Option<usize>, Option<&str>)> = problems
            .iter()
            .map(|problem| (problem.line, problem.key.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Some(2), Some("metrics.nps.warning_blow")),
                (Some(3), Some("metrics.nps.critical_below")),
                (Some(6), Some("metrics.npss")),
                (Some(10), Some("metrics.churn_rate.warning_above")),
            ]
        );
        assert!(
            problems[0]
                .message
                .contains("did you mean 'warning_below'?")
        );
        assert!(problems[2].message.contains("did you mean 'nps'?"));
        // 3 would be 300%: the message says what was probably meant.
        assert!(
            problems[3].message.contains("did you mean 0.03?"),
            "{}",
            problems[3].message
        );
        let nps = rules.levels(Metric::Nps, None).unwrap();
        // max_drop applied; the bad keys kept the defaults.
        assert_eq!(
            (nps.warning_below, nps.critical_below, nps.max_drop),
            (Some(30.0), Some(0.0), Some(5.0))
        );
        assert_eq!(
            rules.levels(Metric::ChurnRate, None).unwrap().warning_above,
            Some(0.03)
        );
    }

    #[test]
    fn a_file_that_is_not_toml_is_ignored_whole_with_its_line() {
        let (rules, problems) =
            layered(&["[metrics.nps]\nwarning_below = 10\n[trend\nmonths = 4\n"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(3));
        assert_eq!(rules, Rules::defaults());
    }

    #[test]
    fn trend_and_anomaly_settings_are_checked() {
        let (rules, problems) = layered(&[
            "[trend]\nmonths = 2\nhorizon = 99999999999\n[anomaly]\nwindow = 4\nmad_threshold = 0\nspan = 3\n[mapping.\"Umsatz\"]\ncolumn = \"revenue\"\n[metric.nps]\nx = 1\n",
        ]);
        let keys: Vec<&str> = problems
            .iter()
            .filter_map(|problem| problem.key.as_deref())
            .collect();
        assert_eq!(
            keys,
            vec![
                "trend.months",
                "trend.horizon",
                "anomaly.window",
                "anomaly.mad_threshold",
                "anomaly.span",
                "metric"
            ]
        );
        assert!(problems[5].message.contains("did you mean [metrics]?"));
        assert_eq!(rules.trend, Rules::defaults().trend);
        assert_eq!(rules.anomaly, Rules::defaults().anomaly);
    }

    #[test]
    fn overrides_for_departments_the_data_lacks_are_reported() {
        let (rules, _) = layered(&["\n[metrics.nps.departments.Enginering]\nwarning_below = 20\n"]);
        let mut departments = Departments::default();
        departments.intern("Engineering");
        departments.intern("Sales");
        let problems = rules.unknown_departments(&departments);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(2));
        assert!(
            problems[0].message.contains("did you mean 'Engineering'?"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn overrides_for_departments_the_data_lacks_are_named_twenty_then_counted() {
        // 25 overrides for teams the data lacks, section i's header on line 2 + 2i: 20 named
        // (lines 2, 4, … 40), then one entry for the other 5 at the first of their lines (42).
        let text: String = (0..25)
            .map(|i| format!("\n[metrics.nps.departments.\"Team {i:02}\"]\nwarning_below = 20"))
            .collect();
        let (rules, _) = layered(&[&text]);
        let mut departments = Departments::default();
        departments.intern("Engineering");
        let problems = rules.unknown_departments(&departments);
        assert_eq!(problems.len(), 21);
        assert_eq!(problems[19].line, Some(40));
        assert_eq!(problems[20].line, Some(42));
        assert!(
            problems[20]
                .message
                .starts_with("5 more override(s) name departments the data does not have"),
            "{}",
            problems[20].message
        );
    }

    #[test]
    fn layers_name_the_files_read_in_order_and_an_unreadable_toml_as_ignored() {
        let folder = tempfile::tempdir().unwrap();
        let settings = || FolderSettings::read(folder.path());
        assert_eq!(layer_names(&settings(), None), vec!["shipped defaults"]);
        std::fs::write(folder.path().join(CONFIG_FILE), "[metrics.nps\n").unwrap();
        let extra = folder.path().join("extra.toml");
        let extra_text = "[metrics.nps]\nwarning_below = 20\n";
        let folder_file = folder.path().join(CONFIG_FILE).display().to_string();
        assert_eq!(
            layer_names(&settings(), Some((&extra, extra_text))),
            vec![
                "shipped defaults".to_string(),
                format!("{folder_file} (not valid TOML, ignored)"),
                extra.display().to_string(),
            ]
        );
    }
}
