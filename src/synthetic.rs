//! Large, deterministic data folders in the canonical column names, for benchmarks and the
//! `gen-data` binary: N NPS responses, N CSAT ratings, N/10 deliveries, N/5 customers, and
//! finance and workforce per department and month (2023-11 … 2026-10 by default); on request also
//! a time tracker's detailed report (Toggl layout, one row per entry) with the `[people]` it
//! needs.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Datelike, Days, NaiveDate};

const SEED: u64 = 20_261_123;
/// Time entries draw from their own generator, so asking for them changes no other file.
const TIME_SEED: u64 = 20_261_202;
/// People who log time, spread over the departments (a 500-person company).
const PEOPLE: usize = 500;
const LAST_MONTH: (i32, u32) = (2026, 10);

/// The size of a generated set.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// NPS responses and CSAT ratings each; deliveries are N/10, customers N/5.
    pub responses: usize,
    /// Departments in finance and workforce.
    pub departments: usize,
    /// Months of history, ending 2026-10.
    pub months: u32,
    /// Time entries in `time_entries.csv` (none when 0; the reference set has none).
    pub time_entries: usize,
}

impl Scale {
    /// The reference set of the performance targets at N responses: 200 departments × 36 months.
    pub fn reference(responses: usize) -> Scale {
        Scale {
            responses,
            departments: 200,
            months: 36,
            time_entries: 0,
        }
    }
}

/// Writes `finance.csv`, `workforce.csv`, `deliveries.csv`, `nps.csv`, `csat.csv` and
/// `customers.csv` into `folder` (created if missing). The same scale gives the same bytes.
pub fn write_set(folder: &Path, scale: Scale) -> Result<()> {
    std::fs::create_dir_all(folder)
        .with_context(|| format!("could not create {}", folder.display()))?;
    let calendar = Calendar::new(scale.months.max(1));
    let departments: Vec<String> = (1..=scale.departments.max(1))
        .map(|i| format!("Department {i:03}"))
        .collect();
    let mut rng = fastrand::Rng::with_seed(SEED);
    let n = scale.responses;
    write(folder, "finance.csv", |out| {
        finance(out, &calendar, &departments, &mut rng)
    })?;
    write(folder, "workforce.csv", |out| {
        workforce(out, &calendar, &departments, &mut rng)
    })?;
    write(folder, "deliveries.csv", |out| {
        deliveries(out, n / 10, &calendar, &departments, &mut rng)
    })?;
    write(folder, "nps.csv", |out| {
        nps(out, n, &calendar, &departments, &mut rng)
    })?;
    write(folder, "csat.csv", |out| {
        csat(out, n, &calendar, &departments, &mut rng)
    })?;
    write(folder, "customers.csv", |out| {
        customers(out, n / 5, &calendar, &departments, &mut rng)
    })?;
    if scale.time_entries > 0 {
        let mut rng = fastrand::Rng::with_seed(TIME_SEED);
        write(folder, "time_entries.csv", |out| {
            time_entries(out, scale.time_entries, &calendar, &mut rng)
        })?;
        write(folder, "coo-dashboard.toml", |out| {
            people(out, &departments)
        })?;
    }
    Ok(())
}

fn write(
    folder: &Path,
    name: &str,
    body: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let path = folder.join(name);
    let file =
        File::create(&path).with_context(|| format!("could not create {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    body(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("could not write {}", path.display()))
}

/// The months of the set and the days they span.
struct Calendar {
    months: Vec<NaiveDate>,
    first_day: NaiveDate,
    days: u64,
}

impl Calendar {
    fn new(count: u32) -> Calendar {
        let (year, month) = LAST_MONTH;
        let last = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
        let months: Vec<NaiveDate> = (0..count)
            .rev()
            .map(|back| last - chrono::Months::new(back))
            .collect();
        let first_day = months[0];
        let end = last + chrono::Months::new(1);
        let days = (end - first_day).num_days() as u64;
        Calendar {
            months,
            first_day,
            days,
        }
    }

    /// The day after the last month.
    fn end(&self) -> NaiveDate {
        self.first_day + Days::new(self.days)
    }

    fn random_day(&self, rng: &mut fastrand::Rng) -> NaiveDate {
        self.first_day + Days::new(rng.u64(0..self.days))
    }
}

fn month_text(month: NaiveDate) -> String {
    format!("{:04}-{:02}", month.year(), month.month())
}

fn pick<'a>(departments: &'a [String], rng: &mut fastrand::Rng) -> &'a str {
    &departments[rng.usize(0..departments.len())]
}

