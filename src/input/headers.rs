//! Headers: normalisation, the alias table, user mappings, and recognising a file's kind from
//! the columns its header names (SPEC §1–2).

use std::collections::HashMap;
use std::fmt;

use super::trackers::TrackerColumns;
use crate::model::{Kind, Shape};

/// A column the app understands. Names are the canonical column names of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Month,
    Date,
    Department,
    Revenue,
    Cogs,
    Opex,
    Depreciation,
    Amortization,
    RevenueBudget,
    CostBudget,
    Category,
    Amount,
    Id,
    DueDate,
    DeliveredDate,
    Name,
    Customer,
    BudgetCost,
    ActualCost,
    Fte,
    AvailableHours,
    BillableHours,
    OutputUnits,
    Score,
    CustomerId,
    Comment,
    TicketId,
    /// A help-desk rating's channel (Email, Phone, Portal, Chat): not a department (SPEC §1).
    Channel,
    StartDate,
    EndDate,
    Mrr,
    CustomersStart,
    ChurnedCustomers,
    NewCustomers,
    /// A survey tool's response status (Qualtrics `Status`: preview, test, spam).
    Status,
    /// A survey tool's `Finished` flag.
    Finished,
    /// A subscription's seats (billing exports).
    Quantity,
    /// A subscription's billing interval: month, year, week, day.
    Interval,
    /// How many intervals one billing period spans (Chargebee's `Billing Period`).
    IntervalCount,
    /// When a subscription's trial ends.
    TrialEnd,
    /// When a subscription was canceled (it ends then only when its status says so).
    CanceledAt,
    /// A time entry's duration (time-tracker exports, SPEC §2b).
    Hours,
    /// Whether a time entry is billable (`Yes`/`No`, `true`/`false`).
    Billable,
    /// Who logged a time entry (email, user name).
    Person,
}

impl Field {
    pub const ALL: [Field; 44] = [
        Field::Month,
        Field::Date,
        Field::Department,
        Field::Revenue,
        Field::Cogs,
        Field::Opex,
        Field::Depreciation,
        Field::Amortization,
        Field::RevenueBudget,
        Field::CostBudget,
        Field::Category,
        Field::Amount,
        Field::Id,
        Field::DueDate,
        Field::DeliveredDate,
        Field::Name,
        Field::Customer,
        Field::BudgetCost,
        Field::ActualCost,
        Field::Fte,
        Field::AvailableHours,
        Field::BillableHours,
        Field::OutputUnits,
        Field::Score,
        Field::CustomerId,
        Field::Comment,
        Field::TicketId,
        Field::Channel,
        Field::StartDate,
        Field::EndDate,
        Field::Mrr,
        Field::CustomersStart,
        Field::ChurnedCustomers,
        Field::NewCustomers,
        Field::Status,
        Field::Finished,
        Field::Quantity,
        Field::Interval,
        Field::IntervalCount,
        Field::TrialEnd,
        Field::CanceledAt,
        Field::Hours,
        Field::Billable,
        Field::Person,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Month => "month",
            Field::Date => "date",
            Field::Department => "department",
            Field::Revenue => "revenue",
            Field::Cogs => "cogs",
            Field::Opex => "opex",
            Field::Depreciation => "depreciation",
            Field::Amortization => "amortization",
            Field::RevenueBudget => "revenue_budget",
            Field::CostBudget => "cost_budget",
            Field::Category => "category",
            Field::Amount => "amount",
            Field::Id => "id",
            Field::DueDate => "due_date",
            Field::DeliveredDate => "delivered_date",
            Field::Name => "name",
            Field::Customer => "customer",
            Field::BudgetCost => "budget_cost",
            Field::ActualCost => "actual_cost",
            Field::Fte => "fte",
            Field::AvailableHours => "available_hours",
            Field::BillableHours => "billable_hours",
            Field::OutputUnits => "output_units",
            Field::Score => "score",
            Field::CustomerId => "customer_id",
            Field::Comment => "comment",
            Field::TicketId => "ticket_id",
            Field::Channel => "channel",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::Mrr => "mrr",
            Field::CustomersStart => "customers_start",
            Field::ChurnedCustomers => "churned_customers",
            Field::NewCustomers => "new_customers",
            Field::Status => "status",
            Field::Finished => "finished",
            Field::Quantity => "quantity",
            Field::Interval => "interval",
            Field::IntervalCount => "interval_count",
            Field::TrialEnd => "trial_end",
            Field::CanceledAt => "canceled_at",
            Field::Hours => "hours",
            Field::Billable => "billable",
            Field::Person => "person",
        }
    }

    /// The field the built-in alias table reads a normalised header as, if any.
    pub fn from_alias(normalised: &str) -> Option<Field> {
        ALIASES
            .iter()
            .find(|(_, aliases)| aliases.contains(&normalised))
            .map(|(field, _)| *field)
    }

    /// The field a canonical name (as written in a mapping) stands for.
    pub fn from_name(name: &str) -> Option<Field> {
        let normalised = normalise_header(name);
        Field::ALL
            .into_iter()
            .find(|field| field.name() == normalised)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a score column's header says about the survey it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreHint {
    /// Speaks of recommending: NPS.
    Recommend,
    /// Speaks of satisfaction: CSAT.
    Satisfaction,
    /// `score`, `rating`: the values decide.
    Neutral,
}

