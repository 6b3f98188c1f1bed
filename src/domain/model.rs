use crate::domain::checklist::Checklist;
use crate::domain::journal::{Event, EventActor, EventKind};
use crate::domain::kernel::actor::Actor;
use crate::domain::log::{LOG_CAP, Log, LogEntry, LogKind};
use crate::domain::msg::Effect;
use crate::domain::release::Release;
use crate::domain::repos::{RepoRow, RepoSpec, Repos};
use crate::domain::rollout::{Cell, Endpoint, Rollout, ServiceRow, Target};
use crate::domain::view::View;
use crate::domain::view::flash::Flash;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// One configured service, as the model needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSpec {
    pub name: String,
    /// `(env, endpoint)` for the envs the service runs in.
    pub envs: Vec<(String, Endpoint)>,
    /// The repository whose tags this service deploys.
    pub repo: Option<String>,
}

/// Everything the cockpit knows. Owned by the event loop alone.
#[derive(Debug, Clone)]
pub struct Model {
    pub release: Release,
    pub actor: Actor,
    pub rollout: Rollout,
    pub log: Log,
    /// Focus, selections, the overlay on top: what this person is looking at.
    pub view: View,
    pub now: DateTime<Utc>,
    pub generation: u64,
    pub repos: Repos,
    pub journal: JournalState,
    pub checklist: Checklist,
    /// Local time zone, for text written out (the notes).
    pub tz: chrono::FixedOffset,
    pub milestones: crate::domain::milestones::Milestones,
    /// `None` without a `[sentry]` section.
    pub sentry: Option<crate::domain::sentry::SentryState>,
    pub notes: crate::domain::notes::Notes,
    /// `None` without a `[share]` section.
    pub share: Option<crate::domain::share::ShareState>,
    /// `Some` in the built-in demo's cockpit only.
    pub demo: Option<crate::domain::demo::Demo>,
    /// What earlier pushes' journals say: the last known good of each service.
    pub history: crate::domain::history::History,
    /// `[deploy]`, the locks, the deploys the journal tells of, this cockpit's run.
    pub deploy: crate::domain::deploy::DeployState,
    pub smoke: crate::domain::smoke::Smoke,
}

/// What the model knows of the session journal.
#[derive(Debug, Clone, Default)]
pub struct JournalState {
    /// Ids of events already shown: the journal, other cockpits and this one
    /// all deliver events, each is shown once.
    pub seen: crate::domain::kernel::id_set::IdSet,
    /// The largest event clock made or read (see [`Event::seq`]).
    pub clock: u64,
    /// This data dir's stable id, and this process's, for event ids that
    /// cannot collide with another machine's or another process's.
    pub replica: String,
    pub process: String,
    /// Why the journal cannot be written, once it could not: the session goes
    /// on, but is not being saved.
    pub read_only: Option<String>,
    /// Everyone whose events were read, with their newest.
    pub people: crate::domain::share::People,
}

impl Model {
    pub fn new(
        release: Release,
        actor: Actor,
        envs: Vec<String>,
        services: &[ServiceSpec],
        repos: &[RepoSpec],
        poll_interval: Duration,
        now: DateTime<Utc>,
    ) -> Self {
        let services = services
            .iter()
            .map(|s| ServiceRow {
                target: Target::tag(&release.target_tag),
                repo: s.repo.as_ref().and_then(|r| repos.iter().position(|x| &x.name == r)),
                name: s.name.clone(),
                cells: envs
                    .iter()
                    .map(|env| s.envs.iter().find(|(e, _)| e == env).map(|(_, ep)| Cell::new(ep.clone())))
                    .collect(),
            })
            .collect();
        let mut model = Model {
            release,
            actor,
            rollout: Rollout {
                envs: envs.clone(),
                services,
                last_sweep: None,
                outages: Default::default(),
                poll_interval,
            },
            log: Log::default(),
            view: View::default(),
            now,
            generation: 0,
            repos: Repos { rows: repos.iter().cloned().map(RepoRow::new).collect(), scanned: None },
            journal: JournalState::default(),
            checklist: Checklist::new(crate::domain::checklist::builtin(&envs)),
            sentry: None,
            notes: crate::domain::notes::Notes::default(),
            share: None,
            demo: None,
            history: Default::default(),
            deploy: Default::default(),
            smoke: Default::default(),
            tz: chrono::FixedOffset::east_opt(0).expect("UTC"),
            milestones: crate::domain::milestones::Milestones::default(),
        };
        // Without `--target` the target is the newest tag the repositories
        // have for this push, known only once they are read: it is logged
        // then, so this line never names a target the header contradicts.
        let text = if model.release.target_fixed {
            format!(
                "session started: {} push {} · target {} (fixed)",
                model.release.name, model.release.push_date, model.release.target_tag
            )
        } else {
            format!("session started: {} push {}", model.release.name, model.release.push_date)
        };
        model.push_log(now, LogKind::System, text);
        model
    }

