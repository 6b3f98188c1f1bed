//! `shipdeck init`: a commented config for the git repositories in the
//! current directory (itself, and the directories just under it), each named
//! from its `origin` remote. On a terminal it asks for the release's name
//! and push day; without one it asks nothing and writes the defaults.

mod remote_url;
mod template;

use super::Exit;
use crate::cli::InitArgs;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// A repository found here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    /// As it will be written: relative to the config's folder when the
    /// config is written here, else absolute.
    pub path: String,
    pub web_url: Option<String>,
}

pub fn run(args: &InitArgs) -> Result<String, Exit> {
    let here = std::env::current_dir().map_err(|e| Exit::new(1, format!("cannot tell the current directory: {e}")))?;
    if args.output.exists() && !args.force {
        return Err(Exit::new(
            2,
            format!("{} already exists; pass --force to replace it (nothing written)", args.output.display()),
        ));
    }
    let beside = args.output.parent().is_none_or(|p| p.as_os_str().is_empty() || same_dir(p, &here));
    let repos = find(&here, beside);
    let default_name = crate::io::sanitize::clean_max(
        &here.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "Release".into()),
        60,
    );
    let mut answers =
        template::Answers { name: args.name.clone().unwrap_or(default_name), push_day: "thursday".into() };
    if args.name.is_none() && std::io::stdin().is_terminal() {
        answers.name = ask("Release name", &answers.name);
        // Asked again until it is a weekday: the config must pass `check`.
        answers.push_day = loop {
            let day = ask("Push day (a weekday)", &answers.push_day);
            if crate::domain::release::parse_weekday(&day).is_some() {
                break day.to_lowercase();
            }
        };
    }
    let text = template::config(&answers, &repos);
    crate::io::regular_file::write_private(&args.output, text.as_bytes())
        .map_err(|e| Exit::new(1, format!("cannot write {}: {e}", args.output.display())))?;
    let listed = if repos.is_empty() {
        "no git repositories found here; add [[repos]] entries by hand".to_string()
    } else {
        let names: Vec<&str> = repos.iter().map(|r| r.name.as_str()).collect();
        format!("{}: {}", super::check::repositories(names.len()), names.join(", "))
    };
    let check = if args.output == Path::new("shipdeck.toml") {
        "shipdeck check".to_string()
    } else {
        format!("shipdeck check --config {}", args.output.display())
    };
    Ok(format!(
        "wrote {} ({listed})\nnext: fill in the services and the commented sections, then run `{check}`\n",
        args.output.display()
    ))
}

fn same_dir(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// `prompt [default]: `; an empty answer (or none) keeps the default.
fn ask(prompt: &str, default: &str) -> String {
    let _ = write!(std::io::stderr(), "{prompt} [{default}]: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let answer = crate::io::sanitize::clean_max(line.trim(), 60);
    if answer.is_empty() { default.to_string() } else { answer }
}

/// The git repositories at `dir` and just under it, by name, with names
/// made unique. Hidden directories are passed over.
pub fn find(dir: &Path, relative: bool) -> Vec<Found> {
    let mut candidates: Vec<PathBuf> = vec![dir.to_path_buf()];
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    subdirs.sort();
    candidates.extend(subdirs);
    let mut out: Vec<Found> = Vec::new();
    for path in candidates {
        let Ok(repo) = git2::Repository::open(&path) else { continue };
        if repo.is_bare() {
            continue;
        }
        let remote = repo.find_remote("origin").ok().and_then(|r| r.url().ok().map(str::to_string));
        let info = remote.as_deref().and_then(remote_url::parse);
        let dir_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = info.as_ref().map_or(dir_name, |i| i.name.clone());
        let name = unique(crate::io::sanitize::clean_max(&name, 80), &out);
        let shown = match path.strip_prefix(dir) {
            Ok(rel) if relative && rel.as_os_str().is_empty() => ".".to_string(),
            Ok(rel) if relative => rel.display().to_string(),
            _ => path.display().to_string(),
        };
        let web_url = info.and_then(|i| i.web_url).map(|u| crate::io::sanitize::clean_max(&u, 300));
        out.push(Found { name, path: shown, web_url });
    }
    out
}

fn unique(name: String, taken: &[Found]) -> String {
    let name = if name.trim().is_empty() { "repo".to_string() } else { name };
    if !taken.iter().any(|f| f.name == name) {
        return name;
    }
    (2..).map(|n| format!("{name}-{n}")).find(|c| !taken.iter().any(|f| &f.name == c)).expect("a free name")
}
