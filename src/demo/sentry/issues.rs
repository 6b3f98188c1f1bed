//! The story's issues: the fixture's new errors after the spike, an old
//! error that comes back, a performance issue, and the issue search's
//! filter, sort and limit.

use super::counts::Moment;
use super::projects::{platform, project_id};
use super::query::parse_time;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

const ISSUES_JSON: &str = include_str!("../../../fixtures/sentry/issues.json");
/// Each fixture issue's count grows by this much per story second after the spike.
const ISSUE_GROWTH: [f64; 2] = [0.5, 0.2];

/// The fixture's issues, as Sentry lists them.
fn fixture_issues() -> Vec<Value> {
    match serde_json::from_str(ISSUES_JSON) {
        Ok(Value::Array(list)) => list,
        _ => Vec::new(),
    }
}

/// The new issues of project `index` (named `slug`): none before the spike
/// or on other projects; after it, the fixture's, moved to the wall clock:
/// issue `k` first seen `k + 1` minutes after the spike began (never after
/// now), its count growing with story time, last seen now.
pub fn issues(index: usize, slug: &str, m: &Moment) -> Vec<Value> {
    let Some(spike) = m.spike.filter(|s| s.project == index) else {
        return Vec::new();
    };
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut list: Vec<(DateTime<Utc>, Value)> = fixture_issues()
        .into_iter()
        .enumerate()
        .map(|(k, mut issue)| {
            let first_seen = (spike.began + Duration::minutes(k as i64 + 1)).min(m.now);
            let read = |key: &str| match issue.get(key) {
                Some(Value::String(s)) => s.parse::<u64>().unwrap_or(0),
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
                _ => 0,
            };
            let grown = (spike.story_secs.max(0.0) * ISSUE_GROWTH.get(k).copied().unwrap_or(0.1)) as u64;
            let count = read("count") + grown;
            let users = match read("userCount") {
                0 => 0,
                u => u + grown / 3,
            };
            let short = issue.get("shortId").and_then(Value::as_str).and_then(|s| s.rsplit_once('-')).map(|(_, n)| n);
            let short_id = format!("{}-{}", slug.to_uppercase(), short.unwrap_or("1"));
            if let Some(obj) = issue.as_object_mut() {
                obj.insert("shortId".into(), json!(short_id));
                obj.insert("count".into(), json!(count.to_string()));
                obj.insert("userCount".into(), json!(users));
                obj.insert("firstSeen".into(), json!(stamp(first_seen)));
                obj.insert("lastSeen".into(), json!(stamp(m.now.max(first_seen))));
                obj.insert(
                    "project".into(),
                    json!({"id": project_id(index), "name": slug, "slug": slug, "platform": platform(slug)}),
                );
            }
            (first_seen, issue)
        })
        .collect();
    // `sort=new`: newest first.
    list.sort_by_key(|(seen, _)| std::cmp::Reverse(*seen));
    list.into_iter().map(|(_, i)| i).collect()
}

/// Seconds after the spike began that an old error of the spiking project
/// comes back (a regression), and that a performance issue is first seen.
pub const REGRESSION_AFTER_SECS: i64 = 40;
pub const PERFORMANCE_AFTER_SECS: i64 = 90;

