//! A system line in the log, for what an action could not do.

use crate::domain::log::LogKind;
use crate::domain::model::Model;

pub(super) fn note(model: &mut Model, text: &str) {
    let now = model.now;
    model.push_log(now, LogKind::System, text.to_string());
}
