//! What the demo's teammates do, and when: QA "bob" signs off as the story
//! goes; Ops "carol" deploys prod in order through the demo's `[deploy]`
//! hook, finds the broken service and picks its fix.

use super::story::{FIRST_SWITCH, Story};
use crate::domain::kernel::actor::Role;

/// A teammate: the name, the one used instead when the person at the
/// keyboard has it, the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who {
    pub name: &'static str,
    pub instead: &'static str,
    pub role: Role,
}

pub const BOB: Who = Who { name: "bob", instead: "dana", role: Role::Qa };
pub const CAROL: Who = Who { name: "carol", instead: "emeka", role: Role::Ops };

/// What a teammate does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    Say(&'static str),
    Tick {
        item: &'static str,
        note: Option<&'static str>,
    },
    /// `/pick` of the commit of `repo` whose subject is `subject`.
    Pick {
        repo: &'static str,
        subject: &'static str,
    },
    /// Deploys the target to `env` through the hook, service by service in
    /// its order: every service, or again those whose deploy failed (a
    /// repository not tagged yet: the CI cannot build it).
    Deploy {
        env: &'static str,
        retry: bool,
    },
}

/// Besides its story second, what a step waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Its second alone.
    At,
    /// Every service's repository has the push tag on its remote.
    Tagged,
    /// Every prod runs the new tag (a service deployed only once someone
    /// tagged it included), and a few seconds.
    Settled,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: f64,
    pub act: Act,
    pub when: When,
}

/// How long after prod settled bob verifies it.
pub const VERIFY_AFTER: f64 = 5.0;

/// Bob's part: the QA sign-off while prod starts rolling out, and prod
/// verified once every service runs the new tag.
pub fn bob(story: &Story) -> Vec<Step> {
    let tick = |at: f64, item, note| Step { at, act: Act::Tick { item, note }, when: When::At };
    vec![
        Step { at: 3.0, act: Act::Say("stage looks good from here, signing off QA"), when: When::At },
        tick(5.0, "test-plan-linked", None),
        tick(9.0, "regression-tests", Some("1,284 passed on stage, 0 failed")),
        tick(16.0, "cross-env-tests", None),
        tick(24.0, "test-plan-passes", None),
        tick(30.0, "results-sent", Some("sent to the release thread")),
        // Once prod has settled: the story ends six seconds after that.
        Step {
            when: When::Settled,
            ..tick((story.length() - 1.0).max(31.0), "qa-verified-prod", Some("spot-checked the top pages on prod"))
        },
    ]
}

/// Carol's part: prod deployed in order just before the story's rollout
/// begins; the broken first service found and its fix picked once its smoke
/// check had time to fail; the services tagged late deployed once tagged.
pub fn carol(_story: &Story) -> Vec<Step> {
    let say = |at: f64, text| Step { at, act: Act::Say(text), when: When::At };
    let found = FIRST_SWITCH + 14.0;
    vec![
        say(FIRST_SWITCH - 6.0, "stage has soaked; deploying prod in order"),
        Step { at: FIRST_SWITCH - 4.0, act: Act::Deploy { env: "prod", retry: false }, when: When::At },
        say(
            found,
            "addons-server fails its smoke check on prod: the addon_tags migration did not run. The fix is on main; picking it for a re-tag",
        ),
        Step {
            at: found + 1.0,
            act: Act::Pick { repo: "addons-server", subject: super::repos::FIX_SUBJECT },
            when: When::At,
        },
        Step { at: FIRST_SWITCH, act: Act::Deploy { env: "prod", retry: true }, when: When::Tagged },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step of bob's names a QA item of the demo's checklist, in
    /// story order, with the last after prod has settled.
    #[test]
    fn bob_ticks_qa_items_in_order() {
        let envs = vec!["stage".to_string(), "prod".to_string()];
        let phases = crate::domain::checklist::builtin(&envs);
        for n in [1, 2, 8] {
            let story = crate::demo::run::story(n, "2026.11.26".into(), "2026.11.19".into());
            let steps = bob(&story);
            assert!(steps.windows(2).all(|w| w[0].at < w[1].at), "{n} services: in order");
            let last_switch = story.prod_switch_at(n - 1).max(story.outage_window().1);
            assert!(steps.last().unwrap().at > last_switch, "{n} services: prod verified after it settled");
            for step in steps {
                let Act::Tick { item, .. } = step.act else { continue };
                let spec = phases.iter().flat_map(|p| &p.items).find(|i| i.id == item);
                assert_eq!(spec.map(|s| s.role), Some(Role::Qa), "{item} is a QA item");
            }
        }
    }

    /// Carol deploys before the first prod switch, so every switch follows a
    /// deploy in the log.
    #[test]
    fn carol_deploys_before_prod_switches() {
        let story = crate::demo::run::story(8, "2026.11.26".into(), "2026.11.19".into());
        let first = carol(&story).into_iter().find(|s| matches!(s.act, Act::Deploy { .. })).unwrap();
        assert!(first.at < story.prod_switch_at(0) && first.when == When::At);
    }
}
