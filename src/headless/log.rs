//! `shipdeck log [MESSAGE]`: append a chat line — or a notes command
//! (`/notable`, `/blocker`, `/unblock N`, `/pick SHA [REPO]`, `/note`,
//! `/tick ITEM`) — to the session journal, or print the timeline (`--follow`
//! is `follow`). A running cockpit shows the line within a second.

use super::Exit;
use crate::cli::{Global, LogArgs, TickArgs};
use crate::config::Config;
use crate::domain::journal::{Event, EventKind, MAX_TEXT, cut_notice, limit_text};
use crate::domain::notes::{Ask, HELP, Line, ask, parse};
use crate::domain::repos::pick_repos;
use crate::io::sanitize::{clean_max, clean_text};
use crate::session;
use chrono::Utc;
use std::fmt::Write as _;

pub fn run(config: &Config, global: &Global, args: &LogArgs) -> Result<String, Exit> {
    let mut model = session::model::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    if let Some(message) = &args.message {
        let (text, cut) = limit_text(&clean_text(message, MAX_TEXT + 1));
        if text.is_empty() {
            return Err(Exit::new(2, "empty message: nothing logged"));
        }
        if cut {
            super::warn(&cut_notice());
        }
        // `/unblock`, `/retract` and `/pick` (a re-tag may have shipped it)
        // are decided against the journal; every other line is appended
        // without reading it.
        if matches!(parse(&text), Line::Unblock(_) | Line::Retract(_) | Line::Pick { .. }) {
            super::fold_journal(&store, &mut model)?;
        }
        let kind = match ask(&text, &model.notes) {
            Ask::Record(kind) => kind,
            Ask::Pick { sha, repo } => {
                let repos = pick_repos(&config.repos, repo.as_deref()).map_err(|e| Exit::new(2, e))?;
                let ranges = push_ranges(&repos, &model.release);
                let (repo, sha, summary) =
                    crate::io::git::resolve_pick(&sha, &repos, &ranges).map_err(|e| Exit::new(2, e.to_string()))?;
                if let Some(why) = model.notes.shipped.pick_refusal(&repo, &sha) {
                    return Err(Exit::new(2, why));
                }
                EventKind::Pick { repo, sha, summary }
            }
            Ask::Tick(item) => {
                let tick = TickArgs {
                    item,
                    undo: false,
                    note: None,
                    waive: None,
                    allow_override: false,
                    json: args.json,
                    sync: false,
                };
                return super::checklist::tick(config, global, &tick);
            }
            Ask::Retract(which) => {
                let me = crate::domain::journal::EventActor { name: model.actor.name.clone(), role: model.actor.role };
                let (id, what) = model
                    .notes
                    .retractable(&me, which.as_deref())
                    .map_err(|e| Exit::new(2, format!("{e}; nothing logged")))?;
                EventKind::Retract { target: id, what }
            }
            Ask::Help => return Ok(format!("{HELP}\n")),
            Ask::Unknown(why) => return Err(Exit::new(2, format!("{why}; nothing logged\n{HELP}"))),
            Ask::Refused(why) => return Err(Exit::new(2, format!("{why}; nothing logged"))),
        };
        return super::append(&store, &mut model, kind, args.json);
    }
    let loaded = store.load().map_err(|e| Exit::new(2, e.to_string()))?;
    for d in &loaded.damage {
        super::warn(d);
    }
    let events = &loaded.events[loaded.events.len().saturating_sub(args.lines.unwrap_or(usize::MAX))..];
    if args.json {
        return super::json::pretty(events);
    }
    let tz = session::model::local_offset();
    let mut out = String::new();
    if loaded.events.is_empty() {
        let _ = writeln!(out, "nothing logged yet ({})", store.path().display());
    }
    // The whole journal folded, as the cockpit does: items by their
    // titles, blockers with their numbers, lines taken back said so.
    model.apply_events(&loaded.events);
    // In time order, as the cockpit's log: a push start recorded as twenty
    // minutes ago sits there.
    let mut events: Vec<&Event> = events.iter().collect();
    events.sort_by_key(|e| e.at);
    for e in events {
        let l = line_with(e, tz, &model);
        match l.strip_suffix('\n') {
            Some(l) if model.notes.is_retracted(&e.id) => {
                let _ = writeln!(out, "{l} (taken back)");
            }
            _ => out.push_str(&l),
        }
    }
    Ok(out)
}

/// The push's range in each repository a `/pick` looks in, as the cockpit
/// knows it from its scans; a repository that cannot be scanned has none
/// (its pick is recorded as asked).
fn push_ranges(
    repos: &[crate::domain::repos::RepoSpec],
    release: &crate::domain::release::Release,
) -> Vec<(String, crate::domain::repos::CompareRange)> {
    repos
        .iter()
        .filter_map(|spec| {
            let status = crate::io::git::scan(spec, release.push_date, &release.tag_format).ok()?;
            Some((spec.name.clone(), status.range()?))
        })
        .collect()
}

/// One event as the log prints it: local time, what happened, a newline.
/// The text is from the journal, which other machines write: it is cleaned
/// here and again on its way to the terminal.
/// Presence beats are no line of the log (JSON has them, kind `presence`).
pub fn line(e: &Event, tz: chrono::FixedOffset) -> String {
    line_with(e, tz, &crate::domain::log::names::NoNames)
}

/// [`line`] in people's words: item titles and blocker numbers from `names`.
pub fn line_with(e: &Event, tz: chrono::FixedOffset, names: &dyn crate::domain::log::names::Names) -> String {
    if !e.kind.is_log_line() {
        return String::new();
    }
    let (_, text) = e.describe_with(names);
    format!("{} {}\n", e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S"), clean_max(&text, 4000))
}
