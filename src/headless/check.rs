//! `shipdeck check`: validate a config (and its theme) and say what it holds.

use super::Exit;
use crate::cli::Global;
use crate::config::{Config, format_duration};
use crate::session;
use chrono::Utc;

pub fn run(config: &Config, global: &Global) -> Result<String, Exit> {
    session::theme::theme(config, global).map_err(|e| Exit::new(2, format!("{}: {e}", config.source)))?;
    let model = session::model::build_model(config, global, Utc::now());
    let endpoints: usize = config.services.iter().map(|s| s.envs.len()).sum();
    let no_heartbeat: Vec<&str> = config
        .services
        .iter()
        .filter(|s| s.envs.iter().any(|(_, e)| e.heartbeat_url.is_none()))
        .map(|s| s.name.as_str())
        .collect();
    let mut out = format!(
        "{}: ok\n  release {} · push {} → {} · hero {}\n  {} services, {} endpoints in {} · poll every {}, timeout {}, {} at once\n",
        config.source,
        config.release.name,
        model.release.push_date.format("%a %Y-%m-%d"),
        model.release.target_tag,
        model.release.hero().unwrap_or("(no rotation)"),
        config.services.len(),
        endpoints,
        config.release.environments.join(", "),
        format_duration(config.poll.interval),
        format_duration(config.poll.timeout),
        config.poll.concurrency,
    );
    if !no_heartbeat.is_empty() {
        out.push_str(&format!(
            "  note: no heartbeat URL for {} (version URL is not …/__version__ and [services.heartbeat] is not set)\n",
            no_heartbeat.join(", ")
        ));
    }
    Ok(out)
}