/// Every unresolved issue of project `index` that the demo's Sentry holds
/// now: after the spike, the new errors of [`issues`], an old error that
/// came back ([`REGRESSION_AFTER_SECS`] in: first seen three weeks before,
/// `substatus` `regressed`, in the inbox as a regression since then) and a
/// new performance issue ([`PERFORMANCE_AFTER_SECS`] in), which is not an
/// error. Each carries its `inbox`.
pub fn all_issues(index: usize, slug: &str, m: &Moment) -> Vec<Value> {
    let Some(spike) = m.spike.filter(|s| s.project == index) else {
        return Vec::new();
    };
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut list: Vec<Value> = issues(index, slug, m)
        .into_iter()
        .map(|mut i| {
            let first = i["firstSeen"].clone();
            i["inbox"] = json!({"reason": 0, "reason_details": null, "date_added": first});
            i
        })
        .collect();
    let project = json!({"id": project_id(index), "name": slug, "slug": slug, "platform": platform(slug)});
    let prefix = slug.to_uppercase();
    let grown = spike.story_secs.max(0.0) as u64;
    let back = spike.began + Duration::seconds(REGRESSION_AFTER_SECS);
    if m.now >= back {
        list.push(json!({
            "id": "4400118202",
            "shortId": format!("{prefix}-Z3"),
            "title": "OperationalError: (1213, 'Deadlock found when trying to get lock')",
            "culprit": "olympia.reviewers.utils in process_queue",
            "permalink": "https://sentry.example.com/organizations/demo/issues/4400118202/",
            "level": "error",
            "status": "unresolved",
            "substatus": "regressed",
            "issueType": "error",
            "issueCategory": "error",
            "count": (1840 + grown / 4).to_string(),
            "userCount": 52,
            "firstSeen": stamp(spike.began - Duration::days(23)),
            "lastSeen": stamp(m.now),
            "inbox": {"reason": 2, "reason_details": null, "date_added": stamp(back)},
            "project": project.clone(),
        }));
    }
    let seen = spike.began + Duration::seconds(PERFORMANCE_AFTER_SECS);
    if m.now >= seen {
        list.push(json!({
            "id": "4612915120",
            "shortId": format!("{prefix}-1K9"),
            "title": "N+1 Query",
            "culprit": "/api/v5/addons/search/",
            "permalink": "https://sentry.example.com/organizations/demo/issues/4612915120/",
            "level": "info",
            "status": "unresolved",
            "substatus": "new",
            "issueType": "performance_n_plus_one_db_queries",
            "issueCategory": "performance",
            "count": (3 + grown / 10).to_string(),
            "userCount": 3,
            "firstSeen": stamp(seen),
            "lastSeen": stamp(m.now),
            "inbox": {"reason": 0, "reason_details": null, "date_added": stamp(seen)},
            "project": project,
        }));
    }
    list
}

/// The issues an issue search returns, as Sentry answers it: `is:unresolved`,
/// `is:regressed` (`substatus` regressed), `issue.category:…`,
/// `firstSeen:>…` and `lastSeen:>…` filter (other terms are left alone);
/// `sort` `new` is newest first seen first, else last seen; `expand=inbox`
/// keeps each issue's `inbox`.
pub fn search(mut list: Vec<Value>, params: &[(String, String)]) -> Vec<Value> {
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let time = |i: &Value, k: &str| i[k].as_str().and_then(parse_time);
    for term in param("query").unwrap_or("").split_whitespace() {
        let (key, value) = term.split_once(':').unwrap_or((term, ""));
        list.retain(|i| match (key, value) {
            ("is", "unresolved") => i["status"] == "unresolved",
            ("is", "regressed") => i["substatus"] == "regressed",
            ("issue.category", c) => i["issueCategory"] == c,
            ("firstSeen" | "lastSeen", v) if v.starts_with('>') => {
                let field = if key == "firstSeen" { "firstSeen" } else { "lastSeen" };
                parse_time(&v[1..]).is_some_and(|t| time(i, field).is_some_and(|seen| seen > t))
            }
            _ => true,
        });
    }
    let key = if param("sort") == Some("new") { "firstSeen" } else { "lastSeen" };
    list.sort_by_key(|i| std::cmp::Reverse(time(i, key)));
    if param("expand") != Some("inbox") {
        for i in &mut list {
            if let Some(o) = i.as_object_mut() {
                o.remove("inbox");
            }
        }
    }
    let limit = param("limit").and_then(|v| v.parse::<usize>().ok()).unwrap_or(100).clamp(1, 100);
    list.truncate(limit);
    list
}

#[cfg(test)]
mod tests {
    use super::super::counts::SPIKE_PROJECT;
    use super::super::testing::*;
    use super::*;

