//! The git command runner: no prompts, its own process group, killed whole
//! after a timeout; what git said, cleaned; remote URLs as shown.

use super::error::CommandError;
use crate::domain::repos::RepoSpec;
use crate::io::sanitize::{clean, clean_max};
use git2::Repository;
use std::process::Stdio;
use std::time::Duration;

/// How long a network git command may take when the config does not say
/// (`[git] timeout`): long enough for a slow fetch, short enough that a
/// person would rather be told than keep waiting.
pub const NETWORK_TIMEOUT: Duration = crate::config::GitConfig::DEFAULT_TIMEOUT;

/// Runs `git -C path args…` with no terminal, no stdin and no prompts.
/// Output is cleaned for display.
pub async fn run_git(path: &str, args: &[&str], timeout: Duration) -> Result<String, CommandError> {
    let out = spawn_git(path, args, timeout, None).await?;
    said(args, &out)
}

/// Who a command talks to, named when it does not answer.
struct Peer<'a> {
    path: &'a str,
    remote: &'a str,
    push: bool,
}

/// Runs git with the safeguards every network command needs: nothing can
/// prompt, and after `timeout` the whole process group is killed (git's
/// transport helpers too, which would otherwise stay behind with the
/// connection open) and git is reaped.
async fn spawn_git(
    path: &str,
    args: &[&str],
    timeout: Duration,
    peer: Option<Peer<'_>>,
) -> Result<std::process::Output, CommandError> {
    use tokio::io::AsyncReadExt;
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("-C").arg(path).args(args);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.process_group(0);
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("GCM_INTERACTIVE", "never").env("LC_ALL", "C");
    if std::env::var_os("GIT_SSH_COMMAND").is_none() && std::env::var_os("GIT_SSH").is_none() {
        cmd.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=15 -o ServerAliveInterval=5");
    }
    // Should shipdeck itself be killed before its timeout, a stalled HTTP
    // helper still gives up on its own instead of holding the connection.
    if std::env::var_os("GIT_HTTP_LOW_SPEED_LIMIT").is_none() && std::env::var_os("GIT_HTTP_LOW_SPEED_TIME").is_none() {
        // Well after ours, so it never pre-empts the timeout that names the remote.
        let secs = timeout.as_secs().saturating_mul(2).saturating_add(10).to_string();
        cmd.env("GIT_HTTP_LOW_SPEED_LIMIT", "1").env("GIT_HTTP_LOW_SPEED_TIME", secs);
    }
    // A GUI askpass would wait for a human; a failure is better.
    cmd.env_remove("SSH_ASKPASS").env_remove("GIT_ASKPASS").env("SSH_ASKPASS_REQUIRE", "never");
    let command = describe(args);
    let mut child =
        cmd.spawn().map_err(|e| CommandError::NotRun { command: command.clone(), reason: e.to_string() })?;
    let Some(pgid) = child.id() else { return Err(CommandError::Unwatched { command }) };
    // Declared after `child`, so it is dropped first: a cancelled call
    // stops the group while git's pid still cannot be reused. Not
    // `kill_on_drop`: a SIGKILLed git leaves its lock files behind (in the
    // cache, or on a remote reached by path), and each refuses the next
    // fetch or push; the guard's TERM lets git remove them.
    let mut group = GroupGuard(Some(pgid));
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(CommandError::NoPipes { command });
    };
    let finished = tokio::time::timeout(timeout, async {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (o, e, status) = tokio::join!(stdout.read_to_end(&mut out), stderr.read_to_end(&mut err), child.wait());
        o?;
        e?;
        Ok::<_, std::io::Error>(std::process::Output { status: status?, stdout: out, stderr: err })
    })
    .await;
    match finished {
        Ok(Ok(out)) => {
            group.0 = None;
            Ok(out)
        }
        Ok(Err(e)) => {
            stop(&mut child, &mut group).await;
            Err(CommandError::Read { command, reason: e.to_string() })
        }
        Err(_) => {
            stop(&mut child, &mut group).await;
            let waited = crate::config::format_duration(timeout);
            Err(match peer {
                Some(p) => {
                    let url = peer_url(p.path, p.remote, p.push).await;
                    let remote = if url == clean(p.remote) { url } else { format!("{} ({url})", clean(p.remote)) };
                    CommandError::RemoteSilent { command, remote, waited }
                }
                None => CommandError::Silent { command, waited },
            })
        }
    }
}

/// Stops git's process group — TERM, so git removes its lock files, and
/// KILL for whatever is left after the grace — then reaps git.
async fn stop(child: &mut tokio::process::Child, group: &mut GroupGuard) {
    if let Some(pgid) = group.0 {
        // kill(1) returns at once; off the async threads all the same.
        let _ = tokio::task::spawn_blocking(move || crate::io::kill::send("TERM", &format!("-{pgid}"))).await;
        let _ = tokio::time::timeout(crate::io::kill::GRACE, child.wait()).await;
        let _ = tokio::task::spawn_blocking(move || crate::io::kill::group(pgid)).await;
    }
    // Should the group kill have failed, git itself at least goes.
    let _ = child.start_kill();
    let _ = child.wait().await;
    group.0 = None;
}

