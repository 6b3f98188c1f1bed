//! Repositories: what git says about each one for this push, and the
//! operations a release manager runs on them (fetch, tag, push, compare).

use crate::domain::kernel::remote::Remote;
use crate::domain::release::tags::TagPlan;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub mod basket;
mod compare;
mod facts;
mod fetch;
pub mod msg;
mod note;
pub mod retag;
pub mod risk;
mod scan;
mod tag_push;
/// The Repos pane's rows and when they were last scanned.
#[derive(Debug, Clone, Default)]
pub struct Repos {
    pub rows: Vec<RepoRow>,
    pub scanned: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod testing;
pub mod update;

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
    /// Tag this repository every push even when nothing changed since the
    /// previous push tag (some teams tag everything).
    pub tag_unchanged: bool,
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
    /// Commits in the push's compare range ([`RepoStatus::range`]): the same
    /// set the compare view lists, so the two never disagree.
    pub in_push: Option<usize>,
    /// Commits on the branch that this push's newest tag does not have: work
    /// merged after tagging, shown for information, never a reason to tag.
    pub beyond_target: Option<usize>,
    /// Push-scheme tags and the commits they point at (peeled), for mapping a
    /// service that reports only a commit to its tag.
    pub tagged_commits: Vec<(String, String)>,
    pub security: Option<Result<SecurityState, String>>,
    /// When the remote was last fetched (FETCH_HEAD), if ever.
    pub fetched_at: Option<DateTime<Utc>>,
    /// Copied from the repository's settings: tag even when nothing changed.
    pub tag_unchanged: bool,
    /// Push tags that contradict the history (a name's date long before its
    /// commit, a previous push that contains this one), in words.
    pub warnings: Vec<String>,
    /// Commits in the compare range that touch a `[risk] paths` pattern,
    /// newest first.
    pub risky: Vec<risk::RiskyCommit>,
}

/// Where a repository stands on tagging for this push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagState {
    /// This push's newest tag exists. It is the target, whatever the branch
    /// did after it; a re-tag is made on purpose, never proposed.
    Tagged,
    /// No tag for this push yet, and there is something to ship.
    NeedsTag,
    /// No tag for this push, and nothing since the previous push tag.
    Unchanged,
}

impl TagState {
    /// The word scripts read (`state` in `repos --json`).
    pub fn word(self) -> &'static str {
        match self {
            TagState::Tagged => "tagged",
            TagState::NeedsTag => "needs_tag",
            TagState::Unchanged => "unchanged",
        }
    }
}

/// The push's compare range: the previous push tag to this push's newest
/// tag, or to the branch head while there is no tag yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRange {
    pub from: String,
    /// A tag name, or the head's full sha when [`CompareRange::to_head`].
    pub to: String,
    pub to_head: bool,
}

impl CompareRange {
    /// `to` as titles and URLs show it.
    pub fn to_label(&self) -> String {
        ref_label(&self.to)
    }
}

impl RepoStatus {
    fn commit_of(&self, tag: &str) -> Option<&str> {
        self.tagged_commits.iter().find(|(t, _)| t == tag).map(|(_, c)| c.as_str())
    }

    /// The commit a push-scheme tag points at, when the scan saw the tag.
    pub fn commit_of_tag(&self, tag: &str) -> Option<&str> {
        self.commit_of(tag)
    }

    /// The commit the previous push tag points at.
    pub fn previous_commit(&self) -> Option<&str> {
        self.commit_of(&self.plan.previous.as_ref()?.0)
    }

    /// The tag this repository's services should run for this push: its
    /// newest tag; before tagging, the one `t` will create; with nothing to
    /// tag, the previous push tag, which ships again unchanged.
    pub fn target_tag(&self) -> &str {
        match (&self.plan.previous, self.state(), self.tag_unchanged) {
            (Some((prev, _)), TagState::Unchanged, false) => prev,
            _ => self.plan.target(),
        }
    }

    /// The commit the target tag points at, when the tag exists.
    pub fn target_commit(&self) -> Option<&str> {
        self.commit_of(self.target_tag())
    }

    pub fn state(&self) -> TagState {
        if self.plan.current.is_some() {
            TagState::Tagged
        } else if self.plan.previous.is_some() && self.in_push == Some(0) {
            TagState::Unchanged
        } else {
            TagState::NeedsTag
        }
    }

    /// Whether `t` proposes a tag here: only before this push has one, and
    /// only when there is something to ship (or the repository says to tag
    /// regardless).
    pub fn needs_tag(&self) -> bool {
        match self.state() {
            TagState::Tagged => false,
            TagState::NeedsTag => true,
            TagState::Unchanged => self.tag_unchanged,
        }
    }

    /// The one compare range every view, URL, command and note uses.
    pub fn range(&self) -> Option<CompareRange> {
        let from = self.plan.previous.as_ref()?.0.clone();
        Some(match &self.plan.current {
            Some((tag, _)) => CompareRange { from, to: tag.clone(), to_head: false },
            None => CompareRange { from, to: self.head.sha.clone(), to_head: true },
        })
    }

    /// Why `t` leaves this repository alone, in words.
    pub fn skip_reason(&self) -> String {
        match self.state() {
            TagState::Tagged => {
                let target = self.plan.target();
                match self.beyond_target {
                    Some(n) if n > 0 => format!(
                        "already tagged {target}; {} on {} not in this push (re-tag on purpose: shipdeck tag --retag)",
                        commits(n),
                        self.branch
                    ),
                    _ => format!("already tagged {target}"),
                }
            }
            TagState::Unchanged => {
                let prev = self.plan.previous.as_ref().map_or("", |(t, _)| t.as_str());
                format!("no changes since {prev}: nothing to tag")
            }
            TagState::NeedsTag => format!("{} needs a tag", self.branch),
        }
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

/// "1 commit", "12 commits".
pub fn commits(n: usize) -> String {
    if n == 1 { "1 commit".to_string() } else { format!("{n} commits") }
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
    /// `to` is the branch head because this push has no tag yet.
    pub to_head: bool,
    pub generation: u64,
    pub commits: Remote<Vec<CommitInfo>>,
    pub show_merges: bool,
    pub selected: usize,
}

impl CompareView {
    /// The newer end as titles show it: a tag, or a commit marked as the
    /// untagged head so nobody mistakes it for what ships.
    pub fn to_title(&self) -> String {
        if self.to_head { format!("{} (untagged head)", ref_label(&self.to)) } else { ref_label(&self.to) }
    }

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
