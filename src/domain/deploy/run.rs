//! The run this cockpit carries out: a plan's steps one after another, the
//! one in flight, the hook's output as it comes, and how each step ended.

use super::msg::HookResult;
use super::plan::Plan;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// Output lines kept per run: a chatty deploy script is not kept whole.
pub const OUTPUT_CAP: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// What the hook wrote.
    Output,
    /// What shipdeck says between them (a step starting, its result).
    Said,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub at: DateTime<Utc>,
    pub kind: LineKind,
    pub text: String,
}

/// The step in flight: its `deploy_started` id names the hook's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub deploy: String,
    pub service: String,
    pub tag: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub plan: Plan,
    /// The index of the next step to start.
    pub next: usize,
    pub current: Option<Current>,
    pub output: VecDeque<OutputLine>,
    /// Each finished step: service, tag, how the hook answered.
    pub results: Vec<(String, String, HookResult)>,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
}

impl Run {
    pub fn new(plan: Plan, now: DateTime<Utc>) -> Self {
        Run { plan, next: 0, current: None, output: VecDeque::new(), results: Vec::new(), started: now, ended: None }
    }

    pub fn running(&self) -> bool {
        self.ended.is_none()
    }

    pub fn say(&mut self, at: DateTime<Utc>, kind: LineKind, text: String) {
        if self.output.len() >= OUTPUT_CAP {
            self.output.pop_front();
        }
        self.output.push_back(OutputLine { at, kind, text });
    }

    /// Whether every step that ran went well.
    pub fn ok(&self) -> bool {
        self.results.iter().all(|(_, _, r)| r.ok) && self.results.len() == self.plan.steps.len()
    }

    /// "deploying web 2026.12.01 to prod (2 of 3)", for the header and refusals.
    pub fn summary(&self) -> String {
        let verb = if self.plan.rollback { "rolling back" } else { "deploying" };
        let n = self.plan.steps.len();
        match &self.current {
            Some(c) if n > 1 => {
                format!("{verb} {} to {} on {} ({} of {n})", c.service, c.tag, self.plan.env, self.next)
            }
            Some(c) => format!("{verb} {} to {} on {}", c.service, c.tag, self.plan.env),
            None => format!("{verb} on {}", self.plan.env),
        }
    }
}
