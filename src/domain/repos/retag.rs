//! The pick basket made a tag: what `T` (and `shipdeck retag`) would build,
//! the confirm saying so, the request to git, and its answer.
//!
//! The basket is the repository's `/pick` lines not taken back and in no tag
//! yet, oldest first. The base is this push's newest tag, making the next
//! `-N`; before this push has a tag, the previous push's, making this push's
//! first (a branch that cannot be tagged as it is).

pub use super::basket::{RetagBuilt, RetagPlan};
use super::facts::Facts;
use super::scan::rescan;
use super::{RepoOp, Repos, TagRemote, commits};
use crate::domain::journal::EventKind;
use crate::domain::kernel::remote::Remote;
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::notes::Notes;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::repos::msg::ReposEffect;
use crate::domain::rollout::probe::short_sha;
use crate::domain::view::confirm::Confirm;
use chrono::{DateTime, Utc};

/// The re-tag of repository `repo` from its basket, or why there is none.
pub fn plan(repos: &Repos, notes: &Notes, repo: usize) -> Result<RetagPlan, String> {
    let Some(row) = repos.rows.get(repo) else { return Err(format!("no repository #{repo}")) };
    let name = row.spec.name.clone();
    let status = match &row.status {
        Remote::Ready { value, .. } => value,
        Remote::Failed { error, .. } => return Err(error.clone()),
        _ => return Err(format!("{name}: not scanned yet")),
    };
    if let Some(op) = &row.op {
        let what = match op {
            RepoOp::Fetching => "a fetch".to_string(),
            RepoOp::Tagging(t) => format!("the tag {t}"),
            RepoOp::Pushing(t) => format!("a push of {t}"),
        };
        return Err(format!("{name}: {what} is under way; re-tag once it is done"));
    }
    let picks: Vec<(String, String)> =
        notes.basket(&name).into_iter().map(|p| (p.sha.clone(), p.summary.clone())).collect();
    if picks.is_empty() {
        return Err(format!("{name}: the pick basket is empty (/pick SHA {name} adds a fix to it)"));
    }
    let (base, first) = match (&status.plan.current, &status.plan.previous) {
        (Some((current, _)), _) => (current.clone(), false),
        (None, Some((previous, _))) => (previous.clone(), true),
        (None, None) => {
            return Err(format!("{name}: no push tag to cherry-pick onto (neither this push's nor a previous one)"));
        }
    };
    Ok(RetagPlan { repo, name, base, tag: status.plan.next.clone(), first, picks })
}

/// `T` on the selected repository: the confirm saying what will happen, or
/// why nothing can.
pub fn propose(repos: &Repos, notes: &Notes, repo: usize, now: DateTime<Utc>) -> Outcome {
    match plan(repos, notes, repo) {
        Ok(p) => Act::Confirm(Confirm::Retag(p)).into(),
        Err(why) => {
            let mut out = Outcome::default();
            out.log(now, LogKind::System, format!("re-tag: {why}"));
            out.flash(why, true);
            out
        }
    }
}

/// Asks git to build the tag; the row shows it under way.
pub fn start(repos: &mut Repos, facts: &Facts, plan: RetagPlan) -> Vec<Effect> {
    let Some(row) = repos.rows.get_mut(plan.repo) else { return Vec::new() };
    row.op = Some(RepoOp::Tagging(plan.tag.clone()));
    let message = format!(
        "{} push {}: {} re-tagged by {} on {}",
        facts.release, facts.push_date, plan.tag, facts.actor, plan.base
    );
    vec![Effect::Repos(ReposEffect::Retag {
        repo: plan.repo,
        spec: row.spec.clone(),
        base: plan.base,
        tag: plan.tag,
        picks: plan.picks,
        message,
    })]
}

