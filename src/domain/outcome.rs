//! What a narrow handler wants done beyond its own state, as data: events
//! to save and show, log lines, a footer message, a dialog, prompt or
//! compare view to open, requests to the outside.
//! The handler sees only its feature's state; the root carries the outcome
//! out in order (`Model::carry_out`), so the journal, the log and the footer
//! have one writer.

use crate::domain::journal::EventKind;
use crate::domain::log::LogKind;
use crate::domain::msg::Effect;
use crate::domain::repos::CompareView;
use crate::domain::view::confirm::Confirm;
use crate::domain::view::prompt::Prompt;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// Save and show an event; `observed` derives its id from what was seen,
    /// so two cockpits seeing the same thing save it once.
    Record {
        kind: EventKind,
        at: DateTime<Utc>,
        observed: bool,
    },
    Log {
        at: DateTime<Utc>,
        kind: LogKind,
        text: String,
    },
    Flash {
        text: String,
        error: bool,
    },
    /// Ask before doing something deliberate.
    Confirm(Confirm),
    /// Ask for a line of text.
    Prompt(Prompt),
    /// The open prompt is answered.
    ClosePrompt,
    /// The view is one person's: the repositories' handler says what to show,
    /// the root puts it on top.
    OpenCompare(Box<CompareView>),
    Effect(Effect),
}

/// Acts in the order they were asked for: the log shows them in that order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub acts: Vec<Act>,
}

impl Outcome {
    pub fn record(&mut self, kind: EventKind, at: DateTime<Utc>, observed: bool) {
        self.acts.push(Act::Record { kind, at, observed });
    }

    pub fn log(&mut self, at: DateTime<Utc>, kind: LogKind, text: String) {
        self.acts.push(Act::Log { at, kind, text });
    }

    pub fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.acts.push(Act::Flash { text: text.into(), error });
    }

    pub fn confirm(&mut self, dialog: Confirm) {
        self.acts.push(Act::Confirm(dialog));
    }

    pub fn effect(&mut self, effect: Effect) {
        self.acts.push(Act::Effect(effect));
    }

    pub fn effects(&mut self, effects: impl IntoIterator<Item = Effect>) {
        self.acts.extend(effects.into_iter().map(Act::Effect));
    }
}

impl From<Act> for Outcome {
    fn from(act: Act) -> Self {
        Outcome { acts: vec![act] }
    }
}