/// Stops the group when a call is dropped before git was reaped: TERM at
/// once, KILL after the grace.
struct GroupGuard(Option<u32>);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            crate::io::kill::group_gently(pgid);
        }
    }
}

/// `git <args>` for messages: no userinfo from a URL given as a remote.
fn describe(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| shown_url(a)).collect();
    clean_max(&format!("git {}", args.join(" ")), 300)
}

/// A remote's URL as shown: without userinfo (a token is often there), clean.
pub fn shown_url(raw: &str) -> String {
    let s = raw.trim();
    if let Ok(url) = url::Url::parse(s)
        && url.has_host()
    {
        if !url.username().is_empty() || url.password().is_some() {
            return clean(crate::domain::kernel::redact::without_userinfo(&url).as_str());
        }
        return clean(s);
    }
    // scp-like `user@host:path`.
    if !s.contains("://")
        && let Some((user_host, path)) = s.split_once(':')
        && !user_host.contains('/')
        && let Some((_, host)) = user_host.rsplit_once('@')
    {
        return clean(&format!("{host}:{path}"));
    }
    clean(s)
}

/// Where `remote` points, for a message; the name itself when it is a URL
/// or the repository cannot say.
async fn peer_url(path: &str, remote: &str, push: bool) -> String {
    let (path, name) = (path.to_string(), remote.to_string());
    let url = tokio::task::spawn_blocking(move || {
        let repo = Repository::open(&path).ok()?;
        let r = repo.find_remote(&name).ok()?;
        let bytes = if push { r.pushurl_bytes().unwrap_or(r.url_bytes()) } else { r.url_bytes() };
        Some(String::from_utf8_lossy(bytes).into_owned())
    })
    .await
    .ok()
    .flatten();
    shown_url(url.as_deref().unwrap_or(remote))
}

/// What a finished git command said: stdout (else stderr) when it worked,
/// both when it did not, cleaned.
pub(super) fn said(args: &[&str], out: &std::process::Output) -> Result<String, CommandError> {
    let stdout = clean_lines(&String::from_utf8_lossy(&out.stdout));
    let stderr = clean_lines(&String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(if stdout.is_empty() { stderr } else { stdout })
    } else {
        // `push --porcelain` says why a ref was rejected on stdout.
        let said: Vec<String> = [stderr, stdout].into_iter().filter(|s| !s.is_empty()).collect();
        let msg = if said.is_empty() { format!("exit status {}", out.status) } else { said.join(" | ") };
        Err(CommandError::Failed { command: describe(args), said: msg })
    }
}

/// Lines joined with ` | `, each cleaned; a long answer (a first fetch of
/// thousands of tags) is cut, saying how much was left out.
fn clean_lines(s: &str) -> String {
    const MAX_LINES: usize = 20;
    // git quotes remote URLs in its messages, userinfo and all.
    let lines: Vec<String> =
        s.lines().map(|l| clean_max(&crate::domain::kernel::redact::url(l), 300)).filter(|l| !l.is_empty()).collect();
    if lines.len() <= MAX_LINES {
        return lines.join(" | ");
    }
    let more = lines.len() - MAX_LINES;
    format!("{} | … {more} more lines", lines[..MAX_LINES].join(" | "))
}

/// Runs a command that talks to `remote`.
pub(super) async fn run_remote(
    spec: &RepoSpec,
    remote: &str,
    args: &[&str],
    timeout: Duration,
    push: bool,
) -> Result<std::process::Output, CommandError> {
    spawn_git(&spec.path, args, timeout, Some(Peer { path: &spec.path, remote, push })).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_userinfo() {
        assert_eq!(shown_url("https://x-token:ghp_abc@github.com/o/r.git"), "https://github.com/o/r.git");
        assert_eq!(shown_url("http://ghp_abc@127.0.0.1:9/r"), "http://127.0.0.1:9/r");
        assert_eq!(shown_url("git@github.com:o/r.git"), "github.com:o/r.git");
        assert_eq!(shown_url("https://github.com/o/r.git"), "https://github.com/o/r.git");
        assert_eq!(shown_url("/srv/git/r.git"), "/srv/git/r.git");
        assert_eq!(shown_url("origin"), "origin");
        assert_eq!(
            describe(&["fetch", "https://u:p@h/r", "refs/tags/a:refs/tags/a"]),
            "git fetch https://h/r refs/tags/a:refs/tags/a"
        );
    }
}
