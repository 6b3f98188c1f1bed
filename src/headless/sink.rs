//! Standard output for a command that runs until stopped (`log --follow`):
//! each line goes out at once, and the command learns that nobody reads any
//! more even while it has nothing to write.
//!
//! `tail -f | head -3` is the case: `head` leaves after three lines, and a
//! follower that only finds out on its next write waits for a line that may
//! never come. On a pipe, the reader going away is an error event on our
//! end (what `poll` reports), which [`Sink::closed`] waits for; a terminal
//! or a file has no such reader, and there a failed write is the signal.

use std::io;
use std::io::Write;
use std::os::fd::AsFd;
use tokio::io::Interest;
use tokio::net::unix::pipe;

pub enum Sink {
    /// Standard output is a pipe: written without blocking, watched for its
    /// reader leaving. Always `Some` until dropped.
    Pipe(Option<pipe::Sender>),
    /// A terminal or a file, written on a blocking thread, one line after
    /// the other, so that a stalled terminal (^S) cannot keep the command
    /// from hearing a signal.
    Other,
}

impl Sink {
    pub fn stdout() -> Sink {
        let piped = io::stdout().as_fd().try_clone_to_owned().and_then(pipe::Sender::from_owned_fd);
        match piped {
            Ok(tx) => Sink::Pipe(Some(tx)),
            Err(_) => Sink::Other,
        }
    }

    /// Writes `text` whole and flushes it. `BrokenPipe` when the reader left.
    pub async fn write(&self, text: &str) -> io::Result<()> {
        match self {
            Sink::Pipe(tx) => {
                let tx = tx.as_ref().expect("a pipe until dropped");
                let mut rest = text.as_bytes();
                while !rest.is_empty() {
                    tx.writable().await?;
                    match tx.try_write(rest) {
                        Ok(n) => rest = &rest[n..],
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
            Sink::Other => {
                let text = text.to_string();
                let write = move || {
                    let mut out = io::stdout().lock();
                    out.write_all(text.as_bytes())?;
                    out.flush()
                };
                tokio::task::spawn_blocking(write).await.map_err(io::Error::other)?
            }
        }
    }

    /// Returns once nobody reads standard output any more; never, when that
    /// cannot be known before a write fails.
    pub async fn closed(&self) {
        match self {
            Sink::Pipe(Some(tx)) => {
                if tx.ready(Interest::ERROR).await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            _ => std::future::pending().await,
        }
    }
}

impl Drop for Sink {
    /// The pipe is shared with whoever wrote to it before and writes after
    /// (a shell's `{ …; echo done; }`): it is handed back blocking, as found.
    fn drop(&mut self) {
        if let Sink::Pipe(tx) = self
            && let Some(tx) = tx.take()
        {
            let _ = tx.into_blocking_fd();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::Duration;

    /// Through a real pipe: lines arrive whole, and the reader leaving is
    /// noticed without a write.
    #[tokio::test]
    async fn a_pipe_whose_reader_leaves_is_noticed_without_writing() {
        let (rx, tx) = std::io::pipe().unwrap();
        let sink = Sink::Pipe(Some(pipe::Sender::from_owned_fd(tx.into()).unwrap()));
        sink.write("one\n").await.unwrap();
        let mut rx = rx;
        let mut got = [0u8; 4];
        rx.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"one\n");
        let waiting = tokio::time::timeout(Duration::from_millis(100), sink.closed()).await;
        assert!(waiting.is_err(), "the reader is still there");
        drop(rx);
        tokio::time::timeout(Duration::from_secs(5), sink.closed()).await.expect("the reader left");
        let err = sink.write("two\n").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
