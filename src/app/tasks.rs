//! The loop's helpers that run beside it: the terminal reader, the clock,
//! and following the journal for lines other processes write (the sharing
//! task is `sharing`).

use super::Input;
use crate::domain::Msg;
use crate::domain::journal::msg::JournalMsg;
use chrono::Utc;
use crossterm::event::Event;
use std::time::Duration;
use tokio::sync::mpsc;

/// Keys, pastes and the mouse, from a thread that blocks on the terminal (see
/// [`input`] for why not crossterm's event stream).
pub(super) fn spawn_read_input(tx: mpsc::UnboundedSender<Input>) -> std::io::Result<()> {
    std::thread::Builder::new().name("input".into()).spawn(move || {
        let failed = super::input::read_events(|event| {
            let input = match event {
                Event::Key(key) => Input::Key(key),
                Event::Paste(text) => Input::Paste(text),
                Event::Mouse(m) => Input::Mouse(m),
                _ => return true,
            };
            tx.send(input).is_ok()
        });
        let _ = tx.send(Input::Closed(failed.map(|e| e.to_string())));
    })?;
    Ok(())
}

pub(super) async fn clock(tx: mpsc::UnboundedSender<Msg>, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        if tx.send(Msg::Tick(Utc::now())).is_err() {
            return;
        }
    }
}

/// Reads what other processes (another cockpit, `shipdeck log`, `shipdeck
/// tick`, the sharing task) append to the journal, four times a second.
pub(super) async fn follow_journal(tx: mpsc::UnboundedSender<Msg>, mut f: crate::session::journal::Follow) {
    // A quarter second: a teammate's line appended by the sharing task is
    // on screen without waiting out a second; reading on from the cursor
    // costs a stat when nothing was written.
    let mut interval = tokio::time::interval(Duration::from_millis(250));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        let (store, cursor, mut seen) = (f.store.clone(), f.cursor, std::mem::take(&mut f.seen));
        let read = tokio::task::spawn_blocking(move || {
            let r = store.read_from(cursor, &mut seen);
            (r, seen)
        })
        .await;
        let (result, seen) = match read {
            Ok(done) => done,
            Err(e) => {
                // Say it rather than stop following in silence.
                let error = format!("journal {}: following stopped: {e}", f.store.path().display());
                let _ = tx.send(Msg::Journal(JournalMsg::Failed { error, at: Utc::now() }));
                return;
            }
        };
        f.seen = seen;
        let msg = match result {
            Ok(loaded) => {
                f.cursor = loaded.cursor;
                if loaded.events.is_empty() && loaded.damage.is_empty() {
                    continue;
                }
                Msg::Journal(JournalMsg::Read { events: loaded.events, damage: loaded.damage })
            }
            Err(e) => Msg::Journal(JournalMsg::Failed { error: e.to_string(), at: Utc::now() }),
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}
