//! What Sentry's numbers say: the errors since the push against two
//! baselines (the hours before it, the same hours a week ago), the windows
//! those are read over, and the verdict.

use super::{BUCKET_SECS, Bucket, Fetched, MAX_SPAN_SECS, plausible_interval};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Calm,
    Elevated,
    Spike,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Calm => "calm",
            Verdict::Elevated => "elevated",
            Verdict::Spike => "spike",
        }
    }
}

/// The numbers behind a verdict. `since_push` is a count of errors over
/// the time since the push that its reading covers (without the buckets
/// still being ingested, when that reading is the higher one); `before`,
/// `week_ago` and `baseline` are what their rates come to over that same
/// time, so the two read side by side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Analysis {
    pub since_push: u64,
    /// The larger of the two baselines: a rise is only a spike against both.
    pub baseline: u64,
    pub before: u64,
    pub week_ago: Option<u64>,
    /// `since_push / baseline`; `None` when the baseline is zero.
    pub ratio: Option<f64>,
    pub verdict: Verdict,
}

pub(super) const WEEK_SECS: i64 = 7 * 86_400;

/// The first bucket counted as "since the push" and how many buckets run
/// from it to the one holding `end` (epoch seconds): the push's own bucket
/// on, a day at most.
fn since_push_buckets(push: i64, end: i64, iv: i64) -> (i64, i64) {
    let end_bucket = end - end.rem_euclid(iv);
    let push = push.min(end);
    let first = (push - push.rem_euclid(iv)).max(end_bucket - (MAX_SPAN_SECS / iv - 1) * iv);
    (first, (end_bucket - first) / iv + 1)
}

/// Where the series asked of Sentry starts (epoch seconds, on a bucket
/// boundary so the first bucket is whole): as many buckets before the push
/// as there are since (the baseline), and six hours back at least (the chart).
pub fn series_start(push: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let now = now.timestamp();
    let (first, buckets) = since_push_buckets(push.timestamp(), now, BUCKET_SECS);
    let six_hours = now - 6 * 3600;
    (first - buckets * BUCKET_SECS).min(six_hours - six_hours.rem_euclid(BUCKET_SECS))
}

/// The part of the week-ago window the analysis reads at `now` (epoch
/// seconds, `[from, to)`): from the first bucket since the push to the one
/// holding `now`, a week back.
pub fn week_ago_needed(push: DateTime<Utc>, now: DateTime<Utc>) -> (i64, i64) {
    let now = now.timestamp();
    let (first, _) = since_push_buckets(push.timestamp(), now, BUCKET_SECS);
    let end_bucket = now - now.rem_euclid(BUCKET_SECS);
    (first - WEEK_SECS, end_bucket + BUCKET_SECS - WEEK_SECS)
}

/// The window a week earlier asked of Sentry: what the analysis reads now
/// and a day more, in whole buckets. The answer is history and is kept
/// while it covers what later polls read (see `io::sentry`), so a push costs
/// one such request whether or not its start is recorded yet.
pub fn week_ago_window(push: DateTime<Utc>, now: DateTime<Utc>) -> (i64, i64) {
    let (from, to) = week_ago_needed(push, now);
    (from, to + MAX_SPAN_SECS)
}

