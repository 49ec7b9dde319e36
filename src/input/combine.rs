//! Combining the files of one kind so that nothing counts twice (SPEC §1):
//!
//! - an exact repeat of a row already read (same columns, same values) is dropped;
//! - monthly kinds (wide finance, workforce, customer summaries): for one month × department,
//!   the newest file (path last in natural order) wins; rows of one file with the same key add up
//!   (two lines of one department are two parts of it);
//! - finance ledgers: postings add up across files; where a wide file and a ledger both give a
//!   month × department, the newer file wins;
//! - deliveries and customer lists: one row per id, the newest export's row wins (a later
//!   project list carries the delivered date an earlier one lacked).
//!
//! Every drop is counted on its source and explained in one data-quality entry per pair of files.

use std::collections::HashMap;
use std::hash::Hash;

use rayon::slice::ParallelSliceMut;

use xxhash_rust::xxh3::Xxh3Builder;

use super::rows::{Category, Parsed, ParsedRows, Posting};
use super::settings::{CONFIG_FILE, Staffing};
use crate::model::{
    Action, CsatRating, CustomerRow, CustomerSummaryRow, DataQualityIssue, Dataset, DeliveryRow,
    DepartmentId, FinanceRow, Month, NpsResponse, PersonSeen, RowRef, SourceLine, SourceSummary,
    TimeEntry, TimeLine, WorkforceRow,
};

/// Drops counted per (dropped file, file that explains the drop), with the first lines involved.
#[derive(Default)]
struct Drops {
    duplicates: HashMap<(u32, u32), (usize, u32, u32)>,
    superseded: HashMap<(u32, u32), usize>,
    repeated_ids: Vec<(RowRef, RowRef, String)>,
}

impl Drops {
    fn duplicate(&mut self, dropped: RowRef, original: RowRef) {
        let entry = self
            .duplicates
            .entry((dropped.source, original.source))
            .or_insert((0, dropped.line, original.line));
        entry.0 += 1;
    }

    fn supersede(&mut self, dropped_source: u32, newer_source: u32, rows: usize) {
        *self
            .superseded
            .entry((dropped_source, newer_source))
            .or_default() += rows;
    }

    fn report(self, sources: &mut [SourceSummary], issues: &mut Vec<DataQualityIssue>) {
        let name = |sources: &[SourceSummary], index: u32| {
            sources
                .get(index as usize)
                .map_or_else(String::new, |s| s.file.clone())
        };
        let mut duplicates: Vec<_> = self.duplicates.into_iter().collect();
        duplicates.sort_by_key(|(key, _)| *key);
        for ((dropped, original), (count, first_line, original_line)) in duplicates {
            let original_name = name(sources, original);
            let problem = if dropped == original {
                format!(
                    "{count} row(s) repeat earlier rows of this file exactly (first: line {first_line} repeats line {original_line}); each was counted once"
                )
            } else {
                format!(
                    "{count} row(s) repeat rows already read from {original_name} (first: line {first_line} repeats its line {original_line}); each was counted once"
                )
            };
            if let Some(source) = sources.get_mut(dropped as usize) {
                source.rows_duplicate += count;
            }
            issues.push(DataQualityIssue {
                file: name(sources, dropped),
                line: Some(first_line as usize),
                column: None,
                value: None,
                problem,
                action: Action::DuplicateDropped,
            });
        }
        for (dropped, original, id) in self.repeated_ids {
            if let Some(source) = sources.get_mut(dropped.source as usize) {
                source.rows_duplicate += 1;
            }
            issues.push(DataQualityIssue {
                file: name(sources, dropped.source),
                line: Some(dropped.line as usize),
                column: None,
                value: Some(id.clone()),
                problem: format!("id {id} appears again (first at line {}); the later row was skipped — give each item its own id", original.line),
                action: Action::DuplicateDropped,
            });
        }
        let mut superseded: Vec<_> = self.superseded.into_iter().collect();
        superseded.sort_by_key(|(key, _)| *key);
        for ((dropped, newer), count) in superseded {
            let newer_name = name(sources, newer);
            if let Some(source) = sources.get_mut(dropped as usize) {
                source.rows_duplicate += count;
            }
            issues.push(DataQualityIssue {
                file: name(sources, dropped),
                line: None,
                column: None,
                value: None,
                problem: format!("{count} row(s) are also in the newer export {newer_name}, whose values are used"),
                action: Action::Superseded,
            });
        }
    }
}

