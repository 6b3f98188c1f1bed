//! The one order every fold uses (log, checklist, notes, blockers), in every
//! cockpit and command: by clock, then replica, then id. Total, because ids
//! are unique; the same on every machine, because it only reads the event.
//! A leaf: the log lines and the journal's events both carry it.

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Order {
    pub clock: u64,
    pub replica: String,
    pub id: String,
}

impl Order {
    /// This key against another's parts, without building that key.
    pub fn cmp_parts(&self, clock: u64, replica: &str, id: &str) -> std::cmp::Ordering {
        (self.clock, self.replica.as_str(), self.id.as_str()).cmp(&(clock, replica, id))
    }

    /// Becomes the key of these parts, reusing its buffers.
    pub fn set_parts(&mut self, clock: u64, replica: &str, id: &str) {
        self.clock = clock;
        replica.clone_into(&mut self.replica);
        id.clone_into(&mut self.id);
    }
}
