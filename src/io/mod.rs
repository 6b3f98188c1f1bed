//! The outside world. Each effect runs in a task and reports back with a
//! `Msg` that carries its data; nothing here touches the model.

pub mod dockerflow;
pub mod git;
pub mod git_walk;
pub mod http;
pub mod journal;
pub mod kill;
pub mod notify;
pub mod poller;
pub mod regular_file;
pub mod replica;
pub mod sanitize;
pub mod sentry;

use crate::config::PollConfig;
use crate::domain::{Effect, Msg};
use chrono::Utc;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};

/// Carries out effects. Cheap to clone into tasks.
#[derive(Clone)]
pub struct Io {
    client: reqwest::Client,
    /// Shared by every sweep, so a refresh during a sweep cannot exceed the
    /// configured concurrency.
    permits: Arc<Semaphore>,
    poll: PollConfig,
    tx: mpsc::UnboundedSender<Msg>,
    /// Where events are saved; without one (tests, scripts that only read)
    /// appends are acknowledged without being written.
    journal: Option<journal::JournalStore>,
    /// The one writer of the journal: appends are written in the order they
    /// were made, one after the other, never by racing tasks.
    writer: Option<mpsc::UnboundedSender<Write>>,
    /// Where `e` writes the notes instead of beside the journal (the demo's
    /// journal goes with the demo, its notes must not).
    notes_dir: Option<std::path::PathBuf>,
    /// How long one fetch, ls-remote or push may take (`[git] timeout`).
    git_timeout: std::time::Duration,
    sentry: Option<Arc<sentry::SentryClient>>,
    notifier: Option<notify::Notifier>,
}

impl Io {
    pub fn new(poll: &PollConfig, tx: mpsc::UnboundedSender<Msg>) -> Result<Self, http::ClientError> {
        Ok(Io {
            client: http::client(poll)?,
            permits: Arc::new(Semaphore::new(poll.concurrency)),
            poll: poll.clone(),
            tx,
            journal: None,
            writer: None,
            notes_dir: None,
            git_timeout: std::time::Duration::from_secs(15),
            sentry: None,
            notifier: None,
        })
    }

    pub fn with_notifier(mut self, notifier: notify::Notifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    pub fn with_sentry(mut self, client: sentry::SentryClient) -> Self {
        self.sentry = Some(Arc::new(client));
        self
    }

    pub fn with_notes_dir(mut self, dir: Option<std::path::PathBuf>) -> Self {
        self.notes_dir = dir;
        self
    }

    pub fn with_git_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.git_timeout = timeout;
        self
    }

