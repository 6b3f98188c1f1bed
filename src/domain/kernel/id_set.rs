//! The set of event ids already seen, for showing each event once. Loading a
//! journal puts every id in it, so it is kept lean: a 64-bit FNV-1a hash per
//! id instead of a copy of the id, in a table that uses the hash as is.
//! Two distinct ids colliding in 64 bits among a push's events (odds around
//! 1 in 10^9 for 100,000 events) would drop the later one from what is
//! folded — the log, the checklist and the headless reports; the journal file
//! itself keeps every line either way.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Clone, Default)]
pub struct IdSet(HashSet<u64, BuildHasherDefault<AsIs>>);

impl IdSet {
    /// `true` when `id` was not in the set.
    pub fn insert(&mut self, id: &str) -> bool {
        self.0.insert(fnv1a(id.as_bytes()))
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(&fnv1a(id.as_bytes()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What reading an id again found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    New,
    /// The same event again (a second cockpit's copy of an observation, a
    /// line merged twice): dropped quietly.
    Same,
    /// Another event under an id already used: dropped, and worth saying.
    Different,
}

/// Ids with a fingerprint of what they carried, to tell a repeated event
/// from a different one reusing its id.
#[derive(Debug, Clone, Default)]
pub struct IdPrints(std::collections::HashMap<u64, u64, BuildHasherDefault<AsIs>>);

impl IdPrints {
    pub fn insert(&mut self, id: &str, print: u64) -> Seen {
        match self.0.entry(fnv1a(id.as_bytes())) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(print);
                Seen::New
            }
            std::collections::hash_map::Entry::Occupied(o) if *o.get() == print => Seen::Same,
            std::collections::hash_map::Entry::Occupied(_) => Seen::Different,
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn reserve(&mut self, more: usize) {
        self.0.reserve(more);
    }
}

/// A stable 64-bit fingerprint of anything hashable: the same on every run,
/// unlike the standard library's hasher. It reads eight bytes at a step
/// (every event of a journal is fingerprinted while loading) and only has to
/// tell a repeated event from a different one, not resist an attacker: a
/// forged collision only hides a report, never an event.
pub fn fingerprint<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    let mut h = Words(0xcbf2_9ce4_8422_2325);
    value.hash(&mut h);
    h.finish()
}

struct Words(u64);

impl Words {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Words {
    fn finish(&self) -> u64 {
        // A final avalanche, so nearby inputs land far apart.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^ (x >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A hasher for keys that already are hashes.
#[derive(Debug, Default, Clone, Copy)]
pub struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed; fold anything else in rather than panic.
        for b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_ids_without_copying_them() {
        let mut s = IdSet::default();
        assert!(s.insert("alice:1:1"));
        assert!(!s.insert("alice:1:1"));
        assert!(s.insert("alice:1:2"));
        assert!(s.contains("alice:1:2") && !s.contains("bob"));
        assert_eq!(s.len(), 2);
        // The published test vector of FNV-1a 64.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let distinct: std::collections::HashSet<u64> =
            (0..100_000).map(|i| fnv1a(format!("bench:{i}").as_bytes())).collect();
        assert_eq!(distinct.len(), 100_000);
    }

    #[test]
    fn a_reused_id_is_told_from_a_repeat() {
        let mut p = IdPrints::default();
        assert_eq!(p.insert("a", fingerprint("hello")), Seen::New);
        assert_eq!(p.insert("a", fingerprint("hello")), Seen::Same);
        assert_eq!(p.insert("a", fingerprint("other")), Seen::Different);
        assert_eq!(fingerprint(&("x", 1u8)), fingerprint(&("x", 1u8)));
    }
}
