//! `shipdeck lock ENV --reason TEXT` and `shipdeck unlock ENV`: the same
//! `locked` and `unlocked` events `L` records, which every cockpit and
//! `shipdeck deploy` honour.

use super::{Exit, journal_for};
use crate::cli::{Global, LockArgs, UnlockArgs};
use crate::config::Config;
use crate::domain::journal::EventKind;
use crate::domain::kernel::input::{MAX_CHARS, one_line};
use crate::io::sanitize::clean_max;
use crate::session;
use chrono::Utc;

fn load(
    config: &Config,
    global: &Global,
    env: &str,
) -> Result<(crate::domain::Model, crate::io::journal::JournalStore), Exit> {
    if !config.release.environments.iter().any(|e| e == env) {
        let known = config.release.environments.join(", ");
        return Err(Exit::new(
            2,
            format!("`{env}` is not an environment of {} ({known}); nothing done", config.source),
        ));
    }
    let mut model = session::model::build_model(config, global, Utc::now());
    let store = journal_for(config, global, &model)?;
    super::fold_journal(&store, &mut model)?;
    Ok((model, store))
}

pub fn lock(config: &Config, global: &Global, args: &LockArgs) -> Result<String, Exit> {
    // A reason is one line wherever it is shown: escape sequences go first,
    // then the cockpit's own rule for its `L` prompt.
    let reason = one_line(&clean_max(&args.reason, MAX_CHARS));
    if reason.is_empty() {
        return Err(Exit::new(2, "--reason must say why (\"waiting for the migration\"); nothing done"));
    }
    let (mut model, store) = load(config, global, &args.env)?;
    if let Some(l) = model.deploy.lock(&args.env) {
        super::warn(&format!("{} was already locked by {}: {}; the new reason replaces it", args.env, l.by, l.reason));
    }
    let kind = EventKind::Locked { env: args.env.clone(), reason };
    super::append(&store, &mut model, kind, args.json)
}

pub fn unlock(config: &Config, global: &Global, args: &UnlockArgs) -> Result<String, Exit> {
    let (mut model, store) = load(config, global, &args.env)?;
    if model.deploy.lock(&args.env).is_none() {
        return Ok(format!("{} is not locked; nothing recorded\n", args.env));
    }
    super::append(&store, &mut model, EventKind::Unlocked { env: args.env.clone() }, args.json)
}