    /// Saves appends to `store`, in order. Needs a tokio runtime.
    pub fn with_journal(mut self, store: journal::JournalStore) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_journal(store.clone(), rx, self.tx.clone()));
        self.journal = Some(store);
        self.writer = Some(tx);
        self
    }

    /// Waits, at most `limit`, until every append asked for so far is on
    /// disk: the cockpit quits only after what it showed is saved. `false`
    /// when the limit passed first.
    pub async fn flush_journal(&self, limit: std::time::Duration) -> bool {
        let Some(writer) = &self.writer else { return true };
        let (done, wait) = tokio::sync::oneshot::channel();
        if writer.send(Write::Flush(done)).is_err() {
            return true;
        }
        matches!(tokio::time::timeout(limit, wait).await, Ok(Ok(())))
    }

    pub fn spawn(&self, effect: Effect) {
        match effect {
            Effect::Poll { generation, targets } => {
                for target in targets {
                    let io = self.clone();
                    tokio::spawn(async move {
                        // The semaphore is never closed, so acquiring cannot fail.
                        let _permit = io.permits.acquire().await.ok();
                        // A panic while probing must still answer, or the cell
                        // would wait forever and `status` would never finish.
                        let probe = AssertUnwindSafe(poller::probe(&io.client, &target.endpoint, &io.poll))
                            .catch_unwind()
                            .await
                            .unwrap_or_else(|_| poller::internal_error(&target.endpoint));
                        io.send(Msg::Probed { generation, service: target.service, env: target.env, probe });
                    });
                }
            }
            Effect::ScanRepos { generation, repos, push_date, tag_format } => {
                for (repo, spec) in repos {
                    let (io, format) = (self.clone(), tag_format.clone());
                    tokio::spawn(async move {
                        let what = format!("{}: scan", spec.name);
                        let result = blocking(&what, move || {
                            git::scan(&spec, push_date, &format).map(Box::new).map_err(|e| e.to_string())
                        })
                        .await;
                        io.send(Msg::RepoScanned { generation, repo, result, at: Utc::now() });
                    });
                }
            }
            Effect::FetchRepos { repos } => {
                for (repo, spec, tag) in repos {
                    let io = self.clone();
                    tokio::spawn(async move {
                        let timeout = io.git_timeout;
                        let what = format!("{}: fetch", spec.name);
                        let result = guarded(&what, async {
                            let said = git::fetch_within(&spec, timeout).await?;
                            Ok(match &tag {
                                None => (said, None),
                                Some(t) => match git::remote_tag(&spec, t, timeout).await {
                                    Ok(state) => (said, Some(state)),
                                    // Said, not dropped: "not checked" would be wrong.
                                    Err(e) => (format!("{said}; whether the remote has {t} is unknown: {e}"), None),
                                },
                            })
                        })
                        .await;
                        io.send(Msg::Fetched { repo, result, at: Utc::now() });
                    });
                }
            }
            Effect::CreateTags { tags, tagger, message } => {
                for (repo, spec, tag, commit) in tags {
                    let (io, tagger, message) = (self.clone(), tagger.clone(), message.clone());
                    tokio::spawn(async move {
                        let t = tag.clone();
                        // The answer names the commit tagged, for the journal.
                        let what = format!("{}: tag {t}", spec.name);
                        let result = blocking(&what, move || {
                            git::create_tag(&spec, &t, &commit, &tagger, &message)
                                .map(|_| commit)
                                .map_err(|e| e.to_string())
                        })
                        .await;
                        io.send(Msg::TagCreated { repo, tag, result, at: Utc::now() });
                    });
                }
            }
            Effect::PushTags { tags } => {
                for (repo, spec, tag) in tags {
                    let io = self.clone();
                    tokio::spawn(async move {
                        let what = format!("{}: push of {tag}", spec.name);
                        let result = guarded(&what, git::push_tag_within(&spec, &tag, io.git_timeout)).await;
                        io.send(Msg::TagPushed { repo, tag, result, at: Utc::now() });
                    });
                }
            }
            Effect::LoadCompare { generation, spec, from, to, .. } => {
                let io = self.clone();
                tokio::spawn(async move {
                    let what = format!("{}: compare {from}..{to}", spec.name);
                    let result =
                        blocking(&what, move || git::compare(&spec, &from, &to).map_err(|e| e.to_string())).await;
                    io.send(Msg::CompareLoaded { generation, result, at: Utc::now() });
                });
            }
            Effect::OpenUrl(url) => {
                let io = self.clone();
                tokio::spawn(async move {
                    if let Err(e) = open_url(&url).await {
                        io.send(Msg::Notice { text: format!("cannot open {url}: {e}"), at: Utc::now() });
                    }
                });
            }
            Effect::FetchSentry { projects, push, now, .. } => {
                let io = self.clone();
                tokio::spawn(async move {
                    // One project after another: Sentry counts concurrent
                    // requests against the organization.
                    for (project, slug) in projects {
                        let (result, rate) = match &io.sentry {
                            Some(client) => {
                                let fetch = AssertUnwindSafe(client.fetch(&slug, push, now)).catch_unwind().await;
                                fetch.unwrap_or_else(|_| {
                                    (Err(crate::domain::sentry::SentryError::Network("internal error".into())), None)
                                })
                            }
                            None => {
                                (Err(crate::domain::sentry::SentryError::NoToken("Sentry is not set up".into())), None)
                            }
                        };
                        let msg = Msg::SentryFetched { project, result, rate, at: Utc::now() };
                        if io.tx.send(msg).is_err() {
                            return;
                        }
                    }
                });
            }
            Effect::Notify(text) => {
                let (notifier, tx) = (self.notifier.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let Some(n) = notifier else { return };
                    if let Err(e) = n.post(&text).await {
                        let error = e.to_string();
                        let _ = tx.send(Msg::NotifyFailed { error, at: Utc::now() });
                    }
                });
            }
            Effect::ExportNotes { markdown, push_date } => {
                let (store, notes_dir, tx) = (self.journal.clone(), self.notes_dir.clone(), self.tx.clone());
                tokio::task::spawn_blocking(move || {
                    let result = match store {
                        Some(s) => {
                            let name = format!("{push_date}.notes.md");
                            let beside = s.path().parent().map(std::path::Path::to_path_buf);
                            let path = notes_dir.or(beside).unwrap_or_default().join(name);
                            path.parent()
                                .map_or(Ok(()), regular_file::create_private_dir)
                                .and_then(|()| regular_file::write_private(&path, markdown.as_bytes()))
                                .map(|()| path.display().to_string())
                                .map_err(|e| format!("cannot write {}: {e}", path.display()))
                        }
                        None => Err("no data directory: the notes have nowhere to go".into()),
                    };
                    let _ = tx.send(Msg::Exported { result });
                });
            }
            Effect::ResolvePick { sha, repos } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = resolve_pick(&sha, &repos);
                    let _ = tx.send(Msg::PickResolved { result });
                });
            }
            Effect::Append(event) => match &self.writer {
                Some(writer) => {
                    if writer.send(Write::Event(Box::new(event))).is_err() {
                        let error = "journal: the writer has stopped; the event was NOT saved".to_string();
                        self.send(Msg::JournalFailed { error, at: Utc::now() });
                    }
                }
                None => self.send(Msg::Journaled),
            },
            // The clipboard is the terminal's: the event loop writes it.
            Effect::Copy(_) => {}
        }
    }

    fn send(&self, msg: Msg) {
        // A closed channel means the app is shutting down.
        let _ = self.tx.send(msg);
    }
}