/// git's answer: the tag recorded, said, and offered for pushing; or why
/// nothing was made.
pub fn on_retagged(
    repos: &mut Repos,
    facts: &Facts,
    generation: impl FnOnce() -> u64,
    repo: usize,
    tag: String,
    result: Result<RetagBuilt, String>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    let Some(row) = repos.rows.get_mut(repo) else { return out };
    row.op = None;
    let name = row.spec.name.clone();
    match result {
        Ok(built) => {
            let said = built_line(&tag, &built);
            row.tag_remote = Some(TagRemote::Absent);
            row.last_result = Some((at, Ok(said.clone())));
            for sha in &built.skipped {
                out.log(at, LogKind::Git, format!("{name}: {} is already in {}: skipped", short_sha(sha), built.base));
            }
            let RetagBuilt { base, commit, shipped, skipped } = built;
            out.record(
                EventKind::Retagged { repo: name.clone(), tag: tag.clone(), base, commit, shipped, skipped },
                at,
                false,
            );
            out.flash(format!("{name}: {said}"), false);
            out.effects(rescan(repos, facts, generation, repo));
            out.confirm(Confirm::PushTags { tags: vec![(repo, tag)], skipped: Vec::new() });
        }
        Err(e) => {
            // git's errors name the repository; the line says it once.
            let e = e.strip_prefix(&format!("{name}: ")).map_or(e.clone(), str::to_string);
            row.last_result = Some((at, Err(e.clone())));
            out.log(at, LogKind::Error, format!("{name}: re-tag {tag} not made: {e}"));
            out.flash(format!("{name}: re-tag {tag} not made: {e}"), true);
        }
    }
    out
}

