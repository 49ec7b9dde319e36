//! Exports as work trackers write them (SPEC §2b): issue trackers (Jira Cloud and Server,
//! Linear, Plane, Asana, GitHub Projects) read as deliveries, and time trackers' detailed
//! reports (Toggl Track, Clockify, Harvest) read as time entries.
//!
//! A tracker's columns clash with the general alias table (`Created` is not a survey date,
//! `Completed At` is a delivery date, `Project name` is a department, `Billable` is a yes/no
//! flag), so a header is first read with the general table and then, where it has a tracker's
//! layout, the tracker's own vocabulary overrides those columns. Columns the user mapped in
//! `coo-dashboard.toml` are never overridden. What no single [`Field`] can say (a department
//! from the first non-empty of several columns, a resolution and a status, a person from a first
//! and a last name) is kept in [`TrackerColumns`].

use std::borrow::Cow;

use super::headers::{Field, HeaderMap, Recognised, UserMappings, normalise_header};
use crate::model::{Kind, Shape};

/// The columns of a tracker's export that no single field holds, by position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackerColumns {
    /// Where the department comes from, in order: the first non-empty of these per row.
    pub departments: Vec<usize>,
    /// Resolution and status columns: a value such as `Won't Do` means "closed, not done".
    pub outcomes: Vec<usize>,
    /// Linear's `Canceled` date: filled in = canceled.
    pub canceled: Option<usize>,
    /// Time entries: the person's other names besides the [`Field::Person`] column (the user
    /// name beside the email), and Harvest's first and last name.
    pub user: Option<usize>,
    pub first_last: Option<(usize, Option<usize>)>,
    /// Time entries: a decimal duration beside an `HH:MM:SS` one, to cross-check them.
    pub decimal_hours: Option<usize>,
}

