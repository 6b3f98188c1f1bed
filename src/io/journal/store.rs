//! The journal store: where a journal lives, appending under a lock with
//! fsync, loading and following from a cursor, the last clock.

use super::clean::clean_event;
use super::lines::{Line, Lines, MAX_LINE};
use crate::domain::journal::{Event, VERSION};
use crate::domain::kernel::id_set::{IdPrints, Seen, fingerprint};
use crate::io::regular_file::{self, create_private_dir};
use chrono::NaiveDate;
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: cannot {op}: {source}")]
    Io { path: String, op: &'static str, source: std::io::Error },
    #[error("journal {path}: the event was NOT saved: {source}")]
    NotSaved { path: String, source: std::io::Error },
    #[error(
        "journal {path}, line {line}: written by a newer shipdeck (schema v{v}, this one reads v{VERSION}); \
         upgrade shipdeck — the file was left as it is"
    )]
    FutureVersion { path: String, line: usize, v: u64 },
    #[error("journal {path}: cannot encode an event: {0}", path = .1)]
    Encode(serde_json::Error, String),
}

/// Where reading stopped: the byte after the last whole line, and how many
/// lines that was (so damage found later is reported with its line number).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub offset: u64,
    pub line: usize,
}

/// What loading found: the events in the fold order, and anything wrong with the file.
#[derive(Debug, Default)]
pub struct Loaded {
    pub events: Vec<Event>,
    /// Human-readable notes about damage (torn last line, unreadable lines,
    /// an id reused by a different event).
    pub damage: Vec<String>,
    /// Following resumes here.
    pub cursor: Cursor,
}

#[derive(Debug, Clone)]
pub struct JournalStore {
    path: PathBuf,
    /// The data dir it belongs to (where the replica id is kept).
    data_dir: Option<PathBuf>,
}

/// A release name as a directory name.
fn slug(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "release".into() } else { s }
}

impl JournalStore {
    pub fn new(path: PathBuf) -> Self {
        JournalStore { path, data_dir: None }
    }

    /// `{data_dir}/journals/{release}/{push date}.jsonl`: one per release and push.
    pub fn for_push(data_dir: &Path, release: &str, push_date: NaiveDate) -> Self {
        let path = data_dir.join("journals").join(slug(release)).join(format!("{push_date}.jsonl"));
        JournalStore { path, data_dir: Some(data_dir.to_path_buf()) }
    }

    /// The replica id of the data dir this journal is in.
    pub fn replica(&self) -> String {
        crate::io::replica::id(self.data_dir.as_deref())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self) -> String {
        crate::io::sanitize::clean_max(&self.path.display().to_string(), 400)
    }

    fn io(&self, op: &'static str) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
        move |source| JournalError::Io { path: self.shown(), op, source: explain(source) }
    }

    /// Appends one event: one line, one write, under the lock, then fsync.
    /// On any failure the file is left as it was and the error says the
    /// event was not saved.
    pub fn append(&self, event: &Event) -> Result<(), JournalError> {
        self.append_all(std::slice::from_ref(event))
    }

