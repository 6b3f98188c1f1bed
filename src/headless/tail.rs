//! Reading on in the journal for `log --follow`: the store's read-from-cursor
//! (the cockpit's follower uses it too), which keeps a line being written
//! for the next read and drops ids already read, plus what a follower that
//! runs for hours meets and the cockpit does not: the file truncated,
//! replaced (a restore, an editor's save) or removed.
//!
//! Each is said once and reading carries on, as `tail -F` does: a
//! truncated or replaced file is read again from its start, and the events
//! already printed are known by id and not printed again; a removed one is
//! waited for.

use crate::domain::journal::Event;
use crate::domain::kernel::id_set::IdPrints;
use crate::io::journal::{Cursor, JournalError, JournalStore};
use std::os::unix::fs::MetadataExt;

pub struct Tail {
    store: JournalStore,
    cursor: Cursor,
    seen: IdPrints,
    /// The file read so far (device, inode), once there was one.
    file: Option<(u64, u64)>,
}

/// What one read found: new events in the fold order, and what to say about
/// the file (damaged lines skipped, a truncation, a replacement).
#[derive(Debug, Default)]
pub struct Step {
    pub events: Vec<Event>,
    pub notes: Vec<String>,
}

impl Tail {
    pub fn new(store: JournalStore) -> Tail {
        Tail { store, cursor: Cursor::default(), seen: IdPrints::default(), file: None }
    }

    pub fn read(&mut self) -> Result<Step, JournalError> {
        let mut step = Step::default();
        let shown = crate::io::sanitize::clean_max(&self.store.path().display().to_string(), 400);
        match std::fs::metadata(self.store.path()) {
            Ok(meta) => {
                let now = (meta.dev(), meta.ino());
                let again = match self.file {
                    Some(was) if was != now => Some(format!("journal {shown} was replaced; reading the new file")),
                    _ if meta.len() < self.cursor.offset => Some(format!(
                        "journal {shown} was truncated ({} bytes, {} were read); reading it again",
                        meta.len(),
                        self.cursor.offset
                    )),
                    _ => None,
                };
                if let Some(note) = again {
                    step.notes.push(format!("{note} from its start; lines already printed are not printed again"));
                    self.cursor = Cursor::default();
                }
                self.file = Some(now);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.file.take().is_some() {
                    step.notes.push(format!("journal {shown} is gone; waiting for it to come back"));
                    self.cursor = Cursor::default();
                }
                return Ok(step);
            }
            // Opening it says what is wrong, in the store's words.
            Err(_) => {}
        }
        let loaded = self.store.read_from(self.cursor, &mut self.seen)?;
        self.cursor = loaded.cursor;
        step.events = loaded.events;
        step.notes.extend(loaded.damage);
        Ok(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::EventKind;
    use std::io::Write;

    fn store() -> (tempfile::TempDir, JournalStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = JournalStore::new(dir.path().join("j.jsonl"));
        (dir, store)
    }

    fn chat(n: u64) -> Event {
        let mut m = crate::testkit::model(&["web"], chrono::Utc::now());
        m.journal.replica = "0123456789abcdef".into();
        m.journal.clock = n * 1_000_000_000_000_000;
        match m.record(EventKind::Chat { text: format!("line {n}") }, chrono::Utc::now(), false) {
            crate::domain::Effect::Append(e) => e,
            other => panic!("{other:?}"),
        }
    }

    fn texts(step: &Step) -> Vec<String> {
        step.events.iter().map(|e| e.describe().1).collect()
    }

    fn append_raw(store: &JournalStore, bytes: &[u8]) {
        std::fs::OpenOptions::new().append(true).open(store.path()).unwrap().write_all(bytes).unwrap();
    }

    #[test]
    fn a_line_being_written_waits_and_damage_is_a_note() {
        let (_d, s) = store();
        let mut tail = Tail::new(s.clone());
        assert!(tail.read().unwrap().events.is_empty(), "no journal yet is nothing to say");
        s.append(&chat(1)).unwrap();
        assert_eq!(texts(&tail.read().unwrap()).len(), 1);
        let line = serde_json::to_vec(&chat(2)).unwrap();
        append_raw(&s, &line[..20]);
        let half = tail.read().unwrap();
        assert!(half.events.is_empty() && half.notes.is_empty(), "{half:?}");
        append_raw(&s, &line[20..]);
        append_raw(&s, b"\nnot json\n");
        let rest = tail.read().unwrap();
        assert_eq!(rest.events.len(), 1, "{rest:?}");
        assert!(rest.events[0].describe().1.ends_with("line 2"), "{rest:?}");
        assert!(rest.notes.len() == 1 && rest.notes[0].contains("line 3: not JSON"), "{:?}", rest.notes);
    }

    #[test]
    fn truncated_replaced_and_removed_files_are_said_and_read_again() {
        let (dir, s) = store();
        let mut tail = Tail::new(s.clone());
        for n in 1..=3 {
            s.append(&chat(n)).unwrap();
        }
        assert_eq!(tail.read().unwrap().events.len(), 3);

        // Truncated to nothing, then a new line: said, and only the new line.
        std::fs::OpenOptions::new().write(true).open(s.path()).unwrap().set_len(0).unwrap();
        s.append(&chat(4)).unwrap();
        let step = tail.read().unwrap();
        assert!(step.notes.len() == 1 && step.notes[0].contains("was truncated"), "{:?}", step.notes);
        assert_eq!(step.events.len(), 1);

        // Replaced by a copy holding what was printed and one more line.
        let copy = dir.path().join("copy.jsonl");
        std::fs::copy(s.path(), &copy).unwrap();
        let mut more = std::fs::read(&copy).unwrap();
        more.extend(serde_json::to_vec(&chat(5)).unwrap());
        more.push(b'\n');
        std::fs::write(&copy, more).unwrap();
        std::fs::rename(&copy, s.path()).unwrap();
        let step = tail.read().unwrap();
        assert!(step.notes.len() == 1 && step.notes[0].contains("was replaced"), "{:?}", step.notes);
        assert_eq!(texts(&step).len(), 1, "only the new line: {:?}", texts(&step));

        std::fs::remove_file(s.path()).unwrap();
        let gone = tail.read().unwrap();
        assert!(gone.notes.len() == 1 && gone.notes[0].contains("is gone"), "{:?}", gone.notes);
        assert!(tail.read().unwrap().notes.is_empty(), "said once");
        s.append(&chat(6)).unwrap();
        assert_eq!(tail.read().unwrap().events.len(), 1);
    }
}
