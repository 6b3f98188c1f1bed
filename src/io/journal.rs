//! The journal on disk: one JSON event per line, appended under a short
//! advisory lock with a single write, then fsync'd — an acknowledged event is
//! on disk. Several processes (cockpits, `shipdeck tick`, `shipdeck log`) can
//! append to one file; each follows it by reading from the last offset.
//! Loading keeps every whole line of a file whose last line was torn by a
//! crash and says so; it never truncates or rewrites the file.

use crate::domain::id_set::IdSet;
use crate::domain::journal::{Event, VERSION};
use chrono::NaiveDate;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: cannot {op}: {source}")]
    Io { path: String, op: &'static str, source: std::io::Error },
    #[error(
        "journal {path}, line {line}: written by a newer shipdeck (schema v{v}, this one reads v{VERSION}); \
         upgrade shipdeck — the file was left as it is"
    )]
    FutureVersion { path: String, line: usize, v: u64 },
    #[error("journal {path}: cannot encode an event: {0}", path = .1)]
    Encode(serde_json::Error, String),
}

/// What loading found: the events, and anything wrong with the file.
#[derive(Debug, Default)]
pub struct Loaded {
    pub events: Vec<Event>,
    /// Human-readable notes about damage (torn last line, unreadable lines).
    pub damage: Vec<String>,
    /// Bytes of whole lines read; following resumes here.
    pub offset: u64,
}

#[derive(Debug, Clone)]
pub struct JournalStore {
    path: PathBuf,
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
        JournalStore { path }
    }

    /// `{data_dir}/journals/{release}/{push date}.jsonl`: one per release and push.
    pub fn for_push(data_dir: &Path, release: &str, push_date: NaiveDate) -> Self {
        JournalStore::new(data_dir.join("journals").join(slug(release)).join(format!("{push_date}.jsonl")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, op: &'static str) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
        move |source| JournalError::Io { path: self.path.display().to_string(), op, source }
    }

    /// Appends one event: one line, one write, under the lock, then fsync.
    pub fn append(&self, event: &Event) -> Result<(), JournalError> {
        let mut line =
            serde_json::to_vec(event).map_err(|e| JournalError::Encode(e, self.path.display().to_string()))?;
        line.push(b'\n');
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(self.io("create its directory"))?;
        }
        let mut file =
            OpenOptions::new().create(true).append(true).open(&self.path).map_err(self.io("open it for appending"))?;
        file.lock().map_err(self.io("lock it"))?;
        let written = file.write_all(&line).and_then(|_| file.sync_data());
        let _ = file.unlock();
        written.map_err(self.io("write to it"))
    }

    /// Reads the whole journal.
    pub fn load(&self) -> Result<Loaded, JournalError> {
        self.read_from(0, &mut IdSet::default())
    }

    /// Reads whole lines from `offset` on; `seen` drops events already read
    /// (an id appended twice, e.g. the same observation by two cockpits).
    pub fn read_from(&self, offset: u64, seen: &mut IdSet) -> Result<Loaded, JournalError> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { offset, ..Default::default() });
            }
            Err(e) => return Err(self.io("open it")(e)),
        };
        file.seek(SeekFrom::Start(offset)).map_err(self.io("read it"))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(self.io("read it"))?;
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let mut loaded = Loaded { offset: offset + whole as u64, ..Default::default() };
        if whole < bytes.len() && offset == 0 {
            loaded.damage.push(format!(
                "{}: the last line is incomplete ({} bytes, a crash while writing?); the whole lines before it were kept and the file was not changed",
                self.path.display(),
                bytes.len() - whole
            ));
        }
        // Line numbers are only meaningful from the start of the file.
        let first_line = if offset == 0 { 1 } else { 0 };
        for (i, raw) in bytes[..whole].split(|b| *b == b'\n').enumerate() {
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = i + first_line;
            // The common case parses once; only a line that is not a current
            // event is looked at again, to tell a newer schema from damage.
            match serde_json::from_slice::<Event>(raw) {
                Ok(e) if e.v > VERSION => {
                    let v = u64::from(e.v);
                    return Err(JournalError::FutureVersion { path: self.path.display().to_string(), line, v });
                }
                Ok(e) => {
                    if seen.insert(&e.id) {
                        loaded.events.push(e);
                    }
                }
                Err(err) => {
                    let v = serde_json::from_slice::<serde_json::Value>(raw)
                        .ok()
                        .map(|v| v.get("v").and_then(serde_json::Value::as_u64).unwrap_or(0));
                    let what = match v {
                        Some(v) if v > u64::from(VERSION) => {
                            return Err(JournalError::FutureVersion { path: self.path.display().to_string(), line, v });
                        }
                        Some(_) => "not an event",
                        None => "not JSON",
                    };
                    loaded.damage.push(format!("{}, line {line}: {what} ({err}); skipped", self.path.display()));
                }
            }
        }
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::{EventActor, EventKind};
    use crate::domain::model::Role;
    use chrono::{TimeZone, Utc};

    fn event(id: &str, text: &str) -> Event {
        Event {
            v: VERSION,
            id: id.into(),
            at: Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap(),
            actor: EventActor { name: "alice".into(), role: Role::Rm },
            kind: EventKind::Chat { text: text.into() },
        }
    }

    fn store() -> (tempfile::TempDir, JournalStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = JournalStore::for_push(dir.path(), "AMO Push!", NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        (dir, s)
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
        assert_eq!(l.offset, std::fs::metadata(s.path()).unwrap().len());
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
    fn a_future_version_is_an_error_naming_the_file() {
        let (_d, s) = store();
        s.append(&event("e1", "ok")).unwrap();
        let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
        f.write_all(b"{\"v\":2,\"id\":\"x\",\"future\":true}\n").unwrap();
        let err = s.load().unwrap_err().to_string();
        assert!(err.contains("2026-11-26.jsonl, line 2") && err.contains("newer shipdeck"), "{err}");
    }

    #[test]
    fn unreadable_lines_are_reported_and_duplicates_dropped() {
        let (_d, s) = store();
        s.append(&event("e1", "one")).unwrap();
        let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
        f.write_all(b"garbage\n").unwrap();
        s.append(&event("e1", "the same observation again")).unwrap();
        s.append(&event("e3", "three")).unwrap();
        let l = s.load().unwrap();
        assert_eq!(l.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), vec!["e1", "e3"]);
        assert_eq!(l.damage.len(), 1);
        assert!(l.damage[0].contains("line 2: not JSON"), "{:?}", l.damage);
    }

    #[test]
    fn following_reads_only_new_whole_lines() {
        let (_d, s) = store();
        s.append(&event("e1", "one")).unwrap();
        let mut seen = IdSet::default();
        let first = s.read_from(0, &mut seen).unwrap();
        assert_eq!(first.events.len(), 1);
        s.append(&event("e2", "two")).unwrap();
        let next = s.read_from(first.offset, &mut seen).unwrap();
        assert_eq!(next.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), vec!["e2"]);
        let none = s.read_from(next.offset, &mut seen).unwrap();
        assert!(none.events.is_empty());
        assert_eq!(none.offset, next.offset);
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
        assert!(err.contains("not-a-dir/j.jsonl") && err.contains("cannot"), "{err}");
    }
}
