//! A one-line answer to the last key, shown in the footer until it expires.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub until: DateTime<Utc>,
    pub error: bool,
}
