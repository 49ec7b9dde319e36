//! Writes a large, deterministic data folder in the canonical column names, for benchmarks.
//!
//! `cargo run --release --bin gen-data -- --scale 1000000 --out /tmp/ref` writes the reference set:
//! N NPS responses, N CSAT ratings, N/10 deliveries, N/5 customers, and finance and workforce for
//! 200 departments × 36 months (2023-11 … 2026-10). The same N always gives the same bytes.
//! `--time-entries M` adds a time tracker's detailed report of M entries.

use std::path::PathBuf;

use clap::Parser;
use coo_dashboard::synthetic::{Scale, write_set};

#[derive(Parser)]
#[command(about = "Write a large deterministic data folder for benchmarks")]
struct Args {
    /// Survey responses (NPS) and ratings (CSAT) each; deliveries are N/10, customers N/5.
    #[arg(long, default_value_t = 1_000_000)]
    scale: usize,
    /// The folder to write (created if missing; existing files of the same names are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Departments in finance and workforce.
    #[arg(long, default_value_t = 200)]
    departments: usize,
    /// Months of history, ending 2026-10.
    #[arg(long, default_value_t = 36)]
    months: u32,
    /// Time entries of a time tracker's detailed report (Toggl layout) in `time_entries.csv`,
    /// with the `[people]` settings that place its 500 people in `coo-dashboard.toml`.
    #[arg(long, default_value_t = 0)]
    time_entries: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    write_set(
        &args.out,
        Scale {
            responses: args.scale,
            departments: args.departments,
            months: args.months,
            time_entries: args.time_entries,
        },
    )
}
