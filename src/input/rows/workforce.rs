//! Workforce: a time tracker's entries (one row per entry, summed into months when the folder
//! is combined) and the monthly workforce file in the canonical columns.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Columns, FileCx, Parsed, ParsedRows, Problem, RowParser};
use crate::input::headers::Field;
use crate::input::reader::{CellRef, RowView};
use crate::input::settings::CONFIG_FILE;
use crate::input::trackers;
use crate::model::{Action, DepartmentId, PersonSeen, RowRef, TimeEntry, WorkforceRow};

/// A time tracker's entries, with everyone who logged time.
#[derive(Default)]
pub(super) struct TimeEntries {
    /// Entries whose group cell lists several groups: (first line, count, example).
    several_groups: Option<(usize, usize, String)>,
    blank_billable: Option<(usize, usize)>,
    /// Entries whose `HH:MM:SS` and decimal durations disagree: (first line, count, example).
    durations_disagree: Option<(usize, usize, String)>,
    /// Everyone who logged time, by key, with their name as first written.
    people: HashMap<u64, PersonSeen, xxhash_rust::xxh3::Xxh3Builder>,
    last_person: Option<u64>,
}

impl RowParser for TimeEntries {
    type Row = TimeEntry;

    /// An entry without a group is placed by `[people]` when the folder is combined.
    const COUNTS_MISSING_DEPARTMENT: bool = false;

    /// A `Group` cell that lists several groups names no one department.
    fn department<'r>(&mut self, line: usize, name: Cow<'r, str>) -> Option<Cow<'r, str>> {
        if name.contains(',') {
            self.several_groups
                .get_or_insert((line, 0, name.into_owned()))
                .1 += 1;
            None
        } else {
            Some(name)
        }
    }

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        _origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<TimeEntry>, Problem> {
        let columns = cx.columns;
        let date = columns.required_date(row, Field::Date)?;
        let hours = columns.hours(row)?;
        if let Some((decimal, position)) = columns.decimal_hours(row)
            && (decimal - hours).abs() > 0.01
        {
            let decimal = row.get(position).as_text().trim().to_string();
            self.durations_disagree
                .get_or_insert_with(|| {
                    (
                        row.line,
                        0,
                        format!(
                            "{} says {} but {} says {decimal}",
                            columns.column_name(Field::Hours),
                            row.get(columns.position_of(Field::Hours)).as_text().trim(),
                            cx.header().headers[position]
                        ),
                    )
                })
                .1 += 1;
        }
        let billable = match columns.text_ref(row, Field::Billable) {
            None => {
                super::count(&mut self.blank_billable, row.line);
                false
            }
            Some(text) => trackers::billable_flag(&text).ok_or_else(|| {
                let (cell, column) = columns
                    .cell(row, Field::Billable)
                    .map_or((CellRef::Empty, "billable"), |found| found);
                Columns::problem(
                    column,
                    cell,
                    format!("'{text}' is not a billable flag; write Yes or No"),
                )
            })?,
        };
        let (person, person_alias) = columns.person(row)?;
        // Hours and groups are counted once repeated exports are dropped (combine). Exports
        // list a person's entries together: look up only when the person changes.
        if self.last_person != Some(person) {
            self.last_person = Some(person);
            self.people.entry(person).or_insert_with(|| PersonSeen {
                key: person,
                name: columns.person_name(row),
                hours: 0.0,
                ungrouped: false,
            });
        }
        Ok(Some(TimeEntry {
            date,
            person,
            person_alias,
            department,
            hours,
            billable,
        }))
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<TimeEntry>>) -> ParsedRows {
        let header = cx.header();
        if let Some((line, count, example)) = self.several_groups {
            let column = header
                .tracker
                .as_ref()
                .and_then(|t| t.departments.first())
                .map(|&p| header.headers[p].clone());
            cx.once(
                line,
                column,
                Some(example.clone()),
                format!(
                    "{count} time entr(ies) name several groups ('{example}'; first at line {line}); the department comes from [people] in {CONFIG_FILE} if set there, else they count in company totals only"
                ),
                Action::Assumed,
            );
        }
        if let Some((line, count)) = self.blank_billable {
            cx.once(
                line,
                cx.column_of(Field::Billable),
                Some(String::new()),
                format!(
                    "{count} time entr(ies) have a blank billable flag (first at line {line}); they count as not billable"
                ),
                Action::Assumed,
            );
        }
        if let Some((line, count, example)) = self.durations_disagree {
            cx.once(
                line,
                cx.column_of(Field::Hours),
                None,
                format!(
                    "{count} time entr(ies) have two durations that disagree (first at line {line}: {example}); the HH:MM:SS duration was used"
                ),
                Action::Assumed,
            );
        }
        let mut people: Vec<PersonSeen> = self.people.into_values().collect();
        people.sort_by(|a, b| a.name.cmp(&b.name));
        ParsedRows::TimeEntries(rows, people)
    }
}

/// The monthly workforce file: FTE, available and billable hours per month and department.
pub(super) struct Monthly;

impl RowParser for Monthly {
    type Row = WorkforceRow;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        _origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<WorkforceRow>, Problem> {
        let columns = cx.columns;
        let month = columns.month(row, Field::Month)?;
        let fte = columns.required_number(row, Field::Fte)?;
        let available_hours = columns.required_number(row, Field::AvailableHours)?;
        let billable_hours = columns.required_number(row, Field::BillableHours)?;
        for (field, value) in [
            (Field::Fte, fte),
            (Field::AvailableHours, available_hours),
            (Field::BillableHours, billable_hours),
        ] {
            if value < 0.0 {
                let column = columns
                    .cell(row, field)
                    .map_or(field.name(), |(_, column)| column);
                return Err(Problem {
                    column: column.to_string(),
                    value: value.to_string(),
                    problem: format!("{column} is negative"),
                });
            }
        }
        let output_units = cx.optional_number(row, Field::OutputUnits);
        Ok(Some(WorkforceRow {
            month,
            department,
            fte,
            available_hours,
            billable_hours,
            output_units,
            tracked_hours: None,
        }))
    }

    fn finish(self, _cx: &mut FileCx<'_>, rows: Vec<Parsed<WorkforceRow>>) -> ParsedRows {
        ParsedRows::Workforce(rows)
    }
}
