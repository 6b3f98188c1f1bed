//! A line sent from the composer: chat, or a notes command (`/notable`,
//! `/blocker`, `/unblock N`, `/pick SHA [REPO]`, `/note`, `/tick ITEM`,
//! `/help`). Unknown commands are answered with help in the log, never a
//! popup.

use super::msg::{NotesEffect, NotesMsg};
use super::{Ask, HELP, ask};
use crate::domain::checklist::eval::{TickAsk, TickRefused, evaluate, plan_tick};
use crate::domain::journal::EventKind;
use crate::domain::log::LogKind;
use crate::domain::model::Model;
use crate::domain::msg::Effect;
use crate::domain::outcome::Outcome;
use crate::domain::repos::{RepoSpec, pick_repos};
use crate::domain::view::confirm::Confirm;

pub fn send(model: &Model, text: &str) -> Outcome {
    let mut out = Outcome::default();
    if text.trim().is_empty() {
        return out;
    }
    let (text, cut) = crate::domain::journal::limit_text(text);
    if cut {
        out.flash(crate::domain::journal::cut_notice(), true);
    }
    let now = model.now;
    match ask(&text, &model.notes) {
        Ask::Record(kind) => out.record(kind, now, false),
        Ask::Pick { sha, repo } => {
            let specs: Vec<RepoSpec> = model.repos.rows.iter().map(|r| r.spec.clone()).collect();
            match pick_repos(&specs, repo.as_deref()) {
                // Looked up in git off the UI thread; the answer comes back
                // as `PickResolved`.
                Ok(repos) => {
                    let ranges = model
                        .repos
                        .rows
                        .iter()
                        .filter_map(|r| Some((r.spec.name.clone(), r.status.value()?.range()?)))
                        .collect();
                    out.effect(Effect::Notes(NotesEffect::ResolvePick { sha, repos, ranges }))
                }
                Err(why) => out.flash(why, true),
            }
        }
        Ask::Tick(item) => out.acts.extend(tick(model, &item).acts),
        Ask::Retract(which) => match model.notes.retractable(&actor(model), which.as_deref()) {
            Ok((id, what)) => out.record(EventKind::Retract { target: id, what }, now, false),
            Err(why) => out.flash(why, true),
        },
        Ask::Help => out.log(now, LogKind::System, HELP.to_string()),
        Ask::Unknown(why) => out.log(now, LogKind::System, format!("{why} — {HELP}")),
        Ask::Refused(why) => out.flash(why, true),
    }
    out
}

fn actor(model: &Model) -> crate::domain::journal::EventActor {
    crate::domain::journal::EventActor { name: model.actor.name.clone(), role: model.actor.role }
}

/// Routes the notes' answers: a `/pick` found (recorded, or why not), the
/// notes file written.
pub fn on_msg(model: &Model, msg: NotesMsg) -> Outcome {
    let mut out = Outcome::default();
    match msg {
        NotesMsg::PickResolved { result: Ok((repo, sha, summary)) } => {
            // Decided here, not before asking git: only git knows the full
            // sha a re-tag recorded.
            match model.notes.shipped.pick_refusal(&repo, &sha) {
                Some(why) => out.flash(why, true),
                None => out.record(EventKind::Pick { repo, sha, summary }, model.now, false),
            }
        }
        NotesMsg::PickResolved { result: Err(why) } => out.flash(why, true),
        NotesMsg::Exported { result: Ok(path) } => out.flash(format!("notes written to {path}"), false),
        NotesMsg::Exported { result: Err(e) } => out.flash(e, true),
    }
    out
}

