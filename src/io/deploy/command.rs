//! A command hook: the program with its arguments (never a shell line),
//! no stdin, in a process group of its own so everything it starts can be
//! stopped with it; each output line handed on cleaned as it comes; after
//! the timeout the whole group gets TERM, then KILL after a grace, and the
//! program is reaped.

use crate::domain::deploy::msg::HookResult;
use crate::io::sanitize::clean_max;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;

/// How long output still in the pipes is read after the program exits,
/// before what it left running is stopped.
const DRAIN: Duration = Duration::from_secs(2);

pub async fn run(argv: &[String], timeout: Duration, line: &mut (dyn FnMut(String) + Send)) -> HookResult {
    let Some((program, args)) = argv.split_first() else {
        return HookResult { ok: false, detail: "no program to run".into() };
    };
    let shown = clean_max(program, 200);
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return HookResult { ok: false, detail: format!("cannot run {shown}: {e}") },
    };
    let Some(pgid) = child.id() else {
        return HookResult { ok: false, detail: format!("{shown} exited before it could be watched") };
    };
    let mut guard = Group(Some(pgid));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let readers = [
        child.stdout.take().map(|s| tokio::spawn(lines(s, tx.clone()))),
        child.stderr.take().map(|s| tokio::spawn(lines(s, tx.clone()))),
    ];
    drop(tx);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut open = true;
    let status = loop {
        tokio::select! {
            got = rx.recv(), if open => match got {
                Some(l) => line(l),
                None => open = false,
            },
            status = child.wait() => break status.ok(),
            _ = tokio::time::sleep_until(deadline) => break None,
        }
    };
    let timed_out = status.is_none();
    if timed_out {
        stop(&mut child, pgid).await;
    }
    // What is still in the pipes, for a little while: a background job
    // holding them open must not keep the deploy from ending.
    let drained = tokio::time::Instant::now() + DRAIN;
    while open {
        match tokio::time::timeout_at(drained, rx.recv()).await {
            Ok(Some(l)) => line(l),
            Ok(None) | Err(_) => open = false,
        }
    }
    // Whatever it left running in its group goes with it.
    let left = tokio::task::spawn_blocking(move || crate::io::kill::send("0", &format!("-{pgid}")).is_ok());
    if !timed_out && left.await.unwrap_or(true) {
        stop(&mut child, pgid).await;
    }
    guard.0 = None;
    for r in readers.into_iter().flatten() {
        r.abort();
    }
    match status {
        None => HookResult {
            ok: false,
            detail: format!(
                "timed out after {}; its process group was stopped",
                crate::config::format_duration(timeout)
            ),
        },
        Some(s) if s.success() => HookResult { ok: true, detail: "exit 0".into() },
        Some(s) => match s.code() {
            Some(code) => HookResult { ok: false, detail: format!("exit {code}") },
            None => {
                use std::os::unix::process::ExitStatusExt;
                HookResult { ok: false, detail: format!("killed by signal {}", s.signal().unwrap_or(0)) }
            }
        },
    }
}

/// TERM to the group, KILL after the grace, the program reaped.
async fn stop(child: &mut tokio::process::Child, pgid: u32) {
    let _ = tokio::task::spawn_blocking(move || crate::io::kill::send("TERM", &format!("-{pgid}"))).await;
    let _ = tokio::time::timeout(crate::io::kill::GRACE, child.wait()).await;
    let _ = tokio::task::spawn_blocking(move || crate::io::kill::group(pgid)).await;
    let _ = child.start_kill();
    let _ = child.wait().await;
}

/// Stops the group should the deploy be dropped before it ended.
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(pgid) = self.0 {
            crate::io::kill::group_gently(pgid);
        }
    }
}

/// Longest line read before it is cut: output with no newline in it is
/// still shown, and never held whole.
const RAW_LINE_CAP: usize = 8 * 1024;

/// Splits a pipe into cleaned lines.
async fn lines(mut pipe: impl AsyncRead + Unpin, tx: mpsc::UnboundedSender<String>) {
    let mut buf = [0u8; 4096];
    let mut pending: Vec<u8> = Vec::new();
    let send = |bytes: &[u8]| {
        let text = clean_max(&String::from_utf8_lossy(bytes), super::LINE_CAP);
        tx.send(text).is_ok()
    };
    loop {
        let n = match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some(i) = pending.iter().position(|&b| b == b'\n') {
            let rest = pending.split_off(i + 1);
            if !send(&pending[..i]) {
                return;
            }
            pending = rest;
        }
        if pending.len() > RAW_LINE_CAP {
            if !send(&pending) {
                return;
            }
            pending.clear();
        }
    }
    if !pending.is_empty() {
        send(&pending);
    }
}
