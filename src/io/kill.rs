//! Signals sent with kill(1): the crate forbids `unsafe`, so no kill(2) or
//! killpg(2). kill(1) takes a negative pid as a process group. It is quick
//! and reaped at once, so callers may wait for it.

use std::process::{Command, Stdio};

/// Where kill(1) is: the shell's lookup first, then the usual places.
const KILLERS: [&str; 3] = ["kill", "/bin/kill", "/usr/bin/kill"];

/// Sends `signal` (a name such as `STOP` or `KILL`) to `target`: a pid, or
/// `-PGID` for a whole process group.
pub fn send(signal: &str, target: &str) -> std::io::Result<()> {
    let mut last = None;
    for kill in KILLERS {
        match Command::new(kill)
            .args([format!("-{signal}").as_str(), "--", target])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
        {
            Ok(status) if status.success() => return Ok(()),
            Ok(status) => last = Some(std::io::Error::other(format!("{kill} -{signal} {target}: {status}"))),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no kill command")))
}

/// Kills every process of group `pgid`.
pub fn group(pgid: u32) -> std::io::Result<()> {
    send("KILL", &format!("-{pgid}"))
}

/// How long git gets to clean up after SIGTERM before SIGKILL: git removes
/// its lock files on TERM, and one left behind on a repository (a shared
/// remote reached by path, whose receive-pack runs in our group) would
/// refuse every later push to that ref.
pub const GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Terminates group `pgid`: TERM now, KILL after [`GRACE`] from a thread of
/// its own, for callers that cannot wait (a drop).
pub fn group_gently(pgid: u32) {
    let _ = send("TERM", &format!("-{pgid}"));
    let _ = std::thread::Builder::new().name("kill-after-grace".into()).spawn(move || {
        std::thread::sleep(GRACE);
        // Everyone may be gone already: then there is no group, and no error to report.
        let _ = group(pgid);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_killed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("bg");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("sleep 30 & echo $! > {}; wait", pid_file.display()))
            .stdin(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let background = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|t| t.trim().parse::<u32>().ok()) {
                break pid;
            }
            assert!(std::time::Instant::now() < deadline, "the shell never started its background job");
            std::thread::yield_now();
        };
        group(child.id()).unwrap();
        assert!(!child.wait().unwrap().success());
        // The background job was in the group too: gone, or a zombie
        // waiting for init to reap it.
        loop {
            let state = std::fs::read_to_string(format!("/proc/{background}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(") ").and_then(|(_, rest)| rest.chars().next()));
            if matches!(state, None | Some('Z') | Some('X')) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the background job outlived its group");
            std::thread::yield_now();
        }
        assert!(send("KILL", "-999999999").is_err(), "no such group is an error");
    }

    use std::os::unix::process::CommandExt;
}
