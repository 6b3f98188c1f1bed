//! The machine-readable view of the rollout: what `shipdeck status --json`
//! prints. Built from the same model the cockpit renders.

use super::probe::{Heartbeat, ProbeState};
use crate::domain::kernel::remote::Remote;
use crate::domain::model::Model;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub release: ReleaseReport,
    pub services: Vec<ServiceReport>,
    /// Per environment, keyed by name (JSON object order follows config order).
    pub rollout: OrderedEnvs<EnvProgress>,
    /// `null` without a `[sentry]` section.
    pub sentry: Option<crate::domain::sentry::report::SentryReport>,
}

#[derive(Debug, Serialize)]
pub struct ReleaseReport {
    pub name: String,
    pub push_date: String,
    pub target_tag: String,
    pub push_hero: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServiceReport {
    pub name: String,
    /// The tag this service should run: its repository's target when it is
    /// linked to one, else the release's.
    pub target: String,
    pub envs: OrderedEnvs<EnvReport>,
}

#[derive(Debug, Serialize)]
pub struct EnvReport {
    pub url: String,
    pub heartbeat_url: Option<String>,
    /// Where the answer came from after redirects within the origin; `None`
    /// when `url` answered itself.
    pub final_url: Option<String>,
    pub state: Option<ProbeState>,
    pub version: Option<String>,
    pub commit: Option<String>,
    pub source: Option<String>,
    pub build: Option<String>,
    pub on_target: bool,
    pub mixed: bool,
    pub heartbeat: Heartbeat,
    /// What a warning or error heartbeat names, or why it is unknown; `None`
    /// for a plain ok, or when no heartbeat was asked.
    pub heartbeat_detail: Option<String>,
    pub error: Option<String>,
    pub latency_ms: Option<u64>,
    pub checked_at: Option<String>,
    /// What a rollback would deploy here; `null` when nothing is known good.
    pub last_known_good: Option<KnownGoodReport>,
}

#[derive(Debug, Serialize)]
pub struct KnownGoodReport {
    pub version: String,
    /// `observed` (it ran well in an earlier push) or `previous_tag`.
    pub basis: &'static str,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct EnvProgress {
    pub on_target: usize,
    pub total: usize,
}

/// A JSON object that keeps insertion order (serde_json's map would sort).
#[derive(Debug)]
pub struct OrderedEnvs<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for OrderedEnvs<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl StatusReport {
    pub fn from_model(model: &Model) -> Self {
        let envs = &model.rollout.envs;
        let services = model
            .rollout
            .services
            .iter()
            .map(|row| ServiceReport {
                name: row.name.clone(),
                target: row.target.tag.clone(),
                envs: OrderedEnvs(
                    envs.iter()
                        .zip(&row.cells)
                        .filter_map(|(env, cell)| {
                            let cell = cell.as_ref()?;
                            let (state, info, error, latency) = match &cell.state {
                                Remote::Ready { value, .. } => {
                                    (Some(ProbeState::Ok), Some(value.info.clone()), None, value.latency_ms)
                                }
                                Remote::Failed { error, .. } => {
                                    let message = crate::domain::kernel::redact::url(&error.message);
                                    (Some(error.state), None, Some(message), error.latency_ms)
                                }
                                Remote::Idle | Remote::Loading => (None, None, None, None),
                            };
                            let info = info.unwrap_or_default();
                            Some((
                                env.clone(),
                                EnvReport {
                                    // Credentials in a URL are used, never shown.
                                    url: crate::domain::kernel::redact::url(&cell.endpoint.version_url),
                                    heartbeat_url: cell
                                        .endpoint
                                        .heartbeat_url
                                        .as_deref()
                                        .map(crate::domain::kernel::redact::url),
                                    final_url: cell.final_url.as_deref().map(crate::domain::kernel::redact::url),
                                    state,
                                    version: info.version,
                                    commit: info.commit,
                                    source: info.source,
                                    build: info.build,
                                    on_target: cell.on_target(&row.target),
                                    mixed: cell.mixed.is_some(),
                                    heartbeat: cell.heartbeat,
                                    heartbeat_detail: cell
                                        .heartbeat_detail
                                        .as_deref()
                                        .map(crate::domain::kernel::redact::url),
                                    error,
                                    latency_ms: latency,
                                    checked_at: cell.state.at().map(|t| t.to_rfc3339()),
                                    last_known_good: crate::domain::history::lookup::known_good(model, &row.name, env)
                                        .map(|k| KnownGoodReport {
                                            basis: k.basis_name(),
                                            label: k.label(),
                                            version: k.version,
                                        }),
                                },
                            ))
                        })
                        .collect(),
                ),
            })
            .collect();
        let rollout = OrderedEnvs(
            envs.iter()
                .enumerate()
                .map(|(i, env)| {
                    let p = model.rollout.progress(i);
                    (env.clone(), EnvProgress { on_target: p.on_target, total: p.total })
                })
                .collect(),
        );
        StatusReport {
            release: ReleaseReport {
                name: model.release.name.clone(),
                push_date: model.release.push_date.to_string(),
                target_tag: model.release.target_tag.clone(),
                push_hero: model.release.hero().map(str::to_string),
            },
            services,
            rollout,
            sentry: crate::domain::sentry::report::SentryReport::from_model(model),
        }
    }

    /// Environment name -> (on target, total), for exit-code gates.
    pub fn progress(&self) -> BTreeMap<&str, (usize, usize)> {
        self.rollout.0.iter().map(|(k, v)| (k.as_str(), (v.on_target, v.total))).collect()
    }
}
