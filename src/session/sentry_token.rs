//! The Sentry token, from the environment or a file, and a warning when the
//! file can be read by others. The token itself is never in a message.

use crate::config::Config;
use crate::config::sentry::TokenSource;
use crate::io::sentry::Secret;
use std::path::PathBuf;

/// Why there is no token. Each fetch says it, so the user learns where the
/// token was looked for.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("${var} is not set (the [sentry] token_env of {config})")]
    EnvUnset { var: String, config: String },
    #[error("the token file {} is empty", path.display())]
    EmptyFile { path: PathBuf },
    #[error("cannot read the token file {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
}

/// The token from `source` (named in errors by the config it came from), and
/// warnings for the log.
pub fn read(source: &TokenSource, config: &Config) -> (Result<Secret, TokenError>, Vec<String>) {
    let mut warnings = Vec::new();
    let token = match source {
        TokenSource::Env(var) => match std::env::var(var) {
            Ok(t) if !t.trim().is_empty() => Ok(Secret::new(t.trim().to_string())),
            _ => Err(TokenError::EnvUnset { var: var.clone(), config: config.source.clone() }),
        },
        TokenSource::File(path) => {
            if let Some(w) = readable_by_others(path) {
                warnings.push(w);
            }
            match crate::io::regular_file::read_to_string(path, super::MAX_SMALL_FILE) {
                Ok(t) if !t.trim().is_empty() => Ok(Secret::new(t.trim().to_string())),
                Ok(_) => Err(TokenError::EmptyFile { path: path.clone() }),
                Err(source) => Err(TokenError::Unreadable { path: path.clone(), source }),
            }
        }
    };
    (token, warnings)
}

/// A secret others can read is still used (refusing would stop the push),
/// but the user is told how to fix it.
fn readable_by_others(path: &std::path::Path) -> Option<String> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            let shown = path.display();
            return Some(format!("Sentry token file {shown} can be read by others (mode {mode:o}): chmod 600 {shown}"));
        }
    }
    None
}