/// SPEC §1: trim, lower-case, runs of non-alphanumerics → `_`, leading/trailing `_` stripped.
pub fn normalise_header(header: &str) -> String {
    let mut normalised = String::with_capacity(header.len());
    let mut pending_separator = false;
    for c in header.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_separator && !normalised.is_empty() {
                normalised.push('_');
            }
            pending_separator = false;
            normalised.push(c);
        } else {
            pending_separator = true;
        }
    }
    normalised
}

/// Priority of a match: a real department column beats one that plays the role (segment, team,
/// channel); an exact alias beats a guess from a long survey question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    UserMapping = 0,
    Alias = 1,
    RolePlayer = 2,
    Guess = 3,
    /// A weaker alias ([`FALLBACK_ALIASES`]): losing to a stronger column is expected, not said.
    Fallback = 4,
}

/// The built-in alias table: normalised header → field.
const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::Month,
        &[
            "month",
            "period",
            "fiscal_month",
            "reporting_month",
            "month_year",
            "year_month",
            "yyyy_mm",
            "reporting_period",
            "accounting_period",
        ],
    ),
    (
        Field::Date,
        &[
            "date",
            "response_date",
            "submitted_at",
            "submitted",
            "submission_date",
            "created_at",
            "created",
            "timestamp",
            "survey_date",
            "rated_at",
            "rating_date",
            "posting_date",
            "transaction_date",
            "booking_date",
            "entry_date",
            "completed_at",
            "responded_at",
            "date_submitted",
            "end_date_utc",
            // Survey tools' own names (SPEC §2b): Qualtrics, Typeform, HubSpot, Delighted.
            "recordeddate",
            "recorded_date",
            "submit_date_utc",
            "submitted_at_utc",
            "conversion_date",
            "response_timestamp",
            // Help desks: Zendesk's ticket export dates a rating by the ticket's solve.
            "solved_at",
            "rated_on",
        ],
    ),
    (
        Field::Department,
        &[
            "department",
            "dept",
            "department_name",
            "business_unit",
            "bu",
            "division",
            "cost_center",
            "cost_centre",
            "practice",
            "unit",
            "org_unit",
        ],
    ),
    (
        Field::Revenue,
        &[
            "revenue",
            "net_revenue",
            "sales",
            "total_revenue",
            "turnover",
            "revenues",
            "net_sales",
            "income",
        ],
    ),
    (
        Field::Cogs,
        &[
            "cogs",
            "cost_of_goods_sold",
            "cost_of_sales",
            "cost_of_revenue",
            "direct_costs",
            "direct_cost",
            "cost_of_services",
        ],
    ),
    (
        Field::Opex,
        &[
            "opex",
            "operating_expenses",
            "operating_expense",
            "operating_costs",
            "sg_a",
            "sga",
            "overheads",
            "overhead",
            "indirect_costs",
        ],
    ),
    (
        Field::Depreciation,
        &[
            "depreciation",
            "depreciation_expense",
            "d_a",
            "depreciation_and_amortization",
            "depreciation_amortization",
            "depreciation_amortisation",
        ],
    ),
    (
        Field::Amortization,
        &["amortization", "amortisation", "amortization_expense"],
    ),
    (
        Field::RevenueBudget,
        &[
            "revenue_budget",
            "budget_revenue",
            "revenue_plan",
            "planned_revenue",
            "revenue_target",
        ],
    ),
    (
        Field::CostBudget,
        &[
            "cost_budget",
            "budget_costs",
            "costs_budget",
            "cost_plan",
            "total_cost_budget",
            "expense_budget",
        ],
    ),
    (
        Field::Category,
        &[
            "category",
            "account_category",
            "account_type",
            "line_item",
            "pl_category",
            "p_l_category",
            "account_group",
            "pl_line",
        ],
    ),
    (
        Field::Amount,
        &[
            "amount",
            "value",
            "net_amount",
            "posting_amount",
            "amount_eur",
            "amount_usd",
            "amount_gbp",
            "balance",
            "plan_unit_price",
            "unit_amount",
            "unit_price",
            "plan_amount",
        ],
    ),
    (
        Field::Id,
        &[
            "id",
            "project_id",
            "deliverable_id",
            "milestone_id",
            "task_id",
            "work_item_id",
            "project_code",
            "issue_key",
            "key",
        ],
    ),
    (
        Field::DueDate,
        &[
            "due_date",
            "due",
            "deadline",
            "planned_date",
            "target_date",
            "planned_delivery",
            "planned_delivery_date",
            "committed_date",
            "baseline_finish",
            "due_on",
            "planned_end",
            "planned_finish",
        ],
    ),
    (
        Field::DeliveredDate,
        &[
            "delivered_date",
            "delivered",
            "delivery_date",
            "completed_date",
            "completion_date",
            "actual_date",
            "actual_finish",
            "delivered_on",
            "done_date",
            "actual_end",
            "actual_delivery_date",
            "resolved",
        ],
    ),
    (
        Field::Name,
        &[
            "name",
            "project_name",
            "deliverable",
            "deliverable_name",
            "title",
            "project",
            "summary",
            "milestone",
        ],
    ),
    (
        Field::Customer,
        &[
            "customer",
            "client",
            "customer_name",
            "client_name",
            "account_name",
            "account",
        ],
    ),
    (
        Field::BudgetCost,
        &[
            "budget_cost",
            "budget",
            "budgeted_cost",
            "planned_cost",
            "estimated_cost",
            "baseline_cost",
            "cost_estimate",
        ],
    ),
    (
        Field::ActualCost,
        &[
            "actual_cost",
            "actual_costs",
            "cost_actual",
            "actual",
            "actuals",
            "spent",
            "cost_to_date",
        ],
    ),
    (
        Field::Fte,
        &[
            "fte",
            "ftes",
            "headcount_fte",
            "full_time_equivalents",
            "full_time_equivalent",
            "headcount",
        ],
    ),
    (
        Field::AvailableHours,
        &[
            "available_hours",
            "capacity_hours",
            "capacity",
            "hours_available",
            "contracted_hours",
            "available",
        ],
    ),
    (
        Field::BillableHours,
        &[
            "billable_hours",
            "billed_hours",
            "hours_billable",
            "billable",
            "chargeable_hours",
        ],
    ),
    (
        Field::OutputUnits,
        &[
            "output_units",
            "output",
            "units",
            "units_delivered",
            "story_points",
            "tickets_closed",
            "deliverables_completed",
        ],
    ),
    (
        Field::CustomerId,
        &[
            "customer_id",
            "client_id",
            "account_id",
            "customer_number",
            "customer_no",
            "customer_code",
            "account_code",
            "subscriber_id",
        ],
    ),
    (
        Field::Comment,
        &[
            "comment",
            "comments",
            "feedback",
            "verbatim",
            "reason",
            "text",
            "free_text",
        ],
    ),
    (
        Field::TicketId,
        &[
            "ticket_id",
            "ticket",
            "case_id",
            "ticket_number",
            "case_number",
            "request_id",
            "case",
        ],
    ),
    (
        Field::Channel,
        &[
            "channel",
            "via",
            "ticket_channel",
            "contact_channel",
            "support_channel",
            "source_channel",
            "submission_channel",
        ],
    ),
    (
        Field::StartDate,
        &[
            "start_date",
            "signup_date",
            "sign_up_date",
            "customer_since",
            "contract_start",
            "contract_start_date",
            "subscription_start",
            "start",
            "onboarded",
            "first_invoice_date",
            "startdate",
            "start_utc",
            "started_at",
            "activated_at",
            "subscription_start_date",
        ],
    ),
    (
        Field::EndDate,
        &[
            "end_date",
            "churn_date",
            "cancellation_date",
            "contract_end",
            "contract_end_date",
            "churned_at",
            "churned_on",
            "end",
            "termination_date",
            "enddate",
            "ended_at_utc",
            "ended_at",
            "expires_at",
        ],
    ),
    (
        Field::Mrr,
        &[
            "mrr",
            "monthly_recurring_revenue",
            "monthly_revenue",
            "mrr_eur",
            "mrr_usd",
        ],
    ),
    (
        Field::CustomersStart,
        &[
            "customers_start",
            "starting_customers",
            "customers_at_start",
            "opening_customers",
            "beginning_customers",
            "customers_beginning",
            "start_customers",
            "customers_bom",
        ],
    ),
    (
        Field::ChurnedCustomers,
        &[
            "churned_customers",
            "churned",
            "lost_customers",
            "churn_count",
            "customers_lost",
            "churn",
        ],
    ),
    (
        Field::NewCustomers,
        &[
            "new_customers",
            "new",
            "customers_added",
            "gained_customers",
            "new_logos",
            "added",
        ],
    ),
    (
        Field::Status,
        &["status", "response_type", "response_status"],
    ),
    (Field::Finished, &["finished", "is_finished"]),
    (Field::Quantity, &["quantity", "plan_quantity", "seats"]),
    (
        Field::Interval,
        &[
            "interval",
            "plan_interval",
            "billing_period_unit",
            "billing_interval",
            "billing_cycle",
            "plan_interval_unit",
        ],
    ),
    (
        Field::IntervalCount,
        &[
            "interval_count",
            "plan_interval_count",
            "billing_period",
            "plan_interval_length",
        ],
    ),
    (
        Field::TrialEnd,
        &[
            "trial_end_utc",
            "trial_end",
            "trial_ends_at",
            "trial_ended_at",
        ],
    ),
    (
        Field::CanceledAt,
        &[
            "canceled_at_utc",
            "cancelled_at_utc",
            "canceled_at",
            "cancelled_at",
            "canceled_date",
            "cancelled_date",
        ],
    ),
];

