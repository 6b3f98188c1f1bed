//! The config file as written: serde structs that reject unknown keys and
//! keep spans of the values validated later.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub release: RawRelease,
    #[serde(default)]
    pub poll: RawPoll,
    #[serde(default)]
    pub services: Vec<RawService>,
    #[serde(default)]
    pub repos: Vec<RawRepo>,
    #[serde(default)]
    pub keys: Option<toml::Table>,
    #[serde(default)]
    pub ui: RawUi,
    #[serde(default)]
    pub user: RawUser,
    #[serde(default)]
    pub sentry: Option<Spanned<RawSentry>>,
    #[serde(default)]
    pub notify: RawNotify,
    #[serde(default)]
    pub git: RawGit,
    #[serde(default)]
    pub risk: Option<Spanned<RawRisk>>,
    #[serde(default)]
    pub share: Option<Spanned<RawShare>>,
    #[serde(default)]
    pub team: Option<Spanned<RawTeam>>,
    /// `[deploy.ENV]`, in file order.
    #[serde(default)]
    pub deploy: Option<Ordered<Spanned<RawDeploy>>>,
    /// Replaces the built-in checklist when given.
    #[serde(default)]
    pub checklist: Option<Spanned<RawChecklist>>,
    #[serde(default)]
    pub rollback: RawRollback,
    #[serde(default)]
    pub smoke: Vec<Spanned<RawSmoke>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelease {
    pub name: String,
    pub push_day: Spanned<String>,
    pub tag_format: Option<Spanned<String>>,
    pub environments: Option<Spanned<Vec<String>>>,
    pub window: Option<Spanned<String>>,
    #[serde(default)]
    pub rotation: Vec<String>,
}

impl RawRelease {
    /// In place of a `[release]` that could not be read, so the rest of the
    /// file is still checked; never part of a config that loads.
    pub fn stand_in() -> RawRelease {
        RawRelease {
            name: "(unread)".into(),
            push_day: Spanned::new(0..0, "monday".into()),
            tag_format: None,
            environments: None,
            window: None,
            rotation: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoll {
    pub interval: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    pub connect_timeout: Option<Spanned<String>>,
    pub concurrency: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub name: Spanned<String>,
    pub envs: Ordered<Spanned<String>>,
    #[serde(default)]
    pub heartbeat: Option<Ordered<Spanned<String>>>,
    pub repo: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRepo {
    pub name: Spanned<String>,
    pub path: Spanned<String>,
    pub remote: Option<String>,
    pub branch: Option<String>,
    pub web_url: Option<Spanned<String>>,
    pub security_remote: Option<String>,
    pub security_branch: Option<Spanned<String>>,
    #[serde(default)]
    pub tag_unchanged: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub theme: Option<Spanned<String>>,
    pub mouse: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub name: Option<String>,
    pub role: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChecklist {
    #[serde(default)]
    pub phase: Vec<RawPhase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub name: Spanned<String>,
    #[serde(default)]
    pub items: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: Spanned<String>,
    pub text: Spanned<String>,
    pub role: Spanned<String>,
    pub auto: Option<Spanned<String>>,
}

/// `[team]`: `name = ["role", …]`, in file order, so of two names that are
/// one person the second is the one refused.
#[derive(Debug)]
pub struct RawTeam(pub Vec<(String, Spanned<Vec<Spanned<String>>>)>);

impl<'de> Deserialize<'de> for RawTeam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = RawTeam;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of name = [\"role\", …]")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(RawTeam(out))
            }
        }
        d.deserialize_map(Members)
    }
}

/// A TOML table read in file order (environment order is display order).
#[derive(Debug)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of environment = URL")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSentry {
    pub url: Option<Spanned<String>>,
    pub org: Spanned<String>,
    pub environment: Option<Spanned<String>>,
    #[serde(default)]
    pub projects: Vec<Spanned<RawSentryProject>>,
    pub token_env: Option<Spanned<String>>,
    pub token_file: Option<Spanned<String>>,
    pub interval: Option<Spanned<String>>,
    pub push_interval: Option<Spanned<String>>,
    pub spike_ratio: Option<Spanned<f64>>,
    pub min_count: Option<Spanned<i64>>,
    pub record_deploys: Option<bool>,
}

/// A project slug, or `{ slug, service }` linking it to a service.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a project slug, or a table { slug = \"…\", service = \"…\" }")]
pub enum RawSentryProject {
    Slug(String),
    Linked(RawSentryLinked),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSentryLinked {
    pub slug: String,
    pub service: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotify {
    pub webhook_url_env: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRollback {
    pub known_good_after: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGit {
    pub timeout: Option<Spanned<String>>,
}

/// `[risk]`: `paths` absent keeps the defaults; empty turns the flags off.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    pub paths: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShare {
    pub remote: Spanned<String>,
    pub interval: Option<Spanned<String>>,
}

/// `[deploy.ENV]`: a command or a webhook, and who may use it in which order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeploy {
    pub command: Option<Spanned<Vec<String>>>,
    pub webhook: Option<Spanned<RawWebhook>>,
    pub order: Option<Vec<Spanned<String>>>,
    pub roles: Option<Vec<Spanned<String>>>,
    pub timeout: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    pub url: Spanned<String>,
    pub method: Option<Spanned<String>>,
    pub params: Option<Ordered<String>>,
    pub auth_env: Option<Spanned<String>>,
}

/// One `[[smoke]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSmoke {
    pub service: Option<Spanned<String>>,
    pub env: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub expect_status: Option<Spanned<i64>>,
    pub contains: Option<Spanned<String>>,
    pub json: Option<Spanned<std::collections::BTreeMap<String, RawSmokeValue>>>,
    pub timeout: Option<Spanned<String>>,
}

/// A value a JSON pointer is compared with: written as TOML's string,
/// number or boolean, compared as its string form.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a string, a number or a boolean")]
pub enum RawSmokeValue {
    Text(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
}
