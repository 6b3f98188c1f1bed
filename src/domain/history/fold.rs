//! The fold of pushes' journals into the last known good of each service on
//! each environment.
//!
//! The rule: a version's run on an environment starts when a journal saw the
//! service change to it and ends when one saw it change away (or, still
//! running, at the newest event any journal holds). The run is good when it
//! lasted `after` or longer, the service's heartbeat never said anything but
//! `ok` and its endpoint never went down while it ran, no Sentry project
//! linked to the service spiked while it ran, and the push it started in
//! was finished (its newest finish is not followed by a reopen). The last
//! known good is the good run that started last. A run whose start no
//! journal saw (the first thing known of it is a change away from it) proves
//! nothing and is never good.

use super::{Basis, History, KnownGood};
use crate::domain::journal::{Event, EventKind};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use std::collections::{BTreeMap, HashMap};

/// One push's journal.
pub struct Push<'a> {
    pub date: NaiveDate,
    pub events: &'a [Event],
}

pub struct Rules {
    /// How long a version must have run to count as known good.
    pub after: TimeDelta,
    /// The Sentry projects linked to each service.
    pub projects: BTreeMap<String, Vec<String>>,
}

/// `known_good_after`'s default.
pub const DEFAULT_AFTER: TimeDelta = TimeDelta::minutes(30);

#[derive(Debug)]
struct Run {
    version: String,
    start: DateTime<Utc>,
    push: usize,
    /// Why it cannot be known good, once something said so.
    spoiled: bool,
}

#[derive(Default)]
struct Cell {
    run: Option<Run>,
    /// What the heartbeat last said was not `ok`, or the endpoint is down.
    unwell: bool,
    down: bool,
}

/// A good run: when it started, and the version it proves good.
type GoodRun = (DateTime<Utc>, KnownGood);