    /// Folds an event from the journal (or another process) in, once.
    pub fn apply_event(&mut self, event: &Event) {
        if !self.journal.seen.insert(&event.id) {
            return;
        }
        self.journal.clock = crate::domain::journal::seen_clock(self.journal.clock, event, self.now);
        self.fold(event);
        self.push_event_line(event);
    }

    /// What an event changes besides the log. Every fold is keyed on the
    /// event's [`Order`](crate::domain::journal::Order), so events arriving out of
    /// order (another process's, read a second later) end in the same state.
    fn fold(&mut self, event: &Event) {
        self.checklist.apply(event);
        self.notes.apply(event);
        self.journal.people.note(event);
        self.deploy.apply(event);
        self.smoke.apply(event);
        if let Some(s) = self.sentry.as_mut() {
            s.deploys.apply(event);
        }
        if let Some(outage) = event.outage() {
            self.rollout.outages.apply(outage);
        }
        if let EventKind::Retract { target: id, .. } = &event.kind
            && self.notes.is_retracted(id)
        {
            for e in self.log.entries.iter_mut().rev().filter(|e| e.order.as_ref().is_some_and(|o| &o.id == id)) {
                e.retracted = true;
            }
        }
    }

    /// Folds a batch in, in the fold order. Every event counts for the
    /// checklist, but only the newest [`LOG_CAP`] become log lines, so a long
    /// journal is not formatted just to be dropped.
    pub fn apply_events(&mut self, events: &[Event]) {
        let mut fresh: Vec<&Event> = events.iter().filter(|e| self.journal.seen.insert(&e.id)).collect();
        fresh.sort_by(|a, b| a.cmp_order(b));
        for e in &fresh {
            self.journal.clock = crate::domain::journal::seen_clock(self.journal.clock, e, self.now);
            self.fold(e);
        }
        for e in &fresh[fresh.len().saturating_sub(LOG_CAP)..] {
            self.push_event_line(e);
        }
    }

    /// Something this cockpit did or saw: shown now, and an effect to save it.
    /// Observations get an id derived from what was seen, so two cockpits
    /// watching the same fleet save it once.
    pub fn record(&mut self, kind: EventKind, at: DateTime<Utc>, observed: bool) -> Effect {
        let seq = crate::domain::journal::next_clock(self.journal.clock, at);
        let id = if observed {
            Event::observed_id(&kind, at)
        } else {
            crate::domain::journal::event_id(&self.journal.replica, seq, &self.journal.process)
        };
        let event = Event {
            committer: None,
            v: crate::domain::journal::VERSION,
            id,
            at,
            replica: self.journal.replica.clone(),
            seq,
            actor: EventActor { name: self.actor.name.clone(), role: self.actor.role },
            kind,
        };
        self.apply_event(&event);
        Effect::Append(event)
    }

    /// Does what a narrow handler asked for, in order; the effects to carry
    /// out (appends of the recorded events among them) come back.
    pub fn carry_out(&mut self, outcome: crate::domain::outcome::Outcome) -> Vec<Effect> {
        use crate::domain::outcome::Act;
        let mut effects = Vec::new();
        for act in outcome.acts {
            match act {
                Act::Record { kind, at, observed } => effects.push(self.record(kind, at, observed)),
                Act::Log { at, kind, text } => self.push_log(at, kind, text),
                Act::Flash { text, error } => self.flash(text, error),
                Act::Confirm(dialog) => self.view.open_confirm(dialog),
                Act::Prompt(prompt) => self.view.open_prompt(prompt),
                Act::ClosePrompt => self.view.close_prompt(),
                Act::OpenCompare(view) => self.view.open_compare(*view),
                Act::Effect(e) => effects.push(e),
            }
        }
        effects
    }

