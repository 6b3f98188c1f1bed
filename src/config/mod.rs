//! The TOML config: where it is found, what it may say, and errors that name
//! the file, line and key.

pub mod duration;
mod locate;
mod raw;
pub mod sentry;

use crate::domain::actor::Role;
use crate::domain::checklist::{AutoRule, ItemSpec, PhaseSpec};
use crate::domain::model::ServiceSpec;
use crate::domain::release::{parse_weekday, parse_window, validate_tag_format};
use crate::domain::repos::{RepoSpec, SecuritySpec};
use crate::domain::rollout::Endpoint;
use crate::keymap::Keymap;
use chrono::{NaiveTime, Weekday};
pub use duration::{format_duration, parse_duration};
use raw::RawConfig;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

pub const DEFAULT_TAG_FORMAT: &str = "%Y.%m.%d";

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
}

#[derive(Debug, Clone)]
pub struct ReleaseConfig {
    pub name: String,
    pub push_day: Weekday,
    pub tag_format: String,
    pub environments: Vec<String>,
    pub window: Option<(NaiveTime, NaiveTime)>,
    pub rotation: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct PollConfig {
    pub interval: Duration,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub concurrency: usize,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            interval: Duration::from_secs(15),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(3),
            concurrency: 32,
        }
    }
}

/// `[git]`: how the `git` command is run for network work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitConfig {
    /// How long one fetch, ls-remote or push may take before its whole
    /// process group is killed.
    pub timeout: Duration,
}

impl GitConfig {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
}

impl Default for GitConfig {
    fn default() -> Self {
        GitConfig { timeout: Self::DEFAULT_TIMEOUT }
    }
}

/// Larger than any config a person writes; a file this big is a mistake.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// The most of a key path an error quotes, in characters.
const MAX_KEY_CHARS: usize = 80;
/// The most of a message (with the values it quotes) an error carries.
const MAX_MESSAGE_CHARS: usize = 300;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where the config came from, for messages.
    pub source: String,
    pub release: ReleaseConfig,
    pub poll: PollConfig,
    pub git: GitConfig,
    pub services: Vec<ServiceSpec>,
    pub repos: Vec<RepoSpec>,
    pub keymap: Keymap,
    pub theme: Option<String>,
    pub user_name: Option<String>,
    pub user_role: Option<Role>,
    /// `None`: no `[sentry]`; the pane says so.
    pub sentry: Option<sentry::SentryConfig>,
    /// The environment variable holding the webhook URL (it has a secret in it).
    pub webhook_url_env: Option<String>,
    /// `[[checklist.phase]]` entries; `None` keeps the built-in template.
    pub checklist: Option<Vec<PhaseSpec>>,
}

/// `--config`, else `$SHIPDECK_CONFIG`, else `./shipdeck.toml`, else the OS
/// config dir.
pub fn resolve_path(flag: Option<&Path>, env: Option<&str>) -> Result<PathBuf, ConfigError> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = env.filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let mut looked = vec!["--config".to_string(), "$SHIPDECK_CONFIG".to_string()];
    let local = PathBuf::from("shipdeck.toml");
    if local.is_file() {
        return Ok(local);
    }
    looked.push("./shipdeck.toml".into());
    if let Some(dirs) = directories::ProjectDirs::from("", "", "shipdeck") {
        let p = dirs.config_dir().join("shipdeck.toml");
        if p.is_file() {
            return Ok(p);
        }
        looked.push(p.display().to_string());
    }
    Err(ConfigError::NotFound { looked: looked.join(", ") })
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // Not `fs::read_to_string`: a FIFO given as the config would block it forever.
        let src = crate::io::regular_file::read_to_string(path, MAX_CONFIG_BYTES)
            .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        Config::parse(&src, &path.display().to_string())
    }

    pub fn parse(src: &str, source: &str) -> Result<Config, ConfigError> {
        let ctx = Ctx { src, path: source };
        let raw: RawConfig = toml::from_str(src).map_err(|e| {
            let span = e.span().unwrap_or_else(|| {
                let at = if e.message().contains("recursion limit") { locate::deepest_line(src) } else { 0 };
                at..at
            });
            let key = error_key(src, &span);
            let message = match e.message().trim() {
                m if m.contains("recursion limit") => format!("nested too deeply ({m})"),
                m => m.to_string(),
            };
            ctx.err_span(&span, &key, message)
        })?;
        ctx.validate(raw)
    }
}

