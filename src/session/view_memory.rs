//! Where the user was looking (focus, selections), kept beside the journal
//! between runs. Best effort both ways: the journal has everything that
//! matters.

use crate::domain::Model;
use crate::domain::view::memory::ViewMemory;
use crate::io::journal::JournalStore;
use std::path::PathBuf;

fn view_path(store: &JournalStore) -> PathBuf {
    store.path().with_extension("view.json")
}

/// Puts back where the user was looking; a missing or unreadable file just
/// means the default view.
pub fn restore(model: &mut Model, store: &JournalStore) {
    let Ok(text) = crate::io::regular_file::read_to_string(&view_path(store), super::MAX_SMALL_FILE) else { return };
    match serde_json::from_str::<ViewMemory>(&text) {
        Ok(v) => v.restore(model),
        Err(e) => tracing::warn!("{}: ignored: {e}", view_path(store).display()),
    }
}

/// Saves where the user was looking, for the next start.
pub fn save(model: &Model, store: &JournalStore) {
    let memory = ViewMemory::of(model);
    let Ok(text) = serde_json::to_string(&memory) else { return };
    if let Err(e) = crate::io::regular_file::write_private(&view_path(store), text.as_bytes()) {
        tracing::warn!("{}: not saved: {e}", view_path(store).display());
    }
}
