//! What is due: the milestones true now that were not posted yet. The
//! judgement reads the whole model ([`true_now`]); the bookkeeping sees only
//! the milestones ([`due`]).

use super::Milestones;
use crate::domain::checklist::eval::evaluate;
use crate::domain::kernel::duration::human;
use crate::domain::kernel::remote::Remote;
use crate::domain::model::Model;
use crate::domain::msg::Effect;

/// The first answers are in: every service answered once and every
/// repository was scanned, so "now" is what was already true.
fn settled(model: &Model) -> bool {
    let cells = model.rollout.services.iter().flat_map(|s| s.cells.iter().flatten());
    let answered = cells.clone().all(|c| !matches!(c.state, Remote::Idle | Remote::Loading));
    let scanned = model.repos.rows.iter().all(|r| !matches!(r.status, Remote::Idle | Remote::Loading));
    answered && scanned
}

/// `(key, text)` of every milestone true now, once the first answers are in
/// (or the milestones were seeded already): `None` until then.
pub fn true_now(model: &Model) -> Option<Vec<(String, String)>> {
    (model.milestones.seeded || settled(model)).then(|| current(model))
}

/// Posts what became true since the last call. The first call only notes
/// what was already true: a cockpit opened mid-push does not announce it.
pub fn due(m: &mut Milestones, now: Vec<(String, String)>) -> Vec<Effect> {
    if !m.seeded {
        m.seeded = true;
        m.sent.extend(now.into_iter().map(|(k, _)| k));
        return Vec::new();
    }
    now.into_iter().filter(|(k, _)| m.sent.insert(k.clone())).map(|(key, text)| Effect::Notify { key, text }).collect()
}

/// `(key, text)` of every milestone true now.
fn current(model: &Model) -> Vec<(String, String)> {
    let r = &model.release;
    let head = format!("{} push {}", r.name, r.push_date);
    let mut out = Vec::new();
    for row in &model.repos.rows {
        if let Remote::Ready { value, .. } = &row.status
            && let Some((tag, _)) = &value.plan.current
            && !value.needs_tag()
        {
            out.push((format!("tag:{}:{tag}", row.spec.name), format!("{head}: {} tagged {tag}", row.spec.name)));
        }
    }
    for (i, env) in model.rollout.envs.iter().enumerate() {
        let p = model.rollout.progress(i);
        if p.total > 0 && p.on_target == p.total {
            let text = format!("{head}: {env} runs {} on every service ({}/{})", r.target_tag, p.on_target, p.total);
            out.push((format!("env:{env}:{}", r.target_tag), text));
        }
    }
    for phase in evaluate(model).phases.iter().filter(|p| p.complete()) {
        out.push((format!("phase:{}", phase.name), format!("{head}: {} complete", phase.name)));
    }
    for (project, line) in &model.notes.spikes {
        out.push((format!("spike:{project}"), format!("{head}: {line}")));
    }
    if let (Some((s, _)), Some((f, _))) = (&model.checklist.push_started, &model.checklist.push_finished) {
        let text = format!("{head}: the push is done ({})", human(*f - *s));
        out.push((format!("done:{}", f.timestamp()), text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollout::msg::RolloutMsg;
    use crate::domain::{Heartbeat, Msg, update};
    use crate::testkit;

    fn notified(fx: &[Effect]) -> Vec<String> {
        fx.iter().filter_map(|e| if let Effect::Notify { text, .. } = e { Some(text.clone()) } else { None }).collect()
    }

    #[test]
    fn each_milestone_is_posted_once_and_old_ones_never() {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["web"], t);
        m.milestones.enabled = true;
        let old = testkit::ok("2026.11.19", "abcdef1234", Heartbeat::Ok, t);
        let new = testkit::ok("2026.11.26", "abcdef1234", Heartbeat::Ok, t);
        // The first answers only seed: stage already on the target (before
        // a restart, say) is not news.
        update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 0, env: 0, probe: new.clone() }));
        let fx = update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 0, env: 1, probe: old }));
        assert!(notified(&fx).is_empty(), "the first answers only seed");
        let fx =
            update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 0, env: 1, probe: new.clone() }));
        assert_eq!(notified(&fx), vec!["AMO push 2026-11-26: prod runs 2026.11.26 on every service (1/1)"]);
        let fx = update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation: 0, service: 0, env: 1, probe: new }));
        assert!(notified(&fx).is_empty(), "once");
        m.actor.role = crate::domain::kernel::actor::Role::Rm;
        m.view.focus = crate::domain::view::pane::Pane::Checklist;
        let mut posted = Vec::new();
        for id in ["features-agreed", "security-in-sync", "dependency-releases"] {
            let at = evaluate(&m).items().position(|i| i.spec.id == id).unwrap();
            m.view.check_selected = at;
            posted.extend(notified(&update(&mut m, Msg::Action(crate::action::Action::ToggleTick))));
            if m.view.confirm().is_some() {
                posted.extend(notified(&update(&mut m, Msg::Action(crate::action::Action::Activate))));
            }
        }
        assert_eq!(posted, vec!["AMO push 2026-11-26: Before tagging complete"]);
    }
}
