//! Delimited text (`.csv`, `.tsv`, `.txt`): decoding (UTF-8 ± BOM, UTF-16, Windows-1252),
//! delimiter sniffing (`,` `;` tab `|`), and quoted fields with embedded delimiters and newlines.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use std::ops::ControlFlow;
use std::sync::OnceLock;

use super::{RawTable, ReadError, TableNotes, TableRows};
use crate::input::values::NumberStyle;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records the delimiter sniffer looks at.
const SNIFF_RECORDS: usize = 60;

/// Text as decoded, with what the decoder had to assume.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Set when bytes had to be replaced (invalid UTF-8 in an otherwise UTF-8 file).
    pub replaced_bytes: bool,
}

/// Decodes a text export: BOMs first, then UTF-16 without BOM (NULs in every other byte), then
/// UTF-8, then Windows-1252 (which decodes any byte).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
            replaced_bytes: had_errors,
        };
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
            replaced_bytes: had_errors,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
            replaced_bytes: false,
        },
        Err(_) if mostly_utf8(bytes) => Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: "UTF-8",
            replaced_bytes: true,
        },
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: "windows-1252",
                replaced_bytes: false,
            }
        }
    }
}

/// As [`decode`], but a file that is valid UTF-8 without a BOM (the usual case) becomes its text
/// without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Decoded {
    if Encoding::for_bom(&bytes).is_none() && utf16_without_bom(&bytes).is_none() {
        match String::from_utf8(bytes) {
            Ok(text) => {
                return Decoded {
                    text,
                    encoding: "UTF-8",
                    replaced_bytes: false,
                };
            }
            Err(error) => return decode(error.as_bytes()),
        }
    }
    decode(&bytes)
}

/// UTF-16 without a BOM: ASCII text then has a NUL in every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nuls * 10 >= pairs * 7 && even_nuls * 10 < pairs {
        Some(UTF_16LE)
    } else if even_nuls * 10 >= pairs * 7 && odd_nuls * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A UTF-8 file with a few broken bytes (a bad copy-paste) rather than a Windows-1252 one: it
/// has valid multi-byte sequences and the invalid ones are rare.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid_multibyte += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                valid_multibyte += std::str::from_utf8(valid)
                    .map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
                invalid += 1;
                let skip = error.error_len().unwrap_or(after.len()).max(1);
                rest = &after[skip.min(after.len())..];
            }
        }
    }
    // Windows-1252 text has next to no valid multi-byte sequences; UTF-8 with a few broken
    // bytes has at least as many good ones as broken ones.
    valid_multibyte > 0 && invalid <= valid_multibyte * 2
}

/// Picks the delimiter that splits the first records into the most consistent number of fields
/// (more than one), preferring more fields when two are equally consistent.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (0usize, 0usize, b',');
    for delimiter in DELIMITERS {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let mut counts: Vec<usize> = Vec::new();
        for record in reader.records().take(SNIFF_RECORDS) {
            match record {
                Ok(record) if record.iter().any(|field| !field.trim().is_empty()) => {
                    counts.push(record.len())
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        let mut frequency: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        for &count in counts.iter().filter(|&&count| count > 1) {
            *frequency.entry(count).or_default() += 1;
        }
        if let Some((&fields, &rows)) = frequency
            .iter()
            .max_by_key(|(fields, rows)| (**rows, **fields))
            && (rows, fields) > (best.0, best.1)
        {
            best = (rows, fields, delimiter);
        }
    }
    best.2
}

/// Reads delimited text into rows of text cells, keeping each record's physical line.
pub fn read_text(bytes: Vec<u8>) -> Result<RawTable, ReadError> {
    let decoded = decode_owned(bytes);
    let mut notes = TableNotes {
        encoding: Some(decoded.encoding),
        ..TableNotes::default()
    };
    if decoded.replaced_bytes {
        notes.warnings.push("some bytes are not valid text in this file's encoding and were replaced; re-export it as UTF-8".to_string());
    }
    let mut text = decoded.text;
    if text.contains('\0') {
        text.retain(|c| c != '\0');
        notes.warnings.push(
            "the file contains NUL bytes, which were removed; re-export it from the source system"
                .to_string(),
        );
    }
    let delimiter = sniff_delimiter(&text);
    notes.delimiter = Some(delimiter as char);
    notes.number_style = if delimiter == b';' {
        NumberStyle::DecimalComma
    } else {
        NumberStyle::DecimalPoint
    };
    Ok(RawTable {
        sheet: None,
        rows: TableRows::Text(TextRows {
            text,
            delimiter,
            stopped: OnceLock::new(),
        }),
        notes,
    })
}

/// A delimited text file's records, read from its decoded text on every pass.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRows {
    text: String,
    delimiter: u8,
    /// Why a pass stopped before the end, if one did.
    stopped: OnceLock<String>,
}

impl TextRows {
    /// Calls `visit` with the physical line and the fields of each non-blank record from the
    /// `skip`-th on, until it returns `Break`.
    pub fn scan(
        &self,
        skip: usize,
        mut visit: impl FnMut(usize, &csv::StringRecord) -> ControlFlow<()>,
    ) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(self.text.as_bytes());
        let mut record = csv::StringRecord::new();
        // The csv reader counts record terminators only; a quoted field with a newline inside
        // spans several physical lines, so lines are counted from byte offsets instead.
        let bytes = self.text.as_bytes();
        let (mut counted_to, mut line) = (0usize, 1usize);
        let mut index = 0usize;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {
                    // The reported start may sit on the terminator of the line before (CRLF).
                    let mut start = record
                        .position()
                        .map_or(counted_to, |position| position.byte() as usize)
                        .min(bytes.len());
                    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                        start += 1;
                    }
                    if start > counted_to {
                        line += bytes[counted_to..start]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count();
                        counted_to = start;
                    }
                    if record.iter().all(|field| field.trim().is_empty()) {
                        continue;
                    }
                    index += 1;
                    if index > skip && visit(line, &record).is_break() {
                        return;
                    }
                }
                Ok(false) => return,
                Err(error) => {
                    // The csv reader only fails on broken UTF-8 (which decoding removed) or
                    // I/O (there is none in memory); should it happen, keep what was read.
                    let line = error
                        .position()
                        .map_or(0, |position| position.line() as usize);
                    let _ = self
                        .stopped
                        .set(format!("reading stopped at line {line}: {error}"));
                    return;
                }
            }
        }
    }

    /// Lines in the text: no fewer than its records.
    pub fn line_count(&self) -> usize {
        self.text.bytes().filter(|&b| b == b'\n').count() + 1
    }

    /// Why a pass stopped before the end of the text, if one did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.get().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_sniffed_from_the_records() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n\"1,5\";2,5;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n"), b'|');
        // A quoted comma does not make a comma file out of a semicolon one.
        assert_eq!(
            sniff_delimiter("name;amount\n\"Smith, J\";1\n\"Doe, A\";2\n"),
            b';'
        );
    }

    #[test]
    fn encodings_are_decoded_not_rejected() {
        let utf8_bom = b"\xEF\xBB\xBFcaf\xC3\xA9";
        assert_eq!(decode(utf8_bom).text, "café");
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("café".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16le).text, "café");
        let utf16le_no_bom: Vec<u8> = "month,revenue"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&utf16le_no_bom).text, "month,revenue");
        let windows_1252 = b"caf\xE9 \x80";
        assert_eq!(decode(windows_1252).text, "café €");
    }
}
