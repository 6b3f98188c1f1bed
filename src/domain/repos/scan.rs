//! Scans of the repositories. The targets their tags set for the release
//! and for each service are the root's (`domain/targets.rs`).

use super::facts::Facts;
use super::{RepoStatus, Repos};
use crate::domain::kernel::remote::Remote;
use crate::domain::msg::Effect;
use crate::domain::repos::msg::ReposEffect;
use chrono::{DateTime, Utc};

/// How often repositories are re-scanned without being asked (someone may
/// tag from the command line or another cockpit).
pub const RESCAN_SECS: i64 = 60;

pub fn scan_due(repos: &Repos, now: DateTime<Utc>) -> bool {
    !repos.rows.is_empty() && repos.scanned.is_none_or(|t| (now - t).num_seconds() >= RESCAN_SECS)
}

/// Asks, under the fresh `generation`, for a scan of every repository not
/// already being scanned.
pub fn scan_all(repos: &mut Repos, facts: &Facts, generation: u64) -> Vec<Effect> {
    repos.scanned = Some(facts.now);
    let mut asked = Vec::new();
    for (i, row) in repos.rows.iter_mut().enumerate() {
        if row.scanning {
            continue;
        }
        row.scanning = true;
        row.scan_gen = generation;
        if matches!(row.status, Remote::Idle) {
            row.status = Remote::Loading;
        }
        asked.push((i, row.spec.clone()));
    }
    if asked.is_empty() {
        return Vec::new();
    }
    vec![Effect::Repos(ReposEffect::Scan {
        generation,
        repos: asked,
        push_date: facts.push_date,
        tag_format: facts.tag_format.to_string(),
    })]
}

pub fn on_scanned(
    repos: &mut Repos,
    generation: u64,
    repo: usize,
    result: Result<RepoStatus, String>,
    at: DateTime<Utc>,
) {
    let Some(row) = repos.rows.get_mut(repo) else { return };
    if generation < row.scan_gen {
        return;
    }
    row.scanning = false;
    row.status = match result {
        Ok(value) => Remote::Ready { value, at },
        Err(error) => Remote::Failed { error, at },
    };
}

pub(super) fn rescan(repos: &mut Repos, facts: &Facts, generation: impl FnOnce() -> u64, repo: usize) -> Vec<Effect> {
    let Some(row) = repos.rows.get_mut(repo) else { return Vec::new() };
    let generation = generation();
    row.scanning = true;
    row.scan_gen = generation;
    vec![Effect::Repos(ReposEffect::Scan {
        generation,
        repos: vec![(repo, row.spec.clone())],
        push_date: facts.push_date,
        tag_format: facts.tag_format.to_string(),
    })]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::domain::msg::Msg;
    use crate::domain::repos::msg::ReposMsg;
    use crate::domain::rollout::msg::RolloutMsg;
    use crate::domain::update::update;
    use crate::domain::{Heartbeat, Probe, ProbeState, VersionInfo};
    #[test]
    fn first_tick_scans_every_repo_once() {
        let mut m = model();
        let effects = update(&mut m, Msg::Tick(t0()));
        let scans: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::Repos(ReposEffect::Scan { .. }))).collect();
        assert_eq!(scans.len(), 1);
        let Effect::Repos(ReposEffect::Scan { repos, .. }) = scans[0] else { unreachable!() };
        assert_eq!(repos.len(), 2);
        let again = update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(1)));
        assert!(
            !again.iter().any(|e| matches!(e, Effect::Repos(ReposEffect::Scan { .. }))),
            "not rescanned every tick"
        );
    }

    #[test]
    fn stale_scans_are_dropped() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        let current = m.repos.rows[0].scan_gen;
        update(
            &mut m,
            Msg::Repos(ReposMsg::Scanned { generation: current - 1, repo: 0, result: Err("old".into()), at: t0() }),
        );
        assert!(matches!(m.repos.rows[0].status, Remote::Loading));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "b"));
        assert!(m.repos.rows[0].status.value().is_some());
    }

    #[test]
    fn services_follow_their_repository_target_including_commits() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "c"));
        scanned(&mut m, 1, status(&[("2026.11.19", "a")], "d"));
        assert_eq!(m.rollout.services[0].target.tag, "2026.11.26-1");
        assert_eq!(m.rollout.services[0].target.commit.as_deref(), Some("c".repeat(40).as_str()));
        // The release follows the newest tag for the push date; a service
        // without a repository follows the push's first tag, since a
        // repository's re-tag says nothing of a service built elsewhere.
        assert_eq!(m.release.target_tag, "2026.11.26-1");
        assert_eq!(m.rollout.services[1].repo, None);
        assert_eq!(m.rollout.services[1].target.tag, "2026.11.26");
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
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation, service: 0, env: 1, probe }));
        assert_eq!(m.rollout.progress(1).on_target, 1);
    }

    #[test]
    fn the_log_names_the_target_the_header_shows() {
        let mut m = model();
        let first = m.log.entries.front().unwrap().text.clone();
        assert!(first.starts_with("session started: AMO push 2026-11-26") && !first.contains("target"), "{first}");
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "e"));
        assert_eq!(m.release.target_tag, "2026.11.26-1");
        let said: Vec<&str> = m.log.entries.iter().map(|l| l.text.as_str()).collect();
        assert!(said.contains(&"target 2026.11.26-1: the newest tag of this push"), "{said:?}");
        // Said once, not at every scan.
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "e"));
        assert_eq!(m.log.entries.iter().filter(|l| l.text.starts_with("target ")).count(), 1);
    }

    /// The root re-derives the targets after every scan answer: one that
    /// came too late moves nothing and says nothing.
    #[test]
    fn a_stale_scan_leaves_the_targets_and_the_log_alone() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a"), ("2026.11.26", "b"), ("2026.11.26-1", "c")], "c"));
        assert_eq!(m.release.target_tag, "2026.11.26-1");
        let (target, service, lines) =
            (m.release.target_tag.clone(), m.rollout.services[0].target.clone(), m.log.entries.len());
        let stale = m.repos.rows[1].scan_gen - 1;
        update(
            &mut m,
            Msg::Repos(ReposMsg::Scanned { generation: stale, repo: 1, result: Err("old".into()), at: t0() }),
        );
        assert_eq!((m.release.target_tag.as_str(), &m.rollout.services[0].target), (target.as_str(), &service));
        assert_eq!(m.log.entries.len(), lines);
    }
}
