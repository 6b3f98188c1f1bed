//! `/` narrows the focused list to the rows containing what is typed
//! (case-insensitive): services in Rollout, items in Checklist (by text, id
//! or role), repositories, Sentry issues (by id or title, or all of a
//! project whose slug matches), and the log (its search). One filter per
//! pane, kept while focus moves; esc in the pane clears it. The selection
//! moves among the rows shown.

use super::pane::Pane;
use crate::domain::model::Model;
use crate::domain::sentry::NewIssue;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub rollout: Option<String>,
    pub checklist: Option<String>,
    pub repos: Option<String>,
    pub sentry: Option<String>,
}

/// Whether any of `texts` contains `filter`; everything does without one.
pub fn admits(filter: Option<&str>, texts: &[&str]) -> bool {
    let Some(f) = filter.map(str::to_lowercase) else { return true };
    texts.iter().any(|t| t.to_lowercase().contains(&f))
}

/// The focused pane's filter: the log's is its search.
pub fn get(model: &Model, pane: Pane) -> Option<&str> {
    let f = &model.view.filters;
    match pane {
        Pane::Rollout => f.rollout.as_deref(),
        Pane::Checklist => f.checklist.as_deref(),
        Pane::Repos => f.repos.as_deref(),
        Pane::Sentry => f.sentry.as_deref(),
        Pane::Log => model.log.search.as_deref(),
    }
}

/// Sets (or, with blank text, clears) a pane's filter, and puts its
/// selection on a row still shown.
pub fn set(model: &mut Model, pane: Pane, text: Option<String>) {
    let text = text.filter(|t| !t.trim().is_empty());
    let f = &mut model.view.filters;
    match pane {
        Pane::Rollout => f.rollout = text,
        Pane::Checklist => f.checklist = text,
        Pane::Repos => f.repos = text,
        Pane::Sentry => f.sentry = text,
        Pane::Log => {
            model.log.search = text;
            model.log.back = 0;
            model.log.new = 0;
            model.log.pinned.clear();
        }
    }
    if let Some(rows) = shown(model, pane) {
        let sel = selection(model, pane);
        if !rows.contains(&sel)
            && let Some(&first) = rows.first()
        {
            set_selection(model, pane, first);
        }
    }
}

/// The rows a pane shows under its filter, as indices into its whole list
/// (for Sentry, into [`issues`]); `None` for the log, which scrolls.
pub fn shown(model: &Model, pane: Pane) -> Option<Vec<usize>> {
    let f = get(model, pane);
    let keep = |i: usize, texts: &[&str]| admits(f, texts).then_some(i);
    Some(match pane {
        Pane::Rollout => model.rollout.services.iter().enumerate().filter_map(|(i, s)| keep(i, &[&s.name])).collect(),
        Pane::Repos => model.repos.rows.iter().enumerate().filter_map(|(i, r)| keep(i, &[&r.spec.name])).collect(),
        Pane::Checklist => model
            .checklist
            .items()
            .enumerate()
            .filter_map(|(i, item)| keep(i, &[&item.text, &item.id, item.role.as_str()]))
            .collect(),
        Pane::Sentry => issues(model)
            .iter()
            .enumerate()
            .filter_map(|(i, (slug, issue, _))| keep(i, &[slug, &issue.short_id, &issue.title]))
            .collect(),
        Pane::Log => return None,
    })
}

/// Every Sentry issue the pane lists, project by project: its project's
/// slug, the issue, and whether it came back (`↺`) rather than being new.
pub fn issues(model: &Model) -> Vec<(&str, &NewIssue, bool)> {
    let Some(s) = &model.sentry else { return Vec::new() };
    s.projects
        .iter()
        .filter_map(|p| p.data.as_ref().map(|(d, _)| (p.spec.slug.as_str(), d)))
        .flat_map(|(slug, d)| {
            d.issues.iter().map(move |i| (slug, i, false)).chain(d.regressions.iter().map(move |i| (slug, i, true)))
        })
        .collect()
}

/// The selected row of a list pane, as an index into its whole list.
pub fn selection(model: &Model, pane: Pane) -> usize {
    let v = &model.view;
    match pane {
        Pane::Rollout => v.selected,
        Pane::Repos => v.repo_selected,
        Pane::Checklist => v.check_selected,
        Pane::Sentry => v.sentry_selected,
        Pane::Log => model.log.back,
    }
}

fn set_selection(model: &mut Model, pane: Pane, to: usize) {
    let v = &mut model.view;
    match pane {
        Pane::Rollout => v.selected = to,
        Pane::Repos => v.repo_selected = to,
        Pane::Checklist => v.check_selected = to,
        Pane::Sentry => v.sentry_selected = to,
        Pane::Log => model.log.back = to,
    }
}

/// Moves a list pane's selection `delta` rows among the rows shown
/// (`isize::MIN`/`MAX`: to the first/last).
pub fn move_selection(model: &mut Model, pane: Pane, delta: isize) {
    let Some(rows) = shown(model, pane) else { return };
    if rows.is_empty() {
        return;
    }
    let sel = selection(model, pane);
    // Where the selection is among the rows shown, or the first after it.
    let at = rows.iter().position(|&r| r >= sel).unwrap_or(rows.len() - 1);
    let to = rows[step(at, delta, rows.len())];
    set_selection(model, pane, to);
}

/// `current` moved `delta` rows in a list of `len`, kept inside it
/// (`isize::MIN`/`MAX`: to the first/last).
pub fn step(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let max = len - 1;
    match delta {
        isize::MIN => 0,
        isize::MAX => max,
        d if d < 0 => current.saturating_sub(d.unsigned_abs()).min(max),
        d => current.saturating_add(d as usize).min(max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::domain::kernel::input::Edit;
    use crate::domain::{Msg, update};

    fn typed(m: &mut Model, text: &str) {
        update(m, Msg::Action(Action::Filter));
        for c in text.chars() {
            update(m, Msg::Edit(Edit::Char(c)));
        }
        update(m, Msg::Edit(Edit::Submit));
    }

    #[test]
    fn slash_filters_the_focused_list_and_esc_clears_it() {
        let now = crate::testkit::release().window.unwrap().start;
        let mut m = crate::testkit::model(&["web", "api", "worker", "webhooks"], now);
        m.view.focus = Pane::Rollout;
        typed(&mut m, "WEB");
        assert_eq!(m.view.focus, Pane::Rollout, "the filter stays with the focused pane");
        assert_eq!(m.view.filters.rollout.as_deref(), Some("WEB"));
        assert_eq!(m.log.search, None, "not the log's search");
        assert_eq!(shown(&m, Pane::Rollout), Some(vec![0, 3]));
        update(&mut m, Msg::Action(Action::SelectNext));
        assert_eq!(m.view.selected, 3, "the selection skips the rows hidden");
        update(&mut m, Msg::Action(Action::SelectNext));
        assert_eq!(m.view.selected, 3);

        m.view.focus = Pane::Checklist;
        typed(&mut m, "regression");
        let rows = shown(&m, Pane::Checklist).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(m.view.check_selected, rows[0], "the selection lands on a row shown");

        update(&mut m, Msg::Action(Action::Cancel));
        assert_eq!(m.view.filters.checklist, None, "esc clears the focused pane's filter");
        assert_eq!(m.view.filters.rollout.as_deref(), Some("WEB"), "and only that one");

        m.view.focus = Pane::Log;
        typed(&mut m, "session");
        assert_eq!(m.log.search.as_deref(), Some("session"));
    }
}
