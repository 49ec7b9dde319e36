//! The command line (SPEC §5). Two stages: clap checks what was typed, then [`run`] turns it
//! into work. Exit codes: 0 done (data-quality problems included), 2 usage error or unreadable
//! data folder, 3 no recognisable data. Errors print as one plain sentence, never a backtrace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::escalations::StatusBoard;
use crate::input::{self, LoadOptions};
use crate::model::Month;
use crate::report::{self, Report};

mod escalations;

#[derive(Debug, Parser)]
#[command(
    name = "coo-dashboard",
    version,
    about = "A COO's monthly picture from a folder of departmental exports."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the desktop app on a data folder (the bundled sample data when none is given).
    Gui { data_dir: Option<PathBuf> },
    /// Compute the metrics and escalations and write the report.
    Report(ReportArgs),
    /// List the escalations with their status; acknowledge, assign, comment, resolve, reopen.
    Escalations(escalations::EscalationsArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The folder that holds the exports.
    pub data_dir: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Escalation rules on top of the defaults and the data folder's coo-dashboard.toml.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The reporting date (default: the last day of the latest month in the data).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// Report this month only (plus what comparisons need).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month_argument)]
    pub month: Option<Month>,
    /// The escalation state database (default: DATA_DIR/.coo-dashboard/state.sqlite).
    #[arg(long)]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Md,
    Html,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date; write it as YYYY-MM-DD"))
}

fn parse_month_argument(text: &str) -> Result<Month, String> {
    text.parse()
}

/// How a command ended, when it did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Exit 2: what the user typed, or the data folder, is unusable.
    Usage(anyhow::Error),
    /// Exit 3: the folder holds nothing the app recognises.
    NoData(String),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Usage(error)
    }
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    crate::allocator::return_large_blocks();
    input::install_quiet_reader_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(error)) => {
            eprintln!("coo-dashboard: {error:#}");
            ExitCode::from(2)
        }
        Err(Failure::NoData(message)) => {
            eprintln!("coo-dashboard: {message}");
            ExitCode::from(3)
        }
    }
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        None => run_gui(None),
        Some(Command::Gui { data_dir }) => run_gui(data_dir),
        Some(Command::Report(args)) => run_report(&args),
        Some(Command::Escalations(args)) => escalations::run(&args),
    }
}

/// The bundled sample data: beside the executable's crate when run through cargo, else
/// `sample_data` in the working directory.
pub fn default_data_dir() -> PathBuf {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    if bundled.is_dir() {
        bundled
    } else {
        PathBuf::from("sample_data")
    }
}

#[cfg(feature = "gui")]
fn run_gui(data_dir: Option<PathBuf>) -> Result<(), Failure> {
    let data_dir = data_dir.unwrap_or_else(default_data_dir);
    crate::app::run(data_dir)
        .map_err(|error| Failure::Usage(anyhow::anyhow!("the window could not be opened: {error}")))
}

#[cfg(not(feature = "gui"))]
fn run_gui(_data_dir: Option<PathBuf>) -> Result<(), Failure> {
    Err(Failure::Usage(anyhow::anyhow!(
        "this build has no desktop app (built without the `gui` feature); use `coo-dashboard report DATA_DIR`"
    )))
}

/// Loads the folder, or says why it cannot (exit 2) or why nothing in it was usable (exit 3).
pub fn load(data_dir: &Path) -> Result<crate::model::Dataset, Failure> {
    let dataset = input::load_folder(data_dir, &LoadOptions::default())
        .map_err(|error| Failure::Usage(error.into()))?;
    if dataset.has_no_data() {
        let detail = match dataset.data_quality.first() {
            Some(issue) => format!(" (e.g. {}: {})", issue.file, issue.problem),
            None => String::new(),
        };
        return Err(Failure::NoData(format!(
            "no recognisable data in {}: none of its {} file(s) is an export the app knows{detail}; see the README for the columns each kind needs",
            data_dir.display(),
            dataset.sources.len()
        )));
    }
    Ok(dataset)
}

/// Stage times on stderr when `COO_DASHBOARD_TIMINGS` is set: where a slow report spends its
/// time, without a profiler.
struct Stages {
    last: std::time::Instant,
    enabled: bool,
}

impl Stages {
    fn start() -> Stages {
        Stages {
            last: std::time::Instant::now(),
            enabled: std::env::var_os("COO_DASHBOARD_TIMINGS").is_some(),
        }
    }

    fn done(&mut self, stage: &str) {
        if self.enabled {
            let now = std::time::Instant::now();
            eprintln!(
                "coo-dashboard: {stage:<24} {:>8.3} s",
                (now - self.last).as_secs_f64()
            );
            self.last = now;
        }
    }
}

fn run_report(args: &ReportArgs) -> Result<(), Failure> {
    let mut stages = Stages::start();
    let dataset = load(&args.data_dir)?;
    stages.done("read folder");
    let as_of = report::resolve_as_of(&dataset, args.as_of)
        .ok_or_else(|| Failure::NoData("the data has no dates".to_string()))?;
    let mut metrics =
        crate::metrics::compute(&dataset, as_of).map_err(|error| Failure::Usage(error.into()))?;
    stages.done("compute metrics");
    // Escalations need the whole history (trend, anomaly), so they come before `--month` trims it.
    let found = escalations::report_escalations(
        &dataset,
        &metrics,
        &args.data_dir,
        args.rules.as_deref(),
        args.state.as_deref(),
    )?;
    let mut escalation_rows = found.rows;
    stages.done("escalations");
    let month = args.month.unwrap_or_else(|| Month::of(as_of));
    if let Some(month) = args.month {
        escalation_rows.retain(|row| row.month == month);
        // The month itself plus what comparisons need: the month before and a year before. The
        // board pack keeps the whole history for its trend charts.
        if args.format != Format::Html {
            metrics.retain_months(|m| m == month || m == month.prev() || m == month.offset(-12));
        }
    }
    let rules = crate::escalations::rules::layers(&args.data_dir, args.rules.as_deref());
    let mut report = Report::build(&dataset, &metrics, as_of, &args.data_dir, rules);
    report.escalations = escalation_rows;
    let text = match args.format {
        Format::Json => {
            // The largest output (tens of MB on years of data) goes out as it is serialised.
            write_output_with(args.out.as_deref(), |out| report.write_json(out))?;
            stages.done("build report and write");
            return Ok(());
        }
        Format::Csv => report::csv::write(&report),
        Format::Md => report::markdown::write(&report, &dataset, &metrics, month),
        Format::Html => {
            let departments: Vec<_> = dataset
                .departments
                .iter()
                .map(|(id, name)| (id, name.to_string()))
                .collect();
            let standings = StatusBoard::build(&found.rules, &departments, &found.raised);
            report::html::write(&report::html::Pack {
                report: &report,
                dataset: &dataset,
                metrics: &metrics,
                standings: &standings,
                latest_comments: &found.latest_comments,
                month,
            })
        }
    };
    stages.done("build report");
    write_output(args.out.as_deref(), &text)?;
    stages.done("write");
    Ok(())
}

fn write_output(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    write_output_with(out, |out| out.write_all(text.as_bytes()))
}

/// Writes what `write` produces to `out` (atomically) or to standard output, followed by a
/// newline on standard output.
fn write_output_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match out {
        Some(path) => crate::config::write_atomically_with(path, write).with_context(|| {
            format!(
                "could not write {}; check the folder exists and you may write there",
                path.display()
            )
        })?,
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = write(&mut stdout)
                .and_then(|()| stdout.write_all(b"\n"))
                .and_then(|()| stdout.flush());
        }
    }
    Ok(())
}
