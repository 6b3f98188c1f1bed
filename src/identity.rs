//! Who is at the keyboard: `--as`, else `$SHIPDECK_USER`, else git's
//! `user.name`, else the OS user.

use std::process::{Command, Stdio};

pub fn resolve_name(flag: Option<&str>, config: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("SHIPDECK_USER").ok())
        .or_else(|| config.map(str::to_string))
        .or_else(git_user_name)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .map(|n| crate::io::sanitize::clean_max(&n, 40))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "someone".to_string())
}

fn git_user_name() -> Option<String> {
    let out = Command::new("git")
        .args(["config", "--get", "user.name"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!name.is_empty()).then_some(name)
}
