//! What flows through `update`: [`Msg`] in (input, the clock, answers from
//! the outside world), [`Effect`] out (requests for it). Only types: each
//! feature's answers and requests are its own enum (`<feature>/msg.rs`),
//! wrapped here, so the root routes a whole feature with one arm.

use crate::action::Action;
use crate::domain::deploy::msg::{DeployEffect, DeployMsg};
use crate::domain::journal::Event;
use crate::domain::journal::msg::JournalMsg;
use crate::domain::kernel::input::Edit;
use crate::domain::notes::msg::{NotesEffect, NotesMsg};
use crate::domain::repos::msg::{ReposEffect, ReposMsg};
use crate::domain::rollout::msg::{RolloutEffect, RolloutMsg};
use crate::domain::sentry::msg::{SentryEffect, SentryMsg};
use crate::domain::share::msg::ShareMsg;
use crate::domain::smoke::msg::{SmokeEffect, SmokeMsg};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Action(Action),
    /// The clock; carries the time so `update` never reads it.
    Tick(DateTime<Utc>),
    /// The terminal changed size: nothing to update, but redraw.
    Resize,
    /// A key typed into an open prompt.
    Edit(Edit),
    /// Text pasted into an open prompt.
    Paste(String),
    /// A click or the wheel, on what was drawn under the pointer.
    Pointer(crate::domain::view::pointer::Pointer),
    /// A line sent from the composer (already cleaned where it was typed).
    Compose(String),
    /// The composer took or gave up the keyboard.
    Composing(bool),
    /// The webhook gave up on a milestone.
    NotifyFailed {
        error: String,
        at: DateTime<Utc>,
    },
    /// A link could not be opened: said where the user looks.
    OpenFailed {
        error: String,
        at: DateTime<Utc>,
    },
    /// Something the io layer wants the user to know (shown in the log).
    Notice {
        text: String,
        at: DateTime<Utc>,
    },
    Rollout(RolloutMsg),
    Repos(ReposMsg),
    Sentry(SentryMsg),
    Notes(NotesMsg),
    Journal(JournalMsg),
    Share(ShareMsg),
    Deploy(DeployMsg),
    Smoke(SmokeMsg),
}

impl Msg {
    /// Whether it answers an [`Effect`] (see [`Effect::answers`]): a
    /// headless command waits for exactly that many. Exhaustive, so a new
    /// message is classed when it is added, never left to hang a command.
    pub fn is_answer(&self) -> bool {
        match self {
            Msg::Rollout(m) => m.is_answer(),
            Msg::Repos(m) => m.is_answer(),
            Msg::Sentry(m) => m.is_answer(),
            Msg::Notes(m) => m.is_answer(),
            Msg::Journal(m) => m.is_answer(),
            Msg::Share(m) => m.is_answer(),
            Msg::Deploy(m) => m.is_answer(),
            Msg::Smoke(m) => m.is_answer(),
            Msg::Action(_)
            | Msg::Tick(_)
            | Msg::Resize
            | Msg::Edit(_)
            | Msg::Paste(_)
            | Msg::Pointer(_)
            | Msg::Compose(_)
            | Msg::Composing(_)
            | Msg::NotifyFailed { .. }
            | Msg::OpenFailed { .. }
            | Msg::Notice { .. } => false,
        }
    }
}

/// A request to the outside world, carried out by the io layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Rollout(RolloutEffect),
    Repos(ReposEffect),
    Sentry(SentryEffect),
    Notes(NotesEffect),
    Deploy(DeployEffect),
    Smoke(SmokeEffect),
    /// Post a milestone to the webhook; `key` names it for the whole team
    /// (in a shared push, one cockpit posts each key).
    Notify {
        key: String,
        text: String,
    },
    /// Save an event to the journal.
    Append(Event),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    OpenUrl(String),
    /// The demo's story stands still (`true`) or goes on.
    PauseStory(bool),
}

impl Effect {
    /// How many answering messages ([`Msg::is_answer`]) carrying it out
    /// brings.
    pub fn answers(&self) -> usize {
        match self {
            Effect::Rollout(e) => e.answers(),
            Effect::Repos(e) => e.answers(),
            Effect::Sentry(e) => e.answers(),
            Effect::Notes(e) => e.answers(),
            Effect::Deploy(e) => e.answers(),
            Effect::Smoke(e) => e.answers(),
            Effect::Append(_) => 1,
            // A failed webhook says so in the cockpit; a command does not wait.
            Effect::Notify { .. } => 0,
            Effect::OpenUrl(_) | Effect::Copy(_) | Effect::PauseStory(_) => 0,
        }
    }
}
