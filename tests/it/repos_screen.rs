//! The Repos & tags pane, the tag confirmation dialog and the compare view,
//! drawn from a model fed through `update` (no git needed).

use chrono::{DateTime, TimeZone, Utc};
use shipdeck::action::Action;
use shipdeck::domain::kernel::actor::{Actor, Role};
use shipdeck::domain::repos::SecurityState;
use shipdeck::domain::repos::msg::{ReposEffect, ReposMsg};
use shipdeck::domain::{Effect, Model, Msg, update};
use shipdeck::testkit;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 20, 0).unwrap()
}

fn model() -> Model {
    let mut specs = testkit::specs(&["addons-server", "addons-frontend"]);
    specs[0].repo = Some("addons-server".into());
    specs[1].repo = Some("addons-frontend".into());
    let mut m = Model::new(
        testkit::release(),
        Actor { name: "alice".into(), role: Role::Rm },
        vec!["stage".into(), "prod".into()],
        &specs,
        &[testkit::repo_spec("addons-server"), testkit::repo_spec("addons-frontend"), testkit::repo_spec("broken")],
        std::time::Duration::from_secs(15),
        t0(),
    );
    update(&mut m, Msg::Tick(t0()));
    let mut server = testkit::repo_status(&[("2026.11.19", "a"), ("2026.11.19-1", "b"), ("2026.11.26", "c")], "c");
    server.security = Some(Ok(SecurityState { remote: "security".into(), in_sync: false, ahead: 0, behind: 1 }));
    server.fetched_at = Some(t0() - chrono::Duration::minutes(3));
    let frontend = testkit::repo_status(&[("2026.11.19", "d"), ("v1.2.3", "e")], "f");
    let results = [Ok(Box::new(server)), Ok(Box::new(frontend)), Err("broken: /src/broken does not exist".into())];
    for (repo, result) in results.into_iter().enumerate() {
        let generation = m.repos.rows[repo].scan_gen;
        update(&mut m, Msg::Repos(ReposMsg::Scanned { generation, repo, result, at: t0() }));
    }
    update(&mut m, Msg::Action(Action::FocusRepos));
    m
}

use crate::common::screen::draw;

#[test]
fn repos_pane_zoomed_and_in_the_grid() {
    let mut m = model();
    insta::assert_snapshot!("repos_grid_120x40", draw(&m, 120, 40));
    update(&mut m, Msg::Action(Action::ToggleZoom));
    insta::assert_snapshot!("repos_zoom_120x40", draw(&m, 120, 40));
}

#[test]
fn tag_dialog_lists_what_will_happen() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::CreateTags));
    insta::assert_snapshot!("tag_dialog_120x40", draw(&m, 120, 40));
}

#[test]
fn compare_view_loading_then_list() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::SelectNext));
    let effects = update(&mut m, Msg::Action(Action::Activate));
    let [Effect::Repos(ReposEffect::LoadCompare { generation, .. })] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let generation = *generation;
    let loading = draw(&m, 100, 30);
    assert!(loading.contains("loading commits…"), "{loading}");
    let authors = ["Ada Lovelace", "Grace Hopper", "Linus Torvalds", "Margaret Hamilton"];
    let mut commits: Vec<_> = (0..3000)
        .map(|i| {
            let seed = format!("{:08x}", (i as u32).wrapping_mul(2_654_435_761));
            testkit::commit(
                &seed,
                &format!("Change number {}", 3000 - i),
                authors[i % 4],
                1_795_000_000 - i as i64 * 600,
            )
        })
        .collect();
    commits[1].merge = true;
    commits[1].summary = "Merge pull request #812 from feature/ratings".into();
    update(&mut m, Msg::Repos(ReposMsg::CompareLoaded { generation, result: Ok(commits), at: t0() }));
    insta::assert_snapshot!("compare_100x30", draw(&m, 100, 30));
    // Thousands of commits scroll: the last one is reachable and drawn.
    update(&mut m, Msg::Action(Action::SelectLast));
    let end = draw(&m, 100, 30);
    assert!(end.contains("Change number 1\n") || end.contains("Change number 1 "), "{end}");
}

#[test]
fn tiny_sizes_with_overlays_do_not_panic() {
    let mut m = model();
    update(&mut m, Msg::Action(Action::CreateTags));
    for w in 1..=30 {
        for h in 1..=12 {
            draw(&m, w, h);
        }
    }
    update(&mut m, Msg::Action(Action::Cancel));
    update(&mut m, Msg::Action(Action::Compare));
    for w in (1..=80).step_by(7) {
        for h in 1..=20 {
            draw(&m, w, h);
        }
    }
}
