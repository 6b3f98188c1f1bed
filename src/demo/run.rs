//! `shipdeck demo`: start the fleet, then the cockpit on it with a teammate
//! sharing the push, or (`--serve`) only the fleet until interrupted.

use super::config::{DemoConfigOptions, demo_config, share_section};
use super::fleet::Fleet;
use super::story::Story;
use super::teammate::{Joining, Teammate};
use crate::app::signals::Interrupts;
use crate::app::{self, Frontend};
use crate::cli::{DemoArgs, Global};
use crate::config::{Config, DEFAULT_TAG_FORMAT};
use crate::domain::journal::EventKind;
use crate::domain::release::format_tag;
use crate::domain::share::ShareState;
use crate::domain::{Effect, LogKind, Model};
use crate::headless::Exit;
use crate::io::journal::JournalStore;
use crate::io::share::journal::Shared;
use crate::session;
use chrono::{Duration as Days, Local};
use std::path::PathBuf;
use std::time::Duration;

pub fn story(services: usize, new_tag: String, old_tag: String) -> Story {
    Story { services: super::service_names(services), old_tag, new_tag }
}

pub async fn run(args: &DemoArgs, global: &Global) -> color_eyre::Result<()> {
    use futures::FutureExt;
    if !args.serve {
        crate::terminal::require_tty().map_err(|e| Exit::new(2, e.to_string()))?;
    }
    // Caught before the temporary directory exists: from then on every way
    // out, a signal included, returns through this function and removes it.
    let mut interrupts = Interrupts::catch()?;
    let now_local = Local::now().naive_local();
    let push_date = global.push_date.unwrap_or(now_local.date());
    let new_tag = match &global.target {
        Some(t) => t.clone(),
        None => format_tag(push_date, DEFAULT_TAG_FORMAT).map_err(|e| Exit::new(2, e.to_string()))?,
    };
    // Last week's push ended on its re-tag (the repositories' `-1`): that is
    // what the fleet runs before this push, and its last known good.
    let old_tag = format_tag(push_date - Days::days(7), DEFAULT_TAG_FORMAT).map_err(|e| Exit::new(2, e.to_string()))?;
    let old_tag = format!("{old_tag}-1");
    let fleet = tokio::select! {
        which = interrupts.recv() => return Err(stopped(which).into()),
        fleet = Fleet::start(story(usize::from(args.services), new_tag, old_tag), args.speed) => fleet?,
    };
    // Repositories live as long as this process; the directory goes with it.
    let repo_dir = tempfile::Builder::new().prefix("shipdeck-demo-").tempdir()?;
    let (repos, repo_problem) = match super::repos::build(repo_dir.path(), push_date) {
        Ok(repos) => (repos, None),
        Err(e) => (Vec::new(), Some(format!("demo repositories not created: {e}"))),
    };
    // A service of a repository not tagged yet deploys once its tag is
    // pushed (`t`, then `P`): nothing runs a version that is not tagged.
    for r in &repos {
        fleet.deploy_when_tagged(&r.name, &r.remote);
    }
    // The bare remote the demo's people share the push through; the
    // config `--serve` writes shares nothing (cockpits tried against the
    // fleet bring their own `[share]`).
    let share_remote = (!args.serve).then(|| super::repos::share_remote(repo_dir.path()));
    // Making the repositories blocks; a signal during it is seen here.
    if let Some(which) = interrupts.recv().now_or_never() {
        return Err(stopped(which).into());
    }
    // Fast enough to watch the story at any speed, never hammering.
    let interval = Duration::from_secs_f64((2.0 / args.speed).clamp(0.1, 2.0));
    let interval = Duration::from_millis(interval.as_millis() as u64);
    let token_file = repo_dir.path().join("sentry-token");
    crate::io::regular_file::write_private(&token_file, super::DEMO_SENTRY_TOKEN.as_bytes())?;
    let opts =
        DemoConfigOptions { now_local, poll_interval: interval, repos: &repos, sentry_token_file: Some(&token_file) };
    let text = demo_config(&fleet, &opts);

    if args.serve {
        if let Some(p) = &repo_problem {
            crate::headless::warn(p);
        }
        match &args.write_config {
            Some(path) => {
                std::fs::write(path, &text)
                    .map_err(|e| Exit::new(1, format!("cannot write {}: {e}", path.display())))?;
                crate::headless::warn(&format!("config written to {}", path.display()));
            }
            None => crate::headless::emit(&text),
        }
        // Not `eprintln!`: it panics when stderr is a closed pipe.
        crate::headless::warn(&format!(
            "demo fleet: {} services (stage, prod) at {} — Ctrl-C stops",
            fleet.story.services.len(),
            fleet.base_url()
        ));
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted?,
            _ = interrupts.recv() => {}
        }
        return Ok(());
    }

    let mut text = text;
    let mut problems: Vec<String> = repo_problem.into_iter().collect();
    match &share_remote {
        Some(Ok(remote)) => text.push_str(&share_section(remote)),
        Some(Err(e)) => problems.push(format!("the demo's shared push was not set up ({e}); the cockpit runs alone")),
        None => {}
    }
    let config = Config::parse(&text, "built-in demo")?;
    let mut global = global.clone();
    global.push_date = Some(push_date);
    let mut model = session::model::build_model(&config, &global, chrono::Utc::now());
    model.demo = Some(crate::domain::demo::Demo::default());
    for p in problems {
        model.push_log(model.now, LogKind::System, p);
    }
    // The demo's session is its own: a data dir beside its repositories
    // (journal, replica id, share cache), gone with them, so one demo run
    // never replays another's log.
    let mut own = global.clone();
    own.data_dir = Some(repo_dir.path().join("cockpit"));
    let store = JournalStore::for_push(&repo_dir.path().join("cockpit"), &config.release.name, push_date);
    let shared = Shared::for_session(&config, &own, &store, &model.release);
    if let Some(s) = &shared {
        model.share = Some(ShareState::new(s.shown_remote()));
    }
    let follow = session::journal::open(&mut model, store).map_err(|e| Exit::new(2, e.to_string()))?;
    // The story joins a push under way: stage is done, prod is rolling out.
    // The push was started twenty minutes ago, inside the window, from this
    // cockpit, so it is shared like every line after it.
    let at = model.now - chrono::Duration::minutes(20);
    if let Effect::Append(started) = model.record(EventKind::PushStarted, at, false) {
        follow.store.append(&started).map_err(|e| Exit::new(1, e.to_string()))?;
    }
    // Last week's push, remembered: read after this push's start, so the
    // version still running is known to have run until now.
    let before_old =
        format_tag(push_date - Days::days(14), DEFAULT_TAG_FORMAT).map_err(|e| Exit::new(2, e.to_string()))?;
    let own_dir = repo_dir.path().join("cockpit");
    match super::last_push::remember(&own_dir, &config.release.name, push_date, &fleet.story, &before_old, model.now) {
        Ok(()) => session::history::load(&mut model, &config, &own),
        Err(e) => model.push_log(model.now, LogKind::Error, format!("last week's push not remembered: {e}")),
    }
    let mut teammates = Vec::new();
    if shared.is_some() {
        use super::script::{BOB, CAROL, bob, carol};
        let story = &fleet.story;
        for (who, steps, dir) in [(BOB, bob(story), "teammate"), (CAROL, carol(story), "ops")] {
            teammates.extend(join(&mut model, &config, &global, repo_dir.path().join(dir), &fleet, who, steps));
        }
    }
    let clock = fleet.clock();
    let notes_dir = session::paths::data_dir(&global).map(|d| d.join("demo")).or_else(|| std::env::current_dir().ok());
    let fe = Frontend {
        theme: session::theme::theme(&config, &global)?,
        keymap: config.keymap.clone(),
        tz: session::model::local_offset(),
        // The journal is the demo's own and goes with it; exported notes are
        // for keeping, in the data dir like a real push's.
        notes_dir: notes_dir.clone(),
        share: shared,
        story: Some(std::sync::Arc::new(move |paused| clock.set_paused(paused))),
    };
    let started = std::time::SystemTime::now();
    let ran = app::run(model, &config, fe, Some(follow), interrupts).await;
    if let Some(notes) = notes_dir.map(|d| d.join(format!("{push_date}.notes.md")))
        && notes.metadata().and_then(|m| m.modified()).is_ok_and(|at| at >= started)
    {
        // Printed after the cockpit left the screen: the notes outlive the demo.
        crate::headless::warn(&format!("the demo's notes are in {}", notes.display()));
    }
    // Before the temporary directory goes: the teammate writes in it.
    for t in teammates {
        t.stop().await;
    }
    remove(repo_dir);
    ran
}

