//! Values as real exports write them: numbers with thousands separators, decimal commas,
//! currency signs, parentheses and percents; dates and months in the shapes SPEC §1 lists.
//!
//! Styles that a single value cannot settle (decimal comma or point, day-first or month-first)
//! are decided per column from all its values by the `detect_*` functions.

use chrono::NaiveDate;

use crate::model::Month;

/// Which character separates the decimals in a number column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberStyle {
    /// `1,234.50`
    #[default]
    DecimalPoint,
    /// `1.234,50`
    DecimalComma,
}

/// How a column writes `a/b/yyyy` dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// The verdict on a date column's `a/b/yyyy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOrderVerdict {
    pub order: DateOrder,
    /// No value settled it (every part ≤ 12): month-first was assumed.
    pub ambiguous: bool,
}

const CURRENCY_SIGNS: &[char] = &['€', '$', '£', '¥', '₹', '₣', '₽', '₩', '₺', '₪', '¤'];
const CURRENCY_CODES: &[&str] = &[
    "EUR", "USD", "GBP", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN", "CAD", "AUD", "INR", "CZK",
];

/// Spaces that exports put between thousands: ordinary, no-break, narrow no-break, thin.
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Strips currency, spaces, sign, parentheses and percent; returns the bare digits-and-separators
/// body, whether the value is negative and whether it was a percent.
fn number_body(text: &str) -> Option<(String, bool, bool)> {
    let mut body = text.trim().to_string();
    for code in CURRENCY_CODES {
        if let Some(rest) = body.strip_prefix(code) {
            body = rest.to_string();
        }
        if let Some(rest) = body.strip_suffix(code) {
            body = rest.to_string();
        }
    }
    let mut negative = false;
    let mut percent = false;
    let mut trimmed = body.trim();
    if trimmed.starts_with('(') && trimmed.ends_with(')') && trimmed.len() >= 2 {
        negative = true;
        trimmed = &trimmed[1..trimmed.len() - 1];
    }
    let mut cleaned = String::with_capacity(trimmed.len());
    for (position, c) in trimmed.char_indices() {
        match c {
            c if CURRENCY_SIGNS.contains(&c) || is_group_space(c) || c == '\'' => {}
            '-' | '\u{2212}' | '\u{2013}' => {
                let at_edge = position == 0
                    || trimmed[position + c.len_utf8()..]
                        .chars()
                        .all(is_group_space);
                if !at_edge || negative {
                    return None;
                }
                negative = true;
            }
            '+' if position == 0 => {}
            '%' => {
                if percent {
                    return None;
                }
                percent = true;
            }
            '0'..='9' | '.' | ',' => {
                if percent {
                    return None;
                }
                cleaned.push(c);
            }
            _ => return None,
        }
    }
    if !cleaned.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((cleaned, negative, percent))
}

/// What one value says about the column's decimal separator, if anything.
fn number_style_evidence(text: &str) -> Option<NumberStyle> {
    let (body, _, _) = number_body(text)?;
    let last_dot = body.rfind('.');
    let last_comma = body.rfind(',');
    match (last_dot, last_comma) {
        (Some(dot), Some(comma)) => Some(if comma > dot {
            NumberStyle::DecimalComma
        } else {
            NumberStyle::DecimalPoint
        }),
        (Some(_), None) => settle_single_separator(&body, '.', NumberStyle::DecimalPoint),
        (None, Some(_)) => settle_single_separator(&body, ',', NumberStyle::DecimalComma),
        (None, None) => None,
    }
}

/// With only one kind of separator: repeated, it groups thousands; once and not followed by
/// exactly three digits, it is the decimal separator; `1,234` alone says nothing.
fn settle_single_separator(
    body: &str,
    separator: char,
    as_decimal: NumberStyle,
) -> Option<NumberStyle> {
    let other = match as_decimal {
        NumberStyle::DecimalPoint => NumberStyle::DecimalComma,
        NumberStyle::DecimalComma => NumberStyle::DecimalPoint,
    };
    if body.matches(separator).count() > 1 {
        return Some(other);
    }
    let digits_after = body.len() - body.rfind(separator)? - 1;
    if digits_after == 3 && body.len() > 4 && !body.starts_with(separator) && !body.starts_with('0')
    {
        None
    } else {
        Some(as_decimal)
    }
}

