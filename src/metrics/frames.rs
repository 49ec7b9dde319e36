//! The polars boundary of the metrics: plain Rust columns in, per month × department sums out.
//! No polars type leaves this file; `PolarsError` becomes [`MetricsError`] here.

use rustc_hash::FxHashMap;

use polars::prelude::*;

use super::MetricsError;
use crate::model::{DepartmentId, Month};

/// Rows to aggregate: a month and an optional department per row (packed into one group key,
/// see [`group_key`]), and named value columns: numbers (missing values as `None`) or yes/no
/// flags (a byte a row instead of sixteen, which counts for a million survey answers).
#[derive(Debug, Default)]
pub struct GroupInput {
    groups: Vec<u64>,
    columns: Vec<(&'static str, Values)>,
}

/// Month and department as one number: the month in the high half, the department plus one
/// (zero for none) in the low half. Grouping on one integer column lets polars hash the keys
/// directly; two key columns are first encoded into rows, which for a million survey answers
/// costs 18 MB and a pass. Department ids are indexes into the folder's departments, far below
/// `u32::MAX`, so the department half never spills into the month half.
fn group_key(month: Month, department: Option<DepartmentId>) -> u64 {
    (u64::from(month.index() as u32) << 32) | department.map_or(0, |id| u64::from(id) + 1)
}

/// The month and department packed by [`group_key`].
fn split_group_key(key: u64) -> (Month, Option<DepartmentId>) {
    let month = Month::from_index((key >> 32) as u32 as i32);
    let department = (key as u32).checked_sub(1);
    (month, department)
}

#[derive(Debug)]
pub enum Values {
    Numbers(Vec<Option<f64>>),
    Flags(Vec<bool>),
}

impl GroupInput {
    /// Number columns named `names`.
    pub fn new(names: &[&'static str]) -> GroupInput {
        GroupInput {
            columns: names
                .iter()
                .map(|name| (*name, Values::Numbers(Vec::new())))
                .collect(),
            ..GroupInput::default()
        }
    }

    /// Flag columns named `names`, room for `rows` rows.
    pub fn flags(names: &[&'static str], rows: usize) -> GroupInput {
        GroupInput {
            groups: Vec::with_capacity(rows),
            columns: names
                .iter()
                .map(|name| (*name, Values::Flags(Vec::with_capacity(rows))))
                .collect(),
        }
    }

    /// Appends one row; `values` in the order of the names given to [`GroupInput::new`].
    pub fn push(&mut self, month: Month, department: Option<DepartmentId>, values: &[Option<f64>]) {
        self.groups.push(group_key(month, department));
        for ((_, column), value) in self.columns.iter_mut().zip(values) {
            match column {
                Values::Numbers(numbers) => numbers.push(*value),
                Values::Flags(flags) => flags.push(*value == Some(1.0)),
            }
        }
    }

    /// Appends one row of flags, in the order of the names given to [`GroupInput::flags`].
    pub fn push_flags(&mut self, month: Month, department: Option<DepartmentId>, values: &[bool]) {
        self.groups.push(group_key(month, department));
        for ((_, column), value) in self.columns.iter_mut().zip(values) {
            match column {
                Values::Numbers(numbers) => numbers.push(Some(f64::from(u8::from(*value)))),
                Values::Flags(flags) => flags.push(*value),
            }
        }
    }
}

/// The sums of one group: per column, the sum of present values and how many were present.
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    pub rows: usize,
    pub sums: Vec<f64>,
    pub present: Vec<usize>,
}

impl Sums {
    /// The sum of column `index`, `None` when no row had a value.
    pub fn get(&self, index: usize) -> Option<f64> {
        (self.present.get(index).copied().unwrap_or(0) > 0).then(|| self.sums[index])
    }
}

/// Sums per (month, department) and per month for the company (`None`): company groups take
/// every row, rows without a department included.
pub type GroupSums = FxHashMap<(Month, Option<DepartmentId>), Sums>;

fn to_frame(input: &GroupInput) -> PolarsResult<DataFrame> {
    let height = input.groups.len();
    let mut columns = vec![Column::new("group".into(), &input.groups)];
    for (name, values) in &input.columns {
        columns.push(match values {
            Values::Flags(flags) => Column::new((*name).into(), flags),
            // A column without gaps goes in as plain values, without a validity mask built one
            // value at a time.
            Values::Numbers(numbers) => match numbers.iter().copied().collect::<Option<Vec<f64>>>()
            {
                Some(dense) => Column::new((*name).into(), dense),
                None => Column::new((*name).into(), numbers),
            },
        });
    }
    DataFrame::new(height, columns)
}

fn aggregate(frame: LazyFrame, keys: &[&str], names: &[&'static str]) -> PolarsResult<DataFrame> {
    let mut aggregations = vec![len().cast(DataType::Float64).alias("__rows")];
    for name in names {
        aggregations.push(
            col(*name)
                .sum()
                .cast(DataType::Float64)
                .alias(format!("{name}__sum")),
        );
        aggregations.push(
            col(*name)
                .is_not_null()
                .sum()
                .cast(DataType::Float64)
                .alias(format!("{name}__n")),
        );
    }
    frame
        .group_by(keys.iter().map(|key| col(*key)).collect::<Vec<_>>())
        .agg(aggregations)
        .collect()
}

fn f64_column(frame: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    let column = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(column
        .f64()?
        .iter()
        .map(|value| value.unwrap_or(0.0))
        .collect())
}

fn read_groups(
    frame: &DataFrame,
    names: &[&'static str],
    into: &mut GroupSums,
) -> PolarsResult<()> {
    let keys: Vec<u64> = frame
        .column("group")?
        .u64()?
        .iter()
        .map(|key| key.unwrap_or_default())
        .collect();
    let rows = f64_column(frame, "__rows")?;
    let sums: Vec<Vec<f64>> = names
        .iter()
        .map(|name| f64_column(frame, &format!("{name}__sum")))
        .collect::<PolarsResult<_>>()?;
    let present: Vec<Vec<f64>> = names
        .iter()
        .map(|name| f64_column(frame, &format!("{name}__n")))
        .collect::<PolarsResult<_>>()?;
    for (index, &key) in keys.iter().enumerate() {
        into.insert(
            split_group_key(key),
            Sums {
                rows: rows[index] as usize,
                sums: sums.iter().map(|column| column[index]).collect(),
                present: present
                    .iter()
                    .map(|column| column[index] as usize)
                    .collect(),
            },
        );
    }
    Ok(())
}

/// Sums every value column per month × department and per month for the company, in one pass
/// per grouping.
pub fn group_sums(input: &GroupInput) -> Result<GroupSums, MetricsError> {
    let names: Vec<&'static str> = input.columns.iter().map(|(name, _)| *name).collect();
    let run = || -> PolarsResult<GroupSums> {
        let mut groups = GroupSums::default();
        if input.groups.is_empty() {
            return Ok(groups);
        }
        // One pass over month × department (rows without a department form their own group);
        // the company figures are the sums of those groups.
        let frame = to_frame(input)?.lazy();
        let groups_by_department = aggregate(frame, &["group"], &names)?;
        let mut by_department = GroupSums::default();
        read_groups(&groups_by_department, &names, &mut by_department)?;
        // In key order, so the company sums add up the same way in every run.
        let mut by_department: Vec<_> = by_department.into_iter().collect();
        by_department.sort_unstable_by_key(|(key, _)| *key);
        for ((month, department), sums) in by_department {
            let company = groups.entry((month, None)).or_insert_with(|| Sums {
                rows: 0,
                sums: vec![0.0; names.len()],
                present: vec![0; names.len()],
            });
            company.rows += sums.rows;
            for (total, value) in company.sums.iter_mut().zip(&sums.sums) {
                *total += value;
            }
            for (total, count) in company.present.iter_mut().zip(&sums.present) {
                *total += count;
            }
            if department.is_some() {
                groups.insert((month, department), sums);
            }
        }
        Ok(groups)
    };
    run().map_err(|error| MetricsError(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys_keep_month_and_department_apart() {
        let months = [Month::new(1970, 1).unwrap(), Month::new(2026, 12).unwrap()];
        for month in months {
            for department in [None, Some(0), Some(1), Some(u32::MAX - 1)] {
                assert_eq!(
                    split_group_key(group_key(month, department)),
                    (month, department)
                );
            }
        }
        let march = Month::new(2026, 3).unwrap();
        assert_ne!(group_key(march, None), group_key(march, Some(0)));
        assert_ne!(group_key(march, Some(0)), group_key(march.prev(), Some(0)));
    }

    #[test]
    fn sums_per_department_and_company_keep_missing_values_apart() {
        let march = Month::new(2026, 3).unwrap();
        let mut input = GroupInput::new(&["a", "b"]);
        input.push(march, Some(0), &[Some(1.0), None]);
        input.push(march, Some(0), &[Some(2.0), None]);
        input.push(march, Some(1), &[Some(4.0), Some(10.0)]);
        input.push(march, None, &[Some(8.0), None]);
        let groups = group_sums(&input).unwrap();
        let first = &groups[&(march, Some(0))];
        assert_eq!(
            (first.rows, first.get(0), first.get(1)),
            (2, Some(3.0), None)
        );
        let company = &groups[&(march, None)];
        // 1 + 2 + 4 + 8: the row without a department counts for the company.
        assert_eq!(
            (company.rows, company.get(0), company.get(1)),
            (4, Some(15.0), Some(10.0))
        );
    }
}
