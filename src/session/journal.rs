//! The session's journal loaded into the starting model, and what following
//! it needs afterwards.

use crate::domain::kernel::id_set::IdPrints;
use crate::domain::{LogKind, Model};
use crate::io::journal::{Cursor, JournalError, JournalStore};

/// The journal being followed: where, how far it was read, what was seen.
pub struct Follow {
    pub store: JournalStore,
    pub cursor: Cursor,
    pub seen: IdPrints,
}

/// Loads the session's journal into the model, and who this run is for the
/// ids it mints. A journal written by a newer shipdeck stops here (nothing is
/// overwritten); one that cannot be read leaves the session running, not
/// saved, and says so.
pub fn open(model: &mut Model, store: JournalStore) -> Result<Follow, JournalError> {
    super::wiring::identify(model, &store);
    let mut seen = IdPrints::default();
    match store.read_from(Cursor::default(), &mut seen) {
        Ok(loaded) => {
            model.apply_events(&loaded.events);
            super::view_memory::restore(model, &store);
            let now = model.now;
            for d in loaded.damage {
                model.push_log(now, LogKind::Error, d);
            }
            Ok(Follow { store, cursor: loaded.cursor, seen })
        }
        Err(e @ JournalError::FutureVersion { .. }) => Err(e),
        Err(e) => {
            let now = model.now;
            model.push_log(now, LogKind::Error, format!("{e}; this session is not being saved"));
            model.journal.read_only = Some(e.to_string());
            Ok(Follow { store, cursor: Cursor::default(), seen })
        }
    }
}