/// Evidence for a number column's decimal separator, fed one value at a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct NumberStyleTally {
    point: usize,
    comma: usize,
}

impl NumberStyleTally {
    pub fn add(&mut self, value: &str) {
        // Plain digits with at most one separator are by far the common case: settle them
        // without the full look at signs and currencies.
        let mut separators = value.bytes().filter(|b| !b.is_ascii_digit());
        let evidence = match (separators.next(), separators.next()) {
            (None, _) => return,
            (Some(b'.'), None) => settle_single_separator(value, '.', NumberStyle::DecimalPoint),
            (Some(b','), None) => settle_single_separator(value, ',', NumberStyle::DecimalComma),
            _ => number_style_evidence(value),
        };
        match evidence {
            Some(NumberStyle::DecimalPoint) => self.point += 1,
            Some(NumberStyle::DecimalComma) => self.comma += 1,
            None => {}
        }
    }

    /// The style most values show; `fallback` (decimal comma for `;`-delimited files) when no
    /// value settles it.
    pub fn verdict(&self, fallback: NumberStyle) -> NumberStyle {
        match self.point.cmp(&self.comma) {
            std::cmp::Ordering::Greater => NumberStyle::DecimalPoint,
            std::cmp::Ordering::Less => NumberStyle::DecimalComma,
            std::cmp::Ordering::Equal => fallback,
        }
    }
}

/// Decides a number column's decimal separator from its values; `fallback` (decimal comma for
/// `;`-delimited files) when no value settles it.
pub fn detect_number_style<'a>(
    values: impl IntoIterator<Item = &'a str>,
    fallback: NumberStyle,
) -> NumberStyle {
    let mut tally = NumberStyleTally::default();
    values.into_iter().for_each(|value| tally.add(value));
    tally.verdict(fallback)
}

/// A number as exports write it: `1234.5`, `1,234.50`, `1.234,50`, `€1 234`, `$1,234`,
/// `(1,234)` = −1234, `-5`, `5-`, `85%` = 0.85. `Ok(None)` for a blank cell.
pub fn parse_number(text: &str, style: NumberStyle) -> Result<Option<f64>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if let Some(value) = plain_number(trimmed, style) {
        return Ok(Some(value));
    }
    let (body, negative, percent) =
        number_body(text).ok_or_else(|| format!("'{}' is not a number", text.trim()))?;
    let (group, decimal) = match style {
        NumberStyle::DecimalPoint => (',', '.'),
        NumberStyle::DecimalComma => ('.', ','),
    };
    if body.matches(decimal).count() > 1 {
        return Err(format!("'{}' is not a number", text.trim()));
    }
    let canonical: String = body
        .chars()
        .filter(|&c| c != group)
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    let mut value: f64 = canonical
        .parse()
        .map_err(|_| format!("'{}' is not a number", text.trim()))?;
    if negative {
        value = -value;
    }
    if percent {
        value /= 100.0;
    }
    if value.is_finite() {
        Ok(Some(value))
    } else {
        Err(format!("'{}' is too large", text.trim()))
    }
}

/// `-1234.5` (or `-1234,5` with a decimal comma): digits with an optional sign and one decimal
/// separator, read without the general path's copies. `None` for anything else.
fn plain_number(text: &str, style: NumberStyle) -> Option<f64> {
    let decimal = match style {
        NumberStyle::DecimalPoint => b'.',
        NumberStyle::DecimalComma => b',',
    };
    let digits = text.strip_prefix('-').unwrap_or(text).as_bytes();
    if !digits.first()?.is_ascii_digit() {
        return None;
    }
    let mut decimals = 0;
    for &byte in digits {
        if byte == decimal {
            decimals += 1;
        } else if !byte.is_ascii_digit() {
            return None;
        }
    }
    let value: f64 = match (decimals, style) {
        (0, _) | (1, NumberStyle::DecimalPoint) => text.parse().ok()?,
        (1, NumberStyle::DecimalComma) => text.replace(',', ".").parse().ok()?,
        _ => return None,
    };
    value.is_finite().then_some(value)
}

/// The `a`, `b` and year of a slash or dash date `a/b/yyyy` (time after a space ignored), if it is one.
fn slash_parts(text: &str) -> Option<(u32, u32, i32)> {
    let date_part = text.trim().split([' ', 'T']).next()?;
    let mut parts = date_part.split(['/', '-']);
    let a = parts.next()?;
    let b = parts.next()?;
    let year = parts.next()?;
    if parts.next().is_some() || year.len() != 4 || a.len() > 2 || b.len() > 2 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, year.parse().ok()?))
}

