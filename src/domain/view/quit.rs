//! Quitting. `quit` in the main view asks first while git work a quit would
//! cut short is under way (a push, a tag being created, a fetch), naming it;
//! in an overlay it closes the overlay. `quit_now` (ctrl-c) never asks.
//! Either way the loop ends the same orderly way: the journal's pending
//! lines are written before the cockpit goes.

use super::confirm::Confirm;
use crate::domain::model::Model;
use crate::domain::repos::{RepoOp, Repos};

/// `quit` in the main view: quits, or asks first what is in flight.
pub fn ask(model: &mut Model) {
    let mut in_flight = in_flight(&model.repos);
    // Quitting stops a deploy's hook (its process group is stopped).
    if let Some(run) = model.deploy.run.as_ref().filter(|r| r.running()) {
        in_flight.push(run.summary());
    }
    if in_flight.is_empty() {
        model.view.should_quit = true;
    } else {
        model.view.open_confirm(Confirm::Quit { in_flight });
    }
}

/// The git work under way that quitting would cut short, one phrase per
/// repository, in the Repos pane's order: "a push of 2026.12.01 to
/// addons-server". A fetch is not asked about: cut short it changes nothing
/// (and one starts by itself when a teammate tags).
pub fn in_flight(repos: &Repos) -> Vec<String> {
    repos
        .rows
        .iter()
        .filter_map(|row| {
            let name = &row.spec.name;
            match row.op.as_ref()? {
                RepoOp::Pushing(tag) => Some(format!("a push of {tag} to {name}")),
                RepoOp::Tagging(tag) => Some(format!("the tag {tag} being created in {name}")),
                RepoOp::Fetching => None,
            }
        })
        .collect()
}

/// The dialog's question, a line each: one thing in flight is one sentence,
/// several are listed under it so a long list never widens the dialog past
/// the screen.
pub fn question(in_flight: &[String]) -> Vec<String> {
    match in_flight {
        [one] => vec![format!("{} is in flight: quit anyway?", capitalized(one))],
        many => {
            let mut lines = vec![format!("{} git operations are in flight:", many.len())];
            lines.extend(many.iter().map(|what| format!("  {what}")));
            lines.push("Quit anyway?".to_string());
            lines
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::domain::repos::{CompareView, RepoRow};
    use crate::domain::view::prompt::{Prompt, PromptFor};
    use crate::domain::view::scope::{Scope, scope};
    use crate::domain::{Model, Msg, update};
    use crate::testkit;

    fn model() -> Model {
        testkit::model(&["svc"], testkit::release().window.unwrap().start)
    }

    fn act(m: &mut Model, action: Action) {
        update(m, Msg::Action(action));
    }

    fn with_repo(m: &mut Model, name: &str, op: Option<RepoOp>) {
        let mut row = RepoRow::new(testkit::repo_spec(name));
        row.op = op;
        m.repos.rows.push(row);
    }

    fn compare_view() -> CompareView {
        crate::testkit::compare_view()
    }

    /// Opens an overlay as the keys open it.
    type Open = fn(&mut Model);

    /// Every overlay the keymap hears `q` in.
    fn overlays() -> [(&'static str, Open); 4] {
        [
            ("help", |m| act(m, Action::ToggleHelp)),
            ("a confirm dialog", |m| m.view.open_confirm(Confirm::StartPush { finished: None })),
            ("the compare view", |m| m.view.open_compare(compare_view())),
            ("the quit dialog itself", |m| {
                with_repo(m, "web", Some(RepoOp::Pushing("2026.12.01".into())));
                act(m, Action::Quit);
            }),
        ]
    }

    #[test]
    fn q_in_an_overlay_closes_it_and_never_quits() {
        for (what, open) in overlays() {
            let mut m = model();
            open(&mut m);
            assert!(m.view.overlay.is_some(), "{what} is open");
            act(&mut m, Action::Quit);
            assert!(!m.view.should_quit, "q in {what} quit the cockpit");
            assert_eq!(m.view.overlay, None, "q closed {what}");
            assert!(matches!(scope(&m), Scope::Main(_)), "{what}: back to the main view");
        }
    }

    #[test]
    fn help_over_the_compare_view_goes_back_to_it_on_q() {
        let mut m = model();
        m.view.open_compare(compare_view());
        act(&mut m, Action::ToggleHelp);
        assert_eq!(scope(&m), Scope::Help);
        act(&mut m, Action::Quit);
        assert_eq!(scope(&m), Scope::Compare);
        act(&mut m, Action::Quit);
        assert!(matches!(scope(&m), Scope::Main(_)));
        assert!(!m.view.should_quit);
        act(&mut m, Action::Quit);
        assert!(m.view.should_quit, "the main view quits");
    }

    #[test]
    fn ctrl_c_quits_from_every_overlay_without_asking() {
        for (what, open) in overlays() {
            let mut m = model();
            open(&mut m);
            act(&mut m, Action::QuitNow);
            assert!(m.view.should_quit, "ctrl-c in {what}");
        }
        let mut m = model();
        m.view.open_prompt(Prompt { purpose: PromptFor::Search, input: Default::default() });
        act(&mut m, Action::QuitNow);
        assert!(m.view.should_quit, "ctrl-c in a prompt");
        let mut m = model();
        with_repo(&mut m, "web", Some(RepoOp::Pushing("2026.12.01".into())));
        act(&mut m, Action::QuitNow);
        assert!(m.view.should_quit, "ctrl-c with a push in flight does not ask");
        assert_eq!(m.view.confirm(), None);
    }

    #[test]
    fn q_with_a_push_in_flight_asks_and_confirming_quits() {
        let mut m = model();
        with_repo(&mut m, "addons-server", Some(RepoOp::Pushing("2026.12.01".into())));
        act(&mut m, Action::Quit);
        assert!(!m.view.should_quit, "asks first");
        let Some(Confirm::Quit { in_flight }) = m.view.confirm() else { panic!("no dialog: {:?}", m.view.overlay) };
        assert_eq!(question(in_flight), ["A push of 2026.12.01 to addons-server is in flight: quit anyway?"]);
        act(&mut m, Action::Cancel);
        assert!(!m.view.should_quit && m.view.overlay.is_none(), "esc: still running");
        act(&mut m, Action::Quit);
        act(&mut m, Action::Activate);
        assert!(m.view.should_quit, "confirming quits");
    }

    #[test]
    fn q_with_nothing_in_flight_quits_at_once() {
        let mut m = model();
        with_repo(&mut m, "web", None);
        act(&mut m, Action::Quit);
        assert!(m.view.should_quit);
    }

    #[test]
    fn every_kind_of_git_work_is_named() {
        let mut m = model();
        with_repo(&mut m, "web", Some(RepoOp::Tagging("2026.12.01".into())));
        with_repo(&mut m, "idle", None);
        with_repo(&mut m, "api", Some(RepoOp::Fetching));
        with_repo(&mut m, "cdn", Some(RepoOp::Pushing("2026.12.01-1".into())));
        let names = in_flight(&m.repos);
        assert_eq!(
            question(&names),
            [
                "2 git operations are in flight:",
                "  the tag 2026.12.01 being created in web",
                "  a push of 2026.12.01-1 to cdn",
                "Quit anyway?",
            ]
        );
    }
}