impl TrackerColumns {
    /// The columns read besides the header's fields, each with what it is read as (for the
    /// source entry's column list).
    pub fn read_as(&self) -> Vec<(usize, &'static str)> {
        let mut columns: Vec<(usize, &'static str)> = Vec::new();
        columns.extend(self.departments.iter().map(|&p| (p, "department")));
        columns.extend(self.outcomes.iter().map(|&p| (p, "status")));
        columns.extend(self.canceled.map(|p| (p, "canceled")));
        columns.extend(self.user.map(|p| (p, "person")));
        if let Some((first, last)) = self.first_last {
            columns.push((first, "person"));
            columns.extend(last.map(|p| (p, "person")));
        }
        columns.extend(self.decimal_hours.map(|p| (p, "hours")));
        columns.sort_unstable();
        columns
    }
}

/// How a tracker's export was recognised, for the source entry (SPEC §2b).
pub fn detection(header: &HeaderMap, shape: Shape) -> Option<String> {
    let tracker = header.tracker.as_ref()?;
    let names = |positions: &[usize]| {
        positions
            .iter()
            .map(|&p| header.headers[p].as_str())
            .collect::<Vec<_>>()
            .join(", then ")
    };
    match shape {
        Shape::IssueTracker => Some(format!(
            "issue-tracker export (Jira, Linear, Plane, Asana, GitHub Projects): one row per issue; department from the first non-empty of {}",
            names(&tracker.departments)
        )),
        Shape::TimeEntries => Some(if tracker.departments.is_empty() {
            "time-tracker detailed report (Toggl Track, Clockify, Harvest): one row per time entry; department from [people]".to_string()
        } else {
            format!(
                "time-tracker detailed report (Toggl Track, Clockify, Harvest): one row per time entry; department from {}, else [people]",
                names(&tracker.departments)
            )
        }),
        _ => None,
    }
}

/// Issue trackers' column names for each field, best first.
const ISSUE_ID: &[&str] = &[
    "issue_key",
    "identifier",
    "key",
    "id",
    "task_id",
    "issue_id",
    "issue_number",
    "number",
    "url",
];
const ISSUE_DUE: &[&str] = &["due_date", "target_date", "due", "due_on", "deadline"];
const ISSUE_DONE: &[&str] = &[
    "resolved",
    "resolution_date",
    "completed_at",
    "completed",
    "completed_on",
    "date_completed",
    "closed_at",
    "closed",
    "done_date",
    "delivered_date",
];
const ISSUE_NAME: &[&str] = &["summary", "title", "name", "task_name", "issue_title"];
/// Department sources, in the order SPEC §2b gives: a department or team field, components,
/// projects.
const ISSUE_DEPARTMENT: &[&str] = &[
    "department",
    "team",
    "custom_field_team",
    "team_name",
    "teams",
    "component_s",
    "components",
    "component",
    "project_name",
    "projects",
    "project",
];
const ISSUE_OUTCOME: &[&str] = &["resolution", "status", "state_name", "state"];
const ISSUE_CANCELED: &[&str] = &["canceled", "cancelled", "canceled_at", "cancelled_at"];

/// Time trackers' column names, best first. `Duration (h)` is Clockify's `HH:MM:SS`.
const ENTRY_DATE: &[&str] = &["start_date", "date", "spent_date", "day", "start"];
const ENTRY_HOURS: &[&str] = &[
    "duration",
    "duration_h",
    "duration_hh_mm_ss",
    "hours",
    "time_h",
    "duration_decimal",
    "decimal_duration",
    "time_decimal",
];
const ENTRY_DECIMAL: &[&str] = &["duration_decimal", "decimal_duration", "time_decimal"];
const ENTRY_BILLABLE: &[&str] = &["billable", "is_billable"];
const ENTRY_EMAIL: &[&str] = &["email", "user_email", "email_address", "member_email"];
const ENTRY_USER: &[&str] = &["user", "member", "user_name", "username", "person"];
/// Clients and projects are not departments (SPEC §2b).
const ENTRY_DEPARTMENT: &[&str] = &[
    "department",
    "group",
    "team",
    "roles",
    "user_group",
    "user_groups",
    "groups",
];

/// Resolutions and statuses that close an item without delivering it (SPEC §2b, plus Jira
/// Server's `Won't Fix` and `Incomplete`), normalised.
const NOT_DONE: &[&str] = &[
    "won_t_do",
    "wont_do",
    "won_t_fix",
    "wont_fix",
    "duplicate",
    "cannot_reproduce",
    "can_t_reproduce",
    "canceled",
    "cancelled",
    "declined",
    "incomplete",
];

/// The outcome text, if it says the item was closed without being done.
pub fn closed_not_done(outcome: &str) -> bool {
    NOT_DONE.contains(&normalise_header(outcome).as_str())
}

/// The header's columns with their normalised names, and which the user mapped.
struct Columns {
    normalised: Vec<String>,
    user_mapped: Vec<bool>,
}

impl Columns {
    fn new(headers: &[String], user: &UserMappings) -> Columns {
        let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
        let user_mapped = normalised.iter().map(|n| user.contains_key(n)).collect();
        Columns {
            normalised,
            user_mapped,
        }
    }

    /// The first column named by the best-ranked of `names` (a repeated name: its first column).
    fn best(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| {
            self.normalised
                .iter()
                .zip(&self.user_mapped)
                .position(|(normalised, mapped)| normalised == name && !mapped)
        })
    }

    /// Every column named by any of `names`, in the order of `names` (repeats once).
    fn all(&self, names: &[&str]) -> Vec<usize> {
        names
            .iter()
            .filter_map(|name| {
                self.normalised
                    .iter()
                    .zip(&self.user_mapped)
                    .position(|(normalised, mapped)| normalised == name && !mapped)
            })
            .collect()
    }
}

/// `header` (read with the general table) read as a tracker's export, when it is one.
pub fn reinterpret(header: &HeaderMap, user: &UserMappings) -> Option<(HeaderMap, Recognised)> {
    let columns = Columns::new(&header.headers, user);
    issue_tracker(header, &columns)
        .map(|map| {
            (
                map,
                Recognised::Known(Kind::Deliveries, Shape::IssueTracker),
            )
        })
        .or_else(|| {
            time_tracker(header, &columns)
                .map(|map| (map, Recognised::Known(Kind::Workforce, Shape::TimeEntries)))
        })
}

