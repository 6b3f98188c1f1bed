//! `p` in the demo's cockpit.

use crate::domain::log::LogKind;
use crate::domain::model::Model;
use crate::domain::msg::Effect;

/// `p`: pauses the story or resumes it, and says so in the log.
pub fn toggle_pause(model: &mut Model) -> Vec<Effect> {
    let Some(demo) = &mut model.demo else {
        model.flash("p pauses the demo's story: this is not the demo", true);
        return Vec::new();
    };
    demo.paused = !demo.paused;
    let paused = demo.paused;
    let text = if paused { "demo story paused: p resumes it" } else { "demo story resumes" };
    model.push_log(model.now, LogKind::System, text.to_string());
    vec![Effect::PauseStory(paused)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::domain::demo::Demo;
    use crate::domain::{Msg, update};

    #[test]
    fn p_pauses_and_resumes_the_demo_only() {
        let mut m = crate::testkit::model(&["web"], crate::testkit::release().window.unwrap().start);
        assert!(update(&mut m, Msg::Action(Action::PauseStory)).is_empty());
        assert!(m.view.flash.take().unwrap().text.contains("not the demo"));
        m.demo = Some(Demo::default());
        assert_eq!(update(&mut m, Msg::Action(Action::PauseStory)), vec![Effect::PauseStory(true)]);
        assert_eq!(m.log.entries.back().unwrap().text, "demo story paused: p resumes it");
        assert_eq!(update(&mut m, Msg::Action(Action::PauseStory)), vec![Effect::PauseStory(false)]);
        assert!(!m.demo.as_ref().unwrap().paused);
    }
}
