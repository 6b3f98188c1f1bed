//! What the demo fleet serves at each moment of its story. Pure: the fleet
//! asks with the story time and a per-endpoint request counter.
//!
//! The story (at speed 1, about two minutes): stage already runs the new tag;
//! prod rolls out service by service; one service reports a heartbeat warning
//! for a while; one prod service sits behind a load balancer that serves the
//! old and the new version alternately before it settles; one prod service
//! goes down for a few seconds after its switch and recovers. All of it
//! happens with any number of services: with one, to the same service, one
//! after the other. The last service's stage sits behind a sign-in proxy that
//! answers its heartbeat with a login page, throughout.

/// Story seconds at which the first prod service switches.
pub const FIRST_SWITCH: f64 = 12.0;
/// Story seconds over which the prod rollout is spread.
pub const ROLLOUT_SPAN: f64 = 96.0;
/// The service whose heartbeat warns (modulo the fleet's size), and when.
pub const WARNING_SERVICE: usize = 1;
pub const WARNING_FROM: f64 = 20.0;
pub const WARNING_UNTIL: f64 = 60.0;
/// The service that serves both versions for a while after its switch
/// (modulo the fleet's size, and not the warning one when there are two or more).
pub const MIXED_SERVICE: usize = 4;
pub const MIXED_FOR: f64 = 16.0;
/// The prod service that goes down after its switch (modulo the fleet's
/// size), how long after, and for how long.
pub const OUTAGE_SERVICE: usize = 2;
const OUTAGE_AFTER: f64 = 3.0;
pub const OUTAGE_FOR: f64 = 10.0;
/// Story seconds a service deployed late (its tag made during the story)
/// runs the new tag on stage before prod gets it.
pub const STAGE_SOAK: f64 = 8.0;
/// Quiet story seconds between the mixed spell, the warning and the outage
/// when they befall the same service.
const APART: f64 = 4.0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub version: String,
    pub commit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Story {
    pub services: Vec<String>,
    pub old_tag: String,
    pub new_tag: String,
}

impl Story {
    /// When prod service `i` starts serving the new tag.
    pub fn prod_switch_at(&self, i: usize) -> f64 {
        let n = self.services.len().max(1) as f64;
        FIRST_SWITCH + ROLLOUT_SPAN * (i as f64) / n
    }

    /// When prod service `i` switches when its deploy may start at story
    /// second `from` (0 for a service whose tag existed from the start):
    /// stage first, prod after a soak, never before its place in the rollout.
    pub fn prod_switch(&self, i: usize, from: f64) -> f64 {
        if from > 0.0 { self.prod_switch_at(i).max(from + STAGE_SOAK) } else { self.prod_switch_at(i) }
    }

    /// The service whose prod heartbeat warns for a while.
    pub fn warning_service(&self) -> usize {
        WARNING_SERVICE % self.services.len().max(1)
    }

    /// The prod service that serves both versions for a while.
    pub fn mixed_service(&self) -> usize {
        let n = self.services.len().max(1);
        let m = MIXED_SERVICE % n;
        if m == self.warning_service() && n > 1 { (m + 1) % n } else { m }
    }

    /// When the mixed service serves both versions: `[start, end)`.
    pub fn mixed_window(&self) -> (f64, f64) {
        let start = self.prod_switch_at(self.mixed_service());
        (start, start + MIXED_FOR)
    }

    /// When the warning service's heartbeat warns: `[start, end)`. On the
    /// mixed service it waits until the mixed spell is over, so each is seen
    /// (and logged) on its own.
    pub fn warning_window(&self) -> (f64, f64) {
        let (mixed_start, mixed_end) = self.mixed_window();
        let overlaps = WARNING_FROM < mixed_end && mixed_start < WARNING_UNTIL;
        if self.warning_service() == self.mixed_service() && overlaps {
            let from = mixed_end + APART;
            (from, from + (WARNING_UNTIL - WARNING_FROM))
        } else {
            (WARNING_FROM, WARNING_UNTIL)
        }
    }

    /// The prod service that goes down for a while.
    pub fn outage_service(&self) -> usize {
        OUTAGE_SERVICE % self.services.len().max(1)
    }

