//! The chunked line reader: whole lines handed out from a large buffer, a
//! torn last line and over-long lines told apart.

use std::io::Read;

/// The longest line read; a longer one is skipped and reported. No event
/// this build writes comes near it.
pub const MAX_LINE: usize = 256 * 1024;

pub(super) enum Line<'a> {
    End,
    /// Bytes at the end of the file without a newline.
    Torn(usize),
    /// A line of this many bytes (with its newline), and its text.
    Whole(usize, &'a [u8]),
    /// A line of this many bytes, too long to keep, was passed over.
    TooLong(usize),
}

/// Whole lines read from a file in large chunks, handed out from the buffer
/// itself (no copy per line), never holding more than a chunk: a line longer
/// than [`MAX_LINE`] is passed over, not gathered.
pub(super) struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl<R: Read> Lines<R> {
    /// `expected`: how many bytes are left to read, so following a journal
    /// (a few new lines a second) does not set up a whole chunk each time.
    pub(super) fn new(reader: R, expected: u64) -> Self {
        let size = usize::try_from(expected).unwrap_or(usize::MAX).saturating_add(1).clamp(8 * 1024, 4 * MAX_LINE);
        Lines { reader, buf: vec![0; size], start: 0, end: 0 }
    }

    /// More bytes after what is buffered; 0 at the end of the file.
    fn fill(&mut self) -> std::io::Result<usize> {
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub(super) fn next(&mut self) -> std::io::Result<Line<'_>> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                let line = self.start..self.start + i;
                self.start += i + 1;
                if i > MAX_LINE {
                    return Ok(Line::TooLong(i + 1));
                }
                return Ok(Line::Whole(i + 1, &self.buf[line]));
            }
            let pending = self.end - self.start;
            if pending > MAX_LINE {
                return self.skip_long_line(pending);
            }
            // Keep the partial line, make room after it, read on.
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, pending);
            if self.end == self.buf.len() {
                // The file grew since it was sized, or a line is long: at
                // most four times the longest line, so room always remains.
                self.buf.resize((self.buf.len() * 2).min(4 * MAX_LINE), 0);
            }
            if self.fill()? == 0 {
                self.start = self.end;
                return Ok(if pending == 0 { Line::End } else { Line::Torn(pending) });
            }
        }
    }

    fn skip_long_line(&mut self, mut skipped: usize) -> std::io::Result<Line<'_>> {
        loop {
            (self.start, self.end) = (0, 0);
            if self.fill()? == 0 {
                return Ok(Line::Torn(skipped));
            }
            if let Some(i) = memchr::memchr(b'\n', &self.buf[..self.end]) {
                self.start = i + 1;
                return Ok(Line::TooLong(skipped + i + 1));
            }
            skipped += self.end;
        }
    }
}
#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::domain::journal::MAX_TEXT;
    use crate::io::regular_file::create_private_dir;
    #[test]
    fn a_journal_that_grew_after_it_was_sized_is_read_whole() {
        let (_d, s) = store();
        s.append(&event("e0", "x")).unwrap();
        let mut lines = Lines::new(std::fs::File::open(s.path()).unwrap(), 0);
        s.append(&event("e1", &"y".repeat(MAX_TEXT))).unwrap();
        for _ in 0..40 {
            s.append(&event("e2", &"z".repeat(MAX_TEXT))).unwrap();
        }
        let mut whole = 0;
        while let Line::Whole(..) = lines.next().unwrap() {
            whole += 1;
        }
        assert_eq!(whole, 42);
    }

    #[test]
    fn lines_of_every_length_are_read_whole_or_skipped_whole() {
        let (_d, s) = store();
        create_private_dir(s.path().parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        // Lines that end exactly at, just before and just after chunk
        // boundaries, and long ones on both sides of the limit.
        let mut want = Vec::new();
        for (i, len) in
            [10, MAX_LINE - 400, 3 * MAX_LINE, MAX_LINE - 300, 5 * MAX_LINE, 1, MAX_LINE + 1].iter().enumerate()
        {
            let e = event(&format!("e{i}"), "x");
            let mut line = serde_json::to_vec(&e).unwrap();
            if *len > line.len() {
                // Pad inside the JSON (spaces are allowed) to the length wanted.
                line.splice(1..1, std::iter::repeat_n(b' ', len - line.len()));
            }
            if line.len() <= MAX_LINE {
                want.push(format!("e{i}"));
            }
            bytes.extend(line);
            bytes.push(b'\n');
        }
        std::fs::write(s.path(), &bytes).unwrap();
        let l = s.load().unwrap();
        assert_eq!(ids(&l), want.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(l.damage.len(), 3, "{:?}", l.damage);
        assert_eq!(l.cursor.offset, bytes.len() as u64);
        assert_eq!(l.cursor.line, 7);
    }
}
