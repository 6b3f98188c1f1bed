//! Where the user was looking (focus, selections), kept in the state dir
//! between runs (`paths::view_file`). Best effort both ways: the journal has
//! everything that matters.

use crate::domain::Model;
use crate::domain::view::memory::ViewMemory;
use crate::io::journal::JournalStore;
use std::path::PathBuf;

/// Where older versions kept the view: beside the journal, in the data dir.
/// Read once when the state dir has none yet, and removed after the view is
/// saved in its place.
fn old_view_path(store: &JournalStore) -> PathBuf {
    store.path().with_extension("view.json")
}

/// Puts back where the user was looking; a missing or unreadable file just
/// means the default view.
pub fn restore(model: &mut Model, store: &JournalStore) {
    let read =
        |p: &PathBuf| crate::io::regular_file::read_to_string(p, super::MAX_SMALL_FILE).ok().map(|t| (t, p.clone()));
    let found = super::paths::view_file(store).as_ref().and_then(read).or_else(|| read(&old_view_path(store)));
    let Some((text, path)) = found else { return };
    match serde_json::from_str::<ViewMemory>(&text) {
        Ok(v) => v.restore(model),
        Err(e) => tracing::warn!("{}: ignored: {e}", path.display()),
    }
}

/// Saves where the user was looking, for the next start.
pub fn save(model: &Model, store: &JournalStore) {
    let Some(path) = super::paths::view_file(store) else { return };
    let memory = ViewMemory::of(model);
    let Ok(text) = serde_json::to_string(&memory) else { return };
    if let Some(dir) = path.parent()
        && let Err(e) = crate::io::regular_file::create_private_dir(dir)
    {
        tracing::warn!("{}: not saved: {e}", path.display());
        return;
    }
    match crate::io::regular_file::write_private(&path, text.as_bytes()) {
        Ok(()) => {
            let _ = std::fs::remove_file(old_view_path(store));
        }
        Err(e) => tracing::warn!("{}: not saved: {e}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn the_view_moves_from_beside_the_journal_to_the_state_dir_once() {
        if std::env::var_os("SHIPDECK_STATE_DIR").is_some() {
            return;
        }
        let data = tempfile::tempdir().unwrap();
        let t = testkit::release().window.unwrap().start;
        let store = JournalStore::for_push(data.path(), "AMO", t.date_naive());
        let old = old_view_path(&store);
        std::fs::create_dir_all(old.parent().unwrap()).unwrap();
        std::fs::write(&old, r#"{"zoomed":true,"service":2}"#).unwrap();

        let mut m = testkit::model(&["a", "b", "c"], t);
        restore(&mut m, &store);
        assert!(m.view.zoomed && m.view.selected == 2, "read from its old place");

        save(&m, &store);
        let new = super::super::paths::view_file(&store).unwrap();
        assert!(new.starts_with(data.path().join("state")), "{}", new.display());
        assert!(new.is_file() && !old.exists(), "saved in the state dir, the old file gone");

        let mut again = testkit::model(&["a", "b", "c"], t);
        restore(&mut again, &store);
        assert!(again.view.zoomed && again.view.selected == 2, "read from the state dir");
    }
}
