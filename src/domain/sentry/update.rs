//! When to ask Sentry, and what an answer changes: data or an error per
//! project, the next time it is due (a rate limit's reset wins over the
//! interval), a spike logged once, and the state the checklist's "Sentry
//! shows no new errors" item is judged from. Narrow: these see the Sentry
//! state and the [`Facts`] they need, and hand back an [`Outcome`].

use super::analysis::{Verdict, analyse};
use super::{Fetched, RateLimit, SentryError, SentryState};
use crate::domain::journal::EventKind;
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::outcome::Outcome;
use crate::domain::sentry::msg::SentryEffect;
use chrono::{DateTime, Duration, Utc};

/// A rate limit with no reset header is waited out this long.
const RATE_LIMIT_PAUSE_SECS: i64 = 60;

/// What the Sentry handlers need to know of the rest of the push.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub now: DateTime<Utc>,
    /// What "since the push" counts from ([`super::report::push_start`]).
    pub push: DateTime<Utc>,
    /// The push is started and not finished: Sentry is asked more often.
    pub running: bool,
    /// Prod runs the target on every service.
    pub prod_on_target: bool,
}

/// Projects whose turn has come.
pub fn due(s: &mut SentryState, facts: Facts) -> Vec<Effect> {
    track_prod(s, facts);
    let now = facts.now;
    let projects: Vec<(usize, String)> = s
        .projects
        .iter_mut()
        .enumerate()
        .filter(|(_, p)| !p.in_flight && p.next_due.is_none_or(|d| d <= now))
        .map(|(i, p)| {
            p.in_flight = true;
            (i, p.spec.slug.clone())
        })
        .collect();
    if projects.is_empty() {
        return Vec::new();
    }
    s.generation += 1;
    vec![Effect::Sentry(SentryEffect::Fetch { generation: s.generation, projects, push: facts.push, now })]
}

/// Asks every project now (the refresh key), unless a rate limit says wait.
pub fn refresh(s: &mut SentryState, facts: Facts) -> Vec<Effect> {
    let now = facts.now;
    // Nearly out of calls: the refresh waits for the reset too.
    let low = s.rate.is_some_and(|r| r.remaining.is_some_and(|n| n <= 2) && r.reset.is_some_and(|t| t > now));
    for p in &mut s.projects {
        let limited = matches!(p.error, Some((SentryError::RateLimited { .. }, _)));
        if !limited && !low {
            p.next_due = Some(now);
        }
    }
    due(s, facts)
}

pub fn on_fetched(
    s: &mut SentryState,
    facts: Facts,
    project: usize,
    result: Result<Fetched, SentryError>,
    rate: Option<RateLimit>,
    at: DateTime<Utc>,
) -> Outcome {
    let mut out = Outcome::default();
    let push = facts.push;
    if rate.is_some() {
        s.rate = rate;
    }
    let every = if facts.running { s.spec.push_interval } else { s.spec.interval };
    let mut next = at + Duration::from_std(every).unwrap_or(Duration::seconds(60));
    // Slow down before the limit is hit: the last calls wait for the reset.
    if let Some(RateLimit { remaining: Some(left), reset: Some(reset), .. }) = rate
        && left <= 2
    {
        next = next.max(reset);
    }
    let (ratio, min) = (s.spec.spike_ratio, s.spec.min_count);
    let Some(p) = s.projects.get_mut(project) else { return out };
    p.in_flight = false;
    match result {
        Ok(data) => {
            p.error = None;
            let a = analyse(&data, push, at, ratio, min);
            p.data = Some((data, at));
            p.next_due = Some(next);
            let slug = p.spec.slug.clone();
            let was = p.announced.replace(a.verdict);
            if a.verdict != Verdict::Calm {
                s.last_not_calm = Some(at);
            }
            if a.verdict == Verdict::Spike && was != Some(Verdict::Spike) {
                let kind = EventKind::SentrySpike {
                    project: slug,
                    since_push: a.since_push,
                    baseline: a.baseline,
                    push_start: push,
                };
                out.record(kind, at, true);
            }
        }
        Err(e) => {
            p.next_due = Some(match &e {
                // A clock ahead of Sentry's would otherwise retry every second.
                SentryError::RateLimited { until: Some(u) } => (*u).max(at + Duration::seconds(10)),
                SentryError::RateLimited { until: None } => at + Duration::seconds(RATE_LIMIT_PAUSE_SECS),
                _ => next,
            });
            // Said once per kind of trouble, not once per new reset time.
            let first =
                p.error.as_ref().is_none_or(|(old, _)| std::mem::discriminant(old) != std::mem::discriminant(&e));
            let line = format!("Sentry {}: {e}", p.spec.slug);
            p.error = Some((e, at));
            if first {
                out.log(at, LogKind::Error, line);
            }
        }
    }
    out
}

/// Keeps "since when prod has run the target everywhere".
fn track_prod(s: &mut SentryState, facts: Facts) {
    s.prod_since = match (facts.prod_on_target, s.prod_since) {
        (true, Some(t)) => Some(t),
        (true, None) => Some(facts.now),
        (false, _) => None,
    };
}

#[cfg(test)]
mod tests {
    use super::super::report::push_start;
    use super::super::{BUCKET_SECS, Bucket, StatsEndpoint};
    use super::*;
    use crate::domain::checklist::Verdict as Check;
    use crate::domain::checklist::eval::{ItemState, evaluate};
    use crate::domain::rollout::msg::RolloutMsg;
    use crate::domain::sentry::msg::SentryMsg;
    use crate::domain::{Heartbeat, Model, Msg, update};
    use crate::testkit;