/// Aliases weaker than the table above: read only where no stronger header names the field
/// (Stripe's `Created (UTC)` starts a customer only where there is no `Start (UTC)`).
const FALLBACK_ALIASES: &[(Field, &[&str])] = &[(Field::StartDate, &["created_utc"])];

/// Score columns, with what each says about NPS vs CSAT.
const SCORE_ALIASES: &[(&str, ScoreHint)] = &[
    ("nps", ScoreHint::Recommend),
    ("nps_score", ScoreHint::Recommend),
    ("likelihood_to_recommend", ScoreHint::Recommend),
    ("how_likely_are_you_to_recommend_us", ScoreHint::Recommend),
    ("recommend", ScoreHint::Recommend),
    ("recommendation_score", ScoreHint::Recommend),
    ("csat", ScoreHint::Satisfaction),
    ("csat_score", ScoreHint::Satisfaction),
    ("satisfaction", ScoreHint::Satisfaction),
    ("satisfaction_rating", ScoreHint::Satisfaction),
    ("satisfaction_score", ScoreHint::Satisfaction),
    ("customer_satisfaction", ScoreHint::Satisfaction),
    ("score", ScoreHint::Neutral),
    ("rating", ScoreHint::Neutral),
];

/// Columns that play the department role when no department column exists (SPEC §1).
/// A help-desk `channel` is not among them: it is the rating's channel ([`Field::Channel`]).
const DEPARTMENT_ROLE_PLAYERS: &[&str] = &[
    "segment",
    "team",
    "customer_segment",
    "team_name",
    "queue",
    "group",
    // Billing tools export custom fields as `Segment (metadata)` (Stripe).
    "segment_metadata",
    "department_metadata",
];

