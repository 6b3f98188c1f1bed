//! `events-stats` and `events-timeseries`: the range a query asks, cut
//! the way each endpoint cuts it, and the answers.

use super::counts::{BUCKET_SECS, EventTypes, Moment, count_between, floor_to};
use super::query::{parse_period, parse_time};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// Data points one events-stats answer holds at most, as on sentry.io.
pub const MAX_POINTS: i64 = 10_000;
/// A bucket ending less than this long ago is `incomplete` in
/// `events-timeseries` (Sentry's assumed ingestion delay).
pub const INGESTION_DELAY_SECS: i64 = 90;

/// Which endpoint a series is for: Sentry cuts them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsApi {
    /// `events-stats`: the bucket still filling only with `partial=1`.
    EventsStats,
    /// `events-timeseries`: always up to the one still filling.
    Timeseries,
}

/// The buckets of one answer: `first..=last` every `interval` seconds (a
/// multiple of [`BUCKET_SECS`]), counting what happened from `start` to
/// `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsRange {
    pub first: i64,
    pub last: i64,
    pub interval: i64,
    pub start: i64,
    pub end: i64,
    pub types: EventTypes,
}

impl StatsRange {
    /// The range asked for by a query: `interval` (default `1h`; `5m` or
    /// seconds) and either `statsPeriod` (default `24h`) or `start` and
    /// `end`, aligned to the interval and cut at now. Like Sentry's,
    /// `events-stats` leaves out the bucket still filling — the one holding
    /// `end` — unless asked `partial=1`; `events-timeseries` keeps it. `Err`
    /// is the 400's detail.
    pub fn from_query(params: &[(String, String)], now: DateTime<Utc>, api: StatsApi) -> Result<StatsRange, String> {
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let interval = param("interval").unwrap_or("1h");
        let interval = parse_period(interval).ok_or_else(|| format!("Invalid interval: {interval}"))?;
        if interval % BUCKET_SECS != 0 {
            return Err("The demo's interval must be a multiple of 5 minutes".into());
        }
        let (start, end) = match (param("start"), param("end")) {
            (None, None) => {
                let period = param("statsPeriod").unwrap_or("24h");
                let secs = parse_period(period).ok_or_else(|| format!("Invalid statsPeriod: {period}"))?;
                (now - Duration::seconds(secs), now)
            }
            (Some(s), Some(e)) => {
                let start = parse_time(s).ok_or_else(|| format!("start: invalid date: {s}"))?;
                let end = parse_time(e).ok_or_else(|| format!("end: invalid date: {e}"))?;
                if end < start {
                    return Err("start must be before end".into());
                }
                (start, end.min(now))
            }
            _ => return Err("start and end are both required".into()),
        };
        let (start, end) = (start.timestamp(), end.timestamp());
        let first = floor_to(start, interval);
        let filling = floor_to(end, interval);
        let last = match api {
            StatsApi::Timeseries => filling,
            StatsApi::EventsStats if param("partial") == Some("1") && end > filling => filling,
            StatsApi::EventsStats => filling - interval,
        };
        if (last - first) / interval + 1 > MAX_POINTS {
            return Err(
                "Your interval and date range would create too many results. Use a larger interval, or a smaller date range."
                    .into(),
            );
        }
        let types = EventTypes::from_query(param("query").unwrap_or(""));
        Ok(StatsRange { first, last, interval, start, end, types })
    }

    /// (bucket start, events) for the sum of `projects`; empty when the
    /// range starts after now.
    pub fn series(&self, projects: &[usize], m: &Moment) -> Vec<(i64, u64)> {
        let step = usize::try_from(self.interval).unwrap_or(1).max(1);
        (self.first..=self.last)
            .step_by(step)
            .map(|at| {
                let (from, to) = (at.max(self.start), (at + self.interval).min(self.end));
                (at, projects.iter().map(|p| count_between(*p, from, to, self.types, m)).sum())
            })
            .collect()
    }

    /// `events-stats`' answer.
    pub fn body(&self, projects: &[usize], m: &Moment) -> Value {
        let data: Vec<Value> =
            self.series(projects, m).into_iter().map(|(at, n)| json!([at, [{"count": n}]])).collect();
        json!({"data": data, "start": self.first, "end": self.last + self.interval, "isMetricsData": false})
    }