fn finance(
    out: &mut impl Write,
    calendar: &Calendar,
    departments: &[String],
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(
        out,
        "month,department,revenue,cogs,opex,depreciation,amortization,revenue_budget,cost_budget"
    )?;
    for &month in &calendar.months {
        for department in departments {
            let revenue = rng.u32(200_000..900_000) as f64 + rng.u32(0..100) as f64 / 100.0;
            let cogs = revenue * (0.45 + rng.f64() * 0.2);
            let opex = revenue * (0.15 + rng.f64() * 0.15);
            let depreciation = revenue * 0.02;
            let amortization = revenue * 0.01;
            let revenue_budget = revenue * (0.9 + rng.f64() * 0.2);
            let cost_budget = (cogs + opex) * (0.9 + rng.f64() * 0.2);
            writeln!(
                out,
                "{},{department},{revenue:.2},{cogs:.2},{opex:.2},{depreciation:.2},{amortization:.2},{revenue_budget:.2},{cost_budget:.2}",
                month_text(month)
            )?;
        }
    }
    Ok(())
}

fn workforce(
    out: &mut impl Write,
    calendar: &Calendar,
    departments: &[String],
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(
        out,
        "month,department,fte,available_hours,billable_hours,output_units"
    )?;
    for &month in &calendar.months {
        for department in departments {
            let fte = rng.u32(5..80) as f64 + rng.u32(0..10) as f64 / 10.0;
            let available = fte * 160.0;
            let billable = available * (0.6 + rng.f64() * 0.35);
            let output = rng.u32(100..5_000);
            writeln!(
                out,
                "{},{department},{fte:.1},{available:.1},{billable:.1},{output}",
                month_text(month)
            )?;
        }
    }
    Ok(())
}

fn deliveries(
    out: &mut impl Write,
    count: usize,
    calendar: &Calendar,
    departments: &[String],
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(
        out,
        "id,department,due_date,delivered_date,name,customer,budget_cost,actual_cost"
    )?;
    for i in 0..count {
        let due = calendar.random_day(rng);
        // 80% on time or early, 15% late by 1–40 days, 5% not delivered.
        let delivered = match rng.u32(0..100) {
            0..80 => Some(due - Days::new(rng.u64(0..10))),
            80..95 => Some(due + Days::new(rng.u64(1..41))),
            _ => None,
        };
        // The export is taken at the end of the last month: later deliveries have not happened.
        let delivered = delivered.filter(|day| *day < calendar.end());
        let budget = rng.u32(5_000..200_000) as f64;
        let actual = budget * (0.8 + rng.f64() * 0.4);
        write!(out, "D{i:07},{},{due},", pick(departments, rng))?;
        if let Some(day) = delivered {
            write!(out, "{day}")?;
        }
        writeln!(
            out,
            ",Deliverable {i},Customer {:06},{budget:.2},{actual:.2}",
            rng.u32(0..50_000)
        )?;
    }
    Ok(())
}

fn nps(
    out: &mut impl Write,
    count: usize,
    calendar: &Calendar,
    departments: &[String],
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(out, "response_id,date,score,customer_id,department")?;
    for i in 0..count {
        // Skewed towards promoters, as real surveys are.
        let score = match rng.u32(0..100) {
            0..45 => rng.u32(9..11),
            45..75 => rng.u32(7..9),
            _ => rng.u32(0..7),
        };
        writeln!(
            out,
            "R{i:08},{},{score},C{:07},{}",
            calendar.random_day(rng),
            rng.u32(0..200_000),
            pick(departments, rng)
        )?;
    }
    Ok(())
}

fn csat(
    out: &mut impl Write,
    count: usize,
    calendar: &Calendar,
    departments: &[String],
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(out, "ticket_id,date,satisfaction,department")?;
    for i in 0..count {
        let score = match rng.u32(0..100) {
            0..80 => rng.u32(4..6),
            _ => rng.u32(1..4),
        };
        writeln!(
            out,
            "T{i:08},{},{score},{}",
            calendar.random_day(rng),
            pick(departments, rng)
        )?;
    }
    Ok(())
}

fn customers(
    out: &mut impl Write,
    count: usize,
    calendar: &Calendar,
    departments: &[String],
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(out, "customer_id,start_date,end_date,mrr,department")?;
    let last_day = calendar.first_day + Days::new(calendar.days - 1);
    for i in 0..count {
        // A quarter of the customers were there before the first month.
        let start = if rng.u32(0..4) == 0 {
            calendar.first_day - Days::new(rng.u64(1..2_000))
        } else {
            calendar.random_day(rng)
        };
        // About 2% leave each month: an exponential lifetime with a mean of 50 months.
        let lifetime_days = (-(1.0 - rng.f64()).ln() * 50.0 * 30.4) as u64;
        let end = start + Days::new(lifetime_days.max(1));
        write!(out, "C{i:07},{start},")?;
        if end <= last_day {
            write!(out, "{end}")?;
        }
        writeln!(
            out,
            ",{:.2},{}",
            rng.u32(100..20_000) as f64,
            pick(departments, rng)
        )?;
    }
    Ok(())
}

