//! Survey-tool and help-desk exports (SPEC §2b): the label columns that split a file holding
//! several survey types by row (HubSpot's `NPS` = Promoter/Passive/Detractor, `CSAT` =
//! Positive/Neutral/Negative), CSAT scales, responses that are not responses (Qualtrics
//! previews, tests, spam, unfinished), and rows below a header that are more header (question
//! texts, `{"ImportId":…}` rows, SurveyMonkey's sub-labels).
//!
//! Everything here decides from the header and the values, never from the file name.

use super::reader::CellRef;
use super::values::{DateOrder, NumberStyle, parse_date, parse_number};
use crate::model::{CsatScale, CsatScore};

/// A label a survey tool writes beside the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Promoter,
    Passive,
    Detractor,
    Positive,
    Neutral,
    Negative,
}

/// Which survey a label column's labels belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    Nps,
    Csat,
}

impl Label {
    pub fn parse(text: &str) -> Option<Label> {
        let label = match text.trim().to_ascii_lowercase().as_str() {
            "promoter" | "promoters" => Label::Promoter,
            "passive" | "passives" => Label::Passive,
            "detractor" | "detractors" => Label::Detractor,
            "positive" => Label::Positive,
            "neutral" => Label::Neutral,
            "negative" => Label::Negative,
            _ => return None,
        };
        Some(label)
    }

    pub fn kind(self) -> LabelKind {
        match self {
            Label::Promoter | Label::Passive | Label::Detractor => LabelKind::Nps,
            Label::Positive | Label::Neutral | Label::Negative => LabelKind::Csat,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Label::Promoter => "Promoter",
            Label::Passive => "Passive",
            Label::Detractor => "Detractor",
            Label::Positive => "Positive",
            Label::Neutral => "Neutral",
            Label::Negative => "Negative",
        }
    }

    /// The NPS label a 0–10 score gives (SPEC §3: promoters 9–10, detractors 0–6).
    pub fn of_nps(score: u8) -> Label {
        match score {
            9.. => Label::Promoter,
            7 | 8 => Label::Passive,
            _ => Label::Detractor,
        }
    }

    /// Whether the label says what the score says: an NPS label its 0–10 group, a CSAT label
    /// `Positive` exactly when the rating counts as satisfied.
    pub fn agrees_with(self, nps: Option<u8>, csat: Option<CsatScore>) -> bool {
        match (self.kind(), nps, csat) {
            (LabelKind::Nps, Some(score), _) => Label::of_nps(score) == self,
            (LabelKind::Csat, _, Some(rating)) => {
                rating.is_satisfied() == (self == Label::Positive)
            }
            _ => true,
        }
    }
}

/// What the values of a column beside the score look like.
#[derive(Debug, Clone, Default)]
pub struct LabelTally {
    nps: usize,
    csat: usize,
    other: usize,
}

impl LabelTally {
    pub fn add(&mut self, cell: CellRef<'_>) {
        match cell {
            CellRef::Empty => {}
            CellRef::Text(text) if text.trim().is_empty() => {}
            CellRef::Text(text) => match Label::parse(text).map(Label::kind) {
                Some(LabelKind::Nps) => self.nps += 1,
                Some(LabelKind::Csat) => self.csat += 1,
                None => self.other += 1,
            },
            _ => self.other += 1,
        }
    }

    /// The survey whose labels fill the column: every non-blank cell is one of its labels.
    pub fn kind(&self) -> Option<LabelKind> {
        match (self.nps, self.csat, self.other) {
            (1.., 0, 0) => Some(LabelKind::Nps),
            (0, 1.., 0) => Some(LabelKind::Csat),
            _ => None,
        }
    }
}

/// The range of a score column's numeric values.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueTally {
    low: Option<f64>,
    high: Option<f64>,
    pub count: usize,
}

impl ValueTally {
    pub fn add(&mut self, cell: CellRef<'_>) {
        if let Some(value) = numeric(cell) {
            self.add_value(value);
        }
    }

