//! The validation context: the file's text and name, and errors that point
//! at a line, a column and a key.

use super::{ConfigError, locate, parse_duration};
use std::cell::RefCell;
use std::ops::Range;
use std::time::Duration;
use toml::Spanned;

/// Key paths and quoted values shown in errors are cut to these lengths.
const MAX_KEY_CHARS: usize = 80;
const MAX_MESSAGE_CHARS: usize = 300;

/// One reading of one file. Each key is checked on its own and a wrong one
/// is noted here, so a single run names every mistake in the file.
pub(super) struct Ctx<'a> {
    pub(super) src: &'a str,
    pub(super) path: &'a str,
    found: RefCell<Vec<ConfigError>>,
    places: RefCell<super::Places>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(src: &'a str, path: &'a str) -> Self {
        Ctx { src, path, found: RefCell::new(Vec::new()), places: RefCell::default() }
    }
}

impl Ctx<'_> {
    /// Notes a problem and reading goes on.
    pub(super) fn note(&self, e: ConfigError) {
        self.found.borrow_mut().push(e);
    }

    /// The value, or `None` with its error noted.
    pub(super) fn keep<T>(&self, r: Result<T, ConfigError>) -> Option<T> {
        r.map_err(|e| self.note(e)).ok()
    }

    /// The value, or `fallback` with the error noted: what follows is still
    /// checked, and the config is refused at the end all the same.
    pub(super) fn or<T>(&self, r: Result<T, ConfigError>, fallback: T) -> T {
        self.keep(r).unwrap_or(fallback)
    }

    /// Remembers where `key` was written, for problems found after loading
    /// (a repository path that is not there, a token not set).
    pub(super) fn mark(&self, key: &str, span: &Range<usize>) {
        let (line, column) = locate::line_col(self.src, span.start);
        self.places.borrow_mut().0.insert(key.to_string(), (line, column));
    }

    pub(super) fn places(&self) -> super::Places {
        self.places.take()
    }

    /// How many problems were noted so far.
    pub(super) fn found(&self) -> usize {
        self.found.borrow().len()
    }

    /// `ok` when nothing was noted, else every problem, in file order.
    pub(super) fn finish<T>(self, ok: T) -> Result<T, ConfigError> {
        let found = self.found.into_inner();
        if found.is_empty() { Ok(ok) } else { Err(ConfigError::all(found)) }
    }

    /// Key paths and quoted values come from the file and can be any length
    /// (a key of 100,000 dotted segments): both are cut to stay readable.
    pub(super) fn err_span(&self, span: &Range<usize>, key: &str, message: String) -> ConfigError {
        let (line, column) = locate::line_col(self.src, span.start);
        ConfigError::Invalid {
            path: self.path.to_string(),
            line,
            column,
            key: shorten(key, MAX_KEY_CHARS),
            message: shorten(&message, MAX_MESSAGE_CHARS),
        }
    }

    pub(super) fn err<T>(&self, value: &Spanned<T>, key: &str, message: String) -> ConfigError {
        self.err_span(&value.span(), key, message)
    }

    pub(super) fn duration(
        &self,
        v: &Option<Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Result<Duration, ConfigError> {
        let Some(v) = v else { return Ok(default) };
        let d = parse_duration(v.get_ref()).map_err(|m| self.err(v, key, m.to_string()))?;
        if d.is_zero() {
            return Err(self.err(v, key, "must be more than zero".into()));
        }
        Ok(d)
    }
}

/// The key path for a TOML parse error. An inline table on its own line inside
/// a multi-line array (`items = [` then `{ id = …, role = … },`) is named by
/// the array, since `{ id` is not a key.
pub(super) fn error_key(src: &str, span: &Range<usize>) -> String {
    let start = span.start.min(src.len());
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    if src[line_start..].trim_start().starts_with('{') {
        let mut at = line_start;
        while at > 0 {
            let prev = src[..at - 1].rfind('\n').map_or(0, |i| i + 1);
            let line = src[prev..at - 1].trim();
            if line.starts_with('[') {
                break;
            }
            if line.contains('=') && line.ends_with('[') {
                return locate::key_path_at(src, &(prev..prev));
            }
            at = prev;
        }
    }
    locate::key_path_at(src, span)
}

/// `s` cut to `max` characters by leaving out its middle, so both the start
/// (what it is) and the end (often why it is wrong) stay.
fn shorten(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return s.to_string();
    }
    let head = (max - 1) * 2 / 3;
    let tail = max - 1 - head;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_keeps_both_ends() {
        assert_eq!(shorten("short", 10), "short");
        let long: String = ('a'..='z').collect();
        let cut = shorten(&long, 10);
        assert_eq!(cut, "abcdef…xyz");
        assert_eq!(cut.chars().count(), 10);
    }
}
