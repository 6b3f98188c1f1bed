//! `shipdeck log [MESSAGE]`: append a chat line to the session journal, or
//! print the timeline. A running cockpit shows the line within a second.

use super::Exit;
use crate::cli::{Global, LogArgs};
use crate::config::Config;
use crate::domain::journal::{Event, EventActor, EventKind, VERSION};
use crate::io::sanitize::clean_max;
use crate::session;
use chrono::Utc;
use std::fmt::Write as _;

pub fn run(config: &Config, global: &Global, args: &LogArgs) -> Result<String, Exit> {
    let model = session::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    if let Some(message) = &args.message {
        let text = clean_max(message, 2000);
        if text.is_empty() {
            return Err(Exit::new(2, "empty message: nothing logged"));
        }
        let at = Utc::now();
        let event = Event {
            v: VERSION,
            id: format!("{}:{}:cli", model.actor.name, at.timestamp_nanos_opt().unwrap_or_default()),
            at,
            actor: EventActor { name: model.actor.name.clone(), role: model.actor.role },
            kind: EventKind::Chat { text },
        };
        store.append(&event).map_err(|e| Exit::new(1, e.to_string()))?;
        return Ok(if args.json {
            serde_json::to_string(&event).map_err(|e| Exit::new(1, e.to_string()))? + "\n"
        } else {
            format!("logged to {}\n", store.path().display())
        });
    }
    let loaded = store.load().map_err(|e| Exit::new(2, e.to_string()))?;
    for d in &loaded.damage {
        eprintln!("shipdeck: {d}");
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
        let _ = writeln!(out, "{} {text}", e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S"));
    }
    Ok(out)
}
