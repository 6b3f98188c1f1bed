//! The journal's side of sharing: which of its lines are ours to send, the
//! others' lines appended to it, and who has been heard from. The cockpit's
//! background task and `shipdeck sync` both run rounds through [`Shared`].
//!
//! Our lines are read from the journal file as written (the remote keeps
//! them byte for byte); the file is read on from where the last round
//! stopped, so a quiet round costs an `ls-remote` and a stat. Others' lines
//! are untrusted: each must be a whole event of a version we read, made by
//! the replica whose file holds it; it is cleaned as any journal line is
//! and appended once (by id), and only then is the round acknowledged.

use super::{Claim, Decided, Round, ShareError, acknowledge, cache_path, share_ref, shared_bytes, sync_round_claiming};
use crate::domain::journal::{Event, VERSION};
use crate::domain::share::{People, Person};
use crate::io::journal::{JournalError, JournalStore, clean_event};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{path}: cannot be read to share it: {source}")]
    Read { path: String, source: std::io::Error },
}

impl SyncError {
    /// Unreachable or silent: it passes by itself, and lines wait.
    pub fn is_offline(&self) -> bool {
        matches!(self, SyncError::Share(ShareError::Unreachable { .. } | ShareError::Timeout { .. }))
    }
}

/// What one round did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub pushed: usize,
    /// Others' events appended to our journal.
    pub fetched: usize,
    /// What was passed over, said as it is to be shown.
    pub warnings: Vec<String>,
    /// Claims this round decided (see [`Shared::claim`]).
    pub claims: Vec<(String, Decided)>,
}

/// One push's journal shared through one remote.
pub struct Shared {
    store: JournalStore,
    cache: PathBuf,
    remote: String,
    git_ref: String,
    replica: String,
    /// How far the journal file has been read.
    offset: u64,
    /// Our own lines, as written.
    mine: Vec<u8>,
    ids: HashSet<String>,
    people: People,
    /// Claims asked and not decided yet: each round tries them.
    claims: Vec<Claim>,
}

impl Shared {
    /// The shared push of this config and flags, when `[share]` is set and
    /// there is a data dir: what the cockpit and the commands both run.
    pub fn for_session(
        config: &crate::config::Config,
        global: &crate::cli::Global,
        store: &JournalStore,
        release: &crate::domain::release::Release,
    ) -> Option<Self> {
        let share = config.share.as_ref()?;
        let data_dir = crate::session::paths::data_dir(global)?;
        Some(Shared::new(store.clone(), &data_dir, &share.remote, &release.name, release.push_date))
    }

    pub fn new(store: JournalStore, data_dir: &Path, remote: &str, release: &str, push_date: NaiveDate) -> Self {
        Shared {
            replica: store.replica(),
            store,
            cache: cache_path(data_dir),
            remote: remote.to_string(),
            git_ref: share_ref(release, push_date),
            offset: 0,
            mine: Vec::new(),
            ids: HashSet::new(),
            people: People::default(),
            claims: Vec::new(),
        }
    }

    pub fn git_ref(&self) -> &str {
        &self.git_ref
    }

    /// The remote as it may be shown (no credentials).
    pub fn shown_remote(&self) -> String {
        crate::io::git::shown_url(&self.remote)
    }

    /// Everyone whose events the journal holds, newest first.
    pub fn people(&self) -> Vec<Person> {
        self.people.newest_first().into_iter().cloned().collect()
    }

    /// How many of our lines read so far the remote does not have, as of
    /// the last round (all of them before the first).
    pub fn unsent(&self) -> usize {
        let on_remote = shared_bytes(&self.cache, &self.git_ref).unwrap_or(0);
        let from = usize::try_from(on_remote).unwrap_or(usize::MAX).min(self.mine.len());
        memchr::memchr_iter(b'\n', &self.mine[from..]).count()
    }

    /// [`Shared::unsent`] after reading on in the journal: lines written
    /// since the last round count too.
    pub fn unsent_now(&mut self) -> usize {
        // A journal that cannot be read shares nothing more anyway.
        let _ = self.read_on();
        self.unsent()
    }

