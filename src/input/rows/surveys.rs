//! Survey rows: NPS responses, CSAT ratings, and a file of several surveys split by its label
//! columns (SPEC §2b). Only answers count: a survey tool's previews, tests, spam and unfinished
//! responses, and rows without an answer, are counted once per file and left out.

use std::collections::{BTreeMap, HashMap};

use super::{Columns, FileCx, Parsed, ParsedRows, Problem, RowParser};
use crate::input::headers::{Field, HeaderMap, normalise_header};
use crate::input::reader::{CellRef, RowView};
use crate::input::survey::{
    CsatCell, Label, NotAResponse, Split, csat_cell, not_a_response, nps_score,
};
use crate::model::{
    Action, ChannelId, CsatRating, CsatScale, DataQualityIssue, DepartmentId, Departments,
    NpsResponse, RowRef,
};

/// Each rating's help-desk channel, interned into the file's channels (SPEC §1: a channel is
/// not a department); each spelling is looked up once.
pub(super) struct Channels<'c> {
    channels: &'c mut Departments,
    seen: HashMap<String, Option<ChannelId>>,
}

impl<'c> Channels<'c> {
    pub(super) fn new(channels: &'c mut Departments) -> Channels<'c> {
        Channels {
            channels,
            seen: HashMap::new(),
        }
    }

    fn of(&mut self, columns: &Columns<'_>, row: &RowView<'_>) -> Option<ChannelId> {
        let text = columns.text_ref(row, Field::Channel)?;
        if let Some(&id) = self.seen.get(text.as_ref()) {
            return id;
        }
        let id = self.channels.intern(&text);
        self.seen.insert(text.into_owned(), id);
        id
    }
}

/// Which rows of a survey file are answers: not a survey tool's preview, test, spam or
/// unfinished response (its `Status` / `Finished` columns), and with an answer in the score
/// column. The others are counted, each reason once per file.
pub(super) struct Responses {
    status: Option<usize>,
    finished: Option<usize>,
    /// By reason: (first line, count).
    not_responses: BTreeMap<NotAResponse, (usize, usize)>,
    unanswered: Option<(usize, usize)>,
}

impl Responses {
    pub(super) fn new(header: &HeaderMap) -> Responses {
        Responses {
            status: header.position(Field::Status),
            finished: header.position(Field::Finished),
            not_responses: BTreeMap::new(),
            unanswered: None,
        }
    }

    /// The row's score cell and column header, or `None` for a row that is not an answer.
    fn answer<'r, 'h>(
        &mut self,
        columns: &Columns<'h>,
        row: &RowView<'r>,
    ) -> Result<Option<(CellRef<'r>, &'h str)>, Problem> {
        if self.status.is_some() || self.finished.is_some() {
            let reason = not_a_response(
                self.status.map(|p| row.get(p)),
                self.finished.map(|p| row.get(p)),
            );
            if let Some(reason) = reason {
                self.not_responses.entry(reason).or_insert((row.line, 0)).1 += 1;
                return Ok(None);
            }
        }
        let (cell, column) = columns
            .cell(row, Field::Score)
            .ok_or_else(|| columns.blank(row, Field::Score))?;
        if cell.is_blank() {
            super::count(&mut self.unanswered, row.line);
            return Ok(None);
        }
        Ok(Some((cell, column)))
    }