/// For a header that looks like a tracker's export but lacks something it needs: what is
/// missing and how to supply it (SPEC §2b).
pub fn missing(header: &HeaderMap, user: &UserMappings) -> Option<String> {
    let columns = Columns::new(&header.headers, user);
    let mapping = |column: &str| {
        format!(
            "rename a column or map it in {} ([mapping.\"Your header\"] column = \"{column}\")",
            super::settings::CONFIG_FILE
        )
    };
    if columns.best(ENTRY_HOURS).is_some() && columns.best(ENTRY_DATE).is_some() {
        let mut lacks = Vec::new();
        if columns.best(ENTRY_BILLABLE).is_none() {
            lacks.push("Billable column (Yes/No)");
        }
        if columns.best(ENTRY_EMAIL).is_none()
            && columns.best(ENTRY_USER).is_none()
            && columns.best(&["first_name", "firstname"]).is_none()
        {
            lacks.push("person column (Email, User or First Name)");
        }
        if !lacks.is_empty() {
            return Some(format!(
                "this looks like a time tracker's detailed report but it has no {}; export it with that column or {}",
                lacks.join(" and no "),
                mapping(if lacks[0].starts_with("Billable") {
                    "billable"
                } else {
                    "person"
                })
            ));
        }
    }
    let id = columns.best(ISSUE_ID).or(header.position(Field::Id));
    let due = columns.best(ISSUE_DUE).or(header.position(Field::DueDate));
    if id.is_some() && due.is_some() && columns.all(ISSUE_DEPARTMENT).is_empty() {
        return Some(format!(
            "this looks like an issue tracker's export but it has no team, component or project column to take the department from; export it with one or {}",
            mapping("department")
        ));
    }
    None
}

/// A copy of `header` with `fields` set at their positions (each removed from wherever else the
/// general table put it), the columns in `used` cleared of any other field, and the duplicate
/// list kept only for columns still in play.
fn overridden(
    header: &HeaderMap,
    fields: &[(Field, Option<usize>)],
    used: &[usize],
    tracker: TrackerColumns,
) -> HeaderMap {
    let mut map = header.clone();
    for &(field, position) in fields {
        if let Some(position) = position {
            for slot in map.fields.iter_mut() {
                if *slot == Some(field) {
                    *slot = None;
                }
            }
            map.fields[position] = Some(field);
        }
    }
    let set: Vec<usize> = fields.iter().filter_map(|(_, p)| *p).collect();
    for &position in used {
        if !set.contains(&position) {
            map.fields[position] = None;
        }
    }
    map.duplicates.retain(|&(position, winner)| {
        map.fields[position].is_none()
            && !used.contains(&position)
            && map.fields[winner].is_some()
            && header.fields[position] == map.fields[winner]
    });
    map.tracker = Some(Box::new(tracker));
    map
}

/// An issue tracker: an id, a due date, a department source, and a resolution, status,
/// completion or cancellation column (what the canonical list of SPEC §2 does not have, or has
/// without them).
fn issue_tracker(header: &HeaderMap, columns: &Columns) -> Option<HeaderMap> {
    let id = columns.best(ISSUE_ID).or(header.position(Field::Id))?;
    let due = columns
        .best(ISSUE_DUE)
        .or(header.position(Field::DueDate))?;
    let mut departments = columns.all(ISSUE_DEPARTMENT);
    if let Some(mapped) = header.position(Field::Department)
        && !departments.contains(&mapped)
    {
        departments.insert(0, mapped);
    }
    let outcomes = columns.all(ISSUE_OUTCOME);
    let canceled = columns.best(ISSUE_CANCELED);
    let done = columns
        .best(ISSUE_DONE)
        .or(header.position(Field::DeliveredDate));
    if departments.is_empty() || (outcomes.is_empty() && canceled.is_none() && done.is_none()) {
        return None;
    }
    let canonical = header.recognise();
    if outcomes.is_empty()
        && canceled.is_none()
        && matches!(canonical, Some(Recognised::Known(Kind::Deliveries, _)))
    {
        // The canonical list of SPEC §2 (id, department, due_date, delivered_date): read as such.
        return None;
    }
    // A project column names the department; it names the item only where nothing else does.
    let name = columns
        .best(ISSUE_NAME)
        .filter(|position| !departments.contains(position))
        .or(header
            .position(Field::Name)
            .filter(|position| !departments.contains(position) || departments.len() > 1));
    let mut used = departments.clone();
    used.extend(&outcomes);
    used.extend(canceled);
    let tracker = TrackerColumns {
        departments,
        outcomes,
        canceled,
        ..TrackerColumns::default()
    };
    // Jira writes its custom fields as `Custom field (Budget cost)`: read as the field they name.
    let custom = |field: Field| {
        header.position(field).or_else(|| {
            columns.normalised.iter().position(|normalised| {
                normalised
                    .strip_prefix("custom_field_")
                    .and_then(Field::from_alias)
                    == Some(field)
            })
        })
    };
    let mut map = overridden(
        header,
        &[
            (Field::Id, Some(id)),
            (Field::DueDate, Some(due)),
            (Field::DeliveredDate, done),
            (Field::Name, name),
            (Field::Customer, custom(Field::Customer)),
            (Field::BudgetCost, custom(Field::BudgetCost)),
            (Field::ActualCost, custom(Field::ActualCost)),
        ],
        &used,
        tracker,
    );
    // The department is read from the tracker's list, never from one field; a survey's date
    // (`Created`) means nothing here.
    keep_only(
        &mut map,
        &[
            Field::Id,
            Field::DueDate,
            Field::DeliveredDate,
            Field::Name,
            Field::Customer,
            Field::BudgetCost,
            Field::ActualCost,
        ],
    );
    Some(map)
}

