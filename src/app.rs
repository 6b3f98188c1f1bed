//! The loop, and nothing else: receive one message, drain the rest, update,
//! spawn effects, draw if anything arrived. No fixed frame rate: an idle
//! cockpit wakes once per clock tick and otherwise sleeps.

mod input;
mod keys;
mod mouse;
mod sharing;
pub mod signals;
mod tasks;

use crate::config::Config;
use crate::domain::view::scope::scope;
use crate::domain::{LogKind, Model, Msg, update};
use crate::keymap::Keymap;
use crate::session::wiring;
use crate::terminal::TerminalGuard;
use crate::ui::{self, RenderCtx, Theme, ViewState};
use chrono::FixedOffset;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent};
use signals::Interrupts;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

pub struct Frontend {
    pub theme: Theme,
    pub keymap: Keymap,
    pub tz: FixedOffset,
    /// Where `e` writes the notes when not beside the journal: the demo's
    /// journal goes with the demo, the notes must not.
    pub notes_dir: Option<PathBuf>,
    /// The push shared through `[share]`'s remote, when configured.
    pub share: Option<crate::io::share::journal::Shared>,
    /// What `p` pauses: the demo's story, in the demo.
    pub story: Option<crate::io::StoryControl>,
}

enum Input {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize,
    /// SIGTSTP from outside (in raw mode ctrl-z arrives as a key instead).
    Suspend,
    /// SIGCONT: the process was stopped and continued; the shell may have
    /// changed the terminal meanwhile.
    Continued,
    /// Standard input ended or failed; nothing more will come.
    Closed(Option<String>),
}

pub async fn run(
    mut model: Model,
    config: &Config,
    fe: Frontend,
    follow: Option<crate::session::journal::Follow>,
    interrupts: Interrupts,
) -> color_eyre::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let (in_tx, mut in_rx) = mpsc::unbounded_channel::<Input>();
    let (io, warnings) = wiring::io(config, tx.clone())?;
    let mut io = io.with_notes_dir(fe.notes_dir.clone()).with_story(fe.story.clone()).with_clipboard();
    let now = model.now;
    for w in warnings {
        model.push_log(now, LogKind::Error, w);
    }
    match wiring::notifier(config) {
        Ok(Some(n)) => {
            io = io.with_notifier(n);
            model.milestones.enabled = true;
        }
        Ok(None) => {}
        Err(e) => model.push_log(now, LogKind::Error, e.to_string()),
    }
    // The cockpit is the front end that tells Sentry of deploys.
    if let Some(s) = model.sentry.as_mut() {
        s.deploys.enabled = true;
    }
    let store = follow.as_ref().map(|f| f.store.clone());
    if let Some(f) = follow {
        io = io.with_journal(f.store.clone());
        tokio::spawn(tasks::follow_journal(tx.clone(), f));
    }
    let mut fe = fe;
    let share_task = match (fe.share.take(), &config.share) {
        (Some(shared), Some(share)) => {
            let (posts_tx, posts) = mpsc::unbounded_channel();
            let notifier = io.notifier().cloned();
            io = io.with_claims(posts_tx);
            let s = sharing::Sharing {
                shared: Some(shared),
                every: share.interval,
                timeout: config.git.timeout,
                posts,
                notifier,
                by: model.actor.name.clone(),
                sentry: io.sentry(),
            };
            let (last_tx, last) = tokio::sync::oneshot::channel();
            Some((tokio::spawn(sharing::run(tx.clone(), s, last)), last_tx))
        }
        _ => None,
    };
    crate::terminal::require_tty().map_err(|e| crate::headless::Exit::new(2, e.to_string()))?;
    let job = signals::job_signals();
    let mut guard = TerminalGuard::enter(config.mouse)?;

    tasks::spawn_read_input(in_tx.clone())?;
    tokio::spawn(tasks::clock(tx.clone(), config.poll.interval.min(Duration::from_secs(1))));
    tokio::spawn(signals::watch(tx.clone(), in_tx, interrupts, job));

    let mut view = ViewState::default();
    let mut clicks = mouse::Clicks::default();
    let mut draws: u64 = 0;
    loop {
        let ctx = RenderCtx { theme: &fe.theme, keymap: &fe.keymap, now: model.now, tz: fe.tz };
        guard.terminal().draw(|f| ui::render(f, &model, &mut view, &ctx))?;
        draws += 1;

        let mut batch = Vec::new();
        tokio::select! {
            Some(m) = rx.recv() => batch.push(Incoming::Msg(m)),
            Some(i) = in_rx.recv() => batch.push(Incoming::Input(i)),
            else => break,
        }
        while let Ok(m) = rx.try_recv() {
            batch.push(Incoming::Msg(m));
        }
        while let Ok(i) = in_rx.try_recv() {
            batch.push(Incoming::Input(i));
        }
        for incoming in batch {
            // Keys are read against the model as it is after the keys before
            // them: `w` then fast typing goes into the prompt `w` opened.
            let msg = match incoming {
                Incoming::Msg(m) => Some(m),
                // Whatever has the keyboard, ctrl-z stops the job as in any
                // other terminal program.
                Incoming::Input(Input::Suspend) => {
                    suspend(&mut guard)?;
                    None
                }
                Incoming::Input(Input::Key(k))
                    if k.code == KeyCode::Char('z') && k.modifiers == KeyModifiers::CONTROL =>
                {
                    suspend(&mut guard)?;
                    None
                }
                Incoming::Input(Input::Mouse(m)) => clicks.read(m, std::time::Instant::now(), &view.hits),
                Incoming::Input(Input::Continued) => {
                    guard.resume()?;
                    None
                }
                Incoming::Input(i) => keys::translate(i, &fe.keymap, scope(&model), &mut view.composer)?,
            };
            let Some(msg) = msg else { continue };
            for effect in update(&mut model, msg) {
                io.spawn(effect);
            }
        }
        if model.view.should_quit {
            break;
        }
    }
    // Every line shown was acknowledged: it is on disk before the cockpit goes.
    if !io.flush_journal(Duration::from_secs(10)).await {
        tracing::error!("journal: appends still waiting after 10 s at quit");
    }
    // The last lines go to the team before the cockpit does (a tick, then
    // `q`), in one round bounded in time; then nothing writes in the data
    // dir (the demo removes its own next). A round cut short is the next
    // session's.
    if let Some((mut task, last)) = share_task {
        let _ = last.send(());
        if tokio::time::timeout(sharing::LAST_ROUND, &mut task).await.is_err() {
            tracing::warn!("sharing: the last round did not end in {:?}; lines wait for the next", sharing::LAST_ROUND);
            task.abort();
            let _ = task.await;
        }
    }
    if let Some(store) = &store
        && model.journal.read_only.is_none()
    {
        crate::session::view_memory::save(&model, store);
    }
    tracing::info!(draws, "cockpit closed");
    Ok(())
}

enum Incoming {
    Msg(Msg),
    Input(Input),
}

/// Leaves the terminal to the shell, stops, and takes it back once continued.
fn suspend(guard: &mut TerminalGuard) -> color_eyre::Result<()> {
    guard.suspend();
    if let Err(e) = crate::terminal::stop_self() {
        tracing::warn!("cannot suspend: {e}");
    }
    guard.resume()?;
    Ok(())
}
