//! Deploys through the team's own hook: a command (`command.rs`: its own
//! process group, bounded, output streamed, reaped) or a webhook
//! (`webhook.rs`: params, the secret in one header, bounded, its status and
//! `Location`). [`run_one`] is one deploy, usable without a cockpit;
//! `spawn.rs` runs it as a task answering with messages.

pub mod command;
pub mod spawn;
pub mod webhook;

use crate::domain::deploy::msg::HookResult;
use crate::domain::deploy::{DeploySpec, Hook, fill};

/// Longest output line kept, in characters.
pub const LINE_CAP: usize = 500;

/// Deploys `tag` of `service` to the spec's environment through its hook.
/// Each line of output (cleaned, no hostile byte left) goes to `line` as it
/// comes; the result says how it ended.
pub async fn run_one(spec: &DeploySpec, service: &str, tag: &str, line: &mut (dyn FnMut(String) + Send)) -> HookResult {
    let env = spec.env.as_str();
    match &spec.hook {
        Hook::Command { argv } => {
            let argv: Vec<String> = argv.iter().map(|a| fill(a, service, tag, env)).collect();
            command::run(&argv, spec.timeout, line).await
        }
        Hook::Webhook { url, method, params, auth_env } => {
            let params: Vec<(String, String)> =
                params.iter().map(|(k, v)| (k.clone(), fill(v, service, tag, env))).collect();
            let secret = auth_env.as_deref().map(|name| (name, webhook::read_secret(name).ok()));
            let ask = webhook::Ask { url, method: *method, params: &params, secret, timeout: spec.timeout };
            webhook::send(ask, line).await
        }
    }
}
