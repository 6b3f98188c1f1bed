//! The module import graph of `src/`, checked for cycles by `cargo test`.
//!
//! Edges come from `use` items and from `crate::…`/`super::…` paths written
//! in code, each resolved to the deepest module file it names. Test modules
//! (`#[cfg(test)]` to the end of a file) are left out: their `use super::*`
//! is not the module's own dependency. Imports must only point down; a cycle
//! fails the test and names its files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every `.rs` file under `src`, by module path (`mod.rs`, `lib.rs` and
/// `main.rs` stand for their folder).
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src").with_extension("");
            let mut module: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                module.pop();
            }
            out.insert(module, path);
        }
    }
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path = path.trim();
    let Some(open) = path.find('{') else { return vec![path.to_string()] };
    let (head, rest) = path.split_at(open);
    let mut depth = 0;
    let mut close = rest.len();
    for (i, c) in rest.char_indices() {
        depth += i32::from(c == '{') - i32::from(c == '}');
        if depth == 0 {
            close = i;
            break;
        }
    }
    let inner = &rest[1..close];
    let (mut parts, mut current, mut depth) = (Vec::new(), String::new(), 0);
    for c in inner.chars() {
        match c {
            ',' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => {
                depth += i32::from(c == '{') - i32::from(c == '}');
                current.push(c);
            }
        }
    }
    parts.push(current);
    parts.iter().filter(|p| !p.trim().is_empty()).flat_map(|p| expand(p)).map(|tail| format!("{head}{tail}")).collect()
}

/// The paths a file's own code names: `use` items and written paths.
fn paths(text: &str) -> Vec<String> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest.find(';').unwrap_or(rest.len());
        out.extend(expand(&rest[..end]).into_iter().map(|p| p.split(" as ").next().unwrap_or_default().to_string()));
        rest = &rest[end..];
    }
    for root in ["crate::", "super::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(root) {
            let before = rest[..at].chars().last();
            let tail = &rest[at..];
            let len = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':')) {
                out.push(tail[..len].to_string());
            }
            rest = &tail[len.max(1)..];
        }
    }
    out
}

/// The module a path names, seen from `from`: the deepest file it reaches.
fn resolve(path: &str, from: &Module, modules: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    let segs: Vec<&str> = path.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
    let mut target: Module = match *segs.first()? {
        "crate" => Vec::new(),
        "super" => {
            let ups = segs.iter().take_while(|s| **s == "super").count();
            from[..from.len().checked_sub(ups)?].to_vec()
        }
        "self" => from.clone(),
        _ => return None,
    };
    target.extend(segs.iter().skip_while(|s| matches!(**s, "crate" | "super" | "self")).map(|s| s.to_string()));
    (0..=target.len()).rev().map(|n| target[..n].to_vec()).find(|m| modules.contains_key(m))
}

fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules = modules(src);
    let mut edges = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("read module");
        let to: BTreeSet<Module> = paths(&text)
            .iter()
            .filter_map(|p| resolve(p, module, &modules))
            .filter(|t| t != module && !t.is_empty())
            .collect();
        edges.insert(module.clone(), to);
    }
    edges
}

/// One cycle, as the module paths along it, if there is any.
fn find_cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        at: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        marks: &mut BTreeMap<Module, Mark>,
        trail: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        marks.insert(at.clone(), Mark::Open);
        trail.push(at.clone());
        for next in edges.get(at).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let start = trail.iter().position(|m| m == next).unwrap_or(0);
                    return Some(trail[start..].to_vec());
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(cycle) = visit(next, edges, marks, trail) {
                        return Some(cycle);
                    }
                }
            }
        }
        trail.pop();
        marks.insert(at.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for start in edges.keys() {
        if !marks.contains_key(start)
            && let Some(cycle) = visit(start, edges, &mut marks, &mut Vec::new())
        {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn imports_only_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    assert!(edges.len() > 50, "the walk found the modules: {}", edges.len());
    if let Some(cycle) = find_cycle(&edges) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        panic!("import cycle: {} -> {}", names.join(" -> "), names[0]);
    }
}

#[test]
fn the_graph_sees_use_items_written_paths_and_cycles() {
    assert_eq!(expand("a::{b, c::{d, e}}"), ["a::b", "a::c::d", "a::c::e"]);
    let found =
        paths("use super::x::{Y, z::W};\nfn f() { crate::q::r(); }\n// use super::gone;\n#[cfg(test)]\nuse super::t;");
    assert_eq!(found, ["super::x::Y", "super::x::z::W", "crate::q::r", "super::x::"]);
    let m = |s: &str| s.split("::").map(str::to_string).collect::<Module>();
    let mut edges = BTreeMap::new();
    edges.insert(m("a"), BTreeSet::from([m("b")]));
    edges.insert(m("b"), BTreeSet::from([m("c")]));
    edges.insert(m("c"), BTreeSet::new());
    assert_eq!(find_cycle(&edges), None);
    edges.insert(m("c"), BTreeSet::from([m("a")]));
    assert_eq!(find_cycle(&edges), Some(vec![m("a"), m("b"), m("c")]));
}
