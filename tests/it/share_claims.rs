//! Exactly once through the remote: claims made at the same time by three
//! replicas are decided for exactly one; three cockpits that all see a
//! milestone post it to a webhook on 127.0.0.1 once.

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use shipdeck::io::share::{self, Claim, Decided};
use shipdeck::testkit::git_command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);

fn git_ref() -> String {
    share::share_ref("Share Test", chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap())
}

fn bare(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("remote.git");
    let out = git_command(dir, dir).args(["init", "-q", "--bare"]).arg(&path).output().unwrap();
    assert!(out.status.success());
    path
}

#[tokio::test]
async fn claims_racing_for_one_key_are_won_by_exactly_one_replica() {
    let dir = tempfile::tempdir().unwrap();
    let remote = bare(dir.path());
    let remote = remote.to_str().unwrap().to_string();
    let ids: [&'static str; 3] = ["aaaa0001", "bbbb0002", "cccc0003"];
    for round in 0..3 {
        let key = format!("phase:Before tagging:{round}");
        let tasks: Vec<_> = ids
            .iter()
            .map(|&id| {
                let (cache, remote, key) = (dir.path().join(format!("{id}/share.git")), remote.clone(), key.clone());
                tokio::spawn(async move {
                    let claim = Claim { key: key.clone(), by: format!("person-{id}") };
                    let r = share::sync_round_claiming(&cache, &remote, &git_ref(), id, b"", &[claim], TIMEOUT)
                        .await
                        .unwrap();
                    (id.to_string(), r.claims.get(&key).cloned())
                })
            })
            .collect();
        let mut won = Vec::new();
        let mut lost_to = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (id, Some(Decided::Won)) => won.push(id),
                (_, Some(Decided::Lost { replica, by })) => lost_to.push((replica, by)),
                (id, None) => panic!("{id}: undecided after a round that got through"),
            }
        }
        assert_eq!(won.len(), 1, "round {round}: exactly one winner, got {won:?}");
        for (replica, by) in &lost_to {
            assert_eq!(replica, &won[0], "the losers name the winner");
            assert_eq!(by, &format!("person-{}", won[0]));
        }
        // Asked again later (a restart), the winner is still the winner.
        let again = share::sync_round_claiming(
            &dir.path().join(format!("{}/share.git", won[0])),
            &remote,
            &git_ref(),
            &won[0],
            b"",
            &[Claim { key: key.clone(), by: "x".into() }],
            TIMEOUT,
        )
        .await
        .unwrap();
        assert_eq!(again.claims.get(&key), Some(&Decided::Won));
    }
}

/// The webhook's received bodies.
async fn serve(bodies: Arc<Mutex<Vec<String>>>) -> String {
    async fn handle(State(b): State<Arc<Mutex<Vec<String>>>>, body: String) -> &'static str {
        b.lock().unwrap().push(body);
        "ok"
    }
    let app = Router::new().route("/hook/SECRET", post(handle)).with_state(bodies);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook/SECRET")
}

/// Three cockpits (three data dirs, one bare remote, one webhook) all see
/// "Before tagging" complete when its last item is ticked elsewhere: the
/// webhook hears it once, and every cockpit says who posted it.
#[test]
fn three_cockpits_post_a_milestone_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let url = runtime.block_on(serve(bodies.clone()));
    let dir = tempfile::tempdir().unwrap();
    let remote = bare(dir.path());
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[release]\nname = \"Share Test\"\npush_day = \"thursday\"\n\n[share]\nremote = \"{}\"\ninterval = \"1s\"\n\n\
             [notify]\nwebhook_url_env = \"TEAM_HOOK\"\n",
            remote.display()
        ),
    )
    .unwrap();
    let base = |who: &str, role: &str| -> Vec<std::ffi::OsString> {
        vec![
            "--config".into(),
            config.clone().into(),
            "--data-dir".into(),
            dir.path().join(who).into(),
            "--push-date".into(),
            "2026-11-26".into(),
            "--as".into(),
            who.into(),
            "--role".into(),
            role.into(),
        ]
    };
    let env = [("HOME", dir.path().as_os_str()), ("TEAM_HOOK", std::ffi::OsStr::new(&url))];
    let cockpits: Vec<crate::common::Pty> = [("alice", "rm"), ("bob", "qa"), ("carol", "ops")]
        .iter()
        .map(|(who, role)| crate::common::Pty::start_with(&base(who, role), &env))
        .collect();
    for p in &cockpits {
        p.wait_for_text("the first round", "sharing through");
    }
    // Dave, a script, ticks the phase's items (in the role each needs) and shares them at once.
    for (item, role) in [("features-agreed", "rm"), ("security-in-sync", "rm"), ("dependency-releases", "dev")] {
        let out = assert_cmd::Command::cargo_bin("shipdeck")
            .unwrap()
            .args(base("dave", role))
            .args(["tick", item, "--sync"])
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for p in &cockpits {
        p.wait_for_text("the milestone decided", "posted to the webhook by");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while bodies.lock().unwrap().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let said: Vec<String> = cockpits.iter().map(|p| p.contents()).collect();
    let posted_here = said.iter().filter(|s| s.contains("posted to the webhook by this")).count();
    assert_eq!(posted_here, 1, "one cockpit posted: {said:#?}");
    let bodies = bodies.lock().unwrap().clone();
    let complete: Vec<&String> = bodies.iter().filter(|b| b.contains("Before tagging complete")).collect();
    assert_eq!(complete.len(), 1, "the webhook heard it once: {bodies:?}");
    for mut p in cockpits {
        p.press(b"q");
        p.wait_exit(Duration::from_secs(10));
    }
}
