//! The network: `ls-remote`, fetch and push through the `git` command
//! (`run_git`: no prompts, its own process group, killed after the
//! timeout), so the user's credentials, ssh config and helpers apply.

use super::error::{PushFailure, ShareError, classify, classify_push};
use crate::io::git::run_git;
use std::path::Path;
use std::time::Duration;

/// A remote as given must be a URL or a path, never read as an option
/// (`--upload-pack=…` would run a command) nor carry control characters.
pub(super) fn check_remote(remote: &str) -> Result<(), ShareError> {
    if remote.trim().is_empty() || remote.starts_with('-') || remote.chars().any(char::is_control) {
        return Err(ShareError::Invalid(format!(
            "{:?} is not a remote URL or path",
            crate::io::git::shown_url(remote)
        )));
    }
    Ok(())
}

fn cache_str(cache: &Path) -> Result<&str, ShareError> {
    cache.to_str().ok_or_else(|| ShareError::Invalid(format!("the cache path {} is not UTF-8", cache.display())))
}

/// The remote's commit of `git_ref`; `None` when it has no such ref yet.
pub(super) async fn ls_remote(
    cache: &Path,
    remote: &str,
    git_ref: &str,
    timeout: Duration,
) -> Result<Option<String>, ShareError> {
    let out =
        run_git(cache_str(cache)?, &["ls-remote", remote, git_ref], timeout).await.map_err(|e| classify(remote, e))?;
    Ok(sha_of(&out, git_ref))
}

/// The sha `ls-remote` gave for exactly `git_ref`: its patterns match the
/// tail of a name, so `refs/heads/refs/shipdeck/…` would match too.
/// `run_git` joins lines with ` | ` (no ref name holds a space).
fn sha_of(out: &str, git_ref: &str) -> Option<String> {
    out.split(" | ").find_map(|line| {
        let mut words = line.split_whitespace();
        let (sha, name) = (words.next()?, words.next()?);
        let hex = (sha.len() == 40 || sha.len() == 64) && sha.bytes().all(|b| b.is_ascii_hexdigit());
        (hex && name == git_ref).then(|| sha.to_ascii_lowercase())
    })
}

/// Fetches the remote's `git_ref` into the cache's ref of the same name,
/// forced: the cache mirrors the remote, a rewrite included; the rules
/// judge it afterwards against what was seen.
pub(super) async fn fetch(cache: &Path, remote: &str, git_ref: &str, timeout: Duration) -> Result<(), ShareError> {
    let spec = format!("+{git_ref}:{git_ref}");
    run_git(cache_str(cache)?, &["fetch", "--no-tags", "--no-write-fetch-head", remote, &spec], timeout)
        .await
        .map(|_| ())
        .map_err(|e| classify(remote, e))
}

/// Pushes `sha` to `git_ref`, never forced: a remote that moved meanwhile
/// refuses, and the round merges again.
pub(super) async fn push(
    cache: &Path,
    remote: &str,
    git_ref: &str,
    sha: &str,
    timeout: Duration,
) -> Result<(), PushFailure> {
    let spec = format!("{sha}:{git_ref}");
    let cache = cache_str(cache).map_err(PushFailure::Failed)?;
    run_git(cache, &["push", "--porcelain", "--no-verify", remote, &spec], timeout)
        .await
        .map(|_| ())
        .map_err(|e| classify_push(remote, e))
}

/// Packs the cache when loose objects pile up. Every round with new lines
/// writes the replica's whole file as a new blob, and a fetch of a few
/// objects unpacks them loose: left alone, a long push's cache holds every
/// version of every file in full (hundreds of MB by 10,000 lines), which
/// a pack of deltas keeps to a few. `gc --auto` does nothing until a few
/// hundred objects are loose, so most rounds pay one directory listing.
pub(super) async fn tidy(cache: &Path, timeout: Duration) {
    let Ok(dir) = cache_str(cache) else { return };
    let args = ["-c", "gc.auto=256", "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"];
    if let Err(e) = run_git(dir, &args, timeout).await {
        tracing::warn!("shared journal cache {}: packing it failed: {e}", cache.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_ref_is_taken_and_options_are_no_remotes() {
        let r = "refs/shipdeck/amo/2026-11-26";
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let out = format!("{a}\trefs/heads/{r} | {b}\t{r}");
        assert_eq!(sha_of(&out, r), Some(b));
        assert_eq!(sha_of("", r), None);
        assert_eq!(sha_of(&format!("{a}\trefs/heads/{r}"), r), None);
        assert_eq!(sha_of(&format!("nothex\t{r}"), r), None);
        assert!(check_remote("--upload-pack=touch x").is_err());
        assert!(check_remote("").is_err());
        assert!(check_remote("/srv/a\nb").is_err());
        assert!(check_remote("https://example.org/r.git").is_ok());
        assert!(check_remote("/srv/git/r.git").is_ok());
    }
}