/// Adds one file's rows to a kind's rows (the first file's vector is kept, not copied).
fn append<T>(all: &mut Vec<T>, mut rows: Vec<T>) {
    if all.is_empty() {
        std::mem::swap(all, &mut rows);
    } else {
        all.append(&mut rows);
    }
}

/// Keeps the first of each exactly repeated row of one kind (`rows` in file order, then line
/// order). Fingerprints are sorted with their positions rather than put in a hash map: for two
/// million survey rows that takes a fifth of the memory and no longer.
fn drop_exact_duplicates<T: Send>(rows: Vec<Parsed<T>>, drops: &mut Drops) -> Vec<Parsed<T>> {
    let mut order: Vec<(u64, u32)> = rows
        .iter()
        .enumerate()
        .map(|(index, parsed)| (parsed.fingerprint, index as u32))
        .collect();
    order.par_sort_unstable();
    // Each run of equal fingerprints: the first position is the original, the rest repeat it.
    let mut repeats: Vec<(u32, u32)> = Vec::new();
    for run in order.chunk_by(|a, b| a.0 == b.0) {
        let original = run[0].1;
        repeats.extend(run[1..].iter().map(|&(_, repeat)| (repeat, original)));
    }
    drop(order);
    if repeats.is_empty() {
        return rows;
    }
    repeats.sort_unstable();
    let mut keep = vec![true; rows.len()];
    for &(repeat, original) in &repeats {
        keep[repeat as usize] = false;
        drops.duplicate(rows[repeat as usize].origin, rows[original as usize].origin);
    }
    rows.into_iter()
        .zip(keep)
        .filter_map(|(parsed, keep)| keep.then_some(parsed))
        .collect()
}

/// For each key, the rows of the newest source that has it; older sources' rows are superseded.
/// A candidate is `(key, rank, source, weight, row)`: the highest rank wins (a source index, so
/// the newest file), `source` is the file it came from and `weight` how many input rows it
/// stands for.
fn newest_per_key<K: Hash + Eq + Copy + Ord, T>(
    candidates: Vec<(K, u32, u32, usize, T)>,
    drops: &mut Drops,
) -> Vec<(K, Vec<T>)> {
    let mut newest: HashMap<K, u32> = HashMap::new();
    for (key, rank, ..) in &candidates {
        let entry = newest.entry(*key).or_insert(*rank);
        *entry = (*entry).max(*rank);
    }
    let mut grouped: HashMap<K, Vec<T>> = HashMap::new();
    for (key, rank, source, weight, row) in candidates {
        let winner = newest[&key];
        if rank == winner {
            grouped.entry(key).or_default().push(row);
        } else {
            drops.supersede(source, winner, weight);
        }
    }
    let mut grouped: Vec<(K, Vec<T>)> = grouped.into_iter().collect();
    grouped.sort_by_key(|(key, _)| *key);
    grouped
}

/// One row per id; the newest source's row wins.
fn newest_per_id<T>(rows: Vec<Parsed<T>>, id: impl Fn(&T) -> &str, drops: &mut Drops) -> Vec<T> {
    let mut kept: Vec<Parsed<T>> = Vec::with_capacity(rows.len());
    let mut position: HashMap<String, usize, Xxh3Builder> =
        HashMap::with_capacity_and_hasher(rows.len(), Xxh3Builder::new());
    for parsed in rows {
        let key = id(&parsed.row).to_string();
        match position.get(&key) {
            None => {
                position.insert(key, kept.len());
                kept.push(parsed);
            }
            Some(&index) if kept[index].origin.source == parsed.origin.source => {
                drops
                    .repeated_ids
                    .push((parsed.origin, kept[index].origin, key));
            }
            Some(&index) => {
                drops.supersede(kept[index].origin.source, parsed.origin.source, 1);
                kept[index] = parsed;
            }
        }
    }
    kept.into_iter().map(|parsed| parsed.row).collect()
}

fn sum_optional(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |total, value| Some(total.unwrap_or(0.0) + value))
}

fn sum_finance(month: Month, department: Option<DepartmentId>, rows: &[FinanceRow]) -> FinanceRow {
    FinanceRow {
        month,
        department,
        revenue: rows.iter().map(|r| r.revenue).sum(),
        cogs: rows.iter().map(|r| r.cogs).sum(),
        opex: rows.iter().map(|r| r.opex).sum(),
        depreciation: rows.iter().map(|r| r.depreciation).sum(),
        amortization: rows.iter().map(|r| r.amortization).sum(),
        revenue_budget: sum_optional(rows.iter().map(|r| r.revenue_budget)),
        cost_budget: sum_optional(rows.iter().map(|r| r.cost_budget)),
    }
}

