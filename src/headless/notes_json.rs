//! `shipdeck notes --json`: the push notes as data (the README documents the
//! shape), from the same fold the markdown and the mail are written from.

use crate::domain::Model;
use crate::domain::checklist::report::ChecklistReport;
use crate::domain::journal::EventActor;
use crate::domain::notes::Entry;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct NotesReport {
    pub release: String,
    pub push_date: String,
    pub target: String,
    pub hero: Option<String>,
    pub notable: Vec<Said>,
    /// Open and resolved, each with the number `/unblock N` takes.
    pub blockers: Vec<BlockerReport>,
    pub picks: Vec<PickReport>,
    /// Each repository's compare link for this push (`previous...new`).
    pub pushing: Vec<Pushing>,
    /// Commits in the push touching `[risk] paths`, per repository.
    pub risky: Vec<RiskyReport>,
    pub notes: Vec<Said>,
    /// The sign-off checklist as `shipdeck checklist --json` has it, with the
    /// push's start, finish and duration.
    pub checklist: ChecklistReport,
}

#[derive(Debug, Serialize)]
pub struct Said {
    pub text: String,
    pub by: EventActor,
    pub at: DateTime<Utc>,
    /// Taken back (`/retract`): kept, with who took it back and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Retracted>,
}

#[derive(Debug, Serialize)]
pub struct Retracted {
    pub by: EventActor,
    pub at: DateTime<Utc>,
}

fn retracted(r: &Option<(EventActor, DateTime<Utc>)>) -> Option<Retracted> {
    r.as_ref().map(|(by, at)| Retracted { by: by.clone(), at: *at })
}

#[derive(Debug, Serialize)]
pub struct BlockerReport {
    pub number: usize,
    pub text: String,
    pub by: EventActor,
    pub at: DateTime<Utc>,
    pub resolved_by: Option<EventActor>,
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Retracted>,
}

#[derive(Debug, Serialize)]
pub struct PickReport {
    pub repo: String,
    pub sha: String,
    pub summary: String,
    pub by: EventActor,
    pub at: DateTime<Utc>,
    /// The commit's page, when the repository has a `web_url`.
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Retracted>,
    /// The tag a re-tag from the basket put it in (`shipdeck retag`, `T`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipped_in: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RiskyReport {
    pub repo: String,
    #[serde(flatten)]
    pub commit: crate::domain::repos::risk::RiskyCommit,
}

#[derive(Debug, Serialize)]
pub struct Pushing {
    pub repo: String,
    pub compare: String,
}

fn said(e: &Entry) -> Said {
    Said { text: e.text.clone(), by: e.by.clone(), at: e.at, retracted: retracted(&e.retracted) }
}

pub fn report(model: &Model) -> NotesReport {
    let n = &model.notes;
    let r = &model.release;
    NotesReport {
        release: r.name.clone(),
        push_date: r.push_date.to_string(),
        target: r.target_tag.clone(),
        hero: r.hero().map(str::to_string),
        notable: n.notable.iter().map(said).collect(),
        blockers: n
            .blockers
            .iter()
            .map(|b| BlockerReport {
                number: b.number,
                text: b.entry.text.clone(),
                by: b.entry.by.clone(),
                at: b.entry.at,
                resolved_by: b.resolved.as_ref().map(|(by, _)| by.clone()),
                resolved_at: b.resolved.as_ref().map(|(_, at)| *at),
                retracted: retracted(&b.entry.retracted),
            })
            .collect(),
        picks: n
            .picks
            .iter()
            .map(|p| PickReport {
                repo: p.repo.clone(),
                sha: p.sha.clone(),
                summary: p.summary.clone(),
                by: p.by.clone(),
                at: p.at,
                url: model
                    .repos
                    .rows
                    .iter()
                    .find(|row| row.spec.name == p.repo)
                    .and_then(|row| row.spec.web_url.as_deref())
                    .map(|u| format!("{}/commit/{}", u.trim_end_matches('/'), p.sha)),
                retracted: retracted(&p.retracted),
                shipped_in: n.shipped_in(p).map(str::to_string),
            })
            .collect(),
        pushing: crate::domain::repos::update::pushing_urls(&model.repos)
            .into_iter()
            .map(|(repo, compare)| Pushing { repo, compare })
            .collect(),
        risky: model
            .repos
            .rows
            .iter()
            .flat_map(|r| {
                let risky = r.status.value().map_or(&[][..], |s| &s.risky);
                risky.iter().map(|c| RiskyReport { repo: r.spec.name.clone(), commit: c.clone() })
            })
            .collect(),
        notes: n.notes.iter().map(said).collect(),
        checklist: ChecklistReport::from_model(model),
    }
}
