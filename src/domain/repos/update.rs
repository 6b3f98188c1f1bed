//! The repository half of `update`: scans, fetch, tag, push and compare.
//! Pure like the rest: it asks for git work through effects and applies the
//! answers that come back.
//!
//! Narrow: the handlers change the repositories' rows (and the compare view
//! an answer loads) and nothing else. What they want said, saved or opened
//! comes back as an [`Outcome`] the root carries out; the release's and the
//! services' targets, which follow the repositories' tags, are the root's to
//! re-derive after a scan.
//!
//! `scan` keeps the scans; `fetch` and `tag_push` ask for remote and tag
//! work and apply the answers; `compare` holds the compare view, its URLs
//! and the "Pushing:" lines; `note` says in the log what an action could not
//! do.

pub use super::compare::{current_url, on_compare_loaded, open_compare, pushing_line, pushing_urls, url_effect};
pub use super::facts::Facts;
pub use super::fetch::{fetch, on_fetched};
use super::msg::ReposMsg;
pub use super::scan::{RESCAN_SECS, on_scanned, scan_all, scan_due};
use super::{CompareView, Repos};
use crate::domain::outcome::Outcome;

pub use super::tag_push::{
    PushPlan, confirm, create_tags, on_tag_created, on_tag_pushed, propose_push, propose_retag, propose_tags,
    push_plan, push_tags, retag_plan, tag_plan,
};

/// Routes one answer from git to its handler. `generation` is drawn only by
/// an answer that rescans, so the shared counter moves exactly when a new
/// request is made.
pub fn on_msg(
    repos: &mut Repos,
    compare: Option<&mut CompareView>,
    facts: &Facts,
    generation: impl FnOnce() -> u64,
    msg: ReposMsg,
) -> Outcome {
    match msg {
        ReposMsg::Scanned { generation, repo, result, at } => {
            on_scanned(repos, generation, repo, result.map(|b| *b), at);
            Outcome::default()
        }
        ReposMsg::Fetched { repo, result, at } => on_fetched(repos, facts, generation, repo, result, at),
        ReposMsg::TagCreated { repo, tag, result, at } => {
            on_tag_created(repos, facts, generation, repo, tag, result, at)
        }
        ReposMsg::TagPushed { repo, tag, result, at } => on_tag_pushed(repos, repo, tag, result, at),
        ReposMsg::CompareLoaded { generation, result, at } => {
            on_compare_loaded(compare, generation, result, at);
            Outcome::default()
        }
    }
}