fn posting_as_row(posting: &Posting) -> FinanceRow {
    let mut row = FinanceRow::zero(posting.month, posting.department);
    match posting.category {
        Category::Revenue => row.revenue = posting.amount,
        Category::Cogs => row.cogs = posting.amount,
        Category::Opex => row.opex = posting.amount,
        Category::Depreciation => row.depreciation = posting.amount,
        Category::Amortization => row.amortization = posting.amount,
    }
    row
}

/// A line as it was read, not (yet) superseded.
fn line_of<T>(origin: RowRef, row: T) -> SourceLine<T> {
    SourceLine {
        origin,
        row,
        superseded_by: None,
    }
}

/// The winning rank per key, as [`newest_per_key`] picks it: the highest.
fn winning_ranks<K: Hash + Eq>(ranks: impl Iterator<Item = (K, u32)>) -> HashMap<K, u32> {
    let mut winners: HashMap<K, u32> = HashMap::new();
    for (key, rank) in ranks {
        let entry = winners.entry(key).or_insert(rank);
        *entry = (*entry).max(rank);
    }
    winners
}

/// Marks each line whose rank lost to its key's winner as superseded by the winning file, and
/// orders the lines by file and line.
fn mark_superseded<K: Hash + Eq, T>(
    lines: Vec<(u32, SourceLine<T>)>,
    winners: &HashMap<K, u32>,
    key: impl Fn(&T) -> K,
) -> Vec<SourceLine<T>> {
    let mut lines: Vec<SourceLine<T>> = lines
        .into_iter()
        .map(|(rank, mut line)| {
            let winner = winners.get(&key(&line.row)).copied().unwrap_or(rank);
            if winner != rank {
                line.superseded_by = Some(winner);
            }
            line
        })
        .collect();
    lines.sort_by_key(|line| (line.origin.source, line.origin.line));
    lines
}

