//! `shipdeck status`: one sweep of every service and environment, through
//! the same `update` the cockpit runs, printed as a table or JSON.

use super::Exit;
use super::drive::Driver;
use crate::cli::{Global, StatusArgs};
use crate::config::Config;
use crate::domain::kernel::redact;
use crate::domain::rollout::report::StatusReport;
use crate::domain::{Heartbeat, Model, Msg, Remote};
use crate::io::sanitize::clean;
use crate::session;
use chrono::Utc;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Polls everything once (and scans the repositories, whose tags decide the
/// targets) and returns the model with every answer applied.
pub async fn sweep(config: &Config, global: &Global) -> Result<Model, Exit> {
    sweep_from(config, global, None).await
}

/// The sweep, with Sentry counting from `push_started`, else from the
/// journal's push-started event (read when there is a journal), else from an
/// hour ago.
pub async fn sweep_from(
    config: &Config,
    global: &Global,
    push_started: Option<chrono::DateTime<Utc>>,
) -> Result<Model, Exit> {
    let mut model = session::model::build_model(config, global, Utc::now());
    session::history::load(&mut model, config, global);
    if config.sentry.is_some() && push_started.is_none() {
        // Best effort: a status report does not fail for want of a journal.
        if let Ok(store) = super::journal_for(config, global, &model)
            && let Ok(loaded) = store.load()
        {
            model.apply_events(&loaded.events);
        }
    }
    if let Some(s) = model.sentry.as_mut() {
        s.push_override = push_started;
    }
    let mut driver = Driver::new(config)?;
    driver.run(&mut model, Msg::Tick(Utc::now())).await;
    Ok(model)
}

pub async fn run(config: &Config, global: &Global, args: &StatusArgs) -> Result<String, Exit> {
    for env in &args.expect {
        if !config.release.environments.contains(env) {
            return Err(Exit::new(
                2,
                format!("--expect {env}: not an environment of {} ({:?})", config.source, config.release.environments),
            ));
        }
    }
    let model = sweep_from(config, global, args.push_started).await?;
    // URLs are masked where the report is made (`StatusReport::from_model`).
    let report = StatusReport::from_model(&model);
    let out = if args.json { super::json::pretty(&report)? } else { table(&model) };
    let progress = report.progress();
    let short: Vec<String> = args
        .expect
        .iter()
        .filter_map(|env| {
            let (on, total) = progress.get(env.as_str()).copied().unwrap_or((0, 0));
            (on < total).then(|| format!("{env} {on}/{total}"))
        })
        .collect();
    if !short.is_empty() {
        // The report still goes to stdout; the gate's verdict to stderr.
        super::emit(&out);
        return Err(Exit::new(3, format!("not on {}: {}", model.target(), short.join(", "))));
    }
    Ok(out)
}

/// A plain table for people: glyphs carry the meaning, no colour needed.
/// Each column is as wide as its widest cell, measured in terminal columns
/// (a wide character counts two) after cleaning, so a long note in one cell
/// never pushes the next column out of line.
pub fn table(model: &Model) -> String {
    let ro = &model.rollout;
    let target = model.target();
    let mut out = String::new();
    let _ = writeln!(out, "{} · push {} · target {}", model.release.name, model.release.push_date, target);
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(ro.services.len() + 1);
    rows.push(std::iter::once("SERVICE".to_string()).chain(ro.envs.iter().map(|e| e.to_uppercase())).collect());
    // What does not fit a cell, one line each under the table: a moved
    // endpoint (the config is out of date), and why a heartbeat is not ok.
    let mut notes = Vec::new();
    for row in &ro.services {
        let mut line = vec![row.name.clone()];
        for (env, cell) in ro.envs.iter().zip(&row.cells) {
            let Some(c) = cell else {
                line.push("—".to_string());
                continue;
            };
            let glyph = c.status(&row.target).glyph(false);
            let what = match &c.state {
                Remote::Ready { value, .. } => value.info.label(),
                Remote::Failed { error, .. } => format!("{}: {}", error.state.as_str(), redact::url(&error.message)),
                _ => "no answer".into(),
            };
            // A heartbeat that failed with its service is that failure; one
            // that is not ok beside an answering service is news of its own.
            let heartbeat = match (c.heartbeat, &c.state) {
                (Heartbeat::Warning | Heartbeat::Error, _) => Some(c.heartbeat.as_str()),
                (Heartbeat::Unknown, Remote::Ready { .. }) if c.heartbeat_detail.is_some() => Some("unknown"),
                _ => None,
            };
            match heartbeat {
                Some(h) => line.push(format!("{glyph} {what} [heartbeat {h}]")),
                None => line.push(format!("{glyph} {what}")),
            }
            if let (Some(_), Some(detail)) = (heartbeat, &c.heartbeat_detail) {
                notes.push(format!("{} · {env}: {}", row.name, redact::url(detail)));
            }
            if let Some(to) = c.final_url.as_deref() {
                let asked = redact::url(&c.endpoint.version_url);
                notes.push(format!("{} · {env}: {asked} redirected to {}", row.name, redact::url(to)));
            }
        }
        rows.push(line);
    }
    for row in &mut rows {
        for text in row.iter_mut() {
            *text = clean(text);
        }
    }
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..columns).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|t| t.width()).max().unwrap_or(0)).collect();
    for row in &rows {
        let mut line = String::new();
        for (i, text) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(text);
            line.extend(std::iter::repeat_n(' ', widths[i].saturating_sub(text.width())));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for note in notes {
        let _ = writeln!(out, "{}", clean(&note));
    }
    let summary: Vec<String> = ro
        .envs
        .iter()
        .enumerate()
        .map(|(i, env)| {
            let p = ro.progress(i);
            format!("{env} {}/{} on target", p.on_target, p.total)
        })
        .collect();
    let _ = writeln!(out, "{}", summary.join(" · "));
    out
}
