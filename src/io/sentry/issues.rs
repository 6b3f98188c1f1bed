//! The issue searches: new issues and regressions, the queries a Sentry
//! without `issue.category` or `is:regressed` is asked instead, and the
//! issue list read.

use super::client::SentryClient;
use super::parse::{ParseError, bucket_count};
use super::request::{Fail, Scoped};
use crate::domain::sentry::{NewIssue, RateLimit, SentryError};
use crate::io::sanitize::clean_max;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::sync::atomic::Ordering;

/// Issues asked per list.
const ISSUE_LIMIT: &str = "25";
/// `GroupInboxReason.REGRESSION` in an issue's `inbox`.
const INBOX_REGRESSION: u64 = 2;

/// What an issue search's 400 says this Sentry does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unknown {
    Category,
    Regressed,
}

impl SentryClient {
    /// An issue search, its query made by `query(category, regressed)` from
    /// what this Sentry is known to have (`None`: nothing to ask). A 400
    /// saying it lacks one of them is remembered and the search made again
    /// without it, at most twice.
    pub(super) async fn search(
        &self,
        slug: &str,
        id: &str,
        sort: &str,
        rate: &mut Option<RateLimit>,
        query: impl Fn(bool, bool) -> Option<String>,
    ) -> Result<Vec<NewIssue>, Scoped> {
        let what = format!("issues for {slug}");
        for _ in 0..3 {
            let category = !self.no_category.load(Ordering::Relaxed);
            let regressed = !self.no_regressed.load(Ordering::Relaxed);
            let Some(q) = query(category, regressed) else { return Ok(Vec::new()) };
            match self.issues(id, &q, sort, &what, rate).await {
                Err(Fail::Status { status: 400, detail: Some(d) }) => match unknown_in_search(&d) {
                    Some(Unknown::Category) if category => self.no_category.store(true, Ordering::Relaxed),
                    Some(Unknown::Regressed) if regressed => self.no_regressed.store(true, Ordering::Relaxed),
                    _ => return Err(Scoped::Failed(SentryError::Rejected { what })),
                },
                Err(f) => return Err(self.scoped(f, &what)),
                Ok(body) => {
                    return parse_issues(&body)
                        .map_err(|e| Scoped::Failed(SentryError::Bad { what, message: e.to_string() }));
                }
            }
        }
        Err(Scoped::Failed(SentryError::Rejected { what }))
    }

    /// One page of the issue search: unresolved error issues matching
    /// `query`, the body as it came.
    async fn issues(
        &self,
        id: &str,
        query: &str,
        sort: &str,
        what: &str,
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<u8>, Fail> {
        let mut q = self.common(id);
        q.extend([
            ("query", query.to_string()),
            ("sort", sort.to_string()),
            ("limit", ISSUE_LIMIT.to_string()),
            ("expand", "inbox".to_string()),
        ]);
        let path = format!("/api/0/organizations/{}/issues/", self.org);
        self.get(&path, &q, what, rate).await
    }
}

/// What an issue search's 400 `detail` says this Sentry lacks, in Sentry's
/// own words (`api/event_search.py`, `api/issue_search.py`): an `is:` value
/// it does not have (`is:regressed` before substatuses), substatuses turned
/// off for the organization, an issue category it does not have. `None`
/// for any other 400.
fn unknown_in_search(detail: &str) -> Option<Unknown> {
    if detail.starts_with("Invalid value for \"is\" search") || detail.contains("substatus filter is not supported") {
        Some(Unknown::Regressed)
    } else if detail.starts_with("Invalid category value of") {
        Some(Unknown::Category)
    } else {
        None
    }
}

/// The issue list; titles and ids are untrusted text. An issue whose
/// `issueCategory` is not `error` is left out.
pub fn parse_issues(body: &[u8]) -> Result<Vec<NewIssue>, ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(ParseError::NotJson)?;
    let list = v.as_array().ok_or(ParseError::NotAnArray)?;
    let text = |i: &Value, k: &str, max: usize| i.get(k).and_then(Value::as_str).map(|s| clean_max(s, max));
    let time = |i: &Value, k: &str| i.get(k).and_then(Value::as_str)?.parse::<DateTime<Utc>>().ok();
    Ok(list
        .iter()
        .filter(|i| i.get("issueCategory").and_then(Value::as_str).is_none_or(|c| c == "error"))
        .filter_map(|i| {
            let count = match i.get("count") {
                Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
                v => bucket_count(v).ok().flatten().unwrap_or(0),
            };
            let inbox = i.get("inbox").filter(|b| b.get("reason").and_then(Value::as_u64) == Some(INBOX_REGRESSION));
            Some(NewIssue {
                short_id: text(i, "shortId", 40)?,
                title: text(i, "title", 300).unwrap_or_default(),
                count,
                first_seen: time(i, "firstSeen")?,
                last_seen: time(i, "lastSeen"),
                permalink: text(i, "permalink", 500).unwrap_or_default(),
                level: text(i, "level", 16).unwrap_or_else(|| "error".into()),
                regressed_at: inbox.and_then(|b| time(b, "date_added")),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_are_cleaned_counted_and_only_errors() {
        let body = br#"[{"shortId":"ADDONS-1A","title":"TypeError: x \u001b[31mred","count":"42","firstSeen":"2026-11-26T15:04:00Z","permalink":"https://sentry.io/i/1/","level":"error","issueCategory":"error"},
                       {"shortId":"ADDONS-1B","title":"ok","count":7,"firstSeen":"2026-11-26T15:06:00.123Z","lastSeen":"2026-11-26T15:09:00Z","permalink":"p","level":"warning",
                        "inbox":{"reason":2,"reason_details":null,"date_added":"2026-11-26T15:07:00Z"}},
                       {"shortId":"ADDONS-1C","title":"N+1 Query","count":"9","firstSeen":"2026-11-26T15:06:00Z","issueCategory":"performance"},
                       {"shortId":"NO-DATE","title":"skipped"}]"#;
        let i = parse_issues(body).unwrap();
        assert_eq!(i.len(), 2, "{i:?}");
        assert_eq!((i[0].count, i[1].count), (42, 7));
        assert!(!i[0].title.contains('\u{1b}'), "{}", i[0].title);
        assert_eq!(i[0].regressed_at, None);
        assert_eq!(i[1].regressed_at, "2026-11-26T15:07:00Z".parse().ok());
        assert_eq!(i[1].last_seen, "2026-11-26T15:09:00Z".parse().ok());
        assert_eq!(parse_issues(b"{}").unwrap_err().to_string(), "not a JSON array");
        assert!(parse_issues(b"[").unwrap_err().to_string().starts_with("not JSON ("));
    }

    #[test]
    fn only_sentrys_words_for_a_missing_key_read_as_an_older_search() {
        let is = r#"Invalid value for "is" search, valid values are ['archived', 'assigned', 'for_review', 'ignored', 'linked', 'resolved', 'unassigned', 'unlinked', 'unresolved']"#;
        assert_eq!(unknown_in_search(is), Some(Unknown::Regressed));
        assert_eq!(
            unknown_in_search("The substatus filter is not supported for this organization"),
            Some(Unknown::Regressed)
        );
        assert_eq!(unknown_in_search("Invalid category value of 'error'"), Some(Unknown::Category));
        for other in [
            "Invalid search query",
            "Error parsing search query: Invalid date",
            "Invalid stats_period. Valid choices are '', '24h', '14d' and 'auto'",
            "",
        ] {
            assert_eq!(unknown_in_search(other), None, "{other}");
        }
    }
}
