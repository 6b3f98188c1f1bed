//! `[sentry]`: where the Sentry API is, which projects to watch, where the
//! token comes from (never the token itself), and the spike thresholds.

use super::ConfigError;
use super::ctx::Ctx;
use super::raw::{RawSentry, RawSentryProject};
use crate::domain::model::ServiceSpec;
use crate::domain::sentry::{ProjectSpec, SentrySpec};
use std::path::PathBuf;
use std::time::Duration;
use toml::Spanned;

/// Where the token is read from, when the cockpit starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env(String),
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SentryConfig {
    pub spec: SentrySpec,
    pub token: TokenSource,
}

/// `scheme://user:pass@host/…` without `user:pass@`. Text that is not a URL
/// is kept, redacted, for the error that names it.
pub fn without_userinfo(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => crate::domain::kernel::redact::without_userinfo(&u).to_string(),
        Err(_) => crate::domain::kernel::redact::url(url),
    }
}

/// Sentry's own CLI reads the token from here too.
pub const DEFAULT_TOKEN_ENV: &str = "SENTRY_AUTH_TOKEN";

impl Ctx<'_> {
    /// Each key checked on its own; `None` when any was wrong (noted).
    /// `services` is `None` when they could not be read: a project's link
    /// to one is then not checked.
    pub(super) fn sentry(&self, raw: &Spanned<RawSentry>, services: Option<&[ServiceSpec]>) -> Option<SentryConfig> {
        let r = raw.get_ref();
        let before = self.found();
        self.mark("sentry", &raw.span());
        let url = match &r.url {
            // Only the Bearer token authenticates to Sentry; userinfo would
            // add a second (Basic) header and be shown wherever the URL is.
            Some(u) => self.keep(self.url(u, "sentry.url")).map(|u| without_userinfo(&u)),
            None => Some("https://sentry.io".to_string()),
        };
        let org = r.org.get_ref().trim().to_string();
        if !slug_chars(&org) {
            let message = format!("`{org}` is not an organization slug (a-z, 0-9, - and _)");
            self.note(self.err(&r.org, "sentry.org", message));
        }
        let projects = self.projects(raw, services);
        let token = self.keep(self.token_source(r));
        let interval = self.or(self.duration(&r.interval, "sentry.interval", Duration::from_secs(60)), Duration::MAX);
        let push_interval = self.or(
            self.duration(&r.push_interval, "sentry.push_interval", interval.min(Duration::from_secs(20))),
            Duration::MAX,
        );
        for (v, key, d) in
            [(&r.interval, "sentry.interval", interval), (&r.push_interval, "sentry.push_interval", push_interval)]
        {
            // An unset push_interval below 5s follows a short interval, which is the one to blame.
            if let Some(v) = v
                && d < Duration::from_secs(5)
            {
                self.note(self.err(v, key, "must be at least 5s (Sentry rate-limits its API)".into()));
            }
        }
        let spike_ratio = match &r.spike_ratio {
            Some(v) if !(*v.get_ref() > 1.0 && v.get_ref().is_finite()) => {
                self.note(self.err(v, "sentry.spike_ratio", format!("{} must be more than 1.0", v.get_ref())));
                None
            }
            Some(v) => Some(*v.get_ref()),
            None => Some(2.0),
        };
        let min_count = match &r.min_count {
            Some(v) if *v.get_ref() < 1 => {
                self.note(self.err(v, "sentry.min_count", format!("{} must be at least 1", v.get_ref())));
                None
            }
            Some(v) => Some(*v.get_ref() as u64),
            None => Some(20),
        };
        let environment = r.environment.as_ref().map(|e| e.get_ref().trim().to_string()).filter(|e| !e.is_empty());
        if self.found() > before {
            return None;
        }
        Some(SentryConfig {
            spec: SentrySpec {
                url: url?,
                org,
                environment,
                projects: projects?,
                interval,
                push_interval,
                spike_ratio: spike_ratio?,
                min_count: min_count?,
                record_deploys: r.record_deploys.unwrap_or(false),
            },
            token: token?,
        })
    }

    fn projects(&self, raw: &Spanned<RawSentry>, services: Option<&[ServiceSpec]>) -> Option<Vec<ProjectSpec>> {
        let r = raw.get_ref();
        if r.projects.is_empty() {
            self.note(self.err(raw, "sentry.projects", "must list at least one project slug".into()));
            return None;
        }
        let mut projects: Vec<ProjectSpec> = Vec::new();
        let mut ok = true;
        for (i, p) in r.projects.iter().enumerate() {
            let key = format!("sentry.projects[{i}]");
            let (slug, service) = match p.get_ref() {
                RawSentryProject::Slug(s) => (s.trim().to_string(), None),
                RawSentryProject::Linked(l) => (l.slug.trim().to_string(), l.service.clone()),
            };
            let problem = if !slug_chars(&slug) {
                Some(self.err(p, &key, format!("`{slug}` is not a project slug")))
            } else if projects.iter().any(|x| x.slug == slug) {
                Some(self.err(p, &key, format!("project `{slug}` is listed twice")))
            } else if let (Some(s), Some(services)) = (&service, services)
                && !services.iter().any(|x| &x.name == s)
            {
                Some(self.err(p, &format!("{key}.service"), format!("no [[services]] entry is named `{s}`")))
            } else {
                None
            };
            match problem {
                Some(e) => {
                    self.note(e);
                    ok = false;
                }
                None => projects.push(ProjectSpec { slug, service }),
            }
        }
        ok.then_some(projects)
    }

    fn token_source(&self, r: &RawSentry) -> Result<TokenSource, ConfigError> {
        if let Some(e) = &r.token_env {
            self.mark("sentry.token_env", &e.span());
        }
        if let Some(f) = &r.token_file {
            self.mark("sentry.token_file", &f.span());
        }
        Ok(match (&r.token_env, &r.token_file) {
            (Some(e), Some(_)) => {
                return Err(self.err(e, "sentry.token_env", "give token_env or token_file, not both".into()));
            }
            (Some(e), None) if e.get_ref().trim().is_empty() => {
                return Err(self.err(e, "sentry.token_env", "must name an environment variable".into()));
            }
            (Some(e), None) => TokenSource::Env(e.get_ref().trim().to_string()),
            (None, Some(f)) => TokenSource::File(PathBuf::from(self.expand_path(f.get_ref().trim()))),
            (None, None) => TokenSource::Env(DEFAULT_TOKEN_ENV.to_string()),
        })
    }
}

fn slug_chars(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::without_userinfo;

    #[test]
    fn the_base_url_loses_its_userinfo() {
        assert_eq!(without_userinfo("https://user:SECRETPW@sentry.example/"), "https://sentry.example/");
        assert_eq!(without_userinfo("http://tok@127.0.0.1:9000"), "http://127.0.0.1:9000/");
        assert_eq!(without_userinfo("https://sentry.io"), "https://sentry.io/");
        assert_eq!(without_userinfo("not a url://u:SECRETPW@x"), "not a url://u:***@x");
    }
}
