//! The one writer of a process's journal: appends are written in the order
//! they were made, one after the other, never by racing tasks, and each is
//! answered once it is on disk.

use super::store::JournalStore;
use crate::domain::Msg;
use crate::domain::journal::Event;
use crate::domain::journal::msg::JournalMsg;
use chrono::Utc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// What the writer is asked to do, in order.
enum Write {
    Event(Box<Event>),
    /// Answer once everything before this is written.
    Flush(oneshot::Sender<()>),
}

/// The queue into the writer. Cheap to clone; the writer ends when every
/// clone is gone, after writing what was already queued.
#[derive(Clone)]
pub struct Writer(mpsc::UnboundedSender<Write>);

impl Writer {
    /// Starts the writer of `store`, answering on `tx`. Needs a tokio runtime.
    pub fn start(store: JournalStore, tx: mpsc::UnboundedSender<Msg>) -> Self {
        let (queue, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_all(store, rx, tx));
        Writer(queue)
    }

    /// Queues `event`; `false` when the writer has stopped.
    pub fn append(&self, event: Event) -> bool {
        self.0.send(Write::Event(Box::new(event))).is_ok()
    }

    /// Waits, at most `limit`, until every append queued so far is on disk.
    /// `false` when the limit passed first.
    pub async fn flush(&self, limit: Duration) -> bool {
        let (done, wait) = oneshot::channel();
        if self.0.send(Write::Flush(done)).is_err() {
            return true;
        }
        matches!(tokio::time::timeout(limit, wait).await, Ok(Ok(())))
    }
}

/// Answers `Append` for `writer`, or at once without one (tests, scripts
/// that only read: nothing to save to).
pub fn append(writer: Option<&Writer>, tx: &mpsc::UnboundedSender<Msg>, event: Event) {
    let msg = match writer {
        Some(w) if w.append(event) => return,
        Some(_) => Msg::Journal(JournalMsg::Failed {
            error: "journal: the writer has stopped; the event was NOT saved".to_string(),
            at: Utc::now(),
        }),
        None => Msg::Journal(JournalMsg::Written),
    };
    let _ = tx.send(msg);
}

async fn write_all(store: JournalStore, mut rx: mpsc::UnboundedReceiver<Write>, tx: mpsc::UnboundedSender<Msg>) {
    while let Some(write) = rx.recv().await {
        let event = match write {
            Write::Event(event) => event,
            Write::Flush(done) => {
                let _ = done.send(());
                continue;
            }
        };
        let store = store.clone();
        let msg = match tokio::task::spawn_blocking(move || store.append(&event)).await {
            Ok(Ok(())) => Msg::Journal(JournalMsg::Written),
            Ok(Err(e)) => Msg::Journal(JournalMsg::Failed { error: e.to_string(), at: Utc::now() }),
            Err(e) => {
                Msg::Journal(JournalMsg::Failed { error: format!("journal: internal error: {e}"), at: Utc::now() })
            }
        };
        let _ = tx.send(msg);
    }
}
