//! A real `git daemon` on 127.0.0.1 for the sharing tests.

use shipdeck::testkit::git_command;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// `git daemon` serving `base` on 127.0.0.1, pushes allowed, in a process
/// group of its own so that stopping it also stops the connections it is
/// serving (as a machine going away would). Stopped and reaped on drop,
/// so a failing test leaves nothing behind.
pub struct Daemon {
    child: Option<Child>,
    pub port: u16,
    home: PathBuf,
    base: PathBuf,
}

impl Daemon {
    /// On a free port.
    pub fn start(home: &Path, base: &Path) -> Daemon {
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut d = Daemon { child: None, port, home: home.into(), base: base.into() };
            if d.serve() {
                return d;
            }
        }
        panic!("git daemon did not start on any of 5 free ports");
    }

    /// Listens on `self.port`: false when the port was taken meanwhile.
    fn serve(&mut self) -> bool {
        let mut child = git_command(&self.home, &self.base)
            .args(["daemon", "--reuseaddr", "--listen=127.0.0.1", "--export-all", "--enable=receive-pack"])
            .arg(format!("--port={}", self.port))
            .arg(format!("--base-path={}", self.base.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("git daemon runs");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                self.child = Some(child);
                return true;
            }
            if child.try_wait().unwrap().is_some() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Self::reap(child);
        false
    }

    /// Back on the same port, as a remote coming back does.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "the daemon is running already");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.serve() {
            assert!(Instant::now() < deadline, "git daemon could not listen on port {} again", self.port);
        }
    }

    /// Gone, port and all: the connections being served go too.
    pub fn stop(&mut self) {
        let Some(child) = self.child.take() else { return };
        let group = child.id();
        Self::reap(child);
        // The children serving connections hold the listening socket too
        // and die a moment after their leader is reaped.
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(Instant::now() < deadline, "port {} still answers after the daemon was killed", self.port);
            let _ = shipdeck::io::kill::group(group);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn reap(mut child: Child) {
        let _ = shipdeck::io::kill::group(child.id());
        let _ = child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            Self::reap(child);
        }
    }
}
