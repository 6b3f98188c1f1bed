//! Smoke checks: requests the team's `[[smoke]]` entries describe, made of
//! each service after its version flips on an environment and on demand, and
//! what they found. The checks as configured (`SmokeSpec`), one request made
//! from one for one endpoint (`Request`), and the newest result of each
//! check on each cell, folded from the journal's `smoke_checked` events so
//! every cockpit and every restart shows the same.

use crate::domain::journal::{Event, EventKind};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub mod msg;
pub mod update;

/// Where a check asks: under the service's base URL, or a URL of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmokeTarget {
    /// Starts with `/`; joined to the base URL (see [`base_url`]).
    Path(String),
    Url(String),
}

/// One `[[smoke]]` entry, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmokeSpec {
    /// `None`: every service.
    pub service: Option<String>,
    /// `None`: every environment.
    pub env: Option<String>,
    pub target: SmokeTarget,
    pub expect_status: u16,
    pub contains: Option<String>,
    /// RFC 6901 pointer → the value expected there (placeholders unfilled).
    pub json: Vec<(String, String)>,
    pub timeout: Duration,
}

impl SmokeSpec {
    /// How the check is named in the journal and on screen: the path or URL
    /// as configured, a URL without its userinfo.
    pub fn label(&self) -> String {
        match &self.target {
            SmokeTarget::Path(p) => p.clone(),
            SmokeTarget::Url(u) => crate::domain::kernel::redact::url(u),
        }
    }

    pub fn applies(&self, service: &str, env: &str) -> bool {
        self.service.as_deref().is_none_or(|s| s == service) && self.env.as_deref().is_none_or(|e| e == env)
    }
}

/// One check to make of one service on one environment, its placeholders
/// filled: what the io layer asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub env: String,
    pub service: String,
    /// What the service ran when the check was asked for.
    pub version: String,
    /// The check's label ([`SmokeSpec::label`]).
    pub check: String,
    pub url: String,
    pub expect_status: u16,
    pub contains: Option<String>,
    pub json: Vec<(String, String)>,
    pub timeout: Duration,
    /// Asked after a flip: journaled under an observation id, so several
    /// cockpits record it once.
    pub auto: bool,
}

/// The base URL of a service on an environment: its `/__version__` URL with
/// the last path segment (`__version__`) and any query removed, ending in `/`.
/// `https://h/app/__version__` → `https://h/app/`.
pub fn base_url(version_url: &str) -> String {
    let no_query = version_url.split(['?', '#']).next().unwrap_or(version_url);
    // The scheme's `//` is not a path separator.
    let path_from = no_query.find("://").map_or(0, |i| i + 3);
    match no_query[path_from..].rfind('/') {
        Some(i) => no_query[..path_from + i + 1].to_string(),
        None => format!("{no_query}/"),
    }
}

/// `{tag}`, `{service}` and `{env}` filled in.
pub fn fill(text: &str, tag: &str, service: &str, env: &str) -> String {
    text.replace("{tag}", tag).replace("{service}", service).replace("{env}", env)
}

/// The newest result of one check on one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub version: String,
    pub ok: bool,
    pub detail: String,
    pub at: DateTime<Utc>,
    /// The event's id, so the fold keeps the newest whatever order events come in.
    id: String,
}

/// A `(env, service)` pair, as the journal names cells.
pub type CellKey = (String, String);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Smoke {
    pub specs: Vec<SmokeSpec>,
    /// `(env, service)` → check label → its newest result.
    pub results: BTreeMap<CellKey, BTreeMap<String, Outcome>>,
    /// Checks asked and not answered yet, per cell.
    pub running: BTreeMap<CellKey, usize>,
    /// Cells whose version flipped to the value, waiting for the flip to settle.
    pub flipped: BTreeMap<(usize, usize), String>,
    /// Automatic runs asked for, `(env, service, version)`: a flip back and
    /// forth does not ask twice for the same version.
    pub asked: BTreeSet<(String, String, String)>,
}

impl Smoke {
    pub fn new(specs: Vec<SmokeSpec>) -> Self {
        Smoke { specs, ..Default::default() }
    }

    /// The checks that apply to a service on an environment.
    pub fn checks_for<'a>(&'a self, service: &'a str, env: &'a str) -> impl Iterator<Item = &'a SmokeSpec> + 'a {
        self.specs.iter().filter(move |s| s.applies(service, env))
    }

    /// Folds a `smoke_checked` event in: per check, the newest wins (by time,
    /// then id), so any arrival order gives the same state.
    pub fn apply(&mut self, event: &Event) {
        let EventKind::SmokeChecked { env, service, version, check, ok, detail } = &event.kind else { return };
        let cell = self.results.entry((env.clone(), service.clone())).or_default();
        let newer = cell.get(check).is_none_or(|o| (event.at, event.id.as_str()) > (o.at, o.id.as_str()));
        if newer {
            let outcome = Outcome {
                version: version.clone(),
                ok: *ok,
                detail: detail.clone(),
                at: event.at,
                id: event.id.clone(),
            };
            cell.insert(check.clone(), outcome);
        }
    }

    /// What the checks of a cell found on `version`, in config order: one
    /// entry per check that applies, `None` where it has no result on it.
    pub fn on_version<'a>(
        &'a self,
        service: &'a str,
        env: &'a str,
        version: &'a str,
    ) -> Vec<(&'a SmokeSpec, Option<&'a Outcome>)> {
        let results = self.results.get(&(env.to_string(), service.to_string()));
        self.checks_for(service, env)
            .map(|spec| (spec, results.and_then(|r| r.get(&spec.label())).filter(|o| o.version == version)))
            .collect()
    }

    pub fn is_running(&self, service: &str, env: &str) -> bool {
        self.running.get(&(env.to_string(), service.to_string())).is_some_and(|n| *n > 0)
    }
}

/// What a cell's smoke checks say at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Running,
    Passing,
    Failing,
}

impl Mark {
    /// Differs in shape as well as colour.
    pub fn glyph(self) -> &'static str {
        match self {
            Mark::Running => "◌",
            Mark::Passing => "✓",
            Mark::Failing => "✘",
        }
    }
}

/// A cell's mark: running while any check is, else failing when any check
/// failed on the version it runs, passing when every check passed on it;
/// no mark when it has no checks or none ran on that version.
pub fn mark(smoke: &Smoke, service: &str, env: &str, version: Option<&str>) -> Option<Mark> {
    if smoke.is_running(service, env) {
        return Some(Mark::Running);
    }
    let results = smoke.on_version(service, env, version?);
    if results.iter().any(|(_, o)| o.is_some_and(|o| !o.ok)) {
        return Some(Mark::Failing);
    }
    (!results.is_empty() && results.iter().all(|(_, o)| o.is_some_and(|o| o.ok))).then_some(Mark::Passing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_the_version_url_without_its_last_segment() {
        assert_eq!(base_url("https://h.example/__version__"), "https://h.example/");
        assert_eq!(base_url("https://h.example/app/__version__?x=1"), "https://h.example/app/");
        assert_eq!(base_url("http://127.0.0.1:8080"), "http://127.0.0.1:8080/");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("{service}@{env}: {tag}", "2026.12.01", "web", "prod"), "web@prod: 2026.12.01");
    }
}