    /// Appends events as [`append`](Self::append) does one, in one write and
    /// one fsync: all of them are saved or none (lines taken from the shared
    /// remote arrive by the thousand on a first sync).
    pub fn append_all(&self, events: &[Event]) -> Result<(), JournalError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut line = Vec::with_capacity(events.len() * 300);
        for event in events {
            serde_json::to_writer(&mut line, event).map_err(|e| JournalError::Encode(e, self.shown()))?;
            line.push(b'\n');
        }
        let not_saved = |source| JournalError::NotSaved { path: self.shown(), source: explain(source) };
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir).map_err(not_saved)?;
        }
        let mut file =
            regular_file::open(&self.path, OpenOptions::new().read(true).append(true).create(true).mode(0o600))
                .map_err(not_saved)?;
        file.lock().map_err(not_saved)?;
        let written = (|| {
            let len = file.metadata()?.len();
            // A torn fragment (a crash mid-write) is ended first: it stays
            // one bad line instead of swallowing this event.
            let mut last = [b'\n'];
            if len > 0 {
                file.read_exact_at(&mut last, len - 1)?;
            }
            if last[0] != b'\n' {
                line.insert(0, b'\n');
            }
            let result = file.write_all(&line).and_then(|()| file.sync_data());
            if result.is_err() {
                // Whatever part of the line reached the file goes again, so
                // the next append cannot be glued to it.
                let _ = file.set_len(len);
                let _ = file.sync_data();
            }
            result
        })();
        let _ = file.unlock();
        written.map_err(not_saved)
    }

    /// Reads the whole journal.
    pub fn load(&self) -> Result<Loaded, JournalError> {
        self.read_from(Cursor::default(), &mut IdPrints::default())
    }

    /// Reads whole lines from `from` on, streaming; `seen` drops events
    /// already read (an id appended twice, e.g. the same observation by two
    /// cockpits) and reports an id reused by a different event.
    pub fn read_from(&self, from: Cursor, seen: &mut IdPrints) -> Result<Loaded, JournalError> {
        let mut file = match regular_file::open_read(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { cursor: from, ..Default::default() });
            }
            Err(e) => return Err(self.io("open it")(e)),
        };
        file.seek(SeekFrom::Start(from.offset)).map_err(self.io("read it"))?;
        let expected = file.metadata().map_or(0, |m| m.len().saturating_sub(from.offset));
        // About 280 bytes a line: room for the events up front, not grown by copying.
        let mut loaded =
            Loaded { cursor: from, events: Vec::with_capacity((expected / 256) as usize), damage: Vec::new() };
        seen.reserve((expected / 256) as usize);
        let mut lines = Lines::new(file, expected);
        loop {
            let (len, raw) = match lines.next().map_err(self.io("read it"))? {
                Line::End => break,
                Line::Torn(len) => {
                    // A fragment at the end while following may be a line
                    // being written: only a whole read calls it damage.
                    if from.offset == 0 {
                        loaded.damage.push(format!(
                            "{}: the last line is incomplete ({len} bytes, a crash while writing?); the whole lines before it were kept and the file was not changed",
                            self.shown(),
                        ));
                    }
                    break;
                }
                Line::TooLong(len) => {
                    loaded.cursor.offset += len as u64;
                    loaded.cursor.line += 1;
                    let n = loaded.cursor.line;
                    loaded.damage.push(format!(
                        "{}, line {n}: {len} bytes, longer than any event ({MAX_LINE} at most); skipped",
                        self.shown()
                    ));
                    continue;
                }
                Line::Whole(len, raw) => (len, raw),
            };
            loaded.cursor.offset += len as u64;
            loaded.cursor.line += 1;
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = loaded.cursor.line;
            self.parse(raw, line, seen, &mut loaded)?;
        }
        crate::domain::journal::sort(&mut loaded.events);
        Ok(loaded)
    }

    fn parse(&self, raw: &[u8], line: usize, seen: &mut IdPrints, loaded: &mut Loaded) -> Result<(), JournalError> {
        // The common case parses once; only a line that is not a current
        // event is looked at again, to tell a newer schema from damage.
        match serde_json::from_slice::<Event>(raw) {
            Ok(e) if e.v > VERSION => {
                let v = u64::from(e.v);
                Err(JournalError::FutureVersion { path: self.shown(), line, v })
            }
            Ok(mut e) => {
                clean_event(&mut e);
                // Observations are the same fact seen by several cockpits,
                // each with its own time and actor: the first is kept.
                let print = if e.is_observation() { 0 } else { fingerprint(&(&e.at, &e.actor, &e.kind)) };
                match seen.insert(&e.id, print) {
                    Seen::New => loaded.events.push(e),
                    Seen::Same => {}
                    Seen::Different => loaded.damage.push(format!(
                        "{}, line {line}: id `{}` was already used by a different event; this one was skipped",
                        self.shown(),
                        crate::io::sanitize::clean_max(&e.id, 80)
                    )),
                }
                Ok(())
            }
            Err(err) => {
                let v = serde_json::from_slice::<serde_json::Value>(raw)
                    .ok()
                    .map(|v| v.get("v").and_then(serde_json::Value::as_u64).unwrap_or(0));
                let what = match v {
                    Some(v) if v > u64::from(VERSION) => {
                        return Err(JournalError::FutureVersion { path: self.shown(), line, v });
                    }
                    Some(_) => "not an event",
                    None => "not JSON",
                };
                let err = crate::io::sanitize::clean_max(&err.to_string(), 160);
                loaded.damage.push(format!("{}, line {line}: {what} ({err}); skipped", self.shown()));
                Ok(())
            }
        }
    }

    /// The largest event clock among the journal's last lines: what a
    /// command-line append must follow, read without loading the journal.
    pub fn last_clock(&self) -> Result<u64, JournalError> {
        Ok(self.last_events()?.iter().map(Event::clock).max().unwrap_or(0))
    }

    /// The whole events in the last 64 KiB, cleaned as loaded ones are:
    /// enough for the clock, without reading a long journal through.
    pub fn last_events(&self) -> Result<Vec<Event>, JournalError> {
        let mut file = match regular_file::open_read(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io("open it")(e)),
        };
        let len = file.metadata().map_err(self.io("read it"))?.len();
        let start = len.saturating_sub(64 * 1024);
        file.seek(SeekFrom::Start(start)).map_err(self.io("read it"))?;
        let mut tail = Vec::new();
        file.take(len - start).read_to_end(&mut tail).map_err(self.io("read it"))?;
        // From the middle of the file the first piece is part of a line.
        let lines = tail.split(|b| *b == b'\n').skip(usize::from(start > 0));
        let mut events: Vec<Event> = lines.filter_map(|l| serde_json::from_slice::<Event>(l).ok()).collect();
        events.iter_mut().for_each(clean_event);
        Ok(events)
    }
}

