//! The outside world. Each effect runs in a task and reports back with a
//! `Msg` that carries its data; nothing here touches the model.
//!
//! `Io` is the router: it hands each effect to the system that owns it —
//! the fleet's HTTP endpoints (`poller`, over `http` and `dockerflow`) and
//! their smoke checks (`smoke`), git
//! (`git::spawn`), Sentry (`sentry::spawn`), the journal
//! (`journal::writer`), the webhook (`notify`), the user's terminal and
//! desktop (`terminal`), the notes file (`notes_file`). `task` makes every
//! task answer, even one that panicked.

pub mod deploy;
pub mod dockerflow;
pub mod git;
pub mod git_walk;
pub mod http;
pub mod journal;
pub mod kill;
pub mod notes_file;
pub mod notify;
pub mod poller;
pub mod regular_file;
pub mod replica;
pub mod sanitize;
pub mod sentry;
pub mod share;
pub mod smoke;
mod task;
pub mod terminal;

use crate::config::PollConfig;
use crate::domain::deploy::msg::DeployEffect;
use crate::domain::notes::msg::NotesEffect;
use crate::domain::repos::msg::ReposEffect;
use crate::domain::rollout::msg::RolloutEffect;
use crate::domain::sentry::msg::SentryEffect;
use crate::domain::smoke::msg::SmokeEffect;
use crate::domain::{Effect, Msg};
use journal::writer::Writer;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Carries out effects. Cheap to clone into tasks.
#[derive(Clone)]
pub struct Io {
    poller: poller::Poller,
    smoker: smoke::Smoker,
    tx: mpsc::UnboundedSender<Msg>,
    /// Where events are saved; without one (tests, scripts that only read)
    /// appends are acknowledged without being written.
    journal: Option<journal::JournalStore>,
    writer: Option<Writer>,
    /// Where `e` writes the notes instead of beside the journal (the demo's
    /// journal goes with the demo, its notes must not).
    notes_dir: Option<PathBuf>,
    /// How long one fetch, ls-remote or push may take (`[git] timeout`).
    git_timeout: Duration,
    /// `[risk] paths`: what a scan flags in the push.
    risk: crate::domain::repos::risk::RiskRules,
    risk_memo: git::RiskMemo,
    sentry: Option<Arc<sentry::SentryClient>>,
    notifier: Option<notify::Notifier>,
    /// In a shared push, where milestones go to be claimed before they are
    /// posted (the sharing task), so one cockpit of the team posts each.
    claims: Option<mpsc::UnboundedSender<notify::Post>>,
    /// Whether standard output is the cockpit's terminal, so a copy can go
    /// there; a headless command's output must not get escape sequences.
    clipboard: bool,
    story: Option<StoryControl>,
}

/// Pauses (`true`) or resumes the demo's story; the demo hands it in.
pub type StoryControl = Arc<dyn Fn(bool) + Send + Sync>;

impl Io {
    pub fn new(poll: &PollConfig, tx: mpsc::UnboundedSender<Msg>) -> Result<Self, http::ClientError> {
        Ok(Io {
            poller: poller::Poller::new(poll)?,
            smoker: smoke::Smoker::new(poll)?,
            tx,
            journal: None,
            writer: None,
            notes_dir: None,
            git_timeout: Duration::from_secs(15),
            risk: Default::default(),
            risk_memo: Default::default(),
            sentry: None,
            notifier: None,
            claims: None,
            clipboard: false,
            story: None,
        })
    }

    pub fn with_notifier(mut self, notifier: notify::Notifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    pub fn notifier(&self) -> Option<&notify::Notifier> {
        self.notifier.as_ref()
    }

    /// Milestones are claimed through the sharing task before they are posted.
    pub fn with_claims(mut self, claims: mpsc::UnboundedSender<notify::Post>) -> Self {
        self.claims = Some(claims);
        self
    }

    /// The Sentry client, for the sharing task to tell Sentry of a deploy
    /// this cockpit's claim won.
    pub fn sentry(&self) -> Option<Arc<sentry::SentryClient>> {
        self.sentry.clone()
    }

    pub fn with_sentry(mut self, client: sentry::SentryClient) -> Self {
        self.sentry = Some(Arc::new(client));
        self
    }

    /// What `p` pauses: the demo's story.
    pub fn with_story(mut self, story: Option<StoryControl>) -> Self {
        self.story = story;
        self
    }

    pub fn with_notes_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.notes_dir = dir;
        self
    }

    pub fn with_git_timeout(mut self, timeout: Duration) -> Self {
        self.git_timeout = timeout;
        self
    }

