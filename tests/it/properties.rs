//! Properties of the metrics over generated exports: the order of rows, how a kind is split into
//! files and a repeated monthly export change no metric; every value is null or finite; NPS stays
//! within −100…100 and rates within 0…1.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use coo_dashboard::analysis::read_folder;
use coo_dashboard::metrics::{Metric, compute};
use proptest::prelude::*;

const DEPARTMENTS: [&str; 3] = ["Engineering", "Sales", "Ops"];

/// An NPS response: (day of March or April, department, score).
fn response() -> impl Strategy<Value = (u32, usize, u8)> {
    (1u32..=58, 0usize..3, 0u8..=10)
}

/// A finance row per (month, department) with revenue, cogs, opex.
fn finance() -> impl Strategy<Value = BTreeMap<(u32, usize), (u32, u32, u32)>> {
    proptest::collection::btree_map(
        (3u32..=5, 0usize..3),
        (0u32..5000, 0u32..3000, 0u32..3000),
        1..9,
    )
}

fn nps_line(index: usize, (day, department, score): (u32, usize, u8)) -> String {
    let date =
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + chrono::Duration::days(i64::from(day) - 1);
    format!("R{index},{date},{},{score}\n", DEPARTMENTS[department])
}

fn write_files(folder: &Path, prefix: &str, header: &str, parts: &[Vec<String>]) {
    for (index, lines) in parts.iter().enumerate() {
        let mut text = String::from(header);
        for line in lines {
            text.push_str(line);
        }
        std::fs::write(folder.join(format!("{prefix}_{index:02}.csv")), text).unwrap();
    }
}

/// All metric values of a folder, keyed by (metric, department name, month), rounded to 1e-9.
fn metrics_of(folder: &Path) -> BTreeMap<(String, Option<String>, String), Option<i64>> {
    let dataset = read_folder(folder, true).unwrap();
    let table = compute(&dataset, NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()).unwrap();
    table
        .values()
        .iter()
        .map(|value| {
            let department = value
                .department
                .map(|id| dataset.departments.name(id).to_string());
            (
                (
                    value.metric.name().to_string(),
                    department,
                    value.month.to_string(),
                ),
                value.value.map(|v| (v * 1e9).round() as i64),
            )
        })
        .collect()
}

fn assert_sane(folder: &Path) {
    let dataset = read_folder(folder, true).unwrap();
    let table = compute(&dataset, NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()).unwrap();
    for value in table.values() {
        let Some(number) = value.value else { continue };
        assert!(number.is_finite(), "{value:?}");
        match value.metric {
            Metric::Nps => assert!((-100.0..=100.0).contains(&number), "{value:?}"),
            Metric::Csat | Metric::OnTimeRate | Metric::Utilization | Metric::ChurnRate => {
                assert!((0.0..=1.0).contains(&number), "{value:?}")
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn shuffling_and_splitting_survey_rows_changes_no_metric(
        responses in proptest::collection::vec(response(), 1..80),
        seed in any::<u64>(),
        files in 1usize..4,
    ) {
        let header = "response_id,date,segment,nps\n";
        let lines: Vec<String> = responses.iter().enumerate().map(|(i, r)| nps_line(i, *r)).collect();
        let whole = tempfile::tempdir().unwrap();
        write_files(whole.path(), "nps", header, std::slice::from_ref(&lines));

        // Shuffle deterministically from the seed, then deal the rows into `files` files.
        let mut shuffled = lines.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut parts = vec![Vec::new(); files];
        for (i, line) in shuffled.into_iter().enumerate() {
            parts[i % files].push(line);
        }
        let split = tempfile::tempdir().unwrap();
        write_files(split.path(), "nps", header, &parts);

        prop_assert_eq!(metrics_of(whole.path()), metrics_of(split.path()));
        assert_sane(split.path());
    }

    #[test]
    fn a_repeated_monthly_export_changes_no_metric(rows in finance(), repeat_from in 3u32..=5) {
        let header = "month,department,revenue,cogs,opex\n";
        let line = |((month, department), (revenue, cogs, opex)): (&(u32, usize), &(u32, u32, u32))| {
            format!("2026-{month:02},{},{revenue},{cogs},{opex}\n", DEPARTMENTS[*department])
        };
        let once = tempfile::tempdir().unwrap();
        let by_month: Vec<Vec<String>> = (3..=5).map(|m| rows.iter().filter(|((month, _), _)| *month == m).map(line).collect()).collect();
        write_files(once.path(), "finance", header, &by_month);

        // The next export repeats every month from `repeat_from` on, unchanged.
        let twice = tempfile::tempdir().unwrap();
        let mut with_repeat = by_month.clone();
        with_repeat.push(rows.iter().filter(|((month, _), _)| *month >= repeat_from).map(line).collect());
        write_files(twice.path(), "finance", header, &with_repeat);

        prop_assert_eq!(metrics_of(once.path()), metrics_of(twice.path()));
        assert_sane(twice.path());
    }
}
