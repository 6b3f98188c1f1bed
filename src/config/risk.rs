//! `[risk]`: the paths whose change in a push deserves a review with Ops.
//! Absent, the defaults (`**/migrations/**`, `requirements*.txt`); `paths =
//! []` turns the flags off. The matching rule is `domain::repos::risk`'s.

use super::ctx::Ctx;
use super::raw::RawRisk;
use crate::domain::repos::risk::RiskRules;
use toml::Spanned;

impl Ctx<'_> {
    pub(super) fn risk(&self, raw: Option<&Spanned<RawRisk>>) -> RiskRules {
        let Some(raw) = raw else { return RiskRules::default() };
        let Some(paths) = &raw.get_ref().paths else { return RiskRules::default() };
        let mut kept = Vec::new();
        for p in paths {
            let pattern = p.get_ref().trim();
            if pattern.is_empty() || pattern.split('/').all(str::is_empty) {
                self.note(self.err(p, "risk.paths", "an empty pattern matches nothing; leave it out".into()));
            } else if pattern.contains('\\') {
                let message = format!("`{pattern}`: a pattern has no escapes; paths use `/`");
                self.note(self.err(p, "risk.paths", message));
            } else {
                kept.push(pattern.to_string());
            }
        }
        RiskRules::new(kept)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn load(extra: &str) -> Result<Config, String> {
        let src = format!("[release]\nname = \"X\"\npush_day = \"thursday\"\n{extra}");
        Config::parse(&src, "shipdeck.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn risk_paths_default_turn_off_and_are_checked() {
        let names = |c: &Config| c.risk.patterns.iter().map(|p| p.pattern.clone()).collect::<Vec<_>>();
        assert_eq!(names(&load("").unwrap()), ["**/migrations/**", "requirements*.txt"]);
        assert!(load("[risk]\npaths = []\n").unwrap().risk.is_off());
        assert_eq!(names(&load("[risk]\npaths = [\"db/schema.rb\"]\n").unwrap()), ["db/schema.rb"]);
        let e = load("[risk]\npaths = [\"migrations\", \" \"]\n").unwrap_err();
        assert!(e.contains("risk.paths: an empty pattern matches nothing"), "{e}");
        assert!(load("[risk]\npath = []\n").unwrap_err().contains("unknown field `path`"));
    }
}
