//! Auto items: each rule judged from live state, with the evidence it saw.

use super::{AutoRule, Verdict};
use crate::domain::kernel::duration::human;
use crate::domain::kernel::remote::Remote;
use crate::domain::model::Model;
use crate::domain::repos::TagState;
use chrono::{DateTime, Duration, Utc};
use std::fmt::Write as _;

pub(super) enum Judged {
    Applies(Verdict, String),
    /// The rule has nothing to look at (no such environment, no security
    /// fork, no window): the item is ticked by hand, and this says why.
    ByHand(String),
    /// The item does not apply to this push and is not shown.
    Hidden,
}

pub(super) fn judge(model: &Model, rule: &AutoRule) -> Judged {
    match rule {
        AutoRule::OnTarget(env) => on_target(model, env),
        AutoRule::TagsExist => tags_exist(model),
        AutoRule::SecurityInSync => security_in_sync(model),
        AutoRule::InWindow => in_window(model),
        AutoRule::PushDuration => push_duration(model),
        AutoRule::SentryCalm => sentry_calm(model),
        AutoRule::SmokePass(env) => smoke_pass(model, env),
        AutoRule::RiskReviewed => match crate::domain::repos::risk::review_evidence(&model.repos) {
            Some(evidence) => Judged::ByHand(evidence),
            None => Judged::Hidden,
        },
    }
}

fn sentry_calm(model: &Model) -> Judged {
    use crate::domain::sentry::CALM_FOR_MINUTES;
    use crate::domain::sentry::analysis::Verdict as V;
    use crate::domain::sentry::report::analyses;
    let Some(s) = &model.sentry else {
        return Judged::ByHand("Sentry is not configured".into());
    };
    let all = analyses(model);
    for (p, a) in s.projects.iter().zip(&all) {
        if let Some(a) = a.filter(|a| a.verdict == V::Spike) {
            let how = a.ratio.map(|r| format!("{r:.1}x baseline")).unwrap_or_else(|| "from none".into());
            return Judged::Applies(Verdict::Fail, format!("{} errors {how} since the push", p.spec.slug));
        }
    }
    for (p, a) in s.projects.iter().zip(&all) {
        if let Some((e, _)) = &p.error {
            return Judged::Applies(Verdict::Wait, format!("{}: {e}", p.spec.slug));
        }
        if a.is_none() {
            return Judged::Applies(Verdict::Wait, "Sentry not asked yet".into());
        }
    }
    let data = || s.projects.iter().filter_map(|p| p.data.as_ref());
    let new: usize = data().map(|(d, _)| d.issues.len()).sum();
    let back: usize = data().map(|(d, _)| d.regressions.len()).sum();
    let mut issues = String::new();
    if new > 0 {
        let _ = write!(issues, "; {new} new issue{}", if new == 1 { "" } else { "s" });
    }
    if back > 0 {
        let _ = write!(issues, "; {back} regression{}", if back == 1 { "" } else { "s" });
    }
    let Some(since) = s.prod_since else {
        return Judged::Applies(Verdict::Wait, format!("calm; prod not on the target everywhere yet{issues}"));
    };
    let calm_from = s.last_not_calm.map_or(since, |t| t.max(since));
    let calm = model.now - calm_from;
    let need = Duration::minutes(CALM_FOR_MINUTES);
    if calm >= need {
        Judged::Applies(Verdict::Pass, format!("calm {} since prod reached the target{issues}", human(calm)))
    } else {
        Judged::Applies(Verdict::Wait, format!("calm {} of {} on the target{issues}", human(calm), human(need)))
    }
}

fn on_target(model: &Model, env: &str) -> Judged {
    let Some(ei) = model.rollout.envs.iter().position(|e| e == env) else {
        return Judged::ByHand(format!("no environment `{env}` is configured"));
    };
    let p = model.rollout.progress(ei);
    if p.total == 0 {
        return Judged::ByHand(format!("no service runs in {env}"));
    }
    let target = model.target();
    let answered = model
        .rollout
        .services
        .iter()
        .filter_map(|s| s.cells.get(ei)?.as_ref())
        .any(|c| !matches!(c.state, Remote::Idle | Remote::Loading));
    if !answered {
        return Judged::Applies(Verdict::Wait, format!("{env} not polled yet"));
    }
    let seen = format!("{env} {}/{} on {target}", p.on_target, p.total);
    match (p.on_target == p.total, p.errors) {
        (true, _) => Judged::Applies(Verdict::Pass, seen),
        (false, 0) => Judged::Applies(Verdict::Wait, seen),
        (false, n) => Judged::Applies(Verdict::Fail, format!("{seen}, {n} not answering")),
    }
}

fn tags_exist(model: &Model) -> Judged {
    if model.repos.rows.is_empty() {
        return Judged::ByHand("no repositories are configured".into());
    }
    let mut tagged = 0;
    let mut unchanged = 0;
    let mut untagged = Vec::new();
    for row in &model.repos.rows {
        match &row.status {
            // Nothing since the previous push is done too: there is nothing to tag.
            Remote::Ready { value, .. } if !value.needs_tag() => match value.state() {
                TagState::Unchanged => unchanged += 1,
                _ => tagged += 1,
            },
            Remote::Ready { .. } => untagged.push(row.spec.name.as_str()),
            Remote::Failed { error, .. } => return Judged::Applies(Verdict::Fail, error.clone()),
            Remote::Idle | Remote::Loading => {
                return Judged::Applies(Verdict::Wait, "repositories not scanned yet".into());
            }
        }
    }
    let n = model.repos.rows.len();
    let mut seen = format!("{tagged}/{n} repos tagged for {}", model.release.push_date);
    if unchanged > 0 {
        let _ = write!(seen, ", {unchanged} unchanged");
    }
    if untagged.is_empty() {
        Judged::Applies(Verdict::Pass, seen)
    } else {
        Judged::Applies(Verdict::Wait, format!("{seen}; needs a tag: {}", untagged.join(", ")))
    }
}

