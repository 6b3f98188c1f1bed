//! The IO wiring the cockpit and the headless commands share, so that a
//! command run from a script does what the cockpit does: the same `Io` (HTTP
//! client, git timeout, Sentry client) and the same identity in the ids of
//! the events it makes.

use crate::config::Config;
use crate::domain::journal::{Event, EventKind, seen_clock};
use crate::domain::{Effect, Model, Msg};
use crate::io::Io;
use crate::io::http::ClientError;
use crate::io::journal::{JournalError, JournalStore};
use crate::io::notify::{Notifier, NotifyError};
use crate::io::sentry::SentryClient;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// The `Io` both front ends drive, and warnings (a token file others can
/// read) for the caller to show where it shows things: the cockpit's log, a
/// command's stderr.
pub fn io(config: &Config, tx: UnboundedSender<Msg>) -> Result<(Io, Vec<String>), ClientError> {
    let mut io = Io::new(&config.poll, tx)?.with_git_timeout(config.git.timeout).with_risk(config.risk.clone());
    let mut warnings = Vec::new();
    if let Some((client, said)) = sentry_client(config) {
        io = io.with_sentry(client);
        warnings = said;
    }
    Ok((io, warnings))
}

/// The Sentry client for `[sentry]`, with the token read from its source.
/// Without a token the client still exists and every fetch says why.
pub fn sentry_client(config: &Config) -> Option<(SentryClient, Vec<String>)> {
    let s = config.sentry.as_ref()?;
    let (token, warnings) = super::sentry_token::read(&s.token, config);
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Sentry's stats endpoints can take a few seconds; the fleet's short
    // poll timeout would cut them off.
    let http = reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .redirect(crate::io::http::redirect_policy())
        .build()
        .ok()?;
    let spec = &s.spec;
    // The client keeps the reason as the text each fetch will show.
    let token = token.map_err(|e| e.to_string());
    Some((SentryClient::new(http, &spec.url, &spec.org, spec.environment.clone(), token), warnings))
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("webhook: ${var} is not set; milestones are not posted")]
    Unset { var: String },
    #[error(transparent)]
    Client(#[from] NotifyError),
}

/// The webhook milestones are posted to, when `[notify]` names one. The
/// cockpit's alone: the headless commands post no milestones.
pub fn notifier(config: &Config) -> Result<Option<Notifier>, WebhookError> {
    let Some(var) = &config.webhook_url_env else { return Ok(None) };
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Ok(Some(Notifier::new(url.trim().to_string())?)),
        _ => Err(WebhookError::Unset { var: var.clone() }),
    }
}

/// Who this run is, in the ids of the events it makes: the data dir's
/// replica id and a fresh id for this process. The cockpit (when it opens
/// its journal) and every command that appends take it from here, so their
/// ids have one form and one data dir has one replica.
pub fn identify(model: &mut Model, store: &JournalStore) {
    model.journal.replica = store.replica();
    model.journal.process = crate::io::replica::process_id();
}

/// Records `kind` as the model's actor, now, exactly as the cockpit records
/// (this identity, the clock following what was read by the cockpit's rule,
/// `Model::record`), and appends it. Only the journal's last lines are read:
/// an append from a script must not load a long journal.
pub fn record(model: &mut Model, store: &JournalStore, kind: EventKind) -> Result<Event, JournalError> {
    if model.journal.replica.is_empty() {
        identify(model, store);
    }
    for e in store.last_events()? {
        model.journal.clock = seen_clock(model.journal.clock, &e, model.now);
    }
    let event = match model.record(kind, chrono::Utc::now(), false) {
        Effect::Append(event) => event,
        other => unreachable!("Model::record answers with an append, not {other:?}"),
    };
    store.append(&event)?;
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "sntrys_x\n").unwrap();
        let src = format!(
            "[release]\nname = \"A\"\npush_day = \"thursday\"\n[sentry]\norg = \"o\"\nprojects = [\"p\"]\ntoken_file = \"{}\"\n",
            token.display()
        );
        let config = Config::parse(&src, "t.toml").unwrap();
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (_, warnings) = sentry_client(&config).unwrap();
        assert!(warnings.len() == 1 && warnings[0].contains("can be read by others (mode 644)"), "{warnings:?}");
        assert!(!warnings[0].contains("sntrys_x"), "the token is not in the warning");
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(sentry_client(&config).unwrap().1.is_empty());
    }
}