/// Starts a teammate in `data_dir`, and says in the log that they joined,
/// or why they could not.
fn join(
    model: &mut Model,
    config: &Config,
    global: &Global,
    data_dir: PathBuf,
    fleet: &Fleet,
    who: super::script::Who,
    steps: Vec<super::script::Step>,
) -> Option<Teammate> {
    let joining = Joining { config, global, data_dir, beside: &model.actor.name, story: &fleet.story };
    let (kind, said, teammate) = match Teammate::start(joining, who, steps, fleet.clock()) {
        Ok(t) => (
            LogKind::System,
            format!("{} ({}) joins from another replica, through the shared remote", t.name(), who.role.as_str()),
            Some(t),
        ),
        Err(e) => (LogKind::Error, format!("the demo's {} did not join: {e}", who.name), None),
    };
    model.push_log(model.now, kind, said);
    teammate
}

/// Removes the demo's directory. The cockpit's last sharing round, cut
/// short at quit, may still be finishing a write to its cache in it (cache
/// work runs on a blocking thread that outlives the round): then removing
/// fails, and is tried again once that write is over.
fn remove(dir: tempfile::TempDir) {
    let path = dir.keep();
    for attempt in 1..=20 {
        match std::fs::remove_dir_all(&path) {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) if attempt == 20 => tracing::warn!("{}: not removed: {e}", path.display()),
            Err(_) => std::thread::sleep(Duration::from_millis(25)),
        }
    }
}

/// A signal before the cockpit was up; the exit status says which, as a
/// shell's does.
fn stopped(which: &str) -> Exit {
    let code = if which == "SIGHUP" { 129 } else { 143 };
    Exit::new(code, format!("{which}: the demo stopped before the cockpit started"))
}
