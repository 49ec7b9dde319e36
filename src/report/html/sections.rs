//! The pack's pages, one function per section, in the order `write` prints them.

use std::fmt::Write;

use super::charts::*;
use super::*;

pub(super) fn kpi_section(html: &mut String, pack: &Pack<'_>) {
    let month = pack.month;
    let _ = write!(
        html,
        "<div class=\"section-first\"><h2>Company KPIs</h2>\
         <p class=\"lead\">{} · the edge and the chip show where each value stands against the escalation rules; deltas are green when the move is good news.</p>\n<div class=\"cards\">\n",
        format::month_long(month)
    );
    for metric in KPI_CARDS {
        let current = pack.metrics.get(metric, None, month);
        let value = current.and_then(|value| value.value);
        let low_confidence = current.is_some_and(|value| value.low_confidence);
        let standing = value.and(pack.standings.status(metric, None, month));
        let class = standing.map_or("", standing_class);
        let chip = match standing {
            Some(standing) if standing != Standing::Ok => format!(
                "<span class=\"chip {}\">{}</span>",
                standing_class(standing),
                standing.label()
            ),
            _ => String::new(),
        };
        let note = kpi_note(pack.metrics, pack.standings, metric, None, month)
            .map(|note| {
                if low_confidence {
                    format!("{note}, fewer than 30")
                } else {
                    note
                }
            })
            .unwrap_or_default();
        let _ = writeln!(
            html,
            "<div class=\"card {class}\"><div class=\"label\"><span>{}</span>{chip}</div>\
             <div class=\"value{}\">{}</div>\
             <div class=\"deltas\">{} <span class=\"weak\">vs {}</span><br>{} <span class=\"weak\">vs {}</span></div>\
             <div class=\"note\">{}{}</div>{}</div>",
            escape(metric.label()),
            if low_confidence { " low" } else { "" },
            escape(&shown(metric, value)),
            delta_span(pack, metric, None, month.prev()),
            format::month_short(month.prev()),
            delta_span(pack, metric, None, month.offset(-12)),
            format::month_short(month.offset(-12)),
            escape(&note),
            if company_notes(pack, metric).next().is_some() {
                " · <b>note below</b>"
            } else {
                ""
            },
            sparkline(pack, metric),
        );
    }
    html.push_str("</div>\n");
    // The notes written on the cards' values, right below the cards.
    for metric in KPI_CARDS {
        for written in company_notes(pack, metric) {
            let _ = writeln!(
                html,
                "<p class=\"kpi-note\"><b>Note on {}:</b> {} <span class=\"weak\">— {}</span></p>",
                escape(metric.label()),
                escape(&written.text),
                escape(&Report::note_byline(written))
            );
        }
    }

    // The memo's KPI table: every company KPI against last month and last year.
    let _ = writeln!(
        html,
        "<h3>All company KPIs</h3><table><thead><tr><th>KPI</th><th class=\"num\">{}</th>\
         <th class=\"num\">vs {}</th><th class=\"num\">vs {}</th><th>Status</th></tr></thead><tbody>",
        format::month_short(month),
        format::month_short(month.prev()),
        format::month_short(month.offset(-12)),
    );
    for metric in COMPANY_KPIS {
        let Some(current) = pack.metrics.get(metric, None, month) else {
            continue;
        };
        let standing = current
            .value
            .and(pack.standings.status(metric, None, month));
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(metric.label()),
            escape(&shown(metric, current.value)),
            delta_span(pack, metric, None, month.prev()),
            delta_span(pack, metric, None, month.offset(-12)),
            standing_chip(standing),
        );
        for written in company_notes(pack, metric) {
            let _ = writeln!(
                html,
                "<tr class=\"note-row\"><td colspan=\"5\"><b>Note:</b> {} <span class=\"weak\">— {}</span></td></tr>",
                escape(&written.text),
                escape(&Report::note_byline(written))
            );
        }
    }
    html.push_str("</tbody></table>\n");
    // Notes on departments' numbers this month, by KPI.
    let department_notes: Vec<_> = pack
        .report
        .notes_of(month)
        .into_iter()
        .filter(|note| note.department.is_some())
        .collect();
    if !department_notes.is_empty() {
        html.push_str("<h3>Notes on department figures</h3><ul class=\"notes\">");
        for note in department_notes {
            let label = Metric::from_name(&note.metric).map_or(note.metric.as_str(), |m| m.label());
            let _ = write!(
                html,
                "<li><b>{} · {}:</b> {} <span class=\"weak\">— {}</span></li>",
                escape(label),
                escape(note.department.as_deref().unwrap_or_default()),
                escape(&note.text),
                escape(&Report::note_byline(note))
            );
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</div>\n");
}

/// The notes written on the company's value of `metric` in the pack's month.
fn company_notes<'a>(
    pack: &'a Pack<'_>,
    metric: Metric,
) -> impl Iterator<Item = &'a crate::escalations::store::Note> {
    pack.report
        .notes_of(pack.month)
        .into_iter()
        .filter(move |note| note.department.is_none() && note.metric == metric.name())
}

