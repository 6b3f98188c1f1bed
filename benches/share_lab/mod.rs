//! What the sharing benches share: realistic journal events as three
//! replicas make them, data dirs with a known replica id, a bare remote,
//! the git command in a sandbox, the size of a repository's objects and the
//! process's CPU time.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use shipdeck::domain::journal::{Event, EventActor, EventKind, VERSION, micros};
use shipdeck::domain::kernel::actor::Role;
use shipdeck::io::journal::JournalStore;
use shipdeck::testkit::git_command;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const RELEASE: &str = "AMO";

pub fn push_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// Three replicas (data dirs) and who works at each.
pub const REPLICAS: [(&str, &str, Role); 3] = [
    ("a1b2c3d4e5f60718", "alice", Role::Rm),
    ("b2c3d4e5f6071829", "bob", Role::Qa),
    ("c3d4e5f60718293a", "carol", Role::Ops),
];

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 13, 0, 0).unwrap()
}

/// The `k`-th event of replica `r` (an index into [`REPLICAS`]), as a push
/// day makes them: the three replicas' events interleave in time (one
/// every 3 × 1.7 s), and a replica's are mostly what its cockpit observed
/// (version and heartbeat changes), then chat, ticks and unticks, tags,
/// notes and presence beats.
pub fn event(r: usize, k: usize) -> Event {
    let (replica, name, role) = REPLICAS[r];
    let at = start() + Duration::milliseconds((k * 3 + r) as i64 * 1_700);
    // Each role ticks its own items.
    const ITEMS: [[&str; 2]; 3] = [
        ["features-agreed", "deploy-notes"],
        ["regression-tests", "results-sent"],
        ["stage-on-target", "graphs-no-spikes"],
    ];
    let item = ITEMS[r][k / 10 % 2];
    let service = format!("service-{:03}", (k * 7 + r) % 120);
    let kind = match k % 10 {
        0..=2 => EventKind::VersionChanged {
            env: if k.is_multiple_of(2) { "stage" } else { "prod" }.into(),
            service,
            from: "2026.11.19".into(),
            to: "2026.11.26".into(),
            commit: Some(format!("{:040x}", k * 2_654_435_761 + r)),
        },
        3 => EventKind::HeartbeatChanged { env: "prod".into(), service, from: "ok".into(), to: "warning".into() },
        4 | 5 => EventKind::Chat { text: format!("{name}: checked {service} after the deploy, looks fine ({k})") },
        6 => EventKind::Tick { item: item.into(), note: None, overrides_role: false },
        7 => EventKind::Untick { item: item.into(), overrides_role: false },
        8 if k % 20 == 8 => EventKind::TagCreated {
            repo: "addons-server".into(),
            tag: format!("2026.11.26-{k}"),
            commit: format!("{:040x}", k * 40_503 + r),
        },
        8 => EventKind::Note { text: format!("{service} needed a second deploy on prod") },
        _ => EventKind::Presence,
    };
    let seq = micros(at);
    Event {
        v: VERSION,
        id: format!("{replica}.{seq}.0f1e2d3c"),
        at,
        replica: replica.into(),
        seq,
        committer: None,
        actor: EventActor { name: name.into(), role },
        kind,
    }
}

/// Replica `r`'s events `from..to`.
pub fn events(r: usize, from: usize, to: usize) -> Vec<Event> {
    (from..to).map(|k| event(r, k)).collect()
}

/// A temp dir with a bare remote and data dirs in it; every git run here
/// has no global or system config.
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Lab {
        Lab { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        git(self.dir.path(), dir, args)
    }

    /// A bare repository `name` in the lab: the shared remote.
    pub fn bare(&self, name: &str) -> PathBuf {
        self.git(self.dir.path(), &["init", "-q", "--bare", name]);
        self.path(name)
    }

    /// Data dir `name`, its replica id that of replica `r`: its journal.
    pub fn data_dir(&self, name: &str, r: usize) -> (PathBuf, JournalStore) {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).expect("create data dir");
        std::fs::write(dir.join("replica"), REPLICAS[r].0).expect("write replica id");
        let store = JournalStore::for_push(&dir, RELEASE, push_date());
        assert_eq!(store.replica(), REPLICAS[r].0);
        (dir, store)
    }
}

pub fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = git_command(home, dir).args(args).output().expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A copy of `from` at `to` (files and folders).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy file");
        }
    }
}

/// Bytes and files under `dir`, recursively.
pub fn du(dir: &Path) -> (u64, usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return (0, 0) };
    entries.flatten().fold((0, 0), |(bytes, files), e| {
        let meta = e.metadata().expect("metadata");
        if meta.is_dir() {
            let (b, f) = du(&e.path());
            (bytes + b, files + f)
        } else {
            (bytes + meta.len(), files + 1)
        }
    })
}

/// The CPU time this process has used, and that of its children it has
/// waited for (the git commands), from `/proc/self/stat`, in seconds: each
/// counts in clock ticks (10 ms), so only totals over many runs mean much.
pub fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("read /proc/self/stat");
    // The command name is in parentheses and may hold spaces: count after it.
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .skip(11)
        .take(4)
        .map(|f| f.parse().unwrap())
        .collect();
    let hz = clock_ticks();
    ((fields[0] + fields[1]) as f64 / hz, (fields[2] + fields[3]) as f64 / hz)
}

fn clock_ticks() -> f64 {
    static HZ: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *HZ.get_or_init(|| {
        let out = Command::new("getconf").arg("CLK_TCK").output().ok();
        out.and_then(|o| String::from_utf8(o.stdout).ok()).and_then(|s| s.trim().parse().ok()).unwrap_or(100.0)
    })
}

/// The middle value of `v` (sorted here).
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}
