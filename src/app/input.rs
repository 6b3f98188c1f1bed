//! Keys and pastes from the terminal, read by a thread of its own with plain
//! blocking reads and parsed here.
//!
//! Not crossterm's reader: it waits for the terminal with edge-triggered
//! epoll but reads at most 1 KiB per wake-up, so the rest of a burst larger
//! than that (a held key, a paste without bracketed paste) stays in the
//! kernel until another key arrives and wakes it again. A blocking read
//! returns whatever is there, every time.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use std::io::Read;

const READ_SIZE: usize = 8192;
const ESC: u8 = 0x1b;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Reads standard input until it ends or fails, sending each event as it is
/// parsed; returns why it stopped (`None`: the input ended). Blocks: run it
/// on a thread of its own.
pub fn read_events(mut send: impl FnMut(Event) -> bool) -> Option<std::io::Error> {
    let mut stdin = std::io::stdin();
    let mut parser = Parser::default();
    let mut buf = vec![0u8; READ_SIZE];
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // Someone else made the terminal non-blocking; wait a little
            // rather than spin.
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
            Err(e) => return Some(e),
        };
        for event in parser.feed(&buf[..n], n == READ_SIZE) {
            if !send(event) {
                return None;
            }
        }
    }
}

/// Bytes that may end in the middle of a sequence wait here for the next read.
#[derive(Default)]
pub struct Parser {
    pending: Vec<u8>,
}

enum Parsed {
    Event(Event, usize),
    /// Bytes that mean nothing to the cockpit (a mouse or focus report): skipped.
    Skip(usize),
    /// A sequence not finished yet.
    Incomplete,
}

impl Parser {
    /// Parses the bytes of one read. `more`: the read filled its buffer, so
    /// more bytes are already waiting and a lone ESC may start a sequence.
    pub fn feed(&mut self, bytes: &[u8], more: bool) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut at = 0;
        while at < self.pending.len() {
            match parse(&self.pending[at..], more) {
                Parsed::Event(e, used) => {
                    events.push(e);
                    at += used;
                }
                Parsed::Skip(used) => at += used,
                Parsed::Incomplete => break,
            }
        }
        self.pending.drain(..at);
        events
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn parse(b: &[u8], more: bool) -> Parsed {
    match b[0] {
        ESC => parse_escape(b, more),
        b'\r' => Parsed::Event(key(KeyCode::Enter, KeyModifiers::NONE), 1),
        b'\t' => Parsed::Event(key(KeyCode::Tab, KeyModifiers::NONE), 1),
        0x7f => Parsed::Event(key(KeyCode::Backspace, KeyModifiers::NONE), 1),
        0 => Parsed::Event(key(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        // In raw mode `\n` is ctrl-j, as crossterm reads it.
        c @ 0x01..=0x1a => Parsed::Event(key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL), 1),
        c @ 0x1c..=0x1f => Parsed::Event(key(KeyCode::Char((c - 0x1c + b'4') as char), KeyModifiers::CONTROL), 1),
        _ => parse_char(b),
    }
}

fn parse_char(b: &[u8]) -> Parsed {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return Parsed::Skip(1),
    };
    if b.len() < len {
        return Parsed::Incomplete;
    }
    match std::str::from_utf8(&b[..len]).ok().and_then(|s| s.chars().next()) {
        Some(c) => {
            let mods = if c.is_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
            Parsed::Event(key(KeyCode::Char(c), mods), len)
        }
        None => Parsed::Skip(1),
    }
}

fn parse_escape(b: &[u8], more: bool) -> Parsed {
    let Some(&next) = b.get(1) else {
        return if more { Parsed::Incomplete } else { Parsed::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1) };
    };
    match next {
        b'[' => parse_csi(b),
        b'O' => match b.get(2) {
            None => Parsed::Incomplete,
            Some(&c) => match ss3_key(c) {
                Some(code) => Parsed::Event(key(code, KeyModifiers::NONE), 3),
                None => Parsed::Skip(3),
            },
        },
        ESC => Parsed::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        // ESC before a key is alt with that key.
        _ => match parse(&b[1..], more) {
            Parsed::Event(Event::Key(mut k), used) => {
                k.modifiers |= KeyModifiers::ALT;
                Parsed::Event(Event::Key(k), used + 1)
            }
            Parsed::Event(_, used) | Parsed::Skip(used) => Parsed::Skip(used + 1),
            Parsed::Incomplete => Parsed::Incomplete,
        },
    }
}

