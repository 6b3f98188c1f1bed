//! Reading the file into its raw sections one section at a time, so a wrong
//! key in `[poll]` does not hide a wrong one in `[sentry]`: every syntax
//! error the parser can step over, then every section's own first error.

use super::ctx::{Ctx, error_key};
use super::locate;
use super::raw::{RawConfig, RawRelease};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// Sections others refer to that were given but could not be read.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Unread {
    pub(super) services: bool,
    pub(super) repos: bool,
}

/// The top-level keys a config may have, in the order they are documented.
pub(super) const SECTIONS: &[&str] = &[
    "release",
    "poll",
    "services",
    "repos",
    "keys",
    "ui",
    "user",
    "sentry",
    "notify",
    "git",
    "risk",
    "share",
    "team",
    "checklist",
    "rollback",
    "deploy",
    "smoke",
];

impl Ctx<'_> {
    /// The raw config, or `None` when something kept it from being read
    /// whole (each reason noted). A section that did not read is left at
    /// its default, noted, and named in [`Unread`] so the checks that look
    /// across sections do not blame the others for it.
    pub(super) fn read_raw(&self) -> Option<(RawConfig, Unread)> {
        let (doc, errors) = DeTable::parse_recoverable(self.src);
        if !errors.is_empty() {
            // The rest of a file that does not parse cannot be trusted to say
            // what was meant: report the syntax and stop there.
            for e in &errors {
                self.note_toml(e);
            }
            return None;
        }
        let span = doc.span();
        let mut table = doc.into_inner();
        for key in table.keys() {
            if !SECTIONS.contains(&key.get_ref().as_ref()) {
                let expected = SECTIONS.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
                let message = format!("unknown field `{}`, expected one of {expected}", key.get_ref());
                self.note(self.err_span(&key.span(), key.get_ref(), message));
            }
        }
        let mut take = |name: &str| {
            let key = table.keys().find(|k| k.get_ref() == name).cloned()?;
            table.remove(&key)
        };
        let release = match take("release") {
            Some(r) => self.section(r),
            None => {
                self.note(self.err_span(&(span.start..span.start), "(top level)", "missing field `release`".into()));
                None
            }
        };
        let mut unread = Unread::default();
        let services = take("services");
        let repos = take("repos");
        unread.services = services.is_some();
        unread.repos = repos.is_some();
        let services: Option<Vec<_>> = self.optional(services);
        let repos: Option<Vec<_>> = self.optional(repos);
        unread.services &= services.is_none();
        unread.repos &= repos.is_none();
        let raw = RawConfig {
            // Noted already; the stand-in lets the other sections be checked.
            release: release.unwrap_or_else(RawRelease::stand_in),
            poll: self.optional(take("poll")).unwrap_or_default(),
            services: services.unwrap_or_default(),
            repos: repos.unwrap_or_default(),
            keys: self.optional(take("keys")),
            ui: self.optional(take("ui")).unwrap_or_default(),
            user: self.optional(take("user")).unwrap_or_default(),
            sentry: self.optional(take("sentry")),
            notify: self.optional(take("notify")).unwrap_or_default(),
            git: self.optional(take("git")).unwrap_or_default(),
            risk: self.optional(take("risk")),
            share: self.optional(take("share")),
            team: self.optional(take("team")),
            checklist: self.optional(take("checklist")),
            rollback: self.optional(take("rollback")).unwrap_or_default(),
            deploy: self.optional(take("deploy")),
            smoke: self.optional(take("smoke")).unwrap_or_default(),
        };
        Some((raw, unread))
    }

    fn optional<T: for<'de> Deserialize<'de>>(&self, value: Option<Spanned<DeValue<'_>>>) -> Option<T> {
        self.section(value?)
    }

    fn section<T: for<'de> Deserialize<'de>>(&self, value: Spanned<DeValue<'_>>) -> Option<T> {
        T::deserialize(ValueDeserializer::from(value)).map_err(|e| self.note_toml(&e)).ok()
    }

    /// A TOML error at its place. The parser's recursion-limit error carries
    /// no span: it is placed at the line that nests deepest.
    fn note_toml(&self, e: &toml::de::Error) {
        let span: Range<usize> = e.span().unwrap_or_else(|| {
            let at = if e.message().contains("recursion limit") { locate::deepest_line(self.src) } else { 0 };
            at..at
        });
        let key = error_key(self.src, &span);
        let message = match e.message().trim() {
            m if m.contains("recursion limit") => format!("nested too deeply ({m})"),
            m => m.to_string(),
        };
        self.note(self.err_span(&span, &key, message));
    }
}
