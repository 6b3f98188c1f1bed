//! The shared journal's storage and sync engine (`io::share`) against real
//! git: a bare path remote, a `git daemon` on 127.0.0.1, a server that
//! wants credentials, a closed port and a silent one. Replicas are cache
//! dirs with a journal modelled in memory: their own lines plus what the
//! rounds handed them, deduplicated by event id, as the cockpit will do.

use crate::common::daemon::Daemon;
use proptest::prelude::*;
use shipdeck::io::share::{self, ShareError, Warning};
use shipdeck::testkit::git_command;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const TIMEOUT: Duration = Duration::from_secs(20);
const IDS: [&str; 3] = ["aaaa0001", "bbbb0002", "cccc0003"];

fn git_ref() -> String {
    share::share_ref("AMO", chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = git_command(home, dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

struct Lab {
    dir: TempDir,
}

impl Lab {
    fn new() -> Self {
        Lab { dir: tempfile::tempdir().unwrap() }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn bare(&self, name: &str) -> PathBuf {
        git(self.dir.path(), self.dir.path(), &["init", "-q", "--bare", name]);
        self.path(name)
    }
    fn replica(&self, id: &str) -> Replica {
        Replica { id: id.into(), cache: self.path(&format!("data-{id}/share.git")), ..Replica::default() }
    }
}

/// One data dir: its cache and its journal, as lines.
#[derive(Default)]
struct Replica {
    id: String,
    cache: PathBuf,
    journal: Vec<Vec<u8>>,
    /// In memory only: rebuilt from the journal after a crash.
    ids: HashSet<String>,
    made: usize,
}

fn line(replica: &str, k: usize, text: &str) -> Vec<u8> {
    let text = serde_json::to_string(text).unwrap();
    format!(
        "{{\"v\":1,\"id\":\"{replica}.{k}.p\",\"at\":\"2026-11-26T15:00:00Z\",\"replica\":\"{replica}\",\"seq\":{k},\
         \"actor\":{{\"name\":\"t\",\"role\":\"qa\"}},\"kind\":\"chat\",\"text\":{text}}}\n"
    )
    .into_bytes()
}

fn id_of(line: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(line).unwrap();
    v["id"].as_str().unwrap().to_string()
}

impl Replica {
    fn append(&mut self, n: usize) {
        for _ in 0..n {
            self.made += 1;
            let l = line(&self.id, self.made, &format!("line {}", self.made));
            self.ids.insert(id_of(&l));
            self.journal.push(l);
        }
    }

    fn mine(&self) -> Vec<u8> {
        self.journal.iter().filter(|l| id_of(l).starts_with(&format!("{}.", self.id))).flatten().copied().collect()
    }

    fn crash(&mut self) {
        self.ids = self.journal.iter().map(|l| id_of(l)).collect();
    }

    /// A round whose result is lost before anything is saved.
    async fn sync_and_crash(&mut self, remote: &str) {
        share::sync_round(&self.cache, remote, &git_ref(), &self.id, &self.mine(), TIMEOUT).await.unwrap();
        self.crash();
    }

    async fn try_sync(&mut self, remote: &str) -> Result<share::Round, ShareError> {
        let round = share::sync_round(&self.cache, remote, &git_ref(), &self.id, &self.mine(), TIMEOUT).await?;
        for (replica, bytes) in &round.new_lines {
            assert_ne!(replica, &self.id, "our own lines are never handed back");
            for l in bytes.split_inclusive(|b| *b == b'\n') {
                if self.ids.insert(id_of(l)) {
                    self.journal.push(l.to_vec());
                }
            }
        }
        share::acknowledge(&self.cache, &git_ref(), &round).await?;
        Ok(round)
    }

    async fn sync(&mut self, remote: &str) -> share::Round {
        self.try_sync(remote).await.unwrap()
    }

    fn ids(&self) -> Vec<String> {
        self.journal.iter().map(|l| id_of(l)).collect()
    }
}

/// Every replica has every line made, once.
fn assert_converged(replicas: &[Replica]) {
    let all: BTreeSet<String> = replicas.iter().flat_map(|r| (1..=r.made).map(|k| format!("{}.{k}.p", r.id))).collect();
    for r in replicas {
        let ids = r.ids();
        let unique: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(ids.len(), unique.len(), "{}: duplicated lines", r.id);
        assert_eq!(unique, all, "{}: lines missing or foreign", r.id);
    }
}

async fn settle(replicas: &mut [Replica], remote: &str) {
    for _ in 0..2 {
        for r in replicas.iter_mut() {
            r.sync(remote).await;
        }
    }
}

async fn three_replicas_append_and_sync_in_turns(lab: &Lab, remote: &str) {
    let mut rs: Vec<Replica> = IDS.iter().map(|id| lab.replica(id)).collect();
    // Alice's cache has her identity; the others use whatever git has.
    std::fs::create_dir_all(rs[0].cache.parent().unwrap()).unwrap();
    git(lab.dir.path(), lab.dir.path(), &["init", "-q", "--bare", rs[0].cache.to_str().unwrap()]);
    git(lab.dir.path(), &rs[0].cache, &["config", "user.name", "Alice"]);
    git(lab.dir.path(), &rs[0].cache, &["config", "user.email", "alice@example.org"]);

    rs[0].append(3);
    let r = rs[0].sync(remote).await;
    assert_eq!((r.pushed_lines, r.fetched, r.attempts), (3, false, 1));
    let info = r.replicas.unwrap();
    assert_eq!(info[IDS[0]].lines, 3);
    assert_eq!(info[IDS[0]].committer.as_deref(), Some("Alice <alice@example.org>"));

    rs[1].append(2);
    let r = rs[1].sync(remote).await;
    assert_eq!((r.pushed_lines, r.fetched), (2, true));
    assert_eq!(r.new_lines.keys().collect::<Vec<_>>(), [IDS[0]]);
    assert_eq!(r.new_lines[IDS[0]], rs[0].mine(), "byte for byte as Alice's journal has them");

    let r = rs[2].sync(remote).await;
    assert_eq!(r.pushed_lines, 0);
    assert_eq!(r.new_lines.values().map(|b| b.len()).sum::<usize>(), rs[0].mine().len() + rs[1].mine().len());
    rs[2].append(1);
    rs[0].append(2);
    rs[2].sync(remote).await;
    let r = rs[0].sync(remote).await;
    assert_eq!(r.pushed_lines, 2);
    let info = r.replicas.unwrap();
    assert_eq!([info[IDS[0]].lines, info[IDS[1]].lines, info[IDS[2]].lines], [5, 2, 1]);
    assert!(info[IDS[1]].committer.is_some());

    // Nothing new anywhere (that push merged and handed out all there
    // was): one ls-remote, no tree looked at.
    let quiet = rs[0].sync(remote).await;
    assert_eq!((quiet.fetched, quiet.pushed_lines, quiet.replicas), (false, 0, None));
    assert!(quiet.new_lines.is_empty());

    settle(&mut rs, remote).await;
    assert_converged(&rs);
}

#[tokio::test]
async fn three_replicas_converge_through_a_bare_path_remote() {
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    three_replicas_append_and_sync_in_turns(&lab, remote.to_str().unwrap()).await;
}

#[tokio::test]
async fn three_replicas_converge_through_git_daemon() {
    let lab = Lab::new();
    lab.bare("remote.git");
    let daemon = Daemon::start(lab.dir.path(), lab.dir.path());
    let url = format!("git://127.0.0.1:{}/remote.git", daemon.port);
    three_replicas_append_and_sync_in_turns(&lab, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_resolve_by_retry() {
    let lab = Lab::new();
    lab.bare("remote.git");
    let daemon = Daemon::start(lab.dir.path(), lab.dir.path());
    let url = format!("git://127.0.0.1:{}/remote.git", daemon.port);
    let mut rs: Vec<Replica> = IDS.iter().map(|id| lab.replica(id)).collect();
    for n in 1..=4 {
        for r in rs.iter_mut() {
            r.append(n);
        }
        let [a, b, c] = &mut rs[..] else { unreachable!() };
        let (ra, rb, rc) = tokio::join!(a.sync(&url), b.sync(&url), c.sync(&url));
        assert_eq!([ra.pushed_lines, rb.pushed_lines, rc.pushed_lines], [n, n, n], "everyone's lines went out");
    }
    settle(&mut rs, &url).await;
    assert_converged(&rs);
}

/// The remote moves between our ls-remote and our push, every time the
/// same way: a pre-receive hook puts Bob's commit in place once, so the
/// first push is refused and the second, after a fetch, goes through.
#[tokio::test]
async fn a_push_beaten_to_the_remote_fetches_merges_and_retries() {
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    let url = remote.to_str().unwrap();
    let (mut a, mut b) = (lab.replica(IDS[0]), lab.replica(IDS[1]));
    a.append(1);
    let first = a.sync(url).await.remote_sha.unwrap();
    b.append(2);
    let bobs = b.sync(url).await.remote_sha.unwrap();
    git(lab.dir.path(), &remote, &["update-ref", &git_ref(), &first]);
    let marker = lab.path("moved");
    let hook = format!(
        "#!/bin/sh\n[ -e '{m}' ] && exit 0\ntouch '{m}'\nenv -u GIT_QUARANTINE_PATH git update-ref {r} {bobs}\n",
        m = marker.display(),
        r = git_ref()
    );
    let hook_path = remote.join("hooks/pre-receive");
    std::fs::write(&hook_path, hook).unwrap();
    std::fs::set_permissions(&hook_path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    a.append(1);
    let r = a.sync(url).await;
    assert!(marker.exists(), "the hook ran");
    assert_eq!((r.attempts, r.pushed_lines, r.fetched), (2, 1, true));
    assert_eq!(r.new_lines[IDS[1]], b.mine());
    let mut rs = vec![a, b];
    settle(&mut rs, url).await;
    assert_converged(&rs);
}

#[derive(Debug, Clone)]
enum Op {
    Append(usize, usize),
    Sync(usize),
    /// Two rounds at once, so their pushes race on the remote.
    SyncBoth(usize, usize),
    /// The round ran; the process died before saving what it brought.
    SyncThenCrash(usize),
    /// It saved what the round brought and died before acknowledging it.
    SaveThenCrash(usize),
    /// Killed this many milliseconds into a round, wherever it was.
    Killed(usize, u64),
    /// A new process on the same data dir: what was in memory is rebuilt
    /// from the journal.
    Restart(usize),
    /// The cache's record of the last round is gone.
    LoseState(usize),
    /// The machine was reinstalled with the journal restored: no cache.
    Reinstall(usize),
}

/// Appends per replica in every case, each of `BATCH` lines: a few
/// hundred lines each.
const APPENDS: usize = 12;
const BATCH: std::ops::RangeInclusive<usize> = 10..=40;

/// Each replica's appends, shuffled among as many other operations.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    let appends: Vec<_> =
        (0..3usize).map(|r| prop::collection::vec(BATCH.prop_map(move |n| Op::Append(r, n)), APPENDS)).collect();
    let others = prop::collection::vec(
        prop_oneof![
            8 => (0..3usize).prop_map(Op::Sync),
            2 => (0..3usize, 1..3usize).prop_map(|(a, d)| Op::SyncBoth(a, (a + d) % 3)),
            1 => (0..3usize).prop_map(Op::SyncThenCrash),
            1 => (0..3usize).prop_map(Op::SaveThenCrash),
            1 => (0..3usize, 0..150u64).prop_map(|(r, ms)| Op::Killed(r, ms)),
            1 => (0..3usize).prop_map(Op::Restart),
            1 => (0..3usize).prop_map(Op::LoseState),
            1 => (0..3usize).prop_map(Op::Reinstall),
        ],
        3 * APPENDS,
    );
    (appends, others).prop_flat_map(|(appends, others)| {
        Just(appends.into_iter().flatten().chain(others).collect::<Vec<Op>>()).prop_shuffle()
    })
}

impl Replica {
    async fn save_then_crash(&mut self, remote: &str) {
        let round = share::sync_round(&self.cache, remote, &git_ref(), &self.id, &self.mine(), TIMEOUT).await.unwrap();
        for l in round.new_lines.values().flat_map(|b| b.split_inclusive(|c| *c == b'\n')) {
            if self.ids.insert(id_of(l)) {
                self.journal.push(l.to_vec());
            }
        }
        self.crash();
    }

    /// A round in a process of its own, killed after `ms` at whichever step
    /// it was waiting on (a git command is killed; cache work in hand
    /// finishes, as a write the process died after would have): its
    /// runtime is gone when this returns, so nothing of it runs on behind
    /// the next round.
    fn killed(&mut self, remote: &str, ms: u64) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (git_ref, mine) = (git_ref(), self.mine());
        let round = share::sync_round(&self.cache, remote, &git_ref, &self.id, &mine, TIMEOUT);
        let _ = rt.block_on(async { tokio::time::timeout(Duration::from_millis(ms), round).await });
        drop(rt);
        self.crash();
    }

    /// Where the cache keeps each ref's last round (`cache::state_path`).
    fn lose_state(&mut self) {
        let state = self.cache.join("shipdeck");
        if state.exists() {
            std::fs::remove_dir_all(&state).unwrap_or_else(|e| panic!("{}: {e}", state.display()));
        }
    }

    fn reinstall(&mut self) {
        if self.cache.exists() {
            std::fs::remove_dir_all(&self.cache).unwrap();
        }
        self.crash();
    }

    /// Every line is its maker's, byte for byte, and in it once.
    fn assert_lines_intact(&self) {
        let mut seen = HashSet::new();
        for l in &self.journal {
            let id = id_of(l);
            let (maker, k) = id.strip_suffix(".p").and_then(|s| s.split_once('.')).unwrap();
            let k: usize = k.parse().unwrap();
            assert_eq!(*l, line(maker, k, &format!("line {k}")), "{}: {id} as its maker wrote it", self.id);
            assert!(seen.insert(id.clone()), "{}: {id} twice", self.id);
        }
    }
}

/// Two replicas, mutably, at once.
fn two(rs: &mut [Replica], a: usize, b: usize) -> (&mut Replica, &mut Replica) {
    assert_ne!(a, b);
    let (lo, hi) = rs.split_at_mut(a.max(b));
    if a < b { (&mut lo[a], &mut hi[0]) } else { (&mut hi[0], &mut lo[b]) }
}

proptest! {
    // Few cases of many operations: each case is some fifty rounds of real
    // git, and a long interleaving finds more than many short ones.
    #![proptest_config(ProptestConfig {
        cases: 3,
        failure_persistence: None,
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_interleaving_of_appends_syncs_and_crashes_converges(ops in ops()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let lab = Lab::new();
        lab.bare("remote.git");
        // Through a server, as a team's remote is: a round killed mid-push
        // to a remote reached by path can take that remote's receive-pack
        // (a child of its own push) down with it, holding the ref's lock,
        // which a round then names as `ShareError::Locked`.
        let daemon = Daemon::start(lab.dir.path(), lab.dir.path());
        let url = &format!("git://127.0.0.1:{}/remote.git", daemon.port);
        let mut rs: Vec<Replica> = IDS.iter().map(|id| lab.replica(id)).collect();
        for op in &ops {
            match *op {
                Op::Append(r, n) => rs[r].append(n),
                Op::Sync(r) => { rt.block_on(rs[r].sync(url)); }
                Op::SyncBoth(a, b) => {
                    let (x, y) = two(&mut rs, a, b);
                    rt.block_on(async { tokio::join!(x.sync(url), y.sync(url)) });
                }
                Op::SyncThenCrash(r) => rt.block_on(rs[r].sync_and_crash(url)),
                Op::SaveThenCrash(r) => rt.block_on(rs[r].save_then_crash(url)),
                Op::Killed(r, ms) => rs[r].killed(url, ms),
                Op::Restart(r) => rs[r].crash(),
                Op::LoseState(r) => rs[r].lose_state(),
                Op::Reinstall(r) => rs[r].reinstall(),
            }
        }
        rt.block_on(settle(&mut rs, url));
        assert_converged(&rs);
        // A journal only grows: a line doubled or mangled at any point is
        // still there.
        for r in &rs {
            r.assert_lines_intact();
        }
        // Settled, every round is the quiet one: nothing read, nothing sent.
        for r in rs.iter_mut() {
            let quiet = rt.block_on(r.sync(url));
            prop_assert_eq!((quiet.fetched, quiet.pushed_lines, quiet.replicas.is_none()), (false, 0, true), "{}", r.id);
        }
    }
}

/// Commits `files` (name → bytes) as the remote's ref, forced, parentless:
/// someone rewrote history.
fn force_tree(remote: &Path, files: &[(&str, &[u8])]) {
    let repo = git2::Repository::open_bare(remote).unwrap();
    let mut tb = repo.treebuilder(None).unwrap();
    for (name, bytes) in files {
        tb.insert(name, repo.blob(bytes).unwrap(), 0o100644).unwrap();
    }
    let tree = repo.find_tree(tb.write().unwrap()).unwrap();
    let sig = git2::Signature::now("mallory", "m@example.org").unwrap();
    let c = repo.commit(None, &sig, &sig, "rewrite", &tree, &[]).unwrap();
    repo.reference(&git_ref(), c, true, "force").unwrap();
}

#[tokio::test]
async fn a_rewritten_remote_is_refused_and_nothing_local_is_dropped() {
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    let url = remote.to_str().unwrap();
    let (mut a, mut b) = (lab.replica(IDS[0]), lab.replica(IDS[1]));
    a.append(3);
    a.sync(url).await;
    b.sync(url).await;
    assert_eq!(b.ids().len(), 3);
    let rewritten = line(IDS[0], 1, "not what was said");
    force_tree(&remote, &[(&format!("{}.jsonl", IDS[0]), &rewritten)]);
    b.append(1);
    let r = b.sync(url).await;
    assert_eq!(r.warnings, [Warning::Rewritten { replica: IDS[0].into() }]);
    assert!(r.warnings[0].to_string().contains(IDS[0]));
    assert!(r.new_lines.is_empty(), "nothing of the rewrite is taken");
    assert_eq!(r.pushed_lines, 1, "ours still go out");
    assert_eq!(b.ids().len(), 4, "what was saved stays");
    // Alice finds her own file rewritten: she pushes nothing and says so.
    a.append(1);
    let r = a.sync(url).await;
    assert!(matches!(&r.warnings[..], [Warning::OursDiverged { replica, .. }] if replica == IDS[0]));
    assert_eq!(r.pushed_lines, 0);
    assert_eq!(r.new_lines[IDS[1]], b.mine(), "others' lines still come");
}

#[tokio::test]
async fn hostile_names_are_ignored_and_their_lines_cleaned_by_the_journal() {
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    let url = remote.to_str().unwrap();
    let hostile = line(IDS[2], 1, "hi\u{1b}]0;pwned\u{7}\u{202e} there");
    force_tree(
        &remote,
        &[
            ("README", b"x"),
            ("evil\u{1b}[2J.jsonl", b"x"),
            ("0123.jsonl", b"x"),
            (&format!("{}.jsonl", IDS[2]), &hostile),
        ],
    );
    let mut a = lab.replica(IDS[0]);
    a.append(1);
    let r = a.sync(url).await;
    let ignored: Vec<&Warning> = r.warnings.iter().filter(|w| matches!(w, Warning::Ignored { .. })).collect();
    assert_eq!(ignored.len(), 3, "{:?}", r.warnings);
    assert!(r.warnings.iter().all(|w| !w.to_string().contains('\u{1b}')));
    assert_eq!(r.new_lines[IDS[2]], hostile, "raw bytes, for the journal to read");
    // The caller's path: append to the journal, read it back cleaned.
    let path = lab.path("journal.jsonl");
    std::fs::write(&path, &r.new_lines[IDS[2]]).unwrap();
    let loaded = shipdeck::io::journal::JournalStore::new(path).load().unwrap();
    let shown = format!("{:?}", loaded.events[0].kind);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{202e}'), "{shown}");
    // What is not ours to judge stays on the remote.
    let tree = git(lab.dir.path(), &remote, &["ls-tree", "--name-only", &git_ref()]);
    assert!(tree.contains("README") && tree.contains(&format!("{}.jsonl", IDS[0])), "{tree}");
}

#[tokio::test]
async fn a_remote_wanting_credentials_fails_at_once_without_prompting() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = s
                    .write_all(
                        b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"shipdeck\"\r\n\
                          Content-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
            });
        }
    });
    let lab = Lab::new();
    for url in [format!("http://127.0.0.1:{port}/r.git"), format!("http://deploy:s3cret@127.0.0.1:{port}/r.git")] {
        let mut a = lab.replica(IDS[0]);
        a.append(1);
        let start = Instant::now();
        let e = a.try_sync(&url).await.unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
        assert!(matches!(e, ShareError::Authentication { .. }), "{e}");
        let text = e.to_string();
        assert!(text.contains(&format!("127.0.0.1:{port}")) && !text.contains("s3cret"), "{text}");
    }
    server.abort();
}

