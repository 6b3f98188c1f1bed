//! The model every repository command starts from: scanned through the same
//! `update` the cockpit runs, fetched first when asked.

use crate::cli::Global;
use crate::config::Config;
use crate::domain::Model;
use crate::domain::repos::update as repo_update;
use crate::headless::Exit;
use crate::headless::drive::Driver;
use crate::session;
use chrono::Utc;

/// Scans every repository (and, with `fetch`, fetches first).
pub(super) async fn scanned(config: &Config, global: &Global, fetch: bool) -> Result<(Model, Driver), Exit> {
    let mut model = session::model::build_model(config, global, Utc::now());
    if model.repos.rows.is_empty() {
        return Err(Exit::new(2, format!("{}: no [[repos]] configured", config.source)));
    }
    let mut driver = Driver::new(config)?;
    model.generation += 1;
    let facts = repo_update::Facts::new(&model.release, &model.actor, model.now);
    let scan = repo_update::scan_all(&mut model.repos, &facts, model.generation);
    driver.settle(&mut model, scan).await;
    if fetch {
        let outcome = repo_update::fetch(&mut model.repos, model.now);
        let effects = model.carry_out(outcome);
        driver.settle(&mut model, effects).await;
    }
    Ok((model, driver))
}
