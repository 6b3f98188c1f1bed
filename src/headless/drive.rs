//! Driving the model without a terminal: carry out effects, feed every
//! answer back through `update`, until nothing is outstanding. The headless
//! commands run exactly the logic the cockpit runs.
//!
//! A command that writes (`shipdeck tag`) turns the journal on with
//! [`Driver::journaled`]: the events the model records on the way (a tag
//! created, a tag pushed) are then appended by the writer the cockpit uses,
//! under this data dir's replica, so they are in the push's log and shared
//! like the cockpit's. Without it an append is answered and not written: a
//! command that only reads (`status`, `checklist`, `notes`) leaves what its
//! one sweep saw (an endpoint down, a spike) to the cockpits that watch.

use crate::domain::journal::seen_clock;
use crate::domain::{Effect, Model, Msg, update};
use crate::io::Io;
use crate::io::journal::JournalStore;
use tokio::sync::mpsc;

pub struct Driver {
    io: Io,
    rx: mpsc::UnboundedReceiver<Msg>,
    /// Where appends are saved, for a command that writes.
    journal: Option<JournalStore>,
}

impl Driver {
    pub fn new(config: &crate::config::Config) -> Result<Self, super::Exit> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (io, warnings) = crate::session::wiring::io(config, tx).map_err(|e| super::Exit::new(1, e.to_string()))?;
        for w in warnings {
            super::warn(&w);
        }
        Ok(Driver { io, rx, journal: None })
    }

    /// From now on every event the model records is appended to `store`, as
    /// the cockpit appends it: this data dir's replica and a fresh process id
    /// in its id (the share round sends only the replica's own lines), and
    /// the clock following the journal's last lines, so it sorts after what
    /// is there. A journal that cannot be read is refused here, before
    /// anything is done that would then go unrecorded.
    pub fn journaled(mut self, store: JournalStore, model: &mut Model) -> Result<Self, super::Exit> {
        crate::session::wiring::identify(model, &store);
        let last = store.last_events().map_err(|e| super::Exit::new(2, e.to_string()))?;
        for e in &last {
            model.journal.clock = seen_clock(model.journal.clock, e, model.now);
        }
        self.io = self.io.with_journal(store.clone());
        self.journal = Some(store);
        Ok(self)
    }

    /// Whether every append asked for so far was written; when one was not,
    /// the error to end the command with, after what it did is printed.
    pub fn saved(&self, model: &Model) -> Result<(), super::Exit> {
        match (&self.journal, &model.journal.read_only) {
            (Some(_), Some(error)) => Err(super::Exit::new(1, format!("done, but not in the push's log: {error}"))),
            _ => Ok(()),
        }
    }

    /// Applies `msg`, then carries out everything it leads to.
    pub async fn run(&mut self, model: &mut Model, msg: Msg) {
        let effects = update(model, msg);
        self.settle(model, effects).await;
    }

    /// Carries out `effects` and everything their answers lead to. An append
    /// is counted like any request: with a journal, this returns only once
    /// the writer said it is on disk (or that it is not).
    pub async fn settle(&mut self, model: &mut Model, effects: Vec<Effect>) {
        let mut pending = 0;
        for e in effects {
            pending += e.answers();
            self.io.spawn(e);
        }
        while pending > 0 {
            let Some(msg) = self.rx.recv().await else { break };
            if msg.is_answer() {
                pending -= 1;
            }
            for e in update(model, msg) {
                pending += e.answers();
                self.io.spawn(e);
            }
        }
    }
}
