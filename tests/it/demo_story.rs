//! The demo's story is one a person can follow and believe: a service whose
//! repository is not tagged yet runs nothing new until its tag is pushed
//! (`t`, then `P`), and `p` pauses the story.

use crate::common::Pty;
use crate::pty::prod_on_target;
use std::time::Duration;

#[test]
fn an_untagged_service_deploys_only_once_its_tag_is_pushed() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().display().to_string();
    let mut p = Pty::start(&["demo", "--speed", "20", "--as", "tester", "--data-dir", &data_dir]);
    // Every prod but addons-frontend's, whose repository waits for `t`.
    p.wait_for("prod on 7 of 8", Duration::from_secs(60), |s| prod_on_target(s).filter(|n| *n == 7));
    // The story has ended meanwhile at this speed; nothing more comes.
    std::thread::sleep(Duration::from_secs(2));
    let screen = p.contents();
    assert_eq!(prod_on_target(&screen), Some(7), "{screen}");
    assert!(screen.contains("addons-frontend      ○ "), "stage too runs the previous tag: {screen}");

    p.press(b"t");
    p.wait_for_text("the tag dialog", "Create tags?");
    p.press(b"\r");
    p.wait_for_text("the tag", "addons-frontend: tagged ");
    p.press(b"P");
    p.wait_for_text("the push dialog", "Push tags?");
    p.press(b"\r");
    p.wait_for("prod on 8 of 8", Duration::from_secs(60), |s| prod_on_target(s).filter(|n| *n == 8));

    p.press(b"p");
    p.wait_for_text("the pause", "demo story paused");
    p.press(b"p");
    p.wait_for_text("the story going on", "demo story resumes");
    p.quit();
}
