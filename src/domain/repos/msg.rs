//! The repositories' answers (scans, fetches, tags, pushes, a compare) and
//! requests to git.

use super::basket::RetagBuilt;
use super::{CommitInfo, RepoSpec, RepoStatus, TagRemote};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum ReposMsg {
    Scanned {
        generation: u64,
        repo: usize,
        result: Result<Box<RepoStatus>, String>,
        at: DateTime<Utc>,
    },
    /// Fetch output, and what the remote has under the target tag's name
    /// (when asked).
    Fetched {
        repo: usize,
        result: Result<(String, Option<TagRemote>), String>,
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
    /// A re-tag from the pick basket built (the tag made), or why not.
    Retagged {
        repo: usize,
        tag: String,
        result: Result<RetagBuilt, String>,
        at: DateTime<Utc>,
    },
}

impl ReposMsg {
    pub fn is_answer(&self) -> bool {
        match self {
            ReposMsg::Scanned { .. }
            | ReposMsg::Fetched { .. }
            | ReposMsg::TagCreated { .. }
            | ReposMsg::TagPushed { .. }
            | ReposMsg::CompareLoaded { .. }
            | ReposMsg::Retagged { .. } => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReposEffect {
    Scan {
        generation: u64,
        repos: Vec<(usize, RepoSpec)>,
        push_date: NaiveDate,
        tag_format: String,
    },
    /// Fetch each repository; with a tag, also ask the remote whether it has it.
    Fetch {
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
    /// Cherry-pick `picks` (`(sha, summary)`, in order) onto the tag `base`
    /// in a temporary worktree and tag the result `tag`, its message
    /// starting with `message`.
    Retag {
        repo: usize,
        spec: RepoSpec,
        base: String,
        tag: String,
        picks: Vec<(String, String)>,
        message: String,
    },
}

impl ReposEffect {
    /// How many answers carrying it out brings: one per repository asked.
    pub fn answers(&self) -> usize {
        match self {
            ReposEffect::Scan { repos, .. } => repos.len(),
            ReposEffect::Fetch { repos } => repos.len(),
            ReposEffect::CreateTags { tags, .. } => tags.len(),
            ReposEffect::PushTags { tags } => tags.len(),
            ReposEffect::LoadCompare { .. } | ReposEffect::Retag { .. } => 1,
        }
    }
}