    fn add_value(&mut self, value: f64) {
        self.low = Some(self.low.map_or(value, |low| low.min(value)));
        self.high = Some(self.high.map_or(value, |high| high.max(value)));
        self.count += 1;
    }

    /// The CSAT scale the values fit, and a note when the values alone leave it open.
    pub fn scale(&self) -> (CsatScale, Option<String>) {
        let (Some(low), Some(high)) = (self.low, self.high) else {
            return (CsatScale::OneToFive, None);
        };
        if low < 1.0 {
            return if high <= 2.0 {
                (CsatScale::ZeroToTwo, None)
            } else {
                (CsatScale::ZeroToTen, None)
            };
        }
        if high <= 3.0 {
            // A 1–3 face scale, or a 1–5 scale on which nobody gave a 4 or a 5.
            return if self.count >= 30 {
                (
                    CsatScale::OneToThree,
                    Some(format!(
                        "no rating in this column is above 3 in {} ratings: read as a 1–3 scale (satisfied 3); if it is a 1–5 scale, write (1-5) in its header",
                        self.count
                    )),
                )
            } else {
                (
                    CsatScale::OneToFive,
                    Some(format!(
                        "no rating in this column is above 3, and {} ratings are too few to tell a 1–3 scale from 1–5: read as 1–5 (satisfied 4–5); if it is a 1–3 scale, write (1-3) in its header",
                        self.count
                    )),
                )
            };
        }
        let scale = if high <= 5.0 {
            CsatScale::OneToFive
        } else if high <= 7.0 {
            CsatScale::OneToSeven
        } else {
            CsatScale::OneToTen
        };
        (scale, None)
    }
}

fn numeric(cell: CellRef<'_>) -> Option<f64> {
    match cell {
        CellRef::Number(number) => Some(number),
        CellRef::Text(text) if text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse::<u8>().ok().map(f64::from)
        }
        CellRef::Text(text) => leading_score(text)
            .map(f64::from)
            .or_else(|| parse_number(text, NumberStyle::DecimalPoint).ok().flatten()),
        _ => None,
    }
}

/// `10 - Extremely likely`, `0 (Not at all likely)`, `7`: the leading whole number of a score
/// written with its scale label, as survey tools do when exporting choice text.
fn leading_score(text: &str) -> Option<u8> {
    let trimmed = text.trim();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = trimmed[digits..].trim_start();
    let labelled = rest.is_empty()
        || (rest.starts_with(['-', '–', '(', '=', ':']) && rest.chars().any(char::is_alphabetic));
    labelled.then(|| trimmed[..digits].parse().ok()).flatten()
}

/// An NPS score: a whole number 0–10, also written with its label (`10 - Extremely likely`).
pub fn nps_score(cell: CellRef<'_>) -> Result<u8, String> {
    let value = match cell {
        CellRef::Number(number) => number,
        CellRef::Text(text) => match leading_score(text) {
            Some(score) => f64::from(score),
            None => parse_number(text, NumberStyle::DecimalPoint)?
                .ok_or_else(|| "the score is blank".to_string())?,
        },
        CellRef::Empty => return Err("the score is blank".to_string()),
        other => return Err(format!("'{}' is not a score 0–10", other.as_text())),
    };
    if value.fract() != 0.0 {
        return Err(format!("score {value} is not a whole number 0–10"));
    }
    if !(0.0..=10.0).contains(&value) {
        return Err(format!("score {value} is outside 0–10"));
    }
    Ok(value as u8)
}

/// A CSAT cell read: a rating, or a value that is not a rating at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsatCell {
    Rating(CsatScore),
    /// Zendesk's `offered` / `unoffered`: a survey was (or was not) sent, nobody answered.
    NotARating,
}

