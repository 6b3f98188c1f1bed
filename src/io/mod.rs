//! The outside world. Each effect runs in a task and reports back with a
//! `Msg` that carries its data; nothing here touches the model.

pub mod dockerflow;
pub mod git;
pub mod http;
pub mod poller;
pub mod sanitize;

use crate::config::PollConfig;
use crate::domain::{Effect, Msg};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};

/// Carries out effects. Cheap to clone into tasks.
#[derive(Clone)]
pub struct Io {
    client: reqwest::Client,
    /// Shared by every sweep, so a refresh during a sweep cannot exceed the
    /// configured concurrency.
    permits: Arc<Semaphore>,
    poll: PollConfig,
    tx: mpsc::UnboundedSender<Msg>,
}

impl Io {
    pub fn new(poll: &PollConfig, tx: mpsc::UnboundedSender<Msg>) -> Result<Self, http::ClientError> {
        Ok(Io {
            client: http::client(poll)?,
            permits: Arc::new(Semaphore::new(poll.concurrency)),
            poll: poll.clone(),
            tx,
        })
    }

    pub fn spawn(&self, effect: Effect) {
        match effect {
            Effect::Poll { generation, targets } => {
                for target in targets {
                    let io = self.clone();
                    tokio::spawn(async move {
                        // The semaphore is never closed, so acquiring cannot fail.
                        let _permit = io.permits.acquire().await.ok();
                        // A panic while probing must still answer, or the cell
                        // would wait forever and `status` would never finish.
                        let probe = AssertUnwindSafe(poller::probe(&io.client, &target.endpoint, io.poll.timeout))
                            .catch_unwind()
                            .await
                            .unwrap_or_else(|_| poller::internal_error(&target.endpoint));
                        // A closed channel means the app is shutting down.
                        let _ = io.tx.send(Msg::Probed { generation, service: target.service, env: target.env, probe });
                    });
                }
            }
        }
    }
}