fn ss3_key(c: u8) -> Option<KeyCode> {
    Some(match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + c - b'P'),
        _ => return None,
    })
}

/// `ESC [ params final`: cursor and function keys with their modifiers,
/// bracketed paste, and mouse reports.
fn parse_csi(b: &[u8]) -> Parsed {
    if b.get(2) == Some(&b'<') {
        return parse_sgr_mouse(b);
    }
    if b.starts_with(PASTE_START) {
        let body = &b[PASTE_START.len()..];
        return match body.windows(PASTE_END.len()).position(|w| w == PASTE_END) {
            Some(end) => Parsed::Event(
                Event::Paste(String::from_utf8_lossy(&body[..end]).into_owned()),
                PASTE_START.len() + end + PASTE_END.len(),
            ),
            None => Parsed::Incomplete,
        };
    }
    // The linux console's F1..F5: ESC [ [ A..E.
    if b.get(2) == Some(&b'[') {
        return match b.get(3) {
            None => Parsed::Incomplete,
            Some(&c @ b'A'..=b'E') => Parsed::Event(key(KeyCode::F(1 + c - b'A'), KeyModifiers::NONE), 4),
            Some(_) => Parsed::Skip(4),
        };
    }
    let Some(end) = b[2..].iter().position(|c| (0x40..=0x7e).contains(c)).map(|i| i + 2) else {
        return Parsed::Incomplete;
    };
    let used = end + 1;
    let params: Vec<u16> = std::str::from_utf8(&b[2..end])
        .unwrap_or("")
        .split(';')
        .map(|p| p.split(':').next().unwrap_or("").parse().unwrap_or(0))
        .collect();
    let mods = modifiers(params.get(1).copied().unwrap_or(1));
    let code = match b[end] {
        b'Z' => return Parsed::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), used),
        b'~' => match params.first().copied().unwrap_or(0) {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            n @ 11..=15 => KeyCode::F((n - 10) as u8),
            n @ 17..=21 => KeyCode::F((n - 11) as u8),
            n @ 23..=26 => KeyCode::F((n - 12) as u8),
            n @ 28..=29 => KeyCode::F((n - 15) as u8),
            n @ 31..=34 => KeyCode::F((n - 17) as u8),
            _ => return Parsed::Skip(used),
        },
        c => match ss3_key(c) {
            Some(code) => code,
            None => return Parsed::Skip(used),
        },
    };
    Parsed::Event(key(code, mods), used)
}