/// Text ratings: `good`/`bad` (Zendesk also writes `good with comment`), `satisfied`/
/// `unsatisfied`, `positive`/`neutral`/`negative`.
fn text_rating(text: &str) -> Option<CsatCell> {
    let lower = text.trim().to_lowercase();
    let rating = match lower.as_str() {
        "offered" | "unoffered" | "not offered" => return Some(CsatCell::NotARating),
        "good" | "good with comment" | "satisfied" | "very satisfied" | "positive" | "yes"
        | "happy" => true,
        "bad" | "bad with comment" | "unsatisfied" | "dissatisfied" | "very dissatisfied"
        | "very unsatisfied" | "negative" | "no" | "unhappy" | "neutral" => false,
        _ => return None,
    };
    Some(CsatCell::Rating(CsatScore::Text(rating)))
}

/// Whether a score column's cell is a text rating (the values-decide rule of SPEC §2).
pub fn is_text_rating(cell: CellRef<'_>) -> bool {
    matches!(cell, CellRef::Text(text) if text_rating(text).is_some())
}

/// A CSAT rating on `scale` (numbers) or a text scale.
pub fn csat_cell(cell: CellRef<'_>, scale: CsatScale) -> Result<CsatCell, String> {
    let (low, high) = scale.bounds();
    // The common case first, with no allocation: a rating written as one or two digits.
    if let CellRef::Text(text) = cell
        && let Ok(value) = text.trim().parse::<u8>()
        && text.trim().len() <= 2
    {
        if (low..=high).contains(&value) {
            return Ok(CsatCell::Rating(CsatScore::Points(value, scale)));
        }
        return Err(format!("score {value} is outside {low}–{high}"));
    }
    if let CellRef::Text(text) = cell
        && let Some(rated) = text_rating(text)
    {
        return Ok(rated);
    }
    let value = numeric(cell).ok_or_else(|| {
        format!(
            "'{}' is not a CSAT rating; use {low}–{high}, good/bad, satisfied/unsatisfied or positive/neutral/negative",
            cell.as_text().trim()
        )
    })?;
    if value.fract() != 0.0 || value < f64::from(low) || value > f64::from(high) {
        return Err(format!("score {value} is outside {low}–{high}"));
    }
    Ok(CsatCell::Rating(CsatScore::Points(value as u8, scale)))
}

/// The scale a score header states: `Satisfaction (1-7)`, `CSAT 0–2`, `rating 1 to 10`.
pub fn scale_from_header(header: &str) -> Option<CsatScale> {
    let chars: Vec<char> = header.to_lowercase().chars().collect();
    // The whole number starting at `start`, and where it ends.
    let number = |start: usize| -> Option<(u8, usize)> {
        let end = (start..chars.len())
            .find(|&j| !chars[j].is_ascii_digit())
            .unwrap_or(chars.len());
        let text: String = chars[start..end].iter().collect();
        Some((text.parse().ok()?, end))
    };
    let skip_spaces = |mut j: usize| {
        while chars.get(j) == Some(&' ') {
            j += 1;
        }
        j
    };
    for start in 0..chars.len() {
        let begins_number =
            chars[start].is_ascii_digit() && (start == 0 || !chars[start - 1].is_ascii_digit());
        if !begins_number {
            continue;
        }
        let Some((low, end)) = number(start) else {
            continue;
        };
        let mut j = skip_spaces(end);
        if matches!(chars.get(j), Some('-' | '–' | '—')) {
            j += 1;
        } else if chars.get(j..j + 3) == Some(&['t', 'o', ' ']) {
            j += 3;
        } else {
            continue;
        }
        j = skip_spaces(j);
        if chars.get(j).is_some_and(char::is_ascii_digit)
            && let Some((high, _)) = number(j)
            && let Some(scale) = CsatScale::from_bounds(low, high)
        {
            return Some(scale);
        }
    }
    None
}

/// Why a row of a survey tool's export is not a response (SPEC §2b).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotAResponse {
    Preview,
    Test,
    Spam,
    Unfinished,
}

impl NotAResponse {
    pub fn describe(self) -> &'static str {
        match self {
            NotAResponse::Preview => "survey previews",
            NotAResponse::Test => "survey tests",
            NotAResponse::Spam => "flagged as spam",
            NotAResponse::Unfinished => "not finished",
        }
    }
}

