//! `[deploy.ENV]`: how each environment is deployed — a command (argv,
//! never a shell string) or a webhook, exactly one — the order "all"
//! deploys services in, who may deploy there, and how long a deploy may take.

use super::ConfigError;
use super::ctx::Ctx;
use super::raw::{Ordered, RawDeploy, RawWebhook};
use crate::domain::deploy::{DeploySpec, Hook, Method};
use crate::domain::kernel::actor::Role;
use crate::domain::model::ServiceSpec;
use toml::Spanned;

impl Ctx<'_> {
    /// Each environment's section checked on its own. `envs` and
    /// `services` are `None` when they could not be read: names are then
    /// not checked against them.
    pub(super) fn deploy(
        &self,
        raw: &Ordered<Spanned<RawDeploy>>,
        envs: Option<&[String]>,
        services: Option<&[ServiceSpec]>,
    ) -> Vec<DeploySpec> {
        let mut specs: Vec<DeploySpec> = Vec::new();
        for (env, d) in &raw.0 {
            let key = format!("deploy.{env}");
            self.mark(&key, &d.span());
            if let Some(envs) = envs
                && !envs.contains(env)
            {
                let message = format!("`{env}` is not an environment ({})", envs.join(", "));
                self.note(self.err(d, &key, message));
                continue;
            }
            if let Some(spec) = self.keep(self.deploy_env(env, d, services)) {
                specs.push(spec);
            }
        }
        if let Some(envs) = envs {
            specs.sort_by_key(|s| envs.iter().position(|e| *e == s.env));
        }
        specs
    }

    fn deploy_env(
        &self,
        env: &str,
        raw: &Spanned<RawDeploy>,
        services: Option<&[ServiceSpec]>,
    ) -> Result<DeploySpec, ConfigError> {
        let key = format!("deploy.{env}");
        let r = raw.get_ref();
        let (hook, default_timeout) = match (&r.command, &r.webhook) {
            (Some(c), None) => (self.command(c, &key)?, DeploySpec::COMMAND_TIMEOUT),
            (None, Some(w)) => (self.webhook(w, &key)?, DeploySpec::WEBHOOK_TIMEOUT),
            (Some(_), Some(w)) => {
                return Err(self.err(w, &key, "give `command` or `webhook`, not both".into()));
            }
            (None, None) => {
                let message =
                    "needs `command = [\"./deploy.sh\", \"{service}\", \"{tag}\"]` or `webhook = { url = … }`";
                return Err(self.err(raw, &key, message.into()));
            }
        };
        let timeout = self.duration(&r.timeout, &format!("{key}.timeout"), default_timeout)?;
        let mut roles = Vec::new();
        for role in r.roles.iter().flatten() {
            let parsed =
                role.get_ref().parse::<Role>().map_err(|e| self.err(role, &format!("{key}.roles"), e.to_string()))?;
            roles.push(parsed);
        }
        let mut order: Vec<String> = Vec::new();
        for name in r.order.iter().flatten() {
            let n = name.get_ref().trim();
            if let Some(services) = services
                && !services.iter().any(|s| s.name == n)
            {
                let message = format!("no [[services]] entry is named `{n}`");
                return Err(self.err(name, &format!("{key}.order"), message));
            }
            if order.iter().any(|o| o == n) {
                return Err(self.err(name, &format!("{key}.order"), format!("`{n}` is named twice")));
            }
            order.push(n.to_string());
        }
        // Services not named follow, in config order.
        for s in services.unwrap_or_default() {
            if !order.contains(&s.name) {
                order.push(s.name.clone());
            }
        }
        Ok(DeploySpec { env: env.to_string(), hook, order, roles, timeout })
    }

    fn command(&self, c: &Spanned<Vec<String>>, key: &str) -> Result<Hook, ConfigError> {
        let key = format!("{key}.command");
        let mut argv = c.get_ref().clone();
        let Some(program) = argv.first_mut().filter(|p| !p.trim().is_empty()) else {
            return Err(self.err(c, &key, "must name a program: [\"./deploy.sh\", \"{service}\", \"{tag}\"]".into()));
        };
        if program.contains(char::is_whitespace) && !std::path::Path::new(program.as_str()).exists() {
            let message = format!("`{program}` is one argument, not a shell line: split it into a list");
            return Err(self.err(c, &key, message));
        }
        // A bare name is looked up on PATH; a path is the config folder's.
        if program.contains('/') || program.starts_with('~') {
            let relative = program.strip_prefix("./").unwrap_or(program).to_string();
            *program = self.expand_path(&relative);
        }
        Ok(Hook::Command { argv })
    }

    fn webhook(&self, w: &Spanned<RawWebhook>, key: &str) -> Result<Hook, ConfigError> {
        let r = w.get_ref();
        let url = self.url(&r.url, &format!("{key}.webhook.url"))?;
        let method = match &r.method {
            None => Method::Post,
            Some(m) => match m.get_ref().trim().to_ascii_uppercase().as_str() {
                "POST" => Method::Post,
                "GET" => Method::Get,
                other => {
                    let message = format!("`{other}` is not GET or POST");
                    return Err(self.err(m, &format!("{key}.webhook.method"), message));
                }
            },
        };
        let auth_env = match &r.auth_env {
            Some(v) if v.get_ref().trim().is_empty() => {
                return Err(self.err(
                    v,
                    &format!("{key}.webhook.auth_env"),
                    "must name an environment variable".into(),
                ));
            }
            Some(v) => Some(v.get_ref().trim().to_string()),
            None => None,
        };
        let params = r.params.as_ref().map(|p| p.0.clone()).unwrap_or_default();
        Ok(Hook::Webhook { url, method, params, auth_env })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use crate::domain::deploy::{Hook, Method};
    use std::time::Duration;

    const BASE: &str = "[release]\nname = \"AMO\"\npush_day = \"thursday\"\n\n[[services]]\nname = \"web\"\n[services.envs]\nstage = \"https://s/__version__\"\nprod = \"https://p/__version__\"\n\n[[services]]\nname = \"api\"\n[services.envs]\nstage = \"https://s2/__version__\"\nprod = \"https://p2/__version__\"\n";

    fn parse(extra: &str) -> Result<Config, String> {
        Config::parse(&format!("{BASE}{extra}"), "/etc/team/shipdeck.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn a_command_and_a_webhook_read_with_their_defaults() {
        let c = parse(
            "[deploy.stage]\ncommand = [\"./deploy.sh\", \"{service}\", \"{tag}\"]\n\n[deploy.prod]\nwebhook = { url = \"https://ci.example/job/buildWithParameters\", params = { DeployRef = \"{tag}\" }, auth_env = \"CI_TOKEN\" }\norder = [\"api\"]\nroles = [\"ops\", \"rm\"]\n",
        )
        .unwrap();
        let [stage, prod] = &c.deploy[..] else { panic!("{:?}", c.deploy) };
        assert_eq!(stage.timeout, Duration::from_secs(600));
        assert_eq!(stage.order, ["web", "api"], "config order");
        let Hook::Command { argv } = &stage.hook else { panic!() };
        assert_eq!(argv[1..], ["{service}", "{tag}"]);
        assert_eq!(prod.timeout, Duration::from_secs(30));
        assert_eq!(prod.order, ["api", "web"], "the named ones first");
        assert_eq!(prod.roles.len(), 2);
        let Hook::Webhook { method, params, auth_env, .. } = &prod.hook else { panic!() };
        assert_eq!((*method, auth_env.as_deref()), (Method::Post, Some("CI_TOKEN")));
        assert_eq!(params, &[("DeployRef".to_string(), "{tag}".to_string())]);
    }

    #[test]
    fn mistakes_are_placed_at_their_line() {
        let cases = [
            ("[deploy.qa]\ncommand = [\"x\"]\n", ":16:", "`qa` is not an environment"),
            ("[deploy.stage]\norder = [\"web\"]\n", ":16:", "needs `command"),
            (
                "[deploy.stage]\ncommand = [\"x\"]\norder = [\"nope\"]\n",
                ":18:",
                "no [[services]] entry is named `nope`",
            ),
            ("[deploy.stage]\ncommand = [\"./deploy.sh web\"]\n", ":17:", "not a shell line"),
            ("[deploy.stage]\ncommand = [\"x\"]\nroles = [\"boss\"]\n", ":18:", "not a role"),
            ("[deploy.stage]\nwebhook = { url = \"ftp://x\" }\n", ":17:", "http(s)"),
            ("[deploy.stage]\nwebhook = { url = \"https://x\", method = \"PUT\" }\n", ":17:", "not GET or POST"),
            ("[deploy.stage]\ncommand = [\"x\"]\nwebhook = { url = \"https://x\" }\n", ":18:", "not both"),
            ("[deploy.stage]\ncommand = [\"x\"]\nshell = \"x\"\n", ":18:", "unknown field `shell`"),
        ];
        for (extra, line, says) in cases {
            let e = parse(extra).unwrap_err();
            assert!(e.contains(line) && e.contains(says), "{extra}: {e}");
        }
    }
}
