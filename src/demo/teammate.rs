//! The demo's teammate: QA "bob", a second person in the push on a replica
//! of his own (his own data dir, replica id, journal and share cache in the
//! demo's temporary directory). He signs off the QA items as the story
//! goes, says a word in chat, and shares his lines through the demo's bare
//! remote exactly as a cockpit on another laptop would: his events are made
//! by `session::wiring::record` as his model's actor, his journal is a real
//! `JournalStore`, and they reach the demo's cockpit only through
//! `Shared::round` on both sides.
//!
//! He runs in a task of his own; nothing he does can stop the demo: a
//! failure is said in the log file (`tracing`) and he carries on, or stops.

use super::fleet_state::FleetState;
use super::script::{Act, Step, VERIFY_AFTER, When, Who};
use super::story::Story;
use crate::cli::Global;
use crate::config::Config;
use crate::domain::Model;
use crate::domain::checklist::eval::{TickAsk, evaluate, plan_tick};
use crate::domain::journal::EventKind;
use crate::io::share::journal::Shared;
use crate::session::journal::Follow;
use crate::session::{self, wiring};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The running teammate. Dropping it aborts him; [`Teammate::stop`] waits
/// until he has let go of his files.
pub struct Teammate {
    name: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// What he needs to join: the demo's config (it shares through the bare
/// remote), the demo's flags, where his data dir goes, and the story.
pub struct Joining<'a> {
    pub config: &'a Config,
    pub global: &'a Global,
    pub data_dir: PathBuf,
    /// The name at the keyboard, which his must differ from.
    pub beside: &'a str,
    pub story: &'a Story,
}