    /// Asks to be the one cockpit of the team that does `claim.key`: the
    /// next rounds try until one decides it (in [`Report::claims`]).
    pub fn claim(&mut self, claim: Claim) {
        if !self.claims.iter().any(|c| c.key == claim.key) {
            self.claims.push(claim);
        }
    }

    /// One round: read on in the journal, share, append what others wrote,
    /// acknowledge.
    pub async fn round(&mut self, timeout: Duration) -> Result<Report, SyncError> {
        self.read_on()?;
        let round = sync_round_claiming(
            &self.cache,
            &self.remote,
            &self.git_ref,
            &self.replica,
            &self.mine,
            &self.claims,
            timeout,
        )
        .await?;
        let mut report = Report {
            pushed: round.pushed_lines,
            warnings: round.warnings.iter().map(ToString::to_string).collect(),
            claims: round.claims.clone().into_iter().collect(),
            ..Default::default()
        };
        report.fetched = self.import(&round, &mut report.warnings)?;
        acknowledge(&self.cache, &self.git_ref, &round).await?;
        // Only now: a round that failed after deciding decides again (a
        // claim of ours on the remote is ours whenever it is read).
        self.claims.retain(|c| !round.claims.contains_key(&c.key));
        Ok(report)
    }

    fn import(&mut self, round: &Round, warnings: &mut Vec<String>) -> Result<usize, SyncError> {
        let mut taken: Vec<Event> = Vec::new();
        let mut batch: HashSet<String> = HashSet::new();
        for (replica, bytes) in &round.new_lines {
            let (mut foreign, mut newer, mut bad) = (0, 0, 0);
            let mut at = 0u64;
            for line in bytes.split_inclusive(|b| *b == b'\n') {
                let start = at;
                at += line.len() as u64;
                let raw = line.strip_suffix(b"\n").unwrap_or(line);
                if raw.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let Ok(mut event) = serde_json::from_slice::<Event>(raw) else {
                    bad += 1;
                    continue;
                };
                if event.v > VERSION {
                    newer += 1;
                    continue;
                }
                if &event.replica != replica {
                    foreign += 1;
                    continue;
                }
                if self.ids.contains(&event.id) || !batch.insert(event.id.clone()) {
                    continue;
                }
                // Who committed it is what the remote's history says, never
                // what the line claims.
                event.committer = round.committer(replica, start).map(str::to_string);
                clean_event(&mut event);
                taken.push(event);
            }
            let short = &replica[..replica.len().min(8)];
            for (n, why) in
                [(bad, "not an event"), (newer, "written by a newer shipdeck"), (foreign, "claiming another replica")]
            {
                if n > 0 {
                    warnings.push(format!("replica {short}: {n} line(s) {why}; skipped"));
                }
            }
        }
        // One write and one fsync for the lot: a first sync of a long push
        // takes thousands of lines. Nothing is acknowledged unless it is saved.
        self.store.append_all(&taken)?;
        for event in &taken {
            self.note(event);
        }
        // Read past what we appended, so it is not taken for news next round.
        self.read_on()?;
        Ok(taken.len())
    }

    /// Reads the journal's whole new lines: ours are kept to share; every
    /// id and person is noted.
    fn read_on(&mut self) -> Result<(), SyncError> {
        let path = self.store.path().to_path_buf();
        let io = |source| SyncError::Read { path: path.display().to_string(), source };
        let mut file = match crate::io::regular_file::open_read(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(e)),
        };
        file.seek(SeekFrom::Start(self.offset)).map_err(io)?;
        let mut tail = Vec::new();
        file.read_to_end(&mut tail).map_err(io)?;
        // A line being written stays for the next round.
        let whole = tail.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        for raw in tail[..whole].split_inclusive(|b| *b == b'\n') {
            let Ok(event) = serde_json::from_slice::<Event>(raw) else { continue };
            if event.replica == self.replica {
                self.mine.extend_from_slice(raw);
            }
            self.note(&event);
        }
        self.offset += whole as u64;
        Ok(())
    }

    fn note(&mut self, event: &Event) {
        self.ids.insert(event.id.clone());
        self.people.note(event);
    }
}
