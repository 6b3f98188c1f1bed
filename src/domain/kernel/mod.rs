//! What every feature shares and that knows no feature: who acts, data
//! fetched from outside, durations as people read them, event order and ids,
//! credential scrubbing, a line of text being typed. Imports nothing else
//! of the domain.

pub mod actor;
pub mod duration;
pub mod id_set;
pub mod input;
pub mod order;
pub mod redact;
pub mod remote;