/// User mappings from the config: normalised header → field.
pub type UserMappings = HashMap<String, Field>;

/// How one header was understood.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMatch {
    pub field: Field,
    strength: Strength,
    pub score_hint: Option<ScoreHint>,
}

fn match_header(header: &str, user: &UserMappings) -> Option<HeaderMatch> {
    let normalised = normalise_header(header);
    if normalised.is_empty() {
        return None;
    }
    let found = |field, strength| {
        Some(HeaderMatch {
            field,
            strength,
            score_hint: None,
        })
    };
    if let Some(&field) = user.get(&normalised) {
        let score_hint = (field == Field::Score).then(|| score_hint_of(&normalised));
        return Some(HeaderMatch {
            field,
            strength: Strength::UserMapping,
            score_hint,
        });
    }
    if let Some((_, hint)) = SCORE_ALIASES.iter().find(|(alias, _)| *alias == normalised) {
        return Some(HeaderMatch {
            field: Field::Score,
            strength: Strength::Alias,
            score_hint: Some(*hint),
        });
    }
    for (field, aliases) in ALIASES {
        if aliases.contains(&normalised.as_str()) {
            return found(*field, Strength::Alias);
        }
    }
    if DEPARTMENT_ROLE_PLAYERS.contains(&normalised.as_str()) {
        return found(Field::Department, Strength::RolePlayer);
    }
    for (field, aliases) in FALLBACK_ALIASES {
        if aliases.contains(&normalised.as_str()) {
            return found(*field, Strength::Fallback);
        }
    }
    // Survey tools put the whole question in the header.
    // A question (four words or more) or a header that starts with the survey's name
    // (`Satisfaction (1-7)`, `NPS 0-10`) that speaks of recommending or of satisfaction.
    let hint = score_hint_of(&normalised);
    // Qualtrics' `Q1_NPS_GROUP` ("… - Group"): the 1–3 group of the NPS answer beside it, not a
    // score.
    if hint == ScoreHint::Recommend && normalised.ends_with("_group") {
        return None;
    }
    if hint != ScoreHint::Neutral
        && (normalised.starts_with("how_")
            || normalised.contains("likely")
            || normalised.contains("rate")
            || normalised.matches('_').count() >= 3
            || (["nps", "csat", "satisfaction", "customer_satisfaction"]
                .iter()
                .any(|name| normalised.starts_with(&format!("{name}_")))
                && normalised.contains(|c: char| c.is_ascii_digit())))
    {
        return Some(HeaderMatch {
            field: Field::Score,
            strength: Strength::Guess,
            score_hint: Some(hint),
        });
    }
    if normalised.starts_with("what_")
        || normalised.starts_with("why_")
        || normalised.contains("reason")
    {
        return found(Field::Comment, Strength::Guess);
    }
    None
}

