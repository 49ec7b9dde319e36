//! Deliveries: the canonical project list, and issue trackers' exports (SPEC §2b), where items
//! closed as not done and items without a due date are not deliverables.

use super::{FileCx, Parsed, ParsedRows, Problem, RowParser};
use crate::input::headers::Field;
use crate::input::reader::RowView;
use crate::input::trackers;
use crate::model::{Action, DeliveryRow, DepartmentId, RowRef};

/// Delivery items; a tracker's items that are not deliverables are counted once per file.
#[derive(Default)]
pub(super) struct Items {
    /// (first line, count, an example outcome as written).
    not_done: Option<(usize, usize, String)>,
    without_due: Option<(usize, usize)>,
}

impl RowParser for Items {
    type Row = DeliveryRow;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<DeliveryRow>, Problem> {
        let columns = cx.columns;
        let id = columns.required_text(row, Field::Id)?;
        if let Some(tracker) = &cx.header().tracker {
            let outcome = tracker
                .outcomes
                .iter()
                .find_map(|&position| {
                    columns
                        .text_at(row, position)
                        .filter(|text| trackers::closed_not_done(text))
                })
                .map(|text| text.into_owned())
                .or_else(|| {
                    tracker
                        .canceled
                        .and_then(|position| columns.text_at(row, position))
                        .map(|_| "Canceled".to_string())
                });
            if let Some(outcome) = outcome {
                self.not_done.get_or_insert((row.line, 0, outcome)).1 += 1;
                return Ok(None);
            }
            if columns.date(row, Field::DueDate)?.is_none() {
                super::count(&mut self.without_due, row.line);
                return Ok(None);
            }
        }
        let due_date = columns.required_date(row, Field::DueDate)?;
        let delivered_date = columns.date(row, Field::DeliveredDate)?;
        let budget_cost = cx.optional_number(row, Field::BudgetCost);
        let actual_cost = cx.optional_number(row, Field::ActualCost);
        Ok(Some(DeliveryRow {
            id,
            department,
            due_date,
            delivered_date,
            name: columns.text(row, Field::Name),
            customer: columns.text(row, Field::Customer),
            budget_cost,
            actual_cost,
            origin,
        }))
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<DeliveryRow>>) -> ParsedRows {
        let header = cx.header();
        if let Some((line, count, example)) = self.not_done {
            let column = header
                .tracker
                .as_ref()
                .and_then(|t| t.outcomes.first().or(t.canceled.as_ref()))
                .map(|&p| header.headers[p].clone());
            cx.ignored += count;
            cx.once(
                line,
                column,
                Some(example.clone()),
                format!(
                    "{count} item(s) were closed without being done (e.g. '{example}'; first at line {line}); they are not deliverables"
                ),
                Action::RowSkipped,
            );
        }
        if let Some((line, count)) = self.without_due {
            cx.ignored += count;
            cx.once(
                line,
                cx.column_of(Field::DueDate),
                Some(String::new()),
                format!(
                    "{count} item(s) have no due date (first at line {line}); they are not deliverables — give them a due date in the tracker to count them"
                ),
                Action::RowSkipped,
            );
        }
        ParsedRows::Deliveries(rows)
    }
}
