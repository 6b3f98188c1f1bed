//! The user-bindable verbs. Their snake_case names are the `[keys]` vocabulary of
//! the config, and their descriptions feed the help overlay and the footer, so
//! neither can drift from what a key really does.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    ToggleHelp,
    Cancel,
    FocusNext,
    FocusPrev,
    FocusChecklist,
    FocusRepos,
    FocusRollout,
    FocusSentry,
    FocusLog,
    ToggleZoom,
    Refresh,
    SelectNext,
    SelectPrev,
    PageDown,
    PageUp,
    SelectFirst,
    SelectLast,
    Fetch,
    CreateTags,
    PushTags,
    Activate,
    Compare,
    ToggleMerges,
    CopyUrl,
    OpenUrl,
    ToggleTick,
    Waive,
    MarkPush,
    SearchLog,
    LogFilter,
    Compose,
    ExportNotes,
}

impl Action {
    pub const ALL: [Action; 33] = [
        Action::Quit,
        Action::ToggleHelp,
        Action::Cancel,
        Action::FocusNext,
        Action::FocusPrev,
        Action::FocusChecklist,
        Action::FocusRepos,
        Action::FocusRollout,
        Action::FocusSentry,
        Action::FocusLog,
        Action::ToggleZoom,
        Action::Refresh,
        Action::SelectNext,
        Action::SelectPrev,
        Action::PageDown,
        Action::PageUp,
        Action::SelectFirst,
        Action::SelectLast,
        Action::Fetch,
        Action::CreateTags,
        Action::PushTags,
        Action::Activate,
        Action::Compare,
        Action::ToggleMerges,
        Action::CopyUrl,
        Action::OpenUrl,
        Action::ToggleTick,
        Action::Waive,
        Action::MarkPush,
        Action::SearchLog,
        Action::LogFilter,
        Action::Compose,
        Action::ExportNotes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "toggle_help",
            Action::Cancel => "cancel",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::FocusChecklist => "focus_checklist",
            Action::FocusRepos => "focus_repos",
            Action::FocusRollout => "focus_rollout",
            Action::FocusSentry => "focus_sentry",
            Action::FocusLog => "focus_log",
            Action::ToggleZoom => "toggle_zoom",
            Action::Refresh => "refresh",
            Action::SelectNext => "select_next",
            Action::SelectPrev => "select_prev",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::SelectFirst => "select_first",
            Action::SelectLast => "select_last",
            Action::Fetch => "fetch",
            Action::CreateTags => "create_tags",
            Action::PushTags => "push_tags",
            Action::Activate => "activate",
            Action::Compare => "compare",
            Action::ToggleMerges => "toggle_merges",
            Action::CopyUrl => "copy_url",
            Action::OpenUrl => "open_url",
            Action::ToggleTick => "toggle_tick",
            Action::Waive => "waive",
            Action::MarkPush => "mark_push",
            Action::SearchLog => "search_log",
            Action::LogFilter => "log_filter",
            Action::Compose => "compose",
            Action::ExportNotes => "export_notes",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit shipdeck",
            Action::ToggleHelp => "show or hide this help",
            Action::Cancel => "close the overlay / leave zoom",
            Action::FocusNext => "focus the next pane",
            Action::FocusPrev => "focus the previous pane",
            Action::FocusChecklist => "focus Checklist",
            Action::FocusRepos => "focus Repos & tags",
            Action::FocusRollout => "focus Rollout",
            Action::FocusSentry => "focus Sentry",
            Action::FocusLog => "focus Log",
            Action::ToggleZoom => "zoom the focused pane",
            Action::Refresh => "poll every service now",
            Action::SelectNext => "select the next row",
            Action::SelectPrev => "select the previous row",
            Action::PageDown => "page down",
            Action::PageUp => "page up",
            Action::SelectFirst => "select the first row",
            Action::SelectLast => "select the last row",
            Action::Fetch => "fetch every repository (git fetch --tags)",
            Action::CreateTags => "create the next push tag where one is needed",
            Action::PushTags => "push created tags to the remote",
            Action::Activate => "open the selection / confirm a dialog",
            Action::Compare => "compare the previous tag with the target",
            Action::ToggleMerges => "show or hide merge commits (compare)",
            Action::CopyUrl => "copy the compare URL (OSC 52)",
            Action::OpenUrl => "open the compare URL in a browser",
            Action::ToggleTick => "tick or untick the selected checklist item",
            Action::Waive => "waive the selected item, giving a reason",
            Action::MarkPush => "mark the push started / finished",
            Action::SearchLog => "search the log (esc clears)",
            Action::LogFilter => "log: all, people, system or mine",
            Action::Compose => "write in the log (enter sends, esc leaves)",
            Action::ExportNotes => "write the push notes beside the journal",
        }
    }

    /// Short label for the footer; `None` keeps the action out of the footer
    /// (it is still in the help overlay).
    pub fn footer_label(self) -> Option<&'static str> {
        match self {
            Action::Quit => Some("quit"),
            Action::ToggleHelp => Some("help"),
            Action::FocusNext => Some("next pane"),
            Action::ToggleZoom => Some("zoom"),
            Action::Refresh => Some("refresh"),
            Action::SelectNext => Some("down"),
            Action::SelectPrev => Some("up"),
            Action::Fetch => Some("fetch"),
            Action::CreateTags => Some("tag"),
            Action::PushTags => Some("push tags"),
            Action::Activate => Some("open"),
            Action::Compare => Some("compare"),
            Action::ToggleMerges => Some("merges"),
            Action::CopyUrl => Some("copy url"),
            Action::OpenUrl => Some("open url"),
            Action::ToggleTick => Some("tick"),
            Action::Waive => Some("waive"),
            Action::MarkPush => Some("push start/end"),
            Action::SearchLog => Some("search"),
            Action::LogFilter => Some("filter"),
            Action::Compose => Some("write"),
            Action::ExportNotes => Some("export notes"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert!(!a.description().is_empty());
        }
    }
}