fn score_hint_of(normalised: &str) -> ScoreHint {
    // English, German (empfehlen), French and Spanish/Portuguese (recommander, recomendar).
    if ["recommend", "nps", "empfehl", "recommand", "recomend"]
        .iter()
        .any(|word| normalised.contains(word))
    {
        ScoreHint::Recommend
    } else if ["satisf", "csat", "zufrieden"]
        .iter()
        .any(|word| normalised.contains(word))
    {
        ScoreHint::Satisfaction
    } else {
        ScoreHint::Neutral
    }
}

/// A header row as understood: for each column, the field it feeds (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMap {
    pub headers: Vec<String>,
    /// Per column position: the field it is read as.
    pub fields: Vec<Option<Field>>,
    pub score_hint: Option<ScoreHint>,
    /// Columns that name a field another column already feeds: (position, the other position).
    pub duplicates: Vec<(usize, usize)>,
    /// The columns only a tracker's export has (SPEC §2b), when the header is one.
    pub tracker: Option<Box<TrackerColumns>>,
}

impl HeaderMap {
    pub fn new(headers: &[String], user: &UserMappings) -> HeaderMap {
        let matches: Vec<Option<HeaderMatch>> =
            headers.iter().map(|h| match_header(h, user)).collect();
        let mut fields = vec![None; headers.len()];
        let mut duplicates = Vec::new();
        let mut winner: HashMap<Field, usize> = HashMap::new();
        // Strongest match first; among equals, the leftmost column.
        let mut order: Vec<usize> = (0..headers.len())
            .filter(|&i| matches[i].is_some())
            .collect();
        order.sort_by_key(|&i| (matches[i].as_ref().map(|m| m.strength), i));
        for position in order {
            let Some(matched) = &matches[position] else {
                continue;
            };
            match winner.get(&matched.field) {
                Some(_) if matched.strength == Strength::Fallback => {}
                Some(&other) => duplicates.push((position, other)),
                None => {
                    winner.insert(matched.field, position);
                    fields[position] = Some(matched.field);
                }
            }
        }
        duplicates.sort_unstable();
        let score_hint = winner
            .get(&Field::Score)
            .and_then(|&position| matches[position].as_ref())
            .and_then(|matched| matched.score_hint);
        // A billing tool's customer export names its customers `id` (Stripe): an id beside a
        // start date, with no customer id and no due date, is the customer's.
        if !winner.contains_key(&Field::CustomerId)
            && winner.contains_key(&Field::StartDate)
            && !winner.contains_key(&Field::DueDate)
            && let Some(&position) = winner.get(&Field::Id)
        {
            fields[position] = Some(Field::CustomerId);
        }
        // A survey question with no response date column: survey tools date a response by its
        // end (SurveyMonkey's `End Date`), else its start.
        if matches!(
            score_hint,
            Some(ScoreHint::Recommend | ScoreHint::Satisfaction)
        ) && !winner.contains_key(&Field::Date)
            && let Some(&position) = winner
                .get(&Field::EndDate)
                .or_else(|| winner.get(&Field::StartDate))
        {
            fields[position] = Some(Field::Date);
        }
        HeaderMap {
            headers: headers.to_vec(),
            fields,
            score_hint,
            duplicates,
            tracker: None,
        }
    }