    #[test]
    fn issue_searches_filter_like_sentry() {
        let s = story(3);
        let switch = s.prod_switch_at(SPIKE_PROJECT);
        let m = at(&s, switch + 120.0);
        let began = m.spike.unwrap().began;
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        let all = all_issues(0, "addons-server", &m);
        assert_eq!(all.len(), 4);
        let ids = |l: &[Value]| l.iter().map(|i| i["shortId"].as_str().unwrap().to_string()).collect::<Vec<_>>();
        let find = |q: &str, sort: &str, expand: bool| {
            let mut p = pairs(&[("query", q), ("sort", sort)]);
            if expand {
                p.push(("expand".into(), "inbox".into()));
            }
            search(all.clone(), &p)
        };
        let push = stamp(began - Duration::minutes(5));
        // New since the push: the performance issue is one, but not an error.
        let new = find(&format!("is:unresolved firstSeen:>{push}"), "new", false);
        assert_eq!(ids(&new), ["ADDONS-SERVER-1K8", "ADDONS-SERVER-1K9", "ADDONS-SERVER-1K7"]);
        assert!(new.iter().all(|i| i.get("inbox").is_none()), "only with expand=inbox");
        let errors = find(&format!("is:unresolved issue.category:error firstSeen:>{push}"), "new", true);
        assert_eq!(ids(&errors), ["ADDONS-SERVER-1K8", "ADDONS-SERVER-1K7"]);
        assert_eq!(errors[0]["inbox"]["reason"], 0);
        // Regressed and seen since the push: the old one that came back.
        let back = find(&format!("is:unresolved is:regressed issue.category:error lastSeen:>{push}"), "date", true);
        assert_eq!(ids(&back), ["ADDONS-SERVER-Z3"]);
        assert_eq!(back[0]["inbox"]["reason"], 2);
        assert!(back[0]["firstSeen"].as_str().unwrap() < push.as_str());
        // Not before it came back, nor on another project.
        assert_eq!(all_issues(0, "addons-server", &at(&s, switch + 20.0)).len(), 2);
        assert!(all_issues(1, "addons-frontend", &m).is_empty());
        assert_eq!(search(all.clone(), &pairs(&[("limit", "1")])).len(), 1);
    }

    #[test]
    fn new_issues_appear_after_the_spike() {
        let s = story(8);
        let switch = s.prod_switch_at(SPIKE_PROJECT);
        assert!(issues(0, "addons-server", &at(&s, switch - 1.0)).is_empty());

        let early = at(&s, switch + 10.0);
        let list = issues(0, "addons-server", &early);
        assert_eq!(list.len(), 2);
        for i in &list {
            for key in ["id", "shortId", "title", "culprit", "permalink", "level", "status", "firstSeen", "lastSeen"] {
                assert!(i[key].is_string(), "{key}: {i}");
            }
            assert!(i["count"].as_str().is_some_and(|c| c.parse::<u64>().is_ok()), "{i}");
            assert!(i["userCount"].is_u64());
            assert_eq!(i["project"]["id"], "4500000000000001");
            assert_eq!(i["project"]["slug"], "addons-server");
            assert!(i["shortId"].as_str().unwrap().starts_with("ADDONS-SERVER-"));
            let first: DateTime<Utc> = i["firstSeen"].as_str().unwrap().parse().unwrap();
            assert!(first >= early.spike.unwrap().began && first <= early.now, "never in the future");
            assert!(i["firstSeen"].as_str().unwrap().ends_with('Z'));
        }
        assert!(issues(1, "addons-frontend", &early).is_empty());

        // Two minutes on: first seen one and two minutes after the spike,
        // newest first, counts grown.
        let later = at(&s, switch + 150.0);
        let list = issues(0, "addons-server", &later);
        let began = later.spike.unwrap().began;
        let seen: Vec<DateTime<Utc>> = list.iter().map(|i| i["firstSeen"].as_str().unwrap().parse().unwrap()).collect();
        assert_eq!(seen, vec![began + Duration::minutes(2), began + Duration::minutes(1)]);
        let count = |l: &[Value], k: usize| l[k]["count"].as_str().unwrap().parse::<u64>().unwrap();
        let early_list = issues(0, "addons-server", &early);
        let first_id = |l: &[Value], id: &Value| l.iter().position(|i| &i["id"] == id).unwrap();
        for i in &list {
            assert!(count(&list, first_id(&list, &i["id"])) > count(&early_list, first_id(&early_list, &i["id"])));
        }

        // Another fleet's first service keeps its own slug.
        let custom = issues(0, "payments", &later);
        assert!(custom.iter().all(|i| i["project"]["slug"] == "payments"));
        assert!(custom[0]["shortId"].as_str().unwrap().starts_with("PAYMENTS-"));
    }
}