impl Teammate {
    /// Opens his journal and starts him; an error says why he could not.
    pub(super) fn start(join: Joining, who: Who, steps: Vec<Step>, clock: Arc<FleetState>) -> Result<Teammate, String> {
        let name = if join.beside == who.name { who.instead } else { who.name };
        let mut global = join.global.clone();
        global.actor = Some(name.to_string());
        global.role = Some(who.role);
        global.data_dir = Some(join.data_dir.clone());
        let mut model = session::model::build_model(join.config, &global, chrono::Utc::now());
        let store = session::paths::journal(join.config, &global, model.release.push_date)
            .ok_or_else(|| format!("{name}: no journal in {}", join.data_dir.display()))?;
        let shared = Shared::for_session(join.config, &global, &store, &model.release)
            .ok_or_else(|| format!("{name}: the demo's config shares nothing"))?;
        let follow = session::journal::open(&mut model, store).map_err(|e| format!("{name}: {e}"))?;
        let person = Person { model, follow, failed: Vec::new() };
        let every = join.config.share.as_ref().map_or(super::config::SHARE_INTERVAL, |s| s.interval);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(work(person, shared, steps, clock, every, join.config.git.timeout, stopped));
        Ok(Teammate { name: name.to_string(), stop: Some(stop), task: Some(task) })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stops him once what he is doing is done (a round on the demo's local
    /// remote takes milliseconds), waiting a few seconds at most: the demo
    /// removes his files next.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(mut task) = self.task.take() else { return };
        if tokio::time::timeout(Duration::from_secs(5), &mut task).await.is_err() {
            tracing::warn!("demo teammate {}: still busy after 5 s; stopped", self.name);
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Teammate {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// His side of the push: his model, following his own journal as his
/// cockpit would, so he sees what the others did before he acts.
struct Person {
    model: Model,
    follow: Follow,
    /// Services whose deploy failed, to try again: `(env, service)`.
    failed: Vec<(String, String)>,
}

impl Person {
    /// Does `act` as a person at a cockpit would; `None` when there was
    /// nothing to do (someone else ticked the item first).
    fn act(&mut self, act: &Act) -> Result<Option<String>, String> {
        self.catch_up()?;
        self.model.now = chrono::Utc::now();
        let kind = match act {
            Act::Say(text) => EventKind::Chat { text: (*text).to_string() },
            Act::Tick { item, note } => {
                let ask = TickAsk::Tick { note: note.map(str::to_string) };
                let view = evaluate(&self.model);
                match plan_tick(&view, &self.model, item, self.model.actor.role, ask, false) {
                    Ok(kind) => kind,
                    Err(why) => return Ok(Some(format!("not ticked: {why}"))),
                }
            }
            Act::Pick { repo, subject } => self.pick(repo, subject)?,
            Act::Deploy { env, retry } => return self.deploy(env, *retry),
        };
        let event = wiring::record(&mut self.model, &self.follow.store, kind).map_err(|e| e.to_string())?;
        Ok(Some(event.describe().1))
    }

    /// Deploys the target to `env` through the config's hook, one service
    /// at a time in its order, each recorded as a cockpit records it; a
    /// failure is recorded and the next service goes on. Runs on a blocking
    /// thread: the hook's future is driven to its end here.
    fn deploy(&mut self, env: &str, retry: bool) -> Result<Option<String>, String> {
        let spec = self.model.deploy.spec(env).cloned().ok_or(format!("no [deploy.{env}] in the demo's config"))?;
        // A lock holds her as it holds anyone: she says so and deploys nothing.
        if let Some(lock) = self.model.deploy.lock(env) {
            let text = format!("{env} is locked by {} ({}): holding the deploy", lock.by, lock.reason);
            let event = wiring::record(&mut self.model, &self.follow.store, EventKind::Chat { text })
                .map_err(|e| e.to_string())?;
            return Ok(Some(event.describe().1));
        }
        let plan =
            crate::domain::deploy::propose::plan(&self.model, env, None, false, None).map_err(|r| r.to_string())?;
        let again = std::mem::take(&mut self.failed);
        let mut said = Vec::new();
        for step in plan.steps {
            if retry && !again.iter().any(|(e, s)| e == env && *s == step.service) {
                continue;
            }
            let started = EventKind::DeployStarted {
                env: env.to_string(),
                service: step.service.clone(),
                tag: step.tag.clone(),
                rollback: false,
                overrides_lock: false,
            };
            self.model.now = chrono::Utc::now();
            let event = wiring::record(&mut self.model, &self.follow.store, started).map_err(|e| e.to_string())?;
            let mut quiet = |_| {};
            let hook = crate::io::deploy::run_one(&spec, &step.service, &step.tag, &mut quiet);
            let result = tokio::runtime::Handle::current().block_on(hook);
            if !result.ok {
                self.failed.push((env.to_string(), step.service.clone()));
            }
            let finished = EventKind::DeployFinished {
                deploy: event.id,
                env: env.to_string(),
                service: step.service,
                tag: step.tag,
                ok: result.ok,
                detail: result.detail,
            };
            self.model.now = chrono::Utc::now();
            let event = wiring::record(&mut self.model, &self.follow.store, finished).map_err(|e| e.to_string())?;
            said.push(event.describe().1);
        }
        Ok(Some(said.join("; ")))
    }

    /// The `/pick` of the commit on `repo`'s branch whose subject is `subject`.
    fn pick(&self, repo: &str, subject: &str) -> Result<EventKind, String> {
        let row = self.model.repos.rows.iter().find(|r| r.spec.name == repo).ok_or(format!("no repository {repo}"))?;
        let git = git2::Repository::open(&row.spec.path).map_err(|e| format!("{repo}: {e}"))?;
        let mut walk = git.revwalk().map_err(|e| format!("{repo}: {e}"))?;
        walk.push_head().map_err(|e| format!("{repo}: {e}"))?;
        for id in walk.flatten() {
            let Ok(commit) = git.find_commit(id) else { continue };
            if commit.summary().ok().flatten() == Some(subject) {
                let (sha, summary) = (id.to_string(), subject.to_string());
                return Ok(EventKind::Pick { repo: repo.to_string(), sha, summary });
            }
        }
        Err(format!("{repo}: no commit `{subject}` on its branch"))
    }

    /// Reads what reached his journal since he last looked.
    fn catch_up(&mut self) -> Result<(), String> {
        let loaded =
            self.follow.store.read_from(self.follow.cursor, &mut self.follow.seen).map_err(|e| e.to_string())?;
        self.follow.cursor = loaded.cursor;
        self.model.apply_events(&loaded.events);
        Ok(())
    }
}

/// His loop: on every beat, whatever the story has reached, then one round.
async fn work(
    mut person: Person,
    mut shared: Shared,
    steps: Vec<Step>,
    clock: Arc<FleetState>,
    every: Duration,
    timeout: Duration,
    mut stopped: oneshot::Receiver<()>,
) {
    let name = person.model.actor.name.clone();
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next = 0;
    let mut last_failure: Option<String> = None;
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            _ = interval.tick() => {}
        }
        let now = clock.story_time_if_started();
        let settled = clock.rollout_settled_at();
        let tagged = clock.all_tagged();
        let ready = |s: &Step, t: f64| {
            s.at <= t
                && match s.when {
                    When::At => true,
                    When::Tagged => tagged,
                    When::Settled => settled.is_some_and(|at| at + VERIFY_AFTER <= t),
                }
        };
        let due: Vec<Act> = match now {
            Some(t) => steps[next..].iter().take_while(|s| ready(s, t)).map(|s| s.act.clone()).collect(),
            None => Vec::new(),
        };
        if !due.is_empty() {
            next += due.len();
            // Appending syncs the file to disk: off the async threads.
            let done = tokio::task::spawn_blocking(move || {
                let said: Vec<_> = due.iter().map(|a| person.act(a)).collect();
                (person, said)
            })
            .await;
            match done {
                Ok((p, said)) => {
                    person = p;
                    for s in said {
                        match s {
                            Ok(Some(what)) => tracing::info!("demo teammate: {what}"),
                            Ok(None) => {}
                            Err(e) => tracing::warn!("demo teammate {name}: {e}"),
                        }
                    }
                }
                Err(e) => {
                    tracing::error!("demo teammate {name}: stopped: {e}");
                    return;
                }
            }
        }
        // Not cut short when the demo quits: a round's cache work goes on
        // after its future is dropped, in files about to be removed.
        let round = shared.round(timeout).await;
        // Said once per change, not once a second.
        let failure = round.err().map(|e| e.to_string());
        if failure != last_failure {
            match &failure {
                Some(e) => tracing::warn!("demo teammate {name}: sharing failed: {e}"),
                None => tracing::info!("demo teammate {name}: sharing again"),
            }
            last_failure = failure;
        }
    }
}
