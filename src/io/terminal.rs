//! What the user's terminal and desktop do for us: put text on the
//! clipboard (OSC 52, which also works over ssh) and open a URL in the
//! browser.

use crate::domain::Msg;
use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{opener}: {source}")]
    Start { opener: &'static str, source: std::io::Error },
    #[error("{opener} exited with {status}")]
    Failed { opener: &'static str, status: std::process::ExitStatus },
}

/// OSC 52: the terminal puts the text on the clipboard. Written to standard
/// output in line, so only the loop that draws there may call it: from
/// anywhere else it could land in the middle of a frame.
pub fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()));
    let _ = out.flush();
}

/// Opens `url` with the desktop's opener; only a failure is said.
pub fn spawn_open_url(tx: &UnboundedSender<Msg>, url: String) {
    let tx = tx.clone();
    tokio::spawn(async move {
        if let Err(e) = open_url(&url).await {
            let _ = tx.send(Msg::Notice { text: format!("cannot open {url}: {e}"), at: Utc::now() });
        }
    });
}

async fn open_url(url: &str) -> Result<(), OpenError> {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let status = tokio::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .map_err(|source| OpenError::Start { opener, source })?;
    if status.success() { Ok(()) } else { Err(OpenError::Failed { opener, status }) }
}

fn base64(bytes: &[u8]) -> String {
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
}
