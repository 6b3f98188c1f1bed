//! What the user's terminal and desktop do for us: put text on the
//! clipboard (OSC 52, which also works over ssh) and open a URL in the
//! browser (`$BROWSER`, else xdg-open or open).

use crate::domain::Msg;
use chrono::Utc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no browser opener: set $BROWSER (tried {tried})")]
    NoOpener { tried: String },
    #[error("{opener}: {source}")]
    Start { opener: String, source: std::io::Error },
    #[error("{opener} exited with {status}")]
    Failed { opener: String, status: std::process::ExitStatus },
    #[error("{0}")]
    Refused(&'static str),
}

/// How long an opener may take to say it failed. One still running after
/// that is a browser that stays in the foreground: it has opened the page,
/// and is reaped whenever it ends.
const OPEN_WAIT: Duration = Duration::from_secs(5);

/// OSC 52: the terminal puts the text on the clipboard. Written to standard
/// output in line, so only the loop that draws there may call it: from
/// anywhere else it could land in the middle of a frame.
pub fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()));
    let _ = out.flush();
}

/// Opens `url` in a task with the user's browser; only a failure is said,
/// as [`Msg::OpenFailed`]. `$BROWSER` is read here, when a link is opened,
/// as every program honouring it does.
pub fn spawn_open_url(tx: &UnboundedSender<Msg>, url: String) {
    let tx = tx.clone();
    let browser = std::env::var("BROWSER").ok();
    tokio::spawn(async move {
        if let Err(e) = open_url(&url, &openers(browser.as_deref(), cfg!(target_os = "macos"))).await {
            let error = format!("cannot open {}: {e}", crate::domain::kernel::redact::url(&url));
            let _ = tx.send(Msg::OpenFailed { error, at: Utc::now() });
        }
    });
}

/// The commands to try, each as words with `%s` where the URL goes:
/// `$BROWSER`'s colon-separated list when it is set, else the desktop's
/// opener.
pub fn openers(browser: Option<&str>, macos: bool) -> Vec<Vec<String>> {
    let listed: Vec<Vec<String>> = browser
        .unwrap_or("")
        .split(':')
        .map(|c| c.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|words| !words.is_empty())
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    vec![vec![if macos { "open" } else { "xdg-open" }.to_string()]]
}

/// `command` with the URL put where `%s` is (`%%` is a percent sign), or
/// after it when there is no `%s`. Never through a shell.
pub fn argv(command: &[String], url: &str) -> Vec<String> {
    let placed = command.iter().any(|w| w.contains("%s"));
    let mut out: Vec<String> =
        command.iter().map(|w| w.replace("%%", "\u{0}").replace("%s", url).replace('\u{0}', "%")).collect();
    if !placed {
        out.push(url.to_string());
    }
    out
}

/// Tries each opener in turn until one is found; that one's outcome is the
/// answer. Bounded by [`OPEN_WAIT`]; the child is in a process group of its
/// own, so a ctrl-c in the cockpit's terminal does not close the browser.
pub async fn open_url(url: &str, openers: &[Vec<String>]) -> Result<(), OpenError> {
    if let Some(why) = crate::domain::view::link::refused(url) {
        return Err(OpenError::Refused(why));
    }
    for command in openers {
        let words = argv(command, url);
        let opener = words[0].clone();
        let spawned = tokio::process::Command::new(&opener)
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .process_group(0)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(OpenError::Start { opener, source }),
        };
        return match tokio::time::timeout(OPEN_WAIT, child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => Err(OpenError::Failed { opener, status }),
            Ok(Err(source)) => Err(OpenError::Start { opener, source }),
            Err(_) => {
                tokio::spawn(async move {
                    let _ = child.wait().await;
                });
                Ok(())
            }
        };
    }
    let tried = openers.iter().filter_map(|c| c.first().cloned()).collect::<Vec<_>>().join(", ");
    Err(OpenError::NoOpener { tried })
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    fn words(c: &[&str]) -> Vec<String> {
        c.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn browser_lists_commands_and_places_the_url() {
        assert_eq!(openers(None, false), vec![words(&["xdg-open"])]);
        assert_eq!(openers(Some(" : "), true), vec![words(&["open"])]);
        let list = openers(Some("firefox -new-tab %s:lynx"), false);
        assert_eq!(list, vec![words(&["firefox", "-new-tab", "%s"]), words(&["lynx"])]);
        let url = "https://x.example/a%20b";
        assert_eq!(argv(&list[0], url), words(&["firefox", "-new-tab", url]));
        assert_eq!(argv(&list[1], url), words(&["lynx", url]));
        assert_eq!(argv(&words(&["b", "--u=%s", "100%%"]), "u"), words(&["b", "--u=u", "100%"]));
    }

    #[tokio::test]
    async fn the_first_opener_found_opens_and_none_found_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("opened");
        let script = dir.path().join("browser");
        std::fs::write(&script, format!("#!/bin/sh\nprintf '%s' \"$1\" > {}\n", out.display())).unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let browser = format!("/nonexistent/browser:{}", script.display());
        let url = "https://sentry.example/issues/1/";
        open_url(url, &openers(Some(&browser), false)).await.unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), url);

        let e = open_url(url, &openers(Some("/nonexistent/a:/nonexistent/b --x"), false)).await.unwrap_err();
        assert_eq!(e.to_string(), "no browser opener: set $BROWSER (tried /nonexistent/a, /nonexistent/b)");
        let e = open_url(url, &openers(Some("false"), false)).await.unwrap_err();
        assert!(e.to_string().starts_with("false exited with"), "{e}");
        let e = open_url("file:///etc/passwd", &openers(Some(&browser), false)).await.unwrap_err();
        assert!(matches!(e, OpenError::Refused(_)));
    }
}