struct Ctx<'a> {
    src: &'a str,
    path: &'a str,
}

impl Ctx<'_> {
    /// Key paths and quoted values come from the file and can be any length
    /// (a key of 100,000 dotted segments): both are cut to stay readable.
    fn err_span(&self, span: &Range<usize>, key: &str, message: String) -> ConfigError {
        let (line, column) = locate::line_col(self.src, span.start);
        ConfigError::Invalid {
            path: self.path.to_string(),
            line,
            column,
            key: shorten(key, MAX_KEY_CHARS),
            message: shorten(&message, MAX_MESSAGE_CHARS),
        }
    }

    fn err<T>(&self, value: &Spanned<T>, key: &str, message: String) -> ConfigError {
        self.err_span(&value.span(), key, message)
    }

    fn duration(&self, v: &Option<Spanned<String>>, key: &str, default: Duration) -> Result<Duration, ConfigError> {
        let Some(v) = v else { return Ok(default) };
        let d = parse_duration(v.get_ref()).map_err(|m| self.err(v, key, m))?;
        if d.is_zero() {
            return Err(self.err(v, key, "must be more than zero".into()));
        }
        Ok(d)
    }

    fn validate(&self, raw: RawConfig) -> Result<Config, ConfigError> {
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
                validate_tag_format(f.get_ref()).map_err(|m| self.err(f, "release.tag_format", m))?;
                f.get_ref().clone()
            }
            None => DEFAULT_TAG_FORMAT.to_string(),
        };
        let window = match &r.window {
            Some(w) => Some(parse_window(w.get_ref()).map_err(|m| self.err(w, "release.window", m))?),
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
        let keymap = self.keymap(raw.keys.as_ref())?;
        let user_role = match &raw.user.role {
            Some(r) => Some(r.get_ref().parse::<Role>().map_err(|m| self.err(r, "user.role", m))?),
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
            services,
            repos,
            keymap,
            theme: raw.ui.theme.map(|t| t.into_inner()),
            user_name: raw.user.name.filter(|n| !n.trim().is_empty()),
            user_role,
            checklist,
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

    /// Keys are `checklist.phase[P].items[I].field`, 0-based as in the file.
    fn checklist(&self, raw: &Spanned<raw::RawChecklist>, envs: &[String]) -> Result<Vec<PhaseSpec>, ConfigError> {
        if raw.get_ref().phase.is_empty() {
            return Err(self.err(raw, "checklist.phase", "must have at least one phase".into()));
        }
        let mut out: Vec<PhaseSpec> = Vec::new();
        // Item id -> the phase it first appeared in.
        let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for (p, ph) in raw.get_ref().phase.iter().enumerate() {
            let key = format!("checklist.phase[{p}]");
            let name = ph.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(self.err(&ph.name, &format!("{key}.name"), "must not be empty".into()));
            }
            if ph.items.is_empty() {
                return Err(self.err(&ph.name, &format!("{key}.items"), format!("phase `{name}` has no items")));
            }
            let mut items: Vec<ItemSpec> = Vec::new();
            for (i, it) in ph.items.iter().enumerate() {
                let key = format!("{key}.items[{i}]");
                let id = it.id.get_ref();
                if id.is_empty() {
                    return Err(self.err(&it.id, &format!("{key}.id"), "must not be empty".into()));
                }
                if let Some(c) = id.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.')) {
                    return Err(self.err(
                        &it.id,
                        &format!("{key}.id"),
                        format!("`{id}` contains {c:?}; ids use only lowercase a-z, 0-9, `-`, `_` and `.`"),
                    ));
                }
                if let Some(phase) = seen.get(id) {
                    return Err(self.err(
                        &it.id,
                        &format!("{key}.id"),
                        format!("item id `{id}` is already used (in phase `{phase}`)"),
                    ));
                }
                seen.insert(id.clone(), name.clone());
                let text = it.text.get_ref().trim().to_string();
                if text.is_empty() {
                    return Err(self.err(&it.text, &format!("{key}.text"), "must not be empty".into()));
                }
                let role =
                    it.role.get_ref().parse::<Role>().map_err(|m| self.err(&it.role, &format!("{key}.role"), m))?;
                let auto = match &it.auto {
                    Some(a) => {
                        let rule = AutoRule::parse(a.get_ref()).map_err(|m| self.err(a, &format!("{key}.auto"), m))?;
                        if let AutoRule::OnTarget(env) = &rule
                            && !envs.contains(env)
                        {
                            return Err(self.err(
                                a,
                                &format!("{key}.auto"),
                                format!("environment `{env}` is not in release.environments {envs:?}"),
                            ));
                        }
                        Some(rule)
                    }
                    None => None,
                };
                items.push(ItemSpec { id: id.clone(), text, role, auto });
            }
            out.push(PhaseSpec { name, items });
        }
        Ok(out)
    }

    fn repos(&self, raw: &[raw::RawRepo]) -> Result<Vec<RepoSpec>, ConfigError> {
        let mut out: Vec<RepoSpec> = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            let name = r.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(self.err(&r.name, &format!("repos[{i}].name"), "must not be empty".into()));
            }
            if out.iter().any(|x| x.name == name) {
                return Err(self.err(&r.name, &format!("repos[{i}].name"), format!("repo `{name}` is listed twice")));
            }
            let raw_path = r.path.get_ref().trim();
            if raw_path.is_empty() {
                return Err(self.err(&r.path, &format!("repos.{name}.path"), "must not be empty".into()));
            }
            let web_url = match &r.web_url {
                Some(u) => Some(self.url(u, &format!("repos.{name}.web_url"))?.trim_end_matches('/').to_string()),
                None => None,
            };
            if let (Some(b), None) = (&r.security_branch, &r.security_remote) {
                return Err(self.err(b, &format!("repos.{name}.security_branch"), "needs security_remote".into()));
            }
            out.push(RepoSpec {
                name,
                path: self.expand_path(raw_path),
                remote: r.remote.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "origin".into()),
                branch: r.branch.clone().filter(|s| !s.trim().is_empty()),
                web_url,
                security: r.security_remote.clone().map(|remote| SecuritySpec {
                    remote,
                    branch: r.security_branch.as_ref().map(|b| b.get_ref().clone()),
                }),
                tag_unchanged: r.tag_unchanged,
            });
        }
        Ok(out)
    }

    /// `~` is the home directory; a relative path is relative to the config file.
    fn expand_path(&self, p: &str) -> String {
        if let Some(rest) = p.strip_prefix("~/").or(if p == "~" { Some("") } else { None })
            && let Some(home) = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
        {
            return home.join(rest).display().to_string();
        }
        let path = Path::new(p);
        if path.is_relative()
            && let Some(dir) =
                Path::new(self.path).parent().filter(|d| Path::new(self.path).is_file() && !d.as_os_str().is_empty())
        {
            return dir.join(path).display().to_string();
        }
        p.to_string()
    }

    fn url(&self, v: &Spanned<String>, key: &str) -> Result<String, ConfigError> {
        let s = v.get_ref().trim();
        // A URL may carry credentials: an error quotes it without them.
        let shown = crate::domain::redact::url(s);
        let parsed = url::Url::parse(s).map_err(|e| self.err(v, key, format!("`{shown}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(self.err(v, key, format!("`{shown}` is not an http(s) URL with a host")));
        }
        Ok(parsed.to_string())
    }

    fn keymap(&self, keys: Option<&toml::Table>) -> Result<Keymap, ConfigError> {
        let Some(keys) = keys else { return Ok(Keymap::default()) };
        let mut overrides = Vec::new();
        for (action, value) in keys {
            let list = match value {
                toml::Value::String(s) => vec![s.clone()],
                toml::Value::Array(a) => {
                    a.iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| self.keys_err(action, "expected a key or a list of keys".into()))?
                }
                _ => return Err(self.keys_err(action, "expected a key or a list of keys".into())),
            };
            overrides.push((action.clone(), list));
        }
        Keymap::with_overrides(&overrides).map_err(|e| {
            let action = e.action_name().map(str::to_string).unwrap_or_else(|| {
                // BadKey messages start with the action name in backticks.
                e.to_string().split('`').nth(1).unwrap_or_default().to_string()
            });
            self.keys_err(&action, e.to_string())
        })
    }

    fn keys_err(&self, action: &str, message: String) -> ConfigError {
        let at = locate::find_key(self.src, "keys", action).or_else(|| self.src.find("[keys]")).unwrap_or(0);
        self.err_span(&(at..at), &format!("keys.{action}"), message)
    }
}

