//! Tags and pushes: what `t`, a re-tag and `P` propose, the confirm that
//! asks git for them, and the answers.

use super::facts::Facts;
use super::note::note;
use super::scan::rescan;
use super::{CommitInfo, RepoOp, Repos, TagProposal, TagRemote, conflict_in, ref_label};
use crate::domain::journal::EventKind;
use crate::domain::kernel::remote::Remote;
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::repos::msg::ReposEffect;
use crate::domain::view::confirm::Confirm;
use chrono::{DateTime, Utc};

/// The dialog listing the tags `t` would create.
pub fn propose_tags(repos: &Repos, now: DateTime<Utc>) -> Outcome {
    let (tags, skipped) = tag_plan(repos);
    if tags.is_empty() {
        return note(
            now,
            "nothing to tag: every repository is tagged for this push or has no changes since the previous one",
        )
        .into();
    }
    Act::Confirm(Confirm::CreateTags { tags, skipped }).into()
}

/// The tags `t` would create, and why each other repository is left alone.
pub fn tag_plan(repos: &Repos) -> (Vec<TagProposal>, Vec<(usize, String)>) {
    let mut tags = Vec::new();
    let mut skipped = Vec::new();
    for (i, row) in repos.rows.iter().enumerate() {
        match &row.status {
            Remote::Ready { value, .. } if value.needs_tag() => {
                tags.push(TagProposal { repo: i, tag: value.plan.next.clone(), commit: value.head.clone() })
            }
            Remote::Ready { value, .. } => skipped.push((i, value.skip_reason())),
            Remote::Failed { error, .. } => {
                let name = format!("{}: ", row.spec.name);
                skipped.push((i, error.strip_prefix(&name).unwrap_or(error).to_string()))
            }
            _ => skipped.push((i, "not scanned yet".into())),
        }
    }
    (tags, skipped)
}

/// The dialog for a deliberate re-tag of one repository.
pub fn propose_retag(repos: &Repos, repo: usize, commit: CommitInfo) -> Result<Outcome, String> {
    let proposal = retag_plan(repos, repo, commit)?;
    Ok(Act::Confirm(Confirm::CreateTags { tags: vec![proposal], skipped: Vec::new() }).into())
}

/// The deliberate re-tag of one repository: the next `-N` of this push on
/// `commit` (a cherry-picked fix). Only a repository already tagged for this
/// push is re-tagged, and never on the commit its newest tag already names.
pub fn retag_plan(repos: &Repos, repo: usize, commit: CommitInfo) -> Result<TagProposal, String> {
    let Some(row) = repos.rows.get(repo) else { return Err(format!("no repository #{repo}")) };
    let name = &row.spec.name;
    let status = match &row.status {
        Remote::Ready { value, .. } => value,
        Remote::Failed { error, .. } => return Err(error.clone()),
        _ => return Err(format!("{name}: not scanned yet")),
    };
    let Some((current, _)) = &status.plan.current else {
        return Err(format!("{name}: no tag for this push yet; tag it first (a re-tag follows a push tag)"));
    };
    if status.target_commit() == Some(commit.sha.as_str()) {
        return Err(format!("{name}: {} is already tagged {current}", ref_label(&commit.sha)));
    }
    Ok(TagProposal { repo, tag: status.plan.next.clone(), commit })
}

/// What `P` would push, what it leaves alone and why, and the tags the
/// remote already has under another commit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushPlan {
    pub tags: Vec<(usize, String)>,
    pub skipped: Vec<(usize, String)>,
    pub conflicts: Vec<String>,
}

pub fn push_plan(repos: &Repos) -> PushPlan {
    let mut plan = PushPlan::default();
    for (i, row) in repos.rows.iter().enumerate() {
        match row.status.value().and_then(|s| s.plan.current.as_ref()) {
            Some(_) if row.tag_remote.as_ref().is_some_and(TagRemote::is_pushed) => {
                plan.skipped.push((i, "already on the remote".into()))
            }
            // Pushing would be refused; the remote's tag is someone's to sort out.
            Some((tag, _)) if matches!(row.tag_remote, Some(TagRemote::Conflict { .. })) => {
                let why = format!("conflict: {} has another {tag}; shipdeck never moves a tag", row.spec.remote);
                plan.conflicts.push(format!("{}: {why}", row.spec.name));
                plan.skipped.push((i, why));
            }
            Some((tag, _)) => plan.tags.push((i, tag.clone())),
            None => plan.skipped.push((i, "no tag for this push yet (t creates one)".into())),
        }
    }
    plan
}

/// The dialog listing the tags `P` would push.
pub fn propose_push(repos: &Repos, now: DateTime<Utc>) -> Outcome {
    let PushPlan { tags, skipped, conflicts } = push_plan(repos);
    if tags.is_empty() {
        let mut out: Outcome = note(now, "nothing to push: no repository has an unpushed tag for this push").into();
        for c in conflicts {
            out.log(now, LogKind::Error, c);
        }
        return out;
    }
    Act::Confirm(Confirm::PushTags { tags, skipped }).into()
}