/// Names the cases the OS error alone leaves puzzling.
fn explain(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(libc::ENXIO) => std::io::Error::new(e.kind(), format!("{e}: a FIFO or device, not a regular file")),
        Some(libc::ENOSPC) => std::io::Error::new(e.kind(), format!("{e}: the disk is full")),
        Some(libc::EFBIG) => std::io::Error::new(e.kind(), format!("{e}: over the file size limit")),
        _ => e,
    }
}
#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::domain::journal::EventKind;
    use std::os::unix::fs::PermissionsExt;
    #[test]
    fn a_batch_is_appended_whole_in_order_after_a_torn_line() {
        let (_d, store) = store();
        store.append(&event("a", "first")).unwrap();
        store.append_all(&[]).unwrap();
        // A crash mid-write left a fragment: the batch starts on a fresh line.
        std::fs::OpenOptions::new().append(true).open(store.path()).unwrap().write_all(b"{\"v\":1,\"id\":").unwrap();
        store.append_all(&[event("b", "second"), event("c", "third")]).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(ids(&loaded), ["a", "b", "c"]);
        assert_eq!(loaded.damage.len(), 1, "the fragment is one bad line: {:?}", loaded.damage);
    }

    #[test]
    fn append_and_load_round_trip() {
        let (_d, s) = store();
        assert!(s.path().ends_with("journals/amo-push/2026-11-26.jsonl"));
        assert!(s.load().unwrap().events.is_empty(), "a missing journal is empty");
        for i in 0..3 {
            s.append(&event(&format!("e{i}"), &format!("line {i}"))).unwrap();
        }
        let l = s.load().unwrap();
        assert_eq!(l.events.len(), 3);
        assert_eq!(l.events[2], event("e2", "line 2"));
        assert!(l.damage.is_empty());
        assert_eq!(l.cursor, Cursor { offset: std::fs::metadata(s.path()).unwrap().len(), line: 3 });
    }

    #[test]
    fn files_are_private() {
        let (d, s) = store();
        s.append(&event("e1", "x")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(s.path()), 0o600, "the journal");
        assert_eq!(mode(&d.path().join("journals")), 0o700, "its directories");
        assert_eq!(mode(s.path().parent().unwrap()), 0o700);
        let notes = d.path().join("notes.md");
        regular_file::write_private(&notes, b"# notes").unwrap();
        assert_eq!(mode(&notes), 0o600, "exported notes");
    }

    #[test]
    fn a_torn_last_line_keeps_the_rest_and_changes_nothing() {
        let (_d, s) = store();
        s.append(&event("e1", "kept")).unwrap();
        let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
        f.write_all(br#"{"v":1,"id":"e2","at":"2026-11-26T15:0"#).unwrap();
        let before = std::fs::read(s.path()).unwrap();
        let l = s.load().unwrap();
        assert_eq!(l.events.len(), 1);
        assert_eq!(l.damage.len(), 1);
        assert!(l.damage[0].contains("last line is incomplete"), "{:?}", l.damage);
        assert_eq!(std::fs::read(s.path()).unwrap(), before, "never rewritten");
    }

    #[test]
    fn an_append_after_a_torn_line_starts_on_a_fresh_line() {
        let (_d, s) = store();
        s.append(&event("e1", "before the crash")).unwrap();
        let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
        f.write_all(br#"{"v":1,"id":"torn","at":"2026-11-26T15:0"#).unwrap();
        let mut seen = IdPrints::default();
        let first = s.read_from(Cursor::default(), &mut seen).unwrap();
        s.append(&event("e3", "after the crash")).unwrap();
        let l = s.load().unwrap();
        assert_eq!(ids(&l), ["e1", "e3"], "the acknowledged event is whole");
        assert_eq!(l.damage.len(), 1, "the fragment is one bad line: {:?}", l.damage);
        assert!(l.damage[0].contains("line 2: not JSON"), "{:?}", l.damage);
        // Following from where the first read stopped finds both.
        let next = s.read_from(first.cursor, &mut seen).unwrap();
        assert_eq!(ids(&next), ["e3"]);
        assert!(next.damage.len() == 1 && next.damage[0].contains("line 2"), "{:?}", next.damage);
    }

    #[test]
    fn special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.jsonl");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let s = JournalStore::new(fifo);
        let err = s.load().unwrap_err().to_string();
        assert!(err.contains("FIFO"), "{err}");
        let err = s.append(&event("e1", "x")).unwrap_err().to_string();
        assert!(err.contains("NOT saved") && err.contains("FIFO"), "{err}");
        let err = JournalStore::new("/dev/zero".into()).load().unwrap_err().to_string();
        assert!(err.contains("character device"), "{err}");
    }

    #[test]
    fn a_future_version_is_an_error_naming_the_file() {
        let (_d, s) = store();
        s.append(&event("e1", "ok")).unwrap();
        let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
        f.write_all(b"{\"v\":2,\"id\":\"x\",\"future\":true}\n").unwrap();
        let err = s.load().unwrap_err().to_string();
        assert!(err.contains("2026-11-26.jsonl, line 2") && err.contains("newer shipdeck"), "{err}");
    }

    #[test]
    fn unreadable_lines_and_reused_ids_are_reported_repeats_dropped() {
        let (_d, s) = store();
        s.append(&event("e1", "one")).unwrap();
        let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
        f.write_all(b"garbage\n").unwrap();
        s.append(&event("e1", "one")).unwrap();
        s.append(&event("e1", "another text under the same id")).unwrap();
        let mut obs = event("obs:prod:web:2026.11.26:20261126T1500", "seen");
        obs.kind = EventKind::PushStarted;
        s.append(&obs).unwrap();
        obs.actor.name = "bob".into();
        s.append(&obs).unwrap();
        s.append(&event("e3", "three")).unwrap();
        let l = s.load().unwrap();
        assert_eq!(ids(&l), ["e1", "e3", "obs:prod:web:2026.11.26:20261126T1500"]);
        assert_eq!(l.damage.len(), 2, "{:?}", l.damage);
        assert!(l.damage[0].contains("line 2: not JSON"), "{:?}", l.damage);
        assert!(l.damage[1].contains("line 4: id `e1` was already used by a different event"), "{:?}", l.damage);
    }

    #[test]
    fn following_reads_only_new_whole_lines() {
        let (_d, s) = store();
        s.append(&event("e1", "one")).unwrap();
        let mut seen = IdPrints::default();
        let first = s.read_from(Cursor::default(), &mut seen).unwrap();
        assert_eq!(first.events.len(), 1);
        s.append(&event("e2", "two")).unwrap();
        let next = s.read_from(first.cursor, &mut seen).unwrap();
        assert_eq!(ids(&next), ["e2"]);
        let none = s.read_from(next.cursor, &mut seen).unwrap();
        assert!(none.events.is_empty());
        assert_eq!(none.cursor, next.cursor);
    }

    #[test]
    fn the_last_clock_is_read_from_the_tail() {
        let (_d, s) = store();
        assert_eq!(s.last_clock().unwrap(), 0);
        let mut e = event("e1", "x");
        e.seq = 42;
        s.append(&e).unwrap();
        for i in 0..2000 {
            let mut e = event(&format!("f{i}"), &"y".repeat(100));
            e.seq = 100 + i;
            s.append(&e).unwrap();
        }
        assert_eq!(s.last_clock().unwrap(), 2099);
    }

    #[test]
    fn concurrent_appends_from_threads_keep_every_line_whole() {
        let (_d, s) = store();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let s = s.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        s.append(&event(&format!("t{t}-{i}"), &"x".repeat(3000))).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let l = s.load().unwrap();
        assert_eq!(l.events.len(), 400);
        assert!(l.damage.is_empty(), "{:?}", l.damage);
    }

    #[test]
    fn an_unwritable_place_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, b"file").unwrap();
        let s = JournalStore::new(blocker.join("j.jsonl"));
        let err = s.append(&event("e1", "x")).unwrap_err().to_string();
        assert!(err.contains("not-a-dir/j.jsonl") && err.contains("NOT saved"), "{err}");
    }

    #[derive(Debug, Clone)]
    enum Op {
        Append(usize),
        /// A crash part way through writing a line: its first `n` bytes (the
        /// newline that ends a torn fragment included) reach the file.
        Crash(usize),
        Restart,
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Any interleaving of appends, crashes part way through a write and
        /// restarts never loses an acknowledged event and keeps the order
        /// they were made in.
        #[test]
        fn no_acknowledged_event_is_ever_lost(ops in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Strategy::prop_map(1usize..300, Op::Append),
                proptest::strategy::Strategy::prop_map(0usize..400, Op::Crash),
                proptest::prelude::Just(Op::Restart),
            ],
            1..30,
        )) {
            let (_d, s) = store();
            let mut acknowledged: Vec<String> = Vec::new();
            let check = |acknowledged: &[String]| -> Result<(), proptest::test_runner::TestCaseError> {
                let l = s.load().unwrap();
                // A crash after the whole line but its newline leaves a whole
                // event, which the next append's newline completes: kept too.
                let ids: Vec<&str> = l.events.iter().map(|e| e.id.as_str()).filter(|id| id.starts_with('a')).collect();
                proptest::prop_assert_eq!(ids, acknowledged.iter().map(String::as_str).collect::<Vec<_>>());
                Ok(())
            };
            for (i, op) in ops.iter().enumerate() {
                match op {
                    Op::Append(len) => {
                        let mut e = event(&format!("a{i:03}"), &"t".repeat(*len));
                        e.seq = 1 + i as u64;
                        s.append(&e).unwrap();
                        acknowledged.push(e.id);
                    }
                    Op::Crash(n) => {
                        let mut e = event(&format!("c{i:03}"), "never acknowledged");
                        e.seq = 1 + i as u64;
                        let mut line = serde_json::to_vec(&e).unwrap();
                        let bytes = std::fs::read(s.path()).unwrap_or_default();
                        if bytes.last().is_some_and(|b| *b != b'\n') {
                            line.insert(0, b'\n');
                        }
                        // Never the whole line with its newline: that write finished.
                        let n = (*n).min(line.len());
                        create_private_dir(s.path().parent().unwrap()).unwrap();
                        OpenOptions::new().create(true).append(true).open(s.path()).unwrap().write_all(&line[..n]).unwrap();
                    }
                    Op::Restart => check(&acknowledged)?,
                }
            }
            check(&acknowledged)?;
        }
    }
}
