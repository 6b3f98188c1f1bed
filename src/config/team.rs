//! The `[team]` section: who may act in which role.

use super::ctx::Ctx;
use super::raw::RawTeam;
use super::*;
use crate::domain::checklist::team::{Member, Team, fold_name};

/// The longest name a journal line keeps (longer ones are cut as they are
/// read), so a longer name in `[team]` could never match anyone.
const MAX_NAME_CHARS: usize = 40;

impl Ctx<'_> {
    /// Keys are `team.NAME`. A name is refused when no journal line could
    /// carry it, or when it is another member's written in other letter case;
    /// each role must be one of the four, once.
    pub(super) fn team(&self, raw: &Spanned<RawTeam>) -> Option<Team> {
        if raw.get_ref().0.is_empty() {
            self.note(self.err(
                raw,
                "team",
                "names no one, so no line would count; list people as `name = [\"rm\"]`, or remove the section".into(),
            ));
            return None;
        }
        let mut members: Vec<Member> = Vec::new();
        let mut ok = true;
        for (written, roles) in &raw.get_ref().0 {
            match self.member(written, roles, &members) {
                Ok(m) => members.push(m),
                Err(e) => {
                    self.note(e);
                    ok = false;
                }
            }
        }
        ok.then(|| Team::new(members))
    }

    fn member(
        &self,
        written: &str,
        roles: &Spanned<Vec<Spanned<String>>>,
        before: &[Member],
    ) -> Result<Member, ConfigError> {
        let name = written.trim();
        let key = format!("team.{name}");
        // The key itself has no span: point at it on its line if it can
        // be found, else at its list.
        let at = |message: String| match locate::find_key(self.src, "team", written) {
            Some(at) => self.err_span(&(at..at), &key, message),
            None => self.err(roles, &key, message),
        };
        if name.is_empty() {
            return Err(at("a name must not be empty".into()));
        }
        if name.chars().any(char::is_control) {
            return Err(at("a name must not contain control characters".into()));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(at(format!("a name has at most {MAX_NAME_CHARS} characters, as on journal lines")));
        }
        if let Some(same) = before.iter().find(|m| fold_name(&m.name) == fold_name(name)) {
            return Err(at(format!("`{name}` is `{}` again: names match without regard to letter case", same.name)));
        }
        let mut given: Vec<Role> = Vec::new();
        for role in roles.get_ref() {
            let r = role.get_ref().parse::<Role>().map_err(|e| self.err(role, &key, e.to_string()))?;
            if given.contains(&r) {
                return Err(self.err(role, &key, format!("`{}` is listed twice", r.as_str())));
            }
            given.push(r);
        }
        Ok(Member { name: name.to_string(), roles: given })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RELEASE: &str = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n";

    fn parse(team: &str) -> Result<Config, String> {
        Config::parse(&format!("{RELEASE}\n[team]\n{team}"), "t.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn members_and_their_roles() {
        let c = parse("alice = [\"rm\"]\nbob = [\"QA\"]\n\"Carol Jones\" = [\"ops\", \"rm\"]\ndave = []\n").unwrap();
        let team = c.team.expect("a team");
        let got: Vec<(&str, &[Role])> = team.members().iter().map(|m| (m.name.as_str(), m.roles.as_slice())).collect();
        assert_eq!(
            got,
            vec![
                ("alice", &[Role::Rm][..]),
                ("bob", &[Role::Qa][..]),
                ("Carol Jones", &[Role::Ops, Role::Rm][..]),
                ("dave", &[][..]),
            ]
        );
        assert!(team.allows("carol jones", Role::Ops));
        assert!(Config::parse(RELEASE, "t.toml").unwrap().team.is_none(), "no section, no team");
    }

    #[test]
    fn errors_name_the_line_the_key_and_what_is_wrong() {
        // [release] is 3 lines, then a blank line and [team]: members start on line 6.
        let err = parse("alice = [\"rm\"]\nbob = [\"qa\", \"boss\"]\n").unwrap_err();
        assert_eq!(err, "t.toml:7:14: team.bob: `boss` is not a role (rm, qa, ops or dev)");
        let err = parse("bob = [\"qa\", \"QA\"]\n").unwrap_err();
        assert_eq!(err, "t.toml:6:14: team.bob: `qa` is listed twice");
        let err = parse("alice = [\"rm\"]\nAlice = [\"qa\"]\n").unwrap_err();
        assert_eq!(err, "t.toml:7:1: team.Alice: `Alice` is `alice` again: names match without regard to letter case");
        let err = parse("\"  \" = [\"rm\"]\n").unwrap_err();
        assert!(err.starts_with("t.toml:6:") && err.contains("team.: a name must not be empty"), "{err}");
        let err = parse(&format!("{} = [\"rm\"]\n", "a".repeat(41))).unwrap_err();
        assert!(err.contains("at most 40 characters"), "{err}");
        let err = parse("bob = \"qa\"\n").unwrap_err();
        assert!(err.starts_with("t.toml:6:7: team.bob:") && err.contains("expected a sequence"), "{err}");
        let err = Config::parse(&format!("{RELEASE}\n[team]\n"), "t.toml").unwrap_err().to_string();
        assert!(err.starts_with("t.toml:5:1: team: names no one"), "{err}");
        let err = Config::parse(&format!("team = 3\n{RELEASE}"), "t.toml").unwrap_err().to_string();
        assert!(err.contains("team") && err.contains("expected a table of name = [\"role\", …]"), "{err}");
    }
}
