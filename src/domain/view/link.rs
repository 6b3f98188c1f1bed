//! The selected thing's link, for `o` (open it in a browser) and `y` (copy
//! it): the compare view's URL, the selected repository's compare URL, the
//! selected service's address in prod, the selected Sentry issue's page;
//! and for `b` the build the selected service runs (its Dockerflow `build`).
//! What is opened must be an http(s) URL without control characters: a
//! value read from a server reaches the browser only in that shape.

use crate::domain::model::Model;
use crate::domain::msg::Effect;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::view::pane::Pane;

/// A link and what it is, for the message saying what was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub what: String,
    pub url: String,
}

/// The link of whatever is selected where the keys are: the open compare
/// view, else the focused pane's selection; or why there is none.
pub fn selected(model: &Model) -> Result<Link, String> {
    if let Some(view) = model.view.compare() {
        let name = model.repos.rows.get(view.repo).map_or("?", |r| r.spec.name.as_str());
        let url = crate::domain::repos::update::current_url(&model.repos, Some(view), 0)
            .ok_or_else(|| format!("{name} has no web_url: no compare URL to open"))?;
        return Ok(Link { what: format!("compare {name}"), url });
    }
    match model.view.focus {
        Pane::Repos => {
            let row = model.repos.rows.get(model.view.repo_selected).ok_or("no repository selected")?;
            let url = crate::domain::repos::update::current_url(&model.repos, None, model.view.repo_selected)
                .ok_or("no compare URL: set web_url for this repository and make sure it has a previous push tag")?;
            Ok(Link { what: format!("compare {}", row.spec.name), url })
        }
        Pane::Rollout => service(model),
        Pane::Sentry => {
            model.sentry.as_ref().ok_or("Sentry is not configured")?;
            let issues = crate::domain::view::filter::issues(model);
            let (_, issue, _) =
                issues.get(model.view.sentry_selected).copied().ok_or("no Sentry issue since the push to open")?;
            Ok(Link { what: issue.short_id.clone(), url: issue.permalink.clone() })
        }
        Pane::Checklist | Pane::Log => {
            Err("nothing to open here: o opens links in Repos, Rollout, Sentry and the compare view".into())
        }
    }
}

/// The build the selected service runs in prod (else the last environment
/// it runs in): the `build` link of its Dockerflow `/__version__`, the CI
/// job that made it.
pub fn build(model: &Model) -> Result<Link, String> {
    let ro = &model.rollout;
    let row = ro.services.get(model.view.selected).ok_or("no service selected")?;
    let prod = crate::domain::checklist::prod_env(&ro.envs).and_then(|p| ro.envs.iter().position(|e| e == p));
    let order = prod.into_iter().chain((0..ro.envs.len()).rev().filter(|i| Some(*i) != prod));
    order
        .filter_map(|i| {
            let build = row.cells.get(i)?.as_ref()?.version()?.build.clone()?;
            Some(Link { what: format!("build of {} · {}", ro.envs[i], row.name), url: build })
        })
        .next()
        .ok_or_else(|| format!("{}'s /__version__ names no build link", row.name))
}

/// Opens (or copies) `link`, or says why not.
pub fn open(link: Result<Link, String>, copy: bool) -> Outcome {
    let mut out = Outcome::default();
    let link = match link {
        Ok(link) => link,
        Err(why) => {
            out.flash(why, true);
            return out;
        }
    };
    let shown = crate::domain::kernel::redact::url(&link.url);
    if let Some(why) = refused(&link.url) {
        out.flash(format!("not opening {}: {why}", link.what), true);
    } else if copy {
        out.flash(format!("copied {shown}"), false);
        out.acts.push(Act::Effect(Effect::Copy(link.url)));
    } else {
        out.flash(format!("opening {}: {shown}", link.what), false);
        out.acts.push(Act::Effect(Effect::OpenUrl(link.url)));
    }
    out
}

/// The selected service's address in prod (else the last environment it
/// runs in): its `/__version__` URL without that path and without any
/// credentials, which must not end up on a command line.
fn service(model: &Model) -> Result<Link, String> {
    let ro = &model.rollout;
    let row = ro.services.get(model.view.selected).ok_or("no service selected")?;
    let prod = crate::domain::checklist::prod_env(&ro.envs).and_then(|p| ro.envs.iter().position(|e| e == p));
    let (env, cell) = prod
        .and_then(|i| Some((i, row.cells.get(i)?.as_ref()?)))
        .or_else(|| row.cells.iter().enumerate().rev().find_map(|(i, c)| Some((i, c.as_ref()?))))
        .ok_or_else(|| format!("{} runs in no environment", row.name))?;
    let url = without_userinfo(&cell.endpoint.version_url);
    let url = url.strip_suffix("__version__").unwrap_or(&url).to_string();
    Ok(Link { what: format!("{} · {}", ro.envs[env], row.name), url })
}