/// An SGR (1006) mouse report: `ESC [ < button ; column ; row` and `M`
/// for a press (or wheel, or motion), `m` for a release; column and row
/// count from 1. Anything malformed is skipped whole.
fn parse_sgr_mouse(b: &[u8]) -> Parsed {
    let Some(end) = b[3..].iter().position(|c| !(c.is_ascii_digit() || *c == b';')).map(|i| i + 3) else {
        return Parsed::Incomplete;
    };
    let used = end + 1;
    let numbers: Vec<u16> =
        std::str::from_utf8(&b[3..end]).unwrap_or("").split(';').map(|n| n.parse().unwrap_or(u16::MAX)).collect();
    let (&[button, column, row], b'M' | b'm') = (numbers.as_slice(), b[end]) else { return Parsed::Skip(used) };
    if [button, column, row].contains(&u16::MAX) || column == 0 || row == 0 {
        return Parsed::Skip(used);
    }
    let pressed = b[end] == b'M';
    let which = match button & 3 {
        0 => MouseButton::Left,
        1 => MouseButton::Middle,
        _ => MouseButton::Right,
    };
    let kind = match (button & 64 != 0, button & 32 != 0) {
        (true, _) => match button & 3 {
            0 => MouseEventKind::ScrollUp,
            1 => MouseEventKind::ScrollDown,
            2 => MouseEventKind::ScrollLeft,
            _ => MouseEventKind::ScrollRight,
        },
        (false, true) if button & 3 == 3 => MouseEventKind::Moved,
        (false, true) => MouseEventKind::Drag(which),
        (false, false) if pressed => MouseEventKind::Down(which),
        (false, false) => MouseEventKind::Up(which),
    };
    let mut modifiers = KeyModifiers::NONE;
    for (bit, m) in [(4, KeyModifiers::SHIFT), (8, KeyModifiers::ALT), (16, KeyModifiers::CONTROL)] {
        if button & bit != 0 {
            modifiers |= m;
        }
    }
    let (column, row) = (column - 1, row - 1);
    Parsed::Event(Event::Mouse(MouseEvent { kind, column, row, modifiers }), used)
}