fn security_in_sync(model: &Model) -> Judged {
    let forks: Vec<_> = model.repos.rows.iter().filter(|r| r.spec.security.is_some()).collect();
    if forks.is_empty() {
        return Judged::ByHand("no repository has a security fork configured".into());
    }
    let mut behind = Vec::new();
    for row in &forks {
        let name = &row.spec.name;
        match row.status.value().map(|s| s.security.as_ref()) {
            Some(Some(Ok(s))) if s.in_sync => {}
            Some(Some(Ok(s))) => behind.push(format!("{name}: fork {} ahead, {} behind", s.ahead, s.behind)),
            Some(Some(Err(e))) => return Judged::Applies(Verdict::Fail, format!("{name}: {e}")),
            Some(None) | None => {
                if let Remote::Failed { error, .. } = &row.status {
                    return Judged::Applies(Verdict::Fail, error.clone());
                }
                return Judged::Applies(Verdict::Wait, "repositories not scanned yet".into());
            }
        }
    }
    if behind.is_empty() {
        Judged::Applies(Verdict::Pass, format!("{}/{} security forks in sync", forks.len(), forks.len()))
    } else {
        // Out of sync is a state to act on (merge the fixes), not an error.
        Judged::Applies(Verdict::Wait, behind.join("; "))
    }
}

fn in_window(model: &Model) -> Judged {
    let Some(w) = &model.release.window else {
        return Judged::ByHand("no maintenance window is configured".into());
    };
    let hours = format!("{}–{}", w.start_local.format("%H:%M"), w.end_local.format("%H:%M"));
    // A wall-clock time on the push day, from the window's own local times:
    // the domain knows no time zone.
    let local = |t: DateTime<Utc>| -> String {
        let secs = (t - w.start).num_seconds();
        let base = w.start_local + Duration::seconds(secs.rem_euclid(86_400));
        base.format("%H:%M").to_string()
    };
    if let Some((started, _)) = &model.checklist.push_started {
        let at = local(*started);
        return if *started >= w.start && *started < w.end {
            Judged::Applies(Verdict::Pass, format!("push started {at}, window {hours}"))
        } else {
            Judged::Applies(Verdict::Fail, format!("push started {at}, outside the window {hours}"))
        };
    }
    let now = model.now;
    if now < w.start {
        Judged::Applies(Verdict::Wait, format!("window {hours} opens in {}", human(w.start - now)))
    } else if now < w.end {
        Judged::Applies(Verdict::Pass, format!("window {hours} open, {} left", human(w.end - now)))
    } else {
        Judged::Applies(Verdict::Fail, format!("window {hours} closed before the push started"))
    }
}

fn push_duration(model: &Model) -> Judged {
    match (&model.checklist.push_started, &model.checklist.push_finished) {
        (Some((s, _)), Some((f, _))) => Judged::Applies(Verdict::Pass, format!("pushed in {}", human(*f - *s))),
        (Some((s, _)), None) => Judged::Applies(Verdict::Wait, format!("push running for {}", human(model.now - *s))),
        _ => Judged::Applies(Verdict::Wait, "push not started yet".into()),
    }
}

/// Every check of every service in `env` passed on what it runs. The
/// evidence names what failed and why, else what is still awaited.
fn smoke_pass(model: &Model, env: &str) -> Judged {
    let smoke = &model.smoke;
    if smoke.specs.is_empty() {
        return Judged::ByHand("no [[smoke]] checks are configured".into());
    }
    let Some(ei) = model.rollout.envs.iter().position(|e| e == env) else {
        return Judged::ByHand(format!("no environment `{env}` is configured"));
    };
    let (mut passed, mut total) = (0, 0);
    let mut failed = Vec::new();
    let mut waiting = Vec::new();
    for (si, row) in model.rollout.services.iter().enumerate() {
        let Some(cell) = model.rollout.cell(si, ei) else { continue };
        let version = cell.version().and_then(|v| v.key());
        if smoke.checks_for(&row.name, env).next().is_none() {
            continue;
        }
        let Some(version) = version else {
            total += smoke.checks_for(&row.name, env).count();
            waiting.push(format!("{} to answer", row.name));
            continue;
        };
        for (spec, result) in smoke.on_version(&row.name, env, version) {
            total += 1;
            match result {
                Some(o) if o.ok => passed += 1,
                Some(o) => failed.push(format!("{} {}: {}", row.name, spec.label(), o.detail)),
                None => waiting.push(format!("{} {} on {version}", row.name, spec.label())),
            }
        }
    }
    if total == 0 {
        return Judged::ByHand(format!("no smoke check applies to {env}"));
    }
    let seen = format!("{passed}/{total} passed on {env}");
    if !failed.is_empty() {
        return Judged::Applies(Verdict::Fail, format!("{seen}; failed: {}", failed.join("; ")));
    }
    if !waiting.is_empty() {
        return Judged::Applies(Verdict::Wait, format!("{seen}; waiting for {}", waiting.join(", ")));
    }
    Judged::Applies(Verdict::Pass, seen)
}
