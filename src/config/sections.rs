//! The checklist, repositories and keys sections of the config.

use super::ctx::Ctx;
use super::*;

impl Ctx<'_> {
    /// Keys are `checklist.phase[P].items[I].field`, 0-based as in the file.
    /// `envs` is `None` when the environments could not be known (the
    /// services did not read): `on_target` is then not checked against them.
    pub(super) fn checklist(
        &self,
        raw: &Spanned<raw::RawChecklist>,
        envs: Option<&[String]>,
    ) -> Option<Vec<PhaseSpec>> {
        if raw.get_ref().phase.is_empty() {
            self.note(self.err(raw, "checklist.phase", "must have at least one phase".into()));
            return None;
        }
        let mut out: Vec<PhaseSpec> = Vec::new();
        // Item id -> the phase it first appeared in.
        let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for (p, ph) in raw.get_ref().phase.iter().enumerate() {
            let key = format!("checklist.phase[{p}]");
            let name = ph.name.get_ref().trim().to_string();
            if name.is_empty() {
                self.note(self.err(&ph.name, &format!("{key}.name"), "must not be empty".into()));
            }
            if ph.items.is_empty() {
                self.note(self.err(&ph.name, &format!("{key}.items"), format!("phase `{name}` has no items")));
            }
            let mut items: Vec<ItemSpec> = Vec::new();
            for (i, it) in ph.items.iter().enumerate() {
                let key = format!("{key}.items[{i}]");
                let id = self.keep(self.item_id(&it.id, &key, &name, &mut seen));
                let text = it.text.get_ref().trim().to_string();
                if text.is_empty() {
                    self.note(self.err(&it.text, &format!("{key}.text"), "must not be empty".into()));
                }
                let role = self.keep(
                    it.role
                        .get_ref()
                        .parse::<Role>()
                        .map_err(|e| self.err(&it.role, &format!("{key}.role"), e.to_string())),
                );
                let auto = match &it.auto {
                    Some(a) => self.keep(self.auto_rule(a, &key, envs)).map(Some),
                    None => Some(None),
                };
                if let (Some(id), Some(role), Some(auto)) = (id, role, auto) {
                    items.push(ItemSpec { id, text, role, auto });
                }
            }
            out.push(PhaseSpec { name, items });
        }
        Some(out)
    }

    fn item_id(
        &self,
        id: &Spanned<String>,
        key: &str,
        phase: &str,
        seen: &mut std::collections::HashMap<String, String>,
    ) -> Result<String, ConfigError> {
        let key = format!("{key}.id");
        let text = id.get_ref();
        if text.is_empty() {
            return Err(self.err(id, &key, "must not be empty".into()));
        }
        if let Some(c) = text.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.')) {
            let message = format!("`{text}` contains {c:?}; ids use only lowercase a-z, 0-9, `-`, `_` and `.`");
            return Err(self.err(id, &key, message));
        }
        if let Some(first) = seen.get(text) {
            return Err(self.err(id, &key, format!("item id `{text}` is already used (in phase `{first}`)")));
        }
        seen.insert(text.clone(), phase.to_string());
        Ok(text.clone())
    }

    fn auto_rule(&self, a: &Spanned<String>, key: &str, envs: Option<&[String]>) -> Result<AutoRule, ConfigError> {
        let key = format!("{key}.auto");
        let rule = AutoRule::parse(a.get_ref()).map_err(|e| self.err(a, &key, e.to_string()))?;
        if let (AutoRule::OnTarget(env) | AutoRule::SmokePass(env), Some(envs)) = (&rule, envs)
            && !envs.contains(env)
        {
            let message = format!("environment `{env}` is not in release.environments {envs:?}");
            return Err(self.err(a, &key, message));
        }
        Ok(rule)
    }

    /// Every `[[repos]]` entry that is right; the others are noted.
    pub(super) fn repos(&self, raw: &[raw::RawRepo]) -> Vec<RepoSpec> {
        let mut out: Vec<RepoSpec> = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            if let Some(spec) = self.keep(self.repo(i, r, &out)) {
                out.push(spec);
            }
        }
        out
    }

    fn repo(&self, i: usize, r: &raw::RawRepo, before: &[RepoSpec]) -> Result<RepoSpec, ConfigError> {
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(self.err(&r.name, &format!("repos[{i}].name"), "must not be empty".into()));
        }
        if before.iter().any(|x| x.name == name) {
            return Err(self.err(&r.name, &format!("repos[{i}].name"), format!("repo `{name}` is listed twice")));
        }
        let raw_path = r.path.get_ref().trim();
        self.mark(&format!("repos.{name}.path"), &r.path.span());
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
        Ok(RepoSpec {
            name,
            path: self.expand_path(raw_path),
            remote: r.remote.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "origin".into()),
            branch: r.branch.clone().filter(|s| !s.trim().is_empty()),
            web_url,
            security: r
                .security_remote
                .clone()
                .map(|remote| SecuritySpec { remote, branch: r.security_branch.as_ref().map(|b| b.get_ref().clone()) }),
            tag_unchanged: r.tag_unchanged,
        })
    }

    /// `[share]`: a remote the `git` command can reach without asking
    /// anything (an option-looking value is refused, so it can never be read
    /// as one), and how often to look for others' lines.
    pub(super) fn share(&self, sh: &Spanned<crate::config::raw::RawShare>) -> Result<ShareConfig, ConfigError> {
        let raw = sh.get_ref();
        let remote = raw.remote.get_ref().trim();
        if remote.is_empty() || remote.starts_with('-') || remote.chars().any(char::is_control) {
            let shown = crate::domain::kernel::redact::url(remote);
            return Err(self.err(&raw.remote, "share.remote", format!("`{shown}` is not a git URL or path")));
        }
        // A URL has a scheme (`https://`) or is scp-like (`host:path`); anything
        // else is a path on this machine.
        let url_like = remote.contains("://") || (remote.contains(':') && !remote.starts_with('/'));
        let remote = if url_like { remote.to_string() } else { self.expand_path(remote) };
        let interval = self.duration(&raw.interval, "share.interval", ShareConfig::DEFAULT_INTERVAL)?;
        if interval < std::time::Duration::from_millis(200) {
            let at = raw.interval.as_ref().expect("set");
            return Err(self.err(at, "share.interval", "must be at least 200ms".into()));
        }
        Ok(ShareConfig { remote, interval })
    }

    /// `~` is the home directory; a relative path is relative to the config file.
    pub(super) fn expand_path(&self, p: &str) -> String {
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

    pub(super) fn url(&self, v: &Spanned<String>, key: &str) -> Result<String, ConfigError> {
        let s = v.get_ref().trim();
        Ok(self.parse_url(v, key, s, s)?.to_string())
    }

    /// A URL holding `{tag}`, `{service}` or `{env}`, kept as written: a
    /// parser would percent-encode the braces and the placeholders would
    /// never be filled. It is checked with sample values filled in, so a bad
    /// URL is still an error at its place, quoted as written.
    pub(super) fn url_template(&self, v: &Spanned<String>, key: &str) -> Result<String, ConfigError> {
        let written = v.get_ref().trim();
        let sample = crate::domain::smoke::fill(written, "2026.01.01", "service", "env");
        self.parse_url(v, key, written, &sample)?;
        Ok(written.to_string())
    }

    /// `s` parsed as an http(s) URL with a host; an error quotes `written`.
    fn parse_url(&self, v: &Spanned<String>, key: &str, written: &str, s: &str) -> Result<url::Url, ConfigError> {
        // A URL may carry credentials: an error quotes it without them.
        let shown = crate::domain::kernel::redact::url(written);
        let parsed = url::Url::parse(s).map_err(|e| self.err(v, key, format!("`{shown}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
            return Err(self.err(v, key, format!("`{shown}` is not an http(s) URL with a host")));
        }
        Ok(parsed)
    }

    /// `[keys]` as `(action, keys)` pairs, in file order.
    pub(super) fn key_overrides(&self, keys: Option<&toml::Table>) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
        let Some(keys) = keys else { return Ok(Vec::new()) };
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
        Ok(overrides)
    }

    pub(super) fn keymap(&self, overrides: &[(String, Vec<String>)]) -> Result<Keymap, ConfigError> {
        Keymap::with_overrides(overrides).map_err(|e| self.keys_err(e.action_name(), e.to_string()))
    }

    pub(super) fn keys_err(&self, action: &str, message: String) -> ConfigError {
        let at = locate::find_key(self.src, "keys", action).or_else(|| self.src.find("[keys]")).unwrap_or(0);
        self.err_span(&(at..at), &format!("keys.{action}"), message)
    }
}