/// `/tick ITEM`: the same rules as the checklist keys.
fn tick(model: &Model, item: &str) -> Outcome {
    let mut out = Outcome::default();
    let view = evaluate(model);
    match (plan_tick(&view, model, item, model.actor.role, TickAsk::Tick { note: None }, false), view.find(item)) {
        (Ok(kind), _) => out.record(kind, model.now, false),
        (Err(TickRefused::OtherRole { .. }), Some(i)) => {
            out.confirm(Confirm::TickForOtherRole { item: i.spec.id.clone() })
        }
        (Err(e), _) => out.flash(e.to_string(), true),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::notes::msg::NotesMsg;
    use crate::domain::{Msg, update};
    use crate::testkit;

    fn model() -> Model {
        testkit::model(&["web"], testkit::release().window.unwrap().start)
    }

    fn kinds(fx: &[Effect]) -> Vec<EventKind> {
        fx.iter().filter_map(|e| if let Effect::Append(ev) = e { Some(ev.kind.clone()) } else { None }).collect()
    }

    #[test]
    fn chat_and_notes_commands_become_events() {
        let mut m = model();
        assert!(update(&mut m, Msg::Compose("   ".into())).is_empty(), "empty lines are ignored");
        let fx = update(&mut m, Msg::Compose("stage looks good".into()));
        assert_eq!(kinds(&fx), vec![EventKind::Chat { text: "stage looks good".into() }]);
        let fx = update(&mut m, Msg::Compose("/blocker search is down".into()));
        assert_eq!(kinds(&fx), vec![EventKind::Blocker { text: "search is down".into() }]);
        assert!(update(&mut m, Msg::Compose("/unblock 2".into())).is_empty());
        assert!(m.view.flash.as_ref().unwrap().text.contains("no open blocker #2 (open: #1)"));
        let fx = update(&mut m, Msg::Compose("/unblock 1".into()));
        assert_eq!(kinds(&fx), vec![EventKind::Unblock { number: 1 }]);
        assert_eq!(m.notes.open_blockers().count(), 0);
    }

    #[test]
    fn unknown_commands_get_help_in_the_log_and_picks_ask_git() {
        let mut m = model();
        assert!(update(&mut m, Msg::Compose("/shipit".into())).is_empty());
        assert!(m.log.entries.back().unwrap().text.starts_with("unknown command /shipit — commands: /notable"));
        assert!(m.view.confirm().is_none() && m.view.flash.is_none(), "no popup");
        // A slip of the fingers gets the command meant, not the whole help.
        let logged = m.log.entries.len();
        assert!(update(&mut m, Msg::Compose("/blokcer the CDN is down".into())).is_empty(), "nothing recorded");
        assert_eq!(m.view.flash.take().unwrap().text, "unknown command /blokcer: did you mean /blocker?");
        assert_eq!(m.log.entries.len(), logged, "no help in the log");
        update(&mut m, Msg::Compose("/pick abcdef1".into()));
        assert!(m.view.flash.as_ref().unwrap().text.contains("no repositories are configured"));
        m.repos.rows = vec![crate::domain::repos::RepoRow::new(testkit::repo_spec("server"))];
        let fx = update(&mut m, Msg::Compose("/pick abcdef1 server".into()));
        assert!(
            matches!(&fx[..], [Effect::Notes(NotesEffect::ResolvePick { sha, repos, .. })] if sha == "abcdef1" && repos.len() == 1)
        );
        let fx = update(
            &mut m,
            Msg::Notes(NotesMsg::PickResolved { result: Ok(("server".into(), "abcdef1".repeat(5), "Fix".into())) }),
        );
        assert_eq!(kinds(&fx).len(), 1);
        assert_eq!(m.notes.picks[0].summary, "Fix");
    }

    #[test]
    fn a_pick_a_re_tag_already_shipped_is_refused_naming_the_tag() {
        let mut m = model();
        let sha = "0a0e650".repeat(6)[..40].to_string();
        let retagged = EventKind::Retagged {
            repo: "server".into(),
            tag: "2026.12.02-1".into(),
            base: "2026.12.02".into(),
            commit: "c".repeat(40),
            shipped: vec![sha.clone()],
            skipped: vec![],
        };
        m.apply_events(&[testkit::event("r1", m.now, "carol", crate::domain::kernel::actor::Role::Ops, retagged)]);
        let fx =
            update(&mut m, Msg::Notes(NotesMsg::PickResolved { result: Ok(("server".into(), sha, "Fix".into())) }));
        assert!(kinds(&fx).is_empty(), "nothing recorded");
        assert!(m.notes.picks.is_empty());
        let said = &m.view.flash.as_ref().unwrap().text;
        assert!(said.contains("already shipped in 2026.12.02-1"), "{said}");
        // The same commit in another repository is another commit.
        let other = "0a0e650".repeat(6)[..40].to_string();
        let fx = update(&mut m, Msg::Notes(NotesMsg::PickResolved { result: Ok(("web".into(), other, "Fix".into())) }));
        assert_eq!(kinds(&fx).len(), 1);
    }

    #[test]
    fn tick_follows_the_checklist_rules() {
        let mut m = model();
        m.actor.role = crate::domain::kernel::actor::Role::Qa;
        let fx = update(&mut m, Msg::Compose("/tick regression-tests".into()));
        assert_eq!(kinds(&fx).len(), 1);
        update(&mut m, Msg::Compose("/tick features-agreed".into()));
        assert!(matches!(m.view.confirm(), Some(Confirm::TickForOtherRole { .. })), "another role's item asks first");
    }
}