#[tokio::test]
async fn an_unreachable_or_silent_remote_is_a_clear_error_in_time() {
    let lab = Lab::new();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut a = lab.replica(IDS[0]);
    a.append(1);
    let e = a.try_sync(&format!("git://127.0.0.1:{closed}/r.git")).await.unwrap_err();
    assert!(matches!(e, ShareError::Unreachable { .. }), "{e}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{closed}")), "{e}");

    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let start = Instant::now();
    let round = share::sync_round(
        &a.cache,
        &format!("git://127.0.0.1:{port}/r.git"),
        &git_ref(),
        IDS[0],
        &a.mine(),
        Duration::from_secs(2),
    )
    .await;
    assert!(matches!(round, Err(ShareError::Timeout { .. })), "{round:?}");
    assert!(start.elapsed() < Duration::from_secs(8), "took {:?}", start.elapsed());
    drop(silent);
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_git_runs() {
    let lab = Lab::new();
    let cache = lab.path("share.git");
    let r = git_ref();
    let bad: BTreeMap<&str, (&str, &str, &str)> = [
        ("option as remote", ("--upload-pack=touch /tmp/x", r.as_str(), IDS[0])),
        ("a branch", ("/nowhere", "refs/heads/main", IDS[0])),
        ("no replica", ("/nowhere", r.as_str(), "../../etc")),
    ]
    .into_iter()
    .collect();
    for (what, (remote, git_ref, replica)) in bad {
        let e = share::sync_round(&cache, remote, git_ref, replica, b"", TIMEOUT).await.unwrap_err();
        assert!(matches!(e, ShareError::Invalid(_)), "{what}: {e}");
    }
    assert!(!cache.exists(), "no cache made for a refused round");
}