/// What the journal's writer is asked to do, in order.
enum Write {
    Event(Box<crate::domain::journal::Event>),
    /// Answer once everything before this is written.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Appends each event in the order it was made, then answers for it. The
/// queue ends when every sender (the cockpit's `Io`) is gone, after writing
/// what was already in it.
async fn write_journal(
    store: journal::JournalStore,
    mut rx: mpsc::UnboundedReceiver<Write>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    while let Some(write) = rx.recv().await {
        let event = match write {
            Write::Event(event) => event,
            Write::Flush(done) => {
                let _ = done.send(());
                continue;
            }
        };
        let store = store.clone();
        let msg = match tokio::task::spawn_blocking(move || store.append(&event)).await {
            Ok(Ok(())) => Msg::Journaled,
            Ok(Err(e)) => Msg::JournalFailed { error: e.to_string(), at: Utc::now() },
            Err(e) => Msg::JournalFailed { error: format!("journal: internal error: {e}"), at: Utc::now() },
        };
        let _ = tx.send(msg);
    }
}

/// Runs blocking git work off the async threads; a panic becomes an error.
/// Blocking work off the runtime's threads. A panic in it still answers,
/// naming `what` failed, so no row stays busy and no command waits.
async fn blocking<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(format!("{what}: internal error ({e})")))
}

/// The same for async work.
async fn guarded<T>(what: &str, work: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|_| Err(format!("{what}: internal error")))
}

async fn open_url(url: &str) -> Result<(), String> {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let status = tokio::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .map_err(|e| format!("{opener}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{opener} exited with {status}")) }
}

/// A `/pick`'s commit: in exactly one of `repos`, or an answer saying why not.
pub fn resolve_pick(sha: &str, repos: &[crate::domain::repos::RepoSpec]) -> Result<(String, String, String), String> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for spec in repos {
        match git::find_commit(spec, sha) {
            Ok((full, summary)) => found.push((spec.name.clone(), full, summary)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let names = || repos.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
    match found.len() {
        1 => Ok(found.remove(0)),
        0 if repos.len() == 1 => Err(format!("/pick: {}", errors.join("; "))),
        0 => Err(format!("/pick: no commit {sha} in any repository ({})", names())),
        _ => {
            let in_: Vec<&str> = found.iter().map(|(r, _, _)| r.as_str()).collect();
            Err(format!("/pick: {sha} is in {}: name the repository", in_.join(" and ")))
        }
    }
}
