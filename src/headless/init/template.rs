//! The config `shipdeck init` writes: what it found, and each other section
//! as a commented example to fill in.

use super::Found;
use std::fmt::Write as _;

pub struct Answers {
    pub name: String,
    pub push_day: String,
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub fn config(a: &Answers, repos: &[Found]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# shipdeck config, written by `shipdeck init`. `shipdeck check` says what is wrong.");
    let _ = writeln!(out, "# The README's Configuration reference lists every key.");
    let _ = writeln!(out);
    let _ = writeln!(out, "[release]");
    let _ = writeln!(out, "name = {}", quoted(&a.name));
    let _ = writeln!(out, "# The weekday of the push; each push is tagged with its date.");
    let _ = writeln!(out, "push_day = {}", quoted(&a.push_day));
    let _ = writeln!(out, "tag_format = \"%Y.%m.%d\"");
    let _ = writeln!(out, "environments = [\"stage\", \"prod\"]");
    let _ = writeln!(out, "# window = \"15:00-17:00\"          # the maintenance window, local time");
    let _ = writeln!(out, "# rotation = [\"alice\", \"bob\"]     # who is push hero, week by week");
    for r in repos {
        let _ = writeln!(out);
        let _ = writeln!(out, "[[repos]]");
        let _ = writeln!(out, "name = {}", quoted(&r.name));
        let _ = writeln!(out, "path = {}", quoted(&r.path));
        match &r.web_url {
            Some(u) => {
                let _ = writeln!(out, "web_url = {}  # from the origin remote: compare links", quoted(u));
            }
            None => {
                let _ = writeln!(out, "# web_url = \"https://github.com/OWNER/NAME\"  # for compare links");
            }
        }
        let _ = writeln!(out, "# branch = \"main\"                 # default: the remote's default branch");
    }
    if repos.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "# [[repos]]");
        let _ = writeln!(out, "# name = \"web\"");
        let _ = writeln!(out, "# path = \"../web\"");
    }
    out.push_str(COMMENTED);
    out
}

/// The sections `init` cannot guess.
const COMMENTED: &str = r#"
# Each service and where its Dockerflow /__version__ is, per environment.
# [[services]]
# name = "web"
# repo = "web"                       # the [[repos]] entry it is built from
# [services.envs]
# stage = "https://stage.example.org/__version__"
# prod = "https://example.org/__version__"

# Sentry: the token is read from $SENTRY_AUTH_TOKEN (or token_env / token_file), never written here.
# [sentry]
# org = "my-org"
# projects = [{ slug = "web", service = "web" }]

# Who may act in which role (rm, qa, ops, dev); without it every line counts.
# [team]
# alice = ["rm"]
# bob = ["qa"]

# Share the push with the team through a git remote everyone can push to.
# [share]
# remote = "git@github.com:my-org/shipdeck-sessions.git"

# Personal settings ([user], [keys], [ui]) belong in your personal file
# (~/.config/shipdeck/personal.toml), not in the team's config.
"#;
