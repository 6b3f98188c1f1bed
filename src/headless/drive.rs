//! Driving the model without a terminal: carry out effects, feed every
//! answer back through `update`, until nothing is outstanding. The headless
//! commands run exactly the logic the cockpit runs.

use crate::domain::{Effect, Model, Msg, update};
use crate::io::Io;
use tokio::sync::mpsc;

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
