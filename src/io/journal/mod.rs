//! The journal on disk: one JSON event per line.
//!
//! Appending takes a short advisory lock, makes sure the line starts on a
//! fresh line (a fragment torn by a crash is terminated first, so it stays one
//! reported bad line and the new event is whole), writes the line in one
//! `write`, then fsyncs: an acknowledged event is on disk. A failed write is
//! truncated away, leaving the file exactly as it was. An append never reads
//! more than the file's last byte.
//!
//! Loading streams the file line by line, keeps every whole line of a file
//! whose last line was torn, and says what it skipped; it never truncates or
//! rewrites the file. Every line is untrusted (other processes and, once
//! shared, other machines write it): each field is cleaned as it is read.
//! Several processes (cockpits, `shipdeck tick`, `shipdeck log`) append to one
//! file; each follows it by reading on from where it stopped.
//!
//! `store` appends, loads and follows; `lines` is the chunked reader it
//! loads with; `clean` cleans each event read; `writer` is the one task that
//! appends the cockpit's events, in order.

mod clean;
pub mod history;
mod lines;
mod store;
pub mod writer;

pub use clean::clean_event;
pub use lines::MAX_LINE;
pub use store::{Cursor, JournalError, JournalStore, Loaded};

#[cfg(test)]
mod testing;
