//! The command line (SPEC §5). Two stages: clap checks what was typed, then [`run`] turns it
//! into work. Exit codes: 0 done (data-quality problems included), 2 usage error or unreadable
//! data folder, 3 no recognisable data. Errors print as one plain sentence, never a backtrace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use clap::{Parser, Subcommand, ValueEnum};

use crate::analysis::{self, Analysis};
use crate::input;
use crate::model::Month;
use crate::report;

mod escalations;
mod explain;
mod notes;

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
    /// Break one value down to the departments and the file lines behind it, with the arithmetic.
    Explain(explain::ExplainArgs),
    /// List, add or remove the notes written on the numbers.
    Notes(notes::NotesArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The folder that holds the exports.
    pub data_dir: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write here instead of standard output (`-` is standard output). A file is replaced
    /// atomically keeping its permissions, a link's target is written, a device or pipe is
    /// written straight through.
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
    /// Write the report even when the escalation state cannot be read: every escalation then
    /// shows as open, and the report says so on its first line.
    #[arg(long)]
    pub ignore_state_errors: bool,
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
        .ok()
        .filter(|day| day.year().abs() <= crate::model::MAX_YEAR)
        .ok_or_else(|| {
            format!(
                "'{}' is not a date; write it as YYYY-MM-DD, with a year within ±{}",
                crate::text::cut(text, crate::text::ECHO_CHARS),
                crate::model::MAX_YEAR
            )
        })
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
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Notes(args)) => notes::run(&args),
    }
}

#[cfg(feature = "gui")]
fn run_gui(data_dir: Option<PathBuf>) -> Result<(), Failure> {
    let data_dir = data_dir.unwrap_or_else(crate::config::default_data_dir);
    crate::app::run(data_dir)
        .map_err(|error| Failure::Usage(anyhow::anyhow!("the window could not be opened: {error}")))
}

#[cfg(not(feature = "gui"))]
fn run_gui(_data_dir: Option<PathBuf>) -> Result<(), Failure> {
    Err(Failure::Usage(anyhow::anyhow!(
        "this build has no desktop app (built without the `gui` feature); use `coo-dashboard report DATA_DIR`"
    )))
}

/// The analysis of the folder, or why there is none: exit 2 for a folder or `--rules` file
/// that cannot be read, exit 3 for a folder with nothing recognisable.
pub fn analyse(data_dir: &Path, options: &analysis::Options) -> Result<Analysis, Failure> {
    let analysis =
        analysis::run(data_dir, options).map_err(|error| Failure::Usage(error.into()))?;
    match analysis.no_data() {
        Some(sentence) => Err(Failure::NoData(sentence)),
        None => Ok(analysis),
    }
}

/// Prints the settings and rules problems of an analysis as warnings on stderr.
pub fn warn_rule_problems(analysis: &Analysis) {
    for problem in &analysis.rule_problems {
        eprintln!("coo-dashboard: warning: {problem}");
    }
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

    /// The analysis' own stages.
    fn report(&mut self, timings: &analysis::Timings) {
        if self.enabled {
            for (stage, took) in [
                ("read folder", timings.read),
                ("compute metrics", timings.metrics),
                ("escalations", timings.escalations),
                ("  of which forecasts", timings.forecasts),
            ] {
                eprintln!("coo-dashboard: {stage:<24} {:>8.3} s", took.as_secs_f64());
            }
            self.last = std::time::Instant::now();
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
    let options = analysis::Options {
        rules_file: args.rules.clone(),
        state_file: args.state.clone(),
        as_of: args.as_of,
    };
    let mut analysis = analyse(&args.data_dir, &options)?;
    warn_rule_problems(&analysis);
    if let Some(error) = &analysis.state_error {
        if !args.ignore_state_errors {
            return Err(Failure::Usage(anyhow::anyhow!(
                "escalation status unavailable: {error}; no report was written (pass --ignore-state-errors to write it with every escalation shown as open)"
            )));
        }
        eprintln!(
            "coo-dashboard: warning: escalation status unavailable: {error}; every escalation shows as open"
        );
    }
    let mut timings = Stages::start();
    timings.report(&analysis.timings);
    if let Some(month) = args.month {
        analysis::within_data(&analysis.dataset, "--month", &month.to_string(), month)
            .map_err(|sentence| Failure::Usage(anyhow::anyhow!(sentence)))?;
    }
    let month = args.month.unwrap_or_else(|| Month::of(analysis.as_of));
    // Escalations need the whole history (trend, anomaly), so they were found before `--month`
    // trims it. The month itself plus what comparisons need: the month before and a year
    // before. The board pack keeps the whole history for its trend charts.
    if let Some(month) = args.month
        && args.format != Format::Html
    {
        analysis
            .metrics
            .retain_months(|m| m == month || m == month.prev() || m == month.offset(-12));
    }
    let basis = analysis.basis();
    let mut report = basis.report(&analysis.states);
    if let Some(month) = args.month {
        report.escalations.retain(|row| row.month == month);
    }
    let text = match args.format {
        Format::Json => {
            // The largest output (tens of MB on years of data) goes out as it is serialised.
            write_output_with(args.out.as_deref(), |out| report.write_json(out))?;
            timings.done("build report and write");
            return Ok(());
        }
        Format::Csv => report::csv::write(&report),
        Format::Md => basis.memo(&report, month),
        Format::Html => basis.board_pack(&report, &analysis.latest_comments, month),
    };
    timings.done("build report");
    write_output(args.out.as_deref(), &text)?;
    timings.done("write");
    Ok(())
}

fn write_output(out: Option<&Path>, text: &str) -> Result<(), Failure> {
    write_output_with(out, |out| out.write_all(text.as_bytes()))
}

/// Writes what `write` produces to `out` (see `config::write_atomically_with`: a file is
/// replaced atomically, a device or pipe written straight through, a link's target written) or,
/// without `--out` or with `--out -`, to standard output followed by a newline.
fn write_output_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match out.filter(|path| *path != Path::new("-")) {
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
