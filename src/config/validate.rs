//! Turning the raw TOML into a checked [`Config`](super::Config): release,
//! poll, services, and the parts with their own files.

use super::ctx::Ctx;
use super::raw::RawConfig;
use super::*;

impl Ctx<'_> {
    pub(super) fn validate(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let r = raw.release;
        if r.name.trim().is_empty() {
            let at = locate::find_key(self.src, "release", "name").unwrap_or(0);
            return Err(self.err_span(&(at..at), "release.name", "must not be empty".into()));
        }
        let push_day = parse_weekday(r.push_day.get_ref()).ok_or_else(|| {
            self.err(&r.push_day, "release.push_day", format!("`{}` is not a weekday", r.push_day.get_ref()))
        })?;
        let tag_format = match &r.tag_format {
            Some(f) => {
                validate_tag_format(f.get_ref()).map_err(|e| self.err(f, "release.tag_format", e.to_string()))?;
                f.get_ref().clone()
            }
            None => DEFAULT_TAG_FORMAT.to_string(),
        };
        let window = match &r.window {
            Some(w) => Some(parse_window(w.get_ref()).map_err(|e| self.err(w, "release.window", e.to_string()))?),
            None => None,
        };

        let defaults = PollConfig::default();
        let p = &raw.poll;
        let interval = self.duration(&p.interval, "poll.interval", defaults.interval)?;
        if interval < Duration::from_millis(100) {
            return Err(self.err(p.interval.as_ref().expect("set"), "poll.interval", "must be at least 100ms".into()));
        }
        let timeout = self.duration(&p.timeout, "poll.timeout", defaults.timeout)?;
        let connect_timeout =
            self.duration(&p.connect_timeout, "poll.connect_timeout", defaults.connect_timeout.min(timeout))?;
        let git = GitConfig { timeout: self.duration(&raw.git.timeout, "git.timeout", GitConfig::DEFAULT_TIMEOUT)? };
        let share = match &raw.share {
            Some(sh) => Some(self.share(sh)?),
            None => None,
        };
        let concurrency = match &p.concurrency {
            Some(c) if !(1..=1024).contains(c.get_ref()) => {
                return Err(self.err(c, "poll.concurrency", format!("{} is not between 1 and 1024", c.get_ref())));
            }
            Some(c) => *c.get_ref() as usize,
            None => defaults.concurrency,
        };

        let declared = match &r.environments {
            Some(envs) => {
                let list = envs.get_ref();
                if list.is_empty() {
                    return Err(self.err(envs, "release.environments", "must name at least one environment".into()));
                }
                for (i, e) in list.iter().enumerate() {
                    if e.trim().is_empty() || list[..i].contains(e) {
                        return Err(self.err(envs, "release.environments", format!("`{e}` is empty or repeated")));
                    }
                }
                Some(list.clone())
            }
            None => None,
        };

        let mut services: Vec<ServiceSpec> = Vec::new();
        let mut environments = declared.clone().unwrap_or_default();
        for (i, s) in raw.services.iter().enumerate() {
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
                match &declared {
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
            services.push(ServiceSpec { name, envs, repo: None });
        }
        let repos = self.repos(&raw.repos)?;
        for (s, raw_s) in services.iter_mut().zip(&raw.services) {
            if let Some(r) = &raw_s.repo {
                if !repos.iter().any(|x| &x.name == r.get_ref()) {
                    return Err(self.err(
                        r,
                        &format!("services.{}.repo", s.name),
                        format!("no [[repos]] entry is named `{}`", r.get_ref()),
                    ));
                }
                s.repo = Some(r.get_ref().clone());
            }
        }
        if environments.is_empty() {
            environments = vec!["stage".into(), "prod".into()];
        }

        let checklist = match &raw.checklist {
            Some(c) => Some(self.checklist(c, &environments)?),
            None => None,
        };
        let sentry = match &raw.sentry {
            Some(s) => Some(self.sentry(s, &services)?),
            None => None,
        };
        let team = match &raw.team {
            Some(t) => Some(self.team(t)?),
            None => None,
        };
        let keymap = self.keymap(raw.keys.as_ref())?;
        let user_role = match &raw.user.role {
            Some(r) => Some(r.get_ref().parse::<Role>().map_err(|e| self.err(r, "user.role", e.to_string()))?),
            None => None,
        };

        Ok(Config {
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
            webhook_url_env: match &raw.notify.webhook_url_env {
                Some(v) if v.get_ref().trim().is_empty() => {
                    return Err(self.err(v, "notify.webhook_url_env", "must name an environment variable".into()));
                }
                Some(v) => Some(v.get_ref().trim().to_string()),
                None => None,
            },
        })
    }
}
