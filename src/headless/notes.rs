//! `shipdeck notes`: the push notes from the journal (and a scan of the
//! repositories for the "Pushing:" compare links), as markdown or as the
//! "push is done" mail; `--next` for the next push's template.

use super::Exit;
use super::drive::Driver;
use crate::cli::{Global, NotesArgs, NotesFormat};
use crate::config::Config;
use crate::domain::notes::render::{email, markdown, next_template};
use crate::domain::repos::update as repo_update;
use crate::session;
use chrono::Utc;

pub async fn run(config: &Config, global: &Global, args: &NotesArgs) -> Result<String, Exit> {
    let mut model = session::model::build_model(config, global, Utc::now());
    let store = super::journal_for(config, global, &model)?;
    super::fold_journal(&store, &mut model)?;
    let tz = session::model::local_offset();
    let text = if args.next {
        next_template(&model)
    } else {
        // Local git only: the compare links need the tags, not the network.
        let mut driver = Driver::new(config)?;
        model.generation += 1;
        let facts = repo_update::Facts::new(&model.release, &model.actor, model.now);
        let effects = repo_update::scan_all(&mut model.repos, &facts, model.generation);
        driver.settle(&mut model, effects).await;
        match args.format {
            _ if args.json => super::json::pretty(&super::notes_json::report(&model))?,
            NotesFormat::Markdown => markdown(&model, tz),
            NotesFormat::Email => email(&model, tz, args.link.as_deref()),
        }
    };
    match &args.output {
        Some(path) => {
            crate::io::regular_file::write_private(path, text.as_bytes())
                .map_err(|e| Exit::new(1, format!("cannot write {}: {e}", path.display())))?;
            Ok(format!("notes written to {}\n", path.display()))
        }
        None => Ok(text),
    }
}
