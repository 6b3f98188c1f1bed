//! `shipdeck status`: one sweep of every service and environment, through
//! the same `update` the cockpit runs, printed as a table or JSON.

use super::Exit;
use super::drive::Driver;
use crate::cli::{Global, StatusArgs};
use crate::config::Config;
use crate::domain::redact;
use crate::domain::report::StatusReport;
use crate::domain::{Model, Msg, Remote};
use crate::session;
use chrono::Utc;
use std::fmt::Write as _;

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
    let mut model = session::build_model(config, global, Utc::now());
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
pub fn table(model: &Model) -> String {
    let ro = &model.rollout;
    let target = model.target();
    let mut out = String::new();
    let _ = writeln!(out, "{} · push {} · target {}", model.release.name, model.release.push_date, target);
    let name_w = ro.services.iter().map(|s| s.name.chars().count()).max().unwrap_or(7).max(7);
    let col_w = 34;
    let _ = write!(out, "{:<name_w$}", "SERVICE");
    for env in &ro.envs {
        let _ = write!(out, "  {:<col_w$}", env.to_uppercase());
    }
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    out.push('\n');
    for row in &ro.services {
        let _ = write!(out, "{:<name_w$}", row.name);
        for cell in &row.cells {
            let text = match cell {
                None => "—".to_string(),
                Some(c) => {
                    let glyph = c.status(&row.target).glyph(false);
                    let what = match &c.state {
                        Remote::Ready { value, .. } => value.info.label(),
                        Remote::Failed { error, .. } => {
                            format!("{}: {}", error.state.as_str(), redact::url(&error.message))
                        }
                        _ => "no answer".into(),
                    };
                    let hb = match c.heartbeat {
                        crate::domain::Heartbeat::Warning => " [heartbeat warning]",
                        crate::domain::Heartbeat::Error => " [heartbeat error]",
                        _ => "",
                    };
                    format!("{glyph} {what}{hb}")
                }
            };
            let _ = write!(out, "  {:<col_w$}", text);
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    // The columns have no room for two URLs, and a moved endpoint means the
    // config is out of date: one line each, under the table.
    for row in &ro.services {
        for (env, cell) in ro.envs.iter().zip(&row.cells) {
            let Some((c, to)) = cell.as_ref().and_then(|c| Some((c, c.final_url.as_deref()?))) else { continue };
            let asked = redact::url(&c.endpoint.version_url);
            let _ = writeln!(out, "{} · {env}: {asked} redirected to {}", row.name, redact::url(to));
        }
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
