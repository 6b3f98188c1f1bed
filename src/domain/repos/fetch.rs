//! Fetching the repositories, and what a fetch's answer says about the
//! remote's tag.

use super::note::note;
use super::scan::rescan;
use super::{RepoOp, TagRemote, conflict_in};
use crate::domain::log::LogKind;
use crate::domain::model::Model;
use crate::domain::msg::Effect;
use crate::domain::repos::msg::ReposEffect;
use chrono::{DateTime, Utc};

pub fn fetch(model: &mut Model) -> Vec<Effect> {
    let mut repos = Vec::new();
    for (i, row) in model.repos.rows.iter_mut().enumerate() {
        if row.op.is_some() {
            continue;
        }
        row.op = Some(RepoOp::Fetching);
        let tag = row.status.value().map(|s| s.target_tag().to_string());
        repos.push((i, row.spec.clone(), tag));
    }
    if repos.is_empty() {
        note(model, "nothing to fetch: no repositories, or all are busy");
        return Vec::new();
    }
    vec![Effect::Repos(ReposEffect::Fetch { repos })]
}

/// A fetch's answer: what git said, and where the remote stands on the
/// target tag, when it could tell.
pub fn on_fetched(
    model: &mut Model,
    repo: usize,
    result: Result<(String, Option<TagRemote>), String>,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(row) = model.repos.rows.get_mut(repo) else { return Vec::new() };
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
            model.push_log(at, LogKind::Error, format!("{name}: fetch failed: {e}"));
        }
    }
    rescan(model, repo)
}
