//! What is risky in a push: `[risk] paths`, glob patterns of files whose
//! change deserves a word with Ops (data migrations, pinned requirements),
//! and the commits in the push's compare range that touch them.
//!
//! The matching rule, as in `.gitignore`, on paths relative to the
//! repository's root with `/` between names; case counts:
//!
//! - `*` matches any run of characters but `/`; `?` one character but `/`;
//!   every other character matches itself.
//! - `**` as a whole name spans directories: `**/` at the start matches any
//!   leading directories (or none), `/**/` in the middle zero or more, and
//!   `/**` at the end everything inside (at least one name). Elsewhere `**`
//!   is `*`.
//! - A pattern with no `/` (a trailing one aside) matches a name at any
//!   depth: the file's, or a directory's on its path, which covers
//!   everything inside it. A trailing `/` matches directories only.
//! - A pattern with a `/` at the start or in the middle is anchored at the
//!   root (a leading `/` is dropped) and matches the whole path, or a
//!   directory the path is inside.

use serde::Serialize;

/// The patterns when `[risk]` is absent.
pub const DEFAULT_PATHS: [&str; 2] = ["**/migrations/**", "requirements*.txt"];

/// At most this many paths are kept for each risky commit, to say what it touched.
pub const PATHS_KEPT: usize = 5;

/// One `[risk] paths` entry, ready to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskPattern {
    /// As written in the config.
    pub pattern: String,
    /// What the risk is called: the pattern's last name that is not only
    /// wildcards ("migrations", "requirements*.txt").
    pub name: String,
    names: Vec<String>,
    anchored: bool,
    dir_only: bool,
}

impl RiskPattern {
    pub fn new(pattern: &str) -> RiskPattern {
        let dir_only = pattern.ends_with('/');
        let trimmed = pattern.trim_end_matches('/');
        let anchored = trimmed.contains('/');
        let names: Vec<String> =
            trimmed.trim_start_matches('/').split('/').filter(|n| !n.is_empty()).map(String::from).collect();
        let name = names
            .iter()
            .rev()
            .find(|n| n.chars().any(|c| c != '*' && c != '?'))
            .cloned()
            .unwrap_or_else(|| pattern.to_string());
        RiskPattern { pattern: pattern.to_string(), name, names, anchored, dir_only }
    }

    /// Whether the file at `path` (relative to the root) matches.
    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if parts.is_empty() || self.names.is_empty() {
            return false;
        }
        // The file's own name is no directory.
        let dirs = parts.len() - 1;
        if !self.anchored {
            let last = if self.dir_only { dirs } else { parts.len() };
            return parts[..last].iter().any(|p| name_matches(&self.names[0], p));
        }
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        // The whole path, or a directory it is inside.
        let whole = !self.dir_only && names_match(&names, &parts);
        whole || (1..=dirs).any(|n| names_match(&names, &parts[..n]))
    }
}

/// Names against names, `**` spanning any number of them.
fn names_match(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        // At the end: everything inside, at least one name.
        Some((&"**", [])) => !path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| names_match(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((name, more)) => name_matches(first, name) && names_match(rest, more),
            None => false,
        },
    }
}

/// One name against one pattern name: `*` any run, `?` one character.
fn name_matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // The classic two-pointer wildcard match, backtracking to the last `*`.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// `[risk] paths`, in the config's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskRules {
    pub patterns: Vec<RiskPattern>,
}

impl Default for RiskRules {
    fn default() -> Self {
        RiskRules::new(DEFAULT_PATHS)
    }
}

impl RiskRules {
    pub fn new<S: AsRef<str>>(patterns: impl IntoIterator<Item = S>) -> Self {
        RiskRules { patterns: patterns.into_iter().map(|p| RiskPattern::new(p.as_ref())).collect() }
    }

    pub fn is_off(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The names of the risks `path` is one of, in the config's order.
    pub fn risks_of<'a>(&'a self, path: &str) -> impl Iterator<Item = &'a str> {
        self.patterns.iter().filter(move |p| p.matches(path)).map(|p| p.name.as_str())
    }
}

/// A commit in the push's range that touches a risky path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskyCommit {
    pub sha: String,
    pub summary: String,
    /// The risks' names, in the config's order, each once.
    pub risks: Vec<String>,
    /// Some of the paths it touched that match ([`PATHS_KEPT`] at most).
    pub paths: Vec<String>,
}

/// `(risk, commits)` over the push's risky commits, the most touched first
/// (ties in the order they appear): "migrations: 2 commits".
pub fn by_risk(risky: &[RiskyCommit]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for c in risky {
        for r in &c.risks {
            match out.iter_mut().find(|(name, _)| name == r) {
                Some((_, n)) => *n += 1,
                None => out.push((r.clone(), 1)),
            }
        }
    }
    out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    out
}

