//! The organization's project list: slugs to ids, read page after page,
//! and read again for a slug it lacks or a project refused.

use super::client::{Project, ProjectMap, SentryClient};
use super::request::Fail;
use crate::domain::sentry::{RateLimit, SentryError};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::collections::HashMap;

/// Pages of the project list followed at most (100 projects a page).
const MAX_PAGES: usize = 20;
/// A slug the project list does not have is looked for again only when the
/// list is at least this old.
const RELOOKUP_AFTER_SECS: i64 = 120;
/// Sentry's organization auth tokens start so; they only have `org:ci`.
const ORG_TOKEN_PREFIX: &str = "sntrys_";

impl SentryClient {
    /// The project of `slug`. The list is read whole, once; a slug not in
    /// it is looked for again only when the list is older than
    /// [`RELOOKUP_AFTER_SECS`].
    pub(super) async fn project(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Project, SentryError> {
        let mut map = self.projects.lock().await;
        let stale = map.read_at.is_none_or(|t| now - t >= Duration::seconds(RELOOKUP_AFTER_SECS));
        if map.read_at.is_none() || (stale && !map.by_slug.contains_key(slug)) {
            self.read_projects(&mut map, now, rate).await?;
        }
        match map.by_slug.get(slug) {
            Some(p) => Ok(p.clone()),
            None => Err(SentryError::NotFound { what: format!("project `{slug}` in organization `{}`", self.org) }),
        }
    }

    /// The project of `slug` after a 403 or 404 for it: the list is read
    /// again, unless it was read for this same poll (a poll's fetches share
    /// its `now`), so a deleted or re-created project is named right at
    /// once, at the cost of one list read per refused poll at most.
    pub(super) async fn relookup(
        &self,
        slug: &str,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<Option<Project>, SentryError> {
        let mut map = self.projects.lock().await;
        if map.read_at != Some(now) {
            self.read_projects(&mut map, now, rate).await?;
        }
        Ok(map.by_slug.get(slug).cloned())
    }

    /// One pass over the organization's project list, page after page
    /// (Sentry's `Link` header, `rel="next"; results="true"`), at most
    /// [`MAX_PAGES`].
    async fn read_projects(
        &self,
        map: &mut ProjectMap,
        now: DateTime<Utc>,
        rate: &mut Option<RateLimit>,
    ) -> Result<(), SentryError> {
        let path = format!("/api/0/organizations/{}/projects/", self.org);
        let what = format!("organization `{}`", self.org);
        let mut found = HashMap::new();
        let mut query: Vec<(&str, String)> = Vec::new();
        for _ in 0..MAX_PAGES {
            let (body, next) = self.get_page(&path, &query, &what, rate).await.map_err(|f| match f {
                Fail::Status { status: 403, .. } => SentryError::OrgForbidden {
                    org: self.org.clone(),
                    org_token: self.token.as_ref().is_ok_and(|t| t.0.starts_with(ORG_TOKEN_PREFIX)),
                },
                Fail::Status { status: 404, .. } => SentryError::NotFound { what: what.clone() },
                Fail::Status { status, .. } => SentryError::Server { status },
                Fail::Other(e) => e,
            })?;
            let bad = |message: String| SentryError::Bad { what: "the project list".into(), message };
            let list: Value = serde_json::from_slice(&body).map_err(|e| bad(e.to_string()))?;
            let Value::Array(list) = list else {
                return Err(bad("not a JSON array".into()));
            };
            for p in list {
                let id = match p.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => continue,
                };
                if let Some(s) = p.get("slug").and_then(Value::as_str) {
                    let has_access = p.get("hasAccess").and_then(Value::as_bool);
                    found.insert(s.to_string(), Project { id, has_access });
                }
            }
            match next {
                Some(cursor) => query = vec![("cursor", cursor)],
                None => break,
            }
        }
        map.by_slug = found;
        map.read_at = Some(now);
        Ok(())
    }
}
