//! What can be wrong with a config, and each problem as a place (file, line,
//! column, key) and a message, for `shipdeck check` to print or give as JSON.

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: {key}: {message}")]
    Invalid { path: String, line: usize, column: usize, key: String, message: String },
    #[error(
        "no config found (looked at {looked}); pass --config PATH, or run `shipdeck demo` to try shipdeck without one"
    )]
    NotFound { looked: String },
    /// Every problem one reading found, in file order, one per line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<ConfigError>),
}

/// One problem, placed where it is. `line`, `column` and `key` are missing
/// when the problem is with the file as a whole (it cannot be read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    /// One error as itself, several as [`ConfigError::Several`]: file by
    /// file as they first come, each file's in the order of its lines.
    pub fn all(mut found: Vec<ConfigError>) -> ConfigError {
        let mut files: Vec<String> = Vec::new();
        for e in &found {
            let f = e.file().to_string();
            if !files.contains(&f) {
                files.push(f);
            }
        }
        let at = |e: &ConfigError| {
            let file = files.iter().position(|f| f == e.file()).unwrap_or(0);
            match e {
                ConfigError::Invalid { line, column, .. } => (file, *line, *column),
                _ => (file, 0, 0),
            }
        };
        found.sort_by_key(at);
        if found.len() == 1 {
            return found.pop().expect("one");
        }
        ConfigError::Several(found)
    }

    fn file(&self) -> &str {
        match self {
            ConfigError::Read { path, .. } | ConfigError::Invalid { path, .. } => path,
            ConfigError::NotFound { .. } | ConfigError::Several(_) => "",
        }
    }

    /// How many problems this is.
    pub fn count(&self) -> usize {
        match self {
            ConfigError::Several(all) => all.len(),
            _ => 1,
        }
    }

    pub fn problems(&self) -> Vec<Problem> {
        match self {
            ConfigError::Several(all) => all.iter().flat_map(ConfigError::problems).collect(),
            ConfigError::Invalid { path, line, column, key, message } => vec![Problem {
                file: path.clone(),
                line: Some(*line),
                column: Some(*column),
                key: Some(key.clone()),
                message: message.clone(),
            }],
            ConfigError::Read { path, source } => {
                vec![Problem::whole(path, format!("cannot read config: {source}"))]
            }
            ConfigError::NotFound { .. } => vec![Problem::whole("", self.to_string())],
        }
    }
}

impl Problem {
    /// A problem with a file as a whole, or with something it names.
    pub fn whole(file: &str, message: String) -> Problem {
        Problem { file: file.to_string(), line: None, column: None, key: None, message }
    }

    /// `file:line:column: key: message`, leaving out what is not known.
    pub fn line(&self) -> String {
        let mut out = self.file.clone();
        if let (Some(l), Some(c)) = (self.line, self.column) {
            out.push_str(&format!(":{l}:{c}"));
        }
        if let Some(k) = &self.key {
            out.push_str(&format!(": {k}"));
        }
        if out.is_empty() { self.message.clone() } else { format!("{out}: {}", self.message) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, key: &str) -> ConfigError {
        ConfigError::Invalid { path: "t.toml".into(), line, column: 3, key: key.into(), message: "wrong".into() }
    }

    #[test]
    fn several_problems_read_in_file_order_one_per_line() {
        let e = ConfigError::all(vec![at(9, "b"), at(2, "a")]);
        assert_eq!(e.count(), 2);
        assert_eq!(e.to_string(), "t.toml:2:3: a: wrong\nt.toml:9:3: b: wrong");
        let p = e.problems();
        assert_eq!(p[1].line(), "t.toml:9:3: b: wrong");
        assert_eq!(ConfigError::all(vec![at(4, "c")]).to_string(), "t.toml:4:3: c: wrong", "one is itself");
        assert_eq!(Problem::whole("x.toml", "gone".into()).line(), "x.toml: gone");
    }
}
