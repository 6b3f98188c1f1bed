//! The repository half of `update`: scans, fetch, tag, push and compare.
//! Pure like the rest: it asks for git work through effects and applies the
//! answers that come back.
//!
//! `scan` keeps the scans and the targets they set; `fetch` and `tag_push`
//! ask for remote and tag work and apply the answers; `compare` holds the
//! compare view, its URLs and the "Pushing:" lines; `note` says in the log
//! what an action could not do.

pub use super::compare::{current_url, on_compare_loaded, open_compare, pushing_line, pushing_urls, url_effect};
pub use super::fetch::{fetch, on_fetched};
use super::msg::ReposMsg;
pub use super::scan::{RESCAN_SECS, on_scanned, refresh_targets, scan_all, scan_due};
use crate::domain::model::Model;
use crate::domain::msg::Effect;

pub use super::tag_push::{
    PushPlan, confirm, create_tags, on_tag_created, on_tag_pushed, propose_push, propose_retag, propose_tags,
    push_plan, push_tags, retag_plan, tag_plan,
};

/// Routes one answer from git to its handler.
pub fn on_msg(model: &mut Model, msg: ReposMsg) -> Vec<Effect> {
    match msg {
        ReposMsg::Scanned { generation, repo, result, at } => {
            on_scanned(model, generation, repo, result.map(|b| *b), at);
            Vec::new()
        }
        ReposMsg::Fetched { repo, result, at } => on_fetched(model, repo, result, at),
        ReposMsg::TagCreated { repo, tag, result, at } => on_tag_created(model, repo, tag, result, at),
        ReposMsg::TagPushed { repo, tag, result, at } => on_tag_pushed(model, repo, tag, result, at),
        ReposMsg::CompareLoaded { generation, result, at } => {
            on_compare_loaded(model, generation, result, at);
            Vec::new()
        }
    }
}
