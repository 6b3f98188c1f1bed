//! `events-stats` and `events-timeseries` answers read into buckets, and
//! checked: bucket widths, times and counts must be plausible.

use crate::domain::sentry::{BUCKET_SECS, Bucket, INGESTION_DELAY_SECS, plausible_interval};
use chrono::{SecondsFormat, TimeZone, Utc};
use serde_json::Value;

/// The largest count taken for one bucket: more than a million errors a
/// second for a day. Anything larger is not a count.
const MAX_COUNT: f64 = 1e11;

/// What makes a Sentry answer's body unreadable; the fetch puts it after
/// what was asked, so each says only what was wrong with the body.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("not JSON ({0})")]
    NotJson(#[source] serde_json::Error),
    /// The issue list is a bare array; anything else is not one.
    #[error("not a JSON array")]
    NotAnArray,
    /// `field` is the array the answer lacks: `data`, `timeSeries`, `values`.
    #[error("no `{field}` array")]
    NoArray { field: &'static str },
    /// `shown` is the number as the server wrote it, cut short.
    #[error("implausible count {shown}")]
    Count { shown: String },
    #[error("implausible timestamp {shown}")]
    Timestamp { shown: String },
    /// Seconds since the epoch, and the window asked.
    #[error("a bucket at {at} is outside the window asked ({} to {})", stamp(*from), stamp(*to))]
    OutsideWindow { at: i64, from: i64, to: i64 },
    #[error("buckets at {before} then {after}: not in steps of {interval} s")]
    OffStep { before: i64, after: i64, interval: i64 },
    /// events-stats does not say its width: the step between its buckets.
    #[error("buckets {secs} s apart: not {BUCKET_SECS} s or a multiple of it up to a day")]
    Step { secs: i64 },
    /// events-timeseries says its width in milliseconds.
    #[error("an interval of {shown} ms: not {BUCKET_SECS} s or a multiple of it up to a day")]
    Interval { shown: String },
}

/// `[start, end]` as asked: whole seconds, UTC.
pub(super) fn stamp(t: i64) -> String {
    let t = Utc.timestamp_opt(t, 0).single().unwrap_or_default();
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A number as the server wrote it, short, for an error.
fn shown(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 32 { format!("{}…", s.chars().take(32).collect::<String>()) } else { s }
}

/// A bucket's count as Sentry writes it (an integer, or a float such as
/// `9.0`, rounded): `Ok(None)` for `null` (a gap), an error for anything
/// that is not a plausible count (not a number, negative, absurdly large).
pub(super) fn bucket_count(v: Option<&Value>) -> Result<Option<u64>, ParseError> {
    let v = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    match v.as_f64() {
        Some(f) if (0.0..=MAX_COUNT).contains(&f) => Ok(Some(f.round() as u64)),
        _ => Err(ParseError::Count { shown: shown(v) }),
    }
}

/// Epoch seconds from a server's number (`scale` of them a second), when
/// it is one a date can be.
fn epoch_secs(v: &Value, scale: f64) -> Result<i64, ParseError> {
    let secs = v.as_f64().map(|f| (f / scale).floor());
    // Years 0 to 9999: far beyond any window, well within i64.
    match secs {
        Some(s) if (-62_167_219_200.0..=253_402_300_799.0).contains(&s) => Ok(s as i64),
        _ => Err(ParseError::Timestamp { shown: shown(v) }),
    }
}

/// Buckets as Sentry cuts a window asked from `from` to `to`: in order, each
/// starting a whole number of intervals after the one before; the first
/// holds `from` or starts after it (so it starts less than one interval
/// before it), and none starts after `to` (events-timeseries adds the
/// empty one starting at `to`).
fn check_buckets(buckets: &[Bucket], interval: i64, (from, to): (i64, i64)) -> Result<(), ParseError> {
    for b in buckets {
        if b.at <= from - interval || b.at > to {
            return Err(ParseError::OutsideWindow { at: b.at, from, to });
        }
    }
    for pair in buckets.windows(2) {
        let step = pair[1].at - pair[0].at;
        if step <= 0 || step % interval != 0 {
            return Err(ParseError::OffStep { before: pair[0].at, after: pair[1].at, interval });
        }
    }
    Ok(())
}

/// Whether a bucket ending at `end` is still subject to Sentry's ingestion
/// delay when the window asked ends at `to` (Sentry's own rule for
/// `incomplete`, with `to` for its clock).
fn ingesting(end: i64, to: i64) -> bool {
    end >= to - INGESTION_DELAY_SECS
}

/// `events-stats` for a window `(from, to)`: `{"data":[[<epoch s>,[{"count":
/// N}]],…]}`, and the bucket width: the step between buckets (it does not
/// say it), else the one asked. A bucket without a count is kept as a gap;
/// it is `incomplete` by Sentry's rule. Implausible numbers make the whole
/// answer unreadable.
pub fn parse_stats(body: &[u8], window: (i64, i64)) -> Result<(Vec<Bucket>, i64), ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(ParseError::NotJson)?;
    let data = v.get("data").and_then(Value::as_array).ok_or(ParseError::NoArray { field: "data" })?;
    let mut rows = Vec::with_capacity(data.len());
    for entry in data {
        let Some([at, counts]) = entry.as_array().and_then(|a| a.get(..2)) else {
            continue;
        };
        if !at.is_number() {
            continue;
        }
        let at = epoch_secs(at, 1.0)?;
        let count = counts.as_array().and_then(|cs| cs.iter().find_map(|c| c.get("count")));
        rows.push((at, bucket_count(count)?));
    }
    let interval = rows.windows(2).map(|p| p[1].0.saturating_sub(p[0].0)).filter(|d| *d > 0).min();
    let interval = interval.unwrap_or(BUCKET_SECS);
    if !plausible_interval(interval) {
        return Err(ParseError::Step { secs: interval });
    }
    let out: Vec<Bucket> = rows
        .into_iter()
        .map(|(at, count)| Bucket { at, count, incomplete: ingesting(at.saturating_add(interval), window.1) })
        .collect();
    check_buckets(&out, interval, window)?;
    Ok((out, interval))
}

/// `events-timeseries` for a window `(from, to)`: `{"timeSeries":[{"yAxis":
/// "count()","values":[{"timestamp":<epoch ms>,"value":N,"incomplete":…},…],
/// "meta":{"interval":<ms>,…}}],"meta":{…}}`; the buckets and their width in
/// seconds (the one asked when the answer does not say). No series at all
/// (no project matched) is an empty one. A bucket keeps Sentry's
/// `incomplete` (by Sentry's rule when it does not say); implausible
/// numbers make the whole answer unreadable.
pub fn parse_timeseries(body: &[u8], window: (i64, i64)) -> Result<(Vec<Bucket>, i64), ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(ParseError::NotJson)?;
    let all = v.get("timeSeries").and_then(Value::as_array).ok_or(ParseError::NoArray { field: "timeSeries" })?;
    let Some(series) =
        all.iter().find(|s| s.get("yAxis").and_then(Value::as_str) == Some("count()")).or_else(|| all.first())
    else {
        return Ok((Vec::new(), BUCKET_SECS));
    };
    let values = series.get("values").and_then(Value::as_array).ok_or(ParseError::NoArray { field: "values" })?;
    let interval = match series.pointer("/meta/interval") {
        None | Some(Value::Null) => BUCKET_SECS,
        Some(ms) => match ms.as_f64().map(|ms| ms / 1000.0) {
            Some(s) if s.fract() == 0.0 && plausible_interval(s.clamp(0.0, 1e9) as i64) => s as i64,
            _ => return Err(ParseError::Interval { shown: shown(ms) }),
        },
    };
    let mut buckets = Vec::with_capacity(values.len());
    for row in values {
        let Some(at) = row.get("timestamp").filter(|t| t.is_number()) else { continue };
        let at = epoch_secs(at, 1000.0)?;
        let count = bucket_count(row.get("value"))?;
        let incomplete = match row.get("incomplete").and_then(Value::as_bool) {
            Some(flag) => flag,
            None => ingesting(at.saturating_add(interval), window.1),
        };
        buckets.push(Bucket { at, count, incomplete });
    }
    check_buckets(&buckets, interval, window)?;
    Ok((buckets, interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 15:00 to 15:15 on 2026-11-27.
    const WINDOW: (i64, i64) = (1_795_791_600, 1_795_792_500);

    #[test]
    fn stats_keep_gaps_and_skip_junk() {
        let body = br#"{"data":[[1795791600,[{"count":3}]],[1795791900,[{}]],[1795792200,[]],"junk",[1795792500,[{"count":2.0}]]],"start":1,"end":2}"#;
        let (b, interval) = parse_stats(body, WINDOW).unwrap();
        assert_eq!((b.len(), interval), (4, 300));
        assert_eq!((b[0].count, b[1].count, b[2].count, b[3].count), (Some(3), None, None, Some(2)));
        // Sentry's rule for `incomplete`, with the window's end for now.
        let flags: Vec<bool> = b.iter().map(|b| b.incomplete).collect();
        assert_eq!(flags, [false, false, true, true]);
        assert!(parse_stats(b"{\"data\":", WINDOW).unwrap_err().to_string().contains("not JSON"));
        assert_eq!(parse_stats(b"{}", WINDOW).unwrap_err().to_string(), "no `data` array");
        assert_eq!(parse_stats(br#"{"data":[]}"#, WINDOW).unwrap(), (Vec::new(), BUCKET_SECS));
        // Hourly buckets (a width Sentry may pick instead) are read as such.
        let hourly = br#"{"data":[[1795791600,[{"count":60}]],[1795795200,[{"count":5}]]]}"#;
        assert_eq!(parse_stats(hourly, (WINDOW.0, WINDOW.0 + 3600)).unwrap().1, 3600);
    }

    #[test]
    fn timeseries_read_milliseconds_the_interval_and_incomplete() {
        let body = br#"{"meta":{"dataset":"errors","start":1795791600000,"end":1795792500000},
            "timeSeries":[{"yAxis":"count()","meta":{"valueType":"integer","valueUnit":null,"interval":300000},
            "values":[{"timestamp":1795791600000,"value":3,"incomplete":false},
                      {"timestamp":1795791900000,"value":null,"incomplete":false},
                      {"timestamp":1795792200000,"value":7.0,"incomplete":true,"incompleteReason":"INCOMPLETE_BUCKET"},
                      {"timestamp":1795792500000,"value":0},
                      {"value":1}]}]}"#;
        let (b, interval) = parse_timeseries(body, WINDOW).unwrap();
        assert_eq!(interval, 300);
        let got: Vec<(i64, Option<u64>, bool)> = b.iter().map(|b| (b.at, b.count, b.incomplete)).collect();
        assert_eq!(
            got,
            [
                (1795791600, Some(3), false),
                (1795791900, None, false),
                (1795792200, Some(7), true),
                // No flag: Sentry's rule.
                (1795792500, Some(0), true),
            ]
        );
        assert_eq!(parse_timeseries(br#"{"timeSeries":[]}"#, WINDOW).unwrap(), (Vec::new(), BUCKET_SECS));
        assert_eq!(parse_timeseries(br#"{"data":[]}"#, WINDOW).unwrap_err().to_string(), "no `timeSeries` array");
        assert!(parse_timeseries(b"[", WINDOW).unwrap_err().to_string().contains("not JSON"));
    }

    /// One timeseries answer with `interval` (ms) and rows of (timestamp in
    /// ms, value).
    fn timeseries(interval: &str, rows: &[(&str, &str)]) -> Vec<u8> {
        let values: Vec<String> = rows.iter().map(|(t, v)| format!(r#"{{"timestamp":{t},"value":{v}}}"#)).collect();
        format!(
            r#"{{"timeSeries":[{{"yAxis":"count()","meta":{{"interval":{interval}}},"values":[{}]}}]}}"#,
            values.join(",")
        )
        .into_bytes()
    }

    #[test]
    fn implausible_numbers_make_the_answer_unreadable() {
        let ok = ("1795791600000", "3");
        // Widths Sentry may answer with: the one asked, or a wider multiple.
        for interval in ["300000", "300000.0", "3600000", "86400000"] {
            assert!(parse_timeseries(&timeseries(interval, &[ok]), WINDOW).is_ok(), "{interval}");
        }
        for interval in ["1e30", "-300000", "0", "60000", "300500", "310000", "172800000", "9.3e18", "\"300\""] {
            let err = parse_timeseries(&timeseries(interval, &[ok]), WINDOW).unwrap_err().to_string();
            assert!(err.contains("interval"), "{interval}: {err}");
        }
        let bad_rows: [&[(&str, &str)]; 8] = [
            &[("1e30", "3")],
            &[("-1e30", "3")],
            // A week later, and before the window.
            &[("1796396400000", "3")],
            &[("1795791300000", "3")],
            // Out of order, repeated, off the step.
            &[("1795791900000", "3"), ("1795791600000", "3")],
            &[ok, ok],
            &[ok, ("1795791660000", "3")],
            &[ok, ("1795792800000", "3")],
        ];
        for rows in bad_rows {
            let err = parse_timeseries(&timeseries("300000", rows), WINDOW).unwrap_err().to_string();
            assert!(err.contains("timestamp") || err.contains("bucket"), "{rows:?}: {err}");
        }
        for value in ["1e30", "-1", "-0.6", "1e12", "true", "\"3\""] {
            let err =
                parse_timeseries(&timeseries("300000", &[("1795791600000", value)]), WINDOW).unwrap_err().to_string();
            assert!(err.contains("count"), "{value}: {err}");
        }
        // events-stats too.
        for body in [
            r#"{"data":[[1e30,[{"count":3}]]]}"#,
            r#"{"data":[[1795791600,[{"count":1e30}]]]}"#,
            r#"{"data":[[1795791600,[{"count":3}]],[1795791660,[{"count":3}]]]}"#,
            r#"{"data":[[1795791600,[{"count":3}]],[1795964400,[{"count":3}]]]}"#,
        ] {
            assert!(parse_stats(body.as_bytes(), WINDOW).is_err(), "{body}");
        }
    }

    #[test]
    fn errors_say_what_was_wrong_in_the_answers_own_numbers() {
        let text = |interval: &str, rows: &[(&str, &str)]| {
            parse_timeseries(&timeseries(interval, rows), WINDOW).unwrap_err().to_string()
        };
        let ok = ("1795791600000", "3");
        assert_eq!(text("60000", &[ok]), "an interval of 60000 ms: not 300 s or a multiple of it up to a day");
        assert_eq!(text("300000", &[("1795791600000", "-1")]), "implausible count -1");
        assert_eq!(text("300000", &[("-1e300", "3")]), "implausible timestamp -1e+300");
        assert_eq!(
            text("300000", &[("1796396400000", "3")]),
            "a bucket at 1796396400 is outside the window asked (2026-11-27T15:00:00Z to 2026-11-27T15:15:00Z)"
        );
        assert_eq!(
            text("300000", &[ok, ("1795791660000", "3")]),
            "buckets at 1795791600 then 1795791660: not in steps of 300 s"
        );
        let stats = br#"{"data":[[1795791600,[{"count":3}]],[1795791660,[{"count":3}]]]}"#;
        assert_eq!(
            parse_stats(stats, WINDOW).unwrap_err().to_string(),
            "buckets 60 s apart: not 300 s or a multiple of it up to a day"
        );
    }
}
