//! `SentryEffect::Fetch` as one task asking about one project after another
//! (Sentry counts concurrent requests against the organization), and
//! `SentryEffect::RecordDeploy` as a task of its own.

use super::client::SentryClient;
use crate::domain::Msg;
use crate::domain::sentry::SentryError;
use crate::domain::sentry::deploys::DeployRecord;
use crate::domain::sentry::msg::SentryMsg;
use chrono::{DateTime, Utc};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Without a client (no `[sentry]`) every project still answers, saying so.
pub fn fetch(
    tx: &UnboundedSender<Msg>,
    client: Option<Arc<SentryClient>>,
    projects: Vec<(usize, String)>,
    push: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let tx = tx.clone();
    tokio::spawn(async move {
        for (project, slug) in projects {
            let (result, rate) = match &client {
                // A panic must still answer, or the project would wait forever.
                Some(client) => AssertUnwindSafe(client.fetch(&slug, push, now))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|_| (Err(SentryError::Network("internal error".into())), None)),
                None => (Err(SentryError::NoToken("Sentry is not set up".into())), None),
            };
            if tx.send(Msg::Sentry(SentryMsg::Fetched { project, result, rate, at: Utc::now() })).is_err() {
                return;
            }
        }
    });
}

/// Tells Sentry of one deploy and answers with how it went. Without a
/// client (no `[sentry]`) it says so.
pub fn record_deploy(tx: &UnboundedSender<Msg>, client: Option<Arc<SentryClient>>, record: DeployRecord) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let result = match &client {
            Some(client) => AssertUnwindSafe(client.record_deploy(&record))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Err("internal error (see shipdeck.log)".into())),
            None => Err("Sentry is not set up".into()),
        };
        let msg = SentryMsg::DeployRecorded { record: Box::new(record), result, at: Utc::now() };
        let _ = tx.send(Msg::Sentry(msg));
    });
}