    /// One entry per reason rows were not answers.
    fn report(self, cx: &mut FileCx<'_>) {
        let column = cx.column_of(Field::Score);
        for (reason, slot) in self.not_responses {
            cx.not_used(Some(slot), column.clone(), |count| {
                format!(
                    "{count} row(s) are {} (the export's Status / Finished columns say so); they are not responses and are not counted",
                    reason.describe()
                )
            });
        }
        cx.not_used(self.unanswered, column, |count| {
            format!("{count} response(s) have no answer in the score column; they are not counted")
        });
    }
}

/// Rows that say a survey was offered (or not) but hold no rating: one entry.
fn report_not_rated(cx: &mut FileCx<'_>, not_rated: Option<(usize, usize)>) {
    let column = cx.column_of(Field::Score);
    cx.not_used(not_rated, column, |count| {
        format!(
            "{count} row(s) say a survey was offered (or not) but hold no rating; they are not counted"
        )
    });
}

/// The columns beside the score that may be survey labels: those whose header also names a
/// score (HubSpot's `NPS` and `CSAT` beside `Rating`), and unread ones that name a survey.
pub(super) fn survey_candidates(header: &HeaderMap) -> Vec<usize> {
    let mut candidates: Vec<usize> = header
        .duplicates
        .iter()
        .filter(|&&(_, winner)| header.fields[winner] == Some(Field::Score))
        .map(|&(position, _)| position)
        .collect();
    let unread = (0..header.headers.len()).filter(|&p| {
        let normalised = normalise_header(&header.headers[p]);
        header.fields[p].is_none()
            && !header
                .duplicates
                .iter()
                .any(|&(duplicate, _)| duplicate == p)
            && (normalised.contains("nps") || normalised.contains("csat"))
    });
    candidates.extend(unread.collect::<Vec<_>>());
    candidates
}

/// NPS responses: a 0–10 score per row.
pub(super) struct Nps {
    pub(super) responses: Responses,
}

impl RowParser for Nps {
    type Row = NpsResponse;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<NpsResponse>, Problem> {
        let columns = cx.columns;
        let Some((cell, column)) = self.responses.answer(columns, row)? else {
            return Ok(None);
        };
        let date = columns.required_date(row, Field::Date)?;
        let score = nps_score(cell).map_err(|problem| Columns::problem(column, cell, problem))?;
        Ok(Some(NpsResponse {
            date,
            score,
            department,
            origin,
        }))
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<NpsResponse>>) -> ParsedRows {
        self.responses.report(cx);
        ParsedRows::Nps(rows)
    }
}

/// CSAT ratings on the file's scale.
pub(super) struct Csat<'c> {
    pub(super) responses: Responses,
    pub(super) scale: CsatScale,
    pub(super) not_rated: Option<(usize, usize)>,
    pub(super) channels: Channels<'c>,
}

impl RowParser for Csat<'_> {
    type Row = CsatRating;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<CsatRating>, Problem> {
        let columns = cx.columns;
        let Some((cell, column)) = self.responses.answer(columns, row)? else {
            return Ok(None);
        };
        let date = columns.required_date(row, Field::Date)?;
        let score = match csat_cell(cell, self.scale)
            .map_err(|problem| Columns::problem(column, cell, problem))?
        {
            CsatCell::Rating(score) => score,
            CsatCell::NotARating => {
                super::count(&mut self.not_rated, row.line);
                return Ok(None);
            }
        };
        Ok(Some(CsatRating {
            date,
            score,
            department,
            channel: self.channels.of(columns, row),
            origin,
        }))
    }

    fn finish(self, cx: &mut FileCx<'_>, rows: Vec<Parsed<CsatRating>>) -> ParsedRows {
        self.responses.report(cx);
        report_not_rated(cx, self.not_rated);
        ParsedRows::Csat(rows)
    }
}

/// One answer of a file of several surveys.
pub(super) enum Answer {
    Nps(NpsResponse),
    Csat(CsatRating),
}

/// A file of several surveys, each row read as the survey its label column names.
pub(super) struct Labelled<'c> {
    pub(super) responses: Responses,
    pub(super) split: Split,
    pub(super) scale: CsatScale,
    pub(super) not_rated: Option<(usize, usize)>,
    /// Rows of other surveys: (first line, count).
    pub(super) unlabelled: Option<(usize, usize)>,
    pub(super) channels: Channels<'c>,
}

impl Labelled<'_> {
    fn label(row: &RowView<'_>, position: Option<usize>) -> Option<Label> {
        position.and_then(|p| match row.get(p) {
            CellRef::Text(text) => Label::parse(text),
            _ => None,
        })
    }
}

