//! A deploy as a task: its output lines and its end as messages.

use crate::domain::Msg;
use crate::domain::deploy::DeploySpec;
use crate::domain::deploy::msg::{DeployMsg, HookResult};
use chrono::Utc;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use tokio::sync::mpsc::UnboundedSender;

/// Runs one deploy; always answers, a panic included.
pub fn run(tx: &UnboundedSender<Msg>, deploy: String, service: String, tag: String, spec: DeploySpec) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let out = tx.clone();
        let id = deploy.clone();
        let mut line = move |text: String| {
            let _ = out.send(Msg::Deploy(DeployMsg::Output { deploy: id.clone(), line: text, at: Utc::now() }));
        };
        let work = super::run_one(&spec, &service, &tag, &mut line);
        let result = AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|_| HookResult {
            ok: false,
            detail: format!("deploying {service} to {}: internal error", spec.env),
        });
        let _ = tx.send(Msg::Deploy(DeployMsg::Finished { deploy, result, at: Utc::now() }));
    });
}