/// Qualtrics' `Status` (numeric codes, or their text with "use choice text") and `Finished`.
/// Numeric status codes are believed only where the export also has a `Finished` column (a
/// help desk's ticket status is not Qualtrics' response type).
pub fn not_a_response(
    status: Option<CellRef<'_>>,
    finished: Option<CellRef<'_>>,
) -> Option<NotAResponse> {
    if let Some(status) = status {
        let text = status.as_text().trim().to_lowercase();
        let code = match status {
            CellRef::Number(number) => Some(number),
            _ => text.parse::<f64>().ok(),
        };
        let by_code = match code {
            _ if finished.is_none() => None,
            Some(1.0 | 17.0) => Some(NotAResponse::Preview),
            Some(2.0) => Some(NotAResponse::Test),
            Some(8.0 | 9.0 | 12.0) => Some(NotAResponse::Spam),
            _ => None,
        };
        let by_text = if text.contains("spam") {
            Some(NotAResponse::Spam)
        } else if text.contains("preview") {
            Some(NotAResponse::Preview)
        } else if text == "survey test" || text == "test" {
            Some(NotAResponse::Test)
        } else {
            None
        };
        if let Some(reason) = by_code.or(by_text) {
            return Some(reason);
        }
    }
    let finished = finished?;
    let unfinished = match finished {
        CellRef::Number(number) => number == 0.0,
        other => matches!(
            other.as_text().trim().to_lowercase().as_str(),
            "0" | "false" | "no"
        ),
    };
    unfinished.then_some(NotAResponse::Unfinished)
}

/// A row right below a survey header that is more header: neither its date nor its score cell
/// reads as a value, and at least one of them holds text (Qualtrics' question-text and
/// `{"ImportId":…}` rows, SurveyMonkey's `Response` sub-labels).
pub fn is_more_header(date: CellRef<'_>, score: CellRef<'_>) -> bool {
    let text = |cell: CellRef<'_>| match cell {
        CellRef::Text(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        _ => None,
    };
    let (date_text, score_text) = (text(date), text(score));
    if date_text.is_none() && score_text.is_none() {
        return false;
    }
    let date_reads = matches!(date, CellRef::Date(_) | CellRef::Number(_))
        || date_text
            .as_deref()
            .is_some_and(|t| parse_date(t, DateOrder::MonthFirst).is_ok());
    let score_reads = matches!(score, CellRef::Number(_))
        || score_text
            .as_deref()
            .is_some_and(|t| numeric(CellRef::Text(t)).is_some() || text_rating(t).is_some());
    !date_reads && !score_reads
}

/// For a table no header was found in: when its first rows are a survey tool's header (a
/// Qualtrics `ResponseId`, SurveyMonkey's `Respondent ID` and `Collector ID`), the reason in
/// words — no question speaks of recommending or satisfaction — with the questions it has.
pub fn survey_tool_refusal(leading: &[Vec<String>]) -> Option<String> {
    use super::headers::normalise_header;
    let (position, tool) = leading.iter().enumerate().find_map(|(index, row)| {
        let names: Vec<String> = row.iter().map(|cell| normalise_header(cell)).collect();
        let has = |name: &str| names.iter().any(|n| n == name);
        if has("responseid") || has("response_id") {
            Some((index, "Qualtrics"))
        } else if has("respondent_id") && has("collector_id") {
            Some((index, "SurveyMonkey"))
        } else {
            None
        }
    })?;
    let ids = &leading[position];
    let below = leading.get(position + 1);
    // Question columns: Qualtrics ids `Q1`, `Q2_3`, with their text from the row below; else
    // headers that read as a question.
    let is_question_id = |name: &str| {
        let normalised = normalise_header(name);
        normalised.len() > 1
            && normalised.starts_with('q')
            && normalised[1..].starts_with(|c: char| c.is_ascii_digit())
    };
    let mut questions: Vec<String> = Vec::new();
    for (column, id) in ids.iter().enumerate() {
        let text = below
            .and_then(|row| row.get(column))
            .filter(|text| !text.trim().is_empty() && !text.starts_with('{'));
        let question = if is_question_id(id) {
            text.unwrap_or(id).trim().to_string()
        } else if id.ends_with('?') || id.split_whitespace().count() > 5 {
            id.trim().to_string()
        } else {
            continue;
        };
        if !questions.contains(&question) {
            questions.push(question);
        }
    }
    let listed = if questions.is_empty() {
        "it has no question columns".to_string()
    } else {
        let shown: Vec<String> = questions
            .iter()
            .take(6)
            .map(|q| format!("'{}'", q.chars().take(80).collect::<String>()))
            .collect();
        let more = questions.len().saturating_sub(6);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("its questions are {}{more}", shown.join(", "))
    };
    Some(format!(
        "a {tool} survey export, but no question in it speaks of recommending (NPS) or of satisfaction (CSAT) — {listed}; nothing was read. If one of them is your NPS or CSAT question, map its header to score in {} ([mapping.\"its header\"] column = \"score\")",
        super::settings::CONFIG_FILE
    ))
}

