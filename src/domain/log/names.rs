//! What a log line needs to know that its event alone does not say: the
//! checklist item's title behind an id, a blocker's number. The model
//! knows them; a reader with only the journal gets the ids.

use crate::domain::journal::Event;

pub trait Names {
    /// The title of the checklist item with this id.
    fn item(&self, id: &str) -> Option<&str>;
    /// The number `/unblock` takes for the blocker this event raised.
    fn blocker(&self, event: &Event) -> Option<usize>;
    /// What the blocker with this number said.
    fn blocker_text(&self, number: usize) -> Option<&str>;
}

/// Knows nothing: lines name items by id and blockers without a number.
pub struct NoNames;

impl Names for NoNames {
    fn item(&self, _: &str) -> Option<&str> {
        None
    }
    fn blocker(&self, _: &Event) -> Option<usize> {
        None
    }
    fn blocker_text(&self, _: usize) -> Option<&str> {
        None
    }
}
