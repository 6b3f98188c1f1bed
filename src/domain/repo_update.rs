//! The repository half of `update`: scans, fetch, tag, push and compare.
//! Pure like the rest: it asks for git work through effects and applies the
//! answers that come back.

use super::event::LogKind;
use super::journal::EventKind;
use super::model::{Confirm, Model};
use super::msg::Effect;
use super::remote::Remote;
use super::repos::{
    CommitInfo, CompareRange, CompareView, RepoOp, RepoSpec, RepoStatus, TagProposal, TagRemote, TagState, conflict_in,
    ref_label,
};
use super::rollout::Target;
use super::tags;
use chrono::{DateTime, Utc};

/// How often repositories are re-scanned without being asked (someone may
/// tag from the command line or another cockpit).
pub const RESCAN_SECS: i64 = 60;

pub fn scan_due(model: &Model) -> bool {
    !model.repos.is_empty() && model.repos_scanned.is_none_or(|t| (model.now - t).num_seconds() >= RESCAN_SECS)
}

/// Asks for a scan of every repository not already being scanned.
pub fn scan_all(model: &mut Model) -> Vec<Effect> {
    model.generation += 1;
    let generation = model.generation;
    model.repos_scanned = Some(model.now);
    let mut repos = Vec::new();
    for (i, row) in model.repos.iter_mut().enumerate() {
        if row.scanning {
            continue;
        }
        row.scanning = true;
        row.scan_gen = generation;
        if matches!(row.status, Remote::Idle) {
            row.status = Remote::Loading;
        }
        repos.push((i, row.spec.clone()));
    }
    if repos.is_empty() {
        return Vec::new();
    }
    vec![Effect::ScanRepos {
        generation,
        repos,
        push_date: model.release.push_date,
        tag_format: model.release.tag_format.clone(),
    }]
}

pub fn on_scanned(
    model: &mut Model,
    generation: u64,
    repo: usize,
    result: Result<RepoStatus, String>,
    at: DateTime<Utc>,
) {
    let Some(row) = model.repos.get_mut(repo) else { return };
    if generation < row.scan_gen {
        return;
    }
    row.scanning = false;
    row.status = match result {
        Ok(value) => Remote::Ready { value, at },
        Err(error) => Remote::Failed { error, at },
    };
    refresh_targets(model);
}