/// Evidence for NPS vs CSAT from a plain `score`/`rating` column's values (SPEC §2): text
/// ratings → csat; any 0 or any value above 5 → nps; otherwise csat.
#[derive(Debug, Default)]
pub struct SurveyEvidence {
    any_text: bool,
    any_nps_value: bool,
}

impl SurveyEvidence {
    /// One score cell, with its numeric value when it has one.
    fn add(&mut self, cell: CellRef<'_>, value: Option<f64>) {
        match (value, cell) {
            (Some(number), _) => self.any_nps_value |= number == 0.0 || number > 5.0,
            (None, CellRef::Text(text)) if !self.any_text => {
                self.any_text |= text_rating(text).is_some();
            }
            _ => {}
        }
    }

    /// NPS (`true`) or CSAT, and the rule that decided.
    pub fn verdict(&self) -> (bool, &'static str) {
        if self.any_text {
            (false, "text ratings (good/bad) mean CSAT")
        } else if self.any_nps_value {
            (true, "a score of 0 or above 5 means NPS (0–10)")
        } else {
            (false, "every score is within 1–5, so CSAT")
        }
    }
}

/// A column beside the score that may hold labels: its position, its values' tally, and the
/// range of the scores of the rows it labels as CSAT.
#[derive(Debug)]
struct Candidate {
    position: usize,
    labels: LabelTally,
    csat_values: ValueTally,
}

/// What one pass over a survey file's rows learns: the values-decide evidence, the score
/// column's range, and which columns beside it are label columns.
#[derive(Debug)]
pub struct SurveyScan {
    score: usize,
    pub evidence: SurveyEvidence,
    pub values: ValueTally,
    candidates: Vec<Candidate>,
}

/// How a survey file's rows are read.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// The Promoter/Passive/Detractor column.
    pub nps_label: Option<usize>,
    /// The Positive/Neutral/Negative column.
    pub csat_label: Option<usize>,
    /// The range of the scores of rows labelled CSAT.
    pub csat_values: ValueTally,
}

impl SurveyScan {
    /// `candidates`: the other columns whose header names a score or a survey (`NPS`, `CSAT`).
    pub fn new(score: usize, candidates: impl IntoIterator<Item = usize>) -> SurveyScan {
        SurveyScan {
            score,
            evidence: SurveyEvidence::default(),
            values: ValueTally::default(),
            candidates: candidates
                .into_iter()
                .filter(|&position| position != score)
                .map(|position| Candidate {
                    position,
                    labels: LabelTally::default(),
                    csat_values: ValueTally::default(),
                })
                .collect(),
        }
    }

