//! `shipdeck demo`: start the fleet, then the cockpit on it, or (`--serve`)
//! only the fleet until interrupted.

use super::config::{DemoConfigOptions, demo_config};
use super::fleet::Fleet;
use super::story::Story;
use crate::app::signals::Interrupts;
use crate::app::{self, Frontend};
use crate::cli::{DemoArgs, Global};
use crate::config::{Config, DEFAULT_TAG_FORMAT};
use crate::domain::release::format_tag;
use crate::headless::Exit;
use crate::session;
use chrono::{Duration as Days, Local};
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
    let old_tag = format_tag(push_date - Days::days(7), DEFAULT_TAG_FORMAT).map_err(|e| Exit::new(2, e.to_string()))?;
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

    let config = Config::parse(&text, "built-in demo")?;
    let mut global = global.clone();
    global.push_date = Some(push_date);
    let mut model = session::model::build_model(&config, &global, chrono::Utc::now());
    if let Some(p) = repo_problem {
        model.push_log(model.now, crate::domain::LogKind::System, p);
    }
    // The demo's session is its own: a journal beside its repositories, gone
    // with them, so one demo run never replays another's log.
    let store = crate::io::journal::JournalStore::new(repo_dir.path().join("journal.jsonl"));
    let follow = session::journal::open(&mut model, store).map_err(|e| Exit::new(2, e.to_string()))?;
    // The story joins a push under way: stage is done, prod is rolling out.
    // The push started twenty minutes ago, inside the window, by the hero.
    let started = crate::domain::journal::Event {
        committer: None,
        v: crate::domain::journal::VERSION,
        id: "demo:push-started".into(),
        at: model.now - chrono::Duration::minutes(20),
        replica: String::new(),
        seq: 0,
        actor: crate::domain::journal::EventActor {
            name: model.release.hero().unwrap_or("demo").to_string(),
            role: crate::domain::kernel::actor::Role::Rm,
        },
        kind: crate::domain::journal::EventKind::PushStarted,
    };
    follow.store.append(&started).map_err(|e| Exit::new(1, e.to_string()))?;
    model.apply_event(&started);
    let fe = Frontend {
        theme: session::theme::theme(&config, &global)?,
        keymap: config.keymap.clone(),
        tz: session::model::local_offset(),
        // The journal is the demo's own and goes with it; exported notes are
        // for keeping, in the data dir like a real push's.
        notes_dir: session::paths::data_dir(&global).map(|d| d.join("demo")).or_else(|| std::env::current_dir().ok()),
        share: None,
    };
    app::run(model, &config, fe, Some(follow), interrupts).await
}

/// A signal before the cockpit was up; the exit status says which, as a
/// shell's does.
fn stopped(which: &str) -> Exit {
    let code = if which == "SIGHUP" { 129 } else { 143 };
    Exit::new(code, format!("{which}: the demo stopped before the cockpit started"))
}
