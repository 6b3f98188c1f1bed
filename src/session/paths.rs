//! Where a session keeps its files: the data dir, and the journal of one
//! release's push in it.

use crate::cli::Global;
use crate::config::Config;
use crate::io::journal::JournalStore;
use chrono::NaiveDate;
use std::path::PathBuf;

/// `--data-dir`, else `$SHIPDECK_DATA_DIR` (clap reads it into the flag),
/// else the OS data dir.
pub fn data_dir(global: &Global) -> Option<PathBuf> {
    global
        .data_dir
        .clone()
        .or_else(|| directories::ProjectDirs::from("", "", "shipdeck").map(|d| d.data_dir().to_path_buf()))
}

/// The journal of `config`'s release pushed on `push_date`, in the data dir;
/// `None` when there is no data dir to keep it in.
pub fn journal(config: &Config, global: &Global, push_date: NaiveDate) -> Option<JournalStore> {
    data_dir(global).map(|dir| JournalStore::for_push(&dir, &config.release.name, push_date))
}
