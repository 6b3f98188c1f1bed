//! The sharing task: a round through the remote every `[share] interval`,
//! and at once when a milestone is to be claimed. Others' lines land in
//! the journal, where `tasks::follow_journal` picks them up like any other
//! process's; each round's outcome goes to the model, which says what
//! changed and shows the state in the header. A milestone is posted only
//! when this cockpit's claim of it wins, so the team's channel hears it
//! once; so is a deploy told to Sentry (`record_deploys`).

use crate::domain::Msg;
use crate::domain::sentry::msg::SentryMsg;
use crate::domain::share::msg::{RoundFailure, ShareMsg};
use crate::io::notify::{self, Notifier, Post};
use crate::io::share::journal::Shared;
use crate::io::share::{Claim, Decided};
use chrono::Utc;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc;

pub(super) struct Sharing {
    /// Away while a round runs on a blocking thread.
    pub shared: Option<Shared>,
    pub every: Duration,
    pub timeout: Duration,
    /// Milestones to claim, from `Io`.
    pub posts: mpsc::UnboundedReceiver<Post>,
    pub notifier: Option<Notifier>,
    /// Who this cockpit's claims name, for the others' logs.
    pub by: String,
    /// Tells Sentry of a deploy this cockpit's claim won.
    pub sentry: Option<std::sync::Arc<crate::io::sentry::SentryClient>>,
}

/// How long quitting waits for the last round.
pub(super) const LAST_ROUND: Duration = Duration::from_secs(5);

/// Rounds until `last` fires (the cockpit is quitting): then one more, only
/// when lines of ours are unsent, and the task ends.
pub(super) async fn run(tx: mpsc::UnboundedSender<Msg>, mut s: Sharing, mut last: tokio::sync::oneshot::Receiver<()>) {
    let mut interval = tokio::time::interval(s.every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut texts: BTreeMap<String, Post> = BTreeMap::new();
    let mut posts_open = true;
    loop {
        tokio::select! {
            _ = &mut last => {
                let done = off_workers(&mut s.shared, move |shared, handle| {
                    let unsent = shared.unsent_now();
                    (unsent > 0).then(|| (unsent, handle.block_on(shared.round(LAST_ROUND))))
                });
                match done.await {
                    Some(Some((_, Ok(r)))) => {
                        tracing::info!(pushed = r.pushed, "sharing: the last round sent this cockpit's lines")
                    }
                    Some(Some((unsent, Err(e)))) => tracing::warn!(unsent, "sharing: the last round failed: {e}"),
                    Some(None) | None => {}
                }
                return;
            }
            _ = interval.tick() => {}
            post = s.posts.recv(), if posts_open => match post {
                Some(post) => ask(&mut s, &mut texts, post),
                None => posts_open = false,
            },
        }
        // Milestones often come several at once (a phase completes as its
        // last item is ticked): one round claims them all.
        while let Ok(post) = s.posts.try_recv() {
            ask(&mut s, &mut texts, post);
        }
        let timeout = s.timeout;
        let done = off_workers(&mut s.shared, move |shared, handle| {
            let result = handle.block_on(shared.round(timeout));
            (result, shared.unsent())
        });
        let Some((result, unsent)) = done.await else { return };
        let result = match result {
            Ok(report) => {
                for (key, decided) in report.claims {
                    let Some(post) = texts.remove(&key) else { continue };
                    let by = match decided {
                        Decided::Won => None,
                        Decided::Lost { by, .. } => Some(if by.is_empty() { "another cockpit".into() } else { by }),
                    };
                    let said = match (post.deploy, by) {
                        (Some(record), None) => {
                            crate::io::sentry::spawn::record_deploy(&tx, s.sentry.clone(), record);
                            Ok(())
                        }
                        (Some(record), Some(by)) => {
                            let msg = SentryMsg::DeployClaimed { record: Box::new(record), by, at: Utc::now() };
                            tx.send(Msg::Sentry(msg))
                        }
                        (None, by) => {
                            if by.is_none() {
                                notify::spawn(&tx, s.notifier.clone(), post.text.clone());
                            }
                            tx.send(Msg::Share(ShareMsg::Claimed { at: Utc::now(), text: post.text, by }))
                        }
                    };
                    if said.is_err() {
                        return;
                    }
                }
                Ok(report.warnings)
            }
            Err(e) => Err(RoundFailure { offline: e.is_offline(), text: e.to_string() }),
        };
        if tx.send(Msg::Share(ShareMsg::Round { at: Utc::now(), result, unsent })).is_err() {
            return;
        }
    }
}

/// Runs `work` on the shared push on a blocking thread: a round reads the
/// journal, appends to it with an fsync and waits on git, none of which may
/// hold a worker the cockpit's loop draws on. `None` when that thread
/// panicked: the push is no longer shared (said in the log file), the
/// cockpit goes on alone.
async fn off_workers<T: Send + 'static>(
    shared: &mut Option<Shared>,
    work: impl FnOnce(&mut Shared, &tokio::runtime::Handle) -> T + Send + 'static,
) -> Option<T> {
    let mut taken = shared.take()?;
    let handle = tokio::runtime::Handle::current();
    match tokio::task::spawn_blocking(move || {
        let out = work(&mut taken, &handle);
        (taken, out)
    })
    .await
    {
        Ok((back, out)) => {
            *shared = Some(back);
            Some(out)
        }
        Err(e) => {
            tracing::error!("sharing stopped: a round failed: {e}");
            None
        }
    }
}

fn ask(s: &mut Sharing, texts: &mut BTreeMap<String, Post>, post: Post) {
    if let Some(shared) = s.shared.as_mut() {
        shared.claim(Claim { key: post.key.clone(), by: s.by.clone() });
    }
    texts.insert(post.key.clone(), post);
}