/// Evidence for whether a column writes `a/b/yyyy` day-first or month-first, fed one value at
/// a time.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateOrderTally {
    day_first: usize,
    month_first: usize,
    slash_dates: usize,
}

impl DateOrderTally {
    pub fn add(&mut self, value: &str) {
        // ISO dates (`2026-03-31`, the common case) start with the year: no evidence either way.
        let bytes = value.trim_start().as_bytes();
        if bytes.len() >= 5 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-' {
            return;
        }
        if let Some((a, b, _)) = slash_parts(value) {
            self.slash_dates += 1;
            if a > 12 && b <= 12 {
                self.day_first += 1;
            } else if b > 12 && a <= 12 {
                self.month_first += 1;
            }
        }
    }

    /// A first part above 12 means day-first, a second part above 12 month-first. With no such
    /// value, month-first is assumed and `ambiguous` is set so the caller can say so.
    pub fn verdict(&self) -> DateOrderVerdict {
        if self.day_first > self.month_first {
            DateOrderVerdict {
                order: DateOrder::DayFirst,
                ambiguous: false,
            }
        } else {
            DateOrderVerdict {
                order: DateOrder::MonthFirst,
                ambiguous: self.slash_dates > 0 && self.month_first == 0,
            }
        }
    }
}

/// Decides whether a column writes `a/b/yyyy` as day-first or month-first (see
/// [`DateOrderTally::verdict`]).
pub fn detect_date_order<'a>(values: impl IntoIterator<Item = &'a str>) -> DateOrderVerdict {
    let mut tally = DateOrderTally::default();
    values.into_iter().for_each(|value| tally.add(value));
    tally.verdict()
}

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// 1–12 for an English month name or its three-letter abbreviation (`Sept` too).
fn month_number(name: &str) -> Option<u32> {
    let name = name.trim().trim_end_matches('.').to_lowercase();
    if name.len() < 3 {
        return None;
    }
    MONTH_NAMES
        .iter()
        .position(|full| {
            full.starts_with(&name) && (name.len() == 3 || name == *full || name == "sept")
        })
        .map(|index| index as u32 + 1)
}

fn date(year: i32, month: u32, day: u32, text: &str) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(year, month, day)
        .filter(|_| year.abs() <= crate::model::MAX_YEAR)
        .ok_or_else(|| {
            format!(
                "'{}' is not a real date",
                crate::text::cut(text.trim(), crate::text::ECHO_CHARS)
            )
        })
}

fn two_digit_year(year: i32) -> i32 {
    if year < 100 { 2000 + year } else { year }
}

/// A date as exports write it: `2026-03-31`, `2026-03-31T10:15:00Z`, `2026-03-31 10:15`,
/// `2026/03/31`, `31.03.2026`, `03/31/2026` or `31/03/2026` (per `order`), `31-Mar-2026`,
/// `31 March 2026`, `March 31, 2026`.
pub fn parse_date(text: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let trimmed = text.trim();
    let not_a_date =
        || format!("'{trimmed}' is not a date; write dates as YYYY-MM-DD (e.g. 2026-03-31)");
    if trimmed.is_empty() {
        return Err("the date is blank".to_string());
    }
    // `2026-03-31`, by far the most common form, without the general path's splitting.
    if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *trimmed.as_bytes() {
        let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
        if digits.iter().all(u8::is_ascii_digit) {
            let number = |ds: &[u8]| ds.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
            return date(
                number(&digits[..4]) as i32,
                number(&digits[4..6]),
                number(&digits[6..]),
                trimmed,
            );
        }
    }
    // Numeric forms; a time of day after 'T' or a space is dropped.
    let head = trimmed.split(['T', ' ']).next().unwrap_or(trimmed);
    let numeric: Vec<&str> = head.split(['-', '/', '.']).collect();
    if numeric.len() == 3
        && numeric
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    {
        let parse = |part: &str| part.parse::<u32>().map_err(|_| not_a_date());
        let (a, b, c) = (parse(numeric[0])?, parse(numeric[1])?, parse(numeric[2])?);
        if numeric[0].len() == 4 {
            return date(a as i32, b, c, trimmed);
        }
        if numeric[2].len() != 4 {
            return Err(not_a_date());
        }
        // `31.03.2026` is always day-first; slashes and dashes follow the column's order.
        return if head.contains('.') || order == DateOrder::DayFirst {
            date(c as i32, b, a, trimmed)
        } else {
            date(c as i32, a, b, trimmed)
        };
    }

    // Month names: `31-Mar-2026`, `31 Mar 2026`, `March 31, 2026`, `Mar 31 2026`.
    let words: Vec<&str> = trimmed
        .split([' ', '-', ',', '/'])
        .filter(|word| !word.is_empty())
        .collect();
    if words.len() >= 3 {
        if let (Ok(day), Some(month), Ok(year)) = (
            words[0].parse::<u32>(),
            month_number(words[1]),
            words[2].parse::<i32>(),
        ) {
            return date(two_digit_year(year), month, day, trimmed);
        }
        if let (Some(month), Ok(day), Ok(year)) = (
            month_number(words[0]),
            words[1].parse::<u32>(),
            words[2].parse::<i32>(),
        ) {
            return date(two_digit_year(year), month, day, trimmed);
        }
    }
    Err(not_a_date())
}

