//! Untrusted text (response bodies, commit messages, chat, journal lines) is
//! cleaned once, where it enters: no control characters (C0, DEL, C1), no
//! terminal escape sequences, no bidi overrides, no invisible characters
//! (zero-width spaces and joiners, BOM, word joiners, tag characters), bounded
//! length. Invisible characters go because they make two different values —
//! a version, a tag, a name — look equal. Printers clean their output once
//! more with [`for_terminal`].

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
            // C1 DCS, SOS, OSC, PM, APC: strings, as their ESC forms.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' => push(&mut out, &mut count, ' '),
            c if c.is_control() || is_bidi_control(c) || is_invisible(c) => {}
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
        // OSC, DCS, SOS, PM, APC: a string up to BEL or ST.
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Two-character escapes (ESC c, ESC 7, ESC ( B …): drop the next one.
        _ => {}
    }
}

/// Skips a control string up to its end: BEL, ST (ESC \\ or C1 0x9c).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        if c == '\u{7}' || c == '\u{9c}' {
            break;
        }
        if c == '\u{1b}' {
            // ESC \ ends the string; any other ESC cuts it short and starts
            // a sequence of its own, skipped as such.
            if chars.peek() == Some(&'\\') {
                chars.next();
            } else {
                skip_escape(chars);
            }
            break;
        }
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Characters that draw nothing (Unicode's default-ignorable ones, the
/// variation selectors and the tag block among them).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{206a}'..='\u{206f}' | '\u{3164}'
        | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fff8}'
        | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}')
}

/// Any character a terminal may act on or that hides what text says.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible(c)
}

/// Cleans `s` where it is, without allocating when it is already clean.
pub fn clean_in_place(s: &mut String, max_chars: usize) {
    let plain = s.len() <= max_chars
        && s.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !s.starts_with(' ')
        && !s.ends_with(' ');
    if !plain {
        *s = clean_max(s, max_chars);
    }
}

/// Cleans text a person wrote: each line as [`clean_max`], line breaks kept
/// (at most `max_chars` characters in all, an ellipsis where it was cut).
pub fn clean_text(input: &str, max_chars: usize) -> String {
    let normal = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(normal.len().min(max_chars * 4));
    let mut left = max_chars;
    for (i, line) in normal.split('\n').enumerate() {
        if left == 0 {
            out.push('…');
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        let cleaned = clean_max(line, left);
        left = left.saturating_sub(cleaned.chars().count() + 1);
        out.push_str(&cleaned);
    }
    out.trim_matches('\n').to_string()
}

/// [`clean_text`] where it is, without allocating when it is already clean.
pub fn clean_text_in_place(s: &mut String, max_chars: usize) {
    let plain = s.len() <= max_chars && s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n');
    if !plain {
        *s = clean_text(s, max_chars);
    }
}

/// The last pass over anything printed for a person: line breaks and tabs
/// stay, every other unsafe character is dropped. Text was cleaned where it
/// entered; this keeps a printer safe even if something slipped past.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().filter(|&c| c == '\n' || c == '\t' || !is_unsafe(c)).collect())
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
        assert_eq!(clean("a\u{9d}0;title\u{9c}b\u{90}q\u{1b}\\c"), "abc");
        assert_eq!(clean("a\u{1b}_apc\u{1b}[2Jb"), "ab", "a string cut short by another sequence");
        assert_eq!(clean("2026.12.03\u{200b}"), "2026.12.03");
        assert_eq!(clean("\u{feff}rm\u{2060}\u{e0041}"), "rm");
    }

    #[test]
    fn text_keeps_line_breaks_and_one_limit() {
        assert_eq!(clean_text("one\r\ntwo\x1b[2J\n\u{202e}three", 100), "one\ntwo\nthree");
        let long = clean_text(&"x\n".repeat(5000), 2000);
        assert!(long.chars().count() <= 2001 && long.ends_with('…'), "{}", long.len());
        let mut s = String::from("plain");
        clean_in_place(&mut s, 10);
        assert_eq!(s, "plain");
        let mut s = String::from("a\u{9b}31mb");
        clean_in_place(&mut s, 10);
        assert_eq!(s, "ab");
        assert_eq!(for_terminal("ok\n\tyes\u{1b}]0;x\u{7}\u{85}\u{200b}"), "ok\n\tyes]0;x");
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
            prop_assert!(!c.chars().any(is_unsafe));
            prop_assert!(c.chars().count() <= MAX_FIELD);
        }
    }
}
