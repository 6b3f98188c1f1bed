//! `shipdeck --version` names the commit it was built from when built in its
//! own git checkout (`0.1.0 (abc1234)`), and only the version when built
//! from a tarball, without git, or inside some other repository.

use std::path::Path;
use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let commit = own_checkout()
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten()
        .filter(|c| c.chars().all(|ch| ch.is_ascii_hexdigit()));
    let shown = match commit {
        Some(c) => format!("{version} ({c})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=SHIPDECK_VERSION={shown}");
    println!("cargo:rerun-if-changed=build.rs");
    if !own_checkout() {
        return;
    }
    // A commit moves the branch HEAD names; a checkout changes HEAD. In a
    // worktree `.git` is a file pointing elsewhere, so git says where.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name])
            && Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

/// Whether the package is the top of a git work tree.
fn own_checkout() -> bool {
    let Some(top) = git(&["rev-parse", "--show-toplevel"]) else { return false };
    let here = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let canon = |p: &str| std::fs::canonicalize(p).ok();
    canon(&top).is_some_and(|t| Some(t) == canon(&here))
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok().filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string()).filter(|s| !s.is_empty())
}