/// `scheme://user:pass@host/…` without `user:pass@`.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Why `url` must not be handed to a browser: only http and https, and no
/// control characters or spaces (a URL has them percent-encoded).
pub fn refused(url: &str) -> Option<&'static str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Some("only http and https links are opened");
    }
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some("the link holds control characters or spaces");
    }
    None
}

/// `o` and `y`: opens or copies the selected link, saying so (in the
/// overlay the key was pressed in, when there is one), or says why not.
pub fn open_or_copy(model: &Model, copy: bool) -> Outcome {
    open(selected(model), copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::domain::{Msg, update};
    use crate::testkit;

    #[test]
    fn only_plain_web_links_are_opened() {
        assert_eq!(refused("https://sentry.example/issues/1/"), None);
        assert_eq!(refused("HTTP://x.example/"), None);
        for bad in ["file:///etc/passwd", "javascript:alert(1)", "ftp://x", "-x", ""] {
            assert!(refused(bad).is_some(), "{bad}");
        }
        for bad in ["https://x/\x1b[31m", "https://x/\u{85}", "https://x/ a", "https://x/\n"] {
            assert!(refused(bad).is_some(), "{bad:?}");
        }
        assert_eq!(without_userinfo("https://u:p@w@host:8/__version__?a@b"), "https://host:8/__version__?a@b");
        assert_eq!(without_userinfo("https://host/a@b"), "https://host/a@b");
    }

    #[test]
    fn o_opens_the_focused_panes_selection_or_says_why_not() {
        let mut m = testkit::model(&["web", "api"], testkit::release().window.unwrap().start);
        m.rollout.services[1].cells[1].as_mut().unwrap().endpoint.version_url =
            "https://bot:s3cret@api.example/__version__".into();
        m.view.selected = 1;
        let fx = update(&mut m, Msg::Action(Action::OpenUrl));
        assert_eq!(fx, vec![Effect::OpenUrl("https://api.example/".into())]);
        assert_eq!(m.view.flash.as_ref().unwrap().text, "opening prod · api: https://api.example/");

        m.view.focus = Pane::Checklist;
        assert!(update(&mut m, Msg::Action(Action::OpenUrl)).is_empty());
        assert!(m.view.flash.as_ref().unwrap().text.starts_with("nothing to open here"));

        m.view.focus = Pane::Rollout;
        m.rollout.services[1].cells[1].as_mut().unwrap().endpoint.version_url = "file:///etc/passwd".into();
        assert!(update(&mut m, Msg::Action(Action::OpenUrl)).is_empty(), "refused");
        assert!(m.view.flash.as_ref().unwrap().error);
    }

    #[test]
    fn b_opens_the_build_prod_runs() {
        let mut m = crate::testkit::model(&["web", "api"], crate::testkit::release().window.unwrap().start);
        assert!(build(&m).unwrap_err().contains("names no build link"), "not polled yet");
        let probed = |m: &mut Model, env: usize, build: &str| {
            let mut probe =
                crate::testkit::ok("2026.11.26", "abc1234", crate::domain::rollout::probe::Heartbeat::Ok, m.now);
            probe.info.build = Some(build.into());
            let msg = crate::domain::rollout::msg::RolloutMsg::Probed { generation: 1, service: 0, env, probe };
            update(m, Msg::Rollout(msg));
        };
        let now = m.now;
        update(&mut m, Msg::Tick(now));
        probed(&mut m, 0, "https://ci.example.org/stage/7");
        assert_eq!(build(&m).unwrap().url, "https://ci.example.org/stage/7", "stage when prod says nothing");
        probed(&mut m, 1, "https://ci.example.org/prod/9");
        assert_eq!(build(&m).unwrap().url, "https://ci.example.org/prod/9");
        let fx = update(&mut m, Msg::Action(Action::OpenBuild));
        assert_eq!(fx, vec![Effect::OpenUrl("https://ci.example.org/prod/9".into())]);
    }
}
