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
pub use super::scan::{RESCAN_SECS, on_scanned, refresh_targets, scan_all, scan_due};
pub use super::tag_push::{
    PushPlan, confirm, create_tags, on_tag_created, on_tag_pushed, propose_push, propose_retag, propose_tags,
    push_plan, push_tags, retag_plan, tag_plan,
};
