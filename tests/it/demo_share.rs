//! The demo shows sharing: its teammates, QA "bob" and Ops "carol" on
//! replicas of their own, sign off QA items and deploy, and their lines reach
//! the demo's cockpit through the bare remote in the demo's temporary
//! directory, as a real team's lines do.

use crate::common::Pty;
use shipdeck::testkit::git_command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The checklist's rows ticked by `who`: the pane is the first column.
fn ticked_by<'a>(screen: &'a str, who: &str) -> Vec<&'a str> {
    screen
        .lines()
        .filter_map(|l| l.split('│').nth(1))
        .filter(|row| row.contains("[✔]") && row.trim_end().ends_with(who))
        .collect()
}

fn demo_dir(tmp: &Path) -> PathBuf {
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let found = std::fs::read_dir(tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("shipdeck-demo-")));
        if let Some(d) = found {
            return d;
        }
        assert!(Instant::now() < end, "the demo made no temporary directory in {}", tmp.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_demo_shows_a_teammates_ticks_arriving_through_the_shared_remote() {
    let (tmp, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let data_dir = data.path().display().to_string();
    let screen = Pty::start_with(
        &["demo", "--speed", "20", "--as", "tester", "--data-dir", &data_dir],
        &[("TMPDIR", tmp.path().as_os_str())],
    );
    let dir = demo_dir(tmp.path());

    let rows = screen.wait_for("a tick by bob in the checklist", Duration::from_secs(60), |s| {
        let rows = ticked_by(s, "bob");
        (!rows.is_empty()).then(|| rows.iter().map(|r| r.to_string()).collect::<Vec<_>>())
    });
    assert!(rows.iter().all(|r| !r.contains("Features") && !r.contains("Deploy notes")), "QA items only: {rows:?}");
    let header = screen.wait_for("three people in the shared push", Duration::from_secs(30), |s| {
        s.lines().next().filter(|h| h.contains("⇄ 3 people")).map(str::to_string)
    });
    assert!(header.contains("tester (rm)"), "{header}");

    // They came through the remote: one file per replica under the push's
    // ref, bob's holding his tick, carol's her deploys and the cockpit's its
    // push start.
    let remote = dir.join("remotes").join("push-sessions.git");
    let git = |args: &[&str]| {
        let out = git_command(tmp.path(), &remote).args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    // Carol's deploy may still be on its way: read the ref until it holds it.
    let end = Instant::now() + Duration::from_secs(30);
    let contents = loop {
        let refs = git(&["for-each-ref", "--format=%(refname)", "refs/shipdeck/"]);
        let git_ref =
            refs.lines().next().unwrap_or_else(|| panic!("no shared ref in {}", remote.display())).to_string();
        // Claims (who tells Sentry of a deploy) sit beside the replicas' files.
        let files: Vec<String> = git(&["ls-tree", "--name-only", &git_ref])
            .lines()
            .filter(|f| f.ends_with(".jsonl"))
            .map(str::to_string)
            .collect();
        let contents: Vec<String> = files.iter().map(|f| git(&["show", &format!("{git_ref}:{f}")])).collect();
        let deployed =
            contents.iter().any(|c| c.contains("\"name\":\"carol\"") && c.contains("\"kind\":\"deploy_started\""));
        if files.len() == 3 && deployed {
            break contents;
        }
        assert!(Instant::now() < end, "a file per replica, carol's with her deploy: {files:?}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let bobs = contents.iter().find(|c| c.contains("\"name\":\"bob\"")).expect("bob's file");
    assert!(bobs.contains("\"role\":\"qa\"") && bobs.contains("\"kind\":\"tick\""), "{bobs}");
    assert!(!bobs.contains("\"name\":\"tester\""), "a replica's file holds only its own lines");
    let carols = contents.iter().find(|c| c.contains("\"name\":\"carol\"")).expect("carol's file");
    assert!(carols.contains("\"role\":\"ops\""), "{carols}");
    let mine = contents.iter().find(|c| c.contains("\"name\":\"tester\"")).expect("the cockpit's file");
    assert!(mine.contains("\"kind\":\"push_started\""), "{mine}");

    screen.quit();
    // Both replicas let go of their files: the directory is gone.
    let end = Instant::now() + Duration::from_secs(10);
    while dir.exists() {
        assert!(Instant::now() < end, "{} left behind", dir.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}
