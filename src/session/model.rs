//! The starting model from a config and the global flags: push date, target
//! tag, window instants and identity, in the local time zone.

use crate::cli::Global;
use crate::config::Config;
use crate::domain::Model;
use crate::domain::kernel::actor::{Actor, Role};
use crate::domain::release::{Release, Window, format_tag, next_push_date};
use crate::identity;
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveTime, Offset, TimeZone, Utc};

pub fn build_model(config: &Config, global: &Global, now: DateTime<Utc>) -> Model {
    let today = now.with_timezone(&Local).date_naive();
    let push_date = global.push_date.unwrap_or_else(|| next_push_date(today, config.release.push_day));
    // The format was validated when the config was loaded.
    let target_tag = global
        .target
        .clone()
        .unwrap_or_else(|| format_tag(push_date, &config.release.tag_format).unwrap_or_else(|e| e.to_string()));
    let window = config.release.window.map(|(start, end)| Window {
        start_local: start,
        end_local: end,
        start: local_instant(push_date, start),
        end: local_instant(push_date, end),
    });
    let release = Release {
        name: config.release.name.clone(),
        push_date,
        tag_format: config.release.tag_format.clone(),
        target_fixed: global.target.is_some(),
        target_tag,
        window,
        rotation: config.release.rotation.clone(),
    };
    let actor = Actor {
        name: identity::resolve_name(global.actor.as_deref(), config.user_name.as_deref()),
        role: global.role.or(config.user_role).unwrap_or(Role::Rm),
    };
    let mut model = Model::new(
        release,
        actor,
        config.release.environments.clone(),
        &config.services,
        &config.repos,
        config.poll.interval,
        now,
    );
    if let Some(phases) = &config.checklist {
        model.checklist = crate::domain::checklist::Checklist::new(phases.clone());
    }
    model.checklist.set_team(config.team.clone());
    model.deploy.specs = config.deploy.clone();
    // Read here, once, so `d`, `R` and `shipdeck deploy` refuse such a
    // deploy before recording it, as they refuse a lock or a role.
    model.deploy.unready = config
        .deploy
        .iter()
        .filter_map(|s| Some((s.env.clone(), crate::io::deploy::webhook::credentials_missing(s)?)))
        .collect();
    if let Some(why) = config.team.as_ref().and_then(|t| t.refusal(&model.actor.name, model.actor.role)) {
        let text = format!(
            "you act as {} ({}) and {why}: your ticks, waivers, unticks and push start or finish are recorded as unverified and count for nothing",
            model.actor.name,
            model.actor.role.as_str()
        );
        model.push_log(now, crate::domain::log::LogKind::Error, text);
    }
    if let Some(s) = &config.sentry {
        model.sentry = Some(crate::domain::sentry::SentryState::new(s.spec.clone()));
    }
    model.smoke = crate::domain::smoke::Smoke::new(config.smoke.clone());
    model.tz = local_offset();
    model
}

/// A local wall-clock time on a date, as an instant. In a DST gap the
/// earliest valid reading wins; it is a countdown, not a contract.
fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
}

pub fn local_offset() -> FixedOffset {
    Local::now().offset().fix()
}
