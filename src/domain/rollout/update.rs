//! The rollout's handlers: when to poll the fleet, and what one endpoint's
//! answer changes. Narrow: they see the rollout alone and hand back what to
//! save and say as an [`Outcome`].

use super::msg::PollTarget;
use super::probe::Probe;
use super::{Observation, OutageChange, Rollout};
use crate::domain::journal::EventKind;
use crate::domain::kernel::remote::Remote;
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::outcome::Outcome;
use crate::domain::rollout::msg::RolloutEffect;
use chrono::{DateTime, Utc};

/// Whether the poll interval has passed since the last sweep.
pub fn sweep_due(rollout: &Rollout, now: DateTime<Utc>) -> bool {
    rollout.last_sweep.is_none_or(|last| (now - last).to_std().unwrap_or_default() >= rollout.poll_interval)
}

/// Asks for every endpoint that has no request in flight; a slow endpoint is
/// skipped rather than piled up.
pub fn sweep(rollout: &mut Rollout, generation: u64, now: DateTime<Utc>) -> Vec<Effect> {
    rollout.last_sweep = Some(now);
    let mut targets = Vec::new();
    for (si, row) in rollout.services.iter_mut().enumerate() {
        for (ei, cell) in row.cells.iter_mut().enumerate() {
            let Some(cell) = cell else { continue };
            if cell.in_flight.is_some() {
                continue;
            }
            cell.in_flight = Some(generation);
            if matches!(cell.state, Remote::Idle) {
                cell.state = Remote::Loading;
            }
            targets.push(PollTarget { service: si, env: ei, endpoint: cell.endpoint.clone() });
        }
    }
    if targets.is_empty() { Vec::new() } else { vec![Effect::Rollout(RolloutEffect::Poll { generation, targets })] }
}

pub fn on_probe(rollout: &mut Rollout, generation: u64, service: usize, env: usize, probe: Probe) -> Outcome {
    let mut out = Outcome::default();
    let at = probe.at;
    let env_name = rollout.envs.get(env).cloned().unwrap_or_default();
    let Some(row) = rollout.services.get_mut(service) else { return out };
    let name = row.name.clone();
    let Some(Some(cell)) = row.cells.get_mut(env) else { return out };
    if cell.in_flight == Some(generation) {
        cell.in_flight = None;
    }
    if generation < cell.applied_gen {
        return out; // A newer answer is already shown.
    }
    cell.applied_gen = generation;
    // Whether it went down or came back comes first: a version seen on
    // recovery reads as what it came back with.
    let error = probe.error.as_deref().unwrap_or(probe.state.as_str());
    let outage = rollout.outages.change(&env_name, &name, probe.state, error).map(|change| match change {
        OutageChange::Down { outage, state, error } => {
            EventKind::EndpointDown { env: env_name.clone(), service: name.clone(), outage, state, error }
        }
        OutageChange::Up { outage, since } => {
            EventKind::EndpointUp { env: env_name.clone(), service: name.clone(), outage, since }
        }
    });
    let Some(Some(cell)) = rollout.services.get_mut(service).and_then(|r| r.cells.get_mut(env)) else {
        return out;
    };
    let observed = cell.observe(probe);
    if let Some(kind) = outage {
        out.record(kind, at, true);
    }
    for obs in observed {
        let event = match obs {
            Observation::Changed { from, to, commit } => {
                EventKind::VersionChanged { env: env_name.clone(), service: name.clone(), from, to, commit }
            }
            Observation::HeartbeatChanged { from, to } => EventKind::HeartbeatChanged {
                env: env_name.clone(),
                service: name.clone(),
                from: from.as_str().into(),
                to: to.as_str().into(),
            },
            // Flapping is this cockpit's reading of what it saw; not journaled.
            Observation::MixedStarted { a, b } => {
                out.log(at, LogKind::Mixed, format!("{env_name} · {name} serves mixed versions: {a} and {b}"));
                continue;
            }
            Observation::Settled { on } => {
                out.log(at, LogKind::Mixed, format!("{env_name} · {name} settled on {on}"));
                continue;
            }
        };
        out.record(event, at, true);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outcome::Act;
    use crate::domain::rollout::probe::Heartbeat;
    use crate::testkit;

    /// The handler needs no model: a rollout in, acts out, nothing written.
    #[test]
    fn a_version_change_is_an_observation_to_record_not_a_write() {
        let t = testkit::release().window.unwrap().start;
        let mut rollout = testkit::model(&["web"], t).rollout;
        let first = sweep(&mut rollout, 1, t);
        assert!(
            matches!(&first[..], [Effect::Rollout(RolloutEffect::Poll { generation: 1, targets })] if targets.len() == rollout.envs.len())
        );
        on_probe(&mut rollout, 1, 0, 0, testkit::ok("2026.11.26", "abc", Heartbeat::Ok, t));
        sweep(&mut rollout, 2, t);
        let out = on_probe(&mut rollout, 2, 0, 0, testkit::ok("2026.12.01", "def", Heartbeat::Ok, t));
        let recorded: Vec<_> = out
            .acts
            .iter()
            .filter_map(|a| match a {
                Act::Record { kind: EventKind::VersionChanged { to, .. }, observed: true, .. } => Some(to.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(recorded, ["2026.12.01"]);
        // A stale answer (an older generation than one applied) changes nothing.
        let stale = on_probe(&mut rollout, 1, 0, 0, testkit::ok("2026.11.26", "abc", Heartbeat::Ok, t));
        assert!(stale.acts.is_empty());
    }
}
