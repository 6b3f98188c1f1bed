//! JSON for people's terminals and scripts alike: serde_json escapes only
//! C0 controls, so C1 controls, DEL, bidi overrides and zero-width
//! characters inside strings are written as `\u` escapes here. Piping the
//! output of any `--json` command to a terminal is then safe.

use super::Exit;
use serde::Serialize;

/// `value` as pretty JSON with a trailing newline, every risky character escaped.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Exit> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Exit::new(1, format!("cannot encode JSON: {e}")))?;
    Ok(escape_risky(&text) + "\n")
}

/// `value` as one line of JSON with a trailing newline, every risky character escaped.
pub fn line<T: Serialize + ?Sized>(value: &T) -> Result<String, Exit> {
    let text = serde_json::to_string(value).map_err(|e| Exit::new(1, format!("cannot encode JSON: {e}")))?;
    Ok(escape_risky(&text) + "\n")
}

/// What serde_json leaves raw but a terminal may act on, or that hides what
/// text says: every unsafe character above the C0 controls (which serde_json
/// already escapes). Outside strings JSON has only ASCII punctuation, so
/// escaping them anywhere in serialized JSON keeps it valid and equal in
/// meaning.
pub fn is_risky(c: char) -> bool {
    c >= '\u{7f}' && crate::io::sanitize::is_unsafe(c)
}

pub fn escape_risky(json: &str) -> String {
    if !json.chars().any(is_risky) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_risky(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risky_characters_leave_only_as_escapes_and_the_json_means_the_same() {
        let text = "a\u{9b}2J\u{202e}b\u{200b}c\u{7f}\u{1b}]0;x\u{7}";
        let out = pretty(&serde_json::json!({ "t": text })).unwrap();
        assert!(!out.chars().any(|c| is_risky(c) || (c.is_control() && c != '\n')), "{out:?}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["t"], text);
        assert_eq!(line(&"plain").unwrap(), "\"plain\"\n");
    }
}