    pub fn position(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|&f| f == Some(field))
    }

    pub fn has(&self, field: Field) -> bool {
        self.position(field).is_some()
    }

    pub fn recognised_count(&self) -> usize {
        self.fields.iter().filter(|f| f.is_some()).count()
    }
}

/// A recognised table shape: kind, row shape, and whether the score still needs its values to
/// decide between NPS and CSAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised {
    Known(Kind, Shape),
    /// `date, score` with a neutral score header: the values decide (SPEC §2).
    SurveyByValues,
}

/// Each shape of SPEC §2 with its required columns, most specific first.
const SHAPES: &[(Kind, Shape, &[Field])] = &[
    (
        Kind::Finance,
        Shape::Wide,
        &[
            Field::Month,
            Field::Department,
            Field::Revenue,
            Field::Cogs,
            Field::Opex,
        ],
    ),
    (
        Kind::Workforce,
        Shape::Wide,
        &[
            Field::Month,
            Field::Department,
            Field::Fte,
            Field::AvailableHours,
            Field::BillableHours,
        ],
    ),
    (
        Kind::Finance,
        Shape::Ledger,
        &[
            Field::Date,
            Field::Department,
            Field::Category,
            Field::Amount,
        ],
    ),
    (
        Kind::Deliveries,
        Shape::List,
        &[Field::Id, Field::Department, Field::DueDate],
    ),
    (
        Kind::Customers,
        Shape::Summary,
        &[Field::Month, Field::CustomersStart, Field::ChurnedCustomers],
    ),
    (
        Kind::Customers,
        Shape::List,
        &[Field::CustomerId, Field::StartDate],
    ),
    (Kind::Nps, Shape::List, &[Field::Date, Field::Score]),
];

impl HeaderMap {
    /// The kind this header describes, if it has all required columns of one shape.
    pub fn recognise(&self) -> Option<Recognised> {
        let ledger_dated = |fields: &[Field]| {
            // A ledger dated by month instead of posting date is still a ledger.
            fields
                .iter()
                .all(|&f| self.has(f) || (f == Field::Date && self.has(Field::Month)))
        };
        // A column that asks how likely one is to recommend, or how satisfied one was, makes
        // a survey even where other columns would also make a customer list (a survey tool's
        // `Start Date` beside a customer id).
        let survey = match self.score_hint {
            Some(ScoreHint::Recommend) => Some(Kind::Nps),
            Some(ScoreHint::Satisfaction) => Some(Kind::Csat),
            _ => None,
        };
        if let Some(kind) = survey
            && self.has(Field::Date)
        {
            return Some(Recognised::Known(kind, Shape::List));
        }
        for &(kind, shape, required) in SHAPES {
            let complete = if shape == Shape::Ledger {
                ledger_dated(required)
            } else {
                required.iter().all(|&f| self.has(f))
            };
            if !complete {
                continue;
            }
            if kind == Kind::Nps {
                return Some(match self.score_hint {
                    Some(ScoreHint::Recommend) => Recognised::Known(Kind::Nps, Shape::List),
                    Some(ScoreHint::Satisfaction) => Recognised::Known(Kind::Csat, Shape::List),
                    _ => Recognised::SurveyByValues,
                });
            }
            return Some(Recognised::Known(kind, shape));
        }
        None
    }

