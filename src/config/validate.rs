//! Turning the raw TOML into a checked [`Config`](super::Config): release,
//! poll, services, and the parts with their own files.

use super::ctx::Ctx;
use super::document::Unread;
use super::raw::RawConfig;
use super::*;

impl Ctx<'_> {
    /// Every key is checked whatever was wrong before it; a wrong one is
    /// noted and a stand-in value lets the rest go on. The caller refuses the
    /// result when anything was noted.
    pub(super) fn validate(&self, raw: RawConfig, unread: Unread) -> Config {
        let r = raw.release;
        if r.name.trim().is_empty() {
            let at = locate::find_key(self.src, "release", "name").unwrap_or(0);
            self.note(self.err_span(&(at..at), "release.name", "must not be empty".into()));
        }
        let push_day = self.or(
            parse_weekday(r.push_day.get_ref()).ok_or_else(|| {
                self.err(&r.push_day, "release.push_day", format!("`{}` is not a weekday", r.push_day.get_ref()))
            }),
            Weekday::Mon,
        );
        let tag_format = match &r.tag_format {
            Some(f) => self.or(self.tag_format(f).map(|()| f.get_ref().clone()), DEFAULT_TAG_FORMAT.to_string()),
            None => DEFAULT_TAG_FORMAT.to_string(),
        };
        let window = r.window.as_ref().and_then(|w| {
            self.keep(parse_window(w.get_ref()).map_err(|e| self.err(w, "release.window", e.to_string())))
        });

        let defaults = PollConfig::default();
        let p = &raw.poll;
        let interval = self.or(self.duration(&p.interval, "poll.interval", defaults.interval), defaults.interval);
        if interval < Duration::from_millis(100) {
            self.note(self.err(p.interval.as_ref().expect("set"), "poll.interval", "must be at least 100ms".into()));
        }
        let timeout = self.or(self.duration(&p.timeout, "poll.timeout", defaults.timeout), defaults.timeout);
        let default_connect = defaults.connect_timeout.min(timeout);
        let connect_timeout =
            self.or(self.duration(&p.connect_timeout, "poll.connect_timeout", default_connect), default_connect);
        let git_timeout = self.duration(&raw.git.timeout, "git.timeout", GitConfig::DEFAULT_TIMEOUT);
        let git = GitConfig { timeout: self.or(git_timeout, GitConfig::DEFAULT_TIMEOUT) };
        let after = crate::domain::history::fold::DEFAULT_AFTER.to_std().expect("positive");
        let known_good_after = self.duration(&raw.rollback.known_good_after, "rollback.known_good_after", after);
        let known_good_after = self.or(known_good_after, after);
        let share = raw.share.as_ref().and_then(|sh| self.keep(self.share(sh)));
        let concurrency = match &p.concurrency {
            Some(c) if !(1..=1024).contains(c.get_ref()) => {
                self.note(self.err(c, "poll.concurrency", format!("{} is not between 1 and 1024", c.get_ref())));
                defaults.concurrency
            }
            Some(c) => *c.get_ref() as usize,
            None => defaults.concurrency,
        };

        let declared = r.environments.as_ref().and_then(|envs| self.keep(self.environments(envs)));
        let mut services: Vec<ServiceSpec> = Vec::new();
        let mut environments = declared.clone().unwrap_or_default();
        for (i, s) in raw.services.iter().enumerate() {
            if let Some(spec) = self.keep(self.service(i, s, &services, declared.as_deref(), &mut environments)) {
                services.push(spec);
            }
        }
        let repos = self.repos(&raw.repos);
        if !unread.repos {
            for raw_s in &raw.services {
                let Some(r) = &raw_s.repo else { continue };
                let name = raw_s.name.get_ref().trim();
                let Some(s) = services.iter_mut().find(|s| s.name == name) else { continue };
                if repos.iter().any(|x| &x.name == r.get_ref()) {
                    s.repo = Some(r.get_ref().clone());
                } else {
                    let message = format!("no [[repos]] entry is named `{}`", r.get_ref());
                    self.note(self.err(r, &format!("services.{name}.repo"), message));
                }
            }
        }
        if environments.is_empty() {
            environments = vec!["stage".into(), "prod".into()];
        }
        // Unread services leave the environments unknown: not checked against.
        let envs_known = declared.is_some() || !unread.services;
        let checklist = raw.checklist.as_ref().and_then(|c| self.checklist(c, envs_known.then_some(&environments[..])));
        let sentry = raw.sentry.as_ref().and_then(|s| self.sentry(s, (!unread.services).then_some(&services[..])));
        let team = raw.team.as_ref().and_then(|t| self.team(t));
        let deploy = match &raw.deploy {
            Some(d) => {
                self.deploy(d, envs_known.then_some(&environments[..]), (!unread.services).then_some(&services[..]))
            }
            None => Vec::new(),
        };
        let smoke = self.smoke(
            &raw.smoke,
            (!unread.services).then_some(&services[..]),
            envs_known.then_some(&environments[..]),
        );
        let key_overrides = self.or(self.key_overrides(raw.keys.as_ref()), Vec::new());
        let keymap = self.or(self.keymap(&key_overrides), Keymap::default());
        if let Some(t) = &raw.ui.theme {
            self.mark("ui.theme", &t.span());
        }
        let user_role =
            raw.user.role.as_ref().and_then(|r| {
                self.keep(r.get_ref().parse::<Role>().map_err(|e| self.err(r, "user.role", e.to_string())))
            });
        let webhook_url_env = match &raw.notify.webhook_url_env {
            Some(v) if v.get_ref().trim().is_empty() => {
                self.note(self.err(v, "notify.webhook_url_env", "must name an environment variable".into()));
                None
            }
            Some(v) => Some(v.get_ref().trim().to_string()),
            None => None,
        };

        Config {
            source: self.path.to_string(),
            release: ReleaseConfig {
                name: r.name.trim().to_string(),
                push_day,
                tag_format,
                environments,
                window,
                rotation: r.rotation.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            },
            poll: PollConfig { interval, timeout, connect_timeout, concurrency },
            git,
            known_good_after,
            risk: self.risk(raw.risk.as_ref()),
            share,
            services,
            repos,
            keymap,
            theme: raw.ui.theme.map(|t| t.into_inner()),
            mouse: raw.ui.mouse.unwrap_or(true),
            user_name: raw.user.name.filter(|n| !n.trim().is_empty()),
            user_role,
            checklist,
            team,
            sentry,
            webhook_url_env,
            deploy,
            key_overrides,
            smoke,
            personal: None,
            places: self.places(),
        }
    }

    /// A strftime format that makes a tag git accepts.
    fn tag_format(&self, f: &Spanned<String>) -> Result<(), ConfigError> {
        validate_tag_format(f.get_ref()).map_err(|e| self.err(f, "release.tag_format", e.to_string()))?;
        let sample = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date");
        let tag = crate::domain::release::format_tag(sample, f.get_ref())
            .map_err(|e| self.err(f, "release.tag_format", e.to_string()))?;
        super::refname::check_tag(&tag).map_err(|why| {
            let message = format!("`{}` makes `{tag}`, which git refuses as a tag: {why}", f.get_ref());
            self.err(f, "release.tag_format", message)
        })
    }

    fn environments(&self, envs: &Spanned<Vec<String>>) -> Result<Vec<String>, ConfigError> {
        let list = envs.get_ref();
        if list.is_empty() {
            return Err(self.err(envs, "release.environments", "must name at least one environment".into()));
        }
        for (i, e) in list.iter().enumerate() {
            if e.trim().is_empty() || list[..i].contains(e) {
                return Err(self.err(envs, "release.environments", format!("`{e}` is empty or repeated")));
            }
        }
        Ok(list.clone())
    }

    /// One `[[services]]` entry; an environment it names that was not
    /// declared joins `environments` when none were.
    fn service(
        &self,
        i: usize,
        s: &raw::RawService,
        services: &[ServiceSpec],
        declared: Option<&[String]>,
        environments: &mut Vec<String>,
    ) -> Result<ServiceSpec, ConfigError> {
        let name = s.name.get_ref().trim().to_string();
        let key = format!("services[{i}]");
        if name.is_empty() {
            return Err(self.err(&s.name, &format!("{key}.name"), "must not be empty".into()));
        }
        if services.iter().any(|x| x.name == name) {
            return Err(self.err(&s.name, &format!("{key}.name"), format!("service `{name}` is listed twice")));
        }
        if s.envs.0.is_empty() {
            return Err(self.err(&s.name, &format!("{key}.envs"), format!("service `{name}` has no environments")));
        }
        let heartbeat = s.heartbeat.as_ref().map(|h| &h.0[..]).unwrap_or(&[]);
        for (env, url) in heartbeat {
            if !s.envs.0.iter().any(|(e, _)| e == env) {
                return Err(self.err(
                    url,
                    &format!("services.{name}.heartbeat.{env}"),
                    format!("`{env}` is not one of this service's envs"),
                ));
            }
        }
        let mut envs = Vec::new();
        for (env, url) in &s.envs.0 {
            let k = format!("services.{name}.envs.{env}");
            match declared {
                Some(list) if !list.contains(env) => {
                    return Err(self.err(
                        url,
                        &k,
                        format!("environment `{env}` is not in release.environments {list:?}"),
                    ));
                }
                None if !environments.contains(env) => environments.push(env.clone()),
                _ => {}
            }
            let version_url = self.url(url, &k)?;
            let heartbeat_url = match heartbeat.iter().find(|(e, _)| e == env) {
                Some((_, hb)) => Some(self.url(hb, &format!("services.{name}.heartbeat.{env}"))?),
                None => derive_heartbeat(&version_url),
            };
            envs.push((env.clone(), Endpoint { version_url, heartbeat_url }));
        }
        Ok(ServiceSpec { name, envs, repo: None })
    }
}
