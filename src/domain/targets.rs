//! What the release and each service are judged against, following the
//! repositories' tags. It spans three features (the release, the
//! repositories, the rollout), so it is the root's: the repositories'
//! handlers only keep the scans, and the root re-derives the targets after
//! each scan answer.

use crate::domain::log::LogKind;
use crate::domain::model::Model;
use crate::domain::release::tags;
use crate::domain::rollout::Target;

/// Services follow their repository's target tag; the release's target is the
/// newest push tag any repository has for the push date (unless `--target`).
/// A service without a repository follows the push's first tag: re-tags are
/// made repository by repository, and one repository's `-1` says nothing of
/// a service built elsewhere. A function of the scans alone: run again over
/// the same scans it changes nothing and says nothing.
pub fn refresh_targets(model: &mut Model) {
    let format = model.release.tag_format.clone();
    if !model.release.target_fixed {
        let newest = model
            .repos
            .rows
            .iter()
            .filter_map(|r| r.status.value())
            .filter_map(|s| s.plan.current.as_ref())
            .max_by_key(|(_, t)| *t)
            .map(|(name, _)| name.clone());
        let base = tags::PushTag::base(model.release.push_date).name(&format);
        let target = newest.unwrap_or(base);
        if target != model.release.target_tag {
            let text = if newest_is_tag(model, &target) {
                format!("target {target}: the newest tag of this push")
            } else {
                format!("target {target}: no repository is tagged for this push yet")
            };
            model.release.target_tag = target;
            let now = model.now;
            model.push_log(now, LogKind::System, text);
        }
    }
    let release_target = model.release.target_tag.clone();
    let fixed = model.release.target_fixed;
    let first = tags::PushTag::base(model.release.push_date).name(&format);
    for i in 0..model.rollout.services.len() {
        let repo = model.rollout.services[i].repo;
        let target = match repo.and_then(|r| model.repos.rows.get(r)).and_then(|r| r.status.value()) {
            _ if fixed => Target::tag(&release_target),
            Some(status) => {
                Target { tag: status.target_tag().to_string(), commit: status.target_commit().map(str::to_string) }
            }
            None if repo.is_some() => Target::tag(&release_target),
            None => Target::tag(&first),
        };
        model.rollout.services[i].target = target;
    }
}

fn newest_is_tag(model: &Model, target: &str) -> bool {
    model
        .repos
        .rows
        .iter()
        .filter_map(|r| r.status.value())
        .any(|s| s.plan.current.as_ref().is_some_and(|(t, _)| t == target))
}
