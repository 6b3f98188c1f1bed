//! A project's errors per bucket: `events-timeseries`, or `events-stats`
//! where that is missing, and the same window a week earlier, kept.

use super::client::{SentryClient, WeekAgo};
use super::parse::{parse_stats, parse_timeseries, stamp};
use super::request::{Fail, Scoped};
use crate::domain::sentry::analysis::{week_ago_needed, week_ago_window};
use crate::domain::sentry::{BUCKET_SECS, Bucket, RateLimit, SentryError, StatsEndpoint};
use chrono::{DateTime, Utc};
use std::sync::atomic::Ordering;

/// What Sentry's error alerts count as errors.
const ERROR_EVENTS: &str = "(event.type:error OR event.type:default)";

impl SentryClient {
    /// Errors per bucket over `window` (`[from, to]`, epoch seconds):
    /// `events-timeseries`, or `events-stats` where that is missing.
    pub(super) async fn series(
        &self,
        slug: &str,
        id: &str,
        window: (i64, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        if !self.legacy_stats.load(Ordering::Relaxed) {
            match self.timeseries(slug, id, window, rate).await {
                Err(Scoped::Refused { status: 404, what }) if what.is_empty() => {}
                other => return other,
            }
            let answer = self.events_stats(slug, id, window, rate).await?;
            self.legacy_stats.store(true, Ordering::Relaxed);
            return Ok(answer);
        }
        self.events_stats(slug, id, window, rate).await
    }

    /// `events-timeseries`; a 404 without Sentry's `detail` (an unknown
    /// route) comes back as `Refused` with no `what`.
    async fn timeseries(
        &self,
        slug: &str,
        id: &str,
        window: (i64, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        let mut q = self.common(id);
        q.extend([
            ("dataset", "errors".to_string()),
            ("yAxis", "count()".to_string()),
            ("query", ERROR_EVENTS.to_string()),
            ("interval", BUCKET_SECS.to_string()),
            ("start", stamp(window.0)),
            ("end", stamp(window.1)),
        ]);
        let what = format!("events-timeseries for {slug}");
        let path = format!("/api/0/organizations/{}/events-timeseries/", self.org);
        let body = match self.get(&path, &q, &what, rate).await {
            Ok(b) => b,
            Err(Fail::Status { status: 404, detail: None }) => {
                return Err(Scoped::Refused { status: 404, what: String::new() });
            }
            Err(f) => return Err(self.scoped(f, &what)),
        };
        let (buckets, interval) =
            parse_timeseries(&body, window).map_err(|e| SentryError::Bad { what, message: e.to_string() })?;
        Ok((buckets, interval, StatsEndpoint::Timeseries))
    }

    async fn events_stats(
        &self,
        slug: &str,
        id: &str,
        window: (i64, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<(Vec<Bucket>, i64, StatsEndpoint), Scoped> {
        let mut q = self.common(id);
        q.extend([
            ("yAxis", "count()".to_string()),
            ("query", ERROR_EVENTS.to_string()),
            ("interval", "5m".to_string()),
            // Without it Sentry leaves out the bucket still filling.
            ("partial", "1".to_string()),
            ("start", stamp(window.0)),
            ("end", stamp(window.1)),
        ]);
        let what = format!("events-stats for {slug}");
        let path = format!("/api/0/organizations/{}/events-stats/", self.org);
        let body = self.get(&path, &q, &what, rate).await.map_err(|f| self.scoped(f, &what))?;
        let (buckets, interval) =
            parse_stats(&body, window).map_err(|e| SentryError::Bad { what, message: e.to_string() })?;
        Ok((buckets, interval, StatsEndpoint::EventsStats))
    }

    /// The window a week earlier, per project. It is history, so an answer
    /// is kept and used while it covers what the analysis reads at `now`
    /// (from the first bucket since the push to `now`, a week back) for the
    /// same project id, endpoint and bucket width; only otherwise is it
    /// asked again. Without a recorded push start the reference is the hour
    /// before now, which moves every poll but stays inside the kept window
    /// for a day, and so does the push start once recorded: one request per
    /// push, not one per poll.
    pub(super) async fn week_ago(
        &self,
        slug: &str,
        id: &str,
        (push, now): (DateTime<Utc>, DateTime<Utc>),
        (endpoint, interval): (StatsEndpoint, i64),
        rate: &mut Option<RateLimit>,
    ) -> Result<Vec<Bucket>, Scoped> {
        let (need_from, need_to) = week_ago_needed(push, now);
        let kept = self.week_ago.lock().unwrap_or_else(|e| e.into_inner()).get(slug).cloned();
        if let Some(w) = kept.filter(|w| {
            w.id == id
                && w.endpoint == endpoint
                && w.interval == interval
                && w.window.0 <= need_from
                && need_to <= w.window.1
        }) {
            return Ok(w.buckets);
        }
        let window = week_ago_window(push, now);
        let asked = match endpoint {
            StatsEndpoint::Timeseries => self.timeseries(slug, id, window, rate).await,
            StatsEndpoint::EventsStats => self.events_stats(slug, id, window, rate).await,
        };
        let (mut buckets, week_interval, _) = match asked {
            Ok(answer) => answer,
            // A Sentry that keeps less than a week of events refuses the
            // window (400): the comparison goes on without it, from the time
            // just before the push, and the refusal is kept like an answer so
            // it is not asked again every poll. Anything else (a rate limit,
            // a token) is the project's error as usual.
            Err(Scoped::Failed(SentryError::Rejected { .. })) => {
                tracing::warn!(
                    project = slug,
                    "Sentry refused the week-ago window; comparing with before the push only"
                );
                (Vec::new(), interval, endpoint)
            }
            Err(e) => return Err(e),
        };
        if week_interval != interval && !buckets.is_empty() {
            let message = format!("the week-ago window came in {week_interval} s buckets, the series in {interval} s");
            return Err(Scoped::Failed(SentryError::Bad {
                what: format!("{} for {slug}", endpoint.as_str()),
                message,
            }));
        }
        // events-timeseries adds the (empty) bucket starting at the end; a
        // week on, every bucket is complete.
        buckets.retain(|b| b.at < window.1);
        buckets.iter_mut().for_each(|b| b.incomplete = false);
        let keep = WeekAgo { id: id.to_string(), endpoint, window, interval, buckets: buckets.clone() };
        self.week_ago.lock().unwrap_or_else(|e| e.into_inner()).insert(slug.to_string(), keep);
        Ok(buckets)
    }
}
