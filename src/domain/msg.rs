//! What flows through `update`: [`Msg`] in (input, the clock, answers from
//! the outside world), [`Effect`] out (requests for it). Only types: the
//! features that handle them import this, and it imports none of them.

use crate::action::Action;
use crate::domain::journal::Event;
use crate::domain::kernel::input::Edit;
use crate::domain::repos::{CommitInfo, RepoSpec, RepoStatus};
use crate::domain::rollout::Endpoint;
use crate::domain::rollout::probe::Probe;
use crate::domain::sentry::{Fetched, RateLimit, SentryError};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Action(Action),
    /// The clock; carries the time so `update` never reads it.
    Tick(DateTime<Utc>),
    /// One endpoint's answer, tagged with the generation it was asked under.
    Probed {
        generation: u64,
        service: usize,
        env: usize,
        probe: Probe,
    },
    /// The terminal changed size: nothing to update, but redraw.
    Resize,
    RepoScanned {
        generation: u64,
        repo: usize,
        result: Result<Box<RepoStatus>, String>,
        at: DateTime<Utc>,
    },
    /// Fetch output, and what the remote has under the target tag's name
    /// (when asked).
    Fetched {
        repo: usize,
        result: Result<(String, Option<crate::domain::repos::TagRemote>), String>,
        at: DateTime<Utc>,
    },
    TagCreated {
        repo: usize,
        tag: String,
        result: Result<String, String>,
        at: DateTime<Utc>,
    },
    TagPushed {
        repo: usize,
        tag: String,
        result: Result<String, String>,
        at: DateTime<Utc>,
    },
    CompareLoaded {
        generation: u64,
        result: Result<Vec<CommitInfo>, String>,
        at: DateTime<Utc>,
    },
    /// Events appended to the journal by any process, read while following
    /// it, and what was wrong with the lines that could not be read.
    JournalRead {
        events: Vec<Event>,
        damage: Vec<String>,
    },
    /// An append was written.
    Journaled,
    /// The journal cannot be written.
    JournalFailed {
        error: String,
        at: DateTime<Utc>,
    },
    /// A key typed into an open prompt.
    Edit(Edit),
    /// Text pasted into an open prompt.
    Paste(String),
    /// A line sent from the composer (already cleaned where it was typed).
    Compose(String),
    /// The composer took or gave up the keyboard.
    Composing(bool),
    /// The webhook gave up on a milestone.
    NotifyFailed {
        error: String,
        at: DateTime<Utc>,
    },
    /// Where the notes were written, or why not.
    Exported {
        result: Result<String, String>,
    },
    /// `(repo, full sha, summary)` of a `/pick`, or why it was not found.
    PickResolved {
        result: Result<(String, String, String), String>,
    },
    SentryFetched {
        project: usize,
        result: Result<Fetched, SentryError>,
        rate: Option<RateLimit>,
        at: DateTime<Utc>,
    },
    /// Something the io layer wants the user to know (shown in the log).
    Notice {
        text: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollTarget {
    pub service: usize,
    pub env: usize,
    pub endpoint: Endpoint,
}

/// A request to the outside world, carried out by the io layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Poll {
        generation: u64,
        targets: Vec<PollTarget>,
    },
    ScanRepos {
        generation: u64,
        repos: Vec<(usize, RepoSpec)>,
        push_date: NaiveDate,
        tag_format: String,
    },
    /// Fetch each repository; with a tag, also ask the remote whether it has it.
    FetchRepos {
        repos: Vec<(usize, RepoSpec, Option<String>)>,
    },
    /// `(repo, spec, tag, commit)`.
    CreateTags {
        tags: Vec<(usize, RepoSpec, String, String)>,
        tagger: String,
        message: String,
    },
    PushTags {
        tags: Vec<(usize, RepoSpec, String)>,
    },
    LoadCompare {
        generation: u64,
        repo: usize,
        spec: RepoSpec,
        from: String,
        to: String,
    },
    /// Ask Sentry about each `(project, slug)`, counting from `push`.
    FetchSentry {
        generation: u64,
        projects: Vec<(usize, String)>,
        push: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// Post a milestone to the webhook.
    Notify(String),
    /// Write the notes as `{push date}.notes.md`, beside the journal.
    ExportNotes {
        markdown: String,
        push_date: chrono::NaiveDate,
    },
    /// Find a `/pick`'s commit in these repositories.
    ResolvePick {
        sha: String,
        repos: Vec<RepoSpec>,
    },
    /// Save an event to the journal.
    Append(Event),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    OpenUrl(String),
}