/// A month as monthly exports write it: `2026-03`, `2026/03`, `2026-03-01` (any date),
/// `Mar 2026`, `March 2026`, `Mar-26`, `03/2026`, `3.2026`.
pub fn parse_month(text: &str, order: DateOrder) -> Result<Month, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the month is blank".to_string());
    }
    let not_a_month =
        || format!("'{trimmed}' is not a month; write months as YYYY-MM (e.g. 2026-03)");
    let parts: Vec<&str> = trimmed
        .split(['-', '/', '.', ' '])
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() == 2 {
        let (first, second) = (parts[0], parts[1]);
        let is_number = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        let month = if is_number(first) && is_number(second) {
            if first.len() == 4 {
                Month::new(
                    first.parse().map_err(|_| not_a_month())?,
                    second.parse().map_err(|_| not_a_month())?,
                )
            } else if second.len() == 4 {
                Month::new(
                    second.parse().map_err(|_| not_a_month())?,
                    first.parse().map_err(|_| not_a_month())?,
                )
            } else {
                None
            }
        } else if let Some(month) = month_number(first) {
            second
                .parse::<i32>()
                .ok()
                .filter(|_| is_number(second) && (second.len() == 4 || second.len() == 2))
                .and_then(|year| Month::new(two_digit_year(year), month))
        } else if let Some(month) = month_number(second) {
            first
                .parse::<i32>()
                .ok()
                .filter(|_| first.len() == 4)
                .and_then(|year| Month::new(year, month))
        } else {
            None
        };
        return month.ok_or_else(not_a_month);
    }
    parse_date(trimmed, order)
        .map(Month::of)
        .map_err(|_| not_a_month())
}

