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
    let mut asked = Vec::new();
    for (i, row) in repos.rows.iter_mut().enumerate() {
        if row.op.is_some() {
            continue;
        }
        row.op = Some(RepoOp::Fetching);
        let tag = row.status.value().map(|s| s.target_tag().to_string());
        asked.push((i, row.spec.clone(), tag));
    }
    if asked.is_empty() {
        return note(now, "nothing to fetch: no repositories, or all are busy").into();
    }
    Act::Effect(Effect::Repos(ReposEffect::Fetch { repos: asked })).into()
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
