//! Crash safety: a process appending in a loop is killed with SIGKILL; every
//! event it acknowledged (printed after the fsync returned) is in the file,
//! and the file loads.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn every_acknowledged_event_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("shipdeck.toml");
    std::fs::write(&config, "[release]\nname = \"Crash\"\npush_day = \"thursday\"\n").unwrap();
    let data = dir.path().join("data");
    let bin = env!("CARGO_BIN_EXE_shipdeck");
    // `shipdeck log` prints only after its append was fsync'd.
    let script = format!(
        "i=0; while true; do i=$((i+1)); '{bin}' log \"event $i\" --config '{c}' --data-dir '{d}' --push-date 2026-11-26 --as crash >/dev/null && echo \"ack $i\"; done",
        c = config.display(),
        d = data.display()
    );
    let mut child = Command::new("sh").args(["-c", &script]).stdout(Stdio::piped()).process_group(0).spawn().unwrap();
    let pgid = child.id() as i32;
    let mut acked = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let end = Instant::now() + Duration::from_secs(30);
    while acked.len() < 25 && Instant::now() < end {
        match lines.next() {
            Some(Ok(l)) => acked.push(l.trim_start_matches("ack ").parse::<u32>().unwrap()),
            _ => break,
        }
    }
    assert!(acked.len() >= 5, "the loop acknowledged too little: {acked:?}");
    // SIGKILL the whole loop, whatever it is doing (possibly mid-append).
    let killed = Command::new("kill").args(["-s", "KILL", "--", &format!("-{pgid}")]).status().unwrap();
    assert!(killed.success(), "kill -s KILL -- -{pgid}");
    let _ = child.wait();

    let out = Command::new(bin)
        .args(["log", "--json", "--config"])
        .arg(&config)
        .arg("--data-dir")
        .arg(&data)
        .args(["--push-date", "2026-11-26"])
        .output()
        .unwrap();
    assert!(out.status.success(), "the journal loads: {}", String::from_utf8_lossy(&out.stderr));
    let events: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let texts: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap()).collect();
    for n in &acked {
        let want = format!("event {n}");
        assert!(texts.contains(&want.as_str()), "acknowledged {want} is missing");
    }
}