/// Excel's serial day number (days since 1899-12-30, the 1900 leap-year bug included) as a
/// date; `None` outside 1900–9999.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = serial.floor() as i64;
    let days = if days < 60 { days + 1 } else { days };
    epoch.checked_add_signed(chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn numbers_in_every_export_style() {
        use NumberStyle::*;
        let cases = [
            ("1234.5", DecimalPoint, 1234.5),
            ("1,234.50", DecimalPoint, 1234.5),
            ("1.234,50", DecimalComma, 1234.5),
            ("€1 234", DecimalPoint, 1234.0),
            ("€1\u{a0}234,75", DecimalComma, 1234.75),
            ("$1,234", DecimalPoint, 1234.0),
            ("(1,234)", DecimalPoint, -1234.0),
            ("-1.234,5", DecimalComma, -1234.5),
            ("1234-", DecimalPoint, -1234.0),
            ("85%", DecimalPoint, 0.85),
            ("12,5 %", DecimalComma, 0.125),
            ("EUR 1,000.00", DecimalPoint, 1000.0),
            ("1'234.5", DecimalPoint, 1234.5),
            ("  42 ", DecimalPoint, 42.0),
        ];
        for (text, style, expected) in cases {
            let parsed = parse_number(text, style).unwrap().unwrap();
            assert!(
                (parsed - expected).abs() < 1e-9,
                "{text}: {parsed} != {expected}"
            );
        }
        assert_eq!(parse_number("   ", DecimalPoint), Ok(None));
        assert!(parse_number("n/a", DecimalPoint).is_err());
        assert!(parse_number("12abc", DecimalPoint).is_err());
        assert!(parse_number("1.2.3", DecimalComma).is_ok()); // dots group thousands: 123
        assert!(parse_number("1,2,3.4.5", DecimalPoint).is_err());
    }

    #[test]
    fn number_style_is_decided_by_the_values_that_settle_it() {
        use NumberStyle::*;
        assert_eq!(
            detect_number_style(["1.234,50", "12"], DecimalPoint),
            DecimalComma
        );
        assert_eq!(
            detect_number_style(["1,5", "2"], DecimalPoint),
            DecimalComma
        );
        assert_eq!(
            detect_number_style(["1,234,567"], DecimalComma),
            DecimalPoint
        );
        assert_eq!(detect_number_style(["12.5"], DecimalComma), DecimalPoint);
        // `1,234` alone could be either: the fallback decides.
        assert_eq!(detect_number_style(["1,234"], DecimalComma), DecimalComma);
        assert_eq!(detect_number_style(["1,234"], DecimalPoint), DecimalPoint);
    }

    #[test]
    fn dates_in_every_export_style() {
        let expected = ymd(2026, 3, 31);
        for text in [
            "2026-03-31",
            "2026-03-31T10:15:00Z",
            "2026-03-31T10:15:00+02:00",
            "2026-03-31 10:15:00",
            "2026/03/31",
            "31.03.2026",
            "31-Mar-2026",
            "31 March 2026",
            "March 31, 2026",
        ] {
            assert_eq!(
                parse_date(text, DateOrder::MonthFirst),
                Ok(expected),
                "{text}"
            );
        }
        assert_eq!(
            parse_date("03/31/2026", DateOrder::MonthFirst),
            Ok(expected)
        );
        assert_eq!(parse_date("31/03/2026", DateOrder::DayFirst), Ok(expected));
        assert_eq!(
            parse_date("03/31/2026 10:15 AM", DateOrder::MonthFirst),
            Ok(expected)
        );
        assert!(parse_date("2026-02-30", DateOrder::MonthFirst).is_err());
        assert!(parse_date("yesterday", DateOrder::MonthFirst).is_err());
    }

    #[test]
    fn date_order_is_decided_per_column() {
        let day_first = detect_date_order(["01/02/2026", "13/02/2026"]);
        assert_eq!(
            day_first,
            DateOrderVerdict {
                order: DateOrder::DayFirst,
                ambiguous: false
            }
        );
        let month_first = detect_date_order(["01/02/2026", "02/13/2026"]);
        assert_eq!(
            month_first,
            DateOrderVerdict {
                order: DateOrder::MonthFirst,
                ambiguous: false
            }
        );
        let ambiguous = detect_date_order(["01/02/2026", "03/04/2026"]);
        assert_eq!(
            ambiguous,
            DateOrderVerdict {
                order: DateOrder::MonthFirst,
                ambiguous: true
            }
        );
        let iso = detect_date_order(["2026-03-01"]);
        assert!(!iso.ambiguous);
    }

    #[test]
    fn months_in_every_export_style() {
        let march = Month::new(2026, 3).unwrap();
        for text in [
            "2026-03",
            "2026/03",
            "2026-03-01",
            "2026-03-31",
            "Mar 2026",
            "March 2026",
            "03/2026",
            "Mar-26",
            "mar 2026",
        ] {
            assert_eq!(
                parse_month(text, DateOrder::MonthFirst),
                Ok(march),
                "{text}"
            );
        }
        assert!(parse_month("2026-13", DateOrder::MonthFirst).is_err());
        assert!(parse_month("Q1 2026", DateOrder::MonthFirst).is_err());
    }

    #[test]
    fn excel_serials_follow_excels_calendar() {
        // 45747 is 2025-03-31 in Excel (Excel's DATE(2025,3,31)).
        assert_eq!(excel_serial_date(45747.0), Some(ymd(2025, 3, 31)));
        assert_eq!(excel_serial_date(45747.75), Some(ymd(2025, 3, 31)));
        assert_eq!(excel_serial_date(1.0), Some(ymd(1900, 1, 1)));
        assert_eq!(excel_serial_date(-3.0), None);
    }
}
