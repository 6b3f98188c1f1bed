//! Fetching the repositories, and what a fetch's answer says about the
//! remote's tag.

use super::facts::Facts;
use super::note::note;
use super::scan::rescan;
use super::{RepoOp, Repos, TagRemote, conflict_in};
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::repos::msg::ReposEffect;
use chrono::{DateTime, Utc};

pub fn fetch(repos: &mut Repos, now: DateTime<Utc>) -> Outcome {
    let asked = fetch_rows(repos, |_| true);
    if asked.is_empty() {
        return note(now, "nothing to fetch: no repositories, or all are busy").into();
    }
    Act::Effect(Effect::Repos(ReposEffect::Fetch { repos: asked })).into()
}

/// Someone else tagged or pushed a tag of these repositories (their line
/// came through the journal): fetch them, so this screen agrees without a
/// key pressed. Names are as in the config; others are not ours. A
/// repository busy with something else is left to the next fetch.
pub fn fetch_after_others(repos: &mut Repos, names: &[&str]) -> Outcome {
    let asked = fetch_rows(repos, |name| names.contains(&name));
    if asked.is_empty() {
        return Outcome::default();
    }
    Act::Effect(Effect::Repos(ReposEffect::Fetch { repos: asked })).into()
}

fn fetch_rows(repos: &mut Repos, wanted: impl Fn(&str) -> bool) -> Vec<(usize, super::RepoSpec, Option<String>)> {
    let mut asked = Vec::new();
    for (i, row) in repos.rows.iter_mut().enumerate() {
        if row.op.is_some() || !wanted(&row.spec.name) {
            continue;
        }
        row.op = Some(RepoOp::Fetching);
        let tag = row.status.value().map(|s| s.target_tag().to_string());
        asked.push((i, row.spec.clone(), tag));
    }
    asked
}

/// A fetch's answer: what git said, and where the remote stands on the
/// target tag, when it could tell. The repository is scanned again under a
/// `generation` drawn then.
pub fn on_fetched(
    repos: &mut Repos,
    facts: &Facts,
    generation: impl FnOnce() -> u64,
    repo: usize,
    result: Result<(String, Option<TagRemote>), String>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    let Some(row) = repos.rows.get_mut(repo) else { return out };
    row.op = None;
    let name = row.spec.name.clone();
    match result {
        Ok((said, remote_has)) => {
            row.tag_remote = remote_has;
            row.last_result = Some((at, Ok(format!("fetched: {said}"))));
        }
        Err(e) => {
            // A fetch refuses to overwrite our tag with the remote's other one.
            let target = row.status.value().and_then(|s| s.plan.current.as_ref()).map(|(t, _)| t.clone());
            if let Some(conflict) = target.and_then(|t| conflict_in(&e, &t)) {
                row.tag_remote = Some(conflict);
            }
            row.last_result = Some((at, Err(e.clone())));
            out.log(at, LogKind::Error, format!("{name}: fetch failed: {e}"));
        }
    }
    out.effects(rescan(repos, facts, generation, repo));
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::domain::journal::msg::JournalMsg;
    use crate::domain::journal::{Event, EventActor, EventKind};
    use crate::domain::kernel::actor::Role;
    use crate::domain::msg::{Effect, Msg};
    use crate::domain::repos::msg::ReposEffect;
    use crate::domain::update::update;

    fn from(replica: &str, id: &str, kind: EventKind) -> Event {
        Event {
            v: 1,
            id: id.into(),
            at: t0(),
            replica: replica.into(),
            seq: 1,
            committer: None,
            actor: EventActor { name: "bob".into(), role: Role::Rm },
            kind,
        }
    }

    fn fetched(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| if let Effect::Repos(ReposEffect::Fetch { repos }) = e { Some(repos) } else { None })
            .flatten()
            .map(|(_, spec, _)| spec.name.clone())
            .collect()
    }

    #[test]
    fn a_tag_someone_else_made_or_pushed_is_fetched_once_and_ours_are_not() {
        let mut m = model();
        let read = |events| Msg::Journal(JournalMsg::Read { events, damage: Vec::new() });
        let tag =
            |repo: &str| EventKind::TagCreated { repo: repo.into(), tag: "2026.11.26".into(), commit: "c".into() };
        let mine = m.journal.replica.clone();
        let fx = update(&mut m, read(vec![from(&mine, "m1", tag("web"))]));
        assert!(fetched(&fx).is_empty(), "our own tag needs no fetch");
        let pushed = EventKind::TagPushed { repo: "web".into(), tag: "2026.11.26".into() };
        let fx = update(
            &mut m,
            read(vec![
                from("0bb0b0b0", "b1", tag("web")),
                from("0bb0b0b0", "b2", pushed),
                from("0bb0b0b0", "b3", tag("gone")),
            ]),
        );
        assert_eq!(fetched(&fx), ["web"], "one fetch per repository, ours only");
        // Read again (a replayed batch): nothing new, no fetch.
        let fx = update(&mut m, read(vec![from("0bb0b0b0", "b1", tag("lib"))]));
        assert!(fetched(&fx).is_empty(), "a line already seen");
        // A busy repository is left to the next fetch; a free one is fetched.
        let fx = update(&mut m, read(vec![from("0bb0b0b0", "b4", tag("web")), from("0bb0b0b0", "b5", tag("lib"))]));
        assert_eq!(fetched(&fx), ["lib"]);
    }
}
