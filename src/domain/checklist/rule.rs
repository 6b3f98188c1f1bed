//! The auto rules an item can name (`auto = "…"`): what each looks at, and
//! its name in the config and the journal.

/// What an auto item looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoRule {
    /// Every repository with a security fork has it in sync with the branch.
    SecurityInSync,
    /// Every repository has this push's tag on its branch head.
    TagsExist,
    /// Every service in the environment runs the target.
    OnTarget(String),
    /// The push started (or, before it starts, now is) inside the window.
    InWindow,
    /// Push started and finished are both recorded.
    PushDuration,
    /// No Sentry project spiked, and all stayed calm for 15 minutes after
    /// prod reached the target.
    SentryCalm,
    /// Every smoke check of every service in the environment passed on the
    /// version it runs.
    SmokePass(String),
    /// Not judged: the item is shown only while the push has commits
    /// touching `[risk] paths`, with those commits as its evidence, and a
    /// person ticks it.
    RiskReviewed,
}

impl AutoRule {
    pub const NAMES: &'static str = "security_in_sync, tags_exist, on_target:ENV, in_window, push_duration, sentry_calm, smoke_pass:ENV, risk_reviewed";

    pub fn parse(s: &str) -> Result<AutoRule, UnknownAutoRule> {
        match s.trim() {
            "security_in_sync" => Ok(AutoRule::SecurityInSync),
            "tags_exist" => Ok(AutoRule::TagsExist),
            "in_window" => Ok(AutoRule::InWindow),
            "push_duration" => Ok(AutoRule::PushDuration),
            "sentry_calm" => Ok(AutoRule::SentryCalm),
            "risk_reviewed" => Ok(AutoRule::RiskReviewed),
            other => match (other.strip_prefix("on_target:"), other.strip_prefix("smoke_pass:")) {
                (Some(env), _) if !env.trim().is_empty() => Ok(AutoRule::OnTarget(env.trim().to_string())),
                (_, Some(env)) if !env.trim().is_empty() => Ok(AutoRule::SmokePass(env.trim().to_string())),
                _ => Err(UnknownAutoRule(other.to_string())),
            },
        }
    }

    pub fn name(&self) -> String {
        match self {
            AutoRule::SecurityInSync => "security_in_sync".into(),
            AutoRule::TagsExist => "tags_exist".into(),
            AutoRule::OnTarget(env) => format!("on_target:{env}"),
            AutoRule::InWindow => "in_window".into(),
            AutoRule::PushDuration => "push_duration".into(),
            AutoRule::SentryCalm => "sentry_calm".into(),
            AutoRule::SmokePass(env) => format!("smoke_pass:{env}"),
            AutoRule::RiskReviewed => "risk_reviewed".into(),
        }
    }
}

/// An `auto` value that names no rule; `0` is the value as read (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an auto rule (one of {names})", names = AutoRule::NAMES)]
pub struct UnknownAutoRule(pub String);