/// Removes every field but `fields` from the header's columns: the rest of a tracker's columns
/// (`Created`, a `Change reason` that looks like a survey comment) mean nothing here.
fn keep_only(map: &mut HeaderMap, fields: &[Field]) {
    for slot in map.fields.iter_mut() {
        if slot.is_some_and(|field| !fields.contains(&field)) {
            *slot = None;
        }
    }
    map.duplicates
        .retain(|&(_, winner)| map.fields[winner].is_some());
}

/// A time tracker's detailed report: a date, a duration, a billable flag and a person.
fn time_tracker(header: &HeaderMap, columns: &Columns) -> Option<HeaderMap> {
    let date = columns.best(ENTRY_DATE)?;
    let hours = columns.best(ENTRY_HOURS)?;
    let billable = columns.best(ENTRY_BILLABLE)?;
    let email = columns.best(ENTRY_EMAIL);
    let user = columns.best(ENTRY_USER);
    let first = columns.best(&["first_name", "firstname"]);
    let last = columns.best(&["last_name", "lastname", "surname"]);
    let person = email.or(user);
    if person.is_none() && first.is_none() {
        return None;
    }
    if header.has(Field::Fte) || header.has(Field::AvailableHours) {
        // A monthly workforce file (SPEC §2) that happens to have a billable column.
        return None;
    }
    let decimal_hours = columns.best(ENTRY_DECIMAL).filter(|&p| p != hours);
    let departments = columns.all(ENTRY_DEPARTMENT);
    let mut used = departments.clone();
    used.extend(user);
    used.extend(first);
    used.extend(last);
    used.extend(decimal_hours);
    let tracker = TrackerColumns {
        departments,
        user: user.filter(|&p| Some(p) != person),
        first_last: first.map(|first| (first, last)),
        decimal_hours,
        ..TrackerColumns::default()
    };
    let mut map = overridden(
        header,
        &[
            (Field::Date, Some(date)),
            (Field::Hours, Some(hours)),
            (Field::Billable, Some(billable)),
            (Field::Person, person),
        ],
        &used,
        tracker,
    );
    keep_only(
        &mut map,
        &[Field::Date, Field::Hours, Field::Billable, Field::Person],
    );
    Some(map)
}

/// A duration as time trackers write it: `HH:MM:SS`, `H:MM`, or decimal hours (read by the
/// caller with the column's decimal separator). `None` when the text is not `H:MM[:SS]`.
pub fn clock_hours(text: &str) -> Option<Result<f64, String>> {
    let text = text.trim();
    if !text.contains(':') {
        return None;
    }
    let parts: Vec<&str> = text.split(':').collect();
    let bad = || {
        Err(format!(
            "'{text}' is not a duration; write it as HH:MM:SS or in hours"
        ))
    };
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 6)
    {
        return Some(bad());
    }
    let number = |part: &str| part.parse::<u32>().unwrap_or(0);
    let (hours, minutes) = (number(parts[0]), number(parts[1]));
    let seconds = parts.get(2).map_or(0, |p| number(p));
    if minutes > 59 || seconds > 59 {
        return Some(bad());
    }
    Some(Ok(f64::from(hours)
        + f64::from(minutes) / 60.0
        + f64::from(seconds) / 3600.0))
}