pub fn fold(pushes: &[Push], rules: &Rules) -> History {
    let finished: Vec<bool> = pushes.iter().map(|p| finished(p.events)).collect();
    let mut all: Vec<(usize, &Event)> =
        pushes.iter().enumerate().flat_map(|(i, p)| p.events.iter().map(move |e| (i, e))).collect();
    all.sort_by(|a, b| a.1.cmp_order(b.1));
    let end = all.iter().map(|(_, e)| e.at).max();
    let mut cells: HashMap<(String, String), Cell> = HashMap::new();
    let mut good: BTreeMap<(String, String), Vec<GoodRun>> = BTreeMap::new();
    let mut judge = |key: &(String, String), run: Run, until: DateTime<Utc>| {
        let ran = until - run.start;
        if run.spoiled || !finished[run.push] || ran < rules.after {
            return;
        }
        let basis = Basis::Observed { push: pushes[run.push].date, ran };
        good.entry(key.clone()).or_default().push((run.start, KnownGood { version: run.version, basis }));
    };
    for (push, e) in all {
        match &e.kind {
            EventKind::VersionChanged { env, service, to, .. } => {
                let key = (service.clone(), env.clone());
                let cell = cells.entry(key.clone()).or_default();
                let spoiled = cell.unwell || cell.down;
                if let Some(run) = cell.run.replace(Run { version: to.clone(), start: e.at, push, spoiled }) {
                    judge(&key, run, e.at);
                }
            }
            EventKind::HeartbeatChanged { env, service, to, .. } => {
                let cell = cells.entry((service.clone(), env.clone())).or_default();
                cell.unwell = to != "ok";
                if let Some(run) = cell.run.as_mut().filter(|_| to != "ok") {
                    run.spoiled = true;
                }
            }
            EventKind::EndpointDown { env, service, .. } => {
                let cell = cells.entry((service.clone(), env.clone())).or_default();
                cell.down = true;
                if let Some(run) = cell.run.as_mut() {
                    run.spoiled = true;
                }
            }
            EventKind::EndpointUp { env, service, .. } => {
                cells.entry((service.clone(), env.clone())).or_default().down = false;
            }
            EventKind::SentrySpike { project, .. } => {
                let hit = |service: &str| rules.projects.get(service).is_some_and(|ps| ps.contains(project));
                for (_, cell) in cells.iter_mut().filter(|((s, _), _)| hit(s)) {
                    if let Some(run) = cell.run.as_mut() {
                        run.spoiled = true;
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(end) = end {
        for (key, cell) in cells {
            if let Some(run) = cell.run {
                judge(&key, run, end);
            }
        }
    }
    let mut history = History::default();
    for (key, mut runs) in good {
        // Newest start first; a version that was good twice counts once, at its newest.
        runs.sort_by_key(|r| std::cmp::Reverse(r.0));
        let mut versions: Vec<KnownGood> = Vec::new();
        for (_, k) in runs {
            if !versions.iter().any(|v| v.version == k.version) {
                versions.push(k);
            }
        }
        let mut versions = versions.into_iter();
        if let Some(newest) = versions.next() {
            history.known.insert(key.clone(), newest);
            history.older.insert(key, versions.collect());
        }
    }
    history
}

/// Whether the push was finished: its newest finish or reopen is a finish.
fn finished(events: &[Event]) -> bool {
    let mut newest: Option<&Event> = None;
    for e in events.iter().filter(|e| matches!(e.kind, EventKind::PushFinished { .. } | EventKind::PushReopened)) {
        if newest.is_none_or(|n| e.cmp_order(n).is_gt()) {
            newest = Some(e);
        }
    }
    newest.is_some_and(|e| matches!(e.kind, EventKind::PushFinished { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kernel::actor::Role;
    use crate::testkit::event;

    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, day, h, m, 0).unwrap()
    }

    fn changed(n: &mut u32, t: DateTime<Utc>, env: &str, from: &str, to: &str) -> Event {
        *n += 1;
        let kind = EventKind::VersionChanged {
            env: env.into(),
            service: "web".into(),
            from: from.into(),
            to: to.into(),
            commit: None,
        };
        event(&format!("e{n}"), t, "cockpit", Role::Rm, kind)
    }

    fn say(n: &mut u32, t: DateTime<Utc>, kind: EventKind) -> Event {
        *n += 1;
        event(&format!("e{n}"), t, "rita", Role::Rm, kind)
    }

    fn rules() -> Rules {
        Rules { after: DEFAULT_AFTER, projects: [("web".to_string(), vec!["web-proj".to_string()])].into() }
    }

    fn good(h: &History, env: &str) -> Option<(String, String)> {
        h.known_good("web", env).map(|k| (k.version.clone(), k.label()))
    }

    /// Three finished pushes and a running one: the newest version that ran
    /// long and well in a finished push wins; a spike, a short life, a bad
    /// heartbeat or an unfinished push rule a version out.
    #[test]
    fn the_last_known_good_is_the_newest_version_that_ran_well_in_a_finished_push() {
        let n = &mut 0;
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        // 11-05: 2026.11.05 replaces 2026.10.29 and runs for a week.
        let p1 = vec![
            say(n, at(5, 9, 0), EventKind::PushStarted),
            changed(n, at(5, 10, 0), "prod", "2026.10.29", "2026.11.05"),
            say(n, at(5, 12, 0), EventKind::PushFinished { open: vec![] }),
        ];
        // 11-12: 2026.11.12 spikes in Sentry; 2026.11.12-1 lives ten minutes;
        // then 2026.11.05 is put back and the push finished.
        let spike = EventKind::SentrySpike {
            project: "web-proj".into(),
            since_push: 90,
            baseline: 10,
            push_start: at(12, 9, 0),
        };
        let p2 = vec![
            say(n, at(12, 9, 0), EventKind::PushStarted),
            changed(n, at(12, 10, 0), "prod", "2026.11.05", "2026.11.12"),
            say(n, at(12, 11, 0), spike),
            changed(n, at(12, 12, 0), "prod", "2026.11.12", "2026.11.12-1"),
            changed(n, at(12, 12, 10), "prod", "2026.11.12-1", "2026.11.05"),
            say(n, at(12, 13, 0), EventKind::PushFinished { open: vec![] }),
        ];
        // 11-19: 2026.11.19 runs days, but its heartbeat failed once.
        let hb = |to: &str| EventKind::HeartbeatChanged {
            env: "prod".into(),
            service: "web".into(),
            from: "ok".into(),
            to: to.into(),
        };
        let p3 = vec![
            say(n, at(19, 9, 0), EventKind::PushStarted),
            changed(n, at(19, 10, 0), "prod", "2026.11.05", "2026.11.19"),
            say(n, at(19, 10, 30), hb("error")),
            say(n, at(19, 10, 35), hb("ok")),
            say(n, at(19, 13, 0), EventKind::PushFinished { open: vec![] }),
        ];
        // 11-26, running: 2026.11.26 on prod for hours, but the push is not finished.
        let p4 = vec![
            say(n, at(26, 9, 0), EventKind::PushStarted),
            changed(n, at(26, 10, 0), "prod", "2026.11.19", "2026.11.26"),
            say(n, at(26, 15, 0), EventKind::Chat { text: "still watching".into() }),
        ];
        let pushes = [
            Push { date: d(5), events: &p1 },
            Push { date: d(12), events: &p2 },
            Push { date: d(19), events: &p3 },
            Push { date: d(26), events: &p4 },
        ];
        let h = fold(&pushes, &rules());
        // 2026.11.05 from its return on 11-12 12:10 until 11-19 10:00, in the finished 11-12 push.
        assert_eq!(good(&h, "prod").unwrap().0, "2026.11.05", "{h:?}");
        assert!(good(&h, "prod").unwrap().1.contains("in the 2026-11-12 push"), "{h:?}");

        // Finishing the 11-26 push makes 2026.11.26 the last known good...
        let mut p4_done = p4.clone();
        p4_done.push(say(n, at(26, 16, 0), EventKind::PushFinished { open: vec![] }));
        let pushes = [Push { date: d(19), events: &p3 }, Push { date: d(26), events: &p4_done }];
        assert_eq!(good(&fold(&pushes, &rules()), "prod").unwrap().0, "2026.11.26");
        // The good versions before it stay known, newest first, each once:
        // where a rollback goes when 2026.11.26 itself is what runs.
        let all = [
            Push { date: d(5), events: &p1 },
            Push { date: d(12), events: &p2 },
            Push { date: d(19), events: &p3 },
            Push { date: d(26), events: &p4_done },
        ];
        let h = fold(&all, &rules());
        let versions: Vec<&str> = h.good("web", "prod").map(|k| k.version.as_str()).collect();
        assert_eq!(versions, ["2026.11.26", "2026.11.05"], "{h:?}");
        // ...and a reopen after the finish takes it back.
        p4_done.push(say(n, at(26, 17, 0), EventKind::PushReopened));
        let pushes = [Push { date: d(19), events: &p3 }, Push { date: d(26), events: &p4_done }];
        assert_eq!(good(&fold(&pushes, &rules()), "prod"), None, "19's heartbeat failed; 26 is running again");

        // Any order of the journals' lines gives the same answer.
        let mut shuffled = p2.clone();
        shuffled.reverse();
        let a = fold(&[Push { date: d(5), events: &p1 }, Push { date: d(12), events: &p2 }], &rules());
        let b = fold(&[Push { date: d(12), events: &shuffled }, Push { date: d(5), events: &p1 }], &rules());
        assert_eq!(a, b);
    }

    #[test]
    fn a_version_whose_start_no_journal_saw_proves_nothing_and_outages_spoil_a_run() {
        let n = &mut 0;
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let down = EventKind::EndpointDown {
            env: "stage".into(),
            service: "web".into(),
            outage: 1,
            state: "timeout".into(),
            error: "timed out".into(),
        };
        let events = vec![
            say(n, at(26, 9, 0), EventKind::PushStarted),
            // What ran before is known only by the change away from it.
            changed(n, at(26, 10, 0), "stage", "2026.11.19", "2026.11.26"),
            say(n, at(26, 10, 5), down),
            say(n, at(26, 12, 0), EventKind::PushFinished { open: vec![] }),
        ];
        let h = fold(&[Push { date: d, events: &events }], &rules());
        assert_eq!(good(&h, "stage"), None, "{h:?}");
        // Ten minutes short of the threshold is not enough either.
        let events = vec![
            changed(n, at(26, 10, 0), "stage", "2026.11.19", "2026.11.26"),
            say(n, at(26, 10, 20), EventKind::PushFinished { open: vec![] }),
        ];
        assert_eq!(good(&fold(&[Push { date: d, events: &events }], &rules()), "stage"), None);
        let longer = Rules { after: TimeDelta::minutes(15), ..rules() };
        assert_eq!(good(&fold(&[Push { date: d, events: &events }], &longer), "stage").unwrap().0, "2026.11.26");
    }
}
