//! Text as the app echoes it back to people: cut to a readable length, and free of the control
//! characters a terminal would obey. A leaf module: it depends on nothing of the app's.

/// How many characters of a value a message echoes (a 50 MB cell is not "one sentence").
pub const ECHO_CHARS: usize = 120;

/// `text` cut to at most `max` characters, with `…` and the full length when it was longer.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!(
            "{}… ({} characters in all)",
            &text[..end],
            text.chars().count()
        ),
    }
}

/// `text` with every control character (C0, DEL, C1, so escape sequences too) shown as `�`,
/// except that line breaks and tabs become spaces: what a terminal prints of data, never a
/// sequence it would obey (a title change, a cleared screen).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_cut_at_a_character_boundary_and_says_how_long_it_was() {
        // 130 two-byte characters: cut after 120, never inside one.
        let text = "ä".repeat(130);
        let cut = cut(&text, 120);
        assert!(cut.starts_with(&"ä".repeat(120)));
        assert!(cut.ends_with("… (130 characters in all)"), "{cut}");
        assert_eq!(super::cut("short", 120), "short");
    }

    #[test]
    fn escape_sequences_are_shown_never_obeyed() {
        // ESC ] 0 ; title BEL sets a terminal's title; ESC [ 2 J clears the screen; U+009B is
        // the one-byte CSI of C1.
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc\u{9b}d\ne";
        assert_eq!(
            printable(hostile),
            "a\u{FFFD}]0;pwned\u{FFFD}b\u{FFFD}[2Jc\u{FFFD}d e"
        );
    }
}
