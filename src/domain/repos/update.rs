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

pub use super::compare::{current_url, on_compare_loaded, open_compare, pushing_line, pushing_urls};
pub use super::facts::Facts;
pub use super::fetch::{fetch, fetch_after_others, on_fetched};
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
        ReposMsg::Retagged { repo, tag, result, at } => {
            super::retag::on_retagged(repos, facts, generation, repo, tag, result, at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::domain::journal::EventKind;
    use crate::domain::msg::Effect;
    use crate::domain::outcome::Act;
    use crate::domain::repos::msg::ReposEffect;

    /// The handlers need no model: the rows in, acts out, and a generation
    /// drawn only for the git work asked for.
    #[test]
    fn a_tag_answer_is_an_event_to_record_and_a_rescan_not_a_write() {
        let m = model();
        let mut repos = m.repos.clone();
        let facts = Facts::new(&m.release, &m.actor, t0());
        let mut drawn = 0;
        let created = ReposMsg::TagCreated { repo: 0, tag: "2026.11.26".into(), result: Ok("b".repeat(40)), at: t0() };
        let draw = || {
            drawn += 1;
            7
        };
        let out = on_msg(&mut repos, None, &facts, draw, created);
        let [
            Act::Record { kind: EventKind::TagCreated { repo, .. }, observed: false, .. },
            Act::Effect(Effect::Repos(ReposEffect::Scan { generation: 7, .. })),
        ] = out.acts.as_slice()
        else {
            panic!("{out:?}")
        };
        assert_eq!((repo.as_str(), drawn), ("web", 1));
        assert_eq!(repos.rows[0].scan_gen, 7);
        let pushed = ReposMsg::TagPushed { repo: 0, tag: "2026.11.26".into(), result: Ok(String::new()), at: t0() };
        let out = on_msg(&mut repos, None, &facts, || unreachable!("a push answer asks for nothing"), pushed);
        assert!(matches!(out.acts.as_slice(), [Act::Record { kind: EventKind::TagPushed { .. }, .. }]), "{out:?}");
    }

    #[test]
    fn a_compare_with_nothing_to_load_is_a_note_and_draws_no_generation() {
        let m = model();
        let out = open_compare(&m.repos, 0, || unreachable!("nothing is loaded"), t0());
        let [Act::Log { text, .. }] = out.acts.as_slice() else { panic!("{out:?}") };
        assert_eq!(text, "this repository has not been scanned yet");
    }
}