    /// When the outage service's prod is down: `[start, end)`, after the
    /// mixed spell and the warning when either befalls the same service.
    pub fn outage_window(&self) -> (f64, f64) {
        let s = self.outage_service();
        let mut from = self.prod_switch_at(s) + OUTAGE_AFTER;
        for (other, (start, end)) in
            [(self.mixed_service(), self.mixed_window()), (self.warning_service(), self.warning_window())]
        {
            if other == s && from < end + APART && start < from + OUTAGE_FOR + APART {
                from = end + APART;
            }
        }
        (from, from + OUTAGE_FOR)
    }

    /// Whether `service` in `env` is down at story time `t`.
    pub fn down(&self, service: usize, env: &str, t: f64) -> bool {
        let (from, until) = self.outage_window();
        service == self.outage_service() && env == "prod" && (from..until).contains(&t)
    }

    /// Whether `service` in `env` answers its heartbeat with a sign-in page.
    pub fn behind_sign_in(&self, service: usize, env: &str) -> bool {
        env == "stage" && service + 1 == self.services.len()
    }

    /// The whole story's length in story seconds.
    pub fn length(&self) -> f64 {
        let last = self.prod_switch_at(self.services.len().saturating_sub(1));
        last.max(self.mixed_window().1).max(self.warning_window().1).max(self.outage_window().1) + 6.0
    }

    /// What `service` serves in `env` at story second `t`, its deploy
    /// allowed from story second `from` (see [`Story::prod_switch`]; a
    /// version is never served before it is tagged).
    pub fn version(&self, service: usize, env: &str, t: f64, request: u64, from: f64) -> Served {
        let new = if env != "prod" {
            t >= from
        } else {
            let (mixed_start, mixed_end) = self.mixed_window();
            if from <= 0.0 && service == self.mixed_service() && (mixed_start..mixed_end).contains(&t) {
                request % 2 == 1
            } else {
                t >= self.prod_switch(service, from)
            }
        };
        let tag = if new { &self.new_tag } else { &self.old_tag };
        Served { version: tag.clone(), commit: commit_for(&self.services[service], tag) }
    }

    pub fn health(&self, service: usize, env: &str, t: f64) -> Health {
        let (from, until) = self.warning_window();
        if service == self.warning_service() && env == "prod" && (from..until).contains(&t) {
            Health::Warning
        } else {
            Health::Ok
        }
    }
}