pub(super) fn standing_chip(standing: Option<Standing>) -> String {
    match standing {
        Some(standing) => format!(
            "<span class=\"chip {}\">{}</span>",
            standing_class(standing),
            standing.label()
        ),
        None => "<span class=\"chip muted\">No rule</span>".to_string(),
    }
}

/// Departments that have a value for any of `metrics` in the month, in the data's order.
pub(super) fn departments_with(pack: &Pack<'_>, metrics: &[Metric]) -> Vec<(DepartmentId, String)> {
    pack.dataset
        .departments
        .iter()
        .filter(|(id, _)| {
            metrics
                .iter()
                .any(|metric| pack.metrics.get(*metric, Some(*id), pack.month).is_some())
        })
        .map(|(id, name)| (id, name.to_string()))
        .collect()
}

/// A table of `metrics` per department for the month, with the company as the last row.
pub(super) fn department_table(pack: &Pack<'_>, metrics: &[Metric]) -> String {
    let mut table = String::from("<table><thead><tr><th>Department</th>");
    for metric in metrics {
        let _ = write!(table, "<th class=\"num\">{}</th>", escape(metric.label()));
    }
    table.push_str("</tr></thead><tbody>\n");
    let rows = departments_with(pack, metrics)
        .into_iter()
        .map(|(id, name)| (Some(id), name))
        .chain(std::iter::once((None, "Company".to_string())));
    for (department, name) in rows {
        let class = if department.is_none() {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(table, "<tr{class}><td>{}</td>", escape(&name));
        for metric in metrics {
            let current = pack.metrics.get(*metric, department, pack.month);
            let text = match current {
                Some(value) if value.low_confidence && value.value.is_some() => {
                    format!("{}*", shown(*metric, value.value))
                }
                Some(value) => shown(*metric, value.value),
                None => "–".to_string(),
            };
            let _ = write!(table, "<td class=\"num\">{}</td>", escape(&text));
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</tbody></table>\n");
    table
}

pub(super) fn finance_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Finance",
        &format!(
            "{}: from revenue to EBITDA, the last twelve months, and each department's P&L.",
            format::month_long(pack.month)
        ),
    );
    let costs: Vec<(Option<f64>, bool)> = trend_months(pack)
        .into_iter()
        .map(|month| {
            let cogs = pack.metrics.value(Metric::Cogs, None, month);
            let opex = pack.metrics.value(Metric::Opex, None, month);
            (cogs.zip(opex).map(|(cogs, opex)| cogs + opex), false)
        })
        .collect();
    let trend = line_chart(
        pack,
        "Revenue, costs and EBITDA",
        Unit::Money,
        &[
            company_line(pack, Metric::Revenue, REVENUE),
            Line {
                label: "Costs (cost of sales + opex)".to_string(),
                metric: None,
                color: COST,
                points: costs,
            },
            company_line(pack, Metric::Ebitda, GOOD),
        ],
        None,
        None,
        outlook(pack, Metric::Revenue),
    );
    chart_row(html, &bridge_chart(pack), &trend);
    chart_row(
        html,
        &metric_chart(pack, Metric::EbitdaMargin, REVENUE),
        &metric_chart(pack, Metric::CostToRevenue, COST),
    );
    departments_block(html, pack, &FINANCE_TABLE);
    html.push_str("</section>\n");
}

/// The month's values of `metrics` per department, under its heading.
pub(super) fn departments_block(html: &mut String, pack: &Pack<'_>, metrics: &[Metric]) {
    let _ = write!(
        html,
        "<h3>Departments, {}</h3>{}",
        format::month_short(pack.month),
        department_table(pack, metrics)
    );
}

pub(super) fn delivery_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Delivery",
        &format!(
            "Deliverables due up to {}: on time, late and still open.",
            pack.report.as_of.format("%-d %B %Y")
        ),
    );
    chart_row(
        html,
        &metric_chart(pack, Metric::OnTimeRate, REVENUE),
        &metric_chart(pack, Metric::DeliverablesDue, SECONDARY),
    );
    departments_block(
        html,
        pack,
        &[
            Metric::DeliverablesDue,
            Metric::OnTimeRate,
            Metric::AvgDaysLate,
            Metric::OverdueOpen,
            Metric::BudgetOverrunRate,
        ],
    );

    // Open past-due deliverables, most days late first.
    let as_of = pack.report.as_of;
    let mut overdue: Vec<_> = pack
        .dataset
        .deliveries
        .iter()
        .filter(|row| {
            row.due_date < as_of && row.delivered_date.is_none_or(|delivered| delivered > as_of)
        })
        .collect();
    overdue.sort_by_key(|row| (row.due_date, row.id.clone()));
    let _ = write!(html, "<h3>Overdue deliverables ({})</h3>", overdue.len());
    if overdue.is_empty() {
        html.push_str("<p class=\"weak\">Nothing past due is open.</p>");
    } else {
        html.push_str(
            "<table><thead><tr><th>Id</th><th>Deliverable</th><th>Customer</th><th>Department</th>\
             <th class=\"num\">Due</th><th class=\"num\">Days late</th></tr></thead><tbody>\n",
        );
        for row in overdue {
            let department = row
                .department
                .map(|id| pack.dataset.departments.name(id))
                .unwrap_or("–");
            let _ = writeln!(
                html,
                "<tr><td class=\"file\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&row.id),
                escape(row.name.as_deref().unwrap_or("")),
                escape(row.customer.as_deref().unwrap_or("")),
                escape(department),
                row.due_date,
                (as_of - row.due_date).num_days()
            );
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</section>\n");
}

pub(super) fn productivity_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Productivity",
        &format!(
            "{}: how much of the available time was billable, and what each FTE produced.",
            format::month_long(pack.month)
        ),
    );
    let band = pack
        .standings
        .band(Metric::Utilization, None)
        .and_then(|band| Some((band.warning_below?, band.warning_above?)));
    // Tracked utilization (billable share of the hours time trackers logged) beside it, where
    // time entries were read.
    let mut lines = vec![company_line(pack, Metric::Utilization, REVENUE)];
    let tracked = company_line(pack, Metric::TrackedUtilization, SECONDARY);
    if tracked.points.iter().any(|(value, _)| value.is_some()) {
        lines.push(tracked);
    }
    let company = line_chart(
        pack,
        "Utilization, company",
        Unit::Rate,
        &lines,
        None,
        band,
        outlook(pack, Metric::Utilization),
    );
    chart_row(html, &utilization_bars(pack, band), &company);
    chart_row(
        html,
        &metric_chart(pack, Metric::RevenuePerFte, REVENUE),
        &metric_chart(pack, Metric::OutputPerFte, SECONDARY),
    );
    let tracked_this_month = pack
        .metrics
        .get(Metric::TrackedUtilization, None, pack.month)
        .is_some();
    let columns: Vec<Metric> = [
        Metric::Utilization,
        Metric::TrackedUtilization,
        Metric::RevenuePerFte,
        Metric::OutputPerFte,
        Metric::CostPerOutput,
    ]
    .into_iter()
    .filter(|&metric| metric != Metric::TrackedUtilization || tracked_this_month)
    .collect();
    departments_block(html, pack, &columns);
    html.push_str("</section>\n");
}

