//! git effects as tasks, one per repository, each answering with its `Msg`.
//! Local work (scan, tag, compare, a `/pick`'s commit) runs blocking, off
//! the runtime's threads; network work is bounded by the `[git] timeout`.

use crate::domain::Msg;
use crate::domain::notes::msg::NotesMsg;
use crate::domain::repos::msg::ReposMsg;
use crate::domain::repos::risk::RiskRules;
use crate::domain::repos::{CompareRange, RepoSpec};
use crate::io::task::{blocking, guarded};
use chrono::{NaiveDate, Utc};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Each scan also finds the push's risky commits (`rules`): the range is
/// known only once the tags are.
pub fn scan(
    tx: &UnboundedSender<Msg>,
    generation: u64,
    repos: Vec<(usize, RepoSpec)>,
    push_date: NaiveDate,
    tag_format: String,
    (rules, memo): (&RiskRules, &super::RiskMemo),
) {
    for (repo, spec) in repos {
        let (tx, format, rules, memo) = (tx.clone(), tag_format.clone(), rules.clone(), memo.clone());
        tokio::spawn(async move {
            let what = format!("{}: scan", spec.name);
            let result = blocking(&what, move || {
                let mut status = super::local::scan(&spec, push_date, &format)?;
                match super::risk::risky(&spec, &status, &rules, &memo) {
                    Ok((risky, cut)) => {
                        status.risky = risky;
                        status.warnings.extend(cut);
                    }
                    // The scan stands; what could not be checked is said.
                    Err(e) => status.warnings.push(e.message),
                }
                Ok::<_, super::GitError>(Box::new(status))
            })
            .await;
            let _ = tx.send(Msg::Repos(ReposMsg::Scanned { generation, repo, result, at: Utc::now() }));
        });
    }
}

/// Fetches each repository; with a tag, also asks the remote whether it has
/// it. A check that fails is said in the answer, not dropped: "not checked"
/// would be wrong.
pub fn fetch(tx: &UnboundedSender<Msg>, repos: Vec<(usize, RepoSpec, Option<String>)>, timeout: Duration) {
    for (repo, spec, tag) in repos {
        let tx = tx.clone();
        tokio::spawn(async move {
            let what = format!("{}: fetch", spec.name);
            let result = guarded(&what, async {
                let said = super::remote::fetch_within(&spec, timeout).await?;
                Ok::<_, super::RemoteError>(match &tag {
                    None => (said, None),
                    Some(t) => match super::remote::remote_tag(&spec, t, timeout).await {
                        Ok(state) => (said, Some(state)),
                        Err(e) => (format!("{said}; whether the remote has {t} is unknown: {e}"), None),
                    },
                })
            })
            .await;
            let _ = tx.send(Msg::Repos(ReposMsg::Fetched { repo, result, at: Utc::now() }));
        });
    }
}

/// Each answer names the commit tagged, for the journal.
pub fn create_tags(
    tx: &UnboundedSender<Msg>,
    tags: Vec<(usize, RepoSpec, String, String)>,
    tagger: String,
    message: String,
) {
    for (repo, spec, tag, commit) in tags {
        let (tx, tagger, message) = (tx.clone(), tagger.clone(), message.clone());
        tokio::spawn(async move {
            let t = tag.clone();
            let what = format!("{}: tag {t}", spec.name);
            let result = blocking(&what, move || {
                super::local::create_tag(&spec, &t, &commit, &tagger, &message).map(|_| commit)
            })
            .await;
            let _ = tx.send(Msg::Repos(ReposMsg::TagCreated { repo, tag, result, at: Utc::now() }));
        });
    }
}

pub fn push_tags(tx: &UnboundedSender<Msg>, tags: Vec<(usize, RepoSpec, String)>, timeout: Duration) {
    for (repo, spec, tag) in tags {
        let tx = tx.clone();
        tokio::spawn(async move {
            let what = format!("{}: push of {tag}", spec.name);
            let result = guarded(&what, super::remote::push_tag_within(&spec, &tag, timeout)).await;
            let _ = tx.send(Msg::Repos(ReposMsg::TagPushed { repo, tag, result, at: Utc::now() }));
        });
    }
}

pub fn compare(tx: &UnboundedSender<Msg>, generation: u64, spec: RepoSpec, from: String, to: String) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let what = format!("{}: compare {from}..{to}", spec.name);
        let result = blocking(&what, move || super::local::compare(&spec, &from, &to)).await;
        let _ = tx.send(Msg::Repos(ReposMsg::CompareLoaded { generation, result, at: Utc::now() }));
    });
}

pub fn pick(tx: &UnboundedSender<Msg>, sha: String, repos: Vec<RepoSpec>, ranges: Vec<(String, CompareRange)>) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let result = super::pick::resolve_pick(&sha, &repos, &ranges).map_err(|e| e.to_string());
        let _ = tx.send(Msg::Notes(NotesMsg::PickResolved { result }));
    });
}

/// A re-tag from the pick basket: local work, but through the git command
/// (worktrees, cherry-picks), each step bounded by [`super::STEP_TIMEOUT`].
pub fn retag(
    tx: &UnboundedSender<Msg>,
    repo: usize,
    spec: RepoSpec,
    (base, tag): (String, String),
    picks: Vec<(String, String)>,
    message: String,
) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let what = format!("{}: re-tag {tag}", spec.name);
        let work = super::retag::retag(&spec, &base, &tag, &picks, &message, super::STEP_TIMEOUT);
        let result = guarded(&what, work).await;
        let _ = tx.send(Msg::Repos(ReposMsg::Retagged { repo, tag, result, at: Utc::now() }));
    });
}
