//! Tasks that always answer. A panic in one still answers, naming `what`
//! failed, so no row stays busy and no headless command waits for an answer
//! that never comes.

use futures::FutureExt;
use std::panic::AssertUnwindSafe;

/// Blocking work (git2) off the runtime's threads.
pub async fn blocking<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    what: &str,
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(e) => Err(format!("{what}: internal error ({e})")),
    }
}

/// The same for async work.
pub async fn guarded<T, E: std::fmt::Display>(
    what: &str,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err(format!("{what}: internal error")),
    }
}