pub(super) fn customers_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Customers",
        "Loyalty (NPS), satisfaction (CSAT) and churn over twelve months; hollow points rest on fewer than 30 responses.",
    );
    chart_row(
        html,
        &metric_chart(pack, Metric::Nps, REVENUE),
        &metric_chart(pack, Metric::Csat, SECONDARY),
    );
    let churn = line_chart(
        pack,
        "Churn",
        Unit::Rate,
        &[
            company_line(pack, Metric::ChurnRate, COST),
            company_line(pack, Metric::RevenueChurnRate, WARNING),
        ],
        target_of(pack, Metric::ChurnRate),
        None,
        outlook(pack, Metric::ChurnRate),
    );
    chart_row(
        html,
        &churn,
        &metric_chart(pack, Metric::ActiveCustomers, REVENUE),
    );
    departments_block(
        html,
        pack,
        &[
            Metric::Nps,
            Metric::NpsResponses,
            Metric::Csat,
            Metric::CsatResponses,
            Metric::ActiveCustomers,
            Metric::ChurnRate,
        ],
    );
    channels_block(html, pack);
    html.push_str("<p class=\"weak\">* fewer than 30 responses: low confidence.</p></section>\n");
}

/// CSAT per help-desk channel for the month (SPEC §1: channels are not departments).
fn channels_block(html: &mut String, pack: &Pack<'_>) {
    let month = pack.month;
    let rows: Vec<String> = pack
        .dataset
        .channels
        .iter()
        .filter_map(|(id, name)| {
            let csat = pack.metrics.channel_value(Metric::Csat, id, month)?;
            let ratings = pack
                .metrics
                .channel_value(Metric::CsatResponses, id, month)
                .and_then(|value| value.value);
            let mut shown_csat = shown(Metric::Csat, csat.value);
            if let Some(margin) = csat.margin() {
                shown_csat = format!("{shown_csat} {}", format::margin(Unit::Rate, margin));
            }
            if csat.low_confidence {
                shown_csat.push('*');
            }
            Some(format!(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(name),
                escape(&shown_csat),
                escape(&shown(Metric::CsatResponses, ratings)),
            ))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        html,
        "<h3>CSAT by help-desk channel, {}</h3><table><thead><tr><th>Channel</th><th class=\"num\">CSAT</th><th class=\"num\">Ratings</th></tr></thead><tbody>{}</tbody></table>",
        format::month_short(month),
        rows.concat()
    );
}

pub(super) fn departments_section(html: &mut String, pack: &Pack<'_>) {
    section_open(
        html,
        "Departments",
        &format!(
            "{} · each cell coloured by where the value stands against the escalation rules.",
            format::month_long(pack.month)
        ),
    );
    html.push_str("<table class=\"heat\"><thead><tr><th>Department</th>");
    for metric in HEATMAP_METRICS {
        let _ = write!(html, "<th>{}</th>", escape(metric.label()));
    }
    html.push_str("</tr></thead><tbody>\n");
    let rows = pack
        .dataset
        .departments
        .iter()
        .map(|(id, name)| (Some(id), name.to_string()))
        .chain(std::iter::once((None, "Company".to_string())));
    for (department, name) in rows {
        let class = if department.is_none() {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(html, "<tr{class}><td>{}</td>", escape(&name));
        for metric in HEATMAP_METRICS {
            let current = pack.metrics.get(metric, department, pack.month);
            let value = current.and_then(|value| value.value);
            let low_confidence = current.is_some_and(|value| value.low_confidence);
            // As the app's heat map writes a cell.
            let mut text = format::metric_value(metric, value)
                .replace(" points", "")
                .replace(" per FTE", "");
            if low_confidence {
                text.push('*');
            }
            let standing = value.and(pack.standings.status(metric, department, pack.month));
            let status_class = standing.map_or("none", standing_class);
            let low = if low_confidence { " low" } else { "" };
            let _ = write!(
                html,
                "<td class=\"cell {status_class}{low}\" title=\"{}\">{}</td>",
                escape(standing.map_or("No rule", Standing::label)),
                escape(&text)
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table>\n<div class=\"legend\">");
    for standing in Standing::ALL {
        let _ = write!(
            html,
            "<i style=\"background:{};opacity:0.5\"></i>{}",
            standing_color(standing),
            standing.label()
        );
    }
    html.push_str(
        "<i style=\"background:#f3f4f6;border:1px solid #dadada\"></i>No rule · * fewer than 30 responses</div>\n</section>\n",
    );
}

pub(super) fn escalations_section(html: &mut String, pack: &Pack<'_>) {
    let mut open: Vec<_> = pack
        .report
        .escalations
        .iter()
        .filter(|row| row.month == pack.month && row.status != Status::Resolved)
        .collect();
    // Most severe first; within a severity the most money at stake first (SPEC §6), then the
    // report's order.
    open.sort_by(|a, b| {
        crate::escalations::pressing_first(
            (a.severity, a.money_at_stake),
            (b.severity, b.money_at_stake),
        )
    });
    let count = |severity: Severity| open.iter().filter(|row| row.severity == severity).count();
    section_open(
        html,
        "Open escalations",
        &format!(
            "{}: {} critical, {} warning, {} watch, not yet resolved; with the money at stake, owner and latest comment.",
            format::month_long(pack.month),
            count(Severity::Critical),
            count(Severity::Warning),
            count(Severity::Watch)
        ),
    );
    if open.is_empty() {
        html.push_str("<p>Nothing open: no rule fired this month, or everything was resolved.</p></section>\n");
        return;
    }
    html.push_str(
        "<table class=\"esc\"><thead><tr><th style=\"width:9%\">Severity</th><th>What</th><th class=\"num\" style=\"width:9%\">At stake</th><th style=\"width:9%\">Status</th><th style=\"width:13%\">Owner</th><th style=\"width:22%\">Latest comment</th></tr></thead><tbody>\n",
    );
    for row in open.iter().take(MAX_ESCALATIONS) {
        let standing = Standing::from(row.severity);
        let comment = match pack.latest_comments.get(&row.id) {
            Some(entry) => format!(
                "<div class=\"comment\">{}<div class=\"when\">{}{}</div></div>",
                escape(entry.text.as_deref().unwrap_or("")),
                escape(entry.at.get(..10).unwrap_or(&entry.at)),
                entry
                    .actor
                    .as_deref()
                    .map(|actor| format!(", {}", escape(actor)))
                    .unwrap_or_default()
            ),
            None => "<span class=\"weak\">–</span>".to_string(),
        };
        let _ = writeln!(
            html,
            "<tr><td><span class=\"chip {}\">{}</span></td><td>{}<div class=\"id\">{}</div></td><td class=\"num\" title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{comment}</td></tr>",
            standing_class(standing),
            row.severity,
            escape(&row.message),
            escape(&row.id),
            escape(&row.money_basis),
            escape(&at_stake(row.money_at_stake)),
            row.status,
            escape(row.owner.as_deref().unwrap_or("–")),
        );
    }
    html.push_str("</tbody></table>\n");
    if open.len() > MAX_ESCALATIONS {
        let _ = write!(
            html,
            "<p class=\"weak\">And {} more (watch items) in the JSON report.</p>",
            open.len() - MAX_ESCALATIONS
        );
    }
    html.push_str("</section>\n");
}

pub(super) fn basis_section(html: &mut String, pack: &Pack<'_>) {
    let report = pack.report;
    section_open(
        html,
        "What the numbers rest on",
        "Every file read, what was used and rejected, and the first data-quality notes.",
    );
    let _ = write!(
        html,
        "<p><b>Data folder</b> {} · <b>as of</b> {} · <b>rules in force</b> {} · <b>input rows rejected</b> {}</p>",
        escape(&report.data_folder),
        report.as_of,
        escape(&report.rules_line()),
        report.rows_rejected()
    );
    if !pack.workings.is_empty() {
        html.push_str(
            "<h3>How the company KPIs are worked out</h3><table><thead><tr><th>KPI</th><th>Arithmetic and source</th></tr></thead><tbody>\n",
        );
        for (metric, arithmetic) in pack.workings {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(metric.label()),
                escape(arithmetic)
            );
        }
        let _ = writeln!(
            html,
            "</tbody></table>\n<p class=\"weak\">Every row behind a value, with its file and line: <code>coo-dashboard explain {} METRIC {} [--department NAME]</code>, or click the number in the app.</p>",
            escape(&report.data_folder),
            pack.month
        );
    }
    html.push_str("<h3>Files read</h3>\n");
    html.push_str(
        "<table><thead><tr><th>File</th><th>Kind</th><th class=\"num\">Rows read</th><th class=\"num\">Used</th>\
         <th class=\"num\">Rejected</th><th class=\"num\">Duplicate</th></tr></thead><tbody>\n",
    );
    for source in &report.sources {
        let kind = source
            .kind
            .map_or("not used".to_string(), |kind| kind.to_string());
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&source.file),
            escape(&kind),
            format::grouped(source.rows_read as f64, 0),
            format::grouped(source.rows_used as f64, 0),
            format::grouped(source.rows_rejected as f64, 0),
            format::grouped(source.rows_duplicate as f64, 0),
        );
    }
    html.push_str("</tbody></table>\n");
    if !report.data_quality.is_empty() {
        let _ = writeln!(
            html,
            "<h3>Data-quality notes ({} in all{})</h3><table><thead><tr><th>File</th><th class=\"num\">Line</th><th>Problem</th></tr></thead><tbody>",
            report.data_quality.len(),
            if report.data_quality.len() > MAX_NOTES {
                format!("; the {MAX_NOTES} that matter most here, every one in the JSON report")
            } else {
                String::new()
            }
        );
        for issue in crate::model::notes_that_matter_first(&report.data_quality)
            .into_iter()
            .take(MAX_NOTES)
        {
            let _ = writeln!(
                html,
                "<tr><td class=\"file\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&issue.file),
                issue.line.map(|line| line.to_string()).unwrap_or_default(),
                escape(&issue.problem)
            );
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</section>\n");
}

/// Money at stake as the escalation list shows it: whole currency units, a dash when the rule
/// has no money basis.
pub(super) fn at_stake(amount: Option<f64>) -> String {
    amount.map_or_else(|| "–".to_string(), |amount| format::grouped(amount, 0))
}
