//! Where the user was looking: focus, zoom and each pane's selection, saved
//! beside the journal when the cockpit closes and restored when it opens.
//! Not journaled: it is one person's view, not something that happened.

use crate::domain::model::Model;
use crate::domain::view::pane::Pane;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewMemory {
    pub focus: Option<String>,
    pub zoomed: bool,
    pub service: usize,
    pub repo: usize,
    /// The selected checklist item's id: an index would land on another
    /// item once the template changed.
    pub check: Option<String>,
}

impl ViewMemory {
    pub fn of(model: &Model) -> Self {
        ViewMemory {
            focus: Some(model.view.focus.title().to_string()),
            zoomed: model.view.zoomed,
            service: model.view.selected,
            repo: model.view.repo_selected,
            check: crate::domain::checklist::eval::evaluate(model)
                .nth(model.view.check_selected)
                .map(|i| i.spec.id.clone()),
        }
    }

    /// Puts the view back, clamped to what exists now (the config may have
    /// changed in between).
    pub fn restore(&self, model: &mut Model) {
        if let Some(p) = Pane::ALL.iter().find(|p| Some(p.title()) == self.focus.as_deref()) {
            model.view.focus = *p;
        }
        model.view.zoomed = self.zoomed;
        let clamp = |i: usize, len: usize| i.min(len.saturating_sub(1));
        model.view.selected = clamp(self.service, model.rollout.services.len());
        model.view.repo_selected = clamp(self.repo, model.repos.rows.len());
        if let Some(i) = self.check.as_ref().and_then(|id| model.checklist.items().position(|i| &i.id == id)) {
            model.view.check_selected = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn round_trips_and_clamps() {
        let t = testkit::release().window.unwrap().start;
        let mut m = testkit::model(&["a", "b", "c"], t);
        m.view.focus = Pane::Checklist;
        m.view.zoomed = true;
        m.view.selected = 2;
        m.view.check_selected = 7;
        let saved = serde_json::to_string(&ViewMemory::of(&m)).unwrap();
        let mut fresh = testkit::model(&["a", "b"], t);
        serde_json::from_str::<ViewMemory>(&saved).unwrap().restore(&mut fresh);
        assert_eq!((fresh.view.focus, fresh.view.zoomed, fresh.view.check_selected), (Pane::Checklist, true, 7));
        assert_eq!(ViewMemory::of(&fresh).check.as_deref(), Some("deploy-notes"), "kept by id");
        assert_eq!(fresh.view.selected, 1, "clamped to the services there are now");
        let junk: ViewMemory = serde_json::from_str(r#"{"focus":"Nope","extra":1}"#).unwrap();
        junk.restore(&mut fresh);
        assert_eq!(fresh.view.focus, Pane::Checklist, "an unknown pane changes nothing");
    }
}
