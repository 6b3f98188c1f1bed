//! A one-line text input (a waiver's reason): the text and a cursor, edited
//! by keys the front end has already translated. Pure, so prompts are tested
//! without a terminal.

/// One editing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Delete the word before the cursor (Ctrl-W).
    DeleteWord,
    Submit,
    Cancel,
}

/// Longest line accepted; a reason is a sentence, not an essay.
pub const MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    chars: Vec<char>,
    /// Position in `chars`, 0..=len.
    cursor: usize,
}

impl LineInput {
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Pasted text: line breaks and tabs become spaces, the rest goes in as
    /// typed characters would.
    pub fn paste(&mut self, text: &str) {
        for c in text.chars() {
            let c = if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c };
            self.edit(Edit::Char(c));
        }
    }

    /// Applies an editing key; `Submit` and `Cancel` are the caller's.
    pub fn edit(&mut self, key: Edit) {
        match key {
            // Control characters, bidi overrides and zero-width characters
            // never enter the text: what is recorded reads as it looks.
            Edit::Char(c) if !unsafe_char(c) && self.chars.len() < MAX_CHARS => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
            }
            Edit::Char(_) => {}
            Edit::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            Edit::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            Edit::Backspace | Edit::Delete => {}
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.chars.len(),
            Edit::DeleteWord => {
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            Edit::Submit | Edit::Cancel => {}
        }
    }
}

/// `text` as one line, for what must read on one (a lock's reason): line
/// breaks, tabs and other control characters become spaces, runs of
/// whitespace one space, none at the ends. Escape sequences are the
/// terminal's business: text from outside is cleaned of them first
/// (`io::sanitize`); what is left of one here is printable and harmless.
pub fn one_line(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if unsafe_char(c) { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_makes_breaks_and_controls_spaces_and_collapses_them() {
        assert_eq!(one_line("a\rb"), "a b");
        assert_eq!(one_line("  waiting\r\n for\t\tthe\u{7}migration \u{202e} "), "waiting for the migration");
        assert_eq!(one_line("\n\t\r "), "");
        assert_eq!(one_line("plain"), "plain");
    }

    fn typed(s: &str) -> LineInput {
        let mut i = LineInput::default();
        for c in s.chars() {
            i.edit(Edit::Char(c));
        }
        i
    }

    #[test]
    fn typing_moving_and_deleting() {
        let mut i = typed("emergncy");
        i.edit(Edit::Left);
        i.edit(Edit::Left);
        i.edit(Edit::Left);
        i.edit(Edit::Char('e'));
        assert_eq!(i.text(), "emergency");
        i.edit(Edit::End);
        i.edit(Edit::Backspace);
        assert_eq!(i.text(), "emergenc");
        i.edit(Edit::Home);
        i.edit(Edit::Delete);
        assert_eq!((i.text().as_str(), i.cursor()), ("mergenc", 0));
        i.edit(Edit::Backspace);
        i.edit(Edit::Left);
        assert_eq!((i.text().as_str(), i.cursor()), ("mergenc", 0), "nothing to the left");
    }

    #[test]
    fn words_wide_characters_and_control_characters() {
        let mut i = typed("fix for 日本 ");
        i.edit(Edit::DeleteWord);
        assert_eq!(i.text(), "fix for ");
        i.edit(Edit::Char('\u{1b}'));
        i.edit(Edit::Char('\n'));
        assert_eq!(i.text(), "fix for ", "control characters are dropped");
        i.edit(Edit::Char('\u{202e}'));
        i.edit(Edit::Char('\u{200b}'));
        assert_eq!(i.text(), "fix for ", "bidi overrides and zero-width characters are dropped");
        i.paste("ticket 42\nsee\x1b[31m log");
        assert_eq!(i.text(), "fix for ticket 42 see[31m log", "a paste is one line, without escapes");
        let long = typed(&"x".repeat(MAX_CHARS + 10));
        assert_eq!(long.text().chars().count(), MAX_CHARS);
    }
}
