//! The last known good of every service, folded from this release's earlier
//! journals and this push's, into the starting model.

use crate::cli::Global;
use crate::config::Config;
use crate::domain::history::fold::{Push, Rules, fold};
use crate::domain::{LogKind, Model};
use crate::io::journal::JournalStore;
use std::collections::BTreeMap;

/// Reads the release's earlier journals (at most
/// [`crate::io::journal::history::MAX_PUSHES`]) and this push's, and folds
/// them into `model.history`. Without a data dir there is no history: the
/// lookup falls back to the previous push tag.
pub fn load(model: &mut Model, config: &Config, global: &Global) {
    let Some(data) = super::paths::data_dir(global) else { return };
    let date = model.release.push_date;
    let (earlier, trouble) = crate::io::journal::history::earlier(&data, &config.release.name, date);
    let now = model.now;
    for t in trouble {
        model.push_log(now, LogKind::Error, t);
    }
    let current = JournalStore::for_push(&data, &config.release.name, date).load().map(|l| l.events);
    let current = current.unwrap_or_default();
    let mut pushes: Vec<Push> = earlier.iter().map(|(d, l)| Push { date: *d, events: &l.events }).collect();
    pushes.push(Push { date, events: &current });
    model.history = fold(&pushes, &rules(config));
}

fn rules(config: &Config) -> Rules {
    let mut projects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in config.sentry.iter().flat_map(|s| &s.spec.projects) {
        if let Some(service) = &p.service {
            projects.entry(service.clone()).or_default().push(p.slug.clone());
        }
    }
    let after =
        chrono::TimeDelta::from_std(config.known_good_after).unwrap_or(crate::domain::history::fold::DEFAULT_AFTER);
    Rules { after, projects }
}