/// Asks git for these tags, as the author of this push's tag message.
pub fn create_tags(repos: &mut Repos, facts: &Facts, tags: Vec<TagProposal>) -> Vec<Effect> {
    let message = format!("{} push {}", facts.release, facts.push_date);
    let mut list = Vec::new();
    for p in tags {
        if let Some(row) = repos.rows.get_mut(p.repo) {
            row.op = Some(RepoOp::Tagging(p.tag.clone()));
            list.push((p.repo, row.spec.clone(), p.tag, p.commit.sha));
        }
    }
    vec![Effect::Repos(ReposEffect::CreateTags { tags: list, tagger: facts.actor.to_string(), message })]
}

/// Asks git to push these `(repo, tag)`.
pub fn push_tags(repos: &mut Repos, tags: Vec<(usize, String)>) -> Vec<Effect> {
    let mut list = Vec::new();
    for (repo, tag) in tags {
        if let Some(row) = repos.rows.get_mut(repo) {
            row.op = Some(RepoOp::Pushing(tag.clone()));
            list.push((repo, row.spec.clone(), tag));
        }
    }
    vec![Effect::Repos(ReposEffect::PushTags { tags: list })]
}

/// A confirmed dialog the root took off the view.
pub fn confirm(repos: &mut Repos, facts: &Facts, dialog: Confirm) -> Outcome {
    let mut out = Outcome::default();
    match dialog {
        Confirm::CreateTags { tags, .. } => out.effects(create_tags(repos, facts, tags)),
        Confirm::PushTags { tags, .. } => out.effects(push_tags(repos, tags)),
        Confirm::Retag(plan) => out.effects(super::retag::start(repos, facts, plan)),
        // The checklist's dialogs are confirmed in `checklist::update`.
        other => out.confirm(other),
    }
    out
}

pub fn on_tag_created(
    repos: &mut Repos,
    facts: &Facts,
    generation: impl FnOnce() -> u64,
    repo: usize,
    tag: String,
    result: Result<String, String>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    let Some(row) = repos.rows.get_mut(repo) else { return out };
    row.op = None;
    let name = row.spec.name.clone();
    match &result {
        // The answer is the commit tagged: the one the dialog showed, even
        // when a rescan moved the head meanwhile.
        Ok(commit) => {
            row.tag_remote = Some(TagRemote::Absent);
            row.last_result = Some((at, Ok(format!("tagged {tag}"))));
            out.record(EventKind::TagCreated { repo: name, tag, commit: commit.clone() }, at, false);
        }
        Err(e) => {
            row.last_result = Some((at, Err(e.clone())));
            out.log(at, LogKind::Error, format!("{name}: tag {tag} not created: {e}"));
        }
    }
    out.effects(rescan(repos, facts, generation, repo));
    out
}