    pub fn with_risk(mut self, rules: crate::domain::repos::risk::RiskRules) -> Self {
        self.risk = rules;
        self
    }

    /// Copies go to the terminal on standard output (the cockpit's, which
    /// calls `spawn` from the loop that draws).
    pub fn with_clipboard(mut self) -> Self {
        self.clipboard = true;
        self
    }

    /// Saves appends to `store`, in order. Needs a tokio runtime.
    pub fn with_journal(mut self, store: journal::JournalStore) -> Self {
        self.writer = Some(Writer::start(store.clone(), self.tx.clone()));
        self.journal = Some(store);
        self
    }

    /// Waits, at most `limit`, until every append asked for so far is on
    /// disk: the cockpit quits only after what it showed is saved. `false`
    /// when the limit passed first.
    pub async fn flush_journal(&self, limit: Duration) -> bool {
        match &self.writer {
            Some(writer) => writer.flush(limit).await,
            None => true,
        }
    }

    pub fn spawn(&self, effect: Effect) {
        let tx = &self.tx;
        match effect {
            Effect::Rollout(RolloutEffect::Poll { generation, targets }) => self.poller.spawn(tx, generation, targets),
            Effect::Repos(ReposEffect::Scan { generation, repos, push_date, tag_format }) => {
                git::spawn::scan(tx, generation, repos, push_date, tag_format, (&self.risk, &self.risk_memo));
            }
            Effect::Repos(ReposEffect::Fetch { repos }) => git::spawn::fetch(tx, repos, self.git_timeout),
            Effect::Repos(ReposEffect::CreateTags { tags, tagger, message }) => {
                git::spawn::create_tags(tx, tags, tagger, message)
            }
            Effect::Repos(ReposEffect::PushTags { tags }) => git::spawn::push_tags(tx, tags, self.git_timeout),
            Effect::Repos(ReposEffect::LoadCompare { generation, spec, from, to, .. }) => {
                git::spawn::compare(tx, generation, spec, from, to);
            }
            Effect::Repos(ReposEffect::Retag { repo, spec, base, tag, picks, message }) => {
                git::spawn::retag(tx, repo, spec, (base, tag), picks, message);
            }
            Effect::Notes(NotesEffect::ResolvePick { sha, repos, ranges }) => git::spawn::pick(tx, sha, repos, ranges),
            Effect::Sentry(SentryEffect::Fetch { projects, push, now, .. }) => {
                sentry::spawn::fetch(tx, self.sentry.clone(), projects, push, now);
            }
            Effect::Deploy(DeployEffect::Run { deploy, service, tag, spec }) => {
                deploy::spawn::run(tx, deploy, service, tag, spec);
            }
            Effect::Smoke(SmokeEffect::Run(requests)) => self.smoker.spawn(tx, requests),
            Effect::Sentry(SentryEffect::RecordDeploy(record)) => {
                let post = notify::Post {
                    key: record.claim_key(),
                    text: format!("{} {} on {}", record.project, record.version, record.env),
                    deploy: Some(record),
                };
                // In a shared push the claim's winner tells Sentry; alone, this cockpit.
                let unclaimed = match &self.claims {
                    Some(claims) => claims.send(post).err().map(|e| e.0),
                    None => Some(post),
                };
                if let Some(record) = unclaimed.and_then(|p| p.deploy) {
                    sentry::spawn::record_deploy(tx, self.sentry.clone(), record);
                }
            }
            Effect::Append(event) => journal::writer::append(self.writer.as_ref(), tx, event),
            Effect::Notify { key, text } => {
                let post = notify::Post { key, text, deploy: None };
                let unclaimed = match (&self.claims, &self.notifier) {
                    (Some(claims), Some(_)) => claims.send(post).err().map(|e| e.0),
                    _ => Some(post),
                };
                // Without a sharing task (alone, or it has ended) this
                // cockpit is the one that posts.
                if let Some(post) = unclaimed {
                    notify::spawn(tx, self.notifier.clone(), post.text);
                }
            }
            Effect::Notes(NotesEffect::Export { markdown, push_date }) => {
                let at = self.journal.as_ref().map(|s| s.path().to_path_buf());
                notes_file::spawn_export(tx, at, self.notes_dir.clone(), markdown, push_date);
            }
            Effect::OpenUrl(url) => terminal::spawn_open_url(tx, url),
            Effect::Copy(text) if self.clipboard => terminal::copy_to_clipboard(&text),
            Effect::Copy(_) => {}
            Effect::PauseStory(paused) => {
                if let Some(story) = &self.story {
                    story(paused);
                }
            }
        }
    }
}
