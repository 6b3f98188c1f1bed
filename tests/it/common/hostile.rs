//! The hostile-text corpus and the checks that none of it reaches a
//! terminal, shared by the tests that push it through each entry point.

/// Every way text can act on a terminal or hide what it says.
pub const CORPUS: &[&str] = &[
    "\u{1b}[2J\u{1b}[31mred",
    "\u{1b}]0;pwned-title\u{7}",
    "\u{1b}]8;;http://evil.example/\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{1b}]52;c;ZXZpbC1jbGlw\u{7}",
    "\u{9b}2J\u{90}dcs\u{9c}\u{9d}0;c1-title\u{9c}",
    "\u{80}\u{85}\u{8d}\u{9f}",
    "\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}evil",
    "\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}",
    "2026.12.03\u{200b}\u{feff}\u{2060}\u{200d}",
    "bell\u{7}back\u{8}del\u{7f}",
];

/// Sequences that would act on the terminal, as the corpus spells them.
pub const SEQUENCES: &[&str] =
    &["\u{1b}]0;pwned", "\u{1b}]52;c;ZXZp", "\u{1b}]8;;http://evil", "\u{9d}0;c1", "\u{1b}[2J\u{1b}[31mred"];

/// Characters no output may hold (line breaks and tabs aside). Output must
/// also be valid UTF-8: a lone byte 0x9b is CSI to an 8-bit terminal.
pub fn unsafe_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{61c}')
        || matches!(c, '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{ad}')
}

pub fn forbidden(bytes: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Some(format!("invalid UTF-8 at byte {}", e.valid_up_to())),
    };
    let (i, c) = text.char_indices().find(|&(_, c)| unsafe_char(c))?;
    let from = text[..i].char_indices().rev().nth(30).map_or(0, |(j, _)| j);
    Some(format!("U+{:04X} after {:?}", c as u32, &text[from..i]))
}

/// What the cockpit wrote holds none of the corpus's sequences, and no
/// character a terminal acts on beyond ESC, which ratatui itself writes.
pub fn assert_screen_clean(raw: &str) {
    for sequence in SEQUENCES {
        assert!(!raw.contains(sequence), "{sequence:?} reached the terminal");
    }
    for c in raw.chars() {
        assert!(c == '\u{1b}' || c == '\n' || c == '\r' || !unsafe_char(c), "U+{:04X} reached the terminal", c as u32);
    }
}