fn person_email(person: usize) -> String {
    format!("person{person:03}@example.com")
}

/// Toggl Track's detailed report: one row per entry, `HH:MM:SS` durations, `Yes`/`No`.
fn time_entries(
    out: &mut impl Write,
    count: usize,
    calendar: &Calendar,
    rng: &mut fastrand::Rng,
) -> std::io::Result<()> {
    writeln!(
        out,
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (EUR)"
    )?;
    for _ in 0..count {
        let person = rng.usize(0..PEOPLE);
        let day = calendar.random_day(rng);
        let start_minutes = rng.u32(7 * 60..19 * 60);
        // 15 minutes to 8 hours, in whole seconds.
        let seconds = rng.u32(15 * 60..8 * 3600);
        let end_total = start_minutes * 60 + seconds;
        let end_day = day + Days::new(u64::from(end_total / 86_400));
        let end_seconds = end_total % 86_400;
        let billable = rng.u32(0..100) < 70;
        let client = rng.u32(0..300);
        writeln!(
            out,
            "Person {person:03},{},Client {client:03},Project {:03},,Work,{},{day},{:02}:{:02}:00,{end_day},{:02}:{:02}:{:02},{:02}:{:02}:{:02},,{}",
            person_email(person),
            client * 3 + rng.u32(0..3),
            if billable { "Yes" } else { "No" },
            start_minutes / 60,
            start_minutes % 60,
            end_seconds / 3600,
            end_seconds / 60 % 60,
            end_seconds % 60,
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60,
            if billable {
                format!("{:.2}", f64::from(seconds) / 3600.0 * 95.0)
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

/// The `[people]` settings that place each person of the time entries in a department.
fn people(out: &mut impl Write, departments: &[String]) -> std::io::Result<()> {
    writeln!(out, "[people]")?;
    for person in 0..PEOPLE {
        writeln!(
            out,
            "\"{}\" = \"{}\"",
            person_email(person),
            departments[person % departments.len()]
        )?;
    }
    Ok(())
}

/// The reference set at N responses in the system temp folder, written on first use and reused
/// after (benchmarks share it).
pub fn reference_set(responses: usize) -> Result<std::path::PathBuf> {
    let folder = std::env::temp_dir().join(format!("coo-dashboard-bench-{responses}"));
    let complete = folder.join(".complete");
    if !complete.exists() {
        write_set(&folder, Scale::reference(responses))?;
        std::fs::write(&complete, b"")?;
    }
    Ok(folder)
}

/// One kind of export alone, to compare what reading each costs row for row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SingleKind {
    /// `time_entries.csv` (Toggl layout) with the `[people]` settings that place everyone.
    TimeEntries,
    /// `nps.csv` in the canonical columns.
    Nps,
}

/// A folder in the system temp folder holding `rows` rows of one kind only (200 departments,
/// 36 months), written on first use and reused after.
pub fn single_kind_set(kind: SingleKind, rows: usize) -> Result<std::path::PathBuf> {
    let name = match kind {
        SingleKind::TimeEntries => "time-entries",
        SingleKind::Nps => "nps",
    };
    let folder = std::env::temp_dir().join(format!("coo-dashboard-bench-{name}-{rows}"));
    let complete = folder.join(".complete");
    if complete.exists() {
        return Ok(folder);
    }
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("could not create {}", folder.display()))?;
    let scale = Scale::reference(rows);
    let calendar = Calendar::new(scale.months);
    let departments: Vec<String> = (1..=scale.departments)
        .map(|i| format!("Department {i:03}"))
        .collect();
    match kind {
        SingleKind::TimeEntries => {
            let mut rng = fastrand::Rng::with_seed(TIME_SEED);
            write(&folder, "time_entries.csv", |out| {
                time_entries(out, rows, &calendar, &mut rng)
            })?;
            write(&folder, "coo-dashboard.toml", |out| {
                people(out, &departments)
            })?;
        }
        SingleKind::Nps => {
            let mut rng = fastrand::Rng::with_seed(SEED);
            write(&folder, "nps.csv", |out| {
                nps(out, rows, &calendar, &departments, &mut rng)
            })?;
        }
    }
    std::fs::write(&complete, b"")?;
    Ok(folder)
}

/// N from `COO_BENCH_SCALE`; else 1,000,000 (the reference set) under `cargo bench`, and
/// 10,000 when `cargo test --all-targets` runs each benchmark once as a test (cargo passes
/// `--bench` only to a benchmark run), which then only shows that it runs.
pub fn bench_scale() -> usize {
    std::env::var("COO_BENCH_SCALE")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| {
            if std::env::args().any(|arg| arg == "--bench") {
                1_000_000
            } else {
                10_000
            }
        })
}
