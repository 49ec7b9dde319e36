//! Finance rows: a ledger's postings (one row per posting, a category column) and the monthly
//! P&L in the canonical columns (one row per month and department).

use std::collections::HashMap;

use super::{FileCx, Parsed, ParsedRows, Problem, RowParser};
use crate::input::headers::{Field, normalise_header};
use crate::input::reader::RowView;
use crate::model::{Action, DepartmentId, FinanceRow, RowRef};

use serde::{Deserialize, Serialize};

/// A P&L category a ledger posting books to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Revenue,
    Cogs,
    Opex,
    Depreciation,
    Amortization,
}

/// One ledger posting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Posting {
    pub month: crate::model::Month,
    pub department: Option<DepartmentId>,
    pub category: Category,
    pub amount: f64,
}

/// The P&L category of a ledger posting's category text.
pub fn ledger_category(text: &str) -> Option<Category> {
    let normalised = normalise_header(text);
    let key = normalised.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    let category = match key {
        "revenue" | "revenues" | "sales" | "net_revenue" | "net_sales" | "turnover"
        | "total_revenue" | "income" | "service_revenue" | "fee_income" => Category::Revenue,
        "cogs" | "cost_of_sales" | "cost_of_goods_sold" | "cost_of_revenue" | "direct_costs"
        | "direct_cost" | "cost_of_services" => Category::Cogs,
        "opex" | "operating_expenses" | "operating_expense" | "operating_costs" | "sg_a"
        | "sga" | "overheads" | "overhead" | "indirect_costs" => Category::Opex,
        "depreciation"
        | "d_a"
        | "depreciation_and_amortization"
        | "depreciation_amortization"
        | "depreciation_amortisation" => Category::Depreciation,
        "amortization" | "amortisation" => Category::Amortization,
        _ => return None,
    };
    Some(category)
}

/// A ledger's postings; postings to a category outside EBITDA are counted, once per category.
#[derive(Default)]
pub(super) struct Ledger {
    /// Category as written → (first line, count).
    ignored_categories: HashMap<String, (usize, usize)>,
}

impl RowParser for Ledger {
    type Row = Posting;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        _origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<Posting>, Problem> {
        let columns = cx.columns;
        let month = columns.month_or_date(row)?;
        let category_text = columns.required_text(row, Field::Category)?;
        let amount = columns.required_number(row, Field::Amount)?;
        match ledger_category(&category_text) {
            Some(category) => Ok(Some(Posting {
                month,
                department,
                category,
                amount,
            })),
            None => {
                self.ignored_categories
                    .entry(category_text)
                    .or_insert((row.line, 0))
                    .1 += 1;
                Ok(None)
            }
        }
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<Posting>>) -> ParsedRows {
        let mut categories: Vec<_> = self.ignored_categories.into_iter().collect();
        categories.sort_by_key(|(_, (line, _))| *line);
        let column = cx.column_of(Field::Category);
        for (category, (line, count)) in categories {
            cx.ignored += count;
            cx.once(
                line,
                column.clone(),
                Some(category.clone()),
                format!(
                    "category '{category}' is not revenue, cost of sales, operating expenses or D&A; {count} posting(s) left out of EBITDA (first at line {line})"
                ),
                Action::RowSkipped,
            );
        }
        ParsedRows::FinanceLedger(rows)
    }
}

/// The monthly P&L: revenue, cost of sales, operating expenses and D&A per month and
/// department; budgets optional (a bad budget leaves the row in without it).
pub(super) struct Monthly;

impl RowParser for Monthly {
    type Row = FinanceRow;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        _origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<FinanceRow>, Problem> {
        let columns = cx.columns;
        let month = columns.month(row, Field::Month)?;
        let amount = |field| columns.number(row, field).map(|value| value.unwrap_or(0.0));
        let revenue = amount(Field::Revenue)?;
        let cogs = amount(Field::Cogs)?;
        let opex = amount(Field::Opex)?;
        let depreciation = amount(Field::Depreciation)?;
        let amortization = amount(Field::Amortization)?;
        let revenue_budget = cx.optional_number(row, Field::RevenueBudget);
        let cost_budget = cx.optional_number(row, Field::CostBudget);
        Ok(Some(FinanceRow {
            month,
            department,
            revenue,
            cogs,
            opex,
            depreciation,
            amortization,
            revenue_budget,
            cost_budget,
        }))
    }

    fn finish(self, _cx: &mut FileCx<'_>, rows: Vec<Parsed<FinanceRow>>) -> ParsedRows {
        ParsedRows::FinanceWide(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_categories_include_the_usual_aliases() {
        assert_eq!(ledger_category("Cost of sales"), Some(Category::Cogs));
        assert_eq!(ledger_category("Operating expenses"), Some(Category::Opex));
        assert_eq!(ledger_category("D&A"), Some(Category::Depreciation));
        assert_eq!(ledger_category("4000 Revenue"), Some(Category::Revenue));
        assert_eq!(ledger_category("Interest"), None);
    }
}
