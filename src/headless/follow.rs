//! `shipdeck log --follow`: the push's log as it grows, for chat bridges.
//!
//! Like `tail -f`: the last lines first (`-n`, 10 by default), then every
//! line appended by anyone — a cockpit, another command, a teammate's line
//! a share round took in — within a quarter of a second, as `shipdeck log`
//! prints it or, with `--json`, as one compact JSON object per line. Each
//! line is written and flushed on its own, so a reader at the other end of
//! a pipe gets it at once. With `--sync` a share round runs every
//! `[share].interval` beside it, so teammates' lines arrive with no cockpit
//! open; a round that fails is said on stderr (once, until it changes) and
//! following goes on.
//!
//! It ends with exit 0 on SIGINT or SIGTERM and when nobody reads standard
//! output any more (`| head -3`); with exit 2, as `shipdeck log` does, when
//! the journal cannot be read at the start or holds a line of a newer
//! shipdeck. Damaged lines, a truncated, replaced or removed journal and a
//! journal that cannot be read for a while later are said on stderr and
//! following goes on (see `tail`).

use super::Exit;
use super::sink::Sink;
use super::tail::{Step, Tail};
use crate::cli::{Global, LogArgs};
use crate::config::Config;
use crate::domain::journal::Event;
use crate::io::journal::JournalError;
use crate::io::share::journal::Shared;
use crate::session;
use chrono::Utc;
use std::time::Duration;

/// How often the journal is looked at: a stat, and a read when it grew.
const EVERY: Duration = Duration::from_millis(250);

/// Lines printed before following, as `tail`'s default.
const LAST: usize = 10;

pub async fn run(config: &Config, global: &Global, args: &LogArgs) -> Result<(), Exit> {
    let model = session::model::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    let shared = match args.sync {
        true => Some(super::sync::shared(config, global, "--sync needs it")?),
        false => None,
    };
    let stop = stop_signals().map_err(|e| Exit::new(1, format!("cannot catch SIGINT and SIGTERM: {e}")))?;
    let out = Sink::stdout();
    let print = Print { json: args.json, tz: session::model::local_offset() };
    let mut tail = Tail::new(store);
    // A journal too new to read is refused before anything is shown.
    let (first, back) = read(tail).await?;
    tail = back;
    let mut first = first.map_err(|e| Exit::new(2, e.to_string()))?;
    let skip = first.events.len().saturating_sub(args.lines.unwrap_or(LAST));
    first.events.drain(..skip);
    if let (Some(shared), Some(share)) = (shared, &config.share) {
        tokio::spawn(share_every(shared, share.interval, config.git.timeout));
    }
    let follow = async {
        let mut failing: Option<String> = None;
        let mut step = first;
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if !print.step(&out, step).await? {
                return Ok(());
            }
            every.tick().await;
            let (result, back) = read(tail).await?;
            tail = back;
            step = match result {
                Ok(step) => {
                    failing = None;
                    step
                }
                Err(e @ JournalError::FutureVersion { .. }) => return Err(Exit::new(2, e.to_string())),
                Err(e) => {
                    let text = e.to_string();
                    if failing.as_ref() != Some(&text) {
                        super::warn(&format!("{text}; trying again"));
                    }
                    failing = Some(text);
                    Step::default()
                }
            };
        }
    };
    tokio::select! {
        ended = follow => ended,
        () = stop => Ok(()),
        () = out.closed() => Ok(()),
    }
}

/// One read of the journal, off the async threads (the first may be long).
async fn read(mut tail: Tail) -> Result<(Result<Step, JournalError>, Tail), Exit> {
    tokio::task::spawn_blocking(move || (tail.read(), tail))
        .await
        .map_err(|e| Exit::new(1, format!("following the journal stopped: {e}")))
}

struct Print {
    json: bool,
    tz: chrono::FixedOffset,
}

impl Print {
    /// Says the step's notes on stderr and prints its events; `false` when
    /// nobody reads standard output any more. Lines read together are
    /// written together, a few dozen KiB at a time: a long backlog (`-n`)
    /// is not a write per line.
    async fn step(&self, out: &Sink, step: Step) -> Result<bool, Exit> {
        for note in &step.notes {
            super::warn(note);
        }
        let mut batch = String::new();
        for (i, e) in step.events.iter().enumerate() {
            batch.push_str(&self.line(e)?);
            if batch.len() < 64 * 1024 && i + 1 < step.events.len() {
                continue;
            }
            match out.write(&std::mem::take(&mut batch)).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(false),
                Err(e) => return Err(Exit::new(1, format!("cannot write to standard output: {e}"))),
            }
        }
        Ok(true)
    }

    fn line(&self, e: &Event) -> Result<String, Exit> {
        match self.json {
            true => super::json::line(e),
            false => Ok(crate::io::sanitize::for_terminal(&super::log::line(e, self.tz)).into_owned()),
        }
    }
}

/// Resolves on the first SIGINT or SIGTERM, caught from the moment this is
/// made.
fn stop_signals() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    })
}

/// A share round every `every`, as an open cockpit runs them: the lines it
/// takes in land in the journal, where following finds them. What goes
/// wrong is said when it changes, not every round.
async fn share_every(mut shared: Shared, every: Duration, timeout: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing: Option<String> = None;
    loop {
        interval.tick().await;
        match shared.round(timeout).await {
            Ok(report) => {
                for w in &report.warnings {
                    super::warn(w);
                }
                if failing.take().is_some() {
                    super::warn(&format!("sharing through {} again", shared.shown_remote()));
                }
            }
            Err(e) => {
                let text = e.to_string();
                if failing.as_ref() != Some(&text) {
                    super::warn(&format!("share round: {text}; following goes on, lines wait to be shared"));
                }
                failing = Some(text);
            }
        }
    }
}