/// Combines every file's rows into the dataset's per-kind tables. `files` are in natural path
/// order (source index order); each row knows its source.
pub fn combine(files: Vec<ParsedRows>, dataset: &mut Dataset, staffing: &Staffing) {
    let mut drops = Drops::default();

    // Every file's rows, per kind, in file order; exact repeats are found per kind.
    let mut finance_wide = Vec::new();
    let mut ledger = Vec::new();
    let mut deliveries = Vec::new();
    let mut workforce = Vec::new();
    let mut nps = Vec::new();
    let mut csat = Vec::new();
    let mut customers = Vec::new();
    let mut summaries = Vec::new();
    let mut time_entries = Vec::new();
    let mut people: Vec<PersonSeen> = Vec::new();
    for rows in files {
        match rows {
            ParsedRows::FinanceWide(rows) => append(&mut finance_wide, rows),
            ParsedRows::FinanceLedger(rows) => append(&mut ledger, rows),
            ParsedRows::Deliveries(rows) => append(&mut deliveries, rows),
            ParsedRows::Workforce(rows) => append(&mut workforce, rows),
            ParsedRows::Nps(rows) => append(&mut nps, rows),
            ParsedRows::Csat(rows) => append(&mut csat, rows),
            ParsedRows::Customers(rows) => append(&mut customers, rows),
            ParsedRows::CustomerSummary(rows) => append(&mut summaries, rows),
            ParsedRows::Surveys(nps_rows, csat_rows) => {
                append(&mut nps, nps_rows);
                append(&mut csat, csat_rows);
            }
            ParsedRows::TimeEntries(rows, seen) => {
                append(&mut time_entries, rows);
                people.extend(seen);
            }
        }
    }
    let finance_wide = drop_exact_duplicates(finance_wide, &mut drops);
    let ledger = drop_exact_duplicates(ledger, &mut drops);
    let deliveries = drop_exact_duplicates(deliveries, &mut drops);
    let workforce = drop_exact_duplicates(workforce, &mut drops);
    let nps: Vec<NpsResponse> = drop_exact_duplicates(nps, &mut drops)
        .into_iter()
        .map(|parsed| parsed.row)
        .collect();
    let csat: Vec<CsatRating> = drop_exact_duplicates(csat, &mut drops)
        .into_iter()
        .map(|parsed| parsed.row)
        .collect();
    let customers = drop_exact_duplicates(customers, &mut drops);
    let summaries = drop_exact_duplicates(summaries, &mut drops);
    let time_entries = drop_exact_duplicates(time_entries, &mut drops);

    // Finance: wide rows and ledger postings grouped per month × department; newest file wins.
    // A ledger group ranks as its newest file but each file's postings are counted on that file.
    type Key = (Month, Option<DepartmentId>);
    // The lines behind each month × department (SPEC §7), each with its rank as below.
    let mut finance_lines: Vec<(u32, SourceLine<FinanceRow>)> = finance_wide
        .iter()
        .map(|p| (p.origin.source, line_of(p.origin, p.row.clone())))
        .collect();
    let mut candidates: Vec<(Key, u32, u32, usize, FinanceRow)> = finance_wide
        .into_iter()
        .map(|p: Parsed<FinanceRow>| {
            (
                (p.row.month, p.row.department),
                p.origin.source,
                p.origin.source,
                1,
                p.row,
            )
        })
        .collect();
    let mut ledger_groups: HashMap<Key, HashMap<u32, Vec<FinanceRow>>> = HashMap::new();
    let mut posting_lines: Vec<(Key, SourceLine<FinanceRow>)> = Vec::with_capacity(ledger.len());
    for parsed in ledger {
        let key = (parsed.row.month, parsed.row.department);
        let row = posting_as_row(&parsed.row);
        posting_lines.push((key, line_of(parsed.origin, row.clone())));
        ledger_groups
            .entry(key)
            .or_default()
            .entry(parsed.origin.source)
            .or_default()
            .push(row);
    }
    // A posting ranks as its month × department's newest ledger file.
    let ledger_rank: HashMap<Key, u32> = ledger_groups
        .iter()
        .map(|(key, per_file)| (*key, per_file.keys().copied().max().unwrap_or_default()))
        .collect();
    finance_lines.extend(
        posting_lines
            .into_iter()
            .map(|(key, line)| (ledger_rank[&key], line)),
    );
    for (key, per_file) in ledger_groups {
        let rank = per_file.keys().copied().max().unwrap_or_default();
        for (source, rows) in per_file {
            candidates.push((
                key,
                rank,
                source,
                rows.len(),
                sum_finance(key.0, key.1, &rows),
            ));
        }
    }
    let winners = winning_ranks(candidates.iter().map(|(key, rank, ..)| (*key, *rank)));
    dataset.lines.finance =
        mark_superseded(finance_lines, &winners, |row| (row.month, row.department));
    dataset.finance = newest_per_key(candidates, &mut drops)
        .into_iter()
        .map(|((month, department), rows)| sum_finance(month, department, &rows))
        .collect();

    let workforce_lines: Vec<(u32, SourceLine<WorkforceRow>)> = workforce
        .iter()
        .map(|p| (p.origin.source, line_of(p.origin, p.row.clone())))
        .collect();
    let winners = winning_ranks(
        workforce_lines
            .iter()
            .map(|(rank, line)| ((line.row.month, line.row.department), *rank)),
    );
    dataset.lines.workforce =
        mark_superseded(workforce_lines, &winners, |row| (row.month, row.department));
    dataset.workforce = newest_per_key(
        workforce
            .into_iter()
            .map(|p: Parsed<WorkforceRow>| {
                (
                    (p.row.month, p.row.department),
                    p.origin.source,
                    p.origin.source,
                    1,
                    p.row,
                )
            })
            .collect(),
        &mut drops,
    )
    .into_iter()
    .map(|((month, department), rows)| WorkforceRow {
        month,
        department,
        fte: rows.iter().map(|r| r.fte).sum(),
        available_hours: rows.iter().map(|r| r.available_hours).sum(),
        billable_hours: rows.iter().map(|r| r.billable_hours).sum(),
        output_units: sum_optional(rows.iter().map(|r| r.output_units)),
        tracked_hours: sum_optional(rows.iter().map(|r| r.tracked_hours)),
    })
    .collect();
    if let Some(first) = time_entries.first() {
        let first_file = dataset
            .sources
            .get(first.origin.source as usize)
            .map_or_else(String::new, |source| source.file.clone());
        let tracked = time_tracked_months(time_entries, people, staffing, dataset);
        dataset.workforce = with_time_tracked(
            std::mem::take(&mut dataset.workforce),
            tracked,
            &first_file,
            &mut dataset.data_quality,
        );
    }

    let summary_lines: Vec<(u32, SourceLine<CustomerSummaryRow>)> = summaries
        .iter()
        .map(|p| (p.origin.source, line_of(p.origin, p.row.clone())))
        .collect();
    let winners = winning_ranks(
        summary_lines
            .iter()
            .map(|(rank, line)| ((line.row.month, line.row.department), *rank)),
    );
    dataset.lines.customer_summaries =
        mark_superseded(summary_lines, &winners, |row| (row.month, row.department));
    dataset.customer_summaries = newest_per_key(
        summaries
            .into_iter()
            .map(|p: Parsed<CustomerSummaryRow>| {
                (
                    (p.row.month, p.row.department),
                    p.origin.source,
                    p.origin.source,
                    1,
                    p.row,
                )
            })
            .collect(),
        &mut drops,
    )
    .into_iter()
    .map(|((month, department), rows)| CustomerSummaryRow {
        month,
        department,
        customers_start: rows.iter().map(|r| r.customers_start).sum(),
        churned_customers: rows.iter().map(|r| r.churned_customers).sum(),
        new_customers: sum_optional(rows.iter().map(|r| r.new_customers)),
    })
    .collect();

    dataset.deliveries = newest_per_id(deliveries, |row: &DeliveryRow| row.id.as_str(), &mut drops);
    dataset.customers = newest_per_id(
        customers,
        |row: &CustomerRow| row.customer_id.as_str(),
        &mut drops,
    );
    dataset.nps = nps;
    dataset.csat = csat;

    drops.report(&mut dataset.sources, &mut dataset.data_quality);
    for summary in &mut dataset.sources {
        summary.rows_used = summary
            .rows_read
            .saturating_sub(summary.rows_rejected + summary.rows_ignored + summary.rows_duplicate);
    }
}

