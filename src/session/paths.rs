//! Where a session keeps its files: the data dir (the journals, what must
//! not be lost), and the state dir (the log file, where the user was
//! looking: what may be lost).

use crate::cli::Global;
use crate::config::Config;
use crate::io::journal::JournalStore;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// `--data-dir`, else `$SHIPDECK_DATA_DIR` (clap reads it into the flag),
/// else the OS data dir.
pub fn data_dir(global: &Global) -> Option<PathBuf> {
    global.data_dir.clone().or_else(os_data_dir)
}

fn os_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "shipdeck").map(|d| d.data_dir().to_path_buf())
}

/// The state dir: `$SHIPDECK_STATE_DIR`; else, when a data dir was chosen
/// (`--data-dir`, `$SHIPDECK_DATA_DIR`), its `state` folder, so one chosen
/// folder holds one whole session and two never share a view; else
/// `$XDG_STATE_HOME/shipdeck`, `~/.local/state/shipdeck` without it.
pub fn state_dir(global: &Global) -> Option<PathBuf> {
    state_dir_for(global.data_dir.as_deref())
}

/// The state dir for a session whose data dir was `chosen`, or the OS's.
pub fn state_dir_for(chosen: Option<&Path>) -> Option<PathBuf> {
    let env = std::env::var_os("SHIPDECK_STATE_DIR").map(PathBuf::from).filter(|p| !p.as_os_str().is_empty());
    let xdg = directories::ProjectDirs::from("", "", "shipdeck").and_then(|d| d.state_dir().map(Path::to_path_buf));
    let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
    pick_state_dir(env, chosen, xdg, home)
}

fn pick_state_dir(
    env: Option<PathBuf>,
    chosen: Option<&Path>,
    xdg: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    env.or_else(|| chosen.map(|d| d.join("state")))
        .or(xdg)
        // Where the XDG spec puts it, on systems `directories` gives none for.
        .or_else(|| home.map(|h| h.join(".local").join("state").join("shipdeck")))
}

/// The state dir for a journal: its data dir was chosen unless it is the
/// OS's own.
pub fn state_dir_of(store: &JournalStore) -> Option<PathBuf> {
    let data = data_dir_of(store)?;
    let chosen = (Some(data) != os_data_dir().as_deref()).then_some(data);
    state_dir_for(chosen)
}

/// The data dir of a push's journal, `{data}/journals/{release}/{date}.jsonl`.
fn data_dir_of(store: &JournalStore) -> Option<&Path> {
    let journals = store.path().parent()?.parent()?;
    (journals.file_name()? == "journals").then(|| journals.parent()).flatten()
}

/// Where the view of a push's journal is kept between runs:
/// `{state}/views/{release}/{date}.json`.
pub fn view_file(store: &JournalStore) -> Option<PathBuf> {
    let release = store.path().parent()?.file_name()?;
    let date = store.path().file_stem()?;
    let mut name = date.to_os_string();
    name.push(".json");
    Some(state_dir_of(store)?.join("views").join(release).join(name))
}

/// The journal of `config`'s release pushed on `push_date`, in the data dir;
/// `None` when there is no data dir to keep it in.
pub fn journal(config: &Config, global: &Global, push_date: NaiveDate) -> Option<JournalStore> {
    data_dir(global).map(|dir| JournalStore::for_push(&dir, &config.release.name, push_date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_goes_to_the_state_dir_not_the_data_dir() {
        let p = |s: &str| Some(PathBuf::from(s));
        let xdg = p("/home/a/.local/state/shipdeck");
        let home = p("/home/a");
        assert_eq!(pick_state_dir(None, None, xdg.clone(), home.clone()), xdg);
        assert_eq!(pick_state_dir(None, None, None, home.clone()), p("/home/a/.local/state/shipdeck"));
        assert_eq!(pick_state_dir(None, Some(Path::new("/tmp/d")), xdg.clone(), home.clone()), p("/tmp/d/state"));
        assert_eq!(pick_state_dir(p("/s"), Some(Path::new("/tmp/d")), xdg, home), p("/s"), "the variable wins");
    }

    #[test]
    fn a_chosen_data_dir_keeps_its_view_in_its_state_folder() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let store = JournalStore::for_push(Path::new("/tmp/chosen"), "AMO", date);
        assert_eq!(data_dir_of(&store), Some(Path::new("/tmp/chosen")));
        if std::env::var_os("SHIPDECK_STATE_DIR").is_none() {
            let view = view_file(&store).unwrap();
            assert!(view.starts_with("/tmp/chosen/state/views"), "{}", view.display());
            assert!(view.ends_with("2026-11-26.json"), "{}", view.display());
        }
    }
}