/// A billable flag: `Yes`/`No`, `true`/`false`, `1`/`0`, `Y`/`N`. `None` when it is none.
pub fn billable_flag(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "true" | "1" | "y" | "billable" | "ja" | "oui" => Some(true),
        "no" | "false" | "0" | "n" | "non-billable" | "not billable" | "nein" | "non" => {
            Some(false)
        }
        _ => None,
    }
}

/// The first non-empty of the cells at `positions`.
pub fn first_filled<'a>(
    positions: &[usize],
    cell: impl Fn(usize) -> Option<Cow<'a, str>>,
) -> Option<Cow<'a, str>> {
    positions.iter().find_map(|&position| cell(position))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn understood(headers: &[&str]) -> Option<(HeaderMap, Recognised)> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let user = UserMappings::new();
        reinterpret(&HeaderMap::new(&headers, &user), &user)
    }

    #[test]
    fn a_jira_header_reads_key_due_resolved_summary_and_project_as_department() {
        let (map, recognised) = understood(&[
            "Summary",
            "Issue key",
            "Issue id",
            "Status",
            "Project name",
            "Resolution",
            "Created",
            "Resolved",
            "Due date",
            "Labels",
            "Labels",
            "Custom field (Team)",
        ])
        .expect("a Jira header");
        assert_eq!(
            recognised,
            Recognised::Known(Kind::Deliveries, Shape::IssueTracker)
        );
        assert_eq!(map.position(Field::Id), Some(1));
        assert_eq!(map.position(Field::Name), Some(0));
        assert_eq!(map.position(Field::DueDate), Some(8));
        assert_eq!(map.position(Field::DeliveredDate), Some(7));
        // `Created` is not a survey date here.
        assert_eq!(map.position(Field::Date), None);
        let tracker = map.tracker.expect("tracker columns");
        // Team first, then the project (SPEC §2b's order).
        assert_eq!(tracker.departments, vec![11, 4]);
        assert_eq!(tracker.outcomes, vec![5, 3]);
    }

    #[test]
    fn the_canonical_delivery_list_is_left_to_the_general_table() {
        assert_eq!(
            understood(&["id", "department", "due_date", "delivered_date"]),
            None
        );
    }

    #[test]
    fn a_toggl_header_reads_duration_billable_and_email() {
        let (map, recognised) = understood(&[
            "User",
            "Email",
            "Client",
            "Project",
            "Billable",
            "Start date",
            "Duration",
        ])
        .expect("a Toggl header");
        assert_eq!(
            recognised,
            Recognised::Known(Kind::Workforce, Shape::TimeEntries)
        );
        assert_eq!(map.position(Field::Person), Some(1));
        assert_eq!(map.position(Field::Billable), Some(4));
        assert_eq!(map.position(Field::BillableHours), None);
        assert_eq!(map.position(Field::Date), Some(5));
        assert_eq!(map.position(Field::Hours), Some(6));
        assert_eq!(map.tracker.and_then(|t| t.user), Some(0));
    }

    #[test]
    fn a_time_report_without_a_billable_column_says_so() {
        let headers: Vec<String> = ["User", "Email", "Project", "Start date", "Duration"]
            .iter()
            .map(|h| h.to_string())
            .collect();
        let user = UserMappings::new();
        let header = HeaderMap::new(&headers, &user);
        assert!(reinterpret(&header, &user).is_none());
        let said = missing(&header, &user).expect("what is missing");
        assert!(said.contains("it has no Billable column"), "{said}");
    }

    #[test]
    fn durations_and_flags_read_as_trackers_write_them() {
        assert_eq!(clock_hours("01:00:01"), Some(Ok(1.0 + 1.0 / 3600.0)));
        assert_eq!(clock_hours("7:30"), Some(Ok(7.5)));
        assert_eq!(clock_hours("2.5"), None);
        assert!(matches!(clock_hours("1:75:00"), Some(Err(_))));
        assert_eq!(billable_flag("Yes"), Some(true));
        assert_eq!(billable_flag("false"), Some(false));
        assert_eq!(billable_flag("maybe"), None);
        assert!(closed_not_done("Won't Do"));
        assert!(closed_not_done("Cannot Reproduce"));
        assert!(!closed_not_done("Done"));
    }
}