/// "re-tagged 2026.11.26-1 on 2026.11.26: 2 picks, 1 already there".
pub fn built_line(tag: &str, built: &RetagBuilt) -> String {
    let picks = match built.shipped.len() {
        1 => "1 pick".to_string(),
        n => format!("{n} picks"),
    };
    let skipped = match built.skipped.len() {
        0 => String::new(),
        n => format!(", {} already there", commits(n)),
    };
    format!("re-tagged {tag} on {}: {picks}{skipped}", built.base)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::action::Action;
    use crate::domain::kernel::actor::Role;
    use crate::domain::msg::Msg;
    use crate::domain::repos::msg::ReposMsg;
    use crate::domain::update::update;
    use crate::domain::view::pane::Pane;

    fn pick(m: &mut crate::domain::model::Model, n: i64, repo: &str, sha: &str) {
        let kind = EventKind::Pick { repo: repo.into(), sha: sha.repeat(40), summary: format!("fix {sha}") };
        let at = t0() + chrono::Duration::minutes(n);
        m.apply_events(&[crate::testkit::event(&format!("p{n}"), at, "rita", Role::Rm, kind)]);
    }

    #[test]
    fn t_asks_with_the_basket_in_order_then_builds_records_and_offers_the_push() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b")], "c"));
        m.view.focus = Pane::Repos;
        assert!(update(&mut m, Msg::Action(Action::Retag)).is_empty());
        assert!(m.view.confirm().is_none(), "an empty basket asks nothing");
        assert!(m.log.entries.back().unwrap().text.contains("the pick basket is empty"));
        pick(&mut m, 2, "web", "e");
        pick(&mut m, 1, "web", "d");
        pick(&mut m, 3, "lib", "f");
        update(&mut m, Msg::Action(Action::Retag));
        let Some(Confirm::Retag(plan)) = m.view.confirm().cloned() else { panic!("{:?}", m.view.confirm()) };
        assert_eq!((plan.base.as_str(), plan.tag.as_str(), plan.first), ("2026.11.26", "2026.11.26-1", false));
        let shas: Vec<&str> = plan.picks.iter().map(|(s, _)| &s[..1]).collect();
        assert_eq!(shas, ["d", "e"], "this repository's, oldest first");
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [Effect::Repos(ReposEffect::Retag { base, tag, picks, message, .. })] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!((base.as_str(), tag.as_str(), picks.len()), ("2026.11.26", "2026.11.26-1", 2));
        assert!(message.contains("re-tagged by alice on 2026.11.26"), "{message}");
        assert_eq!(m.repos.rows[0].op, Some(RepoOp::Tagging("2026.11.26-1".into())));

        let built = RetagBuilt {
            base: "2026.11.26".into(),
            commit: "9".repeat(40),
            shipped: vec!["e".repeat(40)],
            skipped: vec!["d".repeat(40)],
        };
        let answer = ReposMsg::Retagged { repo: 0, tag: "2026.11.26-1".into(), result: Ok(built), at: t0() };
        let effects = update(&mut m, Msg::Repos(answer));
        assert!(
            matches!(effects.as_slice(), [Effect::Append(_), Effect::Repos(ReposEffect::Scan { .. })]),
            "{effects:?}"
        );
        let Effect::Append(event) = &effects[0] else { unreachable!() };
        assert!(
            matches!(&event.kind, EventKind::Retagged { shipped, skipped, .. } if shipped.len() == 1 && skipped.len() == 1)
        );
        let Some(Confirm::PushTags { tags, .. }) = m.view.confirm() else { panic!("the push is asked next") };
        assert_eq!(tags, &vec![(0, "2026.11.26-1".to_string())]);
        // Both picks are in the tag now: the basket is empty, the notes say where.
        assert!(m.notes.basket("web").is_empty());
        assert_eq!(m.notes.shipped_in(&m.notes.picks[0]), Some("2026.11.26-1"));
        assert_eq!(m.notes.basket("lib").len(), 1);
    }

    #[test]
    fn before_this_push_is_tagged_the_picks_go_on_the_previous_tag_as_its_first() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "c"));
        pick(&mut m, 1, "web", "d");
        let p = plan(&m.repos, &m.notes, 0).unwrap();
        assert_eq!((p.base.as_str(), p.tag.as_str(), p.first), ("2026.11.19", "2026.11.26", true));
        scanned(&mut m, 0, status(&[], "c"));
        assert!(plan(&m.repos, &m.notes, 0).unwrap_err().contains("no push tag to cherry-pick onto"));
    }

    #[test]
    fn a_failed_build_is_said_and_records_nothing() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        m.repos.rows[0].op = Some(RepoOp::Tagging("2026.11.26-1".into()));
        let e = "web: cherry-picking ddddddd (fix d) onto 2026.11.26 conflicts in app.txt: aborted".to_string();
        let answer = ReposMsg::Retagged { repo: 0, tag: "2026.11.26-1".into(), result: Err(e), at: t0() };
        assert!(update(&mut m, Msg::Repos(answer)).is_empty(), "nothing recorded, nothing asked");
        assert_eq!(m.repos.rows[0].op, None);
        assert!(
            m.log.entries.back().unwrap().text.contains("web: re-tag 2026.11.26-1 not made: cherry-picking ddddddd")
        );
        assert!(m.view.confirm().is_none());
    }

    #[test]
    fn a_re_tag_made_in_another_cockpit_is_fetched_and_empties_the_basket_here() {
        let mut m = model();
        pick(&mut m, 1, "web", "d");
        let mut e = crate::testkit::event(
            "r1",
            t0() + chrono::Duration::minutes(5),
            "bob",
            Role::Rm,
            EventKind::Retagged {
                repo: "web".into(),
                tag: "2026.11.26-1".into(),
                base: "2026.11.26".into(),
                commit: "9".repeat(40),
                shipped: vec!["d".repeat(40)],
                skipped: Vec::new(),
            },
        );
        e.replica = "0bb0b0b0".into();
        let read = crate::domain::journal::msg::JournalMsg::Read { events: vec![e], damage: Vec::new() };
        let effects = update(&mut m, Msg::Journal(read));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Repos(ReposEffect::Fetch { repos }) if repos[0].1.name == "web")),
            "{effects:?}"
        );
        assert!(m.notes.basket("web").is_empty());
    }
}
