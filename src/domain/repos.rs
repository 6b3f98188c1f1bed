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
    /// Author date (when the change was written; a cherry-pick keeps it), seconds since the epoch.
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
    /// Where the remote stands on the target tag: known after a fetch, a
    /// push or an explicit check.
    pub tag_remote: Option<TagRemote>,
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

/// What the remote has under the name of a tag that exists here. Only the
/// commit the tag peels to is compared: the same commit under another tag
/// object (someone else tagged it too) is as good as pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagRemote {
    Absent,
    Pushed,
    /// A tag of that name points at another commit. Pushing ours is refused
    /// and shipdeck never moves a tag, so someone has to decide.
    Conflict {
        /// The commit the remote's tag peels to, when the answer said.
        remote_commit: Option<String>,
    },
}

impl TagRemote {
    /// The word scripts read (`tag_remote_state` in `repos --json`).
    pub fn word(&self) -> &'static str {
        match self {
            TagRemote::Absent => "absent",
            TagRemote::Pushed => "pushed",
            TagRemote::Conflict { .. } => "conflict",
        }
    }

    pub fn is_pushed(&self) -> bool {
        *self == TagRemote::Pushed
    }
}

/// Older answers only said whether the name exists, and only a same-commit
/// tag counts as existing there.
impl From<bool> for TagRemote {
    fn from(pushed: bool) -> Self {
        if pushed { TagRemote::Pushed } else { TagRemote::Absent }
    }
}

/// Marks an error that says the remote's tag points elsewhere. Answers to a
/// push or a fetch are plain messages; this is how the row still learns of
/// the conflict from them.
const CONFLICT_MARK: &str = "tag conflict:";

/// The message for a remote tag that points at another commit.
pub fn conflict_error(remote: &str, tag: &str, remote_commit: Option<&str>) -> String {
    match remote_commit {
        Some(c) => {
            format!("{CONFLICT_MARK} {remote} has {tag} at {c}, another commit than here; shipdeck never moves a tag")
        }
        None => format!("{CONFLICT_MARK} {remote} has another {tag} than here; shipdeck never moves a tag"),
    }
}

/// The conflict an error made by [`conflict_error`] reports for `tag`, if any.
pub fn conflict_in(error: &str, tag: &str) -> Option<TagRemote> {
    error.match_indices(CONFLICT_MARK).find_map(|(at, _)| {
        let rest = &error[at + CONFLICT_MARK.len()..];
        let rest = rest.split(CONFLICT_MARK).next().unwrap_or(rest);
        if rest.contains(&format!(" another {tag} than here")) {
            return Some(TagRemote::Conflict { remote_commit: None });
        }
        let after = rest.split_once(&format!(" has {tag} at "))?.1;
        let sha: String = after.chars().take_while(char::is_ascii_hexdigit).collect();
        Some(TagRemote::Conflict { remote_commit: (sha.len() >= 7).then_some(sha) })
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_messages_are_read_back_for_their_tag_only() {
        let sha = "a".repeat(40);
        let e = format!("git push origin refs/tags/2026.11.26: {}", conflict_error("origin", "2026.11.26", Some(&sha)));
        assert_eq!(conflict_in(&e, "2026.11.26"), Some(TagRemote::Conflict { remote_commit: Some(sha) }));
        assert_eq!(conflict_in(&e, "2026.11.2"), None);
        assert_eq!(conflict_in(&e, "2026.11.26-1"), None);
        let e = conflict_error("origin", "2026.11.26-1", None);
        assert_eq!(conflict_in(&e, "2026.11.26-1"), Some(TagRemote::Conflict { remote_commit: None }));
        assert_eq!(conflict_in(&e, "2026.11.26"), None);
        assert_eq!(conflict_in("rejected (already exists)", "2026.11.26"), None);
    }
}
