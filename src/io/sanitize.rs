//! Untrusted text (response bodies, commit messages, chat) is cleaned once,
//! where it enters: no control characters, no terminal escape sequences, no
//! bidi overrides, bounded length. Nothing downstream needs to care.

/// Longest field kept, in characters; longer text is cut with an ellipsis.
pub const MAX_FIELD: usize = 200;

pub fn clean(input: &str) -> String {
    clean_max(input, MAX_FIELD)
}

pub fn clean_max(input: &str, max_chars: usize) -> String {
    // Most text (commit subjects, author names) is short printable ASCII:
    // one allocation, no scanning for escapes.
    if input.len() <= max_chars && input.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return input.trim().to_string();
    }
    let mut out = String::with_capacity(input.len().min(max_chars * 4));
    let mut count = 0;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI: the 8-bit form of ESC [.
            '\u{9b}' => skip_csi(&mut chars),
            '\t' | '\n' | '\r' => push(&mut out, &mut count, ' '),
            c if c.is_control() || is_bidi_control(c) => {}
            c => push(&mut out, &mut count, c),
        }
        if count > max_chars {
            break;
        }
    }
    if count > max_chars {
        let cut: String = out.chars().take(max_chars.saturating_sub(1)).collect();
        return format!("{cut}…");
    }
    out.trim().to_string()
}

fn push(out: &mut String, count: &mut usize, c: char) {
    out.push(c);
    *count += 1;
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        // OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character escapes (ESC c, ESC 7, ESC ( B …): drop the next one.
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(clean("a\u{1b}]52;c;aGk=\u{7}b"), "ab");
        assert_eq!(clean("a\u{1b}]0;title\u{1b}\\b"), "ab");
        assert_eq!(clean("x\u{7}\u{8}y\u{0}"), "xy");
        assert_eq!(clean("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(clean("two\nlines"), "two lines");
        assert_eq!(clean("\u{9b}2Jok"), "ok");
    }

    #[test]
    fn bounds_length() {
        let long = "x".repeat(500);
        let c = clean(&long);
        assert_eq!(c.chars().count(), MAX_FIELD);
        assert!(c.ends_with('…'));
    }

    proptest! {
        #[test]
        fn output_never_contains_controls(s in "\\PC*|[\\x00-\\x7f\\u{9b}\\u{202e}]*") {
            let c = clean(&s);
            prop_assert!(!c.chars().any(|ch| ch.is_control() || is_bidi_control(ch)));
            prop_assert!(c.chars().count() <= MAX_FIELD);
        }
    }
}