/// One person's month: (department, hours logged, billable hours) per department.
type Logged = Vec<(Option<DepartmentId>, f64, f64)>;

/// Everyone who logged time, once each (the first file's spelling of their name), sorted by
/// name: hours from `per_person` (repeats already dropped), ungrouped when `[people]` was asked
/// for them (`from_settings` holds exactly the people with an entry the export left ungrouped).
fn people_seen<V>(
    mut people: Vec<PersonSeen>,
    per_person: &rustc_hash::FxHashMap<(Month, u64), Logged>,
    from_settings: &rustc_hash::FxHashMap<u64, V>,
) -> Vec<PersonSeen> {
    let mut hours: rustc_hash::FxHashMap<u64, f64> = rustc_hash::FxHashMap::default();
    for ((_, person), logged) in per_person {
        *hours.entry(*person).or_default() +=
            logged.iter().map(|(_, tracked, _)| tracked).sum::<f64>();
    }
    let mut seen = rustc_hash::FxHashSet::default();
    people.retain(|person| seen.insert(person.key));
    for person in &mut people {
        person.hours = hours.get(&person.key).copied().unwrap_or(0.0);
        person.ungrouped = from_settings.contains_key(&person.key);
    }
    people.sort_by_cached_key(|person| person.name.to_lowercase());
    people
}