    /// `events-timeseries`' answer: milliseconds, and a bucket is
    /// `incomplete` while it ends less than [`INGESTION_DELAY_SECS`] ago.
    pub fn timeseries_body(&self, projects: &[usize], m: &Moment, dataset: &str) -> Value {
        let now = m.now.timestamp();
        let values: Vec<Value> = self
            .series(projects, m)
            .into_iter()
            .map(|(at, n)| {
                let mut row = json!({"timestamp": at * 1000, "value": n, "incomplete": false});
                if at + self.interval >= now - INGESTION_DELAY_SECS {
                    row["incomplete"] = json!(true);
                    row["incompleteReason"] = json!("INCOMPLETE_BUCKET");
                }
                row
            })
            .collect();
        json!({
            "meta": {"dataset": dataset, "start": self.start * 1000, "end": self.end * 1000},
            "timeSeries": [{
                "values": values,
                "yAxis": "count()",
                "meta": {"valueType": "integer", "valueUnit": null, "interval": self.interval * 1000},
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::counts::{SPIKE_PROJECT, baseline, bucket_count};
    use super::super::testing::*;
    use super::*;
    use chrono::{SecondsFormat, TimeZone};

    #[test]
    fn buckets_cover_the_range_aligned_up_to_the_one_filling() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 15, 7, 42).unwrap();
        let q = pairs(&[("interval", "5m"), ("statsPeriod", "24h"), ("yAxis", "count()"), ("query", "x")]);
        let r = StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap();
        assert_eq!(r.interval, 300);
        assert_eq!(r.last, Utc.with_ymd_and_hms(2026, 11, 26, 15, 5, 0).unwrap().timestamp());
        assert_eq!(r.first, Utc.with_ymd_and_hms(2026, 11, 25, 15, 5, 0).unwrap().timestamp());
        let m = Moment { now, spike: None };
        let s = r.series(&[0], &m);
        assert_eq!(s.len(), 289);
        assert!(s.windows(2).all(|w| w[1].0 - w[0].0 == 300));
        assert!(s.iter().all(|(at, n)| at % 300 == 0 && *n <= 2), "quiet");
        assert!(s.iter().any(|(_, n)| *n > 0) && s.iter().any(|(_, n)| *n == 0), "not flat");
        assert_eq!(s, r.series(&[0], &m), "deterministic");
        assert_ne!(s, r.series(&[1], &m), "per project");
        // The first bucket holds what happened from the start asked; the
        // last one what happened up to now.
        let (first, last) = (s[0], s[288]);
        assert_eq!(first.1, count_between(0, now.timestamp() - 86_400, first.0 + 300, ALL, &m));
        assert_eq!(last.1, baseline(0, last.0) * 162 / 300);

        // start/end (RFC 3339 or without an offset), cut at now.
        let q = pairs(&[("interval", "5m"), ("start", "2026-11-26T14:52:10Z"), ("end", "2026-11-26T18:00:00+00:00")]);
        let r = StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap();
        assert_eq!((r.first, r.last), (now.timestamp() - 1062, now.timestamp() - 162));
        let q = pairs(&[("interval", "5m"), ("start", "2026-11-19T14:50:00"), ("end", "2026-11-19T15:07:42")]);
        assert_eq!(StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap().series(&[0], &m).len(), 4);
        // An hour interval sums its twelve buckets.
        let q = pairs(&[("interval", "1h"), ("start", "2026-11-26T13:00:00Z"), ("end", "2026-11-26T14:00:00Z")]);
        let hour = StatsRange::from_query(&q, now, StatsApi::EventsStats).unwrap().series(&[0], &m);
        let t0 = Utc.with_ymd_and_hms(2026, 11, 26, 13, 0, 0).unwrap().timestamp();
        assert_eq!(hour, vec![(t0, (0..12).map(|i| baseline(0, t0 + 300 * i)).sum())]);
        // Seconds, as events-timeseries takes them.
        let q = pairs(&[("interval", "300"), ("statsPeriod", "1h")]);
        assert_eq!(StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap().interval, 300);

        for bad in [
            pairs(&[("interval", "7m")]),
            pairs(&[("interval", "5m"), ("statsPeriod", "soon")]),
            pairs(&[("interval", "5m"), ("start", "2026-11-26T14:00:00Z")]),
            pairs(&[("interval", "5m"), ("start", "2026-11-26T14:00:00Z"), ("end", "2026-11-26T13:00:00Z")]),
            pairs(&[("interval", "5m"), ("statsPeriod", "90d")]),
        ] {
            assert!(StatsRange::from_query(&bad, now, StatsApi::Timeseries).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn events_stats_leaves_out_the_filling_bucket_unless_asked_partial() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 15, 7, 42).unwrap();
        let m = Moment { now, spike: None };
        let q = |partial: Option<&str>| {
            let mut q =
                pairs(&[("interval", "5m"), ("start", "2026-11-26T14:00:00Z"), ("end", "2026-11-26T15:07:42Z")]);
            if let Some(p) = partial {
                q.push(("partial".into(), p.into()));
            }
            StatsRange::from_query(&q, now, StatsApi::EventsStats).unwrap().series(&[0], &m)
        };
        let filling = Utc.with_ymd_and_hms(2026, 11, 26, 15, 5, 0).unwrap().timestamp();
        assert_eq!(q(None).last().map(|b| b.0), Some(filling - 300));
        assert_eq!(q(Some("0")).last().map(|b| b.0), Some(filling - 300));
        assert_eq!(q(Some("1")).last().map(|b| b.0), Some(filling));
        assert_eq!(q(Some("1")).len(), q(None).len() + 1);
        // events-timeseries keeps it, and says it is incomplete.
        let q = pairs(&[("interval", "300"), ("start", "2026-11-26T14:00:00Z"), ("end", "2026-11-26T15:07:42Z")]);
        let body = StatsRange::from_query(&q, now, StatsApi::Timeseries).unwrap().timeseries_body(&[0], &m, "errors");
        let values = body["timeSeries"][0]["values"].as_array().unwrap();
        assert_eq!(values.len(), 14);
        assert_eq!(values[13]["timestamp"], filling * 1000);
        assert_eq!(values[13]["incomplete"], true);
        assert_eq!(values[12]["incomplete"], false, "ended more than 90 s ago");
        assert_eq!(body["timeSeries"][0]["meta"]["interval"], 300_000);
        assert_eq!(body["meta"]["dataset"], "errors");
    }

    #[test]
    fn the_first_project_spikes_after_its_prod_switch() {
        let s = story(8);
        let switch = s.prod_switch_at(SPIKE_PROJECT);
        let q = pairs(&[("interval", "5m"), ("statsPeriod", "24h")]);
        let series =
            |m: &Moment, p: usize| StatsRange::from_query(&q, m.now, StatsApi::Timeseries).unwrap().series(&[p], m);
        // Whole buckets: not the first (a day back to the second) nor the
        // one filling.
        let whole = |s: &[(i64, u64)]| s[1..s.len() - 1].to_vec();
        let before = at(&s, switch - 0.5);
        assert_eq!(before.spike, None);
        assert!(whole(&series(&before, 0)).iter().all(|(at, n)| *n == baseline(0, *at)));

        // From the switch: the two buckets before the current one are raised,
        // and the current one as far as it has filled.
        let m = at(&s, switch + 1.0);
        let spike = m.spike.expect("spiking");
        assert_eq!(spike.began, started() + Duration::seconds(12));
        let all = series(&m, 0);
        let (calm, raised) = all.split_at(all.len() - 3);
        assert!(calm.len() == 286 && raised[..2].iter().all(|(_, n)| (8..=15).contains(n)), "{raised:?}");
        let calm = &calm[1..];
        let filled = m.now.timestamp() - raised[2].0;
        assert_eq!(raised[2].1, bucket_count(0, raised[2].0, &m) * filled as u64 / 300);
        assert!(calm.iter().all(|(at, n)| *n == baseline(0, *at)));
        let after: u64 = raised.iter().map(|(_, n)| n).sum();
        let prior: u64 = calm[calm.len() - 3..].iter().map(|(_, n)| n).sum();
        assert!(after > 16 && after > 2 * prior, "{after} against {prior}");
        // Other projects stay quiet.
        assert!(whole(&series(&m, 1)).iter().all(|(at, n)| *n == baseline(1, *at)));

        // Later (speed 1, wall clock moved on): the whole buckets keep their
        // counts, and the new ones are raised too.
        let later = at(&s, switch + 900.0);
        let again = series(&later, 0);
        for (at, n) in &raised[..2] {
            assert_eq!(again.iter().find(|(a, _)| a == at).map(|(_, n)| n), Some(n));
        }
        assert!(again[again.len() - 3..again.len() - 1].iter().all(|(_, n)| *n >= 8));

        // The week-ago window is quiet and whole.
        let week = |t: DateTime<Utc>| (t - Duration::days(7)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let q =
            pairs(&[("interval", "5m"), ("start", &week(later.now - Duration::hours(1))), ("end", &week(later.now))]);
        let past = StatsRange::from_query(&q, later.now, StatsApi::Timeseries).unwrap().series(&[0], &later);
        assert_eq!(past.len(), 13);
        assert!(past[1..12].iter().all(|(at, n)| *n == baseline(0, *at)));
    }
}