/// xterm's modifier parameter: 1 + a bit mask.
fn modifiers(param: u16) -> KeyModifiers {
    let mask = param.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    for (bit, modifier) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
        (8, KeyModifiers::SUPER),
        (16, KeyModifiers::HYPER),
        (32, KeyModifiers::META),
    ] {
        if mask & bit != 0 {
            m |= modifier;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, mods: KeyModifiers) -> Event {
        key(code, mods)
    }

    fn all(bytes: &[u8]) -> Vec<Event> {
        Parser::default().feed(bytes, false)
    }

    #[test]
    fn plain_control_and_unicode_keys() {
        use KeyModifiers as M;
        assert_eq!(
            all("jG\r\t\x7f\x1a\x03é✓".as_bytes()),
            vec![
                k(KeyCode::Char('j'), M::NONE),
                k(KeyCode::Char('G'), M::SHIFT),
                k(KeyCode::Enter, M::NONE),
                k(KeyCode::Tab, M::NONE),
                k(KeyCode::Backspace, M::NONE),
                k(KeyCode::Char('z'), M::CONTROL),
                k(KeyCode::Char('c'), M::CONTROL),
                k(KeyCode::Char('é'), M::NONE),
                k(KeyCode::Char('✓'), M::NONE),
            ]
        );
    }

    #[test]
    fn escape_sequences_and_modifiers() {
        use KeyModifiers as M;
        assert_eq!(
            all(b"\x1b[A\x1bOB\x1b[1;5C\x1b[5~\x1b[6~\x1b[3~\x1b[H\x1b[4~\x1b[Z\x1bOP\x1b[15~\x1b[24;2~\x1bx\x1b\r"),
            vec![
                k(KeyCode::Up, M::NONE),
                k(KeyCode::Down, M::NONE),
                k(KeyCode::Right, M::CONTROL),
                k(KeyCode::PageUp, M::NONE),
                k(KeyCode::PageDown, M::NONE),
                k(KeyCode::Delete, M::NONE),
                k(KeyCode::Home, M::NONE),
                k(KeyCode::End, M::NONE),
                k(KeyCode::BackTab, M::SHIFT),
                k(KeyCode::F(1), M::NONE),
                k(KeyCode::F(5), M::NONE),
                k(KeyCode::F(12), M::SHIFT),
                k(KeyCode::Char('x'), M::ALT),
                k(KeyCode::Enter, M::ALT),
            ]
        );
        // Focus reports are not keys.
        assert_eq!(all(b"\x1b[Iq"), vec![k(KeyCode::Char('q'), M::NONE)]);
    }

    fn mouse(kind: MouseEventKind, column: u16, row: u16, modifiers: KeyModifiers) -> Event {
        Event::Mouse(MouseEvent { kind, column, row, modifiers })
    }

    #[test]
    fn sgr_mouse_reports_are_clicks_releases_and_the_wheel() {
        use KeyModifiers as M;
        use MouseEventKind as K;
        assert_eq!(
            all(b"\x1b[<0;3;4M\x1b[<0;3;4m\x1b[<64;10;2M\x1b[<65;10;2M\x1b[<18;1;1M\x1b[<32;5;5M\x1b[<35;6;6Mq"),
            vec![
                mouse(K::Down(MouseButton::Left), 2, 3, M::NONE),
                mouse(K::Up(MouseButton::Left), 2, 3, M::NONE),
                mouse(K::ScrollUp, 9, 1, M::NONE),
                mouse(K::ScrollDown, 9, 1, M::NONE),
                mouse(K::Down(MouseButton::Right), 0, 0, M::CONTROL),
                mouse(K::Drag(MouseButton::Left), 4, 4, M::NONE),
                mouse(K::Moved, 5, 5, M::NONE),
                k(KeyCode::Char('q'), M::NONE),
            ]
        );
        // Split across reads, it waits; malformed, it is skipped whole.
        let mut p = Parser::default();
        assert_eq!(p.feed(b"\x1b[<0;12", false), vec![]);
        assert_eq!(p.feed(b"0;40M", false), vec![mouse(K::Down(MouseButton::Left), 119, 39, M::NONE)]);
        assert_eq!(all(b"\x1b[<0;0;4M\x1b[<0;3M\x1b[<0;3;4;5M\x1b[<0;99999;1Mj"), vec![k(KeyCode::Char('j'), M::NONE)]);
    }

    #[test]
    fn a_lone_escape_is_esc_unless_more_is_waiting() {
        assert_eq!(all(b"\x1b"), vec![k(KeyCode::Esc, KeyModifiers::NONE)]);
        assert_eq!(all(b"\x1b\x1b"), vec![k(KeyCode::Esc, KeyModifiers::NONE); 2]);
        let mut p = Parser::default();
        assert_eq!(p.feed(b"j\x1b", true), vec![k(KeyCode::Char('j'), KeyModifiers::NONE)]);
        assert_eq!(p.feed(b"[B", false), vec![k(KeyCode::Down, KeyModifiers::NONE)]);
    }

    #[test]
    fn sequences_and_characters_split_across_reads_are_joined() {
        let mut p = Parser::default();
        assert_eq!(p.feed(b"\x1b[1;", false), vec![]);
        assert_eq!(p.feed(b"2A", false), vec![k(KeyCode::Up, KeyModifiers::SHIFT)]);
        let check = "✓".as_bytes();
        assert_eq!(p.feed(&check[..1], false), vec![]);
        assert_eq!(p.feed(&check[1..], false), vec![k(KeyCode::Char('✓'), KeyModifiers::NONE)]);
    }

    #[test]
    fn a_bracketed_paste_is_one_event_even_across_reads() {
        let mut p = Parser::default();
        assert_eq!(p.feed(b"\x1b[200~see ticket 42\nq", false), vec![]);
        assert_eq!(
            p.feed(b" s t\x1b[201~j", false),
            vec![Event::Paste("see ticket 42\nq s t".into()), k(KeyCode::Char('j'), KeyModifiers::NONE)]
        );
    }

    #[test]
    fn a_large_burst_yields_every_key() {
        let mut bytes = vec![b'j'; 5000];
        bytes.push(b'?');
        let mut p = Parser::default();
        let events: Vec<Event> = bytes.chunks(READ_SIZE.min(1024)).flat_map(|c| p.feed(c, false)).collect();
        assert_eq!(events.len(), 5001);
        assert_eq!(events.last(), Some(&k(KeyCode::Char('?'), KeyModifiers::NONE)));
    }

    #[test]
    fn garbage_is_skipped_not_stuck_on() {
        assert_eq!(all(b"\xff\x80q"), vec![k(KeyCode::Char('q'), KeyModifiers::NONE)]);
    }
}
