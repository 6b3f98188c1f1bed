//! Driving the model without a terminal: carry out effects, feed every
//! answer back through `update`, until nothing is outstanding. The headless
//! commands run exactly the logic the cockpit runs.

use crate::domain::{Effect, Model, Msg, update};
use crate::io::Io;
use tokio::sync::mpsc;

/// How many answer messages an effect will produce.
fn answers(effect: &Effect) -> usize {
    match effect {
        Effect::Poll { targets, .. } => targets.len(),
        Effect::ScanRepos { repos, .. } => repos.len(),
        Effect::FetchRepos { repos } => repos.len(),
        Effect::CreateTags { tags, .. } => tags.len(),
        Effect::PushTags { tags } => tags.len(),
        Effect::LoadCompare { .. } => 1,
        Effect::Append(_) => 1,
        Effect::FetchSentry { projects, .. } => projects.len(),
        Effect::ResolvePick { .. } => 1,
        // Headless commands post no milestones and write no notes file.
        Effect::Notify(_) | Effect::ExportNotes { .. } => 0,
        // Nothing to open or copy to without a terminal.
        Effect::OpenUrl(_) | Effect::Copy(_) => 0,
    }
}

/// Whether `msg` answers an effect counted by [`answers`]. Every message is
/// named, with no catch-all: a new one must be placed here before it
/// compiles, so an answer nobody counts cannot leave a command waiting.
fn is_answer(msg: &Msg) -> bool {
    match msg {
        Msg::Probed { .. }
        | Msg::RepoScanned { .. }
        | Msg::Fetched { .. }
        | Msg::TagCreated { .. }
        | Msg::TagPushed { .. }
        | Msg::CompareLoaded { .. }
        | Msg::SentryFetched { .. }
        | Msg::PickResolved { .. }
        | Msg::Journaled
        | Msg::JournalFailed { .. } => true,
        // Not answers to a counted effect: input, the clock, the journal
        // followed, notices, and what only the cockpit does.
        Msg::Action(_)
        | Msg::Tick(_)
        | Msg::Resize
        | Msg::JournalRead { .. }
        | Msg::Edit(_)
        | Msg::Paste(_)
        | Msg::Compose(_)
        | Msg::Composing(_)
        | Msg::NotifyFailed { .. }
        | Msg::Exported { .. }
        | Msg::Notice { .. } => false,
    }
}

pub struct Driver {
    io: Io,
    rx: mpsc::UnboundedReceiver<Msg>,
}

impl Driver {
    pub fn new(config: &crate::config::Config) -> Result<Self, super::Exit> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (io, warnings) = crate::session::wiring::io(config, tx).map_err(|e| super::Exit::new(1, e.to_string()))?;
        for w in warnings {
            super::warn(&w);
        }
        Ok(Driver { io, rx })
    }

    /// Applies `msg`, then carries out everything it leads to.
    pub async fn run(&mut self, model: &mut Model, msg: Msg) {
        let effects = update(model, msg);
        self.settle(model, effects).await;
    }

    pub async fn settle(&mut self, model: &mut Model, effects: Vec<Effect>) {
        let mut pending = 0;
        for e in effects {
            pending += answers(&e);
            self.io.spawn(e);
        }
        while pending > 0 {
            let Some(msg) = self.rx.recv().await else { break };
            if is_answer(&msg) {
                pending -= 1;
            }
            for e in update(model, msg) {
                pending += answers(&e);
                self.io.spawn(e);
            }
        }
    }
}