/// Compares the error rate since the push with the rate over as many
/// buckets just before it, and over the same window one week earlier (when
/// known); the higher of the two is the baseline.
///
/// Rates, not bucket counts: a bucket counts for the time its data covers.
/// The newest bucket is still filling — it holds what happened up to the
/// end of the window asked (`Fetched::until`), not its whole width — so it
/// weighs that much and no more; a bucket missing from the answer, or
/// without a count, weighs nothing on either side. Buckets are aligned and
/// the push's own bucket counts as after, so a steady rate is a ratio of 1
/// whatever minute the push started; a push more than a day old is judged
/// on its last day. Buckets from the future (clock skew) are not counted.
///
/// The newest buckets are also still being ingested (Sentry marks them
/// `incomplete`: they end less than [`INGESTION_DELAY_SECS`] before now), so
/// they may hold less than happened. The rate since the push is read twice —
/// from the complete buckets alone, and from every bucket weighed as above —
/// and the higher reading counts: the first is not pulled down by events
/// still on their way, the second sees a rise only the newest buckets hold
/// yet (a spike in the push's first minutes). The baselines read every
/// bucket: all of them have ended.
///
/// A spike needs both `ratio >= spike_ratio` and at least `min_count`
/// errors, so three errors against one is not an alarm; against a zero
/// baseline, `min_count` errors alone are a spike.
pub fn analyse(d: &Fetched, push: DateTime<Utc>, now: DateTime<Utc>, spike_ratio: f64, min_count: u64) -> Analysis {
    // The client takes no other width; this keeps the arithmetic bounded
    // whatever it is handed.
    let iv = if plausible_interval(d.interval) { d.interval } else { BUCKET_SECS };
    let end = now.timestamp().min(d.until.max(0));
    let end_bucket = end - end.rem_euclid(iv);
    let (first, buckets) = since_push_buckets(push.timestamp(), end, iv);
    // (errors, seconds covered) of the buckets starting in [from, to), the
    // incomplete ones left out when `settled`. Counts and starts are the
    // server's: saturating.
    let tally = |series: &[Bucket], from: i64, to: i64, until: i64, settled: bool| -> (u64, i64) {
        series
            .iter()
            .filter(|b| b.at >= from && b.at < to && !(settled && b.incomplete))
            .filter_map(|b| Some((b.count?, b.at.saturating_add(iv).min(until).saturating_sub(b.at).clamp(0, iv))))
            .filter(|(_, secs)| *secs > 0)
            .fold((0u64, 0i64), |(n, s), (c, secs)| (n.saturating_add(c), s.saturating_add(secs)))
    };
    let all = tally(&d.series, first, end_bucket + iv, end, false);
    let settled = tally(&d.series, first, end_bucket + iv, end, true);
    // The higher of the two rates (cross-multiplied: no division by zero).
    let rate_above = |a: (u64, i64), b: (u64, i64)| {
        u128::from(a.0) * u128::from(b.1.unsigned_abs()) > u128::from(b.0) * u128::from(a.1.unsigned_abs())
    };
    let higher = settled.1 > 0 && rate_above(settled, all);
    let (since_push, since_secs) = if higher { settled } else { all };
    let (before, before_secs) = tally(&d.series, first - buckets * iv, first, end, false);
    // A week ago every bucket is whole.
    let (week, week_secs) = tally(&d.week_ago, first - WEEK_SECS, end_bucket + iv - WEEK_SECS, i64::MAX, false);
    // What a rate comes to over the time since the push that is covered.
    let over = |n: u64, secs: i64| (secs > 0).then(|| n as f64 * since_secs as f64 / secs as f64);
    let before_exp = over(before, before_secs).unwrap_or(0.0);
    let week_exp = over(week, week_secs);
    let base = before_exp.max(week_exp.unwrap_or(0.0));
    let ratio = (base > 0.0).then(|| since_push as f64 / base);
    let verdict = match ratio {
        _ if since_push < min_count.div_ceil(2) => Verdict::Calm,
        Some(r) if r >= spike_ratio && since_push >= min_count => Verdict::Spike,
        None if since_push >= min_count => Verdict::Spike,
        Some(r) if r >= 1.0 + (spike_ratio - 1.0) / 2.0 => Verdict::Elevated,
        None => Verdict::Elevated,
        Some(_) => Verdict::Calm,
    };
    let round = |x: f64| x.round().max(0.0) as u64;
    Analysis {
        since_push,
        baseline: round(base),
        before: round(before_exp),
        week_ago: week_exp.map(round),
        ratio,
        verdict,
    }
}
