//! Signals: SIGTERM, SIGHUP and SIGINT end the cockpit cleanly; job control
//! (SIGTSTP, SIGCONT) and resizes reach the loop as input.

use super::Input;
use crate::action::Action;
use crate::domain::Msg;
use tokio::sync::mpsc;

/// SIGTERM, SIGHUP (the terminal closed) and SIGINT, caught from the moment
/// this is made. Until then each kills the process on the spot, perhaps in
/// the middle of a journal write, and whatever it would have cleaned up on
/// the way out (the demo's temporary directory) stays behind; so it is made
/// first and handed to [`run`]. In raw mode ctrl-c is a key, not SIGINT:
/// SIGINT comes from `kill`, or from ctrl-c before the terminal is taken.
pub struct Interrupts {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Interrupts {
    /// Needs a running tokio runtime.
    pub fn catch() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Interrupts {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Interrupts {})
    }

    /// Waits for any of them and names it.
    pub async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.hup.recv() => "SIGHUP",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

/// SIGTERM, SIGHUP and SIGINT quit like ctrl-c (`quit_now`: nobody may be
/// there to answer a dialog), through the loop's one way out, so the
/// journal's pending lines are written, the terminal is restored and
/// temporary files removed; SIGTSTP suspends like ctrl-z; SIGCONT and
/// SIGWINCH redraw.
/// Job-control and resize signals, caught from the moment this is made:
/// made before the terminal is taken over, so a Ctrl-Z or a `kill -TSTP`
/// that comes early is never lost (a session leader's default action for
/// it is to ignore it, which would leave the cockpit running unsuspended).
#[cfg(unix)]
pub(super) struct JobSignals {
    tstp: tokio::signal::unix::Signal,
    cont: tokio::signal::unix::Signal,
    winch: tokio::signal::unix::Signal,
}

#[cfg(unix)]
pub(super) fn job_signals() -> Option<JobSignals> {
    use tokio::signal::unix::{SignalKind, signal};
    Some(JobSignals {
        tstp: signal(SignalKind::from_raw(libc::SIGTSTP)).ok()?,
        cont: signal(SignalKind::from_raw(libc::SIGCONT)).ok()?,
        winch: signal(SignalKind::window_change()).ok()?,
    })
}

#[cfg(not(unix))]
pub(super) struct JobSignals;

#[cfg(not(unix))]
pub(super) fn job_signals() -> Option<JobSignals> {
    None
}

pub(super) async fn watch(
    tx: mpsc::UnboundedSender<Msg>,
    input: mpsc::UnboundedSender<Input>,
    mut quit: Interrupts,
    job: Option<JobSignals>,
) {
    #[cfg(unix)]
    if let Some(JobSignals { mut tstp, mut cont, mut winch }) = job {
        loop {
            let sent = tokio::select! {
                which = quit.recv() => {
                    tracing::info!("{which}: quitting");
                    let _ = tx.send(Msg::Action(Action::QuitNow));
                    return;
                }
                _ = tstp.recv() => input.send(Input::Suspend),
                _ = cont.recv() => input.send(Input::Continued),
                _ = winch.recv() => input.send(Input::Resize),
            };
            if sent.is_err() {
                return;
            }
        }
    }
    let _ = (input, job);
    let which = quit.recv().await;
    tracing::info!("{which}: quitting");
    let _ = tx.send(Msg::Action(Action::QuitNow));
}