    pub fn add(&mut self, row: &super::reader::RowView<'_>) {
        let score = row.get(self.score);
        let value = numeric(score);
        self.evidence.add(score, value);
        if let Some(value) = value {
            self.values.add_value(value);
        }
        for candidate in &mut self.candidates {
            let cell = row.get(candidate.position);
            candidate.labels.add(cell);
            if let CellRef::Text(text) = cell
                && Label::parse(text).map(Label::kind) == Some(LabelKind::Csat)
            {
                candidate.csat_values.add(score);
            }
        }
    }

    /// The label columns, when the file has any: then its rows are split by them.
    pub fn split(&self) -> Option<Split> {
        let first = |kind: LabelKind| {
            self.candidates
                .iter()
                .find(|candidate| candidate.labels.kind() == Some(kind))
        };
        let nps = first(LabelKind::Nps);
        let csat = first(LabelKind::Csat);
        if nps.is_none() && csat.is_none() {
            return None;
        }
        Some(Split {
            nps_label: nps.map(|candidate| candidate.position),
            csat_label: csat.map(|candidate| candidate.position),
            csat_values: csat
                .map(|candidate| candidate.csat_values)
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_scores_are_whole_numbers_0_to_10_also_with_their_labels() {
        assert_eq!(nps_score(CellRef::Number(10.0)), Ok(10));
        assert_eq!(nps_score(CellRef::Text("0")), Ok(0));
        assert_eq!(nps_score(CellRef::Text("10 - Extremely likely")), Ok(10));
        assert_eq!(nps_score(CellRef::Text("0 (Not at all likely)")), Ok(0));
        assert!(nps_score(CellRef::Text("11")).is_err());
        assert!(nps_score(CellRef::Text("7.5")).is_err());
        assert!(nps_score(CellRef::Text("ten")).is_err());
        assert!(nps_score(CellRef::Text("100 - a lot")).is_err());
    }

    #[test]
    fn labels_agree_with_scores_as_spec_section_3_groups_them() {
        assert!(Label::Promoter.agrees_with(Some(9), None));
        assert!(Label::Passive.agrees_with(Some(8), None));
        assert!(Label::Detractor.agrees_with(Some(6), None));
        assert!(!Label::Promoter.agrees_with(Some(8), None));
        assert!(!Label::Detractor.agrees_with(Some(7), None));
        let top = CsatScore::Points(2, CsatScale::ZeroToTwo);
        let middle = CsatScore::Points(1, CsatScale::ZeroToTwo);
        assert!(Label::Positive.agrees_with(None, Some(top)));
        assert!(Label::Neutral.agrees_with(None, Some(middle)));
        assert!(!Label::Positive.agrees_with(None, Some(middle)));
    }

    #[test]
    fn a_label_column_is_one_whose_every_value_is_a_label_of_one_survey() {
        let tally = |cells: &[&str]| {
            let mut tally = LabelTally::default();
            for cell in cells {
                tally.add(CellRef::Text(cell));
            }
            tally.kind()
        };
        assert_eq!(tally(&["Promoter", "", "Passive"]), Some(LabelKind::Nps));
        assert_eq!(tally(&["Positive", "Negative", ""]), Some(LabelKind::Csat));
        assert_eq!(tally(&["Promoter", "Positive"]), None);
        assert_eq!(tally(&["Promoter", "great"]), None);
        assert_eq!(tally(&["", ""]), None);
    }

    #[test]
    fn csat_scales_come_from_the_header() {
        assert_eq!(
            scale_from_header("Satisfaction (1-7)"),
            Some(CsatScale::OneToSeven)
        );
        assert_eq!(scale_from_header("CSAT 0–2"), Some(CsatScale::ZeroToTwo));
        assert_eq!(
            scale_from_header("Rate us 1 to 10"),
            Some(CsatScale::OneToTen)
        );
        assert_eq!(scale_from_header("Q3 2021 satisfaction"), None);
        assert_eq!(scale_from_header("score (2-9)"), None);
    }

    #[test]
    fn csat_scales_come_from_the_values_when_the_header_is_silent() {
        let scale_of = |values: &[f64]| {
            let mut tally = ValueTally::default();
            for &value in values {
                tally.add(CellRef::Number(value));
            }
            tally.scale()
        };
        assert_eq!(scale_of(&[0.0, 2.0, 1.0]).0, CsatScale::ZeroToTwo);
        assert_eq!(scale_of(&[1.0, 5.0, 4.0]), (CsatScale::OneToFive, None));
        assert_eq!(scale_of(&[1.0, 7.0]).0, CsatScale::OneToSeven);
        assert_eq!(scale_of(&[3.0, 10.0]).0, CsatScale::OneToTen);
        let few = scale_of(&[1.0, 3.0, 2.0]);
        assert_eq!(few.0, CsatScale::OneToFive);
        assert!(few.1.is_some(), "the doubt is said");
        let many = scale_of(&[[1.0, 2.0, 3.0]; 10].concat());
        assert_eq!(many.0, CsatScale::OneToThree);
        assert!(many.1.is_some());
    }

    #[test]
    fn zendesk_offered_and_unoffered_are_not_ratings() {
        let scale = CsatScale::OneToFive;
        assert_eq!(
            csat_cell(CellRef::Text("Offered"), scale),
            Ok(CsatCell::NotARating)
        );
        assert_eq!(
            csat_cell(CellRef::Text("unoffered"), scale),
            Ok(CsatCell::NotARating)
        );
        assert_eq!(
            csat_cell(CellRef::Text("Good with comment"), scale),
            Ok(CsatCell::Rating(CsatScore::Text(true)))
        );
        assert_eq!(
            csat_cell(CellRef::Text("4"), scale),
            Ok(CsatCell::Rating(CsatScore::Points(4, scale)))
        );
        assert!(csat_cell(CellRef::Text("6"), scale).is_err());
        assert!(csat_cell(CellRef::Text("meh"), scale).is_err());
    }

    #[test]
    fn qualtrics_previews_tests_spam_and_unfinished_responses_are_not_responses() {
        let finished = Some(CellRef::Text("1"));
        assert_eq!(not_a_response(Some(CellRef::Text("0")), finished), None);
        assert_eq!(
            not_a_response(Some(CellRef::Text("1")), finished),
            Some(NotAResponse::Preview)
        );
        assert_eq!(
            not_a_response(Some(CellRef::Number(2.0)), finished),
            Some(NotAResponse::Test)
        );
        assert_eq!(
            not_a_response(Some(CellRef::Text("8")), finished),
            Some(NotAResponse::Spam)
        );
        assert_eq!(
            not_a_response(Some(CellRef::Text("Survey Preview")), None),
            Some(NotAResponse::Preview)
        );
        assert_eq!(
            not_a_response(
                Some(CellRef::Text("IP Address")),
                Some(CellRef::Text("False"))
            ),
            Some(NotAResponse::Unfinished)
        );
        // A help desk's numeric ticket status is not a Qualtrics response type.
        assert_eq!(not_a_response(Some(CellRef::Text("2")), None), None);
        assert_eq!(not_a_response(Some(CellRef::Text("solved")), None), None);
    }

    #[test]
    fn question_text_and_import_id_rows_are_more_header_but_a_data_row_is_not() {
        assert!(is_more_header(
            CellRef::Text("Recorded Date"),
            CellRef::Text("How likely are you to recommend us to a friend?")
        ));
        assert!(is_more_header(
            CellRef::Text("{\"ImportId\":\"recordedDate\"}"),
            CellRef::Text("{\"ImportId\":\"QID1\"}")
        ));
        assert!(is_more_header(CellRef::Empty, CellRef::Text("Response")));
        assert!(!is_more_header(
            CellRef::Text("2017-07-18 08:28:48"),
            CellRef::Text("9")
        ));
        assert!(!is_more_header(CellRef::Empty, CellRef::Empty));
        assert!(!is_more_header(
            CellRef::Text("bad date"),
            CellRef::Text("7")
        ));
    }
}