/// The key path for a TOML parse error. An inline table on its own line inside
/// a multi-line array (`items = [` then `{ id = …, role = … },`) is named by
/// the array, since `{ id` is not a key.
fn error_key(src: &str, span: &Range<usize>) -> String {
    let start = span.start.min(src.len());
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    if src[line_start..].trim_start().starts_with('{') {
        let mut at = line_start;
        while at > 0 {
            let prev = src[..at - 1].rfind('\n').map_or(0, |i| i + 1);
            let line = src[prev..at - 1].trim();
            if line.starts_with('[') {
                break;
            }
            if line.contains('=') && line.ends_with('[') {
                return locate::key_path_at(src, &(prev..prev));
            }
            at = prev;
        }
    }
    locate::key_path_at(src, span)
}

/// `s` cut to `max` characters by leaving out its middle, so both the start
/// (what it is) and the end (often why it is wrong) stay.
fn shorten(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return s.to_string();
    }
    let head = (max - 1) * 2 / 3;
    let tail = max - 1 - head;
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// The Dockerflow convention: the heartbeat lives beside the version endpoint.
pub fn derive_heartbeat(version_url: &str) -> Option<String> {
    let mut url = url::Url::parse(version_url).ok()?;
    let path = url.path().to_string();
    let trimmed = path.trim_end_matches('/');
    let base = trimmed.strip_suffix("__version__")?;
    url.set_path(&format!("{base}__heartbeat__"));
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_is_derived_from_version_url() {
        assert_eq!(
            derive_heartbeat("https://addons.mozilla.org/__version__").as_deref(),
            Some("https://addons.mozilla.org/__heartbeat__")
        );
        assert_eq!(
            derive_heartbeat("http://127.0.0.1:9/svc/prod/__version__").as_deref(),
            Some("http://127.0.0.1:9/svc/prod/__heartbeat__")
        );
        assert_eq!(derive_heartbeat("https://x.org/version"), None);
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(
            "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n\n[[services]]\nname = \"a\"\n[services.envs]\nstage = \"https://s/__version__\"\nprod = \"https://p/__version__\"\n",
            "t.toml",
        )
        .unwrap();
        assert_eq!(c.release.tag_format, "%Y.%m.%d");
        assert_eq!(c.release.environments, vec!["stage", "prod"]);
        assert_eq!(c.poll.interval, Duration::from_secs(15));
        assert_eq!(c.poll.concurrency, 32);
        assert_eq!(c.services[0].envs[1].1.heartbeat_url.as_deref(), Some("https://p/__heartbeat__"));
        assert_eq!(c.git.timeout, Duration::from_secs(15));
    }

    #[test]
    fn shorten_keeps_both_ends() {
        assert_eq!(shorten("short", 10), "short");
        let long: String = ('a'..='z').collect();
        let cut = shorten(&long, 10);
        assert_eq!(cut, "abcdef…xyz");
        assert_eq!(cut.chars().count(), 10);
    }
}