/// A stable 40-hex "commit" per service and tag, so the demo shows real-shaped
/// shas that stay the same between polls.
pub fn commit_for(service: &str, tag: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(40);
    for round in 0u8..3 {
        for b in service.bytes().chain([0, round]).chain(tag.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(40);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(n: usize) -> Story {
        Story { services: crate::demo::service_names(n), old_tag: "2026.11.19".into(), new_tag: "2026.11.26".into() }
    }

    #[test]
    fn stage_is_new_and_prod_rolls_out_in_order() {
        let s = story(8);
        for i in 0..8 {
            assert_eq!(s.version(i, "stage", 0.0, 0, 0.0).version, "2026.11.26");
            assert_eq!(s.version(i, "prod", 0.0, 0, 0.0).version, "2026.11.19");
            assert_eq!(s.version(i, "prod", s.length(), 0, 0.0).version, "2026.11.26");
        }
        assert!(s.prod_switch_at(1) > s.prod_switch_at(0));
        assert!(s.length() <= 130.0, "about two minutes: {}", s.length());
    }

    /// A service whose tag is made during the story serves nothing new
    /// before it: stage once it is tagged, prod after the soak.
    #[test]
    fn a_service_waits_for_its_tag() {
        let s = story(8);
        let never = f64::INFINITY;
        for env in ["stage", "prod"] {
            assert_eq!(s.version(1, env, s.length() * 10.0, 0, never).version, "2026.11.19", "{env}: untagged");
        }
        let tagged = 40.0;
        assert_eq!(s.version(1, "stage", tagged - 0.5, 0, tagged).version, "2026.11.19");
        assert_eq!(s.version(1, "stage", tagged, 0, tagged).version, "2026.11.26");
        assert_eq!(s.version(1, "prod", tagged + 1.0, 0, tagged).version, "2026.11.19", "stage first");
        assert_eq!(s.prod_switch(1, tagged), tagged + STAGE_SOAK);
        assert_eq!(s.version(1, "prod", tagged + STAGE_SOAK, 0, tagged).version, "2026.11.26");
        assert_eq!(s.prod_switch(7, 1.0), s.prod_switch_at(7), "never ahead of its place in the rollout");
    }

    #[test]
    fn mixed_service_alternates_then_settles() {
        let s = story(8);
        let t = s.prod_switch_at(MIXED_SERVICE) + 1.0;
        assert_ne!(s.version(MIXED_SERVICE, "prod", t, 0, 0.0), s.version(MIXED_SERVICE, "prod", t, 1, 0.0));
        let after = t + MIXED_FOR;
        assert_eq!(s.version(MIXED_SERVICE, "prod", after, 0, 0.0), s.version(MIXED_SERVICE, "prod", after, 1, 0.0));
    }

    #[test]
    fn warning_window() {
        let s = story(8);
        assert_eq!(s.health(WARNING_SERVICE, "prod", 30.0), Health::Warning);
        assert_eq!(s.health(WARNING_SERVICE, "prod", 70.0), Health::Ok);
        assert_eq!(s.health(WARNING_SERVICE, "stage", 30.0), Health::Ok);
    }

    /// Every service ends on the new tag, the warning and the mixed spell
    /// both happen, and on one service they do not overlap.
    fn whole_story(s: &Story) {
        let n = s.services.len();
        let (w, m) = (s.warning_service(), s.mixed_service());
        assert!(w < n && m < n);
        let steps: Vec<f64> = (0..=(s.length() * 4.0) as usize).map(|i| i as f64 / 4.0).collect();
        let warns: Vec<f64> = steps.iter().copied().filter(|&t| s.health(w, "prod", t) == Health::Warning).collect();
        let mixed: Vec<f64> = steps
            .iter()
            .copied()
            .filter(|&t| s.version(m, "prod", t, 0, 0.0) != s.version(m, "prod", t, 1, 0.0))
            .collect();
        let o = s.outage_service();
        let down: Vec<f64> = steps.iter().copied().filter(|&t| s.down(o, "prod", t)).collect();
        assert!(!warns.is_empty(), "{n} services: a warning");
        assert!(!mixed.is_empty(), "{n} services: a mixed fleet");
        assert!(!down.is_empty(), "{n} services: an outage");
        assert!(down[0] >= s.prod_switch_at(o), "{n} services: the outage follows the switch");
        if w == m {
            assert!(warns.iter().all(|t| !mixed.contains(t)), "{n} services: apart");
        }
        for (other, times) in [(w, &warns), (m, &mixed)] {
            if other == o {
                assert!(down.iter().all(|t| !times.contains(t)), "{n} services: the outage apart");
            }
        }
        assert!(steps.iter().all(|&t| (0..n).all(|i| !s.down(i, "stage", t))), "{n} services: stage stays up");
        for i in 0..n {
            assert_eq!(s.version(i, "prod", s.length(), 0, 0.0).version, "2026.11.26");
            assert_eq!(s.version(i, "prod", s.length(), 1, 0.0).version, "2026.11.26");
            assert_eq!(s.health(i, "prod", s.length()), Health::Ok);
            assert!(!s.down(i, "prod", s.length()));
        }
        assert!((0..n).filter(|&i| s.behind_sign_in(i, "stage")).count() == 1);
        assert!((0..n).all(|i| !s.behind_sign_in(i, "prod")));
        assert!(s.length() <= 130.0, "about two minutes: {}", s.length());
    }

    #[test]
    fn small_fleets_tell_the_whole_story() {
        let s = story(2);
        assert_ne!(s.warning_service(), s.mixed_service());
        assert_eq!(s.warning_service(), 1);
        assert_eq!(s.health(1, "prod", 30.0), Health::Warning);
        let t = s.mixed_window().0 + 1.0;
        assert_ne!(s.version(0, "prod", t, 0, 0.0), s.version(0, "prod", t, 1, 0.0));
        for n in 1..=8 {
            whole_story(&story(n));
        }
        let one = story(1);
        assert_eq!((one.warning_service(), one.mixed_service()), (0, 0));
        assert!(one.warning_window().0 >= one.mixed_window().1);
    }

    #[test]
    fn commits_are_stable_hex() {
        let c = commit_for("addons-server", "2026.11.26");
        assert_eq!(c.len(), 40);
        assert!(c.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(c, commit_for("addons-server", "2026.11.26"));
        assert_ne!(c, commit_for("addons-server", "2026.11.19"));
    }
}
