//! The sharing task: a round through the remote every `[share] interval`,
//! and at once when a milestone is to be claimed. Others' lines land in
//! the journal, where `tasks::follow_journal` picks them up like any other
//! process's; each round's outcome goes to the model, which says what
//! changed and shows the state in the header. A milestone is posted only
//! when this cockpit's claim of it wins, so the team's channel hears it
//! once.

use crate::domain::Msg;
use crate::domain::share::msg::{RoundFailure, ShareMsg};
use crate::io::notify::{self, Notifier, Post};
use crate::io::share::journal::Shared;
use crate::io::share::{Claim, Decided};
use chrono::Utc;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc;

pub(super) struct Sharing {
    pub shared: Shared,
    pub every: Duration,
    pub timeout: Duration,
    /// Milestones to claim, from `Io`.
    pub posts: mpsc::UnboundedReceiver<Post>,
    pub notifier: Option<Notifier>,
    /// Who this cockpit's claims name, for the others' logs.
    pub by: String,
}

/// How long quitting waits for the last round.
pub(super) const LAST_ROUND: Duration = Duration::from_secs(5);

/// Rounds until `last` fires (the cockpit is quitting): then one more, only
/// when lines of ours are unsent, and the task ends.
pub(super) async fn run(tx: mpsc::UnboundedSender<Msg>, mut s: Sharing, mut last: tokio::sync::oneshot::Receiver<()>) {
    let mut interval = tokio::time::interval(s.every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut posts_open = true;
    loop {
        tokio::select! {
            _ = &mut last => {
                let unsent = s.shared.unsent_now();
                if unsent > 0 {
                    match s.shared.round(LAST_ROUND).await {
                        Ok(r) => tracing::info!(pushed = r.pushed, "sharing: the last round sent this cockpit's lines"),
                        Err(e) => tracing::warn!(unsent, "sharing: the last round failed: {e}"),
                    }
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
        let result = match s.shared.round(s.timeout).await {
            Ok(report) => {
                for (key, decided) in report.claims {
                    let Some(text) = texts.remove(&key) else { continue };
                    let by = match decided {
                        Decided::Won => {
                            notify::spawn(&tx, s.notifier.clone(), text.clone());
                            None
                        }
                        Decided::Lost { by, .. } => Some(if by.is_empty() { "another cockpit".into() } else { by }),
                    };
                    if tx.send(Msg::Share(ShareMsg::Claimed { at: Utc::now(), text, by })).is_err() {
                        return;
                    }
                }
                Ok(report.warnings)
            }
            Err(e) => Err(RoundFailure { offline: e.is_offline(), text: e.to_string() }),
        };
        if tx.send(Msg::Share(ShareMsg::Round { at: Utc::now(), result, unsent: s.shared.unsent() })).is_err() {
            return;
        }
    }
}

fn ask(s: &mut Sharing, texts: &mut BTreeMap<String, String>, post: Post) {
    s.shared.claim(Claim { key: post.key.clone(), by: s.by.clone() });
    texts.insert(post.key, post.text);
}
