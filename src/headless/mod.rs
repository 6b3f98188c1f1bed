//! The command-line front ends over the same library the cockpit uses.

pub mod check;
pub mod checklist;
mod checklist_gate;
pub mod deploy;
pub mod drive;
pub mod follow;
pub mod init;
pub mod json;
pub mod lock;
pub mod log;
pub mod notes;
pub mod notes_json;
pub mod repos;
mod sink;
pub mod smoke;
pub mod status;
pub mod sync;
mod tail;

/// A failure that ends a command with a message and an exit code, without a
/// backtrace: bad config, bad flags, a gate that did not pass.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

/// Prints a command's output. The text was cleaned where it entered; this is
/// the last pass before a terminal, and a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(crate::io::sanitize::for_terminal(text).as_bytes());
    let _ = std::io::stdout().flush();
}

/// Says something on stderr, `shipdeck: ` first, cleaned like [`emit`].
pub fn warn(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "shipdeck: {}", crate::io::sanitize::for_terminal(text));
}

impl Exit {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Exit { code, message: message.into() }
    }
}

/// The session's journal: `--data-dir` (or the OS data dir), release, push date.
pub fn journal_for(
    config: &crate::config::Config,
    global: &crate::cli::Global,
    model: &crate::domain::Model,
) -> Result<crate::io::journal::JournalStore, Exit> {
    crate::session::paths::journal(config, global, model.release.push_date)
        .ok_or_else(|| Exit::new(2, "no data directory: pass --data-dir"))
}

/// Folds `store`'s journal into `model`, each damaged line said on stderr:
/// what every command that decides against the journal does first.
pub fn fold_journal(store: &crate::io::journal::JournalStore, model: &mut crate::domain::Model) -> Result<(), Exit> {
    let loaded = store.load().map_err(|e| Exit::new(2, e.to_string()))?;
    for d in &loaded.damage {
        warn(d);
    }
    model.apply_events(&loaded.events);
    Ok(())
}

/// Records `kind` as the model's actor, now, the way the cockpit records it
/// (`session::wiring::record`), and says what was recorded: the event as
/// JSON, or its log line.
pub fn append(
    store: &crate::io::journal::JournalStore,
    model: &mut crate::domain::Model,
    kind: crate::domain::journal::EventKind,
    json: bool,
) -> Result<String, Exit> {
    let event = crate::session::wiring::record(model, store, kind).map_err(|e| Exit::new(1, e.to_string()))?;
    if json {
        return self::json::line(&event);
    }
    Ok(format!("{}\n", event.describe().1))
}