/// Per month × department from time entries (SPEC §2b): billable and tracked hours, FTE as the
/// people who logged time, available hours as FTE × `hours_per_fte_month`. A person who logged
/// time for several departments in a month counts as a share of one FTE in each, by the hours
/// logged there (equal shares when they logged no hours), so departments add up to the
/// company's distinct people. The department is the export's own group, else `[people]`, else
/// none (company totals only, one entry per file).
fn time_tracked_months(
    entries: Vec<Parsed<TimeEntry>>,
    people: Vec<PersonSeen>,
    staffing: &Staffing,
    dataset: &mut Dataset,
) -> Vec<WorkforceRow> {
    use rustc_hash::{FxHashMap, FxHashSet};
    let first_file = entries
        .first()
        .and_then(|parsed| dataset.sources.get(parsed.origin.source as usize))
        .map_or_else(String::new, |source| source.file.clone());
    let mut from_settings: FxHashMap<u64, Option<DepartmentId>> = FxHashMap::default();
    let mut per_person: FxHashMap<(Month, u64), Logged> = FxHashMap::default();
    // Per file: the people without a department and the first line of one.
    let mut unplaced: FxHashMap<u32, (u32, FxHashSet<u64>)> = FxHashMap::default();
    dataset.lines.time_entries.reserve(entries.len());
    for parsed in entries {
        let entry = parsed.row;
        let department = entry.department.or_else(|| {
            *from_settings.entry(entry.person).or_insert_with(|| {
                staffing
                    .people
                    .get(&entry.person)
                    .or_else(|| {
                        entry
                            .person_alias
                            .and_then(|alias| staffing.people.get(&alias))
                    })
                    .and_then(|name| dataset.departments.intern(name))
            })
        });
        if department.is_none() {
            let (_, people) = unplaced
                .entry(parsed.origin.source)
                .or_insert((parsed.origin.line, FxHashSet::default()));
            people.insert(entry.person);
        }
        dataset.lines.time_entries.push(TimeLine {
            origin: parsed.origin,
            month: Month::of(entry.date),
            department,
            hours: entry.hours,
            billable: entry.billable,
        });
        let logged = per_person
            .entry((Month::of(entry.date), entry.person))
            .or_default();
        let billable = if entry.billable { entry.hours } else { 0.0 };
        match logged.iter_mut().find(|(d, ..)| *d == department) {
            Some((_, tracked, billed)) => {
                *tracked += entry.hours;
                *billed += billable;
            }
            None => logged.push((department, entry.hours, billable)),
        }
    }
    dataset.people = people_seen(people, &per_person, &from_settings);
    let mut unplaced: Vec<_> = unplaced.into_iter().collect();
    unplaced.sort_unstable_by_key(|(source, _)| *source);
    for (source, (line, people)) in unplaced {
        let file = dataset
            .sources
            .get(source as usize)
            .map_or_else(String::new, |s| s.file.clone());
        dataset.data_quality.push(DataQualityIssue {
            file,
            line: Some(line as usize),
            column: None,
            value: None,
            problem: format!(
                "{} person(s) logged time with no department (no group in the export and none under [people] in {CONFIG_FILE}; first at line {line}); their hours count in company totals only — add them under [people] to place them",
                people.len()
            ),
            action: Action::RowKept,
        });
    }
    let mut months: FxHashMap<(Month, Option<DepartmentId>), (f64, f64, f64)> =
        FxHashMap::default();
    let mut split = 0usize;
    for ((month, _), logged) in per_person {
        let total: f64 = logged.iter().map(|(_, tracked, _)| tracked).sum();
        split += usize::from(logged.len() > 1);
        let parts = logged.len() as f64;
        for (department, tracked, billed) in logged {
            let share = if total > 0.0 {
                tracked / total
            } else {
                1.0 / parts
            };
            let sums = months.entry((month, department)).or_default();
            sums.0 += share;
            sums.1 += tracked;
            sums.2 += billed;
        }
    }
    if split > 0 {
        dataset.data_quality.push(DataQualityIssue {
            file: first_file.clone(),
            line: None,
            column: None,
            value: None,
            problem: format!("{split} person-month(s) of time entries span several departments; each such person counts as a share of one FTE in each department, by the hours logged there"),
            action: Action::Assumed,
        });
    }
    let mut rows: Vec<WorkforceRow> = months
        .into_iter()
        .map(
            |((month, department), (fte, tracked, billable))| WorkforceRow {
                month,
                department,
                fte,
                available_hours: fte * staffing.hours_per_fte_month,
                billable_hours: billable,
                output_units: None,
                tracked_hours: Some(tracked),
            },
        )
        .collect();
    rows.sort_unstable_by_key(|row| (row.month, row.department));
    rows
}

/// Monthly workforce rows and time-tracked months together: where both give a month ×
/// department, the workforce file's FTE, available hours and output stay (SPEC §2b) and the
/// time entries give billable and tracked hours.
fn with_time_tracked(
    monthly: Vec<WorkforceRow>,
    tracked: Vec<WorkforceRow>,
    file: &str,
    issues: &mut Vec<DataQualityIssue>,
) -> Vec<WorkforceRow> {
    let mut by_key: HashMap<(Month, Option<DepartmentId>), WorkforceRow> = monthly
        .into_iter()
        .map(|row| ((row.month, row.department), row))
        .collect();
    let mut both = 0usize;
    for row in tracked {
        match by_key.get_mut(&(row.month, row.department)) {
            Some(monthly) => {
                both += 1;
                monthly.billable_hours = row.billable_hours;
                monthly.tracked_hours = row.tracked_hours;
            }
            None => {
                by_key.insert((row.month, row.department), row);
            }
        }
    }
    if both > 0 {
        issues.push(DataQualityIssue {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            problem: format!("{both} month × department(s) are in both a workforce file and time entries: FTE and available hours come from the workforce file, billable and tracked hours from the time entries"),
            action: Action::Assumed,
        });
    }
    let mut rows: Vec<WorkforceRow> = by_key.into_values().collect();
    rows.sort_unstable_by_key(|row| (row.month, row.department));
    rows
}