    /// Says something short in the footer for a few seconds.
    pub fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.view.say(Flash { text: text.into(), until: self.now + chrono::Duration::seconds(6), error });
    }

    fn push_event_line(&mut self, e: &Event) {
        if !e.kind.is_log_line() {
            return;
        }
        let (kind, text) = self.line_text(e);
        let numbered = matches!(e.kind, EventKind::Blocker { .. } | EventKind::Unblock { .. });
        let entry = LogEntry {
            at: e.at,
            kind,
            text,
            who: Some(e.actor.name.clone()),
            person: e.kind.is_person(),
            order: Some(e.order()),
            retracted: self.notes.is_retracted(&e.id),
            numbered: numbered.then(|| Box::new(e.clone())),
        };
        self.push_entry(entry);
        if numbered {
            self.renumber_blocker_lines();
        }
    }

    /// How an event reads in this cockpit's log.
    fn line_text(&self, e: &Event) -> (LogKind, String) {
        let (kind, mut text) = e.describe_with(self);
        // A claim `[team]` does not back is said where it is read, not only
        // on the checklist (a chat line signed "qa" by a stranger too).
        if !e.is_observation() && self.checklist.team().is_some_and(|t| !t.allows(&e.actor.name, e.actor.role)) {
            text.push_str(" · unverified");
        }
        (kind, text)
    }

    /// Blockers are numbered in the fold order: one read late moves the
    /// numbers after it, and the lines naming them follow.
    fn renumber_blocker_lines(&mut self) {
        let texts: Vec<(usize, String)> = (self.log.entries.iter().enumerate())
            .filter_map(|(i, l)| l.numbered.as_ref().map(|e| (i, self.line_text(e).1)))
            .collect();
        for (i, text) in texts {
            self.log.entries[i].text = text;
        }
    }

    /// Appends to the log, dropping the oldest entries beyond [`LOG_CAP`].
    pub fn push_log(&mut self, at: DateTime<Utc>, kind: LogKind, text: String) {
        self.push_entry(LogEntry {
            at,
            kind,
            text,
            who: None,
            person: false,
            order: None,
            retracted: false,
            numbered: None,
        });
    }

    fn push_entry(&mut self, entry: LogEntry) {
        self.log.push(entry, &self.actor.name);
    }

    /// The log entries the pane shows, oldest first.
    pub fn visible_log(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.log.visible(&self.actor.name)
    }

    pub fn target(&self) -> &str {
        &self.release.target_tag
    }
}

/// The log names items by their titles and blockers by their numbers.
impl crate::domain::log::names::Names for Model {
    fn item(&self, id: &str) -> Option<&str> {
        self.checklist.item(id).map(|i| i.text.as_str())
    }

    fn blocker(&self, e: &Event) -> Option<usize> {
        let EventKind::Blocker { .. } = &e.kind else { return None };
        self.notes.blockers.iter().find(|b| b.entry.id == e.id).map(|b| b.number)
    }

    fn blocker_text(&self, number: usize) -> Option<&str> {
        let b = self.notes.blockers.get(number.checked_sub(1)?)?;
        Some(b.entry.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kernel::actor::Role;
    use crate::testkit;

    #[test]
    fn the_log_is_capped_and_a_reader_keeps_their_place() {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["svc"], t);
        for i in 1..LOG_CAP {
            m.push_log(t, LogKind::System, format!("line {i}"));
        }
        assert_eq!(m.log.entries.len(), LOG_CAP);
        // Scrolled back to "line 9000": it stays on screen as lines arrive.
        m.log.back = LOG_CAP - 1 - 9000;
        let shown = |m: &Model| m.log.entries[m.log.entries.len() - 1 - m.log.back].text.clone();
        assert_eq!(shown(&m), "line 9000");
        for i in LOG_CAP..LOG_CAP + 500 {
            m.push_log(t, LogKind::System, format!("line {i}"));
        }
        assert_eq!(m.log.entries.len(), LOG_CAP, "capped");
        assert_eq!(m.log.entries[0].text, "line 500", "oldest dropped first");
        assert_eq!(m.log.entries.back().unwrap().text, format!("line {}", LOG_CAP + 499));
        assert_eq!(shown(&m), "line 9000");
        // A reader at the very oldest entry stays at the oldest one left.
        m.log.back = m.log.entries.len() - 1;
        m.push_log(t, LogKind::System, "newest".into());
        assert_eq!(m.log.back, m.log.entries.len() - 1);
        assert_eq!(shown(&m), "line 501");
        // Following the newest entry is unaffected.
        m.log.back = 0;
        m.push_log(t, LogKind::System, "newer".into());
        assert_eq!((m.log.back, shown(&m).as_str()), (0, "newer"));
    }

    fn event(n: u64, kind: EventKind) -> Event {
        let t = testkit::release().window.unwrap().start;
        Event {
            committer: None,
            v: crate::domain::journal::VERSION,
            // Ids that sort against the clock as strings do: "r.10" < "r.9".
            id: format!("r.{n}.p"),
            // Several events in one instant, as a burst makes them.
            at: t + chrono::Duration::seconds((n / 4) as i64),
            replica: if n.is_multiple_of(3) { "b".into() } else { "a".into() },
            seq: 1_000 + n,
            actor: EventActor { name: format!("p{}", n % 3), role: Role::Qa },
            kind,
        }
    }

    #[test]
    fn blockers_made_in_one_instant_are_numbered_in_the_order_made() {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["svc"], t);
        let mut a = event(9, EventKind::Blocker { text: "first".into() });
        let mut b = event(10, EventKind::Blocker { text: "second".into() });
        (a.at, b.at, a.replica, b.replica) = (t, t, "x".into(), "x".into());
        m.apply_events(&[b, a]);
        let numbered: Vec<_> = m.notes.blockers.iter().map(|b| (b.number, b.entry.text.as_str())).collect();
        assert_eq!(numbered, [(1, "first"), (2, "second")]);
    }