/// Services follow their repository's target tag; the release's target is the
/// newest push tag any repository has for the push date (unless `--target`).
pub fn refresh_targets(model: &mut Model) {
    let format = model.release.tag_format.clone();
    if !model.release.target_fixed {
        let newest = model
            .repos
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
    for i in 0..model.rollout.services.len() {
        let repo = model.rollout.services[i].repo;
        let target = match repo.and_then(|r| model.repos.get(r)).and_then(|r| r.status.value()) {
            Some(status) if !fixed => {
                Target { tag: status.target_tag().to_string(), commit: status.target_commit().map(str::to_string) }
            }
            _ => Target::tag(&release_target),
        };
        model.rollout.services[i].target = target;
    }
}

fn newest_is_tag(model: &Model, target: &str) -> bool {
    model
        .repos
        .iter()
        .filter_map(|r| r.status.value())
        .any(|s| s.plan.current.as_ref().is_some_and(|(t, _)| t == target))
}

pub fn fetch(model: &mut Model) -> Vec<Effect> {
    let mut repos = Vec::new();
    for (i, row) in model.repos.iter_mut().enumerate() {
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
    vec![Effect::FetchRepos { repos }]
}

/// A fetch's answer: what git said, and where the remote stands on the
/// target tag (a plain yes/no from older answers, or the full state).
pub fn on_fetched<T: Into<TagRemote>>(
    model: &mut Model,
    repo: usize,
    result: Result<(String, Option<T>), String>,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(row) = model.repos.get_mut(repo) else { return Vec::new() };
    row.op = None;
    let name = row.spec.name.clone();
    match result {
        Ok((said, remote_has)) => {
            row.tag_remote = remote_has.map(Into::into);
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

fn rescan(model: &mut Model, repo: usize) -> Vec<Effect> {
    model.generation += 1;
    let generation = model.generation;
    let Some(row) = model.repos.get_mut(repo) else { return Vec::new() };
    row.scanning = true;
    row.scan_gen = generation;
    vec![Effect::ScanRepos {
        generation,
        repos: vec![(repo, row.spec.clone())],
        push_date: model.release.push_date,
        tag_format: model.release.tag_format.clone(),
    }]
}

/// Opens the dialog listing the tags `t` would create.
pub fn propose_tags(model: &mut Model) {
    let (tags, skipped) = tag_plan(model);
    if tags.is_empty() {
        note(
            model,
            "nothing to tag: every repository is tagged for this push or has no changes since the previous one",
        );
        return;
    }
    model.confirm = Some(Confirm::CreateTags { tags, skipped });
}

/// The tags `t` would create, and why each other repository is left alone.
pub fn tag_plan(model: &Model) -> (Vec<TagProposal>, Vec<(usize, String)>) {
    let mut tags = Vec::new();
    let mut skipped = Vec::new();
    for (i, row) in model.repos.iter().enumerate() {
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

/// Opens the dialog for a deliberate re-tag of one repository: the next
/// `-N` of this push on `commit` (a cherry-picked fix). Only a repository
/// already tagged for this push is re-tagged, and never on the commit its
/// newest tag already names.
pub fn propose_retag(model: &mut Model, repo: usize, commit: CommitInfo) -> Result<(), String> {
    let Some(row) = model.repos.get(repo) else { return Err(format!("no repository #{repo}")) };
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
    let tag = status.plan.next.clone();
    model.confirm = Some(Confirm::CreateTags { tags: vec![TagProposal { repo, tag, commit }], skipped: Vec::new() });
    Ok(())
}

/// Opens the dialog listing the tags `P` would push.
pub fn propose_push(model: &mut Model) {
    let mut tags = Vec::new();
    let mut skipped = Vec::new();
    let mut conflicts = Vec::new();
    for (i, row) in model.repos.iter().enumerate() {
        match row.status.value().and_then(|s| s.plan.current.as_ref()) {
            Some(_) if row.tag_remote.as_ref().is_some_and(TagRemote::is_pushed) => {
                skipped.push((i, "already on the remote".into()))
            }
            // Pushing would be refused; the remote's tag is someone's to sort out.
            Some((tag, _)) if matches!(row.tag_remote, Some(TagRemote::Conflict { .. })) => {
                let why = format!("conflict: {} has another {tag}; shipdeck never moves a tag", row.spec.remote);
                conflicts.push(format!("{}: {why}", row.spec.name));
                skipped.push((i, why));
            }
            Some((tag, _)) => tags.push((i, tag.clone())),
            None => skipped.push((i, "no tag for this push yet (t creates one)".into())),
        }
    }
    if tags.is_empty() {
        note(model, "nothing to push: no repository has an unpushed tag for this push");
        for c in conflicts {
            let now = model.now;
            model.push_log(now, LogKind::Error, c);
        }
        return;
    }
    model.confirm = Some(Confirm::PushTags { tags, skipped });
}

pub fn confirm(model: &mut Model) -> Vec<Effect> {
    let Some(dialog) = model.confirm.take() else { return Vec::new() };
    match dialog {
        Confirm::CreateTags { tags, .. } => {
            let message = format!("{} push {}", model.release.name, model.release.push_date);
            let mut list = Vec::new();
            for p in tags {
                if let Some(row) = model.repos.get_mut(p.repo) {
                    row.op = Some(RepoOp::Tagging(p.tag.clone()));
                    list.push((p.repo, row.spec.clone(), p.tag, p.commit.sha));
                }
            }
            vec![Effect::CreateTags { tags: list, tagger: model.actor.name.clone(), message }]
        }
        Confirm::PushTags { tags, .. } => {
            let mut list = Vec::new();
            for (repo, tag) in tags {
                if let Some(row) = model.repos.get_mut(repo) {
                    row.op = Some(RepoOp::Pushing(tag.clone()));
                    list.push((repo, row.spec.clone(), tag));
                }
            }
            vec![Effect::PushTags { tags: list }]
        }
        // The checklist's dialogs are confirmed in `checklist::update`.
        other => {
            model.confirm = Some(other);
            Vec::new()
        }
    }
}

pub fn on_tag_created(
    model: &mut Model,
    repo: usize,
    tag: String,
    result: Result<String, String>,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(row) = model.repos.get_mut(repo) else { return Vec::new() };
    row.op = None;
    let name = row.spec.name.clone();
    let mut effects = Vec::new();
    match &result {
        // The answer is the commit tagged: the one the dialog showed, even
        // when a rescan moved the head meanwhile.
        Ok(commit) => {
            row.tag_remote = Some(TagRemote::Absent);
            row.last_result = Some((at, Ok(format!("tagged {tag}"))));
            let event = EventKind::TagCreated { repo: name, tag, commit: commit.clone() };
            effects.push(model.record(event, at, false));
        }
        Err(e) => {
            row.last_result = Some((at, Err(e.clone())));
            model.push_log(at, LogKind::Error, format!("{name}: tag {tag} not created: {e}"));
        }
    }
    effects.extend(rescan(model, repo));
    effects
}

pub fn on_tag_pushed(
    model: &mut Model,
    repo: usize,
    tag: String,
    result: Result<String, String>,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(row) = model.repos.get_mut(repo) else { return Vec::new() };
    row.op = None;
    let name = row.spec.name.clone();
    match result {
        Ok(_) => {
            row.tag_remote = Some(TagRemote::Pushed);
            row.last_result = Some((at, Ok(format!("pushed {tag} to {}", row.spec.remote))));
            vec![model.record(EventKind::TagPushed { repo: name, tag }, at, false)]
        }
        Err(e) => {
            if let Some(conflict) = conflict_in(&e, &tag) {
                row.tag_remote = Some(conflict);
            }
            row.last_result = Some((at, Err(e.clone())));
            model.push_log(at, LogKind::Error, format!("{name}: push of {tag} failed: {e}"));
            Vec::new()
        }
    }
}

/// One line of the "Pushing:" block: the compare URL over the push's range,
/// or why there is none worth following.
pub fn pushing_line(row: &super::repos::RepoRow) -> Option<String> {
    let status = row.status.value()?;
    let range = status.range()?;
    // The range is empty: a link to nothing would only be noise, and no
    // web URL is needed to say so.
    if status.state() == TagState::Unchanged {
        return Some(format!("no changes since {}", range.from));
    }
    let url = row.compare_url(&range.from, &range.to_label())?;
    Some(if range.to_head { format!("{url}  (not tagged yet)") } else { url })
}

/// The "Pushing:" block of the notes: `(repo, line)` per repository with a
/// web URL, over the push's compare range. Before a repository is tagged its
/// URL ends at the branch head's commit: a URL never names a tag that does
/// not exist yet.
pub fn pushing_urls(model: &Model) -> Vec<(String, String)> {
    model.repos.iter().filter_map(|r| Some((r.spec.name.clone(), pushing_line(r)?))).collect()
}

pub fn open_compare(model: &mut Model) -> Vec<Effect> {
    let repo = model.repo_selected;
    let Some(row) = model.repos.get(repo) else { return Vec::new() };
    let Some(status) = row.status.value() else {
        note(model, "this repository has not been scanned yet");
        return Vec::new();
    };
    let Some(CompareRange { from, to, to_head }) = status.range() else {
        note(model, "no previous push tag to compare from");
        return Vec::new();
    };
    model.generation += 1;
    let generation = model.generation;
    let spec: RepoSpec = row.spec.clone();
    model.compare = Some(CompareView {
        repo,
        from: from.clone(),
        to: to.clone(),
        to_head,
        generation,
        commits: Remote::Loading,
        show_merges: false,
        selected: 0,
    });
    vec![Effect::LoadCompare { generation, repo, spec, from, to }]
}

pub fn on_compare_loaded(
    model: &mut Model,
    generation: u64,
    result: Result<Vec<CommitInfo>, String>,
    at: DateTime<Utc>,
) {
    let Some(view) = model.compare.as_mut() else { return };
    if view.generation != generation {
        return;
    }
    view.commits = match result {
        Ok(value) => Remote::Ready { value, at },
        Err(error) => Remote::Failed { error, at },
    };
}

/// The compare URL of the open view, else of the selected repository.
pub fn current_url(model: &Model) -> Option<String> {
    if let Some(view) = &model.compare {
        return model.repos.get(view.repo)?.compare_url(&view.from, &ref_label(&view.to));
    }
    let row = model.repos.get(model.repo_selected)?;
    let range = row.status.value()?.range()?;
    row.compare_url(&range.from, &range.to_label())
}

pub fn url_effect(model: &mut Model, copy: bool) -> Vec<Effect> {
    match current_url(model) {
        Some(url) if copy => {
            note(model, &format!("copied {url}"));
            vec![Effect::Copy(url)]
        }
        Some(url) => vec![Effect::OpenUrl(url)],
        None => {
            note(model, "no compare URL: set web_url for this repository and make sure it has a previous push tag");
            Vec::new()
        }
    }
}

fn note(model: &mut Model, text: &str) {
    let now = model.now;
    model.push_log(now, LogKind::System, text.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::domain::msg::Msg;
    use crate::domain::repos::{CommitInfo, RepoSpec};
    use crate::domain::update::update;
    use crate::domain::{Heartbeat, Probe, ProbeState, VersionInfo};
    use crate::testkit;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap()
    }

    fn spec(name: &str) -> RepoSpec {
        testkit::repo_spec(name)
    }

    fn commit(seed: &str) -> CommitInfo {
        let mut c = testkit::commit(seed, "Fix it", "Ada", 0);
        c.merge = false;
        c
    }

    fn status(tags: &[(&str, &str)], head: &str) -> RepoStatus {
        testkit::repo_status(tags, head)
    }

    /// Two services: `web` linked to repo 0, `api` to nothing; repos `web`, `lib`.
    fn model() -> Model {
        let mut specs = testkit::specs(&["web", "api"]);
        specs[0].repo = Some("web".into());
        Model::new(
            testkit::release(),
            crate::domain::actor::Actor { name: "alice".into(), role: crate::domain::actor::Role::Rm },
            vec!["stage".into(), "prod".into()],
            &specs,
            &[spec("web"), spec("lib")],
            std::time::Duration::from_secs(15),
            t0(),
        )
    }

    fn scanned(m: &mut Model, repo: usize, s: RepoStatus) {
        let generation = m.repos[repo].scan_gen;
        update(m, Msg::RepoScanned { generation, repo, result: Ok(Box::new(s)), at: t0() });
    }

    #[test]
    fn first_tick_scans_every_repo_once() {
        let mut m = model();
        let effects = update(&mut m, Msg::Tick(t0()));
        let scans: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::ScanRepos { .. })).collect();
        assert_eq!(scans.len(), 1);
        let Effect::ScanRepos { repos, .. } = scans[0] else { unreachable!() };
        assert_eq!(repos.len(), 2);
        let again = update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(1)));
        assert!(!again.iter().any(|e| matches!(e, Effect::ScanRepos { .. })), "not rescanned every tick");
    }

    #[test]
    fn stale_scans_are_dropped() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        let current = m.repos[0].scan_gen;
        update(&mut m, Msg::RepoScanned { generation: current - 1, repo: 0, result: Err("old".into()), at: t0() });
        assert!(matches!(m.repos[0].status, Remote::Loading));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "b"));
        assert!(m.repos[0].status.value().is_some());
    }

    #[test]
    fn services_follow_their_repository_target_including_commits() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "c"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a")], "d"));
        assert_eq!(m.rollout.services[0].target.tag, "2026.11.26-1");
        assert_eq!(m.rollout.services[0].target.commit.as_deref(), Some("c".repeat(40).as_str()));
        // The release follows the newest tag for the push date; unlinked services use it.
        assert_eq!(m.release.target_tag, "2026.11.26-1");
        assert_eq!(m.rollout.services[1].target.tag, "2026.11.26-1");
        // A service that reports only a commit is on target when it is the tag's commit.
        let probe = Probe {
            state: ProbeState::Ok,
            info: VersionInfo { commit: Some("ccccccc".into()), ..Default::default() },
            heartbeat: Heartbeat::Ok,
            heartbeat_detail: None,
            error: None,
            latency_ms: Some(1),
            final_url: None,
            at: t0(),
        };
        let generation = m.rollout.services[0].cells[1].as_ref().unwrap().in_flight.unwrap();
        update(&mut m, Msg::Probed { generation, service: 0, env: 1, probe });
        assert_eq!(m.rollout.progress(1).on_target, 1);
    }

    #[test]
    fn the_log_names_the_target_the_header_shows() {
        let mut m = model();
        let first = m.log.front().unwrap().text.clone();
        assert!(first.starts_with("session started: AMO push 2026-11-26") && !first.contains("target"), "{first}");
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "e"));
        assert_eq!(m.release.target_tag, "2026.11.26-1");
        let said: Vec<&str> = m.log.iter().map(|l| l.text.as_str()).collect();
        assert!(said.contains(&"target 2026.11.26-1: the newest tag of this push"), "{said:?}");
        // Said once, not at every scan.
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "e"));
        assert_eq!(m.log.iter().filter(|l| l.text.starts_with("target ")).count(), 1);
    }

    #[test]
    fn a_tagged_repository_is_never_proposed_again_whatever_its_branch_did() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        // Tagged at `c`; main has moved on to `e`.
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "c")], "e"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a"), ("2026.11.26", "d")], "d"));
        update(&mut m, Msg::Action(Action::CreateTags));
        assert!(m.confirm.is_none(), "nothing to tag");
        let (_, skipped) = tag_plan(&m);
        assert!(skipped[0].1.contains("already tagged 2026.11.26; 2 commits on main not in this push"), "{skipped:?}");
        // The compare and its URL end at the tag, not at the branch head.
        let range = m.repos[0].status.value().unwrap().range().unwrap();
        assert_eq!((range.to.as_str(), range.to_head), ("2026.11.26", false));
        m.focus = crate::domain::Pane::Repos;
        assert_eq!(current_url(&m).unwrap(), "https://github.com/example/web/compare/2026.11.19...2026.11.26");
        // A deliberate re-tag is possible, on another commit only.
        assert!(propose_retag(&mut m, 0, commit("c")).unwrap_err().contains("already tagged 2026.11.26"));
        propose_retag(&mut m, 0, commit("e")).unwrap();
        let Some(Confirm::CreateTags { tags, .. }) = &m.confirm else { panic!("dialog") };
        assert_eq!(tags[0].tag, "2026.11.26-1");
    }

    #[test]
    fn tagging_asks_first_then_tags_only_what_needs_it() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "b"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a"), ("2026.11.26", "d")], "d"));
        assert!(update(&mut m, Msg::Action(Action::CreateTags)).is_empty(), "nothing happens before confirming");
        let Some(Confirm::CreateTags { tags, skipped }) = &m.confirm else { panic!("dialog") };
        assert_eq!(tags.len(), 1);
        assert_eq!((tags[0].repo, tags[0].tag.as_str()), (0, "2026.11.26"));
        assert_eq!(skipped.len(), 1);
        // Keys behind the dialog do nothing; cancel closes it.
        assert!(update(&mut m, Msg::Action(Action::Fetch)).is_empty());
        update(&mut m, Msg::Action(Action::Cancel));
        assert!(m.confirm.is_none());
        update(&mut m, Msg::Action(Action::CreateTags));
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [Effect::CreateTags { tags, tagger, message }] = effects.as_slice() else { panic!("{effects:?}") };
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].2, "2026.11.26");
        assert_eq!(tags[0].3, "b".repeat(40));
        assert_eq!(tagger, "alice");
        assert!(message.contains("AMO"));
        assert_eq!(m.repos[0].op, Some(RepoOp::Tagging("2026.11.26".into())));
        let before = m.log.len();
        let effects =
            update(&mut m, Msg::TagCreated { repo: 0, tag: "2026.11.26".into(), result: Ok("b".repeat(40)), at: t0() });
        // Saved to the journal, then the repository is scanned again.
        let [Effect::Append(event), Effect::ScanRepos { .. }] = effects.as_slice() else { panic!("{effects:?}") };
        assert_eq!(
            event.kind,
            crate::domain::journal::EventKind::TagCreated {
                repo: "web".into(),
                tag: "2026.11.26".into(),
                commit: "b".repeat(40)
            }
        );
        assert_eq!(event.actor.name, "alice");
        assert_eq!(m.log.len(), before + 1);
        assert!(m.log.back().unwrap().text.contains("web: tagged 2026.11.26 at bbbbbbb by alice"));
    }

    #[test]
    fn a_refused_tag_is_reported_not_retried() {
        let mut m = model();
        let at = t0();
        let effects =
            update(&mut m, Msg::TagCreated { repo: 1, tag: "2026.11.26".into(), result: Err("tag exists".into()), at });
        assert!(matches!(effects.as_slice(), [Effect::ScanRepos { .. }]), "only a rescan, no retry");
        assert!(m.log.back().unwrap().text.contains("not created: tag exists"));
        let effects =
            update(&mut m, Msg::TagPushed { repo: 1, tag: "2026.11.26".into(), result: Err("rejected".into()), at });
        assert!(effects.is_empty());
        assert_eq!(m.repos[1].tag_remote, None);
        assert!(m.log.back().unwrap().text.contains("push of 2026.11.26 failed: rejected"));
    }

    #[test]
    fn a_conflicting_remote_tag_is_never_pushed_and_not_pushed_again() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b")], "b"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a"), ("2026.11.26", "d")], "d"));
        let theirs = "e".repeat(40);
        let said = crate::domain::repos::conflict_error("origin", "2026.11.26", Some(&theirs));
        update(&mut m, Msg::TagPushed { repo: 0, tag: "2026.11.26".into(), result: Err(said), at: t0() });
        assert_eq!(m.repos[0].tag_remote, Some(TagRemote::Conflict { remote_commit: Some(theirs) }));
        // A fetch that refused to take the remote's tag says the same.
        let said = format!("git fetch: {}", crate::domain::repos::conflict_error("origin", "2026.11.26", None));
        update(&mut m, Msg::Fetched { repo: 1, result: Err(said), at: t0() });
        assert_eq!(m.repos[1].tag_remote, Some(TagRemote::Conflict { remote_commit: None }));
        // Neither is proposed again, and neither counts as pushed.
        update(&mut m, Msg::Action(Action::PushTags));
        assert!(m.confirm.is_none(), "nothing to push");
        let said: Vec<&str> = m.log.iter().rev().take(3).map(|l| l.text.as_str()).collect();
        assert!(said.iter().any(|l| l.contains("nothing to push")), "{said:?}");
        assert!(said.iter().any(|l| l.contains("web: conflict: origin has another 2026.11.26")), "{said:?}");
    }

    #[test]
    fn compare_opens_loads_and_ignores_stale_answers() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "b"));
        m.focus = crate::domain::Pane::Repos;
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [Effect::LoadCompare { generation, from, to, .. }] = effects.as_slice() else { panic!("{effects:?}") };
        assert_eq!((from.as_str(), to.as_str()), ("2026.11.19", "b".repeat(40).as_str()));
        let generation = *generation;
        update(&mut m, Msg::CompareLoaded { generation: generation - 1, result: Ok(vec![]), at: t0() });
        assert!(matches!(m.compare.as_ref().unwrap().commits, Remote::Loading));
        let mut merge = commit("e");
        merge.merge = true;
        update(&mut m, Msg::CompareLoaded { generation, result: Ok(vec![commit("d"), merge]), at: t0() });
        assert_eq!(m.compare.as_ref().unwrap().visible().len(), 1, "merges hidden by default");
        update(&mut m, Msg::Action(Action::ToggleMerges));
        assert_eq!(m.compare.as_ref().unwrap().visible().len(), 2);
        let copy = update(&mut m, Msg::Action(Action::CopyUrl));
        assert_eq!(copy, vec![Effect::Copy("https://github.com/example/web/compare/2026.11.19...bbbbbbbbbbbb".into())]);
        update(&mut m, Msg::Action(Action::Cancel));
        assert!(m.compare.is_none());
    }
}
