use chrono::{DateTime, Utc};

/// Data fetched from outside, with when it was fetched. A failure is a value
/// shown where the data would be, never a crash and never only a log line.
#[derive(Debug, Clone, PartialEq)]
pub enum Remote<T, E = String> {
    Idle,
    Loading,
    Ready { value: T, at: DateTime<Utc> },
    Failed { error: E, at: DateTime<Utc> },
}

impl<T, E> Remote<T, E> {
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Remote::Ready { at, .. } | Remote::Failed { at, .. } => Some(*at),
            Remote::Idle | Remote::Loading => None,
        }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Remote::Ready { value, .. } => Some(value),
            _ => None,
        }
    }
}