/// "⚠ 2 commits touch migrations, 1 commit touches requirements*.txt".
pub fn summary(risky: &[RiskyCommit]) -> Option<String> {
    let parts: Vec<String> = by_risk(risky)
        .into_iter()
        .map(|(name, n)| {
            let verb = if n == 1 { "touches" } else { "touch" };
            format!("{} {verb} {name}", super::commits(n))
        })
        .collect();
    (!parts.is_empty()).then(|| format!("⚠ {}", parts.join(", ")))
}

/// What the "risky changes reviewed" checklist item shows: per risk, how
/// many commits, then which ("migrations: 2 commits, requirements*.txt: 1
/// commit — addons-server 1ee8fb7, 5c0ffee"); `None` while no scanned
/// repository has a risky commit in its push.
pub fn review_evidence(repos: &super::Repos) -> Option<String> {
    let scanned: Vec<(&str, &[RiskyCommit])> = repos
        .rows
        .iter()
        .filter_map(|r| Some((r.spec.name.as_str(), r.status.value()?.risky.as_slice())))
        .filter(|(_, risky)| !risky.is_empty())
        .collect();
    if scanned.is_empty() {
        return None;
    }
    let all: Vec<RiskyCommit> = scanned.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
    let counts: Vec<String> =
        by_risk(&all).into_iter().map(|(name, n)| format!("{name}: {}", super::commits(n))).collect();
    let which: Vec<String> = scanned
        .iter()
        .map(|(repo, risky)| {
            let shas: Vec<&str> = risky.iter().map(|c| crate::domain::rollout::probe::short_sha(&c.sha)).collect();
            format!("{repo} {}", shas.join(", "))
        })
        .collect();
    Some(format!("{} — {}", counts.join(", "), which.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        RiskPattern::new(pattern).matches(path)
    }

    #[test]
    fn a_pattern_without_a_slash_matches_a_name_at_any_depth() {
        assert!(m("requirements*.txt", "requirements.txt"));
        assert!(m("requirements*.txt", "requirements-dev.txt"));
        assert!(m("requirements*.txt", "deploy/pip/requirements-prod.txt"));
        assert!(!m("requirements*.txt", "requirements.txt.bak"));
        assert!(!m("requirements*.txt", "docs/requirements/x.txt"), "* never crosses a /");
        // A directory of that name covers what is inside it.
        assert!(m("migrations", "src/olympia/migrations/0042_add.py"));
        assert!(m("migrations/", "src/migrations/0042.py"));
        assert!(!m("migrations/", "src/migrations"), "a trailing / matches directories only");
        assert!(m("?.sql", "db/a.sql") && !m("?.sql", "db/ab.sql"));
        assert!(!m("Migrations", "migrations/x.py"), "case counts");
    }

    #[test]
    fn double_star_spans_directories_and_a_slash_anchors() {
        let p = "**/migrations/**";
        assert!(m(p, "migrations/0001_initial.py"), "**/ matches no directory too");
        assert!(m(p, "src/olympia/addons/migrations/0042_x.py"));
        assert!(m(p, "a/migrations/deep/er/x.sql"));
        assert!(!m(p, "src/migrations"), "/** needs something inside");
        assert!(!m(p, "src/migrationsx/1.py"));
        assert!(m("src/**/schema.rb", "src/schema.rb"), "/**/ matches zero directories");
        assert!(m("src/**/schema.rb", "src/a/b/schema.rb"));
        assert!(!m("src/**/schema.rb", "lib/src/schema.rb"), "anchored at the root");
        assert!(m("/db/*.sql", "db/1.sql") && !m("/db/*.sql", "x/db/1.sql"));
        assert!(!m("db/*.sql", "db/sub/1.sql"), "* stays inside one name");
        assert!(m("db/seed", "db/seed/a.sql"), "an anchored directory covers its files");
        assert!(m("a**b/x", "aXYb/x"), "** inside a name is *");
    }

    #[test]
    fn a_risk_is_named_by_the_patterns_last_literal_name() {
        let names: Vec<String> = RiskRules::default().patterns.into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["migrations", "requirements*.txt"]);
        assert_eq!(RiskPattern::new("src/**/*").name, "src");
        assert_eq!(RiskPattern::new("**").name, "**");
        assert!(RiskRules::new(Vec::<String>::new()).is_off());
    }

    #[test]
    fn the_summary_counts_commits_per_risk() {
        let c = |risks: &[&str]| RiskyCommit {
            sha: "a".into(),
            summary: String::new(),
            risks: risks.iter().map(|r| r.to_string()).collect(),
            paths: Vec::new(),
        };
        let risky = [
            c(&["requirements*.txt"]),
            c(&["migrations"]),
            c(&["migrations", "requirements*.txt"]),
            c(&["migrations"]),
        ];
        assert_eq!(summary(&risky).unwrap(), "⚠ 3 commits touch migrations, 2 commits touch requirements*.txt");
        let one = [c(&["requirements*.txt"])];
        assert_eq!(summary(&one).unwrap(), "⚠ 1 commit touches requirements*.txt");
        assert_eq!(summary(&[]), None);
    }
}