impl RowParser for Labelled<'_> {
    type Row = Answer;

    fn row(
        &mut self,
        cx: &mut FileCx<'_>,
        row: &RowView<'_>,
        origin: RowRef,
        department: Option<DepartmentId>,
    ) -> Result<Option<Answer>, Problem> {
        let columns = cx.columns;
        let Some((cell, column)) = self.responses.answer(columns, row)? else {
            return Ok(None);
        };
        let labels = (
            Self::label(row, self.split.nps_label),
            Self::label(row, self.split.csat_label),
        );
        if labels == (None, None) {
            super::count(&mut self.unlabelled, row.line);
            return Ok(None);
        }
        let date = columns.required_date(row, Field::Date)?;
        match labels {
            (Some(nps_label), None) => {
                let score =
                    nps_score(cell).map_err(|problem| Columns::problem(column, cell, problem))?;
                if !nps_label.agrees_with(Some(score), None) {
                    cx.issues.push(label_disagrees(
                        cx.file,
                        row.line,
                        column,
                        nps_label,
                        &score.to_string(),
                        &format!("a {}", Label::of_nps(score).name()),
                    ));
                }
                Ok(Some(Answer::Nps(NpsResponse {
                    date,
                    score,
                    department,
                    origin,
                })))
            }
            (None, Some(csat_label)) => {
                let score = match csat_cell(cell, self.scale)
                    .map_err(|problem| Columns::problem(column, cell, problem))?
                {
                    CsatCell::Rating(score) => score,
                    CsatCell::NotARating => {
                        super::count(&mut self.not_rated, row.line);
                        return Ok(None);
                    }
                };
                if !csat_label.agrees_with(None, Some(score)) {
                    let says = if score.is_satisfied() {
                        "a satisfied rating"
                    } else {
                        "a rating that is not satisfied"
                    };
                    cx.issues.push(label_disagrees(
                        cx.file,
                        row.line,
                        column,
                        csat_label,
                        cell.as_text().trim(),
                        says,
                    ));
                }
                Ok(Some(Answer::Csat(CsatRating {
                    date,
                    score,
                    department,
                    channel: self.channels.of(columns, row),
                    origin,
                })))
            }
            (nps_label, csat_label) => Err(Problem {
                column: String::new(),
                value: format!(
                    "{} / {}",
                    nps_label.map_or("", Label::name),
                    csat_label.map_or("", Label::name)
                ),
                problem: "the row has both an NPS label and a CSAT label; which survey it answers is unclear — keep one of them".to_string(),
            }),
        }
    }

    fn finish(self, cx: &mut FileCx<'_>, answers: Vec<Parsed<Answer>>) -> ParsedRows {
        let mut nps = Vec::new();
        let mut csat = Vec::new();
        for parsed in answers {
            let (origin, fingerprint) = (parsed.origin, parsed.fingerprint);
            match parsed.row {
                Answer::Nps(row) => nps.push(Parsed {
                    origin,
                    fingerprint,
                    row,
                }),
                Answer::Csat(row) => csat.push(Parsed {
                    origin,
                    fingerprint,
                    row,
                }),
            }
        }
        let headers = &cx.header().headers;
        let described = |position: Option<usize>, labels: &str, what: String| {
            position.map(|p| format!("'{}' ({labels}) → {what}", headers[p]))
        };
        let parts: Vec<String> = [
            described(
                self.split.nps_label,
                "Promoter/Passive/Detractor",
                format!("{} NPS responses", nps.len()),
            ),
            described(
                self.split.csat_label,
                "Positive/Neutral/Negative",
                format!("{} CSAT ratings", csat.len()),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        cx.detection.insert(
            0,
            format!("rows split by their label columns: {}", parts.join(", ")),
        );
        self.responses.report(cx);
        report_not_rated(cx, self.not_rated);
        let column = cx.column_of(Field::Score);
        cx.not_used(self.unlabelled, column, |count| {
            format!(
                "{count} row(s) carry neither an NPS nor a CSAT label (other surveys, such as effort scores); they are not counted"
            )
        });
        ParsedRows::Surveys(nps, csat)
    }
}

/// A label that says otherwise than its score: one entry; the score is used.
fn label_disagrees(
    file: &str,
    line: usize,
    column: &str,
    label: Label,
    score: &str,
    score_says: &str,
) -> DataQualityIssue {
    DataQualityIssue {
        file: file.to_string(),
        line: Some(line),
        column: Some(column.to_string()),
        value: Some(score.to_string()),
        problem: format!(
            "the label says {} but the score {score} is {score_says}; the score is used",
            label.name()
        ),
        action: Action::Assumed,
    }
}