    fn model() -> Model {
        let t = testkit::release().window.unwrap().start + Duration::minutes(30);
        let mut m = testkit::model(&["web", "api"], t);
        let spec = testkit::sentry_spec("http://127.0.0.1:9", "o", None, &["web"]);
        m.sentry = Some(SentryState::new(spec));
        m
    }

    /// Buckets every 5 minutes over the hour before now: `before` errors
    /// per bucket in its first half, `after` in the second.
    fn fetched(m: &Model, before: u64, after: u64) -> Fetched {
        let push = push_start(m).timestamp();
        let series = (-6..6)
            .map(|i| Bucket::complete(push + i * BUCKET_SECS, Some(if i < 0 { before } else { after })))
            .collect();
        Fetched {
            series,
            interval: BUCKET_SECS,
            until: m.now.timestamp(),
            week_ago: Vec::new(),
            issues: Vec::new(),
            regressions: Vec::new(),
            endpoint: StatsEndpoint::Timeseries,
        }
    }

    fn fetches(effects: &[Effect]) -> usize {
        effects.iter().filter(|e| matches!(e, Effect::Sentry(SentryEffect::Fetch { .. }))).count()
    }

    #[test]
    fn asks_on_the_interval_and_waits_for_a_rate_limit_reset() {
        let mut m = model();
        let now = m.now;
        assert_eq!(fetches(&update(&mut m, Msg::Tick(now))), 1, "first tick asks");
        assert_eq!(fetches(&update(&mut m, Msg::Tick(now))), 0, "one request in flight");
        let reset = now + Duration::seconds(300);
        let limited = Err(SentryError::RateLimited { until: Some(reset) });
        update(&mut m, Msg::Sentry(SentryMsg::Fetched { project: 0, result: limited, rate: None, at: now }));
        assert_eq!(fetches(&update(&mut m, Msg::Tick(now + Duration::seconds(120)))), 0, "not before the reset");
        assert_eq!(fetches(&update(&mut m, Msg::Action(crate::action::Action::Refresh))), 0, "refresh waits too");
        assert_eq!(fetches(&update(&mut m, Msg::Tick(reset))), 1, "asks again at the reset");

        // Few calls left: the next one waits for the reset, not the interval.
        let rate = RateLimit { remaining: Some(1), reset: Some(reset + Duration::seconds(600)), ..Default::default() };
        let data = fetched(&m, 1, 1);
        update(&mut m, Msg::Sentry(SentryMsg::Fetched { project: 0, result: Ok(data), rate: Some(rate), at: reset }));
        let due = m.sentry.as_ref().unwrap().projects[0].next_due.unwrap();
        assert_eq!(due, reset + Duration::seconds(600));
        assert!(m.log.entries.iter().any(|l| l.text.contains("Sentry web: rate limited")), "said once in the log");
    }

    #[test]
    fn a_spike_is_journaled_once_and_fails_the_checklist_item() {
        let mut m = model();
        let at = m.now;
        let data = fetched(&m, 2, 9);
        let fx =
            update(&mut m, Msg::Sentry(SentryMsg::Fetched { project: 0, result: Ok(data.clone()), rate: None, at }));
        let spikes: Vec<_> = fx
            .iter()
            .filter_map(|e| match e {
                Effect::Append(ev) => Some(ev.kind.clone()),
                _ => None,
            })
            .collect();
        assert!(matches!(&spikes[..], [EventKind::SentrySpike { since_push: 54, baseline: 12, .. }]), "{spikes:?}");
        assert!(m.log.entries.iter().any(|l| l.text == "Sentry: web errors 4.5x baseline since the push (54 vs 12)"));
        let again = update(&mut m, Msg::Sentry(SentryMsg::Fetched { project: 0, result: Ok(data), rate: None, at }));
        assert!(again.iter().all(|e| !matches!(e, Effect::Append(_))), "logged once");
        let view = evaluate(&m);
        let item = view.find("sentry-no-new-errors").unwrap();
        assert_eq!(item.state, ItemState::Auto(Check::Fail));
        assert_eq!(item.evidence.as_deref(), Some("web errors 4.5x baseline since the push"));
    }

    #[test]
    fn calm_for_fifteen_minutes_after_prod_reached_the_target_passes() {
        let mut m = model();
        let at = m.now;
        for s in 0..2 {
            let p = testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, at);
            update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: s, env: 1, probe: p }));
        }
        let calm = fetched(&m, 2, 2);
        update(&mut m, Msg::Sentry(SentryMsg::Fetched { project: 0, result: Ok(calm), rate: None, at }));
        update(&mut m, Msg::Tick(at));
        let judged = |m: &Model| {
            let v = evaluate(m);
            let i = v.find("sentry-no-new-errors").unwrap();
            (i.state.clone(), i.evidence.clone().unwrap_or_default())
        };
        assert_eq!(judged(&m), (ItemState::Auto(Check::Wait), "calm 0s of 15m on the target".into()));
        update(&mut m, Msg::Tick(at + Duration::minutes(16)));
        let (state, evidence) = judged(&m);
        assert_eq!(state, ItemState::Auto(Check::Pass), "{evidence}");
        // Without Sentry configured, the item is ticked by hand.
        m.sentry = None;
        assert_eq!(judged(&m).0, ItemState::Open);
    }
}
