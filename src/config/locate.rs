//! Turning byte spans into "line:column" and a dotted key path, so every
//! config error says where it is.

use std::ops::Range;

pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The key path at a span, from the nearest table header above it and the
/// `key =` on its line: "poll.intervall", "services.envs.prod".
pub fn key_path_at(src: &str, span: &Range<usize>) -> String {
    let start = span.start.min(src.len());
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line = &src[line_start..line_end];
    let header = src[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    let trimmed = line.trim();
    if trimmed.starts_with('[') {
        return trimmed.trim_matches(|c| c == '[' || c == ']').trim().to_string();
    }
    let key = trimmed
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('#'));
    match (header, key) {
        (Some(h), Some(k)) => format!("{h}.{k}"),
        (None, Some(k)) => k,
        (Some(h), None) => h,
        (None, None) => "(top level)".into(),
    }
}

/// Finds `key = …` inside `[section]`, for errors found after parsing where
/// serde kept no span.
pub fn find_key(src: &str, section: &str, key: &str) -> Option<usize> {
    let mut in_section = false;
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t.trim_matches(|c| c == '[' || c == ']').trim() == section;
        } else if in_section
            && let Some((k, _)) = t.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some(offset + (line.len() - line.trim_start().len()));
        }
        offset += line.len();
    }
    None
}

/// Where a file nests deepest: the start of the line with the most `.`,
/// `[` and `{`. The TOML parser's recursion-limit error carries no span;
/// this is the line that set it off.
pub fn deepest_line(src: &str) -> usize {
    let mut best = (0, 0);
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let depth = line.bytes().filter(|b| matches!(b, b'.' | b'[' | b'{')).count();
        if depth > best.0 {
            best = (depth, offset);
        }
        offset += line.len();
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_positions() {
        let src = "[release]\nname = \"x\"\n\n[poll]\nintervall = \"1s\"\n";
        let at = src.find("intervall").unwrap();
        assert_eq!(line_col(src, at), (5, 1));
        assert_eq!(key_path_at(src, &(at..at + 9)), "poll.intervall");
        assert_eq!(find_key(src, "poll", "intervall"), Some(at));
        assert_eq!(find_key(src, "release", "intervall"), None);
        let deep = "[a]\nb = 1\nc.d.e = [[[1]]]\n";
        assert_eq!(deepest_line(deep), deep.find("c.d").unwrap());
    }
}