pub fn on_tag_pushed(
    repos: &mut Repos,
    repo: usize,
    tag: String,
    result: Result<String, String>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    let Some(row) = repos.rows.get_mut(repo) else { return out };
    row.op = None;
    let name = row.spec.name.clone();
    match result {
        Ok(_) => {
            row.tag_remote = Some(TagRemote::Pushed);
            row.last_result = Some((at, Ok(format!("pushed {tag} to {}", row.spec.remote))));
            out.record(EventKind::TagPushed { repo: name, tag }, at, false);
        }
        Err(e) => {
            if let Some(conflict) = conflict_in(&e, &tag) {
                row.tag_remote = Some(conflict);
            }
            row.last_result = Some((at, Err(e.clone())));
            out.log(at, LogKind::Error, format!("{name}: push of {tag} failed: {e}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::compare::current_url;
    use super::super::testing::*;
    use super::*;
    use crate::action::Action;
    use crate::domain::msg::Msg;
    use crate::domain::repos::msg::ReposMsg;
    use crate::domain::update::update;
    #[test]
    fn a_tagged_repository_is_never_proposed_again_whatever_its_branch_did() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        // Tagged at `c`; main has moved on to `e`.
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "c")], "e"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a"), ("2026.11.26", "d")], "d"));
        update(&mut m, Msg::Action(Action::CreateTags));
        assert!(m.view.confirm().is_none(), "nothing to tag");
        let (_, skipped) = tag_plan(&m.repos);
        assert!(skipped[0].1.contains("already tagged 2026.11.26; 2 commits on main not in this push"), "{skipped:?}");
        // The compare and its URL end at the tag, not at the branch head.
        let range = m.repos.rows[0].status.value().unwrap().range().unwrap();
        assert_eq!((range.to.as_str(), range.to_head), ("2026.11.26", false));
        m.view.focus = crate::domain::view::pane::Pane::Repos;
        assert_eq!(
            current_url(&m.repos, m.view.compare(), m.view.repo_selected).unwrap(),
            "https://github.com/example/web/compare/2026.11.19...2026.11.26"
        );
        // A deliberate re-tag is possible, on another commit only.
        assert!(propose_retag(&m.repos, 0, commit("c")).unwrap_err().contains("already tagged 2026.11.26"));
        let dialog = propose_retag(&m.repos, 0, commit("e")).unwrap();
        m.carry_out(dialog);
        let Some(Confirm::CreateTags { tags, .. }) = m.view.confirm() else { panic!("dialog") };
        assert_eq!(tags[0].tag, "2026.11.26-1");
    }

    #[test]
    fn tagging_asks_first_then_tags_only_what_needs_it() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "b"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a"), ("2026.11.26", "d")], "d"));
        assert!(update(&mut m, Msg::Action(Action::CreateTags)).is_empty(), "nothing happens before confirming");
        let Some(Confirm::CreateTags { tags, skipped }) = m.view.confirm() else { panic!("dialog") };
        assert_eq!(tags.len(), 1);
        assert_eq!((tags[0].repo, tags[0].tag.as_str()), (0, "2026.11.26"));
        assert_eq!(skipped.len(), 1);
        // Keys behind the dialog do nothing; cancel closes it.
        assert!(update(&mut m, Msg::Action(Action::Fetch)).is_empty());
        update(&mut m, Msg::Action(Action::Cancel));
        assert!(m.view.confirm().is_none());
        update(&mut m, Msg::Action(Action::CreateTags));
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [Effect::Repos(ReposEffect::CreateTags { tags, tagger, message })] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].2, "2026.11.26");
        assert_eq!(tags[0].3, "b".repeat(40));
        assert_eq!(tagger, "alice");
        assert!(message.contains("AMO"));
        assert_eq!(m.repos.rows[0].op, Some(RepoOp::Tagging("2026.11.26".into())));
        let before = m.log.entries.len();
        let effects = update(
            &mut m,
            Msg::Repos(ReposMsg::TagCreated {
                repo: 0,
                tag: "2026.11.26".into(),
                result: Ok("b".repeat(40)),
                at: t0(),
            }),
        );
        // Saved to the journal, then the repository is scanned again.
        let [Effect::Append(event), Effect::Repos(ReposEffect::Scan { .. })] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(
            event.kind,
            crate::domain::journal::EventKind::TagCreated {
                repo: "web".into(),
                tag: "2026.11.26".into(),
                commit: "b".repeat(40)
            }
        );
        assert_eq!(event.actor.name, "alice");
        assert_eq!(m.log.entries.len(), before + 1);
        assert!(m.log.entries.back().unwrap().text.contains("web: tagged 2026.11.26 at bbbbbbb by alice"));
    }

    #[test]
    fn a_refused_tag_is_reported_not_retried() {
        let mut m = model();
        let at = t0();
        let effects = update(
            &mut m,
            Msg::Repos(ReposMsg::TagCreated {
                repo: 1,
                tag: "2026.11.26".into(),
                result: Err("tag exists".into()),
                at,
            }),
        );
        assert!(matches!(effects.as_slice(), [Effect::Repos(ReposEffect::Scan { .. })]), "only a rescan, no retry");
        assert!(m.log.entries.back().unwrap().text.contains("not created: tag exists"));
        let effects = update(
            &mut m,
            Msg::Repos(ReposMsg::TagPushed { repo: 1, tag: "2026.11.26".into(), result: Err("rejected".into()), at }),
        );
        assert!(effects.is_empty());
        assert_eq!(m.repos.rows[1].tag_remote, None);
        assert!(m.log.entries.back().unwrap().text.contains("push of 2026.11.26 failed: rejected"));
    }

    #[test]
    fn a_conflicting_remote_tag_is_never_pushed_and_not_pushed_again() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b")], "b"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a"), ("2026.11.26", "d")], "d"));
        let theirs = "e".repeat(40);
        let said = super::super::conflict_error("origin", "2026.11.26", Some(&theirs));
        update(
            &mut m,
            Msg::Repos(ReposMsg::TagPushed { repo: 0, tag: "2026.11.26".into(), result: Err(said), at: t0() }),
        );
        assert_eq!(m.repos.rows[0].tag_remote, Some(TagRemote::Conflict { remote_commit: Some(theirs) }));
        // A fetch that refused to take the remote's tag says the same.
        let said = format!("git fetch: {}", super::super::conflict_error("origin", "2026.11.26", None));
        update(&mut m, Msg::Repos(ReposMsg::Fetched { repo: 1, result: Err(said), at: t0() }));
        assert_eq!(m.repos.rows[1].tag_remote, Some(TagRemote::Conflict { remote_commit: None }));
        // Neither is proposed again, and neither counts as pushed.
        update(&mut m, Msg::Action(Action::PushTags));
        assert!(m.view.confirm().is_none(), "nothing to push");
        let said: Vec<&str> = m.log.entries.iter().rev().take(3).map(|l| l.text.as_str()).collect();
        assert!(said.iter().any(|l| l.contains("nothing to push")), "{said:?}");
        assert!(said.iter().any(|l| l.contains("web: conflict: origin has another 2026.11.26")), "{said:?}");
    }
}
