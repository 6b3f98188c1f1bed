//! Repositories: what git says about each one for this push, and the
//! operations a release manager runs on them (fetch, tag, push, compare).

use super::remote::Remote;
use super::tags::TagPlan;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    pub name: String,
    /// A local clone, `~` already expanded.
    pub path: String,
    pub remote: String,
    /// `None`: the remote's default branch.
    pub branch: Option<String>,
    /// For compare links: `{web_url}/compare/{from}...{to}`.
    pub web_url: Option<String>,
    pub security: Option<SecuritySpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecuritySpec {
    pub remote: String,
    /// `None`: the same branch name as the main remote's.
    pub branch: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    pub sha: String,
    pub summary: String,
    pub author: String,
    /// Commit time, seconds since the epoch.
    pub time: i64,
    pub merge: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityState {
    pub remote: String,
    pub in_sync: bool,
    /// Commits on the security fork not on the main branch.
    pub ahead: usize,
    /// Commits on the main branch not on the security fork.
    pub behind: usize,
}

/// What a scan of the local clone found.
#[derive(Debug, Clone, PartialEq)]
pub struct RepoStatus {
    pub branch: String,
    pub head: CommitInfo,
    pub plan: TagPlan,
    pub commits_since_previous: Option<usize>,
    /// Push-scheme tags and the commits they point at (peeled), for mapping a
    /// service that reports only a commit to its tag.
    pub tagged_commits: Vec<(String, String)>,
    pub security: Option<Result<SecurityState, String>>,
    /// When the remote was last fetched (FETCH_HEAD), if ever.
    pub fetched_at: Option<DateTime<Utc>>,
}

impl RepoStatus {
    fn commit_of(&self, tag: &str) -> Option<&str> {
        self.tagged_commits.iter().find(|(t, _)| t == tag).map(|(_, c)| c.as_str())
    }

    /// The commit the previous push tag points at.
    pub fn previous_commit(&self) -> Option<&str> {
        self.commit_of(&self.plan.previous.as_ref()?.0)
    }

    /// The commit the target tag points at, when it exists.
    pub fn target_commit(&self) -> Option<&str> {
        self.commit_of(&self.plan.current.as_ref()?.0)
    }

    /// A tag is needed when none exists for the push date, or the branch has
    /// moved past the newest one (a fix to re-tag).
    pub fn needs_tag(&self) -> bool {
        self.target_commit() != Some(self.head.sha.as_str())
    }

    pub fn tag_for_commit(&self, commit: &str) -> Option<&str> {
        if commit.len() < 7 {
            return None;
        }
        self.tagged_commits
            .iter()
            .filter(|(_, sha)| sha.starts_with(commit) || commit.starts_with(sha.as_str()))
            .map(|(tag, _)| tag.as_str())
            .max_by_key(|t| t.len())
    }
}

/// The repositories a `/pick` looks in: the one named, else all of them.
pub fn pick_repos(repos: &[RepoSpec], repo: Option<&str>) -> Result<Vec<RepoSpec>, String> {
    let specs: Vec<RepoSpec> = repos.iter().filter(|r| repo.is_none_or(|name| r.name == name)).cloned().collect();
    if !specs.is_empty() {
        return Ok(specs);
    }
    let names: Vec<&str> = repos.iter().map(|r| r.name.as_str()).collect();
    Err(match repo {
        Some(name) => format!("/pick: no repository `{name}` (configured: {})", names.join(", ")),
        None => "/pick: no repositories are configured".into(),
    })
}

/// An operation under way or finished on one repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoOp {
    Fetching,
    Tagging(String),
    Pushing(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepoRow {
    pub spec: RepoSpec,
    pub status: Remote<RepoStatus>,
    pub scan_gen: u64,
    pub scanning: bool,
    pub op: Option<RepoOp>,
    /// The last fetch/tag/push outcome, shown until the next one.
    pub last_result: Option<(DateTime<Utc>, Result<String, String>)>,
    /// Whether the target tag is on the remote: known after a fetch or push.
    pub tag_remote: Option<bool>,
}

impl RepoRow {
    pub fn new(spec: RepoSpec) -> Self {
        RepoRow {
            spec,
            status: Remote::Idle,
            scan_gen: 0,
            scanning: false,
            op: None,
            last_result: None,
            tag_remote: None,
        }
    }

    pub fn compare_url(&self, from: &str, to: &str) -> Option<String> {
        let base = self.spec.web_url.as_deref()?.trim_end_matches('/');
        Some(format!("{base}/compare/{from}...{to}"))
    }
}

/// A revision as shown in titles and compare URLs: a full sha reads badly,
/// twelve characters stay unambiguous; tags and branches are kept whole.
pub fn ref_label(rev: &str) -> String {
    if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) { rev[..12].to_string() } else { rev.to_string() }
}

/// The compare view: commits in `to` but not in `from`, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareView {
    pub repo: usize,
    pub from: String,
    pub to: String,
    pub generation: u64,
    pub commits: Remote<Vec<CommitInfo>>,
    pub show_merges: bool,
    pub selected: usize,
}

impl CompareView {
    pub fn visible(&self) -> Vec<&CommitInfo> {
        match &self.commits {
            Remote::Ready { value, .. } => value.iter().filter(|c| self.show_merges || !c.merge).collect(),
            _ => Vec::new(),
        }
    }
}

/// One tag the confirmation dialog proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagProposal {
    pub repo: usize,
    pub tag: String,
    pub commit: CommitInfo,
}
