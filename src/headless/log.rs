//! `shipdeck log [MESSAGE]`: append a chat line — or a notes command
//! (`/notable`, `/blocker`, `/unblock N`, `/pick SHA [REPO]`, `/note`,
//! `/tick ITEM`) — to the session journal, or print the timeline. A running
//! cockpit shows the line within a second.

use super::Exit;
use crate::cli::{Global, LogArgs, TickArgs};
use crate::config::Config;
use crate::domain::journal::{Event, EventActor, EventKind, VERSION};
use crate::domain::notes::{HELP, Line, parse};
use crate::io::sanitize::clean_max;
use crate::session;
use chrono::Utc;
use std::fmt::Write as _;

pub fn run(config: &Config, global: &Global, args: &LogArgs) -> Result<String, Exit> {
    let mut model = session::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    let loaded = store.load().map_err(|e| Exit::new(2, e.to_string()))?;
    for d in &loaded.damage {
        eprintln!("shipdeck: {d}");
    }
    if let Some(message) = &args.message {
        let text = clean_max(message, 2000);
        if text.is_empty() {
            return Err(Exit::new(2, "empty message: nothing logged"));
        }
        model.apply_events(&loaded.events);
        let kind = match parse(&text) {
            Line::Chat(text) => EventKind::Chat { text },
            Line::Notable(text) => EventKind::Notable { text },
            Line::Blocker(text) => EventKind::Blocker { text },
            Line::Note(text) => EventKind::Note { text },
            Line::Unblock(number) => {
                if !model.notes.open_blockers().any(|b| b.number == number) {
                    let open: Vec<String> = model.notes.open_blockers().map(|b| format!("#{}", b.number)).collect();
                    let open = if open.is_empty() { "none".to_string() } else { open.join(", ") };
                    return Err(Exit::new(2, format!("no open blocker #{number} (open: {open})")));
                }
                EventKind::Unblock { number }
            }
            Line::Pick { sha, repo } => pick(config, &sha, repo.as_deref())?,
            Line::Tick(item) => {
                let tick =
                    TickArgs { item, undo: false, note: None, waive: None, allow_override: false, json: args.json };
                return super::checklist::tick(config, global, &tick);
            }
            Line::Help => return Ok(format!("{HELP}\n")),
            Line::Unknown(why) => return Err(Exit::new(2, format!("{why}; nothing logged\n{HELP}"))),
        };
        let at = Utc::now();
        let event = Event {
            v: VERSION,
            id: format!("{}:{}:cli", model.actor.name, at.timestamp_nanos_opt().unwrap_or_default()),
            at,
            actor: EventActor { name: model.actor.name.clone(), role: model.actor.role },
            kind,
        };
        store.append(&event).map_err(|e| Exit::new(1, e.to_string()))?;
        return Ok(if args.json {
            serde_json::to_string(&event).map_err(|e| Exit::new(1, e.to_string()))? + "\n"
        } else {
            format!("{}\n", event.describe().1)
        });
    }
    if args.json {
        return Ok(serde_json::to_string_pretty(&loaded.events).map_err(|e| Exit::new(1, e.to_string()))? + "\n");
    }
    let tz = session::local_offset();
    let mut out = String::new();
    if loaded.events.is_empty() {
        let _ = writeln!(out, "nothing logged yet ({})", store.path().display());
    }
    for e in &loaded.events {
        let (_, text) = e.describe();
        let _ = writeln!(out, "{} {}", e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S"), clean_max(&text, 4000));
    }
    Ok(out)
}

/// `/pick SHA [REPO]`: the commit must exist in the repository (or, without
/// one, in exactly one configured repository); it is recorded with its full
/// sha and summary.
fn pick(config: &Config, sha: &str, repo: Option<&str>) -> Result<EventKind, Exit> {
    let names = || config.repos.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
    let specs: Vec<_> = config.repos.iter().filter(|r| repo.is_none_or(|name| r.name == name)).cloned().collect();
    if specs.is_empty() {
        return Err(Exit::new(
            2,
            match repo {
                Some(name) => format!("/pick: no repository `{name}` (configured: {})", names()),
                None => "/pick: no repositories are configured".into(),
            },
        ));
    }
    let (repo, sha, summary) = crate::io::resolve_pick(sha, &specs).map_err(|e| Exit::new(2, e))?;
    Ok(EventKind::Pick { repo, sha, summary })
}