    /// For an unrecognised header: the shape it comes closest to and the columns it lacks.
    pub fn closest_shape(&self) -> Option<(Kind, Shape, Vec<Field>)> {
        SHAPES
            .iter()
            .map(|&(kind, shape, required)| {
                let missing: Vec<Field> =
                    required.iter().copied().filter(|&f| !self.has(f)).collect();
                (required.len() - missing.len(), kind, shape, missing)
            })
            .filter(|(present, ..)| *present > 0)
            .max_by_key(|(present, _, _, missing)| (*present, std::cmp::Reverse(missing.len())))
            .map(|(_, kind, shape, missing)| (kind, shape, missing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(headers: &[&str]) -> HeaderMap {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        HeaderMap::new(&headers, &UserMappings::new())
    }

    #[test]
    fn headers_are_normalised_as_the_spec_says() {
        assert_eq!(normalise_header("  Net Revenue (EUR) "), "net_revenue_eur");
        assert_eq!(normalise_header("__Cost of Sales__"), "cost_of_sales");
        assert_eq!(normalise_header("D&A"), "d_a");
        assert_eq!(normalise_header("Umsatz"), "umsatz");
    }

    #[test]
    fn every_shape_is_recognised_from_its_header() {
        use Recognised::Known;
        assert_eq!(
            map(&[
                "Month",
                "Department",
                "Sales",
                "Cost of Sales",
                "Operating Expenses"
            ])
            .recognise(),
            Some(Known(Kind::Finance, Shape::Wide))
        );
        assert_eq!(
            map(&["Posting Date", "Cost Center", "Account Category", "Amount"]).recognise(),
            Some(Known(Kind::Finance, Shape::Ledger))
        );
        assert_eq!(
            map(&["Project ID", "Department", "Due Date", "Delivered Date"]).recognise(),
            Some(Known(Kind::Deliveries, Shape::List))
        );
        assert_eq!(
            map(&["Month", "Team", "FTE", "Available Hours", "Billable Hours"]).recognise(),
            Some(Known(Kind::Workforce, Shape::Wide))
        );
        assert_eq!(
            map(&[
                "Submitted At",
                "How likely are you to recommend us to a friend or colleague?"
            ])
            .recognise(),
            Some(Known(Kind::Nps, Shape::List))
        );
        assert_eq!(
            map(&["Rated At", "Channel", "Satisfaction"]).recognise(),
            Some(Known(Kind::Csat, Shape::List))
        );
        assert_eq!(
            map(&["date", "score"]).recognise(),
            Some(Recognised::SurveyByValues)
        );
        assert_eq!(
            map(&["Customer ID", "Start Date", "End Date", "MRR"]).recognise(),
            Some(Known(Kind::Customers, Shape::List))
        );
        assert_eq!(
            map(&["Month", "Segment", "Customers Start", "Churned Customers"]).recognise(),
            Some(Known(Kind::Customers, Shape::Summary))
        );
        assert_eq!(map(&["Name", "Colour"]).recognise(), None);
    }

    #[test]
    fn a_real_department_column_beats_a_segment_and_duplicates_are_reported() {
        let header = map(&["Segment", "Department", "Revenue", "Sales"]);
        assert_eq!(header.position(Field::Department), Some(1));
        assert_eq!(header.fields[0], None);
        assert_eq!(header.duplicates, vec![(0, 1), (3, 2)]);
    }

    #[test]
    fn user_mappings_win_over_the_alias_table() {
        let headers = vec!["Umsatz".to_string(), "Sales".to_string()];
        let user = UserMappings::from([("umsatz".to_string(), Field::Revenue)]);
        let header = HeaderMap::new(&headers, &user);
        assert_eq!(header.position(Field::Revenue), Some(0));
    }

    #[test]
    fn an_unrecognised_header_names_its_closest_shape_and_missing_columns() {
        let header = map(&["Month", "Department", "Revenue", "Costs"]);
        assert_eq!(header.recognise(), None);
        assert_eq!(
            header.closest_shape(),
            Some((Kind::Finance, Shape::Wide, vec![Field::Cogs, Field::Opex]))
        );
    }
}