    fn kind_strategy() -> impl proptest::strategy::Strategy<Value = EventKind> {
        use proptest::prelude::*;
        let item = prop_oneof![Just("a"), Just("b")].prop_map(String::from);
        prop_oneof![
            item.clone().prop_map(|item| EventKind::Tick { item, note: None, overrides_role: false }),
            item.clone().prop_map(|item| EventKind::Untick { item, overrides_role: false }),
            item.prop_map(|item| EventKind::Waive { item, reason: "r".into(), overrides_role: false }),
            Just(EventKind::PushStarted),
            Just(EventKind::PushFinished { open: Vec::new() }),
            Just(EventKind::PushReopened),
            (0..3usize).prop_map(|n| EventKind::Blocker { text: format!("blocker {n}") }),
            (1..4usize).prop_map(|number| EventKind::Unblock { number }),
            (0..2usize).prop_map(|n| EventKind::Pick {
                repo: "r".into(),
                sha: format!("abcdef{n}"),
                summary: "s".into()
            }),
            (0..3usize).prop_map(|n| EventKind::Notable { text: format!("notable {n}") }),
            (0..2usize).prop_map(|n| EventKind::Chat { text: format!("chat {n}") }),
            (0..2usize).prop_map(|n| EventKind::SentrySpike {
                project: format!("p{n}"),
                since_push: 10,
                baseline: 1,
                push_start: testkit::release().window.unwrap().start,
            }),
            (0..2usize).prop_map(|n| EventKind::VersionChanged {
                env: "prod".into(),
                service: "svc".into(),
                from: "a".into(),
                to: format!("v{n}"),
                commit: None,
            }),
        ]
    }

    /// What the folds made of a model, to compare two of them.
    fn folded(m: &Model) -> String {
        let mut marks: Vec<_> = m.checklist.marks.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
        marks.sort();
        let log: Vec<&str> = m.log.entries.iter().filter(|e| e.order.is_some()).map(|e| e.text.as_str()).collect();
        format!("{marks:?}\n{:?}\n{:?}\n{:?}\n{log:?}", m.checklist.push_started, m.checklist.push_finished, m.notes)
    }

    proptest::proptest! {
        /// Events read in any order — one by one as they arrive from other
        /// processes, or in batches — fold to the same state as the journal
        /// read whole: the log, the checklist and the notes alike.
        #[test]
        fn any_arrival_order_folds_to_the_same_state(
            kinds in proptest::collection::vec(kind_strategy(), 1..40),
            seed in proptest::prelude::any::<u64>(),
            batch in 1usize..5,
        ) {
            let t = testkit::release().window.unwrap().start;
            let events: Vec<Event> = kinds.into_iter().enumerate().map(|(n, k)| event(n as u64, k)).collect();
            let mut whole = testkit::model(&["svc"], t);
            whole.apply_events(&events);
            let mut shuffled = events.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut piecemeal = testkit::model(&["svc"], t);
            for chunk in shuffled.chunks(batch) {
                piecemeal.apply_events(chunk);
            }
            proptest::prop_assert_eq!(folded(&whole), folded(&piecemeal));
        }
    }
}
