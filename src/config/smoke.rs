//! `[[smoke]]`: the checks made of each service after its version flips and
//! on demand. Each key is checked on its own, errors placed at the value.

use super::ConfigError;
use super::ctx::Ctx;
use super::raw::{RawSmoke, RawSmokeValue};
use crate::domain::model::ServiceSpec;
use crate::domain::smoke::{SmokeSpec, SmokeTarget};
use std::time::Duration;
use toml::Spanned;

/// A check waits this long for its answer unless it says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// A check that waits longer than this holds the checklist item hostage.
const MAX_TIMEOUT: Duration = Duration::from_secs(300);

impl Ctx<'_> {
    /// Every entry checked; `None` for one that was wrong (noted).
    /// `services` and `envs` are `None` when they could not be read: names
    /// are then not checked against them.
    pub(super) fn smoke(
        &self,
        raw: &[Spanned<RawSmoke>],
        services: Option<&[ServiceSpec]>,
        envs: Option<&[String]>,
    ) -> Vec<SmokeSpec> {
        raw.iter().enumerate().filter_map(|(i, s)| self.keep(self.smoke_entry(i, s, services, envs))).collect()
    }

    fn smoke_entry(
        &self,
        i: usize,
        raw: &Spanned<RawSmoke>,
        services: Option<&[ServiceSpec]>,
        envs: Option<&[String]>,
    ) -> Result<SmokeSpec, ConfigError> {
        let r = raw.get_ref();
        let key = |k: &str| format!("smoke[{i}].{k}");
        let service = match &r.service {
            Some(s) if services.is_some_and(|list| !list.iter().any(|x| x.name == s.get_ref().trim())) => {
                return Err(self.err(s, &key("service"), format!("no [[services]] entry is named `{}`", s.get_ref())));
            }
            Some(s) => Some(s.get_ref().trim().to_string()),
            None => None,
        };
        let env = match &r.env {
            Some(e) if envs.is_some_and(|list| !list.iter().any(|x| x == e.get_ref().trim())) => {
                let message = format!("`{}` is not an environment ({:?})", e.get_ref(), envs.unwrap_or_default());
                return Err(self.err(e, &key("env"), message));
            }
            Some(e) => Some(e.get_ref().trim().to_string()),
            None => None,
        };
        let target = match (&r.path, &r.url) {
            (Some(p), None) if !p.get_ref().starts_with('/') => {
                let message = format!("`{}` must start with `/` (it is joined to the service's base URL)", p.get_ref());
                return Err(self.err(p, &key("path"), message));
            }
            (Some(p), None) => SmokeTarget::Path(p.get_ref().clone()),
            (None, Some(u)) => SmokeTarget::Url(self.url_template(u, &key("url"))?),
            (Some(p), Some(_)) => return Err(self.err(p, &key("path"), "give path or url, not both".into())),
            (None, None) => return Err(self.err(raw, &format!("smoke[{i}]"), "needs a path or a url".into())),
        };
        let expect_status = match &r.expect_status {
            Some(s) if !(100..=599).contains(s.get_ref()) => {
                return Err(self.err(s, &key("expect_status"), format!("{} is not an HTTP status", s.get_ref())));
            }
            Some(s) => *s.get_ref() as u16,
            None => 200,
        };
        let mut json = Vec::new();
        if let Some(table) = &r.json {
            for (pointer, value) in table.get_ref() {
                if !(pointer.is_empty() || pointer.starts_with('/')) {
                    let message = format!("`{pointer}` is not a JSON pointer (RFC 6901: empty, or starting with `/`)");
                    return Err(self.err(table, &key("json"), message));
                }
                let text = match value {
                    RawSmokeValue::Text(s) => s.clone(),
                    RawSmokeValue::Integer(n) => n.to_string(),
                    RawSmokeValue::Float(f) => f.to_string(),
                    RawSmokeValue::Bool(b) => b.to_string(),
                };
                json.push((pointer.clone(), text));
            }
        }
        let timeout = self.duration(&r.timeout, &key("timeout"), DEFAULT_TIMEOUT)?;
        if let Some(t) = &r.timeout
            && timeout > MAX_TIMEOUT
        {
            return Err(self.err(t, &key("timeout"), "must be at most 5m".into()));
        }
        let contains = r.contains.as_ref().map(|c| c.get_ref().clone());
        if let Some(c) = r.contains.as_ref().filter(|c| c.get_ref().is_empty()) {
            return Err(self.err(c, &key("contains"), "must not be empty".into()));
        }
        Ok(SmokeSpec { service, env, target, expect_status, contains, json, timeout })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use crate::domain::smoke::SmokeTarget;

    const BASE: &str = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n\n[[services]]\nname = \"web\"\n[services.envs]\nprod = \"https://p/__version__\"\n\n";

    fn parse(extra: &str) -> Result<Config, String> {
        Config::parse(&format!("{BASE}{extra}"), "/etc/team/shipdeck.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn a_url_keeps_its_placeholders_as_written() {
        let written = "https://{service}.example/addons-linter/{env}/api/status?v={tag}";
        let c = parse(&format!("[[smoke]]\nurl = \"{written}\"\n")).unwrap();
        assert_eq!(c.smoke[0].target, SmokeTarget::Url(written.into()));
        assert_eq!(c.smoke[0].label(), written);
    }

    #[test]
    fn a_bad_url_with_placeholders_is_placed_and_quoted_as_written() {
        for (url, says) in [("nope/{env}", "`nope/{env}` is not a URL"), ("ftp://h/{env}", "not an http(s) URL")] {
            let e = parse(&format!("[[smoke]]\nurl = \"{url}\"\n")).unwrap_err();
            assert!(e.contains(":11:") && e.contains("smoke[0].url") && e.contains(says), "{url}: {e}");
        }
    }
}
