//! The compare view (open, load), its URL (open, copy) and the "Pushing:"
//! lines over each push's range.

use super::note::note;
use super::{CommitInfo, CompareRange, CompareView, RepoRow, Repos, TagState, ref_label};
use crate::domain::kernel::remote::Remote;
use crate::domain::msg::Effect;
use crate::domain::outcome::{Act, Outcome};
use crate::domain::repos::msg::ReposEffect;
use chrono::{DateTime, Utc};

/// One line of the "Pushing:" block: the compare URL over the push's range,
/// or why there is none worth following.
pub fn pushing_line(row: &RepoRow) -> Option<String> {
    let status = row.status.value()?;
    let range = status.range()?;
    // The range is empty: a link to nothing would only be noise, and no
    // web URL is needed to say so.
    if status.state() == TagState::Unchanged {
        return Some(format!("no changes since {}", range.from));
    }
    let url = row.compare_url(&range.from, &range.to_label())?;
    Some(if range.to_head { format!("{url}  (not tagged yet)") } else { url })
}

/// The "Pushing:" block of the notes: `(repo, line)` per repository with a
/// web URL, over the push's compare range. Before a repository is tagged its
/// URL ends at the branch head's commit: a URL never names a tag that does
/// not exist yet.
pub fn pushing_urls(repos: &Repos) -> Vec<(String, String)> {
    repos.rows.iter().filter_map(|r| Some((r.spec.name.clone(), pushing_line(r)?))).collect()
}

/// The compare view over repository `repo`'s push range, loading under a
/// `generation` drawn only when there is a range to load.
pub fn open_compare(repos: &Repos, repo: usize, generation: impl FnOnce() -> u64, now: DateTime<Utc>) -> Outcome {
    let Some(row) = repos.rows.get(repo) else { return Outcome::default() };
    let Some(status) = row.status.value() else {
        return note(now, "this repository has not been scanned yet").into();
    };
    let Some(CompareRange { from, to, to_head }) = status.range() else {
        return note(now, "no previous push tag to compare from").into();
    };
    let generation = generation();
    let view = CompareView {
        repo,
        from: from.clone(),
        to: to.clone(),
        to_head,
        generation,
        commits: Remote::Loading,
        show_merges: false,
        selected: 0,
    };
    let load = ReposEffect::LoadCompare { generation, repo, spec: row.spec.clone(), from, to };
    Outcome { acts: vec![Act::OpenCompare(Box::new(view)), Act::Effect(Effect::Repos(load))] }
}

/// The open compare view's commits, unless the answer is for one closed or
/// replaced since.
pub fn on_compare_loaded(
    view: Option<&mut CompareView>,
    generation: u64,
    result: Result<Vec<CommitInfo>, String>,
    at: DateTime<Utc>,
) {
    let Some(view) = view else { return };
    if view.generation != generation {
        return;
    }
    view.commits = match result {
        Ok(value) => Remote::Ready { value, at },
        Err(error) => Remote::Failed { error, at },
    };
}

/// The compare URL of the open view, else of the selected repository.
pub fn current_url(repos: &Repos, open: Option<&CompareView>, selected: usize) -> Option<String> {
    if let Some(view) = open {
        return repos.rows.get(view.repo)?.compare_url(&view.from, &ref_label(&view.to));
    }
    let row = repos.rows.get(selected)?;
    let range = row.status.value()?.range()?;
    row.compare_url(&range.from, &range.to_label())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::action::Action;
    use crate::domain::msg::Msg;
    use crate::domain::repos::msg::ReposMsg;
    use crate::domain::update::update;
    #[test]
    fn compare_opens_loads_and_ignores_stale_answers() {
        let mut m = model();
        update(&mut m, Msg::Tick(t0()));
        scanned(&mut m, 0, status(&[("2026.11.19", "a")], "b"));
        m.view.focus = crate::domain::view::pane::Pane::Repos;
        let effects = update(&mut m, Msg::Action(Action::Activate));
        let [Effect::Repos(ReposEffect::LoadCompare { generation, from, to, .. })] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!((from.as_str(), to.as_str()), ("2026.11.19", "b".repeat(40).as_str()));
        let generation = *generation;
        update(
            &mut m,
            Msg::Repos(ReposMsg::CompareLoaded { generation: generation - 1, result: Ok(vec![]), at: t0() }),
        );
        assert!(matches!(m.view.compare().unwrap().commits, Remote::Loading));
        let mut merge = commit("e");
        merge.merge = true;
        update(
            &mut m,
            Msg::Repos(ReposMsg::CompareLoaded { generation, result: Ok(vec![commit("d"), merge]), at: t0() }),
        );
        assert_eq!(m.view.compare().unwrap().visible().len(), 1, "merges hidden by default");
        update(&mut m, Msg::Action(Action::ToggleMerges));
        assert_eq!(m.view.compare().unwrap().visible().len(), 2);
        let copy = update(&mut m, Msg::Action(Action::CopyUrl));
        assert_eq!(copy, vec![Effect::Copy("https://github.com/example/web/compare/2026.11.19...bbbbbbbbbbbb".into())]);
        update(&mut m, Msg::Action(Action::Cancel));
        assert!(m.view.compare().is_none());
    }
}
