//! Test helpers: a model with two services and two repositories, and scans
//! of made-up histories.

use super::{CommitInfo, RepoSpec, RepoStatus};
use crate::domain::model::Model;
use crate::domain::msg::Msg;
use crate::domain::repos::msg::ReposMsg;
use crate::domain::update::update;
use crate::testkit;
use chrono::{DateTime, TimeZone, Utc};

pub(super) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 14, 0, 0).unwrap()
}

pub(super) fn spec(name: &str) -> RepoSpec {
    testkit::repo_spec(name)
}

pub(super) fn commit(seed: &str) -> CommitInfo {
    let mut c = testkit::commit(seed, "Fix it", "Ada", 0);
    c.merge = false;
    c
}

pub(super) fn status(tags: &[(&str, &str)], head: &str) -> RepoStatus {
    testkit::repo_status(tags, head)
}

/// Two services: `web` linked to repo 0, `api` to nothing; repos `web`, `lib`.
pub(super) fn model() -> Model {
    let mut specs = testkit::specs(&["web", "api"]);
    specs[0].repo = Some("web".into());
    Model::new(
        testkit::release(),
        crate::domain::kernel::actor::Actor { name: "alice".into(), role: crate::domain::kernel::actor::Role::Rm },
        vec!["stage".into(), "prod".into()],
        &specs,
        &[spec("web"), spec("lib")],
        std::time::Duration::from_secs(15),
        t0(),
    )
}

pub(super) fn scanned(m: &mut Model, repo: usize, s: RepoStatus) {
    let generation = m.repos.rows[repo].scan_gen;
    update(m, Msg::Repos(ReposMsg::Scanned { generation, repo, result: Ok(Box::new(s)), at: t0() }));
}