/// Who committed each line is read from the remote's history, commit by
/// commit (the bytes each commit added to the file), never from the line.
#[tokio::test]
async fn each_new_line_carries_the_identity_that_committed_it() {
    let lab = Lab::new();
    let remote = lab.bare("remote.git");
    let remote = remote.to_str().unwrap();
    let (mut a, mut b) = (lab.replica(IDS[0]), lab.replica(IDS[1]));
    let as_who = |r: &Replica, name: &str| {
        if !r.cache.exists() {
            git(lab.dir.path(), lab.dir.path(), &["init", "-q", "--bare", r.cache.to_str().unwrap()]);
        }
        git(lab.dir.path(), &r.cache, &["config", "user.name", name]);
        git(lab.dir.path(), &r.cache, &["config", "user.email", &format!("{}@example.com", name.to_lowercase())]);
    };
    as_who(&a, "Alice");
    a.append(2);
    a.sync(remote).await;
    as_who(&a, "Mallory\u{1b}[31m");
    a.append(1);
    a.sync(remote).await;
    let round = b.sync(remote).await;
    let bytes = &round.new_lines[IDS[0]];
    let starts: Vec<u64> = bytes
        .split_inclusive(|c| *c == b'\n')
        .scan(0u64, |at, l| {
            let s = *at;
            *at += l.len() as u64;
            Some(s)
        })
        .collect();
    let who: Vec<Option<String>> = starts.iter().map(|s| round.committer(IDS[0], *s).map(str::to_string)).collect();
    let alice = Some("Alice <alice@example.com>".to_string());
    assert_eq!(who[..2], [alice.clone(), alice]);
    let third = who[2].as_deref().unwrap();
    assert!(third.starts_with("Mallory") && !third.contains('\u{1b}'), "cleaned: {third:?}");
    assert_eq!(who.len(), 3);
    // Caught up: a further line is attributed on its own.
    as_who(&a, "Alice");
    a.append(1);
    a.sync(remote).await;
    let round = b.sync(remote).await;
    assert_eq!(round.committer(IDS[0], 0), Some("Alice <alice@example.com>"));
}
