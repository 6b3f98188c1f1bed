//! What a config that loads can still get wrong, found by looking at what it
//! names: repository paths, the Sentry token, the theme. Each problem is
//! placed at the key that named the thing.

use crate::cli::Global;
use crate::config::sentry::TokenSource;
use crate::config::{Config, Problem};
use crate::session;
use crate::session::sentry_token::TokenError;
use std::path::Path;

pub struct Findings {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

pub fn of(config: &Config, global: &Global) -> Findings {
    let mut f = Findings { errors: Vec::new(), warnings: Vec::new() };
    let at = |key: &str, message: String| {
        let place = config.places.get(key);
        Problem {
            file: config.source.clone(),
            line: place.map(|p| p.0),
            column: place.map(|p| p.1),
            key: Some(key.to_string()),
            message,
        }
    };
    for r in &config.repos {
        if let Some(why) = not_a_repository(Path::new(&r.path)) {
            f.errors.push(at(&format!("repos.{}.path", r.name), why));
        }
    }
    if let Some(s) = &config.sentry {
        let (token, said) = session::sentry_token::read(&s.token, config);
        let key = match &s.token {
            TokenSource::Env(_) if config.places.get("sentry.token_env").is_some() => "sentry.token_env",
            TokenSource::File(_) => "sentry.token_file",
            TokenSource::Env(_) => "sentry",
        };
        if let Err(e) = token {
            f.errors.push(at(key, token_problem(&e)));
        }
        f.warnings.extend(said.into_iter().map(|w| at(key, w)));
    }
    match global.theme.as_deref() {
        Some(flag) => f.errors.extend(session::theme_check::problems(flag)),
        None => {
            if let Some(name) = &config.theme {
                for mut p in session::theme_check::problems(name) {
                    // A built-in name that is not one: the config's key is the place.
                    if p.line.is_none() {
                        p = Problem { message: p.message, ..at("ui.theme", String::new()) };
                    }
                    f.errors.push(p);
                }
            }
        }
    }
    let no_heartbeat: Vec<&str> = config
        .services
        .iter()
        .filter(|s| s.envs.iter().any(|(_, e)| e.heartbeat_url.is_none()))
        .map(|s| s.name.as_str())
        .collect();
    if !no_heartbeat.is_empty() {
        f.warnings.push(Problem::whole(
            &config.source,
            format!(
                "no heartbeat URL for {} (the version URL is not …/__version__ and [services.heartbeat] is not set)",
                no_heartbeat.join(", ")
            ),
        ));
    }
    f
}

/// Why `path` cannot be scanned, or `None` when it is a git repository.
fn not_a_repository(path: &Path) -> Option<String> {
    let shown = path.display();
    if !path.exists() {
        return Some(format!("{shown} does not exist"));
    }
    if !path.is_dir() {
        return Some(format!("{shown} is not a directory"));
    }
    // The scan's own rule, so what check passes the cockpit can scan.
    crate::io::git::unscannable(&path.to_string_lossy())
}

/// Where the token was looked for and what was found there; never the token.
fn token_problem(e: &TokenError) -> String {
    match e {
        TokenError::EnvUnset { var, .. } => format!(
            "the Sentry token is read from ${var}, which is not set here (set it, or name another variable with token_env or a file with token_file)"
        ),
        TokenError::EmptyFile { path } => format!("the Sentry token file {} is empty", path.display()),
        TokenError::Unreadable { path, source } => {
            format!("the Sentry token is read from {}, which cannot be read: {source}", path.display())
        }
    }
}
